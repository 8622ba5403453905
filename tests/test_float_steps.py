"""The step list of a run on floats, built column by column (graphstep.float_record), is the very list the
earlier step-by-step loop built: same step types, indices, nodes, numbers (bit for bit), warnings and
contribution tuples, on every shipped example, random graphs and the benchmark's shapes. The earlier loop is
kept here as the reference (asking every gate for its warnings)."""

from __future__ import annotations

import math
import random
import struct
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy
import pytest

import graphstep
from graphstep import scalar
from graphstep.engine import run
from graphstep.float_record import float_steps
from graphstep.graph import CONST, INPUT, Graph, Node
from graphstep.ops import OPS
from graphstep.scalar import local
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace, _new, _warnings
from tests.conftest import EXAMPLES


def reference_steps(graph: Graph, values: Sequence[float], grads: Sequence[Any], sent: Sequence[Any],
                    locals_: Sequence[Any] | None = None) -> tuple[Step, ...]:
    """float_steps as it was before it was built from columns (one loop over the nodes each way), except that
    every gate's own warning check runs (there, only where graphstep.scalar.SUSPECT said one may be due)."""
    nodes = graph.nodes
    steps: list[Step] = []
    append = steps.append
    args_of: list[tuple[float, ...]] = [()] * len(nodes)
    warned: list[tuple[str, ...]] = [()] * len(nodes)
    index = 0
    for node_id, op, inputs, _name, const, _span, _group, _group_op in nodes:
        if not inputs:
            continue
        args = args_of[node_id] = (values[inputs[0]],) if len(inputs) == 1 else (values[inputs[0]], values[inputs[1]])
        out = values[node_id]
        warned[node_id] = _warnings(numpy, OPS[op], args, out, const)  # asked at every gate, not only suspects
        append(_new(ForwardStep, (index, node_id, args, out, warned[node_id], "forward")))
        index += 1
    output = graph.output
    append(SeedStep(index, output, grads[output]))
    index += 1
    shared = {source for source, times in Counter(chain.from_iterable(map(itemgetter(2), nodes))).items() if times > 1}
    arriving: dict[int, list[tuple[int, int, Any]]] = {}
    for node_id, op, inputs, _name, const, _span, _group, _group_op in reversed(nodes[: output + 1]):
        upstream = grads[node_id]
        if upstream is None:
            continue
        if node_id in shared:
            parts = arriving.get(node_id, ())
            if len(parts) > 1:
                append(AccumulateStep(index, node_id, tuple(reversed(parts)), upstream))
                index += 1
        if not inputs:
            continue
        contributions = sent[node_id]
        found = locals_[node_id] if locals_ is not None else local(op, args_of[node_id], values[node_id], const)
        first = inputs[0]
        if len(inputs) == 1:
            edges: tuple[tuple[int, Any], ...] = ((first, contributions[0]),)
        else:
            second = inputs[1]
            edges = ((first, contributions[0]), (second, contributions[1]))
            if second in shared:
                arriving.setdefault(second, []).append((node_id, 1, contributions[1]))
        if first in shared:
            arriving.setdefault(first, []).append((node_id, 0, contributions[0]))
        append(_new(BackwardStep, (index, node_id, upstream, found, edges, warned[node_id], "backward")))
        index += 1
    return tuple(steps)


