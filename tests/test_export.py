"""Slide diagrams without the Graphviz binary: DOT source, the built-in SVG/TikZ writers, frames, errors."""

from __future__ import annotations

import itertools
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphstep
from graphstep.cli import main
from graphstep.cli.common import read_source
from graphstep.export import DrawOptions, Renderer, export, graph_svg, trace_svg
from graphstep.export import typography as typeset
from graphstep.export.draw import NUMBER_SIZE, draw, text_width
from graphstep.export.scene import SINK, build_scene, current_tables
from graphstep.numbers import fmt, fmt_matrix

EXAMPLES = Path(__file__).resolve().parent.parent / "graphstep" / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
LECTURE = ["mul", "add_mul", "neuron", "patterns", "staged"]
TENSOR = ["mlp_batch", "xor_mlp", "xor_perceptron"]
SVG = "{http://www.w3.org/2000/svg}"


def trace_of(name: str, expand: bool = False) -> graphstep.Trace:
    graph = graphstep.parse(read_source(str(EXAMPLES / f"{name}.gstep")))
    return (graph.expand() if expand else graph).run()


@pytest.fixture(autouse=True)
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the Graphviz-free paths; tests/test_export_graphviz.py covers the binary."""
    monkeypatch.setenv("GRAPHSTEP_NO_DOT", "1")


# --- DOT --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*LECTURE, "mlp_batch"])
def test_dot_matches_golden_file(name: str) -> None:
    dot = Renderer(trace_of(name).graph, trace_of(name)).dot()
    golden = GOLDEN / f"{name}.dot"
    if os.environ.get("GRAPHSTEP_UPDATE_GOLDEN"):
        golden.write_text(dot, encoding="utf-8")
    assert dot == golden.read_text(encoding="utf-8")


def test_neuron_dot_carries_the_lecture_numbers() -> None:
    dot = Renderer(trace_of("neuron").graph, trace_of("neuron")).dot()
    # cs231n's sigmoid neuron: f = 0.73; ∂f/∂w0 = -0.20, ∂f/∂x0 = 0.39, ∂f/∂w1 = -0.39, ∂f/∂x1 = -0.59.
    for number in ["0.73", "1.00", "-0.53", "0.37", "1.37", "-0.20", "0.39", "-0.39", "-0.59", "0.20"]:
        number = typeset.number(number)  # a real minus sign on the slide
        assert f">{number}</FONT>" in dot or f">{number}</I></FONT>" in dot
    assert '#005a3e">0.73<' in dot  # the output value in green
    assert '#c25400"><I>−0.59<' in dot  # a gradient in red (and italic)


def test_dot_is_the_same_bytes_every_time() -> None:
    first = Renderer(trace_of("staged").graph, trace_of("staged")).dot(7)
    second = Renderer(trace_of("staged").graph, trace_of("staged")).dot(7)
    assert first == second


@pytest.mark.parametrize("show, present, absent", [
    ("values", ["#005a3e\">0.73<"], ["#c25400\"><I>−0.59<"]),
    ("grads", ["#c25400\"><I>−0.59<"], ["#005a3e\">0.73<"]),
    ("none", [], ["0.73", "-0.59"]),
])
def test_show_option_picks_the_numbers(show: str, present: list[str], absent: list[str]) -> None:
    trace = trace_of("neuron")
    dot = Renderer(trace.graph, trace, DrawOptions(show=show)).dot()
    assert all(p in dot for p in present)
    assert not any(a in dot for a in absent)


def test_precision_and_theme_and_rankdir() -> None:
    trace = trace_of("neuron")
    dot = Renderer(trace.graph, trace, DrawOptions(precision=3, theme="dark", rankdir="TB")).dot()
    assert ">0.731<" in dot and ">−0.197<" in dot
    assert "rankdir=TB" in dot and 'bgcolor="#0d1117"' in dot


def test_unknown_numbers_keep_their_space_in_the_background_colour() -> None:
    trace = trace_of("mul")
    dot = Renderer(trace.graph, trace).dot(0)
    assert '<FONT COLOR="#005a3e">4.00</FONT>' in dot  # the input x = 4 is known from the start
    assert '<FONT COLOR="#ffffff">−12.00</FONT>' in dot  # f = xy is not computed yet: written invisibly
    assert '#005a3e">−12.00<' not in dot and '#c25400">' not in dot


def test_expand_draws_clusters() -> None:
    trace = trace_of("staged", expand=True)
    dot = Renderer(trace.graph, trace).dot()
    assert dot.count("subgraph cluster_") == 2  # σ(y) and σ(x)
    assert 'label="σ"' in dot


# --- what a step shows (read from the trace) -------------------------------------------------------


def test_scene_after_k_steps_shows_exactly_what_the_trace_knows() -> None:
    trace = trace_of("staged")
    for k in range(len(trace.steps) + 1):
        scene = build_scene(trace.graph, trace, k)
        state = trace.state(k)
        for wire in scene.wires:
            if wire.target == SINK:
                continue
            assert wire.value.known == (wire.source in state.values)
            assert wire.grad.known == ((wire.target, wire.position) in state.edge_grads)
            if wire.grad.known:
                assert wire.grad.text == fmt(state.edge_grads[(wire.target, wire.position)])
        current = [n.id for n in scene.nodes if n.current]
        assert current == ([] if k == 0 else [trace.steps[k - 1].node])


def test_fan_out_shows_the_summed_gradient() -> None:
    trace = trace_of("staged")
    scene = build_scene(trace.graph, trace)
    x = next(n for n in scene.nodes if n.label == "x")
    # its parts as written on the wires (0.51, -0.04, 1.58) add up to 2.05, not 2.06: Σ says ≈
    assert x.total.text == f"Σ ≈{fmt(trace.grad('x'))}"
    y = next(n for n in scene.nodes if n.label == "y")
    assert y.total.text == f"Σ {fmt(trace.grad('y'))}"  # 0.01 + 1.58 = 1.59 holds


# --- built-in SVG ----------------------------------------------------------------------------------


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg.encode()).iter(f"{SVG}text")]


@pytest.mark.parametrize("name", LECTURE)
@pytest.mark.parametrize("options", [DrawOptions(), DrawOptions(rankdir="TB", theme="dark")])
def test_builtin_svg_is_valid_and_shows_every_node_and_number(name: str, options: DrawOptions) -> None:
    trace = trace_of(name)
    svg = trace_svg(trace, options=options)
    shown = texts(svg)
    for node in trace.graph.nodes:
        typeset_label = typeset.name(node.label) if node.op == "input" else (
            typeset.number(node.label) if node.is_leaf else typeset.gate(node.label))
        assert typeset_label in shown
    for node in trace.graph.nodes:
        assert typeset.number(fmt(trace.values[node.id])) in shown
    for name_, grad in trace.grads.items():
        assert typeset.number(fmt(grad)) in shown or len(trace.graph.consumers[trace.graph.inputs[name_]]) > 1


def boxes(drawing):  # type: ignore[no-untyped-def]
    found = []
    for t in drawing.texts:
        w = text_width(t.text, t.size)
        x0 = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
        found.append((t.text, x0, t.y - t.size * 0.75, x0 + w, t.y + t.size * 0.2))
    return found


@pytest.mark.parametrize("name, expand", [(n, False) for n in LECTURE + TENSOR] + [("staged", True), ("neuron", True)])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_builtin_drawing_has_no_overlapping_labels(name: str, expand: bool, rankdir: str) -> None:
    trace = trace_of(name, expand)
    renderer = Renderer(trace.graph, trace, DrawOptions(rankdir=rankdir))
    drawing = renderer.drawing()
    labels = boxes(drawing)
    for a, b in itertools.combinations(labels, 2):
        overlap = a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
        assert not overlap, f"{a[0]!r} overlaps {b[0]!r}"
    for text, x0, y0, x1, y1 in labels:  # numbers stay off the gates
        if text in ("σ",):
            continue
        for e in drawing.ellipses:
            inside_x = x0 < e.cx + e.rx and e.cx - e.rx < x1
            inside_y = y0 < e.cy + e.ry and e.cy - e.ry < y1
            own = abs((x0 + x1) / 2 - e.cx) < 1 and e.cy - e.ry <= y0 and y1 <= e.cy + e.ry + 4
            assert own or not (inside_x and inside_y), f"{text!r} overlaps a gate"


def test_builtin_svg_is_deterministic_and_highlights_the_current_gate() -> None:
    trace = trace_of("patterns")
    k = 3
    first, second = trace_svg(trace, k), trace_svg(trace, k)
    assert first == second
    root = ET.fromstring(first.encode())
    highlighted = [e.get("id") for e in root.iter(f"{SVG}ellipse") if e.get("fill") == "#fff1a8"]
    assert highlighted == [f"node-{trace.steps[k - 1].node}"]


def test_jupyter_shows_graph_and_trace_as_svg() -> None:
    graph = graphstep.parse("f = (x + y) z")
    svg = graph._repr_svg_()
    assert svg is not None and "<svg" in svg and ">+<" in svg
    trace = graph.run(x=-2, y=5, z=-4)
    svg = trace._repr_mimebundle_(include={"image/svg+xml"})["image/svg+xml"]  # a front end without HTML
    assert ">−12.00<" in svg and ">−4.00<" in svg
    assert graph_svg(graph) == graph._repr_svg_()
    from graphstep.engine import run

    plain = run(graph, {"x": 1, "y": 2, "z": 3}, record=False)
    assert plain._repr_mimebundle_(include={"image/svg+xml"}) == {}  # no steps: the plain repr alone


# --- the export command ------------------------------------------------------------------------------


def cli(*args: str) -> int:
    return main(["export", *args])


def test_cli_svg_without_binary_falls_back_with_one_line_note(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "folder" / "neuron.svg"
    assert cli(str(EXAMPLES / "neuron.gstep"), "-o", str(out)) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "own layout" in err
    assert ">0.73<" in out.read_text()


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".gif"])
def test_cli_raster_without_binary_says_how_to_install(tmp_path: Path, suffix: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"neuron{suffix}"
    assert cli(str(EXAMPLES / "neuron.gstep"), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "apt-get install graphviz" in err and "brew install graphviz" in err and "conda" in err
    assert not out.exists()


def test_cli_frames_into_missing_folder_with_beamer_overlay(tmp_path: Path) -> None:
    trace = trace_of("add_mul")
    out = tmp_path / "slides" / "figs" / "add.svg"
    assert cli(str(EXAMPLES / "add_mul.gstep"), "-o", str(out), "--frames") == 0
    frames = sorted(out.parent.glob("add-*.svg"))
    assert [f.name for f in frames] == [f"add-{k:03d}.svg" for k in range(len(trace.steps) + 1)]
    overlay = (out.parent / "add-frames.tex").read_text()
    assert overlay.count("\\includesvg<") == len(frames)
    assert "\\includesvg<1>[width=\\linewidth]{\\graphstepdir add-000.svg}" in overlay
    assert ">−12.00<" not in frames[0].read_text() and ">−12.00<" in frames[-1].read_text()


def test_cli_tex_frames_are_only_overlays(tmp_path: Path) -> None:
    trace = trace_of("mul")
    out = tmp_path / "mul.tex"
    assert cli(str(EXAMPLES / "mul.gstep"), "-o", str(out), "--frames") == 0
    overlay = (tmp_path / "mul-frames.tex").read_text()
    assert overlay.count("\\only<") == len(trace.steps) + 1
    assert overlay.count("\\begin{tikzpicture}") == len(trace.steps) + 1


@pytest.mark.parametrize("args, message", [
    (["-o", "x.jpg"], "cannot tell the format"),
    (["-o", "x.svg", "--step", "99"], "--step must be between 0 and"),
    (["-o", "x.html", "--frames"], "already holds every step"),
    (["-o", "x.svg", "--precision", "40"], "precision must be between"),
])
def test_cli_bad_options_are_one_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                               message: str) -> None:
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    assert cli(str(EXAMPLES / "neuron.gstep"), *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_cli_bad_source_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("(x +", "-o", str(tmp_path / "x.dot")) == 2
    assert "error:" in capsys.readouterr().err


def test_failed_render_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graphstep.export import atomic

    out = tmp_path / "neuron.svg"
    out.write_text("old picture")

    def broken(handle_path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    real_replace = os.replace
    monkeypatch.setattr(atomic.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(graphstep.GraphstepError, match="cannot write"):
        export(trace_of("neuron"), out)
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert out.read_text() == "old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["neuron.svg"]  # no temporary file left behind


def test_export_dot_by_extension_and_same_bytes(tmp_path: Path) -> None:
    for suffix in (".dot", ".gv"):
        written = export(trace_of("neuron"), tmp_path / f"n{suffix}")
        assert written[0].read_text().startswith("digraph graphstep {")
    assert (tmp_path / "n.dot").read_bytes() == (tmp_path / "n.gv").read_bytes()


def test_long_numbers_keep_lanes_apart() -> None:
    trace = graphstep.parse("f = (a + b) * (a - b)").run(a=123456.789, b=-98765.4321)
    drawing = Renderer(trace.graph, trace, DrawOptions(precision=4)).drawing()
    labels = boxes(drawing)
    for a, b in itertools.combinations(labels, 2):
        assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a, b)
    assert text_width("123456.7890", NUMBER_SIZE) > 0
    assert draw is not None


def test_dot_frames_come_without_an_overlay(tmp_path: Path) -> None:
    trace = trace_of("mul")
    written = export(trace, tmp_path / "m.dot", frames=True)
    assert [p.name for p in written] == [f"m-{k:03d}.dot" for k in range(len(trace.steps) + 1)]
    assert not (tmp_path / "m-frames.tex").exists()


def test_a_failing_dot_binary_is_one_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.delenv("GRAPHSTEP_NO_DOT")
    monkeypatch.setenv("GRAPHSTEP_DOT", str(fake))
    out = tmp_path / "n.png"
    assert cli(str(EXAMPLES / "neuron.gstep"), "-o", str(out)) == 2
    assert "Graphviz `dot` failed: Error: syntax error in line 1" in capsys.readouterr().err
    assert not out.exists()


programs = st.lists(st.tuples(st.sampled_from(["+", "*", "-", "max", "sigmoid"]), st.integers(0, 20),
                              st.integers(0, 20)), min_size=1, max_size=16)


@settings(max_examples=120, deadline=None)
@given(programs, st.sampled_from(["LR", "TB"]), st.booleans())
def test_random_circuits_draw_without_overlapping_labels(ops: list[tuple[str, int, int]], rankdir: str,
                                                         expand: bool) -> None:
    lines = ["a = 1.5", "b = -2", "c = 0.25"]
    names = ["a", "b", "c"]
    for k, (op, i, j) in enumerate(ops):
        left, right = names[i % len(names)], names[j % len(names)]
        form = {"max": "max({l}, {r})", "sigmoid": "sigmoid({l})"}.get(op, "{l} " + op + " {r}")
        lines.append(f"v{k} = " + form.format(l=left, r=right))
        names.append(f"v{k}")
    graph = graphstep.parse("\n".join(lines))
    trace = (graph.expand() if expand else graph).run()
    drawing = Renderer(trace.graph, trace, DrawOptions(rankdir=rankdir)).drawing()
    labels = boxes(drawing)
    for a, b in itertools.combinations(labels, 2):
        assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a, b)
    points = list(wire_points(drawing))
    for text, x0, y0, x1, y1 in labels:
        assert not any(x0 + 1 < x < x1 - 1 and y0 + 1 < y < y1 - 1 for x, y in points), f"{text!r} on a wire"


def wire_points(drawing):  # type: ignore[no-untyped-def]
    """Points along every wire (Béziers sampled), to check that no number sits on a wire."""
    for path in drawing.paths:
        here = path.start
        for segment in path.segments:
            if len(segment) == 1:
                end = segment[0]
                for t in (i / 20 for i in range(21)):
                    yield (here[0] + (end[0] - here[0]) * t, here[1] + (end[1] - here[1]) * t)
            else:
                (c1, c2, end) = segment
                for t in (i / 20 for i in range(21)):
                    s = 1 - t
                    yield (s**3 * here[0] + 3 * s * s * t * c1[0] + 3 * s * t * t * c2[0] + t**3 * end[0],
                           s**3 * here[1] + 3 * s * s * t * c1[1] + 3 * s * t * t * c2[1] + t**3 * end[1])
            here = segment[-1]


@pytest.mark.parametrize("name, expand", [(n, False) for n in LECTURE + TENSOR] + [("staged", True)])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_no_number_sits_on_a_wire(name: str, expand: bool, rankdir: str) -> None:
    trace = trace_of(name, expand)
    drawing = Renderer(trace.graph, trace, DrawOptions(rankdir=rankdir)).drawing()
    points = list(wire_points(drawing))
    for text, x0, y0, x1, y1 in boxes(drawing):
        hits = [(x, y) for x, y in points if x0 + 1 < x < x1 - 1 and y0 + 1 < y < y1 - 1]
        assert not hits, f"{text!r} lies on a wire at {hits[0]}"


# --- tensors -------------------------------------------------------------------------------------------


def test_tensor_wires_are_compact_and_nodes_show_their_shape() -> None:
    trace = trace_of("mlp_batch")
    svg = trace_svg(trace)
    shown = texts(svg)
    assert not any("min " in t or "max " in t for t in shown)  # no [4×3: min …, mean …, max …] summaries
    graph = trace.graph
    h = graph.names["H"]
    # H = relu(X @ W_H) is 4×3: its wire carries shape and mean, its gate its shape.
    mean = float(np.mean(trace.values[h]))
    assert f"4×3 μ{mean:.2f}" in shown
    root = ET.fromstring(svg.encode())
    shapes = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "shape"]
    expected = ["×".join(map(str, np.shape(trace.values[n.id]))) for n in graph.nodes if np.ndim(trace.values[n.id])]
    assert sorted(shapes) == sorted(expected)
    assert "2×3" in shapes and "4×2" in shapes  # W_H and X
    # The output is a scalar: its wire reads like the lecture's, and it has no shape line.
    assert fmt(trace.value) in shown
    labels = boxes(Renderer(graph, trace).drawing())
    for a, b in itertools.combinations(labels, 2):
        assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a, b)


def test_tensor_shape_names_a_dtype_other_than_float64() -> None:
    trace = graphstep.parse("W = ones(2, 3)\nf = sum(W * W)").run(dtype="float32")
    scene = build_scene(trace.graph, trace)
    w = next(n for n in scene.nodes if n.label == "W")
    assert w.shape == "2×3 float32"
    out = next(n for n in scene.nodes if n.id == trace.graph.output)
    assert out.shape == ""


def test_scalar_scenes_have_no_shapes() -> None:
    scene = build_scene(trace_of("neuron").graph, trace_of("neuron"))
    assert all(n.shape == "" for n in scene.nodes)


def test_current_tables_write_small_tensors_out_and_skip_big_ones() -> None:
    trace = trace_of("mlp_batch")
    h = trace.graph.names["H"]
    forward = next(s.index + 1 for s in trace.steps if s.node == h and s.phase == "forward")
    tables = current_tables(trace, forward, 2)
    assert [(t.title, t.role) for t in tables] == [("H =", "value")]  # its gradient is not known yet
    assert np.array_equal(tables[0].array, trace.values[h])
    backward = next(s.index + 1 for s in trace.steps if s.node == h and s.phase == "backward")
    tables = current_tables(trace, backward, 2)
    assert [t.title for t in tables] == ["H =", "∂loss/∂H ="]
    assert np.array_equal(tables[1].array, trace.state(backward).grads[h])
    assert current_tables(trace, 0, 2) == []
    big = graphstep.parse("W = ones(20, 20)\nf = sum(W * W)").run()
    assert all(current_tables(big, k, 2) == [] for k in range(len(big.steps) + 1))


def test_single_step_dot_writes_the_current_tensors_beside_the_gate(tmp_path: Path) -> None:
    trace = trace_of("mlp_batch")
    h = trace.graph.names["H"]
    backward = next(s.index + 1 for s in trace.steps if s.node == h and s.phase == "backward")
    dot = export(trace, tmp_path / "mlp.dot", step=backward)[0].read_text()
    assert f"{{ rank=same; n{h}; tensors; }}" in dot
    table = next(line for line in dot.splitlines() if line.startswith("  tensors ["))
    value, grad = trace.values[h], trace.state(backward).grads[h]
    cells = re.findall(r'COLOR="(#[0-9a-f]+)">(-?[\d.]+)</FONT></TD>', table)
    assert [t for c, t in cells if c == "#005a3e"] == [fmt(float(x)) for x in value.ravel()]
    assert [t for c, t in cells if c == "#c25400"] == [fmt(float(x)) for x in grad.ravel()]
    # Frames share one layout, so they leave the tables out; so do scalar graphs and the finished run.
    frames = export(trace, tmp_path / "f.dot", frames=True)
    assert not any("tensors" in f.read_text() for f in frames)
    assert "tensors" not in export(trace, tmp_path / "end.dot")[0].read_text()
    assert "tensors" not in export(trace_of("neuron"), tmp_path / "n.dot", step=12)[0].read_text()


def test_html_player_shows_the_current_matrices(tmp_path: Path) -> None:
    trace = trace_of("mlp_batch")
    out = tmp_path / "mlp.html"
    export(trace, out)
    page = out.read_text()
    assert '<pre id="matrix">' in page
    h = trace.graph.names["H"]
    forward = next(s.index + 1 for s in trace.steps if s.node == h and s.phase == "forward")
    matrices = _player_data(page)["matrices"]
    first_row = fmt_matrix(trace.values[h]).split("\n")[0]
    assert matrices[forward].startswith("H =\n" + first_row)
    assert "min " not in page.split("<svg")[1].split("</svg>")[0]  # the captions are explain's; the picture is ours


def test_every_writer_takes_tensor_labels(tmp_path: Path) -> None:
    trace = trace_of("mlp_batch")
    for suffix in (".dot", ".tex"):
        text = export(trace, tmp_path / f"mlp{suffix}")[0].read_text()
        assert "min " not in text and "max " not in text
    tex = (tmp_path / "mlp.tex").read_text()
    assert "$\\mu$" in tex and "4$\\times$3" in tex


# --- framing ---------------------------------------------------------------------------------------------


def extent(drawing):  # type: ignore[no-untyped-def]
    """The bounding box of everything drawn, measured independently of the writer's own bookkeeping."""
    xs, ys = [], []
    for _, x0, y0, x1, y1 in boxes(drawing):
        xs += [x0, x1]
        ys += [y0, y1]
    for e in drawing.ellipses:
        xs += [e.cx - e.rx, e.cx + e.rx]
        ys += [e.cy - e.ry, e.cy + e.ry]
    for b in drawing.boxes:  # clusters
        xs += [b.x, b.x + b.w]
        ys += [b.y, b.y + b.h]
    for x, y in wire_points(drawing):
        xs.append(x)
        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("name, expand", [(n, False) for n in LECTURE + TENSOR] + [("staged", True)])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_builtin_canvas_is_cropped_to_the_drawing(name: str, expand: bool, rankdir: str) -> None:
    trace = trace_of(name, expand)
    drawing = Renderer(trace.graph, trace, DrawOptions(rankdir=rankdir)).drawing()
    x0, y0, x1, y1 = extent(drawing)
    for margin in (x0, y0, drawing.width - x1, drawing.height - y1):
        assert 4 <= margin <= 30, (x0, y0, drawing.width - x1, drawing.height - y1)


