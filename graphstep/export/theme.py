"""The exports' colours live in the one palette module, :mod:`graphstep.theme` (kept here as an alias)."""

from __future__ import annotations

from graphstep.theme import THEMES, Theme

__all__ = ["THEMES", "Theme"]
