"""Big arrays told in a few numbers: shape, dtype, min, mean and max.

What a table row or a JSON field shows of an array, computed for every node of a run in one pass: on
numpy three reductions per array, on Dask one ``compute`` on the cluster for all of them together (the
forward and backward work they share is done once). Scalars and short vectors are kept whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphstep.backend import is_lazy, to_host
from graphstep.lazynp import numpy as _numpy
from graphstep.lazynp import quiet

if TYPE_CHECKING:
    import numpy

WHOLE = 4
"""A vector of up to this many numbers is shown whole in the table."""
LISTED = 16
"""An array of up to this many numbers also lists them in JSON (``values``)."""


@dataclass(frozen=True)
class Summary:
    shape: tuple[int, ...]
    dtype: str
    min: float
    mean: float
    max: float
    values: numpy.ndarray | None = None
    """The numbers themselves, for an array of at most LISTED elements."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"shape": list(self.shape), "dtype": self.dtype,
                                "min": _number(self.min), "mean": _number(self.mean), "max": _number(self.max)}
        if self.values is not None:
            data["values"] = [_number(float(v)) for v in self.values.ravel()]
        return data


def _number(x: float) -> float | str:
    """JSON has no nan or infinity: those are written as the strings "nan", "inf", "-inf"."""
    return x if math.isfinite(x) else ("nan" if x != x else ("inf" if x > 0 else "-inf"))


def summarize(xp: Any, values: Sequence[Any]) -> list[Any]:
    """Each value as None, a float (0-d), a numpy vector of at most WHOLE numbers, or a Summary."""
    plans: list[tuple[str, Any]] = []
    with quiet():  # the mean of inf and -inf is nan, shown as such, not warned about
        _plan(xp, values, plans)
    host = _host_all([p[1] for p in plans])
    out: list[Any] = []
    for (kind, _), done in zip(plans, host):
        if kind == "stats":
            shape, dtype, low, mean, high, listed = done
            out.append(Summary(shape, dtype, float(low), float(mean), float(high),
                               None if listed is None else _numpy().asarray(listed)))
        else:
            out.append(done)
    return out


def _plan(xp: Any, values: Sequence[Any], plans: list[tuple[str, Any]]) -> None:
    for value in values:
        shape = tuple(getattr(value, "shape", ()))
        size = math.prod(shape)
        if value is None:
            plans.append(("none", None))
        elif not shape or (len(shape) == 1 and size <= WHOLE) or size == 0:
            plans.append(("whole", value))
        else:
            listed = value if size <= LISTED else None
            plans.append(("stats", (shape, str(value.dtype).rsplit(".", 1)[-1],
                                    xp.min(value), xp.mean(value), xp.max(value), listed)))


def _host_all(items: list[Any]) -> list[Any]:
    """Every backend array in ``items`` (nested in tuples) as numpy: Dask's all in one compute."""
    flat: list[Any] = []

    def collect(item: Any) -> None:
        if isinstance(item, tuple):
            for part in item:
                collect(part)
        elif item is not None and not isinstance(item, (str, int, float)):
            flat.append(item)

    for item in items:
        collect(item)
    if any(is_lazy(v) for v in flat):
        from graphstep.daskio import compute

        computed = iter(compute(*flat))
    else:
        computed = iter(flat)
    done = {id(v): to_host(next(computed)) for v in flat}

    def rebuild(item: Any) -> Any:
        if isinstance(item, tuple):
            return tuple(rebuild(part) for part in item)
        return done.get(id(item), item) if item is not None and not isinstance(item, (str, int, float)) else item

    return [rebuild(item) for item in items]
