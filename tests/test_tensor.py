"""Tensors in graphs: gradients against central finite differences and against PyTorch, the tensor calls
of the language (zeros, randn, load, param, axis=), and batched scalar graphs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import graphstep
from graphstep.errors import GraphstepError, SourceError
from tests.conftest import EXAMPLES, run_cli

RNG = np.random.default_rng(7)


def numeric_grad(graph: graphstep.Graph, values: dict[str, Any], name: str, h: float = 1e-6) -> np.ndarray:
    """Central differences of the (scalar) output with respect to input ``name``, element by element."""
    base = np.array(values[name], dtype=float)
    grad = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[index] += h
        minus[index] -= h
        f_plus = graph.run(**{**values, name: plus}).value
        f_minus = graph.run(**{**values, name: minus}).value
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


MLP_SOURCE = """
H = sigmoid(X @ W_H + b_H)
O = H @ W_O + b_O
loss = cross_entropy(O, y)
"""


def mlp_values() -> dict[str, Any]:
    return {
        "X": RNG.normal(size=(5, 2)), "y": np.array([0, 1, 1, 0, 1.0]),
        "W_H": RNG.normal(size=(2, 3)), "b_H": RNG.normal(size=3),
        "W_O": RNG.normal(size=(3, 2)), "b_O": RNG.normal(size=2),
    }


CASES = [
    # (source, values): every input's gradient is checked against finite differences
    ("sum(A @ B)", {"A": RNG.normal(size=(3, 4)), "B": RNG.normal(size=(4, 2))}),
    ("sum((A @ v)^2)", {"A": RNG.normal(size=(3, 4)), "v": RNG.normal(size=4)}),
    ("sum((v @ A)^2)", {"A": RNG.normal(size=(4, 3)), "v": RNG.normal(size=4)}),
    ("sum((u @ v)^2)", {"u": RNG.normal(size=4), "v": RNG.normal(size=4)}),
    ("sum((T @ B)^2)", {"T": RNG.normal(size=(2, 3, 4)), "B": RNG.normal(size=(4, 2))}),  # a batch of matrices
    ("sum((T @ v)^2)", {"T": RNG.normal(size=(2, 3, 4)), "v": RNG.normal(size=4)}),
    ("sum((v @ T)^2)", {"T": RNG.normal(size=(2, 4, 3)), "v": RNG.normal(size=4)}),
    ("sum(tanh(A + b))", {"A": RNG.normal(size=(3, 4)), "b": RNG.normal(size=4)}),  # b broadcast over rows
    ("sum(A * c)", {"A": RNG.normal(size=(3, 4)), "c": RNG.normal(size=(3, 1))}),  # c broadcast over columns
    ("mean(exp(A) * s)", {"A": RNG.normal(size=(2, 3)), "s": 0.7}),  # a scalar times a matrix
    ("sum(mean(A, axis=0)^3) + sum(sum(A, axis=1)^2)", {"A": RNG.normal(size=(3, 4))}),
    ("sum(A / sum(A, axis=1, keepdims=1)) + sum(mean(A, keepdims=1) * A)", {"A": RNG.uniform(1, 2, size=(3, 4))}),
    ("sum(transpose(A) @ B)", {"A": RNG.normal(size=(3, 2)), "B": RNG.normal(size=(3, 4))}),
    ("sum(softmax(Z) * W)", {"Z": RNG.normal(size=(3, 4)), "W": RNG.normal(size=(3, 4))}),
    ("sum(softmax(Z, axis=0) * W)", {"Z": RNG.normal(size=(3, 4)), "W": RNG.normal(size=(3, 4))}),
    ("sum(log_softmax(Z) * W)", {"Z": RNG.normal(size=(3, 4)), "W": RNG.normal(size=(3, 4))}),
    ("cross_entropy(Z, y)", {"Z": RNG.normal(size=(4, 3)), "y": np.array([0, 2, 1, 2.0])}),
    ("cross_entropy(Z, P)", {"Z": RNG.normal(size=(4, 3)), "P": RNG.dirichlet(np.ones(3), size=4)}),
    ("bce(sigmoid(z), y)", {"z": RNG.normal(size=5), "y": np.array([0, 1, 1, 0, 0.3])}),
    ("mse(A @ w, t)", {"A": RNG.normal(size=(4, 3)), "w": RNG.normal(size=3), "t": RNG.normal(size=4)}),
    (MLP_SOURCE, mlp_values()),
]


@pytest.mark.parametrize(("source", "values"), CASES, ids=[c[0].strip().split("\n")[-1] for c in CASES])
def test_gradients_match_finite_differences(source: str, values: dict[str, Any]) -> None:
    graph = graphstep.parse(source)
    trace = graph.run(**values)
    for name, value in values.items():
        if name == "y" and "cross_entropy" in source:
            continue  # class numbers have no gradient
        expected = numeric_grad(graph, values, name)
        np.testing.assert_allclose(trace.grad(name), expected, rtol=1e-5, atol=1e-7, err_msg=name)
        assert np.shape(trace.grad(name)) == np.shape(value), "a gradient has its input's shape"


@pytest.mark.parametrize("source", ["sum(softmax(Z) * W)", "sum(log_softmax(Z, axis=0) * W)"])
def test_softmax_expands_to_the_slides_formula_with_the_same_numbers(source: str) -> None:
    graph = graphstep.parse(source)
    expanded = graph.expand()
    labels = [n.label for n in expanded.nodes]
    assert "exp" in labels and any(label.startswith("sum(axis=") and "keepdims" in label for label in labels)
    values = {"Z": RNG.normal(size=(4, 3)), "W": RNG.normal(size=(4, 3))}
    a, b = graph.run(**values), expanded.run(**values)
    assert b.value == pytest.approx(a.value, rel=1e-12)
    for name in values:
        np.testing.assert_allclose(b.grad(name), a.grad(name), rtol=1e-10, atol=1e-14)


def test_class_labels_get_a_zero_gradient() -> None:
    trace = graphstep.parse("cross_entropy(Z, y)").run(Z=RNG.normal(size=(4, 3)), y=np.array([0, 2, 1, 2.0]))
    assert np.all(trace.grad("y") == 0)


@pytest.mark.torch
def test_the_mlp_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    values = mlp_values()
    trace = graphstep.parse(MLP_SOURCE).run(**values)
    t = {k: torch.tensor(v, requires_grad=k != "y") for k, v in values.items()}
    h = torch.sigmoid(t["X"] @ t["W_H"] + t["b_H"])
    loss = torch.nn.functional.cross_entropy(h @ t["W_O"] + t["b_O"], t["y"].long())
    loss.backward()
    assert trace.value == pytest.approx(loss.item(), rel=1e-12)
    for name in ("X", "W_H", "b_H", "W_O", "b_O"):
        np.testing.assert_allclose(trace.grad(name), t[name].grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize(("source", "reference"), [
    ("bce(sigmoid(z), y)", lambda F, v: F.binary_cross_entropy(v["z"].sigmoid(), v["y"])),
    ("mse(z, y)", lambda F, v: F.mse_loss(v["z"], v["y"])),
    ("sum(log_softmax(Z, axis=0) * W)", lambda F, v: (F.log_softmax(v["Z"], dim=0) * v["W"]).sum()),
    ("sum(softmax(Z) @ transpose(W))", lambda F, v: (F.softmax(v["Z"], dim=-1) @ v["W"].T).sum()),
    ("cross_entropy(Z, P)", lambda F, v: F.cross_entropy(v["Z"], v["P"])),
    ("mean(relu(Z) * W, axis=1) @ z", lambda F, v: (F.relu(v["Z"]) * v["W"]).mean(dim=1) @ v["z"]),
])
def test_losses_and_tensor_ops_match_pytorch(source: str, reference: Any) -> None:
    torch = pytest.importorskip("torch")
    values = {"z": RNG.normal(size=4), "y": RNG.uniform(size=4), "Z": RNG.normal(size=(4, 3)),
              "W": RNG.normal(size=(4, 3)), "P": RNG.dirichlet(np.ones(3), size=4)}
    graph = graphstep.parse(source)
    values = {k: v for k, v in values.items() if k in graph.inputs}
    trace = graph.run(**values)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in values.items()}
    expected = reference(torch.nn.functional, t)
    expected.backward()
    assert trace.value == pytest.approx(expected.item(), rel=1e-10)
    for name in values:
        np.testing.assert_allclose(trace.grad(name), t[name].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_batched_neuron_sums_the_scalar_gradients_over_the_batch() -> None:
    graph = graphstep.parse((EXAMPLES / "neuron.gstep").read_text())
    x0, x1 = RNG.normal(size=6), RNG.normal(size=6)
    batched = graph.run(x0=x0, x1=x1)
    singles = [graph.run(x0=a, x1=b) for a, b in zip(x0, x1)]
    np.testing.assert_allclose(batched.value, [s.value for s in singles], rtol=1e-14)
    np.testing.assert_allclose(batched.grad("x1"), [s.grad("x1") for s in singles], rtol=1e-14)
    for w in ("w0", "w1", "w2"):  # a scalar parameter's gradient adds up over every point of the batch
        assert batched.grad(w) == pytest.approx(sum(s.grad(w) for s in singles), rel=1e-12)


def test_the_lecture_batch_example_equals_the_cross_entropy_gate() -> None:
    source = (EXAMPLES / "mlp_batch.gstep").read_text()
    by_hand = graphstep.parse(source).run()
    one_gate = graphstep.parse(source.replace("loss = mean(CE)", "loss = cross_entropy(O, [0, 1, 1, 0])")).run()
    assert by_hand.value == pytest.approx(one_gate.value, rel=1e-12)
    for name in ("W_H", "W_O", "X"):
        np.testing.assert_allclose(by_hand.grad(name), one_gate.grad(name), rtol=1e-10, atol=1e-14)
    assert np.shape(by_hand.values[by_hand.graph.names["H"]]) == (4, 3)


# --- the language's tensor calls ---------------------------------------------------------------------------


def value_of(source: str) -> Any:
    return graphstep.parse(source).run().value


def test_constructors() -> None:
    assert np.array_equal(value_of("zeros(2, 3) + 0 x; x = 1"), np.zeros((2, 3)))
    assert np.array_equal(value_of("ones(4) * x; x = 2"), np.full(4, 2.0))
    first = value_of("A = randn(2, 3, seed=5); A + 0 x; x = 1")
    assert np.array_equal(first, np.random.default_rng(5).standard_normal((2, 3)))
    # without a seed: reproducible from run to run, and two calls differ
    a = graphstep.parse("A = randn(3); B = randn(3); A - B").run()
    assert np.array_equal(a.value, graphstep.parse("A = randn(3); B = randn(3); A - B").run().value)
    assert np.all(a.value != 0)


def test_array_literal_binds_an_input_with_that_default() -> None:
    graph = graphstep.parse("X = [[1, 1], [1, 0]]; f = sum(X @ X)")
    assert "X" in graph.inputs
    trace = graph.run()
    assert trace.value == 5.0  # X @ X = [[2, 1], [1, 1]]
    x, one = np.array([[1.0, 1], [1, 0]]), np.ones((2, 2))
    np.testing.assert_array_equal(trace.grad("X"), one @ x.T + x.T @ one)  # ∂/∂X sum(X X) = 1 Xᵀ + Xᵀ 1


def test_load_npy_and_csv(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = RNG.normal(size=(3, 2))
    np.save(tmp_path / "x.npy", data)
    (tmp_path / "x.csv").write_text("a,b\n" + "\n".join(f"{r[0]},{r[1]}" for r in data))
    monkeypatch.chdir(tmp_path)
    np.testing.assert_allclose(value_of('X = load("x.npy"); X * 1'), data)
    np.testing.assert_allclose(value_of('X = load("x.csv"); X * 1'), data)


def test_load_errors_point_at_the_file_name(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("a,b\n1,x\n")
    with pytest.raises(SourceError, match=r"file not found: nope\.npy"):
        graphstep.parse('X = load("nope.npy")')
    with pytest.raises(SourceError, match="cannot read an array"):
        graphstep.parse('X = load("bad.csv")')


@pytest.mark.parametrize(("source", "message"), [
    ("zeros()", "needs the size"),
    ("zeros(2.5)", "whole number"),
    ("randn(2, sed=1)", "no option 'sed'"),
    ("sum(X, axis=q)", "must be a number"),
    ("sum(X, Y)", "takes one argument"),
    ("load(3)", "one file name in quotes"),
    ("param(x)", "marks a starting value"),
])
def test_bad_calls_get_one_clear_message(source: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        graphstep.parse(source)


def test_shape_mismatch_names_the_gate_and_shapes() -> None:
    graph = graphstep.parse("A @ B")
    with pytest.raises(GraphstepError, match=r"shapes \(2, 3\), \(2, 3\)"):
        graph.run(A=np.ones((2, 3)), B=np.ones((2, 3)))
    with pytest.raises(GraphstepError, match="class labels must be whole numbers from 0 to 2"):
        graphstep.parse("cross_entropy(Z, y)").run(Z=np.ones((2, 3)), y=np.array([0, 3.0]))


def test_command_line_array_from_a_file(tmp_path: Any) -> None:
    np.save(tmp_path / "x.npy", np.array([1.0, 2.0, 3.0]))
    done = run_cli("eval", "sum(x^2)", f"x=@{tmp_path / 'x.npy'}")
    assert done.returncode == 0, done.stderr
    assert "f = 14.00" in done.stdout or "= 14.00" in done.stdout
    missing = run_cli("eval", "sum(x^2)", "x=@/no/such.npy")
    assert missing.returncode == 2
    assert "file not found" in missing.stderr and "Traceback" not in missing.stderr
