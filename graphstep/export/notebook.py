"""A trace in a Jupyter notebook: the HTML export's step-through player, inline under the cell.

``Trace._repr_mimebundle_`` gives the player (the same page ``graphstep export run.html`` writes) inside an
``<iframe srcdoc=…>``: its script and ids stay apart from the notebook's and from other players on the page,
and front ends that run no script in outputs still show the finished circuit. A front end that asks for SVG
and not HTML gets the finished circuit as SVG; nothing else is built.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from graphstep.export.options import DrawOptions
from graphstep.export.render import Renderer
from graphstep.i18n import t

if TYPE_CHECKING:
    from graphstep.trace import Trace

CHROME_PX = 150
"""The player's controls and caption below the circuit, in pixels."""
MAX_HEIGHT_PX = 900


def player_html(trace: Trace, lang: str = "en", options: DrawOptions | None = None) -> str:
    """The step-through player of ``trace`` for a notebook cell, opened at the finished run (← steps back)."""
    renderer = Renderer(trace.graph, trace, options or DrawOptions(), builtin=True, lang=lang)
    page = renderer.player(start=len(trace.steps))
    _, height = renderer.size()
    pixels = min(MAX_HEIGHT_PX, round(height * 4 / 3) + CHROME_PX)
    title = escape(t("export.player_title", lang), quote=True)
    return (f'<iframe srcdoc="{escape(page, quote=True)}" title="{title}" '
            f'style="width: 100%; height: {pixels}px; border: 0;" sandbox="allow-scripts"></iframe>')
