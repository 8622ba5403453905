"""The scene placed in points (SVG/TikZ): where each node's centre and each long wire's bends sit.

Works in (u, v): u runs along the layers (left to right for ``LR``, top to bottom for ``TB``), v across them.
Between two layers each wire has three zones: a *fan* zone where it bends from its source row to its own
lane, a straight *run* where its numbers sit (value above, gradient below), and a short *merge* into the
gate. Every input of a gate has its own lane, lanes are as thick as their numbers and layers are as far
apart as their longest number (``graphstep.placement.channel_runs``), so numbers cannot overlap each other
or a wire's bend. Vertically: the layout's rows, then, layer by layer from the output back, each node with
a single consumer moved onto the lane of its wire, as close as the room its own numbers need allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphstep.layout import Layout, spaced
from graphstep.placement import Metrics, channel_runs, lane_offset
from graphstep.scene import SINK, Scene, SceneNode, SceneWire

NUMBER_SIZE = 14
SYMBOL_SIZE = 16
SMALL_SIZE = 11
SHAPE_SIZE = 12
"""A tensor's shape under its node: as large as names, so a slide shows it legibly (it was 10)."""
LINE = 16.0  # height of a line of numbers
FAN = 40.0
MIN_FAN = 12.0
MERGE = 12.0
MARGIN = 16.0


def text_width(text: str, size: float) -> float:
    """An estimate of the rendered width (Helvetica-like metrics) used to leave room for a text."""
    narrow, wide = ".,:;!|' ", "mwMW@%"
    total = 0.0
    for ch in text:
        if ch in narrow:
            total += 0.3
        elif ch in "-()[]/":
            total += 0.36
        elif ch in wide or ch.isupper():
            total += 0.75
        else:
            total += 0.58
    return total * size


def number_width(text: str) -> float:
    return text_width(text, NUMBER_SIZE)


PAIR_GAP = 20.0
"""Between the numbers of two neighbouring wires (at the default size): about twice the space inside one
wire's pair, where the wire runs."""


@dataclass(frozen=True)
class Sizes:
    """The text sizes of one drawing in px (1 px = 0.75 pt): ``--fontsize`` scales them all together."""

    number: int = NUMBER_SIZE
    symbol: int = SYMBOL_SIZE
    small: int = SMALL_SIZE
    shape: int = SHAPE_SIZE

    @staticmethod
    def scaled(scale: float) -> Sizes:
        return Sizes(*(round(size * scale) for size in (NUMBER_SIZE, SYMBOL_SIZE, SMALL_SIZE, SHAPE_SIZE)))

    @property
    def line(self) -> float:
        """The height of a line of numbers."""
        return LINE * self.number / NUMBER_SIZE

    def number_width(self, text: str) -> float:
        return text_width(text, self.number)

    def metrics(self, lr: bool) -> Metrics:
        """Left to right: a wire's run is as long as its longer number; its value's baseline 5 px above it,
        its gradient 4 px below it; lanes ``PAIR_GAP`` apart (scaled with the numbers), so each wire's
        numbers read as its own pair. Top to bottom: the numbers sit beside the wire, its run is two lines
        long."""
        if lr:
            cap, gap = self.number * 0.78, PAIR_GAP * self.number / NUMBER_SIZE
            return Metrics(self.number_width, label_pad=14.0, value_at=-5.0, grad_at=4.0 + cap, pair_gap=gap,
                           lane=(cap + 5.0) + (4.0 + cap) + gap)
        return Metrics(lambda _: 0.0, min_label=2 * self.line + 8, pair_gap=PAIR_GAP * self.number / NUMBER_SIZE)


@dataclass
class Shape:
    """A node's size: half extents across x and y."""

    node: SceneNode
    rx: float
    ry: float


def node_shape(node: SceneNode, sizes: Sizes = Sizes()) -> Shape:
    if node.kind == "gate":
        widths = [text_width(node.label, sizes.symbol)]
        lines = 1
        for text, size in ((node.name, sizes.small), (node.shape, sizes.shape), (node.total.text, sizes.small)):
            if text:
                widths.append(text_width(text, size))
                lines += 1
        ry = 20.0 * sizes.symbol / SYMBOL_SIZE + 6.5 * sizes.small / SMALL_SIZE * (lines - 1)
        # Several lines (symbol, name, shape): a wide ellipse, as Graphviz draws it, not a tall egg.
        rx = max(20.0 * sizes.symbol / SYMBOL_SIZE if lines == 1 else 1.2 * ry, max(widths) / 2 + 12 + 3 * (lines - 1))
        return Shape(node, rx, ry)
    width = max(text_width(node.label, sizes.symbol), text_width(node.total.text, sizes.small),
                text_width(node.shape, sizes.shape))
    height = (sizes.symbol + 1.5 + (sizes.small + 1.5 if node.total.text else 0.0)
              + (sizes.shape + 1.5 if node.shape else 0.0))
    return Shape(node, width / 2 + 3, height / 2 + 4)


