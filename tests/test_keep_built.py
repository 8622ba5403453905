"""A big step list skips the collector's young-generation scans (graphstep.gcpause.keep_built); a small one,
a frozen heap and a collector paused by the caller are left as they are."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

import graphstep
from graphstep import gcpause
from graphstep.limits import limits

CHAIN = "v0 = 0.5\n" + "\n".join(f"v{i + 1} = relu(v{i})*0.99 + 0.01" for i in range(4_000))  # 12 001 nodes


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    freeze, unfreeze = gc.freeze, gc.unfreeze
    monkeypatch.setattr(gcpause.gc, "freeze", lambda: (calls.append("freeze"), freeze())[1])
    monkeypatch.setattr(gcpause.gc, "unfreeze", lambda: (calls.append("unfreeze"), unfreeze())[1])
    yield calls


def big_trace() -> graphstep.Trace:
    with limits(max_nodes=None):
        return graphstep.parse(CHAIN).run()


def test_a_big_step_list_leaves_the_young_generation_empty(freezes: list[str]) -> None:
    trace = big_trace()
    gc.collect()
    steps = trace.steps
    assert len(steps) > gcpause.KEEP_FROM
    assert freezes == ["freeze", "unfreeze"]
    assert gc.get_count()[0] < 1_000  # without it: every step and tuple just made, scanned at the next collection
    assert gc.get_freeze_count() == 0


def test_a_small_step_list_is_left_to_the_collector(freezes: list[str]) -> None:
    assert len(graphstep.parse("f = relu(x)*y + x; x = 2; y = 3").run().steps) < 10
    assert freezes == []


def test_what_the_caller_froze_stays_frozen(freezes: list[str]) -> None:
    trace = big_trace()
    gc.freeze()
    try:
        _ = trace.steps
        assert gc.get_freeze_count() > 0
        assert freezes == ["freeze"]  # the caller's own: keep_built neither froze nor thawed anything
    finally:
        gc.unfreeze()


def test_a_collector_the_caller_paused_stays_paused(freezes: list[str]) -> None:
    trace = big_trace()
    gc.disable()
    try:
        _ = trace.steps
        assert not gc.isenabled()
    finally:
        gc.enable()
