"""Constants while parsing: an op whose operands are all constants is computed once (folded), and the numbers
the program's constants hold are counted against the limit (graphstep.limits), with the place in the source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphstep.errors import SourceError
from graphstep.lazynp import is_ndarray, numpy, quiet
from graphstep.limits import Budget, TooManyElements, TooManyElementsAt, result_size
from graphstep.ops import OPS
from graphstep.scalar import FALLBACK, RULES


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
        shapes = [() if type(v) is float else numpy().shape(v) for v in values]
        claim(budget, result_size(op_name, shapes), source, span)
        try:
            budget.claim_work(op_name, shapes)
        except TooManyElements as error:
            raise TooManyElementsAt(error.key, source, *span, **error.fields) from None
    number = on_floats(op_name, values, const)
    if number is not None:  # numbers in, a number out: no array made (nor numpy imported: `\frac{1}{2}x`)
        if len(values) == 1:
            claim(budget, 1, source, span)
        return number
    np = numpy()
    with np.errstate(all="ignore"):
        try:
            result = OPS[op_name].forward(np, [np.asarray(v, dtype=float) for v in values], const)
        except ValueError as error:
            raise SourceError("error.cannot_compute", source, *span, error=error) from None
    array = np.asarray(result)
    if len(values) == 1:  # one input: the result is no larger (a reduction is much smaller)
        claim(budget, array.size, source, span)
    return float(array) if array.ndim == 0 else array


def on_floats(op_name: str, values: Sequence[Any], const: Any) -> float | None:
    """``op_name`` on Python floats by the scalar fast path's rule (numpy's result, bit for bit: see
    graphstep.scalar), or None where that rule does not answer (then numpy computes it)."""
    rule = RULES.get(op_name)
    op = OPS.get(op_name)
    if (rule is None or op is not _TWINS[op_name] or len(values) != op.arity
            or any(type(v) is not float for v in values)):
        return None
    try:
        with quiet():  # exp, log, …: numpy's own last bit
            return rule[0](values[0], values[-1], const)
    except FALLBACK:
        return None


_TWINS = {name: OPS[name] for name in RULES}
"""The ops table's entries the float rules copy (a test that plants another op sees numpy used)."""


def is_zero(value: Any) -> bool:
    if type(value) is float:
        return value == 0.0
    return not isinstance(value, str) and numpy().ndim(value) == 0 and float(value) == 0.0


def is_scalar(value: Any) -> bool:
    return isinstance(value, float) or (is_ndarray(value) and value.ndim == 0)
