"""The one palette of graphstep: every view (the terminal app, SVG/TikZ/DOT/HTML exports) reads its colours here.

The lecture draws forward values green above the wires and gradients red below them. Plain green and red
look alike to about one man in twelve, so the pair comes from the Okabe–Ito colour-blind-safe set
(bluish green for values, vermillion for gradients), shaded per theme so that the two also differ in
*luminance*: printed in greyscale or seen on a washed-out projector, values and gradients still look
different. A second cue does not depend on colour at all: values sit above the wire and are bold,
gradients sit below it and are italic (``VALUE_CUE``/``GRAD_CUE``, for renderers that have font styles).

Themes: ``light`` (white slides, light terminals), ``dark`` (dark slides and terminals) and ``contrast``
(a projector in a bright room: black background, white wires, the brightest pair).
"""

from __future__ import annotations

from dataclasses import dataclass

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The Okabe–Ito palette (Okabe & Ito, *Color Universal Design*, 2008), for reference and for tests."""

VALUE_CUE = "bold"
"""A forward value's font style beside its colour (it also sits above the wire)."""
GRAD_CUE = "italic"
"""A gradient's font style beside its colour (it also sits below the wire)."""


@dataclass(frozen=True)
class Theme:
    """One theme's colours as ``#rrggbb``. The first nine fields are the exports' (slides), the rest the app's."""

    name: str
    background: str
    foreground: str
    value: str
    """Forward values (a shade of Okabe–Ito bluish green)."""
    grad: str
    """Gradients (a shade of Okabe–Ito vermillion), lighter or darker than ``value`` on purpose."""
    gate_fill: str
    highlight_fill: str
    highlight_line: str
    cluster: str
    wire: str
    """Wires at rest: strong enough to read on a projector."""
    current: str
    """The gate being computed and its hot wires."""
    selected: str
    """The inspected node."""
    composite: str
    """Gates that ``x`` can expand (σ, tanh, …) and the groups they expand into."""
    dark: bool

    @property
    def textual_theme(self) -> str:
        """The name of the Textual theme the app registers for this palette."""
        return f"graphstep-{self.name}"


THEMES = {
    "light": Theme("light", background="#ffffff", foreground="#1f2328", value="#005a3e", grad="#c25400",
                   gate_fill="#ffffff", highlight_fill="#fff1a8", highlight_line="#bf8700", cluster="#8c959f",
                   wire="#57606a", current="#9a6700", selected="#0072b2", composite="#8250df", dark=False),
    "dark": Theme("dark", background="#0d1117", foreground="#e6edf3", value="#4fd1a5", grad="#e8701a",
                  gate_fill="#161b22", highlight_fill="#5c4813", highlight_line="#e3b341", cluster="#6e7681",
                  wire="#8b949e", current="#f0e442", selected="#56b4e9", composite="#cc79a7", dark=True),
    "contrast": Theme("contrast", background="#000000", foreground="#ffffff", value="#5cf2c0", grad="#ff6a1a",
                      gate_fill="#000000", highlight_fill="#4d4500", highlight_line="#f0e442", cluster="#ffffff",
                      wire="#ffffff", current="#f0e442", selected="#56b4e9", composite="#ff9de0", dark=True),
}
"""Every theme by name: ``--theme`` on the app and on ``export`` accept these names."""

DEFAULT_APP_THEME = "dark"
DEFAULT_EXPORT_THEME = "light"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb`` (0 black … 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 … 21)."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)
