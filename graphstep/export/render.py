"""One trace (or graph) → the bytes of every file an export writes, chosen by the output's extension.

Everything is rendered in memory first and written last (each file atomically), so a failed render
writes nothing. Without the Graphviz binary, .svg/.tex/.html use the built-in layout (with a one-line
note); .png/.pdf/.gif need Graphviz and say how to install it.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from graphstep.errors import GraphstepError, Phrase
from graphstep.export import graphviz
from graphstep.export.cost import DotCost, dot_cost
from graphstep.export.dot import DotRows, to_dot
from graphstep.export.draw import Drawing, draw
from graphstep.export.options import DrawOptions
from graphstep.export.points import place
from graphstep.export.svg import to_svg
from graphstep.export.tikz import beamer_graphics_overlay, beamer_tikz_overlay, standalone
from graphstep.export.wrap import choose_rows
from graphstep.graph import Graph
from graphstep.i18n import t
from graphstep.layout import Layout, layered_layout
from graphstep.numbers import fmt_matrix
from graphstep.scene import Scene, Scenes, current_tables
from graphstep.trace import Trace

FORMATS = {".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png", ".pdf": "pdf", ".tex": "tex",
           ".gif": "gif", ".html": "html"}
NEEDS_GRAPHVIZ = ("png", "pdf", "gif")
PNG_DPI = 144


@dataclass
class Renderer:
    """Draws one graph or trace at any step; the layout is computed once and shared by all frames."""

    graph: Graph
    trace: Trace | None = None
    options: DrawOptions = field(default_factory=DrawOptions)
    builtin: bool = False
    """Use graphstep's own layout even where Graphviz is installed."""
    lang: str = "en"
    """Language of the step captions in the HTML player."""
    captions: bool | None = None
    """The step's sentence in each frame: GIF frames by default, Beamer overlays when asked (True)."""
    delay_ms: int = 900
    """How long each GIF frame shows."""
    dpi: int = PNG_DPI
    """Pixels per inch of PNG (and GIF) output."""
    scale: float = 1.0
    """Size of SVG and PNG output relative to the natural size (fonts included)."""
    cli: bool = False
    """Name arguments in error messages as the command line spells them (``--step``), not as Python does."""

    def arg(self, name: str, value: str = "") -> str:
        """``--step`` / ``--step K`` for the command line, ``step`` / ``step=K`` for Python (flags:
        ``frames=True``)."""
        if self.cli:
            return f"--{name} {value}".rstrip()
        if name == "step":
            return f"step={value}" if value else "step"
        return f"{name}=True"

    @cached_property
    def layout(self) -> Layout:
        return layered_layout(self.graph)

    @cached_property
    def dot_cost(self) -> DotCost:
        return dot_cost(self.graph)

    @cached_property
    def has_dot(self) -> bool:
        return graphviz.find_dot() is not None

    @cached_property
    def uses_graphviz(self) -> bool:
        """Graphviz draws unless asked not to, absent, or predicted to take minutes on this graph."""
        return not self.builtin and self.has_dot and not self.dot_cost.slow

    @property
    def cursors(self) -> range:
        """Every step a frame can show: 0 (nothing computed yet) … len(steps) (the finished run)."""
        return range(len(self.trace.steps) + 1) if self.trace is not None else range(1)

    def check_step(self, step: object) -> None:
        if step is None:
            return
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise GraphstepError("export.step_whole", arg=self.arg("step"), value=step)
        if self.trace is None:
            raise GraphstepError("export.needs_trace", arg=self.arg("step"))
        last = len(self.trace.steps)
        if not 0 <= int(step) <= last:
            raise GraphstepError("export.step_range", arg=self.arg("step"), last=last, value=step)

    @cached_property
    def scenes(self) -> Scenes:
        """Every number's text is formatted once; each frame only decides what is known and highlighted."""
        return Scenes(self.graph, self.trace, self.options, typeset=True, lang=self.lang)

    def scene(self, step: int | None = None, tables: bool = False) -> Scene:
        return self.scenes.at(step, tables)

    def dot(self, step: int | None = None, tables: bool = False) -> str:
        """``tables``: the current node's small tensors beside it (a single step only: they move the layout)."""
        return to_dot(self.scene(step, tables), self.dot_rows, self.legend)

    @cached_property
    def legend(self) -> str:
        """A line under the picture saying what μ is, when a tensor wire shows its mean (in ``lang``)."""
        scene = self.scene(None)
        texts = [s for w in scene.wires for s in (w.value.text, w.grad.text)] + [n.total.text for n in scene.nodes]
        return t("export.mean_legend", self.lang) if any("μ" in text for text in texts) else ""

    @cached_property
    def dot_rows(self) -> DotRows | None:
        """The rows of a wrapped circuit (``rows`` > 1), cut where graphstep's own layout cuts them."""
        if self.options.rows <= 1:
            return None
        scene = self.scene(None)
        frame = place(scene, self.layout)
        chosen = choose_rows(frame, scene, self.options.rows)
        if chosen.count == 1:
            return None
        return DotRows({i: chosen.node_row(i, k) for i, k in frame.column.items()}, chosen.connectors, chosen.count,
                       tuple(i for i, k in frame.column.items() if k == 0 or i in chosen.moved))

    def drawing(self, step: int | None = None) -> Drawing:
        return draw(self.scene(step), self.layout, self.legend)

    def svg(self, step: int | None = None, tables: bool = False) -> str:
        if self.uses_graphviz:
            svg = graphviz.render(self.dot(step, tables), "svg").decode("utf-8")
        else:
            svg = to_svg(self.drawing(step))
        return scale_svg(svg, self.scale) if self.scale != 1 else svg

    def size(self) -> tuple[float, float]:
        """The finished picture's width and height in points (Graphviz's layout, or graphstep's)."""
        if self.uses_graphviz:
            first = graphviz.render(self.dot(None), "plain").decode("utf-8").split("\n", 1)[0].split()
            return float(first[2]) * 72, float(first[3]) * 72
        drawing = self.drawing(None)
        return drawing.width * 0.75, drawing.height * 0.75

    def graphviz_bytes(self, fmt: str, step: int | None = None, tables: bool = False) -> bytes:
        if self.builtin:
            raise GraphstepError("export.by_graphviz", fmt=fmt, arg=self.arg("builtin"))
        return graphviz.render(self.dot(step, tables), fmt, round(self.dpi * self.scale) if fmt == "png" else None)

    def player(self, start: int = 0) -> str:
        """The HTML player: the finished run drawn once, its numbers shown step by step; opens at ``start``."""
        from graphstep.export.html import mark_graphviz, player

        scene = self.scene(None)
        if self.uses_graphviz:
            svg = mark_graphviz(graphviz.render(to_dot(scene, self.dot_rows, self.legend), "svg").decode("utf-8"),
                                scene)
        else:
            svg = to_svg(draw(scene, self.layout, self.legend), steps=True)
        # What is highlighted at each step is the scene's to say, as for every other view.
        current = [self.scenes.current_at(k) for k in self.cursors]
        return player(strip_prolog(svg), [self.caption(k) for k in self.cursors], current, self.options,
                      matrices=[self.matrices(k) for k in self.cursors], start=start, lang=self.lang)

    def matrices(self, step: int) -> str:
        """The current node's value and gradient as small matrices ("" for scalars or big tensors)."""
        if self.trace is None:
            return ""
        p = self.options.precision
        blocks = [[t.title, *(fmt_matrix(t.array, p) or "").split("\n")] for t in current_tables(self.trace, step, p)]
        return side_by_side(blocks)

    def caption(self, step: int) -> str:
        from graphstep.explain import describe

        if self.trace is None:
            return ""
        if step == 0:
            return t("export.start_caption", self.lang)
        return describe(self.trace, self.trace.steps[step - 1], self.lang, self.options.precision)


