"""Slide diagrams of a graph or a trace: DOT, SVG, PNG, PDF, TikZ/Beamer, GIF and an HTML player.

``export(trace, "out.svg")`` writes one file chosen by the extension; ``graph_svg`` and ``trace_svg``
give SVG text (what Jupyter shows). Modules: ``scene`` (what is shown, read from the trace), ``dot``,
``draw`` + ``svg`` + ``tikz`` (the Graphviz-free writers), ``graphviz`` (the binary), ``gif``, ``html``,
``atomic`` (safe writing), ``render`` (formats and frames).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graphstep.export.atomic import write_all
from graphstep.export.options import DrawOptions
from graphstep.export.render import FORMATS, Renderer, render_files, stale_frames
from graphstep.graph import Graph
from graphstep.trace import Trace

__all__ = ["FORMATS", "DrawOptions", "Renderer", "export", "graph_svg", "trace_svg"]


def graph_svg(graph: Graph, options: DrawOptions | None = None) -> str:
    """The graph's structure (gates, wires, names) as SVG; Graphviz's layout when ``dot`` is installed."""
    return Renderer(graph, None, options or DrawOptions()).svg()


def trace_svg(trace: Trace, step: int | None = None, options: DrawOptions | None = None) -> str:
    """The trace drawn after ``step`` steps (the finished run by default), values green, gradients red."""
    renderer = Renderer(trace.graph, trace, options or DrawOptions())
    renderer.check_step(step)
    return renderer.svg(step)


def export(what: Graph | Trace, path: str | Path, options: DrawOptions | None = None, *, step: int | None = None,
           frames: bool = False, builtin: bool = False, lang: str = "en",
           note: Callable[[str], None] | None = None) -> list[Path]:
    """Write ``what`` to ``path`` (format by extension); returns the paths written."""
    trace = what if isinstance(what, Trace) else None
    graph = what.graph if isinstance(what, Trace) else what
    renderer = Renderer(graph, trace, options or DrawOptions(), builtin=builtin, lang=lang)
    files = render_files(renderer, Path(path), step=step, frames=frames, note=note)
    write_all(files, remove=stale_frames(Path(path), files) if frames else ())
    return list(files)
