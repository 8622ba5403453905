"""The app's colours, read from the one palette (:mod:`graphstep.theme`): ``--theme`` and the ``t`` key pick
the theme; the canvas, the panels and the timeline look their styles up here, so a switch reaches them all.

Values are bold and sit above the wire, gradients italic below it: the pair differs in hue (Okabe–Ito bluish
green and vermillion), in lightness and in font style, so it survives greyscale and colour-blind eyes.
"""

from __future__ import annotations

from rich.style import Style
from textual.theme import Theme as TextualTheme

from graphstep.theme import DEFAULT_APP_THEME, GRAD_CUE, THEMES, VALUE_CUE, Theme

CANVAS: dict[str, Style] = {}
"""The circuit's styles (wire, box, value, grad, … and their highlighted forms), for the current theme."""
TEXT: dict[str, str] = {}
"""The panels' Rich style strings: ``value``, ``grad``, ``current``, ``composite``."""
current: list[str] = [DEFAULT_APP_THEME]


def textual_theme(palette: Theme) -> TextualTheme:
    """The Textual theme (background, panels, borders) of one palette."""
    return TextualTheme(
        name=palette.textual_theme, primary=palette.selected, secondary=palette.composite,
        accent=palette.current, warning=palette.current, error=palette.grad, success=palette.value,
        foreground=palette.foreground, background=palette.background, surface=palette.background,
        panel=palette.gate_fill if palette.gate_fill != palette.background else palette.highlight_fill,
        dark=palette.dark,
    )


def use(name: str) -> Theme:
    """Make ``name`` the current theme of every style table; returns its palette."""
    palette = THEMES[name]
    current[0] = name
    CANVAS.clear()
    CANVAS.update({
        "wire": Style(color=palette.wire),
        "wire_hot": Style(color=palette.current, bold=True),
        "box": Style(color=palette.foreground),
        "box_current": Style(color=palette.current, bold=True),
        "box_selected": Style(color=palette.selected, bold=True, underline=True),
        "box_composite": Style(color=palette.composite),
        "box_group": Style(color=palette.selected),
        "leaf": Style(color=palette.foreground, bold=True),
        "value": Style.parse(f"{VALUE_CUE} {palette.value}"),
        "value_hot": Style.parse(f"{VALUE_CUE} reverse {palette.value}"),
        "grad": Style.parse(f"{GRAD_CUE} {palette.grad}"),
        "grad_hot": Style.parse(f"bold {GRAD_CUE} reverse {palette.grad}"),
    })
    TEXT.clear()
    TEXT.update({
        "value": f"{VALUE_CUE} {palette.value}",
        "grad": f"bold {GRAD_CUE} {palette.grad}",
        "current": f"bold {palette.current}",
        "composite": palette.composite,
    })
    return palette


def next_theme(name: str) -> str:
    """The theme after ``name`` in ``THEMES`` (the ``t`` key cycles through them)."""
    names = list(THEMES)
    return names[(names.index(name) + 1) % len(names)]


use(DEFAULT_APP_THEME)
