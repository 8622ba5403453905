"""Pause Python's cyclic garbage collector while building big acyclic structures.

Parsing, running and deriving the steps of a million-node graph allocate millions of small objects and no
reference cycles; the collector's periodic full scans of that growing heap would make them quadratic.
"""

from __future__ import annotations

import gc
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
