"""The engine: forward in topological order, backward in reverse. Iterative, no recursion anywhere.

Node ids are a topological order (see graph.py), so both passes are plain loops over the node list: a chain
of a million nodes needs no deep call stack. Every run allocates fresh gradient storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy

from graphstep import fusion
from graphstep.backend import asarray, check_dtype, device_of, get_namespace, reduce_to_shape
from graphstep.errors import GraphstepError, InputError, line_and_column
from graphstep.gcpause import paused_gc
from graphstep.graph import CONST, INPUT, Graph, Node
from graphstep.ops import OPS
from graphstep.trace import Trace


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
    xp = get_namespace(backend)
    check_dtype(dtype)
    leaf_values = bind_inputs(graph, values, xp, dtype, None if xp is numpy else device_of(backend))
    if not record and fusion.applicable(graph, leaf_values, backend):
        try:
            fused_values, fused_grads = fusion.run_fused(graph, leaf_values, dtype)
            return Trace(graph, xp, fused_values, fused_grads, None, backend=backend, dtype=dtype)
        except Exception:  # anything the fused path cannot do, the plain loop below does (and reports)
            pass
    nodes = graph.nodes
    n = len(nodes)
    vals: list[Any] = [None] * n
    # Floating-point problems become step warnings (log of 0, overflow), not numpy RuntimeWarnings.
    with numpy.errstate(all="ignore"), paused_gc():
        for node in nodes:
            if node.op == INPUT or node.op == CONST:
                vals[node.id] = leaf_values[node.id]
                continue
            op = OPS[node.op]
            try:
                vals[node.id] = op.forward(xp, [vals[i] for i in node.inputs], node.const)
            except (ValueError, TypeError) as error:
                raise _node_error(graph, node, vals, error) from None

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
    return Trace(graph, xp, vals, grads, sent, backend=backend, dtype=dtype)


def bind_inputs(graph: Graph, values: Mapping[str, Any], xp: Any, dtype: str, device: Any = None) -> dict[int, Any]:
    """Each leaf's value as a backend array: given values first, then defaults bound in the source."""
    if xp is not numpy:  # any array API namespace (numpy's own stays the short, fast call below)
        return _bind(graph, values, lambda value: asarray(xp, value, dtype, device))
    return _bind(graph, values, lambda value: numpy.asarray(value, dtype=dtype))


def _bind(graph: Graph, values: Mapping[str, Any], convert: Any) -> dict[int, Any]:
    if any(name not in graph.inputs for name in values):  # w_0=…, alpha=…: the language's other spellings
        values = {graph.resolve(name): value for name, value in values.items()}
    unknown = [name for name in values if name not in graph.inputs]
    if unknown:
        known = ", ".join(graph.inputs) or "none"
        raise InputError(f"no input named {unknown[0]!r} in this formula (its inputs: {known})")
    bound: dict[int, Any] = {}
    for node in graph.nodes:
        if node.op == CONST:
            bound[node.id] = convert(node.const)
        elif node.op == INPUT:
            name = node.name or ""
            value = values.get(name, node.const)
            if value is None:
                raise InputError(f"missing value for input {name!r}: give it as {name}=VALUE")
            try:
                bound[node.id] = convert(value)
            except (ValueError, TypeError):
                raise InputError(f"input {name!r} must be a number or an array of numbers, not {value!r}") from None
    return bound


def _node_error(graph: Graph, node: Node, vals: list[Any], error: Exception) -> GraphstepError:
    shapes = ", ".join(str(getattr(vals[i], "shape", ())) for i in node.inputs)
    where = ""
    if node.span is not None:
        line, column = line_and_column(graph.source, node.span[0])
        where = f" at line {line}, column {column}"
    return GraphstepError(f"cannot compute {node.label}{where} on inputs of shapes {shapes}: {error}")
