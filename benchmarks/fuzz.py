"""Fuzz graphstep with hostile and broken programs: parse → run → steps in words → check answers.

    python benchmarks/fuzz.py --seconds 600          # as many inputs as fit in 10 minutes
    python benchmarks/fuzz.py --count 1000000 --report benchmarks/results/fuzz.txt   # a fixed number of inputs

Inputs are random strings over the language's whole alphabet (ASCII, the slides' Unicode, LaTeX commands,
function names, strings, control characters), the shipped examples mutated (spans deleted, duplicated,
swapped, tokens inserted) and answer lines (``? ∂f/∂x = …``). Only :class:`graphstep.GraphstepError` may
come out; anything else is reported with its input, as is every input that takes longer than ``--slow``.
``--workers`` processes (default: one per core) fuzz in parallel, each on its own random stream; the
report (``--report``) gives the count, the exceptions, the inputs over ``--slow`` and the slowest input.
The fuzz test in the suite (tests/test_fuzz.py) runs the same :func:`exercise` on hypothesis examples.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import os
import random
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import graphstep
from graphstep.checking import check
from graphstep.errors import GraphstepError
from graphstep.explain import describe_all
from graphstep.limits import limits

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "graphstep" / "examples"

ATOMS = [
    *"0123456789.eE", *"xyzwqabcfXYWt", *"+-*/^@=,;()[]{}", " ", "\n", "#", '"', "'", "\\", "_", "?", "!", "$", "%",
    "∂", "·", "×", "⋅", "−", "–", "÷", "²", "³", "√", "σ", "π", "α", "θ", "∑", "→", "é", "ñ", "¹",
    "**", "1e400", "1e-400", "1e308", "nan", "inf", "0", "-0", "1", "2", "3", "0.5", "w0", "x_1", "w_{12}", "x_{",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "max", "min", "sum", "mean",
    "softmax", "log_softmax", "cross_entropy", "mse", "bce", "zeros", "ones", "randn", "load", "param",
    "axis=", "keepdims=", "seed=", "alpha", "lambda", "pi", "loss", "lr",
    "\\frac", "\\cdot", "\\times", "\\left(", "\\right)", "\\exp", "\\log", "\\sigma", "\\max", "\\alpha", "\\pi",
    "\\mathrm{relu}", "\\text{exp}", "\\sqrt",
    '"x.npy"', '"circles_X.csv"', '"/etc/passwd"', '"../x.csv"', '"nope.npy"', '"a"',
    "\x1b[2J", "\x00", "\r", "\t", "\u202e", "\x9b", "\ufeff",
    "? ", "? f = ", "? ∂f/∂x = ", "? df/dx = ", "? ∂f/∂alpha = ", "? q = ", "\\partial",
]
ANSWER_TARGETS = ["f", "q", "x", "y", "z", "∂f/∂x", "∂f/∂y", "df/dz", "∂f/∂q", "∂q/∂x", "\\frac{∂f}{∂x}",
                  "∂f/∂alpha", "∂f/∂f", "∂x/∂f", "∂f/∂", "w_{1}", "∂f/∂w_1"]
ANSWER_NUMBERS = ["-4", "3", "0.73", "0,73", "−4", "1e400", "-1e400", "1e-400", "nan", "inf", "", "1.5e-3", "4 4",
                  "0x10", "1_000", "٣", "abc", "--1"]
MAX_ELEMENTS = 100_000
"""Fuzzed programs may hold this many numbers (the default limit is 10^8: larger runs are real work, not bugs)."""


def example_texts() -> list[str]:
    files = sorted(EXAMPLES.glob("*.gstep")) + sorted((EXAMPLES / "exercises").glob("*.gstep"))
    return [f.read_text(encoding="utf-8") for f in files]


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ATOMS) for _ in range(rng.randint(0, 40)))


def answer_lines(rng: random.Random) -> str:
    return "".join(f"? {rng.choice(ANSWER_TARGETS)} = {rng.choice(ANSWER_NUMBERS)}\n" for _ in range(rng.randint(0, 4)))


def mutate(text: str, rng: random.Random) -> str:
    """A few random edits of ``text``: delete, duplicate or move a span, insert atoms."""
    for _ in range(rng.randint(1, 4)):
        n = len(text)
        a = rng.randint(0, n)
        b = min(n, a + rng.randint(0, 12))
        how = rng.randrange(4)
        if how == 0:
            text = text[:a] + text[b:]
        elif how == 1:
            text = text[:b] + text[a:b] + text[b:]
        elif how == 2:
            text = text[:a] + "".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 3))) + text[a:]
        else:
            c = rng.randint(0, n)
            piece = text[a:b]
            rest = text[:a] + text[b:]
            c = min(c, len(rest))
            text = rest[:c] + piece + rest[c:]
    return text


def generate(rng: random.Random, examples: list[str]) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return random_text(rng) + ("\n" + answer_lines(rng) if rng.random() < 0.5 else "")
    text = mutate(rng.choice(examples), rng)
    return text + ("\n" + answer_lines(rng) if kind == 2 else "")


def exercise(text: str) -> None:
    """Everything a student's file goes through; only GraphstepError may come out."""
    with limits(max_elements=MAX_ELEMENTS), warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escapes graphstep is a finding too
        try:
            graph = graphstep.parse(text)
            values = {name: 1.5 for name in graph.inputs if name not in graph.defaults}
            trace = graph.run(**values)
            describe_all(trace, "es", 2)
        except GraphstepError:
            pass
        if "?" in text:
            with contextlib.suppress(GraphstepError):
                check(text).render("en")


