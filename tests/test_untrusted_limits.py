"""Issue 13, resource limits: a few bytes of a student's file cannot take minutes or gigabytes."""

from __future__ import annotations

import struct
import time
from pathlib import Path
from typing import Any

import numpy
import pytest

import graphstep
from graphstep.checking.gradients import compare
from graphstep.cli import main
from graphstep.errors import GraphstepError
from graphstep.limits import limits


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("formula", ["sum(zeros(100000, 100000))", "sum(ones(1e12))", "sum(randn(1e308))",
                                     "sum(zeros(10, 10, 10, 10, 10, 10, 10, 10, 10, 10))"])
def test_constructors_are_refused_before_allocating(capsys: Any, formula: str) -> None:
    start = time.perf_counter()
    code, out, err = _run(capsys, "eval", formula)
    assert code == 2 and out == ""
    assert err.startswith("error: this array would hold") and "--max-elements" in err
    assert time.perf_counter() - start < 2


def _npy(path: Path, header: str, data: bytes = b"\0" * 16) -> None:
    text = header.encode("latin1")
    text += b" " * (64 - (10 + len(text) + 1) % 64) + b"\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + data)


@pytest.mark.parametrize("shape", [10**12, 2**70])
def test_npy_headers_are_checked_before_reading(tmp_path: Path, capsys: Any, shape: int) -> None:
    _npy(tmp_path / "x.npy", f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({shape},), }}")
    (tmp_path / "p.gstep").write_text('X = load("x.npy")\nsum(X)\n')
    code, _, err = _run(capsys, "eval", str(tmp_path / "p.gstep"))
    assert code == 2 and "x.npy would hold" in err
    code, _, err = _run(capsys, "eval", "sum(X)", f"X=@{tmp_path / 'x.npy'}")
    assert code == 2 and "x.npy would hold" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(("header", "message"), [
    ("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", "plain numbers"),
    ("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", "complex"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (100,), }", "cut short"),
    ("{'descr': '<f8'", "not a valid .npy"),
])
def test_bad_npy_files_are_one_clear_line(tmp_path: Path, capsys: Any, header: str, message: str) -> None:
    _npy(tmp_path / "x.npy", header)
    code, _, err = _run(capsys, "eval", "sum(X)", f"X=@{tmp_path / 'x.npy'}")
    assert code == 2 and message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("formula", [
    "X = zeros(30000, 1); Y = zeros(1, 30000); x = 1; sum(X * Y * x)",  # broadcasting, 9e8
    "A = ones(20000, 1); B = ones(1, 20000); x = 1; sum(A @ B * x)",  # @, 4e8
    "A = ones(20000, 1); B = ones(1, 20000); sum(A @ B)",  # folded at parse time
])
def test_broadcasting_and_matmul_results_are_counted_first(capsys: Any, formula: str) -> None:
    start = time.perf_counter()
    code, _, err = _run(capsys, "eval", formula)
    assert code == 2 and "--max-elements" in err
    assert time.perf_counter() - start < 2


def test_max_elements_sets_the_limit(capsys: Any) -> None:
    assert _run(capsys, "eval", "sum(zeros(10, 10))", "--max-elements", "99")[0] == 2
    assert _run(capsys, "eval", "sum(zeros(10, 10))", "--max-elements", "101")[0] == 0
    code, _, err = _run(capsys, "eval", "x", "x=1", "--max-elements", "0")
    assert code == 2 and "at least 1" in err


def test_a_run_counts_every_value_it_holds() -> None:
    graph = graphstep.parse("X = [1, 2, 3]; Y = X * X; Z = Y * Y; sum(Z * X)")
    with limits(max_elements=12), pytest.raises(GraphstepError, match="would hold 13 numbers"):
        graph.run()  # X, X*X, Y*Y, Z*X: 3 numbers each, and the sum
    with limits(max_elements=13):
        assert graph.run().value == 1 + 2**5 + 3**5


def test_check_refuses_arrays_before_computing(tmp_path: Path, capsys: Any) -> None:
    chain = "\n".join(["W0 = randn(2000, 2000)", *(f"W{i} = W{i - 1} @ randn(2000, 2000)" for i in range(1, 11)),
                       "f = sum(W10)", "? f = 1"])
    (tmp_path / "ex.gstep").write_text(chain)
    start = time.perf_counter()
    code, _, err = _run(capsys, "check", str(tmp_path / "ex.gstep"))
    assert code == 2 and "arrays" in err
    assert time.perf_counter() - start < 3  # was 1.2 GB and many seconds of matmuls


def test_grad_of_a_tower_of_powers_ends_quickly(capsys: Any) -> None:
    start = time.perf_counter()
    code, _out, _ = _run(capsys, "grad", "x^x^x^x", "x=3")
    assert code in (0, 1)
    assert time.perf_counter() - start < 15


def test_grad_skips_the_symbolic_column_when_too_large(capsys: Any) -> None:
    lines = ["x = 0.5", "q0 = x", *(f"q{i} = sin(q{i - 1}) * q{i - 1} + x" for i in range(1, 26))]
    graph = graphstep.parse("\n".join(lines))
    start = time.perf_counter()
    result = compare(graph, symbolic_seconds=0.5)
    assert time.perf_counter() - start < 10
    (row,) = result.gradients
    assert row.skipped and row.agree and numpy.isfinite(row.numerical)
    assert row.automatic == pytest.approx(row.numerical, rel=1e-5)


def test_grad_cli_says_skipped(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graphstep.checking.gradients.SYMBOLIC_SECONDS", 0.0001)
    lines = ["x = 0.5", "q0 = x", *(f"q{i} = sin(q{i - 1}) * q{i - 1} + x" for i in range(1, 26))]
    code, out, _ = _run(capsys, "grad", "; ".join(lines))
    assert code == 0 and "skipped: too large" in out and "symbolic one was skipped" in out


@pytest.mark.parametrize("formula", ["W = randn(2200, 2200); x = 1; sum(W @ W @ W * x)",  # in a run
                                     "W = randn(2200, 2200); sum(W @ W @ W)"])  # folded while parsing
def test_matrix_products_have_a_work_budget(capsys: Any, formula: str) -> None:
    start = time.perf_counter()
    code, _, err = _run(capsys, "eval", formula)
    assert code == 2 and "multiply-adds" in err
    assert time.perf_counter() - start < 5


def test_the_time_budget_outlasts_a_swallowed_alarm() -> None:
    """sympy has bare ``except:`` clauses: one TimeUp swallowed must not let symbolic work run on unbounded."""
    from graphstep.checking.gradients import TimeUp, time_budget

    def busy(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass

    swallowed = False
    start = time.perf_counter()
    with pytest.raises(TimeUp), time_budget(0.05):
        try:
            busy(5)
        except BaseException:  # what a library's bare except does
            swallowed = True
        busy(5)
    assert swallowed and time.perf_counter() - start < 2.5
