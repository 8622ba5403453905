"""One engine on every array API namespace: numpy, array-api-strict (the check that no numpy hides in the
engine), PyTorch on the CPU and Dask must all give numpy's numbers, values and gradients, record or not."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import graphstep
from graphstep.backend import get_namespace, to_host
from graphstep.engine import run
from graphstep.errors import GraphstepError
from tests.conftest import EXAMPLES, ROOT
from tests.test_tensor import CASES
from tests.test_tensor_fused import FORMULAS, SAMPLE

BACKENDS = ["array-api-strict", "torch", "dask"]
ARRAY_TYPES = {"array-api-strict": "array_api_strict", "torch": "torch", "dask": "dask"}


def namespace_or_skip(backend: str) -> Any:
    pytest.importorskip({"array-api-strict": "array_api_strict", "torch": "torch", "dask": "dask.array"}[backend])
    return get_namespace(backend)


def assert_same_run(graph: graphstep.Graph, values: dict[str, Any], backend: str, record: bool,
                    dtype: str = "float64") -> graphstep.Trace:
    reference = run(graph, values, dtype=dtype, record=True)
    trace = run(graph, values, backend=backend, dtype=dtype, record=record)
    out = trace.values[graph.output]
    assert type(out).__module__.startswith(ARRAY_TYPES[backend]), "values stay arrays of the backend"
    rtol, atol = (1e-11, 1e-13) if dtype == "float64" else (5e-5, 1e-6)
    np.testing.assert_allclose(trace.value, reference.value, rtol=rtol, atol=atol)
    assert np.asarray(trace.value).dtype == np.dtype(dtype) or np.ndim(trace.value) == 0
    for name in values:
        np.testing.assert_allclose(trace.grad(name), reference.grad(name), rtol=rtol, atol=atol, err_msg=name)
    return trace


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("source", "values"), CASES, ids=[c[0].strip().split("\n")[-1] for c in CASES])
def test_tensor_cases_give_numpys_numbers(backend: str, source: str, values: dict[str, Any]) -> None:
    namespace_or_skip(backend)
    graph = graphstep.parse(source)
    for record in (True, False):
        assert_same_run(graph, values, backend, record)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("source", FORMULAS, ids=[f.strip().split("\n")[-1][:40] for f in FORMULAS])
def test_batched_scalar_graphs_give_numpys_numbers(backend: str, source: str) -> None:
    namespace_or_skip(backend)
    graph = graphstep.parse(source)
    values = {k: v for k, v in SAMPLE.items() if k in graph.inputs}
    assert_same_run(graph, values, backend, record=False)
    assert_same_run(graph, values, backend, record=False, dtype="float32")


@pytest.mark.parametrize("backend", BACKENDS)
def test_steps_and_their_warnings_read_the_same_on_every_backend(backend: str) -> None:
    namespace_or_skip(backend)
    graph = graphstep.parse("f = log(x) + relu(y) * max(x, y)")
    values = {"x": np.array([0.0, 1.0, 2.0]), "y": np.array([0.0, -1.0, 2.0])}
    reference = run(graph, values).steps
    steps = assert_same_run(graph, values, backend, record=True).steps
    assert [type(s).__name__ for s in steps] == [type(s).__name__ for s in reference]
    assert [s.warnings for s in steps] == [s.warnings for s in reference]
    assert any("log_zero" in s.warnings for s in steps) and any("tie" in s.warnings for s in steps)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_lectures_neuron_on_one_point_matches_the_blackboard(backend: str) -> None:
    namespace_or_skip(backend)
    trace = graphstep.parse((EXAMPLES / "neuron.gstep").read_text()).run(backend=backend)
    assert trace.value == pytest.approx(0.7310585786, rel=1e-9)
    assert to_host(trace.grad("w0")) == pytest.approx(-0.196611933, rel=1e-8)


def test_class_labels_that_are_not_class_numbers_are_refused_on_every_backend() -> None:
    namespace_or_skip("array-api-strict")
    graph = graphstep.parse("cross_entropy(Z, y)")
    with pytest.raises(GraphstepError, match="whole numbers from 0 to 2"):
        run(graph, {"Z": np.zeros((2, 3)), "y": np.array([0.0, 1.5])}, backend="array-api-strict")


def test_an_unknown_backend_is_one_clear_message() -> None:
    with pytest.raises(GraphstepError, match="choose one of: numpy, cupy, torch, dask"):
        graphstep.parse("x + 1").run(backend="jax", x=1.0)


def test_torch_cuda_without_a_gpu_is_one_clear_message() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(GraphstepError, match="needs PyTorch built with CUDA"):
        graphstep.parse("x + 1").run(backend="torch:cuda", x=1.0)


def test_plain_numpy_runs_import_no_other_array_library() -> None:
    code = ("import sys, graphstep; from graphstep.cli import main; "
            "main(['eval', 'x*y + 1', 'x=2', 'y=3']); "
            "names = ('dask', 'torch', 'array_api_strict', 'array_api_compat', 'cupy'); "
            "heavy = [m for m in names if m in sys.modules]; "
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_torch_on_the_gpu_gives_numpys_numbers(dtype: str) -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU visible to PyTorch")
    graph = graphstep.parse(CASES[-1][0])
    trace = run(graph, CASES[-1][1], backend="torch:cuda", dtype=dtype, record=False)
    assert trace.values[graph.output].device.type == "cuda"
    reference = run(graph, CASES[-1][1], dtype=dtype)
    rtol = 1e-10 if dtype == "float64" else 1e-4
    np.testing.assert_allclose(trace.value, reference.value, rtol=rtol)
    for name in CASES[-1][1]:
        np.testing.assert_allclose(trace.grad(name), reference.grad(name), rtol=rtol, atol=rtol)
