"""The compiled reader (graphstep/_fastparse.pyx) gives the full parser's graph, node for node, or leaves the
source to it (issue 15: the language must not change). Each source is parsed twice, with the reader and
with it switched off, and the two results must be equal: the same nodes, output, name tables, or the same
error. CI builds the extension (.ci/run checks that it imports); without a C compiler it is skipped."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphstep
from graphstep import compiled
from graphstep.errors import GraphstepError
from graphstep.graph import Graph
from graphstep.limits import limits
from graphstep.parser import CALLS
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_core  # the benchmark's three graph shapes
import fuzz  # the fuzzer's examples and mutations

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="graphstep._fastparse is not built (no C compiler)")

SUBSET = [
    "x*y", "((xy)+max(z,w))*2", "1/(1+exp(-(w0x0+w1x1+w2)))", "-x^2", "2^x", "x**2", "x/2", "2/x", "x-3",
    "3-x", "-(x)", "+x", "max(x,0)", "min(0,x)", "mse(x,2)", "2x", "x(y+1)", "1.5e3x", ".5x + 2.e1y",
    "a = 3\nf=a*b", "f = xy; x = 4; y = -3", "lr = 0.1\nw = w0 - lr*g", "loss = x^2", "# c\nx*y # d",
    "loss = 2\nf = loss*x", "f = (x +\n y)", "h = relu(x)\nf = h*h + h", "x - -1", "2 * -x", "x^-1",
    "u = x\nf = u", "sigmoid(x)*tanh(y) + abs(z) + sqrt(w) + log(v) + ln(t) + sin(s) + cos(r)",
]
"""Sources the compiled reader must read itself (else the speed is lost without a word)."""

OUTSIDE = [
    "e^x", "pi*x", "π*x", "x·y", r"\frac{1}{x}", "x_1*y", "[1, 2]*x", "sum(x)", "randn(2)", "'a'", "x/0", "1+2",
    "exp(2)", "x 2", "f(x,)", "xyz(a)", "a=b\na=c", "exp(x,)", "x @ y", "alpha*x", "x²", "relu x",
    "x == 3", "", "x +", "(x", "max(x)", "f = " + "(" * 1200 + "x" + ")" * 1200,
]
"""Sources the full parser must read (or refuse): Unicode, LaTeX, folding, tensors, errors."""


@contextmanager
def full_parser_only() -> Iterator[None]:
    saved = compiled._fastparse
    compiled._fastparse = None
    try:
        yield
    finally:
        compiled._fastparse = saved


def outcome(source: str) -> tuple[object, ...]:
    """What graphstep.parse makes of a source: the graph's every field, or the error's key and place."""
    try:
        with limits(max_nodes=None):
            graph = graphstep.parse(source)
    except GraphstepError as error:
        return ("error", type(error).__name__, str(error))
    return ("graph", [_fields(n) for n in graph.nodes], type(graph.nodes), {type(n) for n in graph.nodes},
            graph.output, graph.source, list(graph.names.items()), list(graph.inputs.items()))


def _fields(node: tuple[object, ...]) -> tuple[object, ...]:
    """A node's fields, a constant as its bits (arrays don't compare with ==, and nan is not nan)."""
    const = node[4]
    if isinstance(const, numpy.ndarray):
        return (*node[:4], ("array", const.dtype.str, const.shape, const.tobytes()), *node[5:])
    if isinstance(const, float):
        return (*node[:4], ("float", const.hex()), *node[5:])
    return tuple(node)


def read_compiled(source: str) -> Graph | None:
    return compiled.read(source, (), CALLS, sys.maxsize)


def assert_same(source: str) -> None:
    fast = outcome(source)
    with full_parser_only():
        full = outcome(source)
    assert fast == full, source


@pytest.mark.parametrize("source", SUBSET)
def test_the_subset_is_read_compiled_and_identical(source: str) -> None:
    assert read_compiled(source) is not None
    assert_same(source)


@pytest.mark.parametrize("source", OUTSIDE)
def test_the_rest_is_left_to_the_full_parser(source: str) -> None:
    assert read_compiled(source) is None
    assert_same(source)


@pytest.mark.parametrize("shape", bench_core.SHAPES)
def test_the_benchmark_shapes_are_read_compiled(shape: str) -> None:
    source = bench_core.MAKERS[shape](3000)[0]
    assert read_compiled(source) is not None
    assert_same(source)


def test_every_shipped_example_reads_the_same() -> None:
    for text in fuzz.example_texts():
        assert_same(text)


def test_mutated_examples_read_the_same() -> None:
    """The fuzzer's edits of the examples: errors, half statements, moved brackets."""
    rng = random.Random(15)
    examples = fuzz.example_texts()
    compiled_count = 0
    for _ in range(3000):
        text = fuzz.mutate(rng.choice(examples), rng)
        compiled_count += read_compiled(text) is not None
        assert_same(text)
    assert compiled_count > 50  # the edits reach the compiled reader, not only the full parser


