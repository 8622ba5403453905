"""Issue 13, graph size: a file's number of nodes is capped (``--max-nodes``), so no command can be made to
work for minutes by a long program; the Python API can lift the cap for graphs built on purpose."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

import graphstep
from graphstep.cli import main
from graphstep.errors import GraphstepError
from graphstep.limits import DEFAULT_MAX_NODES, limits

TOO_MANY = "x = 1.0001\nf = x" + "*x" * DEFAULT_MAX_NODES + "\n"
"""A program of DEFAULT_MAX_NODES + 1 nodes (an input, then that many gates): one over the cap (20 kB)."""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [["eval"], ["grad"], ["export", "-o", "{dir}/out.svg"],
                                     ["train", "--steps", "1"], ["check"]])
def test_every_command_refuses_a_graph_over_the_cap(tmp_path: Path, capsys: Any, command: list[str]) -> None:
    source = tmp_path / "long.gstep"
    source.write_text(TOO_MANY + ("? f = 1\n" if command == ["check"] else ""))
    args = [a.format(dir=tmp_path) for a in command]
    start = time.perf_counter()
    code, _, err = _run(capsys, args[0], str(source), *args[1:])
    assert code == 2
    assert f"more nodes than the limit of {DEFAULT_MAX_NODES:,}" in err
    assert "--max-nodes N" in err
    assert "Traceback" not in err
    assert time.perf_counter() - start < 10
    assert not (tmp_path / "out.svg").exists()


def test_the_app_refuses_a_graph_over_the_cap_before_opening(tmp_path: Path, capsys: Any) -> None:
    source = tmp_path / "long.gstep"
    source.write_text(TOO_MANY)
    code, _, err = _run(capsys, str(source))  # the app is the default command
    assert code == 2
    assert "more nodes than the limit" in err


def test_the_message_is_in_spanish_too(capsys: Any) -> None:
    code, _, err = _run(capsys, "eval", "x*x*x*x", "x=1", "--max-nodes", "3", "--lang", "es")
    assert code == 2
    assert "el programa tiene más nodos que el límite de 3" in err
    assert "línea 1, columna 1" in err


def test_max_nodes_raises_the_cap(capsys: Any) -> None:
    code, out, _ = _run(capsys, "eval", "x*x*x*x", "x=2", "--max-nodes", "4")
    assert code == 0
    assert "16" in out
    code, _, err = _run(capsys, "eval", "x*x*x*x", "x=2", "--max-nodes", "3")
    assert code == 2 and "limit of 3" in err


@pytest.mark.parametrize("value", ["0", "-5"])
def test_max_nodes_must_be_positive(capsys: Any, value: str) -> None:
    code, _, err = _run(capsys, "eval", "x", "x=1", "--max-nodes", value)
    assert code == 2
    assert err.strip() == f"error: --max-nodes must be at least 1, not {value}"


def test_the_api_has_the_cap_and_can_lift_it() -> None:
    with pytest.raises(GraphstepError, match="more nodes than the limit"):
        graphstep.parse(TOO_MANY)
    with limits(max_nodes=None):
        graph = graphstep.parse(TOO_MANY)
    assert len(graph.nodes) == DEFAULT_MAX_NODES + 1
    with limits(max_nodes=20), pytest.raises(GraphstepError, match="limit of 20"):
        graphstep.parse("x" + "+x" * 20)


def test_grad_refuses_a_numerical_column_too_large_to_work(tmp_path: Path, capsys: Any) -> None:
    """Two forward runs per input: 2,000 inputs summed took 5 minutes; it is refused at once."""
    count = 2000
    source = tmp_path / "names.gstep"
    source.write_text("".join(f"a{i} = 1.{i}\n" for i in range(count)) + "f = " + " + ".join(f"a{i}" for i in
                                                                                            range(count)) + "\n")
    start = time.perf_counter()
    code, _, err = _run(capsys, "grad", str(source))
    assert code == 2
    assert err.strip() == ("error: grad runs the program twice per input for the numerical gradients: 2 × 2,000 "
                           "inputs × 3,999 nodes = 15,996,000 node visits, more than the limit of 1,000,000")
    # the equation a teacher reads holds for the numbers as shown
    factors = re.search(r"(\d) × ([\d,]+) inputs × ([\d,]+) nodes = ([\d,]+)", err)
    assert factors is not None
    two, inputs, nodes, visits = (int(g.replace(",", "")) for g in factors.groups())
    assert two * inputs * nodes == visits
    assert time.perf_counter() - start < 30


def test_grad_still_compares_a_formula_of_many_inputs_within_the_limit(capsys: Any) -> None:
    formula = " + ".join(f"a{i} * b{i}" for i in range(30))
    values = [f"a{i}={i}" for i in range(30)] + [f"b{i}=2" for i in range(30)]
    code, out, _ = _run(capsys, "grad", formula, *values, "--json")
    assert code == 0
    assert '"agree": true' in out


def test_an_export_of_every_step_has_a_limit(tmp_path: Path, capsys: Any) -> None:
    """A frame per step, each the whole circuit: frames × nodes is capped (a GIF of 200 frames of a
    100-node chain took over 10 minutes and 3.4 GB)."""
    source = tmp_path / "chain.gstep"
    source.write_text("x = 0.5\nf = x" + "+1" * 30 + "\n")
    start = time.perf_counter()
    code, _, err = _run(capsys, "export", str(source), "-o", str(tmp_path / "out.svg"), "--frames")
    assert code == 2
    assert err.strip() == ("error: 62 frames of a circuit of 31 nodes are too many to draw (a frame per step: at "
                           "most 1,000 nodes drawn in all); export one step with --step K")
    assert time.perf_counter() - start < 10
    assert not list(tmp_path.glob("out*"))
    code, _, _ = _run(capsys, "export", str(source), "-o", str(tmp_path / "one.svg"), "--step", "40")
    assert code == 0


def test_the_lectures_neuron_still_exports_every_step(tmp_path: Path, capsys: Any) -> None:
    neuron = Path(__file__).parent.parent / "graphstep" / "examples" / "neuron.gstep"
    code, _, err = _run(capsys, "export", str(neuron), "-o", str(tmp_path / "n.svg"), "--frames")
    assert code == 0, err
    assert len(list(tmp_path.glob("n-*.svg"))) == 18  # 13 nodes × 18 frames: 234 drawn
