"""Shared fixtures: the shipped examples and a way to run the real console entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (a red CI is then always reproducible); locally they vary.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "graphstep" / "examples"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m graphstep ARGS`` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "graphstep", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env,
    )
