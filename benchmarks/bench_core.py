"""Core benchmark: parse + forward + backward per node, graphstep against micrograd in the same run.

    python benchmarks/bench_core.py [--sizes 10000 100000 1000000]

Both compute the same random DAG of scalar operations (add, mul, scale, relu, square) over 16 inputs.
graphstep's time includes parsing the program text; micrograd builds its graph with Python operators
(its equivalent of parsing, with the forward pass done on the way). graphstep is timed with the step
record kept (what the app and `eval --steps` use) and without it (record=False, for batch work).
Also reported: the wall time of `graphstep eval "x*y" x=1 y=2` (start-up without any UI library).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import graphstep
from graphstep.engine import run

INPUTS = 16


def make_program(n: int, seed: int = 0) -> tuple[str, list[tuple[str, int, int]], dict[str, float]]:
    """A program of about n nodes: one statement per node, operands picked uniformly among earlier nodes."""
    rng = random.Random(seed)
    values = {f"x{i}": rng.uniform(0.9, 1.1) for i in range(INPUTS)}
    names = list(values)
    plan: list[tuple[str, int, int]] = []
    lines = []
    for i in range(n - INPUTS):
        kind = rng.choice(("add", "mul", "scale", "relu", "square"))
        a, b = rng.randrange(len(names)), rng.randrange(len(names))
        na, nb = names[a], names[b]
        text = {
            "add": f"{na} + {nb}", "mul": f"{na} * {nb}", "scale": f"0.5 * {na}",
            "relu": f"relu({na})", "square": f"{na}^2 * 0.25",
        }[kind]
        name = f"v{i}"
        lines.append(f"{name} = {text}")
        names.append(name)
        plan.append((kind, a, b))
    return "\n".join(lines), plan, values


def bench_graphstep(source: str, values: dict[str, float], record: bool) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    graph = graphstep.parse(source)
    t1 = time.perf_counter()
    trace = run(graph, values, record=record)
    if record:
        _ = trace.steps  # the step list a view replays
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(graph.nodes)


def bench_micrograd(plan: list[tuple[str, int, int]], values: dict[str, float]) -> tuple[float, float] | None:
    try:
        from micrograd.engine import Value
    except ImportError:
        return None
    sys.setrecursionlimit(100_000)  # micrograd's topological sort is recursive
    t0 = time.perf_counter()
    nodes: list[Any] = [Value(v) for v in values.values()]
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "scale": lambda a, b: 0.5 * a,
        "relu": lambda a, b: a.relu(), "square": lambda a, b: a**2 * 0.25,
    }
    for kind, a, b in plan:
        nodes.append(ops[kind](nodes[a], nodes[b]))
    # Sum everything into one output so micrograd walks every node (graphstep's output is the last node,
    # so this gives micrograd more nodes, not fewer: the per-node ratio is conservative for graphstep).
    out = nodes[-1]
    t1 = time.perf_counter()
    out.backward()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def eval_startup() -> float:
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "graphstep", "eval", "x*y", "x=1", "y=2"], check=True,
                       capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    print(f"{'nodes':>9}  {'gs parse':>9}  {'gs run+steps':>12}  {'gs run fast':>11}  "
          f"{'micrograd':>10}  {'µs/node gs':>10}  {'µs/node mg':>10}  {'ratio gs/mg':>11}")
    for n in args.sizes:
        source, plan, values = make_program(n)
        parse_s, run_s, count = bench_graphstep(source, values, record=True)
        _, fast_s, _ = bench_graphstep(source, values, record=False)
        mg = bench_micrograd(plan, values) if n <= 200_000 else None
        gs_total = parse_s + run_s
        per_gs = 1e6 * gs_total / count
        if mg is None:
            mg_text, per_mg_text, ratio = "-", "-", "-"
        else:
            mg_total = sum(mg)
            per_mg = 1e6 * mg_total / count
            mg_text, per_mg_text, ratio = f"{mg_total:.3f}s", f"{per_mg:.2f}", f"{gs_total / mg_total:.2f}"
        print(f"{count:>9}  {parse_s:>8.3f}s  {run_s:>11.3f}s  {fast_s:>10.3f}s  {mg_text:>10}  "
              f"{per_gs:>10.2f}  {per_mg_text:>10}  {ratio:>11}")
    print(f"\n`graphstep eval \"x*y\" x=1 y=2` wall time (best of 5): {1000 * eval_startup():.0f} ms")


if __name__ == "__main__":
    main()
