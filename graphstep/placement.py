"""Placement shared by the drawn views: from a scene and the layered layout to positions along the flow.

``graphstep.layout`` decides the structure once per graph (each node's layer and order, placeholders and
routes of long wires). Both drawing engines then place the scene on top of it in their own units, described
by a :class:`Metrics`: character cells for the terminal (``app/geometry``), points for SVG/TikZ
(``export/draw``). What they share lives here:

- how much room a wire's numbers need (``label_room``): the longest of its value and gradient as the scene
  writes them at the end of the run, so every step of a trace keeps one layout;
- the room of each *channel* between two layers (``channel_runs``: the longest numbers of the wires that
  end in the next layer);
- the position of each layer along the flow (``offsets``): columns as wide as their widest node, channels
  as wide as their tracks and numbers.

Across the flow they share the *lanes*: the inputs of a gate arrive ``Metrics.lane`` apart, centred on it
(``lane_offset``), and each wire's numbers sit at fixed distances from their wire (``Metrics.value_at`` above,
``Metrics.grad_at`` below). A lane is thicker than its two numbers by ``Metrics.pair_gap``, so the space
between two wires' numbers is clearly larger than the space inside one wire's pair (where the wire runs) and
every number reads as its own wire's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from graphstep.scene import Scene, SceneWire


def cells(text: str) -> float:
    """A text's width on a character grid."""
    return float(len(text))


@dataclass(frozen=True)
class Metrics:
    """The units of one view."""

    measure: Callable[[str], float] = cells
    """The width of a number's text."""
    min_label: float = 0.0
    """The least room a wire's numbers get (the terminal keeps 4 cells even for a bare graph)."""
    label_pad: float = 0.0
    """Room added around a wire's numbers."""
    lane: float = 4.0
    """Across the flow: how far apart two inputs of one gate arrive (4 rows: value, wire, gradient, a gap)."""
    value_at: float = -1.0
    """Across the flow: where a wire's value sits relative to its wire (the row above it; in points, the
    value's baseline)."""
    grad_at: float = 1.0
    """Across the flow: where a wire's gradient sits relative to its wire (the row below it)."""
    pair_gap: float = 1.0
    """The space between the numbers of two neighbouring lanes (a blank row on the terminal): the lane is the
    value's top to the gradient's bottom, plus this."""


TERMINAL = Metrics(cells, min_label=4.0)


def lane_offset(position: int, count: int, lane: float) -> float:
    """Where input ``position`` of a gate with ``count`` inputs arrives, relative to the gate's centre."""
    return (position - (count - 1) / 2) * lane


def label_room(wire: SceneWire, metrics: Metrics) -> float:
    """Room along the wire for its numbers (value above, gradient below), known yet or not."""
    widest = max(metrics.measure(wire.value.text), metrics.measure(wire.grad.text))
    return max(metrics.min_label, widest) + metrics.label_pad


def channel_runs(scene: Scene, layer_of: Callable[[int], int], depth: int, metrics: Metrics) -> list[float]:
    """Per layer k, the room the numbers of the wires ending in layer k need (0 where none)."""
    runs = [0.0] * depth
    for wire in scene.wires:
        k = layer_of(wire.target)
        if 0 <= k < depth:
            runs[k] = max(runs[k], label_room(wire, metrics))
    return runs


def offsets(widths: Sequence[float], channels: Iterable[float], start: float = 0.0) -> list[float]:
    """Where each layer starts along the flow: layer k is ``widths[k]`` wide and followed by ``channels[k]``."""
    found, position = [], start
    for width, channel in zip(widths, channels, strict=True):
        found.append(position)
        position += width + channel
    return found
