"""The ops table: every operation graphstep knows, defined once.

Each entry holds the gate's symbol, its arity, the forward function, the local gradient rule and the LaTeX
form; the human explanation of the rule is ``rule.<name>`` in each language's catalogue
(``graphstep/locales``). Views, the engine, the checker and the exporters all read this table; none of them
knows an op's math on its own. Adding an op is one entry here plus its rule sentence in each catalogue (the
import-time check below refuses an op without one).

Conventions:
- ``forward(xp, args, c)`` returns the op's value; ``xp`` is the array namespace (numpy or cupy), ``args``
  the input values in order, ``c`` the op's constant (``+1``, ``*2``) or attribute (an axis), else None.
- Elementwise ops give ``local(xp, args, out, c)``: one local derivative per input, the number the
  blackboard writes (``∂(x*y)/∂x = y``); the gradient sent is ``upstream * local``.
- Ops that are not elementwise (matmul, reductions, softmax) give ``vjp(xp, upstream, args, out, c)``
  returning one gradient per input directly. The engine reduces a broadcast gradient back to its input's
  shape, so rules never have to.
- Non-differentiable points follow PyTorch: relu'(0) = 0, abs'(0) = 0, a tie at max/min splits evenly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphstep.errors import GateValueError
from graphstep.i18n import has, t

Emit = Callable[[str, Sequence[int], Any], int]
"""``emit(op_name, input_ids, const) -> node id``: how a composite op builds its primitive chain."""


@dataclass(frozen=True)
class Op:
    name: str
    symbol: str | Callable[[Any], str]
    arity: int
    forward: Callable[..., Any]
    latex: str
    local: Callable[..., tuple[Any, ...]] | None = None
    vjp: Callable[..., tuple[Any, ...]] | None = None
    local_formula: tuple[str, ...] = ()
    warn: Callable[..., tuple[str, ...]] | None = None
    expand: Callable[[Emit, Sequence[int], Any], int] | None = None
    takes_const: bool = False
    elementwise: bool = True

    def label(self, const: Any = None) -> str:
        """The gate's text: ``*``, ``exp``, ``+1``, ``*-1``, ``1/x``."""
        return self.symbol(const) if callable(self.symbol) else self.symbol

    def rule(self, lang: str = "en") -> str:
        """The human explanation of the gradient rule (``rule.<name>`` in the catalogues)."""
        return t(f"rule.{self.name}", lang)

    def gradients(self, xp: Any, upstream: Any, args: Sequence[Any], out: Any, const: Any) -> tuple[Any, ...]:
        """Vector-Jacobian product: the gradient this op sends to each of its inputs."""
        if self.vjp is not None:
            return self.vjp(xp, upstream, args, out, const)
        assert self.local is not None
        # A local derivative of exactly 1 (add, +c) passes the upstream array on: no copy of a big batch.
        return tuple(upstream if _is_one(d) else upstream * d for d in self.local(xp, args, out, const))


def _is_one(d: Any) -> bool:
    return isinstance(d, float) and d == 1.0


def fmt_const(c: Any) -> str:
    """A constant as the lecture writes it on a gate: ``1``, ``-1``, ``0.5``, ``2.72``."""
    if isinstance(c, (int, float)) and not isinstance(c, bool):
        if float(c).is_integer() and abs(c) < 1e15:
            return str(int(c))
        return f"{c:.4g}"
    return str(c)


OPS: dict[str, Op] = {}


def define(op: Op) -> Op:
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} defined twice")
    OPS[op.name] = op
    return op


# --- warnings (codes; the words live in graphstep.explain) ------------------------------------------


def _any(xp: Any, condition: Any) -> bool:
    # a scalar condition needs no array call (the step list of a big scalar graph checks every node)
    return bool(condition) if getattr(condition, "ndim", 0) == 0 else bool(xp.any(condition))


