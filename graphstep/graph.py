"""The operation graph: immutable nodes with integer ids, built in topological order.

A node's id is its index in ``Graph.nodes`` and every input id is smaller than the node's own id, so the
node list *is* a topological order: the engine walks it forward and backward without sorting or
recursion. Input order matters (``x - y``, ``x / y``) and ``x*x`` has two edges from ``x``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from graphstep.lexer import canonical_name
from graphstep.ops import OPS, fmt_const
from graphstep.textsafe import escape

if TYPE_CHECKING:
    import networkx

    from graphstep.trace import Trace

INPUT = "input"
CONST = "const"
LEAVES = (INPUT, CONST)


class Node(NamedTuple):
    """One node: a leaf (``input``/``const``) or a gate applying an op from the ops table.

    Immutable, and compared by identity like any object (a graph of a million nodes makes a million of
    these: a named tuple is three times cheaper to make than a frozen dataclass)."""

    id: int
    op: str
    inputs: tuple[int, ...] = ()
    name: str | None = None
    const: Any = None
    """The gate's constant (``+1``) or attribute; for a ``const`` leaf its value; for an input, its default."""
    span: tuple[int, int] | None = None
    group: int | None = None
    """After ``expand``: the id (in the original graph) of the composite gate this node came from."""
    group_op: str | None = None

    @property
    def is_leaf(self) -> bool:
        return self.op in LEAVES

    @property
    def label(self) -> str:
        """The text drawn in the gate: ``*``, ``exp``, ``+1``; a leaf shows its name or value."""
        if self.op == INPUT:
            return self.name or f"n{self.id}"
        if self.op == CONST:
            return fmt_const(self.const) if _is_number(self.const) else "const"
        return OPS[self.op].label(self.const)

    @property
    def display_name(self) -> str:
        """How explanations refer to the node: its user name, else ``n<id>``."""
        return self.name or f"n{self.id}"


def compared_by_identity(*classes: type) -> None:
    """Make named tuples compare like plain objects (by identity, hashable even when holding arrays)."""
    for cls in classes:
        for method in ("__eq__", "__ne__", "__hash__"):
            setattr(cls, method, getattr(object, method))


compared_by_identity(Node)


SOURCE_NAME_MAX = 16
"""A gate's source text names it in the explanations when it is at most this long."""
AUTO_NAMES = ("q", "s", "t", "u", "v", "p", "r", "g", "h", "k", "m", "a", "b", "c", "d")
"""Automatic names for the other gates, as the lecture names intermediates (q = x + y, f = qz)."""


