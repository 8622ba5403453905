"""Slides: --fontsize and --fit in graphstep's own layout, wrapping long chains into rows, slide typography."""

from __future__ import annotations

import itertools
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


ALL_EXAMPLES = sorted(p.stem for p in EXAMPLES.glob("*.gstep"))


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_fit_16_9_builtin_numbers_at_least_60_percent_of_body_text(name: str) -> None:
    """Measured on the drawing: its numbers' size once the picture is scaled into a 16:9 Beamer frame
    (\\linewidth × 0.8\\textheight), against 11 pt body text. Before wrapping, mlp_batch was at 25%."""
    from graphstep.export.fit import body_share, fit_options

    trace = trace_of(name)
    options = fit_options(DrawOptions(fontsize=18), "16:9",
                          lambda o: Renderer(trace.graph, trace, o, builtin=True).size())
    drawing = Renderer(trace.graph, trace, options, builtin=True).drawing()
    number = max(t.size for t in drawing.texts if t.role == "value")
    share = body_share((drawing.width, drawing.height), number, "16:9")
    assert share >= 0.6, f"{name}: numbers {share:.0%} of body text ({options.rankdir}, {options.rows} rows)"


def test_a_long_chain_is_wrapped_into_rows_that_do_not_overlap() -> None:
    trace = trace_of("mlp_batch")
    from graphstep.export.fit import fit_options

    options = fit_options(DrawOptions(fontsize=18), "16:9",
                          lambda o: Renderer(trace.graph, trace, o, builtin=True).size())
    assert options.rows >= 2 and options.rankdir == "LR"
    renderer = Renderer(trace.graph, trace, options, builtin=True)
    drawing = renderer.drawing()
    from graphstep.export.draw import draw
    from graphstep.export.points import place
    from graphstep.export.wrap import wrapped

    frame = wrapped(place(renderer.scene(), renderer.layout), renderer.scene(), options.rows)
    gates = {e.node: e for e in drawing.ellipses if e.node >= 0}
    rows: dict[int, list[float]] = {}
    for node, e in gates.items():
        rows.setdefault(frame.node_row(node), []).append(e.cy)
    bands = [(min(ys), max(ys)) for _, ys in sorted(rows.items())]
    assert len(bands) == options.rows
    assert all(a[1] < b[0] for a, b in itertools.pairwise(bands)), bands  # each row under the last
    # Every wire that goes on in the next row ends at a connector and starts again from one with the same text.
    connectors = [t.text for t in drawing.texts if t.role == "connector"]
    assert connectors and all(connectors.count(text) % 2 == 0 for text in connectors)
    assert len(connectors) == 2 * len(frame.connectors)
    assert draw(renderer.scene(3), renderer.layout).width == drawing.width  # frames keep one size


def test_rows_in_dot_and_the_option_errors(tmp_path: Path) -> None:
    trace = trace_of("mlp_batch")
    dot = Renderer(trace.graph, trace, DrawOptions(rows=2)).dot()
    assert "subgraph cluster_row0" in dot and "subgraph cluster_row1" in dot and "cluster_row2" not in dot
    stubs = re.findall(r"  c(\S+)o \[[^]]*label=<<I>([^<]*)</I>>\];", dot)
    starts = re.findall(r"  c(\S+)i \[[^]]*label=<<I>([^<]*)</I>>\];", dot)
    assert stubs and sorted(stubs) == sorted(starts)
    for bad in (0, 7, 1.5, True):
        with pytest.raises(graphstep.GraphstepError) as caught:
            DrawOptions(rows=bad)  # type: ignore[arg-type]
        assert "from 1 to 6" in str(caught.value)
        assert "de 1 a 6" in caught.value.render("es")
    from graphstep.cli import main

    assert main(["export", str(EXAMPLES / "mlp_batch.gstep"), "-o", str(tmp_path / "m.svg"), "--rows", "9"]) == 2
    assert main(["export", str(EXAMPLES / "mlp_batch.gstep"), "-o", str(tmp_path / "m.svg"), "--rows", "2"]) == 0
    assert 'class="connector"' in (tmp_path / "m.svg").read_text()


