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
from collections.abc import Iterable, Sequence
from typing import Any

from graphstep import compiled
from graphstep.errors import GraphstepError, Phrase, SourceError
from graphstep.folding import claim, fold, is_scalar, is_zero
from graphstep.gcpause import paused_gc
from graphstep.graph import CONST, INPUT, Graph, Node
from graphstep.lexer import END, KIND, START, TEXT, VALUE, Token, tokenize
from graphstep.limits import Budget, current
from graphstep.operands import CallHandler, Const, Operand, Ref
from graphstep.ops import CONST_VARIANTS, FUNCTIONS, LEFT_GATE, OPS, RIGHT_GATE
from graphstep.tensors import RULES as TENSOR_CALLS

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
_CONTINUES: dict[str, int] = {
    **{symbol: entry[0] for symbol, entry in INFIX.items()},
    "(": IMPLICIT_MUL, "{": IMPLICIT_MUL, "NAME": IMPLICIT_MUL, "FUNC": IMPLICIT_MUL, "FRAC": IMPLICIT_MUL,
    "POW2": POSTFIX_POWER,
}
"""How strongly the token after an operand binds it (an operator's text, else the token's kind): the
expression goes on while this is at least its minimum; anything else (``)``, ``,``, a number, the end) ends it."""
MAX_DEPTH = 1000  # nesting deeper than this is refused with a message, not a RecursionError


CALLS: dict[str, CallHandler] = TENSOR_CALLS
"""Functions with their own argument rules (tensor constructors, reductions with ``axis=``), an explicit
table in graphstep.tensors; the others are looked up in ``ops.FUNCTIONS`` and take their op's arity in
positional operands."""

# `name =` at a statement start, or `name=` as a keyword argument after `(` or `,` (`randn(2, seed=1)`); not a
# name of one letter with digits or a `_` subscript (`v12`, `x_1`: read whole anyway; skipped here, at C speed)
_BINDING = re.compile(r"(?m)(?:^|;|[(,])[ \t]*(?![^\W\d_]\d*(?:_\d+)?(?!\w))([^\W\d]\w*)[ \t]*=(?!=)")


def parse(source: str, names: Iterable[str] = ()) -> Graph:
    """Parse a formula or program into a :class:`~graphstep.graph.Graph`.

    ``names`` are extra multi-letter input names (for example from the command line) that must not be
    split into single letters.
    """
    if not isinstance(source, str):
        raise GraphstepError("error.formula_not_text")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 12 * MAX_DEPTH))
    try:
        with paused_gc():
            fast = compiled.read(source, names, CALLS, current().max_nodes or sys.maxsize)  # the common subset
            if fast is not None:
                return fast
            return Parser(source, tokenize(source, {*_BINDING.findall(source), *names})).program()
    except RecursionError:
        raise SourceError("error.too_deep", source, 0, None, depth=MAX_DEPTH) from None
    finally:
        sys.setrecursionlimit(limit)


