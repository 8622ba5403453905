"""Placement shared by the drawn views: from a scene and the layered layout to positions along the flow.

``graphstep.layout`` decides the structure once per graph (each node's layer and order, placeholders and
routes of long wires). Both drawing engines then place the scene on top of it in their own units, described
by a :class:`Metrics`: character cells for the terminal (``app/geometry``), points for SVG/TikZ
(``export/draw``). What they share lives here:

- how much room a wire's numbers need (``label_room``): the longest of its value and gradient as the scene
  writes them at the end of the run, so every step of a trace keeps one layout;
- the room of each *channel* between two layers (``channel_runs``: the longest numbers of the wires that
  end in the next layer);
- the position of each layer along the flow (``offsets``): columns as wide as their widest node, channels
  as wide as their tracks and numbers.

Across the flow they share the *lanes*: the inputs of a gate arrive ``Metrics.lane`` apart, centred on it
(``lane_offset``), and each wire's numbers sit at fixed distances from their wire (``Metrics.value_at`` above,
``Metrics.grad_at`` below). A lane is thicker than its two numbers by ``Metrics.pair_gap``, so the space
between two wires' numbers is clearly larger than the space inside one wire's pair (where the wire runs) and
every number reads as its own wire's.

The *rows* (``Rows``): where each node, and each bend of a wire that skips layers, sits across the flow.
Everything a layer holds is an :class:`Item` with room above and below its line (the line its output leaves
on) and the offsets of its input ports (``lane_offset``); sweeps left to right line each gate's ports up with
what feeds it (a chain is drawn straight), sweeps right to left put each leaf where its first consumer takes
it; inside a layer items keep ``Metrics.gap`` apart (plus what a view adds, e.g. around a cluster's box).
``Metrics.whole`` keeps items on whole rows. A wire that bends between two layers gets a *track* of its own
(``tracks``), shared only with the wires of the same net.

Two orders inside a layer: the terminal lets items reorder by where they want to be and places each as high
as the items above allow (whole rows); the SVG/TikZ drawing (``export/points``) keeps an order chosen for the
fewest crossings (``Rows.untangle``: the layout's barycentre order, seeing which port of a gate each wire
arrives at) and places a layer's items by least squares (``keep_order``). Reordering freely on the drawing's
rooms crossed the staged circuit's wires more often than the layout's order did.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from graphstep.layout import inversions, spaced
from graphstep.scene import Scene, SceneWire


def cells(text: str) -> float:
    """A text's width on a character grid."""
    return float(len(text))


@dataclass(frozen=True)
class Metrics:
    """The units of one view."""

    measure: Callable[[str], float] = cells
    """The width of a number's text."""
    min_label: float = 0.0
    """The least room a wire's numbers get (the terminal keeps 4 cells even for a bare graph)."""
    label_pad: float = 0.0
    """Room added around a wire's numbers."""
    lane: float = 4.0
    """Across the flow: how far apart two inputs of one gate arrive (4 rows: value, wire, gradient, a gap)."""
    value_at: float = -1.0
    """Across the flow: where a wire's value sits relative to its wire (the row above it; in points, the
    value's baseline)."""
    grad_at: float = 1.0
    """Across the flow: where a wire's gradient sits relative to its wire (the row below it)."""
    pair_gap: float = 1.0
    """The space between the numbers of two neighbouring lanes (a blank row on the terminal): the lane is the
    value's top to the gradient's bottom, plus this."""
    gap: float = 1.0
    """Across the flow: the least space between two items of a layer (a blank row on the terminal)."""
    whole: bool = True
    """Items sit on whole rows (character cells); False: anywhere (points)."""


TERMINAL = Metrics(cells, min_label=4.0)


def lane_offset(position: int, count: int, lane: float) -> float:
    """Where input ``position`` of a gate with ``count`` inputs arrives, relative to the gate's centre."""
    return (position - (count - 1) / 2) * lane


def label_room(wire: SceneWire, metrics: Metrics) -> float:
    """Room along the wire for its numbers (value above, gradient below), known yet or not."""
    widest = max(metrics.measure(wire.value.text), metrics.measure(wire.grad.text))
    return max(metrics.min_label, widest) + metrics.label_pad


