"""The answers syntax: a student's numbers written in blackboard notation.

An answer is a line that starts with ``?``, in the exercise file itself or in a separate answers file
(where the ``?`` may be left out)::

    ? q = 3              the value of the node named q
    ? f = -12            the value of the output
    ? ∂f/∂x = -4         the gradient of the output with respect to x (an input or a named node)
    ? df/dx = -4         the same, typed in ASCII (also \\partial f/\\partial x, \\frac{\\partial f}{\\partial x})
    ? ∂q/∂x = 1          the derivative of an intermediate q with respect to x
    ? ∂f/∂q =            a blank answer: a question still to be worked

Numbers may use a decimal comma (``0,73``) and the slides' minus sign (``−4``); ``#`` starts a comment.
The core parser knows nothing of ``?``: :func:`split_program` blanks the answer lines out (keeping the
line numbers of the rest) before the program is parsed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from graphstep.errors import SourceError
from graphstep.lexer import canonical_name

_ANSWER_LINE = re.compile(r"^[ \t]*\?")
_DECIMALS = re.compile(r"^[ \t]*#[ \t]*(?:decimals|decimales)[ \t]*[:=]?[ \t]*(\d{1,2})[ \t]*$", re.MULTILINE)
DEFAULT_DECIMALS = 2
"""The lecture's blackboard precision: answers are asked for with 2 decimals unless the exercise says."""
_NAME = r"\\?[^\W\d_][\w]*(?:_\{[\w ]+\}|_\w+)?|[^\W\d_]"
_D = r"(?:∂|\\partial\s*|d)"
_FRACTION = re.compile(rf"^(?:{_D})\s*(?P<of>{_NAME})\s*/\s*(?:{_D})\s*(?P<wrt>{_NAME})$")
_LATEX_FRACTION = re.compile(
    rf"^\\frac\s*\{{\s*{_D}\s*(?P<of>{_NAME})\s*\}}\s*\{{\s*{_D}\s*(?P<wrt>{_NAME})\s*\}}$"
)
_PLAIN = re.compile(rf"^(?P<name>{_NAME})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Answer:
    """One answer line: what it is about, and the number written (None when left blank)."""

    kind: Literal["value", "grad"]
    name: str
    """The node the answer is about: the value's node, or the gradient's denominator (``x`` in ∂f/∂x)."""
    of: str | None
    """The gradient's numerator (``f`` in ∂f/∂x); None for a value."""
    number: str | None
    """The number as written, normalised (decimal point, ASCII minus), or None for a blank answer."""
    line: int
    offset: int
    """Where the line starts in its file's text (for messages with a caret)."""
    origin: str
    """Where it was written: the exercise file or the answers file (for messages)."""
    text: str
    """The answer line as written, without the ``?``."""
    column: int = 1
    """The column where the target starts (for messages: ``file:line:column``)."""

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.kind, self.name, self.of)

    @property
    def label(self) -> str:
        """The answer's target in blackboard notation: ``q``, ``∂f/∂x``."""
        return self.name if self.kind == "value" else f"∂{self.of}/∂{self.name}"


def split_program(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The program with every answer line blanked (same line numbers), and the answer lines.

    Each answer line is returned as (line number, offset of the line in ``text``, line text).
    """
    program: list[str] = []
    found: list[tuple[int, int, str]] = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _ANSWER_LINE.match(line):
            found.append((number, offset, line.rstrip("\r\n")))
            program.append("\n" if line.endswith("\n") else "")
        else:
            program.append(line)
        offset += len(line)
    return "".join(program), found


def parse_answers(text: str, origin: str, require_mark: bool = True) -> list[Answer]:
    """Every answer in ``text``. With ``require_mark=False`` (a separate answers file) the ``?`` is optional."""
    if require_mark:
        _, lines = split_program(text)
    else:
        lines = []
        offset = 0
        for number, line in enumerate(text.splitlines(keepends=True), start=1):
            if line.split("#", 1)[0].strip():
                lines.append((number, offset, line.rstrip("\r\n")))
            offset += len(line)
    answers = [parse_answer_line(text, number, offset, line, origin) for number, offset, line in lines]
    seen: dict[tuple[str, str, str | None], Answer] = {}
    for answer in answers:
        if answer.key in seen:
            first = seen[answer.key]
            raise SourceError("check.answered_twice", text, offset_of_line(text, answer.line), None,
                              label=answer.label, line=first.line)
        seen[answer.key] = answer
    return answers


def parse_answer_line(source: str, number: int, offset: int, line: str, origin: str) -> Answer:
    """One ``? target = number`` line; errors point at the line in ``source``."""
    body = line.split("#", 1)[0]
    mark = body.find("?")
    start = mark + 1 if mark >= 0 and not body[:mark].strip() else 0
    content = body[start:]
    if "=" not in content:
        at = offset + start + len(content) - len(content.lstrip())
        raise SourceError("check.answer_form", source, at, offset + len(body.rstrip()))
    target_text, _, number_text = content.partition("=")
    target = target_text.strip()
    written = number_text.strip()
    target_at = offset + start + (len(target_text) - len(target_text.lstrip()))
    number_at = offset + start + len(target_text) + 1 + (len(number_text) - len(number_text.lstrip()))
    value = None
    if written:
        value = normalise_number(written)
        if value is None:
            raise SourceError("check.not_a_number", source, number_at, number_at + len(written), written=written)
        if not math.isfinite(float(value)):
            raise SourceError("error.number_too_large", source, number_at, number_at + len(written), number=written)
    for pattern in (_FRACTION, _LATEX_FRACTION):
        match = pattern.match(target)
        if match:
            return Answer("grad", _clean(match.group("wrt")), _clean(match.group("of")), value, number, offset, origin,
                          body[start:].strip(), target_at - offset + 1)
    match = _PLAIN.match(target)
    if match:
        return Answer("value", _clean(match.group("name")), None, value, number, offset, origin, body[start:].strip(),
                      target_at - offset + 1)
    raise SourceError("check.expected_target", source, target_at, target_at + max(1, len(target)))


def normalise_number(text: str) -> str | None:
    """``−0,73`` → ``-0.73``; None when the text is not a plain number."""
    cleaned = text.replace("−", "-").replace("–", "-").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return cleaned if _NUMBER.match(cleaned) else None


def _clean(name: str) -> str:
    """``x_1``, ``w_{12}`` and ``alpha`` are the names ``x1``, ``w12`` and ``α``, as in the language."""
    return canonical_name(name)


def offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        newline = text.find("\n", offset)
        if newline < 0:
            return len(text)
        offset = newline + 1
    return offset


def asked_decimals(text: str) -> int:
    """The precision an exercise asks for: its ``# decimals: N`` line (``# decimales: N``), else 2."""
    match = _DECIMALS.search(text)
    return int(match.group(1)) if match else DEFAULT_DECIMALS
