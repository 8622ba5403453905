"""Constants while parsing: an op whose operands are all constants is computed once (folded), and the numbers
the program's constants hold are counted against the limit (graphstep.limits), with the place in the source."""

from __future__ import annotations

from typing import Any

import numpy

from graphstep.errors import SourceError
from graphstep.limits import Budget, TooManyElements, TooManyElementsAt, result_size
from graphstep.ops import OPS


def claim(budget: Budget, count: int, source: str, span: tuple[int, int]) -> None:
    """Count ``count`` more numbers held by the constants of ``source``, refused (with the place) past the limit."""
    try:
        budget.claim(count)
    except TooManyElements as error:
        raise TooManyElementsAt(error.key, source, *span, **error.fields) from None


def fold(budget: Budget, source: str, op_name: str, values: list[Any], const: Any, span: tuple[int, int]) -> Any:
    """The value of ``op_name`` on constant operands (a float, or an array), computed by the ops table."""
    if any(isinstance(v, str) for v in values):
        raise SourceError("error.string_value", source, *span)
    if len(values) > 1:  # broadcasting and @ can make more numbers than they are given: counted first
        shapes = [numpy.shape(v) for v in values]
        claim(budget, result_size(op_name, shapes), source, span)
        try:
            budget.claim_work(op_name, shapes)
        except TooManyElements as error:
            raise TooManyElementsAt(error.key, source, *span, **error.fields) from None
    with numpy.errstate(all="ignore"):
        try:
            result = OPS[op_name].forward(numpy, [numpy.asarray(v, dtype=float) for v in values], const)
        except ValueError as error:
            raise SourceError("error.cannot_compute", source, *span, error=error) from None
    array = numpy.asarray(result)
    if len(values) == 1:  # one input: the result is no larger (a reduction is much smaller)
        claim(budget, array.size, source, span)
    return float(array) if array.ndim == 0 else array


def is_zero(value: Any) -> bool:
    return not isinstance(value, str) and numpy.ndim(value) == 0 and float(value) == 0.0


def is_scalar(value: Any) -> bool:
    return isinstance(value, float) or (isinstance(value, numpy.ndarray) and value.ndim == 0)
