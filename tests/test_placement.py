"""The shared placement: every number sits visibly on its own wire, in every drawn view.

Issue "Slides that fit a slide", defect 6: label rows were evenly spaced in the built-in/TikZ drawings, so
w0's gradient sat as close to x0's value as to its own wire, and Graphviz's bar under a label stopped short
of the wire ends. These tests measure the pictures the way a reader sees them.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import graphstep
from graphstep.cli.common import read_source
from graphstep.export import DrawOptions, Renderer
from graphstep.export.draw import Drawing, text_width
from graphstep.export.tikz import picture

EXAMPLES = Path(graphstep.__file__).parent / "examples"
SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs the Graphviz `dot` binary")

Box = tuple[float, float, float, float]
"""x0, y0 (top), x1, y1 (bottom)."""


def trace_of(name: str) -> graphstep.Trace:
    return graphstep.parse(read_source(str(EXAMPLES / f"{name}.gstep"))).run()


def text_box(x: float, y: float, text: str, size: float, anchor: str) -> Box:
    """Where a number's glyphs are: digits and the minus sign reach 0.72 of the size above the baseline and
    nothing below it (a reader sees the glyphs, not the line box)."""
    w = text_width(text, size)
    x0 = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return (x0, y - size * 0.72, x0 + w, y)


def runs(drawing: Drawing) -> dict[str, tuple[float, float, float]]:
    """Each wire's straight run before its gate (where its numbers sit): x0, x1, y."""
    found = {}
    for path in drawing.paths:
        (x1, y), (x0, y0) = path.segments[-2][0], path.segments[-3][-1]
        assert abs(y - y0) < 0.05, path.wire
        found[path.wire] = (x0, x1, y)
    return found


PAIRED = 1.75
"""The space between two wires' numbers, at least this many times the space inside one wire's pair."""


def pairing_problems(numbers: list[tuple[str, Box]], wires: dict[str, tuple[float, float, float]]) -> list[str]:
    """Left to right drawings: each wire's value (just above it) and gradient (just below it) read as a pair.
    The space between two neighbouring wires' numbers must be at least ``PAIRED`` times the space inside one
    pair (where the wire runs), and each number must be far nearer its own wire than any other."""
    problems = []
    for key, (x0, x1, y) in wires.items():
        over = [(b, role) for role, b in numbers if x0 - 1 <= (b[0] + b[2]) / 2 <= x1 + 1]
        value = min((b for b, role in over if role == "value" and b[3] <= y), key=lambda b: y - b[3], default=None)
        grad = min((b for b, role in over if role == "grad" and b[1] >= y), key=lambda b: b[1] - y, default=None)
        if value is None or grad is None:
            problems.append(f"wire {key}: no value above it or no gradient below it")
            continue
        inside = grad[1] - value[3]
        pair = (min(value[0], grad[0]), value[1], max(value[2], grad[2]), grad[3])
        for b, _ in over:
            if b in (value, grad) or not (b[0] < pair[2] and pair[0] < b[2]):
                continue
            between = b[1] - pair[3] if b[1] >= pair[3] else pair[1] - b[3]
            if between < PAIRED * inside:
                problems.append(f"wire {key}: a neighbour's number {between:.1f} from its pair, {inside:.1f} inside")
        for b in (value, grad):
            middle = (b[1] + b[3]) / 2
            own = abs(middle - y)
            others = [abs(middle - wy) for k, (a0, a1, wy) in wires.items() if k != key and a0 < b[2] and b[0] < a1]
            if others and own > 0.5 * min(others):
                problems.append(f"wire {key}: a number {own:.1f} from its wire, {min(others):.1f} from another")
    return problems


@pytest.mark.parametrize("name", ["neuron", "staged", "add_mul", "patterns"])
def test_builtin_numbers_sit_visibly_on_their_own_wire(name: str) -> None:
    trace = trace_of(name)
    drawing = Renderer(trace.graph, trace, DrawOptions(), builtin=True).drawing()
    numbers = [(t.role, text_box(t.x, t.y, t.text, t.size, t.anchor)) for t in drawing.texts
               if t.role in ("value", "grad")]
    assert not pairing_problems(numbers, runs(drawing))


_TIKZ_NODE = re.compile(r"\\node\[anchor=(base|base west|base east),inner sep=0pt,text=(gs\d+),font=[^\]]*\] at "
                        r"\(([-\d.]+),([-\d.]+)\) \{(.*)\};")