def output_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        raise GraphstepError("export.unknown_format", path=path, known=known)
    return fmt


def fallback_note(fmt: str, renderer: Renderer) -> str | None:
    """The one-line note when graphstep draws the picture itself although --builtin was not asked for."""
    if fmt not in ("svg", "html") or renderer.uses_graphviz or renderer.builtin:
        return None
    lang = renderer.lang
    if renderer.has_dot:
        return t("export.note_slow", lang, nodes=len(renderer.graph), cost=renderer.dot_cost.describe().text(lang))
    bad = graphviz.bad_setting()
    if bad:
        return t("export.note_bad_setting", lang, bad=bad.text(lang))
    return t("export.note_no_dot", lang, hint=t("export.install_graphviz", lang))


def too_slow_for_graphviz(fmt: str, renderer: Renderer) -> GraphstepError:
    return GraphstepError("export.too_slow", fmt=fmt, nodes=len(renderer.graph), cost=renderer.dot_cost.describe())


def render_files(renderer: Renderer, path: Path, step: int | None = None, frames: bool = False,
                 note: Callable[[str], None] | None = None) -> dict[Path, bytes]:
    """Every file the export writes, by path, rendered in memory."""
    fmt = output_format(path)
    if frames and fmt == "svg" and renderer.uses_graphviz and frame_work(renderer) > FRAME_WORK:
        # Too many frames for Graphviz (each its own run of dot), few enough for graphstep's own layout.
        renderer = replace(renderer, builtin=True)
        if note and frame_work(renderer) <= VECTOR_FRAME_WORK:
            note(t("export.note_frames_builtin", renderer.lang, frames=f"{len(renderer.cursors):,}",
                   nodes=f"{len(renderer.graph.nodes):,}", cap=f"{FRAME_WORK:,}"))
    check_request(renderer, fmt, step, frames)
    message = fallback_note(fmt, renderer)
    if message and note:
        note(message)
    if not frames:
        return {path: _one(renderer, fmt, step, tables=step is not None and fmt != "html")}
    return _frames(renderer, fmt, path)


