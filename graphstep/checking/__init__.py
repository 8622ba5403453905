"""Checking hand-worked exercises, and the four ways to compute a gradient.

    >>> from graphstep.checking import check
    >>> report = check("x = -2; y = 5; z = -4\\nq = x + y\\nf = q z\\n? q = 3\\n? ∂f/∂x = 4")
    >>> [(v.answer.label, v.status, v.diagnosis and v.diagnosis.code) for v in report.verdicts]
    [('q', 'right', None), ('∂f/∂x', 'wrong', 'sign')]

Answers are written in blackboard notation (see :mod:`graphstep.checking.answers`); each one is judged
against the engine's exact trace and, when it differs, against the student's own recomputation, so that a
rounded-early number is not called wrong and a wrong one gets its reason.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING, Any

from graphstep.errors import SourceError
from graphstep.i18n import t

if TYPE_CHECKING:
    from collections.abc import Sequence

    from graphstep.checking.claims import Verdict
    from graphstep.checking.report import Report
    from graphstep.trace import Trace

# Submodules load on first use: `graphstep eval` imports the answers syntax only, not the checker.
_LAZY = {
    "Answer": "answers", "parse_answers": "answers", "split_program": "answers",
    "Checker": "claims", "Diagnosis": "claims", "Verdict": "claims",
    "Report": "report", "note": "report",
}

__all__ = ["Answer", "Checker", "Diagnosis", "Report", "Verdict", "ask", "check", "note", "parse_answers",
           "split_program"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"graphstep.checking.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'graphstep.checking' has no attribute {name!r}")


def check(
    exercise: str,
    answers: str | None = None,
    tolerance: float | None = None,
    name: str = "exercise",
    answers_name: str = "answers",
    decimals: int | None = None,
    strict: bool = False,
) -> Report:
    """Judge the answers written in ``exercise`` (lines starting with ``?``) and in ``answers`` (a separate
    answers file, where the ``?`` is optional; its answers replace the exercise's for the same target).

    ``tolerance`` is an absolute tolerance; by default each number may be off by half a unit in the last
    digit written (``0.73`` → ±0.005). ``decimals`` is the precision the exercise asks for (default: the
    file's ``# decimals: N`` line, else the lecture's 2): an answer right only to fewer digits than that is
    *too imprecise* (``1`` for 0.73).

    ``answers`` may also be a student's whole copy of the exercise (formulas and ``?`` answers): only its
    answers are taken, graded against ``exercise``'s program; a copy whose program differs is reported in
    the report (``Report.difference``), or refused with a :class:`GraphstepError` when ``strict``.
    """
    from graphstep.checking.answers import parse_answers, split_program
    from graphstep.checking.claims import Checker
    from graphstep.checking.report import Report, differs_phrase
    from graphstep.checking.safe import shown
    from graphstep.checking.trusted import difference, is_student_copy
    from graphstep.checking.work import answer_limit
    from graphstep.errors import GraphstepError
    from graphstep.limits import TooManyElements
    from graphstep.parser import parse

    name, answers_name = shown(name, 200), shown(answers_name, 200)  # file names are echoed: escaped
    if tolerance is not None and not tolerance >= 0:
        raise GraphstepError("error.bad_tolerance", tolerance=tolerance)
    program, _ = split_program(exercise)
    try:
        graph = parse(program)
        found = {a.key: a for a in parse_answers(exercise, name)}
    except TooManyElements:  # arrays past the limit: `graphstep check` says it takes no arrays at all
        raise
    except SourceError as error:
        raise FileSourceError(error, name) from None
    differs = None
    if answers is not None:
        copy = is_student_copy(answers)
        if copy:
            differs = difference(graph, program, split_program(answers)[0])
            if differs is not None and strict:
                raise GraphstepError("check.strict_refused", what=differs_phrase(differs, answers_name))
            # The exercise's lines say what is asked; only the student's numbers count.
            found = {key: dataclasses.replace(a, number=None) for key, a in found.items()}
        try:
            extra = parse_answers(answers, answers_name, require_mark=copy)
        except SourceError as error:  # name the answers file: its line numbers are not the exercise's
            raise FileSourceError(error, answers_name) from None
        found.update({a.key: a for a in extra})
    # Arrays are refused before anything is computed (a student's randn(2000, 2000) chain costs nothing).
    if any(n.is_leaf and n.const is not None and getattr(n.const, "size", 1) != 1 for n in graph.nodes):
        raise GraphstepError("limit.check_arrays")
    if len(found) > answer_limit():  # judging takes time per answer: a file of 100,000 answer lines is refused
        raise GraphstepError("check.too_many_answers", count=f"{len(found):,}", cap=f"{answer_limit():,}")
    decimals = _asked(exercise, decimals)
    verdicts = []
    if found:  # else nothing to judge: no run (a long program without answers costs its parse only)
        verdicts = Checker(graph, graph.run(), tolerance, decimals).evaluate(list(found.values()))
    report = Report(graph, verdicts, name, tolerance, decimals)
    if differs is not None:
        report.difference = (differs, answers_name)
    return report


def _asked(exercise: str, decimals: int | None) -> int:
    """The precision asked for: given, else the file's ``# decimals: N`` line, else the lecture's 2."""
    from graphstep.checking.answers import asked_decimals
    from graphstep.errors import GraphstepError

    if decimals is None:
        decimals = asked_decimals(exercise)
    if decimals < 0:
        raise GraphstepError("check.bad_decimals", decimals=decimals)
    return decimals


class FileSourceError(SourceError):
    """A source error in a named file, with the checker's one headline format for bad input,
    ``error: FILE:LINE:COLUMN: message``, then the line and its caret."""

    def __init__(self, error: SourceError, file: str) -> None:
        self.file = file
        super().__init__(error.key, error.source, error.start, error.end, **error.fields)

    def render(self, lang: str = "en") -> str:
        body = super().render(lang).split("\n")
        headline = t("error.prefix", lang, message=f"{self.file}:{self.line}:{self.column}: {self.text(lang)}")
        return "\n".join([headline, *body[2:]])


def ask(trace: Trace, target: str, number: str, earlier: Sequence[tuple[str, str]] = (),
        tolerance: float | None = None, decimals: int | None = 2) -> Verdict:
    """Judge one answer typed in a quiz: ``ask(trace, "∂f/∂x", "-4")``.

    ``earlier`` holds the (target, number) pairs answered before, so that a number that follows from the
    student's own rounded answers is judged *rounded early*, and one that follows from a wrong answer
    *follows*. Errors in ``target`` or ``number`` raise :class:`~graphstep.errors.GraphstepError`.
    """
    from graphstep.checking.answers import parse_answer_line
    from graphstep.checking.claims import Checker

    pairs = [*earlier, (target, number)]
    text = "\n".join(f"? {t} = {n}" for t, n in pairs)
    answers, offset = [], 0
    for line_number, line in enumerate(text.split("\n"), start=1):
        answers.append(parse_answer_line(text, line_number, offset, line, "quiz"))
        offset += len(line) + 1
    return Checker(trace.graph, trace, tolerance, decimals).evaluate(answers)[-1]