@dataclass
class Frame:
    """Where everything of a scene sits, in points along (u) and across (v) the flow."""

    lr: bool
    sizes: Sizes
    shapes: dict[int, Shape]
    half_u: dict[int, float]
    column: dict[int, int]
    """node id (and SINK) -> layer"""
    inputs: dict[int, list[SceneWire]]
    lane: float
    column_half: list[float]
    runs: list[float]
    """Per layer: the length of the straight run (where the numbers sit) of the wires ending there."""
    centre_u: list[float]
    centre_v: dict[int, float]
    route_v: dict[tuple[int, int], tuple[float, ...]]
    extent_u: float
    extent_v: float
    row: tuple[int, ...] = ()
    """Per layer, its row when the circuit is wrapped (``export/wrap``); empty: one row."""
    row_start: float = MARGIN
    row_end: tuple[float, ...] = ()
    """Per row, where along the flow the connectors of the wires leaving it are centred."""
    connectors: dict[tuple[int, int], str] = field(default_factory=dict)
    """Wires that continue on a later row, with their connector's text."""
    radius: float = 0.0
    """A connector's radius."""
    fans: list[float] = field(default_factory=list)
    """Per layer, the length of the bends of the wires into it along the flow (``_fans``)."""
    moved: dict[int, tuple[int, float]] = field(default_factory=dict)
    """Inputs drawn at the start of their gate's row instead of at the end of the row before: row, centre u."""

    def row_of(self, layer: int) -> int:
        return self.row[layer] if self.row else 0

    def node_row(self, node: int) -> int:
        return self.moved[node][0] if node in self.moved else self.row_of(self.column[node])

    def u_of(self, node: int) -> float:
        """A node's centre along the flow."""
        return self.moved[node][1] if node in self.moved else self.centre_u[self.column[node]]

    def xy(self, u: float, v: float) -> tuple[float, float]:
        return (round(u, 1), round(v, 1)) if self.lr else (round(v, 1), round(u, 1))

    def centre(self, node: int) -> tuple[float, float]:
        return self.xy(self.u_of(node), self.centre_v[node])

    def lane_v(self, wire: SceneWire) -> float:
        if wire.target == SINK:
            return self.centre_v[SINK]
        return self.centre_v[wire.target] + lane_offset(wire.position, len(self.inputs[wire.target]), self.lane)


def place(scene: Scene, layout: Layout) -> Frame:
    lr = scene.options.rankdir == "LR"
    sizes = Sizes.scaled(scene.options.font_scale)
    shapes = _uniform({node.id: node_shape(node, sizes) for node in scene.nodes})
    # Extents along u (half) and across v (half) of each node.
    half_u = {i: (s.rx if lr else s.ry) for i, s in shapes.items()}
    half_v = {i: (s.ry if lr else s.rx) for i, s in shapes.items()}
    column, row = _grid(scene, layout)
    depth = max(layout.width, column[SINK] + 1)
    inputs: dict[int, list[SceneWire]] = {}
    for wire in scene.wires:
        inputs.setdefault(wire.target, []).append(wire)
    lane = _lane(scene, lr, sizes)
    column_half = [0.0] * depth
    for i, k in column.items():
        column_half[k] = max(column_half[k], half_u[i])
    runs = (channel_runs(scene, column.__getitem__, depth, sizes.metrics(lr)) if scene.labelled
            else [0.0] * depth)
    lanes = {i: len(inputs.get(i, ())) * lane for i in row}
    busiest = max((len(ws) for ws in inputs.values()), default=1)
    spacing = max(max((2 * h for h in half_v.values()), default=0) + 18, busiest * lane + 14, 44.0)
    rows = _Rows(layout, scene, column, lane, half_v, lanes, lr, sizes)
    centre_v, route_v = rows.place({i: r * spacing for i, r in row.items()},
                                   {w: [r * spacing for r in rs] for w, rs in layout.routes.items()}, depth)
    room = {i: max(half_v[i], lanes[i] / 2) for i in centre_v}
    centre_v, route_v, extent_v = _across(centre_v, route_v, room, lane, 18 if scene.clusters else 0)
    fans = _fans(scene, column, centre_v, route_v, lane, depth)
    centre_u, extent_u = _along(column_half, runs, fans)
    return Frame(lr, sizes, shapes, half_u, column, inputs, lane, column_half, runs, centre_u, centre_v, route_v,
                 extent_u, extent_v, fans=fans)


