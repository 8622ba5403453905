"""Scene → Graphviz DOT source (needs no binary; the same scene always gives the same bytes).

Each wire is split in two around a small table node: the forward value in the table's top cell, the
wire itself drawn as the middle cell's border, the gradient in the bottom cell. So the value sits above
the wire and the gradient below it, exactly as in the lecture's circuits, whatever Graphviz decides about
label placement. With ``TB`` the table turns: value left of the wire, gradient right.
Unknown numbers are written in the background colour, so every frame of a trace has the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphstep.export.typography import subscript
from graphstep.numbers import fmt_scalar
from graphstep.scene import SINK, Label, Scene, SceneNode, SceneWire, WireKey

FONT = "Helvetica,Arial,sans-serif"


TRANSPARENT = "#ffffff00"


def hidden_colour(scene: Scene, colour: str) -> str:
    """The colour an unknown number is written in: the background's, or no colour on a transparent one."""
    return TRANSPARENT if scene.options.transparent else colour


def _size(scene: Scene, points: float) -> str:
    return f"{points * scene.options.font_scale:g}"


@dataclass(frozen=True)
class DotRows:
    """A circuit wrapped into rows (``export/wrap``): each node's row and the wires that go on in a later row,
    with their connector's text."""

    node_row: dict[int, int]
    connectors: dict[WireKey, str]
    count: int
    heads: tuple[int, ...] = ()
    """The nodes of the first layer: they start the first row (the connectors start the others)."""

    @property
    def starts(self) -> list[str]:
        """The keys of the wires whose connector starts a row."""
        return sorted(f"{t}_{p}" if t != SINK else "out" for t, p in self.connectors)


def to_dot(scene: Scene, rows: DotRows | None = None, legend: str = "") -> str:
    """``rows``: the circuit wrapped into rows; ``legend``: a line under the picture (what μ means)."""
    opts = scene.options
    c = opts.colours
    background = "transparent" if opts.transparent else c.background
    lines = [
        "digraph graphstep {",
        f'  graph [rankdir={opts.rankdir}, bgcolor="{background}", fontname="{FONT}", fontcolor="{c.foreground}",'
        ' nodesep=0.2, ranksep=0.25, pad=0.2, newrank=true'
        + (f', labelloc=b, labeljust=l, label=<<FONT POINT-SIZE="{_size(scene, 11)}">{_escape(legend)}</FONT>>'
           if legend else "") + '];',
        f'  node [fontname="{FONT}", fontsize={_size(scene, 14)}, color="{c.foreground}", fontcolor="{c.foreground}",'
        ' penwidth=1.2];',
        f'  edge [color="{c.foreground}", arrowsize=0.7, penwidth=1.2];',
    ]
    in_cluster = {m: cl.group for cl in scene.clusters for m in cl.members}
    row = rows.node_row if rows else {}
    # Lines by (row, composite cluster): each row is an invisible cluster, composites nest inside it.
    by_cluster: dict[tuple[int, int | None], list[str]] = {}
    uniform = uniform_gates(scene)
    for node in scene.nodes:
        by_cluster.setdefault((row.get(node.id, 0), in_cluster.get(node.id)), []).append(_node(node, scene, uniform))
    edges: list[str] = []
    for wire in scene.wires:
        edges += _wire(wire, scene, rows, in_cluster, by_cluster)
    if scene.labelled:
        for target, line in _keep_input_order(scene, in_cluster, reverse=rows is not None):
            by_cluster.setdefault((row.get(target, 0), None), []).append(line)
    lines += _blocks(scene, rows, by_cluster)
    current = next((n for n in scene.nodes if n.current), None)
    if scene.tables and current is not None:
        # Beside the highlighted gate, in its own layer (rank), tied to it by a dashed line.
        lines.append(_tables(scene))
        lines.append(f"  {{ rank=same; {_id(current.id)}; tensors; }}")
        edges.append(f'  {_id(current.id)} -> tensors [style=dashed, arrowhead=none, color="{c.highlight_line}"];')
    lines += edges
    lines.append("}")
    return "\n".join(lines) + "\n"



