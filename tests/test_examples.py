"""The lecture's worked examples, against numbers worked by hand on the blackboard."""

from __future__ import annotations

import math

import pytest

import graphstep
from graphstep.numbers import fmt
from graphstep.trace import AccumulateStep
from tests.conftest import EXAMPLES


def load(name: str) -> graphstep.Trace:
    return graphstep.parse((EXAMPLES / name).read_text()).run()


def test_mul_gate():
    t = load("mul.gstep")
    assert (t.value, t.grad("x"), t.grad("y")) == (-12.0, -3.0, 4.0)


def test_add_then_mul_chain_rule():
    t = load("add_mul.gstep")
    assert t.value == -12.0
    assert t.grad("q") == -4.0  # ∂f/∂q = z
    assert (t.grad("x"), t.grad("y"), t.grad("z")) == (-4.0, -4.0, 3.0)


def test_sigmoid_neuron_matches_the_lecture():
    t = load("neuron.gstep")
    shown = {name: fmt(t.grad(name)) for name in ("x0", "x1", "w0", "w1", "w2")}
    assert fmt(t.value) == "0.73"
    assert shown == {"x0": "0.39", "x1": "-0.59", "w0": "-0.20", "w1": "-0.39", "w2": "0.20"}
    # and exactly: σ'(1) = σ(1)(1-σ(1)) times the other input
    s = 1 / (1 + math.exp(-1.0))
    assert t.grad("x0") == pytest.approx(s * (1 - s) * 2)


def test_neuron_is_the_lecture_chain():
    g = graphstep.parse((EXAMPLES / "neuron.gstep").read_text())
    gates = [n.label for n in g.nodes if not n.is_leaf]
    assert gates[-4:] == ["*-1", "exp", "+1", "1/x"]


def test_patterns_add_distributes_max_routes_mul_swaps():
    t = load("patterns.gstep")
    assert t.value == -20.0
    assert t.grads == {"x": -8.0, "y": 6.0, "z": 2.0, "w": 0.0}


def test_staged_computation_matches_direct_formula():
    t = load("staged.gstep")
    x, y = 3.0, -4.0

    def f(x: float, y: float) -> float:
        def sig(v: float) -> float:
            return 1 / (1 + math.exp(-v))
        return (x + sig(y)) / (sig(x) + (x + y) ** 2)

    h = 1e-6
    assert t.value == pytest.approx(f(x, y))
    assert t.grad("x") == pytest.approx((f(x + h, y) - f(x - h, y)) / (2 * h), rel=1e-6)
    assert t.grad("y") == pytest.approx((f(x, y + h) - f(x, y - h)) / (2 * h), rel=1e-6)
    # x and y fan out: the trace shows the += explicitly
    accumulated = {t.graph.nodes[s.node].name for s in t.steps if isinstance(s, AccumulateStep)}
    assert {"x", "y"} <= accumulated


def test_pytorch_slide_linear_model():
    t = load("pytorch_linear.gstep")
    assert t.value == 25.0
    assert (t.grad("w"), t.grad("b")) == (-40.0, -10.0)


def test_quadratic_gradient_is_2x_4y():
    t = load("quadratic.gstep")
    assert t.value == 17.0
    assert (t.grad("x"), t.grad("y")) == (6.0, -8.0)


def test_values_on_the_command_line_override_the_file():
    g = graphstep.parse((EXAMPLES / "mul.gstep").read_text())
    t = g.run(x=2)
    assert (t.value, t.grad("y")) == (-6.0, 2.0)
