"""Issue 13, the app on a big graph: the first screen's drawing is bounded for any graph within --max-nodes.

Its wires were routed through every layer they cross, so a wide fan-out cost fan-out × depth (one input
read by 1,000 gates: over 150 s and 1.5 GB). Past a budget of bend points and wire cells the longest wires
are drawn as a stub that starts at their source's name (``x▸──┤``), and the app says so."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Hashable, Sequence

import pytest
from textual.widgets import Static

from graphstep.app import GraphstepApp, Session
from graphstep.app.geometry import PLACEHOLDERS, WIRE_CELLS, Geometry, build
from graphstep.app.panel import PANEL_CHARS, inspect_text, step_text
from graphstep.app.routing import JUMP_NAME
from graphstep.graph import Graph
from graphstep.i18n import t
from graphstep.parser import parse
from graphstep.placement import tracks


def one_input_many_gates(n: int) -> str:
    """``f = x*x*…*x``: one input read by ``n`` gates in a chain (the SECURITY.md worst case)."""
    return "x = 1.001\nf = " + "*".join(["x"] * (n + 1))


def wide_sum(n: int) -> str:
    """``s = a0*b0 + a1*b1 + …``: ``n`` products feeding one long sum."""
    lines = [f"a{i} = {i % 5 + 1}\nb{i} = 2" for i in range(n)]
    return "\n".join([*lines, "s = " + " + ".join(f"a{i}*b{i}" for i in range(n))])


def fan_out(n: int) -> str:
    """One input scaled by ``n`` gates, all summed."""
    return "x = 2\ns = " + " + ".join(f"{i % 7 + 2}x" for i in range(n))


def random_dag(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    names, lines = ["a", "b", "c"], ["a = 1", "b = 2", "c = 3"]
    for i in range(n):
        x, y = rng.choice(names), rng.choice(names)
        lines.append(f"v_{i} = {x} {rng.choice('*+')} {y}")
        names.append(f"v_{i}")
    return "\n".join(lines)


SHAPES: list[Callable[[int], str]] = [one_input_many_gates, wide_sum, fan_out, random_dag]


def geometry_of(source: str) -> tuple[Graph, Geometry]:
    graph = parse(source)
    trace = graph.run()
    return graph, build(graph, trace.values, trace.node_grads, trace.sent)


def wire_cells(geometry: Geometry) -> int:
    return sum(len(run.text) for row in geometry.rows for run in row if run.kind == "wire")


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__)
def test_the_drawing_grows_about_linearly_with_the_gates(shape: Callable[[int], str]) -> None:
    """4× the gates: well under 10× the wire cells and rows (it was 16×: fan-out × depth)."""
    _, small = geometry_of(shape(200))
    _, big = geometry_of(shape(800))
    assert wire_cells(big) < 10 * wire_cells(small)
    assert big.height * big.width < 16 * small.height * small.width or big.height < 10 * small.height


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__)
def test_the_wire_cells_stay_within_the_budget(shape: Callable[[int], str]) -> None:
    graph, geometry = geometry_of(shape(2000))
    stubs = geometry.jumps * (JUMP_NAME + 40)  # a stub: the name, then the channel to its gate
    assert wire_cells(geometry) <= WIRE_CELLS + stubs
    assert len(geometry.boxes) == len(graph.nodes)  # every node is still drawn


def test_a_long_wire_becomes_a_stub_named_after_its_source_with_its_numbers() -> None:
    graph, geometry = geometry_of(one_input_many_gates(2000))
    assert geometry.jumps > 0
    stubs = [run for row in geometry.rows for run in row if run.kind == "jump"]
    assert len(stubs) == geometry.jumps
    assert {run.text for run in stubs} == {"x▸"}
    assert all(run.node == graph.inputs["x"] for run in stubs)
    last = graph.output
    assert (last, 1) in geometry.value_slots and (last, 1) in geometry.grad_slots  # x into the last gate


def test_a_small_circuit_draws_every_wire() -> None:
    _, geometry = geometry_of(one_input_many_gates(30))
    assert geometry.jumps == 0
    assert not [run for row in geometry.rows for run in row if run.kind == "jump"]
    assert PLACEHOLDERS >= 30 * 29 // 2  # the budgets leave a blackboard-sized circuit whole


def test_a_long_source_name_is_cut_short_on_its_stub() -> None:
    name = "a" * 40
    _, geometry = geometry_of(f"{name} = 1.001\nf = " + "*".join([name] * 2001))
    stubs = {run.text for row in geometry.rows for run in row if run.kind == "jump"}
    assert stubs and all(len(text) == JUMP_NAME + 1 and text.endswith("…▸") for text in stubs)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_app_says_the_circuit_is_drawn_reduced(lang: str) -> None:
    async def run() -> tuple[str, int]:
        session = Session(one_input_many_gates(2000))
        app = GraphstepApp(session, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return str(app.screen.message), session.geometry.jumps  # type: ignore[attr-defined]

    message, jumps = asyncio.run(run())
    assert message == t("app.reduced", lang, n=jumps)
    assert "x▸" in message and ("cables" if lang == "es" else "wires") in message
    assert len(message) < 80  # one row of a projector's 80×24


def test_no_message_for_a_circuit_drawn_whole() -> None:
    async def run() -> str:
        app = GraphstepApp(Session(one_input_many_gates(10)))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return str(app.screen.message)  # type: ignore[attr-defined]

    assert asyncio.run(run()) == ""


def _first_fit(spans: Sequence[tuple[float, float, Hashable, Hashable]]) -> dict[Hashable, int]:
    """``placement.tracks`` as it was defined (comparing each span with every span of a track)."""
    used: list[list[tuple[float, float, Hashable]]] = []
    found: dict[Hashable, int] = {}
    for low, high, net, key in sorted(spans, key=lambda s: (s[0], s[1])):
        for t_, taken in enumerate(used):
            if all(net == other or high < lo - 1 or low > hi + 1 for lo, hi, other in taken):
                taken.append((low, high, net))
                found[key] = t_
                break
        else:
            used.append([(low, high, net)])
            found[key] = len(used) - 1
    return found


def test_tracks_are_the_same_first_fit_in_one_comparison_per_track() -> None:
    rng = random.Random(13)
    for _ in range(3000):
        spans = []
        for i in range(rng.randint(0, 12)):
            low = rng.randint(0, 20) + (rng.random() / 2 if i % 3 == 0 else 0)
            spans.append((low, low + rng.randint(0, 8), rng.randint(0, 3), i))
        assert tracks(spans) == _first_fit(spans)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_panels_are_cut_short_for_a_gate_read_thousands_of_times(lang: str) -> None:
    """At the end of the backward pass the fan-out sum of ``x`` has 3,000 terms (30,000 characters, seconds
    to lay out on every key press): the panel shows the start and says how much is left out."""
    session = Session(one_input_many_gates(3000))
    session.goto(session.total)
    text = step_text(session, lang).plain
    assert len(text) < PANEL_CHARS + 200
    more = t("app.panel_cut", lang, n="{n}").split("{n}")[1]
    assert more in text and "∂f/∂x" in text
    inspect = inspect_text(session, session.graph.output, lang).plain
    assert len(inspect) < PANEL_CHARS + 200 and more in inspect  # the output's formula: 6,000 characters


def test_a_short_panel_is_whole() -> None:
    session = Session(one_input_many_gates(20))
    session.goto(session.total)
    assert t("app.panel_cut", "en", n="{n}").split("{n}")[1] not in step_text(session, "en").plain


def test_the_title_of_a_long_program_is_cut_at_the_edge_not_wrapped_away() -> None:
    async def run() -> str:
        app = GraphstepApp(Session(one_input_many_gates(300)))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return app.screen.query_one("#title", Static).render_line(0).text

    title = asyncio.run(run())
    assert "f = x*x*x" in title and title.rstrip().endswith("…")
