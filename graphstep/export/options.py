"""What a drawing shows, shared by every writer (DOT, built-in SVG, TikZ, GIF, HTML)."""

from __future__ import annotations

from dataclasses import dataclass

from graphstep.errors import GraphstepError
from graphstep.theme import THEMES, Theme

RANKDIRS = ("LR", "TB")
SHOWS = ("both", "values", "grads", "none")
MAX_ROWS = 6


@dataclass(frozen=True)
class DrawOptions:
    rankdir: str = "LR"
    """``LR``: inputs on the left, output on the right (the lecture's circuits); ``TB``: top to bottom."""
    precision: int = 2
    show: str = "both"
    """Numbers on the wires: forward ``values`` (green, above), ``grads`` (red, below), ``both`` or ``none``."""
    theme: str = "light"
    fontsize: float = 14
    """Size of the numbers and gate symbols in points (names and shapes are drawn a little smaller)."""
    transparent: bool = False
    """No background: the slide's own colour shows through (PNG, PDF, SVG, TikZ)."""
    rows: int = 1
    """Wrap the circuit into this many rows (columns with ``TB``), like a long line of text (``export/wrap``)."""

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            raise GraphstepError("export.one_of", name="rankdir", choices=", ".join(RANKDIRS), value=self.rankdir)
        if self.show not in SHOWS:
            raise GraphstepError("export.one_of", name="show", choices=", ".join(SHOWS), value=self.show)
        if self.theme not in THEMES:
            raise GraphstepError("export.one_of", name="theme", choices=", ".join(THEMES), value=self.theme)
        if not 0 <= self.precision <= 12:
            raise GraphstepError("export.precision", value=self.precision)
        if isinstance(self.fontsize, bool) or not isinstance(self.fontsize, (int, float)) \
                or not 4 <= self.fontsize <= 72:
            raise GraphstepError("export.fontsize", value=self.fontsize)
        if isinstance(self.rows, bool) or not isinstance(self.rows, int) or not 1 <= self.rows <= MAX_ROWS:
            raise GraphstepError("export.rows", most=MAX_ROWS, got=repr(self.rows))

    @property
    def font_scale(self) -> float:
        """The font size relative to the default 14 pt."""
        return self.fontsize / 14

    @property
    def colours(self) -> Theme:
        return THEMES[self.theme]

    @property
    def values(self) -> bool:
        return self.show in ("both", "values")

    @property
    def grads(self) -> bool:
        return self.show in ("both", "grads")
