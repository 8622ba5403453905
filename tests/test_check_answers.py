"""The answers syntax: blackboard notation for values and gradients, and clear errors."""

from __future__ import annotations

import pytest

from graphstep.checking import check
from graphstep.checking.answers import normalise_number, parse_answers, split_program
from graphstep.errors import GraphstepError, SourceError

PROGRAM = "x = -2\ny = 5\nz = -4\nq = x + y\nf = q z\n"


@pytest.mark.parametrize(("line", "kind", "name", "of", "number"), [
    ("? q = 3", "value", "q", None, "3"),
    ("? ∂f/∂x = -4", "grad", "x", "f", "-4"),
    ("? df/dx = −4", "grad", "x", "f", "-4"),
    ("?  ∂ f / ∂ q = -4   # my answer", "grad", "q", "f", "-4"),
    (r"? \partial f/\partial x = 0,5", "grad", "x", "f", "0.5"),
    (r"? \frac{\partial f}{\partial z} = 3", "grad", "z", "f", "3"),
    ("? dq/dx = 1", "grad", "x", "q", "1"),
    ("? x_1 = 2", "value", "x1", None, "2"),
    ("? w_{12} = 2", "value", "w12", None, "2"),
    ("? ∂f/∂den = 1.5e-3", "grad", "den", "f", "1.5e-3"),
    ("? ∂f/∂x =", "grad", "x", "f", None),
])
def test_answer_forms(line: str, kind: str, name: str, of: str | None, number: str | None) -> None:
    (answer,) = parse_answers(f"f = x\n{line}\n", "sheet")
    assert (answer.kind, answer.name, answer.of, answer.number) == (kind, name, of, number)
    assert answer.line == 2


def test_answer_lines_are_blanked_keeping_line_numbers() -> None:
    text = "x = 1\n? x = 1\n? f =\nf = 2x +\n"
    program, lines = split_program(text)
    assert program == "x = 1\n\n\nf = 2x +\n"
    assert [n for n, _, _ in lines] == [2, 3]
    with pytest.raises(SourceError) as error:
        check(text)
    assert error.value.line == 4  # the syntax error is reported on its own line, not shifted


def test_separate_answers_file_needs_no_mark_and_overrides() -> None:
    exercise = PROGRAM + "? q =\n? ∂f/∂x =\n"
    report = check(exercise, "q = 3\n# a comment\n? ∂f/∂x = -4\n")
    assert [(v.answer.label, v.status, v.answer.origin) for v in report.verdicts] == [
        ("q", "right", "answers"), ("∂f/∂x", "right", "answers")]


@pytest.mark.parametrize(("text", "message", "column"), [
    ("? q = abc", "not a number", 7),
    ("? q 3", "an answer reads", 3),
    ("? ∂f x = 3", "expected a node name", 3),
])
def test_malformed_answers_point_at_the_problem(text: str, message: str, column: int) -> None:
    with pytest.raises(SourceError) as error:
        check(PROGRAM + text + "\n")
    assert message in error.value.message
    assert (error.value.line, error.value.column) == (6, column)


def test_unknown_name_and_duplicates_are_clear_errors() -> None:
    with pytest.raises(GraphstepError, match=r"no node named 'qq'.*named nodes: f, q, x, y, z"):
        check(PROGRAM + "? qq = 3\n")
    with pytest.raises(GraphstepError, match="answered twice"):
        check(PROGRAM + "? df/dx = 1\n? ∂f/∂x = 2\n")


def test_numbers_normalise() -> None:
    assert normalise_number("−0,73") == "-0.73"
    assert normalise_number("1e-3") == "1e-3"
    assert normalise_number("1,000.5") is None
    assert normalise_number("3/4") is None


def test_unnamed_nodes_by_id_and_unnamed_output_as_f() -> None:
    report = check("x = 3\ny = -4\n(x y + 1) * 2\n? n2 = -12\n? f = -22\n? ∂f/∂x = -8\n")
    assert [v.status for v in report.verdicts] == ["right", "right", "right"]


def test_derivative_upside_down_is_a_clear_error() -> None:
    with pytest.raises(GraphstepError, match="f is computed after x"):
        check(PROGRAM + "? ∂x/∂f = 1\n")
