"""What a diagram shows at one step, read from the trace: the single source every writer draws from.

A scene holds the text of every number the *finished* run will show, with a flag saying whether it is
known yet at this step. Tensors are written compactly (``4×3 μ0.22``: shape and mean, see
``fmt_compact``) and each tensor node carries its shape, so a batched graph draws as small as a scalar one.
Writers keep the space of unknown numbers (so frames of one trace share one
layout and an animation does not jump) and only draw the known ones. No math happens here: values,
gradients and the gradient on each wire come from ``Trace.state``; numbers are formatted by ``numbers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphstep.backend import to_host
from graphstep.explain import sigma_mark
from graphstep.export import typography as typeset
from graphstep.export.options import DrawOptions
from graphstep.graph import CONST, INPUT, Graph
from graphstep.numbers import fmt_compact, fmt_matrix, fmt_shape
from graphstep.ops import OPS
from graphstep.trace import Trace

SINK = -1
"""The id of the output's terminal: the text (``f``) at the end of the output wire."""


@dataclass(frozen=True)
class Label:
    """A number as drawn: its final text and whether it is known at this step."""

    text: str
    known: bool
    at: int = 0
    """The first step (cursor) at which the number is known; the HTML player shows it from there on."""

    @property
    def shown(self) -> str:
        return self.text if self.known else ""


NO_LABEL = Label("", False)


@dataclass(frozen=True)
class SceneNode:
    id: int
    kind: str
    """``gate``, ``input`` (a named leaf), ``const`` (a constant leaf) or ``sink`` (the output's name)."""
    label: str
    name: str | None
    """The user's name of a gate (``q``), drawn under its symbol."""
    total: Label
    """A node that fans out: its summed gradient (∂f/∂x = -8 + 2 = -6), drawn under it in red."""
    current: bool
    group: int | None
    shape: str = ""
    """A tensor node's shape (``4×3``, with the dtype when not float64), drawn under it; "" for a scalar."""
    fill: str | None = None
    """A colour for the node instead of the theme's (the class heatmap colours nodes by share wrong)."""
    note: str = ""
    """Text written beside the node (the class heatmap's most common mistake there)."""


@dataclass(frozen=True)
class SceneWire:
    source: int
    target: int
    position: int
    value: Label
    grad: Label
    colour: str | None = None
    """A colour for the wire instead of the theme's foreground (the class heatmap)."""

    @property
    def key(self) -> str:
        return "out" if self.target == SINK else f"{self.target}_{self.position}"


@dataclass(frozen=True)
class Cluster:
    group: int
    label: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class Scene:
    nodes: tuple[SceneNode, ...]
    wires: tuple[SceneWire, ...]
    clusters: tuple[Cluster, ...]
    options: DrawOptions
    cursor: int | None
    """The step drawn (None: the finished run, or a graph without a run)."""
    tables: tuple[Tensor, ...] = ()
    """The current node's small tensors written out beside it (only when asked: it moves the layout)."""

    @property
    def labelled(self) -> bool:
        """Do wires carry numbers (and so a label between their ends)?"""
        return any(w.value.text or w.grad.text for w in self.wires)


