"""Drawing → SVG text: graphstep's own writer, used without Graphviz and for Jupyter. Plain SVG 1.1 (no
CSS, no fonts to fetch), so browsers, rsvg and Inkscape show it alike; ids name nodes and wires."""

from __future__ import annotations

from xml.sax.saxutils import escape

from graphstep.export.draw import Drawing, Point
from graphstep.export.typography import NAMED, subscript

FONT = "Helvetica, Arial, sans-serif"


def _n(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _p(point: Point) -> str:
    return f"{_n(point[0])},{_n(point[1])}"


def _text(text: str, role: str) -> str:
    """A name with a letter subscript (``W_H``) set as W with a lowered, smaller H; other texts escaped."""
    split = subscript(text) if role in NAMED else None
    if split is None:
        return escape(text)
    return f'{escape(split[0])}<tspan dy="0.3em" font-size="70%">{escape(split[1])}</tspan>'


def to_svg(drawing: Drawing, title: str = "graphstep", steps: bool = False) -> str:
    """``steps``: mark each number with the step it appears at (``data-k``) and each gate with its node id
    (``data-node``), for the HTML player, which draws one picture and shows the numbers step by step."""
    w, h = _n(drawing.width), _n(drawing.height)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}"'
        f' font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="100%" height="100%" fill="{drawing.background}"/>',
    ]
    for box in drawing.boxes:
        out.append(f'<rect class="cluster" x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}"'
                   f' rx="8" fill="none" stroke="{box.stroke}" stroke-dasharray="5,3"/>')
    for path in drawing.paths:
        d = [f"M{_p(path.start)}"]
        for segment in path.segments:
            d.append(("L" if len(segment) == 1 else "C") + " ".join(_p(p) for p in segment))
        out.append(f'<path id="wire-{path.wire}" d="{" ".join(d)}" fill="none" stroke="{path.stroke}"'
                   ' stroke-width="1.2"/>')
    for arrow in drawing.arrows:
        out.append(f'<polygon points="{" ".join(_p(p) for p in arrow.points)}" fill="{arrow.colour}"/>')
    for e in drawing.ellipses:
        out.append(f'<ellipse id="node-{e.node}" cx="{_n(e.cx)}" cy="{_n(e.cy)}" rx="{_n(e.rx)}" ry="{_n(e.ry)}"'
                   f' fill="{e.fill}" stroke="{e.stroke}" stroke-width="{_n(e.width)}"'
                   + (f' data-node="{e.node}"' if steps and e.node >= 0 else "") + "/>")
    for t in drawing.texts:
        style = ' font-style="italic"' if t.italic else ""
        if steps and t.at:
            style += f' data-k="{t.at}"'
        out.append(f'<text class="{t.role}" x="{_n(t.x)}" y="{_n(t.y)}" text-anchor="{t.anchor}"'
                   f' font-size="{t.size}" fill="{t.colour}"{style}>{_text(t.text, t.role)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"

