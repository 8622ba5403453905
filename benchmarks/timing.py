"""The one timing rule every benchmark here uses: the best of several runs (the least disturbed one)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(fn: Callable[[], object], repeat: int = 5, warm_up: bool = False) -> float:
    """Seconds of the fastest of ``repeat`` calls; ``warm_up`` first runs it once untimed (page faults,
    lazy imports)."""
    if warm_up:
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
