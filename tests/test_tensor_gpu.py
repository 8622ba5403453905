"""The cupy backend runs the same engine as numpy and must give the same numbers (needs CuPy and a GPU)."""

from __future__ import annotations

import numpy as np
import pytest

import graphstep
from graphstep.backend import get_namespace
from graphstep.engine import run
from graphstep.errors import GraphstepError
from graphstep.training import train
from tests.conftest import EXAMPLES


def _cupy_or_skip() -> None:
    pytest.importorskip("cupy")
    try:
        get_namespace("cupy")
    except GraphstepError as error:
        pytest.skip(str(error))


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cupy_matches_numpy_on_the_mlp_and_the_neuron(dtype: str) -> None:
    _cupy_or_skip()
    rng = np.random.default_rng(0)
    neuron = graphstep.parse((EXAMPLES / "neuron.gstep").read_text())
    mlp = graphstep.parse("H = sigmoid(X @ W_H + b_H)\nO = H @ W_O + b_O\nloss = cross_entropy(O, y)")
    cases = [
        (neuron, {"x0": rng.normal(size=1000), "x1": rng.normal(size=1000)}),
        (mlp, {"X": rng.normal(size=(64, 2)), "y": rng.integers(0, 2, 64).astype(float),
               "W_H": rng.normal(size=(2, 3)), "b_H": rng.normal(size=3),
               "W_O": rng.normal(size=(3, 2)), "b_O": rng.normal(size=2)}),
    ]
    rtol = 1e-10 if dtype == "float64" else 1e-4
    for graph, values in cases:
        for record in (True, False):
            cpu = run(graph, values, dtype=dtype, record=record)
            gpu = run(graph, values, backend="cupy", dtype=dtype, record=record)
            np.testing.assert_allclose(gpu.value, cpu.value, rtol=rtol)
            for name in values:
                np.testing.assert_allclose(gpu.grad(name), cpu.grad(name), rtol=rtol, atol=rtol)


@pytest.mark.gpu
def test_xor_trains_on_the_gpu() -> None:
    _cupy_or_skip()
    result = train(graphstep.parse((EXAMPLES / "xor_mlp.gstep").read_text()), lr=1.0, steps=2000, backend="cupy")
    assert result.accuracy == 1.0


def test_asking_for_cupy_without_it_is_one_clear_message() -> None:
    try:
        import cupy  # noqa: F401
    except ImportError:
        with pytest.raises(GraphstepError, match=r"pip install 'graphstep\[cuda\]'"):
            graphstep.parse("x + 1").run(backend="cupy", x=1.0)
    else:
        pytest.skip("CuPy is installed here")
