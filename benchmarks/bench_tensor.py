"""Batched forward + backward: graphstep against PyTorch eager, in the same run, as ratios.

    python benchmarks/bench_tensor.py [--quick] [--repeat 5]
    python benchmarks/bench_tensor.py --dask 1e8 [--chunk-rows 5000000]

Rows: the lecture's sigmoid neuron over N = 10^6 and 10^7 points (x0, x1 arrays; w0, w1, w2 scalars whose
gradients are summed over the batch), in float64 and float32; and MLPs on a batch of 10^5 (the lecture's
2 → 3 sigmoid → 2, and 16 → 64 → 10; softmax + cross-entropy). Columns: graphstep's fast path
(record=False; elementwise chains fused with numexpr; arrays of the previous, dropped run reused), the
same with fresh arrays every run, the plain engine loop without fusion, PyTorch eager on the CPU, and
ratios (> 1: graphstep is faster). Times are the best of --repeat runs after one warm-up (the least
disturbed by other work on the machine). With CuPy and a GPU it also times the cupy backend against
PyTorch CUDA and reports the share of the GPU's memory bandwidth reached (benchmarks/bench_gpu.py adds the
torch-CUDA backend and the MLP). With --dask N: the neuron over N points stored in two .npy files, numpy
(load, fused fast path) against the dask backend on a local cluster reading the files chunk by chunk,
each in a fresh process: time and peak memory (the data are written first, slice by slice).

On some machines OPENBLAS_CORETYPE is set for safety and slows numpy's BLAS: for numbers comparable with
other runs, unset it (and OPENBLAS_L2_SIZE) for this command alone.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from timing import best_time

import graphstep
from graphstep import fusion
from graphstep.engine import run

NEURON = "f = 1 / (1 + exp(-(w0x0 + w1x1 + w2)))"
MLP = """
H = sigmoid(X @ W_H + b_H)
O = H @ W_O + b_O
loss = cross_entropy(O, y)
"""


def neuron_case(n: int, dtype: str, repeat: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal(n).astype(dtype)
    x1 = rng.standard_normal(n).astype(dtype)
    graph = graphstep.parse(NEURON)
    values = {"x0": x0, "x1": x1, "w0": 2.0, "w1": -3.0, "w2": -3.0}
    out = {"fused": best_time(lambda: run(graph, values, dtype=dtype, record=False), repeat, warm_up=True)}
    with fresh_arrays():
        out["fresh"] = best_time(lambda: run(graph, values, dtype=dtype, record=False), repeat, warm_up=True)
    out["plain"] = best_time(lambda: _unfused(graph, values, dtype), max(1, repeat // 2), warm_up=True)
    torch = _torch()
    if torch is not None:
        tx0, tx1 = torch.from_numpy(x0), torch.from_numpy(x1)

        def torch_step() -> None:
            w = [torch.tensor(v, dtype=getattr(torch, dtype), requires_grad=True) for v in (2.0, -3.0, -3.0)]
            a, b = tx0.detach().requires_grad_(), tx1.detach().requires_grad_()
            f = 1 / (1 + torch.exp(-(w[0] * a + w[1] * b + w[2])))
            f.backward(torch.ones_like(f))

        out["torch"] = best_time(torch_step, repeat, warm_up=True)
    return out


def mlp_case(batch: int, dtype: str, repeat: int, sizes: tuple[int, int, int] = (16, 64, 10)) -> dict[str, float]:
    rng = np.random.default_rng(0)
    features, hidden, classes = sizes
    values = {
        "X": rng.standard_normal((batch, features)).astype(dtype),
        "y": rng.integers(0, classes, batch).astype(dtype),
        "W_H": (rng.standard_normal((features, hidden)) * 0.3).astype(dtype),
        "b_H": np.zeros(hidden, dtype=dtype),
        "W_O": (rng.standard_normal((hidden, classes)) * 0.3).astype(dtype),
        "b_O": np.zeros(classes, dtype=dtype),
    }
    graph = graphstep.parse(MLP)
    out = {"fused": best_time(lambda: run(graph, values, dtype=dtype, record=False), repeat, warm_up=True)}
    with fresh_arrays():
        out["fresh"] = best_time(lambda: run(graph, values, dtype=dtype, record=False), repeat, warm_up=True)
    out["plain"] = best_time(lambda: _unfused(graph, values, dtype), repeat, warm_up=True)
    torch = _torch()
    if torch is not None:
        t = {k: torch.from_numpy(v) for k, v in values.items()}
        labels = t["y"].long()

        def torch_step() -> None:
            p = {k: t[k].detach().requires_grad_() for k in ("X", "W_H", "b_H", "W_O", "b_O")}
            h = torch.sigmoid(p["X"] @ p["W_H"] + p["b_H"])
            loss = torch.nn.functional.cross_entropy(h @ p["W_O"] + p["b_O"], labels)
            loss.backward()

        out["torch"] = best_time(torch_step, repeat, warm_up=True)
    return out


@contextmanager
def fresh_arrays() -> Iterator[None]:
    """The fast path without its buffer pool: every run allocates (and page-faults) new arrays."""
    saved = fusion.POOL.limit
    fusion.POOL.buffers.clear()
    fusion.POOL.limit = 0
    try:
        yield
    finally:
        fusion.POOL.limit = saved


def _unfused(graph: graphstep.Graph, values: dict[str, Any], dtype: str) -> None:
    saved = fusion.MIN_SIZE
    fusion.MIN_SIZE = 1 << 62  # the plain engine loop, for comparison
    try:
        run(graph, values, dtype=dtype, record=False)
    finally:
        fusion.MIN_SIZE = saved


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def gpu_rows(repeat: int) -> list[str]:
    """CuPy backend against PyTorch CUDA eager, and the share of the memory bandwidth reached."""
    try:
        import cupy
    except ImportError:
        return ["GPU: CuPy is not installed (pip install 'graphstep[cuda]'): skipped"]
    try:
        props = cupy.cuda.runtime.getDeviceProperties(0)
    except cupy.cuda.runtime.CUDARuntimeError as error:
        return [f"GPU: no usable GPU ({error}): skipped"]
    peak = 2 * props["memoryClockRate"] * 1e3 * props["memoryBusWidth"] / 8  # bytes/s, double data rate
    torch = _torch()
    rows = [f"GPU: {props['name'].decode()}, peak memory bandwidth {peak / 1e9:.0f} GB/s"]
    graph = graphstep.parse(NEURON)
    for n in (10**7, 10**8):
        for dtype in ("float64", "float32"):
            rows.append(_gpu_neuron(cupy, torch, graph, n, dtype, peak, repeat))
    return rows


def _gpu_neuron(cupy: Any, torch: Any, graph: graphstep.Graph, n: int, dtype: str, peak: float, repeat: int) -> str:
    x0 = cupy.random.standard_normal(n).astype(dtype)
    x1 = cupy.random.standard_normal(n).astype(dtype)
    values = {"x0": x0, "x1": x1, "w0": 2.0, "w1": -3.0, "w2": -3.0}

    def step() -> None:
        run(graph, values, backend="cupy", dtype=dtype, record=False)
        cupy.cuda.Device().synchronize()

    ours = best_time(step, repeat, warm_up=True)
    # the least traffic a fwd+bwd must move: read x0, x1; write f, ∂f/∂x0, ∂f/∂x1
    share = 5 * n * np.dtype(dtype).itemsize / ours / peak
    line = f"  neuron N={n:.0e} {dtype}: cupy {ours * 1e3:8.1f} ms ({share:.0%} of peak bandwidth)"
    if torch is not None and torch.cuda.is_available():
        tx0, tx1 = torch.as_tensor(x0, device="cuda"), torch.as_tensor(x1, device="cuda")

        def torch_step() -> None:
            w = [torch.tensor(v, dtype=getattr(torch, dtype), device="cuda", requires_grad=True)
                 for v in (2.0, -3.0, -3.0)]
            a, b = tx0.detach().requires_grad_(), tx1.detach().requires_grad_()
            f = 1 / (1 + torch.exp(-(w[0] * a + w[1] * b + w[2])))
            f.backward(torch.ones_like(f))
            torch.cuda.synchronize()

        theirs = best_time(torch_step, repeat, warm_up=True)
        line += f"   torch cuda {theirs * 1e3:8.1f} ms   ratio torch/cupy {theirs / ours:5.2f}"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only N = 10^6 and a batch of 10^4")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dask", type=float, default=None, metavar="N",
                        help="only the Dask row: the neuron over N points (e.g. 1e8) from .npy files, against numpy")
    parser.add_argument("--chunk-rows", type=int, default=5_000_000, help="rows per Dask chunk (default 5·10^6)")
    args = parser.parse_args()
    if args.dask:
        print("\n".join(dask_rows(int(args.dask), args.chunk_rows)))
        return
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i.get('architecture', '?')} ×{i['num_threads']}"
                         for i in threadpool_info() if i["user_api"] == "blas")
    except ImportError:
        blas = "threadpoolctl not installed"
    print(f"numpy {np.__version__} (BLAS: {blas}), numexpr threads {fusion.numexpr.nthreads if fusion.numexpr else 0}")
    header = (f"{'case':<34}{'fused':>10}{'fresh':>10}{'plain':>10}{'torch':>10}"
              f"{'torch/fused':>13}{'torch/fresh':>13}")
    print(header)
    print("-" * len(header))
    cases: list[tuple[str, Callable[[], dict[str, float]]]] = []
    for n in (10**6,) if args.quick else (10**6, 10**7):
        for dtype in ("float64", "float32"):
            cases.append((f"neuron N={n:.0e} {dtype}", lambda n=n, d=dtype: neuron_case(n, d, args.repeat)))
    batch = 10**4 if args.quick else 10**5
    for sizes in ((2, 3, 2), (16, 64, 10)):  # the lecture's 2-3-2 network, and a wider one
        for dtype in ("float64", "float32"):
            label = f"MLP batch {batch:.0e} {'-'.join(map(str, sizes))} {dtype}"
            cases.append((label, lambda d=dtype, z=sizes: mlp_case(batch, d, args.repeat, z)))
    for name, case in cases:
        t = case()
        cells = "".join(f"{t[k] * 1e3:8.1f}ms" for k in ("fused", "fresh", "plain"))
        if "torch" in t:
            cells += f"{t['torch'] * 1e3:8.1f}ms{t['torch'] / t['fused']:12.2f}×{t['torch'] / t['fresh']:12.2f}×"
        print(f"{name:<34}{cells}", flush=True)
    for row in gpu_rows(args.repeat):
        print(row)



# --- Dask on one machine: a batch read from .npy files chunk by chunk, against numpy in one pass ---------

DASK_CHILD = r"""
import sys, time, json
import numpy as np
import graphstep
from graphstep.engine import run
from graphstep.summary import summarize
from graphstep.limits import limits
mode, folder, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
cap = limits(max_elements=10**11)  # numpy holds every array of the run: allow it (a benchmark, not a student)
cap.__enter__()
graph = graphstep.parse(sys.argv[4])
weights = {"w0": 2.0, "w1": -3.0, "w2": -3.0}
start = time.perf_counter()
if mode == "numpy":
    values = {n: np.load(f"{folder}/{n}.npy") for n in ("x0", "x1")}
    trace = run(graph, {**values, **weights}, record=False)
    client = None
