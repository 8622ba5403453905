"""Array backends: one engine, several array namespaces through the Python array API.

The engine and the ops table call only what the array API standard defines (``xp.exp``, ``xp.where``,
``xp.sum``, ``xp.astype``, ``@``), so the same code runs on numpy (the default), CuPy, PyTorch tensors (CPU
or CUDA) and Dask arrays (lazy, chunked along the batch axis; see graphstep.daskio). numpy 2 is itself an
array API namespace, so the default path wraps nothing; the others come through ``array-api-compat``,
imported only when asked. ``array-api-strict`` is accepted as one more name: it is no backend for users, only
the check that the engine holds no hidden numpy. Values leave the backend (``to_host``) only for display.
"""

from __future__ import annotations

import math
from typing import Any

from graphstep.errors import GraphstepError
from graphstep.lazynp import numpy as _numpy

BACKENDS = ("numpy", "cupy", "torch", "dask")
"""The backends by name; ``torch`` runs on the GPU when PyTorch sees one (``torch:cpu``/``torch:cuda`` choose)."""
CHECK_BACKENDS = ("array-api-strict",)
DTYPES = ("float64", "float32")
_TORCH_DEVICES = ("torch:cpu", "torch:cuda")


def get_namespace(backend: str = "numpy") -> Any:
    """The array namespace for a backend name; a clear message when its library or a GPU is missing."""
    if backend == "numpy":
        return _numpy()
    if backend == "cupy":
        return _cupy()
    if backend in ("torch", *_TORCH_DEVICES):
        _require("torch", "error.needs_torch")
        if backend == "torch:cuda":
            _torch_cuda()
        from array_api_compat import torch as xp
        return xp
    if backend == "dask":
        _require("dask.array", "error.needs_dask")
        from array_api_compat.dask import array as dxp
        return dxp
    if backend == "array-api-strict":
        _require("array_api_strict", "error.needs_array_api_strict")
        import array_api_strict

        return array_api_strict
    raise GraphstepError("error.unknown_backend", backend=backend, choices=", ".join(BACKENDS))


def device_of(backend: str) -> Any:
    """Where a backend's arrays live: None (its library's default) except for torch on a GPU."""
    if backend == "torch:cuda" or (backend == "torch" and _torch_has_cuda()):
        return "cuda"
    return None


def _require(module: str, key: str) -> None:
    """Import ``module`` to see that it is installed; else the error ``key`` (which says how to install it)."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        raise GraphstepError(key) from None


def _cupy() -> Any:
    try:
        import cupy
    except ImportError:
        raise GraphstepError("error.needs_cupy") from None
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise GraphstepError("error.cupy_no_gpu")
    except cupy.cuda.runtime.CUDARuntimeError as error:
        raise GraphstepError("error.cupy_gpu", error=error) from None
    from array_api_compat import cupy as cxp

    return cxp


def _torch_has_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def _torch_cuda() -> None:
    if not _torch_has_cuda():
        raise GraphstepError("error.torch_no_gpu")


def check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise GraphstepError("error.unknown_dtype", dtype=dtype, choices=", ".join(DTYPES))
    return dtype


def asarray(xp: Any, value: Any, dtype: str, device: Any = None) -> Any:
    """A value as an array of the namespace ``xp`` in ``dtype`` (on ``device`` where one is named).

    A batch for the dask backend is chunked along its first axis, so each chunk is one piece of the batch."""
    kind = getattr(xp, dtype)
    if getattr(xp, "__name__", "").startswith("array_api_compat.dask"):
        from graphstep.daskio import as_dask

        return as_dask(value, kind)
    if device is None:
        return xp.asarray(value, dtype=kind)
    return xp.asarray(value, dtype=kind, device=device)


def is_lazy(value: Any) -> bool:
    """A Dask array: nothing is computed until asked (``to_host`` or one ``compute`` of many results)."""
    return type(value).__module__.startswith("dask.")


def to_host(value: Any) -> Any:
    """A backend value as numpy (or a Python float for a 0-d value), for display and JSON."""
    if value is None:
        return None
    if type(value) is float:  # the scalar fast path's numbers: no numpy needed (nor imported)
        return value
    numpy = _numpy()
    if not isinstance(value, (numpy.ndarray, numpy.generic, float, int)):
        value = _to_numpy(value)
    array = numpy.asarray(value)
    return float(array) if array.ndim == 0 else array


def _to_numpy(value: Any) -> Any:
    module = type(value).__module__
    numpy = _numpy()
    if module.startswith("dask."):
        from graphstep.daskio import compute

        (value,) = compute(value)
        if isinstance(value, numpy.ndarray):
            return value
    if module.startswith("torch"):
        return value.detach().cpu().numpy()
    if hasattr(value, "get") and hasattr(value, "device"):
        return value.get()  # cupy → numpy
    if hasattr(value, "__dlpack__"):
        return numpy.from_dlpack(value)  # array-api-strict and any other array on the CPU
    return value


def reduce_to_shape(xp: Any, grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum a broadcast gradient back to its input's shape (the rule every broadcasting op shares)."""
    grad_shape = getattr(grad, "shape", ())
    if grad_shape == shape:
        return grad
    if len(grad_shape) < len(shape) or any(
        g != s and s != 1 for g, s in zip(grad_shape[len(grad_shape) - len(shape):], shape)
    ):
        return xp.asarray(xp.broadcast_to(xp.asarray(grad), shape), copy=True)
    extra = len(grad_shape) - len(shape)
    if extra:
        grad = _sum_leading(xp, grad, extra)
    kept = tuple(i for i, s in enumerate(shape) if s == 1 and grad.shape[i] != 1)
    if kept:
        grad = xp.sum(grad, axis=kept, keepdims=True)
    return grad


def _sum_leading(xp: Any, grad: Any, extra: int) -> Any:
    """Sum the leading ``extra`` axes (a bias's gradient over the batch). Summing 10^5 rows of 3 columns,
    numpy goes row by row; a product with a vector of ones is one BLAS pass, 20× faster."""
    lead = math.prod(grad.shape[:extra])
    rest = tuple(grad.shape[extra:])
    width = math.prod(rest)
    flags = getattr(grad, "flags", None)  # numpy and CuPy arrays only
    if width <= 16 and lead >= 4096 and flags is not None and flags.c_contiguous and grad.dtype.kind == "f":
        return (xp.ones(lead, dtype=grad.dtype) @ grad.reshape(lead, width)).reshape(rest)
    return xp.sum(grad, axis=tuple(range(extra)))