def build_scene(graph: Graph, trace: Trace | None = None, cursor: int | None = None,
                options: DrawOptions | None = None, tables: bool = False) -> Scene:
    """The scene after ``cursor`` steps of ``trace`` (all of them when None); a bare graph without a trace.
    ``tables``: write the current node's small tensors out beside it (for a single step, not frames)."""
    options = options or DrawOptions()
    p = options.precision
    final = trace.state(len(trace.steps)) if trace is not None else None
    state = trace.state(cursor) if trace is not None and cursor is not None else final
    current = state.current.node if state is not None and state.current is not None and cursor is not None else None
    value_at, grad_at, edge_at = trace.known_from if trace is not None else ({}, {}, {})

    def label(table_final: dict[Any, Any], table_now: dict[Any, Any], key: Any, wanted: bool,
              at: dict[Any, int]) -> Label:
        if not wanted or key not in table_final:
            return NO_LABEL
        return Label(typeset.number(fmt_compact(table_final[key], p)), key in table_now, at.get(key, 0))

    nodes: list[SceneNode] = []
    wires: list[SceneWire] = []
    for node in graph.nodes:
        kind = "gate" if not node.is_leaf else ("input" if node.op == INPUT else CONST)
        fans_out = len(graph.consumers[node.id]) > 1
        total = NO_LABEL
        if fans_out and final is not None and state is not None:
            summed = label(final.grads, state.grads, node.id, options.grads, grad_at)
            step_sum = trace.accumulations.get(node.id) if trace is not None else None
            mark = sigma_mark([c for _, _, c in step_sum.parts], step_sum.total, p) if step_sum is not None else ""
            total = Label(f"Σ {mark}{summed.text}", summed.known, summed.at) if summed.text else NO_LABEL
        name = graph.circuit_name(node.id) if kind == "gate" and node.id != graph.output else None
        shape = tensor_shape(final.values.get(node.id)) if final is not None else ""
        text = (typeset.gate(node.label) if kind == "gate" else typeset.name(node.label) if kind == "input"
                else typeset.number(node.label))
        nodes.append(SceneNode(node.id, kind, text, typeset.name(name) if name else None, total, node.id == current,
                               node.group, shape))
        for position, source in enumerate(node.inputs):
            value = grad = NO_LABEL
            if final is not None and state is not None:
                value = label(final.values, state.values, source, options.values, value_at)
                grad = label(final.edge_grads, state.edge_grads, (node.id, position), options.grads, edge_at)
            wires.append(SceneWire(source, node.id, position, value, grad))
    value = grad = NO_LABEL
    if final is not None and state is not None:
        value = label(final.values, state.values, graph.output, options.values, value_at)
        grad = label(final.grads, state.grads, graph.output, options.grads, grad_at)
    nodes.append(SceneNode(SINK, "sink", typeset.name(graph.output_name), None, NO_LABEL, False, None))
    wires.append(SceneWire(graph.output, SINK, 0, value, grad))
    shown = tuple(current_tables(trace, cursor, p)) if tables and trace is not None and cursor is not None else ()
    return Scene(tuple(nodes), tuple(wires), _clusters(graph), options, cursor, shown)


def tensor_shape(value: Any) -> str:
    """``4×3`` for an array (``4×3 float32`` when not float64, the default); "" for a scalar."""
    if value is None or not getattr(value, "shape", ()):
        return ""
    return fmt_shape(value).removesuffix(" float64")


@dataclass(frozen=True)
class Tensor:
    """A small tensor of the current node, to write out in full: its value or its gradient."""

    title: str
    role: str
    """``value`` or ``grad`` (the colour it is written in)."""
    array: Any
    """On the host (numpy), at most 2-D and small enough for ``fmt_matrix``."""


def current_tables(trace: Trace, cursor: int, precision: int) -> list[Tensor]:
    """The current node's value and gradient at step ``cursor``, when they are tensors small enough to read
    written out (``fmt_matrix`` decides); empty for scalars, big tensors and the start."""
    if not 0 < cursor <= len(trace.steps):
        return []
    node = trace.steps[cursor - 1].node
    value_at, grad_at, _ = trace.known_from  # what is known after ``cursor`` steps, without a whole state
    name = trace.graph.display_name(node)
    tables = []
    for title, role, at, value in ((f"{name} =", "value", value_at.get(node), trace.values[node]),
                                   (f"∂{trace.graph.output_name}/∂{name} =", "grad", grad_at.get(node),
                                    trace.node_grads[node])):
        if at is None or at > cursor or value is None or not tensor_shape(value):
            continue
        if fmt_matrix(value, precision) is not None:
            tables.append(Tensor(title, role, to_host(value)))
    return tables


def _clusters(graph: Graph) -> tuple[Cluster, ...]:
    members: dict[int, list[int]] = {}
    ops: dict[int, str] = {}
    for node in graph.nodes:
        if node.group is not None:
            members.setdefault(node.group, []).append(node.id)
            ops[node.group] = node.group_op or ""
    return tuple(
        Cluster(group, OPS[ops[group]].label() if ops[group] in OPS else ops[group], tuple(ids))
        for group, ids in sorted(members.items())
    )