else:
    from graphstep.daskio import connect, open_array
    from pathlib import Path
    client = connect(None)
    start = time.perf_counter()  # the local cluster's start-up (about a second) is not the computation
    values = {n: open_array(Path(folder) / f"{n}.npy", rows) for n in ("x0", "x1")}
    trace = run(graph, {**values, **weights}, backend="dask", record=False)
ids = [graph.output] + [graph.inputs[n] for n in ("x0", "x1", "w0", "w1", "w2")]
shown = summarize(trace.xp, [trace.values[graph.output]] + [trace.node_grads[i] for i in ids[1:]])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "f_mean": shown[0].mean, "w0": float(shown[3])}))
"""


def dask_case(n: int, rows: int) -> dict[str, dict[str, float]]:
    """The neuron over n points stored as two .npy files: numpy (np.load, then the fused fast path) against
    Dask on a local cluster (the files read chunk by chunk), each in a fresh process; the summaries of
    the output and of every gradient, as `graphstep eval --json` shows them. Peak memory: the most resident
    memory of the process and its children, sampled every 20 ms."""
    import json
    import subprocess
    import sys
    import tempfile
    import time

    import psutil

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(dir=".") as folder:
        rng = np.random.default_rng(0)
        for name in ("x0", "x1"):  # written in slices: making the data needs no 10^8-point array in memory
            target = np.lib.format.open_memmap(f"{folder}/{name}.npy", mode="w+", dtype="float64", shape=(n,))
            for start in range(0, n, 10**7):
                target[start:start + 10**7] = rng.standard_normal(min(10**7, n - start))
            target.flush()
            del target
        for mode in ("numpy", "dask"):
            process = subprocess.Popen([sys.executable, "-c", DASK_CHILD, mode, folder, str(rows), NEURON],
                                       stdout=subprocess.PIPE, text=True)
            watched = psutil.Process(process.pid)
            peak = 0
            while process.poll() is None:
                try:
                    tree = [watched, *watched.children(recursive=True)]
                    peak = max(peak, sum(p.memory_info().rss for p in tree))
                except psutil.Error:
                    pass
                time.sleep(0.02)
            out = json.loads(process.stdout.read() if process.stdout else "{}")
            results[mode] = {**out, "peak_bytes": peak}
    return results


def dask_rows(n: int, rows: int) -> list[str]:
    r = dask_case(n, rows)
    numpy_, dask_ = r["numpy"], r["dask"]
    agree = abs(dask_["w0"] - numpy_["w0"]) <= 1e-9 * abs(numpy_["w0"])
    return [
        f"neuron N={n:.0e} float64 from .npy files (summaries of f and every gradient):",
        f"  numpy, one pass: {numpy_['seconds']:7.2f} s, peak memory {numpy_['peak_bytes'] / 2**30:5.2f} GiB",
        f"  dask, chunks of {rows} rows: {dask_['seconds']:7.2f} s, peak memory {dask_['peak_bytes'] / 2**30:5.2f} GiB",
        f"  dask/numpy: time {dask_['seconds'] / numpy_['seconds']:.2f}×, memory "
        f"{dask_['peak_bytes'] / numpy_['peak_bytes']:.2f}×; same ∂f/∂w0 to 1e-9: {agree}",
    ]


if __name__ == "__main__":
    from graphstep.limits import limits

    with limits(max_elements=10**11):  # the default cap (10^8 numbers per run) is for students' programs
        main()
