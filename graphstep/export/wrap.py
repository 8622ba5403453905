"""A long circuit wrapped into rows (``--rows N``; ``--fit`` picks the number that fills the slide best).

A slide is about twice as wide as tall, while a chain of a dozen gates is ten times as wide as tall: drawn
in one row its text shrinks to a few points. Cut into rows like a line of text, it fills the slide. The rows
are runs of whole layers of the layered layout, as long as possible alike; the cuts go where the fewest wires
cross (never through a composite gate's box). A wire that crosses a cut ends at a small circled *connector*
at the end of its row and starts again from the same connector at the start of the next row, its numbers on
the new row, right before its gate (the off-page connector of circuit diagrams). Both engines draw the same
rows: graphstep's own layout moves its placed rows under each other here; the DOT writer puts each row in an
invisible cluster (``export/dot``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy

from graphstep.export.points import MARGIN, MERGE, Frame, text_width
from graphstep.scene import Scene, WireKey

STUB = 10.0
"""The straight bit of wire between a row's last gate and its connector (and from a connector on)."""
GAP = 16.0
"""Room between two rows."""
EXACT = 60
"""Up to this many places to cut, the best set of cuts is found exactly (``best_cuts``); beyond, the cuts go
near the even positions."""


@dataclass(frozen=True)
class Rows:
    """Which row each layer is in, and each wire that crosses to a later row with its connector's text."""

    of_layer: tuple[int, ...]
    connectors: dict[WireKey, str]
    moved: dict[int, int] = field(default_factory=dict)
    """Inputs whose gates all start a later row: drawn at that row's start (node -> row), not cut off."""

    def node_row(self, node: int, layer: int) -> int:
        return self.moved.get(node, self.of_layer[layer])

    @property
    def count(self) -> int:
        return max(self.of_layer, default=0) + 1


def connector_radius(frame: Frame, labels: list[str]) -> float:
    return max((text_width(label, frame.sizes.small) for label in labels), default=0.0) / 2 + 6


def choose_rows(frame: Frame, scene: Scene, rows: int) -> Rows:
    """Cut the layers of ``frame`` (placed in one row) into at most ``rows`` rows."""
    depth = len(frame.centre_u)
    left = [frame.centre_u[k] - frame.column_half[k] for k in range(depth)]
    right = [frame.centre_u[k] + frame.column_half[k] for k in range(depth)]
    lead = [MERGE + frame.runs[k] + 2 * STUB + 24 for k in range(depth)]  # a row's start: connector, run
    leaves = {n.id for n in scene.nodes if n.kind in ("input", "const")}
    crossing = _crossings(frame, scene, leaves)
    candidates = [k for k in range(1, depth) if crossing[k] < 1000]

    wanted = min(rows, len(candidates) + 1) - 1
    if wanted <= 0:
        return Rows(tuple([0] * depth), {})
    if len(candidates) <= EXACT:
        best = best_cuts(left, right, lead, crossing, candidates, wanted)
    else:
        total = right[-1] - left[0]
        best = tuple(sorted({min(candidates, key=lambda k: abs(left[k] - total * i / (wanted + 1)))
                             for i in range(1, wanted + 1)}))
    of_layer = tuple(sum(1 for cut in best if cut <= k) for k in range(depth))
    moved = {}
    for node in leaves:
        rows_of = {of_layer[frame.column[w.target]] for w in scene.wires if w.source == node}
        if len(rows_of) == 1 and min(rows_of) > of_layer[frame.column[node]]:
            moved[node] = min(rows_of)
    return Rows(of_layer, _labels(scene, frame, of_layer, moved), moved)


def cuts_cost(left: list[float], right: list[float], lead: list[float], crossing: list[float],
              cuts: tuple[int, ...]) -> float:
    """How bad a set of cuts is: the widest row (a row after the first starts with its connectors), more the
    more wires the cuts cross."""
    bounds = (0, *cuts, len(left))
    widest = max(right[b - 1] - left[a] + (lead[a] if a else 0) for a, b in pairwise(bounds))
    return widest * (1 + 0.08 * sum(crossing[k] - 1 for k in cuts))


