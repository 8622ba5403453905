"""Scene + built-in layered layout → a drawing: shapes, wires and texts at fixed coordinates (pixels).

The SVG and TikZ writers only translate this drawing, so both show the same picture without Graphviz.
Geometry works in (u, v): u runs along the layers (left to right for ``LR``, top to bottom for ``TB``),
v across them. Between two layers each wire has three zones: a *fan* zone where it bends from its source
row to its own lane, a straight *run* where its numbers sit (value above, gradient below), and a short
*merge* into the gate. Every input of a gate has its own lane, lanes are as thick as their numbers and
layers are as far apart as their longest number, so numbers cannot overlap each other or a wire's bend.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from graphstep.export.scene import SINK, Label, Scene, SceneNode, SceneWire
from graphstep.layout import Layout, spaced

NUMBER_SIZE = 14
SYMBOL_SIZE = 16
SMALL_SIZE = 11
SHAPE_SIZE = 10
LINE = 16.0  # height of a line of numbers
FAN = 40.0
MERGE = 16.0
MARGIN = 16.0
ARROW = 7.0

Point = tuple[float, float]
ToXY = Callable[[float, float], Point]


@dataclass(frozen=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    stroke: str
    fill: str
    width: float
    node: int


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    stroke: str


@dataclass(frozen=True)
class Path:
    start: Point
    segments: tuple[tuple[Point, ...], ...]
    """Each segment: one point (a line to it) or three (a cubic Bézier: two controls, then the end)."""
    stroke: str
    wire: str


@dataclass(frozen=True)
class Arrow:
    points: tuple[Point, Point, Point]
    colour: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    """The baseline."""
    text: str
    colour: str
    anchor: str
    """``start``, ``middle`` or ``end``."""
    size: int
    italic: bool = False
    role: str = "label"
    """``label`` (gate symbol, leaf name), ``name``, ``shape``, ``value``, ``grad`` or ``cluster``."""
    at: int = 0
    """A number's first step (the HTML player shows it from there on); 0 for everything else."""


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    background: str
    foreground: str
    boxes: tuple[Box, ...]
    paths: tuple[Path, ...]
    arrows: tuple[Arrow, ...]
    ellipses: tuple[Ellipse, ...]
    texts: tuple[Text, ...]


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


@dataclass
class _Shape:
    """A node's size: half extents across x and y, and its text lines."""

    node: SceneNode
    rx: float
    ry: float


def _shape(node: SceneNode) -> _Shape:
    if node.kind == "gate":
        widths = [text_width(node.label, SYMBOL_SIZE)]
        lines = 1
        if node.name:
            widths.append(text_width(node.name, SMALL_SIZE))
            lines += 1
        if node.shape:
            widths.append(text_width(node.shape, SHAPE_SIZE))
            lines += 1
        if node.total.text:
            widths.append(text_width(node.total.text, SMALL_SIZE))
            lines += 1
        ry = 20.0 + 6.5 * (lines - 1)
        # Several lines (symbol, name, shape): a wide ellipse, as Graphviz draws it, not a tall egg.
        rx = max(20.0 if lines == 1 else 1.2 * ry, max(widths) / 2 + 12 + 3 * (lines - 1))
        return _Shape(node, rx, ry)
    width = max(text_width(node.label, SYMBOL_SIZE), text_width(node.total.text, SMALL_SIZE),
                text_width(node.shape, SHAPE_SIZE))
    height = (SYMBOL_SIZE + 1.5 + (SMALL_SIZE + 1.5 if node.total.text else 0.0)
              + (SHAPE_SIZE + 1.5 if node.shape else 0.0))
    return _Shape(node, width / 2 + 3, height / 2 + 4)


