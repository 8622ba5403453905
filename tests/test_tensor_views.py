"""Tensors in the views: shapes in the step explanations, summaries, small matrices in full."""

from __future__ import annotations

import numpy as np

import graphstep
from graphstep.explain import describe_all
from graphstep.numbers import fmt, fmt_matrix, fmt_shape
from tests.conftest import EXAMPLES


def steps_text(lang: str = "en") -> str:
    return describe_all(graphstep.parse((EXAMPLES / "mlp_batch.gstep").read_text()).run(), lang)


def test_matrix_products_speak_of_shapes() -> None:
    text = steps_text()
    assert "forward at @: X @ W_H, (4,2) @ (2,3) → (4,3) = [4×3:" in text
    assert "forward at @ (O): H @ W_O, (4,3) @ (3,2) → (4,2)" in text
    assert "∂loss/∂W_H = Xᵀ · upstream, (2,4) · (4,3) → (2,3) = [2×3:" in text
    assert "∂loss/∂X = upstream · W_Hᵀ, (4,3) · (3,2) → (4,2)" in text
    assert "sum(axis=1)(D * log(P)), (4,2) → (4,)" in text
    assert "mean(CE), (4,) → () = 0.77" in text


def test_shapes_in_spanish() -> None:
    assert "∂loss/∂W_H = Xᵀ · arriba, (2,4) · (4,3) → (2,3)" in steps_text("es")


def test_the_numbers_in_the_words_are_the_traces() -> None:
    trace = graphstep.parse((EXAMPLES / "mlp_batch.gstep").read_text()).run()
    w_h = trace.grad("W_H")
    summary = f"[2×3: min {w_h.min():.2f}, mean {w_h.mean():.2f}, max {w_h.max():.2f}]"
    assert f"∂loss/∂W_H = Xᵀ · upstream, (2,4) · (4,3) → (2,3) = {summary}" in describe_all(trace)


def test_summaries_say_the_dtype_when_it_is_not_float64() -> None:
    assert fmt(np.ones((4, 3))) == "[4×3: min 1.00, mean 1.00, max 1.00]"
    assert fmt(np.ones((4, 3), dtype=np.float32)) == "[4×3 float32: min 1.00, mean 1.00, max 1.00]"
    assert fmt_shape(np.zeros((4, 3), dtype=np.float32)) == "4×3 float32"
    assert fmt_shape(0.5) == "scalar float64"


def test_small_matrices_are_written_out_large_ones_are_not() -> None:
    assert fmt_matrix(np.array([[1.0, -2.5], [3.0, 4.0]])) == "⎡ 1.00  -2.50 ⎤\n⎣ 3.00   4.00 ⎦"
    assert fmt_matrix(np.array([0.5, 1.0])) == "[ 0.50  1.00 ]"
    assert fmt_matrix(np.zeros((10, 10))) is None
    assert fmt_matrix(2.0) is None
