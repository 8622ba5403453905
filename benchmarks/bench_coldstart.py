"""Cold start of ``graphstep eval``: wall time of a fresh process, best and median of N runs, interleaved.

    python benchmarks/bench_coldstart.py [N] [--compare OTHER_CHECKOUT]

Each round runs every case once (so a busy moment slows all of them alike): Python alone, ``import numpy``,
and ``python -m graphstep eval`` on a formula of numbers (no numpy), the neuron (``exp``: numpy) and an array
formula, in this checkout and, with ``--compare``, in another one (for a before/after).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
FORMULAS = {
    "eval x*y (numbers)": ["x*y", "x=1", "y=2"],
    "eval neuron (exp: numpy)": ["examples/neuron.gstep"],
    "eval [1,2]*x (array)": ["[1,2]*x", "x=3"],
}


def cases(roots: dict[str, Path]) -> dict[str, tuple[list[str], Path | None]]:
    found: dict[str, tuple[list[str], Path | None]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], None),
        "python -c 'import numpy'": ([sys.executable, "-c", "import numpy"], None),
    }
    for label, args in FORMULAS.items():
        for name, root in roots.items():
            found[f"{name}: {label}"] = ([sys.executable, "-m", "graphstep", "eval", *args], root)
    return found


def main() -> None:
    args = sys.argv[1:]
    roots = {"this": HERE}
    if "--compare" in args:
        at = args.index("--compare")
        roots = {"other": Path(args[at + 1]).resolve(), **roots}
        del args[at:at + 2]
    rounds = int(args[0]) if args else 10
    runs = cases(roots)
    times: dict[str, list[float]] = {label: [] for label in runs}
    load = os.getloadavg()[0]
    for _ in range(rounds):
        for label, (command, root) in runs.items():
            env = {**os.environ, "PYTHONPATH": str(root)} if root else None
            start = time.perf_counter()
            subprocess.run(command, cwd=root or HERE, env=env, stdout=subprocess.DEVNULL, check=True)
            times[label].append(time.perf_counter() - start)
    print(f"{rounds} rounds; load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    for label, found in times.items():
        found.sort()
        print(f"{label:40s} best {found[0] * 1000:6.1f} ms   median {found[len(found) // 2] * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
