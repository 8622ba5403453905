"""Diagnosis time of `graphstep check`: the lecture's exercises, and a 200-node graph.

    python benchmarks/bench_check.py [--nodes 200] [--repeat 5]

Each case is one whole `check(...)` call (parse, run, judge every answer, search for the mistakes), best of
``--repeat`` runs. The hard cases are the ones the search cannot answer with one mistake: a pair of
mistakes, and a number no mistake explains (every single fault and every pair within the budget priced,
then *unknown*). The 200-node graph is a random DAG of add/mul/max/relu/tanh gates on 20 inputs, with
every input's gradient answered by a number no mistake explains (the worst case).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import best_time
from graphstep.checking import check

EXAMPLES = Path(__file__).resolve().parent.parent / "graphstep" / "examples"
RELU = "w = 2\nx = 3\nb = -7\nf = 3 relu(w x + b)\n"
NEURON = "w0 = 2\nx0 = -1\nw1 = -3\nx1 = -2\nw2 = -3\nf = 1/(1 + exp(-(w0x0 + w1x1 + w2)))\n"

LECTURE = {
    "relu opened wrong, 3 answers (issue 12)": RELU + "? ∂f/∂b = 3\n? ∂f/∂w = 9\n? ∂f/∂x = 6\n",
    "fan-out not summed one gate back": "x = 2\nu = x + 1\nf = 2*(u*u)\n? ∂f/∂x = 6\n",
    "max routed wrong one gate back": "x = 3\ny = -4\nz = 2\nw = -1\nf = 2(xy + max(z, 3w))\n? ∂f/∂w = 6\n",
    "chain order in the unnamed neuron": NEURON + "? ∂f/∂w2 = 2.718\n",
    "two mistakes together (pair search)": RELU + "? ∂f/∂w = 6\n",
    "neuron, every gradient unexplained": NEURON + "".join(f"? ∂f/∂{n} = 123.4\n" for n in
                                                            ("w0", "x0", "w1", "x1", "w2")),
}


def demo_sheets() -> list[tuple[str, str]]:
    exercise = (EXAMPLES / "exercises" / "neuron.gstep").read_text(encoding="utf-8")
    folder = EXAMPLES / "class" / "neuron"
    return [(exercise, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]


def random_graph(nodes: int, inputs: int = 20, seed: int = 1) -> str:
    rng = random.Random(seed)
    lines = [f"x{i} = {rng.choice([-3, -2, -1, 1, 2, 3]) * 0.5}" for i in range(inputs)]
    names = [f"x{i}" for i in range(inputs)]
    k = 0
    while len(names) < nodes - 4:  # one gate a statement, then the output's sum of the last five
        a, b = rng.sample(names[-30:], 2)
        op = rng.choice(["add", "mul", "max", "relu", "tanh"])
        expr = {"add": f"{a} + {b}", "mul": f"{a} * {b}", "max": f"max({a}, {b})", "relu": f"relu({a})",
                "tanh": f"tanh({a})"}[op]
        lines.append(f"v{k} = {expr}")
        names.append(f"v{k}")
        k += 1
    lines.append(f"f = {' + '.join(names[-5:])}")
    answers = [f"? ∂f/∂x{i} = 123.4" for i in range(inputs)]
    return "\n".join(lines + answers) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<48} {'answers':>7} {'time':>10}")
    for name, text in LECTURE.items():
        answers = text.count("\n?")
        seconds = best_time(lambda text=text: check(text), args.repeat, warm_up=True)
        print(f"{name:<48} {answers:>7} {seconds * 1000:>8.1f} ms")
    sheets = demo_sheets()
    seconds = best_time(lambda: [check(e, s) for e, s in sheets], max(1, args.repeat // 2), warm_up=True)
    print(f"{'demo class: 32 neuron sheets':<48} {10 * len(sheets):>7} {seconds * 1000:>8.1f} ms"
          f"   ({seconds / len(sheets) * 1000:.1f} ms a sheet)")
    big = random_graph(args.nodes)
    report = check(big)
    seconds = best_time(lambda: check(big), max(1, args.repeat // 2))
    unknown = sum(1 for v in report.verdicts if v.diagnosis and v.diagnosis.code == "unknown")
    print(f"{f'{len(report.graph.nodes)}-node random DAG, worst case':<48} {len(report.verdicts):>7} "
          f"{seconds * 1000:>8.1f} ms   ({seconds / len(report.verdicts) * 1000:.1f} ms an answer; "
          f"{unknown} unknown)")


if __name__ == "__main__":
    main()