def _uniform(shapes: dict[int, Shape]) -> dict[int, Shape]:
    """Every gate of a kind (its symbol) as large as the largest of them."""
    largest: dict[str, tuple[float, float]] = {}
    for shape in shapes.values():
        if shape.node.kind == "gate":
            rx, ry = largest.get(shape.node.label, (0.0, 0.0))
            largest[shape.node.label] = (max(rx, shape.rx), max(ry, shape.ry))
    for shape in shapes.values():
        if shape.node.kind == "gate":
            shape.rx, shape.ry = largest[shape.node.label]
    return shapes


def _grid(scene: Scene, layout: Layout) -> tuple[dict[int, int], dict[int, float]]:
    """Each node's layer and row (from the layout). The output's name sits right after the output; when other
    gates share that layer (a dangling statement), the row placement keeps them apart."""
    output = next(w.source for w in scene.wires if w.target == SINK)
    column = {n.id: layout.position[n.id][0] for n in scene.nodes if n.id != SINK}
    column[SINK] = column[output] + 1
    row = dict(layout.y)
    row[SINK] = row[output]
    return column, row


def _fans(scene: Scene, column: dict[int, int], centre_v: dict[int, float],
          route_v: dict[tuple[int, int], tuple[float, ...]], lane: float, depth: int) -> list[float]:
    """Per layer, how long the bends of the wires into it are along the flow: as long as the steepest needs
    (FAN for a bend across two lanes or more), short where every wire runs nearly straight, so a slide is
    not filled with empty wire."""
    steepest = [0.0] * depth
    count: dict[int, int] = {}
    for wire in scene.wires:
        count[wire.target] = count.get(wire.target, 0) + 1
    for wire in scene.wires:
        lane_v = centre_v[wire.target] + (0.0 if wire.target == SINK else
                                          (wire.position - (count[wire.target] - 1) / 2) * lane)
        route = route_v.get(wire.end, ())
        stations = [*zip(range(column[wire.source] + 1, column[wire.target]), route, strict=False),
                    (column[wire.target], lane_v)]
        v = centre_v[wire.source]
        for k, next_v in stations:
            steepest[k] = max(steepest[k], abs(next_v - v))
            v = next_v
    return [min(FAN, MIN_FAN + 0.25 * dv) for dv in steepest]


def _along(column_half: list[float], runs: list[float], fans: list[float]) -> tuple[list[float], float]:
    """Each layer's centre along the flow, and the whole extent: layers apart by fan, run and merge."""
    centre_u = [0.0] * len(column_half)
    u = MARGIN
    for k, half in enumerate(column_half):
        if k > 0:
            u += fans[k] + runs[k] + MERGE
        u += half
        centre_u[k] = u
        u += half
    return centre_u, u + MARGIN


def _across(centre_v: dict[int, float], route_v: dict[tuple[int, int], tuple[float, ...]], room: dict[int, float],
            lane: float, extra: float) -> tuple[dict[int, float], dict[tuple[int, int], tuple[float, ...]], float]:
    """Everything moved down so the topmost room starts at MARGIN (+ ``extra`` for cluster labels); the extent."""
    top = max(max((room[i] - v for i, v in centre_v.items()), default=0),
              max((lane / 2 - v for vs in route_v.values() for v in vs), default=0)) + MARGIN + extra
    centre_v = {i: v + top for i, v in centre_v.items()}
    route_v = {w: tuple(v + top for v in vs) for w, vs in route_v.items()}
    extent_v = max(max((centre_v[i] + room[i] for i in centre_v), default=0),
                   max((v + lane / 2 for vs in route_v.values() for v in vs), default=0)) + MARGIN
    return centre_v, route_v, extent_v


def _lane(scene: Scene, lr: bool, sizes: Sizes) -> float:
    """How thick a wire's lane is across the flow: its two numbers, one above the other (LR) or side by side."""
    if not scene.labelled:
        return 14.0
    if lr:
        return sizes.metrics(lr).lane
    return (max((sizes.number_width(w.value.text) for w in scene.wires), default=0)
            + max((sizes.number_width(w.grad.text) for w in scene.wires), default=0) + 10
            + sizes.metrics(lr).pair_gap)