def same(a: Any, b: Any) -> bool:
    """Equal as the views see them: same types all the way down, floats bit for bit (any nan alike)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b)
    return bool(a == b)


def check(trace: Trace) -> int:
    """Compare the trace's steps with the reference, with and without the recorded local derivatives;
    return how many steps there were."""
    assert trace.floats
    args = (trace.graph, trace.values, trace.node_grads, trace.sent)
    expected = reference_steps(*args, trace.local_record)
    with numpy.errstate(all="ignore"):  # as Trace.steps calls it (numpy answers a few local derivatives)
        again = float_steps(*args, None)
    for got in (trace.steps, again):
        assert len(got) == len(expected)
        for position, (a, b) in enumerate(zip(got, expected)):
            assert same(a, b), (position, a, b)
    for a, b in zip(trace.steps, expected):  # the run's own tuples, not copies
        if isinstance(a, BackwardStep):
            assert a.locals is b.locals
    return len(expected)


def example(name: str) -> Trace:
    """A shipped example's run (an exercise's formula without its ``?`` answer lines)."""
    lines = (EXAMPLES / name).read_text().splitlines()
    return graphstep.parse("\n".join(line for line in lines if not line.startswith("?"))).run()


def scalar_examples() -> list[str]:
    names = [path.relative_to(EXAMPLES).as_posix() for path in sorted(EXAMPLES.rglob("*.gstep"))]
    return [name for name in names if example(name).floats]


def test_the_shipped_examples_that_run_on_floats_are_many() -> None:
    assert len(scalar_examples()) >= 8


@pytest.mark.parametrize("name", scalar_examples())
def test_every_shipped_example_steps_as_before(name: str) -> None:
    assert check(example(name)) > 0


AWKWARD = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -2.5, 1e-300, 1e300, -1e300, math.inf, -math.inf, math.nan, 3.0]
UNARY = sorted(name for name, op in scalar._TWINS.items() if op.arity == 1)
BINARY = sorted(name for name, op in scalar._TWINS.items() if op.arity == 2)


def random_graph(rng: random.Random, size: int) -> tuple[Graph, dict[str, float]]:
    """A random DAG of float ops: inputs and constants among the gates, operands anywhere earlier (fan-out,
    ``x*x``), the output anywhere (nodes after it and beside it get no gradient), awkward numbers."""
    nodes: list[Node] = []
    values: dict[str, float] = {}
    for node_id in range(size):
        if node_id < 2 or rng.random() < 0.15:
            if rng.random() < 0.3:
                nodes.append(Node(node_id, CONST, const=rng.choice(AWKWARD)))
            else:
                name = f"x{node_id}"
                values[name] = rng.choice(AWKWARD) if rng.random() < 0.3 else rng.uniform(-3, 3)
                nodes.append(Node(node_id, INPUT, name=name))
            continue
        a, b = rng.randrange(node_id), rng.randrange(node_id)
        if rng.random() < 0.1:
            b = a
        if rng.random() < 0.5:
            nodes.append(Node(node_id, rng.choice(BINARY), (a, b)))
        else:
            op = rng.choice(UNARY)
            const = rng.choice(AWKWARD) if op.endswith("_const") else None
            if op == "div_const" and not const:
                const = 4.0  # the parser refuses x/0
            nodes.append(Node(node_id, op, (a,), const=const))
    output = rng.randrange(size // 2, size)
    return Graph(nodes, output), values


def test_random_graphs_step_as_before() -> None:
    rng = random.Random(15)
    kinds: Counter[str] = Counter()
    for _ in range(300):
        graph, values = random_graph(rng, rng.randrange(3, 60))
        with numpy.errstate(all="ignore"):
            trace = run(graph, values)
        check(trace)
        kinds.update(type(step).__name__ for step in trace.steps)
        kinds.update("warned" for step in trace.steps if step.warnings)
    assert min(kinds[k] for k in ("ForwardStep", "BackwardStep", "AccumulateStep", "warned")) > 100


def bench_source(shape: str) -> tuple[str, dict[str, float]]:
    import sys

    sys.path.insert(0, str(EXAMPLES.parent.parent / "benchmarks"))
    try:
        import bench_core
    finally:
        sys.path.pop(0)
    source, values, _plan = bench_core.MAKERS[shape](2_000)
    return source, values


@pytest.mark.parametrize("shape", ["sum", "chain", "dag"])
def test_the_benchmark_shapes_step_as_before(shape: str) -> None:
    source, values = bench_source(shape)
    assert check(run(graphstep.parse(source), values)) > 1_500


@pytest.mark.parametrize("source", [
    "f = x; x = 2",  # no gate at all: the seed alone
    "y = 2*x; f = x; x = 1",  # a gate the output does not read
    "f = x*x; x = 3",  # one gate reads a node twice
    "a = x + 1; f = a * a + a; b = f * 2; x = 0.5",  # fan-out, and a gate after the output
    "f = relu(x) + log(y) + 1/z + sqrt(w); x = 0; y = 0; z = 0; w = 0",  # warnings on the way
])
def test_small_corners_step_as_before(source: str) -> None:
    assert check(graphstep.parse(source).run()) >= 1


def test_the_reference_sees_a_changed_step() -> None:
    trace = graphstep.parse("q = x + y; f = q*q + q*x + x; x = 1.5; y = -0.25").run()
    steps = list(trace.steps)
    k = next(i for i, s in enumerate(steps) if isinstance(s, AccumulateStep))
    steps[k] = steps[k]._replace(parts=tuple(reversed(steps[k].parts)))
    expected = reference_steps(trace.graph, trace.values, trace.node_grads, trace.sent, trace.local_record)
    assert not all(same(a, b) for a, b in zip(steps, expected))
    assert not same(1.0, 1) and not same(0.0, -0.0) and same(math.nan, -math.nan)
