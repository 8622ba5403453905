"""Colours of the lecture's look: forward values green, gradients red; a light and a dark theme."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    foreground: str
    value: str
    grad: str
    gate_fill: str
    highlight_fill: str
    highlight_line: str
    cluster: str


THEMES = {
    "light": Theme("light", "#ffffff", "#1f2328", "#1a7f37", "#cf222e", "#ffffff", "#fff1a8", "#bf8700", "#8c959f"),
    "dark": Theme("dark", "#0d1117", "#e6edf3", "#3fb950", "#ff7b72", "#161b22", "#5c4813", "#e3b341", "#6e7681"),
}
