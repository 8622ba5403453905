"""The scene: what a person sees after k steps of a trace, the one description every view draws.

Every view is a thin renderer of a scene: the terminal canvas (``app/geometry`` places it on a character
grid, ``app/canvas`` paints it), the built-in SVG/TikZ writers (``export/draw`` places it in points,
``export/svg`` and ``export/tikz`` write it out), Graphviz DOT (``export/dot``) and the HTML player. None of
them decides on its own which number is shown, how it is written, what is highlighted or what a node is
called; a fix made here reaches every view at once. No math happens here either: values, gradients and the
gradient sent along each wire come from ``Trace.state``; numbers are formatted by ``graphstep.numbers``.

Use::

    scenes = Scenes(graph, trace, options)   # once per trace: the final text of every number, shapes
    scene = scenes.at(k)                     # after k steps (None: the finished run)
    scene = build_scene(graph, trace, k)     # the same in one call

A :class:`Scene` holds

- ``nodes``: one :class:`SceneNode` per graph node (plus the output's terminal, id ``SINK``): its kind,
  symbol, user name, tensor shape (``4×3``), the summed gradient ``total`` of a node that fans out (``Σ -6.00``)
  and whether it is the ``current`` node (the highlighted gate);
- ``wires``: one :class:`SceneWire` per input of every node (plus the output wire into ``SINK``): the value
  above it, the gradient sent along it below it, and ``hot`` when the current step touches it;
- every number as a :class:`Label`: its *final* text (what the finished run shows, so views can reserve its
  room and frames of one trace share one layout), ``known`` (shown at this step) and ``hot`` (the number this
  step produced, drawn emphasised);
- ``step`` and ``phase``: the current trace step (the sentence of the step is written from it by
  ``graphstep.explain``) and ``start``/``forward``/``backward``/``done``;
- ``clusters`` (composite gates drawn as a dashed box), ``tables`` (the current node's small tensors, when
  asked), ``options`` (precision, which numbers, direction, theme).

Placement (where things go) is the renderers' job, on top of ``graphstep.layout``; see ``graphstep.placement``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from graphstep.backend import to_host
from graphstep.explain import sigma_mark
from graphstep.graph import CONST, INPUT, Graph
from graphstep.numbers import fmt_compact, fmt_matrix, fmt_shape
from graphstep.ops import OPS
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace, TraceState

if TYPE_CHECKING:
    from graphstep.export.options import DrawOptions

SINK = -1
"""The id of the output's terminal: the text (``f``) at the end of the output wire."""

WireKey = tuple[int, int]
"""A wire by where it ends: (consumer id, input position); the output wire is ``(SINK, 0)``."""


@dataclass(frozen=True)
class Label:
    """A number as drawn: its final text, whether it is known at this step and whether this step made it."""

    text: str
    known: bool
    at: int = 0
    """The first step (cursor) at which the number is known; the HTML player shows it from there on."""
    hot: bool = False

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
    """A gate's name on the circuit (the user's ``q``, or the automatic one of ``Graph.circuit_name``), drawn
    under its symbol; not on the output gate (its terminal says it)."""
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
    hot: bool = False
    """The current step reads or writes along this wire."""
    colour: str | None = None
    """A colour for the wire instead of the theme's foreground (the class heatmap)."""

    @property
    def key(self) -> str:
        return "out" if self.target == SINK else f"{self.target}_{self.position}"

    @property
    def end(self) -> WireKey:
        return (self.target, self.position)


@dataclass(frozen=True)
class Cluster:
    group: int
    label: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class Tensor:
    """A small tensor of the current node, to write out in full: its value or its gradient."""

    title: str
    role: str
    """``value`` or ``grad`` (the colour it is written in)."""
    array: Any
    """On the host (numpy), at most 2-D and small enough for ``fmt_matrix``."""


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
    step: Step | None = None
    """The step just taken (None at the start, for the finished run and for a bare graph)."""
    phase: str = "done"
    """``start``, ``forward``, ``backward`` or ``done``."""

    @property
    def labelled(self) -> bool:
        """Do wires carry numbers (and so a label between their ends)?"""
        return any(w.value.text or w.grad.text for w in self.wires)

    @property
    def current(self) -> SceneNode | None:
        return next((n for n in self.nodes if n.current), None)

    def wire(self, target: int, position: int = 0) -> SceneWire:
        """The wire into input ``position`` of ``target`` (``wire(SINK)``: the output wire)."""
        return self._wires[(target, position)]

    def node(self, node_id: int) -> SceneNode:
        return self._nodes[node_id]

    @cached_property
    def fans(self) -> frozenset[int]:
        """Nodes whose value feeds more than one wire (a leaf among them is the current node of the step that
        sums its gradient, so every view keeps room for its highlight)."""
        seen: set[int] = set()
        found: set[int] = set()
        for wire in self.wires:
            (found if wire.source in seen else seen).add(wire.source)
        return frozenset(found)

    @cached_property
    def _wires(self) -> dict[WireKey, SceneWire]:
        return {w.end: w for w in self.wires}

    @cached_property
    def _nodes(self) -> dict[int, SceneNode]:
        return {n.id: n for n in self.nodes}