def test_the_node_limit_gives_the_full_parsers_message() -> None:
    source = "f = " + " + ".join(f"w{i}x{i}" for i in range(50))
    messages = []
    for use_compiled in (True, False):
        with limits(max_nodes=20), pytest.raises(GraphstepError) as caught:
            if use_compiled:
                graphstep.parse(source)
            else:
                with full_parser_only():
                    graphstep.parse(source)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "20" in messages[0]


def test_names_from_the_caller_split_words_the_same() -> None:
    graph = graphstep.parse("f = lrx + x", names=["lr"])
    with full_parser_only():
        full = graphstep.parse("f = lrx + x", names=["lr"])
    assert [tuple(n) for n in graph.nodes] == [tuple(n) for n in full.nodes]
    assert "lr" in graph.inputs


# --- random programs of the subset and a little beyond -----------------------------------------------------------

NAMES = ["x", "y", "w0", "x0", "v12", "lr", "loss", "h", "xy", "w0x0", "ab", "e", "exp", "relu", "f"]
NUMBERS = ["0", "1", "2.5", "1e3", ".5", "0.0", "3.", "1e-2", "2E+1", "7"]


def _expressions() -> st.SearchStrategy[str]:
    leaf = st.sampled_from(NAMES + NUMBERS)

    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", "**", "", " "]), inner).map("".join)
        call = st.tuples(st.sampled_from(["exp", "relu", "max", "min", "mse", "tanh", "sum"]),
                         st.lists(inner, min_size=0, max_size=3).map(",".join)).map(lambda p: f"{p[0]}({p[1]})")
        return st.one_of(binary, call, inner.map(lambda e: f"({e})"), inner.map(lambda e: f"-{e}"),
                         inner.map(lambda e: f"+{e}"))

    return st.recursive(leaf, grow, max_leaves=12)


statements = st.one_of(_expressions(), st.tuples(st.sampled_from(NAMES), _expressions()).map(" = ".join))
programs = st.lists(statements, min_size=1, max_size=6).flatmap(
    lambda lines: st.sampled_from(["\n", "; ", "\n\n"]).map(lambda sep: sep.join(lines)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_random_programs_read_the_same(source: str) -> None:
    assert_same(source)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.from_regex(r"[0-9]{1,18}(\.[0-9]{0,18})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
                 st.from_regex(r"\.[0-9]{1,18}", fullmatch=True),
                 st.floats(min_value=0, allow_infinity=False, allow_nan=False).map(repr)))
def test_numbers_are_read_to_the_double_float_reads(number: str) -> None:
    """The compiled reader reads short plain decimals itself (an exact integer over an exact power of ten,
    one correctly rounded division): the same double as float(), to the last bit."""
    graph = read_compiled(f"x*{number}")
    assert graph is not None
    assert graph.nodes[-1].const.hex() == float(number).hex()
