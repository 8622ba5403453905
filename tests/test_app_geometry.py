"""The circuit's geometry: nothing overlaps, wires never cross a box, the lecture's circuits fit 120×40."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import graphstep
from graphstep.app.geometry import OUT_EDGE, E, Geometry, N, S, W, _cell, build, plain_text
from graphstep.graph import Graph

EXAMPLES = sorted((Path(graphstep.__file__).parent / "examples").glob("*.gstep"))


def random_formula(rng: random.Random, gates: int) -> str:
    """A program of ``gates`` statements mixing unary and binary gates, fan-out and long edges."""
    names = ["a", "b", "c", "d"]
    lines = [f"{n} = {rng.choice([-2, -1, 0.5, 1, 3])}" for n in names]
    for i in range(gates):
        new = f"v_{i}"
        x, y = rng.choice(names), rng.choice(names)
        lines.append(f"{new} = " + rng.choice([
            f"{x} * {y}", f"{x} + {y}", f"max({x}, {y})", f"exp({x} * 0.1)", f"sigmoid({x})", f"{x} - {y}",
            f"2{x}", f"{x} + 1", f"tanh({x})",
        ]))
        names.append(new)
    lines.append("f = " + " + ".join(names[-3:]))
    return "\n".join(lines)


def cells(geometry: Geometry) -> dict[tuple[int, int], str]:
    found = {}
    for y, runs in enumerate(geometry.rows):
        for run in runs:
            for i in range(len(run.text)):
                assert (run.x + i, y) not in found, f"two runs overlap at {(run.x + i, y)}"
                found[(run.x + i, y)] = run.kind
    return found


def check_no_overlap(graph: Graph) -> Geometry:
    trace = graph.run()
    geometry = build(graph, trace.values, trace.node_grads, trace.sent)
    occupied = cells(geometry)  # asserts that no two runs share a cell
    boxes = list(geometry.boxes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y
            assert apart, f"boxes of nodes {a.node} and {b.node} overlap"
    slots = [*geometry.value_slots.values(), *geometry.grad_slots.values(), *geometry.total_slots.values()]
    taken: dict[tuple[int, int], object] = {}
    for slot in slots:
        for dx in range(slot.width):
            cell = (slot.x + dx, slot.y)
            assert cell not in occupied, f"a number slot covers {occupied[cell]} at {cell}"
            assert cell not in taken, f"two number slots overlap at {cell}"
            taken[cell] = slot
    assert all(0 <= s.y < geometry.height and s.x >= 0 and s.x + s.width <= geometry.width for s in slots)
    return geometry


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_have_no_overlaps(path: Path) -> None:
    graph = graphstep.parse(path.read_text())
    check_no_overlap(graph)
    check_no_overlap(graph.expand())


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_up_to_40_nodes_have_no_overlaps(seed: int) -> None:
    rng = random.Random(seed)
    graph = graphstep.parse(random_formula(rng, rng.randint(3, 14)))
    assert len(graph.nodes) <= 45
    check_no_overlap(graph)


def test_every_edge_has_its_numbers_and_the_output_its_stub() -> None:
    graph = graphstep.parse((Path(graphstep.__file__).parent / "examples" / "neuron.gstep").read_text())
    trace = graph.run()
    geometry = build(graph, trace.values, trace.node_grads, trace.sent)
    edges = {(n.id, p) for n in graph.nodes for p in range(len(n.inputs))}
    assert set(geometry.value_slots) == edges | {OUT_EDGE}
    assert set(geometry.grad_slots) == edges | {OUT_EDGE}


def test_neuron_fits_a_120_by_40_terminal_and_reads_left_to_right() -> None:
    graph = graphstep.parse((Path(graphstep.__file__).parent / "examples" / "neuron.gstep").read_text())
    trace = graph.run()
    geometry = build(graph, trace.values, trace.node_grads, trace.sent)
    assert geometry.width <= 120 and geometry.height <= 26
    # every gate sits to the right of all its inputs
    for node in graph.nodes:
        for source in node.inputs:
            assert geometry.boxes[source].x + geometry.boxes[source].width <= geometry.boxes[node.id].x
    # the *-1 → exp → +1 → 1/x chain is one straight wire
    chain = [n.id for n in graph.nodes if n.op in ("mul_const", "exp", "add_const", "rdiv_const")]
    rows = {geometry.boxes[i].y for i in chain}
    assert len(rows) == 1
    text = plain_text(geometry)
    for symbol in ("*-1", "exp", "+1", "1/x", "w0", "x1", "─ f ─"):
        assert symbol in text


def test_wires_join_with_box_drawing_characters() -> None:
    graph = graphstep.parse("f = x*x + y")
    trace = graph.run(x=3, y=1)
    text = plain_text(build(graph, trace.values, trace.node_grads, trace.sent))
    assert "┤" in text and "├" in text  # ports into and out of the gates
    assert "x" in text.splitlines()[max(i for i, line in enumerate(text.splitlines()) if "x" in line)]


def test_two_wires_crossing_do_not_read_as_a_junction() -> None:
    """Where two different nets cross, the horizontal wire runs on and the vertical one is broken; one net
    branching four ways keeps its ``┼``."""
    graph = graphstep.parse((Path(graphstep.__file__).parent / "examples" / "staged.gstep").read_text())
    trace = graph.run()
    lines = plain_text(build(graph, trace.values, trace.node_grads, trace.sent)).splitlines()

    def at(x: int, y: int) -> str:
        return lines[y][x] if 0 <= y < len(lines) and x < len(lines[y]) else " "

    crossings = [(x, y) for y, line in enumerate(lines) for x, ch in enumerate(line)
                 if ch == "─" and at(x, y - 1) in "│┐┌┬├┤" and at(x, y + 1) in "│└┘┴├┤"]
    assert crossings  # staged's x and y wires do cross
    assert "┼" not in "\n".join(lines)
    # a plus sign of two wires: (5, 0) runs left to right through (1, 1), (6, 0) top to bottom
    grid = {(0, 1): E | W, (1, 1): N | E | S | W, (2, 1): E | W, (1, 0): N | S, (1, 2): N | S}
    owners = {cell: {(5, 0)} for cell in [(0, 1), (2, 1)]} | {cell: {(6, 0)} for cell in [(1, 0), (1, 2)]}
    owners[(1, 1)] = {(5, 0), (6, 0)}
    assert _cell((1, 1), grid, owners, {(5, 0): 1, (6, 0): 2}) == ("─", frozenset({(5, 0)}))
    assert _cell((1, 1), grid, owners, {(5, 0): 1, (6, 0): 1})[0] == "┼"  # one net branching: a junction
    assert _cell((0, 1), grid, owners, {(5, 0): 1, (6, 0): 2})[0] == "─"
