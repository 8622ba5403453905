"""Judging each answer: right, rounded early, following an earlier mistake, or wrong (and why, by
:mod:`graphstep.checking.diagnose`).

Answers are judged in dependency order (forward values, then gradients from the output back), each
against the engine's exact number, then against the exercise recomputed from the student's own earlier
numbers, then against the exercise worked with every intermediate rounded as on paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy

from graphstep.checking.answers import Answer
from graphstep.checking.diagnose import Diagnosis, candidates, how, trim
from graphstep.checking.remote import diagnose_remote, value_remote
from graphstep.checking.search import Flow
from graphstep.checking.work import OutOfWork, limit, metered
from graphstep.checking.worlds import World, backward, forward
from graphstep.engine import run
from graphstep.errors import GraphstepError
from graphstep.graph import Graph
from graphstep.numbers import fmt, matches_written, written_tolerance
from graphstep.trace import Trace

Status = Literal["right", "rounded", "imprecise", "follows", "wrong", "blank"]
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
    where = f"{answer.origin}:{answer.line}:{answer.column}"

    def node_of(name: str) -> int:
        if name in graph.names:
            return graph.names[name]
        if name == graph.output_name:
            return graph.output
        if name[:1] == "n" and name[1:].isdigit() and int(name[1:]) < len(graph.nodes):
            return int(name[1:])
        known = ", ".join(sorted(set(graph.names) | {graph.output_name}))
        raise GraphstepError("check.no_node_named", where=where, name=name, known=known)

    node = node_of(answer.name)
    if answer.kind == "value":
        return node, None
    of = node_of(answer.of or "")
    if node > of:
        raise GraphstepError("check.upside_down", where=where, label=answer.label, name=answer.name, of=answer.of,
                             f=graph.output_name)
    return node, of


def dependency_key(verdict_node: int, of: int | None, depth: Sequence[int]) -> tuple[int, int, int, int]:
    """Forward values in graph order, then gradients from the output back to the inputs: the node
    closest to the output in backprop order (fewest gates on its longest path to the output) first."""
    if of is None:
        return (0, verdict_node, 0, 0)
    return (1, depth[verdict_node], -verdict_node, -of)


def depths(graph: Graph) -> list[int]:
    """Each node's backprop distance from the output: the most gates on a path from it to the output
    (its gradient is complete once every consumer's is); nodes the output does not read come last."""
    far = len(graph.nodes) + 1
    depth = [far] * len(graph.nodes)
    depth[graph.output] = 0
    for node in reversed(graph.nodes[: graph.output + 1]):
        if depth[node.id] == far:
            continue
        for i in node.inputs:
            depth[i] = depth[node.id] + 1 if depth[i] == far else max(depth[i], depth[node.id] + 1)
    return depth


class Checker:
    """Evaluates answers against one exact trace, with the student's own recomputation beside it."""

    def __init__(self, graph: Graph, trace: Trace, tolerance: float | None = None,
                 decimals: int | None = None) -> None:
        self.graph = graph
        self.decimals = decimals
        """The decimals the exercise asks for: fewer, and off by more than half a unit there, is too imprecise."""
        self.trace = trace
        self.tolerance = tolerance
        values = trace.values
        if any(numpy.ndim(v) != 0 for v in values):  # also an array of one number, shape (1,): float() refuses it
            raise GraphstepError("limit.check_arrays")
        self.leaves = {n.id: float(values[n.id]) for n in graph.nodes if n.is_leaf}
        self.exact_values = [float(v) for v in values]
        self.exact = forward(graph, self.leaves, {})
        self._exact_back: dict[int, World] = {}
        self._sub_grads: dict[int, Sequence[Any]] = {}
        self._exact_work = 0  # nodes the exact gradients of other outputs took (graphstep.checking.work)
        self._rounded: dict[tuple[int, int | None], World] = {}

    # --- the exact numbers (from the engine) and the exact recomputation beside them -----------------

    def exact_grad(self, node: int, of: int) -> float:
        if of == self.graph.output:
            grad = self.trace.node_grads[node]
            return 0.0 if grad is None else float(grad)
        if of not in self._sub_grads:  # once per output asked about
            self._exact_work += of + 1
            if self._exact_work > limit():
                raise GraphstepError("check.too_large", cap=f"{limit():,}")
            sub = Graph(self.graph.nodes[: of + 1], of, self.graph.source,
                        {k: v for k, v in self.graph.names.items() if v <= of})
            inputs = {name: self.leaves[i] for name, i in sub.inputs.items()}
            self._sub_grads[of] = run(sub, inputs).node_grads
        grad = self._sub_grads[of][node]
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
        depth = depths(self.graph)
        order = sorted(range(len(resolved)), key=lambda k: (dependency_key(resolved[k][1], resolved[k][2], depth), k))
        self._claims = [(a, node, of, float(a.number)) for a, node, of in resolved if a.number is not None]
        self._student: dict[int | None, World] = {}
        verdicts: dict[int, Verdict] = {}
        with metered():  # the recomputations of all the answers share one budget
            for k in order:
                answer, node, of = resolved[k]
                verdicts[k] = self.judge(answer, node, of, [verdicts[j] for j in order if j in verdicts])
        ranked = [verdicts[k] for k in order]
        first = next((v for v in ranked if v.status in ("wrong", "imprecise")), None)
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

    def remote(self, node: int, of: int, close: Callable[[float], bool], digits: int,
               student: World) -> Diagnosis | None:
        """A mistake further up (or two), on the exact numbers, then on the student's own."""
        grads = {n: x for _, n, o, x in self._claims if o == of and n != node}
        exact = Flow(self.graph, self.exact_values, of, node)
        found = diagnose_remote(exact, close, digits)
        if found is not None:
            return found
        if student.values == self.exact_values and not any(n in exact.region for n in grads):
            return None  # the student's own numbers change nothing between the output and this node
        return diagnose_remote(Flow(self.graph, student.values, of, node, grads), close, digits)

    def judge(self, answer: Answer, node: int, of: int | None, earlier: list[Verdict]) -> Verdict:
        expected = self.exact_values[node] if of is None else self.exact_grad(node, of)
        if answer.number is None:
            return Verdict(answer, node, of, expected, "blank")
        tolerance = self.tolerance if self.tolerance is not None else written_tolerance(answer.number)
        verdict = Verdict(answer, node, of, expected, "wrong", tolerance=tolerance)

        def close(x: float) -> bool:
            return bool(numpy.isfinite(x)) and matches_written(answer.number or "", x, tolerance)

        if close(expected):
            self.right_or_imprecise(verdict)
            return verdict
        try:
            if of not in self._student:  # with every claim in place: the same for all answers about one output
                self._student[of] = self.student_world(of, set())
            if not self.consistent(verdict, close, earlier):
                verdict.diagnoses = self.diagnose(verdict, close)
        except OutOfWork:  # the file is too large to look for mistakes in: wrong, from the exact number
            verdict.status = "wrong"
            verdict.diagnoses = (Diagnosis("too_large", {"cap": f"{limit():,}"}),)
        return verdict

    def right_or_imprecise(self, verdict: Verdict) -> None:
        """Right to the digits written; too imprecise when the exercise asks for more decimals than that."""
        verdict.status = "right"
        asked = self.decimals
        if asked is None or self.tolerance is not None or verdict.claimed is None:
            return
        if abs(verdict.claimed - verdict.expected) > 0.5 * 10.0**-asked * (1 + 1e-9) + 1e-12:
            verdict.status = "imprecise"
            verdict.diagnoses = (Diagnosis("imprecise", {"decimals": str(asked),
                                                         "asked": fmt(verdict.expected, asked),
                                                         "exact": trim(verdict.expected, asked + 2)}),)

    def consistent(self, verdict: Verdict, close: Callable[[float], bool], earlier: list[Verdict]) -> bool:
        """Rounded early or following an earlier mistake (the verdict is set), else False."""
        node, of, digits = verdict.node, verdict.of, verdict.decimals
        exact_text = trim(verdict.expected, digits + 2)

        def recomputed(world: World) -> float:
            return world.computed[node] if of is None else world.grad_computed.get(node, 0.0)

        # Recomputed from the student's own earlier numbers: a match is rounding, or a mistake carried along.
        bad = [v for v in earlier if v.status in ("wrong", "follows")]
        bad_keys = {v.answer.key for v in bad}
        student = self._student[of]
        if close(recomputed(student)):
            clean = self.student_world(of, bad_keys)
            if close(recomputed(clean)):
                verdict.status = "rounded"
                verdict.diagnoses = (Diagnosis("rounded", {"how": self.how(clean, node, of, digits),
                                                           "exact": exact_text}),)
                return True
            culprit = next((v for v in bad if close(recomputed(self.student_world(of, bad_keys - {v.answer.key})))),
                           bad[0])
            verdict.status = "follows"
            shown = max(digits, culprit.decimals)  # the student's number as precise as they wrote it
            verdict.diagnoses = (Diagnosis("follows", {"how": self.how(student, node, of, shown),
                                                       "line": str(culprit.answer.line),
                                                       "label": culprit.answer.label}),)
            return True
        # Rounded on paper at every step, without writing the intermediate numbers down.
        paper = self.rounded_world(digits, of)
        if close(recomputed(paper)):
            verdict.status = "rounded"
            verdict.diagnoses = (Diagnosis("rounded", {"how": how(self.graph, paper, node, of, digits),
                                                       "exact": exact_text}),)
            return True
        return False

    def how(self, world: World, node: int, of: int | None, digits: int) -> str:
        """``how`` on a world with the student's numbers in it: their numbers as they wrote them."""
        values = {n: a.number or "" for a, n, o, _ in self._claims if o is None}
        grads = {n: a.number or "" for a, n, o, _ in self._claims if o == of and of is not None}
        return how(self.graph, world, node, of, digits, (values, grads))

    def diagnose(self, verdict: Verdict, close: Callable[[float], bool]) -> tuple[Diagnosis, ...]:
        """The usual mistakes at the answered node, then further up (one, or two together), else unknown."""
        node, of, digits = verdict.node, verdict.of, verdict.decimals
        student = self._student[of]
        found: list[Diagnosis] = []
        exact = self.exact if of is None else self.exact_world(of)
        for world, shown in ((exact, digits + 2), (student, digits)):
            for diagnosis, value in candidates(self.graph, world, node, of, shown):
                if close(value) and all(d.code != diagnosis.code for d in found):
                    found.append(diagnosis)
        if not found:
            claims = {n: x for a, n, o, x in self._claims if o is None and n != node}
            remote = (value_remote(self.graph, student, self.leaves, claims, node, close, digits) if of is None
                      else self.remote(node, of, close, digits, student))
            if remote is not None:
                found.append(remote)
        if not found:
            found.append(Diagnosis("unknown", {"how": how(self.graph, exact, node, of, digits + 2)}))
        return tuple(found)