def draw(scene: Scene, layout: Layout) -> Drawing:
    opts = scene.options
    c = opts.colours
    lr = opts.rankdir == "LR"
    shapes = {node.id: _shape(node) for node in scene.nodes}
    # Extents along u (half) and across v (half) of each node.
    half_u = {i: (s.rx if lr else s.ry) for i, s in shapes.items()}
    half_v = {i: (s.ry if lr else s.rx) for i, s in shapes.items()}

    graph_nodes = [n.id for n in scene.nodes if n.id != SINK]
    output = next(w.source for w in scene.wires if w.target == SINK)
    column = {i: layout.position[i][0] for i in graph_nodes}
    # The output's name sits right after it; when other gates share that layer (a dangling statement),
    # the row placement below keeps them apart.
    column[SINK] = column[output] + 1
    row = dict(layout.y)
    row[SINK] = row[output]
    depth = max(layout.width, column[SINK] + 1)

    inputs: dict[int, list[SceneWire]] = {}
    for wire in scene.wires:
        inputs.setdefault(wire.target, []).append(wire)
    labelled = scene.labelled

    # Lanes: how thick a wire's numbers are across v, and how long its run must be along u.
    def run_length(wire: SceneWire) -> float:
        if not labelled:
            return 0.0
        if lr:
            return max(text_width(wire.value.text, NUMBER_SIZE), text_width(wire.grad.text, NUMBER_SIZE)) + 14
        return 2 * LINE + 8

    if not labelled:
        lane = 14.0
    elif lr:
        lane = 2 * LINE + 8
    else:
        lane = (max((text_width(w.value.text, NUMBER_SIZE) for w in scene.wires), default=0)
                + max((text_width(w.grad.text, NUMBER_SIZE) for w in scene.wires), default=0) + 30)
    busiest = max((len(ws) for ws in inputs.values()), default=1)
    spacing = max(max((2 * h for h in half_v.values()), default=0) + 18, busiest * lane + 14, 44.0)

    column_half = [0.0] * depth
    runs = [0.0] * depth
    for i in [*graph_nodes, SINK]:
        column_half[column[i]] = max(column_half[column[i]], half_u[i])
    for wire in scene.wires:
        runs[column[wire.target]] = max(runs[column[wire.target]], run_length(wire))
    centre_u = [0.0] * depth
    u = MARGIN
    for k in range(depth):
        if k > 0:
            u += FAN + runs[k] + MERGE
        u += column_half[k]
        centre_u[k] = u
        u += column_half[k]
    extent_u = u + MARGIN
    lanes = {i: len(inputs.get(i, ())) * lane for i in row}
    centre_v, route_v = _rows(layout, scene, column, row, spacing, lane, half_v, lanes, depth, lr)
    top = max(max((max(half_v[i], lanes[i] / 2) - v for i, v in centre_v.items()), default=0),
              max((lane / 2 - v for vs in route_v.values() for v in vs), default=0)) + MARGIN
    top += 18 if scene.clusters else 0
    centre_v = {i: v + top for i, v in centre_v.items()}
    route_v = {w: tuple(v + top for v in vs) for w, vs in route_v.items()}
    extent_v = max(max((centre_v[i] + max(half_v[i], lanes[i] / 2) for i in centre_v), default=0),
                   max((v + lane / 2 for vs in route_v.values() for v in vs), default=0)) + MARGIN

    def xy(u: float, v: float) -> Point:
        return (round(u, 1), round(v, 1)) if lr else (round(v, 1), round(u, 1))

    paths: list[Path] = []
    arrows: list[Arrow] = []
    texts: list[Text] = []
    hidden: list[Text] = []  # every number as if known: the frame's extent must not depend on the step
    for wire in scene.wires:
        target_col = column[wire.target]
        siblings = inputs[wire.target]
        lane_v = centre_v[wire.target] + (wire.position - (len(siblings) - 1) / 2) * lane
        if wire.target == SINK:
            lane_v = centre_v[SINK]
        u0 = centre_u[column[wire.source]] + half_u[wire.source]
        v0 = centre_v[wire.source]
        start = xy(u0, v0)
        segments: list[tuple[Point, ...]] = []
        u0 = centre_u[column[wire.source]] + column_half[column[wire.source]]
        segments.append((xy(u0, v0),))
        route = route_v.get((wire.target, wire.position), ())
        for k, v in zip(range(column[wire.source] + 1, target_col), route, strict=False):
            segments.append(_bend(xy, u0, v0, u0 + FAN, v))
            u0, v0 = centre_u[k] + column_half[k], v
            segments.append((xy(u0, v0),))
        run_start = centre_u[target_col] - column_half[target_col] - MERGE - runs[target_col]
        run_end = run_start + runs[target_col]
        segments.append(_bend(xy, u0, v0, run_start, lane_v))
        segments.append((xy(run_end, lane_v),))
        tip = _boundary(shapes[wire.target], xy(centre_u[target_col], centre_v[wire.target]), xy(run_end, lane_v))
        segments.append((tip,))
        paths.append(Path(start, tuple(segments), wire.colour or c.foreground, wire.key))
        arrows.append(Arrow(_arrowhead(xy(run_end, lane_v), tip), c.foreground))
        texts += _numbers(wire, (run_start + run_end) / 2, lane_v, xy, lr, c.value, c.grad)
        hidden += _numbers(wire, (run_start + run_end) / 2, lane_v, xy, lr, c.value, c.grad, everything=True)

    ellipses: list[Ellipse] = []
    for node in scene.nodes:
        cx, cy = xy(centre_u[column[node.id]], centre_v[node.id])
        shape = shapes[node.id]
        lines: list[tuple[str, int, bool, str, str]] = [(node.label, SYMBOL_SIZE, node.kind in ("input", "sink"),
                                                         c.foreground, "label")]
        total_at = node.total.at
        if node.name:
            lines.append((node.name, SMALL_SIZE, True, c.foreground, "name"))
        if node.shape:
            lines.append((node.shape, SHAPE_SIZE, False, c.foreground, "shape"))
        if node.total.known:
            lines.append((node.total.text, SMALL_SIZE, True, c.grad, "grad"))  # gradients italic: a 2nd cue
        elif node.total.text:
            lines.append(("", SMALL_SIZE, False, c.grad, "grad"))
        if node.kind == "gate":
            fill, stroke, width = ((c.highlight_fill, c.highlight_line, 2.5) if node.current
                                   else (node.fill or c.gate_fill, c.foreground, 1.2))
            ellipses.append(Ellipse(cx, cy, shape.rx, shape.ry, stroke, fill, width, node.id))
        heights = [size + 1.5 for _, size, _, _, _ in lines]
        baseline = cy - sum(heights) / 2 + heights[0] * 0.78
        for (text, size, italic, colour, role), height in zip(lines, heights, strict=True):
            if text:
                texts.append(Text(cx, round(baseline, 1), text, colour, "middle", size, italic, role,
                                  total_at if role == "grad" else 0))
            baseline += height

    boxes: list[Box] = []
    for cluster in scene.clusters:
        xs = [(e.cx - e.rx, e.cx + e.rx) for e in ellipses if e.node in cluster.members]
        ys = [(e.cy - e.ry, e.cy + e.ry) for e in ellipses if e.node in cluster.members]
        if not xs:
            continue
        # The label goes beside the chain's last gate (across the flow from it), where no wire of another
        # node can pass: its own wire leaves straight on, and its neighbours keep a cluster's distance.
        last = next(e for e in ellipses if e.node == max(cluster.members))
        room = text_width(cluster.label, SMALL_SIZE) + 8
        x0, x1 = min(a for a, _ in xs) - 10, max(b for _, b in xs) + (10 if lr else 10 + room)
        y0, y1 = min(a for a, _ in ys) - (22 if lr else 10), max(b for _, b in ys) + 10
        boxes.append(Box(round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1), c.cluster))
        if lr:  # just above the last gate, inside its own layer
            label_x, label_y = last.cx + last.rx, last.cy - last.ry - 5
        else:  # just right of it
            label_x, label_y = last.cx + last.rx + room, last.cy + SMALL_SIZE * 0.35
        texts.append(Text(round(label_x, 1), round(label_y, 1), cluster.label, c.cluster, "end", SMALL_SIZE,
                          False, "cluster"))

    width, height = (extent_u, extent_v) if lr else (extent_v, extent_u)
    background = "none" if scene.options.transparent else c.background
    drawing = Drawing(round(width, 1), round(height, 1), background, c.foreground, tuple(boxes), tuple(paths),
                      tuple(arrows), tuple(ellipses), tuple(texts))
    leaves = [(cx - s.rx, cy - s.ry, cx + s.rx, cy + s.ry) for i, s in shapes.items()
              for cx, cy in [xy(centre_u[column[i]], centre_v[i])]]
    return _cropped(drawing, [*leaves, *(_text_box(t) for t in hidden)])


