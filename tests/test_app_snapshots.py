"""Snapshot tests of the neuron circuit (pytest-textual-snapshot): start, mid-forward, end of backward,
in English and Spanish, at a fixed 120×40 terminal. Update with ``pytest --snapshot-update`` after
looking at the new pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import graphstep
from graphstep.app import GraphstepApp, Session

NEURON = (Path(graphstep.__file__).parent / "examples" / "neuron.gstep").read_text()
SIZE = (120, 40)
MOMENTS = {
    "start": [],
    "mid_forward": ["right"] * 5,
    "end_backward": ["end"],
}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_neuron_snapshot(snap_compare: Any, moment: str, lang: str) -> None:
    app = GraphstepApp(Session(NEURON), lang=lang)
    assert snap_compare(app, press=MOMENTS[moment], terminal_size=SIZE)


def test_mlp_batch_snapshot(snap_compare: Any) -> None:
    """The lecture's MLP at the end of the backward pass: compact tensor labels, shapes in the box borders,
    the current matmul's value and gradient as matrices in the panel."""
    source = (Path(graphstep.__file__).parent / "examples" / "mlp_batch.gstep").read_text()
    assert snap_compare(GraphstepApp(Session(source)), press=["end"], terminal_size=SIZE)
