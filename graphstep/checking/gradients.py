"""The lecture's ways to compute a gradient, side by side: automatic (the trace), numerical (central
differences) and symbolic (sympy). Analytic-by-hand is what ``graphstep check`` covers.

The symbolic expression is built from the Graph node by node with :data:`SYMPY_OPS`, one entry per
elementwise op of the ops table (a test fails when an op has no entry), so the symbolic derivative is an
oracle independent of the ops table's gradient rules: a wrong rule there shows up as a disagreement.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy
import sympy

from graphstep.engine import run
from graphstep.errors import GraphstepError
from graphstep.graph import CONST, INPUT, Graph
from graphstep.ops import OPS

SympyRule = Callable[[Sequence[Any], Any], Any]

SYMPY_OPS: dict[str, SympyRule] = {
    # op name -> (sympy operands, sympy constant or None) -> sympy expression
    "add": lambda a, c: a[0] + a[1],
    "sub": lambda a, c: a[0] - a[1],
    "mul": lambda a, c: a[0] * a[1],
    "div": lambda a, c: a[0] / a[1],
    "pow": lambda a, c: a[0] ** a[1],
    "max": lambda a, c: sympy.Max(a[0], a[1]),
    "min": lambda a, c: sympy.Min(a[0], a[1]),
    "add_const": lambda a, c: a[0] + c,
    "rsub_const": lambda a, c: c - a[0],
    "mul_const": lambda a, c: c * a[0],
    "div_const": lambda a, c: a[0] / c,
    "rdiv_const": lambda a, c: c / a[0],
    "pow_const": lambda a, c: a[0] ** c,
    "rpow_const": lambda a, c: c ** a[0],
    "max_const": lambda a, c: sympy.Max(a[0], c),
    "min_const": lambda a, c: sympy.Min(a[0], c),
    "exp": lambda a, c: sympy.exp(a[0]),
    "log": lambda a, c: sympy.log(a[0]),
    "sqrt": lambda a, c: sympy.sqrt(a[0]),
    "abs": lambda a, c: sympy.Abs(a[0]),
    "sin": lambda a, c: sympy.sin(a[0]),
    "cos": lambda a, c: sympy.cos(a[0]),
    "relu": lambda a, c: sympy.Max(a[0], 0),
    "sigmoid": lambda a, c: 1 / (1 + sympy.exp(-a[0])),
    "tanh": lambda a, c: sympy.tanh(a[0]),
}
"""Each elementwise op as a sympy expression (written independently of the ops table's rules)."""

FULL_SIMPLIFY_LIMIT = 120
"""Above this many operations sympy.simplify can take minutes; ``full`` falls back to ``light``."""


def simplified(derivative: Any, how: str) -> Any:
    """The derivative tidied as ``how`` says, never longer than it came: ``light`` (one fraction, common
    factors out: fast, and keeps the blackboard's exponentials), ``full`` (sympy.simplify: shortest, may
    rewrite into cosh, slow on big formulas) or ``none`` (the derivative as sympy.diff gives it)."""
    if how == "none":
        return derivative
    if how == "full" and sympy.count_ops(derivative) <= FULL_SIMPLIFY_LIMIT:
        tidy = sympy.simplify(derivative)
    else:
        tidy = sympy.factor_terms(sympy.together(derivative))
    return tidy if sympy.count_ops(tidy) <= sympy.count_ops(derivative) else derivative


def sympy_const(value: Any) -> Any:
    """A constant as sympy should print it: ``2`` not ``2.0``, ``1/10`` for 0.1, a Float otherwise."""
    if numpy.size(value) != 1:
        raise GraphstepError("grad.array_constant")
    x = float(value)
    if x.is_integer() and abs(x) < 1e15:
        return sympy.Integer(int(x))
    text = repr(x)
    return sympy.Rational(text) if len(text) <= 8 and "e" not in text else sympy.Float(x)


def to_sympy(graph: Graph) -> tuple[Any, dict[str, Any]]:
    """The output as a sympy expression of the inputs, and the input symbols by name."""
    exprs: list[Any] = []
    symbols: dict[str, Any] = {}
    for node in graph.nodes[: graph.output + 1]:
        if node.op == INPUT:
            name = node.name or f"n{node.id}"
            symbols[name] = sympy.Symbol(name, real=True)
            exprs.append(symbols[name])
        elif node.op == CONST:
            exprs.append(sympy_const(node.const))
        else:
            rule = SYMPY_OPS.get(node.op)
            if rule is None:
                raise GraphstepError("grad.no_symbolic", gate=node.label, op=node.op)
            const = sympy_const(node.const) if OPS[node.op].takes_const else None
            exprs.append(rule([exprs[i] for i in node.inputs], const))
    return exprs[graph.output], symbols


@dataclass
class InputGradient:
    """One input's gradient, three ways."""

    name: str
    automatic: float
    numerical: float
    symbolic: float
    formula: Any
    """The simplified symbolic derivative (a sympy expression)."""
    agree: bool
    odd_one: str | None
    """Which method disagrees with the other two ("automatic", "numerical", "symbolic"), if one does."""
    skipped: bool = False
    """The symbolic derivative took longer than its time budget: only the other two are compared."""


@dataclass
class Comparison:
    graph: Graph
    values: dict[str, float]
    value: float
    expression: Any
    """The output as a sympy expression (None when building it took longer than the time budget)."""
    step: float
    tolerance: float
    gradients: list[InputGradient]
    kinks: tuple[str, ...]
    """Warnings of the trace at non-differentiable points (a tie at max, relu at 0): methods may differ there."""

    @property
    def agree(self) -> bool:
        return all(g.agree for g in self.gradients)


def central_difference(graph: Graph, values: Mapping[str, float], name: str, step: float) -> float:
    """(f(x + h) - f(x - h)) / 2h, each side one forward run of the engine."""
    up = dict(values, **{name: values[name] + step})
    down = dict(values, **{name: values[name] - step})
    with numpy.errstate(all="ignore"):
        return (float(run(graph, up, record=False).value) - float(run(graph, down, record=False).value)) / (2 * step)


def compare(graph: Graph, values: Mapping[str, float] | None = None, step: float = 1e-5,
            tolerance: float = 1e-5, simplify: str = "light",
            symbolic_seconds: float | None = None) -> Comparison:
    """Automatic, numerical and symbolic gradients of the output for every input, and whether they agree.

    Two methods agree when they differ by at most ``tolerance`` × max(1, |gradient|); the automatic and the
    symbolic gradient are both exact, so they must agree to 1e-8 relative.
    """
    if not 0 < step < math.inf:
        raise GraphstepError("error.bad_step", step=step)
    if not 0 <= tolerance < math.inf:
        raise GraphstepError("error.bad_tolerance", tolerance=tolerance)
    if symbolic_seconds is None:
        symbolic_seconds = SYMBOLIC_SECONDS
    visits = 2 * len(graph.inputs) * len(graph.nodes)  # the numerical column: two forward runs per input
    if visits > NUMERICAL_WORK:
        raise GraphstepError("grad.too_large", inputs=f"{len(graph.inputs):,}", nodes=f"{len(graph.nodes):,}",
                             visits=f"{visits:,}", cap=f"{NUMERICAL_WORK:,}")
    given = dict(values or {})
    trace = run(graph, given)
    if any(numpy.size(v) != 1 for v in trace.values):
        raise GraphstepError("grad.arrays")
    inputs = {name: float(trace.values[i]) for name, i in graph.inputs.items()}
    kinks = tuple(sorted({w for s in trace.steps for w in s.warnings if w in ("tie", "kink")}))
    # A difference quotient of a large f loses digits to cancellation: |f|·ε/h, allowed on top.
    roundoff = 4 * numpy.finfo(float).eps * max(1.0, abs(float(trace.value))) / step
    numerical = {name: central_difference(graph, inputs, name, step) for name in graph.inputs}
    symbolic: dict[str, tuple[Any, float]] = {}
    expression = None
    # Symbolic work can grow exponentially with a formula's depth (x^x^x^x, a long chain with forks): it
    # gets a time budget; what is not done by then is reported as skipped, and the other methods still are.
    try:  # outside the block: the budget may also run out as the block ends
        with time_budget(symbolic_seconds):
            built, symbols = to_sympy(graph)
            formula_text(built)  # printed below: printing is symbolic work too
            expression = built
            at = {symbols[n]: sympy_const(x) if float(x).is_integer() else sympy.Float(x) for n, x in inputs.items()}
            for name in graph.inputs:
                derivative, value = symbolic_gradient(expression, symbols, inputs, name, simplify, at)
                formula_text(derivative)
                symbolic[name] = derivative, value
    except TimeUp:
        pass
    rows = []
    for name in graph.inputs:
        automatic = float(trace.grad(name))
        derivative, value = symbolic.get(name, (None, math.nan))
        rows.append(_judge(name, automatic, numerical[name], value, derivative, tolerance, roundoff,
                           skipped=name not in symbolic))
    return Comparison(graph, inputs, float(trace.value), expression, step, tolerance, rows, kinks)


SYMBOLIC_SECONDS = 5.0
"""Time budget of grad's symbolic column (sympy) for one formula, all inputs together."""
NUMERICAL_WORK = 1_000_000
"""Nodes the numerical column's forward runs may visit (two runs per input, each over the whole graph: a
few seconds). A formula of 100 inputs and 5,000 nodes is compared; 2,000 inputs summed is refused, not
worked for minutes."""


class TimeUp(BaseException):
    """The symbolic work ran past its time budget (a BaseException: sympy's own ``except Exception`` must
    not swallow it)."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeUp` inside the block after ``seconds`` (pure-Python work such as sympy's; on the
    main thread of a system with SIGALRM, elsewhere the block simply runs)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    ended = False

    def expire(signum: int, frame: Any) -> None:
        if not ended:
            raise TimeUp

    previous = signal.signal(signal.SIGALRM, expire)
    # Then again every 0.1 s: a library's bare ``except:`` that swallows one TimeUp does not get to run on.
    signal.setitimer(signal.ITIMER_REAL, seconds, RETRY_SECONDS)
    try:
        yield
    finally:
        ended = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


RETRY_SECONDS = 0.1


def symbolic_gradient(expression: Any, symbols: Mapping[str, Any], inputs: Mapping[str, float], name: str,
                      simplify: str = "light", at: Mapping[Any, Any] | None = None) -> tuple[Any, float]:
    """The derivative of ``expression`` with respect to ``name`` (tidied) and its value at ``inputs``."""
    derivative = simplified(sympy.diff(expression, symbols[name]), simplify)
    if at is None:
        at = {symbols[n]: sympy.Float(x) for n, x in inputs.items()}
    return derivative, _evaluate(derivative, symbols, inputs, at)


def _evaluate(derivative: Any, symbols: Mapping[str, Any], inputs: Mapping[str, float], at: Mapping[Any, Any]) -> float:
    """The derivative's value: compiled to plain floating point (fast), or by substitution in sympy when the
    compiled form cannot be evaluated there (Heaviside at 0, a complex intermediate)."""
    names = list(symbols)
    try:
        compiled = sympy.lambdify([symbols[n] for n in names], derivative, modules="math")
        with numpy.errstate(all="ignore"):
            value = float(compiled(*[inputs[n] for n in names]))
    except (ArithmeticError, ValueError, TypeError, NameError):
        # Numerically, with sympy's floats: exact substitution of 3 in x^x^x^x is a number of 3.6e12 digits.
        floats = {symbol: sympy.Float(float(inputs[n]), 30) for n, symbol in symbols.items()}
        return _number(derivative, floats)
    return value


def _number(expr: Any, subs: Mapping[Any, Any] | None = None) -> float:
    try:
        value = complex(expr.evalf(30, subs=dict(subs or {})))
    except (TypeError, ValueError):
        return math.nan
    return value.real if abs(value.imag) < 1e-12 else math.nan


def _judge(name: str, automatic: float, numerical: float, symbolic: float, formula: Any,
           tolerance: float, roundoff: float = 0.0, skipped: bool = False) -> InputGradient:
    def close(a: float, b: float, tol: float, slack: float = 0.0) -> bool:
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= tol * max(1.0, abs(a), abs(b)) + slack

    pairs = {
        "numerical": close(automatic, symbolic, 1e-8),  # the pair that leaves numerical out
        "symbolic": close(automatic, numerical, tolerance, roundoff),
        "automatic": close(numerical, symbolic, tolerance, roundoff),
    }
    if skipped:
        agreed = close(automatic, numerical, tolerance, roundoff)
        return InputGradient(name, automatic, numerical, math.nan, None, agreed, None, True)
    agree = all(pairs.values())
    odd = None
    if not agree:
        odd = next((method for method, others_agree in pairs.items() if others_agree), None)
    return InputGradient(name, automatic, numerical, symbolic, formula, agree, odd)


def formula_text(expr: Any) -> str:
    """A sympy expression as the blackboard writes it: ``^`` for powers."""
    return str(expr).replace("**", "^")
