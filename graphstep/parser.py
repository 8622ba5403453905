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
from typing import Any, NamedTuple

import numpy

from graphstep.errors import GraphstepError, Phrase, SourceError
from graphstep.gcpause import paused_gc
from graphstep.graph import CONST, INPUT, Graph, Node, NodeList
from graphstep.lexer import Token, tokenize
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
        raise GraphstepError("error.formula_not_text")
    bound = {m.group(1) for m in _BINDING.finditer(source)} | set(names)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 12 * MAX_DEPTH))
    try:
        with paused_gc():
            return Parser(source, tokenize(source, bound)).program()
    except RecursionError:
        raise SourceError("error.too_deep", source, 0, None, depth=MAX_DEPTH) from None
    finally:
        sys.setrecursionlimit(limit)


class Parser:
    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.nodes = NodeList()
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
        token = self.token
        return token.kind == kind and (text is None or token.text == text)

    def expect(self, text: str, what: Phrase, opened: Token | None = None) -> Token:
        if self.at("OP", text):
            return self.advance()
        found = self.describe(self.token)
        if opened is not None and self.token.kind in ("EOF", "SEP"):
            raise SourceError("error.never_closed", self.source, opened.start, None, opened=opened.text, text=text)
        raise SourceError("error.expected_found", self.source, self.token.start, self.token.end, what=what,
                          found=found)

    @staticmethod
    def describe(token: Token) -> Phrase:
        if token.kind == "EOF":
            return Phrase("error.end_of_formula")
        if token.kind == "SEP":
            return Phrase("error.end_of_line")
        return Phrase("error.quoted", {"text": token.text})

    def error(self, key: str, start: int, end: int | None = None, /, **fields: Any) -> SourceError:
        """A :class:`SourceError` at ``start:end`` of this source: ``key`` and ``fields`` name the message."""
        return SourceError(key, self.source, start, end, **fields)

    # --- program ------------------------------------------------------------------------------------------------

    def program(self) -> Graph:
        output: Operand | None = None
        while not self.at("EOF"):
            if self.at("SEP"):
                self.advance()
                continue
            result = self.statement()
            if result is not None:
                output = result
            if not self.at("EOF") and not self.at("SEP"):
                raise self.error("error.expected_operator", self.token.start, self.token.end,
                                 found=self.describe(self.token))
        if output is None:
            raise self.error("error.no_formula", len(self.source))
        node_id = self.materialize(output)
        return Graph(self.nodes.nodes, node_id, self.source, self.aliases)

    def statement(self) -> Operand | None:
        """``NAME = expr`` or an expression; returns the operand that may be the output (None for a binding)."""
        is_name = self.at("NAME") or self.at("FUNC")
        if is_name and self.tokens[self.pos + 1].kind == "OP" and self.tokens[self.pos + 1].text == "=":
            name_token = self.advance()
            self.advance()
            value = self.expression(0)
            return self.bind(name_token, value)
        return self.expression(0)

    def bind(self, name_token: Token, value: Operand) -> Operand | None:
        name = name_token.text
        if name in FUNCTIONS or name in CALLS:
            raise self.error("error.assign_function", name_token.start, name_token.end, name=name)
        existing = self.scope.get(name)
        if isinstance(value, Const):
            # `x = 3` binds an input (also after the formula that uses x: `f = xy; x = 4; y = -3`)
            if existing is None:
                self.scope[name] = Ref(self.nodes.add(INPUT, name=name, const=value.value,
                                                      span=(name_token.start, name_token.end)),
                                       name_token.start, name_token.end)
            elif isinstance(existing, Ref) and self.is_free_input(existing.id, name):
                old = self.nodes.nodes[existing.id]
                self.nodes.nodes[existing.id] = Node(old.id, INPUT, (), name, value.value, old.span)
            else:
                self.redefined(name_token)
            self.defined_at[name] = name_token.start
            return None
        if existing is not None:
            self.redefined(name_token)
        node = self.nodes.nodes[value.id]
        if node.name is None and node.op != INPUT:
            self.nodes.nodes[value.id] = Node(node.id, node.op, node.inputs, name, node.const, node.span,
                                              node.group, node.group_op)
        else:
            self.aliases[name] = value.id
        self.scope[name] = value
        self.defined_at[name] = name_token.start
        return value

    def is_free_input(self, node_id: int, name: str) -> bool:
        node = self.nodes.nodes[node_id]
        return node.op == INPUT and node.const is None and name not in self.defined_at

    def redefined(self, token: Token) -> None:
        where = self.defined_at.get(token.text)
        if where is None:
            raise self.error("error.used_before", token.start, token.end, name=token.text)
        line = self.source.count("\n", 0, where) + 1
        raise self.error("error.already_defined", token.start, token.end, name=token.text, line=line)

    # --- expressions (Pratt) --------------------------------------------------------------------------------

    def expression(self, min_bp: int) -> Operand:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("error.too_deep", self.token.start, None, depth=MAX_DEPTH)
        try:
            left = self.prefix()
            while True:
                token = self.token
                if token.kind == "OP" and token.text in INFIX:
                    lbp, rbp, op = INFIX[token.text]
                    if lbp < min_bp:
                        break
                    self.advance()
                    right = self.expression(rbp)
                    if op == "pow" and isinstance(left, Const) and left.euler:
                        left = self.apply("exp", [right], (left.start, right.end))
                    else:
                        left = self.apply(op, [left, right], (left.start, right.end))
                elif token.kind == "POW2":
                    if POSTFIX_POWER < min_bp:
                        break
                    self.advance()
                    left = self.apply("pow", [left, Const(token.value, token.start, token.end)],
                                      (left.start, token.end))
                elif self.starts_implicit_operand(token):
                    if IMPLICIT_MUL < min_bp:
                        break
                    right = self.expression(IMPLICIT_MUL + 1)
                    left = self.apply("mul", [left, right], (left.start, right.end))
                else:
                    break
            return left
        finally:
            self.depth -= 1

    @staticmethod
    def starts_implicit_operand(token: Token) -> bool:
        # A number after an operand (`x 2`) is more likely a typo than a product, so it is an error.
        return token.kind in ("NAME", "FUNC", "FRAC") or (token.kind == "OP" and token.text in "({")

    def prefix(self) -> Operand:
        token = self.advance()
        if token.kind == "NUM":
            return Const(token.value, token.start, token.end)
        if token.kind == "NAME":
            return self.name(token)
        if token.kind == "OP" and token.text == "-":
            operand = self.expression(PREFIX_MINUS)
            if isinstance(operand, Const):
                return Const(-operand.value, token.start, operand.end)
            return self.apply("mul", [Const(-1.0, token.start, token.end), operand], (token.start, operand.end))
        if token.kind == "OP" and token.text == "+":
            return self.expression(PREFIX_MINUS)
        if token.kind == "OP" and token.text in "({":
            inner = self.expression(0)
            close = self.expect(")" if token.text == "(" else "}", Phrase("error.what_bracket"), token)
            return _respan(inner, token.start, close.end)
        if token.kind == "OP" and token.text == "[":
            return self.array_literal(token)
        if token.kind == "FUNC":
            return self.call(token)
        if token.kind == "FRAC":
            numerator = self.brace_group(token)
            denominator = self.brace_group(token)
            return self.apply("div", [numerator, denominator], (token.start, denominator.end))
        if token.kind == "STRING":
            return Const(token.value, token.start, token.end)
        if token.kind in ("EOF", "SEP"):
            raise self.error("error.expected_operand", token.start, None, found=self.describe(token))
        raise self.error("error.expected_operand", token.start, token.end, found=self.describe(token))

    def brace_group(self, frac: Token) -> Operand:
        opened = self.token
        if not self.at("OP", "{"):
            raise self.error("error.frac_braces", self.token.start, self.token.end)
        self.advance()
        inner = self.expression(0)
        close = self.expect("}", Phrase("error.quoted", {"text": "}"}), opened)
        return _respan(inner, opened.start, close.end)

    def name(self, token: Token) -> Operand:
        text = token.text
        if text in self.scope:
            bound = self.scope[text]
            return _respan(bound, token.start, token.end)
        if text == "π":
            return Const(math.pi, token.start, token.end)
        if text == "e":
            return Const(math.e, token.start, token.end, euler=True)
        ref = Ref(self.nodes.add(INPUT, name=text, span=(token.start, token.end)), token.start, token.end)
        self.scope[text] = ref
        return ref

    def call(self, token: Token) -> Operand:
        name = token.text
        args: list[Operand] = []
        kwargs: dict[str, Operand] = {}
        end = token.end
        if self.at("OP", "(") or (self.at("OP", "{") and name in ("sqrt", "exp", "log", "ln")):
            opened = self.advance()
            closing = ")" if opened.text == "(" else "}"
            if not self.at("OP", closing):
                while True:
                    if self.at("NAME") and self.tokens[self.pos + 1].text == "=" and name in CALLS:
                        key = self.advance().text
                        self.advance()
                        kwargs[key] = self.expression(0)
                    else:
                        args.append(self.expression(0))
                    if not self.at("OP", ","):
                        break
                    self.advance()
            end = self.expect(closing, Phrase("error.what_call", {"closing": closing, "name": name}), opened).end
        else:  # `\log x`, `\sin x`: the function applies to the next factor
            args.append(self.expression(PREFIX_MINUS))
            end = args[0].end
        span = (token.start, end)
        if name in CALLS:
            return CALLS[name](self, name, args, kwargs, span)
        op = OPS[FUNCTIONS[name]]
        if len(args) != op.arity:
            raise self.error("error.arity_one" if op.arity == 1 else "error.arity", *span, name=name, count=op.arity,
                             got=len(args))
        return self.apply(op.name, args, span)

    def array_literal(self, opened: Token) -> Const:
        items: list[Any] = []
        if not self.at("OP", "]"):
            while True:
                item = self.expression(0)
                if not isinstance(item, Const):
                    raise self.error("error.array_numbers", item.start, item.end)
                items.append(item.value)
                if not self.at("OP", ","):
                    break
                self.advance()
        close = self.expect("]", Phrase("error.what_array"), opened)
        try:
            value = numpy.array(items, dtype=float)
        except ValueError:
            raise self.error("error.ragged_array", opened.start, close.end) from None
        return Const(value, opened.start, close.end)

    # --- building nodes -------------------------------------------------------------------------------------

    def apply(self, op_name: str, operands: Sequence[Operand], span: tuple[int, int], const: Any = None) -> Operand:
        """Add the node for ``op_name``: folded when all operands are constant, a constant gate when one is."""
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
        return Ref(self.nodes.add(op_name, inputs, const=const, span=span), *span)

    def materialize(self, operand: Operand) -> int:
        if isinstance(operand, Ref):
            return operand.id
        if isinstance(operand.value, str):
            raise self.error("error.string_value", operand.start, operand.end)
        return self.nodes.add(CONST, const=operand.value, span=(operand.start, operand.end))

    def fold(self, op_name: str, values: list[Any], const: Any, span: tuple[int, int]) -> Any:
        if any(isinstance(v, str) for v in values):
            raise self.error("error.string_value", *span)
        with numpy.errstate(all="ignore"):
            try:
                result = OPS[op_name].forward(numpy, [numpy.asarray(v, dtype=float) for v in values], const)
            except ValueError as error:
                raise self.error("error.cannot_compute", *span, error=error) from None
        array = numpy.asarray(result)
        return float(array) if array.ndim == 0 else array


def _respan(operand: Operand, start: int, end: int) -> Operand:
    if isinstance(operand, Const):
        return Const(operand.value, start, end, operand.euler)
    return Ref(operand.id, start, end)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, float) or (isinstance(value, numpy.ndarray) and value.ndim == 0)
