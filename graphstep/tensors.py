"""Tensor values in the language: constructors, files, parameters, and calls with an ``axis=``.

``zeros(2, 3)``, ``ones(4)``, ``randn(2, 3, seed=1)`` and ``load("x.npy")`` build a constant while parsing (so
``X = load("x.csv")`` binds an input whose default is that array); ``param(…)`` marks a value trainable for
``graphstep train``; ``sum(X, axis=1)``, ``mean``, ``softmax`` and ``log_softmax`` take an optional axis.
The ops themselves live in the ops table (graphstep.ops); this module's ``RULES`` is how the calls read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphstep.errors import GraphstepError, Phrase
from graphstep.files import decode, reachable, read_bytes
from graphstep.graph import INPUT, Graph
from graphstep.lazynp import is_ndarray
from graphstep.lazynp import numpy as _numpy
from graphstep.limits import check_count, current, shape_size
from graphstep.operands import Const, Operand
from graphstep.ops import CALL_NAMES, KEEPDIMS

if TYPE_CHECKING:
    import numpy

    from graphstep.parser import Parser

Span = tuple[int, int]
MAX_DIMENSIONS = 32  # numpy's arrays have at most 32 (numpy 1) or 64 (numpy 2) axes


def parameters(graph: Graph) -> list[str]:
    """The inputs the program marks trainable with ``param(…)``, in the order they appear."""
    if not any(n.op == INPUT and is_ndarray(n.const) for n in graph.nodes):  # no array: no param(…)
        return []
    from graphstep.parameter import Parameter

    return [n.name for n in graph.nodes if n.op == INPUT and n.name and isinstance(n.const, Parameter)]


def __getattr__(name: str) -> Any:
    """``graphstep.tensors.Parameter``, imported (with numpy) when asked for (see graphstep.parameter)."""
    if name == "Parameter":
        from graphstep.parameter import Parameter

        return Parameter
    raise AttributeError(name)


# --- reading arrays from files ------------------------------------------------------------------------


EXAMPLES = Path(__file__).parent / "examples"


def load_array(path_text: str, confined: bool = True) -> numpy.ndarray:
    """A ``.npy`` file, or a ``.csv``/``.txt`` table of numbers (a header line is skipped), as float64.

    ``confined`` (a program's ``load("…")``): a relative path is looked up in the program's folder, then
    among the data files shipped with graphstep's examples (so an example opens from anywhere), and the
    file must lie inside the folders the limits allow (see :mod:`graphstep.limits`). Otherwise (a value
    given on the command line) the path is the user's own, relative to the current folder."""
    path = reachable(path_text, EXAMPLES) if confined else Path(path_text).expanduser()
    if path.suffix == ".npy":
        return read_npy(path, path_text)
    data = read_bytes(path, current().max_table_bytes, path_text)
    return _load_table(decode(data, path_text), path.suffix, path_text)


def read_npy(path: Path, shown: str) -> numpy.ndarray:
    """A ``.npy`` array of real numbers; its header is checked (size, dtype) before the data is read."""
    import io

    numpy = _numpy()
    shape, dtype, offset = npy_header(path, shown)
    count = check_count(shape_size(shape), shown)
    needed = offset + count * dtype.itemsize
    data = read_bytes(path, needed, shown, truncate=True)
    if len(data) < needed:
        raise GraphstepError("file.npy_short", path=shown)
    try:
        array = numpy.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError):
        raise GraphstepError("file.npy_invalid", path=shown) from None
    return numpy.asarray(array, dtype=float)


def npy_header(path: Path, shown: str) -> tuple[tuple[int, ...], numpy.dtype[Any], int]:
    """(shape, dtype, data offset) from a ``.npy`` file's header alone, refused unless the file is regular
    and its dtype real numbers (no objects, no structured or complex values). Nothing else is read: a
    crafted shape (2**70,) is refused by what reads the data."""
    import io

    from numpy.lib import format as npy

    header = read_bytes(path, 1 << 20, shown, truncate=True)
    try:
        handle = io.BytesIO(header)
        version = npy.read_magic(handle)
        reader = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}.get(version)
        if reader is None:
            raise ValueError("unknown version")
        shape, _fortran, dtype = reader(handle)
    except Exception:  # numpy's header parser raises ValueError, SyntaxError, tokenize's TokenError, …
        raise GraphstepError("file.npy_header", path=shown) from None
    if dtype.kind == "c":
        raise GraphstepError("file.complex", path=shown)
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
        raise GraphstepError("file.npy_dtype", path=shown, dtype=dtype.str)
    return tuple(int(s) for s in shape), dtype, handle.tell()


def _load_table(text: str, suffix: str, shown: str) -> numpy.ndarray:
    delimiter = "," if suffix == ".csv" else None
    lines = text.splitlines()
    try:
        return _table(lines, delimiter)
    except ValueError:
        pass
    try:
        # A first line of column names (`x1,x2,label`) is common in CSV files: skip it once.
        return _table(lines[1:], delimiter)
    except ValueError:
        # numpy's message quotes the offending text: a file's content is never shown.
        raise GraphstepError("file.not_a_table", path=shown) from None


