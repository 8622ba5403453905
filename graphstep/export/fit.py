"""``--fit 16:9|4:3``: draw the circuit in the direction that makes its text largest on such a slide.

A picture scaled to fit a slide keeps its proportions, so its text ends up ``min(W / w, H / h)`` times its
size, for a slide W × H and a picture w × h. Left to right suits a short, wide circuit; top to bottom a
long chain on a 4:3 slide. Both directions are measured with the layout that will draw the picture
(Graphviz's when it draws, else graphstep's own), and the larger text wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from graphstep.errors import GraphstepError
from graphstep.export.options import RANKDIRS, DrawOptions

SLIDES = {"16:9": (16.0, 9.0), "4:3": (4.0, 3.0)}


def slide(fit: str) -> tuple[float, float]:
    if fit not in SLIDES:
        raise GraphstepError("export.one_of", name="fit", choices=", ".join(SLIDES), value=fit)
    return SLIDES[fit]


def text_scale(size: tuple[float, float], fit: str) -> float:
    """How large the picture's text ends up on the slide (relative; only comparisons matter)."""
    width, height = slide(fit)
    return min(width / max(size[0], 1e-9), height / max(size[1], 1e-9))


def fit_options(options: DrawOptions, fit: str, measure: Callable[[DrawOptions], tuple[float, float]]) -> DrawOptions:
    """``options`` with the rank direction whose picture has the largest text on a ``fit`` slide; ``measure``
    gives a picture's size for some options. On a tie the asked-for direction stays."""
    slide(fit)
    best, best_scale = options, text_scale(measure(options), fit)
    for rankdir in RANKDIRS:
        if rankdir == options.rankdir:
            continue
        other = replace(options, rankdir=rankdir)
        scale = text_scale(measure(other), fit)
        if scale > best_scale * 1.05:
            best, best_scale = other, scale
    return best
