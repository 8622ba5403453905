"""The engine and the Trace: step order, accumulation at fan-out, warnings, fresh gradients, big graphs."""

from __future__ import annotations

import numpy as np
import pytest

import graphstep
from graphstep import AccumulateStep, BackwardStep, ForwardStep, InputError, SeedStep
from graphstep.explain import describe, describe_all


def test_steps_forward_then_seed_then_backward():
    t = graphstep.parse("f = (x + y) * z").run(x=-2, y=5, z=-4)
    kinds = [type(s) for s in t.steps]
    assert kinds == [ForwardStep, ForwardStep, SeedStep, BackwardStep, BackwardStep]
    assert [s.index for s in t.steps] == list(range(len(t.steps)))
    assert t.forward_end == 2
    mul = t.steps[3]
    assert isinstance(mul, BackwardStep)
    assert mul.upstream == 1.0
    assert mul.locals == (-4.0, 3.0)  # mul swaps: ∂/∂q = z, ∂/∂z = q
    assert [float(c) for _, c in mul.sent] == [-4.0, 3.0]


def test_fan_out_accumulates_explicitly():
    # the lecture's ∂f/∂x = -8 + 2 = -6 style: x feeds two gates
    t = graphstep.parse("f = x*y + x*z").run(x=1, y=-8, z=2)
    acc = [s for s in t.steps if isinstance(s, AccumulateStep)]
    assert len(acc) == 1 and t.graph.nodes[acc[0].node].name == "x"
    assert sorted(float(c) for _, _, c in acc[0].parts) == [-8.0, 2.0]
    assert acc[0].total == -6.0 == t.grad("x")
    assert "∂f/∂x = -8.00 + 2.00 = -6.00" in describe(t, acc[0])


def test_steps_in_words_match_the_issue():
    t = graphstep.parse("x*y").run(x=-2, y=-4)
    words = describe_all(t)
    assert "backward at * (f): ∂f/∂x = upstream 1.00 × local (y = -4.00) = -4.00" in words
    spanish = describe_all(t, lang="es")
    assert "hacia atrás en *" in spanish


def test_state_replays_in_both_directions():
    t = graphstep.parse("f = (x + y) * z").run(x=-2, y=5, z=-4)
    start = t.state(0)
    assert start.phase == "start" and start.current is None
    assert set(start.values) == set(t.graph.inputs.values()) and not start.grads
    after_forward = t.state(t.forward_end)
    assert after_forward.values[t.graph.output] == -12.0 and not after_forward.grads
    end = t.state(len(t.steps))
    assert end.phase == "done"
    assert end.grads[t.graph.inputs["x"]] == -4.0
    assert t.state(3).grads.keys() <= end.grads.keys()
    assert t.state(2).values == after_forward.values  # stepping back gives the same state again


def test_warnings_are_carried_on_the_step():
    t = graphstep.parse("log(x) + exp(y)").run(x=0, y=1000)
    forward = {t.graph.nodes[s.node].label: s.warnings for s in t.steps if isinstance(s, ForwardStep)}
    assert "log_zero" in forward["log"]
    assert "overflow" in forward["exp"]
    tie = graphstep.parse("max(x, y)").run(x=1, y=1)
    assert any("tie" in s.warnings for s in tie.steps)
    assert "split evenly" in describe_all(tie)


def test_each_run_returns_fresh_gradients():
    g = graphstep.parse("x*y")
    first = g.run(x=2, y=3)
    second = g.run(x=2, y=3)
    assert first.grads == second.grads == {"x": 3.0, "y": 2.0}
    assert first.node_grads is not second.node_grads


def test_million_node_chain_runs_without_recursion():
    from graphstep.graph import INPUT, Graph, Node

    n = 1_000_000
    nodes = [Node(0, INPUT, (), "x", 1.0)]
    nodes += [Node(i, "add_const", (i - 1,), None, 1.0) for i in range(1, n)]
    t = _run_fast(Graph(nodes, n - 1))
    assert t.value == n
    assert t.grad("x") == 1.0


def _run_fast(graph):  # the fast path a benchmark or a training loop uses
    from graphstep.engine import run

    return run(graph, {}, record=False)


def test_arrays_broadcast_and_gradients_reduce_to_each_shape():
    g = graphstep.parse("w*x + b")
    x = np.linspace(-1, 1, 5)
    t = g.run(w=2.0, x=x, b=0.5)
    np.testing.assert_allclose(t.value, 2 * x + 0.5)
    assert t.grad("w") == pytest.approx(x.sum())  # scalar parameter: summed over the batch
    assert t.grad("b") == pytest.approx(5.0)
    np.testing.assert_allclose(t.grad("x"), np.full(5, 2.0))


def test_input_errors_are_clear():
    g = graphstep.parse("x*y")
    with pytest.raises(InputError, match="missing value for input 'y'"):
        g.run(x=1)
    with pytest.raises(InputError, match="no input named 'q'"):
        g.run(x=1, y=2, q=3)
    with pytest.raises(InputError, match="must be a number"):
        g.run(x="abc", y=2)


def test_float32_on_request():
    t = graphstep.parse("x*y").run(dtype="float32", x=np.ones(3), y=2.0)
    assert t.values[t.graph.output].dtype == np.float32


def test_repr_is_readable():
    t = graphstep.parse("f = x*y").run(x=4, y=-3)
    assert repr(t) == "<Trace f=-12.00; ∂f/∂x=-3.00, ∂f/∂y=4.00; 3 steps>"
    assert "inputs x, y" in repr(t.graph)
    from graphstep.engine import run

    fast = run(t.graph, {"x": 4, "y": -3}, record=False)
    assert repr(fast) == "<Trace f=-12.00; ∂f/∂x=-3.00, ∂f/∂y=4.00; no step record>"


def test_a_run_the_fused_path_cannot_write_says_so_in_the_debug_log(caplog: pytest.LogCaptureFixture,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy

    from graphstep import engine, fusion

    def refuse(*args: object, **kwargs: object) -> None:
        raise fusion.Unfusable("no fused form for this test")

    monkeypatch.setattr(fusion, "run_fused", refuse)
    monkeypatch.setattr(fusion, "applicable", lambda *args: True)
    with caplog.at_level("DEBUG", logger="graphstep.engine"):
        trace = engine.run(graphstep.parse("f = exp(x) * y"), {"x": numpy.zeros(3), "y": numpy.ones(3)}, record=False)
    assert trace.value.tolist() == [1.0, 1.0, 1.0]
    assert "cannot fuse this run (no fused form for this test)" in caplog.text
