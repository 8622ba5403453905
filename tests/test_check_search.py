"""Issue 12: a mistake further up the circuit (or two of them) is found and named where it happened."""

from __future__ import annotations

from graphstep.checking import Report, check, note

RELU = "w = 2\nx = 3\nb = -7\nf = 3 relu(w x + b)\n"


def verdicts(report: Report) -> dict[str, tuple[str, str | None]]:
    return {v.answer.label: (v.status, v.diagnosis.code if v.diagnosis else None) for v in report.verdicts}


def test_relu_opened_the_wrong_way_one_gate_further_back() -> None:
    report = check(RELU + "? f = 0\n? ∂f/∂b = 3\n? ∂f/∂w = 9\n? ∂f/∂x = 6\n")
    found = verdicts(report)
    assert found["f"] == ("right", None)
    for label in ("∂f/∂b", "∂f/∂w", "∂f/∂x"):
        assert found[label] == ("wrong", "relu_routed")
    text = report.render("en")
    assert "relu gate opened the wrong way (at relu)" in text
    (b,) = [v for v in report.verdicts if v.answer.label == "∂f/∂b"]
    assert "at the relu gate, opened the wrong way" in note(b)
    assert "is -1.00, so it sends back 0.00, not 3.00" in note(b)
    assert "en la compuerta relu, abierta al revés" in note(b, "es")


def test_fan_out_not_summed_one_gate_further_back() -> None:
    report = check("x = 2\nu = x + 1\nf = 2*(u*u)\n? ∂f/∂x = 6\n")
    assert verdicts(report)["∂f/∂x"] == ("wrong", "fanout")
    assert "u fans out to 2 gates" in note(report.verdicts[0])
    assert "6.00 + 6.00 = 12.00" in note(report.verdicts[0])


def test_max_routed_one_gate_further_back_names_the_larger_input() -> None:
    report = check("x = 3\ny = -4\nz = 2\nw = -1\nf = 2(xy + max(z, 3w))\n? ∂f/∂w = 6\n")
    assert verdicts(report)["∂f/∂w"] == ("wrong", "max_routed")
    assert "only the larger input, z (2.00), receives it" in note(report.verdicts[0])


def test_chain_order_in_the_unnamed_neuron() -> None:
    source = "w0 = 2\nx0 = -1\nw1 = -3\nx1 = -2\nw2 = -3\nf = 1/(1 + exp(-(w0x0 + w1x1 + w2)))\n"
    report = check(source + "? ∂f/∂w2 = 2.718\n")
    assert verdicts(report)["∂f/∂w2"] == ("wrong", "chain_order")
    text = note(report.verdicts[0])
    assert "+1 and then 1/x" in text and "your 2.718" in text


def test_two_mistakes_together() -> None:
    # relu opened the wrong way sends 3 back; then the w·x gate multiplies by w's own value: 3 × 2 = 6.
    report = check(RELU + "? ∂f/∂w = 6\n")
    verdict = report.verdicts[0]
    assert verdict.status == "wrong" and verdict.diagnosis is not None
    assert verdict.diagnosis.code == "pair"
    codes = [p["code"] for p in verdict.diagnosis.fields["faults"]]
    assert codes == ["relu_routed", "mul_swapped"]
    assert "two mistakes" in report.render("en") and "dos errores" in report.render("es")


def test_a_number_no_mistake_explains_stays_unknown() -> None:
    report = check(RELU + "? ∂f/∂b = 123\n")
    assert verdicts(report)["∂f/∂b"] == ("wrong", "unknown")


NEURON = "w0 = 2\nx0 = -1\nw1 = -3\nx1 = -2\nw2 = -3\nf = 1/(1 + exp(-(w0x0 + w1x1 + w2)))\n"


