"""``--fit 16:9|4:3``: draw the circuit so that its text comes out largest on such a slide.

A picture scaled to fit a slide keeps its proportions, so its text ends up ``min(W / w, H / h)`` times its
size, for a picture w × h in a box W × H: here the room a Beamer frame of that shape gives a picture under
its title and a line of text (``\\linewidth`` × ``0.8\\textheight``). Left to right in one row suits a
short circuit; a long chain comes out larger wrapped into two or three rows (``export/wrap``), or top to
bottom on a 4:3 slide. Each candidate is measured with the layout that will draw the picture (Graphviz's
when it draws, else graphstep's own), and the largest text wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from graphstep.errors import GraphstepError
from graphstep.export.options import DrawOptions

SLIDES = {"16:9": (398.3, 201.7), "4:3": (307.3, 215.3)}
"""The picture's room in points on a Beamer slide of each shape: ``\\linewidth`` × ``0.8\\textheight``."""
BODY_TEXT = 11.0
"""Beamer's body text in points."""
ENOUGH = 1.2
"""Numbers this many times the body text are large enough: a simpler drawing wins over larger text."""
CANDIDATES = (("LR", 1), ("LR", 2), ("LR", 3), ("TB", 1))
"""(direction, rows) tried by --fit, simplest first: a later one must make the text 5% larger to win."""


def slide(fit: str) -> tuple[float, float]:
    if fit not in SLIDES:
        raise GraphstepError("export.one_of", name="fit", choices=", ".join(SLIDES), value=fit)
    return SLIDES[fit]


def text_scale(size: tuple[float, float], fit: str) -> float:
    """How much the slide shrinks (or grows) a picture of ``size`` (points)."""
    width, height = slide(fit)
    return min(width / max(size[0], 1e-9), height / max(size[1], 1e-9))


def body_share(size: tuple[float, float], text: float, fit: str) -> float:
    """Text of ``text`` points in a picture of ``size`` points, on the slide, relative to the body text."""
    return text * text_scale(size, fit) / BODY_TEXT


def fit_options(options: DrawOptions, fit: str, measure: Callable[[DrawOptions], tuple[float, float]]) -> DrawOptions:
    """``options`` with the direction and number of rows whose picture has the largest text on a ``fit``
    slide; ``measure`` gives a picture's size for some options. Rows asked for (``rows`` > 1) stay."""
    slide(fit)
    candidates = [replace(options, rankdir=d, rows=r) for d, r in CANDIDATES
                  if options.rows == 1 or r == options.rows]

    def score(o: DrawOptions) -> float:
        # Numbers a little larger than the body text are large enough: no rows for a circuit that fits.
        return min(text_scale(measure(o), fit), ENOUGH * BODY_TEXT / o.fontsize)

    best, best_score = options, score(options)
    for other in candidates:
        if (other.rankdir, other.rows) == (options.rankdir, options.rows):
            continue
        found = score(other)
        if found > best_score * 1.05:
            best, best_score = other, found
    return best
