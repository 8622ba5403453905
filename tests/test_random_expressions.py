"""Random expressions (hypothesis): graphstep's gradients against sympy's derivatives and PyTorch's autograd."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import graphstep

VARIABLES = ("x", "y", "z")
SYMBOLS = {name: sympy.Symbol(name, real=True) for name in VARIABLES}


@dataclass(frozen=True)
class Expr:
    text: str  # in graphstep's language
    sym: Any  # the same expression in sympy
    torch: Any  # a function of a dict of torch tensors


def leaf() -> st.SearchStrategy[Expr]:
    variables = st.sampled_from(VARIABLES).map(lambda v: Expr(v, SYMBOLS[v], lambda e, v=v: e[v]))
    constants = st.sampled_from([2, 3, 0.5]).map(lambda c: Expr(str(c), sympy.nsimplify(c), lambda e, c=c: c))
    return st.one_of(variables, variables, constants)


# Domain-safe building blocks: each keeps the function smooth at random points.
UNARY = [
    ("exp({})", sympy.exp, lambda t, a: t.exp(a), "tanh"),
    ("sin({})", sympy.sin, lambda t, a: t.sin(a), None),
    ("cos({})", sympy.cos, lambda t, a: t.cos(a), None),
    ("tanh({})", sympy.tanh, lambda t, a: t.tanh(a), None),
    ("sigmoid({})", lambda a: 1 / (1 + sympy.exp(-a)), lambda t, a: t.sigmoid(a), None),
    ("log(({})^2 + 1)", lambda a: sympy.log(a**2 + 1), lambda t, a: t.log(a**2 + 1), None),
    ("sqrt(({})^2 + 1)", lambda a: sympy.sqrt(a**2 + 1), lambda t, a: t.sqrt(a**2 + 1), None),
    ("-({})", lambda a: -a, lambda t, a: -a, None),
    ("({})²", lambda a: a**2, lambda t, a: a**2, None),
]
BINARY = [
    ("({}) + ({})", lambda a, b: a + b, lambda t, a, b: a + b),
    ("({}) - ({})", lambda a, b: a - b, lambda t, a, b: a - b),
    ("({})({})", lambda a, b: a * b, lambda t, a, b: a * b),
    ("({}) / (({})^2 + 1)", lambda a, b: a / (b**2 + 1), lambda t, a, b: a / (b**2 + 1)),
    ("max({}, {})", sympy.Max, lambda t, a, b: t.maximum(t.as_tensor(a), t.as_tensor(b))),
]


def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    def unary(pair: tuple[int, Expr]) -> Expr:
        template, sym, tor, guard = UNARY[pair[0]]
        inner = pair[1]
        if guard == "tanh":  # keep exp's argument bounded
            return Expr(template.format(f"tanh({inner.text})"), sym(sympy.tanh(inner.sym)),
                        lambda e: tor(_t(), _t().tanh(_as_t(inner.torch(e)))))
        return Expr(template.format(inner.text), sym(inner.sym), lambda e: tor(_t(), _as_t(inner.torch(e))))

    def binary(triple: tuple[int, Expr, Expr]) -> Expr:
        template, sym, tor = BINARY[triple[0]]
        a, b = triple[1], triple[2]
        return Expr(template.format(a.text, b.text), sym(a.sym, b.sym),
                    lambda e: tor(_t(), _as_t(a.torch(e)), _as_t(b.torch(e))))

    return st.one_of(
        st.tuples(st.integers(0, len(UNARY) - 1), children).map(unary),
        st.tuples(st.integers(0, len(BINARY) - 1), children, children).map(binary),
    )


def _t() -> Any:
    import torch

    return torch


def _as_t(value: Any) -> Any:
    torch = _t()
    return value if isinstance(value, torch.Tensor) else torch.tensor(float(value), dtype=torch.float64)


EXPRESSIONS = st.recursive(leaf(), extend, max_leaves=8)
POINTS = st.fixed_dictionaries({v: st.floats(-2, 2).map(lambda f: round(f, 3)) for v in VARIABLES})


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-8, abs_tol=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, POINTS)
def test_gradients_match_sympy(expr: Expr, point: dict[str, float]) -> None:
    graph = graphstep.parse(expr.text)
    values = {name: point[name] for name in graph.inputs}
    subs = {SYMBOLS[name]: sympy.Float(v, 30) for name, v in point.items()}
    # max is not differentiable on a tie: skip points where its arguments are (nearly) equal
    for m in sympy.preorder_traversal(expr.sym):
        if isinstance(m, sympy.Max):
            a, b = (float(arg.evalf(subs=subs)) for arg in m.args[:2])
            assume(abs(a - b) > 1e-6)
    trace = graph.run(**values)
    try:
        expected_value = float(expr.sym.evalf(subs=subs))
        expected_grads = {name: float(sympy.diff(expr.sym, SYMBOLS[name]).evalf(subs=subs)) for name in graph.inputs}
    except (ValueError, TypeError):  # sympy cannot decide a Max between two numbers that are both ~0
        assume(False)
    assert close(trace.value, expected_value)
    for name in graph.inputs:
        assert close(trace.grad(name), expected_grads[name]), (expr.text, name)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, POINTS)
def test_gradients_match_pytorch(expr: Expr, point: dict[str, float]) -> None:
    torch = pytest.importorskip("torch")
    graph = graphstep.parse(expr.text)
    tensors = {name: torch.tensor(v, dtype=torch.float64, requires_grad=True) for name, v in point.items()}
    out = _as_t(expr.torch(tensors))
    if not out.requires_grad:
        return  # a constant expression has no gradient to compare
    out.backward()
    trace = graph.run(**{name: point[name] for name in graph.inputs})
    assert close(trace.value, float(out.detach()))
    for name in graph.inputs:
        expected = tensors[name].grad
        assert close(trace.grad(name), float(expected) if expected is not None else 0.0), (expr.text, name)
