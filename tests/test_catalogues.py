"""One catalogue per language: every catalogue has the keys and placeholders of the English one, and
errors are told in the user's language."""

from __future__ import annotations

import string
import subprocess
import sys

import pytest

from graphstep.errors import GraphstepError, SourceError
from graphstep.i18n import LANGUAGES, catalogue, t


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_catalogue_has_the_english_keys_and_placeholders(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    assert set(other) == set(english), (set(english) ^ set(other))
    wrong = {key: (placeholders(english[key]), placeholders(other[key]))
             for key in english if placeholders(english[key]) != placeholders(other[key])}
    assert not wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_keys_are_sectioned_and_placeholders_are_names(lang: str) -> None:
    messages = catalogue(lang)
    assert all("." in key for key in messages)
    # a literal brace is written {{ }}: every message is filled with str.format
    assert all(name.isidentifier() for text in messages.values() for name in placeholders(text))


def test_lookup_fills_fields() -> None:
    assert t("error.where", "es", line=2, column=5) == "línea 2, columna 5"
    assert t("error.where", "en", line=2, column=5) == "line 2, column 5"


def test_an_error_carries_a_key_and_is_rendered_in_the_users_language() -> None:
    error = GraphstepError("error.unknown_language", lang="fr", choices="en, es")
    assert str(error) == "unknown language 'fr'; choose one of: en, es"
    assert error.render("es") == "error: idioma desconocido 'fr'; elige uno de: en, es"


def test_a_source_error_keeps_its_caret_in_every_language() -> None:
    error = SourceError("error.unknown_language", "x + y", 4, None, lang="fr", choices="en")
    assert error.render("es").splitlines()[1:] == ["  --> línea 1, columna 5", "   | x + y", "   |     ^"]
    assert str(error).splitlines()[1] == "  --> line 1, column 5"


def test_eval_prints_its_error_in_spanish() -> None:
    result = subprocess.run([sys.executable, "-m", "graphstep", "eval", "x+", "--lang", "es"],
                            capture_output=True, text=True, env={"PYTHONPATH": ":".join(sys.path)})
    assert result.returncode == 2
    assert result.stderr.splitlines()[1] == "  --> línea 1, columna 3"
    assert result.stderr.splitlines()[0] == ("error: se esperaba un número, un nombre o '(' "
                                             "pero se encontró el final de la fórmula")


def test_a_missing_value_is_its_own_error_so_the_app_does_not_read_english_text() -> None:
    from graphstep.errors import MissingInputError
    from graphstep.parser import parse

    with pytest.raises(MissingInputError) as error:
        parse("f = x + y; x = 1").run()
    assert error.value.render("es") == "error: falta el valor de la entrada 'y': dalo como y=VALOR"


def test_every_op_explains_its_rule_in_every_language() -> None:
    from graphstep.ops import OPS

    for lang in LANGUAGES:
        assert all(f"rule.{name}" in catalogue(lang) for name in OPS)
    assert not [key for key in catalogue("en") if key.startswith("rule.") and key[5:] not in OPS]


def test_a_new_language_is_one_catalogue_plus_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from graphstep import i18n

    french = types.ModuleType("graphstep.locales.fr")
    french.MESSAGES = {**catalogue("en"), "error.where": "ligne {line}, colonne {column}"}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "graphstep.locales.fr", french)
    monkeypatch.setattr(i18n, "LANGUAGES", (*i18n.LANGUAGES, "fr"))
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    assert i18n.detect_lang() == "fr"
    assert t("error.where", "fr", line=1, column=3) == "ligne 1, colonne 3"
    i18n.catalogue.cache_clear()


@pytest.mark.parametrize(("source", "spanish"), [
    ("X = zeros(2); f = sum(X, axis=0.5)", "error: el eje debe ser un número entero"),
    ("f = zeros(x)", "error: cada tamaño de zeros debe ser un número escrito en la fórmula"),
    ("f = x +", "error: se esperaba un número, un nombre o '(' pero se encontró el final de la fórmula"),
])
def test_language_errors_are_told_in_spanish(source: str, spanish: str) -> None:
    from graphstep.parser import parse

    with pytest.raises(SourceError) as error:
        parse(source)
    assert error.value.render("es").splitlines()[0] == spanish
    assert error.value.render("en").splitlines()[0] == str(error.value).splitlines()[0]