def check_request(renderer: Renderer, fmt: str, step: int | None, frames: bool) -> None:
    """Everything that can be wrong with the request, found before anything is rendered."""
    renderer.check_step(step)
    if fmt in NEEDS_GRAPHVIZ and renderer.builtin:
        raise GraphstepError("export.by_graphviz", fmt=fmt, arg=renderer.arg("builtin"))
    if fmt in NEEDS_GRAPHVIZ:
        graphviz.require_dot(Phrase("export.what_output", {"fmt": fmt}))
        if renderer.dot_cost.slow:
            raise too_slow_for_graphviz(fmt, renderer)
    if fmt in ("gif", "html"):
        if frames or (step is not None and fmt == "gif"):
            frames_arg, step_arg = renderer.arg("frames"), renderer.arg("step")
            what = (Phrase("export.leave_out_both", {"frames": frames_arg, "step": step_arg}) if fmt == "gif" else
                    Phrase("export.leave_out_frames", {"frames": frames_arg, "step": renderer.arg("step", "K")}))
            raise GraphstepError("export.every_step", fmt=fmt, what=what)
        if renderer.trace is None:
            raise GraphstepError("export.no_run", fmt=fmt)
    if frames and renderer.trace is None:
        raise GraphstepError("export.needs_trace", arg=renderer.arg("frames"))
    if frames and step is not None:
        raise GraphstepError("export.frames_and_step", frames=renderer.arg("frames"), step=renderer.arg("step"))
    if (frames or fmt == "gif") and renderer.trace is not None:
        cap = frame_cap(renderer, fmt)
        if frame_work(renderer) > cap:
            raise GraphstepError("export.too_many_frames", frames=f"{len(renderer.cursors):,}",
                                 nodes=f"{len(renderer.graph.nodes):,}", cap=f"{cap:,}",
                                 step=renderer.arg("step", "K"))


def frame_work(renderer: Renderer) -> int:
    """Nodes drawn by an export of every step: a whole drawing per step."""
    return len(renderer.cursors) * len(renderer.graph.nodes)


def frame_cap(renderer: Renderer, fmt: str) -> int:
    """The most nodes an export of every step may draw: Graphviz's frames (a run of dot each) are dearer."""
    by_graphviz = fmt in NEEDS_GRAPHVIZ or (fmt == "svg" and renderer.uses_graphviz)
    return FRAME_WORK if by_graphviz else VECTOR_FRAME_WORK