def _wire(wire: SceneWire, scene: Scene, rows: DotRows | None, in_cluster: dict[int, int],
          by_cluster: dict[tuple[int, int | None], list[str]]) -> list[str]:
    """A wire's edges (through its numbers' table node); its table node goes to ``by_cluster``."""
    edges: list[str] = []
    source = _id(wire.source)
    if rows and wire.end in rows.connectors:  # on to a later row: through a pair of connectors
        source = _connectors(wire, rows, scene, by_cluster, edges)
    paint = _paint(wire)
    if not scene.labelled:
        return [*edges, f"  {source} -> {_id(wire.target)}{f' [{paint[2:]}]' if paint else ''};"]
    # A wire inside one cluster keeps its numbers inside the cluster's box.
    home = in_cluster.get(wire.source) if in_cluster.get(wire.source) == in_cluster.get(wire.target) else None
    row = rows.node_row.get(wire.target, 0) if rows else 0
    by_cluster.setdefault((row, home), []).append(_wire_label(wire, scene))
    port_in, port_out = ("w", "e") if scene.options.rankdir == "LR" else ("n", "s")
    edges.append(f"  {source} -> w{wire.key}:wire:{port_in} [arrowhead=none{paint}];")
    edges.append(f"  w{wire.key}:wire:{port_out} -> {_id(wire.target)}{f' [{paint[2:]}]' if paint else ''};")
    return edges


def _blocks(scene: Scene, rows: DotRows | None, by_cluster: dict[tuple[int, int | None], list[str]]) -> list[str]:
    """The node lines, row by row (an invisible cluster each when wrapped), composite clusters inside."""
    c = scene.options.colours
    lines: list[str] = []
    indent = "    " if rows else ""
    for r in range(rows.count if rows else 1):
        if rows:
            lines.append(f"  subgraph cluster_row{r} {{")
            lines.append("    graph [style=invis, margin=0];")
        lines += [indent + line for line in by_cluster.pop((r, None), [])]
        for cluster in scene.clusters:
            if (r, cluster.group) not in by_cluster:
                continue
            lines.append(f"{indent}  subgraph cluster_{cluster.group} {{")
            lines.append(f'{indent}    graph [label="{_escape(cluster.label)}", style="rounded,dashed",'
                         f' color="{c.cluster}", fontcolor="{c.cluster}", labeljust=l];')
            lines += [indent + "  " + line for line in by_cluster.pop((r, cluster.group))]
            lines.append(f"{indent}  }}")
        if rows:
            lines.append(f"    a{r} [shape=point, style=invis, width=0, height=0];")
            lines.append("  }")
    if rows:
        # Rows under each other: their anchors (and the connectors that start them) share the first rank,
        # chained in order.
        starts = "".join(f" {_id(i)};" for i in rows.heads) + "".join(f" c{key}i;" for key in rows.starts)
        chain = " -> ".join(f"a{r}" for r in range(rows.count))
        anchors = "".join(f" a{r};" for r in range(rows.count))
        lines.append(f"  {{ rank=same;{anchors}{starts} {chain} [style=invis]; }}")
    return lines


def _keep_input_order(scene: Scene, in_cluster: dict[int, int], reverse: bool = False) -> list[tuple[int, str]]:
    """A gate's first input above its second (``max(z, w)``: z on top): its wires' labels share a rank,
    chained left to right by invisible edges (which ``LR`` turns into top to bottom). By target.
    ``reverse``: the chain the other way round, for a circuit wrapped into rows, which dot lays out mirrored
    (the order comes out right: tests/test_export_graphviz.py checks it on every example)."""
    siblings: dict[int, list[SceneWire]] = {}
    for wire in scene.wires:
        siblings.setdefault(wire.target, []).append(wire)
    lines = []
    for target, wires in siblings.items():
        homes = {in_cluster.get(w.source) if in_cluster.get(w.source) == in_cluster.get(target) else None
                 for w in wires}
        if len(wires) < 2 or homes != {None}:
            continue
        chain = " -> ".join(f"w{w.key}" for w in sorted(wires, key=lambda w: w.position, reverse=reverse))
        lines.append((target, f"  {{ rank=same; {chain} [style=invis]; }}"))
    return lines


