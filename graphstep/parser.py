"""Parser: source text → Graph. A Pratt parser; the precedence table below is the whole grammar of operators.

The parser builds graph nodes directly. A constant operand never becomes a node of its own: a binary op
with one constant operand becomes one unary gate labelled with it (``+1``, ``*-1``, ``1/x``), and an op
whose operands are all constants is folded to a constant. So ``1/(1+exp(-t))`` is the lecture's chain
``*-1 → exp → +1 → 1/x``. Parsing never uses ``eval``.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any, NamedTuple

import numpy

from graphstep.errors import GraphstepError, SourceError
from graphstep.gcpause import paused_gc
from graphstep.graph import CONST, INPUT, Graph, Node
from graphstep.lexer import END, KIND, START, TEXT, Token, tokenize
from graphstep.ops import CONST_VARIANTS, FUNCTIONS, OPS

# Binding powers: (left, right). Right-associative power has right < left.
INFIX: dict[str, tuple[int, int, str]] = {
    "+": (10, 11, "add"),
    "-": (10, 11, "sub"),
    "*": (20, 21, "mul"),
    "/": (20, 21, "div"),
    "@": (20, 21, "matmul"),
    "^": (40, 39, "pow"),
}
IMPLICIT_MUL = 20  # `2x`, `xy`, `(a+b)(c-d)` bind like `*`
PREFIX_MINUS = 30  # `-x^2` is `-(x^2)`, `-x*y` is `(-x)*y`
POSTFIX_POWER = 50  # x²
MAX_DEPTH = 1000  # nesting deeper than this is refused with a message, not a RecursionError


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
CALLS: dict[str, CallHandler] = {}
"""Functions with their own argument rules (tensor constructors, reductions with ``axis=``); the others
are looked up in ``ops.FUNCTIONS`` and take their op's arity in positional operands."""

# `name =` at a statement start, or `name=` as a keyword argument after `(` or `,` (`randn(2, seed=1)`)
_BINDING = re.compile(r"(?m)(?:^|;|[(,])[ \t]*([^\W\d]\w*)[ \t]*=(?!=)")


def parse(source: str, names: Iterable[str] = ()) -> Graph:
    """Parse a formula or program into a :class:`~graphstep.graph.Graph`.

    ``names`` are extra multi-letter input names (for example from the command line) that must not be
    split into single letters.
    """
    if not isinstance(source, str):
        raise GraphstepError("the formula must be text")
    bound = {*_BINDING.findall(source), *names}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 12 * MAX_DEPTH))
    try:
        with paused_gc():
            return Parser(source, tokenize(source, bound)).program()
    except RecursionError:
        raise SourceError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)", source, 0) from None
    finally:
        sys.setrecursionlimit(limit)