def _warn_tie(xp: Any, args: Sequence[Any], out: Any, c: Any) -> tuple[str, ...]:
    other = args[1] if len(args) > 1 else c
    return ("tie",) if _any(xp, args[0] == other) else ()


def _warn_kink(xp: Any, args: Sequence[Any], out: Any, c: Any) -> tuple[str, ...]:
    return ("kink",) if _any(xp, args[0] == 0) else ()


def _warn_log(xp: Any, args: Sequence[Any], out: Any, c: Any) -> tuple[str, ...]:
    if _any(xp, args[0] == 0):
        return ("log_zero",)
    return ("domain",) if _any(xp, args[0] < 0) else ()


def _warn_sqrt(xp: Any, args: Sequence[Any], out: Any, c: Any) -> tuple[str, ...]:
    if _any(xp, args[0] < 0):
        return ("domain",)
    return ("sqrt_zero",) if _any(xp, args[0] == 0) else ()


def _warn_div(xp: Any, args: Sequence[Any], out: Any, c: Any) -> tuple[str, ...]:
    return ("div_zero",) if _any(xp, args[-1] == 0) else ()


def _warn_rdiv(xp: Any, args: Sequence[Any], out: Any, c: Any) -> tuple[str, ...]:
    return ("div_zero",) if _any(xp, args[0] == 0) else ()


# --- helpers for the rules ----------------------------------------------------------------------------


def _size(x: Any) -> int:
    """The number of elements (``x.size`` is a method on PyTorch tensors)."""
    return math.prod(x.shape)


def _indicator(xp: Any, condition: Any, like: Any) -> Any:
    """1.0 where ``condition`` holds, else 0.0, in the dtype of the array ``like`` (the array API has no
    ``where`` of two Python numbers, and PyTorch would make it float32)."""
    return xp.astype(condition, like.dtype)