@pytest.mark.parametrize("name", ["neuron", "staged"])
def test_tikz_numbers_sit_visibly_on_their_own_wire(name: str) -> None:
    trace = trace_of(name)
    options = DrawOptions()
    drawing = Renderer(trace.graph, trace, options, builtin=True).drawing()
    tikz = picture(drawing)
    colours = dict(re.findall(r"\\definecolor\{(gs\d+)\}\{HTML\}\{([0-9A-F]{6})\}", tikz))
    role = {name: r for name, hex_ in colours.items() for r, c in (("value", options.colours.value),
                                                                   ("grad", options.colours.grad))
            if c.lstrip("#").upper() == hex_}
    anchors = {"base": "middle", "base west": "start", "base east": "end"}
    numbers = []
    for anchor, colour, x, y, text in _TIKZ_NODE.findall(tikz):
        if colour in role:
            plain = text.replace("$-$", "−")
            numbers.append((role[colour], text_box(float(x), float(y), plain, 14, anchors[anchor])))
    assert len(numbers) == sum(1 for t in drawing.texts if t.role in ("value", "grad"))
    assert not pairing_problems(numbers, runs(drawing))


def _graphviz_svg(name: str) -> ET.Element:
    trace = trace_of(name)
    return ET.fromstring(Renderer(trace.graph, trace).svg().encode())


def _points(text: str) -> list[tuple[float, float]]:
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


@pytest.mark.graphviz
@needs_dot
@pytest.mark.parametrize("name", ["neuron", "staged"])
def test_graphviz_bar_under_a_label_meets_the_wire_ends(name: str) -> None:
    root = _graphviz_svg(name)
    groups = {g.findtext(f"{SVG}title"): g for g in root.iter(f"{SVG}g") if g.get("class") in ("node", "edge")}
    checked = 0
    for title, group in groups.items():
        if not (title or "").startswith("w") or group.get("class") != "node":
            continue
        bars = group.findall(f"{SVG}polygon") or group.findall(f"{SVG}polyline")
        assert bars, f"{title}: no bar"
        corners = [p for bar in bars for p in _points(bar.get("points", ""))]
        left, right = min(x for x, _ in corners), max(x for x, _ in corners)
        top, bottom = min(y for _, y in corners), max(y for _, y in corners)
        middle = (top + bottom) / 2
        into = [g for t, g in groups.items() if t and t.endswith(f"->{title}:w")]
        out = [g for t, g in groups.items() if t and t.startswith(f"{title}:e->")]
        assert len(into) == 1 and len(out) == 1, title
        end = _points(into[0].find(f"{SVG}path").get("d", ""))[-1]  # type: ignore[union-attr]
        start = _points(out[0].find(f"{SVG}path").get("d", ""))[0]  # type: ignore[union-attr]
        # The wire runs into the bar (no gap wider than 0.5 pt), level with it.
        assert left - 0.5 <= end[0] <= left + 3 and abs(end[1] - middle) <= 0.5, (title, end, left, middle)
        assert right - 3 <= start[0] <= right + 0.5 and abs(start[1] - middle) <= 0.5, (title, start, right, middle)
        checked += 1
    assert checked >= 5


# --- the highlight on a leaf --------------------------------------------------------------------------------


def _leaf_steps(trace: graphstep.Trace) -> list[int]:
    """The cursors at which a leaf is the current node (it sums the gradients of its fan-out)."""
    return [k for k, step in enumerate(trace.steps, start=1) if trace.graph.nodes[step.node].is_leaf]


def test_builtin_svg_and_tikz_ring_a_highlighted_leaf() -> None:
    trace = trace_of("staged")
    options = DrawOptions()
    renderer = Renderer(trace.graph, trace, options, builtin=True)
    steps = _leaf_steps(trace)
    assert len(steps) == 2  # x and y fan out
    sizes = set()
    for k in [0, *steps, len(trace.steps)]:
        root = ET.fromstring(renderer.svg(k).encode())
        sizes.add((root.get("width"), root.get("height")))
        lit = [e for e in root.iter(f"{SVG}ellipse") if e.get("stroke") == options.colours.highlight_line]
        current = renderer.scene(k).current
        if k in steps:
            assert current is not None
            assert [e.get("id") for e in lit] == [f"node-{current.id}"]
            ring = lit[0]
            cx, cy, rx, ry = (float(ring.get(a, "0")) for a in ("cx", "cy", "rx", "ry"))
            name = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "label"
                        and abs(float(t.get("x", "0")) - cx) < 0.5 and abs(float(t.get("y", "0")) - cy) < ry)
            width = text_width(name.text or "", float(name.get("font-size", "0")))
            assert rx >= width / 2 + 4  # the ring goes round the leaf's name
            assert ring.get("fill") == options.colours.highlight_fill
            tikz = picture(renderer.drawing(k))
            assert f"ellipse [x radius={rx:g}, y radius={ry:g}]" in tikz
        else:  # no leaf lit: the current gate's ellipse at most
            assert [e.get("id") for e in lit] == ([f"node-{current.id}"] if current is not None else [])
    assert len(sizes) == 1  # the unlit ring keeps its room: every frame has one size


