"""Scene → a drawing: shapes, wires and texts at fixed coordinates (points), for the built-in writers.

The SVG and TikZ writers only translate this drawing, so both show the same picture without Graphviz.
Where things sit is decided by ``export/points`` (on top of the shared layout and ``graphstep.placement``);
what is shown (every text, colour role, the highlight) by the scene. This module only turns the two into
drawable elements: wire paths with their arrowheads, numbers, gates, clusters; then crops the canvas.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from graphstep.export.points import (
    FAN,
    MARGIN,
    MERGE,
    NUMBER_SIZE,
    Frame,
    Shape,
    place,
    text_width,
)
from graphstep.export.wrap import wrapped
from graphstep.layout import Layout
from graphstep.scene import SINK, Label, Scene, SceneNode, SceneWire
from graphstep.theme import Theme

ARROW = 7.0
CONNECTOR = -2
"""The node id of a connector's circle (no node of the graph: the HTML player leaves it alone)."""

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
    """``label`` (gate symbol, leaf name), ``name``, ``shape``, ``value``, ``grad``, ``cluster``,
    ``connector`` (where a wrapped wire goes on) or ``legend`` (what μ means)."""
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


def draw(scene: Scene, layout: Layout, legend: str = "") -> Drawing:
    """``legend``: a line of text under the picture (what μ means on tensor wires)."""
    c = scene.options.colours
    frame = place(scene, layout)
    if scene.options.rows > 1:
        frame = wrapped(frame, scene, scene.options.rows)
    paths: list[Path] = []
    arrows: list[Arrow] = []
    texts: list[Text] = []
    hidden: list[Text] = []  # every number as if known: the frame's extent must not depend on the step
    ellipses: list[Ellipse] = []
    for wire in scene.wires:
        pieces, connectors = _wire(frame, wire, c)
        for path, arrow in pieces:
            paths.append(path)
            arrows.append(arrow)
        for circle, text in connectors:
            ellipses.append(circle)
            texts.append(text)
            hidden.append(text)
        texts += _wire_numbers(frame, wire, c)
        hidden += _wire_numbers(frame, wire, c, everything=True)
    rings: list[Ellipse] = []
    for node in scene.nodes:
        ellipse, node_texts = _node(frame, node, c)
        if ellipse is not None:
            ellipses.append(ellipse)
        elif node.id in scene.fans:  # a leaf that sums its gradient is the current node of that step
            rings.append(_ring(frame, node, c, node_texts[0]))
        texts += node_texts
    ellipses = rings + ellipses
    boxes: list[Box] = []
    for cluster in scene.clusters:
        found = _cluster(cluster.members, cluster.label, ellipses, frame, c)
        if found is not None:
            boxes.append(found[0])
            texts.append(found[1])
    width, height = (frame.extent_u, frame.extent_v) if frame.lr else (frame.extent_v, frame.extent_u)
    background = "none" if scene.options.transparent else c.background
    drawing = Drawing(round(width, 1), round(height, 1), background, c.foreground, tuple(boxes), tuple(paths),
                      tuple(arrows), tuple(ellipses), tuple(texts))
    leaves = [(cx - s.rx, cy - s.ry, cx + s.rx, cy + s.ry) for i, s in frame.shapes.items()
              for cx, cy in [frame.centre(i)]]
    leaves += [(e.cx - e.rx, e.cy - e.ry, e.cx + e.rx, e.cy + e.ry) for e in ellipses if e.node < SINK]  # connectors
    leaves += [(e.cx - e.rx, e.cy - e.ry, e.cx + e.rx, e.cy + e.ry) for e in rings]
    extra = [*leaves, *(_text_box(t) for t in hidden)]
    if legend:
        drawing, note = _legend(drawing, extra, legend, frame.sizes.small)
        extra.append(_text_box(note))
    return _cropped(drawing, extra)


def _legend(drawing: Drawing, extra: list[tuple[float, float, float, float]], legend: str,
            size: int) -> tuple[Drawing, Text]:
    """The drawing with a line of text under everything it draws, at its left edge."""
    xs, ys = _extent(drawing, extra)
    note = Text(round(min(xs), 1), round(max(ys) + 8 + size, 1), legend, drawing.foreground, "start", size, False,
                "legend")
    return replace(drawing, texts=(*drawing.texts, note)), note


Piece = tuple[Path, Arrow]
Connector = tuple[Ellipse, Text]


