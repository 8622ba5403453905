"""The language: precedence, associativity, implicit multiplication, names, LaTeX, Unicode, programs, errors."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphstep
from graphstep import GraphstepError, SourceError, parse
from graphstep.limits import limits


def value(source: str, **values: float) -> float:
    return float(parse(source).run(**values).value)


def same_graph(a: str, b: str) -> bool:
    return parse(a).structure() == parse(b).structure()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("2 ^ 3 ^ 2", 512.0),  # right-associative
        ("2 ** 3 ** 2", 512.0),
        ("-2^2", -4.0),  # -(2^2)
        ("2^-1", 0.5),
        ("10 - 4 - 3", 3.0),  # left-associative
        ("12 / 3 / 2", 2.0),
        ("1e-3 * 1000", 1.0),
        (".5 + 0.5", 1.0),
        ("3²", 9.0),
        ("2³", 8.0),
        ("√4", 2.0),
        ("6 ÷ 3", 2.0),
        ("3 − 1", 2.0),
        ("2 · 3 × 4", 24.0),
        ("π", math.pi),
        ("e^1", math.e),
    ],
)
def test_constant_arithmetic(source: str, expected: float) -> None:
    assert value(source) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("implicit", "explicit"),
    [
        ("xy", "x*y"),
        ("2x", "2*x"),
        ("w0x0", "w0*x0"),
        ("2(x+y)", "2*(x+y)"),
        ("(a+b)(c-d)", "(a+b)*(c-d)"),
        ("x_1y_2", "x_1*y_2"),
        ("w_{12}x", "w12*x"),
        ("-x^2", "-(x^2)"),
        ("2x^2", "2*(x^2)"),
        ("xexp(y)", "x*exp(y)"),
        ("x²+2y²", "x^2 + 2*y^2"),
        ("σ(x)", "sigmoid(x)"),
        ("αβ", "alpha*beta"),
    ],
)
def test_implicit_multiplication_and_names(implicit: str, explicit: str) -> None:
    assert same_graph(implicit, explicit)


def test_latex_neuron_builds_the_same_graph():
    latex = r"\frac{1}{1+e^{-(w_0x_0+w_1x_1+w_2)}}"
    plain = "1/(1+exp(-(w_0*x_0+w_1*x_1+w_2)))"
    assert same_graph(latex, plain)
    assert same_graph(plain, "1/(1+exp(-(w0x0+w1x1+w2)))")


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"x \cdot y", "x*y"),
        (r"x \times y", "x*y"),
        (r"\left( x + y \right) z", "(x+y)z"),
        (r"\exp(x) + \log(y)", "exp(x) + log(y)"),
        (r"\max(z, w)", "max(z, w)"),
        (r"\sigma(x)", "sigmoid(x)"),
        (r"\sqrt{x}", "sqrt(x)"),
        (r"\frac{x}{y+1}", "x/(y+1)"),
        (r"x^{2}", "x^2"),
    ],
)
def test_latex_subset(latex: str, plain: str) -> None:
    assert same_graph(latex, plain)


def test_graph_shape_follows_the_source():
    chain = parse("1/(1+exp(-t))")
    assert [n.label for n in chain.nodes if not n.is_leaf] == ["*-1", "exp", "+1", "1/x"]
    gate = parse("sigmoid(t)")
    assert [n.label for n in gate.nodes if not n.is_leaf] == ["σ"]
    assert [n.label for n in parse("(x+y)*2").nodes if not n.is_leaf] == ["+", "*2"]
    assert [n.label for n in parse("x - 1").nodes if not n.is_leaf] == ["-1"]
    assert [n.label for n in parse("1 - x").nodes if not n.is_leaf] == ["1-x"]


def test_operand_order_and_repeated_edges_are_kept():
    g = parse("x - y")
    assert g.nodes[g.output].inputs == (g.inputs["x"], g.inputs["y"])
    square = parse("x*x")
    x = square.inputs["x"]
    assert square.nodes[square.output].inputs == (x, x)
    assert square.run(x=3).grad("x") == 6.0
    assert square.to_networkx().number_of_edges(x, square.output) == 2


def test_programs_bindings_names_comments():
    source = """
    # the chain rule example
    x = -2; y = 5
    z = -4
    q = x + y   # named intermediate
    f = q * z
    """
    g = parse(source)
    assert set(g.inputs) == {"x", "y", "z"}
    assert g.nodes[g.names["q"]].label == "+"
    assert g.output_name == "f"
    t = g.run()
    assert (t.value, t.grad("q")) == (-12.0, -4.0)


def test_values_may_follow_the_formula():
    t = parse("f = xy\nx = 4\ny = -3").run()
    assert t.value == -12.0


def test_longer_names_bound_by_the_program_stay_whole():
    g = parse("lr = 0.1\ngrad = 3\nstep = lr * grad")
    assert set(g.inputs) == {"lr", "grad"}
    assert g.run().value == pytest.approx(0.3)


def test_command_line_names_stay_whole():
    assert set(parse("rate * x", names=["rate"]).inputs) == {"rate", "x"}


@pytest.mark.parametrize(
    ("source", "message", "line", "column"),
    [
        ("x +", "expected a number", 1, 4),
        ("(x + y", "never closed", 1, 1),
        ("x + y)", "unexpected ')'", 1, 6),
        ("tan(x)", "unknown function 'tan'", 1, 1),
        ("x $ y", "unexpected character", 1, 3),
        ("x = 1\ny = 2 +\nf = x", "expected a number", 2, 8),
        ("max(x)", "takes 2 arguments", 1, 1),
        (r"\foo{x}", "unknown LaTeX command", 1, 1),
        ("", "no formula", 1, 1),
        ("x = 1; x = 2", "already defined", 1, 8),
        ("3 4", "unexpected '4'", 1, 3),
        ("exp = 3", "is a function", 1, 1),
    ],
)
def test_errors_name_line_and_column(source: str, message: str, line: int, column: int) -> None:
    with pytest.raises(SourceError) as caught:
        parse(source)
    error = caught.value
    assert message in str(error)
    assert (error.line, error.column) == (line, column)
    # the caret sits under the column
    caret_line = str(error).splitlines()[-1]
    assert caret_line.index("^") - len("   | ") == column - 1


def test_deep_nesting_is_an_error_not_a_crash():
    source = "(" * 100_000 + "x" + ")" * 100_000
    start = time.perf_counter()
    with pytest.raises(SourceError, match="nested too deeply"):
        parse(source)
    assert time.perf_counter() - start < 5


def test_moderate_nesting_works():
    assert value("(" * 300 + "x" + ")" * 300, x=2.0) == 2.0


def test_long_left_associative_chain_parses_iteratively():
    with limits(max_nodes=None):  # over the default node cap for files: the Python API lifts it
        g = parse("x" + "+1" * 50_000)
    assert g.run(x=0).value == 50_000


def test_deep_nesting_in_a_fresh_process_prints_a_message():
    code = (
        "import graphstep\ntry:\n graphstep.parse('('*100000+'x'+')'*100000)\n"
        "except graphstep.SourceError:\n print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


ALPHABET = st.sampled_from([*list("xyzw0123456789.+-*/^()[]{},;=#\n \\_²σ·e"), "exp", "max", r"\frac", "@", "**"])


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_garbage_gives_a_positioned_error_or_a_graph(source: str) -> None:
    try:
        graph = parse(source)
    except SourceError as error:
        assert error.line >= 1 and error.column >= 1
        assert "^" in str(error)
    except GraphstepError:
        pass
    else:
        assert isinstance(graph, graphstep.Graph)


@pytest.mark.parametrize("name", ["x", "w0", "x_1", "v12", "α", "x1_2", "lr", "loss", "αβ", "x1_2a", "w_ij", "ab0"])
def test_bindings_the_tokenizer_must_keep_whole_are_found_in_one_pass(name: str) -> None:
    """The binding pattern skips names of one letter with digits or a `_` subscript (read whole anyway) and
    finds every other bound name, the same set the lexer's own filter keeps."""
    from graphstep.lexer import _SIMPLE_NAME
    from graphstep.parser import _BINDING

    needs_help = _SIMPLE_NAME.match(name) is None
    for source in (f"{name} = 2\nf = 3{name}", f"f = 1; {name}=2", f"f = randn(2, {name}=1)"):
        assert _BINDING.findall(source) == ([name] if needs_help else [])
