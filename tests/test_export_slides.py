"""Slides: --fontsize and --fit in graphstep's own layout, wrapping long chains into rows, slide typography."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import graphstep
from graphstep.cli.common import read_source
from graphstep.export import DrawOptions, Renderer, export

EXAMPLES = Path(__file__).resolve().parent.parent / "graphstep" / "examples"


def trace_of(name: str) -> graphstep.Trace:
    return graphstep.parse(read_source(str(EXAMPLES / f"{name}.gstep"))).run()


@pytest.fixture(autouse=True)
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHSTEP_NO_DOT", "1")


def test_fontsize_scales_the_builtin_text_in_svg_and_tikz(tmp_path: Path) -> None:
    """--fontsize used to change only Graphviz's pictures; graphstep's own drawing kept 14 px numbers."""
    trace = trace_of("neuron")
    plain = Renderer(trace.graph, trace, builtin=True).drawing()
    large = Renderer(trace.graph, trace, DrawOptions(fontsize=28), builtin=True).drawing()
    sizes = lambda d, role: {t.size for t in d.texts if t.role == role}
    assert sizes(plain, "value") == {14} and sizes(large, "value") == {28}
    assert sizes(large, "label") == {2 * s for s in sizes(plain, "label")}
    assert large.width > 1.3 * plain.width  # room along the wires grows with the numbers
    svg = export(trace, tmp_path / "n.svg", DrawOptions(fontsize=28), builtin=True)[0].read_text()
    assert re.search(r'class="value"[^>]*font-size="28"', svg)
    tex = export(trace, tmp_path / "n.tex", DrawOptions(fontsize=28))[0].read_text()
    assert "\\fontsize{21}{25.2}\\selectfont" in tex  # 28 px = 21 pt, exactly, not the nearest \large
