"""Text from untrusted input, made safe to show on a terminal: the one escape function every view uses.

A student's file can hold terminal control sequences (``ESC[2J`` clears the screen, ``ESC]0;…`` retitles
the window, a C1 ``CSI`` does the same in one byte) and bidi overrides (U+202E shows ``gpj.exe`` as
``exe.jpg``). :func:`escape` writes each such character as a visible ``\\uXXXX`` (also a valid JSON
escape, so a JSON report stays valid). :class:`SafeStream` applies it to everything a command prints, and
keeps a terminal whose encoding is not UTF-8 from failing on ``∂``.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, TextIO

# C0 controls except tab and newline, DEL, C1 controls, the bidi marks, embeddings, overrides and isolates,
# the Arabic letter mark, and the Unicode line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape(text: str, one_line: bool = False) -> str:
    """``text`` with every control character (C0, DEL, C1, ESC, bidi controls) written as ``\\uXXXX``.

    Tabs and newlines stay, unless ``one_line`` (then they are escaped too: a name, a file name)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_visible, text)


def is_safe(text: str) -> bool:
    """Whether ``text`` shows as written (no character :func:`escape` would change, newlines allowed)."""
    return _UNSAFE.search(text) is None


# What graphstep writes, spelled in plain ASCII for a terminal that cannot show it (cp1252, latin-1, ascii).
FALLBACK = str.maketrans({
    "∂": "d", "·": "*", "×": "*", "−": "-", "–": "-", "—": "-", "…": "...", "≈": "~", "≠": "!=", "≤": "<=",
    "≥": ">=", "±": "+/-", "→": "->", "←": "<-", "↑": "^", "↓": "v", "✓": "ok", "✗": "x", "Σ": "sum",
    "σ": "sigma", "²": "^2", "³": "^3", "√": "sqrt", "█": "#", "│": "|", "─": "-", "⋅": "*",
})


def _spell(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: what a terminal cannot show is spelled in ASCII (``∂`` → ``d``), else ``?``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(c.translate(FALLBACK) if c.translate(FALLBACK) != c else "?" for c in bad), error.end


codecs.register_error("graphstep-ascii", _spell)


class SafeStream:
    """A text stream that escapes control characters and never fails to encode (see module docstring)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            self._codec = codecs.lookup(encoding).name
        except LookupError:
            self._codec = "ascii"
        self._unicode = self._codec.startswith("utf")

    def write(self, text: str) -> int:
        safe = escape(text)
        if not self._unicode:
            safe = safe.encode(self._codec, "graphstep-ascii").decode(self._codec)
        self.stream.write(safe)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
