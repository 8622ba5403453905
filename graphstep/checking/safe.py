"""Echoing untrusted text (student file names, their program lines) in the checker's reports.

Control characters are escaped by the project's one escape function (:func:`graphstep.textsafe.escape`);
this adds a length cap, so a long file name does not push a class report's columns off the screen.
"""

from __future__ import annotations

from graphstep.textsafe import escape

LIMIT = 80


def shown(text: str, limit: int = LIMIT) -> str:
    """``text`` on one line with control characters escaped (``\\u001b``), cut to ``limit`` characters."""
    result = escape(text, one_line=True)
    return result if len(result) <= limit else result[: limit - 1] + "…"