def _connectors(wire: SceneWire, rows: DotRows, scene: Scene, by_cluster: dict[tuple[int, int | None], list[str]],
                edges: list[str]) -> str:
    """The stub of a wire into the connector at the end of its source's row, and the same connector at the
    start of its target's row; returns the id the rest of the wire starts from."""
    c = scene.options.colours
    label = f'<I>{_name(rows.connectors[wire.end])}</I>'
    circle = (f'shape=circle, style=filled, fillcolor="{c.gate_fill}", width=0.3, height=0.3, margin=0,'
              f' penwidth=1, fontsize={_size(scene, 11)}, label=<{label}>')
    by_cluster.setdefault((rows.node_row.get(wire.source, 0), None), []).append(f"  c{wire.key}o [{circle}];")
    by_cluster.setdefault((rows.node_row.get(wire.target, 0), None), []).append(f"  c{wire.key}i [{circle}];")
    paint = _paint(wire)
    edges.append(f"  {_id(wire.source)} -> c{wire.key}o{f' [{paint[2:]}]' if paint else ''};")
    # Unseen and without a say in the ranks, this edge keeps the rows in order (the row above first).
    edges.append(f"  c{wire.key}o -> c{wire.key}i [style=invis, constraint=false];")
    return f"c{wire.key}i"


def _id(node_id: int) -> str:
    return "out" if node_id == SINK else f"n{node_id}"


def _name(text: str) -> str:
    """A name for an HTML label: ``W_H`` as W<SUB>H</SUB>, other names escaped."""
    split = subscript(text)
    return _escape(text) if split is None else f"{_escape(split[0])}<SUB>{_escape(split[1])}</SUB>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _font(label: Label, colour: str, hidden: str, size: str | None = None, italic: bool = False) -> str:
    """A number in its colour, or in the background colour while unknown (it keeps its space). Gradients
    are italic: a second cue besides colour and position, for readers who cannot tell the two colours apart."""
    text = _escape(label.text) or " "
    if italic and label.text:
        text = f"<I>{text}</I>"
    sized = f' POINT-SIZE="{size}"' if size else ""
    return f'<FONT COLOR="{colour if label.known else hidden}"{sized}>{text}</FONT>'


def _ring(node: SceneNode, scene: Scene) -> str:
    """A leaf that can be the current node sits in an ellipse: lit while it is, invisible (same size, so the
    frames keep one layout; the HTML player lights it) otherwise."""
    c = scene.options.colours
    if node.current:
        return (f'shape=ellipse, style=filled, fillcolor="{c.highlight_fill}", color="{c.highlight_line}",'
                " penwidth=2.5")
    return f'shape=ellipse, color="{TRANSPARENT}"'


def uniform_gates(scene: Scene) -> dict[str, tuple[str, float, float]]:
    """Per gate symbol used by two gates or more: one shape and size (inches) for all of them, the largest's
    (the slide's `@` with a name and a shape under it and the one without are drawn alike)."""
    kinds: dict[str, list[SceneNode]] = {}
    for node in scene.nodes:
        if node.kind == "gate":
            kinds.setdefault(node.label, []).append(node)
    found = {}
    for label, nodes in kinds.items():
        if len(nodes) >= 2:
            sizes = [_natural(n, scene.options.font_scale) for n in nodes]
            width, height = max(w for w, _ in sizes), max(h for _, h in sizes)
            found[label] = ("circle" if width == height else "ellipse", width, height)
    return found


WIDE_FONT = 1.15
"""How much wider than Helvetica the widest common sans (DejaVu Sans, Graphviz's fallback on Linux) sets a
text: gate sizes are estimated for it, so that no font makes Graphviz grow one gate of a kind."""


