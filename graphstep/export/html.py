"""One drawing + the steps → one self-contained HTML player that works offline.

The page holds the circuit once, drawn at the finished run, each number marked with the step it appears at
(``data-k``) and each gate with its node id (``data-node``); stepping only hides the numbers not known yet
and moves the highlight. So the page grows linearly with the graph (a 2,000-node trace is a few MB), not
with graph size × steps. Keys: → / Space / PageDown / Enter / N step forward, ← / PageUp / Backspace / P
back (presentation clickers send PageDown/PageUp), Home and End; buttons and a slider; the drawing scales
to the window.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from graphstep.export.options import DrawOptions
from graphstep.export.scene import SINK, Scene
from graphstep.i18n import LANGUAGES, t

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>graphstep: {title}</title>
<style>
html, body {{ height: 100%; }}
body {{ background: {bg}; color: {fg}; font-family: Helvetica, Arial, sans-serif; margin: 0; padding: 0.8em 1.2em;
  box-sizing: border-box; display: flex; flex-direction: column; }}
#controls {{ display: flex; gap: 0.6em; align-items: center; margin: 0 0 0.5em 0; }}
#slider {{ flex: 1; max-width: 40em; }}
#caption {{ min-height: 2.6em; white-space: pre-wrap; }}
#matrix {{ margin: 0 0 0.5em 0; font-size: 0.9em; line-height: 1.15; }}
#matrix:empty {{ display: none; }}
#stage {{ flex: 1; min-height: 0; }}
#stage svg {{ width: 100%; height: 100%; }}
[data-k].gs-hidden {{ visibility: hidden; }}
.gs-current ellipse, .gs-current polygon, ellipse.gs-current {{ fill: {hl_fill}; stroke: {hl_line};
  stroke-width: 2.5; }}
button {{ font-size: 1em; }}
</style>
</head>
<body>
<div id="controls">
<button id="prev" title="{prev_title}">◀</button>
<input id="slider" type="range" min="0" max="{last}" value="{start}" aria-label="{step_word}">
<button id="next" title="{next_title}">▶</button>
<span id="counter"></span>
</div>
<div id="caption"></div>
<pre id="matrix"></pre>
<div id="stage">
{svg}</div>
<script id="steps" type="application/json">{data}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("steps").textContent);
  var last = data.captions.length - 1;
  var numbers = Array.prototype.map.call(document.querySelectorAll("#stage [data-k]"), function (el) {{
    return [el, parseInt(el.getAttribute("data-k"), 10)];
  }});
  var gates = {{}};
  Array.prototype.forEach.call(document.querySelectorAll("#stage [data-node]"), function (el) {{
    gates[el.getAttribute("data-node")] = el;
  }});
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var caption = document.getElementById("caption");
  var matrix = document.getElementById("matrix");
  var current = 0;
  var lit = null;
  function show(k) {{
    k = Math.max(0, Math.min(last, k));
    current = k;
    for (var i = 0; i < numbers.length; i++) {{ numbers[i][0].classList.toggle("gs-hidden", numbers[i][1] > k); }}
    if (lit) {{ lit.classList.remove("gs-current"); lit = null; }}
    var node = data.current[k];
    if (node !== null && gates[node]) {{ lit = gates[node]; lit.classList.add("gs-current"); }}
    slider.value = k;
    counter.textContent = "{step_word} " + k + " / " + last;
    caption.textContent = data.captions[k];
    matrix.textContent = data.matrices[k] || "";
    document.body.setAttribute("data-step", k);
  }}
  var forward = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter", "n", "N"];
  var back = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace", "p", "P"];
  document.getElementById("prev").onclick = function () {{ show(current - 1); }};
  document.getElementById("next").onclick = function () {{ show(current + 1); }};
  slider.oninput = function () {{ show(parseInt(slider.value, 10)); }};
  document.addEventListener("keydown", function (e) {{
    if (e.target === slider && e.key.indexOf("Arrow") === 0) {{ return; }}
    if (forward.indexOf(e.key) >= 0) {{ show(current + 1); e.preventDefault(); }}
    else if (back.indexOf(e.key) >= 0) {{ show(current - 1); e.preventDefault(); }}
    else if (e.key === "Home") {{ show(0); e.preventDefault(); }}
    else if (e.key === "End") {{ show(last); e.preventDefault(); }}
  }});
  window.graphstepShow = show;
  show({start});
}})();
</script>
</body>
</html>
"""

def player(svg: str, captions: Sequence[str], current: Sequence[int | None], options: DrawOptions, *,
           title: str = "steps", matrices: Sequence[str] | None = None, start: int = 0, lang: str = "en") -> str:
    """``svg``: the finished run, numbers marked with ``data-k`` and gates with ``data-node`` (see
    ``mark_graphviz`` and ``to_svg(..., steps=True)``); ``captions[k]``, ``current[k]`` (the highlighted node
    id or None) and ``matrices[k]`` describe the state after k steps; the page opens at step ``start``."""
    last = len(captions) - 1
    matrices = matrices if matrices is not None else [""] * len(captions)
    data = json.dumps({"captions": list(captions), "current": list(current), "matrices": list(matrices)},
                      ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # nothing inside can close the <script> element
    c = options.colours
    return _PAGE.format(title=escape(title), lang=lang if lang in LANGUAGES else "en", bg=c.background,
                        fg=c.foreground, hl_fill=c.highlight_fill, hl_line=c.highlight_line, last=last,
                        start=max(0, min(start, last)), svg=svg, data=data,
                        step_word=t("export.player_step", lang), prev_title=escape(t("export.player_prev", lang)),
                        next_title=escape(t("export.player_next", lang)))


_GROUP = re.compile(r'(<g id="[^"]*" class="node")>\s*<title>([^<]*)</title>(.*?)</g>', re.S)
_TEXT = re.compile(r"<text\b")


def mark_graphviz(svg: str, scene: Scene) -> str:
    """Graphviz's SVG of the finished ``scene`` with the player's marks: each wire's table node (title
    ``w<key>``) holds exactly two texts, value then gradient; a gate or leaf (``n<id>``) that fans out ends
    with its Σ text; gates get ``data-node``."""
    wires = {f"w{w.key}": (w.value.at if w.value.text else 0, w.grad.at if w.grad.text else 0)
             for w in scene.wires}
    nodes = {f"n{n.id}": n for n in scene.nodes if n.id != SINK}

    def mark(match: re.Match[str]) -> str:
        head, title, body = match.group(1), match.group(2), match.group(3)
        if title in wires:
            steps = list(wires[title])
            body = _TEXT.sub(lambda _: _text_mark(steps.pop(0) if steps else 0), body)
        elif title in nodes:
            node = nodes[title]
            if node.total.text and node.total.at:
                texts = len(_TEXT.findall(body))
                seen = iter(range(texts))
                body = _TEXT.sub(lambda _: _text_mark(node.total.at if next(seen) == texts - 1 else 0), body)
            if node.kind == "gate" or node.id in scene.fans:  # a leaf that sums its gradient has a ring too
                head += f' data-node="{node.id}"'
        return f"{head}>\n<title>{title}</title>{body}</g>"

    return _GROUP.sub(mark, svg)


def _text_mark(k: int) -> str:
    return f'<text data-k="{k}"' if k else "<text"
