"""Terminal app speed: time to the first screen and from a key press to the updated screen.

Graphs of about 20, 200 and 1000 nodes (scalar gates mixing +, *, max, exp, σ, fan-out, operands drawn
from the last few statements as in a written program). Headless Textual at 120×40, so the numbers include
building the layout, drawing the visible lines and Textual's own compositing. Goal: one step < 50 ms at 200
nodes. The "full redraw" column is the peer: what a step would cost if the whole drawing were re-rendered
as text each time instead of only the visible lines.

    python benchmarks/bench_app.py

Then the lecture's examples (neuron, staged) at a projector's 80×24 and at 120×40, measured honestly as a
person meets them: "cold" is a fresh ``python`` process from its start (interpreter, imports, parsing, the
run, the layout and Textual's first frame) to the first screen, the median of several processes; "warm" is
the same inside a running process (imports done); "step" is a key press to the redrawn screen.

Then (``--big`` for only these) the hostile shapes of issue 13 at 1,000 gates and near the default
``--max-nodes`` (10,000): one input read by every gate of a chain, a wide sum of products, one input scaled
by many gates and summed, a random DAG, a long chain. Each in a fresh process: the first screen (parse,
run, layout, Textual's first frame at 120×40), its max RSS, and how many wires were cut short to a stub.
Before the drawing was bounded, one input read by 200 gates took 38 s and 1,000 gates over 150 s and 1.5 GB.
"""

from __future__ import annotations

import asyncio
import random
import resource
import statistics
import subprocess
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


ROOT = Path(__file__).resolve().parent.parent
LECTURE = ("neuron", "staged")
TERMINALS = ((80, 24), (120, 40))
COLD_RUNS = 5
COLD = """
import time; start = time.perf_counter()
import asyncio, sys
from graphstep.app import GraphstepApp, Session
async def main():
    app = GraphstepApp(Session(open(sys.argv[1]).read()))
    async with app.run_test(size=(int(sys.argv[2]), int(sys.argv[3]))) as pilot:
        await pilot.pause()
        print(time.perf_counter() - start)
asyncio.run(main())
"""


def cold_first_screen(path: Path, size: tuple[int, int]) -> tuple[float, float]:
    """Seconds from a fresh interpreter's start to the first screen, and the CPU seconds the process used
    (its whole life: on a shared, loaded machine the CPU time is the steadier number), medians of
    ``COLD_RUNS`` processes."""
    times, cpu = [], []
    for _ in range(COLD_RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", COLD, str(path), str(size[0]), str(size[1])], cwd=ROOT,
                             capture_output=True, text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
        inside = float(out.stdout.split()[-1])
        startup = time.perf_counter() - t0 - inside  # interpreter start (and exit) outside the script's clock
        times.append(inside + max(0.0, startup) / 2)  # count the start, not the exit, roughly half of it
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


async def measure(source: str, size: tuple[int, int] = (120, 40)) -> tuple[int, float, float, float]:
    start = time.perf_counter()
    session = Session(source)
    app = GraphstepApp(session)
    async with app.run_test(size=size) as pilot:
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


BIG = """
import time; start = time.perf_counter()
import asyncio, resource, sys
from graphstep.app import GraphstepApp, Session
async def main():
    session = Session(sys.stdin.read())
    async with GraphstepApp(session).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(len(session.graph.nodes), time.perf_counter() - start,
              resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, session.geometry.jumps)
asyncio.run(main())
"""


def big_shapes(n: int) -> dict[str, str]:
    """Programs of about ``n`` gates in the shapes that cost the drawing most."""
    rng = random.Random(0)
    names, dag = ["a", "b", "c"], ["a = 1", "b = 2", "c = 3"]
    for i in range(n):
        x, y = rng.choice(names), rng.choice(names)
        dag.append(f"v_{i} = {x} {rng.choice('*+')} {y}")
        names.append(f"v_{i}")
    return {
        "one input, chain": "x = 1.001\nf = " + "*".join(["x"] * (n + 1)),
        "wide sum": "\n".join([f"a{i} = 1\nb{i} = 2" for i in range(n // 4)])
        + "\ns = " + " + ".join(f"a{i}*b{i}" for i in range(n // 4)),
        "fan-out, summed": "x = 2\ns = " + " + ".join(f"{i % 7 + 2}x" for i in range(n // 2)),
        "random DAG": "\n".join(dag),
        "chain": "x = 1\n" + "\n".join(f"v_{i} = {'x' if i == 0 else f'v_{i - 1}'} * 1.01" for i in range(n)),
    }


def big() -> None:
    print(f"{'shape':>17} {'nodes':>6} {'first screen s':>15} {'max RSS MB':>11} {'stubs':>6}")
    for n in (1000, 9990):
        for shape, source in big_shapes(n).items():
            out = subprocess.run([sys.executable, "-c", BIG], input=source, cwd=ROOT, capture_output=True, text=True,
                                 check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
            nodes, first, rss, stubs = out.stdout.split()
            print(f"{shape:>17} {int(nodes):>6} {float(first):>15.1f} {float(rss):>11.0f} {int(stubs):>6}")


def main() -> None:
    if "--lecture" in sys.argv:  # only the lecture's examples
        lecture()
        return
    if "--big" in sys.argv:  # only the big hostile graphs
        big()
        return
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
    print()
    lecture()
    print()
    big()


def lecture() -> None:
    print(f"{'example':>8} {'terminal':>9} {'cold first screen ms':>21} {'cold CPU ms':>12} "
          f"{'warm first screen ms':>21} {'step ms':>8}")
    for name in LECTURE:
        path = ROOT / "examples" / f"{name}.gstep"
        for size in TERMINALS:
            _, warm, step, _ = asyncio.run(measure(path.read_text(), size))
            cold, cpu = cold_first_screen(path, size)
            print(f"{name:>8} {size[0]:>4}×{size[1]:<4} {cold * 1e3:>21.0f} {cpu * 1e3:>12.0f} "
                  f"{warm * 1e3:>21.0f} {step * 1e3:>8.1f}")


if __name__ == "__main__":
    main()
