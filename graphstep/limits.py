"""Limits for untrusted programs: which files ``load()`` may read, and how many numbers a program may hold.

Students hand in ``.gstep`` files; a lecturer runs them. The :class:`Limits` in force (a context variable:
the CLI sets it from ``--allow-path`` and ``--max-elements``, the Python API gets the defaults) decide:

- the folders a program may read data from: by default only the source file's own folder (for a formula
  typed on the command line, or the Python API, the current folder), symlinks resolved;
- how many array elements a program may create, counted *before* anything is allocated: shapes written in
  the formula, sizes read from a ``.npy`` header, shapes made by broadcasting and by ``@``;
- the largest file read at all (sources, answers, data tables).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

from graphstep.errors import GraphstepError, Phrase, SourceError

DEFAULT_MAX_ELEMENTS = 100_000_000
"""Numbers one program may hold in its arrays together (800 MB of float64 values; a run's gradients and
contributions take at most about twice that again). ``--max-elements`` changes it."""
DEFAULT_MAX_NODES = 10_000
"""Nodes (gates, inputs, constants) one program may have: a lecture's graph has tens, an unrolled network
thousands. Every command's time grows with the graph (drawing it, checking answers on it), so this bounds
what a file can cost. ``--max-nodes`` changes it; the Python API lifts it with ``limits(max_nodes=None)``."""
MAX_TEXT_BYTES = 2 * 1024 * 1024
"""The largest source or answers file read (2 MiB: a program of some 100,000 lines)."""
MAX_TABLE_BYTES = 64 * 1024 * 1024
"""The largest ``.csv``/``.txt`` data table read (64 MiB)."""


THIS_ARRAY = Phrase("limit.this_array")


class LimitError(GraphstepError):
    """A program asks for more than the limits allow (too many numbers, a file too large or out of reach)."""


class TooManyElements(LimitError):
    """A program's arrays would hold more numbers than ``max_elements``."""


class TooManyElementsAt(SourceError, TooManyElements):
    """:class:`TooManyElements` at a place in the source (shown with line, column and caret)."""


@dataclass(frozen=True)
class Limits:
    max_elements: int = DEFAULT_MAX_ELEMENTS
    base: Path | None = None
    """Where a relative ``load()`` path is looked up: the source file's folder (None: the current folder)."""
    allowed: tuple[Path, ...] = ()
    """Folders (resolved) a program may read besides ``base`` (``--allow-path``)."""
    max_nodes: int | None = DEFAULT_MAX_NODES
    """None: no cap (a graph built on purpose through the Python API, e.g. the benchmarks' 10^6 nodes)."""
    max_text_bytes: int = MAX_TEXT_BYTES
    max_table_bytes: int = MAX_TABLE_BYTES

    def folder(self) -> Path:
        return (self.base or Path.cwd()).resolve()

    def roots(self) -> tuple[Path, ...]:
        return (self.folder(), *self.allowed)


_LIMITS: ContextVar[Limits] = ContextVar("graphstep_limits", default=Limits())  # noqa: B039 (frozen)


def current() -> Limits:
    return _LIMITS.get()


class _Keep:
    """``limits(max_nodes=KEEP)``: leave the cap in force as it is (None means no cap)."""


KEEP = _Keep()


@contextmanager
def limits(
    source_file: str | Path | None = None,
    allow: Iterable[str | Path] = (),
    max_elements: int | None = None,
    max_nodes: int | _Keep | None = KEEP,
) -> Iterator[Limits]:
    """Use these limits while the block runs: ``load()`` paths resolve against ``source_file``'s folder (when
    given) and may reach that folder and the ``allow`` folders only; ``max_elements`` caps the numbers held,
    ``max_nodes`` the nodes of a parsed program (None: no cap)."""
    changes: dict[str, object] = {}
    if not isinstance(max_nodes, _Keep):
        if max_nodes is not None and max_nodes < 1:
            raise GraphstepError("option.range", flag="--max-nodes", what=Phrase("option.at_least_one"),
                                 value=max_nodes)
        changes["max_nodes"] = max_nodes
    if source_file is not None:
        changes["base"] = Path(source_file).resolve().parent
    if allow:
        changes["allowed"] = tuple(Path(a).expanduser().resolve() for a in allow)
    if max_elements is not None:
        if max_elements < 1:
            raise GraphstepError("option.range", flag="--max-elements", what=Phrase("option.at_least_one"),
                                 value=max_elements)
        changes["max_elements"] = max_elements
    token = _LIMITS.set(replace(_LIMITS.get(), **changes))  # type: ignore[arg-type]
    try:
        yield _LIMITS.get()
    finally:
        _LIMITS.reset(token)


