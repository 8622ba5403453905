"""The app's model, free of any UI: the formula, its input values, which composite gates are expanded, the
trace, the cursor over its steps and the quiz score. Screens and widgets only read it and call its methods,
so its behaviour is tested without a terminal."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy

from graphstep.app.geometry import Geometry, place
from graphstep.app.messages import t
from graphstep.explain import assign, gate_text, via_text
from graphstep.graph import Graph
from graphstep.ops import OPS
from graphstep.parser import parse
from graphstep.scene import Scene, Scenes
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace, TraceState


@dataclass(frozen=True)
class Question:
    prompt: str
    expected: tuple[float, ...]


class Session:
    """One formula being stepped through.

    Every ``cached_property`` of a session is derived from its graph and trace: :meth:`_set` drops them all
    (found by looking at the class, so a new one cannot be forgotten) whenever the run changes."""

    def __init__(self, source: str, values: Mapping[str, Any] | None = None, precision: int = 2) -> None:
        self.precision = precision
        self.reset_score()
        self.cursor = 0
        self.load(source, dict(values or {}))

    # --- loading ---------------------------------------------------------------------------------------

    def load(self, source: str, values: dict[str, Any], lenient: bool = False) -> None:
        """Parse and run; on any error (a GraphstepError) the session keeps its previous formula.
        ``lenient`` drops values of names the new formula does not have (after an edit removed them)."""
        base = parse(source, names=values)
        if lenient:
            values = {name: value for name, value in values.items() if name in base.inputs}
        trace = base.run(**values)
        self.source, self.values, self.base, self.expanded = source, values, base, frozenset[int]()
        self._set(base, trace)
        self.cursor = 0

    def _set(self, graph: Graph, trace: Trace) -> None:
        self.graph, self.trace = graph, trace
        for cached in _derived(type(self)):
            self.__dict__.pop(cached, None)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        return self.trace.steps

    @cached_property
    def scenes(self) -> Scenes:
        from graphstep.export.options import DrawOptions

        return Scenes(self.graph, self.trace, DrawOptions(precision=self.precision))

    def scene(self) -> Scene:
        """What the circuit shows at the cursor: the numbers known, the highlighted gate, wires and numbers."""
        return self.scenes.at(self.cursor)

    @cached_property
    def geometry(self) -> Geometry:
        """Where everything sits, sized for the finished run's numbers (so stepping never moves anything)."""
        return place(self.graph, self.scenes.at())

    @cached_property
    def has_tensors(self) -> bool:
        """Does any node hold an array (the panel then needs room for matrices)?"""
        return any(numpy.ndim(v) for v in self.trace.values)

    @property
    def current_values(self) -> dict[str, Any]:
        """Every input's value: the ones given, else the ones bound in the source."""
        return {**self.base.defaults, **self.values}

    # --- stepping --------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.steps)

    def goto(self, cursor: int) -> None:
        self.cursor = max(0, min(cursor, self.total))

    def state(self) -> TraceState:
        return self.trace.state(self.cursor)

    # --- expand / collapse -----------------------------------------------------------------------------

    def composite_of(self, node_id: int) -> int | None:
        """The base-graph id of the composite gate this view node is or belongs to, if any."""
        return self.composites.get(node_id)

    @cached_property
    def composites(self) -> dict[int, int]:
        """View node -> base id of its composite gate, for composite gates and members of expanded chains."""
        found = {}
        for node in self.graph.nodes:
            if node.group is not None:
                found[node.id] = node.group
                continue
            base_id = self._view_to_base.get(node.id)
            op = OPS.get(self.base.nodes[base_id].op) if base_id is not None else None
            if base_id is not None and op is not None and op.expand is not None:
                found[node.id] = base_id
        return found

    def toggle(self, node_id: int) -> tuple[str, str] | None:
        """Expand the composite gate ``node_id`` (or collapse the chain it belongs to), keeping the cursor on
        the same gate and phase. Returns ("expanded"|"collapsed", op name), or None if it is no composite."""
        base_id = self.composite_of(node_id)
        if base_id is None:
            return None
        current = self.steps[self.cursor - 1] if self.cursor else None
        old_base = self._view_to_base
        what = "collapsed" if base_id in self.expanded else "expanded"
        expanded = self.expanded ^ {base_id}
        graph = self.base.expand(expanded) if expanded else self.base
        trace = graph.run(**self.values)
        self.expanded = expanded
        at_end = self.cursor == self.total
        at_forward_end = self.cursor == self.trace.forward_end
        self._set(graph, trace)
        if at_end:
            self.cursor = self.total
        elif at_forward_end:
            self.cursor = self.trace.forward_end
        elif current is not None:
            target = self._base_to_view.get(old_base.get(current.node, -1))
            self.cursor = next(
                (s.index + 1 for s in self.steps if s.node == target and type(s) is type(current)),
                min(self.cursor, self.total),
            )
        return what, self.base.nodes[base_id].op

    @cached_property
    def _base_to_view(self) -> dict[int, int]:
        found: dict[int, int] = {}
        j = 0
        view = self.graph.nodes
        for node in self.base.nodes:
            if node.id in self.expanded and OPS[node.op].expand is not None:
                while j < len(view) and view[j].group == node.id and view[j].group_op == node.op:
                    j += 1
                found[node.id] = j - 1
            else:
                found[node.id] = j
                j += 1
        return found

    @cached_property
    def _view_to_base(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for base_id, view_id in self._base_to_view.items():
            found[view_id] = base_id
        return found

    def view_of(self, base_id: int) -> int | None:
        """The view node that stands for the base graph's node ``base_id`` (an expanded composite: the last
        gate of its chain)."""
        return self._base_to_view.get(base_id)

    # --- quiz --------------------------------------------------------------------------------------------

    def question(self, lang: str) -> Question | None:
        """What the next step will reveal, as a question (None when it is not a plain number)."""
        if self.cursor >= self.total:
            return None
        step = self.steps[self.cursor]
        graph = self.graph
        f = graph.output_name
        node = graph.nodes[step.node]
        if isinstance(step, ForwardStep):
            prompt, expected = t("quiz_prompt_value", lang, gate=gate_text(graph, node.id)), (step.value,)
        elif isinstance(step, SeedStep):
            prompt, expected = t("quiz_prompt_seed", lang, f=f), (step.grad,)
        elif isinstance(step, AccumulateStep):
            prompt, expected = t("quiz_prompt_total", lang, f=f, name=graph.display_name(node.id)), (step.total,)
        else:
            assert isinstance(step, BackwardStep)
            # What this step computes: one contribution per input, written ``+=`` where it is summed later.
            asked = [t("quiz_prompt_part" if assign(self.trace, source) == "+=" else "quiz_prompt_grad", lang, f=f,
                       name=graph.display_name(source), gate=via_text(graph, node.id)) for source, _ in step.sent]
            prompt = "; ".join(asked)
            if len(asked) > 1:
                prompt += "  " + t("quiz_how_many", lang, n=len(asked))
            expected = tuple(c for _, c in step.sent)
        if not all(numpy.ndim(v) == 0 for v in expected):
            return None
        return Question(prompt, tuple(float(v) for v in expected))

    def answer(self, text: str, lang: str) -> tuple[bool, str]:
        """Check the answer to the next step's question, reveal the step, and keep score. A wrong number
        gets its reason from the checker's diagnosis (:mod:`graphstep.app.quiz`).
        Raises ValueError when ``text`` is not one number per expected value."""
        from graphstep.app.quiz import judge

        question = self.question(lang)
        if question is None:
            self.goto(self.cursor + 1)
            return True, ""
        given = [part.replace("−", "-") for part in text.replace(",", " ").replace(";", " ").split() if part]
        if len(given) != len(question.expected):
            raise ValueError(text)
        for part in given:
            if not math.isfinite(float(part)):  # 1e400, inf, nan: not a number to check
                raise ValueError(text)
        step = self.steps[self.cursor]
        judged = [judge(self.trace, step, i, g, e, self.precision, lang, self.answered)
                  for i, (g, e) in enumerate(zip(given, question.expected, strict=True))]
        self.answered += [(j.target, g) for j, g in zip(judged, given, strict=True) if j.target is not None]
        right = all(j.right for j in judged)
        answer = ", ".join(j.answer for j in judged)
        self.asked += 1
        self.right += int(right)
        self.goto(self.cursor + 1)
        if right:
            return True, t("quiz_right", lang, answer=answer)
        why = " ".join(j.why for j in judged if j.why)
        return False, t("quiz_wrong", lang, given=", ".join(given), answer=answer) + (f": {why}" if why else "")

    def reset_score(self) -> None:
        self.right = self.asked = 0
        self.answered: list[tuple[str, str]] = []
        """(checker target, number) of every quiz answer so far: the context of the next diagnosis."""


def _derived(cls: type) -> tuple[str, ...]:
    """The names of every ``cached_property`` of ``cls`` and its bases: the values derived from one run."""
    return tuple(name for klass in cls.__mro__ for name, member in vars(klass).items()
                 if isinstance(member, cached_property))