def _natural(node: SceneNode, scale: float) -> tuple[float, float]:
    """About the size (inches) Graphviz gives a gate: its text's box plus margins, times √2 for the ellipse
    (a little more, so that Graphviz never grows one gate of a kind beyond the others), at least the minimum."""
    from graphstep.export.points import text_width

    lines = [(node.label, 14.0)] + [(text, size) for text, size in ((node.name, 11.0), (node.shape, 12.0),
                                                                    (node.total.text, 11.0)) if text]
    width = max(text_width(text, size * scale) for text, size in lines) * WIDE_FONT + 16
    height = sum(size * scale * 1.2 for _, size in lines) + 8
    if len(lines) == 1 and len(node.label) <= 3:  # a circle
        side = max(0.5, 1.45 * max(width, height) / 72)
        return round(side, 2), round(side, 2)
    tall = max(0.5, 1.25 * height / 72)
    wide = max(0.5, 1.45 * width / 72, 0.9 * tall if len(lines) >= 3 else 0)  # not a tall egg
    return round(wide, 2), round(tall, 2)


def _node(node: SceneNode, scene: Scene, uniform: dict[str, tuple[str, float, float]]) -> str:
    c = scene.options.colours
    if node.kind == "gate":
        rows = [_escape(node.label)]
        if node.name:
            rows.append(f'<FONT POINT-SIZE="{_size(scene, 11)}"><I>{_name(node.name)}</I></FONT>')
        if node.shape:
            rows.append(_shape(node, scene))
        if node.total.text:
            rows.append(_font(node.total, c.grad, c.gate_fill if not node.current else c.highlight_fill,
                              _size(scene, 11), italic=True))
        short = len(node.label) <= 3 and len(rows) == 1
        shape = "circle" if short else "ellipse"
        fill = node.fill or (c.highlight_fill if node.current else c.gate_fill)
        line = f', color="{c.highlight_line}", penwidth=2.5' if node.current else ""
        label = "<BR/>".join(rows)
        # Three lines (symbol, name, shape) would make Graphviz draw a tall egg; a wider minimum keeps it round.
        size = ", width=0.5, height=0.5" if short else (", width=0.85, height=0.5" if len(rows) >= 3 else
                                                          ", height=0.5")
        if node.label in uniform:  # every gate of its kind as large as the largest: one size per symbol
            shape, width, height = uniform[node.label]
            size = f", width={width:.2f}, height={height:.2f}"
        return (f'  {_id(node.id)} [shape={shape}, style=filled, fillcolor="{fill}"{size}{line}{_note(node)},'
                f' label=<{label}>];')
    return _leaf(node, scene)


def _leaf(node: SceneNode, scene: Scene) -> str:
    """A leaf (or the output's name): bare text, in a ring when it can be the current node."""
    c = scene.options.colours
    ringed = node.id in scene.fans and node.kind != "sink"
    rows = [f"<I>{_name(node.label)}</I>" if node.kind in ("input", "sink") else _escape(node.label)]
    if node.shape:
        rows.append(_shape(node, scene))
    if node.total.text:
        hidden = c.highlight_fill if node.current and ringed else hidden_colour(scene, c.background)
        rows.append(_font(node.total, c.grad, hidden, _size(scene, 11), italic=True))
    label = "<BR/>".join(rows)
    if node.fill:  # a coloured leaf: a rounded box in its colour
        return (f'  {_id(node.id)} [shape=box, style="rounded,filled", fillcolor="{node.fill}", margin=0.04,'
                f' width=0, height=0{_note(node)}, label=<{label}>];')
    shape = _ring(node, scene) if ringed else "shape=none"
    return f"  {_id(node.id)} [{shape}, margin=0.02, width=0, height=0{_note(node)}, label=<{label}>];"


def _note(node: SceneNode) -> str:
    """Text beside the node (Graphviz places an xlabel outside it, clear of the wires where it can)."""
    if not node.note:
        return ""
    text = "<BR/>".join(_escape(line) for line in node.note.split("\n"))
    return f', xlabel=<<FONT POINT-SIZE="10">{text}</FONT>>'


