"""Every op in the ops table: its gradient rule against central finite differences, and its pieces.

One parametrized test over the whole table: an op added without an entry in SAMPLES fails here, so no
op can skip the check.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from graphstep.ops import OPS

RNG = np.random.default_rng(1234)


def vec(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


# op name -> (input values, const). Points avoid kinks and ties (checked separately below).
SAMPLES: dict[str, tuple[list[Any], Any]] = {
    "add": ([vec(1.5, -2.0), vec(0.3, 4.0)], None),
    "sub": ([vec(1.5, -2.0), vec(0.3, 4.0)], None),
    "mul": ([vec(1.5, -2.0), vec(0.3, 4.0)], None),
    "div": ([vec(1.5, -2.0), vec(0.7, 4.0)], None),
    "pow": ([vec(1.5, 2.5), vec(0.3, 2.0)], None),
    "max": ([vec(1.5, -2.0), vec(0.3, 4.0)], None),
    "min": ([vec(1.5, -2.0), vec(0.3, 4.0)], None),
    "matmul": ([RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))], None),
    "add_const": ([vec(1.5, -2.0)], 3.0),
    "rsub_const": ([vec(1.5, -2.0)], 3.0),
    "mul_const": ([vec(1.5, -2.0)], -1.0),
    "div_const": ([vec(1.5, -2.0)], 4.0),
    "rdiv_const": ([vec(1.5, -2.0)], 1.0),
    "pow_const": ([vec(1.5, 2.0)], 3.0),
    "rpow_const": ([vec(1.5, -2.0)], 2.0),
    "max_const": ([vec(1.5, -2.0)], 0.0),
    "min_const": ([vec(1.5, -2.0)], 0.0),
    "exp": ([vec(0.5, -1.0)], None),
    "log": ([vec(0.5, 3.0)], None),
    "sqrt": ([vec(0.5, 3.0)], None),
    "abs": ([vec(0.5, -3.0)], None),
    "sin": ([vec(0.5, -3.0)], None),
    "cos": ([vec(0.5, -3.0)], None),
    "relu": ([vec(0.5, -3.0)], None),
    "sigmoid": ([vec(0.5, -3.0)], None),
    "tanh": ([vec(0.5, -3.0)], None),
    # tensor ops (issue 6): the axis is the const; labels as probabilities so they have a gradient too
    "sum": ([RNG.normal(size=(3, 4))], 1),
    "mean": ([RNG.normal(size=(3, 4))], 0),
    "transpose": ([RNG.normal(size=(3, 4))], None),
    "softmax": ([RNG.normal(size=(3, 4))], None),
    "log_softmax": ([RNG.normal(size=(3, 4))], 0),
    "cross_entropy": ([RNG.normal(size=(3, 4)), RNG.dirichlet(np.ones(4), size=3)], None),
    "bce": ([vec(0.2, 0.7, 0.9), vec(0.0, 1.0, 0.3)], None),
    "mse": ([RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))], None),
}


def numeric_vjp(op_name: str, args: list[np.ndarray], const: Any, upstream: np.ndarray, i: int) -> np.ndarray:
    """Central differences of sum(upstream * f(args)) with respect to args[i]."""
    op = OPS[op_name]
    h = 1e-6
    grad = np.zeros_like(args[i])
    for j in np.ndindex(args[i].shape):
        plus = [a.copy() for a in args]
        minus = [a.copy() for a in args]
        plus[i][j] += h
        minus[i][j] -= h
        f_plus = np.sum(upstream * op.forward(np, plus, const))
        f_minus = np.sum(upstream * op.forward(np, minus, const))
        grad[j] = (f_plus - f_minus) / (2 * h)
    return grad


@pytest.mark.parametrize("op_name", sorted(OPS))
def test_gradient_rule_matches_finite_differences(op_name: str) -> None:
    assert op_name in SAMPLES, f"add sample inputs for the new op {op_name!r} to SAMPLES"
    args, const = SAMPLES[op_name]
    op = OPS[op_name]
    out = op.forward(np, args, const)
    upstream = RNG.normal(size=np.shape(out))
    grads = op.gradients(np, upstream, args, out, const)
    assert len(grads) == op.arity
    for i, g in enumerate(grads):
        expected = numeric_vjp(op_name, args, const, upstream, i)
        np.testing.assert_allclose(np.broadcast_to(g, expected.shape), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("op_name", sorted(OPS))
def test_every_op_has_every_piece(op_name: str) -> None:
    op = OPS[op_name]
    assert op.label(2.0) and op.latex and op.rule("en") and op.rule("es")
    assert op.rule("en") != op.rule("es")
    if op.local is not None:
        assert len(op.local_formula) == op.arity


def test_composites_expand_to_the_same_numbers():
    import graphstep

    for source in ("sigmoid(3x) * tanh(y)", "σ(x) + tanh(x)^2"):
        g = graphstep.parse(source)
        expanded = g.expand()
        assert len(expanded.nodes) > len(g.nodes)
        values = {"x": 0.7, "y": -1.3}
        values = {k: v for k, v in values.items() if k in g.inputs}
        a, b = g.run(**values), expanded.run(**values)
        assert b.value == pytest.approx(a.value, rel=1e-12)
        for name in g.inputs:
            assert b.grad(name) == pytest.approx(a.grad(name), rel=1e-12)


@pytest.mark.parametrize(
    ("source", "grads"),
    [
        ("relu(x)", {"x": 0.0}),  # PyTorch: relu'(0) = 0
        ("abs(x)", {"x": 0.0}),  # PyTorch: abs'(0) = 0
        ("max(x, y)", {"x": 0.5, "y": 0.5}),  # a tie splits evenly
        ("min(x, y)", {"x": 0.5, "y": 0.5}),
    ],
)
def test_non_differentiable_points_follow_pytorch_and_warn(source: str, grads: dict[str, float]) -> None:
    import graphstep

    g = graphstep.parse(source)
    t = g.run(**{name: 0.0 for name in g.inputs})
    assert t.grads == grads
    assert any(step.warnings for step in t.steps)