def _wire(frame: Frame, wire: SceneWire, c: Theme) -> tuple[list[Piece], list[Connector]]:
    """A wire from its source through the bends of its route, its run (where its numbers sit), to the gate.
    A wire that goes on in a later row (``export/wrap``) is cut in two at a pair of connectors."""
    xy, column, centre_u, column_half = frame.xy, frame.column, frame.centre_u, frame.column_half
    target_col = column[wire.target]
    lane_v = frame.lane_v(wire)
    v0 = frame.centre_v[wire.source]
    start = xy(frame.u_of(wire.source) + frame.half_u[wire.source], v0)
    segments: list[tuple[Point, ...]] = []
    u0 = (frame.u_of(wire.source) + frame.half_u[wire.source] if wire.source in frame.moved
          else centre_u[column[wire.source]] + column_half[column[wire.source]])
    segments.append((xy(u0, v0),))
    route = frame.route_v.get((wire.target, wire.position), ())
    stations = [*zip(range(column[wire.source] + 1, target_col), route, strict=False), (target_col, lane_v)]
    pieces: list[Piece] = []
    connectors: list[Connector] = []
    row = frame.node_row(wire.source)
    for k, v in stations:
        if frame.row_of(k) != row:  # on to the next row: through a pair of connectors
            label, end = frame.connectors.get(wire.end, "?"), frame.row_end[row]
            tip = xy(end - frame.radius, v0)
            segments.append((tip,))
            pieces.append((Path(start, tuple(segments), wire.colour or c.foreground, f"{wire.key}-on"),
                           Arrow(_arrowhead(xy(end - frame.radius - ARROW, v0), tip), c.foreground)))
            connectors.append(_connector(frame, end, v0, label, c))
            connectors.append(_connector(frame, frame.row_start + frame.radius, v, label, c))
            u0, v0 = frame.row_start + 2 * frame.radius, v
            start, segments = xy(u0, v0), []
        if k < target_col:
            segments.append(_bend(xy, u0, v0, u0 + (frame.fans[k] if frame.fans else FAN), v))
            u0, v0 = centre_u[k] + column_half[k], v
            segments.append((xy(u0, v0),))
        row = frame.row_of(k)
    run_start, run_end = _run(frame, wire)
    segments.append(_bend(xy, u0, v0, run_start, lane_v))
    segments.append((xy(run_end, lane_v),))
    tip = _boundary(frame.shapes[wire.target], frame.centre(wire.target), xy(run_end, lane_v))
    segments.append((tip,))
    pieces.append((Path(start, tuple(segments), wire.colour or c.foreground, wire.key),
                   Arrow(_arrowhead(xy(run_end, lane_v), tip), c.foreground)))
    return pieces, connectors


def _connector(frame: Frame, u: float, v: float, label: str, c: Theme) -> Connector:
    """A small circle with the text of a wire that goes on in the next row (the same at both ends)."""
    x, y = frame.xy(u, v)
    size = frame.sizes.small
    return (Ellipse(x, y, round(frame.radius, 1), round(frame.radius, 1), c.foreground, c.gate_fill, 1.0, CONNECTOR),
            Text(x, round(y + size * 0.35, 1), label, c.foreground, "middle", size, True, "connector"))


def _run(frame: Frame, wire: SceneWire) -> tuple[float, float]:
    """Where along the flow a wire's straight run (its numbers) starts and ends."""
    k = frame.column[wire.target]
    run_start = frame.centre_u[k] - frame.column_half[k] - MERGE - frame.runs[k]
    return run_start, run_start + frame.runs[k]


def _wire_numbers(frame: Frame, wire: SceneWire, c: Theme, everything: bool = False) -> list[Text]:
    run_start, run_end = _run(frame, wire)
    return _numbers(wire, (run_start + run_end) / 2, frame.lane_v(wire), frame, c.value, c.grad, everything)


def _node(frame: Frame, node: SceneNode, c: Theme) -> tuple[Ellipse | None, list[Text]]:
    """A gate's ellipse (leaves and the output's name are bare text) and its lines of text, centred."""
    cx, cy = frame.centre(node.id)
    shape, sizes = frame.shapes[node.id], frame.sizes
    lines: list[tuple[str, int, bool, str, str]] = [(node.label, sizes.symbol, node.kind in ("input", "sink"),
                                                     c.foreground, "label")]
    if node.name:
        lines.append((node.name, sizes.small, True, c.foreground, "name"))
    if node.shape:
        lines.append((node.shape, sizes.shape, False, c.foreground, "shape"))
    if node.total.text:
        # Gradients italic: a second cue besides the colour (the empty line keeps an unknown total's room).
        lines.append((node.total.text if node.total.known else "", sizes.small, True, c.grad, "grad"))
    ellipse = None
    if node.kind == "gate":
        fill, stroke, width = ((c.highlight_fill, c.highlight_line, 2.5) if node.current
                               else (node.fill or c.gate_fill, c.foreground, 1.2))
        ellipse = Ellipse(cx, cy, shape.rx, shape.ry, stroke, fill, width, node.id)
    heights = [size + 1.5 for _, size, _, _, _ in lines]
    baseline = cy - sum(heights) / 2 + heights[0] * 0.78
    texts = []
    for (text, size, italic, colour, role), height in zip(lines, heights, strict=True):
        if text:
            texts.append(Text(cx, round(baseline, 1), text, colour, "middle", size, italic, role,
                              node.total.at if role == "grad" else 0))
        baseline += height
    return ellipse, texts