@dataclass
class Tally:
    """What one worker (or all of them together) saw."""

    done: int = 0
    failures: int = 0
    slow: int = 0
    worst: tuple[float, str] = (0.0, "")
    kinds: dict[str, str] = field(default_factory=dict)
    """One input per kind of finding (exception type and place)."""
    slow_inputs: list[tuple[float, str]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.done += other.done
        self.failures += other.failures
        self.slow += other.slow
        self.worst = max(self.worst, other.worst)
        for key, text in other.kinds.items():
            self.kinds.setdefault(key, text)
        self.slow_inputs += other.slow_inputs


def fuzz(worker: int, seed: int, count: int | None, seconds: float, slow: float, every: int = 20000) -> Tally:
    """Fuzz ``count`` inputs (or for ``seconds``), printing each new finding and a progress line now and then."""
    rng = random.Random(f"{seed}-{worker}")
    examples = example_texts()
    tally = Tally()
    start = time.perf_counter()
    while (count is None or tally.done < count) and time.perf_counter() - start < seconds:
        text = generate(rng, examples)
        t0 = time.perf_counter()
        try:
            exercise(text)
        except Exception as error:  # a finding: print it once per kind and place
            tally.failures += 1
            where = traceback.extract_tb(error.__traceback__)[-1]
            key = f"{type(error).__name__} at {where.filename}:{where.lineno}"
            if key not in tally.kinds:
                tally.kinds[key] = f"{error!s:.200}\n  input: {text!r:.400}"
                print(f"EXCEPTION {key}: {tally.kinds[key]}", flush=True)
        elapsed = time.perf_counter() - t0
        tally.worst = max(tally.worst, (elapsed, text))
        if elapsed > slow:
            tally.slow += 1
            tally.slow_inputs.append((elapsed, text))
            print(f"SLOW {elapsed:.2f}s: {text!r:.300}", flush=True)
        tally.done += 1
        if tally.done % every == 0:
            rate = tally.done / (time.perf_counter() - start)
            print(f"worker {worker}: {tally.done} inputs, {rate:.0f}/s, {tally.failures} exceptions, "
                  f"{tally.slow} slow, "
                  f"max {tally.worst[0]:.3f}s", flush=True)
    return tally


def _fuzz_star(args: tuple[int, int, int | None, float, float]) -> Tally:
    return fuzz(*args)


def report(tally: Tally, total: float, workers: int, args: argparse.Namespace) -> str:
    lines = [f"graphstep fuzz: {tally.done} inputs in {total:.0f} s ({tally.done / total:.0f}/s, {workers} worker(s), "
             f"seed {args.seed}, started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(time.time() - total))})",
             f"exceptions that are not GraphstepError: {tally.failures} ({len(tally.kinds)} kinds)",
             f"inputs over {args.slow:g} s: {tally.slow}",
             f"slowest input: {tally.worst[0]:.3f} s: {tally.worst[1]!r:.300}"]
    lines += [f"  EXCEPTION {key}: {text}" for key, text in tally.kinds.items()]
    lines += [f"  SLOW {t:.2f} s: {text!r:.300}" for t, text in sorted(tally.slow_inputs, reverse=True)[:20]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=None,
                        help="stop after this long (default: 60 s, or no limit with --count)")
    parser.add_argument("--count", type=int, default=None,
                        help="stop after this many inputs (all workers together), or at --seconds if sooner")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slow", type=float, default=2.0, help="report inputs slower than this (s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes fuzzing in parallel, each on its own random stream (default: one per core)")
    parser.add_argument("--report", type=Path, default=None, help="also write the final report to this file")
    args = parser.parse_args()
    workers = max(1, args.workers)
    seconds = args.seconds if args.seconds is not None else (60.0 if args.count is None else math.inf)
    counts = [None] * workers if args.count is None else [
        args.count // workers + (1 if k < args.count % workers else 0) for k in range(workers)]
    jobs = [(k, args.seed, counts[k], seconds, args.slow) for k in range(workers)]
    start = time.perf_counter()
    tally = Tally()
    if workers == 1:
        tally.add(fuzz(*jobs[0]))
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap_unordered(_fuzz_star, jobs):
                tally.add(part)
    text = report(tally, time.perf_counter() - start, workers, args)
    print(text)
    if args.report is not None:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n", encoding="utf-8")
    sys.exit(1 if tally.failures or tally.slow else 0)


if __name__ == "__main__":
    main()
