"""The scalar fast path (graphstep.scalar) against the ops table on numpy scalars: the same numbers, bit for
bit, and the same steps, for every op a number can go through and every awkward value."""

from __future__ import annotations

import itertools
import math
import random
import struct
from typing import Any

import numpy
import pytest

import graphstep
from graphstep import scalar
from graphstep.engine import run
from graphstep.ops import OPS
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.5, 3.0, 1e-300, -1e-300, 1e300, -1e300, 710.0, -745.5,
           math.inf, -math.inf, math.nan]
RANDOM = [random.Random(7).uniform(-4, 4) for _ in range(12)]
CONSTANTS = [2.0, -1.0, 0.5, 0.0, 3.0, -2.5]


def same(a: Any, b: Any) -> bool:
    """The same double, bit for bit (nan counts as equal to nan; -0.0 differs from 0.0)."""
    a, b = float(a), float(b)
    if math.isnan(a) and math.isnan(b):
        return True
    return struct.pack("<d", a) == struct.pack("<d", b)


def cases(name: str) -> list[tuple[tuple[float, ...], Any]]:
    op = OPS[name]
    values = SPECIAL + RANDOM
    consts: list[Any] = CONSTANTS if op.takes_const else [None]
    if name in ("div_const",):
        consts = [c for c in CONSTANTS if c != 0.0]  # the parser refuses x/0
    return [(args, c) for args in itertools.product(values, repeat=op.arity) for c in consts]


@pytest.mark.parametrize("name", sorted(scalar.RULES))
@numpy.errstate(all="ignore")
def test_each_float_rule_gives_numpys_value_and_local_derivatives(name: str) -> None:
    op = OPS[name]
    for args, c in cases(name):
        with numpy.errstate(all="ignore"):
            expected = op.forward(numpy, [numpy.float64(a) for a in args], c)
        try:
            got = scalar.RULES[name][0](args[0], args[-1], c)
        except scalar.FALLBACK:
            got = scalar.numpy_forward(name, args, c)
        assert type(got) is float and same(got, expected), (name, args, c, got, expected)
        with numpy.errstate(all="ignore"):
            expected_local = op.local(numpy, [numpy.float64(a) for a in args], numpy.float64(got), c)  # type: ignore[misc]
        got_local = scalar.local(name, args, got, c)
        assert len(got_local) == len(expected_local)
        assert all(same(g, e) for g, e in zip(got_local, expected_local)), (name, args, c, got_local, expected_local)


def test_every_op_with_a_warning_says_where_a_float_run_must_look() -> None:
    assert {name for name in scalar.RULES if OPS[name].warn is not None} <= set(scalar.SUSPECT)


FORMULAS = [
    "f = 1/(1+exp(-(w0x0+w1x1+w2))); w0=2;x0=-1;w1=-3;x1=-2;w2=-3",
    "f = xy + x/y - x^y + max(x, y) + min(x, 2) + relu(x - y) + abs(y) + sqrt(x) + log(x) + sin(x)cos(y)"
    " + tanh(x) + σ(y) + 2^x + 3/x + x^3 - 1 - x; x = 2; y = -3",
    "f = relu(x) + abs(x) + max(x, 0) + min(x, y) + log(x) + sqrt(x) + 1/x + y/x; x = 0; y = 0",
    "f = log(x) + sqrt(x) + x^0.5 + (-2)^x; x = -1.5",
    "f = x^-1 + exp(x) * exp(x); x = 0",
    "f = exp(x) * y + x^2; x = 1000; y = 0",
    "q = x + y; f = q*q + q*x + x; x = 1.5; y = -0.25",
    "a = x*x; b = a + x; c = b*a; f = c + b + a; x = 0.75",
]


def run_both(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    graph = graphstep.parse(source)
    fast = run(graph, {})
    with monkeypatch.context() as patched:
        patched.setattr(scalar, "applicable", lambda graph, leaves: False)
        slow = run(graph, {})
    return fast, slow


@pytest.mark.parametrize("source", FORMULAS)
def test_a_float_run_equals_the_numpy_run_number_for_number_and_step_for_step(
        source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = run_both(source, monkeypatch)
    assert fast.floats and not slow.floats
    assert all(same(a, b) for a, b in zip(fast.values, slow.values, strict=True))
    assert all((a is None and b is None) or same(a, b) for a, b in zip(fast.node_grads, slow.node_grads, strict=True))
    assert len(fast.steps) == len(slow.steps)
    for a, b in zip(fast.steps, slow.steps):
        assert type(a) is type(b) and a.index == b.index and a.node == b.node and a.warnings == b.warnings
        assert a.phase == b.phase
        if isinstance(a, ForwardStep):
            assert all(same(x, y) for x, y in zip(a.args, b.args, strict=True)) and same(a.value, b.value)
        elif isinstance(a, SeedStep):
            assert same(a.grad, b.grad)
        elif isinstance(a, AccumulateStep):
            assert [p[:2] for p in a.parts] == [p[:2] for p in b.parts] and same(a.total, b.total)
            assert all(same(p[2], q[2]) for p, q in zip(a.parts, b.parts))
        else:
            assert isinstance(a, BackwardStep)
            assert same(a.upstream, b.upstream)
            assert all(same(x, y) for x, y in zip(a.locals or (), b.locals or (), strict=True))
            assert [s[0] for s in a.sent] == [s[0] for s in b.sent]
            assert all(same(s[1], t[1]) for s, t in zip(a.sent, b.sent))


def test_warnings_come_out_of_a_float_run() -> None:
    trace = graphstep.parse("f = log(x) + relu(y) + 1/(x - 0); x = 0; y = 0").run()
    assert trace.floats
    found = {w for step in trace.steps for w in step.warnings}
    assert {"log_zero", "kink"} <= found


def test_numbers_of_other_kinds_and_arrays_take_the_numpy_path() -> None:
    graph = graphstep.parse("f = x*y")
    assert run(graph, {"x": 2, "y": 3.0}).floats  # an int is a number
    assert not run(graph, {"x": numpy.array([1.0, 2.0]), "y": 3.0}).floats
    assert not run(graph, {"x": 2.0, "y": 3.0}, dtype="float32").floats
    assert run(graph, {"x": True, "y": 3.0}).value == 3.0