def _text_box(t: Text) -> tuple[float, float, float, float]:
    w = text_width(t.text, t.size)
    x0 = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
    return (x0, t.y - t.size * 0.8, x0 + w, t.y + t.size * 0.25)


def _cropped(drawing: Drawing, extra: list[tuple[float, float, float, float]]) -> Drawing:
    """The drawing moved and its canvas cut to what it draws plus MARGIN on every side: the layout leaves
    room for the widest case, which is white space in most pictures. ``extra``: boxes that count too (every
    node's outline, which holds its texts, and every number, known yet or not), so all frames of a trace
    keep one size."""
    boxes = list(extra)
    boxes += [(b.x, b.y, b.x + b.w, b.y + b.h) for b in drawing.boxes]
    boxes += [_text_box(t) for t in drawing.texts if t.role == "cluster"]
    xs = [x for b in boxes for x in (b[0], b[2])]
    ys = [y for b in boxes for y in (b[1], b[3])]
    for path in drawing.paths:  # Bézier controls bound their curve, so the points suffice
        for x, y in (path.start, *(q for seg in path.segments for q in seg)):
            xs.append(x)
            ys.append(y)
    for arrow in drawing.arrows:
        xs += [p[0] for p in arrow.points]
        ys += [p[1] for p in arrow.points]
    if not xs:
        return drawing
    # Coordinates are on a 0.1 px grid and the shift is too, so sums stay on it (the writers print 1 decimal).
    dx, dy = round(MARGIN - min(xs), 1), round(MARGIN - min(ys), 1)

    def at(p: Point) -> Point:
        return (p[0] + dx, p[1] + dy)

    # Plain constructors rather than dataclasses.replace: this runs over every element of big graphs.
    return Drawing(
        round(max(xs) - min(xs) + 2 * MARGIN, 1), round(max(ys) - min(ys) + 2 * MARGIN, 1), drawing.background,
        drawing.foreground,
        tuple(Box(b.x + dx, b.y + dy, b.w, b.h, b.stroke) for b in drawing.boxes),
        tuple(Path(at(p.start), tuple(tuple(at(q) for q in seg) for seg in p.segments), p.stroke, p.wire)
              for p in drawing.paths),
        tuple(Arrow((at(a.points[0]), at(a.points[1]), at(a.points[2])), a.colour) for a in drawing.arrows),
        tuple(Ellipse(e.cx + dx, e.cy + dy, e.rx, e.ry, e.stroke, e.fill, e.width, e.node)
              for e in drawing.ellipses),
        tuple(Text(t.x + dx, t.y + dy, t.text, t.colour, t.anchor, t.size, t.italic, t.role, t.at)
              for t in drawing.texts),
    )