class Scenes:
    """The scenes of one graph and trace: the final text of every number is formatted once, then each
    :meth:`at` only decides what is known and what is highlighted (cheap enough for every key press)."""

    def __init__(self, graph: Graph, trace: Trace | None = None, options: DrawOptions | None = None,
                 final: TraceState | None = None, typeset: bool = False, lang: str = "en") -> None:
        """``final``: what the finished run knows, when there is no trace to ask (sizes a layout only);
        ``typeset``: slide typography (−0.20, ×, x², w₀) for the exported pictures, not the terminal;
        ``lang``: the words of a summary (an empty tensor)."""
        self.typeset, self.lang = typeset, lang
        if options is None:
            from graphstep.export.options import DrawOptions

            options = DrawOptions()
        self.graph, self.trace, self.options = graph, trace, options
        self.final = trace.state(len(trace.steps)) if trace is not None else final
        self.clusters = _clusters(graph)

    @cached_property
    def texts(self) -> _Texts:
        texts = _texts(self.graph, self.final, self.options, self.lang)
        return _typeset(texts, self.graph) if self.typeset else texts

    @cached_property
    def known_from(self) -> tuple[dict[int, int], dict[int, int], dict[tuple[int, int], int]]:
        """The first cursor at which each number is known (values, node gradients, wire gradients)."""
        return self.trace.known_from if self.trace is not None else ({}, {}, {})

    def current_at(self, cursor: int | None) -> int | None:
        """The node highlighted after ``cursor`` steps (the node of the step just taken; None at the start
        and for the finished run): what :meth:`at` marks ``current``, without building the whole scene (the
        HTML player asks it for every step)."""
        steps = self.trace.steps if self.trace is not None else ()
        if cursor is None or not 0 < cursor <= len(steps):
            return None
        return steps[cursor - 1].node

    def at(self, cursor: int | None = None, tables: bool = False) -> Scene:
        """The scene after ``cursor`` steps (all of them when None). ``tables``: write the current node's small
        tensors out beside it (for a single step, not frames)."""
        trace, graph, texts = self.trace, self.graph, self.texts
        steps = trace.steps if trace is not None else ()
        cursor = None if trace is None or cursor is None else max(0, min(cursor, len(steps)))
        step = steps[cursor - 1] if cursor else None
        current = self.current_at(cursor)
        hot = _highlight(graph, step)
        now = len(steps) if cursor is None else cursor
        value_at, grad_at, edge_at = self.known_from

        def label(final: dict[Any, str], first: dict[Any, int], key: Any, is_hot: bool) -> Label:
            text = final.get(key)
            if text is None:
                return NO_LABEL
            at = first.get(key, 0)
            return Label(text, at <= now, at, is_hot and at <= now)

        nodes: list[SceneNode] = []
        wires: list[SceneWire] = []
        for node in graph.nodes:
            nodes.append(SceneNode(node.id, texts.kinds[node.id], texts.labels[node.id], texts.names[node.id],
                                   label(texts.totals, grad_at, node.id, hot.total == node.id),
                                   node.id == current, node.group, texts.shapes[node.id]))
            for position, source in enumerate(node.inputs):
                end = (node.id, position)
                wires.append(SceneWire(source, node.id, position,
                                       label(texts.values, value_at, source, end in hot.values),
                                       label(texts.edges, edge_at, end, end in hot.grads), end in hot.wires))
        out = (SINK, 0)
        nodes.append(SceneNode(SINK, "sink", texts.output_name, None, NO_LABEL, False, None))
        wires.append(SceneWire(graph.output, SINK, 0, label(texts.values, value_at, graph.output, out in hot.values),
                               label(texts.grads, grad_at, graph.output, out in hot.grads), out in hot.wires))
        shown = tuple(current_tables(trace, cursor, self.options.precision)) if (
            tables and trace is not None and cursor is not None) else ()
        return Scene(tuple(nodes), tuple(wires), self.clusters, self.options, cursor, shown, step,
                     _phase(step, cursor, len(steps)))


def _phase(step: Step | None, cursor: int | None, total: int) -> str:
    if cursor is None or cursor == total:
        return "done"
    return "start" if step is None else step.phase


def final_state(graph: Graph, values: Sequence[Any] | None, grads: Sequence[Any] | None,
                sent: Sequence[Sequence[Any] | None] | None) -> TraceState | None:
    """What a finished run knows, from its arrays (a node's gradient, the gradients each node sent): for
    sizing a layout without a trace."""
    if values is None:
        return None
    edges = {(c, p): g for c, row in enumerate(sent or ()) if row is not None for p, g in enumerate(row)}
    known = {n: g for n, g in enumerate(grads or ()) if g is not None}
    return TraceState(-1, dict(enumerate(values)), known, edges, None, "done")


