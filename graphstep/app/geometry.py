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

from graphstep.app.routing import (
    Channels,
    LayerItem,
    Net,
    channels_for,
    hop_ends,
    jump_text,
    over_budget,
    right_end,
)
from graphstep.app.wires import WIRE_CHARS, E, EdgeKey, N, Run, S, W, _cell, _dedupe, _direction, wire_runs
from graphstep.graph import Graph, Node
from graphstep.layout import Layout, layered_layout
from graphstep.placement import TERMINAL, Item, Rows, lane_offset
from graphstep.scene import Scene, Scenes, final_state

OUT_EDGE: EdgeKey = (-1, 0)
"""The stub leaving the output to the right."""

PASSES = 3
PLACEHOLDERS = 3_000
"""The most bend points of wires that skip layers; a longer wire past them is drawn as a stub."""
WIRE_CELLS = 300_000
"""The most wire cells drawn in all (counted once per wire through them); a wire past them is a stub."""


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
    jumps: int = 0
    """Wires too long to draw in a big graph, drawn as a stub that starts at their source's name."""


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
    """The whole drawing's geometry for ``scene``, the finished run (its numbers size the slots).

    A big graph's drawing is bounded (``PLACEHOLDERS`` bend points, ``WIRE_CELLS`` wire cells): a wire past
    that is drawn as a short stub that starts at its source's name (``x▸──┤``), see ``Geometry.jumps``."""
    layout = layered_layout(graph, placeholders=PLACEHOLDERS)
    net = _net(graph, layout, scene)
    _settle(net)
    channels = channels_for(graph, net, scene)
    if over_budget(net, channels, WIRE_CELLS):  # the stubs need room of their own, the tracks less
        channels = channels_for(graph, net, scene)
    canvas = _Canvas(graph, net, channels)
    canvas.draw_wires()
    canvas.draw_nodes(scene)
    canvas.draw_output()
    return canvas.geometry()


def _net(graph: Graph, layout: Layout, scene: Scene) -> Net:
    layer_of = {node_id: pos[0] for node_id, pos in layout.position.items()}
    columns: list[list[LayerItem]] = [[] for _ in range(layout.width)]
    items: dict[Any, LayerItem] = {}
    for k, ids in enumerate(layout.layers):
        for r, node_id in enumerate(ids):
            node = graph.nodes[node_id]
            width = len(node.label) + 1 if node.is_leaf else len(box_lines(node, scene.node(node_id).shape,
                                                                            graph.circuit_name(node_id))[0])
            item = LayerItem(node_id, k, box_height(node), box_height(node) // 2, ports_of(node), r, 0, width,
                         node.is_leaf)
            columns[k].append(item)
            items[node_id] = item
    # An edge that skips layers gets a bend point ("dummy") in every layer it crosses.
    paths: dict[EdgeKey, list[Any]] = {}
    jumps: set[EdgeKey] = set()
    for node in graph.nodes:
        for position, source in enumerate(node.inputs):
            chain: list[Any] = [source]
            if layer_of[node.id] - layer_of[source] > 1 and (node.id, position) not in layout.routes:
                jumps.add((node.id, position))
                paths[(node.id, position)] = [source, node.id]
                continue
            for k in range(layer_of[source] + 1, layer_of[node.id]):
                dummy = LayerItem(("d", node.id, position, k), k, 1, 0, (0,), layout.position[source][1])
                columns[k].append(dummy)
                items[dummy.key] = dummy
                chain.append(dummy.key)
            chain.append(node.id)
            paths[(node.id, position)] = chain
    incoming: dict[Any, list[tuple[Any, int]]] = {}
    outgoing: dict[Any, list[tuple[Any, int]]] = {}
    for (consumer, position), chain in paths.items():
        if (consumer, position) in jumps:
            continue
        for a, b in itertools.pairwise(chain):
            port = position if b == consumer else 0
            incoming.setdefault(b, []).append((a, port))
            outgoing.setdefault(a, []).append((b, port))
    return Net(columns, items, paths, incoming, outgoing, jumps)


def _settle(net: Net) -> None:
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


class _Canvas:
    """The character grid being drawn: wire cells (with the wires they belong to), runs of text, slots."""

    def __init__(self, graph: Graph, net: Net, channels: Channels) -> None:
        self.graph, self.net, self.ch = graph, net, channels
        self.grid: dict[tuple[int, int], int] = {}
        self.owners: dict[tuple[int, int], set[EdgeKey]] = {}
        self.rows_text: dict[int, list[Run]] = {}
        self.boxes: dict[int, Box] = {}
        self.value_slots: dict[EdgeKey, Slot] = {}
        self.grad_slots: dict[EdgeKey, Slot] = {}
        self.total_slots: dict[int, Slot] = {}

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
            if (consumer, position) in self.net.jumps:
                self.jump(consumer, position)
                continue
            cells: list[tuple[int, int]] = []
            for a, b in itertools.pairwise(chain):
                cells += self.hop(a, b, consumer, position)
            self.path(_dedupe(cells), (consumer, position))

    def hop(self, a: Any, b: Any, consumer: int, position: int) -> list[tuple[int, int]]:
        """The cells of one hop of a wire, from item ``a`` to item ``b`` (bending on its track if it must)."""
        ia, ch = self.net.items[a], self.ch
        port = position if b == consumer else 0
        start, end, y0, y1 = hop_ends(self.net, ch, a, b, (consumer, position))
        track = ch.tracks[ia.layer].get((a, b, port))
        if track is None or y0 == y1:
            cells = [(cx, y0) for cx in range(start, end + 1)]
        else:
            tx = ch.track_x(ia.layer, track)
            step = 1 if y1 > y0 else -1
            cells = [(cx, y0) for cx in range(start, tx)] + [(tx, cy) for cy in range(y0, y1, step)]
            cells += [(cx, y1) for cx in range(tx, end + 1)]
        if b == consumer:
            self.slots(ia.layer, y1, (consumer, position))
        return cells

    def slots(self, k: int, y: int, edge: EdgeKey) -> None:
        """A wire's value above it and its gradient below it, in channel ``k``."""
        width = self.ch.label_width[k]
        if width:
            lx = self.ch.label_x(k)
            self.value_slots[edge] = Slot(lx, y + round(TERMINAL.value_at), width)
            self.grad_slots[edge] = Slot(lx, y + round(TERMINAL.grad_at), width)

    def jump(self, consumer: int, position: int) -> None:
        """A wire too long to draw: its source's name and ``▸`` in the channel before its consumer, then a
        straight stub to the port (its numbers on it as on any wire)."""
        item, ch = self.net.items[consumer], self.ch
        k, y = item.layer - 1, item.top + item.ports[position]
        source = self.graph.nodes[consumer].inputs[position]
        text = jump_text(self.graph, source)
        x0 = ch.label_x(k) - ch.jump_room[k]
        self.rows_text.setdefault(y, []).append(Run(x0, text, "jump", source))
        self.path([(cx, y) for cx in range(x0 + len(text), ch.xs[item.layer])], (consumer, position))
        self.slots(k, y, (consumer, position))

    def draw_nodes(self, scene: Scene) -> None:
        for item in self.net.items.values():
            if not isinstance(item.key, tuple):
                self.draw_node(item, scene.node(item.key).shape)

    def draw_node(self, item: LayerItem, shape: str) -> None:
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
        start, out_label = right_end(self.net, self.ch, output), self.ch.out_label
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
                        longest, len(self.net.jumps))


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
