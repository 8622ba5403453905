"""The circuit widget: draws the precomputed geometry with the current step's numbers and highlights.

Only the visible lines are built (Textual's line API), so a 1000-node graph steps as fast as a small one:
a step changes a small dictionary of labels and the set of highlighted wires, never the geometry.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from graphstep.app.colours import CANVAS
from graphstep.app.geometry import EdgeKey, Geometry, Run, Slot, plain_text
from graphstep.app.session import Session
from graphstep.scene import Label

STYLES = CANVAS
"""The circuit's styles: the current theme's (:mod:`graphstep.app.colours`), updated in place on a switch."""


class CircuitCanvas(ScrollView, can_focus=False):
    """The operation graph drawn left to right, with forward values above and gradients below the wires."""

    class NodeClicked(Message):
        def __init__(self, node: int) -> None:
            super().__init__()
            self.node = node

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.selected: int | None = None
        self._geometry: Geometry | None = None
        self._xs: list[list[int]] = []
        self._labels: dict[int, list[tuple[int, str, Style]]] = {}
        self._hot_edges: frozenset[EdgeKey] = frozenset()
        self._current: int | None = None
        self._base_style: Style | None = None
        self._node_style: dict[int, Style] = {}

    # --- state --------------------------------------------------------------------------------------------

    def refresh_state(self, follow: bool = True) -> None:
        """Re-read the session (new step, new graph, new selection) and redraw."""
        geometry = self.session.geometry
        if geometry is not self._geometry:
            self._geometry = geometry
            self._xs = [[run.x for run in runs] for runs in geometry.rows]
            self.virtual_size = Size(geometry.width, geometry.height)
            self._node_style = {node: self._resting_style(node) for node in geometry.boxes}
        self._base_style = self.rich_style
        self._labels, self._hot_edges, self._current = labels_for(self.session)
        self.refresh()
        if follow:
            self.follow()

    def restyle(self) -> None:
        """Redraw in the current theme's colours (after the ``t`` key)."""
        if self._geometry is not None:
            self._node_style = {node: self._resting_style(node) for node in self._geometry.boxes}
        self.refresh()

    def follow(self) -> None:
        """Scroll so the node being computed (or the inspected one) is on screen."""
        geometry = self._geometry
        node = self.selected if self.selected is not None else self._current
        if geometry is None or node is None or node not in geometry.boxes:
            return
        box = geometry.boxes[node]
        region = Region(max(0, box.x - 14), max(0, box.y - 1), box.width + 28, box.height + 2)
        self.scroll_to_region(region, animate=False, immediate=True)

    # --- drawing ------------------------------------------------------------------------------------------

    @property
    def top_pad(self) -> int:
        """Blank rows above the circuit: a circuit lower than the view is centred in it vertically."""
        geometry = self._geometry
        if geometry is None:
            return 0
        return max(0, (self.size.height - geometry.height) // 2)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        geometry = self._geometry
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y - self.top_pad
        base = self._base_style or self.rich_style
        if geometry is None or not 0 <= row < geometry.height or width <= 0:
            return Strip.blank(width, base)
        chars = [" "] * width
        styles: list[Style] = [base] * width

        def paint(x: int, text: str, style: Style) -> None:
            left = x - scroll_x
            for i, ch in enumerate(text):
                if 0 <= left + i < width:
                    chars[left + i] = ch
                    styles[left + i] = style

        runs = geometry.rows[row]
        start = bisect_left(self._xs[row], scroll_x - geometry.longest_run[row])
        for run in runs[start:]:
            if run.x >= scroll_x + width:
                break
            paint(run.x, run.text, base + self._style(run))
        for x, text, style in self._labels.get(row, ()):
            paint(x, text, base + style)
        segments = []
        i = 0
        while i < width:
            j = i
            while j < width and styles[j] is styles[i]:
                j += 1
            segments.append(Segment("".join(chars[i:j]), styles[i]))
            i = j
        return Strip(segments, width)

    def _style(self, run: Run) -> Style:
        if run.kind == "wire":
            return STYLES["wire_hot"] if run.edges & self._hot_edges else STYLES["wire"]
        if run.node == self.selected:
            return STYLES["box_selected"]
        if run.node == self._current:
            return STYLES["box_current"]
        return self._node_style.get(run.node, STYLES["box"])

    def _resting_style(self, node_id: int) -> Style:
        node = self.session.graph.nodes[node_id]
        if node.is_leaf:
            return STYLES["leaf"]
        if node.group is not None:
            return STYLES["box_group"]
        if self.session.composite_of(node_id) is not None:
            return STYLES["box_composite"]
        return STYLES["box"]

    # --- mouse ------------------------------------------------------------------------------------------

    def on_click(self, event: Click) -> None:
        geometry = self._geometry
        if geometry is None:
            return
        x, y = event.x + int(self.scroll_offset.x), event.y + int(self.scroll_offset.y) - self.top_pad
        for box in geometry.boxes.values():
            if box.x <= x < box.x + box.width and box.y <= y < box.y + box.height:
                self.post_message(self.NodeClicked(box.node))
                return

    def visible_text(self) -> str:
        """What the canvas shows right now, as plain text (used by the tests; ``top_pad`` blank rows first)."""
        return "\n".join(self.render_line(y).text.rstrip() for y in range(self.size.height))

    def full_text(self) -> str:
        """The whole drawing with the current step's numbers, as plain text."""
        geometry = self.session.geometry
        labels = [(Slot(x, y, len(text)), text) for y, row in self._labels.items() for x, text, _ in row]
        return plain_text(geometry, labels)


def labels_for(session: Session) -> tuple[dict[int, list[tuple[int, str, Style]]], frozenset[EdgeKey], int | None]:
    """The scene at the session's cursor on the geometry: which numbers are written where (and in which
    style), which wires the current step touches, and the current node."""
    geometry, scene = session.geometry, session.scene()
    labels: dict[int, list[tuple[int, str, Style]]] = {}

    def put(slot: Slot | None, label: Label, kind: str) -> None:
        if slot is None or not label.known:
            return
        text = label.text.rjust(slot.width)
        style = STYLES[f"{kind}_hot" if label.hot else kind]
        labels.setdefault(slot.y, []).append((slot.x + slot.width - len(text), text, style))

    for wire in scene.wires:
        put(geometry.value_slots.get(wire.end), wire.value, "value")
        put(geometry.grad_slots.get(wire.end), wire.grad, "grad")
    for node in scene.nodes:
        put(geometry.total_slots.get(node.id), node.total, "grad")
    current = scene.current
    return labels, frozenset(w.end for w in scene.wires if w.hot), current.id if current is not None else None