def test_letter_subscripts_in_svg_tikz_and_dot(tmp_path: Path) -> None:
    """W_H is drawn as W with a lowered, smaller H (it was the literal text "W_H" with an underscore)."""
    from graphstep.export import typography

    assert typography.subscript("W_H") == ("W", "H") and typography.subscript("W_{HO}") == ("W", "HO")
    assert typography.subscript("my_rate") is None and typography.subscript("sum(axis=1)") is None
    trace = trace_of("mlp_batch")
    svg = export(trace, tmp_path / "m.svg", builtin=True)[0].read_text()
    assert '>W<tspan dy="0.3em" font-size="70%">H</tspan></text>' in svg and ">W_H<" not in svg
    tex = export(trace, tmp_path / "m.tex")[0].read_text()
    assert "{W\\textsubscript{H}}" in tex and "W\\_H" not in tex
    dot = Renderer(trace.graph, trace).dot()
    assert "<I>W<SUB>H</SUB></I>" in dot and "W_H" not in dot


def test_digit_runs_are_one_subscript_in_tikz() -> None:
    """x₁₂ was set as x$_{1}{}_{2}$: two subscripts with a gap, where the SVG shows one."""
    from graphstep.export.tikz import latex_text

    assert latex_text("x₁₂") == "x$_{12}$" and latex_text("w₁₀₀") == "w$_{100}$"
    assert latex_text("e⁻¹") == "e$^{-1}$"  # one superscript, not ^{-}{}^{1}
    assert latex_text("x²₁") == "x$^{2}{}_{1}$"  # a subscript after a superscript stays its own
    assert latex_text("a₁b₂") == "a$_{1}$b$_{2}$"


@pytest.mark.parametrize("name", ["mlp_batch", "xor_mlp", "neuron"])
def test_gates_of_a_kind_are_one_size(name: str) -> None:
    """mlp_batch's two @ gates (one with a name and a shape under it, one without) were drawn at two sizes."""
    trace = trace_of(name)
    renderer = Renderer(trace.graph, trace, builtin=True)
    label = {n.id: n.label for n in renderer.scene().nodes}
    sizes: dict[str, set[tuple[float, float]]] = {}
    for e in renderer.drawing().ellipses:
        if e.node >= 0:
            sizes.setdefault(label[e.node], set()).add((e.rx, e.ry))
    assert all(len(found) == 1 for found in sizes.values()), sizes
    dot = Renderer(trace.graph, trace).dot()
    attrs: dict[str, set[str]] = {}
    for node in renderer.scene().nodes:
        if node.kind == "gate":
            line = re.search(rf"  n{node.id} \[shape=(\w+), style=filled, fillcolor=\"[^\"]+\", (width=[\d.]+, )?"
                             r"height=[\d.]+", dot)
            assert line
            attrs.setdefault(node.label, set()).add(line.group(0).split("[", 1)[1])
    repeated = [k for k in attrs if sum(1 for n in renderer.scene().nodes if n.label == k) > 1]
    assert repeated and all(len(attrs[k]) == 1 for k in repeated), attrs


def test_a_legend_says_what_mu_means_when_a_wire_shows_a_mean(tmp_path: Path) -> None:
    trace = trace_of("mlp_batch")
    svg = export(trace, tmp_path / "m.svg", builtin=True)[0].read_text()
    assert '<text class="legend"' in svg and "μ: the mean of the tensor's entries" in svg
    legend = re.search(r'<text class="legend" x="[\d.]+" y="([\d.]+)"', svg)
    ys = [float(y) for y in re.findall(r'<text class="(?:value|grad|label|name|shape)" x="[\d.]+" y="([\d.]+)"', svg)]
    assert legend and float(legend.group(1)) > max(ys)  # under everything else
    es = Renderer(trace.graph, trace, lang="es").dot()
    assert "labelloc=b" in es and "μ: la media de los elementos del tensor" in es
    tex = export(trace, tmp_path / "m.tex")[0].read_text()
    assert "$\\mu$: the mean" in tex
    scalar = trace_of("neuron")
    assert "legend" not in export(scalar, tmp_path / "n.svg", builtin=True)[0].read_text()
    assert "labelloc" not in Renderer(scalar.graph, scalar).dot()


def test_tensor_shapes_are_as_large_as_names() -> None:
    """Shapes under tensor nodes were 10 px against 14 px numbers (under half the body text on a slide)."""
    trace = trace_of("mlp_batch")
    drawing = Renderer(trace.graph, trace, builtin=True).drawing()
    shapes = {t.size for t in drawing.texts if t.role == "shape"}
    names = {t.size for t in drawing.texts if t.role == "name"}
    assert shapes == {12} and max(names) <= 12
    assert 'POINT-SIZE="12">4×2</FONT>' in Renderer(trace.graph, trace).dot()
