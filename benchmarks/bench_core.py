"""Core benchmark: parse + forward + backward + step record per node, graphstep against micrograd in one run.

    python benchmarks/bench_core.py [--sizes 1000 10000 100000 1000000] [--shapes sum chain dag]

Three graph shapes, each written as graphstep source text and built with micrograd's Python operators:

- ``sum``: a long sum of products ``w0x0 + w1x1 + …`` (one formula, implicit multiplication);
- ``chain``: a deep chain, one statement per link ``v1 = relu(v0)*0.99 + 0.01`` (no fan-out);
- ``dag``: a random DAG, one statement per node, operands picked among all earlier nodes (fan-out).

graphstep's time is parse (text → graph) + run (forward and backward, with the step record kept) + the
step list a view replays (``trace.steps``), each reported; micrograd's is building its graph (forward on the way) +
``backward()``. micrograd has no text to parse: the ratio is graphstep's whole pipeline against its
graph-building alone. Both run in the same process, interleaved, best of several rounds, timed in CPU
seconds of this process (``time.process_time``: both are single-threaded Python, and on a shared machine
the time spent waiting for a core is not theirs), each after a full garbage collection (outside the
timing: neither pays for the other's leftovers); the ratio is the number to read. Also reported: the
wall time of `graphstep eval "x*y" x=1 y=2` (start-up).

graphstep pauses Python's cyclic garbage collector while it builds (graphstep.gcpause); micrograd, as
shipped, does not, and each of its values is in a reference cycle (its ``_backward`` closure), so from about
10^4 nodes most of micrograd's time is the collector's scans of its growing graph. Both are as a user
runs them (``gs/mg``); the ``mg, gc off`` column times micrograd with the collector paused as graphstep
pauses it, and ``gs/mg·`` is the ratio against that: graphstep's pipeline against micrograd's own work.
"""

from __future__ import annotations

import argparse
import gc
import random
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import graphstep
from graphstep.engine import run
from graphstep.limits import limits

SHAPES = ("sum", "chain", "dag")
DAG_INPUTS = 16
MICROGRAD_MAX = 200_000  # micrograd's recursive topological sort: above this, graphstep alone is timed

Plan = Callable[[Any], Any]  # builds the micrograd graph given its Value class; returns the output


