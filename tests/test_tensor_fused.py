"""The fast path (record=False on big numpy arrays, elementwise chains fused with numexpr) must give the
numbers of the plain engine loop, in float64 and float32, and fall back cleanly where it cannot fuse."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import graphstep
from graphstep import fusion
from graphstep.engine import bind_inputs, run
from graphstep.trace import Trace
from tests.conftest import EXAMPLES

pytest.importorskip("numexpr")
RNG = np.random.default_rng(3)


def fused(graph: graphstep.Graph, values: dict[str, Any], dtype: str = "float64") -> Trace:
    """The fused path itself, without the engine's silent fallback to the plain loop."""
    vals, grads = fusion.run_fused(graph, bind_inputs(graph, values, np, dtype), dtype)
    return Trace(graph, np, vals, grads, None, dtype=dtype)


@pytest.fixture
def fuse_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "MIN_SIZE", 0)  # small arrays keep the test fast; the code path is the same


FORMULAS = [
    (EXAMPLES / "neuron.gstep").read_text(),
    (EXAMPLES / "staged.gstep").read_text().replace("x = 3\n", "").replace("y = -4\n", ""),
    "f = relu(x) * y + max(x, y) - min(x, 0.5) + abs(y)",
    "f = sqrt(x^2 + 1) / (2 + sin(x) * cos(y)) + tanh(x y) + 2^x",
    "f = x^y + log(y^2 + 1) + x / y",
    "f = sigmoid(a x + b) * (x - a)",
    "f = mean((a x + b - y)^2)",  # a reduction at the end: its gradient is a broadcast view
    "f = sum(exp(x) * y) + mse(x, y) + bce(sigmoid(y), x / 2)",
]
SAMPLE = {"x": RNG.uniform(0.1, 2.0, 200), "y": RNG.normal(size=200), "x0": RNG.normal(size=200),
          "x1": RNG.normal(size=200), "a": 0.7, "b": -0.2, "w0": 2.0, "w1": -3.0, "w2": -3.0}