def _rows(layout: Layout, scene: Scene, column: dict[int, int], row: dict[int, float], spacing: float,
          lane: float, half_v: dict[int, float], lanes: dict[int, float], depth: int,
          lr: bool) -> tuple[dict[int, float], dict[tuple[int, int], tuple[float, ...]]]:
    """Vertical centres in pixels: the layout's rows, then, layer by layer from the output back, each node
    with a single consumer moved onto the lane of its wire (an input drawn straight into its gate), as
    close as the room its own numbers need allows."""
    v = {i: r * spacing for i, r in row.items()}
    routes = {w: [r * spacing for r in rs] for w, rs in layout.routes.items()}
    consumers: dict[int, list[SceneWire]] = {}
    for wire in scene.wires:
        consumers.setdefault(wire.source, []).append(wire)
    n_inputs = {i: lanes[i] / lane for i in lanes}
    group = {m: cluster.group for cluster in scene.clusters for m in cluster.members}
    anchor = {m: max(cluster.members) for cluster in scene.clusters for m in cluster.members}
    # LR: a cluster's label sits above its last gate; TB: beside it. Either way it needs room across.
    label_room = {max(cl.members): text_width(cl.label, SMALL_SIZE) + 8 + (0 if lr else 6)
                  for cl in scene.clusters}
    if lr:
        label_room = {}
    source_col = {w: column[s.source] for s in scene.wires if (w := (s.target, s.position)) in routes}
    nodes_at: dict[int, list[int]] = {}
    for i, c in column.items():
        nodes_at.setdefault(c, []).append(i)
    routes_at: dict[int, list[tuple[tuple[int, int], int]]] = {}
    for w, rs in routes.items():
        for j in range(len(rs)):
            routes_at.setdefault(source_col[w] + 1 + j, []).append((w, j))
    for k in range(depth - 1, -1, -1):
        items: list[tuple[float, float, int | tuple[tuple[int, int], int]]] = []  # (current v, half room, key)
        for i in nodes_at.get(k, ()):
            items.append((v[i], max(half_v[i], lanes[i] / 2), i))
        for w, j in routes_at.get(k, ()):
            items.append((routes[w][j], lane / 2, (w, j)))
        wanted: list[float] = []
        for current, _, key in items:
            if isinstance(key, int) and key in anchor and anchor[key] != key:
                # A composite's chain lines up with its last gate, so its dashed box is one clean band.
                wanted.append(v[anchor[key]])
                continue
            if isinstance(key, int):
                out = consumers.get(key, [])
                if len(out) == 1 and column[out[0].target] == k + 1:
                    target = out[0].target
                    wanted.append(v[target] + (out[0].position - (n_inputs[target] - 1) / 2) * lane
                                  if target != SINK else v[target])
                    continue
                wanted.append(current)
            else:
                (consumer, position), j = key
                rs = routes[(consumer, position)]
                wanted.append(rs[j + 1] if j + 1 < len(rs) else
                              v[consumer] + (position - (n_inputs[consumer] - 1) / 2) * lane)
        order = sorted(range(len(items)), key=lambda i: (wanted[i], items[i][0]))
        items, wanted = [items[i] for i in order], [wanted[i] for i in order]
        # A cluster's dashed box needs room between its members and anything outside it.
        home = [group.get(key) if isinstance(key, int) else None for _, _, key in items]
        gaps = [0.0] + [items[i - 1][1] + items[i][1] + 10 + (22 if home[i - 1] != home[i] else 0)
                        + (label_room.get(key, 0.0) if isinstance(key := items[i - 1][2], int) else 0.0)
                        for i in range(1, len(items))]
        for (_, _, key), value in zip(items, spaced(wanted, gaps), strict=True):
            if isinstance(key, int):
                v[key] = value
            else:
                route_key, j = key
                routes[route_key][j] = value
    return v, {w: tuple(rs) for w, rs in routes.items()}


