"""SVG frames → one self-contained HTML player: works offline, keys ← → (and Home/End), buttons, a slider."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from graphstep.export.options import DrawOptions

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>graphstep: {title}</title>
<style>
body {{ background: {bg}; color: {fg}; font-family: Helvetica, Arial, sans-serif; margin: 1.5em; }}
.frame {{ display: none; }}
.frame.shown {{ display: block; }}
.frame svg {{ max-width: 100%; height: auto; }}
#controls {{ display: flex; gap: 0.6em; align-items: center; margin: 0.8em 0; }}
#slider {{ flex: 1; max-width: 40em; }}
#caption {{ min-height: 2.6em; white-space: pre-wrap; }}
#matrix {{ margin: 0 0 0.8em 0; font-size: 0.9em; line-height: 1.15; }}
#matrix:empty {{ display: none; }}
button {{ font-size: 1em; }}
</style>
</head>
<body>
<div id="controls">
<button id="prev" title="previous step (←)">◀</button>
<input id="slider" type="range" min="0" max="{last}" value="{start}" aria-label="step">
<button id="next" title="next step (→)">▶</button>
<span id="counter"></span>
</div>
<div id="caption"></div>
<pre id="matrix"></pre>
{frames}
<script>
(function () {{
  var frames = document.querySelectorAll(".frame");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var caption = document.getElementById("caption");
  var matrix = document.getElementById("matrix");
  var current = 0;
  function show(k) {{
    k = Math.max(0, Math.min(frames.length - 1, k));
    frames[current].classList.remove("shown");
    frames[k].classList.add("shown");
    current = k;
    slider.value = k;
    counter.textContent = "step " + k + " / " + (frames.length - 1);
    caption.textContent = frames[k].getAttribute("data-caption");
    matrix.textContent = frames[k].getAttribute("data-matrix") || "";
  }}
  document.getElementById("prev").onclick = function () {{ show(current - 1); }};
  document.getElementById("next").onclick = function () {{ show(current + 1); }};
  slider.oninput = function () {{ show(parseInt(slider.value, 10)); }};
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowRight" || e.key === " ") {{ show(current + 1); e.preventDefault(); }}
    else if (e.key === "ArrowLeft") {{ show(current - 1); e.preventDefault(); }}
    else if (e.key === "Home") {{ show(0); }}
    else if (e.key === "End") {{ show(frames.length - 1); }}
  }});
  window.graphstepShow = show;
  show({start});
}})();
</script>
</body>
</html>
"""


def player(frames: Sequence[str], captions: Sequence[str], options: DrawOptions, title: str = "steps",
           matrices: Sequence[str] | None = None) -> str:
    """Frame k is the state after k steps; the page opens on the first frame. ``matrices[k]``: the current
    node's small tensors written out (monospaced under the caption), "" when there are none."""
    matrices = matrices if matrices is not None else [""] * len(frames)
    body = "\n".join(
        f'<div class="frame" id="frame-{k}" data-caption="{_attribute(caption)}"'
        + (f' data-matrix="{_attribute(matrix)}"' if matrix else "") + f">\n{svg}</div>"
        for k, (svg, caption, matrix) in enumerate(zip(frames, captions, matrices, strict=True))
    )
    c = options.colours
    return _PAGE.format(title=escape(title), bg=c.background, fg=c.foreground, last=len(frames) - 1, start=0,
                        frames=body)


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;", "\n": "&#10;"})