def _table(lines: list[str], delimiter: str | None) -> numpy.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "input contained no data": an empty table is refused below
        array = _numpy().loadtxt(lines, delimiter=delimiter, ndmin=1, dtype=float)
    if array.size == 0:
        raise ValueError("empty")
    return array


# --- call rules ----------------------------------------------------------------------------------------------


def _number(parser: Parser, operand: Operand, what: Phrase) -> float:
    if not isinstance(operand, Const) or isinstance(operand.value, str) or (
            type(operand.value) is not float and _numpy().ndim(operand.value) != 0):
        raise parser.error("error.number_in_formula", operand.start, operand.end, what=what)
    return float(operand.value)


def _whole(parser: Parser, operand: Operand, what: Phrase, minimum: int = 0) -> int:
    value = _number(parser, operand, what)
    if not value.is_integer() or value < minimum:
        raise parser.error("error.whole_number", operand.start, operand.end, what=what, minimum=minimum)
    return int(value)


def _only(parser: Parser, name: str, kwargs: dict[str, Operand], allowed: tuple[str, ...], span: Span) -> None:
    for key, operand in kwargs.items():
        if key not in allowed:
            known = ", ".join(f"{k}=" for k in allowed) or Phrase("error.none")
            raise parser.error("error.no_option", operand.start, operand.end, name=name, key=key, known=known)


def _shape(parser: Parser, name: str, args: list[Operand], span: Span) -> tuple[int, ...]:
    """The sizes written in ``zeros(2, 3)``, counted against the limits before any array is made."""
    if not args:
        raise parser.error("error.needs_sizes", *span, name=name)
    if len(args) > MAX_DIMENSIONS:
        raise parser.error("error.max_dims", *span, name=name, dims=MAX_DIMENSIONS)
    shape = tuple(_whole(parser, a, Phrase("error.what_size", {"name": name})) for a in args)
    parser.claim(shape_size(shape), span)
    return shape


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
        seed = _whole(parser, kwargs["seed"], Phrase("error.what_seed"))
    else:  # the k-th randn call without a seed uses seed k: reproducible, and two calls differ
        seed = sum(1 for t in parser.tokens[: parser.pos] if t[0] == "FUNC" and t[1] == "randn") - 1
    return Const(_numpy().random.default_rng(seed).standard_normal(shape), *span)


def _load(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
    _only(parser, name, kwargs, (), span)
    if len(args) != 1 or not isinstance(args[0], Const) or not isinstance(args[0].value, str):
        raise parser.error("error.load_args", *span)
    try:
        array = load_array(args[0].value)
    except GraphstepError as error:
        raise parser.error(error.key, args[0].start, args[0].end, **error.fields) from None
    parser.claim(array.size, span)
    return Const(array, *span)


def _param(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
    _only(parser, name, kwargs, (), span)
    if len(args) != 1 or not isinstance(args[0], Const) or isinstance(args[0].value, str):
        raise parser.error("error.param_args", *span)
    from graphstep.parameter import Parameter

    return Const(_numpy().array(args[0].value, dtype=float).view(Parameter), *span)


def _with_axis(op_name: str, keepdims: bool = False) -> Callable[..., Operand]:
    def rule(parser: Parser, name: str, args: list[Operand], kwargs: dict[str, Operand], span: Span) -> Operand:
        _only(parser, name, kwargs, ("axis", "keepdims") if keepdims else ("axis",), span)
        if len(args) != 1:
            raise parser.error("error.axis_args", *span, name=name, got=len(args))
        axis = None
        if "axis" in kwargs:
            value = _number(parser, kwargs["axis"], Phrase("error.what_axis"))
            if not value.is_integer():
                raise parser.error("error.axis_whole", kwargs["axis"].start, kwargs["axis"].end)
            if abs(value) > MAX_DIMENSIONS:
                raise parser.error("error.axis_range", kwargs["axis"].start, kwargs["axis"].end,
                                   dims=MAX_DIMENSIONS, top=MAX_DIMENSIONS - 1)
            axis = int(value)
        if "keepdims" in kwargs and _number(parser, kwargs["keepdims"], Phrase("error.what_keepdims")):
            return parser.apply(op_name, args, span, (axis, KEEPDIMS))  # the reduced axis stays, as 1
        return parser.apply(op_name, args, span, axis)

    return rule


RULES: dict[str, Callable[..., Operand]] = {
    "zeros": _filled(lambda shape: _numpy().zeros(shape)),
    "ones": _filled(lambda shape: _numpy().ones(shape)),
    "randn": _randn,
    "load": _load,
    "param": _param,
    "sum": _with_axis("sum", keepdims=True),
    "mean": _with_axis("mean", keepdims=True),
    "softmax": _with_axis("softmax"),
    "log_softmax": _with_axis("log_softmax"),
}
"""How each call with its own argument rules reads (the parser's ``CALLS``): the constructors of
``ops.CALL_NAMES`` and the reductions that take ``axis=``."""
if set(RULES) != CALL_NAMES | {"sum", "mean", "softmax", "log_softmax"}:  # import-time check, as in ops
    raise AssertionError("tensors.RULES and ops.CALL_NAMES disagree")
