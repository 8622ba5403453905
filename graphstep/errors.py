"""User-facing errors: every mistake a user can make ends in one of these, never a traceback."""

from __future__ import annotations

from graphstep.textsafe import escape


class GraphstepError(Exception):
    """An error caused by user input; the CLI prints ``str(error)`` and exits with code 2."""

    exit_code = 2


class InputError(GraphstepError):
    """A missing, unknown or malformed input value (``NAME=VALUE``, ``graph.run(x=...)``)."""


class SourceError(GraphstepError):
    """A problem at a position in the source text: shown with line, column and a caret."""

    def __init__(self, message: str, source: str, start: int, end: int | None = None) -> None:
        self.message = message
        self.source = source
        self.start = max(0, min(start, len(source)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        self.line, self.column = line_and_column(source, self.start)
        super().__init__(self.render())

    def render(self) -> str:
        lines = self.source.splitlines() or [""]
        text = lines[self.line - 1] if self.line - 1 < len(lines) else ""
        # Long lines (a 100,000-character expression) are cut to a window around the caret.
        left = max(0, self.column - 1 - 40)
        shown = text[left : left + 80]
        prefix = "…" if left > 0 else ""
        suffix = "…" if left + 80 < len(text) else ""
        width = max(1, min(self.end - self.start, len(text) - (self.column - 1), 80))
        # Control characters in the line (ESC, bidi overrides) are shown escaped; the caret follows them.
        before = escape(text[left : self.column - 1], one_line=True)
        marked = escape(text[self.column - 1 : self.column - 1 + width], one_line=True)
        caret = " " * (len(prefix) + len(before)) + "^" * max(1, len(marked))
        return (
            f"error: {escape(self.message)}\n"
            f"  --> line {self.line}, column {self.column}\n"
            f"   | {prefix}{escape(shown, one_line=True)}{suffix}\n"
            f"   | {caret}"
        )


def line_and_column(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = source.count("\n", 0, offset) + 1
    line_start = source.rfind("\n", 0, offset) + 1
    return line, offset - line_start + 1