FRAME_WORK = 1_000
"""Nodes drawn by an export of every step that Graphviz draws (a GIF, PNG/PDF frames, SVG frames when dot
draws them: a run of dot per frame, a GIF's frames all held as images): the lecture's neuron (13 nodes, 18
frames) draws 234; 76 frames of a 38-node chain took 153 s and 860 MB as a GIF on a loaded machine, 200
frames of a 100-node chain over 10 minutes and 3.4 GB; SVG frames by dot of one input read by 49 gates
(98 nodes, 197 frames) 232 s."""
VECTOR_FRAME_WORK = 20_000
"""The same for frames graphstep draws itself (TikZ, SVG in its own layout, DOT text). The worst measured
at the cap, on a loaded 2-core machine: one input read by 49 gates (98 nodes × 197 frames): TikZ 11 s and
350 MB (the Beamer overlay holds every frame), SVG 5.3 s; a 100-node chain (20,000) TikZ 3.7 s."""


def _frames(renderer: Renderer, fmt: str, path: Path) -> dict[Path, bytes]:
    """One file per step, ``OUT-000`` …, and (except for DOT) the Beamer overlay ``OUT-frames.tex``."""
    digits = max(3, len(str(len(renderer.cursors) - 1)))
    files: dict[Path, bytes] = {}
    for k in renderer.cursors:
        files[path.with_name(f"{path.stem}-{k:0{digits}d}{path.suffix}")] = _one(renderer, fmt, k)
    if fmt == "dot":  # LaTeX cannot include DOT source: the frames alone
        return files
    overlay = path.with_name(f"{path.stem}-frames.tex")
    captions = [renderer.caption(k) for k in renderer.cursors] if renderer.captions else None
    if fmt == "tex":
        text = beamer_tikz_overlay([renderer.drawing(k) for k in renderer.cursors], captions)
    else:
        text = beamer_graphics_overlay([p.name for p in files], captions)
    files[overlay] = text.encode("utf-8")
    return files


def stale_frames(path: Path, files: Mapping[Path, bytes]) -> list[Path]:
    """Frames of an earlier export to ``path`` that this one does not rewrite (``OUT-018.svg`` … when the new
    trace has 17 steps): the folder then holds exactly one set of frames."""
    pattern = re.compile(re.escape(path.stem) + r"-\d{3,}" + re.escape(path.suffix))
    if not path.parent.is_dir():
        return []
    return sorted(p for p in path.parent.iterdir() if pattern.fullmatch(p.name) and p not in files and p.is_file())


def _one(renderer: Renderer, fmt: str, step: int | None, tables: bool = False) -> bytes:
    """One file; ``tables``: a single ``--step`` picture, which may write the current small tensors out."""
    if fmt == "dot":
        return renderer.dot(step, tables).encode("utf-8")
    if fmt == "svg":
        return renderer.svg(step, tables).encode("utf-8")
    if fmt == "tex":
        return standalone(renderer.drawing(step)).encode("utf-8")
    if fmt in ("png", "pdf"):
        return renderer.graphviz_bytes(fmt, step, tables)
    if fmt == "gif":
        from graphstep.export.gif import animate

        captions = [renderer.caption(k) for k in renderer.cursors] if renderer.captions is not False else None
        return animate([renderer.graphviz_bytes("png", k) for k in renderer.cursors],
                       renderer.options.colours.background, captions, renderer.options.colours.foreground,
                       renderer.delay_ms)
    return renderer.player(step or 0).encode("utf-8")


def side_by_side(blocks: list[list[str]], gap: int = 4) -> str:
    """Blocks of lines next to each other (value left, gradient right), each padded to its widest line."""
    if not blocks:
        return ""
    widths = [max(len(line) for line in block) for block in blocks]
    rows = max(len(block) for block in blocks)
    lines = [(" " * gap).join((block[i] if i < len(block) else "").ljust(w) for block, w in zip(blocks, widths))
             .rstrip() for i in range(rows)]
    return "\n".join(lines)


def scale_svg(svg: str, factor: float) -> str:
    """The SVG shown ``factor`` times as large: its width and height change, its viewBox stays."""

    def scaled(match: re.Match[str]) -> str:
        return f'{match.group(1)}="{float(match.group(2)) * factor:.2f}{match.group(3)}"'

    head, _, rest = svg.partition("<svg")
    tag, _, body = rest.partition(">")
    tag = re.sub(r'\b(width|height)="([\d.]+)(pt|px)?"', scaled, tag)
    return f"{head}<svg{tag}>{body}"


def strip_prolog(svg: str) -> str:
    """An SVG document without its XML declaration, DOCTYPE and comments, to inline it in HTML."""
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    return re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
