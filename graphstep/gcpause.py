"""Pause Python's cyclic garbage collector while building big acyclic structures.

Parsing, running and deriving the steps of a million-node graph allocate millions of small objects and no
reference cycles; the collector's periodic full scans of that growing heap would make them quadratic.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


KEEP_FROM = 10_000
"""Fewer new objects than this: the collector's first scans of them are cheap, and left to it."""


def keep_built() -> None:
    """Move what a paused build made straight to the collector's oldest generation, unscanned: for a big
    acyclic structure that is kept (a trace's step list), called before the pause ends.

    Once the collector runs again its young generation holds every object the build made, and scanning them
    (twice, young then middle generation) costs a 10^5-node step list about a third of its making, to find
    no garbage. ``gc.freeze()`` then ``gc.unfreeze()`` moves all tracked objects to the oldest generation in
    constant time: the build's, and those still in the young generations when it began (survivors of recent
    collections: a trace's run record among them), whose cycles, if any, wait for the next full collection.
    Done only for a big build, never while anything is frozen (``gc.freeze`` is its caller's), and not on a
    Python without the GIL (whose collector has no young generation, and whose freeze walks the whole heap)."""
    if gc.get_count()[0] < KEEP_FROM or gc.get_freeze_count() or not _gil():
        return
    gc.freeze()
    gc.unfreeze()


def _gil() -> bool:
    """Whether this Python has the global interpreter lock (every one before 3.13 has)."""
    enabled = getattr(sys, "_is_gil_enabled", None)
    return True if enabled is None else bool(enabled())
