"""The lecture's ways to compute a gradient, timed: automatic (graphstep's trace), numerical (central
differences: two forward runs per input) and symbolic (sympy: build, differentiate, evaluate), with the
automatic method of two peers (micrograd, PyTorch autograd) on the same scalar formula.

Run: python benchmarks/bench_grad_methods.py   (prints a table; times are the best of several runs)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from timing import best_time

import graphstep
from graphstep.checking.gradients import central_difference, symbolic_gradient, to_sympy
from graphstep.engine import run


def neuron_source(n: int) -> tuple[str, dict[str, float]]:
    """A relu unit with n weights and a squared output, which every peer can express:
    relu(w1 x1 + ... + wn xn + b)²."""
    terms = " + ".join(f"w{i} * x{i}" for i in range(1, n + 1))
    values = {f"w{i}": 0.1 * ((i % 7) - 3) for i in range(1, n + 1)}
    values.update({f"x{i}": 0.2 * ((i % 5) - 2) for i in range(1, n + 1)})
    values["b"] = 2.5  # keeps the unit active (away from relu's kink)
    return f"f = relu({terms} + b)^2", values


def micrograd_grads(n: int, values: dict[str, float]) -> None:
    from micrograd.engine import Value

    leaves = {k: Value(v) for k, v in values.items()}
    s = leaves["b"]
    for i in range(1, n + 1):
        s = s + leaves[f"w{i}"] * leaves[f"x{i}"]
    f = s.relu() ** 2
    f.backward()


def torch_grads(n: int, values: dict[str, float]) -> None:
    import torch

    leaves = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    s = leaves["b"]
    for i in range(1, n + 1):
        s = s + leaves[f"w{i}"] * leaves[f"x{i}"]
    f = torch.relu(s) ** 2
    f.backward()


def main() -> None:
    print(f"{'formula':<14} {'inputs':>6} {'automatic':>10} {'numerical':>10} {'symbolic':>10} "
          f"{'micrograd':>10} {'torch':>10}   ratios to automatic (num / sym / micrograd / torch)")
    for n in (2, 8, 32):
        source, values = neuron_source(n)
        graph = graphstep.parse(source)
        automatic = best_time(lambda: [float(g) for g in run(graph, values).grads.values()])  # noqa: B023
        numerical = best_time(lambda: [central_difference(graph, values, k, 1e-5) for k in graph.inputs],  # noqa: B023
                         repeat=3)

        def symbolic() -> None:
            expr, symbols = to_sympy(graph)  # noqa: B023
            for k in graph.inputs:  # noqa: B023
                symbolic_gradient(expr, symbols, values, k)  # noqa: B023

        sym = best_time(symbolic, repeat=1)
        micro = best_time(lambda: micrograd_grads(n, values))  # noqa: B023
        torch_t = best_time(lambda: torch_grads(n, values))  # noqa: B023
        print(f"{'relu unit':<14} {2 * n + 1:>6} {automatic * 1e3:>8.2f}ms {numerical * 1e3:>8.2f}ms "
              f"{sym * 1e3:>8.1f}ms {micro * 1e3:>8.2f}ms {torch_t * 1e3:>8.2f}ms   "
              f"{numerical / automatic:.1f}× / {sym / automatic:.0f}× / {micro / automatic:.2f}× / "
              f"{torch_t / automatic:.2f}×")


if __name__ == "__main__":
    main()
