"""Tensor values in the language: constructors, files, parameters, and calls with an ``axis=``.

``zeros(2, 3)``, ``ones(4)``, ``randn(2, 3, seed=1)`` and ``load("x.npy")`` build a constant while parsing (so
``X = load("x.csv")`` binds an input whose default is that array); ``param(…)`` marks a value trainable for
``graphstep train``; ``sum(X, axis=1)``, ``mean``, ``softmax`` and ``log_softmax`` take an optional axis.
The ops themselves live in the ops table (graphstep.ops); this module only registers how the calls read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import numpy

from graphstep.errors import GraphstepError
from graphstep.graph import INPUT, Graph
from graphstep.ops import CALL_NAMES, KEEPDIMS
from graphstep.parser import CALLS, Const, Operand, Parser

Span = tuple[int, int]


class Parameter(numpy.ndarray):
    """An input's default value that ``param(…)`` marked trainable (a plain array in every computation)."""


def parameters(graph: Graph) -> list[str]:
    """The inputs the program marks trainable with ``param(…)``, in the order they appear."""
    return [n.name for n in graph.nodes if n.op == INPUT and n.name and isinstance(n.const, Parameter)]


# --- reading arrays from files ------------------------------------------------------------------------


EXAMPLES = Path(__file__).parent / "examples"
_BESIDE: ContextVar[Path | None] = ContextVar("graphstep_load_beside", default=None)


@contextmanager
def files_beside(source_argument: str) -> Iterator[None]:
    """While parsing a program read from a file, ``load("x.csv")`` also looks in that file's folder."""
    path = Path(source_argument)
    token = _BESIDE.set(path.parent if path.suffix and path.is_file() else None)
    try:
        yield
    finally:
        _BESIDE.reset(token)


def load_array(path_text: str) -> numpy.ndarray:
    """A ``.npy`` file, or a ``.csv``/``.txt`` table of numbers (a header line is skipped), as float64.
    A relative path is looked up in the current folder, then beside the program's file, then among the
    data files shipped with graphstep's examples (so an example opens from anywhere, in any view)."""
    path = Path(path_text).expanduser()
    if not path.is_file() and not path.is_absolute():
        for folder in (_BESIDE.get(), EXAMPLES):
            if folder is not None and (folder / path).is_file():
                path = folder / path
                break
    if not path.is_file():
        raise GraphstepError(f"file not found: {path_text}")
    try:
        array = numpy.load(path, allow_pickle=False) if path.suffix == ".npy" else _load_table(path)
        return numpy.asarray(array, dtype=float)
    except (ValueError, OSError, EOFError) as error:
        raise GraphstepError(f"{path_text}: cannot read an array of numbers from it ({error})") from None


def _load_table(path: Path) -> numpy.ndarray:
    delimiter = "," if path.suffix == ".csv" else None
    try:
        return numpy.loadtxt(path, delimiter=delimiter, ndmin=1)
    except ValueError:
        # A first line of column names (`x1,x2,label`) is common in CSV files: skip it once.
        return numpy.loadtxt(path, delimiter=delimiter, ndmin=1, skiprows=1)


# --- call rules ----------------------------------------------------------------------------------------------


def _number(parser: Parser, operand: Operand, what: str) -> float:
    if not isinstance(operand, Const) or isinstance(operand.value, str) or numpy.ndim(operand.value) != 0:
        raise parser.error(f"{what} must be a number written in the formula", operand.start, operand.end)
    return float(operand.value)


def _whole(parser: Parser, operand: Operand, what: str, minimum: int = 0) -> int:
    value = _number(parser, operand, what)
    if not value.is_integer() or value < minimum:
        raise parser.error(f"{what} must be a whole number ≥ {minimum}", operand.start, operand.end)
    return int(value)


def _only(parser: Parser, name: str, kwargs: dict[str, Operand], allowed: tuple[str, ...], span: Span) -> None:
    for key, operand in kwargs.items():
        if key not in allowed:
            known = ", ".join(f"{k}=" for k in allowed) or "none"
            raise parser.error(f"{name} has no option {key!r} (its options: {known})", operand.start, operand.end)


def _shape(parser: Parser, name: str, args: list[Operand], span: Span) -> tuple[int, ...]:
    if not args:
        raise parser.error(f"{name} needs the size of each dimension, like {name}(2, 3)", *span)
    return tuple(_whole(parser, a, f"each size of {name}") for a in args)


def _filled(fill: Callable[[tuple[int, ...]], numpy.ndarray]) -> Callable[..., Operand]:
    def rule(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
        _only(parser, name, kwargs, (), span)
        return Const(fill(_shape(parser, name, args, span)), *span)

    return rule


def _randn(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
    """Standard normal numbers; the same file gives the same numbers on every run."""
    _only(parser, name, kwargs, ("seed",), span)
    shape = _shape(parser, name, args, span)
    if "seed" in kwargs:
        seed = _whole(parser, kwargs["seed"], "the seed")
    else:  # the k-th randn call without a seed uses seed k: reproducible, and two calls differ
        seed = sum(1 for t in parser.tokens[: parser.pos] if t[0] == "FUNC" and t[1] == "randn") - 1
    return Const(numpy.random.default_rng(seed).standard_normal(shape), *span)


def _load(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
    _only(parser, name, kwargs, (), span)
    if len(args) != 1 or not isinstance(args[0], Const) or not isinstance(args[0].value, str):
        raise parser.error('load takes one file name in quotes: load("x.npy") or load("data.csv")', *span)
    try:
        return Const(load_array(args[0].value), *span)
    except GraphstepError as error:
        raise parser.error(str(error), args[0].start, args[0].end) from None


def _param(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
    _only(parser, name, kwargs, (), span)
    if len(args) != 1 or not isinstance(args[0], Const) or isinstance(args[0].value, str):
        raise parser.error("param marks a starting value as trainable: W = param(randn(2, 3)) or b = param(0)",
                           *span)
    return Const(numpy.array(args[0].value, dtype=float).view(Parameter), *span)


def _with_axis(op_name: str, keepdims: bool = False) -> Callable[..., Operand]:
    def rule(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
        _only(parser, name, kwargs, ("axis", "keepdims") if keepdims else ("axis",), span)
        if len(args) != 1:
            raise parser.error(f"{name} takes one argument (and optionally axis=…), got {len(args)}", *span)
        axis = None
        if "axis" in kwargs:
            value = _number(parser, kwargs["axis"], "the axis")
            if not value.is_integer():
                raise parser.error("the axis must be a whole number", kwargs["axis"].start, kwargs["axis"].end)
            axis = int(value)
        if "keepdims" in kwargs and _number(parser, kwargs["keepdims"], "keepdims (1 or 0)"):
            return parser.apply(op_name, args, span, (axis, KEEPDIMS))  # the reduced axis stays, as 1
        return parser.apply(op_name, args, span, axis)

    return rule


RULES: dict[str, Callable[..., Operand]] = {
    "zeros": _filled(numpy.zeros),
    "ones": _filled(numpy.ones),
    "randn": _randn,
    "load": _load,
    "param": _param,
    "sum": _with_axis("sum", keepdims=True),
    "mean": _with_axis("mean", keepdims=True),
    "softmax": _with_axis("softmax"),
    "log_softmax": _with_axis("log_softmax"),
}

CALLS.update(RULES)
CALL_NAMES.update(name for name in RULES if name not in ("sum", "mean", "softmax", "log_softmax"))
