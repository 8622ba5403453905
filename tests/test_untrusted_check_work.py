"""Issue 13, check's time: judging a file's answers takes a bounded amount of recomputation, however many
nodes and answers it has (it was quadratic: 3,000 gates fed by one input took 45 s, 10,000 hours)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphstep.checking import check, claims, work
from graphstep.cli import main

FAN_OUT = "x = 1.0001\nf = x" + "*x" * 3000 + "\n? f = 3\n? ∂f/∂x = 2\n"
"""One input read by 3,000 gates, both answers wrong: the diagnosis would work the exercise 3,000 times."""


def test_a_wide_exercise_is_judged_quickly_without_a_diagnosis(tmp_path: Path, capsys: Any) -> None:
    source = tmp_path / "wide.gstep"
    source.write_text(FAN_OUT)
    start = time.perf_counter()
    code = main(["check", str(source)])
    elapsed = time.perf_counter() - start
    out, _ = capsys.readouterr()
    assert code == 1
    assert elapsed < 20  # the budget is about a second; a loaded machine, and the parse and run, take more
    assert out.count("wrong: not diagnosed (too large)") == 2
    words = " ".join(out.split())  # the notes are wrapped
    assert "∂f/∂x = 2: expected 4050.87. The exercise is too large for the checker to look for the mistake" in words
    assert "500,000 node visits" in words
    main(["check", str(source), "--lang", "es"])
    assert "incorrecto: sin diagnóstico (demasiado grande)" in capsys.readouterr().out


def test_the_report_is_the_same_on_any_machine() -> None:
    """The budget counts node visits, not seconds: the same file gets the same verdicts."""
    first = check(FAN_OUT).render("en")
    assert check(FAN_OUT).render("en") == first
    assert [v.diagnosis.code for v in check(FAN_OUT).verdicts if v.diagnosis] == ["too_large", "too_large"]


@contextlib.contextmanager
def _recorded() -> Iterator[list[int]]:
    used: list[int] = []
    original = claims.metered

    @contextlib.contextmanager
    def recording(budget: int | None = None) -> Iterator[work.Meter]:
        with original(budget) as meter:
            yield meter
        used.append(meter.used)

    claims.metered = recording  # type: ignore[assignment]
    try:
        yield used
    finally:
        claims.metered = original


@pytest.mark.parametrize("exercise", ["add_mul", "neuron", "patterns"])
def test_a_lecture_exercise_uses_a_tiny_part_of_the_budget(exercise: str) -> None:
    text = (Path(__file__).parent.parent / "graphstep" / "examples" / "exercises" / f"{exercise}.gstep").read_text()
    wrong = "\n".join(line + " 7.31" if line.startswith("?") else line for line in text.splitlines())
    with _recorded() as used:
        report = check(wrong)
    assert report.verdicts and all(v.status in ("wrong", "follows") for v in report.verdicts)
    assert all(v.diagnosis is not None and v.diagnosis.code != "too_large" for v in report.verdicts)
    assert 0 < used[0] < work.CHECK_WORK // 100


def test_too_many_answer_lines_are_refused(capsys: Any, tmp_path: Path) -> None:
    source = tmp_path / "many.gstep"
    names = [f"q{i}" for i in range(work.MAX_ANSWERS + 1)]
    source.write_text("x = 2\n" + "".join(f"{n} = x + {i}\n" for i, n in enumerate(names)) + "f = x\n"
                      + "".join(f"? {n} = 1\n" for n in names))
    start = time.perf_counter()
    code = main(["check", str(source)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == "error: 1,001 answer lines, more than the limit of 1,000 per check"
    assert time.perf_counter() - start < 10


def test_exact_gradients_of_many_outputs_have_a_budget(capsys: Any, tmp_path: Path) -> None:
    """∂q_k/∂x for 900 different intermediates of a long chain: each is a run of its own."""
    chain = "x = 1.5\nq0 = x + 1\n" + "".join(f"q{i} = q{i - 1} * 1.001 + x\n" for i in range(1, 2000)) + "f = q1999\n"
    answers = "".join(f"? ∂q{i}/∂x = 1\n" for i in range(1100, 2000))
    source = tmp_path / "outputs.gstep"
    source.write_text(chain + answers)
    code = main(["check", str(source)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == ("error: the exercise is too large to check: its exact gradients would take more than "
                           "500,000 node visits")


def test_an_array_of_one_number_is_refused_as_an_array_not_a_type_error() -> None:
    """Found by benchmarks/fuzz.py (1 in 400,000): ``-0onessoftmax-2`` makes an input of shape (1,), which
    passed the size test and then failed float() with a TypeError."""
    from graphstep.errors import GraphstepError

    with pytest.raises(GraphstepError, match="check works on scalar exercises"):
        check("x = -0onessoftmax-2\ny = 5\nf = x + y\n? f = 1\n")


BIG_EXERCISE = ("x = 1.5\nq0 = x + 1\n" + "".join(f"q{i} = q{i - 1} * 1.001 + x\n" for i in range(1, 300))
                + "f = q299\n? f =\n")
HOSTILE_ANSWERS = "".join(f"? q{i} = {i}.5\n" for i in range(300))
"""Every intermediate of a 300-gate chain answered wrong: the diagnosis would take far more than the budget."""


def test_a_class_shares_one_work_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check --class``: each submission gets an equal share of ``CLASS_WORK``, at most ``CHECK_WORK``, so a
    whole class of hostile files costs at most ``CLASS_WORK`` node visits of recomputation."""
    from graphstep.checking.classroom import grade_class

    assert work.CLASS_WORK // 2000 >= 25 * 1_000  # 2,000 students: 25× what a shipped exercise takes
    limits: list[int] = []
    original = work.Meter.__init__

    def recording(self: work.Meter, limit: int) -> None:
        limits.append(limit)
        original(self, limit)

    monkeypatch.setattr(work.Meter, "__init__", recording)
    for i in range(4):
        (tmp_path / f"s{i}.txt").write_text(HOSTILE_ANSWERS)
    grade_class(BIG_EXERCISE, tmp_path)
    assert limits == [work.CHECK_WORK] * 4  # a class of 4: each gets the whole budget
    monkeypatch.setattr(work, "CLASS_WORK", 40_000)
    limits.clear()
    report = grade_class(BIG_EXERCISE, tmp_path)
    assert limits == [10_000] * 4  # a share of 10,000 each
    verdicts = report.submissions[0].report.verdicts  # type: ignore[union-attr]
    assert verdicts[-1].diagnosis is not None and verdicts[-1].diagnosis.code == "too_large"
    assert "10,000 node visits" in " ".join(report.submissions[0].report.render("en").split())  # type: ignore[union-attr]
    limits.clear()
    check(BIG_EXERCISE, HOSTILE_ANSWERS)
    assert limits == [work.CHECK_WORK]  # outside a class: the whole budget again


def test_a_class_shares_its_answer_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each submission may judge its share of ``CLASS_ANSWERS`` lines (2,000 students: 100 each), never fewer
    than the exercise asks for; a file over its share is refused at once, the others are graded."""
    from graphstep.checking.classroom import grade_class

    assert work.CLASS_ANSWERS // 2000 == 100
    for i in range(4):
        (tmp_path / f"s{i}.txt").write_text(HOSTILE_ANSWERS if i == 0 else "? f = 1\n")
    monkeypatch.setattr(work, "CLASS_ANSWERS", 4 * 50)  # a share of 50 lines each
    report = grade_class(BIG_EXERCISE, tmp_path)
    assert str(report.submissions[0].error) == "301 answer lines, more than the limit of 50 per check"  # + the ? f
    assert report.submissions[0].error.__traceback__ is None  # kept without its frames (their memory)
    assert all(s.report is not None for s in report.submissions[1:])
    assert all(s.report.graph is report.graph for s in report.submissions[1:])  # type: ignore[union-attr]
    monkeypatch.setattr(work, "CLASS_ANSWERS", 4)  # a share of 1: still the exercise's one question
    assert grade_class(BIG_EXERCISE, tmp_path).submissions[1].report is not None
