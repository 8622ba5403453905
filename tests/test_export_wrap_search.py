"""``--rows``: the cuts are found without trying every combination, and they are the ones trying found."""

from __future__ import annotations

import random
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import pytest

import graphstep
from graphstep.export import DrawOptions, Renderer, wrap


def exhaustive(left: list[float], right: list[float], lead: list[float], crossing: list[float],
               candidates: list[int], wanted: int) -> tuple[int, ...]:
    """The search ``choose_rows`` made before: every combination of cuts, the first of least cost."""
    depth = len(left)

    def cost(cuts: tuple[int, ...]) -> float:
        bounds = (0, *cuts, depth)
        widest = max(right[b - 1] - left[a] + (lead[a] if a else 0) for a, b in pairwise(bounds))
        return widest * (1 + 0.08 * sum(crossing[k] - 1 for k in cuts))

    return min(combinations(candidates, wanted), key=cost)


def random_case(rng: random.Random) -> tuple[Any, ...]:
    depth = rng.randint(2, 16)
    alike = rng.random() < 0.5  # layers of one width (a chain of one gate): many cuts cost the same
    left, right, at = [], [], 0.0
    for _ in range(depth):
        half = 20.0 if alike else rng.choice((12.5, 20.0, 31.25, rng.uniform(5, 60)))
        left.append(at)
        right.append(at + 2 * half)
        at += 2 * half + (30.0 if alike else rng.choice((30.0, rng.uniform(10, 90))))
    lead = [rng.choice((64.0, 64.0, rng.uniform(40, 120))) for _ in range(depth)]
    crossing = [0.0] + [rng.choice((0.5, 1.0, 1.0, 1.5, 2.0, 3.0, 7.5, 1000.0)) for _ in range(depth - 1)] + [0.0]
    candidates = [k for k in range(1, depth) if crossing[k] < 1000]
    return left, right, lead, crossing, candidates


def test_the_cuts_are_those_every_combination_finds() -> None:
    rng = random.Random(20261201)
    tried = 0
    for _ in range(1500):
        left, right, lead, crossing, candidates = random_case(rng)
        for wanted in range(1, min(5, len(candidates)) + 1):
            expected = exhaustive(left, right, lead, crossing, candidates, wanted)
            assert wrap.best_cuts(left, right, lead, crossing, candidates, wanted) == expected, (
                left, right, lead, crossing, candidates, wanted)
            tried += 1
    assert tried > 2500


def chain(path: Path, sins: int) -> Path:
    lines = ["x = 0.5", "q0 = x", *(f"q{i} = sin(q{i - 1})" for i in range(1, sins + 1))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_six_rows_of_a_60_layer_chain_cost_a_few_thousand_evaluations(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every combination of 5 cuts among 60 places was 5.5 million cost evaluations (22 s for one export)."""
    monkeypatch.setenv("GRAPHSTEP_NO_DOT", "1")
    rows_measured = []
    real = wrap.pairwise

    def counted(items: Any) -> Any:  # every evaluation of a set of cuts walks its rows once
        rows_measured.append(1)
        if len(rows_measured) > 100_000:
            raise AssertionError("more than 100,000 sets of cuts evaluated")
        return real(items)

    monkeypatch.setattr(wrap, "pairwise", counted)
    source = chain(tmp_path / "c59.gstep", 59).read_text(encoding="utf-8")
    trace = graphstep.parse(source).run()
    renderer = Renderer(trace.graph, trace, DrawOptions(rows=6), builtin=True)
    drawing = renderer.drawing()
    assert len(renderer.graph.nodes) == 60 and drawing.width > 0
    assert 0 < len(rows_measured) <= 2_000
    assert len({round(e.cy) for e in drawing.ellipses if e.node >= 0}) >= 6  # six rows, one under another
