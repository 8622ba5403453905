"""Numbers as the blackboard writes them: 2 decimals by default (``0.73``, ``-0.20``), arrays summarised."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graphstep.backend import to_host
from graphstep.i18n import t
from graphstep.lazynp import is_ndarray, quiet
from graphstep.lazynp import numpy as _numpy

if TYPE_CHECKING:
    import numpy

DEFAULT_PRECISION = 2


def fmt(value: Any, precision: int = DEFAULT_PRECISION, lang: str = "en") -> str:
    """A scalar with ``precision`` decimals; very large or tiny numbers in scientific notation;
    an array as ``[shape: min …, mean …, max …]`` (its words in ``lang``)."""
    value = to_host(value)
    if value is None:
        return "?"
    if is_ndarray(value):
        return fmt_array(value, precision, lang)
    return fmt_scalar(float(value), precision)


def fmt_scalar(x: float, precision: int = DEFAULT_PRECISION) -> str:
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 0.5 * 10.0**-precision):
        return f"{x:.{max(precision, 1)}e}"
    text = f"{x:.{precision}f}"
    if text.startswith("-") and float(text) == 0:  # -0.00 reads as a sign error on the blackboard
        text = text[1:]
    return text


def fmt_array(a: numpy.ndarray, precision: int = DEFAULT_PRECISION, lang: str = "en") -> str:
    if a.size == 0:
        return t("numbers.empty", lang, shape=_shape(a.shape, a.dtype, lang))
    if a.size <= 4 and a.ndim == 1:
        return "[" + ", ".join(fmt_scalar(float(v), precision) for v in a) + "]"
    with quiet():  # the mean of inf and -inf is nan, shown as such, not warned about
        low, mean, high = float(a.min()), float(a.mean()), float(a.max())
    return fmt_stats(a.shape, a.dtype, low, mean, high, precision, lang)


def _shape(shape: Sequence[int], dtype: Any, lang: str) -> str:
    """``4×3``, ``scalar``; the dtype after it when not float64 (the blackboard default: anything else is
    worth saying)."""
    text = "×".join(str(d) for d in shape) or t("numbers.scalar", lang)
    return text if str(dtype) == "float64" else f"{text} {dtype}"


def fmt_stats(shape: Sequence[int], dtype: Any, low: float, mean: float, high: float,
              precision: int = DEFAULT_PRECISION, lang: str = "en") -> str:
    """An array told by its shape and min, mean and max (what fmt shows of a big array), in ``lang``."""
    scale = max(abs(low), abs(high)) if low == low and high == high else math.nan
    low_, mean_, high_ = (_at_scale(x, scale, precision) for x in (low, mean, high))
    return t("numbers.stats", lang, shape=_shape(shape, dtype, lang), low=low_, mean=mean_, high=high_)


def fmt_compact(value: Any, precision: int = DEFAULT_PRECISION, lang: str = "en") -> str:
    """A short label for a wire: a scalar as :func:`fmt`; up to three numbers in full; else shape and mean
    (``4×3 μ0.22``), so a tensor graph draws as compactly as a scalar one."""
    value = to_host(value)
    if not is_ndarray(value):
        return fmt(value, precision, lang)
    if value.size <= 3 and value.ndim == 1:
        return "[" + ", ".join(fmt_scalar(float(v), precision) for v in value) + "]"
    if value.size == 0:
        return t("numbers.compact_empty", lang)
    shape = "×".join(str(d) for d in value.shape)
    with quiet():
        return t("numbers.compact", lang, shape=shape, mean=_in_scale(float(value.mean()), value, precision))


def _in_scale(x: float, array: numpy.ndarray, precision: int) -> str:
    """A summary number at the array's own scale: a mean of 4.6e-18 among values near 0.1 reads 0.00."""
    numpy = _numpy()
    return _at_scale(x, float(numpy.max(numpy.abs(array))) if array.size else 0.0, precision)


def _at_scale(x: float, scale: float, precision: int) -> str:
    if x != 0 and abs(x) < 1e-9 * max(scale, 1e-300) * 10**precision:
        x = 0.0
    return fmt_scalar(x, precision)


def fmt_shape(value: Any, lang: str = "en") -> str:
    """A node's shape and dtype for a label: ``4×3 float64``, ``scalar float32``."""
    value = to_host(value)
    numpy = _numpy()
    array = numpy.asarray(value)
    dtype = getattr(value, "dtype", None) or numpy.dtype(float)
    return f"{'×'.join(str(d) for d in array.shape) or t('numbers.scalar', lang)} {dtype}"


def fmt_matrix(value: Any, precision: int = DEFAULT_PRECISION, max_cells: int = 64) -> str | None:
    """A small vector or matrix written out in full, columns aligned; None when it has more than
    ``max_cells`` numbers (or more than 2 dimensions), where the summary of :func:`fmt` stands instead."""
    array = to_host(value)
    if not is_ndarray(array) or array.ndim > 2 or array.size > max_cells or array.size == 0:
        return None
    rows = array.reshape(1, -1) if array.ndim == 1 else array
    cells = [[fmt_scalar(float(v), precision) for v in row] for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    if len(lines) == 1:
        return f"[ {lines[0]} ]"
    last = len(lines) - 1
    return "\n".join(("⎡ " if i == 0 else "⎣ " if i == last else "⎢ ") + line
                     + (" ⎤" if i == 0 else " ⎦" if i == last else " ⎥") for i, line in enumerate(lines))


def to_jsonable(value: Any) -> Any:
    """A value for JSON output: floats, nested lists for arrays, None for nan/inf (strict JSON has neither)."""
    value = to_host(value)
    if is_ndarray(value):
        if value.ndim and bool(_numpy().isfinite(value).all()):
            return value.astype(float).tolist()  # one C pass: 10^6 numbers in milliseconds
        return [to_jsonable(v) for v in value] if value.ndim else to_jsonable(float(value))
    if value is None:
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def written_tolerance(text: str) -> float:
    """Half a unit in the last digit the person wrote: ``0.73`` → 0.005, ``-4`` → 0.5, ``1.5e-3`` → 5e-5."""
    mantissa, _, exponent = text.strip().lower().replace("−", "-").partition("e")
    decimals = len(mantissa.partition(".")[2])
    try:
        scale = 10.0 ** int(exponent) if exponent else 1.0
    except (OverflowError, ValueError):  # 1e400: no finite number is that far from anything
        return math.inf
    return 0.5 * 10.0**-decimals * scale


def matches_written(text: str, expected: float, tolerance: float | None = None) -> bool:
    """Does the number written as ``text`` agree with ``expected`` up to honest rounding?"""
    claimed = float(text.strip().replace("−", "-"))
    limit = written_tolerance(text) if tolerance is None else tolerance
    return abs(claimed - expected) <= limit * (1 + 1e-9) + 1e-12
