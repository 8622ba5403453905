"""The compiled reader's front: graphstep._fastparse reads the language's common subset at C speed.

The extension is built from ``_fastparse.pyx`` when graphstep is installed with a C compiler at hand; without
it (or for a source outside the subset) :func:`read` returns None and the full parser reads the source.
Both give the same graph node for node (tests/test_fastparse.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any

from graphstep.graph import CONST, INPUT, Graph, Node
from graphstep.lexer import CONSTANTS, GREEK, multi_letter_names
from graphstep.ops import CALL_NAMES, FUNCTIONS, LEFT_GATE, OPS, RIGHT_GATE

_fastparse: ModuleType | None
try:
    from graphstep import _fastparse
except ImportError:  # installed without a C compiler: the full parser alone
    _fastparse = None

AVAILABLE = _fastparse is not None

_BUILTIN: tuple[int, tuple[Any, ...]] = (-1, ())


def read(source: str, names: Iterable[str], calls: Iterable[str], max_nodes: int) -> Graph | None:
    """The graph of ``source`` read by the compiled reader, or None (not built, or the source is outside its
    subset). ``names`` are the caller's longer names (the reader finds the program's own); ``calls`` the
    functions with their own argument rules (the full parser's)."""
    if _fastparse is None:
        return None
    result = _fastparse.read(source, _tables(names, calls), max_nodes)
    if result is None:
        return None
    nodes, output, names_table, inputs = result
    return Graph.made(nodes, output, source, names_table, inputs)


def _tables(names: Iterable[str], calls: Iterable[str]) -> tuple[Any, ...]:
    """What the reader looks names up in: the ops table's functions and constant gates, the known longer
    names (longest-match splitting leaves the reader when one can start in a word). Made once, and again
    only when tensor functions register themselves on import or the caller names longer names."""
    global _BUILTIN
    if _BUILTIN[0] != len(FUNCTIONS) + len(CALL_NAMES):
        skip = set(calls)
        known = set(multi_letter_names())
        _BUILTIN = (len(FUNCTIONS) + len(CALL_NAMES), (
            Node, INPUT, CONST,
            {name: (OPS[op].name, OPS[op].arity) for name, op in FUNCTIONS.items() if name not in skip},
            set(FUNCTIONS) | CALL_NAMES, RIGHT_GATE, LEFT_GATE, known, {name[:2] for name in known},
            set(GREEK) | set(CONSTANTS)))
    tables = _BUILTIN[1]
    names = list(names)
    if not names:
        return tables
    known = tables[7] | set(multi_letter_names(names))
    return (*tables[:7], known, {name[:2] for name in known}, tables[9])
