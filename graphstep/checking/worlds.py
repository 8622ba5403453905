"""Recomputation: the exercise worked again from the student's own numbers.

The engine computes the exact run. To judge a wrong-looking number fairly the checker also needs the run
the student actually did: every value and gradient recomputed from the numbers they wrote before it
(their claims override the exact ones), or with every intermediate rounded as on paper. These walks are
the engine's two loops with overrides; every piece of math in them comes from the ops table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy

from graphstep.checking.work import charge
from graphstep.graph import Graph
from graphstep.ops import OPS


def _round(x: float, digits: int | None) -> float:
    return x if digits is None else round(x, digits)


@dataclass
class Edge:
    """One gradient contribution along a wire: consumer gate, input position, upstream, local, sent."""

    consumer: int
    position: int
    upstream: float
    local: float | None
    sent: float


@dataclass
class World:
    """Values and gradients of one way of working the exercise."""

    values: list[float]
    """The value each node carries forward (the student's claim where they wrote one)."""
    computed: list[float]
    """Each gate's value computed from its inputs' carried values (before any override)."""
    grads: dict[int, float] = field(default_factory=dict)
    """The gradient each node carries backward (the student's claim where they wrote one)."""
    grad_computed: dict[int, float] = field(default_factory=dict)
    """Each node's gradient summed from what its consumers sent (before any override)."""
    edges: dict[int, list[Edge]] = field(default_factory=dict)
    """Per node: the contributions its consumers sent it."""


def forward(graph: Graph, leaves: Mapping[int, float], claims: Mapping[int, float], digits: int | None = None) -> World:
    """Values from the leaves, each node's claimed value replacing the computed one for what follows."""
    charge(len(graph.nodes))
    values: list[float] = []
    computed: list[float] = []
    with numpy.errstate(all="ignore"):
        for node in graph.nodes:
            if node.is_leaf:
                value = leaves[node.id]
            else:
                args = [numpy.float64(values[i]) for i in node.inputs]
                value = _round(float(OPS[node.op].forward(numpy, args, node.const)), digits)
            computed.append(value)
            values.append(claims.get(node.id, value))
    return World(values, computed)


def backward(graph: Graph, world: World, output: int, claims: Mapping[int, float], digits: int | None = None) -> World:
    """Gradients of ``output`` on the world's values; a claimed gradient replaces the computed one."""
    charge(output + 1)
    edges: dict[int, list[Edge]] = {}
    world.edges, world.grads, world.grad_computed = edges, {}, {}
    needed = ancestors(graph, output)
    with numpy.errstate(all="ignore"):
        for node in reversed(graph.nodes[: output + 1]):
            if node.id not in needed:
                continue
            total = 1.0 if node.id == output else _round(sum(e.sent for e in edges.get(node.id, [])), digits)
            world.grad_computed[node.id] = total
            upstream = claims.get(node.id, total)
            world.grads[node.id] = upstream
            if node.is_leaf:
                continue
            op = OPS[node.op]
            args = [numpy.float64(world.values[i]) for i in node.inputs]
            out = numpy.float64(world.values[node.id])
            locals_: tuple[Any, ...] | None = op.local(numpy, args, out, node.const) if op.local else None
            sent = op.gradients(numpy, numpy.float64(upstream), args, out, node.const)
            for position, source in enumerate(node.inputs):
                local = float(locals_[position]) if locals_ is not None else None
                edges.setdefault(source, []).append(
                    Edge(node.id, position, upstream, local, _round(float(sent[position]), digits)))
    return world


def ancestors(graph: Graph, output: int) -> set[int]:
    seen = {output}
    for node in reversed(graph.nodes[: output + 1]):
        if node.id in seen:
            seen.update(node.inputs)
    return seen


def descendants(graph: Graph, node_id: int) -> set[int]:
    """Nodes that read ``node_id``, directly or not."""
    found: set[int] = set()
    stack = [node_id]
    while stack:
        for consumer, _ in graph.consumers[stack.pop()]:
            if consumer not in found:
                found.add(consumer)
                stack.append(consumer)
    return found
