"""Batches on Dask: lazy .npy/.csv chunks, a dask.distributed cluster of two worker processes, weight
gradients reduced across chunks, batch gradients written chunk by chunk; numpy's numbers to 1e-9."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import graphstep
from graphstep.backend import to_host
from graphstep.cli import main
from graphstep.engine import run
from tests.conftest import EXAMPLES, run_cli

pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

NEURON = str(EXAMPLES / "neuron.gstep")
N = 10_000


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker processes, one thread each: small, so it starts in seconds on a 2-core machine."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  memory_limit="1GiB") as local:
        yield local


@pytest.fixture
def batch(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(5)
    files = {}
    for name in ("x0", "x1"):
        files[name] = tmp_path / f"{name}.npy"
        np.save(files[name], rng.normal(size=N))
    return files


def close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=1e-300)


@pytest.mark.slow
def test_eval_on_a_two_worker_cluster_gives_numpys_numbers(cluster: Any, batch: dict[str, Path],
                                                            tmp_path: Path) -> None:
    inputs = [f"{name}=@{path}" for name, path in batch.items()]
    on_dask = run_cli("eval", NEURON, *inputs, "--json", "--backend", "dask", "--scheduler", cluster.scheduler_address,
                      "--chunk-rows", "2500", "--save-grads", str(tmp_path / "dask"), timeout=240)
    assert on_dask.returncode == 0, on_dask.stderr
    on_numpy = run_cli("eval", NEURON, *inputs, "--json", "--save-grads", str(tmp_path / "numpy"))
    assert on_numpy.returncode == 0, on_numpy.stderr
    dask_out, numpy_out = json.loads(on_dask.stdout), json.loads(on_numpy.stdout)
    for key in ("min", "mean", "max"):
        close(dask_out["value"][key], numpy_out["value"][key])
    assert dask_out["value"]["shape"] == [N]
    for w in ("w0", "w1", "w2"):  # reduced over four chunks, then across them
        close(dask_out["grads"][w]["value"], numpy_out["grads"][w]["value"])
        assert np.load(tmp_path / "dask" / f"{w}.npy").shape == ()
    for node_d, node_n in zip(dask_out["nodes"], numpy_out["nodes"]):
        if isinstance(node_n["grad"], dict) and isinstance(node_d["grad"], dict):
            close(node_d["grad"]["mean"], node_n["grad"]["mean"])
    for name in ("x0", "x1"):  # written by the workers, chunk by chunk, into one .npy file each
        assert dask_out["grads"][name]["file"].endswith(f"{name}.npy")
        close(np.load(tmp_path / "dask" / f"{name}.npy"), np.load(tmp_path / "numpy" / f"{name}.npy"))
    prefixes = set(cluster.scheduler.task_prefixes)
    assert any(p.startswith("graphstep-file") for p in prefixes), "the workers read the file's chunks"
    assert any("write_block" in p for p in prefixes), "the workers wrote the gradient's chunks"


def test_the_python_api_computes_on_the_clients_cluster(cluster: Any) -> None:
    import dask.array as da

    rng = np.random.default_rng(1)
    values = {"X": rng.normal(size=(600, 2)), "y": rng.integers(0, 2, 600).astype(float),
              "W": rng.normal(size=(2, 2)), "b": rng.normal(size=2)}
    graph = graphstep.parse("loss = cross_entropy(sigmoid(X @ W + b), y)")
    lazy = {**values, "X": da.from_array(values["X"], chunks=(150, 2)), "y": da.from_array(values["y"], chunks=150)}
    with distributed.Client(cluster.scheduler_address):
        trace = run(graph, lazy, backend="dask", record=False)
        assert trace.values[graph.output].chunks == ()  # lazy until asked
        reference = run(graph, values)
        close(trace.value, reference.value)
        for name in ("W", "b", "X"):
            close(trace.grad(name), reference.grad(name))


def test_a_csv_batch_is_read_in_row_chunks_with_its_header(tmp_path: Path) -> None:
    from graphstep.daskio import open_array

    data = np.random.default_rng(2).normal(size=(23, 3))
    path = tmp_path / "d.csv"
    np.savetxt(path, data, delimiter=",", header="a,b,c", comments="")
    lazy = open_array(path, rows=5)
    assert lazy.chunks == ((5, 5, 5, 5, 3), (3,))
    close(lazy.compute(), data)
    column = tmp_path / "c.txt"
    np.savetxt(column, data[:, 0])
    close(open_array(column, rows=4).compute(), data[:, 0])


def test_eval_on_dask_without_a_scheduler_runs_on_a_local_cluster(batch: dict[str, Path],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", NEURON, *(f"{n}=@{p}" for n, p in batch.items()), "--backend", "dask", "--chunk-rows", "3000"]
    assert main(args) == 0
    table = capsys.readouterr().out
    assert main(args[:4]) == 0
    assert capsys.readouterr().out == table  # the same table, to the last digit shown


def test_a_scheduler_that_is_not_an_address_is_one_clear_message() -> None:
    result = run_cli("eval", "x + 1", "x=1", "--backend", "dask", "--scheduler", "nowhere at all")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "scheduler" in result.stderr


def test_scheduler_without_the_dask_backend_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "x + 1", "x=1", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--backend dask" in capsys.readouterr().err


def test_training_draws_mini_batches_from_one_chunk_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from graphstep import daskio
    from graphstep.training import train

    reads: list[int] = []
    real = daskio.compute

    def counted(*values: Any) -> list[Any]:
        reads.extend(v.shape[0] if v.shape else 0 for v in values if hasattr(v, "chunks"))
        return real(*values)

    monkeypatch.setattr(daskio, "compute", counted)
    graph = graphstep.parse((EXAMPLES / "circles_mlp.gstep").read_text())
    data = {"X": daskio.open_array(EXAMPLES / "circles_X.csv", rows=100),
            "y": daskio.open_array(EXAMPLES / "circles_y.csv", rows=100)}
    result = train(graph, lr=0.5, steps=300, batch=50, backend="dask", values=data)
    assert result.accuracy == 1.0 and result.samples == 200  # accuracy on all the data, computed lazily
    assert result.final_loss < 0.5 * result.losses[0]
    # one chunk read (its rows of X and of y) per two mini-batches of 50 rows; never the whole batch at once
    assert reads.count(100) == 2 * (300 // 2) and max(reads) == 100


def runtime_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]


def test_numpys_warnings_from_dasks_threads_do_not_leak_to_the_user() -> None:
    """log(0) and 1/0 on Dask's worker threads: the steps say so in words; numpy does not warn as well."""
    graph = graphstep.parse("f = log(x) * y")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trace = run(graph, {"x": np.array([0.0, 1.0, 2.0]), "y": np.array(2.0)}, backend="dask")
        value, grad = to_host(trace.value), to_host(trace.grad("x"))
    assert value[0] == -np.inf and grad[0] == np.inf  # log(0), and y/x at x = 0: computed on the workers
    assert runtime_warnings(caught) == []


def test_numpys_warnings_from_a_local_clusters_workers_do_not_leak(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The command line computes on an in-process cluster: its workers' threads warn on stderr if anything."""
    np.save(tmp_path / "x.npy", np.array([0.0, 1.0, 2.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # every warning shown (the command prints them as "warning: …")
        assert main(["eval", "f = log(x) * y", f"x=@{tmp_path / 'x.npy'}", "y=2", "--backend", "dask"]) == 0
    output = capsys.readouterr()
    assert "-inf" in output.out
    assert "encountered in" not in output.err  # numpy's "divide by zero encountered in log"
