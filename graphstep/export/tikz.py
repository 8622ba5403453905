"""Drawing → TikZ: a standalone picture pdflatex compiles, or bare ``tikzpicture`` bodies for Beamer.

The picture reuses the built-in drawing (same coordinates as the SVG, 1 px = 0.75 pt), so the slide and the
screen show the same circuit. Text goes through a small Unicode → LaTeX table, so plain pdflatex works.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graphstep.export.draw import Drawing, Point
from graphstep.export.typography import NAMED, subscript

PREAMBLE = "\\documentclass[tikz,border=4pt]{standalone}\n"

_MATH = {
    "σ": r"\sigma", "∂": r"\partial", "Σ": r"\Sigma", "×": r"\times", "·": r"\cdot", "√": r"\surd",
    "−": "-", "²": "^{2}", "³": "^{3}", "∑": r"\Sigma", "…": r"\ldots", "θ": r"\theta", "α": r"\alpha",
    "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "λ": r"\lambda", "μ": r"\mu",
    "π": r"\pi", "τ": r"\tau", "φ": r"\phi", "ω": r"\omega", "η": r"\eta",
    **{d: f"_{{{i}}}" for i, d in enumerate("₀₁₂₃₄₅₆₇₈₉")},
    **{d: f"^{{{i}}}" for i, d in enumerate("⁰¹") if d}, "⁴": "^{4}", "⁻": "^{-}",
    "→": r"\to", "≈": r"\approx", "ᵀ": r"^{\top}", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "∞": r"\infty",
}
_PLAIN = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
          "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
          ">": r"\textgreater{}", "-": "-{}"}


_LATIN = set("áéíóúñüÁÉÍÓÚÑÜàèçÇ¿¡")
"""Spanish (and a little more) that pdflatex reads as UTF-8 input by default."""


def latex_text(text: str) -> str:
    """Text safe for LaTeX: specials escaped, Greek and maths symbols in math mode, other non-ASCII as '?'."""
    out: list[str] = []
    for ch in text:
        if ch in _MATH:
            script = _MATH[ch][:2] if _MATH[ch][:2] in ("_{", "^{") else ""
            if script and out and re.search(re.escape(script[0]) + r"\{[^{}]*\}\$$", out[-1]):
                out[-1] = out[-1][:-2] + _MATH[ch][2:] + "$"  # x₁₂ as x$_{12}$, e⁻¹ as e$^{-1}$: one script
            elif out and out[-1].endswith("$"):  # one math group for neighbours: "$$" would start display math
                joint = "{}" if script else " "  # x^{2}{}_{1}: no double script error
                out[-1] = out[-1][:-1] + joint + _MATH[ch] + "$"
            else:
                out.append(f"${_MATH[ch]}$")
        elif ch in _PLAIN:
            out.append(_PLAIN[ch])
        elif ord(ch) < 128 or ch in _LATIN:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def _n(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _p(point: Point) -> str:
    return f"({_n(point[0])},{_n(point[1])})"


def _colours(drawing: Drawing) -> dict[str, str]:
    found: list[str] = [drawing.background, drawing.foreground]
    found += [b.stroke for b in drawing.boxes] + [p.stroke for p in drawing.paths]
    found += [e.fill for e in drawing.ellipses] + [e.stroke for e in drawing.ellipses]
    found += [t.colour for t in drawing.texts]
    names: dict[str, str] = {}
    for colour in found:
        if colour not in names and colour != "none":
            names[colour] = f"gs{len(names)}"
    return names


def picture(drawing: Drawing) -> str:
    """One ``tikzpicture`` environment (needs only the tikz package)."""
    names = _colours(drawing)
    out = ["\\begin{tikzpicture}[x=0.75pt,y=-0.75pt,line join=round]"]
    out += [f"\\definecolor{{{name}}}{{HTML}}{{{colour.lstrip('#').upper()}}}" for colour, name in names.items()]
    if drawing.background != "none":
        out.append(f"\\fill[{names[drawing.background]}] (0,0) rectangle ({_n(drawing.width)},{_n(drawing.height)});")
    else:  # transparent: an invisible rectangle keeps the picture's size
        out.append(f"\\path (0,0) rectangle ({_n(drawing.width)},{_n(drawing.height)});")
    for box in drawing.boxes:
        out.append(f"\\draw[{names[box.stroke]},dashed,rounded corners=6pt] ({_n(box.x)},{_n(box.y)}) rectangle"
                   f" ({_n(box.x + box.w)},{_n(box.y + box.h)});")
    for path in drawing.paths:
        parts = [_p(path.start)]
        for segment in path.segments:
            if len(segment) == 1:
                parts.append(f"-- {_p(segment[0])}")
            else:
                parts.append(f".. controls {_p(segment[0])} and {_p(segment[1])} .. {_p(segment[2])}")
        out.append(f"\\draw[{names[path.stroke]},line width=0.9pt] {' '.join(parts)};")
    for arrow in drawing.arrows:
        out.append(f"\\fill[{names[arrow.colour]}] {' -- '.join(_p(p) for p in arrow.points)} -- cycle;")
    for e in drawing.ellipses:
        if e.stroke == "none":  # an unlit highlight ring (the HTML player lights it; a slide never does)
            continue
        out.append(f"\\filldraw[fill={names[e.fill]},draw={names[e.stroke]},line width={_n(e.width * 0.75)}pt]"
                   f" ({_n(e.cx)},{_n(e.cy)}) ellipse [x radius={_n(e.rx)}, y radius={_n(e.ry)}];")
    anchors = {"start": "base west", "middle": "base", "end": "base east"}
    for t in drawing.texts:
        size = f"\\fontsize{{{_n(t.size * 0.75)}}}{{{_n(t.size * 0.9)}}}\\selectfont"  # 1 px = 0.75 pt
        shape = "\\itshape" if t.italic else ""
        out.append(f"\\node[anchor={anchors[t.anchor]},inner sep=0pt,text={names[t.colour]},"
                   f"font=\\sffamily{size}{shape}] at {_p((t.x, t.y))} {{{_latex_name(t.text, t.role)}}};")
    out.append("\\end{tikzpicture}")
    return "\n".join(out) + "\n"


def _latex_name(text: str, role: str) -> str:
    """``W_H`` (a name with a letter subscript) as W\\textsubscript{H}; other texts as :func:`latex_text`."""
    split = subscript(text) if role in NAMED else None
    if split is None:
        return latex_text(text)
    return f"{latex_text(split[0])}\\textsubscript{{{latex_text(split[1])}}}"


def standalone(drawing: Drawing) -> str:
    """A complete document: ``pdflatex out.tex`` gives a PDF of just the picture."""
    return f"{PREAMBLE}\\begin{{document}}\n{picture(drawing)}\\end{{document}}\n"


def beamer_tikz_overlay(drawings: Sequence[Drawing], captions: Sequence[str] | None = None) -> str:
    """One ``\\only<k>`` per step: ``\\input`` it inside a frame; slide k shows the state after k-1 steps.
    Every picture is scaled to fit the frame (``\\linewidth`` wide, at most ``\\graphstepheight`` tall)."""
    width = max(d.width for d in drawings)
    height = max(d.height for d in drawings)
    out = [_OVERLAY_HEADER + "% Needs \\usepackage{tikz}. Slide k shows the state after k-1 steps.\n"
           + _fit(width / height)]
    for k, drawing in enumerate(drawings, start=1):
        out.append(f"\\only<{k}>{{\\resizebox{{\\graphstepwidth}}{{!}}{{%\n{picture(drawing)}}}}}%\n")
    out.append(caption_lines(captions))
    return "".join(out)


def caption_lines(captions: Sequence[str] | None) -> str:
    """Under the picture, slide k's sentence (``\\graphstepcaption`` sets its style; small by default)."""
    if not captions:
        return ""
    out = ["\\par\\smallskip\\providecommand{\\graphstepcaption}[1]{{\\small #1}}%\n"]
    for k, caption in enumerate(captions, start=1):
        text = "\\\\ ".join(latex_text(line.strip()) for line in caption.split("\n") if line.strip())
        out.append(f"\\only<{k}>{{\\graphstepcaption{{{text}}}}}%\n")
    return "".join(out)


