"""Names: every spelling the language accepts works everywhere a name is given, and many names stay cheap."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from types import ModuleType

import pytest

from graphstep import compiled, parse
from graphstep.checking.answers import parse_answer_line
from graphstep.cli.common import parse_values
from graphstep.lexer import canonical_name
from graphstep.limits import limits

# Each group: the spellings of one name, as the language reads them (the first is the canonical one).
SPELLINGS = [
    ("w0", ["w0", "w_0", "w_{0}", "w_{ 0 }"]),
    ("x12", ["x12", "x_12", "x_{12}"]),
    ("x_a", ["x_a", "x_{a}"]),
    ("α", ["α", "alpha", r"\alpha"]),
    ("Δ", ["Δ", "Delta", r"\Delta"]),
    ("lr", ["lr"]),  # a longer name a program binds stays whole
]
ALL = [(canonical, spelling) for canonical, spellings in SPELLINGS for spelling in spellings]


@pytest.mark.parametrize(("canonical", "spelling"), ALL)
def test_canonical_name(canonical: str, spelling: str) -> None:
    assert canonical_name(spelling) == canonical


@pytest.mark.parametrize(("canonical", "spelling"), ALL)
def test_python_api_keywords_accept_every_spelling(canonical: str, spelling: str) -> None:
    graph = parse(f"{canonical} = 1\nf = 3*{canonical}^2")
    trace = graph.run(**{spelling: 2.0})
    assert trace.value == 12.0
    assert trace.grad(spelling) == trace.grad(canonical) == 12.0


@pytest.mark.parametrize(("canonical", "spelling"), ALL)
def test_command_line_values_accept_every_spelling(canonical: str, spelling: str) -> None:
    assert parse_values([f"{spelling}=2"]) == {canonical: 2.0}


@pytest.mark.parametrize(("canonical", "spelling"), ALL)
def test_answer_lines_accept_every_spelling(canonical: str, spelling: str) -> None:
    value = parse_answer_line("", 1, 0, f"? {spelling} = 2", "answers")
    grad = parse_answer_line("", 1, 0, f"? ∂f/∂{spelling} = 3", "answers")
    assert (value.kind, value.name) == ("value", canonical)
    assert (grad.kind, grad.name, grad.of) == ("grad", canonical, "f")


def test_eval_cli_neuron_with_subscripted_names() -> None:
    """The README's neuron pasted from the slides, its inputs named as on the slides."""
    formula = r"\frac{1}{1+e^{-(w_0x_0+w_1x_1+w_2)}}"
    values = ["w_0=2", "x_0=-1", "w_{1}=-3", "x_1=-2", "w_2=-3"]
    done = subprocess.run([sys.executable, "-m", "graphstep", "eval", formula, *values, "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert abs(result["value"] - 0.7311) < 1e-4
    assert abs(result["grads"]["w0"] - (-0.1966)) < 1e-4


def _parse_seconds(count: int, reader: ModuleType | None) -> float:
    """CPU seconds to parse a program that binds ``count`` multi-letter names and sums them (best of 2), with
    the compiled reader (``reader``, graphstep._fastparse) or with the full parser alone (None)."""
    source = "\n".join(f"ab{i} = {i}" for i in range(count)) + "\nf = " + " + ".join(f"ab{i}" for i in range(count))
    best = float("inf")
    saved, compiled._fastparse = compiled._fastparse, reader
    try:
        for _ in range(2):
            start = time.process_time()
            with limits(max_nodes=None):  # 64,000 nodes: over the default cap for files
                parse(source)
            best = min(best, time.process_time() - start)
    finally:
        compiled._fastparse = saved
    return best


@pytest.mark.parametrize("reader", ["full parser", "compiled reader"])
def test_many_bound_names_parse_in_linear_time(reader: str) -> None:
    """16× the names costs about 16× the time (it was over 60×: each name was tried against every other)."""
    module = compiled._fastparse if reader == "compiled reader" else None
    if reader == "compiled reader" and module is None:
        pytest.skip("graphstep._fastparse is not built (no C compiler)")
    small, big = _parse_seconds(2000, module), _parse_seconds(32000, module)
    assert big < 40 * max(small, 1e-3), (small, big)