def best_cuts(left: list[float], right: list[float], lead: list[float], crossing: list[float],
              candidates: list[int], wanted: int) -> tuple[int, ...]:
    """The ``wanted`` cuts among ``candidates`` of least ``cuts_cost``, the first in order among equals: what
    trying every combination finds, without trying them (60 places and 5 cuts were 5.5 million tries).

    The cost is the widest row times a factor that grows with the sum of the cuts' crossings, which no
    dynamic program over rows decides alone. So every width a row can have is tried as a bound, narrowest
    first: for a bound, a dynamic program over (place, cuts left) finds the least sum of crossings with every
    row inside it (O(places² · cuts), in numpy), and the first such cuts in order. The best set of cuts is
    the best of these: its widest row is one of the bounds, and at that bound nothing crosses less. The
    sweep stops once even the least possible sum of crossings cannot beat the best found."""
    ends = [0, *candidates, len(left)]
    n = len(ends)
    width = numpy.full((n, n), numpy.inf)
    for i in range(n - 1):
        for j in range(i + 1, n):
            a, b = ends[i], ends[j]
            width[i, j] = right[b - 1] - left[a] + (lead[a] if a else 0)
    penalty = numpy.array([0.0, *(crossing[k] - 1 for k in candidates), 0.0])
    floor = sum(sorted(penalty[1:-1])[:wanted])  # the least sum of crossings any choice can have
    best: tuple[float, tuple[int, ...]] | None = None
    for bound in numpy.unique(width[numpy.isfinite(width)]):
        if best is not None and float(bound) * (1 + 0.08 * floor) > best[0]:
            break
        cuts = _least_crossing(width <= bound, penalty, wanted)
        if cuts is not None:
            chosen = tuple(ends[i] for i in cuts)
            found = (cuts_cost(left, right, lead, crossing, chosen), chosen)
            best = found if best is None or found < best else best
    assert best is not None  # the widest bound allows every choice
    return best[1]


def _least_crossing(allowed: numpy.ndarray, penalty: numpy.ndarray, wanted: int) -> tuple[int, ...] | None:
    """The first (in order) of the sets of ``wanted`` cuts (indices 1 … n-2) with every row ``allowed`` (a
    row from cut i to cut j: ``allowed[i, j]``) and the least sum of ``penalty``; None if there is none."""
    n = len(penalty)
    # rest[j][i]: the least sum of the penalties of j more cuts after cut i that end the circuit in allowed rows
    rest = [numpy.where(allowed[:, n - 1], 0.0, numpy.inf)]
    step = numpy.where(allowed, penalty[None, :], numpy.inf)  # step[i, k]: from cut i to cut k
    step[:, n - 1] = numpy.inf
    for _ in range(wanted):
        rest.append((step + rest[-1][None, :]).min(axis=1))
    if not numpy.isfinite(rest[wanted][0]):
        return None
    cuts, at = [], 0
    for j in range(wanted, 0, -1):
        through = step[at] + rest[j - 1]
        at = int(numpy.flatnonzero(through == rest[j][at])[0])  # sums of halves: exact, so equal is equal
        cuts.append(at)
    return tuple(cuts)


def _crossings(frame: Frame, scene: Scene, leaves: set[int]) -> list[float]:
    """Per layer k, how bad a cut before it is: the wires it cuts (an input cut off from its gate moves on
    with it, so it counts half), and no cut through a composite gate's box at all (1000)."""
    depth = len(frame.centre_u)
    crossing = [0.0] * (depth + 1)
    for wire in scene.wires:
        for k in range(frame.column[wire.source] + 1, frame.column[wire.target] + 1):
            crossing[k] += 1 if wire.source not in leaves else 0.5
    for cluster in scene.clusters:
        layers = [frame.column[m] for m in cluster.members]
        for k in range(min(layers) + 1, max(layers) + 1):
            crossing[k] += 1000
    return crossing


