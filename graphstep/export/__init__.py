"""Slide diagrams of a graph or a trace: DOT, SVG, PNG, PDF, TikZ/Beamer, GIF and an HTML player.

``export(trace, "out.svg")`` writes one file chosen by the extension; ``graph_svg`` and ``trace_svg``
give SVG text (what Jupyter shows). Modules: ``scene`` (what is shown, read from the trace), ``dot``,
``draw`` + ``svg`` + ``tikz`` (the Graphviz-free writers), ``graphviz`` (the binary), ``gif``, ``html``,
``atomic`` (safe writing), ``render`` (formats and frames).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graphstep.errors import GraphstepError, Phrase
from graphstep.export.atomic import write_all
from graphstep.export.gif import FRAME_MS
from graphstep.export.options import DrawOptions
from graphstep.export.render import FORMATS, PNG_DPI, Renderer, render_files, stale_frames
from graphstep.graph import Graph
from graphstep.trace import Trace

__all__ = ["FORMATS", "DrawOptions", "Renderer", "export", "graph_svg", "trace_svg"]


def graph_svg(graph: Graph, options: DrawOptions | None = None) -> str:
    """The graph's structure (gates, wires, names) as SVG; Graphviz's layout when ``dot`` is installed."""
    _expect("graph", graph, (Graph,), "export.want_graph")
    return Renderer(graph, None, _options(options)).svg()


def trace_svg(trace: Trace, step: int | None = None, options: DrawOptions | None = None) -> str:
    """The trace drawn after ``step`` steps (the finished run by default), values green, gradients red."""
    _expect("trace", trace, (Trace,), "export.want_trace")
    renderer = Renderer(trace.graph, trace, _options(options))
    renderer.check_step(step)
    return renderer.svg(step)


def export(what: Graph | Trace, path: str | Path, options: DrawOptions | None = None, *, step: int | None = None,
           frames: bool = False, builtin: bool = False, lang: str = "en",
           note: Callable[[str], None] | None = None, caption: bool | None = None, delay_ms: int | None = None,
           fit: str | None = None, scale: float = 1.0, dpi: int = PNG_DPI, cli: bool = False) -> list[Path]:
    """Write ``what`` to ``path`` (format by extension); returns the paths written. ``caption``: the step's
    sentence in each frame (default: in a GIF, not in a Beamer overlay); ``delay_ms``: each GIF frame's time
    (default 900); ``fit``: ``"16:9"`` or ``"4:3"``, draw in the direction whose text is largest on such a
    slide; ``scale``: SVG/PNG size factor; ``dpi``: PNG resolution (default 144); ``cli``: word error
    messages with the command line's option names (``--step``)."""
    _expect("what", what, (Graph, Trace), "export.want_graph_or_trace")
    _expect("path", path, (str, Path), "export.want_path")
    trace = what if isinstance(what, Trace) else None
    graph = what.graph if isinstance(what, Trace) else what
    if delay_ms is not None and (isinstance(delay_ms, bool) or not isinstance(delay_ms, int)
                                 or not 20 <= delay_ms <= 60_000):
        raise GraphstepError("export.delay", name="--delay" if cli else "delay_ms", value=delay_ms)
    options = _options(options)
    if fit is not None:
        from graphstep.export.fit import fit_options

        options = fit_options(options, fit, lambda o: Renderer(graph, trace, o, builtin=builtin).size())
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.05 <= scale <= 20:
        raise GraphstepError("export.scale", name="--scale" if cli else "scale", value=scale)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 18 <= dpi <= 1200:
        raise GraphstepError("export.dpi", name="--dpi" if cli else "dpi", value=dpi)
    renderer = Renderer(graph, trace, options, builtin=builtin, lang=lang, captions=caption,
                        delay_ms=delay_ms or FRAME_MS, dpi=dpi, scale=float(scale), cli=cli)
    files = render_files(renderer, Path(path), step=step, frames=frames, note=note)
    write_all(files, remove=stale_frames(Path(path), files) if frames else ())
    return list(files)


def _expect(name: str, value: object, types: tuple[type, ...], wanted: str) -> None:
    if not isinstance(value, types) or isinstance(value, bool):
        raise GraphstepError("export.wrong_type", name=name, wanted=Phrase(wanted),
                             got=f"{type(value).__name__} {value!r}"[:160])


def _options(options: object) -> DrawOptions:
    if options is None:
        return DrawOptions()
    _expect("options", options, (DrawOptions,), "export.want_options")
    assert isinstance(options, DrawOptions)
    return options
