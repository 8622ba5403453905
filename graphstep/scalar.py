"""The scalar fast path: a run on plain numbers computed with Python floats, giving numpy's results.

A formula of numbers spends most of its run on numpy's per-call overhead (a numpy scalar's ``a * b`` costs
four times a float's). Here every op of ``graphstep.ops`` that a number can go through has a twin on Python
floats, written with the same expressions as the table (``upstream * (1.0 / b)``, not ``upstream / b``), so
each result is the same double, bit for bit. Wherever Python's arithmetic differs from numpy's — it raises
where numpy returns ``inf`` or ``nan`` (``x/0``, ``0**-1``, overflow in ``**``, ``sqrt(-1)``), a negative base
to a fractional power makes a complex number, ties of ``max`` and signed zeros — the twin raises
:class:`Numpy` (or Python raises) and that one node is computed by the table's own rule on numpy scalars.
Functions whose last bit depends on the math library (``exp``, ``log``, ``sin``, …) always call numpy.

numpy is imported only when a node needs it (graphstep.lazynp): ``x*y`` runs, records and prints without it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from operator import eq, le
from typing import Any

from graphstep.graph import CONST, INPUT, Graph
from graphstep.lazynp import numpy as _np
from graphstep.ops import OPS, Op

FALLBACK = (ArithmeticError, ValueError)
"""What a float rule raises where numpy's result differs from Python's: that node is computed by numpy."""


class Numpy(ArithmeticError):
    """This case (a tie, a signed zero, nan) is numpy's to answer."""


def _call(name: str, x: float) -> float:
    """A numpy function of one number, as a Python float (numpy's own last bit, not the C library's)."""
    return float(getattr(_np(), name)(x))


def _pow(x: float, y: float) -> float:
    result = x**y
    if type(result) is not float:  # a negative base to a fractional power: numpy says nan
        raise Numpy
    return result


def _maximum(x: float, y: float) -> float:
    if x > y:
        return x
    if y > x:
        return y
    raise Numpy  # equal (±0) or nan: numpy's choice of operand


def _minimum(x: float, y: float) -> float:
    if x < y:
        return x
    if y < x:
        return y
    raise Numpy


def _share(x: float, y: float) -> float:
    """max's gradient share for ``x`` (graphstep.ops._max_split): 0.5 on a tie, else 1 to the larger."""
    return 0.5 if x == y else (1.0 if x > y else 0.0)


def _sign(x: float) -> float:
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    raise Numpy


def _pow_exponent_local(a: float, out: float) -> float:
    if a > 0.0:
        return out * _call("log", a)
    if a == 0.0:
        return a * 0.0
    return math.nan


Forward = Callable[[float, float, Any], float]
Local = Callable[[float, float, float, Any], tuple[float, ...]]

# op name -> (forward(x, y, c), local(x, y, out, c)); ``y`` is the second input (``x`` again for one input).
RULES: dict[str, tuple[Forward, Local]] = {
    "add": (lambda x, y, c: x + y, lambda x, y, o, c: (1.0, 1.0)),
    "sub": (lambda x, y, c: x - y, lambda x, y, o, c: (1.0, -1.0)),
    "mul": (lambda x, y, c: x * y, lambda x, y, o, c: (y, x)),
    "div": (lambda x, y, c: x / y, lambda x, y, o, c: (1.0 / y, -x / (y * y))),
    "pow": (lambda x, y, c: _pow(x, y), lambda x, y, o, c: (y * _pow(x, y - 1.0), _pow_exponent_local(x, o))),
    "max": (lambda x, y, c: _maximum(x, y), lambda x, y, o, c: (_share(x, y), 1.0 - _share(x, y))),
    "min": (lambda x, y, c: _minimum(x, y), lambda x, y, o, c: (_share(y, x), 1.0 - _share(y, x))),
    "add_const": (lambda x, y, c: x + c, lambda x, y, o, c: (1.0,)),
    "rsub_const": (lambda x, y, c: c - x, lambda x, y, o, c: (-1.0,)),
    "mul_const": (lambda x, y, c: x * c, lambda x, y, o, c: (c,)),
    "div_const": (lambda x, y, c: x / c, lambda x, y, o, c: (1.0 / c,)),
    "rdiv_const": (lambda x, y, c: c / x, lambda x, y, o, c: (-c / (x * x),)),
    "pow_const": (lambda x, y, c: _pow(x, c), lambda x, y, o, c: (c * _pow(x, c - 1.0),)),
    "rpow_const": (lambda x, y, c: _pow(c, x), lambda x, y, o, c: (o * math.log(c) if c > 0 else o * math.nan,)),
    "max_const": (lambda x, y, c: _maximum(x, c), lambda x, y, o, c: (_share(x, c),)),
    "min_const": (lambda x, y, c: _minimum(x, c), lambda x, y, o, c: (_share(c, x),)),
    "relu": (lambda x, y, c: _maximum(x, 0.0), lambda x, y, o, c: (1.0 if x > 0.0 else 0.0,)),
    "abs": (lambda x, y, c: abs(x), lambda x, y, o, c: (_sign(x),)),
    "sqrt": (lambda x, y, c: math.sqrt(x), lambda x, y, o, c: (0.5 / o,)),  # IEEE: sqrt is exact everywhere
    "exp": (lambda x, y, c: _call("exp", x), lambda x, y, o, c: (o,)),
    "log": (lambda x, y, c: _call("log", x), lambda x, y, o, c: (1.0 / x,)),
    "sin": (lambda x, y, c: _call("sin", x), lambda x, y, o, c: (_call("cos", x),)),
    "cos": (lambda x, y, c: _call("cos", x), lambda x, y, o, c: (-_call("sin", x),)),
    "tanh": (lambda x, y, c: _call("tanh", x), lambda x, y, o, c: (1.0 - o * o,)),
    "sigmoid": (lambda x, y, c: 1.0 / (1.0 + _call("exp", -x)), lambda x, y, o, c: (o * (1.0 - o),)),
}
"""Each op's forward and local derivative on floats, the same expressions as graphstep.ops."""

