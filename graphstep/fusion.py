"""Fused evaluation of big batched graphs on the CPU: the engine's fast path when no one steps through a run.

The ops table stays the one definition of the math: each elementwise op's ``forward`` and ``local`` are
called with a *symbolic* namespace whose values are expressions, so ``exp(-(w0*x0 + w1*x1 + w2))`` becomes
one numexpr string instead of five passes over memory. A node's value becomes an array only where it must
(the output, a named node, a fan-out, the input of a matrix op, or a value a local derivative reads); the
same holds for gradients on the way back. numexpr runs each expression multithreaded, in cache-sized blocks.

Nodes that were fused away keep ``None`` as value and gradient in the Trace; inputs, named nodes and the
output always have both. Anything this path cannot express falls back to the plain engine.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
import threading
from collections.abc import Sequence
from typing import Any

import numpy

from graphstep.backend import reduce_to_shape
from graphstep.graph import CONST, INPUT, Graph
from graphstep.ops import OPS

try:
    import numexpr
except ImportError:  # pragma: no cover - numexpr is optional; the plain engine does the work then
    numexpr = None

MIN_SIZE = 50_000
"""Below this many elements per array, numexpr's call overhead costs more than fusion saves."""
MAX_VARIABLES = 24
MAX_TEXT = 1500


class Unfusable(Exception):
    """An op's rule uses something the expression namespace cannot write."""


class Expr:
    """An elementwise expression over named arrays (a numexpr string), with its broadcast shape."""

    __slots__ = ("names", "pair", "scope", "shape", "text")
    __hash__ = None  # type: ignore[assignment]  # == builds an expression, so no hashing

    def __init__(self, scope: Scope, text: str, names: frozenset[str], shape: tuple[int, ...],
                 pair: tuple[str, str] | None = None) -> None:
        self.scope, self.text, self.names, self.shape, self.pair = scope, text, names, shape, pair

    def _binary(self, other: Any, symbol: str, reverse: bool = False) -> Expr:
        right = self.scope.lift(other)
        a, b = (right, self) if reverse else (self, right)
        pair = (a.text, b.text) if symbol == "*" and a.is_var and b.is_var else None
        return Expr(self.scope, f"({a.text} {symbol} {b.text})", a.names | b.names,
                    _broadcast(a.shape, b.shape), pair)

    @property
    def dtype(self) -> Any:
        return self.scope.dtype

    @property
    def is_var(self) -> bool:
        return self.text in self.scope.arrays

    def __add__(self, o: Any) -> Expr: return self._binary(o, "+")
    def __radd__(self, o: Any) -> Expr: return self._binary(o, "+", True)
    def __sub__(self, o: Any) -> Expr: return self._binary(o, "-")
    def __rsub__(self, o: Any) -> Expr: return self._binary(o, "-", True)
    def __mul__(self, o: Any) -> Expr: return self._binary(o, "*")
    def __rmul__(self, o: Any) -> Expr: return self._binary(o, "*", True)
    def __truediv__(self, o: Any) -> Expr: return self._binary(o, "/")
    def __rtruediv__(self, o: Any) -> Expr: return self._binary(o, "/", True)
    def __pow__(self, o: Any) -> Expr: return self._binary(o, "**")
    def __rpow__(self, o: Any) -> Expr: return self._binary(o, "**", True)
    def __gt__(self, o: Any) -> Expr: return self._binary(o, ">")
    def __lt__(self, o: Any) -> Expr: return self._binary(o, "<")
    def __ge__(self, o: Any) -> Expr: return self._binary(o, ">=")
    def __le__(self, o: Any) -> Expr: return self._binary(o, "<=")
    def __eq__(self, o: Any) -> Expr: return self._binary(o, "==")  # type: ignore[override]
    def __neg__(self) -> Expr: return Expr(self.scope, f"(-{self.text})", self.names, self.shape)

    def __bool__(self) -> bool:
        raise Unfusable("an expression has no truth value")


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(numpy.broadcast_shapes(a, b))