def _needs_no_brackets(text: str, op: str) -> bool:
    """Does ``text`` read as one term without extra brackets: ``(x + y)``, ``max(z, w)``, ``σ(y)``, a name?
    ``(xy) + max(z, w)`` starts and ends with a bracket but is a sum: it needs them."""
    if text.isidentifier():
        return False  # ``xy``, ``w0x0``: an implicit product reads better as ``(xy)``
    opening = text.find("(")
    if opening < 0 or not text.endswith(")"):
        return False
    if opening > 0 and (op in ("mul", "matmul") or not text[:opening].replace("\\", "").isidentifier()):
        return False  # ``x(y + z)`` is a product, not a call
    depth = 0
    for i, char in enumerate(text[opening:], opening):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Graph:
    """An immutable operation graph. Build one with :func:`graphstep.parse`."""

    def __init__(self, nodes: Sequence[Node], output: int, source: str = "", aliases: Mapping[str, int] | None = None):
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self.output = output
        self.source = source
        self.names: dict[str, int] = {n.name: n.id for n in self.nodes if n.name}
        self.names.update(aliases or {})
        self.inputs: dict[str, int] = {n.name: n.id for n in self.nodes if n.op == INPUT and n.name}

    @classmethod
    def made(cls, nodes: tuple[Node, ...], output: int, source: str, names: dict[str, int],
             inputs: dict[str, int]) -> Graph:
        """A graph whose maker already has its name tables, as ``__init__`` would make them (the compiled
        reader builds them as it goes, at C speed)."""
        graph = cls.__new__(cls)
        graph.nodes, graph.output, graph.source, graph.names, graph.inputs = nodes, output, source, names, inputs
        return graph

    def __len__(self) -> int:
        return len(self.nodes)

    def __getitem__(self, key: int | str) -> Node:
        if isinstance(key, str):
            return self.nodes[self.names[key]]
        return self.nodes[key]

    def __repr__(self) -> str:
        gates = sum(1 for n in self.nodes if not n.is_leaf)
        return f"<Graph {gates} gates, inputs {', '.join(self.inputs) or '-'}, output {self.output_name}>"

    def resolve(self, name: str) -> str:
        """A name as the language reads it, the key of ``names``: ``w_0`` and ``w_{0}`` are ``w0``,
        ``alpha`` and ``\\alpha`` are ``α``."""
        return name if name in self.names else canonical_name(name)

    def display_name(self, node_id: int) -> str:
        """How every view names a node for a student: its user name; the output is ``f`` (or its name); a gate
        by its source text when short (bracketed when the brackets keep its meaning: ``(xy)``,
        ``((xy) + max(z, w))``, ``max(z, w)``); otherwise an automatic name (``q``, ``s``, …) that the
        circuit draws in the gate's border (:meth:`circuit_name`). Never an internal id."""
        node = self.nodes[node_id]
        if node.name:
            return node.name
        if node_id == self.output:
            return self.output_name
        if node.op == CONST:
            return node.label
        text = self._source_names.get(node_id)
        if text is not None:
            return text
        return self._auto_names.get(node_id, node.display_name)

    def circuit_name(self, node_id: int) -> str | None:
        """The name drawn in a gate's border: the user's name or the automatic one (None for a gate named by
        its source text, which the header shows)."""
        node = self.nodes[node_id]
        return node.name or self._auto_names.get(node_id)

    @cached_property
    def _source_names(self) -> dict[int, str]:
        found = {}
        for node in self.nodes:
            if node.name or node.is_leaf or node.span is None or node.id == self.output:
                continue
            text = escape(" ".join(self.source[node.span[0] : node.span[1]].split()), one_line=True)
            if 0 < len(text) <= SOURCE_NAME_MAX:
                found[node.id] = text if _needs_no_brackets(text, node.op) else f"({text})"
        return found

    @cached_property
    def _auto_names(self) -> dict[int, str]:
        """``q``, ``s``, ``t``, … (then ``q1``, ``q2``, …) for gates without a name or a short source text,
        in topological order, never one the program already uses."""
        taken = set(self.names) | {"f", "e"}
        pool = (name for name in (*AUTO_NAMES, *(f"q{i}" for i in range(1, len(self.nodes) + 2))) if name not in taken)
        found = {}
        for node in self.nodes:
            if node.is_leaf or node.name or node.id == self.output or node.id in self._source_names:
                continue
            found[node.id] = next(pool)
        return found

    @property
    def output_name(self) -> str:
        node = self.nodes[self.output]
        return node.name or "f"

    @property
    def defaults(self) -> dict[str, Any]:
        """Input values bound in the source (``x = 3``)."""
        return {name: self.nodes[i].const for name, i in self.inputs.items() if self.nodes[i].const is not None}

    @cached_property
    def consumers(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """For each node, the (consumer id, input position) pairs that read it: its fan-out."""
        found: list[list[tuple[int, int]]] = [[] for _ in self.nodes]
        for node in self.nodes:
            for position, source in enumerate(node.inputs):
                found[source].append((node.id, position))
        return tuple(tuple(c) for c in found)

    @cached_property
    def ancestors_of_output(self) -> frozenset[int]:
        """Nodes the output depends on (the only ones that receive a gradient)."""
        seen = {self.output}
        for node in reversed(self.nodes[: self.output + 1]):
            if node.id in seen:
                seen.update(node.inputs)
        return frozenset(seen)

    def structure(self) -> tuple[tuple[Any, ...], ...]:
        """The graph's shape without source positions: two graphs that compute alike compare equal."""
        return tuple((n.op, n.inputs, n.name if n.op == INPUT else None, _const_key(n.const)) for n in self.nodes)

    def run(self, backend: str = "numpy", dtype: str = "float64", **values: Any) -> Trace:
        """Evaluate forward and backward; returns the full :class:`~graphstep.trace.Trace`.

        ``values`` give the inputs by name (numbers or arrays); inputs bound in the source are defaults.
        """
        from graphstep.engine import run

        return run(self, values, backend=backend, dtype=dtype)

    def expand(self, only: Collection[int] | None = None) -> Graph:
        """The same graph with every composite gate (sigmoid, tanh, …) replaced by its primitive chain.

        Each new node remembers the composite it came from (``group``), so views can draw the chain as a
        cluster or collapse it back. The numbers agree with the collapsed graph. ``only`` limits the
        expansion to those node ids (the app expands one gate in place).
        """
        builder = NodeList()
        new_id: dict[int, int] = {}
        for node in self.nodes:
            inputs = tuple(new_id[i] for i in node.inputs)
            op = OPS.get(node.op)
            if op is not None and op.expand is not None and (only is None or node.id in only):
                first = len(builder.nodes)

                def emit(op_name: str, args: Sequence[int], const: Any, _node: Node = node) -> int:
                    return builder.add(op_name, tuple(args), const=const, span=_node.span, group=_node.id,
                                       group_op=_node.op)

                last = op.expand(emit, inputs, node.const)
                if node.name:  # the composite's name labels the end of its chain
                    builder.nodes[last] = _renamed(builder.nodes[last], node.name)
                assert last >= first
                new_id[node.id] = last
            else:
                new_id[node.id] = builder.add(node.op, inputs, name=node.name, const=node.const, span=node.span,
                                              group=node.group, group_op=node.group_op)
        aliases = {name: new_id[i] for name, i in self.names.items()}
        return Graph(builder.nodes, new_id[self.output], self.source, aliases)

    def to_networkx(self) -> networkx.MultiDiGraph:
        """A ``networkx.MultiDiGraph`` copy (one edge per input slot, keyed by position) for algorithms."""
        import networkx

        g = networkx.MultiDiGraph()
        for node in self.nodes:
            g.add_node(node.id, op=node.op, label=node.label, name=node.name)
            for position, source in enumerate(node.inputs):
                g.add_edge(source, node.id, key=position, position=position)
        return g

    def _repr_svg_(self) -> str | None:
        """Jupyter display hook; the export module draws the graph when it is installed."""
        try:
            from graphstep.export import graph_svg
        except ImportError:
            return None
        return str(graph_svg(self))


def _const_key(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return ("array", repr(value.tolist()))
    return value


def _renamed(node: Node, name: str) -> Node:
    return Node(node.id, node.op, node.inputs, name, node.const, node.span, node.group, node.group_op)


class NodeList:
    """Appends nodes with consecutive ids; used by the parser and by ``expand``."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def add(self, op: str, inputs: tuple[int, ...] = (), name: str | None = None, const: Any = None,
            span: tuple[int, int] | None = None, group: int | None = None, group_op: str | None = None) -> int:
        node_id = len(self.nodes)
        self.nodes.append(Node(node_id, op, inputs, name, const, span, group, group_op))
        return node_id
