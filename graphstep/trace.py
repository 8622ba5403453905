"""The Trace: the full record of one run, as a list of immutable steps every view replays.

The engine stores what it computed (each node's value, each node's total gradient, and the gradient each
gate sent to each of its inputs). The steps are derived from that record on first use, so a fast run that
nobody steps through pays nothing for them. A view moves a cursor over ``steps`` and asks ``state(k)``
for what is known after k steps: stepping back is free and all views agree.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, NamedTuple

from graphstep.backend import get_namespace, to_host
from graphstep.errors import GraphstepError, Phrase
from graphstep.gcpause import keep_built, paused_gc
from graphstep.graph import LEAVES, Graph, compared_by_identity
from graphstep.lazynp import quiet
from graphstep.ops import OPS, Op

Phase = Literal["forward", "backward"]


class ForwardStep(NamedTuple):
    """A gate computes its value from its inputs' values."""

    index: int  # type: ignore[assignment]  # a field named like tuple.index
    node: int
    args: tuple[Any, ...]
    value: Any
    warnings: tuple[str, ...] = ()
    phase: Phase = "forward"


class SeedStep(NamedTuple):
    """The backward pass starts: ∂f/∂f = 1 at the output."""

    index: int  # type: ignore[assignment]  # a field named like tuple.index
    node: int
    grad: Any
    warnings: tuple[str, ...] = ()
    phase: Phase = "backward"


class AccumulateStep(NamedTuple):
    """A node that fans out sums the gradients its consumers sent: ∂f/∂x = -8 + 2 = -6."""

    index: int  # type: ignore[assignment]  # a field named like tuple.index
    node: int
    parts: tuple[tuple[int, int, Any], ...]
    """(consumer id, input position at the consumer, contribution) for each edge leaving the node."""
    total: Any
    warnings: tuple[str, ...] = ()
    phase: Phase = "backward"


class BackwardStep(NamedTuple):
    """A gate turns its upstream gradient into one contribution per input: upstream × local."""

    index: int  # type: ignore[assignment]  # a field named like tuple.index
    node: int
    upstream: Any
    locals: tuple[Any, ...] | None
    """The local derivative per input (elementwise ops), or None for matrix ops (matmul, softmax)."""
    sent: tuple[tuple[int, Any], ...]
    """(input id, contribution) per input slot, in input order."""
    warnings: tuple[str, ...] = ()
    phase: Phase = "backward"


Step = ForwardStep | SeedStep | AccumulateStep | BackwardStep
"""A step: an immutable named tuple (a big graph's record holds millions), compared by identity."""
compared_by_identity(ForwardStep, SeedStep, AccumulateStep, BackwardStep)


@dataclass(frozen=True)
class TraceState:
    """What a view shows after ``cursor`` steps: known values, known gradients, gradients on wires."""

    cursor: int
    values: dict[int, Any]
    grads: dict[int, Any]
    edge_grads: dict[tuple[int, int], Any]
    """(consumer id, input position) -> contribution sent along that wire."""
    current: Step | None
    phase: Phase | Literal["start", "done"]


