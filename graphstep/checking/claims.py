"""Judging each answer: right, rounded early, following an earlier mistake, or wrong — and why.

A diagnosis is never a guess: each usual mistake is recomputed (the sign flipped, the upstream factor
dropped, one branch of a fan-out only, the inputs of a mul swapped, max routed to the other input, two
gates of a chain composed the other way round) and named only when it reproduces the student's number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy

from graphstep.checking.answers import Answer
from graphstep.checking.worlds import World, backward, forward
from graphstep.engine import run
from graphstep.errors import GraphstepError
from graphstep.explain import formula
from graphstep.graph import Graph
from graphstep.numbers import fmt, matches_written, written_tolerance
from graphstep.ops import OPS
from graphstep.trace import Trace

Status = Literal["right", "rounded", "follows", "wrong", "blank"]
ROUTING_OPS = frozenset({"max", "min", "max_const", "min_const", "relu"})
"""Gates that route the gradient to one input (relu is max(x, 0))."""
DIAGNOSES = ("sign", "fanout", "upstream_dropped", "mul_swapped", "max_routed", "chain_order", "local_dropped")
"""The mistakes the checker recomputes, in the order it tries them."""


@dataclass(frozen=True)
class Diagnosis:
    code: str
    """One of DIAGNOSES, or ``max_picked`` (a max/min gate's value is the other input), or ``unknown``."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Numbers and names for the message (already formatted as text)."""


@dataclass
class Verdict:
    """The judgement of one answer."""

    answer: Answer
    node: int
    of: int | None
    expected: float
    status: Status
    diagnoses: tuple[Diagnosis, ...] = ()
    tolerance: float | None = None
    first_wrong: bool = False

    @property
    def claimed(self) -> float | None:
        return None if self.answer.number is None else float(self.answer.number)

    @property
    def ok(self) -> bool:
        return self.status in ("right", "rounded")

    @property
    def diagnosis(self) -> Diagnosis | None:
        return self.diagnoses[0] if self.diagnoses else None

    @property
    def decimals(self) -> int:
        """Decimals to show numbers with: at least the blackboard's 2, or as many as the student wrote."""
        number = self.answer.number or ""
        mantissa = number.lower().partition("e")[0]
        return max(2, len(mantissa.partition(".")[2]))


def resolve(graph: Graph, answer: Answer) -> tuple[int, int | None]:
    """The node ids an answer is about: (node, numerator or None)."""

    def node_of(name: str) -> int:
        if name in graph.names:
            return graph.names[name]
        if name == graph.output_name:
            return graph.output
        if name[:1] == "n" and name[1:].isdigit() and int(name[1:]) < len(graph.nodes):
            return int(name[1:])
        known = ", ".join(sorted(set(graph.names) | {graph.output_name}))
        raise GraphstepError(f"{answer.origin}, line {answer.line}: no node named {name!r} in this exercise "
                             f"(named nodes: {known})")

    node = node_of(answer.name)
    if answer.kind == "value":
        return node, None
    of = node_of(answer.of or "")
    if node > of:
        raise GraphstepError(f"{answer.origin}, line {answer.line}: in {answer.label}, {answer.name} is computed "
                             f"after {answer.of}; the node on top is the one whose change is measured, "
                             f"like ∂{graph.output_name}/∂x")
    return node, of


def dependency_key(verdict_node: int, of: int | None) -> tuple[int, int, int]:
    """Forward values in graph order, then gradients from the output back to the inputs."""
    if of is None:
        return (0, verdict_node, 0)
    return (1, -verdict_node, -of)


class Checker:
    """Evaluates answers against one exact trace, with the student's own recomputation beside it."""

    def __init__(self, graph: Graph, trace: Trace, tolerance: float | None = None) -> None:
        self.graph = graph
        self.trace = trace
        self.tolerance = tolerance
        values = trace.values
        if any(numpy.size(v) != 1 for v in values):
            raise GraphstepError("check works on scalar exercises (every node one number); this one has arrays")
        self.leaves = {n.id: float(values[n.id]) for n in graph.nodes if n.is_leaf}
        self.exact_values = [float(v) for v in values]
        self.exact = forward(graph, self.leaves, {})
        self._exact_back: dict[int, World] = {}
        self._rounded: dict[tuple[int, int | None], World] = {}

    # --- the exact numbers (from the engine) and the exact recomputation beside them -----------------

    def exact_grad(self, node: int, of: int) -> float:
        if of == self.graph.output:
            grad = self.trace.node_grads[node]
            return 0.0 if grad is None else float(grad)
        sub = Graph(self.graph.nodes[: of + 1], of, self.graph.source,
                    {k: v for k, v in self.graph.names.items() if v <= of})
        inputs = {name: self.leaves[i] for name, i in sub.inputs.items()}
        grad = run(sub, inputs).node_grads[node]
        return 0.0 if grad is None else float(grad)

    def exact_world(self, of: int) -> World:
        if of not in self._exact_back:
            self._exact_back[of] = backward(self.graph, forward(self.graph, self.leaves, {}), of, {})
        return self._exact_back[of]

    def rounded_world(self, digits: int, of: int | None) -> World:
        """Every intermediate rounded to ``digits`` decimals, as when working on paper."""
        key = (digits, of)
        if key not in self._rounded:
            world = forward(self.graph, self.leaves, {}, digits)
            if of is not None:
                backward(self.graph, world, of, {}, digits)
            self._rounded[key] = world
        return self._rounded[key]

    # --- judging ----------------------------------------------------------------------------------------

    def evaluate(self, answers: Sequence[Answer]) -> list[Verdict]:
        """Judge every answer, in dependency order; the verdicts come back in the order of ``answers``."""
        resolved = [(a, *resolve(self.graph, a)) for a in answers]
        order = sorted(range(len(resolved)), key=lambda k: (dependency_key(resolved[k][1], resolved[k][2]), k))
        self._claims = [(a, node, of, float(a.number)) for a, node, of in resolved if a.number is not None]
        verdicts: dict[int, Verdict] = {}
        for k in order:
            answer, node, of = resolved[k]
            verdicts[k] = self.judge(answer, node, of, [verdicts[j] for j in order if j in verdicts])
        ranked = [verdicts[k] for k in order]
        first = next((v for v in ranked if v.status == "wrong"), None)
        if first is not None:
            first.first_wrong = True
        return [verdicts[k] for k in range(len(resolved))]

    def student_world(self, of: int | None, leave_out: set[tuple[str, str, str | None]]) -> World:
        """The exercise recomputed with the student's numbers (except those in ``leave_out``) in place."""
        values = {node: x for a, node, o, x in self._claims if o is None and a.key not in leave_out}
        world = forward(self.graph, self.leaves, values)
        if of is not None:
            grads = {node: x for a, node, o, x in self._claims if o == of and a.key not in leave_out}
            backward(self.graph, world, of, grads)
        return world

    def judge(self, answer: Answer, node: int, of: int | None, earlier: list[Verdict]) -> Verdict:
        expected = self.exact_values[node] if of is None else self.exact_grad(node, of)
        if answer.number is None:
            return Verdict(answer, node, of, expected, "blank")
        tolerance = self.tolerance if self.tolerance is not None else written_tolerance(answer.number)
        verdict = Verdict(answer, node, of, expected, "wrong", tolerance=tolerance)

        def close(x: float) -> bool:
            return bool(numpy.isfinite(x)) and matches_written(answer.number or "", x, tolerance)

        def recomputed(world: World) -> float:
            return world.computed[node] if of is None else world.grad_computed.get(node, 0.0)

        if close(expected):
            verdict.status = "right"
            return verdict
        digits = verdict.decimals
        exact_text = _trim(expected, digits + 2)
        # Recomputed from the student's own earlier numbers: a match is rounding, or a mistake carried along.
        bad = [v for v in earlier if v.status in ("wrong", "follows")]
        bad_keys = {v.answer.key for v in bad}
        student = self.student_world(of, set())
        if close(recomputed(student)):
            clean = self.student_world(of, bad_keys)
            if close(recomputed(clean)):
                verdict.status = "rounded"
                verdict.diagnoses = (Diagnosis("rounded", {"how": self.how(clean, node, of, digits),
                                                           "exact": exact_text}),)
                return verdict
            culprit = next((v for v in bad if close(recomputed(self.student_world(of, bad_keys - {v.answer.key})))),
                           bad[0])
            verdict.status = "follows"
            verdict.diagnoses = (Diagnosis("follows", {"how": self.how(student, node, of, digits),
                                                       "line": str(culprit.answer.line),
                                                       "label": culprit.answer.label}),)
            return verdict
        # Rounded on paper at every step, without writing the intermediate numbers down.
        paper = self.rounded_world(digits, of)
        if close(recomputed(paper)):
            verdict.status = "rounded"
            verdict.diagnoses = (Diagnosis("rounded", {"how": self.how(paper, node, of, digits),
                                                       "exact": exact_text}),)
            return verdict
        found: list[Diagnosis] = []
        exact = self.exact if of is None else self.exact_world(of)
        for world, shown in ((exact, digits + 2), (student, digits)):
            for diagnosis, value in self.candidates(world, node, of, shown):
                if close(value) and all(d.code != diagnosis.code for d in found):
                    found.append(diagnosis)
        if not found:
            found.append(Diagnosis("unknown", {"how": self.how(exact, node, of, digits + 2)}))
        verdict.diagnoses = tuple(found)
        return verdict

    # --- the computation in numbers, for the messages -----------------------------------------------------

    def how(self, world: World, node: int, of: int | None, digits: int) -> str:
        """``2.00 × 0.20 = 0.40`` (a gradient) or ``-2.00 + 6.00 = 4.00`` (a value), from the world's numbers."""
        graph = self.graph
        if of is None:
            gate = graph.nodes[node]
            if gate.is_leaf:
                return _trim(world.computed[node], digits)
            args = [_trim(world.values[i], digits) for i in gate.inputs]
            return f"{formula(gate.op, args, gate.const)} = {_trim(world.computed[node], digits)}"
        if node == of:
            return "1"
        parts = [f"{_trim(e.upstream, digits)} × {_trim(e.local, digits)}" if e.local is not None
                 else _trim(e.sent, digits) for e in world.edges.get(node, [])]
        total = _trim(world.grad_computed.get(node, 0.0), digits)
        return f"{' + '.join(parts) or '0'} = {total}".replace("+ -", "- ")

    def candidates(self, world: World, node: int, of: int | None, digits: int) -> list[tuple[Diagnosis, float]]:
        """Each usual mistake, recomputed: (its diagnosis with the numbers for the message, the number it gives)."""
        graph = self.graph

        def num(x: float | None) -> str:
            return _trim(x, digits)

        found: list[tuple[Diagnosis, float]] = []
        if of is None:
            value = world.computed[node]
            gate = graph.nodes[node]
            if value != 0:
                found.append((Diagnosis("sign", {"right": num(value)}), -value))
            if gate.op in ("max", "min"):
                a, b = (world.values[i] for i in gate.inputs)
                chosen, other = (a, b) if value == a else (b, a)
                found.append((Diagnosis("max_picked", {"gate": gate.label, "right": num(chosen),
                                                       "other": num(other)}), other))
            return found
        total = world.grad_computed.get(node, 0.0)
        edges = world.edges.get(node, [])
        name = graph.nodes[node].display_name
        common = {"name": name, "right": num(total), "how": self.how(world, node, of, digits)}
        if total != 0:
            found.append((Diagnosis("sign", common), -total))
        if len(edges) > 1:
            parts = " + ".join(num(e.sent) for e in edges).replace("+ -", "- ")
            for e in edges:
                found.append((Diagnosis("fanout", {**common, "count": str(len(edges)), "gate": self.gate(e.consumer),
                                                   "parts": parts}), e.sent))
        for e in edges:
            rest = total - e.sent
            consumer = graph.nodes[e.consumer]
            fields = {**common, "gate": self.gate(e.consumer), "upstream": num(e.upstream), "local": num(e.local),
                      "sent": num(e.sent)}
            if e.local is not None:
                found.append((Diagnosis("upstream_dropped", fields), rest + e.local))
            if consumer.op == "mul" and consumer.inputs[0] != consumer.inputs[1]:
                own = world.values[node]
                other = world.values[consumer.inputs[1 - e.position]]
                found.append((Diagnosis("mul_swapped", {**fields, "own": num(own), "other": num(other)}),
                              rest + e.upstream * own))
            if consumer.op in ROUTING_OPS and e.local is not None:
                found.append((Diagnosis("max_routed", fields), rest + e.upstream * (1.0 - e.local)))
        if len(edges) > 1 and all(e.local is not None for e in edges):
            found.append((Diagnosis("upstream_dropped", {**common, "gate": self.gate(edges[0].consumer),
                                                         "upstream": num(edges[0].upstream),
                                                         "local": num(edges[0].local), "sent": num(edges[0].sent)}),
                          sum(e.local or 0.0 for e in edges)))
        chain = self.chain_order(world, node, digits, common)
        if chain is not None:
            found.append(chain)
        for e in edges:
            if e.local is not None and e.local != 1:
                found.append((Diagnosis("local_dropped", {**common, "gate": self.gate(e.consumer),
                                                          "upstream": num(e.upstream), "local": num(e.local),
                                                          "sent": num(e.sent)}), total - e.sent + e.upstream))
        order = {code: i for i, code in enumerate(DIAGNOSES)}
        found.sort(key=lambda item: order.get(item[0].code, len(order)))
        return found

    def chain_order(self, world: World, node: int, digits: int,
                    common: dict[str, str]) -> tuple[Diagnosis, float] | None:
        """``node → inner → outer`` differentiated as if ``outer`` came first: outer'(node) · inner'(outer(node))."""
        edges = world.edges.get(node, [])
        if len(edges) != 1:
            return None
        inner = self.graph.nodes[edges[0].consumer]
        outer_edges = world.edges.get(inner.id, [])
        if len(outer_edges) != 1:
            return None
        outer = self.graph.nodes[outer_edges[0].consumer]
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

    def gate(self, node_id: int) -> str:
        node = self.graph.nodes[node_id]
        return f"{node.label} ({node.name})" if node.name else node.label


def _trim(x: float | None, digits: int) -> str:
    """A number for a message: ``digits`` decimals, trailing zeros past the blackboard's two dropped, so
    the exact ``0.1966`` and the written ``0.20`` both read naturally."""
    text = fmt(x, digits)
    if "." in text and "e" not in text:
        whole, _, decimals = text.partition(".")
        text = f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"
    return text