def build_scene(graph: Graph, trace: Trace | None = None, cursor: int | None = None,
                options: DrawOptions | None = None, tables: bool = False) -> Scene:
    """The scene after ``cursor`` steps of ``trace`` (all of them when None); a bare graph without a trace."""
    return Scenes(graph, trace, options).at(cursor, tables)


@dataclass(frozen=True)
class _Texts:
    """Every number's final text by key (absent: never shown), and what each node is called."""

    values: dict[Any, str]
    grads: dict[Any, str]
    edges: dict[Any, str]
    totals: dict[Any, str]
    shapes: list[str]
    kinds: list[str]
    names: list[str | None]
    labels: list[str]
    """Each node's text: a gate's symbol, a leaf's name or constant."""
    output_name: str


def _texts(graph: Graph, final: TraceState | None, options: DrawOptions, lang: str = "en") -> _Texts:
    p = options.precision
    values: dict[Any, str] = {}
    grads: dict[Any, str] = {}
    edges: dict[Any, str] = {}
    totals: dict[Any, str] = {}
    if final is not None:
        if options.values:
            values = {n: fmt_compact(v, p, lang) for n, v in final.values.items()}
        if options.grads:
            grads = {n: fmt_compact(g, p, lang) for n, g in final.grads.items()}
            edges = {e: fmt_compact(g, p, lang) for e, g in final.edge_grads.items()}
            totals = {n: f"Σ {_sigma_mark(graph, final, n, p)}{grads[n]}" for n in grads if len(graph.consumers[n]) > 1}
    kinds = ["gate" if not n.is_leaf else ("input" if n.op == INPUT else CONST) for n in graph.nodes]
    names = [graph.circuit_name(n.id) if kinds[n.id] == "gate" and n.id != graph.output else None
             for n in graph.nodes]
    shapes = [tensor_shape(final.values.get(n.id)) if final is not None else "" for n in graph.nodes]
    return _Texts(values, grads, edges, totals, shapes, kinds, names, [n.label for n in graph.nodes],
                  graph.output_name)


def _typeset(texts: _Texts, graph: Graph) -> _Texts:
    """The same texts set for a slide: a real minus sign, × for the product gate, x², w₀."""
    from graphstep.export import typography as ty

    def numbers(table: dict[Any, str]) -> dict[Any, str]:
        return {key: ty.number(text) for key, text in table.items()}

    def label(kind: str, text: str) -> str:
        return ty.gate(text) if kind == "gate" else ty.name(text) if kind == "input" else ty.number(text)

    return replace(texts, values=numbers(texts.values), grads=numbers(texts.grads), edges=numbers(texts.edges),
                   totals=numbers(texts.totals), names=[ty.name(n) if n else n for n in texts.names],
                   labels=[label(k, text) for k, text in zip(texts.kinds, texts.labels, strict=True)],
                   output_name=ty.name(texts.output_name))


def _sigma_mark(graph: Graph, final: TraceState, node: int, precision: int) -> str:
    """``≈`` between Σ and a fan-out node's total when its contributions as written do not add up to it."""
    parts = [final.edge_grads[e] for e in graph.consumers[node] if e in final.edge_grads]
    return sigma_mark(parts, final.grads[node], precision) if len(parts) > 1 else ""


@dataclass(frozen=True)
class _Highlight:
    wires: frozenset[WireKey] = frozenset()
    values: frozenset[WireKey] = frozenset()
    grads: frozenset[WireKey] = frozenset()
    total: int | None = None


def _highlight(graph: Graph, step: Step | None) -> _Highlight:
    """What the step just taken touches: a forward step its input and output wires (and the value it sent
    out), the seed the output wire, an accumulation its node's Σ and the wires it sums, a backward step its
    wires and the gradients it sent to its inputs."""
    if step is None:
        return _Highlight()
    outs = frozenset(graph.consumers[step.node]) | ({(SINK, 0)} if step.node == graph.output else frozenset())
    ins = frozenset((step.node, p) for p in range(len(graph.nodes[step.node].inputs)))
    if isinstance(step, ForwardStep):
        return _Highlight(outs | ins, values=outs)
    if isinstance(step, SeedStep):
        out = frozenset({(SINK, 0)})
        return _Highlight(out, grads=out)
    if isinstance(step, AccumulateStep):
        return _Highlight(outs, total=step.node)
    assert isinstance(step, BackwardStep)
    return _Highlight(outs | ins, grads=ins)


def tensor_shape(value: Any) -> str:
    """``4×3`` for an array (``4×3 float32`` when not float64, the default); "" for a scalar."""
    if value is None or not getattr(value, "shape", ()):
        return ""
    return fmt_shape(value).removesuffix(" float64")


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


__all__: Sequence[str] = ["NO_LABEL", "SINK", "Cluster", "Label", "Scene", "SceneNode", "SceneWire", "Scenes",
                          "Tensor", "build_scene", "current_tables", "tensor_shape"]
