"""Where everything of the circuit sits on the character grid: computed once per graph (and per set of
input values, since the labels' widths depend on them), then reused for every step.

The shared layered layout gives each node a layer (inputs left, output right) and an order inside its
layer. Here the layers become character columns and the order becomes rows: a gate's box is placed so its
input ports line up with the wires that feed it (a unary chain is one straight line), long edges get a
bend point in every layer they cross (so no wire runs through a box), and every bend gets its own track
in the channel between two layers. Each wire ends in a short straight piece before its gate with room for
the value above it (green) and the gradient below it (red), as the lecture draws its circuits.

This module knows nothing about Textual or colours: it produces plain runs of text tagged with what they
belong to; the canvas widget styles them for the current step.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphstep.app.wires import WIRE_CHARS, E, EdgeKey, N, Run, S, W, _cell, _dedupe, _direction, wire_runs
from graphstep.graph import Graph, Node
from graphstep.layout import Layout, layered_layout
from graphstep.placement import TERMINAL, Item, Rows, label_room, lane_offset, offsets, tracks
from graphstep.scene import SINK, Scene, Scenes, final_state

OUT_EDGE: EdgeKey = (-1, 0)
"""The stub leaving the output to the right."""

PASSES = 3


@dataclass(frozen=True)
class Slot:
    """Where a number is written: right-aligned in ``width`` cells from ``x`` on row ``y``."""

    x: int
    y: int
    width: int


@dataclass(frozen=True)
class Box:
    node: int
    x: int
    y: int
    width: int
    height: int


@dataclass
class Geometry:
    width: int
    height: int
    rows: list[list[Run]]
    boxes: dict[int, Box]
    value_slots: dict[EdgeKey, Slot]
    grad_slots: dict[EdgeKey, Slot]
    total_slots: dict[int, Slot]
    """Under a node that fans out: its summed gradient."""
    longest_run: list[int] = field(default_factory=list)
    """Per row, the longest run's length (lets the canvas skip runs left of the window quickly)."""


@dataclass
class _Item:
    """Something occupying rows in a layer column: a node, or the bend point of a long edge."""

    key: Any
    layer: int
    height: int
    out: int
    ports: tuple[int, ...]
    order: float
    top: int = 0
    width: int = 1

    @property
    def out_y(self) -> int:
        return self.top + self.out


def box_height(node: Node) -> int:
    arity = len(node.inputs)
    return 1 if node.is_leaf else (3 if arity <= 1 else 4 * arity - 1)


def ports_of(node: Node) -> tuple[int, ...]:
    """The rows of a box's input ports: its lanes (``placement.lane_offset``) around its middle row."""
    count, middle = len(node.inputs), box_height(node) // 2
    return tuple(middle + round(lane_offset(i, count, TERMINAL.lane)) for i in range(count))


def box_lines(node: Node, shape: str = "", name: str | None = None) -> list[str]:
    """The gate's box: its symbol in the middle, its name (the user's, or the automatic one of
    ``Graph.circuit_name``) in the top border, the shape of a tensor value (``4×3``) in the bottom border,
    ports marked."""
    label, name = node.label, name or node.name or ""
    inner = max(len(label), len(name) + 2 if name else 0, len(shape) + 2 if shape else 0) + 2
    height = box_height(node)
    top = "┌" + (f" {name} ".center(inner, "─") if name else "─" * inner) + "┐"
    ports, mid = ports_of(node), height // 2
    lines = [top]
    for r in range(1, height - 1):
        left = "┤" if r in ports else "│"
        right = "├" if r == mid else "│"
        lines.append(left + (label.center(inner) if r == mid else " " * inner) + right)
    lines.append("└" + (f" {shape} ".center(inner, "─") if shape else "─" * inner) + "┘")
    return lines


def build(graph: Graph, values: Any = None, grads: Any = None, sent: Any = None, precision: int = 2) -> Geometry:
    """The geometry sized for a finished run's arrays (``values``/``grads``/``sent``, as a trace holds them)."""
    from graphstep.export.options import DrawOptions

    final = final_state(graph, values, grads, sent)
    return place(graph, Scenes(graph, None, DrawOptions(precision=precision), final).at())


