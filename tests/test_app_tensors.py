"""The app on the lecture's MLP batch: compact tensor labels on the wires, shapes on the boxes, the inspected
node's matrix in the panel, and the quiz stepping over the steps whose answer is an array."""

from __future__ import annotations

import re

import numpy
from textual.widgets import Label

from graphstep.app import GraphstepApp, Session
from graphstep.numbers import fmt, fmt_compact, fmt_scalar
from tests.test_app_pilot import EXAMPLES, expected_labels, panel_text, pilot, screen_of, visible_labels

MLP = (EXAMPLES / "mlp_batch.gstep").read_text()
WIDE = (240, 50)
"""Wide enough for the whole MLP circuit, so every label is on screen without scrolling."""


def mlp_app(lang: str = "en") -> GraphstepApp:
    return GraphstepApp(Session(MLP), lang=lang)


@pilot
async def test_every_step_shows_compact_labels_from_the_trace() -> None:
    app = mlp_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = screen_of(app)
        session, canvas = screen.session, screen.canvas
        assert canvas.scroll_offset == (0, 0)
        for k in range(session.total + 1):
            assert session.cursor == k
            assert visible_labels(canvas) == expected_labels(session, k)
            assert f"step {k} of {session.total}" in panel_text(app, "#timeline")
            await pilot.press("right")
        text = canvas.visible_text()
        assert not re.search(r"(min|mean|max) -?\d", text)  # no long summaries on the wires
        w_h = next(n.id for n in session.graph.nodes if n.name == "W_H")
        assert fmt_compact(session.trace.values[w_h]) in text
        # each gate's box carries its value's shape in its bottom border, e.g. H = relu(X @ W_H) is 4×3
        h = next(n for n in session.graph.nodes if n.name == "H")
        box = session.geometry.boxes[h.id]
        bottom = text.splitlines()[canvas.top_pad + box.y + box.height - 1][box.x : box.x + box.width]
        assert "×".join(map(str, numpy.shape(session.trace.values[h.id]))) in bottom


@pilot
async def test_inspect_shows_the_matrix_of_w_h_and_its_gradient() -> None:
    app = mlp_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        session = screen.session
        w_h = next(n.id for n in session.graph.nodes if n.name == "W_H")
        await pilot.press("b")
        while screen.canvas.selected != w_h:
            await pilot.press("tab")
        text = panel_text(app, "#inspect")
        value, grad = session.trace.values[w_h], session.trace.grad("W_H")
        assert "shape: 2×3 float64" in text
        lines = text.splitlines()
        for row in (*numpy.asarray(value), *numpy.asarray(grad)):  # each matrix row, in order, on one line
            cells = [fmt_scalar(float(v)) for v in row]
            assert any(all(c in line for c in cells) and line.index(cells[0]) < line.index(cells[-1])
                       for line in lines), cells
        # the panel is tall enough to show both matrices without scrolling
        box = app.screen.query_one("#inspect-box")
        assert box.max_scroll_y == 0


@pilot
async def test_big_matrix_falls_back_to_the_summary() -> None:
    app = GraphstepApp(Session("f = sum(A * 2); A = randn(10, 10)"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        a = next(n.id for n in screen.session.graph.nodes if n.name == "A")
        screen.canvas.selected = a
        await pilot.press("b")
        text = panel_text(app, "#inspect")
        assert "10×10" in text and fmt(screen.session.trace.values[a]) in " ".join(text.split())  # may wrap


@pilot
async def test_quiz_asks_only_the_scalar_steps_and_walks_over_the_arrays() -> None:
    app = mlp_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        session = screen.session
        await pilot.press("z")
        scalar, arrays = 0, 0
        while session.cursor < session.total:
            before = session.cursor
            question = session.question("en")
            if question is None:
                arrays += 1
                assert "not asked" in str(app.screen.query_one("#quiz-prompt", Label).render())
                await pilot.press("right")
            else:
                scalar += 1
                answer = " ".join(fmt(v) for v in question.expected)
                app.screen.query_one("#quiz-input").focus()
                await pilot.press(*answer, "enter")
            assert session.cursor == before + 1
        assert scalar and arrays  # the loss and its seed are numbers, the rest are arrays
        assert (session.right, session.asked) == (scalar, scalar)
        assert f"{scalar} of {scalar}" in panel_text(app, "#status")
