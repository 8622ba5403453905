"""The engine: forward in topological order, backward in reverse. Iterative, no recursion anywhere.

Node ids are a topological order (see graph.py), so both passes are plain loops over the node list: a chain
of a million nodes needs no deep call stack. Every run allocates fresh gradient storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphstep import scalar
from graphstep.backend import asarray, check_dtype, device_of, get_namespace, reduce_to_shape
from graphstep.errors import GraphstepError, InputError, MissingInputError, Phrase, line_and_column
from graphstep.gcpause import paused_gc
from graphstep.graph import CONST, INPUT, Graph, Node
from graphstep.lazynp import numpy as _numpy
from graphstep.lazynp import quiet
from graphstep.limits import Budget, shape_size
from graphstep.ops import OPS
from graphstep.trace import Trace

CANNOT_FUSE = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError)
"""Errors that make the fused path give a run back to the plain loop (which then reports any real one)."""


def run(
    graph: Graph,
    values: Mapping[str, Any],
    backend: str = "numpy",
    dtype: str = "float64",
    record: bool = True,
) -> Trace:
    """Evaluate ``graph`` forward and backward on the given input values.

    With ``record=False`` the per-edge contributions are not kept (no step list, less memory), which is
    what batched evaluation and training want; big numpy runs then fuse elementwise chains (graphstep.fusion),
    and only inputs, named nodes and the output are sure to keep their values and gradients (arrays of a
    dropped trace are reused by the next such run: see graphstep.fusion.BufferPool).
    """
    xp = None if backend == "numpy" else get_namespace(backend)
    check_dtype(dtype)
    if backend == "numpy" and dtype == "float64":  # numbers stay Python floats: the scalar fast path's input
        leaf_values = _bind(graph, values, _float_or_array)
        if scalar.applicable(graph, leaf_values):  # numpy not even imported unless a node needs it
            with quiet(), paused_gc():  # numpy answers a few nodes (log of 0: -inf)
                vals, grads, sent, local_record = scalar.run(graph, leaf_values, record)
            return Trace(graph, None, vals, grads, sent, backend=backend, dtype=dtype, floats=True,
                         local_record=local_record)
        xp = _numpy()
        leaf_values = {i: xp.float64(v) if type(v) is float else v for i, v in leaf_values.items()}
    else:
        xp = xp or _numpy()
        leaf_values = bind_inputs(graph, values, xp, dtype, None if xp is _numpy() else device_of(backend))
    if backend != "dask":  # Dask holds a chunk at a time, never the whole batch: no cap on the total
        check_sizes(graph, leaf_values)
    if not record and _fusion().applicable(graph, leaf_values, backend):
        fused = _run_fused(graph, leaf_values, xp, backend, dtype)
        if fused is not None:
            return fused
    # Floating-point problems become step warnings (log of 0, overflow), not numpy RuntimeWarnings.
    with quiet(), paused_gc():
        vals = _forward(graph, leaf_values, xp)
        grads, sent = _backward(graph, vals, xp, record)
    return Trace(graph, xp, vals, grads, sent, backend=backend, dtype=dtype)


def _backward(graph: Graph, vals: list[Any], xp: Any, record: bool) -> tuple[list[Any], list[Any] | None]:
    """Every node's gradient, in reverse topological order, and (with ``record``) what each gate sent back."""
    nodes = graph.nodes
    n = len(nodes)
    grads: list[Any] = [None] * n
    sent: list[tuple[Any, ...] | None] | None = [None] * n if record else None
    output = graph.output
    grads[output] = xp.ones_like(vals[output])
    for node in reversed(nodes[: output + 1]):
        upstream = grads[node.id]
        if upstream is None or not node.inputs:
            continue
        op = OPS[node.op]
        args = [vals[i] for i in node.inputs]
        try:
            local_grads = op.gradients(xp, upstream, args, vals[node.id], node.const)
        except (ValueError, TypeError) as error:
            raise _node_error(graph, node, vals, error) from None
        reduced = tuple(
            reduce_to_shape(xp, g, getattr(vals[i], "shape", ())) for g, i in zip(local_grads, node.inputs)
        )
        if sent is not None:
            sent[node.id] = reduced
        for source, g in zip(node.inputs, reduced):
            previous = grads[source]
            grads[source] = g if previous is None else previous + g
    return grads, sent