class Parser:
    """The Pratt parser. Tokens are plain tuples (see graphstep.lexer.Token); the graph's nodes are made as
    the expression is read, into the list the Graph keeps."""

    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.nodes: list[Node] = []  # the graph's nodes, in the order made (a node's id is its place)
        self.scope: dict[str, Operand] = {}
        self.defined_at: dict[str, int] = {}  # name -> offset where it was bound by a statement
        self.aliases: dict[str, int] = {}
        self.budget = Budget()  # numbers held by the constants made so far (graphstep.limits)
        self.max_nodes = current().max_nodes or sys.maxsize  # None: no cap (graphstep.limits)

    # --- token helpers ---------------------------------------------------------------------------------------

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.tokens[self.pos]
        return token[KIND] == kind and (text is None or token[TEXT] == text)

    def expect(self, text: str, what: str, opened: Token | None = None, fields: dict[str, Any] | None = None) -> Token:
        """The token ``text`` (closing ``opened``), or an error naming the phrase ``what`` (made only then)."""
        token = self.tokens[self.pos]
        if token[KIND] == "OP" and token[TEXT] == text:
            self.pos += 1
            return token
        found = self.describe(token)
        if opened is not None and token[KIND] in ("EOF", "SEP"):
            raise SourceError("error.never_closed", self.source, opened[START], None, opened=opened[TEXT], text=text)
        expected = Phrase(what, fields or {})
        raise SourceError("error.expected_found", self.source, token[START], token[END], what=expected, found=found)

    @staticmethod
    def describe(token: Token) -> Phrase:
        if token[KIND] == "EOF":
            return Phrase("error.end_of_formula")
        if token[KIND] == "SEP":
            return Phrase("error.end_of_line")
        return Phrase("error.quoted", {"text": token[TEXT]})

    def error(self, key: str, start: int, end: int | None = None, /, **fields: Any) -> SourceError:
        """A :class:`SourceError` at ``start:end`` of this source: ``key`` and ``fields`` name the message."""
        return SourceError(key, self.source, start, end, **fields)

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
                raise self.error("error.expected_operator", token[START], token[END], found=self.describe(token))
        if output is None:
            raise self.error("error.no_formula", len(self.source))
        node_id = self.materialize(output)
        return Graph(self.nodes, node_id, self.source, self.aliases)

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
            raise self.error("error.assign_function", name_token[START], name_token[END], name=name)
        existing = self.scope.get(name)
        if isinstance(value, Const):
            # `x = 3` binds an input (also after the formula that uses x: `f = xy; x = 4; y = -3`)
            if existing is None:
                span = (name_token[START], name_token[END])
                self.scope[name] = Ref(self.add_node(INPUT, (), name, value.value, span), *span)
            elif isinstance(existing, Ref) and self.is_free_input(existing.id, name):
                node = self.nodes[existing.id]
                self.nodes[existing.id] = _new(Node, (*node[:4], value.value, *node[5:]))
            else:
                self.redefined(name_token)
            self.defined_at[name] = name_token[START]
            return None
        if existing is not None:
            self.redefined(name_token)
        node = self.nodes[value.id]
        if node.name is None and node.op != INPUT:
            self.nodes[value.id] = _new(Node, (*node[:3], name, *node[4:]))
        else:
            self.aliases[name] = value.id
        self.scope[name] = value
        self.defined_at[name] = name_token[START]
        return value

    def is_free_input(self, node_id: int, name: str) -> bool:
        node = self.nodes[node_id]
        return node.op == INPUT and node.const is None and name not in self.defined_at

    def redefined(self, token: Token) -> None:
        where = self.defined_at.get(token[TEXT])
        if where is None:
            raise self.error("error.used_before", token[START], token[END], name=token[TEXT])
        line = self.source.count("\n", 0, where) + 1
        raise self.error("error.already_defined", token[START], token[END], name=token[TEXT], line=line)

    # --- expressions (Pratt) --------------------------------------------------------------------------------

    def expression(self, min_bp: int) -> Operand:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("error.too_deep", self.tokens[self.pos][START], None, depth=MAX_DEPTH)
        try:
            tokens = self.tokens
            token = tokens[self.pos]
            if token[KIND] == "NAME":  # the commonest operand, without prefix()
                self.pos += 1
                bound = self.scope.get(token[TEXT])
                left = _new(Ref, (bound[0], token[START], token[END])) if type(bound) is Ref else self.name(token)
            else:
                left = self.prefix()
            while True:
                kind, text, start, end, value = tokens[self.pos]
                if _CONTINUES.get(text if kind == "OP" else kind, -1) < min_bp:
                    break  # a weaker operator, the end, or a number after an operand (`x 2`: a typo, an error)
                if kind == "OP" and text in INFIX:
                    _, rbp, op = INFIX[text]
                    self.pos += 1
                    left = self.binary(op, left, self.operand(rbp))
                elif kind == "POW2":
                    self.pos += 1
                    left = self.apply("pow", [left, Const(value, start, end)], (left.start, end))
                else:  # `2x`, `xy`, `(a+b)(c-d)`
                    left = self.binary("mul", left, self.operand(IMPLICIT_MUL + 1))
            return left
        finally:
            self.depth -= 1

    def operand(self, min_bp: int) -> Operand:
        """``expression(min_bp)``, with a shortcut for its commonest cases: a lone name or number (``y`` and ``1``
        in ``x*y + 1``), where expression() would stop at the token after it."""
        pos = self.pos
        token = self.tokens[pos]
        kind = token[KIND]
        if (kind == "NAME" or kind == "NUM") and self.depth < MAX_DEPTH:
            after = self.tokens[pos + 1]
            if _CONTINUES.get(after[TEXT] if after[KIND] == "OP" else after[KIND], -1) < min_bp:
                self.pos = pos + 1
                if kind == "NUM":
                    return _new(Const, (token[VALUE], token[START], token[END], False))
                bound = self.scope.get(token[TEXT])
                return _new(Ref, (bound[0], token[START], token[END])) if type(bound) is Ref else self.name(token)
        return self.expression(min_bp)

    def binary(self, op: str, left: Operand, right: Operand) -> Operand:
        """``left op right``: the common cases (two nodes; a node and a number) here, the others in apply()."""
        if type(right) is Ref:
            if type(left) is Ref:
                return self.gate(op, (left[0], right[0]), None, (left[1], right[2]))
            gate = LEFT_GATE.get(op)
            if gate is not None and type(left) is Const and type(left[0]) is float and not left.euler:
                return self.gate(gate, (right[0],), left[0], (left[1], right[2]))
        elif type(left) is Ref and type(right) is Const and type(right[0]) is float and (op != "div" or right[0]):
            gate = RIGHT_GATE.get(op)  # (x/0 is refused by apply())
            if gate is not None:
                return self.gate(gate, (left[0],), -right[0] if op == "sub" else right[0], (left[1], right[2]))
        if op == "pow" and type(left) is Const and left.euler:  # e^x is exp(x)
            return self.apply("exp", [right], (left.start, right.end))
        return self.apply(op, [left, right], (left.start, right.end))

    def gate(self, op: str, inputs: tuple[int, ...], const: Any, span: tuple[int, int]) -> Ref:
        """A new gate node on nodes; its operand."""
        node_id = len(self.nodes)
        if node_id >= self.max_nodes:
            raise self.error("limit.too_many_nodes", span[0], span[1], cap=f"{self.max_nodes:,}")
        self.nodes.append(_new(Node, (node_id, op, inputs, None, const, span, None, None)))
        return _new(Ref, (node_id, *span))

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
            if isinstance(operand, Const) and isinstance(operand.value, str):
                raise self.error("error.string_value", operand.start, operand.end)
            if isinstance(operand, Const):
                return Const(-operand.value, start, operand.end)
            return self.apply("mul", [Const(-1.0, start, end), operand], (start, operand.end))
        if kind == "OP" and text == "+":
            return self.expression(PREFIX_MINUS)
        if kind == "OP" and text in "({":
            inner = self.expression(0)
            close = self.expect(")" if text == "(" else "}", "error.what_bracket", token)
            return _respan(inner, start, close[END])
        if kind == "OP" and text == "[":
            return self.array_literal(token)
        if kind == "FUNC":
            return self.call(token)
        if kind == "FRAC":
            numerator = self.brace_group()
            denominator = self.brace_group()
            return self.apply("div", [numerator, denominator], (start, denominator.end))
        if kind == "STRING":
            return Const(value, start, end)
        if kind in ("EOF", "SEP"):
            raise self.error("error.expected_operand", start, None, found=self.describe(token))
        raise self.error("error.expected_operand", start, end, found=self.describe(token))

    def brace_group(self) -> Operand:
        opened = self.tokens[self.pos]
        if not self.at("OP", "{"):
            raise self.error("error.frac_braces", opened[START], opened[END])
        self.pos += 1
        inner = self.expression(0)
        close = self.expect("}", "error.quoted", opened, {"text": "}"})
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
        opened = self.tokens[self.pos]
        bracket = opened[TEXT] if opened[KIND] == "OP" else None
        if bracket == "(" or (bracket == "{" and name in ("sqrt", "exp", "log", "ln")):
            self.pos += 1
            closing = ")" if opened[TEXT] == "(" else "}"
            if not self.at("OP", closing):
                while True:
                    if self.at("NAME") and self.tokens[self.pos + 1][TEXT] == "=" and name in CALLS:
                        key = self.advance()[TEXT]
                        self.advance()
                        kwargs[key] = self.expression(0)
                    else:
                        args.append(self.operand(0))
                    if not self.at("OP", ","):
                        break
                    self.advance()
            end = self.expect(closing, "error.what_call", opened, {"closing": closing, "name": name})[END]
        else:  # `\log x`, `\sin x`: the function applies to the next factor
            args.append(self.expression(PREFIX_MINUS))
            end = args[0].end
        span = (token[START], end)
        if name in CALLS:
            return CALLS[name](self, name, args, kwargs, span)
        op = OPS[FUNCTIONS[name]]
        if len(args) != op.arity:
            raise self.error("error.arity_one" if op.arity == 1 else "error.arity", *span, name=name, count=op.arity,
                             got=len(args))
        if len(args) == 1 and type(args[0]) is Ref:  # the common case: a function of a node
            return self.gate(op.name, (args[0][0],), None, span)
        return self.apply(op.name, args, span)

    def array_literal(self, opened: Token) -> Const:
        import numpy

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
        close = self.expect("]", "error.what_array", opened)
        if any(isinstance(item, str) for item in items):
            raise self.error("error.array_numbers", opened[START], close[END])
        self.claim(sum(int(numpy.size(item)) for item in items), (opened[START], close[END]))
        try:
            value = numpy.array(items, dtype=float)
        except ValueError:
            raise self.error("error.ragged_array", opened[START], close[END]) from None
        return Const(value, opened[START], close[END])

    # --- building nodes -------------------------------------------------------------------------------------

    def apply(self, op_name: str, operands: Sequence[Operand], span: tuple[int, int], const: Any = None) -> Operand:
        """Add the node for ``op_name``: folded when all operands are constant, a constant gate when one is."""
        if len(operands) == 2:  # the common case first: two nodes
            left, right = operands
            if type(left) is Ref and type(right) is Ref:
                return _new(Ref, (self.add_node(op_name, (left.id, right.id), None, const, span), *span))
        constants = [o.value for o in operands if isinstance(o, Const)]
        if op_name == "div" and isinstance(operands[1], Const) and is_zero(operands[1].value):
            raise self.error("error.div_zero", operands[1].start, operands[1].end)
        if len(constants) == len(operands):
            return Const(fold(self.budget, self.source, op_name, constants, const, span), *span)
        if len(operands) == 2 and op_name in CONST_VARIANTS:
            left, right = operands
            right_gate, left_gate = CONST_VARIANTS[op_name]
            if isinstance(right, Const) and is_scalar(right.value) and right_gate:
                c = -right.value if op_name == "sub" else right.value
                return self.add(right_gate, [left], span, float(c))
            if isinstance(left, Const) and is_scalar(left.value) and left_gate:
                return self.add(left_gate, [right], span, float(left.value))
        return self.add(op_name, operands, span, const)

    def add(self, op_name: str, operands: Sequence[Operand], span: tuple[int, int], const: Any = None) -> Ref:
        inputs = tuple(self.materialize(o) for o in operands)
        return _new(Ref, (self.add_node(op_name, inputs, None, const, span), *span))

    def add_node(self, op: str, inputs: tuple[int, ...], name: str | None, const: Any, span: tuple[int, int]) -> int:
        """Append one node's fields; returns its id."""
        node_id = len(self.nodes)
        if node_id >= self.max_nodes:
            raise self.error("limit.too_many_nodes", span[0], span[1], cap=f"{self.max_nodes:,}")
        self.nodes.append(_new(Node, (node_id, op, inputs, name, const, span, None, None)))
        return node_id

    def materialize(self, operand: Operand) -> int:
        if isinstance(operand, Ref):
            return operand.id
        if isinstance(operand.value, str):
            raise self.error("error.string_value", operand.start, operand.end)
        return self.add_node(CONST, (), None, operand.value, (operand.start, operand.end))

    def claim(self, count: int, span: tuple[int, int]) -> None:
        """Count ``count`` more numbers held by this program's constants, refused (with the place) past the limit."""
        claim(self.budget, count, self.source, span)


_new = tuple.__new__  # a named tuple made without its keyword-handling constructor (the parser makes many)


def _respan(operand: Operand, start: int, end: int) -> Operand:
    if type(operand) is Ref:
        return _new(Ref, (operand[0], start, end))
    return Const(operand.value, start, end, operand.euler)  # type: ignore[union-attr]
