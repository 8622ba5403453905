"""Finding and running the Graphviz ``dot`` binary; a missing binary is one clear message.

``GRAPHSTEP_NO_DOT=1`` makes graphstep behave as if ``dot`` were not installed (tests use it to check the
fallback on machines that have Graphviz); ``GRAPHSTEP_DOT`` points at a binary outside ``PATH``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from graphstep.errors import GraphstepError, Phrase

INSTALL_HINT = Phrase("export.install_graphviz")
"""How to install Graphviz (apt-get, brew, conda), in the language of the message it is part of."""
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


def require_dot(what: Phrase) -> str:
    """The ``dot`` binary, or an error saying that ``what`` (``.png output``) needs it and how to get it."""
    dot = find_dot()
    if dot is None:
        bad = bad_setting()
        if bad:
            raise GraphstepError("export.dot_bad_setting", what=what, bad=bad)
        raise GraphstepError("export.dot_not_found", what=what, hint=INSTALL_HINT)
    return dot


def bad_setting() -> Phrase | None:
    """What is wrong with ``GRAPHSTEP_DOT`` when it names no program (None when unset or fine)."""
    explicit = os.environ.get("GRAPHSTEP_DOT")
    if not explicit or os.environ.get("GRAPHSTEP_NO_DOT", "") not in ("", "0") or find_dot() is not None:
        return None
    why = ("export.dot_missing" if not os.path.exists(explicit) else
           "export.dot_folder" if os.path.isdir(explicit) else "export.dot_not_executable")
    return Phrase(why, {"path": explicit})


def render(source: str, fmt: str, dpi: int | None = None) -> bytes:
    """Run ``dot -T<fmt>`` on DOT source; returns the output's bytes (deterministic for svg, png, pdf)."""
    dot = require_dot(Phrase("export.what_output", {"fmt": fmt}))
    command = [dot, f"-T{fmt}"]
    if dpi:
        command.append(f"-Gdpi={dpi}")
    if fmt == "pdf":
        command.append("-Gmargin=0")  # cairo's default half-inch page margin: the page hugs the picture
    try:
        done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S,
                              check=False, env=_fixed_clock_env())
    except subprocess.TimeoutExpired:
        raise GraphstepError("export.dot_timeout", seconds=TIMEOUT_S) from None
    except OSError as error:
        raise GraphstepError("export.dot_failed", reason=error) from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[0] if message else Phrase("export.exit_code", {"code": done.returncode})
        raise GraphstepError("export.dot_failed", reason=reason)
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