def _run_fused(graph: Graph, leaf_values: dict[int, Any], xp: Any, backend: str, dtype: str) -> Trace | None:
    """The fused run's trace, or None when the plain loop must run instead (and, on a real problem, report it)."""
    try:
        fused_values, fused_grads = _fusion().run_fused(graph, leaf_values, dtype)
        return Trace(graph, xp, fused_values, fused_grads, None, backend=backend, dtype=dtype)
    except _fusion().Unfusable as reason:  # an op the fused path cannot write: the plain loop runs it
        log = _log()
        log.debug("cannot fuse this run (%s); running the plain loop", reason)
    except CANNOT_FUSE as error:  # a real problem (shapes, types): the plain loop reports it with its node
        log = _log()
        log.debug("the fused run failed (%s: %s); running the plain loop", type(error).__name__, error)
    return None


def _forward(graph: Graph, leaf_values: dict[int, Any], xp: Any) -> list[Any]:
    """Every node's value, in topological order."""
    vals: list[Any] = [None] * len(graph.nodes)
    for node in graph.nodes:
        if node.op == INPUT or node.op == CONST:
            vals[node.id] = leaf_values[node.id]
            continue
        op = OPS[node.op]
        try:
            vals[node.id] = op.forward(xp, [vals[i] for i in node.inputs], node.const)
        except (ValueError, TypeError) as error:
            raise _node_error(graph, node, vals, error) from None
    return vals


def _log() -> Any:
    """This module's logger; logging is imported only when a fused run has something to say."""
    import logging

    return logging.getLogger(__name__)


def _fusion() -> Any:
    """graphstep.fusion, imported on first use: it brings numexpr, which a formula's run never needs
    (a tenth of `graphstep eval`'s start-up)."""
    from graphstep import fusion

    return fusion


def bind_inputs(graph: Graph, values: Mapping[str, Any], xp: Any, dtype: str, device: Any = None) -> dict[int, Any]:
    """Each leaf's value as a backend array: given values first, then defaults bound in the source."""
    if xp is not _numpy():  # any array API namespace (numpy's own stays the short, fast call below)
        return _bind(graph, values, lambda value: asarray(xp, value, dtype, device))
    return _bind(graph, values, lambda value: _numpy_value(value, dtype))


def _numpy_value(value: Any, dtype: str) -> Any:
    """A value as a numpy array, or a numpy scalar when it is one number: a gate's result on numbers is a
    numpy scalar anyway, and arithmetic on a 0-d array costs ten times as much (a big scalar graph's run)."""
    if type(value) is float or type(value) is int:  # the common case, without the array on the way
        return getattr(_numpy(), dtype)(value)
    array = _numpy().asarray(value, dtype=dtype)
    return array[()] if array.ndim == 0 else array


def _float_or_array(value: Any) -> Any:
    """A number as a Python float (the scalar fast path's), anything else as for numpy (float64)."""
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an int past float's range: numpy's answer
            pass
    return _numpy_value(value, "float64")


_REAL = (float, int)


def _bind(graph: Graph, values: Mapping[str, Any], convert: Any) -> dict[int, Any]:
    if any(name not in graph.inputs for name in values):  # w_0=…, alpha=…: the language's other spellings
        values = {graph.resolve(name): value for name, value in values.items()}
    unknown = [name for name in values if name not in graph.inputs]
    if unknown:
        known = ", ".join(graph.inputs) or Phrase("error.none")
        raise InputError("error.no_such_input", name=unknown[0], known=known)
    bound: dict[int, Any] = {}
    for node in graph.nodes:
        if node.op == CONST:
            bound[node.id] = convert(node.const)
        elif node.op == INPUT:
            name = node.name or ""
            value = values.get(name, node.const)
            if value is None:
                raise MissingInputError("error.missing_value", name=name)
            if type(value) not in _REAL and _numpy().iscomplexobj(value):  # (a plain number is common, and cheap)
                raise InputError("error.complex_input", name=name)
            try:
                bound[node.id] = convert(value)
            except (ValueError, TypeError):
                raise InputError("error.input_not_number", name=name, value=value) from None
            except OverflowError:  # an int past float's range (10**400): no float holds it
                raise InputError("error.input_too_large", name=name) from None
    return bound