class BufferPool:
    """Output arrays kept for reuse once nothing else refers to them (CPython's reference count says so).

    A fresh 80 MB array costs a page fault per 4 KiB page each run; a training loop's next step can write
    into the arrays of the step before, once that step's trace is gone. A buffer still reachable from a
    trace, a gradient the caller kept, or a view of it is never handed out. At most ``limit`` bytes are kept.
    """

    def __init__(self, limit: int = 512 << 20) -> None:
        self.limit = limit
        self.buffers: list[Any] = []
        self._lock = threading.Lock()
        # What getrefcount reports for a buffer only the pool holds, measured the way take() looks
        # (the list, the loop variable, the call's argument), so no interpreter's counting is assumed.
        probe = [numpy.empty(1)]
        self.idle_refs = min(sys.getrefcount(buf) for buf in probe)

    def take(self, shape: tuple[int, ...], dtype: Any) -> Any:
        with self._lock:
            for buf in self.buffers:
                if buf.shape == shape and buf.dtype == dtype and sys.getrefcount(buf) <= self.idle_refs:
                    return buf
            buf = numpy.empty(shape, dtype=dtype)
            if buf.nbytes <= self.limit:
                self.buffers.append(buf)
                self._trim()
            return buf

    def _trim(self) -> None:
        """Drop the oldest idle buffers past the limit (looked at the way take() looks: same counts)."""
        total = sum(b.nbytes for b in self.buffers)
        dropped: set[int] = set()
        for buf in self.buffers:
            if total <= self.limit:
                break
            if sys.getrefcount(buf) <= self.idle_refs:
                dropped.add(id(buf))
                total -= buf.nbytes
        self.buffers = [b for b in self.buffers if id(b) not in dropped]


POOL = BufferPool()


class Scope:
    """The arrays (and constants, as 0-d arrays of the run's dtype) an expression may name."""

    def __init__(self, dtype: str, pool: BufferPool | None = None) -> None:
        self.dtype = numpy.dtype(dtype)
        self.arrays: dict[str, Any] = {}
        self._constants: dict[float, str] = {}
        self._ids = itertools.count()
        self.pool = pool

    def var(self, array: Any) -> Expr:
        name = f"v{next(self._ids)}"
        self.arrays[name] = array
        return Expr(self, name, frozenset((name,)), tuple(numpy.shape(array)))

    def lift(self, value: Any) -> Expr:
        if isinstance(value, Expr):
            return value
        if isinstance(value, (bool, numpy.bool_)):
            raise Unfusable("boolean constant")
        if not isinstance(value, (int, float, numpy.floating, numpy.integer)):
            raise Unfusable(f"cannot fuse a value of type {type(value).__name__}")
        c = float(value)
        if self.dtype == numpy.float64 and math.isfinite(c):
            # A literal: numexpr folds it into its program, twice as fast as reading a 0-d array.
            return Expr(self, repr(c) if c >= 0 else f"({c!r})", frozenset(), ())
        name = self._constants.get(c)
        if name is None:  # a named 0-d array keeps float32 runs in float32 (numexpr literals are double)
            name = f"k{len(self._constants)}"
            self._constants[c] = name
            self.arrays[name] = numpy.asarray(c, dtype=self.dtype)
        return Expr(self, name, frozenset((name,)), ())

    def evaluate(self, expr: Expr) -> Any:
        if expr.is_var:
            return self.arrays[expr.text]
        local = {n: self.arrays[n] for n in expr.names}
        out = self._buffer(expr, local)
        if out is not None:
            return numexpr.evaluate(expr.text, local_dict=local, global_dict={}, out=out, casting="unsafe")
        result = numexpr.evaluate(expr.text, local_dict=local, global_dict={})
        if result.dtype != self.dtype:
            result = result.astype(self.dtype)
        return result

    def _buffer(self, expr: Expr, local: dict[str, Any]) -> Any:
        """A reusable output array from the pool, when the result has the expression's full shape."""
        if self.pool is None or not local:
            return None
        shape = tuple(numpy.broadcast_shapes(*(numpy.shape(v) for v in local.values())))
        if shape != expr.shape or not shape:
            return None
        return self.pool.take(shape, self.dtype)


