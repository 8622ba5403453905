"""A Trace at the end of a notebook cell shows the HTML export's step-through player inline."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

import graphstep
from graphstep.explain import describe


def test_repr_html_is_the_step_through_player_in_an_iframe() -> None:
    trace = graphstep.parse("f = 1 / (1 + exp(-(w0x0 + w1x1 + w2)))").run(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    shown = trace._repr_mimebundle_()["text/html"]
    assert shown.startswith("<iframe srcdoc=")
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1))  # type: ignore[union-attr]
    assert "<svg" in page and "<script>" in page and 'type="range"' in page
    found = re.search(r'<script id="steps" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(found.group(1).replace("<\\/", "</"))
    assert data["captions"][1:] == [describe(trace, s) for s in trace.steps]  # the same sentences as --steps
    assert len(data["captions"]) == len(trace.steps) + 1
    svg_only = trace._repr_mimebundle_(include={"image/svg+xml"})  # a front end that asks for SVG alone
    assert set(svg_only) == {"image/svg+xml"} and "<svg" in svg_only["image/svg+xml"]


def test_a_run_without_a_step_record_has_no_player() -> None:
    from graphstep.engine import run

    trace = run(graphstep.parse("f = x * y"), {"x": 3, "y": -4}, record=False)
    assert trace._repr_mimebundle_() == {"text/plain": repr(trace)}


REPR_METHODS = {"text/html": "_repr_html_", "image/svg+xml": "_repr_svg_", "image/png": "_repr_png_",
                "text/markdown": "_repr_markdown_", "text/latex": "_repr_latex_", "application/json": "_repr_json_"}


def jupyter_format(obj: Any) -> dict[str, Any]:
    """What IPython's display formatter does with an object: its ``_repr_mimebundle_``, then every other
    ``_repr_*_`` method for a mimetype the bundle lacks (each one computed, whatever the front end shows)."""
    bundle = dict(obj._repr_mimebundle_(include=None, exclude=None)) if hasattr(obj, "_repr_mimebundle_") else {}
    for mime, method in REPR_METHODS.items():
        if mime not in bundle and hasattr(obj, method):
            data = getattr(obj, method)()
            if data is not None:
                bundle[mime] = data
    bundle.setdefault("text/plain", repr(obj))
    return bundle


def test_a_display_builds_the_player_and_not_the_svg(monkeypatch: pytest.MonkeyPatch) -> None:
    """With both ``_repr_html_`` and ``_repr_svg_``, each display built the player and the SVG (3.2 s + 2.8 s
    at 401 nodes); the SVG is shown by no front end that shows HTML."""
    import graphstep.export
    from graphstep.export import notebook

    built: list[str] = []
    real_player, real_svg = notebook.player_html, graphstep.export.trace_svg
    monkeypatch.setattr(notebook, "player_html", lambda *a, **k: built.append("player") or real_player(*a, **k))
    monkeypatch.setattr(graphstep.export, "trace_svg", lambda *a, **k: built.append("svg") or real_svg(*a, **k))
    trace = graphstep.parse("f = (x + y) z").run(x=-2, y=5, z=-4)
    shown = jupyter_format(trace)
    assert built == ["player"]
    assert set(shown) == {"text/html", "text/plain"} and shown["text/plain"].startswith("<Trace f=-12.00")
    built.clear()
    assert "image/svg+xml" in jupyter_format(graphstep.parse("f = (x + y) z"))  # a Graph still shows an SVG
