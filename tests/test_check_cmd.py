"""`graphstep check`: exit codes for autograding, JSON for scripts, messages in English and Spanish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphstep.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


PROGRAM = "x = -2\ny = 5\nz = -4\nq = x + y\nf = q z\n"


def test_all_right_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "ok.gstep", PROGRAM + "? q = 3\n? f = -12\n? ∂f/∂x = -4\n")
    assert main(["check", path]) == 0
    out = capsys.readouterr().out
    assert "3 answers: 3 right" in out and "All answers are right." in out


def test_rounded_early_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "neuron_named.gstep")]) == 0
    assert "consistent, rounded early" in capsys.readouterr().out


def test_a_wrong_answer_exits_1_and_marks_the_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "patterns_wrong.gstep")]) == 1
    out = capsys.readouterr().out
    assert out.count("◀ first mistake") == 1
    assert "First mistake: line 20, ∂f/∂w." in out
    assert "upstream factor dropped" in out and "max routed to the wrong input" in out


def test_blank_answers_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "blank.gstep", PROGRAM + "? q =\n")
    assert main(["check", path]) == 1
    assert "not answered" in capsys.readouterr().out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "patterns_wrong.gstep"), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["counts"] == {"right": 9, "rounded": 0, "imprecise": 0, "wrong": 2, "follows": 0, "blank": 0}
    assert data["first_wrong"] == {"line": 20, "answer": "∂f/∂w"}
    by_answer = {a["answer"]: a for a in data["answers"]}
    assert by_answer["∂f/∂x"]["diagnosis"] == "upstream_dropped"
    assert by_answer["∂f/∂x"]["expected"] == pytest.approx(-8.0)
    assert by_answer["∂f/∂x"]["claimed"] == -4.0 and by_answer["∂f/∂x"]["tolerance"] == 0.5
    assert by_answer["∂f/∂w"]["first_wrong"] is True
    assert by_answer["q"] == {**by_answer["q"], "status": "right", "kind": "value", "of": None}


def test_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "patterns_wrong.gstep"), "--lang", "es"]) == 1
    out = capsys.readouterr().out
    assert "falta el gradiente de arriba" in out and "◀ primer error" in out and "Primer error: línea 20" in out


def test_separate_answers_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exercise = write(tmp_path, "ex.gstep", PROGRAM + "? q =\n? ∂f/∂x =\n")
    answers = write(tmp_path, "mine.txt", "q = 3\n∂f/∂x = 4\n")
    assert main(["check", exercise, answers]) == 1
    out = capsys.readouterr().out
    assert "mine.txt:2" in out and "sign flipped" in out


def test_tolerance_option(tmp_path: Path) -> None:
    path = write(tmp_path, "t.gstep", PROGRAM + "? ∂f/∂x = -4.3\n")
    assert main(["check", path]) == 1
    assert main(["check", path, "--tolerance", "0.5"]) == 0


@pytest.mark.parametrize(("text", "needle"), [
    (PROGRAM, "no answers found"),
    (PROGRAM + "? q = three\n", "not a number"),
    (PROGRAM + "? r = 3\n", "no node named 'r'"),
    ("f = x +\n? f = 1\n", "bad.gstep:1:8"),
    ("x = [1, 2]\nf = 2x\n? f = 1\n", "scalar"),
])
def test_bad_input_exits_2_with_one_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                            needle: str) -> None:
    path = write(tmp_path, "bad.gstep", text)
    assert main(["check", path]) == 2
    captured = capsys.readouterr()
    assert needle in captured.err and "Traceback" not in captured.err and captured.out == ""


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.gstep")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["check", str(FIXTURES / "neuron_named.gstep"), "--tolerance", "-1"]) == 2


def test_other_commands_read_an_answered_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    # The answer lines are blanked when any command reads the file, so `eval` (and `export`) accept it.
    assert main(["eval", str(FIXTURES / "neuron_named.gstep")]) == 0
    assert "f = 0.73" in capsys.readouterr().out
