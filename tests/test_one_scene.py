"""Every view draws one scene: at every step of the lecture's examples the terminal canvas and the built-in
SVG/TikZ drawing show the same numbers (values, gradients, Σ totals) and highlight the same gate."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphstep
from graphstep.app.canvas import labels_for
from graphstep.app.session import Session
from graphstep.export import DrawOptions, Renderer, typography
from graphstep.export.tikz import latex_text, picture
from graphstep.scene import SINK

EXAMPLES = Path(graphstep.__file__).parent / "examples"
LECTURE = ["add_mul", "mul", "neuron", "quadratic", "patterns", "staged"]


@pytest.mark.parametrize("name", LECTURE)
def test_terminal_and_drawings_show_the_same_scene_at_every_step(name: str) -> None:
    session = Session((EXAMPLES / f"{name}.gstep").read_text(encoding="utf-8"))
    options = DrawOptions(precision=session.precision)
    renderer = Renderer(session.graph, session.trace, options, builtin=True)
    saw_total = False
    for k in range(session.total + 1):
        session.goto(k)
        labels, hot, current = labels_for(session)
        # The exports typeset the scene's numbers for slides (a real minus sign); the terminal keeps ASCII.
        on_terminal = sorted(typography.number(text.strip()) for row in labels.values() for _, text, _ in row)
        drawing = renderer.drawing(k)
        drawn = sorted(t.text for t in drawing.texts if t.role in ("value", "grad"))
        assert on_terminal == drawn, f"step {k}"
        saw_total = saw_total or any(text.startswith("Σ") for text in drawn)
        scene = renderer.scene(k)
        assert current == (scene.current.id if scene.current is not None else None)
        # The drawing rings the current node, as the terminal does: a gate, or a leaf summing its gradient.
        highlighted = [e.node for e in drawing.ellipses if e.stroke == options.colours.highlight_line]
        assert highlighted == ([current] if current is not None else []), f"step {k}"
        assert frozenset(w.end for w in scene.wires if w.hot) == hot
        tikz = picture(drawing)
        assert all(latex_text(text) in tikz for text in drawn)
    if name == "staged":  # a fan-out: its Σ reaches both views
        assert saw_total


def test_the_scene_marks_what_a_step_makes() -> None:
    session = Session("x = 3; y = -4; f = (x + y) * x")
    scene = session.scenes.at(session.trace.forward_end)  # the last forward step: the output's value
    out = scene.wire(SINK)
    assert out.value.known and out.value.hot and out.hot and not out.grad.known
    scene = session.scenes.at(session.trace.forward_end + 1)  # the seed: ∂f/∂f = 1
    assert scene.wire(SINK).grad.hot and scene.wire(SINK).grad.text == "1.00"
    x = next(n for n in scene.nodes if n.label == "x")
    final = session.scenes.at()
    assert final.node(x.id).total.text.startswith("Σ ") and final.node(x.id).total.known
    assert not session.scenes.at(0).node(x.id).total.known


@pytest.mark.parametrize("name", ["neuron", "staged", "mlp_batch"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_step_reads_the_same_in_the_app_and_the_html_player(name: str, lang: str) -> None:
    """The player's caption of step k is the sentence the app's step panel opens with (explain.describe),
    word for word, in English and in Spanish; tensors included (their summaries in the same words)."""
    import json

    from graphstep.app.panel import step_text

    session = Session((EXAMPLES / f"{name}.gstep").read_text(encoding="utf-8"))
    renderer = Renderer(session.graph, session.trace, DrawOptions(precision=session.precision), builtin=True,
                        lang=lang)
    page = renderer.player()
    captions = json.loads(page.split('<script id="steps" type="application/json">')[1].split("</script>")[0])
    captions = captions["captions"]
    assert len(captions) == session.total + 1
    for k in range(1, session.total + 1):
        session.goto(k)
        panel = step_text(session, lang).plain
        assert captions[k] and panel.startswith(captions[k] + "\n"), f"step {k}: {captions[k]!r} / {panel[:200]!r}"
    other = "es" if lang == "en" else "en"
    assert captions[1:] != json.loads(Renderer(session.graph, session.trace, DrawOptions(), builtin=True, lang=other)
                                      .player().split('type="application/json">')[1].split("</script>")[0])["captions"][1:]
