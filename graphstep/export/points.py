"""The scene placed in points (SVG/TikZ): where each node's centre and each long wire's bends sit.

Works in (u, v): u runs along the layers (left to right for ``LR``, top to bottom for ``TB``), v across them.
Between two layers each wire has three zones: a *fan* zone where it bends from its source row to its own
lane, a straight *run* where its numbers sit (value above, gradient below), and a short *merge* into the
gate. Every input of a gate has its own lane, lanes are as thick as their numbers and layers are as far
apart as their longest number (``graphstep.placement.channel_runs``), so numbers cannot overlap each other
or a wire's bend. Vertically: the shared placement stage (``graphstep.placement.Rows``, the terminal's too)
in points, keeping the layout's order inside each layer where it does not make two inputs of a gate cross.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from graphstep.layout import Layout, Wire
from graphstep.placement import Item, Metrics, Rows, channel_runs, lane_offset
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


ITEM_GAP = 10.0
"""Across the flow: the least space between two nodes (or bends) of a layer, beyond their rooms."""
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
                           lane=(cap + 5.0) + (4.0 + cap) + gap, gap=ITEM_GAP, whole=False)
        return Metrics(lambda _: 0.0, min_label=2 * self.line + 8, pair_gap=PAIR_GAP * self.number / NUMBER_SIZE,
                       gap=ITEM_GAP, whole=False)


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
    # LR: a cluster's label sits above its last gate; TB: beside it, where it needs room across.
    label_room: dict[Hashable, float] = ({} if lr else {max(cl.members): text_width(cl.label, sizes.small) + 8 + 6
                                                       for cl in scene.clusters})
    centre_v, route_v = _rows(scene, layout, column, row, lane, half_v, sizes.metrics(lr), label_room)
    extent_v = max(max((v + max(half_v[i], lanes[i] / 2) for i, v in centre_v.items()), default=0),
                   max((v + lane / 2 for vs in route_v.values() for v in vs), default=0)) + MARGIN
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


def _lane(scene: Scene, lr: bool, sizes: Sizes) -> float:
    """How thick a wire's lane is across the flow: its two numbers, one above the other (LR) or side by side."""
    if not scene.labelled:
        return 14.0
    if lr:
        return sizes.metrics(lr).lane
    return (max((sizes.number_width(w.value.text) for w in scene.wires), default=0)
            + max((sizes.number_width(w.grad.text) for w in scene.wires), default=0) + 10
            + sizes.metrics(lr).pair_gap)


Link = tuple[Hashable, Hashable, int]


def _rows(scene: Scene, layout: Layout, column: dict[int, int], row: dict[int, float], lane: float,
          half_v: dict[int, float], metrics: Metrics,
          label_room: dict[Hashable, float]) -> tuple[dict[int, float], dict[Wire, tuple[float, ...]]]:
    """Vertical centres in points from the shared placement (``graphstep.placement.Rows``): each layer in the
    layout's order, untangled where two inputs of one gate would cross, stacked, then swept so each gate's
    ports line up with what feeds it and each input with its gate. A composite's dashed box keeps room from
    anything outside it (and beside its last gate, for its label when drawn top to bottom)."""
    items, links = _items(scene, layout, column, row, lane, half_v)
    columns: list[list[Item]] = [[] for _ in range(max(column.values()) + 1)]
    for item in items.values():
        columns[item.layer].append(item)
    group: dict[Hashable, int] = {m: cluster.group for cluster in scene.clusters for m in cluster.members}

    def extra(a: Item, b: Item) -> float:
        """Around a composite's dashed box, and after the gate its label sits beside."""
        return (22.0 if group.get(a.key) != group.get(b.key) else 0.0) + label_room.get(a.key, 0.0)

    rows = Rows(columns, metrics, links, extra, keep_order=True)
    rows.untangle()
    rows.stack()
    top = MARGIN + (18 if scene.clusters else 0)
    found = {key: v + top for key, v in rows.settle().items()}
    routes = {w: tuple(found[(w, j)] for j in range(len(vs))) for w, vs in layout.routes.items() if (w, 0) in found}
    return {i: found[i] for i in column}, routes


def _items(scene: Scene, layout: Layout, column: dict[int, int], row: dict[int, float], lane: float,
           half_v: dict[int, float]) -> tuple[dict[Hashable, Item], list[Link]]:
    """What each layer holds: the nodes (as much room as their shape or their lanes), in the layout's order,
    and the bends of long wires; and each hop of every wire."""
    count: dict[int, int] = {}
    for wire in scene.wires:
        count[wire.target] = count.get(wire.target, 0) + 1
    items: dict[Hashable, Item] = {}
    for i, k in column.items():
        n = count.get(i, 0)
        room = max(half_v[i], n * lane / 2)
        ports = (0.0,) if i == SINK else tuple(lane_offset(p, n, lane) for p in range(n))
        items[i] = Item(i, k, room, room, ports, order=row[i])
    links: list[Link] = []
    for wire in scene.wires:
        previous: Hashable = wire.source
        for j, r in enumerate(layout.routes.get(wire.end, ())):
            key = (wire.end, j)
            items[key] = Item(key, column[wire.source] + 1 + j, lane / 2, lane / 2, (0.0,), order=r)
            links.append((previous, key, 0))
            previous = key
        links.append((previous, wire.target, 0 if wire.target == SINK else wire.position))
    return items, links