SUSPECT: dict[str, tuple[str, Callable[[Any, Any], bool], float | str]] = {
    "div": ("y", eq, 0.0), "rdiv_const": ("x", eq, 0.0),
    "log": ("x", le, 0.0), "sqrt": ("x", le, 0.0),
    "relu": ("x", eq, 0.0), "abs": ("x", eq, 0.0),
    "max": ("x", eq, "y"), "min": ("x", eq, "y"),
    "max_const": ("x", eq, "c"), "min_const": ("x", eq, "c"),
}
"""For each op with a warning (graphstep.ops): the inputs where it may be due (a finite result of the other
ops needs none), as (operand, comparison, number or other operand): ``"x"`` the gate's first input, ``"y"``
its second, ``"c"`` its constant; ``("x", le, 0.0)``: where ``x <= 0.0``. Where this says no, the op's own
check would find nothing (a nan input makes a nan result, which is looked at anyway). A comparison of the
operator module, not a lambda: the step record asks it of every gate of the op at C speed."""


def applicable(graph: Graph, leaves: dict[int, Any]) -> bool:
    """Every leaf a float and every gate an op with a float rule, while the ops table holds the very op that
    rule copies (a test that plants a wrong rule in the table sees the engine use it)."""
    twins = _TWINS
    return all(type(v) is float for v in leaves.values()) and all(
        (OPS.get(op) is twins.get(op) and len(inputs) == twins[op].arity) if inputs else op in _LEAVES
        for _id, op, inputs, *_ in graph.nodes)


_TWINS: dict[str, Op] = {name: OPS[name] for name in RULES}
"""The ops table's entries the float rules copy (graphstep.ops never changes them; a test may)."""
_LEAVES = (INPUT, CONST)


def numpy_forward(op: str, args: Sequence[float], const: Any) -> float:
    """One node's value by the ops table on numpy scalars (the cases Python's floats answer otherwise)."""
    numpy = _np()
    with numpy.errstate(all="ignore"):
        return float(OPS[op].forward(numpy, [numpy.float64(a) for a in args], const))


def numpy_local(op: str, args: Sequence[float], out: float, const: Any) -> tuple[float, ...]:
    """One node's local derivatives by the ops table on numpy scalars."""
    numpy = _np()
    local = OPS[op].local
    assert local is not None
    with numpy.errstate(all="ignore"):
        found = local(numpy, [numpy.float64(a) for a in args], numpy.float64(out), const)
    return tuple(float(d) for d in found)


def local(op: str, args: Sequence[float], out: float, const: Any) -> tuple[float, ...]:
    """The local derivatives of one gate, as graphstep.ops computes them on numpy scalars."""
    x = args[0]
    try:
        return RULES[op][1](x, args[-1], out, const)
    except FALLBACK:
        return numpy_local(op, args, out, const)


def run(graph: Graph, leaves: dict[int, float], record: bool) -> tuple[list[float], list[float | None],
                                                                   list[Any] | None, list[Any] | None]:
    """Values, gradients and (with ``record``) each gate's contributions and local derivatives, as the
    engine's loop makes them."""
    nodes = graph.nodes
    vals: list[float] = [0.0] * len(nodes)
    rules = RULES
    for node_id, op, inputs, _name, const, _span, _group, _group_op in nodes:
        if not inputs:
            vals[node_id] = leaves[node_id]
            continue
        try:
            vals[node_id] = rules[op][0](vals[inputs[0]], vals[inputs[-1]], const)
        except FALLBACK:
            vals[node_id] = numpy_forward(op, [vals[i] for i in inputs], const)
    grads: list[float | None] = [None] * len(nodes)
    sent: list[Any] | None = [None] * len(nodes) if record else None
    locals_: list[Any] | None = [None] * len(nodes) if record else None
    output = graph.output
    grads[output] = 1.0
    for node_id, op, inputs, _name, const, _span, _group, _group_op in reversed(nodes[: output + 1]):
        upstream = grads[node_id]
        if upstream is None or not inputs:
            continue
        try:
            found = rules[op][1](vals[inputs[0]], vals[inputs[-1]], vals[node_id], const)
        except FALLBACK:
            found = numpy_local(op, [vals[i] for i in inputs], vals[node_id], const)
        if len(inputs) == 1:
            g = upstream * found[0]
            if sent is not None:
                sent[node_id] = (g,)
                locals_[node_id] = found  # type: ignore[index]
            source = inputs[0]
            previous = grads[source]
            grads[source] = g if previous is None else previous + g
            continue
        g0, g1 = upstream * found[0], upstream * found[1]
        if sent is not None:
            sent[node_id] = (g0, g1)
            locals_[node_id] = found  # type: ignore[index]
        source = inputs[0]
        previous = grads[source]
        grads[source] = g0 if previous is None else previous + g0
        source = inputs[1]
        previous = grads[source]
        grads[source] = g1 if previous is None else previous + g1
    return vals, grads, sent, locals_