def place(graph: Graph, scene: Scene) -> Geometry:
    """The whole drawing's geometry for ``scene``, the finished run (its numbers size the slots)."""
    layout = layered_layout(graph)
    net = _net(graph, layout, scene)
    _settle(net)
    channels = _channels(graph, net, scene)
    canvas = _Canvas(graph, net, channels)
    canvas.draw_wires()
    canvas.draw_nodes(scene)
    canvas.draw_output()
    return canvas.geometry()


@dataclass
class _Net:
    """Everything that occupies a layer column (nodes, and the bend points of long wires), and the hops of
    each wire from item to item."""

    columns: list[list[_Item]]
    items: dict[Any, _Item]
    paths: dict[EdgeKey, list[Any]]
    incoming: dict[Any, list[tuple[Any, int]]]
    """item -> (previous item, port index)"""
    outgoing: dict[Any, list[tuple[Any, int]]]


def _net(graph: Graph, layout: Layout, scene: Scene) -> _Net:
    layer_of = {node_id: pos[0] for node_id, pos in layout.position.items()}
    columns: list[list[_Item]] = [[] for _ in range(layout.width)]
    items: dict[Any, _Item] = {}
    for k, ids in enumerate(layout.layers):
        for r, node_id in enumerate(ids):
            node = graph.nodes[node_id]
            width = len(node.label) + 1 if node.is_leaf else len(box_lines(node, scene.node(node_id).shape,
                                                                            graph.circuit_name(node_id))[0])
            item = _Item(node_id, k, box_height(node), box_height(node) // 2, ports_of(node), r, 0, width)
            columns[k].append(item)
            items[node_id] = item
    # An edge that skips layers gets a bend point ("dummy") in every layer it crosses.
    paths: dict[EdgeKey, list[Any]] = {}
    for node in graph.nodes:
        for position, source in enumerate(node.inputs):
            chain: list[Any] = [source]
            for k in range(layer_of[source] + 1, layer_of[node.id]):
                dummy = _Item(("d", node.id, position, k), k, 1, 0, (0,), layout.position[source][1])
                columns[k].append(dummy)
                items[dummy.key] = dummy
                chain.append(dummy.key)
            chain.append(node.id)
            paths[(node.id, position)] = chain
    incoming: dict[Any, list[tuple[Any, int]]] = {}
    outgoing: dict[Any, list[tuple[Any, int]]] = {}
    for (consumer, position), chain in paths.items():
        for a, b in itertools.pairwise(chain):
            port = position if b == consumer else 0
            incoming.setdefault(b, []).append((a, port))
            outgoing.setdefault(a, []).append((b, port))
    return _Net(columns, items, paths, incoming, outgoing)


def _settle(net: _Net) -> None:
    """Rows: the shared vertical placement (``graphstep.placement.Rows``) on whole rows: sweeps that line each
    gate's ports up with what feeds it, then each leaf up with its gate."""
    items = {key: Item(key, item.layer, item.out, item.height - item.out, tuple(p - item.out for p in item.ports),
                       order=item.order) for key, item in net.items.items()}
    columns = [[items[item.key] for item in column] for column in net.columns]
    links = [(a, b, p) for a, consumers in net.outgoing.items() for b, p in consumers]  # in the wires' order
    rows = Rows(columns, TERMINAL, links, passes=PASSES)
    rows.stack()
    for key, v in rows.settle().items():
        net.items[key].top = round(v) - net.items[key].out


@dataclass
class _Channels:
    """Columns and the channels between them, in cells."""

    xs: list[int]
    """Where each layer's column starts."""
    col_width: list[int]
    tracks: list[dict[tuple[Any, Any, int], int]]
    """Per channel: the vertical track of each bending hop."""
    label_width: list[int]
    """Per channel: the room of the numbers of the wires that end in the next layer."""
    out_label: int
    totals: dict[int, int]
    """A node that fans out: the room of its summed gradient under it."""
    width: int

    def ntracks(self, k: int) -> int:
        return max(self.tracks[k].values(), default=-1) + 1

    def track_x(self, k: int, track: int) -> int:
        return self.xs[k] + self.col_width[k] + 1 + track

    def label_x(self, k: int) -> int:
        ntracks = self.ntracks(k)
        return self.xs[k] + self.col_width[k] + 1 + ntracks + (1 if ntracks else 0)


def _channels(graph: Graph, net: _Net, scene: Scene) -> _Channels:
    """Channels between layers: bend tracks, then room for the numbers."""
    depth = len(net.columns)
    # A node that fans out gets its summed gradient ("Σ -6.00") written under it: room for it in its column.
    totals = {node.id: len(scene.node(node.id).total.text) or 5
              for node in graph.nodes if len(graph.consumers[node.id]) > 1}
    col_width = [max((max(item.width, totals.get(item.key, 0) + 1) for item in column), default=1)
                 for column in net.columns]
    hops: list[list[tuple[Any, Any, int]]] = [[] for _ in range(depth)]  # channel k: (from, to, port)
    for a, links in net.outgoing.items():
        for b, p in links:
            hops[net.items[a].layer].append((a, b, p))
    tracks = [_assign_tracks(hops[k], net.items) for k in range(depth)]
    room = {wire.end: int(label_room(wire, TERMINAL)) for wire in scene.wires}
    label_width = [max((room[(b, p)] for _, b, p in hops[k] if not isinstance(b, tuple)), default=0)
                   for k in range(depth)]
    out_label = room[(SINK, 0)]
    channel = []
    for k in range(depth):
        ntracks = max(tracks[k].values(), default=-1) + 1
        channel.append(1 + ntracks + (1 if ntracks else 0) + label_width[k] + 1 + (1 if label_width[k] else 0)
                       if k < depth - 1 else out_label + 3)
    xs = [int(x) for x in offsets(col_width, channel)]
    width = (xs[-1] + col_width[-1] + channel[-1] if depth else 0) + 1
    return _Channels(xs, col_width, tracks, label_width, out_label, totals, width)


class _Canvas:
    """The character grid being drawn: wire cells (with the wires they belong to), runs of text, slots."""

    def __init__(self, graph: Graph, net: _Net, channels: _Channels) -> None:
        self.graph, self.net, self.ch = graph, net, channels
        self.grid: dict[tuple[int, int], int] = {}
        self.owners: dict[tuple[int, int], set[EdgeKey]] = {}
        self.rows_text: dict[int, list[Run]] = {}
        self.boxes: dict[int, Box] = {}
        self.value_slots: dict[EdgeKey, Slot] = {}
        self.grad_slots: dict[EdgeKey, Slot] = {}
        self.total_slots: dict[int, Slot] = {}

    def right_end(self, item: _Item) -> int:
        """First cell after the item (where its outgoing wire starts)."""
        xs, col_width = self.ch.xs, self.ch.col_width
        if isinstance(item.key, tuple):
            return xs[item.layer]
        if self.graph.nodes[item.key].is_leaf:
            return xs[item.layer] + col_width[item.layer] - 1
        return xs[item.layer] + item.width

    def path(self, cells: list[tuple[int, int]], edge: EdgeKey) -> None:
        for i, cell in enumerate(cells):
            bits = 0
            for j in (i - 1, i + 1):
                if 0 <= j < len(cells):
                    bits |= _direction(cell, cells[j])
            if i == 0:
                bits |= W
            if i == len(cells) - 1:
                bits |= E
            self.grid[cell] = self.grid.get(cell, 0) | bits
            self.owners.setdefault(cell, set()).add(edge)

    def draw_wires(self) -> None:
        for (consumer, position), chain in self.net.paths.items():
            cells: list[tuple[int, int]] = []
            for a, b in itertools.pairwise(chain):
                cells += self.hop(a, b, consumer, position)
            self.path(_dedupe(cells), (consumer, position))

    def hop(self, a: Any, b: Any, consumer: int, position: int) -> list[tuple[int, int]]:
        """The cells of one hop of a wire, from item ``a`` to item ``b`` (bending on its track if it must)."""
        ia, ib, ch = self.net.items[a], self.net.items[b], self.ch
        port = position if b == consumer else 0
        y0, y1 = ia.out_y, ib.top + ib.ports[port]
        start = self.right_end(ia)
        end = ch.xs[ib.layer] - 1 if b == consumer else ch.xs[ib.layer]
        track = ch.tracks[ia.layer].get((a, b, port))
        if track is None or y0 == y1:
            cells = [(cx, y0) for cx in range(start, end + 1)]
        else:
            tx = ch.track_x(ia.layer, track)
            step = 1 if y1 > y0 else -1
            cells = [(cx, y0) for cx in range(start, tx)] + [(tx, cy) for cy in range(y0, y1, step)]
            cells += [(cx, y1) for cx in range(tx, end + 1)]
        width = ch.label_width[ia.layer]
        if b == consumer and width:
            lx = ch.label_x(ia.layer)
            self.value_slots[(consumer, position)] = Slot(lx, y1 + round(TERMINAL.value_at), width)
            self.grad_slots[(consumer, position)] = Slot(lx, y1 + round(TERMINAL.grad_at), width)
        return cells

    def draw_nodes(self, scene: Scene) -> None:
        for item in self.net.items.values():
            if not isinstance(item.key, tuple):
                self.draw_node(item, scene.node(item.key).shape)

    def draw_node(self, item: _Item, shape: str) -> None:
        node, ch = self.graph.nodes[item.key], self.ch
        x0 = ch.xs[item.layer]
        if node.is_leaf:
            text = node.label
            lx = x0 + ch.col_width[item.layer] - 1 - len(text)
            self.rows_text.setdefault(item.top, []).append(Run(lx, text, "leaf", node.id))
            self.boxes[node.id] = Box(node.id, lx, item.top, len(text), 1)
            if len(self.graph.consumers[node.id]) > 1:
                self.total_slots[node.id] = Slot(x0, item.top + 1, ch.col_width[item.layer] - 1)
            return
        self.boxes[node.id] = Box(node.id, x0, item.top, item.width, item.height)
        if node.id in ch.totals:
            self.total_slots[node.id] = Slot(x0, item.top + item.height, max(item.width, ch.totals[node.id]))
        for r, line in enumerate(box_lines(node, shape, self.graph.circuit_name(node.id))):
            self.rows_text.setdefault(item.top + r, []).append(Run(x0, line, "box", node.id))

    def draw_output(self) -> None:
        output = self.net.items.get(self.graph.output)
        if output is None:
            return
        start, out_label = self.right_end(output), self.ch.out_label
        self.path([(cx, output.out_y) for cx in range(start, start + out_label + 2)], OUT_EDGE)
        self.value_slots[OUT_EDGE] = Slot(start + 1, output.out_y + round(TERMINAL.value_at), out_label)
        self.grad_slots[OUT_EDGE] = Slot(start + 1, output.out_y + round(TERMINAL.grad_at), out_label)

    def geometry(self) -> Geometry:
        graph, items = self.graph, self.net.items
        height = max((item.top + item.height + 1 for item in items.values()), default=1)
        rows: list[list[Run]] = [[] for _ in range(height)]
        for y, runs in self.rows_text.items():
            rows[y].extend(runs)
        # A wire's net is its source node: the wires of one fan-out are one net and may branch (┼) into each other.
        net = {(node.id, p): source for node in graph.nodes for p, source in enumerate(node.inputs)}
        net[OUT_EDGE] = graph.output
        for y, runs in wire_runs(self.grid, self.owners, net).items():
            rows[y].extend(runs)
        for runs in rows:
            runs.sort(key=lambda run: run.x)
        longest = [max((len(run.text) for run in runs), default=0) for runs in rows]
        return Geometry(self.ch.width, height, rows, self.boxes, self.value_slots, self.grad_slots, self.total_slots,
                        longest)


def _assign_tracks(hops: list[tuple[Any, Any, int]], items: dict[Any, _Item]) -> dict[Any, int]:
    """One vertical track per bending hop (``placement.tracks``); hops from the same source may share one."""
    spans = []
    for a, b, p in hops:
        y0, y1 = items[a].out_y, items[b].top + items[b].ports[p]
        if y0 != y1:
            spans.append((min(y0, y1), max(y0, y1), a, (a, b, p)))
    return tracks(spans)


def plain_text(geometry: Geometry, labels: Iterable[tuple[Slot, str]] = ()) -> str:
    """The drawing as plain text (for tests and debugging)."""
    canvas = [[" "] * geometry.width for _ in range(geometry.height)]
    for y, runs in enumerate(geometry.rows):
        for run in runs:
            for i, ch in enumerate(run.text):
                if 0 <= run.x + i < geometry.width:
                    canvas[y][run.x + i] = ch
    for slot, text in labels:
        text = text.rjust(slot.width)
        for i, ch in enumerate(text):
            if 0 <= slot.y < geometry.height and 0 <= slot.x + i < geometry.width:
                canvas[slot.y][slot.x + i] = ch
    return "\n".join("".join(row).rstrip() for row in canvas)


__all__ = ["OUT_EDGE", "WIRE_CHARS", "Box", "E", "EdgeKey", "Geometry", "N", "Run", "S", "Slot", "W", "_cell",
           "box_lines", "build", "place", "plain_text"]