class Trace:
    """The record of a run: values, gradients, and the steps that explain them."""

    def __init__(
        self,
        graph: Graph,
        xp: Any,
        values: Sequence[Any],
        grads: Sequence[Any],
        sent: Sequence[tuple[Any, ...] | None] | None,
        backend: str = "numpy",
        dtype: str = "float64",
        floats: bool = False,
        local_record: Sequence[tuple[Any, ...] | None] | None = None,
    ) -> None:
        self.graph = graph
        self._xp = xp
        self.values = values
        self.node_grads = grads
        self.sent = sent
        """``sent[consumer][position]``: the gradient the gate ``consumer`` sent back along its input wire
        ``position`` (None for a leaf; the whole record is None for a run without a step record)."""
        self.backend = backend
        self.dtype = dtype
        self.floats = floats
        """The values are Python floats from the scalar fast path (graphstep.scalar), not numpy values."""
        self.local_record = local_record
        """A float run's local derivatives, gate by gate (the steps show them; a numpy run's are recomputed)."""

    @property
    def xp(self) -> Any:
        """The backend's array namespace (a run on Python floats names numpy: it is imported only if asked)."""
        if self._xp is None:
            self._xp = get_namespace(self.backend)
        return self._xp

    # --- results -----------------------------------------------------------------------------------------

    @property
    def value(self) -> Any:
        """The output's value (a float for a scalar, a numpy array otherwise)."""
        return to_host(self.values[self.graph.output])

    def grad(self, name: str) -> Any:
        """∂output/∂name for an input or a named intermediate (0 when the output does not depend on it)."""
        name = self.graph.resolve(name)
        if name not in self.graph.names:
            known = ", ".join(sorted(self.graph.names)) or Phrase("error.none")
            raise GraphstepError("error.no_node_named", name=name, known=known)
        node = self.graph.names[name]
        grad = self.node_grads[node]
        if grad is None and self.floats:
            return 0.0
        if grad is None:
            return to_host(self.xp.zeros_like(self.values[node]))
        return to_host(grad)

    @property
    def grads(self) -> dict[str, Any]:
        """Every input's gradient, by name."""
        return {name: self.grad(name) for name in self.graph.inputs}

    def __repr__(self) -> str:
        from graphstep.numbers import fmt

        grads = ", ".join(f"∂{self.graph.output_name}/∂{k}={fmt(v)}" for k, v in self.grads.items())
        steps = f"{len(self.steps)} steps" if self.sent is not None else "no step record"
        return f"<Trace {self.graph.output_name}={fmt(self.value)}; {grads}; {steps}>"

    def _repr_mimebundle_(self, include: Collection[str] | None = None,
                          exclude: Collection[str] | None = None) -> dict[str, str]:
        """Jupyter display hook: the HTML export's step-through player inline (arrow keys, slider, the step's
        sentence) and the one-line repr as text. Jupyter computes every mimetype an object offers, so only
        what is asked for is built: the SVG picture only for a front end that asks for SVG and not HTML
        (building both cost 3.2 s + 2.8 s at 401 nodes). A run without a step record: the text alone."""

        def wanted(mime: str) -> bool:
            return (include is None or mime in include) and not (exclude is not None and mime in exclude)

        bundle = {"text/plain": repr(self)} if wanted("text/plain") else {}
        if self.sent is None:
            return bundle
        if wanted("text/html"):
            from graphstep.export.notebook import player_html

            bundle["text/html"] = player_html(self)
        elif wanted("image/svg+xml"):
            from graphstep.export import trace_svg

            bundle["image/svg+xml"] = trace_svg(self)
        return bundle

    # --- steps ---------------------------------------------------------------------------------------------

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """Forward steps in topological order, then the backward steps in reverse, with accumulations."""
        if self.sent is None:
            raise GraphstepError("error.no_step_record")
        if self.floats:
            from graphstep.float_record import float_steps

            with quiet(), paused_gc():
                record = float_steps(self.graph, self.values, self.node_grads, self.sent, self.local_record)
                keep_built()
                return record
        graph, values, sent, grads = self.graph, self.values, self.sent, self.node_grads
        xp = self.xp
        nodes = graph.nodes
        steps: list[Step] = []
        append = steps.append
        # Each gate's inputs and warnings serve its forward and its backward step: found once.
        args_of: list[tuple[Any, ...]] = [()] * len(nodes)
        warned: list[tuple[str, ...]] = [()] * len(nodes)
        with quiet(), paused_gc():
            for node in nodes:
                if node.op in LEAVES:
                    continue
                node_id = node.id
                args = args_of[node_id] = tuple([values[i] for i in node.inputs])
                warnings = warned[node_id] = _warnings(xp, OPS[node.op], args, values[node_id], node.const)
                append(_new(ForwardStep, (len(steps), node_id, args, values[node_id], warnings, "forward")))
            output = graph.output
            append(SeedStep(len(steps), output, grads[output]))
            needed = graph.ancestors_of_output
            consumers = graph.consumers
            for node in reversed(nodes[: output + 1]):
                node_id = node.id
                if node_id not in needed:
                    continue
                if len(consumers[node_id]) > 1:
                    parts = tuple(
                        (consumer, position, sent_by[position])
                        for consumer, position in consumers[node_id]
                        if (sent_by := sent[consumer]) is not None
                    )
                    if len(parts) > 1:
                        append(AccumulateStep(len(steps), node_id, parts, grads[node_id]))
                if node.op in LEAVES:
                    continue
                op = OPS[node.op]
                args = args_of[node_id]
                locals_ = op.local(xp, args, values[node_id], node.const) if op.local is not None else None
                contributions = sent[node_id] or ()
                append(_new(BackwardStep, (len(steps), node_id, grads[node_id], locals_,
                                           tuple(zip(node.inputs, contributions)), warned[node_id], "backward")))
        return tuple(steps)

    @cached_property
    def accumulations(self) -> dict[int, AccumulateStep]:
        """The accumulation step of each node whose gradient is the sum of several contributions."""
        return {step.node: step for step in self.steps if isinstance(step, AccumulateStep)}

    @property
    def summed(self) -> Collection[int]:
        """Nodes whose gradient is the sum of several contributions (an accumulation step adds them up)."""
        return self.accumulations.keys()

    @cached_property
    def forward_end(self) -> int:
        """The cursor at the end of the forward pass (all values known, no gradient yet)."""
        return sum(1 for s in self.steps if s.phase == "forward")

    @cached_property
    def _known_at(self) -> tuple[dict[int, int], dict[int, int], dict[tuple[int, int], int]]:
        value_at: dict[int, int] = {n.id: -1 for n in self.graph.nodes if n.is_leaf}
        grad_at: dict[int, int] = {}
        edge_at: dict[tuple[int, int], int] = {}
        for step in self.steps:
            if isinstance(step, ForwardStep):
                value_at[step.node] = step.index
            elif isinstance(step, (SeedStep, AccumulateStep)):
                grad_at[step.node] = step.index
            elif isinstance(step, BackwardStep):
                for position, (source, _) in enumerate(step.sent):
                    edge_at[(step.node, position)] = step.index
                    # Known once its last contribution arrives; an AccumulateStep (later) overrides this.
                    grad_at[source] = step.index
        return value_at, grad_at, edge_at

    @cached_property
    def known_from(self) -> tuple[dict[int, int], dict[int, int], dict[tuple[int, int], int]]:
        """The first cursor at which each number is known: values and gradients by node id, wire gradients
        by (consumer id, input position); 0 for the inputs' values, which are known before any step."""
        value_at, grad_at, edge_at = self._known_at
        return ({n: k + 1 for n, k in value_at.items()}, {n: k + 1 for n, k in grad_at.items()},
                {e: k + 1 for e, k in edge_at.items()})

    def state(self, cursor: int) -> TraceState:
        """What is known after ``cursor`` steps (0 = nothing computed yet, len(steps) = all done)."""
        cursor = max(0, min(cursor, len(self.steps)))
        value_at, grad_at, edge_at = self._known_at
        values = {n: self.values[n] for n, k in value_at.items() if k < cursor}
        grads = {n: self.node_grads[n] for n, k in grad_at.items() if k < cursor}
        edges = {}
        for (consumer, position), k in edge_at.items():
            if k < cursor:
                edges[(consumer, position)] = self.sent[consumer][position]  # type: ignore[index]
        current = self.steps[cursor - 1] if cursor > 0 else None
        phase: Any = "start" if cursor == 0 else ("done" if cursor == len(self.steps) else current.phase)  # type: ignore[union-attr]
        return TraceState(cursor, values, grads, edges, current, phase)


def _warnings(xp: Any, op: Op, args: tuple[Any, ...], out: Any, const: Any) -> tuple[str, ...]:
    found = op.warn(xp, args, out, const) if op.warn is not None else ()
    if not _all_finite(xp, out) and all(_all_finite(xp, a) for a in args):
        found = (*found, "overflow" if bool(xp.any(xp.isinf(out))) else "nan")
    return tuple(found)


_new = tuple.__new__  # a step made without its keyword-handling constructor (a big record makes millions)


def _all_finite(xp: Any, value: Any) -> bool:
    if getattr(value, "ndim", 0) == 0:
        return math.isfinite(value)
    return bool(xp.all(xp.isfinite(value)))
