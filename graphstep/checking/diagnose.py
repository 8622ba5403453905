"""The usual mistakes, recomputed: each gives the number a student would write after making it.

A diagnosis is never a guess: a mistake is named only when its recomputation reproduces the student's
number. The recomputations run on a :class:`~graphstep.checking.worlds.World` (the exact numbers or the
student's own), and every local derivative comes from the ops table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy

from graphstep.checking.work import charge
from graphstep.checking.worlds import Edge, World
from graphstep.explain import formula, sum_relation
from graphstep.graph import Graph
from graphstep.numbers import fmt
from graphstep.ops import OPS

ROUTING_OPS = frozenset({"max", "min", "max_const", "min_const", "relu"})
"""Gates that route the gradient to one input (relu is max(x, 0))."""
DIAGNOSES = ("sign", "fanout", "upstream_dropped", "mul_swapped", "max_routed", "relu_routed", "chain_order",
             "local_dropped")
"""The mistakes the checker recomputes, in the order it tries them."""


@dataclass(frozen=True)
class Diagnosis:
    """A named mistake, with the numbers its message shows."""

    code: str
    """One of DIAGNOSES, or ``max_picked`` (a max/min gate's value is the other input), or ``unknown``."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Numbers and names for the message (already formatted as text)."""


def how(graph: Graph, world: World, node: int, of: int | None, digits: int,
        written: tuple[dict[int, str], dict[int, str]] | None = None) -> str:
    """``2.00 × 0.20 = 0.40`` (a gradient) or ``-2.00 + 6.00 = 4.00`` (a value), from the world's numbers;
    ``written`` (values, gradients) are the student's numbers as they wrote them, quoted as written."""
    values, grads = written or ({}, {})
    if of is None:
        gate = graph.nodes[node]
        if gate.is_leaf:
            return trim(world.computed[node], digits)
        args = [values.get(i) or trim(world.values[i], digits) for i in gate.inputs]
        return f"{times(formula(gate.op, args, gate.const))} = {trim(world.computed[node], digits)}"
    if node == of:
        return "1"
    charge(len(world.edges.get(node, [])))  # a fork's sum has a term per wire: long text is work too
    parts = [f"{grads.get(e.consumer) or trim(e.upstream, digits)} × {trim(e.local, digits)}" if e.local is not None
             else trim(e.sent, digits) for e in world.edges.get(node, [])]
    total = trim(world.grad_computed.get(node, 0.0), digits)
    return f"{' + '.join(parts) or '0'} = {total}".replace("+ -", "- ")


def shown_sum(parts: str, total: str) -> str:
    """``parts = total`` when the shown parts add up to the shown total at its precision, else ``parts ≈ total``
    (a student reads the equation as written): the rule of the step sentences, explain.sum_relation."""
    return f"{parts} {sum_relation(parts.replace('- ', '+ -').split(' + '), total)} {total}"


def candidates(graph: Graph, world: World, node: int, of: int | None, digits: int) -> list[tuple[Diagnosis, float]]:
    """Each usual mistake, recomputed: (its diagnosis with the numbers for the message, the number it gives)."""

    def num(x: float | None) -> str:
        return trim(x, digits)

    if of is None:
        return value_candidates(graph, world, node, num)
    total = world.grad_computed.get(node, 0.0)
    edges = world.edges.get(node, [])
    name = graph.display_name(node)  # as every view names it: never an internal id
    common = {"name": name, "right": num(total), "how": how(graph, world, node, of, digits)}
    found: list[tuple[Diagnosis, float]] = []
    if total != 0:
        found.append((Diagnosis("sign", common), -total))
    if len(edges) > 1:
        parts = " + ".join(num(e.sent) for e in edges).replace("+ -", "- ")
        added = shown_sum(parts, common["right"])  # once: the same sum for every wire (was once per wire)
        for e in edges:
            found.append((Diagnosis("fanout", {**common, "count": str(len(edges)), "gate": gate_text(graph, e.consumer),
                                               "parts": parts, "sum": added}), e.sent))
    for e in edges:
        found += edge_candidates(graph, world, node, e, common, num)
    if len(edges) > 1 and all(e.local is not None for e in edges):
        found.append((Diagnosis("upstream_dropped", {**common, "gate": gate_text(graph, edges[0].consumer),
                                                     "upstream": num(edges[0].upstream),
                                                     "local": num(edges[0].local), "sent": num(edges[0].sent)}),
                      sum(e.local or 0.0 for e in edges)))
    chain = chain_order(graph, world, node, common)
    if chain is not None:
        found.append(chain)
    order = {code: i for i, code in enumerate(DIAGNOSES)}
    found.sort(key=lambda item: order.get(item[0].code, len(order)))
    return found


def value_candidates(graph: Graph, world: World, node: int, num: Callable[[float | None], str]
                     ) -> list[tuple[Diagnosis, float]]:
    """A value's usual mistakes: the sign, and a max/min gate passing on the other input."""
    found: list[tuple[Diagnosis, float]] = []
    value = world.computed[node]
    gate = graph.nodes[node]
    if value != 0:
        found.append((Diagnosis("sign", {"right": num(value)}), -value))
    if gate.op in ("max", "min"):
        a, b = (world.values[i] for i in gate.inputs)
        chosen, other = (a, b) if value == a else (b, a)
        found.append((Diagnosis("max_picked", {"gate": gate.label, "right": num(chosen), "other": num(other)}),
                      other))
    return found


def edge_candidates(graph: Graph, world: World, node: int, e: Edge, common: dict[str, str],
                    num: Callable[[float | None], str]) -> list[tuple[Diagnosis, float]]:
    """The mistakes one gate can make on the wire back to ``node``: each with the total it gives."""
    total = world.grad_computed.get(node, 0.0)
    rest = total - e.sent
    consumer = graph.nodes[e.consumer]
    fields = {**common, "gate": gate_text(graph, e.consumer), "upstream": num(e.upstream), "local": num(e.local),
              "sent": num(e.sent)}
    found: list[tuple[Diagnosis, float]] = []
    if e.local is not None:
        found.append((Diagnosis("upstream_dropped", fields), rest + e.local))
    if consumer.op == "mul" and consumer.inputs[0] != consumer.inputs[1]:
        own = world.values[node]
        other = world.values[consumer.inputs[1 - e.position]]
        found.append((Diagnosis("mul_swapped", {**fields, "own": num(own), "other": num(other)}),
                      rest + e.upstream * own))
    if consumer.op in ROUTING_OPS and e.local is not None:
        code = "relu_routed" if consumer.op == "relu" else "max_routed"
        larger = max(consumer.inputs, key=lambda i: world.values[i])
        where = {"input": num(world.values[node]), "larger": graph.display_name(larger),
                 "larger_value": num(world.values[larger])}
        found.append((Diagnosis(code, {**fields, **where}), rest + e.upstream * (1.0 - e.local)))
    if e.local is not None and e.local != 1:
        found.append((Diagnosis("local_dropped", fields), total - e.sent + e.upstream))
    return found


def chain_order(graph: Graph, world: World, node: int,
                common: dict[str, str]) -> tuple[Diagnosis, float] | None:
    """``node → inner → outer`` differentiated as if ``outer`` came first: outer'(node) · inner'(outer(node))."""
    edges = world.edges.get(node, [])
    if len(edges) != 1:
        return None
    inner = graph.nodes[edges[0].consumer]
    outer_edges = world.edges.get(inner.id, [])
    if len(outer_edges) != 1:
        return None
    outer = graph.nodes[outer_edges[0].consumer]
    if not all(OPS[g.op].arity == 1 and OPS[g.op].local is not None for g in (inner, outer)):
        return None
    with numpy.errstate(all="ignore"):
        x = numpy.float64(world.values[node])
        outer_op, inner_op = OPS[outer.op], OPS[inner.op]
        first = outer_op.forward(numpy, [x], outer.const)
        outer_local = outer_op.local(numpy, [x], first, outer.const)[0]  # type: ignore[misc]
        second = inner_op.forward(numpy, [first], inner.const)
        inner_local = inner_op.local(numpy, [first], second, inner.const)[0]  # type: ignore[misc]
        value = float(world.grads[outer.id] * outer_local * inner_local)
    if not numpy.isfinite(value):
        return None
    return Diagnosis("chain_order", {**common, "inner": inner.label, "outer": outer.label}), value


def gate_text(graph: Graph, node_id: int) -> str:
    """How a message names a gate: its label, and its name when it has one (``* (q)``)."""
    node = graph.nodes[node_id]
    label = times(node.label)
    name = graph.circuit_name(node_id)  # the name on the circuit: the user's or the automatic one (q, s)
    return f"{label} ({name})" if name else label


def times(text: str) -> str:
    """The checker writes products with ×, as the blackboard does: ``3.00 × -4.00``, the ``×2`` gate."""
    return text.replace(" * ", " × ").replace("*", "×")


def trim(x: float | None, digits: int) -> str:
    """A number for a message: ``digits`` decimals, trailing zeros past the blackboard's two dropped, so
    the exact ``0.1966`` and the written ``0.20`` both read naturally."""
    text = fmt(x, digits)
    if "." in text and "e" not in text:
        whole, _, decimals = text.partition(".")
        text = f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"
    return text