@pytest.mark.usefixtures("fuse_everything")
@pytest.mark.parametrize("source", FORMULAS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_fused_values_and_gradients_match_the_plain_engine(source: str, dtype: str) -> None:
    graph = graphstep.parse(source)
    values = {k: v for k, v in SAMPLE.items() if k in graph.inputs}
    plain = run(graph, values, dtype=dtype, record=True)
    fast = fused(graph, values, dtype)
    rtol = 1e-12 if dtype == "float64" else 2e-5
    assert np.asarray(fast.values[graph.output]).dtype == np.dtype(dtype)
    np.testing.assert_allclose(fast.value, plain.value, rtol=rtol)
    for name in graph.inputs:
        grad = fast.grad(name)
        assert np.shape(grad) == np.shape(values[name])
        assert np.asarray(grad).dtype == np.dtype(dtype) or np.ndim(grad) == 0
        np.testing.assert_allclose(grad, plain.grad(name), rtol=rtol * 10, atol=rtol, err_msg=name)


@pytest.mark.usefixtures("fuse_everything")
def test_fused_mlp_matches_the_plain_engine() -> None:
    source = "H = relu(X @ W_H + b_H)\nO = H @ W_O + b_O\nloss = cross_entropy(O, y)"
    values: dict[str, Any] = {"X": RNG.normal(size=(50, 4)), "y": RNG.integers(0, 3, 50).astype(float),
                              "W_H": RNG.normal(size=(4, 8)), "b_H": RNG.normal(size=8),
                              "W_O": RNG.normal(size=(8, 3)), "b_O": RNG.normal(size=3)}
    graph = graphstep.parse(source)
    plain, fast = run(graph, values), fused(graph, values)
    assert fast.value == pytest.approx(plain.value, rel=1e-12)
    for name in values:
        np.testing.assert_allclose(fast.grad(name), plain.grad(name), rtol=1e-10, atol=1e-14)


def test_the_fast_path_runs_on_big_batches_and_keeps_what_views_need() -> None:
    graph = graphstep.parse((EXAMPLES / "neuron.gstep").read_text())
    n = fusion.MIN_SIZE * 2
    values = {"x0": RNG.normal(size=n), "x1": RNG.normal(size=n)}
    fast = run(graph, values, record=False)
    fused_away = [node.id for node in graph.nodes if fast.values[node.id] is None]
    assert fused_away, "the sum w0x0 + w1x1 + w2 should have been fused into one expression"
    for name in graph.inputs:
        assert fast.node_grads[graph.inputs[name]] is not None
    assert fast.values[graph.output] is not None
    with pytest.raises(graphstep.GraphstepError, match="record=True"):
        _ = fast.steps


@pytest.mark.usefixtures("fuse_everything")
def test_errors_still_come_from_the_plain_engine() -> None:
    graph = graphstep.parse("sum(exp(A) @ B)")
    with pytest.raises(graphstep.GraphstepError, match=r"cannot compute @ .*shapes \(2, 3\), \(2, 3\)"):
        run(graph, {"A": np.ones((2, 3)), "B": np.ones((2, 3))}, record=False)


@pytest.mark.usefixtures("fuse_everything")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_buffers_are_reused_only_once_nothing_refers_to_them(dtype: str) -> None:
    graph = graphstep.parse((EXAMPLES / "neuron.gstep").read_text())
    first = {"x0": RNG.normal(size=300), "x1": RNG.normal(size=300)}
    second = {"x0": RNG.normal(size=300), "x1": RNG.normal(size=300)}
    pool = fusion.BufferPool()
    kept = fusion.run_fused(graph, bind_inputs(graph, first, np, dtype), dtype, pool)
    copies = [None if v is None else np.array(v, copy=True) for v in kept[1]]
    other = fusion.run_fused(graph, bind_inputs(graph, second, np, dtype), dtype, pool)
    for grad, copy in zip(kept[1], copies):  # a run that is still referenced is never overwritten
        if grad is not None:
            np.testing.assert_array_equal(grad, copy)
    used = {id(b) for b in pool.buffers}
    assert used
    del kept, grad, other
    again = fusion.run_fused(graph, bind_inputs(graph, second, np, dtype), dtype, pool)
    assert any(id(v) in used for v in again[1] if v is not None), "dropped runs' arrays are reused"
    plain = run(graph, second, dtype=dtype)
    rtol = 1e-12 if dtype == "float64" else 2e-5
    for name, node in graph.inputs.items():
        np.testing.assert_allclose(again[1][node], plain.grad(name), rtol=rtol, atol=rtol)


@pytest.mark.parametrize(("shape", "target"), [((5000, 3), (3,)), ((5000,), ()), ((2, 3000, 3), (3,)),
                                               ((5000, 2), (1, 2)), ((5000, 40), (40,))])
def test_summing_a_big_batch_back_to_a_bias_matches_numpy(shape: tuple[int, ...], target: tuple[int, ...]) -> None:
    from graphstep.backend import reduce_to_shape

    grad = RNG.normal(size=shape)
    extra = len(shape) - len(target)
    expected = grad.sum(axis=tuple(range(extra)))
    if target and len(expected.shape) == len(target) and expected.shape != target:
        expected = expected.sum(axis=tuple(i for i, t in enumerate(target) if t == 1), keepdims=True)
    np.testing.assert_allclose(reduce_to_shape(np, grad, target), expected.reshape(target), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("classes", [2, 10, 40])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_reductions_over_a_short_axis_match_numpy(classes: int, axis: int) -> None:
    from graphstep.ops import _along

    z = RNG.normal(size=(6000, classes)) if axis == -1 else RNG.normal(size=(classes, 6000))
    for how in ("max", "sum"):
        np.testing.assert_allclose(_along(np, how, z, axis), getattr(np, how)(z, axis=axis, keepdims=True),
                                   rtol=1e-12)


@pytest.mark.torch
def test_cross_entropy_on_a_big_batch_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    z, labels = RNG.normal(size=(6000, 3)), RNG.integers(0, 3, 6000).astype(float)
    trace = graphstep.parse("cross_entropy(Z, y) + sum(log_softmax(Z) * W)").run(Z=z, y=labels, W=z)
    tz = torch.tensor(z, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(tz, torch.tensor(labels).long())
    loss = loss + (torch.log_softmax(tz, -1) * torch.tensor(z)).sum()
    loss.backward()
    assert trace.value == pytest.approx(loss.item(), rel=1e-10)
    np.testing.assert_allclose(trace.grad("Z"), tz.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_the_pool_keeps_at_most_its_limit_and_never_a_buffer_in_use() -> None:
    pool = fusion.BufferPool(limit=3 * 800)  # room for three arrays of 100 float64
    held = [pool.take((100,), np.dtype("float64")) for _ in range(3)]
    assert len({id(b) for b in held}) == 3, "a buffer in use is never handed out twice"
    extra = pool.take((100,), np.dtype("float64"))  # a fourth: over the limit, nothing idle to drop
    assert all(extra is not b for b in held)
    del held
    for _ in range(5):  # now idle: reused, and the pool shrinks back to its limit
        pool.take((100,), np.dtype("float64"))
    pool.take((50,), np.dtype("float64"))
    assert sum(b.nbytes for b in pool.buffers) <= pool.limit