# --- counting elements before they exist --------------------------------------------------------------------


def too_many(count: int, what: str | Phrase, cap: int | None = None) -> TooManyElements:
    cap = current().max_elements if cap is None else cap
    return TooManyElements("limit.too_many", what=what, count=_count(count), cap=f"{cap:,}")


def _count(n: int) -> str | Phrase:
    return f"{n:,}" if n < 10**15 else Phrase("limit.about", {"power": len(str(n)) - 1})


def check_count(count: int, what: str | Phrase = THIS_ARRAY) -> int:
    """``count`` when one program may hold that many numbers, else a :class:`LimitError` (nothing allocated)."""
    if count > current().max_elements:
        raise too_many(count, what)
    return count


def shape_size(shape: Sequence[int]) -> int:
    return math.prod(int(s) for s in shape)


WORK_PER_ELEMENT = 100
"""Multiply-adds the matrix products of one program may take, per number it may hold (10^10 by default:
a few seconds): ``@`` is the one op whose time grows faster than the numbers it reads and makes."""


class Budget:
    """The numbers a program has created so far (its constants while parsing, its values while running),
    and the multiply-adds its matrix products took."""

    def __init__(self) -> None:
        self.limit = current().max_elements
        self.used = 0
        self.work = 0

    def claim_work(self, op_name: str, shapes: Sequence[tuple[int, ...]], what: str | Phrase = THIS_ARRAY) -> None:
        """Count the multiply-adds of ``@`` on these shapes (other ops take time in proportion to their size)."""
        if op_name != "matmul" or len(shapes) != 2 or not shapes[0] or not shapes[1]:
            return
        inner = shapes[0][-1]
        self.work += result_size(op_name, shapes) * int(inner)
        cap = WORK_PER_ELEMENT * self.limit
        if self.work > cap:
            raise TooManyElements("limit.too_much_work", what=what, count=_count(self.work), cap=f"{cap:,}")

    def claim(self, count: int, what: str | Phrase = THIS_ARRAY) -> None:
        if count > self.limit:
            raise too_many(count, what, self.limit)
        if self.used + count > self.limit:
            raise too_many(self.used + count, Phrase("limit.with", {"what": what}), self.limit)
        self.used += count


def result_size(op_name: str, shapes: Sequence[tuple[int, ...]]) -> int:
    """An upper bound on the elements of an op's result, from its inputs' shapes alone (no array made):
    ``@`` multiplies out, two or more inputs broadcast, one input never grows."""
    if not shapes:
        return 1
    if op_name == "matmul" and len(shapes) == 2 and shapes[0] and shapes[1]:
        a, b = shapes
        a2 = (1, *a) if len(a) == 1 else a
        b2 = (*b, 1) if len(b) == 1 else b
        rows = a2[-2] if len(a) > 1 else 1
        cols = b2[-1] if len(b) > 1 else 1
        return _broadcast_size([a2[:-2], b2[:-2]]) * rows * cols
    if len(shapes) > 1:
        return _broadcast_size(shapes)
    return shape_size(shapes[0])


def _broadcast_size(shapes: Sequence[tuple[int, ...]]) -> int:
    """Elements of the broadcast of ``shapes``; when they do not broadcast, the largest one (the op refuses)."""
    rank = max((len(s) for s in shapes), default=0)
    total = 1
    for k in range(1, rank + 1):
        sizes = {s[-k] for s in shapes if len(s) >= k} - {1}
        total *= max(sizes) if sizes else 1
    return total
