"""`graphstep eval` on batches: arrays summarised (shape, dtype, min/mean/max) in the table and in JSON,
computed once for all nodes; full arrays only on request (--full-arrays, --save-grads)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

import graphstep
from graphstep.cli import main
from graphstep.numbers import fmt
from tests.conftest import EXAMPLES

NEURON = str(EXAMPLES / "neuron.gstep")


@pytest.fixture
def batch(tmp_path: Path) -> list[str]:
    rng = np.random.default_rng(3)
    items = []
    for name in ("x0", "x1"):
        np.save(tmp_path / f"{name}.npy", rng.normal(size=1000))
        items.append(f"{name}=@{tmp_path / name}.npy")
    return items


def test_json_summarises_arrays_and_lists_short_ones(batch: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", NEURON, *batch, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    x0 = np.load(batch[0].split("@")[1])
    trace = graphstep.parse(Path(NEURON).read_text()).run(x0=x0, x1=np.load(batch[1].split("@")[1]))
    value = out["value"]
    assert value["shape"] == [1000] and value["dtype"] == "float64" and "values" not in value
    assert value["min"] == pytest.approx(trace.value.min(), rel=1e-15)
    assert value["mean"] == pytest.approx(trace.value.mean(), rel=1e-15)
    assert value["max"] == pytest.approx(trace.value.max(), rel=1e-15)
    assert out["grads"]["w0"] == pytest.approx(trace.grad("w0"), rel=1e-12)  # a scalar stays a number
    assert out["grads"]["x0"]["mean"] == pytest.approx(trace.grad("x0").mean(), rel=1e-12)
    assert main(["eval", "sum(v * w)", "v=@" + _short(batch[0]), "w=2", "--json"]) == 0
    short = json.loads(capsys.readouterr().out)
    assert short["grads"]["v"]["values"] == [2.0] * 10


def _short(item: str) -> str:
    path = Path(item.split("@")[1]).with_name("short.npy")
    np.save(path, np.arange(10.0))
    return str(path)


def test_full_arrays_writes_every_number(batch: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", NEURON, *batch, "--json", "--full-arrays"]) == 0
    out = json.loads(capsys.readouterr().out)
    x0 = np.load(batch[0].split("@")[1])
    trace = graphstep.parse(Path(NEURON).read_text()).run(x0=x0, x1=np.load(batch[1].split("@")[1]))
    np.testing.assert_allclose(out["value"], trace.value, rtol=1e-15)
    np.testing.assert_allclose(out["grads"]["x1"], trace.grad("x1"), rtol=1e-15)


def test_the_table_shows_the_same_summaries_as_before(batch: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", NEURON, *batch]) == 0
    table = capsys.readouterr().out
    trace = graphstep.parse(Path(NEURON).read_text()).run(x0=np.load(batch[0].split("@")[1]),
                                                           x1=np.load(batch[1].split("@")[1]))
    assert f"f = {fmt(trace.value)}" in table
    assert f"∂f/∂x1 = {fmt(trace.grad('x1'))}" in table
    assert f"∂f/∂w2 = {fmt(trace.grad('w2'))}" in table


def test_json_of_a_million_point_batch_is_fast_and_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(0)
    for name in ("x0", "x1"):
        np.save(tmp_path / f"{name}.npy", rng.normal(size=10**6))
    start = time.perf_counter()
    assert main(["eval", NEURON, f"x0=@{tmp_path}/x0.npy", f"x1=@{tmp_path}/x1.npy", "--json"]) == 0
    elapsed = time.perf_counter() - start
    text = capsys.readouterr().out
    assert len(text) < 10_000, "a summary per array, not 10^6 numbers each"
    assert elapsed < 20, f"took {elapsed:.1f} s (writing every array as JSON lists took 52 s)"


def test_save_grads_writes_one_npy_per_input_and_says_so_in_spanish(batch: list[str], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "grads"
    assert main(["eval", NEURON, *batch, "--save-grads", str(folder), "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert f"gradientes guardados en {folder}: w0.npy, x0.npy" in out
    trace = graphstep.parse(Path(NEURON).read_text()).run(x0=np.load(batch[0].split("@")[1]),
                                                           x1=np.load(batch[1].split("@")[1]))
    np.testing.assert_array_equal(np.load(folder / "x0.npy"), trace.grad("x0"))
    assert float(np.load(folder / "w1.npy")) == pytest.approx(trace.grad("w1"), rel=1e-15)