def _labels(scene: Scene, frame: Frame, of_layer: tuple[int, ...], moved: dict[int, int]) -> dict[WireKey, str]:
    """The connector text of each crossing wire: its source's name on the circuit, else A, B, … (one per source)."""
    letters = iter(string.ascii_uppercase)
    by_source: dict[int, str] = {}
    found: dict[WireKey, str] = {}
    names = {n.id: n.name or (n.label if n.kind == "input" else None) for n in scene.nodes}
    for wire in scene.wires:
        if wire.source in moved or of_layer[frame.column[wire.source]] == of_layer[frame.column[wire.target]]:
            continue
        if wire.source not in by_source:
            by_source[wire.source] = names.get(wire.source) or next(letters, "?")
        found[wire.end] = by_source[wire.source]
    return found


def _bands(frame: Frame, chosen: Rows) -> tuple[list[float], list[float]]:
    """Per row, the top and bottom of the room its nodes and long wires take across the flow."""
    top = [float("inf")] * chosen.count
    bottom = [float("-inf")] * chosen.count
    for i, v in frame.centre_v.items():
        if i in chosen.moved:  # placed on its gate's lane, inside that gate's room
            continue
        r = chosen.of_layer[frame.column[i]]
        room = max(frame.shapes[i].ry if frame.lr else frame.shapes[i].rx,
                   len(frame.inputs.get(i, ())) * frame.lane / 2)
        top[r], bottom[r] = min(top[r], v - room), max(bottom[r], v + room)
    for (target, _), vs in frame.route_v.items():
        first = frame.column[target] - len(vs)
        for j, v in enumerate(vs):
            r = chosen.of_layer[first + j]
            top[r], bottom[r] = min(top[r], v - frame.lane / 2), max(bottom[r], v + frame.lane / 2)
    return top, bottom


def wrapped(frame: Frame, scene: Scene, rows: int) -> Frame:
    """``frame`` (one row) with its layers cut into rows, each moved under the one before."""
    chosen = choose_rows(frame, scene, rows)
    if chosen.count == 1:
        return frame
    radius = connector_radius(frame, list(chosen.connectors.values()))
    depth = len(frame.centre_u)
    spans = [[k for k in range(depth) if chosen.of_layer[k] == r] for r in range(chosen.count)]
    # Along the flow: each row starts at the margin (after its connectors and moved inputs), in its own
    # coordinates.
    lead = [max([2 * radius] + [2 * frame.half_u[i] for i, row in chosen.moved.items() if row == r]) + STUB
            for r in range(chosen.count)]
    shift_u, row_end = [], []
    for r, layers in enumerate(spans):
        a, b = layers[0], layers[-1]
        left = frame.centre_u[a] - frame.column_half[a] - (MERGE + frame.runs[a] if r else 0)
        shift = (MARGIN + (lead[r] if r else 0)) - left
        shift_u.append(shift)
        row_end.append(frame.centre_u[b] + frame.column_half[b] + shift + STUB + radius)
    # Across: each row's band (its nodes' and long wires' room) right under the one before.
    top, bottom = _bands(frame, chosen)
    shift_v, cursor = [], top[0]
    for r in range(chosen.count):
        shift_v.append(cursor - top[r])
        cursor += bottom[r] - top[r] + GAP + (18 if scene.clusters else 0)
    centre_u = [u + shift_u[chosen.of_layer[k]] for k, u in enumerate(frame.centre_u)]
    centre_v = {i: v + shift_v[chosen.of_layer[frame.column[i]]] for i, v in frame.centre_v.items()}
    moved: dict[int, tuple[int, float]] = {}
    for wire in scene.wires:
        if wire.source in chosen.moved and wire.source not in moved:
            row = chosen.moved[wire.source]
            lane = wire.position - (len(frame.inputs[wire.target]) - 1) / 2
            centre_v[wire.source] = centre_v[wire.target] + lane * frame.lane
            moved[wire.source] = (row, MARGIN + frame.half_u[wire.source])
    route_v = {w: tuple(v + shift_v[chosen.of_layer[frame.column[w[0]] - len(vs) + j]] for j, v in enumerate(vs))
               for w, vs in frame.route_v.items()}
    return replace(frame, centre_u=centre_u, centre_v=centre_v, route_v=route_v, row=chosen.of_layer,
                   row_start=MARGIN, row_end=tuple(row_end), connectors=chosen.connectors, radius=radius, moved=moved,
                   extent_u=max(row_end) + radius + MARGIN, extent_v=cursor - GAP + MARGIN)
