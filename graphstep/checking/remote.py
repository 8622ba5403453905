"""Naming a mistake found further back: which gate, what it did there, with the numbers at that gate.

:mod:`graphstep.checking.search` finds the faults; this module turns them into a
:class:`~graphstep.checking.diagnose.Diagnosis` whose message says where the mistake happened ("at the
relu gate, opened the wrong way") and what it sent instead of the right number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphstep.checking.diagnose import Diagnosis, gate_text, shown_sum, trim
from graphstep.checking.search import Fault, Flow, Found, Run, search
from graphstep.checking.worlds import World, ancestors, forward
from graphstep.graph import Graph


def diagnose_remote(flow: Flow, matches: Callable[[float], bool], digits: int) -> Diagnosis | None:
    """The best single fault (or pair) anywhere between the output and the answered node, or None."""
    found = search(flow, matches)
    if not found:
        return None
    best = found[0]
    parts = describe(flow, best, digits)
    code = best.faults[0].code if len(best.faults) == 1 else "pair"
    return Diagnosis(code, {"remote": True, "faults": parts, "result": trim(best.value, digits),
                            "gate": parts[0]["gate"], "name": flow.graph.display_name(flow.answered)})


def describe(flow: Flow, found: Found, digits: int) -> list[dict[str, Any]]:
    """The numbers each fault's sentence shows, on the run it was made in (a pair's second fault is made
    on top of the first)."""
    parts = []
    run = flow.run()
    for fault in found.faults:
        parts.append(fault_fields(flow, fault, run, digits))
        run = flow.run(fault)
    return parts


def fault_fields(flow: Flow, fault: Fault, run: Run, digits: int) -> dict[str, Any]:
    computed, carried, sent = run
    graph = flow.graph

    def num(x: float) -> str:
        return trim(x, digits)

    fields: dict[str, Any] = {"code": fault.code, "node_id": fault.node, "gate_id": fault.gate,
                              "node": graph.display_name(fault.node), "gate": gate_text(graph, fault.gate),
                              "input": num(flow.values[fault.node]),
                              "node_level": fault.position < 0}
    wrong = computed[fault.node] + flow.change(fault, carried, sent, computed)
    if fault.position >= 0:
        gate = graph.nodes[fault.gate]
        local = flow.local[fault.gate][fault.position]
        right = sent[(fault.gate, fault.position)]
        wrong = flow.edge_sent(fault, carried[fault.gate])
        fields.update(upstream=num(carried[fault.gate]), local=num(local), sent=num(right), wrong=num(wrong))
        if len(gate.inputs) == 2:
            other = gate.inputs[1 - fault.position]
            fields.update(other=num(flow.values[other]), other_name=graph.display_name(other))
            larger = max(gate.inputs, key=lambda i: flow.values[i])
            fields.update(larger=graph.display_name(larger), larger_value=num(flow.values[larger]))
        fields["where"] = fields["gate"]
        return fields
    fields["where"] = fields["node"]
    edges = flow.into[fault.node]
    fields.update(right=num(computed[fault.node]), wrong=num(wrong), count=str(len(edges)),
                  parts=" + ".join(num(sent[e]) for e in edges).replace("+ -", "- "))
    fields["sum"] = shown_sum(fields["parts"], fields["right"])
    if fault.code == "fanout":
        fields["gate"] = gate_text(graph, edges[fault.pick][0])
    if fault.code == "chain_order":
        from graphstep.checking.search import unary_chain

        chain = unary_chain(graph, fault.node)
        assert chain is not None
        fields.update(inner=graph.nodes[chain[0]].label, outer=graph.nodes[chain[1]].label)
    return fields


def value_remote(graph: Graph, world: World, leaves: Mapping[int, float], claims: Mapping[int, float], node: int,
                 matches: Callable[[float], bool], digits: int) -> Diagnosis | None:
    """A forward mistake at a gate before ``node`` that reproduces its value: a max/min gate passing on the
    other input, a relu letting a negative input through, an intermediate's sign flipped."""
    for gate_id in sorted(ancestors(graph, node) - {node}, reverse=True):  # nearest the answer first
        gate = graph.nodes[gate_id]
        if gate.is_leaf or gate_id in claims:
            continue
        right = world.computed[gate_id]
        tries: list[tuple[str, float]] = [("sign_value", -right)] if right != 0 else []
        if gate.op in ("max", "min"):
            a, b = (world.values[i] for i in gate.inputs)
            tries.append(("max_picked", b if right == a else a))
        if gate.op == "relu" and world.values[gate.inputs[0]] < 0:
            tries.append(("relu_value", world.values[gate.inputs[0]]))
        for code, wrong in tries:
            value = forward(graph, leaves, {**claims, gate_id: wrong}).computed[node]
            if matches(value):
                fields = {"code": code, "gate": gate_text(graph, gate_id), "where": gate_text(graph, gate_id),
                          "node": graph.display_name(gate_id), "right": trim(right, digits),
                          "wrong": trim(wrong, digits), "node_level": False}
                return Diagnosis("sign" if code == "sign_value" else code,
                                 {"remote": True, "forward": True, "faults": [fields], "result": trim(value, digits),
                                  "gate": fields["gate"], "name": graph.display_name(node)})
    return None
