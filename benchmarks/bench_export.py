"""Export time for 10-, 100-, 1000- and 5000-node graphs: DOT source, SVG by Graphviz, SVG built in; and
the HTML player's size and time at 100, 200, 400 and 2000 nodes.

Run: ``python benchmarks/bench_export.py [--sizes 10,100,1000,5000] [--player-sizes 100,200,400,2000]
[--dot-timeout 300]``. Prints two tables; the ratio column compares the Graphviz binary's SVG (the peer)
with graphstep's own writer. The player holds one drawing plus per-step data, so its size grows linearly
(it held one full SVG per step before: 6.6 MB at 100 nodes, 192 MB at 400, 2,000 never finished).
Graphs are random circuits with local wiring (each gate reads two of the last 12 values), like an
unrolled computation, built from source text so the parser is exercised as a user would.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import graphstep
from graphstep.export import DrawOptions, Renderer
from graphstep.export import graphviz as gv

OPS = ["{a} * {b}", "{a} + {b}", "tanh({a})", "{a} - {b}", "exp(-{a}^2)", "max({a}, {b})"]


def circuit(nodes: int, seed: int = 0) -> graphstep.Graph:
    """A random program whose graph has about ``nodes`` nodes."""
    rng = random.Random(seed)
    inputs = max(2, min(10, nodes // 5))
    lines = [f"x{i} = {rng.uniform(-1, 1):.3f}" for i in range(inputs)]
    names = [f"x{i}" for i in range(inputs)]
    k = 0
    while True:
        graph = graphstep.parse("\n".join([*lines, f"f = {names[-1]}"]))
        if len(graph) >= nodes:
            return graph
        recent = names[-12:]
        a, b = rng.choice(recent), rng.choice(recent)
        lines.append(f"v{k} = " + rng.choice(OPS).format(a=a, b=b))
        names.append(f"v{k}")
        k += 1
        if k % 50 == 0 or nodes <= 100:
            continue
        # Grow quickly for big graphs: add many statements before re-parsing.
        for _ in range(min(200, max(1, (nodes - len(graph)) // 3))):
            recent = names[-12:]
            a, b = rng.choice(recent), rng.choice(recent)
            lines.append(f"v{k} = " + rng.choice(OPS).format(a=a, b=b))
            names.append(f"v{k}")
            k += 1


def timed(work, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--player-sizes", default="100,200,400,2000")
    parser.add_argument("--dot-timeout", type=float, default=300.0, help="seconds allowed to the dot binary")
    args = parser.parse_args()
    has_dot = gv.find_dot() is not None
    rows = []
    for size in map(int, args.sizes.split(",")):
        graph = circuit(size)
        trace = graph.run()
        _ = trace.steps  # derived once by the core, not by the export
        repeat = 3 if size <= 1000 else 1
        renderer = Renderer(graph, trace, DrawOptions())
        t_dot = timed(renderer.dot, repeat)
        os.environ["GRAPHSTEP_NO_DOT"] = "1"
        t_builtin = timed(lambda g=graph, t=trace: Renderer(g, t, DrawOptions()).svg(), repeat)
        del os.environ["GRAPHSTEP_NO_DOT"]
        t_graphviz: float | None = None
        note = ""
        if has_dot:
            source = renderer.dot()
            gv.TIMEOUT_S = int(args.dot_timeout)
            try:
                t_graphviz = timed(lambda s=source: gv.render(s, "svg"), 1)
            except (graphstep.GraphstepError, subprocess.TimeoutExpired) as error:
                timed_out = "timed out" in str(error) or isinstance(error, subprocess.TimeoutExpired)
                note = f"dot: > {args.dot_timeout:.0f}s, stopped" if timed_out else f"dot: {error}"[:60]
        rows.append((len(graph), t_dot, t_builtin, t_graphviz, note))
    print(f"{'nodes':>6} {'DOT source':>11} {'SVG built-in':>13} {'SVG via dot':>12} {'dot/built-in':>13}")
    for n, t_dot, t_builtin, t_graphviz, note in rows:
        via = f"{t_graphviz:11.3f}s" if t_graphviz is not None else f"{'n/a':>12}"
        ratio = f"{t_graphviz / t_builtin:12.1f}x" if t_graphviz is not None else f"{'n/a':>13}"
        print(f"{n:>6} {t_dot:10.3f}s {t_builtin:12.3f}s {via} {ratio} {note}")
    print("(seconds, best of 3 below 1000 nodes; SVG via dot: the dot binary run on the DOT source)")
    if args.player_sizes:
        player_table([int(n) for n in args.player_sizes.split(",")], has_dot)


def player_table(sizes: list[int], has_dot: bool) -> None:
    """The HTML player: bytes and seconds, with graphstep's layout and (below 1000 nodes) Graphviz's."""
    print()
    print(f"{'nodes':>6} {'steps':>6} {'player built-in':>16} {'':>8} {'player via dot':>15} {'':>8}")
    for size in sizes:
        graph = circuit(size)
        trace = graph.run()
        _ = trace.steps
        cells = []
        for builtin in (True, False):
            if not builtin and (not has_dot or size >= 1000):
                cells.append(f"{'n/a':>16} {'':>8}")
                continue
            start = time.perf_counter()
            page = Renderer(graph, trace, DrawOptions(), builtin=builtin).player()
            seconds = time.perf_counter() - start
            cells.append(f"{len(page.encode('utf-8')) / 1e6:13.2f} MB {seconds:7.2f}s")
        print(f"{len(graph):>6} {len(trace.steps):>6} {cells[0]} {cells[1]}")
    print("(one run each; via dot only below 1000 nodes, where Graphviz takes seconds)")


if __name__ == "__main__":
    main()
