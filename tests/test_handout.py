"""Issue 12: handouts: the worked solution as LaTeX/PDF, and an erroneous example with a planted mistake."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from graphstep.checking import check
from graphstep.checking.handout import handout
from graphstep.cli import main

EXERCISES = Path(__file__).parent.parent / "graphstep" / "examples" / "exercises"
NEURON = (EXERCISES / "neuron.gstep").read_text(encoding="utf-8")


def items(tex: str) -> list[str]:
    return [line.strip()[len("\\item "):] for line in tex.splitlines() if line.strip().startswith("\\item ")]


def test_the_solution_has_every_step_and_every_equation_holds_as_shown() -> None:
    tex = handout(NEURON, "neuron.gstep")
    steps = items(tex)
    assert "\\begin{tikzpicture}" in tex
    assert "f = 1/1.37 = 0.73" in steps
    assert "at the 1/x (f) gate: $\\partial$f/$\\partial$(1 + e) += 1.00 $\\times$ -{}0.53 = -{}0.53" in steps
    # 0.20 × -2.00 is -0.40, not the exact -0.39: the step says ≈
    assert "at the $\\times$ gate: $\\partial$f/$\\partial$w1 += 0.20 $\\times$ -{}2.00 $\\approx$ -{}0.39" in steps
    assert len(steps) == 8 + 12


def test_fan_out_sums_are_written() -> None:
    tex = handout("x = 2\nu = x + 1\nf = 2*(u*u)\n", "fan.gstep")
    assert "u fans out to 2 gates, the contributions add up: $\\partial$f/$\\partial$u = 6.00 + 6.00 = 12.00" in tex


def test_a_planted_mistake_is_one_step_and_the_key_names_it() -> None:
    solution, planted = items(handout(NEURON, "n")), items(handout(NEURON, "n", planted="sign"))
    differ = [k for k, (a, b) in enumerate(zip(solution[8:], planted[8:], strict=True)) if a != b]
    assert differ and differ[0] == 2  # the third backward step, and everything after it follows
    tex = handout(NEURON, "n", planted="sign")
    assert "Find the mistake" in tex
    key = tex.split("subsection*{Key}")[1]
    assert "step 3 of the backward pass" in key and "sign is flipped" in key
    # The planted numbers are the ones a student making that mistake writes: the checker names it.
    wrong = re.search(r"partial\$w2 \+= (-\{\}[\d.]+)", tex.split("Backward")[1])
    assert wrong is not None
    report = check(NEURON.replace("? ∂f/∂w2 =", f"? ∂f/∂w2 = {wrong.group(1).replace('-{}', '-')}"))
    (verdict,) = [v for v in report.verdicts if v.answer.label == "∂f/∂w2"]
    assert verdict.status == "wrong" and verdict.diagnosis is not None and verdict.diagnosis.code == "sign"


def test_spanish_handout_keeps_its_accents() -> None:
    tex = handout(NEURON, "n", lang="es", planted="chain_order")
    assert "Encuentra el error" in tex and "atrás" in tex and "Clave" in tex


def test_cli_handout_tex_pdf_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sol.tex"
    assert main(["exercise", "handout", str(EXERCISES / "neuron.gstep"), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("\\documentclass")
    assert main(["exercise", "handout", str(EXERCISES / "neuron.gstep"), "-o", str(tmp_path / "x.doc")]) == 2
    assert ".tex or .pdf" in capsys.readouterr().err
    assert main(["exercise", "handout", str(EXERCISES / "neuron.gstep"), "-o", str(out), "--planted", "oops"]) == 2
    assert "unknown kind of mistake 'oops'" in capsys.readouterr().err
    neuron = str(EXERCISES / "neuron.gstep")
    assert main(["exercise", "handout", neuron, "-o", str(out), "--planted", "relu_routed"]) == 2
    assert "no place for a mistake of kind relu_routed" in capsys.readouterr().err
    if shutil.which("pdflatex") is None:
        pytest.skip("needs pdflatex")
    pdf = tmp_path / "sol.pdf"
    assert main(["exercise", "handout", str(EXERCISES / "neuron.gstep"), "-o", str(pdf), "--planted", "sign"]) == 0
    assert pdf.read_bytes()[:4] == b"%PDF"