def test_builtin_frames_share_one_canvas() -> None:
    trace = trace_of("staged")
    renderer = Renderer(trace.graph, trace)
    sizes = {(d.width, d.height) for d in (renderer.drawing(k) for k in renderer.cursors)}
    assert len(sizes) == 1
    first, last = renderer.drawing(0), renderer.drawing()
    assert [e.cx for e in first.ellipses] == [e.cx for e in last.ellipses]  # and nothing moves


@pytest.mark.parametrize("stamp", [b"20261201024102Z", b"20261201024102+01'00", b"20261201024102-03'30'"])
def test_pdf_date_is_pinned_in_every_time_zone_form(stamp: bytes) -> None:
    from graphstep.export.graphviz import pin_pdf_date

    pdf = b"<< /CreationDate (D:" + stamp + b") >>"
    pinned = pin_pdf_date(pdf)
    assert len(pinned) == len(pdf) and b"2026" not in pinned and b"19700101000000" in pinned


def _player_data(page: str) -> dict:  # type: ignore[type-arg]
    import json

    return json.loads(page.split('<script id="steps" type="application/json">')[1].split("</script>")[0])


@pytest.mark.parametrize("name", ["neuron", "staged", "mlp_batch"])
def test_html_player_draws_once_and_marks_each_number_with_its_step(tmp_path: Path, name: str) -> None:
    """The page holds one picture; a number marked data-k=K is exactly one the step-K frame shows."""
    trace = trace_of(name)
    page = export(trace, tmp_path / "p.html", builtin=True)[0].read_text()
    assert page.count("<svg") == 1
    data = _player_data(page)
    assert len(data["captions"]) == len(trace.steps) + 1
    assert data["current"] == [None, *(s.node for s in trace.steps)]
    svg = ET.fromstring(page.split('<div id="stage">')[1].split("</div>")[0])
    marked = [(int(t.get("data-k")), t.text) for t in svg.iter("{http://www.w3.org/2000/svg}text")
              if t.get("data-k")]
    assert marked
    renderer = Renderer(trace.graph, trace, builtin=True)
    for k in (0, 1, trace.forward_end, len(trace.steps) - 1, len(trace.steps)):
        frame = ET.fromstring(renderer.svg(k))
        shown = sorted(t.text or "" for t in frame.iter("{http://www.w3.org/2000/svg}text")
                       if t.get("class") in ("value", "grad"))
        unmarked = sorted(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")
                          if t.get("class") in ("value", "grad") and not t.get("data-k"))
        assert shown == sorted(unmarked + [text for at, text in marked if at <= k]), k


