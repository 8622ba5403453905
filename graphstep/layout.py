"""The built-in layered layout, shared by the terminal app and the Graphviz-free SVG/TikZ writers.

Inputs on the left, the output on the right (like the lecture's circuits): a gate's layer is one more
than its deepest input; a leaf sits one layer before its first consumer, next to where it is used. A wire
that skips layers gets a placeholder in every layer it crosses, so it never runs through a gate. Rows
inside a layer are ordered by the barycentre of their neighbours (sweeps both ways, keeping the order
with the fewest crossings); then every slot gets a vertical coordinate close to its neighbours' (a chain
of gates is drawn straight) while slots of a layer stay at least one row apart. Computed once per graph;
views map (layer, row) or the coordinates to their own units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphstep.graph import Graph

SWEEPS = 8
STRAIGHTEN_PASSES = 8
MAX_PLACEHOLDERS = 50_000
"""Beyond this many placeholders (a huge graph reusing its inputs everywhere) long wires go without."""

Wire = tuple[int, int]
"""A wire by where it ends: (consumer id, input position)."""


@dataclass(frozen=True)
class Layout:
    layers: tuple[tuple[int, ...], ...]
    """Node ids per layer, left to right; each layer's ids top to bottom."""
    position: dict[int, tuple[int, int]]
    """node id -> (layer, row)."""
    y: dict[int, float] = field(default_factory=dict)
    """node id -> vertical coordinate in rows (nodes and placeholders of a layer are at least 1 apart)."""
    routes: dict[Wire, tuple[float, ...]] = field(default_factory=dict)
    """A long wire's vertical coordinate in each layer it crosses, left to right."""

    @property
    def width(self) -> int:
        return len(self.layers)

    @property
    def height(self) -> int:
        return max((len(layer) for layer in self.layers), default=0)


def layered_layout(graph: Graph, placeholders: int = MAX_PLACEHOLDERS) -> Layout:
    """``placeholders``: at most this many in all (the first wires in node order get them; a longer one
    that does not fit goes without, and has no entry in ``Layout.routes``)."""
    nodes = graph.nodes
    count = len(nodes)
    layer = _assign_layers(graph)
    # Slots 0..count-1 are the nodes; later slots are placeholders of long wires.
    ups: list[list[int]] = [[] for _ in nodes]
    downs: list[list[int]] = [[] for _ in nodes]
    # Where on its consumer a wire arrives (-0.5 top input … +0.5 bottom): breaks ties so that the
    # first input of a gate is drawn above the second.
    port: list[list[float]] = [[] for _ in nodes]
    wire_of: dict[int, Wire] = {}
    budget = placeholders
    for node in nodes:
        for position, source in enumerate(node.inputs):
            previous = source
            span = layer[node.id] - layer[source]
            if 1 < span <= budget + 1:
                budget -= span - 1
                for k in range(layer[source] + 1, layer[node.id]):
                    slot = len(layer)
                    layer.append(k)
                    ups.append([previous])
                    downs.append([])
                    port.append([])
                    downs[previous].append(slot)
                    port[previous].append(0.0)
                    wire_of[slot] = (node.id, position)
                    previous = slot
            downs[previous].append(node.id)
            port[previous].append((position + 0.5) / len(node.inputs) - 0.5)
            ups[node.id].append(previous)
    depth = max(layer, default=-1) + 1
    columns: list[list[int]] = [[] for _ in range(depth)]
    for slot, k in enumerate(layer):
        columns[k].append(slot)

    columns = _order(columns, ups, downs, port, layer)
    y = _straighten(columns, ups, downs)
    layers = tuple(tuple(s for s in column if s < count) for column in columns)
    positions = {node_id: (k, r) for k, column in enumerate(layers) for r, node_id in enumerate(column)}
    routes: dict[Wire, list[float]] = {}
    for slot in sorted(wire_of, key=lambda s: layer[s]):
        routes.setdefault(wire_of[slot], []).append(y[slot])
    return Layout(layers, positions, {i: y[i] for i in range(count)}, {w: tuple(v) for w, v in routes.items()})


def _assign_layers(graph: Graph) -> list[int]:
    layer = [0] * len(graph.nodes)
    for node in graph.nodes:  # ids are topological: inputs are placed before their consumers
        if node.inputs:
            layer[node.id] = 1 + max(layer[i] for i in node.inputs)
    for node in graph.nodes:
        consumers = graph.consumers[node.id]
        if not node.inputs and consumers:
            layer[node.id] = max(0, min(layer[c] for c, _ in consumers) - 1)
    return layer