def _paint(wire: SceneWire) -> str:
    return f', color="{wire.colour}", penwidth=3' if wire.colour else ""


def _shape(node: SceneNode, scene: Scene) -> str:
    return f'<FONT POINT-SIZE="{_size(scene, 12)}">{_escape(node.shape)}</FONT>'


def _tables(scene: Scene) -> str:
    """The current node's small tensors as matrices: numbers right-aligned in cells between two brackets."""
    c = scene.options.colours
    p = scene.options.precision
    blocks = []
    for tensor in scene.tables:
        colour = c.value if tensor.role == "value" else c.grad
        rows = tensor.array.reshape(1, -1) if tensor.array.ndim == 1 else tensor.array
        n = len(rows)
        body = []
        for i, row in enumerate(rows):
            cells = "".join(f'<TD ALIGN="RIGHT"><FONT COLOR="{colour}">{_escape(fmt_scalar(float(x), p))}</FONT></TD>'
                            for x in row)
            if i == 0:
                bracket = f'<TD ROWSPAN="{n}" WIDTH="3" BORDER="1" SIDES="%s" COLOR="{c.foreground}"></TD>'
                cells = bracket % "LTB" + cells + bracket % "RTB"
            body.append(f"<TR>{cells}</TR>")
        title = (f'<TR><TD COLSPAN="{rows.shape[1] + 2}" ALIGN="LEFT"><FONT POINT-SIZE="11">'
                 f"<I>{_escape(tensor.title)}</I></FONT></TD></TR>")
        blocks.append(f'<TD VALIGN="TOP"><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="3">{title}{"".join(body)}'
                      "</TABLE></TD>")
    table = f'<TABLE BORDER="0" CELLSPACING="8" CELLPADDING="0"><TR>{"".join(blocks)}</TR></TABLE>'
    return f"  tensors [shape=none, margin=0, label=<{table}>];"


def _wire_label(wire: SceneWire, scene: Scene) -> str:
    c = scene.options.colours
    value = _font(wire.value, c.value, hidden_colour(scene, c.background))
    grad = _font(wire.grad, c.grad, hidden_colour(scene, c.background), italic=True)
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
    # The wire's bar is a filled cell centred on the port the two edges meet, with a 1 pt stub beyond the port
    # at each end: Graphviz rounds the port and the cell apart by up to 1 pt, and the edges must run into the
    # bar rather than stop short of it.
    bar, stub = f'CELLPADDING="0" BGCOLOR="{c.foreground}"', 'FIXEDSIZE="TRUE"'
    if scene.options.rankdir == "LR":
        side = f'<TD WIDTH="1" HEIGHT="1" CELLPADDING="0" {stub}></TD>'
        # The numbers' cells have no padding: the stubs take its place, so the label is as wide as before.
        body = (f'<TR>{side}<TD CELLPADDING="0">{value}</TD>{side}</TR>'
                f'<TR><TD WIDTH="1" HEIGHT="1" {stub} {bar}></TD><TD PORT="wire" HEIGHT="1" {bar}></TD>'
                f'<TD WIDTH="1" HEIGHT="1" {stub} {bar}></TD></TR>'
                f'<TR>{side}<TD CELLPADDING="0">{grad}</TD>{side}</TR>')
    else:
        # A little air between the numbers and the vertical wire, which they would otherwise touch.
        side = f'<TD WIDTH="1" HEIGHT="1" CELLPADDING="0" {stub}></TD>'
        body = (f'<TR>{side}<TD WIDTH="2" HEIGHT="1" {stub} {bar}></TD>{side}</TR>'
                f'<TR><TD ALIGN="RIGHT" CELLPADDING="3">{value}</TD><TD PORT="wire" WIDTH="2" {bar}></TD>'
                f'<TD ALIGN="LEFT" CELLPADDING="3">{grad}</TD></TR>'
                f'<TR>{side}<TD WIDTH="2" HEIGHT="1" {stub} {bar}></TD>{side}</TR>')
    return f"  w{wire.key} [shape=none, margin=0, width=0, height=0, label=<{table}{body}</TABLE>>];"
