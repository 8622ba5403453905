"""Mini-batch gradient descent on the parameters a program marks with ``param(…)``.

The lecture's method: start from the file's initial weights, and for each mini-batch of M rows of the data
move every parameter against the gradient of the mean loss, ``W = W - δ ∇W L(D_M; W)``. The loss is the
program's output (a scalar); the data are the other array inputs, whose rows are the samples. No UI here:
the ``train`` command draws the progress bar and the plots.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy

from graphstep.backend import asarray, device_of, get_namespace, is_lazy, to_host
from graphstep.engine import run
from graphstep.errors import GraphstepError, InputError
from graphstep.graph import Graph
from graphstep.tensors import parameters

Progress = Callable[[int, float], None]
"""Called after every step with (step number from 1, that step's loss)."""


@dataclass
class TrainResult:
    losses: list[float]
    """The mini-batch loss at each step."""
    final_loss: float
    """The loss on all the data with the trained parameters."""
    params: dict[str, Any]
    """The trained parameters, as numpy arrays (or floats)."""
    accuracy: float | None = None
    """Share of samples classified right, when the loss is cross_entropy or bce; else None."""
    correct: int = 0
    samples: int = 0
    data: list[str] = field(default_factory=list)
    """The inputs treated as data (their rows are the samples)."""


def train(
    graph: Graph,
    lr: float = 0.1,
    steps: int = 1000,
    batch: int | None = None,
    seed: int = 0,
    backend: str = "numpy",
    dtype: str = "float64",
    values: Mapping[str, Any] | None = None,
    params: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    """Run ``steps`` steps of (mini-batch) gradient descent; ``batch=None`` uses all rows every step."""
    _check_numbers(lr, steps, batch)
    xp = get_namespace(backend)
    inputs = {**graph.defaults, **dict(values or {})}
    names = _trained(graph, inputs, params)
    data, rows = _data_inputs(inputs, names)
    lazy = any(is_lazy(v) for v in data.values())
    step_backend = "numpy" if lazy else backend  # a Dask batch: each step runs on one chunk, in memory
    step_xp = numpy if lazy else xp
    weights = {name: asarray(step_xp, numpy.array(inputs[name], dtype=float), dtype, device_of(step_backend))
               for name in names}
    if batch is not None and rows == 0:
        raise InputError("error.batch_needs_data")
    fixed = {k: v for k, v in inputs.items() if k not in weights and k not in data}
    # A Dask batch stays on disk: each step's mini-batch is drawn from one chunk read into memory.
    draws = _chunk_batches(data, batch, seed) if lazy else _batches(data, rows, batch, seed)
    losses: list[float] = []
    for step in range(1, steps + 1):
        trace = run(graph, {**fixed, **next(draws), **weights}, backend=step_backend, dtype=dtype, record=False)
        losses.append(_descend(trace, weights, lr))
        if progress is not None:
            progress(step, losses[-1])
    final = run(graph, {**fixed, **data, **weights}, backend=backend, dtype=dtype, record=False)
    final_loss, (accuracy, correct, samples) = _final(graph, final.values)
    trained = {name: to_host(w) for name, w in weights.items()}
    return TrainResult(losses, final_loss, trained, accuracy, correct, samples, list(data))


def _check_numbers(lr: float, steps: int, batch: int | None) -> None:
    if lr <= 0 or steps < 1:
        raise InputError("error.lr_steps")
    if batch is not None and not 1 <= batch:
        raise InputError("error.batch_size")


def _descend(trace: Any, weights: dict[str, Any], lr: float) -> float:
    """One step W = W - δ ∇W L on every weight; the step's loss."""
    graph = trace.graph
    for name in weights:
        grad = trace.node_grads[graph.inputs[name]]
        if grad is not None:
            weights[name] = weights[name] - lr * grad
    return _scalar_loss(trace.values[graph.output])


Batches = Iterator[dict[str, Any]]


def _batches(data: dict[str, Any], rows: int, batch: int | None, seed: int) -> Batches:
    """All rows every step, or mini-batches of ``batch`` rows: every sample once per epoch, in a fresh order."""
    if batch is None or batch >= rows:
        while True:
            yield data
    rng = numpy.random.default_rng(seed)
    while True:
        order = rng.permutation(rows)
        for start in range(0, rows - batch + 1, batch):
            pick = order[start:start + batch]
            yield {k: v[pick] for k, v in data.items()}


def _chunk_batches(data: dict[str, Any], batch: int | None, seed: int) -> Batches:
    """Mini-batches of a Dask batch: the chunks in a fresh random order each epoch, one chunk in memory at a
    time (all data inputs' rows of it, read in one compute), cut into mini-batches of ``batch`` rows (the
    whole chunk when no batch size is given)."""
    from graphstep.daskio import compute

    first = next(iter(data.values()))
    aligned = {k: v if v.chunks[0] == first.chunks[0] else v.rechunk({0: first.chunks[0]}) for k, v in data.items()}
    bounds = numpy.cumsum((0, *first.chunks[0]))
    rng = numpy.random.default_rng(seed)
    while True:
        for chunk in rng.permutation(len(first.chunks[0])):
            rows = slice(int(bounds[chunk]), int(bounds[chunk + 1]))
            block = dict(zip(aligned, compute(*(v[rows] for v in aligned.values()))))
            yield from _one_pass(block, rows.stop - rows.start, batch, rng)


def _one_pass(block: dict[str, Any], rows: int, batch: int | None, rng: numpy.random.Generator) -> Batches:
    if batch is None or batch >= rows:
        yield block
        return
    order = rng.permutation(rows)
    for start in range(0, rows - batch + 1, batch):
        pick = order[start:start + batch]
        yield {k: v[pick] for k, v in block.items()}


def _trained(graph: Graph, inputs: Mapping[str, Any], params: Sequence[str] | None) -> list[str]:
    """The names of the parameters to train, each an input with a starting value."""
    names = list(params) if params else parameters(graph)
    if not names:
        raise InputError("error.no_params")
    for name in names:
        if name not in graph.inputs:
            raise InputError("error.param_not_input", name=name)
        if name not in inputs:
            raise InputError("error.param_start", name=name)
    return names


def _data_inputs(inputs: Mapping[str, Any], params: Sequence[str]) -> tuple[dict[str, Any], int]:
    """The array inputs that share the first one's number of rows: their rows are the samples."""
    arrays = {k: v if is_lazy(v) else numpy.asarray(v, dtype=float) for k, v in inputs.items() if k not in params}
    arrays = {k: v for k, v in arrays.items() if v.ndim >= 1}
    if not arrays:
        return {}, 0
    rows = next(iter(arrays.values())).shape[0]
    return {k: v for k, v in arrays.items() if v.shape[0] == rows}, rows


def _scalar_loss(value: Any) -> float:
    host = to_host(value)
    if isinstance(host, numpy.ndarray):
        shape = "×".join(map(str, host.shape))
        raise GraphstepError("error.loss_not_scalar", shape=shape)
    return float(host)


def _final(graph: Graph, vals: Sequence[Any]) -> tuple[float, tuple[float | None, int, int]]:
    """The loss on all the data and the classifier's accuracy, computed together (one pass over a Dask batch)."""
    right = _right(graph, vals)
    if right is None:
        return _scalar_loss(vals[graph.output]), (None, 0, 0)
    xp = _namespace(right)
    count = math.prod(right.shape)
    loss, correct = _host(vals[graph.output], xp.sum(xp.astype(right, xp.int64)))
    return _scalar_loss(loss), (float(correct) / max(1, count), int(correct), count)


def _right(graph: Graph, vals: Sequence[Any]) -> Any:
    """Per sample, is the classifier right: argmax of the logits (cross_entropy) or p > 0.5 (bce)? None for
    other losses."""
    node = graph.nodes[graph.output]
    if node.op not in ("cross_entropy", "bce"):
        return None
    scores, labels = (vals[i] for i in node.inputs)
    xp = _namespace(scores)
    if scores.ndim == 0:
        scores, labels = xp.reshape(scores, (1,)), xp.reshape(labels, (1,))
    if node.op == "bce":
        return (scores > 0.5) == (labels > 0.5)
    guess = xp.argmax(scores, axis=-1)
    truth = xp.argmax(labels, axis=-1) if labels.shape == scores.shape else xp.astype(labels, guess.dtype)
    return guess == truth


def _namespace(value: Any) -> Any:
    if isinstance(value, numpy.ndarray) or numpy.isscalar(value):
        return numpy
    import array_api_compat

    return array_api_compat.array_namespace(value)


def _host(*values: Any) -> list[Any]:
    if any(is_lazy(v) for v in values):
        from graphstep.daskio import compute

        values = tuple(compute(*values))
    return [to_host(v) for v in values]
