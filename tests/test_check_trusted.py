"""Issue 12: a student's copy is graded against the teacher's program; --strict refuses a changed copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphstep.checking import check
from graphstep.cli import main
from graphstep.errors import GraphstepError

EXERCISE = "x = 5\ny = -2\nq = x y\nf = 3q\n? q =\n? ∂f/∂x =\n"


def test_a_changed_input_is_graded_against_the_teachers_program() -> None:
    # With x = 0 in their copy, q = 0 is "right" for their own program; against the teacher's it is -10.
    copy = EXERCISE.replace("x = 5", "x = 0").replace("? q =", "? q = 0").replace("? ∂f/∂x =", "? ∂f/∂x = -6")
    report = check(EXERCISE, copy, name="ex.gstep", answers_name="ana.gstep")
    statuses = {v.answer.label: v.status for v in report.verdicts}
    assert statuses == {"q": "wrong", "∂f/∂x": "right"}
    text = report.render("en")
    assert "ana.gstep:1: this copy sets x = 0, the exercise has x = 5" in text
    assert "esta copia pone x = 0" in report.render("es")
    assert report.to_json()["program_differs"].startswith("ana.gstep:1:")


def test_strict_refuses_a_changed_copy_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = EXERCISE.replace("f = 3q", "f = 4q").replace("? q =", "? q = -10")
    with pytest.raises(GraphstepError, match=r"ana.gstep:4: this copy has `f = 4q` where the exercise has `f = 3q`"):
        check(EXERCISE, copy, answers_name="ana.gstep", strict=True)
    (tmp_path / "ex.gstep").write_text(EXERCISE, encoding="utf-8")
    (tmp_path / "ana.gstep").write_text(copy, encoding="utf-8")
    assert main(["check", str(tmp_path / "ex.gstep"), str(tmp_path / "ana.gstep"), "--strict"]) == 2
    assert "--strict" in capsys.readouterr().err


def test_an_unchanged_copy_passes_strict_and_its_numbers_alone_count() -> None:
    teacher = EXERCISE.replace("? q =", "? q = -10")  # a teacher's file with a filled-in answer
    copy = EXERCISE.replace("? ∂f/∂x =", "? ∂f/∂x = -6") + "# my own comment\n"
    report = check(teacher, copy, strict=True)
    statuses = {v.answer.label: v.status for v in report.verdicts}
    assert statuses == {"q": "blank", "∂f/∂x": "right"}
    assert report.difference is None


def test_control_characters_in_a_copy_are_escaped() -> None:
    copy = EXERCISE.replace("f = 3q", "f = 3q # \x1b[31m").replace("x = 5", "x = 7").replace("? q =", "? q = 1")
    text = check(EXERCISE, copy, answers_name="a\x1bb.gstep").render("en")
    assert "\x1b" not in text and "a\\u001bb.gstep" in text
