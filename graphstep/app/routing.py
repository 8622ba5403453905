"""The routes of the terminal drawing's wires: what occupies each layer column (nodes, and the bend points of
long wires), the hops of each wire from item to item, the channels between columns (a track for each bending
hop, room for the numbers) and, in a big graph, the wires drawn as stubs instead (``Net.jumps``): past
``geometry.PLACEHOLDERS`` bend points or ``geometry.WIRE_CELLS`` wire cells, a wire is drawn as its
source's name and ``▸`` just before its consumer, so the drawing of any graph is bounded."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from graphstep.app.wires import EdgeKey
from graphstep.graph import Graph
from graphstep.placement import TERMINAL, label_room, offsets, tracks
from graphstep.scene import SINK, Scene
from graphstep.textsafe import escape

JUMP_NAME = 12
"""The most cells of the source's name that starts a stub."""


@dataclass
class LayerItem:
    """Something occupying rows in a layer column: a node, or the bend point of a long edge."""

    key: Any
    layer: int
    height: int
    out: int
    ports: tuple[int, ...]
    order: float
    top: int = 0
    width: int = 1
    leaf: bool = False

    @property
    def out_y(self) -> int:
        return self.top + self.out


@dataclass
class Net:
    """Everything that occupies a layer column (nodes, and the bend points of long wires), and the hops of
    each wire from item to item."""

    columns: list[list[LayerItem]]
    items: dict[Any, LayerItem]
    paths: dict[EdgeKey, list[Any]]
    incoming: dict[Any, list[tuple[Any, int]]]
    """item -> (previous item, port index)"""
    outgoing: dict[Any, list[tuple[Any, int]]]
    jumps: set[EdgeKey] = field(default_factory=set)
    """Wires drawn as a stub named after their source, just before their consumer (too long to draw)."""


def edge_of(b: Any, port: int) -> EdgeKey:
    """The wire a hop into item ``b`` belongs to."""
    return (b[1], b[2]) if isinstance(b, tuple) else (b, port)


@dataclass
class Channels:
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
    jump_room: list[int]
    """Per channel: the room of the names that start the stubs of wires drawn as stubs (``Net.jumps``)."""

    def ntracks(self, k: int) -> int:
        return max(self.tracks[k].values(), default=-1) + 1

    def track_x(self, k: int, track: int) -> int:
        return self.xs[k] + self.col_width[k] + 1 + track

    def label_x(self, k: int) -> int:
        ntracks = self.ntracks(k)
        return self.xs[k] + self.col_width[k] + 1 + ntracks + (1 if ntracks else 0) + self.jump_room[k]


def channels_for(graph: Graph, net: Net, scene: Scene) -> Channels:
    """Channels between layers: bend tracks, then room for the numbers."""
    depth = len(net.columns)
    # A node that fans out gets its summed gradient ("Σ -6.00") written under it: room for it in its column.
    totals = {node.id: len(scene.node(node.id).total.text) or 5
              for node in graph.nodes if len(graph.consumers[node.id]) > 1}
    col_width = [max((max(item.width, totals.get(item.key, 0) + 1) for item in column), default=1)
                 for column in net.columns]
    hops = _hops(net)
    tracks = [assign_tracks(hops[k], net.items) for k in range(depth)]
    room = {wire.end: int(label_room(wire, TERMINAL)) for wire in scene.wires}
    label_width = [max((room[(b, p)] for _, b, p in hops[k] if not isinstance(b, tuple)), default=0)
                   for k in range(depth)]
    jump_room = [0] * depth
    for consumer, position in net.jumps:
        k = net.items[consumer].layer - 1
        jump_room[k] = max(jump_room[k], len(jump_text(graph, graph.nodes[consumer].inputs[position])))
        label_width[k] = max(label_width[k], room[(consumer, position)])
    out_label = room[(SINK, 0)]
    channel = []
    for k in range(depth):
        ntracks = max(tracks[k].values(), default=-1) + 1
        channel.append(1 + ntracks + (1 if ntracks else 0) + jump_room[k] + label_width[k] + 1
                       + (1 if label_width[k] else 0) if k < depth - 1 else out_label + 3)
    xs = [int(x) for x in offsets(col_width, channel)]
    width = (xs[-1] + col_width[-1] + channel[-1] if depth else 0) + 1
    return Channels(xs, col_width, tracks, label_width, out_label, totals, width, jump_room)


def _hops(net: Net) -> list[list[tuple[Any, Any, int]]]:
    """Per channel k: the hops (from, to, port) that cross it, the stubs' wires left out."""
    hops: list[list[tuple[Any, Any, int]]] = [[] for _ in net.columns]
    for a, links in net.outgoing.items():
        for b, p in links:
            if edge_of(b, p) not in net.jumps:
                hops[net.items[a].layer].append((a, b, p))
    return hops


def jump_text(graph: Graph, source: int) -> str:
    """The start of a wire drawn as a stub: its source's name (as every view names it, at most
    ``JUMP_NAME`` cells) and ``▸``."""
    name = escape(graph.display_name(source), one_line=True)
    return (name if len(name) <= JUMP_NAME else name[: JUMP_NAME - 1] + "…") + "▸"


def over_budget(net: Net, channels: Channels, budget: int) -> bool:
    """Make stubs (``Net.jumps``) of the longest wires, so the others (a wire's cells as ``_Canvas.hop``
    will draw them) take at most ``budget`` cells; True if there are any stubs."""
    lengths = []
    for key, chain in net.paths.items():
        if key not in net.jumps:
            cells = 0
            for a, b in itertools.pairwise(chain):
                start, end, y0, y1 = hop_ends(net, channels, a, b, key)
                cells += end - start + 1 + abs(y1 - y0)
            lengths.append((cells, key))
    used = 0
    for cells, key in sorted(lengths):  # the shortest first (ties: in the wires' order)
        if used + cells > budget:
            net.jumps.add(key)
        else:
            used += cells
    return bool(net.jumps)


def hop_ends(net: Net, ch: Channels, a: Any, b: Any, edge: EdgeKey) -> tuple[int, int, int, int]:
    """Where one hop of a wire starts and ends along the flow, and the rows it leaves and arrives on."""
    ia, ib = net.items[a], net.items[b]
    consumer, position = edge
    y0, y1 = ia.out_y, ib.top + ib.ports[position if b == consumer else 0]
    end = ch.xs[ib.layer] - 1 if b == consumer else ch.xs[ib.layer]
    return right_end(net, ch, ia), end, y0, y1


def right_end(net: Net, ch: Channels, item: LayerItem) -> int:
    """First cell after the item (where its outgoing wire starts)."""
    if isinstance(item.key, tuple):
        return ch.xs[item.layer]
    if item.leaf:  # right-aligned in its column
        return ch.xs[item.layer] + ch.col_width[item.layer] - 1
    return ch.xs[item.layer] + item.width


def assign_tracks(hops: list[tuple[Any, Any, int]], items: dict[Any, LayerItem]) -> dict[Any, int]:
    """One vertical track per bending hop (``placement.tracks``); hops from the same source may share one."""
    spans = []
    for a, b, p in hops:
        y0, y1 = items[a].out_y, items[b].top + items[b].ports[p]
        if y0 != y1:
            spans.append((min(y0, y1), max(y0, y1), a, (a, b, p)))
    return tracks(spans)