class Namespace:
    """The part of the array API the elementwise ops use, writing expressions instead of computing."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def _call(self, fn: str, x: Any) -> Expr:
        e = self.scope.lift(x)
        return Expr(self.scope, f"{fn}({e.text})", e.names, e.shape)

    def exp(self, x: Any) -> Expr: return self._call("exp", x)
    def log(self, x: Any) -> Expr: return self._call("log", x)
    def sqrt(self, x: Any) -> Expr: return self._call("sqrt", x)
    def abs(self, x: Any) -> Expr: return self._call("abs", x)
    def sin(self, x: Any) -> Expr: return self._call("sin", x)
    def cos(self, x: Any) -> Expr: return self._call("cos", x)
    def tanh(self, x: Any) -> Expr: return self._call("tanh", x)

    def where(self, condition: Any, a: Any, b: Any) -> Expr:
        c, x, y = (self.scope.lift(v) for v in (condition, a, b))
        return Expr(self.scope, f"where({c.text}, {x.text}, {y.text})", c.names | x.names | y.names,
                    _broadcast(c.shape, _broadcast(x.shape, y.shape)))

    def maximum(self, a: Any, b: Any) -> Expr:
        x, y = self.scope.lift(a), self.scope.lift(b)
        return self.where(x >= y, x, y)

    def minimum(self, a: Any, b: Any) -> Expr:
        x, y = self.scope.lift(a), self.scope.lift(b)
        return self.where(x <= y, x, y)

    def astype(self, x: Any, dtype: Any) -> Expr:  # a condition as 1.0/0.0 (the ops' indicators)
        return self.where(x, 1.0, 0.0)

    def sign(self, x: Any) -> Expr:
        e = self.scope.lift(x)
        return self.where(e > 0, 1.0, self.where(e < 0, -1.0, 0.0))

    def __getattr__(self, name: str) -> Any:
        raise Unfusable(f"xp.{name} has no fused form")


def applicable(graph: Graph, leaves: dict[int, Any], backend: str) -> bool:
    """Use the fused path for numpy runs over big arrays with some elementwise work to fuse."""
    if numexpr is None or backend != "numpy":
        return False
    if max((numpy.size(v) for v in leaves.values()), default=0) < MIN_SIZE:
        return False
    return any(not n.is_leaf and OPS[n.op].elementwise for n in graph.nodes)


def run_fused(graph: Graph, leaves: dict[int, Any], dtype: str,
              pool: BufferPool | None = POOL) -> tuple[list[Any], list[Any]]:
    """Values and gradients, like the plain engine, with elementwise chains fused (see the module doc)."""
    scope = Scope(dtype, pool)
    xp = Namespace(scope)
    keep, read_back = _arrays_needed(graph, xp, scope)
    exprs, vals = _forward(graph, leaves, scope, xp, keep, read_back)
    return vals, _backward(graph, scope, xp, exprs, vals)


def _arrays_needed(graph: Graph, xp: Namespace, scope: Scope) -> tuple[list[bool], list[bool]]:
    """Per node: must its value be an array (``keep``), and does a local derivative read it (``read_back``)?"""
    n = len(graph.nodes)
    consumers = graph.consumers
    keep = [False] * n
    read_back = [False] * n
    for node in graph.nodes:
        reads = _reads(node, xp, scope)
        if node.is_leaf or node.id == graph.output or node.name or len(consumers[node.id]) > 1:
            keep[node.id] = True
        if "out" in reads:
            read_back[node.id] = True
        elementwise = node.is_leaf or OPS[node.op].elementwise
        for position, source in enumerate(node.inputs):
            if not elementwise:
                keep[source] = True
            elif f"a{position}" in reads:
                read_back[source] = True
    return keep, read_back


def _forward(graph: Graph, leaves: dict[int, Any], scope: Scope, xp: Namespace, keep: list[bool],
             read_back: list[bool]) -> tuple[list[Expr], list[Any]]:
    """Each node's expression; its value only where it must be (or is better) stored."""
    n = len(graph.nodes)
    exprs: list[Any] = [None] * n
    vals: list[Any] = [None] * n
    for node in graph.nodes:
        if node.op in (INPUT, CONST):
            vals[node.id] = leaves[node.id]
            exprs[node.id] = scope.var(leaves[node.id])
            continue
        op = OPS[node.op]
        if op.elementwise:
            expr = op.forward(xp, [exprs[i] for i in node.inputs], node.const)
            # A value the backward pass reads is stored, unless recomputing it is cheaper than memory
            # traffic (`e + 1`: one add on values already read, against a write and two reads).
            if keep[node.id] or _too_big(expr) or (read_back[node.id] and not _cheap(expr)):
                vals[node.id] = scope.evaluate(expr)
                expr = scope.var(vals[node.id])
        else:
            with numpy.errstate(all="ignore"):
                vals[node.id] = op.forward(numpy, [vals[i] for i in node.inputs], node.const)
            expr = scope.var(vals[node.id])
        exprs[node.id] = expr
    return exprs, vals


def _backward(graph: Graph, scope: Scope, xp: Namespace, exprs: list[Expr], vals: list[Any]) -> list[Any]:
    """Gradients in reverse order: expressions flow back, arrays only where a gradient must be kept."""
    nodes = graph.nodes
    grads: list[Any] = [None] * len(nodes)
    pending: list[list[Expr]] = [[] for _ in nodes]
    output = graph.output
    one = scope.lift(1.0)  # ∂f/∂f = 1, a constant with the output's shape: no array of ones to read
    pending[output].append(Expr(scope, one.text, one.names, tuple(numpy.shape(vals[output]))))
    needed = graph.ancestors_of_output
    for node in reversed(nodes[: output + 1]):
        parts = pending[node.id]
        if node.id not in needed or not parts:
            continue
        pending[node.id] = []
        upstream = _total(parts)
        if _keeps_grad(node, upstream):
            grads[node.id] = _materialize(scope, upstream, _shape(node.id, vals, exprs))
            if upstream.names:  # a constant (the seed ∂f/∂f = 1) stays a literal in the expressions
                upstream = scope.var(grads[node.id])
        if node.is_leaf:
            continue
        for source, part in zip(node.inputs, _contributions(node, scope, xp, upstream, exprs, vals, grads)):
            target = _shape(source, vals, exprs)
            if part.shape != target:  # a broadcast input: sum its gradient back to its own shape
                part = scope.var(_reduce(scope, part, target))
            pending[source].append(part)
    return grads


