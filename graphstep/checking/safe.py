"""Echoing untrusted text (student file names, their program lines): control characters are escaped.

A small local helper until a project-wide one exists; everything the class report or a warning echoes
from a student's file goes through :func:`shown`.
"""

from __future__ import annotations

import unicodedata

LIMIT = 80


def shown(text: str, limit: int = LIMIT) -> str:
    """``text`` with control and format characters written as escapes (``\\x1b``, ``\\u202e``), cut to
    ``limit`` characters with an ellipsis."""
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") or char in "\u2028\u2029":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    result = "".join(out)
    return result if len(result) <= limit else result[: limit - 1] + "…"
