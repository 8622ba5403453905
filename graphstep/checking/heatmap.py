"""The class heatmap: the exercise's circuit, each node and wire coloured by the share of the class that got
it wrong, the most common mistake written beside it.

It is the ordinary export scene (values green above the wires, gradients red below) with a colour per
node and wire, drawn by the existing writers: Graphviz when installed (SVG, PDF, PNG), else the built-in
SVG writer (colours, without the notes). ``.html`` wraps the SVG in a page.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

from graphstep.checking.classroom import ClassReport
from graphstep.errors import GraphstepError, Phrase
from graphstep.export import graphviz
from graphstep.export.atomic import write_all
from graphstep.export.dot import to_dot
from graphstep.export.draw import draw
from graphstep.export.options import DrawOptions
from graphstep.export.scene import Scene, build_scene
from graphstep.export.svg import to_svg
from graphstep.i18n import t
from graphstep.layout import layered_layout

SCALE = ("#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000")
"""ColorBrewer's OrRd: a sequential scale that reads the same in grey and for colour-blind eyes."""
SUFFIXES = (".svg", ".html", ".pdf", ".png")


def heat(share: float) -> str:
    """The scale's colour for a share of the class in [0, 1]."""
    k = min(len(SCALE) - 1, max(0, round(share * (len(SCALE) - 1))))
    return SCALE[k]


def heat_scene(report: ClassReport, lang: str = "en") -> Scene:
    """The exercise's finished run with every node answered about coloured by its share wrong (the larger
    of its value's and its gradient's), each wire by the share wrong of the gradient it carries back, and
    the share and most common mistake beside each node."""
    graph = report.graph
    scene = build_scene(graph, graph.run(), None, DrawOptions())
    shares = report.node_shares(lang)
    nodes = []
    for node in scene.nodes:
        if node.id not in shares:
            nodes.append(node)
            continue
        value, grad, common = shares[node.id]
        worst = max(value, grad)
        note = f"{round(100 * worst)}% ✗" + (f"\n{common}" if common and worst > 0 else "")
        nodes.append(dataclasses.replace(node, fill=heat(worst), note=note))
    wires = [dataclasses.replace(w, colour=heat(shares[w.source][1])) if w.source in shares and shares[w.source][1] > 0
             else w for w in scene.wires]
    return dataclasses.replace(scene, nodes=tuple(nodes), wires=tuple(wires))


def heat_dot(report: ClassReport, lang: str = "en") -> str:
    """The heatmap as DOT: the scene, a title on top and the colour legend."""
    dot = to_dot(heat_scene(report, lang))
    title = t("class.heat_title", lang, file=report.name, students=len(report.submissions))
    cells = "".join(f'<TD BGCOLOR="{colour}" WIDTH="34"><FONT COLOR="{"white" if k >= len(SCALE) - 2 else "black"}">'
                    f"{round(100 * k / (len(SCALE) - 1))}%</FONT></TD>" for k, colour in enumerate(SCALE))
    legend = (f'  legend [shape=none, margin=0, label=<<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="3"><TR>'
              f'<TD>{html.escape(t("class.heat_legend", lang))}</TD>{cells}</TR></TABLE>>];')
    head = f'  graph [label="{_dot_text(title)}", labelloc=t, fontsize=14];'
    body = dot.rstrip().removesuffix("}")
    return f"{body}{head}\n{legend}\n}}\n"


def write_heatmap(report: ClassReport, path: Path, lang: str = "en") -> None:
    """Write the heatmap to ``path``: .svg, .html, .pdf (Graphviz) or .png (Graphviz)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise GraphstepError("class.heat_format", suffix=suffix or Phrase("error.no_suffix"))
    if graphviz.find_dot() is not None:
        dot = heat_dot(report, lang)
        data = graphviz.render(dot, "svg" if suffix in (".svg", ".html") else suffix[1:])
    elif suffix in (".svg", ".html"):
        data = to_svg(draw(heat_scene(report, lang), layered_layout(report.graph))).encode("utf-8")
    else:
        raise GraphstepError("class.heat_needs_dot", suffix=suffix)
    if suffix == ".html":
        title = html.escape(t("class.heat_title", lang, file=report.name, students=len(report.submissions)))
        svg = data.decode("utf-8")
        svg = svg[svg.find("<svg"):]
        data = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
                f'<body style="font-family: sans-serif">\n{svg}\n</body></html>\n').encode()
    write_all({path: data})


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
