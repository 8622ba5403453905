"""Wire crossings in the built-in SVG/TikZ drawing of every shipped example, counted on the drawn curves.

The drawing's vertical placement is the shared stage (``graphstep.placement.Rows``) with a crossing-aware order
inside each layer. The counts below are what it draws today; a change to placement may lower them, never raise
them (the staged circuit drew 3 crossings with the drawing's own earlier pass, both ways).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

import graphstep
from graphstep.cli.common import read_source
from graphstep.export import DrawOptions, Renderer
from graphstep.export.draw import Drawing
from graphstep.export.draw import Path as WirePath
from graphstep.placement import Item, Metrics, Rows

EXAMPLES = Path(graphstep.__file__).parent / "examples"
Point = tuple[float, float]

MOST = {"staged": 2, "staged+expand": 2}
"""Crossings allowed per example (left to right and top to bottom alike); every other example: none."""


def curve(path: WirePath) -> Iterator[Point]:
    """The wire as a polyline: its lines, and each Bézier sampled at 16 points."""
    here = path.start
    yield here
    for segment in path.segments:
        if len(segment) == 1:
            yield segment[0]
        else:
            c1, c2, end = segment
            for i in range(1, 17):
                t = i / 16
                s = 1 - t
                yield (s**3 * here[0] + 3 * s * s * t * c1[0] + 3 * s * t * t * c2[0] + t**3 * end[0],
                       s**3 * here[1] + 3 * s * s * t * c1[1] + 3 * s * t * t * c2[1] + t**3 * end[1])
        here = segment[-1]


def proper(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Segments pq and rs cross (strictly: touching does not count)."""
    def side(a: Point, b: Point, c: Point) -> int:
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-9) - (v < -1e-9)

    return side(p, q, r) * side(p, q, s) < 0 and side(r, s, p) * side(r, s, q) < 0


def crossings(graph: graphstep.Graph, drawing: Drawing) -> int:
    """Points where wires of different sources cross (the wires of one fan-out share their start)."""
    def source(key: str) -> int:
        key = key.removesuffix("-on")
        if key == "out":
            return graph.output
        target, position = map(int, key.split("_"))
        return graph.nodes[target].inputs[position]

    lines = [(source(path.wire), list(curve(path))) for path in drawing.paths]
    return sum(1 for (a, one), (b, other) in itertools.combinations(lines, 2) if a != b
               for p, q in itertools.pairwise(one) for r, s in itertools.pairwise(other) if proper(p, q, r, s))


def test_every_shipped_example_is_counted() -> None:
    names = {path.stem for path in EXAMPLES.glob("*.gstep")}
    assert len(names) >= 10 and {name.split("+")[0] for name in MOST} <= names


@pytest.mark.parametrize("name", sorted(path.stem for path in EXAMPLES.glob("*.gstep")))
@pytest.mark.parametrize("expand", [False, True])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_no_more_crossings_than_counted(name: str, expand: bool, rankdir: str) -> None:
    graph = graphstep.parse(read_source(str(EXAMPLES / f"{name}.gstep")))
    graph = graph.expand() if expand else graph
    drawing = Renderer(graph, graph.run(), DrawOptions(rankdir=rankdir), builtin=True).drawing()
    assert crossings(graph, drawing) <= MOST.get(name + ("+expand" if expand else ""), 0)


def test_the_counter_sees_a_crossing() -> None:
    """Two wires of different sources drawn across each other cross once; two of one fan-out do not count."""
    graph = graphstep.parse("x = 1\ny = 2\nf = x * y")
    drawing = Renderer(graph, graph.run(), DrawOptions(), builtin=True).drawing()
    assert crossings(graph, drawing) == 0
    one = crossing_pair(graph.output)
    assert crossings(graph, Drawing(0, 0, "", "", (), one, (), (), ())) == 1
    fan = graphstep.parse("x = 1\nf = x * x")
    assert crossings(fan, Drawing(0, 0, "", "", (), crossing_pair(fan.output), (), (), ())) == 0


def crossing_pair(into: int) -> tuple[WirePath, WirePath]:
    """The two inputs of gate ``into``, drawn across each other (a Bézier and a line)."""
    return (WirePath((0, 0), (((5, 0), (5, 10), (10, 10)),), "black", f"{into}_0"),
            WirePath((0, 9), (((10, 0),),), "black", f"{into}_1"))


def test_untangle_puts_a_gates_inputs_in_the_order_of_its_ports() -> None:
    """The layout ties the two inputs of a gate (both end at its row); the placement sees the ports: the feeder
    of the first input goes above the feeder of the second."""
    second, first = Item("b", 0, 1, 1, order=0), Item("a", 0, 1, 1, order=1)
    gate = Item("g", 1, 2, 2, ports=(-1.0, 1.0))
    rows = Rows([[second, first], [gate]], Metrics(), [("a", "g", 0), ("b", "g", 1)], keep_order=True)
    assert rows.untangle() == 0
    assert [item.key for item in rows.columns[0]] == ["a", "b"]
    rows.stack()
    places = rows.settle()
    assert places["a"] < places["b"]