def _ring(frame: Frame, node: SceneNode, c: Theme, label: Text) -> Ellipse:
    """The highlight ring around a leaf's name, drawn while the leaf is the current node (the step that sums
    its gradient) and invisible otherwise, so every frame keeps one size and the HTML player can light it."""
    cx, _ = frame.centre(node.id)
    rx = text_width(label.text, label.size) / 2 + 8
    cy = round(label.y - label.size * 0.35, 1)
    if node.current:
        return Ellipse(cx, cy, round(rx, 1), round(label.size * 0.55 + 3, 1), c.highlight_line, c.highlight_fill,
                       2.5, node.id)
    return Ellipse(cx, cy, round(rx, 1), round(label.size * 0.55 + 3, 1), "none", "none", 2.5, node.id)


def _cluster(members: tuple[int, ...], label: str, ellipses: list[Ellipse], frame: Frame,
             c: Theme) -> tuple[Box, Text] | None:
    """A composite gate's dashed box around its chain, and its label."""
    xs = [(e.cx - e.rx, e.cx + e.rx) for e in ellipses if e.node in members]
    ys = [(e.cy - e.ry, e.cy + e.ry) for e in ellipses if e.node in members]
    if not xs:
        return None
    # The label goes beside the chain's last gate (across the flow from it), where no wire of another
    # node can pass: its own wire leaves straight on, and its neighbours keep a cluster's distance.
    last = next(e for e in ellipses if e.node == max(members))
    lr, small = frame.lr, frame.sizes.small
    room = text_width(label, small) + 8
    x0, x1 = min(a for a, _ in xs) - 10, max(b for _, b in xs) + (10 if lr else 10 + room)
    y0, y1 = min(a for a, _ in ys) - (22 if lr else 10), max(b for _, b in ys) + 10
    box = Box(round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1), c.cluster)
    if lr:  # just above the last gate, inside its own layer
        label_x, label_y = last.cx + last.rx, last.cy - last.ry - 5
    else:  # just right of it
        label_x, label_y = last.cx + last.rx + room, last.cy + small * 0.35
    return box, Text(round(label_x, 1), round(label_y, 1), label, c.cluster, "end", small, False, "cluster")


def _text_box(t: Text) -> tuple[float, float, float, float]:
    w = text_width(t.text, t.size)
    x0 = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
    return (x0, t.y - t.size * 0.8, x0 + w, t.y + t.size * 0.25)


def _extent(drawing: Drawing, extra: list[tuple[float, float, float, float]]) -> tuple[list[float], list[float]]:
    """Every x and every y the drawing reaches."""
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
    return xs, ys


def _cropped(drawing: Drawing, extra: list[tuple[float, float, float, float]]) -> Drawing:
    """The drawing moved and its canvas cut to what it draws plus MARGIN on every side: the layout leaves
    room for the widest case, which is white space in most pictures. ``extra``: boxes that count too (every
    node's outline, which holds its texts, and every number, known yet or not), so all frames of a trace
    keep one size."""
    xs, ys = _extent(drawing, extra)
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


def _bend(xy: ToXY, u0: float, v0: float, u1: float, v1: float) -> tuple[Point, ...]:
    """A smooth S from (u0, v0) to (u1, v1), leaving and arriving along u; a plain line when level."""
    if abs(v1 - v0) < 0.05:
        return (xy(u1, v1),)
    mid = (u0 + u1) / 2
    return (xy(mid, v0), xy(mid, v1), xy(u1, v1))


def _boundary(shape: Shape, centre: Point, outside: Point) -> Point:
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


def _numbers(wire: SceneWire, u: float, v: float, frame: Frame, value_colour: str,
             grad_colour: str, everything: bool = False) -> list[Text]:
    found: list[Text] = []
    xy, lr, size = frame.xy, frame.lr, frame.sizes.number
    pairs: tuple[tuple[Label, str, str], ...] = ((wire.value, value_colour, "value"), (wire.grad, grad_colour, "grad"))
    for label, colour, role in pairs:
        if not (label.known or (everything and label.text)):
            continue
        if lr:
            metrics = frame.sizes.metrics(lr)
            x, y = xy(u, v + (metrics.value_at if role == "value" else metrics.grad_at))
            found.append(Text(x, y, label.text, colour, "middle", size, role == "grad", role, label.at))
        else:
            x, y = xy(u, v - 5 if role == "value" else v + 5)
            found.append(Text(x, round(y + size * 0.35, 1), label.text, colour,
                              "end" if role == "value" else "start", size, role == "grad", role, label.at))
    return found


__all__ = ["MARGIN", "NUMBER_SIZE", "Arrow", "Box", "Drawing", "Ellipse", "Path", "Point", "Text", "draw", "text_width"]