@pytest.mark.graphviz
@needs_dot
def test_graphviz_rings_a_highlighted_leaf() -> None:
    trace = trace_of("staged")
    options = DrawOptions()
    renderer = Renderer(trace.graph, trace, options)
    k = _leaf_steps(trace)[0]
    leaf = trace.steps[k - 1].node
    root = ET.fromstring(renderer.svg(k).encode())
    group = next(g for g in root.iter(f"{SVG}g") if g.findtext(f"{SVG}title") == f"n{leaf}")
    ring = group.find(f"{SVG}ellipse")
    assert ring is not None and ring.get("stroke") == options.colours.highlight_line
    assert ring.get("fill") == options.colours.highlight_fill
    before = ET.fromstring(renderer.svg(k - 1).encode())
    group = next(g for g in before.iter(f"{SVG}g") if g.findtext(f"{SVG}title") == f"n{leaf}")
    assert group.find(f"{SVG}ellipse").get("stroke") in ("transparent", "none")  # type: ignore[union-attr]
    assert (root.get("width"), root.get("height")) == (before.get("width"), before.get("height"))


@pytest.mark.parametrize("builtin", [True, pytest.param(False, marks=[pytest.mark.graphviz, needs_dot])])
def test_html_player_takes_its_highlight_from_the_scene_and_can_light_a_leaf(tmp_path: Path, builtin: bool) -> None:
    import json

    trace = trace_of("staged")
    renderer = Renderer(trace.graph, trace, builtin=builtin)
    page = renderer.player()
    data = json.loads(page.split('<script id="steps" type="application/json">')[1].split("</script>")[0])
    assert data["current"] == [(s.current.id if (s := renderer.scene(k)).current else None)
                               for k in renderer.cursors]
    svg = ET.fromstring(page.split('<div id="stage">')[1].split("</div>")[0])
    lit = {e.get("data-node"): e for e in svg.iter() if e.get("data-node") is not None}
    for k in _leaf_steps(trace):  # the leaf the step highlights has an ellipse the player can light
        node = str(data["current"][k])
        assert node in lit
        ellipse = lit[node] if lit[node].tag == f"{SVG}ellipse" else lit[node].find(f"{SVG}ellipse")
        assert ellipse is not None


@pytest.mark.graphviz
@needs_dot
@pytest.mark.parametrize("name", ["neuron", "staged", "xor_mlp"])
def test_graphviz_numbers_sit_visibly_on_their_own_wire(name: str) -> None:
    options = DrawOptions()
    root = _graphviz_svg(name)
    wires, numbers = {}, []
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title") or ""
        if group.get("class") != "node" or not title.startswith("w"):
            continue
        corners = [p for bar in group.findall(f"{SVG}polygon") for p in _points(bar.get("points", ""))]
        wires[title] = (min(x for x, _ in corners), max(x for x, _ in corners),
                        (min(y for _, y in corners) + max(y for _, y in corners)) / 2)
        for text in group.iter(f"{SVG}text"):
            role = {options.colours.value: "value", options.colours.grad: "grad"}.get(text.get("fill", ""))
            if role:
                numbers.append((role, text_box(float(text.get("x", "0")), float(text.get("y", "0")), text.text or "",
                                               float(text.get("font-size", "14")), text.get("text-anchor", "start"))))
    assert len(wires) >= 5
    assert not pairing_problems(numbers, wires)


@pytest.mark.parametrize("name", ["neuron", "staged", "add_mul", "xor_mlp"])
def test_terminal_numbers_sit_on_their_wire_with_a_blank_row_between_pairs(name: str) -> None:
    """The terminal's lanes are the shared ones: value on the row above its wire, gradient on the row below,
    and a blank row before the next wire's value wherever two pairs share columns."""
    from graphstep.app.session import Session
    from graphstep.placement import TERMINAL

    session = Session((EXAMPLES / f"{name}.gstep").read_text(encoding="utf-8"))
    geometry = session.geometry
    pairs = []
    for end, value in geometry.value_slots.items():
        grad = geometry.grad_slots[end]
        assert (value.x, value.width) == (grad.x, grad.width)
        assert grad.y - value.y == round(TERMINAL.grad_at - TERMINAL.value_at) == 2  # the wire runs between
        pairs.append((value.x, value.x + value.width, value.y, grad.y))
    for a in pairs:
        for b in pairs:
            if a is not b and a[0] < b[1] and b[0] < a[1] and a[2] < b[2]:
                assert b[2] - a[3] >= 2, (a, b)  # at least one blank row between two pairs
