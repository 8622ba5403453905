"""Predicting, before running it, when Graphviz `dot` would take too long on a graph.

`dot`'s time grows with the number of wires and, much faster, with how many wires cross one layer: a node
that feeds gates all along a long chain (``x`` used by 60 gates whose results are summed one by one) puts a
wire through every layer, and `dot` spends minutes ordering them. Measured on this machine (Graphviz 2.43,
labelled wires): 1,500 wires in a local circuit about 20 s, 2,200 about 45 s; 40 wires crossing one layer
2 s, 50 about 9 s, 60 more than a minute. Above the limits below graphstep draws with its own layout (or,
for the formats only Graphviz renders, says so at once) instead of making the lecturer wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphstep.errors import Phrase
from graphstep.graph import Graph

MAX_WIRES = 1800
MAX_CROSSING = 55
"""Wires (and gates) across one layer."""
MAX_SQUARES = 50_000
"""The sum over layers of the squared layer widths: many wide layers together."""
MAX_COUNTED = 2_000_000
"""Long-wire crossings counted at most (a huge graph is slow long before)."""


@dataclass(frozen=True)
class DotCost:
    wires: int
    widest: int
    squares: int
    fan_out: int

    @property
    def slow(self) -> bool:
        return self.wires > MAX_WIRES or self.widest > MAX_CROSSING or self.squares > MAX_SQUARES

    def describe(self) -> Phrase:
        """What makes the graph slow for ``dot``, told in the language of the message it is part of."""
        if self.widest > MAX_CROSSING or self.squares > MAX_SQUARES:
            return Phrase("export.cost_crossing", {"widest": self.widest, "fan_out": self.fan_out})
        return Phrase("export.cost_wires", {"wires": self.wires})


def dot_cost(graph: Graph) -> DotCost:
    """The layer widths `dot` will face: gates by depth, a leaf just before its first consumer, and one
    crossing per layer a long wire passes."""
    depth: dict[int, int] = {}
    consumers = graph.consumers
    for node in graph.nodes:
        depth[node.id] = 0 if node.is_leaf else 1 + max(depth[i] for i in node.inputs)
    for node in graph.nodes:
        if node.is_leaf and consumers[node.id]:
            depth[node.id] = min(depth[c] for c, _ in consumers[node.id]) - 1
    width = [0] * (max(depth.values(), default=0) + 2)
    wires = crossings = 0
    for node in graph.nodes:
        width[depth[node.id] + 1] += 1
        for source in node.inputs:
            wires += 1
            span = depth[node.id] - depth[source] - 1
            crossings += span
            if crossings > MAX_COUNTED:  # certainly slow: stop counting
                break
            for layer in range(depth[source] + 2, depth[node.id] + 1):
                width[layer] += 1
    return DotCost(wires, max(width), sum(w * w for w in width), _fan_out(graph))


def _fan_out(graph: Graph) -> int:
    return max((len(graph.consumers[n.id]) for n in graph.nodes), default=0)
