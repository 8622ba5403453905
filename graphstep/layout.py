"""The built-in layered layout, shared by the terminal app and the Graphviz-free SVG writer.

Inputs on the left, the output on the right (like the lecture's circuits): a gate's layer is one more
than its deepest input; a leaf sits one layer before its first consumer, next to where it is used. Rows
inside a layer are ordered by the barycentre of their neighbours (a few sweeps both ways) to keep wires
short and crossings few. Computed once per graph; views map (layer, row) to their own coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphstep.graph import Graph

SWEEPS = 4


@dataclass(frozen=True)
class Layout:
    layers: tuple[tuple[int, ...], ...]
    """Node ids per layer, left to right; each layer's ids top to bottom."""
    position: dict[int, tuple[int, int]]
    """node id -> (layer, row)."""

    @property
    def width(self) -> int:
        return len(self.layers)

    @property
    def height(self) -> int:
        return max((len(layer) for layer in self.layers), default=0)


def layered_layout(graph: Graph) -> Layout:
    nodes = graph.nodes
    layer = [0] * len(nodes)
    for node in nodes:  # ids are topological: inputs are placed before their consumers
        if node.inputs:
            layer[node.id] = 1 + max(layer[i] for i in node.inputs)
    for node in nodes:
        consumers = graph.consumers[node.id]
        if not node.inputs and consumers:
            layer[node.id] = max(0, min(layer[c] for c, _ in consumers) - 1)
    depth = max(layer, default=-1) + 1
    columns: list[list[int]] = [[] for _ in range(depth)]
    for node in nodes:
        columns[layer[node.id]].append(node.id)

    row = {node_id: float(r) for column in columns for r, node_id in enumerate(column)}
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        order = range(1, depth) if forward else range(depth - 2, -1, -1)
        for k in order:
            def barycentre(node_id: int, forward: bool = forward) -> float:
                neighbours = list(nodes[node_id].inputs) if forward else [c for c, _ in graph.consumers[node_id]]
                if not neighbours:
                    return row[node_id]
                return sum(row[n] for n in neighbours) / len(neighbours)

            columns[k].sort(key=lambda node_id: (barycentre(node_id), row[node_id]))
            for r, node_id in enumerate(columns[k]):
                row[node_id] = float(r)

    position = {node_id: (k, r) for k, column in enumerate(columns) for r, node_id in enumerate(column)}
    return Layout(tuple(tuple(c) for c in columns), position)