Key = int | tuple[tuple[int, int], int]
"""A row item: a node id, or (long wire, index of its bend)."""


class _Rows:
    """Vertical centres in points: the layout's rows, then, layer by layer from the output back, each node
    with a single consumer moved onto the lane of its wire (an input drawn straight into its gate), as close
    as the room its own numbers need allows."""

    def __init__(self, layout: Layout, scene: Scene, column: dict[int, int], lane: float, half_v: dict[int, float],
                 lanes: dict[int, float], lr: bool, sizes: Sizes) -> None:
        self.column, self.lane, self.half_v, self.lanes = column, lane, half_v, lanes
        self.consumers: dict[int, list[SceneWire]] = {}
        for wire in scene.wires:
            self.consumers.setdefault(wire.source, []).append(wire)
        self.n_inputs = {i: lanes[i] / lane for i in lanes}
        self.group = {m: cluster.group for cluster in scene.clusters for m in cluster.members}
        self.anchor = {m: max(cluster.members) for cluster in scene.clusters for m in cluster.members}
        # LR: a cluster's label sits above its last gate; TB: beside it, where it needs room across.
        self.label_room = {} if lr else {max(cl.members): text_width(cl.label, sizes.small) + 8 + 6
                                         for cl in scene.clusters}
        self.source_col = {w.end: column[w.source] for w in scene.wires if w.end in layout.routes}
        self.v: dict[int, float] = {}
        self.routes: dict[tuple[int, int], list[float]] = {}

    def place(self, v: dict[int, float], routes: dict[tuple[int, int], list[float]],
              depth: int) -> tuple[dict[int, float], dict[tuple[int, int], tuple[float, ...]]]:
        self.v, self.routes = v, routes
        nodes_at: dict[int, list[int]] = {}
        for i, c in self.column.items():
            nodes_at.setdefault(c, []).append(i)
        routes_at: dict[int, list[tuple[tuple[int, int], int]]] = {}
        for w, rs in routes.items():
            for j in range(len(rs)):
                routes_at.setdefault(self.source_col[w] + 1 + j, []).append((w, j))
        for k in range(depth - 1, -1, -1):
            items: list[tuple[float, float, Key]] = []  # (current v, half room, key)
            for i in nodes_at.get(k, ()):
                items.append((v[i], max(self.half_v[i], self.lanes[i] / 2), i))
            for w, j in routes_at.get(k, ()):
                items.append((routes[w][j], self.lane / 2, (w, j)))
            self.settle(items, k)
        return v, {w: tuple(rs) for w, rs in routes.items()}

    def settle(self, items: list[tuple[float, float, Key]], k: int) -> None:
        wanted = [self.wanted(current, key, k) for current, _, key in items]
        order = sorted(range(len(items)), key=lambda i: (wanted[i], items[i][0]))
        items, wanted = [items[i] for i in order], [wanted[i] for i in order]
        for (_, _, key), value in zip(items, spaced(wanted, self.gaps(items)), strict=True):
            if isinstance(key, int):
                self.v[key] = value
            else:
                route_key, j = key
                self.routes[route_key][j] = value

    def gaps(self, items: list[tuple[float, float, Key]]) -> list[float]:
        """A cluster's dashed box needs room between its members and anything outside it."""
        home = [self.group.get(key) if isinstance(key, int) else None for _, _, key in items]
        return [0.0] + [items[i - 1][1] + items[i][1] + 10 + (22 if home[i - 1] != home[i] else 0)
                        + (self.label_room.get(key, 0.0) if isinstance(key := items[i - 1][2], int) else 0.0)
                        for i in range(1, len(items))]

    def wanted(self, current: float, key: Key, k: int) -> float:
        v, lane = self.v, self.lane
        if not isinstance(key, int):
            (consumer, position), j = key
            rs = self.routes[(consumer, position)]
            if j + 1 < len(rs):
                return rs[j + 1]
            return v[consumer] + lane_offset(position, round(self.n_inputs[consumer]), lane)
        if key in self.anchor and self.anchor[key] != key:
            # A composite's chain lines up with its last gate, so its dashed box is one clean band.
            return v[self.anchor[key]]
        out = self.consumers.get(key, [])
        if len(out) == 1 and self.column[out[0].target] == k + 1:
            target = out[0].target
            if target == SINK:
                return v[target]
            return v[target] + lane_offset(out[0].position, round(self.n_inputs[target]), lane)
        return current