def _max_split(xp: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """Gradient share of each input of max(a, b): 1 to the larger, 0.5 each on a tie (PyTorch)."""
    share_a = xp.where(a == b, 0.5, _indicator(xp, a > b, a if hasattr(a, "dtype") else b))
    return share_a, 1.0 - share_a


def _sigmoid(xp: Any, x: Any) -> Any:
    return 1.0 / (1.0 + xp.exp(-x))


def _pow_exponent_local(xp: Any, a: Any, out: Any) -> Any:
    # d(a^b)/db = a^b ln a; PyTorch's convention where a == 0 gives 0 (and nan where a < 0).
    safe = xp.where(a > 0, a, 1.0)
    return xp.where(a > 0, out * xp.log(safe), xp.where(a == 0, a * 0.0, math.nan))


def _signed(c: Any, plus: str, minus: str) -> str:
    return f"{plus}{fmt_const(c)}" if c >= 0 else f"{minus}{fmt_const(-c)}"


# --- binary arithmetic ----------------------------------------------------------------------------------

define(Op(
    name="add", symbol="+", arity=2,
    forward=lambda xp, a, c: a[0] + a[1],
    local=lambda xp, a, out, c: (1.0, 1.0),
    local_formula=("1", "1"),
    latex="{0} + {1}",
))
define(Op(
    name="sub", symbol="-", arity=2,
    forward=lambda xp, a, c: a[0] - a[1],
    local=lambda xp, a, out, c: (1.0, -1.0),
    local_formula=("1", "-1"),
    latex="{0} - {1}",
))
define(Op(
    name="mul", symbol="*", arity=2,
    forward=lambda xp, a, c: a[0] * a[1],
    local=lambda xp, a, out, c: (a[1], a[0]),
    local_formula=("{1}", "{0}"),
    latex="{0} \\cdot {1}",
))
define(Op(
    name="div", symbol="/", arity=2,
    forward=lambda xp, a, c: a[0] / a[1],
    local=lambda xp, a, out, c: (1.0 / a[1], -a[0] / (a[1] * a[1])),
    local_formula=("1/{1}", "-{0}/{1}²"),
    latex="\\frac{{{0}}}{{{1}}}",
    warn=_warn_div,
))
define(Op(
    name="pow", symbol="^", arity=2,
    forward=lambda xp, a, c: a[0] ** a[1],
    local=lambda xp, a, out, c: (a[1] * a[0] ** (a[1] - 1.0), _pow_exponent_local(xp, a[0], out)),
    local_formula=("{1}·{0}^({1}-1)", "{out}·ln({0})"),
    latex="{{{0}}}^{{{1}}}",
))
define(Op(
    name="max", symbol="max", arity=2,
    forward=lambda xp, a, c: xp.maximum(a[0], a[1]),
    local=lambda xp, a, out, c: _max_split(xp, a[0], a[1]),
    local_formula=("𝟙({0} ≥ {1})", "𝟙({1} ≥ {0})"),
    latex="\\max({0}, {1})",
    warn=_warn_tie,
))
define(Op(
    name="min", symbol="min", arity=2,
    forward=lambda xp, a, c: xp.minimum(a[0], a[1]),
    local=lambda xp, a, out, c: _max_split(xp, a[1], a[0]),
    local_formula=("𝟙({0} ≤ {1})", "𝟙({1} ≤ {0})"),
    latex="\\min({0}, {1})",
    warn=_warn_tie,
))


def _swap_last(xp: Any, x: Any) -> Any:
    """The last two axes swapped (the array API's matrix_transpose; numpy and CuPy also call it swapaxes)."""
    swap = getattr(xp, "matrix_transpose", None)
    return swap(x) if swap is not None else xp.swapaxes(x, -1, -2)


def _matmul_vjp(xp: Any, g: Any, a: Sequence[Any], out: Any, c: Any) -> tuple[Any, Any]:
    x, w = a
    if x.ndim == 1 and w.ndim == 1:
        return g * w, g * x
    if x.ndim == 1:  # (K,) @ (…, K, M) → (…, M); the engine sums x's gradient over any batch axes
        return (w @ g[..., None])[..., 0], x[:, None] * g[..., None, :]
    if w.ndim == 1:  # (…, N, K) @ (K,) → (…, N)
        return g[..., None] * w, xp.tensordot(g, x, axes=g.ndim)
    # (gᵀ x)ᵀ is xᵀ g; OpenBLAS computes it several times faster when the batch axis is long
    return g @ _swap_last(xp, w), _swap_last(xp, _swap_last(xp, g) @ x)


define(Op(
    name="matmul", symbol="@", arity=2,
    forward=lambda xp, a, c: a[0] @ a[1],
    vjp=_matmul_vjp,
    latex="{0} {1}",
    elementwise=False,
))

# --- a binary op with one constant operand is one unary gate labelled with the constant -------------

define(Op(
    name="add_const", symbol=lambda c: _signed(c, "+", "-"), arity=1, takes_const=True,
    forward=lambda xp, a, c: a[0] + c,
    local=lambda xp, a, out, c: (1.0,),
    local_formula=("1",),
    latex="{0} + {c}",
))
define(Op(
    name="rsub_const", symbol=lambda c: f"{fmt_const(c)}-x", arity=1, takes_const=True,
    forward=lambda xp, a, c: c - a[0],
    local=lambda xp, a, out, c: (-1.0,),
    local_formula=("-1",),
    latex="{c} - {0}",
))
define(Op(
    name="mul_const", symbol=lambda c: f"*{fmt_const(c)}", arity=1, takes_const=True,
    forward=lambda xp, a, c: a[0] * c,
    local=lambda xp, a, out, c: (c,),
    local_formula=("{c}",),
    latex="{c} \\cdot {0}",
))
define(Op(
    name="div_const", symbol=lambda c: f"/{fmt_const(c)}", arity=1, takes_const=True,
    forward=lambda xp, a, c: a[0] / c,
    local=lambda xp, a, out, c: (1.0 / c,),  # c is never 0: the parser refuses x/0
    local_formula=("1/{c}",),
    latex="\\frac{{{0}}}{{{c}}}",
))
define(Op(
    name="rdiv_const", symbol=lambda c: f"{fmt_const(c)}/x", arity=1, takes_const=True,
    forward=lambda xp, a, c: c / a[0],
    local=lambda xp, a, out, c: (-c / (a[0] * a[0]),),
    local_formula=("-{c}/{0}²",),
    latex="\\frac{{{c}}}{{{0}}}",
    warn=_warn_rdiv,
))
define(Op(
    name="pow_const", symbol=lambda c: f"^{fmt_const(c)}", arity=1, takes_const=True,
    forward=lambda xp, a, c: a[0] ** c,
    local=lambda xp, a, out, c: (c * a[0] ** (c - 1.0),),
    local_formula=("{c}·{0}^{cm1}",),
    latex="{{{0}}}^{{{c}}}",
))
define(Op(
    name="rpow_const", symbol=lambda c: f"{fmt_const(c)}^x", arity=1, takes_const=True,
    forward=lambda xp, a, c: c ** a[0],
    local=lambda xp, a, out, c: (out * math.log(c) if c > 0 else out * math.nan,),
    local_formula=("ln({c})·{out}",),
    latex="{c}^{{{0}}}",
))
define(Op(
    name="max_const", symbol=lambda c: f"max(·,{fmt_const(c)})", arity=1, takes_const=True,
    forward=lambda xp, a, c: xp.maximum(a[0], c),
    local=lambda xp, a, out, c: (_max_split(xp, a[0], c)[0],),
    local_formula=("𝟙({0} ≥ {c})",),
    latex="\\max({0}, {c})",
    warn=_warn_tie,
))
define(Op(
    name="min_const", symbol=lambda c: f"min(·,{fmt_const(c)})", arity=1, takes_const=True,
    forward=lambda xp, a, c: xp.minimum(a[0], c),
    local=lambda xp, a, out, c: (_max_split(xp, c, a[0])[0],),
    local_formula=("𝟙({0} ≤ {c})",),
    latex="\\min({0}, {c})",
    warn=_warn_tie,
))

# --- elementwise functions ------------------------------------------------------------------------------

define(Op(
    name="exp", symbol="exp", arity=1,
    forward=lambda xp, a, c: xp.exp(a[0]),
    local=lambda xp, a, out, c: (out,),
    local_formula=("exp({0})",),
    latex="e^{{{0}}}",
))
define(Op(
    name="log", symbol="log", arity=1,
    forward=lambda xp, a, c: xp.log(a[0]),
    local=lambda xp, a, out, c: (1.0 / a[0],),
    local_formula=("1/{0}",),
    latex="\\log({0})",
    warn=_warn_log,
))
define(Op(
    name="sqrt", symbol="√", arity=1,
    forward=lambda xp, a, c: xp.sqrt(a[0]),
    local=lambda xp, a, out, c: (0.5 / out,),
    local_formula=("1/(2·√{0})",),
    latex="\\sqrt{{{0}}}",
    warn=_warn_sqrt,
))
define(Op(
    name="abs", symbol="abs", arity=1,
    forward=lambda xp, a, c: xp.abs(a[0]),
    local=lambda xp, a, out, c: (xp.sign(a[0]),),
    local_formula=("sign({0})",),
    latex="\\left|{0}\\right|",
    warn=_warn_kink,
))
define(Op(
    name="sin", symbol="sin", arity=1,
    forward=lambda xp, a, c: xp.sin(a[0]),
    local=lambda xp, a, out, c: (xp.cos(a[0]),),
    local_formula=("cos({0})",),
    latex="\\sin({0})",
))
define(Op(
    name="cos", symbol="cos", arity=1,
    forward=lambda xp, a, c: xp.cos(a[0]),
    local=lambda xp, a, out, c: (-xp.sin(a[0]),),
    local_formula=("-sin({0})",),
    latex="\\cos({0})",
))
define(Op(
    name="relu", symbol="relu", arity=1,
    forward=lambda xp, a, c: xp.maximum(a[0], 0.0),
    local=lambda xp, a, out, c: (_indicator(xp, a[0] > 0, a[0]),),
    local_formula=("𝟙({0} > 0)",),
    latex="\\mathrm{{relu}}({0})",
    warn=_warn_kink,
))


def _expand_sigmoid(emit: Emit, inputs: Sequence[int], c: Any) -> int:
    # The lecture's chain: *-1 → exp → +1 → 1/x
    t = emit("mul_const", inputs, -1.0)
    t = emit("exp", (t,), None)
    t = emit("add_const", (t,), 1.0)
    return emit("rdiv_const", (t,), 1.0)


def _expand_tanh(emit: Emit, inputs: Sequence[int], c: Any) -> int:
    # tanh(x) = 2σ(2x) - 1, built from the same primitive chain as the sigmoid
    t = emit("mul_const", inputs, 2.0)
    t = _expand_sigmoid(emit, (t,), None)
    t = emit("mul_const", (t,), 2.0)
    return emit("add_const", (t,), -1.0)


define(Op(
    name="sigmoid", symbol="σ", arity=1,
    forward=lambda xp, a, c: _sigmoid(xp, a[0]),
    local=lambda xp, a, out, c: (out * (1.0 - out),),
    local_formula=("σ({0})·(1-σ({0}))",),
    latex="\\sigma({0})",
    expand=_expand_sigmoid,
))
define(Op(
    name="tanh", symbol="tanh", arity=1,
    forward=lambda xp, a, c: xp.tanh(a[0]),
    local=lambda xp, a, out, c: (1.0 - out * out,),
    local_formula=("1-tanh²({0})",),
    latex="\\tanh({0})",
    expand=_expand_tanh,
))

# --- tensor ops: reductions, transpose, softmax and the losses ---------------------------------------------
# Their const is an attribute (the axis), not a constant operand; the engine sums broadcast gradients back.


KEEPDIMS = "keepdims"


def _reduction(c: Any) -> tuple[int | None, bool]:
    """A reduction's const: its axis (None: all elements), or ``(axis, "keepdims")`` to keep that axis as 1."""
    if isinstance(c, tuple):
        return (None if c[0] is None else int(c[0])), True
    return (None if c is None else int(c)), False


def _axis_symbol(name: str) -> Callable[[Any], str]:
    def symbol(c: Any) -> str:
        axis, keep = _reduction(c)
        options = ([] if axis is None else [f"axis={axis}"]) + ([KEEPDIMS] if keep else [])
        return f"{name}({', '.join(options)})" if options else name

    return symbol


def _axis(c: Any) -> int | None:
    return _reduction(c)[0]


def _unreduce(xp: Any, g: Any, shape: tuple[int, ...], c: Any) -> Any:
    """Spread a reduced gradient back over the reduced axis (every summed element gets it whole)."""
    axis, keep = _reduction(c)
    if axis is not None and len(shape) > 0 and not keep:
        g = xp.expand_dims(g, axis)
    return xp.broadcast_to(g, shape)


def _count(shape: tuple[int, ...], axis: int | None) -> int:
    if axis is None or not shape:
        return math.prod(shape)
    return shape[axis]


def _sum_forward(xp: Any, a: Sequence[Any], c: Any) -> Any:
    axis, keep = _reduction(c)
    return xp.sum(a[0], axis=axis if a[0].ndim else None, keepdims=keep)


def _mean_forward(xp: Any, a: Sequence[Any], c: Any) -> Any:
    axis, keep = _reduction(c)
    axis = axis if a[0].ndim else None
    # What xp.mean computes (the same sum, then one division), but the mean of nothing is nan without
    # numpy's "Mean of empty slice" Python warning, which errstate cannot silence.
    return xp.sum(a[0], axis=axis, keepdims=keep) / _count(a[0].shape, axis)


define(Op(
    name="sum", symbol=_axis_symbol("sum"), arity=1,
    forward=_sum_forward,
    vjp=lambda xp, g, a, out, c: (_unreduce(xp, g, a[0].shape, c),),
    latex="\\sum {0}",
    elementwise=False,
))
define(Op(
    name="mean", symbol=_axis_symbol("mean"), arity=1,
    forward=_mean_forward,
    vjp=lambda xp, g, a, out, c: (_unreduce(xp, g, a[0].shape, c) / _count(a[0].shape, _axis(c)),),
    latex="\\overline{{{0}}}",
    elementwise=False,
))


def _transpose(xp: Any, x: Any) -> Any:
    return _swap_last(xp, x) if x.ndim >= 2 else x


define(Op(
    name="transpose", symbol="ᵀ", arity=1,
    forward=lambda xp, a, c: _transpose(xp, a[0]),
    vjp=lambda xp, g, a, out, c: (_transpose(xp, g),),
    latex="{{{0}}}^\\top",
    elementwise=False,
))


def _along(xp: Any, how: str, z: Any, axis: int) -> Any:
    """``max`` or ``sum`` over one axis, keeping it. numpy reduces a short inner axis (2 or 10 classes of a
    big batch) row by row, slowly; a loop over that axis's slices is one fast pass per class."""
    size = z.shape[axis] if z.ndim else 1
    if z.ndim == 0 or size > 16 or _size(z) < 4096 * size or not hasattr(z, "flags"):  # numpy, CuPy only
        return getattr(xp, how)(z, axis=axis, keepdims=True)
    lead = (slice(None),) * (axis % z.ndim)
    total = z[(*lead, slice(0, 1))].copy()
    combine = xp.maximum if how == "max" else xp.add
    for j in range(1, size):
        combine(total, z[(*lead, slice(j, j + 1))], out=total)
    return total


def _log_softmax(xp: Any, z: Any, axis: int) -> Any:
    shifted = z - _along(xp, "max", z, axis)  # stable: the largest logit becomes 0
    shifted -= xp.log(_along(xp, "sum", xp.exp(shifted), axis))  # in place: `shifted` is ours
    return shifted


def _softmax_axis(c: Any) -> int:
    return -1 if c is None else int(c)


def _expand_softmax(emit: Emit, inputs: Sequence[int], c: Any) -> int:
    # The slide's formula: softmax(z)_j = e^{z_j} / Σ_c e^{z_c}
    e = emit("exp", inputs, None)
    total = emit("sum", (e,), (_softmax_axis(c), KEEPDIMS))
    return emit("div", (e, total), None)


def _expand_log_softmax(emit: Emit, inputs: Sequence[int], c: Any) -> int:
    # log softmax(z)_j = z_j - log Σ_c e^{z_c}
    e = emit("exp", inputs, None)
    total = emit("sum", (e,), (_softmax_axis(c), KEEPDIMS))
    return emit("sub", (inputs[0], emit("log", (total,), None)), None)


define(Op(
    name="softmax", symbol=_axis_symbol("softmax"), arity=1,
    forward=lambda xp, a, c: xp.exp(_log_softmax(xp, a[0], _softmax_axis(c))),
    vjp=lambda xp, g, a, out, c: (out * (g - _along(xp, "sum", g * out, _softmax_axis(c))),),
    latex="\\mathrm{{softmax}}({0})",
    expand=_expand_softmax,
    elementwise=False,
))
define(Op(
    name="log_softmax", symbol=_axis_symbol("log_softmax"), arity=1,
    forward=lambda xp, a, c: _log_softmax(xp, a[0], _softmax_axis(c)),
    vjp=lambda xp, g, a, out, c: (g - xp.exp(out) * _along(xp, "sum", g, _softmax_axis(c)),),
    latex="\\log \\mathrm{{softmax}}({0})",
    expand=_expand_log_softmax,
    elementwise=False,
))


def _class_indices(xp: Any, z: Any, y: Any) -> Any:
    """Labels given as class numbers 0..C-1, one per row of the logits, as integers."""
    classes = z.shape[-1] if z.ndim else 1
    if y.shape != z.shape[:-1]:
        raise GateValueError("error.ce_label_shape", rows=z.shape[:-1], shape=z.shape, got=y.shape)
    index = xp.astype(y, xp.int64)
    if bool(xp.any(xp.astype(index, y.dtype) != y) | xp.any(index < 0) | xp.any(index >= classes)):
        raise GateValueError("error.ce_label_range", top=classes - 1)
    return index


def _one_hot(xp: Any, index: Any, like: Any) -> Any:
    """1.0 at each row's class, 0.0 elsewhere: the shape and dtype of the logits ``like``."""
    classes = xp.arange(like.shape[-1], dtype=index.dtype, **_same_device(like))
    return xp.astype(index[..., None] == classes, like.dtype)


def _same_device(like: Any) -> dict[str, Any]:
    device = getattr(like, "device", None)
    return {} if device is None or type(like).__module__.startswith("numpy") else {"device": device}


def _picked(xp: Any, values: Any, index: Any) -> Any:
    if hasattr(values, "flags"):  # numpy, CuPy: pick without building the one-hot matrix
        return xp.take_along_axis(values, index[..., None], axis=-1)[..., 0]
    return xp.sum(values * _one_hot(xp, index, values), axis=-1)


def _cross_entropy(xp: Any, a: Sequence[Any], c: Any) -> Any:
    z, y = a
    log_q = _log_softmax(xp, z, -1)
    if y.shape == z.shape:  # probabilities (one-hot or soft): CE(p, q) = -Σ p log q, averaged over rows
        return -xp.sum(y * log_q) / max(1, _size(z) // max(1, z.shape[-1] if z.ndim else 1))
    return xp.mean(-_picked(xp, log_q, _class_indices(xp, z, y)))


def _cross_entropy_vjp(xp: Any, g: Any, a: Sequence[Any], out: Any, c: Any) -> tuple[Any, Any]:
    z, y = a
    log_q = _log_softmax(xp, z, -1)
    rows = max(1, _size(z) // max(1, z.shape[-1] if z.ndim else 1))
    scale = g / rows
    q = xp.exp(log_q)
    if y.shape == z.shape:
        return (q * _along(xp, "sum", y, -1) - y) * scale, -log_q * scale
    index = _class_indices(xp, z, y)
    if not hasattr(q, "flags"):  # the array API way: no writes into an array
        return (q - _one_hot(xp, index, q)) * scale, xp.zeros_like(y)
    rows_view = q.reshape(-1, q.shape[-1])  # q is fresh and contiguous: a view, changed in place
    rows_view[xp.arange(rows_view.shape[0]), index.reshape(-1)] -= 1.0  # softmax - one-hot
    q *= scale  # q is a fresh array: scale it in place
    return q, xp.zeros_like(y)  # class numbers are not differentiable


define(Op(
    name="cross_entropy", symbol="CE", arity=2,
    forward=_cross_entropy,
    vjp=_cross_entropy_vjp,
    latex="\\mathrm{{CE}}({0}, {1})",
    elementwise=False,
))

_LOG_FLOOR = -100.0  # PyTorch's binary_cross_entropy clamps each log at -100, so p = 0 or 1 stays finite


def _bce(xp: Any, a: Sequence[Any], c: Any) -> Any:
    p, y = a
    log_p = xp.maximum(xp.log(p), _LOG_FLOOR)
    log_1mp = xp.maximum(xp.log(1.0 - p), _LOG_FLOOR)
    return xp.mean(-(y * log_p + (1.0 - y) * log_1mp))


def _bce_vjp(xp: Any, g: Any, a: Sequence[Any], out: Any, c: Any) -> tuple[Any, Any]:
    p, y = xp.broadcast_arrays(*a)
    scale = g / max(1, _size(p))
    d_p = (p - y) / xp.maximum(p * (1.0 - p), 1e-12) * scale
    d_y = (xp.maximum(xp.log(1.0 - p), _LOG_FLOOR) - xp.maximum(xp.log(p), _LOG_FLOOR)) * scale
    return d_p, d_y


def _warn_probability(xp: Any, args: Sequence[Any], out: Any, c: Any) -> tuple[str, ...]:
    return ("domain",) if _any(xp, (args[0] < 0) | (args[0] > 1)) else ()


define(Op(
    name="bce", symbol="BCE", arity=2,
    forward=_bce,
    vjp=_bce_vjp,
    latex="\\mathrm{{BCE}}({0}, {1})",
    warn=_warn_probability,
    elementwise=False,
))


def _mse_vjp(xp: Any, g: Any, a: Sequence[Any], out: Any, c: Any) -> tuple[Any, Any]:
    diff = a[0] - a[1]
    d = diff * (2.0 * g / max(1, _size(diff)))
    return d, -d


define(Op(
    name="mse", symbol="MSE", arity=2,
    forward=lambda xp, a, c: xp.mean((a[0] - a[1]) ** 2),
    vjp=_mse_vjp,
    latex="\\mathrm{{MSE}}({0}, {1})",
    elementwise=False,
))

CONST_VARIANTS: dict[str, tuple[str | None, str | None]] = {
    # binary op -> (gate when the constant is on the right, gate when it is on the left)
    "add": ("add_const", "add_const"),
    "sub": ("add_const", "rsub_const"),  # x - c is the gate "-c", i.e. add_const with -c
    "mul": ("mul_const", "mul_const"),
    "div": ("div_const", "rdiv_const"),
    "pow": ("pow_const", "rpow_const"),
    "max": ("max_const", "max_const"),
    "min": ("min_const", "min_const"),
}
"""How a binary op folds a constant operand into a unary gate (see DESIGN: ``+1``, ``*-1``, ``*2``)."""
RIGHT_GATE = {op: gate for op, (gate, _) in CONST_VARIANTS.items() if gate}
"""The gate of ``x op c`` for each op that has one (both readers of the language build from these)."""
LEFT_GATE = {op: gate for op, (_, gate) in CONST_VARIANTS.items() if gate}
"""The gate of ``c op x``."""

FUNCTIONS: dict[str, str] = {
    # name in the language -> op name
    "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "abs": "abs", "sin": "sin", "cos": "cos",
    "tanh": "tanh", "sigmoid": "sigmoid", "σ": "sigmoid", "relu": "relu", "max": "max", "min": "min",
    "sum": "sum", "mean": "mean", "transpose": "transpose", "softmax": "softmax", "log_softmax": "log_softmax",
    "cross_entropy": "cross_entropy", "bce": "bce", "mse": "mse",
}
"""Function names the language knows (more are registered by the modules that define their ops)."""

CALL_NAMES: frozenset[str] = frozenset({"zeros", "ones", "randn", "load", "param"})
"""Names of calls that build a value while parsing: no op of their own; their rules are the table
``graphstep.tensors.RULES`` (which checks that it covers exactly these and the reductions with ``axis=``)."""


def _check_table() -> None:
    """Import-time check: every op has every piece, so no view meets a half-defined op."""
    for name, op in OPS.items():
        problems = []
        if op.local is None and op.vjp is None:
            problems.append("no gradient rule")
        if op.local is not None and len(op.local_formula) != op.arity:
            problems.append("local_formula does not match arity")
        if not (op.latex and has(f"rule.{name}") and op.label(1.0)):
            problems.append("missing latex, rule text or symbol")
        if problems:
            raise AssertionError(f"op {name!r}: {', '.join(problems)}")
    for fname, opname in FUNCTIONS.items():
        if opname not in OPS:
            raise AssertionError(f"function {fname!r} names unknown op {opname!r}")


_check_table()
