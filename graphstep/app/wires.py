"""Wire cells on the character grid: which box-drawing character each cell gets, merged into runs of text.

A cell holds the directions (N, E, S, W bits) of every wire through it and the wires it belongs to;
``wire_runs`` turns the grid into runs per row. Where two different nets cross, the horizontal one runs on
unbroken and the vertical one is interrupted, so a crossing never reads as a junction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EdgeKey = tuple[int, int]
"""(consumer id, input position): one wire."""

N, E, S, W = 1, 2, 4, 8
WIRE_CHARS = {
    E | W: "─", E: "─", W: "─", N | S: "│", N: "│", S: "│",
    E | S: "┌", W | S: "┐", N | E: "└", N | W: "┘",
    N | E | S: "├", N | W | S: "┤", E | W | S: "┬", E | W | N: "┴", N | E | S | W: "┼",
}


@dataclass(frozen=True)
class Run:
    """A piece of static text on one row: ``kind`` is wire/box/name/leaf/symbol."""

    x: int
    text: str
    kind: str
    node: int = -1
    edges: frozenset[EdgeKey] = frozenset()


def _direction(cell: tuple[int, int], other: tuple[int, int]) -> int:
    dx, dy = other[0] - cell[0], other[1] - cell[1]
    if dx > 0:
        return E
    if dx < 0:
        return W
    return S if dy > 0 else N if dy < 0 else 0


def _dedupe(cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cell in cells:
        if not out or out[-1] != cell:
            out.append(cell)
    return out


def _cell(cell: tuple[int, int], grid: dict[tuple[int, int], int], owners: dict[tuple[int, int], set[EdgeKey]],
          net: dict[EdgeKey, int]) -> tuple[str, frozenset[EdgeKey]]:
    """The character of one wire cell and the wires it belongs to. Where two different nets cross, the
    horizontal one runs on unbroken and the vertical one is interrupted, so a crossing never reads as a
    junction (``┼`` is kept for one net that branches four ways)."""
    bits, edges = grid[cell], owners[cell]
    if bits == N | E | S | W and len({net[e] for e in edges}) > 1:
        x, y = cell
        across = edges & (owners.get((x - 1, y), set()) | owners.get((x + 1, y), set()))
        if across and len({net[e] for e in across}) == 1:
            return "─", frozenset(across)
    return WIRE_CHARS.get(bits, "┼"), frozenset(edges)


def wire_runs(grid: dict[tuple[int, int], int], owners: dict[tuple[int, int], set[EdgeKey]],
               net: dict[EdgeKey, int]) -> dict[int, list[Run]]:
    """Merge wire cells into runs of the same owners, row by row."""
    by_row: dict[int, list[int]] = {}
    for cx, cy in grid:
        by_row.setdefault(cy, []).append(cx)
    runs: dict[int, list[Run]] = {}
    for y, cols in by_row.items():
        cols.sort()
        current: list[Any] = []
        for cx in cols:
            char, edges = _cell((cx, y), grid, owners, net)
            if current and current[0] + len(current[1]) == cx and current[2] == edges:
                current[1] += char
            else:
                if current:
                    runs.setdefault(y, []).append(Run(current[0], current[1], "wire", -1, current[2]))
                current = [cx, char, edges]
        if current:
            runs.setdefault(y, []).append(Run(current[0], current[1], "wire", -1, current[2]))
    return runs
