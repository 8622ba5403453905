"""Finding and running the Graphviz ``dot`` binary; a missing binary is one clear message.

``GRAPHSTEP_NO_DOT=1`` makes graphstep behave as if ``dot`` were not installed (tests use it to check the
fallback on machines that have Graphviz); ``GRAPHSTEP_DOT`` points at a binary outside ``PATH``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from graphstep.errors import GraphstepError

INSTALL_HINT = ("install Graphviz with `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS)"
                " or `conda install -c conda-forge graphviz`")
TIMEOUT_S = 90
"""A safety net: graphstep predicts slow graphs (``cost``) and does not start `dot` on them."""


def find_dot() -> str | None:
    """The path of the ``dot`` binary, or None when it is absent (or pretended absent)."""
    if os.environ.get("GRAPHSTEP_NO_DOT", "") not in ("", "0"):
        return None
    explicit = os.environ.get("GRAPHSTEP_DOT")
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    return shutil.which("dot")


def require_dot(what: str) -> str:
    dot = find_dot()
    if dot is None:
        bad = bad_setting()
        if bad:
            raise GraphstepError(f"{what} needs the Graphviz `dot` binary, but {bad}")
        raise GraphstepError(f"{what} needs the Graphviz `dot` binary, which was not found; {INSTALL_HINT}")
    return dot


def bad_setting() -> str | None:
    """What is wrong with ``GRAPHSTEP_DOT`` when it names no program (None when unset or fine)."""
    explicit = os.environ.get("GRAPHSTEP_DOT")
    if not explicit or os.environ.get("GRAPHSTEP_NO_DOT", "") not in ("", "0") or find_dot() is not None:
        return None
    why = ("does not exist" if not os.path.exists(explicit) else
           "is a folder" if os.path.isdir(explicit) else "is not executable")
    return f"GRAPHSTEP_DOT={explicit} {why}; point it at the `dot` program or unset it"


def render(source: str, fmt: str, dpi: int | None = None) -> bytes:
    """Run ``dot -T<fmt>`` on DOT source; returns the output's bytes (deterministic for svg, png, pdf)."""
    dot = require_dot(f".{fmt} output")
    command = [dot, f"-T{fmt}"]
    if dpi:
        command.append(f"-Gdpi={dpi}")
    if fmt == "pdf":
        command.append("-Gmargin=0")  # cairo's default half-inch page margin: the page hugs the picture
    try:
        done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S,
                              check=False, env=_fixed_clock_env())
    except subprocess.TimeoutExpired:
        raise GraphstepError(f"Graphviz `dot` timed out after {TIMEOUT_S} s; graphstep's own layout (--builtin)"
                             " draws big graphs in seconds") from None
    except OSError as error:
        raise GraphstepError(f"Graphviz `dot` failed: {error}") from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphstepError(f"Graphviz `dot` failed: {message[0] if message else f'exit code {done.returncode}'}")
    return pin_pdf_date(done.stdout) if fmt == "pdf" else done.stdout


def _fixed_clock_env() -> dict[str, str]:
    """The environment for ``dot``: UTC and a fixed epoch, so no time zone or clock reaches the output."""
    return {**os.environ, "TZ": "UTC", "SOURCE_DATE_EPOCH": "0"}


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{4,14})([^)]{0,12})\)")


def pin_pdf_date(pdf: bytes) -> bytes:
    """cairo stamps the time (with the local zone, ``+01'00``) into a PDF: a fixed date of the same length
    keeps the bytes (and the cross-reference offsets) stable in every time zone."""

    def fixed(match: re.Match[bytes]) -> bytes:
        digits, zone = match.group(2), match.group(3)
        pinned_zone = re.sub(rb"\d", b"0", zone).replace(b"-", b"+")
        return b"/" + match.group(1) + b" (D:" + b"19700101000000"[: len(digits)] + pinned_zone + b")"

    return _PDF_DATE.sub(fixed, pdf)
