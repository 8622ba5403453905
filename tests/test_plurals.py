"""A count's words agree with it in every language: "1 correcta", "2 correctas", "1 student", never
"1 correctas" (the catalogues' ``{n:one|other}`` forms, filled by graphstep.i18n.t)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from graphstep.checking.classroom import grade_class
from graphstep.i18n import LANGUAGES, catalogue, t
from tests.conftest import EXAMPLES, run_cli

PROGRAM = "x = -2\ny = 5\nz = -4\nq = x + y\nf = q z\n"
NEURON = EXAMPLES / "exercises" / "neuron.gstep"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("answers", "lang", "summary"), [
    ("? q = 3\n", "en", "1 answer: 1 right"),
    ("? q = 3\n", "es", "1 respuesta: 1 correcta"),
    ("? q = 3\n? f = 1\n? ∂f/∂x = 1\n", "en", "3 answers: 1 right, 2 wrong"),
    ("? q = 3\n? f = 1\n? ∂f/∂x = 1\n", "es", "3 respuestas: 1 correcta, 2 incorrectas"),
    ("? q = 3\n? f = -12\n? ∂f/∂x = 1\n", "es", "3 respuestas: 2 correctas, 1 incorrecta"),
    ("? q = 3\n? f = -12\n? ∂f/∂x =\n? ∂f/∂y =\n", "es", "4 respuestas: 2 correctas, 2 sin responder"),
])
def test_check_counts_its_answers_in_the_right_number(tmp_path: Path, answers: str, lang: str,
                                                      summary: str) -> None:
    result = run_cli("check", write(tmp_path, "ex.gstep", PROGRAM + answers), "--lang", lang)
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.splitlines()[0] == f"ex.gstep: {summary}"


def test_a_class_of_one_student_and_one_file_not_graded(tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    write(one, "ana.txt", "? f = 0.73\n")
    out = run_cli("check", str(NEURON), str(one), "--class").stdout.splitlines()
    assert out[0].startswith("neuron.gstep: 1 student, 10 answers each;")
    out = run_cli("check", str(NEURON), str(one), "--class", "--lang", "es").stdout.splitlines()
    assert out[0].startswith("neuron.gstep: 1 estudiante, 10 respuestas cada uno;")
    write(one, "broken.txt", "? f = banana\n")
    out = run_cli("check", str(NEURON), str(one), "--class").stdout.splitlines()
    assert out[0].startswith("neuron.gstep: 2 students, 10 answers each;")
    assert out[1] == ("1 could not be graded (its file is listed below with the reason); "
                      "the shares are of the others")
    spanish = run_cli("check", str(NEURON), str(one), "--class", "--lang", "es").stdout.splitlines()
    assert spanish[1] == ("1 no se pudo corregir (su archivo está abajo, con el motivo); "
                          "los porcentajes son del resto")
    write(one, "broken2.txt", "? f = pear\n")
    report = grade_class(NEURON.read_text(encoding="utf-8"), one, name="neuron.gstep")
    assert report.render("es").splitlines()[1].startswith("2 no se pudieron corregir (sus archivos están abajo")
    assert report.render("en").splitlines()[1].startswith("2 could not be graded (their files are listed")


def test_the_quizs_last_line_agrees_with_the_number_right() -> None:
    assert t("app.quiz_final", "es", right=1, asked=3) == "Fin de las preguntas: 1 correcta de 3"
    assert t("app.quiz_final", "es", right=2, asked=3) == "Fin de las preguntas: 2 correctas de 3"
    assert t("app.quiz_final", "en", right=1, asked=3) == "Quiz over: 1 of 3 right"


@pytest.mark.parametrize(("lang", "one", "two"), [("en", "lr 0.1, 1 step)", "lr 0.1, 2 steps)"),
                                             ("es", "lr 0.1, 1 paso)", "lr 0.1, 2 pasos)")])
def test_train_counts_its_steps(lang: str, one: str, two: str) -> None:
    xor = str(EXAMPLES / "xor_mlp.gstep")
    assert one in run_cli("train", xor, "--steps", "1", "--no-curve", "--lang", lang).stdout
    assert two in run_cli("train", xor, "--steps", "2", "--no-curve", "--lang", lang).stdout


@pytest.mark.parametrize(("n", "english", "spanish"), [
    (0, "0 primitive gates", "0 compuertas primitivas"),
    (1, "1 primitive gate", "1 compuerta primitiva"),
    (2, "2 primitive gates", "2 compuertas primitivas"),
    ("1", "1 primitive gate", "1 compuerta primitiva"),  # a count already written as text
])
def test_the_plural_form_follows_the_count(n: object, english: str, spanish: str) -> None:
    assert t("app.inspect_composite", "en", n=n).endswith(english)
    assert t("app.inspect_composite", "es", n=n).endswith(spanish)


def test_other_format_specs_still_work() -> None:
    assert t("grad.numerical", "en", h=1e-5) == "numerical (h = 1e-05)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_form_is_two_words_of_a_count_placeholder(lang: str) -> None:
    for key, text in catalogue(lang).items():
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        for _, name, spec, _ in string.Formatter().parse(text):
            if spec and "|" in spec:
                one, other = spec.split("|")  # exactly two forms
                assert one and other and one != other, (key, spec)
                assert name in fields, key

