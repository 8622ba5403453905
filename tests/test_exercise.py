"""`graphstep exercise new`: fresh exercises from the lecture's templates, and solutions that check."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphstep
from graphstep.checking import check
from graphstep.checking.answers import parse_answers, split_program
from graphstep.checking.exercises import TEMPLATES, make_exercise
from graphstep.cli import main


@pytest.mark.parametrize("template", list(TEMPLATES))
@pytest.mark.parametrize("seed", range(6))
def test_the_solution_checks_and_the_exercise_is_blank(template: str, seed: int) -> None:
    exercise = make_exercise(template, seed)
    solution = make_exercise(template, seed, solution=True)
    blank = check(exercise)
    assert blank.verdicts and all(v.status == "blank" for v in blank.verdicts) and blank.exit_code == 1
    solved = check(solution)
    assert solved.ok, solved.render()
    assert all(v.status == "right" for v in solved.verdicts)
    # The same questions, in the same places.
    assert [a.key for a in parse_answers(exercise, "e")] == [a.key for a in parse_answers(solution, "s")]
    assert split_program(exercise)[0].splitlines()[5:] == split_program(solution)[0].splitlines()[6:]


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_values_are_small_and_well_posed(template: str) -> None:
    for seed in range(20):
        program, _ = split_program(make_exercise(template, seed))
        trace = graphstep.parse(program).run()
        assert all(abs(float(v)) <= 5 for v in trace.graph.defaults.values())
        assert not any(step.warnings for step in trace.steps)  # no tie at max, no relu at 0


def test_seeds_are_reproducible_and_vary() -> None:
    assert make_exercise("neuron", 7) == make_exercise("neuron", 7)
    assert len({make_exercise("neuron", seed) for seed in range(10)}) > 5


def test_every_question_is_asked() -> None:
    answers = parse_answers(make_exercise("staged", 1), "e")
    labels = [a.label for a in answers]
    assert labels[:8] == ["sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f"]
    assert "∂f/∂x" in labels and "∂f/∂y" in labels and "∂f/∂invden" in labels
    mlp = [a.label for a in parse_answers(make_exercise("mlp-layer", 1), "e")]
    assert "∂L/∂w11" in mlp and "∂L/∂t" not in mlp  # the target is data, not a parameter


def test_cli_writes_a_file_that_other_commands_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "neuron.gstep"
    assert main(["exercise", "new", "neuron", "--seed", "3", "--solution", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == make_exercise("neuron", 3, solution=True, file_name=str(out))
    assert main(["check", str(out)]) == 0
    assert main(["eval", str(out)]) == 0


def test_cli_prints_to_stdout_and_lists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "new", "patterns", "--seed", "2", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "plantilla patterns, semilla 2" in out and "? ∂f/∂x =" in out
    assert main(["exercise", "list"]) == 0
    assert capsys.readouterr().out.split()[0::1][0] == "neuron"


def test_cli_without_a_seed_records_the_one_it_drew(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "new", "staged"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    seed = int(header.rsplit(" ", 1)[1])
    assert make_exercise("staged", seed, file_name=f"staged-{seed}.gstep").splitlines()[0] == header


def test_cli_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "new", "perceptron", "--seed", "1"]) == 2
    assert "unknown template 'perceptron'" in capsys.readouterr().err
    assert main(["exercise", "new", "neuron", "-o", str(tmp_path / "missing" / "x.gstep")]) == 2
    assert "cannot write" in capsys.readouterr().err


LECTURE_ANSWERS = {
    # The numbers on the lecture's blackboard (cs231n's circuits), an oracle independent of graphstep.
    "add_mul": {"q": "3", "f": "-12", "∂f/∂q": "-4", "∂f/∂z": "3", "∂f/∂x": "-4", "∂f/∂y": "-4"},
    "neuron": {"s": "1", "e": "0.37", "f": "0.73", "∂f/∂e": "-0.53", "∂f/∂s": "0.20", "∂f/∂w2": "0.20",
               "∂f/∂x1": "-0.59", "∂f/∂w1": "-0.39", "∂f/∂x0": "0.39", "∂f/∂w0": "-0.20"},
    "patterns": {"q": "-12", "m": "2", "s": "-10", "f": "-20", "∂f/∂s": "2", "∂f/∂m": "2", "∂f/∂q": "2",
                 "∂f/∂w": "0", "∂f/∂z": "2", "∂f/∂y": "6", "∂f/∂x": "-8"},
}


@pytest.mark.parametrize("name", sorted(LECTURE_ANSWERS))
def test_the_lecture_exercises_accept_the_lecture_numbers(name: str) -> None:
    path = Path(__file__).parent.parent / "graphstep" / "examples" / "exercises" / f"{name}.gstep"
    text = path.read_text(encoding="utf-8")
    answers = LECTURE_ANSWERS[name]
    filled = "".join(
        f"{line} {answers[line[2:-2]]}\n" if line.startswith("? ") else line + "\n" for line in text.splitlines()
    )
    report = check(filled)
    assert {v.answer.label for v in report.verdicts} == set(answers)
    assert all(v.status == "right" for v in report.verdicts), report.render()
