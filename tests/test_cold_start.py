"""Cold start: a formula of numbers is parsed, run and printed without importing numpy (graphstep.lazynp);
the first array, tensor call, file or other dtype imports it and gives the same answers as always."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

RUN = ("import sys\n"
       "from graphstep.cli import main\n"
       "code = main(sys.argv[1:])\n"
       "print('NUMPY', 'numpy' in sys.modules, 'textual' in sys.modules, code)\n")


def eval_in_fresh_python(*args: str) -> tuple[str, bool, str]:
    """``graphstep eval ARGS`` in a new interpreter: (its output, whether numpy was imported, stderr)."""
    result = subprocess.run([sys.executable, "-c", RUN, "eval", *args], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    *out, last = result.stdout.rstrip("\n").split("\n")
    assert last.startswith("NUMPY ") and last.endswith(" False 0"), (result.stdout, result.stderr)
    return "\n".join(out), last.split()[1] == "True", result.stderr


def test_a_formula_of_numbers_prints_its_result_without_numpy() -> None:
    out, numpy_imported, err = eval_in_fresh_python("x*y", "x=3", "y=-4")
    assert not numpy_imported
    assert "f = -12.00" in out and "∂f/∂x = -4.00" in out and "∂f/∂y = 3.00" in out, out
    assert err == ""


@pytest.mark.parametrize("option", ["--json", "--steps"])
def test_json_and_steps_of_numbers_need_no_numpy_either(option: str) -> None:
    # constants folded while parsing (1/2, 3*4), a gate with a constant, one the output does not depend on
    out, numpy_imported, _ = eval_in_fresh_python("\\frac{1}{2}x^2 + 3*4 + 0*z", "x=3", "z=5", option)
    assert not numpy_imported
    if option == "--json":
        data = json.loads(out)
        assert data["value"] == 16.5 and data["grads"] == {"x": 3.0, "z": 0.0}
    else:
        assert "3.00 ^ 2 = 9.00" in out and "∂f/∂x = upstream 0.50 × local (2·x^1 = 6.00) = 3.00" in out, out


def test_an_array_still_imports_numpy_and_gives_the_same_answer() -> None:
    out, numpy_imported, err = eval_in_fresh_python("sum([1, 2, 3] * x)", "x=2", "--json")
    assert numpy_imported
    data = json.loads(out)
    assert data["value"] == 12.0 and data["grads"] == {"x": 6.0}
    assert err == ""


@pytest.mark.parametrize("args", [("zeros(2) + x", "x=1"), ("x*y", "x=1", "y=2", "--dtype", "float32")])
def test_a_tensor_call_or_another_dtype_imports_numpy_when_it_needs_it(args: tuple[str, ...]) -> None:
    out, numpy_imported, _ = eval_in_fresh_python(*args)
    assert numpy_imported and ("f = [1.00, 1.00]" in out or "f = 2.00" in out), out


def test_numpy_first_imported_inside_a_run_is_quiet_there_and_only_there() -> None:
    """log(0) and x/0 imported numpy mid-run: their floating-point problems are steps' warnings, not numpy
    RuntimeWarnings on stderr; and numpy's own settings are as they were once the run is over."""
    code = ("import sys, warnings\n"
            "warnings.simplefilter('error')\n"
            "import graphstep\n"
            "trace = graphstep.parse('log(x) + 1/y').run(x=0.0, y=0.0)\n"
            "print('numpy' in sys.modules, trace.value, [s.warnings for s in trace.steps if s.phase == 'forward'])\n"
            "import numpy\n"
            "print(numpy.geterr()['divide'])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    expected = ["True nan [('log_zero', 'overflow'), ('div_zero', 'overflow'), ()]", "warn"]
    assert result.stdout.split("\n")[:2] == expected, result.stdout


@pytest.mark.parametrize("op_name", ["add", "sub", "mul", "div", "pow", "max", "min", "exp", "log", "sqrt", "abs",
                                     "sin", "cos", "tanh", "sigmoid", "relu"])
def test_constants_folded_on_floats_are_numpys_results_bit_for_bit(op_name: str) -> None:
    import math

    import numpy

    from graphstep.folding import fold
    from graphstep.limits import Budget
    from graphstep.ops import OPS

    numbers = [0.0, -0.0, 1.0, -1.5, 0.1, 3.0, 1e308, -2.5e-310, math.inf, -math.inf, math.nan]
    arity = OPS[op_name].arity
    pairs = [(a, b) for a in numbers for b in numbers] if arity == 2 else [(a,) for a in numbers]
    for args in pairs:
        with numpy.errstate(all="ignore"):
            expected = float(OPS[op_name].forward(numpy, [numpy.asarray(a) for a in args], None))
        got = fold(Budget(), "", op_name, list(args), None, (0, 0))
        assert type(got) is float
        assert numpy.float64(got).tobytes() == numpy.float64(expected).tobytes(), (op_name, args, got, expected)
