"""Mistakes anywhere between the output and the answered node: a search over single and paired faults.

A *fault* is one usual mistake made at one step of the backward pass (a gate's wire, or a node's sum):
the relu gate opened the wrong way, the upstream factor dropped at one gate, only one branch kept at a
fork. The backward pass is linear in the gradient it carries, so once each gate's local derivatives are
known (from the ops table, on the world's values) a fault's effect on the answered node is its change at
the node it hits times the sensitivity of the answered node's gradient to that node's gradient. One
forward sweep of sensitivities prices every single fault at O(1); a pair is priced by running the first
fault's backward pass in plain floats and pricing the second, later one on top of it. A fault is named
only when its recomputation reproduces the student's number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy

from graphstep.checking.work import charge
from graphstep.checking.worlds import ancestors, descendants
from graphstep.graph import Graph
from graphstep.ops import OPS

ROUTING_OPS = frozenset({"max", "min", "max_const", "min_const", "relu"})
KIND_ORDER = ("sign", "fanout", "upstream_dropped", "mul_swapped", "max_routed", "relu_routed", "chain_order",
              "local_dropped")
PAIR_BUDGET = 40_000
"""At most this many pairs are priced per answer (the lecture's exercises need a few hundred)."""


Run = tuple[dict[int, float], dict[int, float], dict[tuple[int, int], float]]
"""One backward run: computed gradient per node, carried gradient per node, sent per (gate, position)."""


@dataclass(frozen=True)
class Fault:
    """One mistake at one place: ``gate`` is where it happens, ``node`` the node whose gradient it changes.

    An edge fault (``position`` ≥ 0) changes what ``gate`` sends back to its input ``position`` (which is
    ``node``); a node fault (``position`` = -1) changes how ``node`` sums what it received (``pick``: the one
    branch kept at a fork)."""

    code: str
    node: int
    gate: int
    position: int = -1
    pick: int = -1

    @property
    def order(self) -> int:
        """When the backward pass makes it: larger first (gates are visited from the output down)."""
        return 2 * self.gate if self.position >= 0 else 2 * self.node + 1


@dataclass(frozen=True)
class Found:
    """Faults that together reproduce the number, and the number they give."""

    faults: tuple[Fault, ...]
    value: float


class Flow:
    """The backward pass of ``of`` on fixed values, restricted to the nodes between ``of`` and ``answered``.

    ``claims`` are gradients the student wrote (they replace the computed ones for what follows, as in
    the student's own recomputation); the answered node's own claim is not used.
    """

    def __init__(self, graph: Graph, values: list[float], of: int, answered: int,
                 claims: Mapping[int, float] | None = None) -> None:
        charge(len(graph.nodes))
        self.graph, self.values, self.of, self.answered = graph, values, of, answered
        self.claims = dict(claims or {})
        self.claims.pop(answered, None)
        above = descendants(graph, answered) | {answered}
        needed = ancestors(graph, of)
        self.order = sorted((n for n in above if n in needed), reverse=True)
        self.region = set(self.order)
        self.local: dict[int, list[float]] = {}
        self.into: dict[int, list[tuple[int, int]]] = {n: [] for n in self.order}
        with numpy.errstate(all="ignore"):
            for n in self.order:
                node = graph.nodes[n]
                if node.is_leaf or n == answered:
                    continue
                args = [numpy.float64(values[i]) for i in node.inputs]
                out = numpy.float64(values[n])
                sent = OPS[node.op].gradients(numpy, numpy.float64(1.0), args, out, node.const)
                self.local[n] = [float(s) for s in sent]
                for p, i in enumerate(node.inputs):
                    if i in self.region:
                        self.into[i].append((n, p))
        self.sensitivity = self._sensitivity()

    def _sensitivity(self) -> dict[int, float]:
        """∂(answered node's computed gradient)/∂(node's computed gradient), 0 past a claimed gradient."""
        d: dict[int, float] = {}
        for n in reversed(self.order):
            if n == self.answered:
                d[n] = 1.0
                continue
            if n in self.claims:
                d[n] = 0.0
                continue
            node = self.graph.nodes[n]
            d[n] = sum(self.local[n][p] * d.get(i, 0.0) for p, i in enumerate(node.inputs) if i in self.region)
        return d

    def run(self, fault: Fault | tuple[Fault, ...] | None = None) -> Run:
        """(computed gradient, carried gradient, sent per (gate, position)) with ``fault`` (or several) made."""
        charge(len(self.order))
        faults = (fault,) if isinstance(fault, Fault) else (fault or ())
        at_node = {f.node: f for f in faults if f.position < 0}
        at_edge = {(f.gate, f.position): f for f in faults if f.position >= 0}
        computed: dict[int, float] = {}
        carried: dict[int, float] = {}
        sent: dict[tuple[int, int], float] = {}
        for n in self.order:
            total = 1.0 if n == self.of else sum(sent[e] for e in self.into[n])
            if n in at_node:
                total = self.node_total(at_node[n], total, carried, sent)
            computed[n] = total
            carried[n] = self.claims.get(n, total)
            if n == self.answered:
                break
            for p, i in enumerate(self.graph.nodes[n].inputs):
                if i in self.region:
                    edge = at_edge.get((n, p))
                    sent[(n, p)] = carried[n] * self.local[n][p] if edge is None else self.edge_sent(edge, carried[n])
        return computed, carried, sent

    # --- what each fault sends -------------------------------------------------------------------------

    def edge_sent(self, fault: Fault, upstream: float) -> float:
        return mistaken(fault.code, upstream, self.local[fault.gate][fault.position], self.values[fault.node])

    def node_total(self, fault: Fault, total: float, carried: Mapping[int, float],
                   sent: Mapping[tuple[int, int], float]) -> float:
        edges = self.into[fault.node]
        if fault.code == "fanout":
            return sent[edges[fault.pick]]
        if fault.code == "upstream_dropped":
            return sum(self.local[g][p] for g, p in edges)
        if fault.code == "chain_order":
            value = chain_order_value(self.graph, self.values, fault.node, carried)
            return total if value is None else value
        return -total  # sign, at the answered node

    # --- the faults there are ----------------------------------------------------------------------------

    def faults(self) -> list[Fault]:
        found = [Fault("sign", self.answered, self.answered)]
        for n in self.order:
            edges = self.into[n]
            if len(edges) > 1:
                found += [Fault("fanout", n, n, pick=k) for k in range(len(edges))]
                found.append(Fault("upstream_dropped", n, n))
            chain = unary_chain(self.graph, n)
            if chain is not None and chain[1] in self.region:
                found.append(Fault("chain_order", n, n))
            for gate, p in edges:
                node = self.graph.nodes[gate]
                local = self.local[gate][p]
                found += [Fault(code, n, gate, p) for code in ("upstream_dropped", "local_dropped")]
                if local != 0 and n != self.answered:
                    found.append(Fault("sign", n, gate, p))
                if node.op == "mul" and node.inputs[0] != node.inputs[1]:
                    found.append(Fault("mul_swapped", n, gate, p))
                if node.op in ROUTING_OPS:
                    found.append(Fault("relu_routed" if node.op == "relu" else "max_routed", n, gate, p))
        return found

    def change(self, fault: Fault, carried: Mapping[int, float], sent: Mapping[tuple[int, int], float],
               computed: Mapping[int, float]) -> float:
        """How much ``fault`` changes the gradient of the node it hits, on top of a run's numbers."""
        if fault.position >= 0:
            return self.edge_sent(fault, carried[fault.gate]) - sent[(fault.gate, fault.position)]
        total = computed[fault.node]
        return self.node_total(fault, total, carried, sent) - total


def mistaken(code: str, upstream: float, local: float, own: float) -> float:
    """What a gate sends back along one wire with mistake ``code`` made there (``own``: the input's value)."""
    if code == "sign":
        return -upstream * local
    if code == "upstream_dropped":
        return local
    if code == "local_dropped":
        return upstream
    if code == "mul_swapped":
        return upstream * own
    return upstream * (1.0 - local)  # max_routed, relu_routed: the gradient goes to the other input


def search(flow: Flow, matches: Callable[[float], bool], pairs: bool = True) -> list[Found]:
    """Single faults that reproduce the number (best first); when none does, pairs of faults."""
    if flow.answered not in flow.region:  # the output does not read the node: nothing flows back to it
        return []
    computed, carried, sent = flow.run()
    if flow.answered not in computed:  # an answer about a node no gradient reaches (the output is a constant)
        return []
    base = computed[flow.answered]
    faults = [f for f in flow.faults() if flow.sensitivity.get(f.node, 0.0) != 0]
    singles: list[Found] = []
    with numpy.errstate(all="ignore"):
        for fault in faults:
            delta = flow.change(fault, carried, sent, computed)
            if delta == 0 or not numpy.isfinite(delta):
                continue
            value = base + delta * flow.sensitivity[fault.node]
            if matches(value):
                singles.append(Found((fault,), value))
    if singles or not pairs:
        return sorted(singles, key=lambda f: rank(flow, f))
    return sorted(search_pairs(flow, faults, matches), key=lambda f: rank(flow, f))


def search_pairs(flow: Flow, faults: list[Fault], matches: Callable[[float], bool]) -> list[Found]:
    found: list[Found] = []
    budget = PAIR_BUDGET
    ordered = sorted(faults, key=lambda f: -f.order)
    with numpy.errstate(all="ignore"):
        for k, first in enumerate(ordered):
            if budget <= 0:
                break
            computed, carried, sent = flow.run(first)
            base = computed[flow.answered]
            if not numpy.isfinite(base):
                continue
            for second in ordered[k + 1:]:
                budget -= 1
                if second.order == first.order and second.position == first.position:
                    continue  # one wire, one mistake
                delta = flow.change(second, carried, sent, computed)
                if delta == 0 or not numpy.isfinite(delta):
                    continue
                value = base + delta * flow.sensitivity[second.node]
                if matches(value):
                    found.append(Found((first, second), value))
    return found


def rank(flow: Flow, found: Found) -> tuple[int, ...]:
    """Fewer faults first, then the usual order of mistakes, then the one nearest the answered node."""
    kinds = [KIND_ORDER.index(f.code) if f.code in KIND_ORDER else len(KIND_ORDER) for f in found.faults]
    return (len(found.faults), *kinds, *[f.gate for f in found.faults])


def chain_order_value(graph: Graph, values: list[float], node: int,
                      carried: Mapping[int, float] | None) -> float | None:
    """``node → inner → outer`` (two one-input gates, one wire each) differentiated as if ``outer`` came
    first: upstream · outer'(x) · inner'(outer(x)). Without ``carried``: only whether the chain is there."""
    chain = unary_chain(graph, node)
    if chain is None:
        return None
    inner, outer = chain
    if carried is None:
        return 0.0
    with numpy.errstate(all="ignore"):
        x = numpy.float64(values[node])
        outer_op, inner_op = OPS[graph.nodes[outer].op], OPS[graph.nodes[inner].op]
        outer_const, inner_const = graph.nodes[outer].const, graph.nodes[inner].const
        first = outer_op.forward(numpy, [x], outer_const)
        outer_local = outer_op.local(numpy, [x], first, outer_const)[0]  # type: ignore[misc]
        second = inner_op.forward(numpy, [first], inner_const)
        inner_local = inner_op.local(numpy, [first], second, inner_const)[0]  # type: ignore[misc]
        value = float(carried.get(outer, 0.0) * outer_local * inner_local)
    return value if numpy.isfinite(value) else None


def unary_chain(graph: Graph, node: int) -> tuple[int, int] | None:
    """(inner, outer) when ``node`` feeds one one-input gate that feeds one one-input gate."""
    consumers = graph.consumers[node]
    if len(consumers) != 1:
        return None
    inner = consumers[0][0]
    outer_consumers = graph.consumers[inner]
    if len(outer_consumers) != 1:
        return None
    outer = outer_consumers[0][0]
    gates = (graph.nodes[inner], graph.nodes[outer])
    if not all(OPS[g.op].arity == 1 and OPS[g.op].local is not None for g in gates):
        return None
    return inner, outer