def _order(columns: list[list[int]], ups: list[list[int]], downs: list[list[int]], port: list[list[float]],
           layer: list[int]) -> list[list[int]]:
    row = [0.0] * len(layer)

    def number(column: list[int]) -> None:
        for r, slot in enumerate(column):
            row[slot] = float(r)

    for column in columns:
        number(column)
    best = [list(c) for c in columns]
    best_crossings = _crossings(columns, downs, layer, row)
    depth = len(columns)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        for k in (range(1, depth) if forward else range(depth - 2, -1, -1)):
            side = k - 1 if forward else k + 1

            def barycentre(slot: int, side: int = side, forward: bool = forward) -> tuple[float, float]:
                if forward:
                    pulls = [(row[n], layer[n] == side) for n in ups[slot]]
                else:
                    pulls = [(row[n] + p, layer[n] == side) for n, p in zip(downs[slot], port[slot], strict=True)]
                # Neighbours in other layers (a leaf's consumer may sit further right) pull when no other does.
                around = [r for r, near in pulls if near] or [r for r, _ in pulls]
                return (sum(around) / len(around) if around else row[slot], row[slot])

            columns[k].sort(key=barycentre)
            number(columns[k])
        crossings = _crossings(columns, downs, layer, row)
        if crossings < best_crossings:
            best, best_crossings = [list(c) for c in columns], crossings
    return best


def _crossings(columns: list[list[int]], downs: list[list[int]], layer: list[int], row: list[float]) -> int:
    total = 0
    for k in range(len(columns) - 1):
        pairs = [(row[s], row[n]) for s in columns[k] for n in downs[s] if layer[n] == k + 1]
        total += inversions(pairs)
    return total


def inversions(pairs: list[tuple[float, float]]) -> int:
    """Crossing wires between two layers: pairs whose order on the left and on the right disagree."""
    pairs.sort()
    ends = sorted({b for _, b in pairs})
    index = {b: i + 1 for i, b in enumerate(ends)}
    tree = [0] * (len(ends) + 1)
    count = 0
    for seen, (_, b) in enumerate(pairs):
        i = below = 0
        i = index[b]
        while i > 0:  # Fenwick tree: how many earlier wires end at or above b
            below += tree[i]
            i -= i & -i
        count += seen - below
        i = index[b]
        while i <= len(ends):
            tree[i] += 1
            i += i & -i
    return count


def _straighten(columns: list[list[int]], ups: list[list[int]], downs: list[list[int]]) -> list[float]:
    """Coordinates near the mean of each slot's neighbours, keeping the order and a gap of at least 1."""
    y = [0.0] * len(ups)
    for column in columns:
        for r, slot in enumerate(column):
            y[slot] = float(r)
    for sweep in range(STRAIGHTEN_PASSES):
        forward = sweep % 2 == 0
        for column in (columns if forward else reversed(columns)):
            wanted = []
            for slot in column:
                around = (ups[slot] if forward else downs[slot]) or ups[slot] + downs[slot]
                wanted.append(sum(y[n] for n in around) / len(around) if around else y[slot])
            for slot, value in zip(column, spaced(wanted), strict=True):
                y[slot] = value
    low = min(y, default=0.0)
    return [v - low for v in y]


def spaced(wanted: list[float], gaps: list[float] | None = None) -> list[float]:
    """The closest coordinates (least squares) to ``wanted``, in order, each at least ``gaps[i]`` (default 1)
    below the previous one.

    With z_i = y_i - (sum of the gaps before i) the constraint is z non-decreasing: isotonic regression,
    solved by pooling adjacent violators."""
    offsets: list[float] = []
    total = 0.0
    for i in range(len(wanted)):
        total += (gaps[i] if gaps is not None else 1.0) if i else 0.0
        offsets.append(total)
    blocks: list[list[float]] = []  # [mean, weight]
    for w, offset in zip(wanted, offsets, strict=True):
        blocks.append([w - offset, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight = blocks.pop()
            blocks[-1][0] = (blocks[-1][0] * blocks[-1][1] + mean * weight) / (blocks[-1][1] + weight)
            blocks[-1][1] += weight
    result: list[float] = []
    for mean, weight in blocks:
        result.extend([mean] * int(weight))
    return [z + offset for z, offset in zip(result, offsets, strict=True)]
