"""numpy on first use: a formula of numbers is parsed, run (graphstep.scalar) and printed with Python floats,
so ``graphstep eval "x*y" x=1 y=2`` starts without importing numpy (about 70 ms of its start-up). The
first array, tensor call, file, other backend or math-library function (``exp``: numpy's last bit) imports it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import ModuleType
from typing import Any

_numpy: ModuleType | None = None
_quiet: ContextVar[list[Any] | None] = ContextVar("graphstep_quiet_numpy", default=None)
"""Inside :func:`quiet` entered before numpy was imported: where the error settings it replaced are kept."""


def numpy() -> ModuleType:
    """The numpy module, imported now if it is not yet (inside :func:`quiet`, quiet from then on)."""
    global _numpy
    if _numpy is None:
        import numpy as module

        kept = _quiet.get()
        if kept is not None and not kept:
            kept.append(module.seterr(all="ignore"))
        _numpy = module
    return _numpy


def loaded() -> ModuleType | None:
    """numpy if anything has imported it, else None (then no value is a numpy array)."""
    return _numpy if _numpy is not None else sys.modules.get("numpy")


def is_ndarray(value: Any) -> bool:
    """``isinstance(value, numpy.ndarray)``, without importing numpy to find out."""
    module = loaded()
    return module is not None and isinstance(value, module.ndarray)


@contextmanager
def quiet() -> Iterator[None]:
    """``numpy.errstate(all="ignore")`` (floating-point problems are step warnings, not RuntimeWarnings),
    without importing numpy: if it is imported inside, by :func:`numpy`, it is quiet until the block ends."""
    module = loaded()
    if module is not None:
        with module.errstate(all="ignore"):
            yield
        return
    if _quiet.get() is not None:  # inside an outer such block: that one restores the settings
        yield
        return
    kept: list[Any] = []
    token = _quiet.set(kept)
    try:
        yield
    finally:
        _quiet.reset(token)
        if kept and _numpy is not None:
            _numpy.seterr(**kept[0])