def make_sum(n: int) -> tuple[str, dict[str, float], Plan]:
    terms = max(1, n // 4)  # w_i, x_i, one mul and one add per term
    rng = random.Random(0)
    values = {}
    for i in range(terms):
        values[f"w{i}"], values[f"x{i}"] = rng.uniform(-1, 1), rng.uniform(-1, 1)
    source = "f = " + " + ".join(f"w{i}x{i}" for i in range(terms))

    def plan(value: Any) -> Any:
        out = value(values["w0"]) * value(values["x0"])
        for i in range(1, terms):
            out = out + value(values[f"w{i}"]) * value(values[f"x{i}"])
        return out

    return source, values, plan


def make_chain(n: int) -> tuple[str, dict[str, float], Plan]:
    links = max(1, n // 3)  # relu, *0.99, +0.01 per link
    source = "v0 = 0.5\n" + "\n".join(f"v{i + 1} = relu(v{i})*0.99 + 0.01" for i in range(links))

    def plan(value: Any) -> Any:
        out = value(0.5)
        for _ in range(links):
            out = out.relu() * 0.99 + 0.01
        return out

    return source, {}, plan


def make_dag(n: int) -> tuple[str, dict[str, float], Plan]:
    rng = random.Random(0)
    values = {f"x{i}": rng.uniform(0.9, 1.1) for i in range(DAG_INPUTS)}
    names = list(values)
    steps: list[tuple[str, int, int]] = []
    lines = []
    for i in range(max(1, n - DAG_INPUTS)):
        kind = rng.choice(("add", "mul", "scale", "relu", "square"))
        a, b = rng.randrange(len(names)), rng.randrange(len(names))
        na, nb = names[a], names[b]
        text = {
            "add": f"{na} + {nb}", "mul": f"{na} * {nb}", "scale": f"0.5 * {na}",
            "relu": f"relu({na})", "square": f"{na}^2 * 0.25",
        }[kind]
        lines.append(f"v{i} = {text}")
        names.append(f"v{i}")
        steps.append((kind, a, b))
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "scale": lambda a, b: 0.5 * a,
        "relu": lambda a, b: a.relu(), "square": lambda a, b: a**2 * 0.25,
    }

    def plan(value: Any) -> Any:
        nodes = [value(v) for v in values.values()]
        for kind, a, b in steps:
            nodes.append(ops[kind](nodes[a], nodes[b]))
        return nodes[-1]

    return "\n".join(lines), values, plan


MAKERS = {"sum": make_sum, "chain": make_chain, "dag": make_dag}


def time_graphstep(source: str, values: dict[str, float]) -> tuple[float, float, float, int]:
    """(parse seconds, run seconds, step list seconds, node count)."""
    gc.collect()
    t0 = time.process_time()
    with limits(max_nodes=None):  # up to 10^6 nodes, built on purpose: no cap (the CLI's default is 10^4)
        graph = graphstep.parse(source)
    t1 = time.process_time()
    trace = run(graph, values, record=True)
    t2 = time.process_time()
    _ = trace.steps  # the step list a view replays
    t3 = time.process_time()
    return t1 - t0, t2 - t1, t3 - t2, len(graph.nodes)


def time_micrograd(plan: Plan, collector: bool = True) -> float | None:
    """micrograd's build + backward, CPU seconds; ``collector=False``: with the garbage collector paused."""
    try:
        from micrograd.engine import Value
    except ImportError:
        return None
    gc.collect()
    if not collector:
        gc.disable()
    try:
        t0 = time.process_time()
        out = plan(Value)
        out.backward()
        return time.process_time() - t0
    finally:
        gc.enable()


def measure(shape: str, n: int) -> dict[str, Any]:
    source, values, plan = MAKERS[shape](n)
    rounds = ROUNDS.get(n, 1) if n > 1_000 else 9
    parse_s = run_s = steps_s = mg_s = mg_off_s = float("inf")
    count = 0
    for _ in range(rounds):  # interleaved: a burst of load hits both
        p, r, s, count = time_graphstep(source, values)
        parse_s, run_s, steps_s = min(parse_s, p), min(run_s, r), min(steps_s, s)
        if n <= MICROGRAD_MAX:
            m, m_off = time_micrograd(plan), time_micrograd(plan, collector=False)
            mg_s = min(mg_s, m) if m is not None else mg_s
            mg_off_s = min(mg_off_s, m_off) if m_off is not None else mg_off_s
    return {"shape": shape, "nodes": count, "parse": parse_s, "run": run_s, "steps": steps_s,
            "mg": None if mg_s == float("inf") else mg_s, "mg_off": None if mg_off_s == float("inf") else mg_off_s}


ROUNDS = {10_000: 7, 100_000: 3}
"""Rounds per size (best of them is kept); 10^3 nodes gets 9, 10^6 one."""


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    args = parser.parse_args()
    sys.setrecursionlimit(1_000_000)  # micrograd's topological sort is recursive
    print("µs per node, CPU seconds of this process, best of the interleaved rounds (9 at 10^3, 7 at 10^4, "
          "3 at 10^5, 1 at 10^6)")
    print(f"{'shape':>5}  {'nodes':>8}  {'parse':>6}  {'run':>6}  {'steps':>6}  {'total':>6}  "
          f"{'micrograd':>9}  {'gs/mg':>6}  {'mg, gc off':>10}  {'gs/mg·':>6}  {'steps/run':>9}")
    for shape in args.shapes:
        for n in args.sizes:
            r = measure(shape, n)
            per = 1e6 / r["nodes"]
            total = r["parse"] + r["run"] + r["steps"]
            mg = "-" if r["mg"] is None else f"{r['mg'] * per:.2f}"
            ratio = "-" if r["mg"] is None else f"{total / r['mg']:.2f}"
            mg_off = "-" if r["mg_off"] is None else f"{r['mg_off'] * per:.2f}"
            ratio_off = "-" if r["mg_off"] is None else f"{total / r['mg_off']:.2f}"
            print(f"{shape:>5}  {r['nodes']:>8}  {r['parse'] * per:>6.2f}  {r['run'] * per:>6.2f}  "
                  f"{r['steps'] * per:>6.2f}  {total * per:>6.2f}  {mg:>9}  {ratio:>6}  {mg_off:>10}  {ratio_off:>6}  "
                  f"{r['steps'] / r['run']:>9.2f}", flush=True)
    print(f"\n`graphstep eval \"x*y\" x=1 y=2` wall time (best of 5): {1000 * eval_startup():.0f} ms")


if __name__ == "__main__":
    main()
