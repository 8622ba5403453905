"""`graphstep eval` as a user runs it: plain table, --json, --steps, errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli


def test_table_lists_every_node_and_the_input_gradients():
    result = run_cli("eval", "((xy)+max(z,w))*2", "x=3", "y=-4", "z=2", "w=-1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "f = -20.00" in out
    for line in ("∂f/∂x = -8.00", "∂f/∂y = 6.00", "∂f/∂z = 2.00", "∂f/∂w = 0.00"):
        assert line in out
    assert out.count("\n") >= 8 + 5  # header, rule, 8 nodes, blank, output and 4 gradients
    assert "max" in out and "*2" in out


def test_json_is_one_object_with_value_grads_nodes():
    result = run_cli("eval", "examples/neuron.gstep", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["value"] == pytest.approx(0.7310585786)
    assert data["grads"]["x0"] == pytest.approx(0.3932238664)
    node_ids = [n["id"] for n in data["nodes"]]
    assert node_ids == list(range(len(node_ids)))
    output = data["nodes"][data["output"]]
    assert output["op"] == "rdiv_const" and output["grad"] == 1.0
    assert all({"id", "op", "inputs", "value", "grad"} <= n.keys() for n in data["nodes"])


def test_steps_tell_the_trace_in_words():
    result = run_cli("eval", "(x+y)z", "x=-2", "y=5", "z=-4", "--steps")
    assert result.returncode == 0
    assert "backward at * (f): ∂f/∂(x+y) = upstream 1.00 × local (z = -4.00) = -4.00" in result.stdout
    spanish = run_cli("eval", "x*y", "x=1", "y=2", "--steps", "--lang", "es")
    assert "hacia atrás en *" in spanish.stdout


def test_values_on_the_command_line_override_the_file():
    result = run_cli("eval", "examples/mul.gstep", "x=2", "--json")
    assert json.loads(result.stdout)["value"] == -6.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "x + * y"], "line 1, column 5"),
        (["eval", "tan(x)", "x=1"], "unknown function 'tan'"),
        (["eval", "x*y", "x=1"], "missing value for input 'y'"),
        (["eval", "x*y", "x=1", "y=abc"], "must be a number"),
        (["eval", "x*y", "x=1", "y"], "expected NAME=VALUE"),
        (["eval", "missing.gstep"], "file not found: missing.gstep"),
        (["eval", "deep.gstep"], "nested too deeply"),
    ],
)
def test_bad_input_is_one_clear_message_and_exit_2(args: list[str], message: str, tmp_path) -> None:
    (tmp_path / "deep.gstep").write_text("(" * 100_000 + "x" + ")" * 100_000)
    args = [str(tmp_path / a) if a == "deep.gstep" else a for a in args]
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_syntax_error_shows_a_caret_under_the_column():
    result = run_cli("eval", "x + * y")
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ")
    assert lines[-1].index("^") - len("   | ") == 4


def test_eval_imports_no_ui_or_rendering_library():
    code = (
        "import sys; from graphstep.cli import main; main(['eval', 'x*y', 'x=1', 'y=2']);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('textual', 'rich', 'graphviz', 'PIL', 'matplotlib', 'sympy', 'torch', 'cupy')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_and_help():
    result = run_cli("--help")
    assert result.returncode == 0 and "eval" in result.stdout


def test_steps_are_numbered_as_export_step_counts_them():
    """`eval --steps` numbers each step K as `export --step K` and the HTML player count it (17 for the neuron)."""
    import re

    import graphstep
    from graphstep.cli.common import read_source
    from graphstep.export import Renderer

    result = run_cli("eval", "examples/neuron.gstep", "--steps")
    assert result.returncode == 0
    numbers = [int(m) for m in re.findall(r"^ *(\d+)  ", result.stdout, flags=re.M)]
    trace = graphstep.parse(read_source("examples/neuron.gstep")).run()
    assert numbers == list(range(1, len(trace.steps) + 1)) == list(range(1, 18))
    line_12 = next(line for line in result.stdout.splitlines() if re.match(r" *12  ", line))
    assert "backward at exp" in line_12
    highlighted = next(n for n in Renderer(trace.graph, trace, builtin=True).scene(12).nodes if n.current)
    assert highlighted.label == "exp"
    continued = [line for line in result.stdout.splitlines() if not re.match(r" *\d+  ", line)]
    assert continued and all(line.startswith(" " * 4) for line in continued)  # a gate's 2nd input, indented