def _total(parts: list[Expr]) -> Expr:
    upstream = parts[0]
    for part in parts[1:]:
        upstream = upstream + part
    return upstream


def _keeps_grad(node: Any, upstream: Expr) -> bool:
    """Must this node's gradient be an array: a leaf's, a named node's, a gate with several inputs (read
    more than once), a matrix op's input, or an expression grown too long?"""
    return (node.is_leaf or bool(node.name) or len(node.inputs) > 1 or _too_big(upstream)
            or not OPS[node.op].elementwise)


def _shape(node_id: int, vals: list[Any], exprs: list[Expr]) -> tuple[int, ...]:
    value = vals[node_id]
    return tuple(numpy.shape(value)) if value is not None else exprs[node_id].shape


def _contributions(node: Any, scope: Scope, xp: Namespace, upstream: Expr, exprs: list[Expr], vals: list[Any],
                   grads: list[Any]) -> list[Expr]:
    """What the gate sends to each input: upstream × local derivative (elementwise), or its vjp's arrays."""
    op = OPS[node.op]
    if op.elementwise:
        args = [exprs[i] for i in node.inputs]
        locals_ = op.local(xp, args, exprs[node.id], node.const)  # type: ignore[misc]
        return [_times(scope, upstream, d) for d in locals_]
    with numpy.errstate(all="ignore"):
        sent = op.gradients(numpy, grads[node.id], [vals[i] for i in node.inputs], vals[node.id], node.const)
    return [scope.var(g) for g in sent]


def _reads(node: Any, xp: Namespace, scope: Scope) -> frozenset[str]:
    """Which of the op's inputs (``a0``, ``a1``) and output (``out``) its local derivative reads."""
    if node.is_leaf or not OPS[node.op].elementwise:
        return frozenset()
    probe = Scope(str(scope.dtype))
    args = [Expr(probe, f"a{i}", frozenset((f"a{i}",)), ()) for i in range(len(node.inputs))]
    out = Expr(probe, "out", frozenset(("out",)), ())
    found: set[str] = set()
    for d in OPS[node.op].local(Namespace(probe), args, out, node.const):  # type: ignore[misc]
        if isinstance(d, Expr):
            found |= {name for name in d.names if name in ("out",) or name.startswith("a")}
    return frozenset(found)


def _times(scope: Scope, upstream: Expr, local: Any) -> Expr:
    if not isinstance(local, Expr):
        if float(local) == 1.0:
            return upstream
        if float(local) == -1.0:
            return -upstream
    return upstream * local


_OPERAND = r"(?:\w+(?:\.\w+)?|\(-\d+\.\d+\))"  # a name, a literal like 1.0, or (-1.0)
_ONE_STEP = re.compile(rf"\((?:{_OPERAND} [-+*/] {_OPERAND}|-{_OPERAND})\)")


def _cheap(expr: Expr) -> bool:
    """One add, subtract, multiply, divide or negation of stored arrays or constants."""
    return _ONE_STEP.fullmatch(expr.text) is not None


def _too_big(expr: Expr) -> bool:
    return len(expr.names) > MAX_VARIABLES or len(expr.text) > MAX_TEXT


def _materialize(scope: Scope, expr: Expr, shape: Sequence[int]) -> Any:
    array = scope.evaluate(expr)
    if numpy.shape(array) != tuple(shape):
        array = numpy.broadcast_to(array, shape)
    return array


def _reduce(scope: Scope, expr: Expr, target: tuple[int, ...]) -> Any:
    if target == () and expr.pair is not None:  # Σ a·b over a batch: one BLAS dot, no temporary
        a, b = (scope.arrays[name] for name in expr.pair)
        if numpy.shape(a) == numpy.shape(b) == expr.shape:
            return numpy.asarray(numpy.dot(numpy.ravel(a), numpy.ravel(b)), dtype=scope.dtype)
    array = scope.evaluate(expr)
    if numpy.shape(array) != expr.shape:
        array = numpy.broadcast_to(array, expr.shape)
    return reduce_to_shape(numpy, array, target)
