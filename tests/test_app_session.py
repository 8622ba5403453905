"""The app's model without a terminal: loading, expand/collapse in place, the quiz and its tolerance."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import graphstep
from graphstep.app.session import Session
from graphstep.errors import GraphstepError
from graphstep.trace import BackwardStep, ForwardStep

EXAMPLES = Path(graphstep.__file__).parent / "examples"


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_bad_formula_keeps_the_previous_one() -> None:
    session = Session("f = xy", {"x": 4, "y": -3})
    session.goto(2)
    with pytest.raises(GraphstepError) as error:
        session.load("f = x +* y", {})
    assert "^" in str(error.value)
    assert session.source == "f = xy" and session.cursor == 2 and session.trace.value == -12


def test_edit_drops_values_of_names_the_formula_lost() -> None:
    session = Session("f = x + y", {"x": 1, "y": 2})
    session.load("f = 3x", {"x": 2, "y": 5}, lenient=True)
    assert session.trace.value == 6
    with pytest.raises(GraphstepError):
        session.load("f = 3x", {"x": 2, "y": 5})


def test_expand_and_collapse_a_sigmoid_in_place() -> None:
    session = Session("f = sigmoid(a*b)", {"a": 0.5, "b": -3})
    expected = sigmoid(-1.5)
    sig = next(n.id for n in session.graph.nodes if n.op == "sigmoid")
    # stand on the sigmoid's forward step, then expand it
    session.goto(next(s.index + 1 for s in session.steps if s.node == sig))
    assert session.toggle(sig) == ("expanded", "sigmoid")
    ops = [n.op for n in session.graph.nodes if n.group is not None]
    assert ops == ["mul_const", "exp", "add_const", "rdiv_const"]
    assert session.trace.value == pytest.approx(expected)
    # the cursor is on the forward step of the chain's last gate (the one that stands for the sigmoid)
    current = session.steps[session.cursor - 1]
    assert isinstance(current, ForwardStep) and session.graph.nodes[current.node].op == "rdiv_const"
    # gradients agree with the collapsed gate
    grad_a = session.trace.grad("a")
    assert grad_a == pytest.approx(expected * (1 - expected) * -3)
    # collapse from any gate of the chain
    member = next(n.id for n in session.graph.nodes if n.op == "exp")
    assert session.toggle(member) == ("collapsed", "sigmoid")
    assert [n.op for n in session.graph.nodes].count("sigmoid") == 1
    assert session.steps[session.cursor - 1].node == sig


def test_expand_keeps_the_end_of_the_backward_pass() -> None:
    session = Session((EXAMPLES / "staged.gstep").read_text())
    session.goto(session.total)
    sig = next(n.id for n in session.graph.nodes if n.op == "sigmoid")
    session.toggle(sig)
    assert session.cursor == session.total
    assert session.toggle(next(n.id for n in session.graph.nodes if n.op == "mul")) is None  # not composite


def test_quiz_right_wrong_and_honest_rounding() -> None:
    session = Session((EXAMPLES / "neuron.gstep").read_text())
    question = session.question("en")
    assert question is not None and question.expected == (-2.0,)
    assert session.answer("-2", "en")[0] is True
    assert session.answer("5", "en")[0] is False  # w1*x1 = 6
    assert session.cursor == 2 and (session.right, session.asked) == (1, 2)
    with pytest.raises(ValueError):
        session.answer("six", "en")
    assert session.cursor == 2
    # the output's value 0.7311 written as 0.73 is right; 0.74 is not
    session.goto(session.trace.forward_end - 1)
    assert session.answer("0.73", "en")[0] is True
    session.goto(session.trace.forward_end - 1)
    assert session.answer("0.74", "en")[0] is False
    # a mul gate on the backward pass asks for both contributions, in input order
    step = next(s for s in session.steps if isinstance(s, BackwardStep) and len(s.sent) == 2
                and session.graph.nodes[s.node].op == "mul")
    session.goto(step.index)
    question = session.question("es")
    assert question is not None and len(question.expected) == 2
    given = " ".join(f"{v:.2f}" for v in question.expected)
    assert session.answer(given, "es")[0] is True


def test_layout_is_computed_once_per_graph() -> None:
    session = Session((EXAMPLES / "neuron.gstep").read_text())
    geometry = session.geometry
    for k in range(session.total + 1):
        session.goto(k)
        session.state()
    assert session.geometry is geometry
    session.load(session.source, {"w0": 1.0})
    assert session.geometry is not geometry  # new values: the number slots are sized again
