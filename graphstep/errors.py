"""User-facing errors: every mistake a user can make ends in one of these, never a traceback.

An error carries a message key of the catalogues (``graphstep/locales``) and its fields, and is rendered in
the user's language by :meth:`GraphstepError.render`; ``str(error)`` is the English text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphstep.i18n import has, t
from graphstep.textsafe import escape


@dataclass(frozen=True)
class Phrase:
    """A piece of a message, told in the language of the message it is part of (``the end of the line``)."""

    key: str
    fields: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return t(self.key, lang, **{name: _told(v, lang) for name, v in self.fields.items()})


class GraphstepError(Exception):
    """An error caused by user input; the CLI prints ``error.render(lang)`` and exits with code 2.

    ``GraphstepError("error.file_not_found", path=...)``: a catalogue key and its fields. A field that is
    itself a GraphstepError is rendered in the same language. (Text that is not a catalogue key is shown as
    it is: only for wrapping messages that come from outside graphstep.)
    """

    exit_code = 2

    def __init__(self, key: str, /, **fields: Any) -> None:
        self.key = key
        self.fields = fields
        self.message = self.text("en")
        """The message alone, in English."""
        super().__init__(self.message)

    def text(self, lang: str = "en") -> str:
        """The message alone, in ``lang``."""
        if not has(self.key):
            return self.key
        return t(self.key, lang, **{name: _told(v, lang) for name, v in self.fields.items()})

    def render(self, lang: str = "en") -> str:
        """What a person sees: ``error: …`` in ``lang``."""
        return t("error.prefix", lang, message=self.text(lang))


class InputError(GraphstepError):
    """A missing, unknown or malformed input value (``NAME=VALUE``, ``graph.run(x=...)``)."""


class MissingInputError(InputError):
    """An input without a value: the app asks for the values when it sees this one."""


class GateValueError(GraphstepError, ValueError):
    """Inputs a gate cannot compute on (labels out of range): a ValueError, so the engine reports it as it
    reports numpy's, with the gate, its line and its input shapes, and told in the user's language."""


class SourceError(GraphstepError):
    """A problem at a position in the source text: shown with line, column and a caret."""

    def __init__(self, key: str, source: str, start: int, end: int | None = None, /, **fields: Any) -> None:
        self.source = source
        self.start = max(0, min(start, len(source)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        self.line, self.column = line_and_column(source, self.start)
        super().__init__(key, **fields)

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "en") -> str:
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
            f"{escape(t('error.prefix', lang, message=self.text(lang)))}\n"
            f"  --> {t('error.where', lang, line=self.line, column=self.column)}\n"
            f"   | {prefix}{escape(shown, one_line=True)}{suffix}\n"
            f"   | {caret}"
        )


def _told(value: Any, lang: str) -> Any:
    """A message field as shown in ``lang``: phrases and nested errors are translated, the rest kept."""
    if isinstance(value, Phrase):
        return value.text(lang)
    if isinstance(value, GraphstepError):
        return value.text(lang)
    return value


def line_and_column(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = source.count("\n", 0, offset) + 1
    line_start = source.rfind("\n", 0, offset) + 1
    return line, offset - line_start + 1