def test_html_player_grows_linearly_and_opens_at_step(tmp_path: Path) -> None:
    chain = "\n".join(["x = 0.5", *(f"v{i} = tanh({'x' if i == 0 else f'v{i - 1}'})" for i in range(300))])
    sizes = []
    for n in (100, 300):
        trace = graphstep.parse("\n".join(chain.split("\n")[: n + 1])).run()
        sizes.append(len(export(trace, tmp_path / f"c{n}.html", builtin=True, step=5)[0].read_bytes()))
    assert sizes[1] < 3.6 * sizes[0]  # three times the nodes: about three times the bytes (was ~9x)
    assert "show(5);" in (tmp_path / "c100.html").read_text()


def _fan_out_graph(n: int) -> graphstep.Graph:
    """x feeds n gates whose results are summed one by one: a wire crosses every layer of the sum."""
    lines = ["x = 0.5", *(f"a{i} = x * {i + 1}" for i in range(n)), "f = " + " + ".join(f"a{i}" for i in range(n))]
    return graphstep.parse("\n".join(lines))


@pytest.fixture
def hanging_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `dot` that never answers: an export that starts it waits for the timeout."""
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nsleep 600\n")
    fake.chmod(0o755)
    monkeypatch.delenv("GRAPHSTEP_NO_DOT", raising=False)
    monkeypatch.setenv("GRAPHSTEP_DOT", str(fake))
    return fake


def test_a_graph_graphviz_would_take_minutes_on_is_drawn_built_in_at_once(tmp_path: Path, hanging_dot: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import time

    source = tmp_path / "fan.gstep"
    source.write_text("\n".join(["x = 0.5", *(f"a{i} = x * {i + 1}" for i in range(100)),
                                 "f = " + " + ".join(f"a{i}" for i in range(100))]))
    start = time.perf_counter()
    assert cli(str(source), "-o", str(tmp_path / "fan.svg")) == 0
    err = capsys.readouterr().err
    assert "Graphviz would take minutes" in err and "own layout" in err and len(err.strip().splitlines()) == 1
    assert cli(str(source), "-o", str(tmp_path / "fan.png")) == 2
    err = capsys.readouterr().err
    assert "would take minutes" in err and ".svg" in err and "Traceback" not in err
    assert time.perf_counter() - start < 30  # never the dot timeout
    assert not (tmp_path / "fan.png").exists()


@pytest.mark.parametrize("n, slow", [(20, False), (40, False), (60, True), (1000, True)])
def test_dot_cost_predicts_the_slow_fan_out(n: int, slow: bool) -> None:
    from graphstep.export.cost import dot_cost

    assert dot_cost(_fan_out_graph(n)).slow is slow
    assert not dot_cost(graphstep.parse(read_source(str(EXAMPLES / "mlp_batch.gstep")))).slow


def test_frames_replace_an_earlier_longer_set_and_leave_other_files(tmp_path: Path) -> None:
    out = tmp_path / "n.svg"
    long = export(trace_of("neuron"), out, frames=True)
    keep = tmp_path / "n-notes.svg"
    keep.write_text("mine")
    short = export(trace_of("mul"), out, frames=True)
    assert sorted(tmp_path.glob("n-[0-9]*.svg")) == sorted(p for p in short if p.suffix == ".svg")
    assert len(long) > len(short) and keep.read_text() == "mine"


def test_frames_and_overlay_are_written_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graphstep.export import atomic

    out = tmp_path / "n.svg"
    export(trace_of("mul"), out, frames=True)
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    real = atomic.tempfile.mkstemp
    calls = []

    def failing(*args: object, **kwargs: object) -> tuple[int, str]:
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(atomic.tempfile, "mkstemp", failing)
    with pytest.raises(graphstep.GraphstepError, match="No space left"):
        export(trace_of("mul"), out, DrawOptions(theme="dark"), frames=True)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before  # no frame replaced, no .part left


def test_output_under_a_file_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("x")
    assert cli(str(EXAMPLES / "mul.gstep"), "-o", str(tmp_path / "afile" / "out.svg")) == 2
    err = capsys.readouterr().err
    assert "afile is a file, not a folder" in err and "File exists" not in err


@pytest.mark.parametrize("kind", ["missing", "folder", "not executable"])
def test_a_bad_graphstep_dot_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str], kind: str) -> None:
    target = tmp_path / "dot"
    if kind == "folder":
        target.mkdir()
    elif kind == "not executable":
        target.write_text("#!/bin/sh\n")
    monkeypatch.delenv("GRAPHSTEP_NO_DOT", raising=False)
    monkeypatch.setenv("GRAPHSTEP_DOT", str(target))
    assert cli(str(EXAMPLES / "mul.gstep"), "-o", str(tmp_path / "m.png")) == 2
    err = capsys.readouterr().err
    assert f"GRAPHSTEP_DOT={target}" in err and "not found" not in err
    assert {"missing": "does not exist", "folder": "is a folder", "not executable": "is not executable"}[kind] in err
    assert cli(str(EXAMPLES / "mul.gstep"), "-o", str(tmp_path / "m.svg")) == 0
    assert f"GRAPHSTEP_DOT={target}" in capsys.readouterr().err


@pytest.mark.parametrize("call, message", [
    (lambda t: trace_svg(t, 2.5), "step must be a whole number of steps, got 2.5"),
    (lambda t: trace_svg(t, True), "step must be a whole number of steps, got True"),
    (lambda t: trace_svg(t, 99), "step must be between 0 and 17"),
    (lambda t: trace_svg(t.graph), "trace must be a Trace"),
    (lambda t: trace_svg(t, 1, "dark"), "options must be a DrawOptions"),
    (lambda t: graph_svg(t), "graph must be a Graph"),
    (lambda t: export(t.graph, "x.svg", step=3), "step needs a run of the graph"),
    (lambda t: export(t, "x.svg", step=3, frames=True), "frames=True writes every step; leave out step"),
    (lambda t: export(t, "x.png", builtin=True), "leave out builtin=True"),
    (lambda t: export(t, 5), "path must be a file name"),
])
def test_api_argument_errors_are_clear_and_speak_python(call: Any, message: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(graphstep.GraphstepError) as caught:
        call(trace_of("neuron"))
    assert message in str(caught.value) and "--" not in str(caught.value)
    assert not any(tmp_path.iterdir())


def test_transparent_builtin_svg_and_tikz_draw_no_background(tmp_path: Path) -> None:
    trace = trace_of("add_mul")
    svg = export(trace, tmp_path / "t.svg", DrawOptions(transparent=True), builtin=True)[0].read_text()
    assert '<rect width="100%" height="100%" fill="none"/>' in svg
    tex = export(trace, tmp_path / "t.tex", DrawOptions(transparent=True))[0].read_text()
    assert "\\fill[" not in tex.split("\\draw")[0] and "\\path (0,0) rectangle" in tex


@pytest.mark.parametrize("fit, rankdir", [("16:9", "LR"), ("4:3", "LR")])
def test_fit_picks_the_direction_with_the_largest_text(fit: str, rankdir: str) -> None:
    from graphstep.export.fit import fit_options, text_scale

    sizes = {"LR": (900.0, 200.0), "TB": (300.0, 800.0)}
    chosen = fit_options(DrawOptions(rankdir="TB"), fit, lambda o: sizes[o.rankdir])
    assert chosen.rankdir == rankdir
    assert text_scale(sizes["LR"], fit) > text_scale(sizes["TB"], fit)
    tall = {"LR": (2000.0, 100.0), "TB": (200.0, 500.0)}
    assert fit_options(DrawOptions(), "4:3", lambda o: tall[o.rankdir]).rankdir == "TB"


def test_gradients_carry_a_second_cue_besides_colour_in_every_writer(tmp_path: Path) -> None:
    """Under deuteranopia the value and gradient colours can look alike: gradients are also italic."""
    trace = trace_of("add_mul")
    from graphstep.theme import THEMES

    for theme in THEMES:
        options = DrawOptions(theme=theme)
        dot = Renderer(trace.graph, trace, options).dot()
        grads = re.findall(r'<FONT COLOR="([^"]+)">(<I>)?-?\d', dot)
        assert grads and all(italic for colour, italic in grads if colour == options.colours.grad)
        assert all(not italic for colour, italic in grads if colour == options.colours.value)
        drawing = Renderer(trace.graph, trace, options, builtin=True).drawing()
        assert {t.italic for t in drawing.texts if t.role == "grad" and t.text} == {True}
        assert {t.italic for t in drawing.texts if t.role == "value"} == {False}
        tex = export(trace, tmp_path / f"{theme}.tex", options)[0].read_text()
        assert tex.count("\\itshape") >= len([t for t in drawing.texts if t.role == "grad" and t.text])


def test_slide_typography_minus_times_squares_and_subscripts(tmp_path: Path) -> None:
    """−0.20 (U+2212, not a hyphen), × for the product gate, x² for a square, w₀ for w0 — in every writer."""
    assert typeset.number("-0.20") == "−0.20" and typeset.number("[0.06, -0.16]") == "[0.06, −0.16]"
    assert typeset.number("1.00e-05") == "1.00e-05"
    gates = (typeset.gate("*"), typeset.gate("*-1"), typeset.gate("^2"), typeset.gate("1-x"))
    assert gates == ("×", "×−1", "x²", "1−x")
    assert (typeset.name("w0"), typeset.name("x_{12}"), typeset.name("loss")) == ("w₀", "x₁₂", "loss")
    trace = graphstep.parse("f = (w0 x0 - 1)^2 * -1").run(w0=2, x0=-1)
    shown = texts(trace_svg(trace))
    assert {"w₀", "x₀", "x²", "×−1"} <= set(shown)
    assert not any(t.startswith("-") for t in shown)
    tex = export(trace, tmp_path / "t.tex")[0].read_text()
    assert "w$_{0}$" in tex and "$\\times -$1" in tex and "x$^{2}$" in tex and "$$" not in tex


def test_typography_is_for_the_exported_pictures_only() -> None:
    """The terminal and the checker's scene keep the ASCII input spelling; the exporter's scene is typeset."""
    trace = trace_of("neuron")
    plain = build_scene(trace.graph, trace)
    slide = Renderer(trace.graph, trace).scene()
    assert "w0" in {n.label for n in plain.nodes} and "w₀" in {n.label for n in slide.nodes}
    assert {w.grad.text for w in plain.wires} >= {"-0.20"} and {w.grad.text for w in slide.wires} >= {"−0.20"}