def test_a_lazy_sheet_is_too_imprecise_not_perfect() -> None:
    # f = 0.7311, ∂f/∂x1 = -0.59, ∂f/∂w0 = -0.1966: each is "right" to the one digit written.
    report = check(NEURON + "? f = 1\n? ∂f/∂x1 = -1\n? ∂f/∂w0 = 0\n")
    assert not report.ok and report.exit_code == 1
    assert [v.status for v in report.verdicts] == ["imprecise"] * 3
    text = report.render("en")
    assert "asks for 2 decimals, and 1 is right only to the digits written; to 2 decimals it is 0.73" in text
    assert "demasiado impreciso" in report.render("es")


def test_fewer_digits_are_fine_when_they_are_the_answer() -> None:
    report = check(RELU + "? f = 0\n? ∂f/∂w = 0\n")
    assert report.ok


def test_the_exercise_states_its_precision() -> None:
    assert check(NEURON + "# decimals: 0\n? f = 1\n").ok
    assert not check(NEURON + "# decimals: 3\n? f = 0.73\n").ok
    assert check(NEURON + "# decimals: 3\n? f = 0.731\n").ok
    assert check(NEURON + "? f = 0.7\n", decimals=1).ok
    assert not check(NEURON + "# decimals: 1\n? f = 0.7\n", decimals=2).ok  # the command line wins


def test_first_mistake_is_the_one_closest_to_the_output() -> None:
    # ∂f/∂a is one gate from the output, ∂f/∂x three; x was created first (a lower internal id).
    report = check("a = 5\nx = 2\nf = (x x + 1) a\n? ∂f/∂x = 1\n? ∂f/∂a = 1\n")
    first = report.first_wrong
    assert first is not None and first.answer.label == "∂f/∂a"


def test_follows_quotes_the_student_numbers_as_written() -> None:
    named = "w0 = 2\nx0 = -1\nw1 = -3\nx1 = -2\nw2 = -3\ns = w0x0 + w1x1 + w2\nf = 1/(1 + exp(-s))\n"
    report = check(named + "? ∂f/∂s = 2.718\n? ∂f/∂x0 = 5.44\n")
    assert report.verdicts[0].status == "wrong"
    follows = report.verdicts[1]
    assert follows.status == "follows"
    assert "2.718 × 2.00 = 5.436" in note(follows) and "2.72" not in note(follows)


def test_messages_write_products_with_times() -> None:
    report = check("x = 3\ny = -4\nq = x y\nf = 2q\n? q = -11\n? ∂f/∂x = 4\n")
    text = report.render("en")
    assert "*" not in text and "×" in text


def test_bad_input_headline_names_file_line_and_column() -> None:
    import pytest

    from graphstep.errors import GraphstepError

    with pytest.raises(GraphstepError, match=r"sheet.gstep:3:3: no node named 'zz'"):
        check("x = 2\nf = 3x\n? zz = 1\n", name="sheet.gstep")


def test_a_node_the_output_does_not_read_has_no_mistake_to_find() -> None:
    report = check("x = 1\ny = 2\nf = 3x\n? ∂f/∂y = 5\n")
    assert verdicts(report)["∂f/∂y"] == ("wrong", "unknown")


def test_the_max_note_says_which_input_is_larger() -> None:
    report = check("x = 3\ny = -4\nz = 2\nw = -1\nq = xy\nm = max(z, w)\nf = 2(q + m)\n? ∂f/∂w = 2\n")
    assert verdicts(report)["∂f/∂w"] == ("wrong", "max_routed")
    assert "only the larger input, z (2.00), receives it" in note(report.verdicts[0])
    assert "sólo la entrada mayor, z (2.00), lo recibe" in note(report.verdicts[0], "es")


def test_a_value_mistake_further_up_is_found() -> None:
    report = check("x = 3\ny = -4\nz = 2\nw = -1\nf = 2(xy + max(z, w))\n? f = -26\n")
    assert verdicts(report)["f"] == ("wrong", "max_picked")
    assert "the max gate passed on the other input: -1.00 instead of 2.00" in note(report.verdicts[0])
    report = check(RELU + "? f = -3\n")
    assert verdicts(report)["f"] == ("wrong", "relu_value")
    assert "relu dejó pasar una entrada negativa (en relu)" in report.render("es")