class Parser:
    """The Pratt parser. Tokens are plain tuples (see graphstep.lexer.Token); the graph is built as arrays
    (one list per node field), turned into nodes once at the end."""

    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.ops: list[str] = []
        self.inputs: list[tuple[int, ...]] = []
        self.names: list[str | None] = []
        self.consts: list[Any] = []
        self.spans: list[tuple[int, int]] = []
        self.scope: dict[str, Operand] = {}
        self.defined_at: dict[str, int] = {}  # name -> offset where it was bound by a statement
        self.aliases: dict[str, int] = {}

    # --- token helpers ---------------------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.tokens[self.pos]
        return token[KIND] == kind and (text is None or token[TEXT] == text)

    def expect(self, text: str, what: str, opened: Token | None = None) -> Token:
        token = self.tokens[self.pos]
        if token[KIND] == "OP" and token[TEXT] == text:
            self.pos += 1
            return token
        found = self.describe(token)
        if opened is not None and token[KIND] in ("EOF", "SEP"):
            raise SourceError(f"this {opened[TEXT]!r} is never closed: expected {text!r}", self.source, opened[START])
        raise SourceError(f"expected {what}, found {found}", self.source, token[START], token[END])

    @staticmethod
    def describe(token: Token) -> str:
        if token[KIND] == "EOF":
            return "the end of the formula"
        if token[KIND] == "SEP":
            return "the end of the line"
        return repr(token[TEXT])

    def error(self, message: str, start: int, end: int | None = None) -> SourceError:
        return SourceError(message, self.source, start, end)

    # --- program ------------------------------------------------------------------------------------------------

    def program(self) -> Graph:
        output: Operand | None = None
        tokens = self.tokens
        while True:
            kind = tokens[self.pos][KIND]
            if kind == "EOF":
                break
            if kind == "SEP":
                self.pos += 1
                continue
            result = self.statement()
            if result is not None:
                output = result
            token = tokens[self.pos]
            if token[KIND] != "EOF" and token[KIND] != "SEP":
                raise self.error(f"unexpected {self.describe(token)}; expected an operator or a new line",
                                 token[START], token[END])
        if output is None:
            raise self.error("there is no formula here to compute", len(self.source))
        node_id = self.materialize(output)
        none = repeat(None)
        nodes = list(map(Node._make, zip(range(len(self.ops)), self.ops, self.inputs, self.names, self.consts,
                                         self.spans, none, none)))
        return Graph(nodes, node_id, self.source, self.aliases)

    def statement(self) -> Operand | None:
        """``NAME = expr`` or an expression; returns the operand that may be the output (None for a binding)."""
        token = self.tokens[self.pos]
        if token[KIND] == "NAME" or token[KIND] == "FUNC":
            after = self.tokens[self.pos + 1]
            if after[KIND] == "OP" and after[TEXT] == "=":
                self.pos += 2
                value = self.expression(0)
                return self.bind(token, value)
        return self.expression(0)

    def bind(self, name_token: Token, value: Operand) -> Operand | None:
        name = name_token[TEXT]
        if name in FUNCTIONS or name in CALLS:
            raise self.error(f"{name!r} is a function and cannot be assigned", name_token[START], name_token[END])
        existing = self.scope.get(name)
        if isinstance(value, Const):
            # `x = 3` binds an input (also after the formula that uses x: `f = xy; x = 4; y = -3`)
            if existing is None:
                span = (name_token[START], name_token[END])
                self.scope[name] = Ref(self.add_node(INPUT, (), name, value.value, span), *span)
            elif isinstance(existing, Ref) and self.is_free_input(existing.id, name):
                self.consts[existing.id] = value.value
            else:
                self.redefined(name_token)
            self.defined_at[name] = name_token[START]
            return None
        if existing is not None:
            self.redefined(name_token)
        if self.names[value.id] is None and self.ops[value.id] != INPUT:
            self.names[value.id] = name
        else:
            self.aliases[name] = value.id
        self.scope[name] = value
        self.defined_at[name] = name_token[START]
        return value

    def is_free_input(self, node_id: int, name: str) -> bool:
        return self.ops[node_id] == INPUT and self.consts[node_id] is None and name not in self.defined_at

    def redefined(self, token: Token) -> None:
        where = self.defined_at.get(token[TEXT])
        if where is None:
            raise self.error(f"{token[TEXT]!r} is used before this line defines it; define it first",
                             token[START], token[END])
        line = self.source.count("\n", 0, where) + 1
        raise self.error(f"{token[TEXT]!r} is already defined (line {line})", token[START], token[END])

    # --- expressions (Pratt) --------------------------------------------------------------------------------

    def expression(self, min_bp: int) -> Operand:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)",
                             self.tokens[self.pos][START])
        try:
            left = self.prefix()
            tokens = self.tokens
            while True:
                kind, text, start, end, value = tokens[self.pos]
                if kind == "OP":
                    entry = INFIX.get(text)
                    if entry is not None:
                        lbp, rbp, op = entry
                        if lbp < min_bp:
                            break
                        self.pos += 1
                        right = self.expression(rbp)
                        if op == "pow" and type(left) is Const and left.euler:
                            left = self.apply("exp", [right], (left.start, right.end))
                        else:
                            left = self.apply(op, [left, right], (left.start, right.end))
                        continue
                    if text != "(" and text != "{":
                        break
                elif kind == "POW2":
                    if POSTFIX_POWER < min_bp:
                        break
                    self.pos += 1
                    left = self.apply("pow", [left, Const(value, start, end)], (left.start, end))
                    continue
                elif kind != "NAME" and kind != "FUNC" and kind != "FRAC":
                    # A number after an operand (`x 2`) is more likely a typo than a product: an error.
                    break
                if IMPLICIT_MUL < min_bp:  # `2x`, `xy`, `(a+b)(c-d)`
                    break
                right = self.expression(IMPLICIT_MUL + 1)
                left = self.apply("mul", [left, right], (left.start, right.end))
            return left
        finally:
            self.depth -= 1

    @staticmethod
    def starts_implicit_operand(token: Token) -> bool:
        # A number after an operand (`x 2`) is more likely a typo than a product, so it is an error.
        return token[KIND] in ("NAME", "FUNC", "FRAC") or (token[KIND] == "OP" and token[TEXT] in "({")

    def prefix(self) -> Operand:
        token = self.tokens[self.pos]
        self.pos += 1
        kind, text, start, end, value = token
        if kind == "NAME":
            return self.name(token)
        if kind == "NUM":
            return _new(Const, (value, start, end, False))
        if kind == "OP" and text == "-":
            operand = self.expression(PREFIX_MINUS)
            if isinstance(operand, Const):
                return Const(-operand.value, start, operand.end)
            return self.apply("mul", [Const(-1.0, start, end), operand], (start, operand.end))
        if kind == "OP" and text == "+":
            return self.expression(PREFIX_MINUS)
        if kind == "OP" and text in "({":
            inner = self.expression(0)
            close = self.expect(")" if text == "(" else "}", "a closing bracket", token)
            return _respan(inner, start, close[END])
        if kind == "OP" and text == "[":
            return self.array_literal(token)
        if kind == "FUNC":
            return self.call(token)
        if kind == "FRAC":
            numerator = self.brace_group(token)
            denominator = self.brace_group(token)
            return self.apply("div", [numerator, denominator], (start, denominator.end))
        if kind == "STRING":
            return Const(value, start, end)
        if kind in ("EOF", "SEP"):
            raise self.error(f"expected a number, a name or '(' but found {self.describe(token)}", start)
        raise self.error(f"expected a number, a name or '(' but found {text!r}", start, end)

    def brace_group(self, frac: Token) -> Operand:
        opened = self.tokens[self.pos]
        if not self.at("OP", "{"):
            raise self.error("\\frac takes two groups in braces: \\frac{a}{b}", opened[START], opened[END])
        self.pos += 1
        inner = self.expression(0)
        close = self.expect("}", "'}'", opened)
        return _respan(inner, opened[START], close[END])

    def name(self, token: Token) -> Operand:
        text = token[TEXT]
        bound = self.scope.get(text)
        if bound is not None:
            return _respan(bound, token[START], token[END])
        if text == "π":
            return Const(math.pi, token[START], token[END])
        if text == "e":
            return Const(math.e, token[START], token[END], euler=True)
        span = (token[START], token[END])
        ref = _new(Ref, (self.add_node(INPUT, (), text, None, span), *span))
        self.scope[text] = ref
        return ref

    def call(self, token: Token) -> Operand:
        name = token[TEXT]
        args: list[Operand] = []
        kwargs: dict[str, Operand] = {}
        end = token[END]
        if self.at("OP", "(") or (self.at("OP", "{") and name in ("sqrt", "exp", "log", "ln")):
            opened = self.advance()
            closing = ")" if opened[TEXT] == "(" else "}"
            if not self.at("OP", closing):
                while True:
                    if self.at("NAME") and self.tokens[self.pos + 1][TEXT] == "=" and name in CALLS:
                        key = self.advance()[TEXT]
                        self.advance()
                        kwargs[key] = self.expression(0)
                    else:
                        args.append(self.expression(0))
                    if not self.at("OP", ","):
                        break
                    self.advance()
            end = self.expect(closing, f"',' or {closing!r} in the call to {name}", opened)[END]
        else:  # `\log x`, `\sin x`: the function applies to the next factor
            args.append(self.expression(PREFIX_MINUS))
            end = args[0].end
        span = (token[START], end)
        if name in CALLS:
            return CALLS[name](self, name, args, kwargs, span)
        op = OPS[FUNCTIONS[name]]
        if len(args) != op.arity:
            count = "one argument" if op.arity == 1 else f"{op.arity} arguments"
            raise self.error(f"{name} takes {count}, got {len(args)}", *span)
        return self.apply(op.name, args, span)

    def array_literal(self, opened: Token) -> Const:
        items: list[Any] = []
        if not self.at("OP", "]"):
            while True:
                item = self.expression(0)
                if not isinstance(item, Const):
                    raise self.error("an array literal holds numbers only", item.start, item.end)
                items.append(item.value)
                if not self.at("OP", ","):
                    break
                self.advance()
        close = self.expect("]", "',' or ']'", opened)
        try:
            value = numpy.array(items, dtype=float)
        except ValueError:
            raise self.error("the rows of this array have different lengths", opened[START], close[END]) from None
        return Const(value, opened[START], close[END])

    # --- building nodes -------------------------------------------------------------------------------------

    def apply(self, op_name: str, operands: Sequence[Operand], span: tuple[int, int], const: Any = None) -> Operand:
        """Add the node for ``op_name``: folded when all operands are constant, a constant gate when one is."""
        if len(operands) == 2:  # the common case first: two nodes
            left, right = operands
            if type(left) is Ref and type(right) is Ref:
                return _new(Ref, (self.add_node(op_name, (left.id, right.id), None, const, span), *span))
        constants = [o.value for o in operands if isinstance(o, Const)]
        if len(constants) == len(operands):
            return Const(self.fold(op_name, constants, const, span), *span)
        if len(operands) == 2 and op_name in CONST_VARIANTS:
            left, right = operands
            right_gate, left_gate = CONST_VARIANTS[op_name]
            if isinstance(right, Const) and _is_scalar(right.value) and right_gate:
                c = -right.value if op_name == "sub" else right.value
                return self.add(right_gate, [left], span, float(c))
            if isinstance(left, Const) and _is_scalar(left.value) and left_gate:
                return self.add(left_gate, [right], span, float(left.value))
        return self.add(op_name, operands, span, const)

    def add(self, op_name: str, operands: Sequence[Operand], span: tuple[int, int], const: Any = None) -> Ref:
        inputs = tuple(self.materialize(o) for o in operands)
        return _new(Ref, (self.add_node(op_name, inputs, None, const, span), *span))

    def add_node(self, op: str, inputs: tuple[int, ...], name: str | None, const: Any, span: tuple[int, int]) -> int:
        """Append one node's fields; returns its id."""
        node_id = len(self.ops)
        self.ops.append(op)
        self.inputs.append(inputs)
        self.names.append(name)
        self.consts.append(const)
        self.spans.append(span)
        return node_id

    def materialize(self, operand: Operand) -> int:
        if isinstance(operand, Ref):
            return operand.id
        if isinstance(operand.value, str):
            raise self.error("a text string is not a value here", operand.start, operand.end)
        return self.add_node(CONST, (), None, operand.value, (operand.start, operand.end))

    def fold(self, op_name: str, values: list[Any], const: Any, span: tuple[int, int]) -> Any:
        if any(isinstance(v, str) for v in values):
            raise self.error("a text string is not a value here", *span)
        with numpy.errstate(all="ignore"):
            try:
                result = OPS[op_name].forward(numpy, [numpy.asarray(v, dtype=float) for v in values], const)
            except ValueError as error:
                raise self.error(f"cannot compute this: {error}", *span) from None
        array = numpy.asarray(result)
        return float(array) if array.ndim == 0 else array


_new = tuple.__new__  # a named tuple made without its keyword-handling constructor (the parser makes many)


def _respan(operand: Operand, start: int, end: int) -> Operand:
    if type(operand) is Ref:
        return _new(Ref, (operand[0], start, end))
    return Const(operand.value, start, end, operand.euler)  # type: ignore[union-attr]


def _is_scalar(value: Any) -> bool:
    return isinstance(value, float) or (isinstance(value, numpy.ndarray) and value.ndim == 0)