def _bend(xy: ToXY, u0: float, v0: float, u1: float, v1: float) -> tuple[Point, ...]:
    """A smooth S from (u0, v0) to (u1, v1), leaving and arriving along u; a plain line when level."""
    if abs(v1 - v0) < 0.05:
        return (xy(u1, v1),)
    mid = (u0 + u1) / 2
    return (xy(mid, v0), xy(mid, v1), xy(u1, v1))


def _boundary(shape: _Shape, centre: Point, outside: Point) -> Point:
    """Where the line from ``outside`` towards the node's centre meets the node's outline."""
    cx, cy = centre
    dx, dy = outside[0] - cx, outside[1] - cy
    if shape.node.kind != "gate":  # a text: stop at the side of its box
        scale = min(shape.rx / abs(dx) if dx else math.inf, shape.ry / abs(dy) if dy else math.inf)
    else:
        scale = 1 / math.sqrt((dx / shape.rx) ** 2 + (dy / shape.ry) ** 2)
    return (round(cx + dx * scale, 1), round(cy + dy * scale, 1))


def _arrowhead(tail: Point, tip: Point) -> tuple[Point, Point, Point]:
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = tip[0] - ux * ARROW, tip[1] - uy * ARROW
    side = ARROW * 0.45
    return (tip, (round(bx - uy * side, 1), round(by + ux * side, 1)), (round(bx + uy * side, 1),
                                                                         round(by - ux * side, 1)))


def _numbers(wire: SceneWire, u: float, v: float, xy: ToXY, lr: bool, value_colour: str,
             grad_colour: str, everything: bool = False) -> list[Text]:
    found: list[Text] = []
    pairs: tuple[tuple[Label, str, str], ...] = ((wire.value, value_colour, "value"), (wire.grad, grad_colour, "grad"))
    for label, colour, role in pairs:
        if not (label.known or (everything and label.text)):
            continue
        if lr:
            x, y = xy(u, v - 5 if role == "value" else v + 4 + NUMBER_SIZE * 0.78)
            found.append(Text(x, y, label.text, colour, "middle", NUMBER_SIZE, role == "grad", role, label.at))
        else:
            x, y = xy(u, v - 5 if role == "value" else v + 5)
            found.append(Text(x, round(y + NUMBER_SIZE * 0.35, 1), label.text, colour,
                              "end" if role == "value" else "start", NUMBER_SIZE, role == "grad", role, label.at))
    return found
