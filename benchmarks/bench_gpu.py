"""The GPU backends against PyTorch CUDA eager, in the same run, with the share of memory bandwidth reached.

    python benchmarks/bench_gpu.py [--repeat 5] [--quick]

Rows: the lecture's sigmoid neuron over N = 10^7 and 10^8 points (float32 and float64; x0, x1 on the GPU,
w0, w1, w2 scalars whose gradients are summed over the batch) and the lecture's MLP (2 → 3 sigmoid → 2,
softmax + cross-entropy) on a batch of 10^6. Columns: graphstep on the cupy backend, graphstep on
torch-CUDA, PyTorch CUDA eager (autograd), each the best of --repeat runs after a warm-up, synchronised;
the ratio PyTorch / graphstep (> 1: graphstep is faster); and for the neuron the share of the GPU's memory
bandwidth reached: the bytes a fused kernel must move (read x0 and x1, write f and both input gradients)
per second, against a device-to-device copy measured in the same run. Without CuPy, PyTorch-CUDA or a GPU
the missing columns say so; with no GPU at all the script says so and exits 0. Under 5 minutes on one GPU.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import graphstep
from graphstep.engine import run

NEURON = "f = 1 / (1 + exp(-(w0x0 + w1x1 + w2)))"
MLP = "H = sigmoid(X @ W_H + b_H)\nO = H @ W_O + b_O\nloss = cross_entropy(O, y)"


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch if torch.cuda.is_available() else None


def _cupy() -> Any:
    try:
        import cupy

        return cupy if cupy.cuda.runtime.getDeviceCount() > 0 else None
    except Exception:  # no CuPy, or no driver: the column says so
        return None


def best(fn: Callable[[], Any], sync: Callable[[], None], repeat: int) -> float:
    fn()
    sync()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return min(times)


def copy_bandwidth(torch: Any, nbytes: int, repeat: int) -> float:
    """Bytes per second of a device-to-device copy (read + write), the practical peak."""
    a = torch.empty(nbytes // 4, dtype=torch.float32, device="cuda")
    b = torch.empty_like(a)
    t = best(lambda: b.copy_(a), torch.cuda.synchronize, repeat)
    return 2 * a.numel() * 4 / t


def neuron_row(torch: Any, cupy: Any, n: int, dtype: str, repeat: int) -> dict[str, float]:
    kind = getattr(torch, dtype)
    x0 = torch.randn(n, dtype=kind, device="cuda")
    x1 = torch.randn(n, dtype=kind, device="cuda")
    graph = graphstep.parse(NEURON)
    weights = {"w0": 2.0, "w1": -3.0, "w2": -3.0}
    sync = torch.cuda.synchronize
    out = {"torch-graphstep": best(lambda: run(graph, {"x0": x0, "x1": x1, **weights}, backend="torch:cuda",
                                                    dtype=dtype, record=False), sync, repeat)}
    if cupy is not None:
        c0, c1 = cupy.from_dlpack(x0), cupy.from_dlpack(x1)
        out["cupy-graphstep"] = best(lambda: run(graph, {"x0": c0, "x1": c1, **weights}, backend="cupy",
                                                 dtype=dtype, record=False), sync, repeat)

    def eager() -> None:
        w = [torch.tensor(v, dtype=kind, device="cuda", requires_grad=True) for v in weights.values()]
        a, b = x0.detach().requires_grad_(), x1.detach().requires_grad_()
        f = 1 / (1 + torch.exp(-(w[0] * a + w[1] * b + w[2])))
        f.backward(torch.ones_like(f))

    out["torch-eager"] = best(eager, sync, repeat)
    out["bytes"] = 5 * n * x0.element_size()
    return out


def mlp_row(torch: Any, cupy: Any, batch: int, repeat: int) -> dict[str, float]:
    gen = torch.Generator(device="cuda").manual_seed(0)
    values = {
        "X": torch.randn(batch, 2, dtype=torch.float64, device="cuda", generator=gen),
        "y": torch.randint(0, 2, (batch,), device="cuda", generator=gen).double(),
        "W_H": torch.randn(2, 3, dtype=torch.float64, device="cuda", generator=gen),
        "b_H": torch.zeros(3, dtype=torch.float64, device="cuda"),
        "W_O": torch.randn(3, 2, dtype=torch.float64, device="cuda", generator=gen),
        "b_O": torch.zeros(2, dtype=torch.float64, device="cuda"),
    }
    graph = graphstep.parse(MLP)
    sync = torch.cuda.synchronize
    out = {"torch-graphstep": best(lambda: run(graph, values, backend="torch:cuda", record=False), sync, repeat)}
    if cupy is not None:
        on_cupy = {k: cupy.from_dlpack(v) for k, v in values.items()}
        out["cupy-graphstep"] = best(lambda: run(graph, on_cupy, backend="cupy", record=False), sync, repeat)

    def eager() -> None:
        p = {k: v.detach().requires_grad_(k != "y") for k, v in values.items()}
        h = torch.sigmoid(p["X"] @ p["W_H"] + p["b_H"])
        loss = torch.nn.functional.cross_entropy(h @ p["W_O"] + p["b_O"], p["y"].long())
        loss.backward()

    out["torch-eager"] = best(eager, sync, repeat)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10^7 points and a batch of 10^5 only")
    args = parser.parse_args()
    torch, cupy = _torch(), _cupy()
    if torch is None:
        print("no CUDA GPU visible to PyTorch: nothing to measure (the script needs PyTorch with CUDA)")
        return 0
    print(f"GPU: {torch.cuda.get_device_name()}; CuPy: {'yes' if cupy is not None else 'not installed'}")
    peak = copy_bandwidth(torch, 1 << 30, args.repeat)
    print(f"device copy: {peak / 1e9:.0f} GB/s")
    header = f"{'case':<28}{'cupy ms':>10}{'torch-gs ms':>13}{'eager ms':>10}{'eager/gs':>10}{'bandwidth':>11}"
    print(header)
    print("-" * len(header))
    sizes = (10**7,) if args.quick else (10**7, 10**8)
    for n in sizes:
        for dtype in ("float32", "float64"):
            row = neuron_row(torch, cupy, n, dtype, args.repeat)
            fastest = min(row.get("cupy-graphstep", float("inf")), row["torch-graphstep"])
            print(f"{f'neuron N=10^{len(str(n)) - 1} {dtype}':<28}"
                  f"{_ms(row.get('cupy-graphstep')):>10}{_ms(row['torch-graphstep']):>13}{_ms(row['torch-eager']):>10}"
                  f"{row['torch-eager'] / fastest:>9.2f}×{row['bytes'] / fastest / peak:>10.0%}")
            torch.cuda.empty_cache()
    batch = 10**5 if args.quick else 10**6
    row = mlp_row(torch, cupy, batch, args.repeat)
    fastest = min(row.get("cupy-graphstep", float("inf")), row["torch-graphstep"])
    print(f"{f'MLP 2-3-2 batch {batch:.0e}':<28}{_ms(row.get('cupy-graphstep')):>10}{_ms(row['torch-graphstep']):>13}"
          f"{_ms(row['torch-eager']):>10}{row['torch-eager'] / fastest:>9.2f}×{'':>11}")
    return 0


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.2f}"


if __name__ == "__main__":
    sys.exit(main())
