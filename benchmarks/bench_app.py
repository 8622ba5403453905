"""Terminal app speed: time to the first screen and from a key press to the updated screen.

Graphs of about 20, 200 and 1000 nodes (scalar gates mixing +, *, max, exp, σ, fan-out, operands drawn
from the last few statements as in a written program). Headless Textual at 120×40, so the numbers include
building the layout, drawing the visible lines and Textual's own compositing. Goal: one step < 50 ms at 200
nodes. The "full redraw" column is the peer: what a step would cost if the whole drawing were re-rendered
as text each time instead of only the visible lines.

    python benchmarks/bench_app.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.events import Key
from textual.strip import Strip

from graphstep.app import GraphstepApp, Session
from graphstep.app.canvas import CircuitCanvas

SIZES = (20, 200, 1000)
STEPS = 30
GOAL_MS = 50.0


def program(nodes: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    names = ["a", "b", "c", "d"]
    lines = [f"{n} = {rng.choice([-2, -1, 0.5, 1, 3])}" for n in names]
    count = 4
    i = 0
    while count < nodes - 2:
        x, y = rng.choice(names[-8:]), rng.choice(names[-8:])
        expr, cost = rng.choice([
            (f"{x} * {y}", 1), (f"{x} + {y}", 1), (f"max({x}, {y})", 1), (f"exp({x} * 0.01)", 2),
            (f"sigmoid({x})", 1), (f"{x} - {y}", 1), (f"0.5{x}", 1),
        ])
        lines.append(f"v_{i} = {expr}")
        names.append(f"v_{i}")
        count += cost
        i += 1
    lines.append(f"f = {names[-1]} + {names[-2]}")
    return "\n".join(lines)


async def measure(source: str) -> tuple[int, float, float, float]:
    start = time.perf_counter()
    session = Session(source)
    app = GraphstepApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - start
        canvas = app.screen.query_one(CircuitCanvas)
        drawn = [0.0]
        render_line = canvas.render_line

        def timed_render_line(y: int) -> Strip:
            strip = render_line(y)
            drawn[0] = time.perf_counter()
            return strip

        canvas.render_line = timed_render_line  # type: ignore[method-assign]
        times = []
        for i in range(min(STEPS, session.total) + 3):
            # A key event straight into the app's queue; the screen is updated when Textual has redrawn
            # the canvas lines (its compositor runs on its own refresh timer, as in a real terminal).
            before = session.cursor
            t0 = time.perf_counter()
            app._driver.send_message(Key("right", None))  # type: ignore[union-attr]
            deadline = t0 + 5
            while (session.cursor == before or drawn[0] < t0) and time.perf_counter() < deadline:
                await asyncio.sleep(0.0005)
            await asyncio.sleep(0.02)  # let the frame finish (all lines) before the next key
            if i >= 3:  # the first steps warm caches up
                times.append(drawn[0] - t0)
        t0 = time.perf_counter()
        for _ in range(5):
            canvas.full_text()
        full = (time.perf_counter() - t0) / 5
    return len(session.graph.nodes), first, statistics.median(times), full


def main() -> None:
    rows = []
    for size in SIZES:
        nodes, first, step, full = asyncio.run(measure(program(size)))
        rows.append((size, nodes, first * 1e3, step * 1e3, full * 1e3))
    base_first = rows[0][2]
    print(f"{'graph':>6} {'nodes':>6} {'first screen ms':>16} {'× 20-node':>10} {'step ms':>8} "
          f"{'step / goal':>12} {'full redraw ms':>15} {'full / step':>12}")
    for size, nodes, first, step, full in rows:
        print(f"{size:>6} {nodes:>6} {first:>16.1f} {first / base_first:>10.2f} {step:>8.1f} "
              f"{step / GOAL_MS:>12.2f} {full:>15.1f} {full / step:>12.2f}")


if __name__ == "__main__":
    main()
