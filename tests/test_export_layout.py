"""The built-in layered layout shared by the terminal app and the Graphviz-free writers."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import graphstep
from graphstep.cli.common import read_source
from graphstep.layout import layered_layout, spaced

EXAMPLES = Path(__file__).resolve().parent.parent / "graphstep" / "examples"


def crossings(graph: graphstep.Graph) -> int:
    """Crossing pairs among wires between adjacent layers, counted by brute force (independent of the code)."""
    layout = layered_layout(graph)
    by_gap: dict[int, list[tuple[float, float]]] = {}
    for n in graph.nodes:
        for s in n.inputs:
            if layout.position[n.id][0] - layout.position[s][0] == 1:
                by_gap.setdefault(layout.position[s][0], []).append((layout.y[s], layout.y[n.id]))
    return sum(1 for pairs in by_gap.values() for (a0, a1), (b0, b1) in itertools.combinations(pairs, 2)
               if (a0 - b0) * (a1 - b1) < 0)


def test_lecture_circuits_have_no_crossings() -> None:
    for name in ["mul", "add_mul", "neuron", "patterns"]:
        graph = graphstep.parse(read_source(str(EXAMPLES / f"{name}.gstep")))
        assert crossings(graph) == 0, name


def test_api_the_terminal_app_uses() -> None:
    graph = graphstep.parse(read_source(str(EXAMPLES / "neuron.gstep")))
    layout = layered_layout(graph)
    assert layout.width == 8 and layout.height == 4
    assert layout.layers[-1] == (graph.output,)
    for k, layer in enumerate(layout.layers):
        for r, node_id in enumerate(layer):
            assert layout.position[node_id] == (k, r)


programs = st.lists(st.tuples(st.sampled_from(["+", "*", "-"]), st.integers(0, 30), st.integers(0, 30)),
                    min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(programs)
def test_random_graphs_are_laid_out_in_order(ops: list[tuple[str, int, int]]) -> None:
    lines = ["a = 1", "b = 2", "c = 3"]
    names = ["a", "b", "c"]
    for k, (op, i, j) in enumerate(ops):
        lines.append(f"v{k} = {names[i % len(names)]} {op} {names[j % len(names)]}")
        names.append(f"v{k}")
    graph = graphstep.parse("\n".join(lines))
    layout = layered_layout(graph)
    placed = [node_id for layer in layout.layers for node_id in layer]
    assert sorted(placed) == [n.id for n in graph.nodes]  # every node exactly once
    for node in graph.nodes:
        for source in node.inputs:  # wires run left to right
            assert layout.position[source][0] < layout.position[node.id][0]
    for layer in layout.layers:  # rows keep their order, at least one row apart
        ys = [layout.y[i] for i in layer]
        assert all(b - a >= 1 - 1e-9 for a, b in itertools.pairwise(ys))
    for (consumer, position), ys in layout.routes.items():  # a long wire has a slot in every layer it crosses
        source = graph.nodes[consumer].inputs[position]
        assert len(ys) == layout.position[consumer][0] - layout.position[source][0] - 1


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=30), st.floats(0.5, 3))
def test_spaced_is_the_least_squares_fit_with_gaps(wanted: list[float], gap: float) -> None:
    gaps = [gap] * len(wanted)
    got = spaced(wanted, gaps)
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(got))
    # Least squares over pooled blocks keeps the mean: the total shift is zero.
    assert abs(sum(got) - sum(wanted)) < 1e-6 * max(1.0, sum(abs(w) for w in wanted))
    if all(b - a >= gap for a, b in itertools.pairwise(wanted)):
        assert got == wanted or max(abs(x - y) for x, y in zip(got, wanted, strict=True)) < 1e-9