def _node_error(graph: Graph, node: Node, vals: list[Any], error: Exception) -> GraphstepError:
    shapes = ", ".join(str(getattr(vals[i], "shape", ())) for i in node.inputs)
    if node.span is None:
        return GraphstepError("error.cannot_compute_node", gate=node.label, shapes=shapes, error=error)
    line, column = line_and_column(graph.source, node.span[0])
    return GraphstepError("error.cannot_compute_node_at", gate=node.label, line=line, column=column, shapes=shapes,
                          error=error)


def check_sizes(graph: Graph, leaves: Mapping[int, Any]) -> None:
    """Refuse, before anything is computed, a run whose values would hold more numbers than the limit
    (see graphstep.limits): every node's shape follows from its inputs' shapes, broadcasting and ``@``
    included, without making an array. A run on numbers alone has nothing to count."""
    if all(getattr(v, "ndim", 0) == 0 for v in leaves.values()):
        return
    budget = Budget()
    shapes: list[tuple[int, ...]] = []
    for node in graph.nodes:
        if node.id in leaves:
            shape = tuple(getattr(leaves[node.id], "shape", ()))
        else:
            inputs = [shapes[i] for i in node.inputs]
            try:
                shape = _result_shape(node, inputs)
            except (ValueError, IndexError, TypeError):
                return  # shapes that do not fit: the op itself says so when the run reaches it
            budget.claim_work(node.op, inputs, _where(graph, node))
        budget.claim(shape_size(shape), _where(graph, node))
        shapes.append(shape)


def _result_shape(node: Node, shapes: list[tuple[int, ...]]) -> tuple[int, ...]:
    op = node.op
    if op == "matmul":
        return _matmul_shape(*shapes)
    if op in ("sum", "mean"):
        return _reduced_shape(node, shapes[0])
    if op == "transpose":
        (shape,) = shapes
        return (*shape[:-2], shape[-1], shape[-2]) if len(shape) >= 2 else shape
    if OPS[op].elementwise or op in ("softmax", "log_softmax") or len(shapes) == 1:
        return tuple(_numpy().broadcast_shapes(*shapes))
    try:  # a loss of two arrays: its work broadcasts them, its result is smaller
        return tuple(_numpy().broadcast_shapes(*shapes))
    except ValueError:
        return max(shapes, key=shape_size)


def _matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    if not a or not b or (a[-1] != (b[-2] if len(b) > 1 else b[0])):
        raise ValueError("matmul shapes")
    batch = _numpy().broadcast_shapes(a[:-2], b[:-2])
    return (*batch, *a[-2:-1], *(b[-1:] if len(b) > 1 else ()))


def _reduced_shape(node: Node, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a sum or mean leaves: one axis (or all) gone, or kept with length 1."""
    axis, keep = (node.const[0], True) if isinstance(node.const, tuple) else (node.const, False)
    if axis is None or not shape:
        return tuple(1 for _ in shape) if keep else ()
    axis = int(axis)
    if not -len(shape) <= axis < len(shape):
        raise ValueError("axis out of range")
    axis %= len(shape)
    return tuple(1 if k == axis else s for k, s in enumerate(shape) if keep or k != axis)


def _where(graph: Graph, node: Node) -> Phrase:
    if node.span is None:
        return Phrase("limit.node", {"label": node.label})
    line, column = line_and_column(graph.source, node.span[0])
    return Phrase("limit.node_at", {"label": node.label, "line": line, "column": column})
