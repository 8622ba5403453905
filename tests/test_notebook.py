"""A Trace at the end of a notebook cell shows the HTML export's step-through player inline."""

from __future__ import annotations

import html
import json
import re

import graphstep
from graphstep.explain import describe


def test_repr_html_is_the_step_through_player_in_an_iframe() -> None:
    trace = graphstep.parse("f = 1 / (1 + exp(-(w0x0 + w1x1 + w2)))").run(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    shown = trace._repr_html_()
    assert shown is not None and shown.startswith("<iframe srcdoc=")
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1))  # type: ignore[union-attr]
    assert "<svg" in page and "<script>" in page and 'type="range"' in page
    found = re.search(r'<script id="steps" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(found.group(1).replace("<\\/", "</"))
    assert data["captions"][1:] == [describe(trace, s) for s in trace.steps]  # the same sentences as --steps
    assert len(data["captions"]) == len(trace.steps) + 1
    assert trace._repr_svg_() is not None  # plain renderers keep the picture


def test_a_run_without_a_step_record_has_no_player() -> None:
    from graphstep.engine import run

    trace = run(graphstep.parse("f = x * y"), {"x": 3, "y": -4}, record=False)
    assert trace._repr_html_() is None
