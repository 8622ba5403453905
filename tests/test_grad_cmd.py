"""`graphstep grad`: automatic, numerical and symbolic gradients agree, and a wrong rule is caught."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphstep
from graphstep.checking.gradients import SYMPY_OPS, compare, sympy_const
from graphstep.cli import main
from graphstep.ops import OPS

EXAMPLES = Path(__file__).parent.parent / "graphstep" / "examples"


def test_every_elementwise_op_has_a_symbolic_form() -> None:
    # A new elementwise op in the ops table must get its sympy form here, or `grad` could not compare it.
    missing = [name for name, op in OPS.items() if op.elementwise and name not in SYMPY_OPS]
    assert missing == []
    assert set(SYMPY_OPS) <= set(OPS)


@pytest.mark.parametrize("name", sorted(SYMPY_OPS))
def test_symbolic_forms_compute_what_the_ops_compute(name: str) -> None:
    op = OPS[name]
    args = [0.7, 1.9][: op.arity]
    const = 1.5 if op.takes_const else None
    numeric = float(op.forward(numpy, [numpy.float64(a) for a in args], const))
    symbolic = SYMPY_OPS[name]([sympy.Float(a) for a in args], sympy_const(const) if const is not None else None)
    assert float(symbolic) == pytest.approx(numeric, rel=1e-12)


@pytest.mark.parametrize("example", ["mul", "add_mul", "neuron", "patterns", "staged", "pytorch_linear",
                                     "quadratic"])
def test_the_lecture_examples_agree(example: str) -> None:
    graph = graphstep.parse((EXAMPLES / f"{example}.gstep").read_text())
    result = compare(graph)
    assert result.agree
    trace = graph.run()
    for row in result.gradients:
        assert row.automatic == trace.grad(row.name)


def test_quadratic_symbolic_formula_is_the_lecture_gradient() -> None:
    # The lecture's ∇f = (2x, 4y) for f = x² + 2y².
    result = compare(graphstep.parse((EXAMPLES / "quadratic.gstep").read_text()))
    formulas = {row.name: row.formula for row in result.gradients}
    x, y = sympy.symbols("x y", real=True)
    assert sympy.simplify(formulas["x"] - 2 * x) == 0
    assert sympy.simplify(formulas["y"] - 4 * y) == 0


LEAVES = st.sampled_from(["x", "y", "z", "2", "0.5", "3"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(st.sampled_from(["({} + {})", "({} - {})", "({} * {})", "({} / (1 + ({})^2))",
                                        "((1 + ({})^2)^(sin({})))"]), children, children)
    unary = st.tuples(st.sampled_from(["sin({})", "cos({})", "tanh({})", "sigmoid({})", "exp(sin({}))",
                                       "log(1 + ({})^2)", "sqrt(1 + ({})^2)", "1/(1 + exp(-({})))",
                                       "({})^3", "2^({})"]), children)
    return st.one_of(binary.map(lambda t: t[0].format(t[1], t[2])), unary.map(lambda t: t[0].format(t[1])))


EXPRESSIONS = st.recursive(LEAVES, _combine, max_leaves=6)
VALUE = st.floats(min_value=-1.5, max_value=1.5, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, VALUE, VALUE, VALUE)
def test_three_methods_agree_on_random_expressions(source: str, x: float, y: float, z: float) -> None:
    graph = graphstep.parse(f"f = {source} + x + y + z")
    result = compare(graph, {"x": x, "y": y, "z": z}, simplify="none")
    assert result.agree, [(g.name, g.automatic, g.numerical, g.symbolic) for g in result.gradients]


def test_a_planted_wrong_rule_is_caught(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = dataclasses.replace(OPS["exp"], local=lambda xp, a, out, c: (2.0 * out,))
    monkeypatch.setitem(OPS, "exp", wrong)
    result = compare(graphstep.parse((EXAMPLES / "neuron.gstep").read_text()))
    assert not result.agree
    assert {row.odd_one for row in result.gradients} == {"automatic"}
    assert main(["grad", str(EXAMPLES / "neuron.gstep")]) == 1
    out = capsys.readouterr().out
    assert "✗ automatic disagrees" in out and "The methods disagree for: w0, x0, w1, x1, w2." in out


def test_a_planted_wrong_rule_on_a_binary_gate_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The classic: mul not swapping its inputs.
    wrong = dataclasses.replace(OPS["mul"], local=lambda xp, a, out, c: (a[0], a[1]))
    monkeypatch.setitem(OPS, "mul", wrong)
    result = compare(graphstep.parse("f = xy"), {"x": 4, "y": -3})
    assert [row.odd_one for row in result.gradients] == ["automatic", "automatic"]


def test_cli_table_and_step_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "x^2 + 2y^2", "x=3", "y=-2", "--step", "1e-4"]) == 0
    out = capsys.readouterr().out
    assert "numerical (h = 0.0001)" in out
    assert "∂f/∂x = 2*x = 6.000000" in out and "∂f/∂y = 4*y = -8.000000" in out
    assert "All three methods agree" in out


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "f = xy", "x=4", "y=-3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["agree"] is True and data["step"] == 1e-5
    rows = {row["name"]: row for row in data["inputs"]}
    assert rows["x"]["automatic"] == -3.0 and rows["x"]["formula"] == "y" and rows["y"]["latex"] == "x"
    assert math.isclose(rows["x"]["numerical"], -3.0, rel_tol=1e-8)


def test_cli_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "xy", "x=4", "y=-3", "--lang", "es"]) == 0
    assert "Los tres métodos coinciden" in capsys.readouterr().out


def test_non_differentiable_point_is_noted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "relu(x)", "x=0"]) == 1
    assert "non-differentiable point" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "needle"), [
    (["grad", "2 + 3"], "no inputs"),
    (["grad", "xy", "x=1"], "missing value for input 'y'"),
    (["grad", "xy", "x=1", "y=2", "--step", "0"], "step size"),
    (["grad", "x = [1, 2]; f = x @ x"], "scalar formulas"),
])
def test_bad_input_exits_2(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert needle in capsys.readouterr().err


def test_inputs_named_like_python_keywords() -> None:
    result = compare(graphstep.parse("lr = 0.1; w = 2; if = 3; f = lr w^2 + if"))
    assert result.agree and [round(g.symbolic, 9) for g in result.gradients] == [4.0, 0.4, 1.0]
