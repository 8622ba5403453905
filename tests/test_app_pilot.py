"""The app driven by Textual's Pilot: what is on screen at every step agrees with the trace."""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.widgets import Input, OptionList, Static, TextArea

import graphstep
from graphstep.app import GraphstepApp, Session
from graphstep.app.canvas import CircuitCanvas
from graphstep.app.dialogs import EditScreen, HelpScreen
from graphstep.app.geometry import OUT_EDGE
from graphstep.app.keys import KEYS
from graphstep.app.stepper import StepperScreen
from graphstep.numbers import fmt, fmt_compact

EXAMPLES = Path(graphstep.__file__).parent / "examples"
NEURON = (EXAMPLES / "neuron.gstep").read_text()
SIZE = (120, 40)


def pilot(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Run an async Pilot test with asyncio (no pytest plugin needed)."""

    @functools.wraps(test)
    def run() -> None:
        asyncio.run(test())

    return run


def neuron_app(lang: str = "en") -> GraphstepApp:
    return GraphstepApp(Session(NEURON), lang=lang)


def screen_of(app: GraphstepApp) -> StepperScreen:
    screen = app.screen
    assert isinstance(screen, StepperScreen)
    return screen


def panel_text(app: GraphstepApp, widget_id: str) -> str:
    return str(app.screen.query_one(widget_id, Static).render())


def help_text(app: GraphstepApp) -> str:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return "".join(segment.text for segment in app.console.render(screen.table))


def expected_labels(session: Session, cursor: int) -> dict[tuple[int, int], str]:
    """(row, right end) -> the number the lecture writes there, read straight from the trace."""
    graph, trace, geometry = session.graph, session.trace, session.geometry
    known_values = {n for n in range(len(graph.nodes)) if graph.nodes[n].is_leaf}
    known_values |= {s.node for s in trace.steps[:cursor] if s.phase == "forward"}
    state = trace.state(cursor)
    found = {}
    for key, slot in geometry.value_slots.items():
        source = graph.output if key == OUT_EDGE else graph.nodes[key[0]].inputs[key[1]]
        if source in known_values:
            found[(slot.y, slot.x + slot.width)] = fmt_compact(trace.values[source])
    for key, slot in geometry.grad_slots.items():
        if key == OUT_EDGE:
            if cursor > trace.forward_end:
                found[(slot.y, slot.x + slot.width)] = fmt_compact(trace.node_grads[graph.output])
        elif key in state.edge_grads:
            found[(slot.y, slot.x + slot.width)] = fmt_compact(trace.sent[key[0]][key[1]])  # type: ignore[index]
    return found


def visible_labels(canvas: CircuitCanvas) -> dict[tuple[int, int], str]:
    lines = canvas.visible_text().splitlines()
    geometry, pad = canvas.session.geometry, canvas.top_pad
    found = {}
    for slot in [*geometry.value_slots.values(), *geometry.grad_slots.values()]:
        if slot.y + pad < len(lines):
            text = lines[slot.y + pad][slot.x : slot.x + slot.width].strip()
            if text:
                found[(slot.y, slot.x + slot.width)] = text
    return found


@pilot
async def test_every_step_forward_and_back_shows_the_traces_numbers() -> None:
    app = neuron_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        session, canvas = screen.session, screen.canvas
        assert canvas.scroll_offset == (0, 0)  # the neuron fits: nothing scrolled away
        total = session.total
        assert total == len(session.trace.steps)
        seen = []
        for k in range(total + 1):
            assert session.cursor == k
            assert visible_labels(canvas) == expected_labels(session, k)
            assert f"step {k} of {total}" in panel_text(app, "#timeline")
            if k:
                current = session.trace.steps[k - 1]
                seen.append(current.phase)
            await pilot.press("right")
        assert session.cursor == total  # stays at the end
        assert seen == sorted(seen, reverse=True)  # forward steps first, then backward
        for k in range(total, -1, -1):
            assert visible_labels(canvas) == expected_labels(session, k)
            await pilot.press("p")
        assert session.cursor == 0
        # the lecture's numbers at the end of the backward pass
        await pilot.press("b")
        text = canvas.visible_text()
        for number in ("0.73", "1.37", "-0.53", "0.37", "-0.20", "0.39", "-0.39", "-0.59", "1.00"):
            assert number in text
        await pilot.press("f")
        assert session.cursor == session.trace.forward_end
        assert "-0.20" not in canvas.visible_text()


@pilot
async def test_panel_explains_the_backward_step_of_a_mul_gate() -> None:
    app = neuron_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        text = panel_text(app, "#explain")
        assert "mul swaps its inputs" in text
        assert "∂f/∂w0 = 0.20 × -1.00 = -0.20" in text  # upstream × local = contribution, for w0
        assert "∂f/∂x0 = 0.20 × 2.00 ≈ 0.39" in text  # for x0: 0.20 × 2.00 is 0.40, the true 0.393 shows 0.39
        assert "done" in panel_text(app, "#timeline")


@pilot
async def test_accumulation_at_a_fan_out_is_shown_with_plus_equals() -> None:
    app = GraphstepApp(Session((EXAMPLES / "staged.gstep").read_text()))
    async with app.run_test(size=SIZE) as pilot:
        session = screen_of(app).session
        accumulate = next(s for s in session.steps if type(s).__name__ == "AccumulateStep")
        for _ in range(accumulate.index + 1):
            await pilot.press("n")
        text = panel_text(app, "#explain")
        assert "+=" in text and fmt(accumulate.total) in text


@pilot
async def test_play_and_pause() -> None:
    app = neuron_app()
    async with app.run_test(size=SIZE) as pilot:
        session = screen_of(app).session
        await pilot.press("plus")  # 4 steps per second: the 17 steps take 4 s, so even a slow machine pauses first
        await pilot.press("space")
        await pilot.pause(0.4)
        assert screen_of(app).timer is not None and session.cursor < session.total
        await pilot.press("space")
        await pilot.pause(0.2)  # on a loaded machine the key may land a few ticks later: let it
        assert screen_of(app).timer is None
        stopped = session.cursor
        assert stopped >= 1
        await pilot.pause(0.3)
        assert session.cursor == stopped
        assert "paused" in panel_text(app, "#timeline")


@pilot
async def test_edit_to_a_bad_formula_and_back() -> None:
    app = neuron_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, EditScreen)
        app.screen.query_one(TextArea).text = "f = (x + ) y"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EditScreen)  # stays open, shows the error
        error = str(app.screen.query_one("#edit-error", Static).render())
        assert "line 1, column" in error and "^" in error
        app.screen.query_one(TextArea).text = "f = (x + y) z"
        app.screen.query_one("#edit-values", Input).value = "x=-2 y=5 z=-4"
        await pilot.press("ctrl+s")
        screen = screen_of(app)
        assert screen.session.trace.value == -12
        await pilot.press("b")
        text = screen.canvas.visible_text()
        assert "-12.00" in text and "-4.00" in text and "3.00" in text
        # edit the values only
        await pilot.press("v")
        app.screen.query_one("#edit-values", Input).value = "x=1 y=1 z=1"
        await pilot.press("enter")
        assert screen_of(app).session.trace.value == 2
        # a missing value is reported, not a crash
        await pilot.press("v")
        app.screen.query_one("#edit-values", Input).value = "x=1"
        await pilot.press("enter")
        assert "missing value" in str(app.screen.query_one("#edit-error", Static).render())
        await pilot.press("escape")
        assert screen_of(app).session.trace.value == 2


@pilot
async def test_quiz_right_and_wrong_then_score() -> None:
    app = neuron_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("z")
        assert screen.quiz and screen.query_one("#quizbar").display
        await pilot.press("minus", "2", "enter")  # w0*x0 = -2: right
        assert "right" in panel_text(app, "#status")
        await pilot.press("5", "enter")  # w1*x1 = 6: wrong
        status = panel_text(app, "#status")
        assert "not quite" in status and "6.00" in status
        assert screen.session.cursor == 2
        assert "score 1 of 2" in panel_text(app, "#timeline")
        assert "6.00" in screen.canvas.visible_text()  # the step is revealed after the answer


@pilot
async def test_tab_selects_a_node_and_x_expands_and_collapses_it() -> None:
    app = GraphstepApp(Session("f = sigmoid(w x)", {"w": 2, "x": -1}))
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        session = screen.session
        sig = next(n.id for n in session.graph.nodes if n.op == "sigmoid")
        while screen.canvas.selected != sig:
            await pilot.press("tab")
        assert "Node f" in panel_text(app, "#inspect")
        assert "expand" in panel_text(app, "#inspect")
        await pilot.press("x")
        assert "exp" in screen.canvas.visible_text() and "σ" not in screen.canvas.visible_text()
        await pilot.press("b")
        assert fmt(session.trace.grad("w")) in screen.canvas.visible_text()
        exp_node = next(n.id for n in session.graph.nodes if n.op == "exp")
        screen.canvas.selected = exp_node
        await pilot.press("x")
        assert "σ" in screen.canvas.visible_text()
        assert session.cursor == session.total


@pilot
async def test_click_inspects_a_node() -> None:
    app = neuron_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        box = screen.canvas.session.geometry.boxes[screen.session.graph.output]
        await pilot.click(CircuitCanvas, offset=(box.x + 1, box.y + 1 + screen.canvas.top_pad))
        assert screen.canvas.selected == screen.session.graph.output
        assert "Node f" in panel_text(app, "#inspect")


@pilot
async def test_spanish_everywhere() -> None:
    app = neuron_app("es")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert "hacia adelante" in panel_text(app, "#explain")
        assert "paso 1 de" in panel_text(app, "#timeline")
        await pilot.press("end")
        assert "intercambia" in panel_text(app, "#explain")  # the rule from the ops table, in Spanish
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "paso siguiente" in help_text(app) and "modo pregunta" in help_text(app)
        await pilot.press("a")
        await pilot.press("l")  # switch to English live
        assert "step" in panel_text(app, "#timeline")


@pilot
async def test_help_lists_every_key() -> None:
    app = neuron_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app)
        for key in KEYS:
            assert key.shown in text
        await pilot.press("space")
        assert isinstance(app.screen, StepperScreen)


@pilot
async def test_gallery_opens_an_example_and_a_typed_formula() -> None:
    app = GraphstepApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = screen_of(app)
        assert screen.session.source == (EXAMPLES / "mul.gstep").read_text()  # the lecture starts with one gate
        await pilot.press("backspace")
        app.screen.query_one("#formula", Input).focus()
        await pilot.press(*"f = x +", "enter")
        assert "^" in str(app.screen.query_one("#gallery-error", Static).render())
        app.screen.query_one("#formula", Input).value = "f = xy; x = 4; y = -3"
        await pilot.press("enter")
        assert screen_of(app).session.trace.value == -12


@pilot
async def test_resize_tiny_terminal_and_random_keys_never_crash() -> None:
    app = GraphstepApp(Session((EXAMPLES / "staged.gstep").read_text()))
    keys = ["right", "left", "n", "p", "home", "end", "f", "b", "space", "plus", "minus", "r", "tab", "shift+tab",
            "escape", "x", "z", "l", "shift+left", "shift+down", "question_mark", "a", "1", "enter", "e", "v",
            "ctrl+s", "backspace"]
    rng = random.Random(7)
    async with app.run_test(size=SIZE) as pilot:
        for size in [(60, 15), (40, 8), (200, 60), (60, 15)]:
            await pilot.resize_terminal(*size)
            await pilot.press("b", "tab")
        for _ in range(150):
            await pilot.press(rng.choice(keys))
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (0, None)


@pilot
async def test_big_graph_keeps_the_current_step_on_screen() -> None:
    source = "\n".join(["x = 0.5"] + [f"v_{i} = {'x' if i == 0 else f'v_{i-1}'} * 0.9 + 0.1" for i in range(60)])
    app = GraphstepApp(Session(source))
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("f")
        current = screen.session.steps[screen.session.cursor - 1].node
        box = screen.session.geometry.boxes[current]
        offset = screen.canvas.scroll_offset
        width, height = screen.canvas.size
        assert offset.x <= box.x and box.x + box.width <= offset.x + width
        assert offset.y <= box.y and box.y + box.height <= offset.y + height


@pilot
async def test_language_switch_reaches_the_gallery_and_play_waits_in_quiz_mode() -> None:
    app = GraphstepApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = screen_of(app)
        await pilot.press("z", "space")
        await pilot.pause(0.6)
        assert screen.session.cursor == 0  # play does not reveal quiz answers
        await pilot.press("z", "l", "backspace")  # z ends the quiz (Esc only skips a step, as its hint says)
        await pilot.pause()
        assert "la retropropagación" in str(app.screen.query_one("#gallery-title", Static).render())


@pilot
async def test_footer_fits_in_spanish_and_the_circuit_is_centred() -> None:
    app = neuron_app("es")
    async with app.run_test(size=(100, 30)) as pilot:
        footer = panel_text(app, "#footer")
        assert "salir" in footer and "ayuda" in footer and len(footer.rstrip()) <= 100
        await pilot.resize_terminal(60, 40)  # narrower: keys drop out, but ? and quit stay
        await pilot.pause()
        footer = panel_text(app, "#footer")
        assert "ayuda" in footer and "salir" in footer and len(footer.rstrip()) <= 60
        canvas = screen_of(app).canvas
        height, drawing = canvas.size.height, canvas.session.geometry.height
        assert drawing < height and canvas.top_pad == (height - drawing) // 2 > 0
        lines = canvas.visible_text().splitlines()
        assert not any(lines[: canvas.top_pad]) and any(lines[canvas.top_pad : canvas.top_pad + 2])


@pilot
async def test_timeline_and_gallery_fit_a_narrow_terminal() -> None:
    app = neuron_app()
    async with app.run_test(size=(60, 15)) as pilot:
        await pilot.press("n", "n")
        timeline = panel_text(app, "#timeline")
        assert "step 2 of" in timeline and len(timeline.rstrip()) <= 60
    app = GraphstepApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from graphstep.app.gallery import NAME, first_sentence

        options = app.screen.query_one("#gallery", OptionList)
        for i in range(options.option_count):
            lines = str(options.get_option_at_index(i).prompt).splitlines()
            assert all(line.startswith(" " * NAME) and len(line) <= 80 for line in lines[1:])
    assert first_sentence("# One. Two.\nf = x") == "One. Two."  # short: no sentence cut before 40 chars
    assert first_sentence("# The chain rule on the blackboard: f = (x + y) z,\n# at x = -2. More.\nf = x").endswith(
        "at x = -2.")