def _fit(aspect: float) -> str:
    """LaTeX that sets ``\\graphstepwidth``: the line's width, or less where the picture would be too tall."""
    return ("% The picture fits \\linewidth and \\graphstepheight (default 0.8\\textheight; \\def it before the\n"
            "% \\input to change it).\n"
            "\\providecommand{\\graphstepheight}{0.8\\textheight}%\n"
            "\\ifdefined\\graphstepwidth\\else\\newlength{\\graphstepwidth}\\fi\n"
            f"\\setlength{{\\graphstepwidth}}{{{aspect:.4f}\\dimexpr\\graphstepheight\\relax}}%\n"
            "\\ifdim\\graphstepwidth>\\linewidth\\setlength{\\graphstepwidth}{\\linewidth}\\fi\n")


def beamer_graphics_overlay(files: Sequence[str], captions: Sequence[str] | None = None) -> str:
    """One ``\\includegraphics<k>`` per frame file; ``\\graphstepdir`` is the folder of the frames."""
    lines = [_OVERLAY_HEADER
             + "% Slide k shows the state after k-1 steps. If the frames are not in the folder you run LaTeX in,\n"
             "% write \\def\\graphstepdir{path/to/frames/} before \\input-ing this file. Each frame fits \\linewidth\n"
             "% (PDF/PNG frames also \\graphstepheight, default 0.8\\textheight).\n"
             "\\providecommand{\\graphstepdir}{}%\n"
             "\\providecommand{\\graphstepheight}{0.8\\textheight}%\n"]
    svg = any(f.endswith(".svg") for f in files)
    if svg:
        lines.append("% SVG frames need \\usepackage{svg} (and Inkscape); PDF frames need nothing more.\n")
    command = "\\includesvg" if svg else "\\includegraphics"
    size = "width=\\linewidth" if svg else "width=\\linewidth,height=\\graphstepheight,keepaspectratio"
    for k, name in enumerate(files, start=1):
        lines.append(f"{command}<{k}>[{size}]{{\\graphstepdir {name}}}%\n")
    lines.append(caption_lines(captions))
    return "".join(lines)


_OVERLAY_HEADER = "% Made by graphstep: a Beamer overlay, one slide per step of the trace.\n"