def channel_runs(scene: Scene, layer_of: Callable[[int], int], depth: int, metrics: Metrics) -> list[float]:
    """Per layer k, the room the numbers of the wires ending in layer k need (0 where none)."""
    runs = [0.0] * depth
    for wire in scene.wires:
        k = layer_of(wire.target)
        if 0 <= k < depth:
            runs[k] = max(runs[k], label_room(wire, metrics))
    return runs


def offsets(widths: Sequence[float], channels: Iterable[float], start: float = 0.0) -> list[float]:
    """Where each layer starts along the flow: layer k is ``widths[k]`` wide and followed by ``channels[k]``."""
    found, position = [], start
    for width, channel in zip(widths, channels, strict=True):
        found.append(position)
        position += width + channel
    return found


@dataclass
class Item:
    """Something a layer holds across the flow: a node, or the bend of a wire that skips the layer. It
    occupies ``[v - above, v + below)``; its output leaves on ``v``; input ``p`` arrives at ``v + ports[p]``."""

    key: Hashable
    layer: int
    above: float
    below: float
    ports: tuple[float, ...] = ()
    v: float = 0.0
    order: float = 0.0
    """Ties between items that want the same place keep this order (the layout's)."""

    @property
    def top(self) -> float:
        return self.v - self.above


@dataclass
class Rows:
    """The vertical placement shared by the terminal and the SVG/TikZ drawing (see the module's notes)."""

    columns: list[list[Item]]
    metrics: Metrics
    links: Iterable[tuple[Hashable, Hashable, int]] = ()
    """Each hop of a wire: (from item, to item, the input port it arrives at)."""
    extra_gap: Callable[[Item, Item], float] = field(default=lambda a, b: 0.0)
    """More room between two neighbours of a layer (a cluster's box, its label)."""
    passes: int = 3
    keep_order: bool = False
    """Keep each layer in the items' ``order`` (the layout's, chosen for the fewest crossings) and fit the
    places by least squares (``layout.spaced``); False: reorder by where items want to be, each as high as
    the items above it allow (whole rows on the terminal)."""

    def __post_init__(self) -> None:
        self.items = {item.key: item for column in self.columns for item in column}
        self.incoming: dict[Hashable, list[tuple[Hashable, int]]] = {}
        self.outgoing: dict[Hashable, list[tuple[Hashable, int]]] = {}
        for a, b, port in self.links:
            self.incoming.setdefault(b, []).append((a, port))
            self.outgoing.setdefault(a, []).append((b, port))

    def stack(self) -> None:
        """A start: each layer's items one under the other, in their order."""
        for column in self.columns:
            column.sort(key=lambda item: item.order)
            top, previous = 0.0, None
            for item in column:
                item.v = top + item.above + (self.extra_gap(previous, item) if previous is not None else 0.0)
                top, previous = item.v + item.below + self.metrics.gap, item

    def untangle(self, sweeps: int = 8) -> int:
        """A crossing-aware order inside each layer: from the items' ``order``, barycentre sweeps both ways
        that see which port each wire arrives at (two inputs of one gate are in order, not tied), keeping the
        order with the fewest crossings; ``order`` becomes it. Returns how many crossings are left."""
        rank: dict[Hashable, float] = {}

        def number(column: list[Item]) -> None:
            for r, item in enumerate(column):
                rank[item.key] = float(r)

        for column in self.columns:
            column.sort(key=lambda item: item.order)
            number(column)
        best, fewest = [list(column) for column in self.columns], self.crossings(rank)
        for sweep in range(sweeps if fewest else 0):
            forward = sweep % 2 == 0
            for k in range(1, len(self.columns)) if forward else range(len(self.columns) - 2, -1, -1):
                self.columns[k].sort(key=lambda item: (self.barycentre(item, rank, forward), rank[item.key]))
                number(self.columns[k])
            found = self.crossings(rank)
            if found < fewest:
                best, fewest = [list(column) for column in self.columns], found
            if not fewest:
                break
        self.columns[:] = best
        for column in self.columns:
            for r, item in enumerate(column):
                item.order = r
        return fewest

    def arrival(self, key: Hashable, port: int, rank: dict[Hashable, float]) -> float:
        """Where a wire arrives at an item, in ranks: its port's place inside the item, around its rank."""
        return rank[key] + self.port_share(key, port)

    def port_share(self, key: Hashable, port: int) -> float:
        count = len(self.items[key].ports) or 1
        return (port + 0.5) / count - 0.5

    def barycentre(self, item: Item, rank: dict[Hashable, float], forward: bool) -> float:
        """Left to right: where the item's feeders put it (each less its port's place); right to left: where
        its consumers take it."""
        pulls = ([rank[a] - self.port_share(item.key, p) for a, p in self.incoming.get(item.key, ())] if forward
                 else [self.arrival(b, p, rank) for b, p in self.outgoing.get(item.key, ())])
        return sum(pulls) / len(pulls) if pulls else rank[item.key]

    def crossings(self, rank: dict[Hashable, float]) -> int:
        """Pairs of wires between neighbouring layers whose order on the left and on the right disagree."""
        by_layer: dict[int, list[tuple[float, float]]] = {}
        for a, targets in self.outgoing.items():
            for b, p in targets:
                by_layer.setdefault(self.items[a].layer, []).append((rank[a], self.arrival(b, p, rank)))
        return sum(inversions(pairs) for pairs in by_layer.values())

    def settle(self) -> dict[Hashable, float]:
        """Sweeps both ways from the items' current places; then the topmost item starts at 0."""
        depth = len(self.columns)
        for sweep in range(self.passes):
            forward = sweep % 2 == 0
            for k in range(depth) if forward else range(depth - 1, -1, -1):
                column = self.columns[k]
                self.place(column, {item.key: self.wanted(item, forward) for item in column})
        low = min((item.top for item in self.items.values()), default=0.0)
        for item in self.items.values():
            item.v -= low
        return {key: item.v for key, item in self.items.items()}

    def wanted(self, item: Item, forward: bool) -> float:
        """Left to right: a gate's (or bend's) ports in line with what feeds them; right to left: a leaf
        where its first consumer takes it; everything else stays."""
        feeders = self.incoming.get(item.key)
        if forward and feeders:
            return sum(self.items[a].v - item.ports[p] for a, p in feeders) / len(feeders)
        consumers = self.outgoing.get(item.key)
        if not forward and consumers and not feeders:
            b, p = consumers[0]
            return self.items[b].v + self.items[b].ports[p]
        return item.v

    def place(self, column: list[Item], wanted: dict[Hashable, float]) -> None:
        """Each item of a layer as near where it wants to be as the items above it allow (in the order their
        tops want to be in), or, keeping the order, as near as all of them together allow."""
        if self.keep_order:
            column.sort(key=lambda item: item.order)
            gaps = [0.0] + [a.below + self.metrics.gap + self.extra_gap(a, b) + b.above
                            for a, b in itertools.pairwise(column)]
            for item, v in zip(column, spaced([wanted[item.key] for item in column], gaps), strict=True):
                item.v = v
            return
        column.sort(key=lambda item: (wanted[item.key] - item.above, item.order))
        floor = -math.inf
        previous: Item | None = None
        for item in column:
            if previous is not None:
                floor = previous.v + previous.below + self.metrics.gap + self.extra_gap(previous, item)
            top = wanted[item.key] - item.above
            item.v = max(round(top) if self.metrics.whole else top, floor) + item.above
            previous = item


def tracks(spans: Sequence[tuple[float, float, Hashable, Hashable]]) -> dict[Hashable, int]:
    """A track for each bend of a wire across a channel: ``(low, high, net, key)`` spans, first fit in order of
    where they start; spans of one net (the wires of one fan-out) may share a track, others keep a row apart.

    In that order a span fits a track when every span of another net on it ends more than a row above where
    it starts, so a track keeps only its two highest ends of different nets: each try is one comparison."""
    ends: list[list[tuple[float, Hashable]]] = []  # per track: the two highest (end, net), of different nets
    found: dict[Hashable, int] = {}
    for low, high, net, key in sorted(spans, key=lambda s: (s[0], s[1])):
        for t, top in enumerate(ends):
            other = top[0][0] if top[0][1] != net else top[1][0] if len(top) > 1 else -math.inf
            if low > other + 1:
                found[key] = t
                break
        else:
            ends.append([])
            found[key] = t = len(ends) - 1
        top = [(max(high, end), n) if n == net else (end, n) for end, n in ends[t]]
        if all(n != net for _, n in top):
            top.append((high, net))
        ends[t] = sorted(top, key=lambda e: -e[0])[:2]
    return found
