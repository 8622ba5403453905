"""Issue 13, reliability: each input below ends with exit 2 and one clear message, never a traceback."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy
import pytest

import graphstep
from graphstep.app.session import Session
from graphstep.checking import check
from graphstep.cli import main
from tests.conftest import EXAMPLES, ROOT


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _clear_error(err: str) -> None:
    assert err.startswith("error: ") and "Traceback" not in err, err


@pytest.mark.parametrize("command", ["eval", "grad", "export", "train"])
def test_dividing_by_the_constant_zero(tmp_path: Path, capsys: Any, command: str) -> None:
    extra = ["-o", str(tmp_path / "o.svg")] if command == "export" else []
    code, _, err = _run(capsys, command, "x/0", "x=1", *extra)
    assert code == 2
    _clear_error(err)
    assert "division by zero" in err


def test_dividing_by_zero_in_check_and_in_values() -> None:
    with pytest.raises(graphstep.GraphstepError, match="division by zero"):
        check("x = 1\nf = x/(2-2)\n? f = 1\n")
    trace = graphstep.parse("x/y").run(x=1, y=0)  # a zero that comes from the data: inf, with a warning
    assert trace.value == numpy.inf and trace.grad("x") == numpy.inf


def test_a_huge_answer_is_a_clear_error_in_check(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "ex.gstep").write_text("x = 1\nf = 2x\n? f = 1e400\n")
    code, _, err = _run(capsys, "check", str(tmp_path / "ex.gstep"))
    assert code == 2  # not 1, which means "wrong"
    _clear_error(err)
    assert "too large" in err


def test_a_huge_answer_in_the_quiz_is_refused_not_fatal() -> None:
    session = Session("f = 2x; x = 1")
    session.quiz = True
    with pytest.raises(ValueError):
        session.answer("1e400", "en")


@pytest.mark.parametrize("formula", ['-"a"', '+"a"', 'x^"a"', '["a"]'])
def test_strings_where_numbers_go(capsys: Any, formula: str) -> None:
    code, _, err = _run(capsys, "eval", "--", formula)
    assert code == 2
    _clear_error(err)


@pytest.mark.parametrize("call", ["sum", "softmax", "mean", "log_softmax"])
def test_a_huge_axis(capsys: Any, call: str) -> None:
    code, _, err = _run(capsys, "eval", f"sum({call}(X*x, axis=1e300))", "X=@" + str(EXAMPLES / "circles_y.csv"),
                        "x=1")
    assert code == 2
    _clear_error(err)
    assert "axis" in err


@pytest.mark.parametrize(("args", "option"), [
    (["train", str(EXAMPLES / "xor_mlp.gstep"), "--seed", "-1"], "--seed"),
    (["train", str(EXAMPLES / "xor_mlp.gstep"), "--lr", "nan"], "--lr"),
    (["train", str(EXAMPLES / "xor_mlp.gstep"), "--lr", "inf"], "--lr"),
    (["grad", "xy", "x=1", "y=2", "--tolerance", "nan"], "--tolerance"),
    (["grad", "xy", "x=1", "y=2", "--step", "nan"], "--step"),
    (["check", str(EXAMPLES / "exercises" / "add_mul.gstep"), "--tolerance", "nan"], "--tolerance"),
    (["eval", "x", "x=1", "--precision", "1000000000"], "--precision"),
    (["eval", "x", "x=1", "--precision", "-1"], "--precision"),
    (["export", "x", "x=1", "-o", "o.svg", "--precision", "1000000000"], "--precision"),
    (["grad", "x", "x=1", "--precision", "1000000000"], "--precision"),
    (["x", "x=1", "--precision", "1000000000"], "--precision"),  # the app
    (["exercise", "new", "chain", "--seed", "-1"], "--seed"),
    (["eval", "x", "x=1", "--max-elements", "0"], "--max-elements"),
])
def test_option_ranges(capsys: Any, args: list[str], option: str) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    _clear_error(err)
    assert option in err and len(err.strip().splitlines()) == 1


def test_a_full_disk_on_stdout() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "graphstep", "eval", "xy", "x=1", "y=2"], stdout=full,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["error: cannot write the output: No space left on device"]


@pytest.mark.parametrize(("data", "message"), [
    (codecs.BOM_UTF16_LE + "f = xy\n".encode("utf-16-le"), "UTF-16"),
    ("f = xy\n".encode("utf-16-le"), "binary"),
    (b"f = xy # caf\xe9\n", "not UTF-8"),
    (bytes(range(256)), "binary"),
])
@pytest.mark.parametrize("command", ["eval", "check", "grad", "train", "app"])
def test_sources_that_are_not_utf8(tmp_path: Path, capsys: Any, data: bytes, message: str, command: str) -> None:
    (tmp_path / "s.gstep").write_bytes(data)
    args = [str(tmp_path / "s.gstep")] if command == "app" else [command, str(tmp_path / "s.gstep")]
    code, _, err = _run(capsys, *args)
    assert code == 2
    _clear_error(err)
    assert message in err and "not found" not in err


@pytest.mark.parametrize("command", ["eval", "check", "grad", "export", "train"])
def test_a_bom_works_in_every_command(tmp_path: Path, capsys: Any, command: str) -> None:
    text = "x = 3\nparam_w = 2\nf = x x\n? f = 9\n" if command != "train" else "W = param(1)\nf = (W - 2)^2\n"
    (tmp_path / "s.gstep").write_bytes(codecs.BOM_UTF8 + text.encode())
    extra = {"export": ["-o", str(tmp_path / "o.svg")], "train": ["--steps", "3", "--no-curve"]}.get(command, [])
    code, _, err = _run(capsys, command, str(tmp_path / "s.gstep"), *extra)
    assert code == 0, err


def test_a_bom_works_in_the_app() -> None:
    from graphstep.cli.common import read_source

    path = EXAMPLES / "mul.gstep"
    assert Session(read_source(str(path))).graph.inputs  # the baseline
    bom = Path(os.environ.get("TMPDIR", "/tmp")) / "graphstep-bom-test.gstep"
    bom.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    try:
        assert Session(read_source(str(bom))).graph.inputs.keys() == Session(read_source(str(path))).graph.inputs.keys()
    finally:
        bom.unlink()


def test_warnings_are_graphstep_warnings(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import graphstep.cli.eval_cmd as eval_cmd

    original = eval_cmd.table

    def noisy(*args: Any) -> str:
        warnings.warn("overflow encountered\nin multiply", RuntimeWarning, stacklevel=1)
        return original(*args)

    monkeypatch.setattr(eval_cmd, "table", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        code, _, err = _run(capsys, "eval", "xy", "x=1", "y=2")
    assert code == 0
    assert err.strip().splitlines() == ["warning: overflow encountered in multiply"]


def test_complex_values_are_refused(tmp_path: Path, capsys: Any) -> None:
    numpy.save(tmp_path / "c.npy", numpy.array([1 + 2j]))
    code, _, err = _run(capsys, "eval", "sum(X)", f"X=@{tmp_path / 'c.npy'}")
    assert code == 2 and "complex" in err
    with pytest.raises(graphstep.GraphstepError, match="complex"):
        graphstep.parse("2x").run(x=numpy.array([1 + 1j]))


def test_greek_names_in_answers_are_the_letters() -> None:
    report = check("alpha = 2\nf = alpha alpha\n? ∂f/∂alpha = 4\n? alpha = 2\n")
    assert [(v.answer.label, v.status) for v in report.verdicts] == [("∂f/∂α", "right"), ("α", "right")]


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
def test_a_terminal_that_is_not_utf8(encoding: str) -> None:
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    for args in (["eval", "xy", "x=1", "y=2", "--steps"], ["grad", "xy", "x=1", "y=2"],
                 ["check", str(EXAMPLES / "exercises" / "add_mul.gstep")]):
        done = subprocess.run([sys.executable, "-m", "graphstep", *args], capture_output=True, cwd=ROOT,
                              env=env, timeout=120)
        assert done.returncode in (0, 1), done.stderr
        assert b"Traceback" not in done.stderr
        done.stdout.decode(encoding)  # all of it in the terminal's encoding
    done = subprocess.run([sys.executable, "-m", "graphstep", "eval", "xy", "x=1", "y=2"], capture_output=True,
                          cwd=ROOT, env=env, timeout=120)
    assert b"df/dx = 2.00" in done.stdout  # ∂ spelled d where the terminal has no ∂


def test_summaries_of_arrays_with_inf_do_not_warn() -> None:
    from graphstep.numbers import fmt, fmt_compact

    values = numpy.array([numpy.inf, -numpy.inf, 1.0] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # found by benchmarks/fuzz.py: numpy's "invalid value" reached stderr
        assert "nan" in fmt(values) and "nan" in fmt_compact(values)


def test_check_without_answers_does_not_run_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long program with no answer lines costs its parse only (a million gates: 30 s less)."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("ran")

    monkeypatch.setattr(graphstep.Graph, "run", refuse)
    assert check("x = 1\nf = 2x\n").verdicts == []


@pytest.mark.parametrize("formula", ["mean(randn(0))", "mean(randn(0) * x)", "mean(randn(3, 0) * x, axis=0)",
                                     "(meanrandn-0x - 9)^2"])
def test_the_mean_of_nothing_is_nan_without_a_numpy_warning(formula: str) -> None:
    """Found by benchmarks/fuzz.py (1,000,000 inputs): numpy's "Mean of empty slice" escaped errstate, at
    parse time (constant folding) and at run time, and reached the terminal in English."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = graphstep.parse(formula).run(x=1.0) if "x" in formula else graphstep.parse(formula).run()
        assert len(trace.steps) > 0  # the steps in words are made too
    value = numpy.asarray(trace.value)
    assert value.size == 0 or numpy.isnan(value).all()


def test_the_mean_is_still_numpy_mean_to_the_bit() -> None:
    data = numpy.random.default_rng(3).standard_normal((7, 5))
    for axis in (None, 0, 1, -1):
        trace = graphstep.parse(f"mean(A * x{'' if axis is None else f', axis={axis}'})").run(A=data, x=1.0)
        assert numpy.array_equal(numpy.asarray(trace.value), numpy.mean(data, axis=axis))
