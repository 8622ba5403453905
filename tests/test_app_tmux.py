"""The real console entry point in a real terminal (tmux): the lecture's numbers appear on the screen and
quitting restores the terminal. Skipped when tmux is absent."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=20).stdout


def wait_for(session: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-t", session, "-p")
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def test_console_script_steps_the_neuron_in_tmux() -> None:
    session = f"graphstep-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    command = f"{sys.executable} -m graphstep examples/neuron.gstep; echo EXITED=$?; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", str(ROOT), command],
                   check=True, env=env, timeout=20)
    try:
        wait_for(session, "step 0 of 17")
        tmux("send-keys", "-t", session, "f")
        screen = wait_for(session, "step 8 of 17")
        for number in ("2.00", "-1.00", "-3.00", "6.00", "4.00", "0.37", "1.37", "0.73"):
            assert number in screen
        assert "-0.53" not in screen  # no gradient before the backward pass
        tmux("send-keys", "-t", session, "End")
        screen = wait_for(session, "step 17 of 17")
        for number in ("-0.53", "-0.20", "0.39", "-0.39", "-0.59", "0.20", "1.00"):
            assert number in screen
        tmux("send-keys", "-t", session, "q")
        screen = wait_for(session, "EXITED=0")
        assert "step 17 of 17" not in screen  # the alternate screen is gone: the terminal is restored
    finally:
        tmux("kill-session", "-t", session)
