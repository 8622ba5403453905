"""The one palette: a colour-blind-safe value/gradient pair that also differs in luminance (greyscale)."""

from __future__ import annotations

import pytest

from graphstep.export.options import DrawOptions
from graphstep.export.render import Renderer
from graphstep.theme import GRAD_CUE, THEMES, VALUE_CUE, contrast_ratio, relative_luminance


def _hue(colour: str) -> float:
    import colorsys

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


@pytest.mark.parametrize("name", sorted(THEMES))
def test_values_and_gradients_differ_in_greyscale_and_for_colour_blind_eyes(name: str) -> None:
    theme = THEMES[name]
    # greyscale: the pair differs in luminance, not only in hue (plain green/red of the same lightness fails)
    assert contrast_ratio(theme.value, theme.grad) >= 1.5
    # both readable on the background, wires too (a faint grey wire vanishes on a projector)
    for colour in (theme.value, theme.grad, theme.wire, theme.foreground):
        assert contrast_ratio(colour, theme.background) >= 4.5, colour
    # Okabe–Ito families: bluish green (hue ~160) for values, vermillion (hue ~25) for gradients
    assert 150 <= _hue(theme.value) <= 170
    assert 15 <= _hue(theme.grad) <= 30
    assert theme.dark == (relative_luminance(theme.background) < 0.5)


def test_second_cue_is_not_a_colour() -> None:
    assert VALUE_CUE != GRAD_CUE


def test_exports_read_the_palette() -> None:
    import graphstep

    trace = graphstep.parse("f = x*y").run(x=3, y=-4)
    for name, theme in THEMES.items():
        dot = Renderer(trace.graph, trace, DrawOptions(theme=name)).dot()
        assert theme.value in dot and theme.grad in dot and theme.background in dot
