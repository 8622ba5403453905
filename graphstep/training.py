"""Mini-batch gradient descent on the parameters a program marks with ``param(…)``.

The lecture's method: start from the file's initial weights, and for each mini-batch of M rows of the data
move every parameter against the gradient of the mean loss, ``W = W - δ ∇W L(D_M; W)``. The loss is the
program's output (a scalar); the data are the other array inputs, whose rows are the samples. No UI here:
the ``train`` command draws the progress bar and the plots.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy

from graphstep.backend import asarray, device_of, get_namespace, to_host
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
    if lr <= 0 or steps < 1:
        raise InputError("the learning rate must be positive and the number of steps at least 1")
    xp = get_namespace(backend)
    given = dict(values or {})
    names = list(params) if params else parameters(graph)
    if not names:
        raise InputError("this program marks no parameter to train: write its starting value inside param(…), "
                         "like W = param(randn(2, 3, seed=1)), or name them with --params")
    inputs = {**graph.defaults, **given}
    for name in names:
        if name not in graph.inputs:
            raise InputError(f"{name!r} is not an input of this program, so it cannot be trained")
        if name not in inputs:
            raise InputError(f"the parameter {name!r} needs a starting value: {name} = param(…)")
    device = device_of(backend)
    weights = {name: asarray(xp, numpy.array(inputs[name], dtype=float), dtype, device) for name in names}
    data, rows = _data_inputs(inputs, names)
    if batch is not None and not 1 <= batch:
        raise InputError("the batch size must be at least 1")
    if batch is not None and rows == 0:
        raise InputError("--batch needs data: an array input whose rows are the samples")
    fixed = {k: v for k, v in inputs.items() if k not in weights and k not in data}
    rng = numpy.random.default_rng(seed)
    order = numpy.arange(rows)
    cursor = rows  # start with a fresh permutation
    ids = {name: graph.inputs[name] for name in names}
    losses: list[float] = []
    for step in range(1, steps + 1):
        if batch is None or batch >= rows:
            chunk = data
        else:
            if cursor + batch > rows:  # a new epoch: every sample once before any repeats
                order = rng.permutation(rows)
                cursor = 0
            pick = order[cursor:cursor + batch]
            cursor += batch
            chunk = {k: v[pick] for k, v in data.items()}
        trace = run(graph, {**fixed, **chunk, **weights}, backend=backend, dtype=dtype, record=False)
        loss = _scalar_loss(trace.values[graph.output])
        for name, node_id in ids.items():
            grad = trace.node_grads[node_id]
            if grad is not None:
                weights[name] = weights[name] - lr * grad  # W = W - δ ∇W L
        losses.append(loss)
        if progress is not None:
            progress(step, loss)
    final = run(graph, {**fixed, **data, **weights}, backend=backend, dtype=dtype, record=False)
    accuracy, correct, samples = _accuracy(graph, final.values)
    trained = {name: to_host(w) for name, w in weights.items()}
    return TrainResult(losses, _scalar_loss(final.values[graph.output]), trained, accuracy, correct, samples,
                       list(data))


def _data_inputs(inputs: Mapping[str, Any], params: Sequence[str]) -> tuple[dict[str, numpy.ndarray], int]:
    """The array inputs that share the first one's number of rows: their rows are the samples."""
    arrays = {k: numpy.asarray(v, dtype=float) for k, v in inputs.items() if k not in params}
    arrays = {k: v for k, v in arrays.items() if v.ndim >= 1}
    if not arrays:
        return {}, 0
    rows = next(iter(arrays.values())).shape[0]
    return {k: v for k, v in arrays.items() if v.shape[0] == rows}, rows


def _scalar_loss(value: Any) -> float:
    host = to_host(value)
    if isinstance(host, numpy.ndarray):
        shape = "×".join(map(str, host.shape))
        raise GraphstepError(f"the program's output must be one number, the loss; it is an array of shape {shape}: "
                             "end with a loss such as mean(…), mse(…) or cross_entropy(logits, labels)")
    return float(host)


def _accuracy(graph: Graph, vals: Sequence[Any]) -> tuple[float | None, int, int]:
    """Accuracy of the classifier the loss reads: argmax of the logits (cross_entropy) or p > 0.5 (bce)."""
    node = graph.nodes[graph.output]
    if node.op not in ("cross_entropy", "bce"):
        return None, 0, 0
    scores, labels = (to_host(vals[i]) for i in node.inputs)
    scores, labels = numpy.atleast_1d(scores), numpy.atleast_1d(labels)
    if node.op == "cross_entropy":
        guess = numpy.argmax(scores, axis=-1)
        truth = numpy.argmax(labels, axis=-1) if labels.shape == scores.shape else labels
    else:
        guess, truth = scores > 0.5, labels > 0.5
    right = numpy.asarray(guess == truth)
    return float(right.mean()), int(right.sum()), int(right.size)
