"""What the parser works with while it reads an expression: a constant operand (folded, never a node unless
it must be) or a reference to a graph node; and the signature of a call with its own argument rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from graphstep.parser import Parser


class Const(NamedTuple):  # named tuples: made for every operand, and much cheaper than frozen dataclasses
    """A constant operand (folded, never a node unless it must be)."""

    value: Any
    start: int
    end: int
    euler: bool = False  # the name `e`: `e^{x}` means exp(x)


class Ref(NamedTuple):
    """An operand that is a graph node."""

    id: int
    start: int
    end: int


Operand = Const | Ref
CallHandler = Callable[["Parser", str, list[Operand], dict[str, Operand], tuple[int, int]], Operand]
