"""The app in front of a class (Pilot, at the projector's 80×24 and at 120×40): step keys whatever has the
focus, the header after ``v``, the selection after ``x``, replacing a formula, and a quiz that says why."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input, TextArea

from graphstep.app import GraphstepApp, Session
from graphstep.app.dialogs import EditScreen
from graphstep.trace import BackwardStep
from tests.test_app_pilot import EXAMPLES, NEURON, panel_text, pilot, screen_of

STAGED = (EXAMPLES / "staged.gstep").read_text()
SIZES = ((80, 24), (120, 40))


@pytest.mark.parametrize("size", SIZES)
def test_home_and_end_work_after_b_even_when_the_panel_scrolls(size: tuple[int, int]) -> None:
    @pilot
    async def run() -> None:
        app = GraphstepApp(Session(NEURON))
        async with app.run_test(size=size) as pilot:
            session = screen_of(app).session
            await pilot.press("b")
            assert session.cursor == session.total
            await pilot.click("#explain-box")  # a click on the panel must not steal the step keys
            await pilot.press("home")
            assert session.cursor == 0
            await pilot.press("end")
            assert session.cursor == session.total
            await pilot.press("home", "right", "right")
            assert session.cursor == 2

    run()


@pilot
async def test_the_header_shows_the_values_after_v() -> None:
    app = GraphstepApp(Session(NEURON))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, EditScreen)
        box = screen.query_one("#edit-values", Input)
        box.value = box.value.replace("w0=2", "w0=5")
        await pilot.press("ctrl+s")
        title = panel_text(app, "#title")
        assert "w0 = 5" in title and "w0 = 2" not in title


@pilot
async def test_x_keeps_the_selection_so_x_again_collapses() -> None:
    app = GraphstepApp(Session(STAGED))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        session = screen.session
        sigx = session.graph.names["sigx"]
        while screen.canvas.selected != sigx:
            await pilot.press("tab")
        await pilot.press("x")
        assert session.expanded and screen.canvas.selected is not None
        assert session.graph.nodes[screen.canvas.selected].group is not None  # a gate of the expanded chain
        await pilot.press("x")
        assert not session.expanded
        assert screen.canvas.selected == session.graph.names["sigx"]


@pilot
async def test_ctrl_a_selects_the_formula_so_typing_replaces_it() -> None:
    app = GraphstepApp(Session(NEURON))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.press("ctrl+a")
        await pilot.press("f", "space", "=", "space", "w", "0", "*", "x", "0")
        assert app.screen.query_one(TextArea).text == "f = w0*x0"
        await pilot.press("ctrl+s")
        assert screen_of(app).session.graph.output_name == "f"
        assert len(screen_of(app).session.graph.nodes) == 3


def _backward_step_of(session: Session, name: str) -> BackwardStep:
    return next(s for s in session.steps if isinstance(s, BackwardStep)
                and session.graph.nodes[s.node].name == name)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_quiz_says_why_a_number_is_wrong(lang: str) -> None:
    @pilot
    async def run() -> None:
        app = GraphstepApp(Session(STAGED), lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = screen_of(app)
            session = screen.session
            await pilot.press("z")
            session.goto(_backward_step_of(session, "sigx").index)
            screen.update_view()
            prompt = str(screen.query_one("#quiz-prompt").render())
            assert "∂f/∂x += ?" in prompt
            await pilot.press("2", ".", "0", "6", "enter")  # the whole ∂f/∂x, not what this step sends
            status = panel_text(app, "#status")
            assert ("whole ∂f/∂x" if lang == "en" else "∂f/∂x entero") in status
            assert "-0.04" in status
            # a total asked where the checker knows it: the checker's own diagnosis (a sign flip)
            session.goto(next(s.index for s in session.steps if type(s).__name__ == "AccumulateStep"
                              and session.graph.nodes[s.node].name == "x"))
            screen.update_view()
            await pilot.press("minus", "2", ".", "0", "6", "enter")
            status = panel_text(app, "#status")
            assert ("sign" if lang == "en" else "signo") in status
            # the quiz ends: its score and the last verdict stay in view
            await pilot.press("z")
            status = panel_text(app, "#status")
            assert "0 of 2" in status or "0 de 2" in status
            assert "-2.06" in status

    run()


@pilot
async def test_quiz_esc_skips_the_step_as_the_hint_says_and_two_numbers_are_explained() -> None:
    app = GraphstepApp(Session(NEURON))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        await pilot.press("z")
        assert "Esc skips" in panel_text(app, "#status")
        await pilot.press("escape")
        assert screen.quiz and screen.session.cursor == 1  # skipped, still quizzing
        screen.session.goto(screen.session.trace.forward_end + 1)
        screen.update_view()
        prompt = str(screen.query_one("#quiz-prompt").render())
        assert "∂f/∂t = ?" in prompt  # an automatic name, drawn on the circuit
        screen.session.goto(screen.session.total - 1)
        screen.update_view()
        assert "(2 numbers, space between)" in str(screen.query_one("#quiz-prompt").render())
        await pilot.press("z")
        assert not screen.quiz


def test_the_gallery_follows_the_lecture() -> None:
    from graphstep.app.gallery import examples

    names = [name for name, _, _ in examples()]
    lecture = ["mul", "add_mul", "patterns", "neuron", "staged", "quadratic", "pytorch_linear", "mlp_batch"]
    assert [n for n in names if n in lecture] == lecture
    assert names.index("xor_mlp") > names.index("mlp_batch")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["neuron", "staged"])
def test_the_whole_explanation_of_every_step_is_visible(name: str, size: tuple[int, int]) -> None:
    """At a projector's 80×24 too: every line of the step's explanation is on screen (the circuit pans)."""

    @pilot
    async def run() -> None:
        app = GraphstepApp(Session((EXAMPLES / f"{name}.gstep").read_text()))
        async with app.run_test(size=size) as pilot:
            screen = screen_of(app)
            session = screen.session
            for cursor in range(session.total + 1):
                session.goto(cursor)
                screen.update_view()
                await pilot.pause()
                box = screen.query_one("#explain-box")
                assert box.max_scroll_y == 0, f"step {cursor}: the explanation is cut"
                assert screen.canvas.size.height >= 5

    run()


def test_the_t_key_names_the_theme_in_spanish() -> None:
    @pilot
    async def run() -> None:
        app = GraphstepApp(Session(NEURON), lang="es", theme="dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("t")  # dark → the next theme
            status = panel_text(app, "#status")
            assert re.search(r"\btema: (claro|oscuro|contraste)\b", status), status

    run()


@pytest.mark.parametrize("theme", ["dark", "light", "contrast"])
def test_themes_from_the_command_line_and_the_t_key(theme: str) -> None:
    from graphstep.app import colours
    from graphstep.theme import THEMES

    @pilot
    async def run() -> None:
        app = GraphstepApp(Session(NEURON), theme=theme)
        async with app.run_test(size=(80, 24)) as pilot:
            assert app.theme == f"graphstep-{theme}"
            assert colours.CANVAS["value"].color.name == THEMES[theme].value  # type: ignore[union-attr]
            assert colours.CANVAS["grad"].italic and colours.CANVAS["value"].bold  # the cue beside the hue
            await pilot.press("t")
            assert app.theme != f"graphstep-{theme}"
            assert "theme" in panel_text(app, "#status")

    run()
