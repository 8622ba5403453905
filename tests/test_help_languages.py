"""``--help`` and argparse's own messages in the user's language: the language is chosen before the parser
is built (``--lang`` anywhere among the arguments, else LANG/LC_ALL), English stays the default."""

from __future__ import annotations

import contextlib
import io
import os

import pytest

from graphstep.cli import COMMANDS, main
from tests.conftest import run_cli

ENGLISH_ENV = {**{k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")},
               "LANG": "C.UTF-8", "COLUMNS": "100"}
SPANISH_ENV = {**ENGLISH_ENV, "LANG": "es_ES.UTF-8"}


def help_text(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as done:
        main([*args, "--help"])
    assert done.value.code == 0
    return out.getvalue()


def test_help_is_english_by_default() -> None:
    result = run_cli("eval", "--help", env=ENGLISH_ENV)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("usage: graphstep eval [-h]")
    assert "positional arguments:" in lines and "options:" in lines
    assert "  -h, --help            show this help message and exit" in lines
    assert any("decimals shown (default 2)" in line for line in lines)


def test_help_in_spanish_with_lang_and_with_the_environment() -> None:
    for result in (run_cli("eval", "--help", "--lang", "es", env=ENGLISH_ENV),
                   run_cli("eval", "--lang=es", "--help", env=ENGLISH_ENV),
                   run_cli("eval", "--help", env=SPANISH_ENV)):
        assert result.returncode == 0
        lines = result.stdout.splitlines()
        assert lines[0].startswith("uso: graphstep eval [-h]")
        assert "evalúa una fórmula: el valor y el gradiente de cada nodo, o los pasos en palabras" in lines
        assert "argumentos posicionales:" in lines and "opciones:" in lines
        assert "  -h, --help            muestra esta ayuda y termina" in lines
        assert any("decimales que se muestran (por defecto 2)" in line for line in lines)


def test_the_overview_in_both_languages() -> None:
    english = run_cli("--help", env=ENGLISH_ENV).stdout.splitlines()
    spanish = run_cli("--help", "--lang", "es", env=ENGLISH_ENV).stdout.splitlines()
    assert english[3] == "commands:" and spanish[3] == "órdenes:"
    assert english[4] == "  eval       evaluate a formula: every node's value and gradient, or the steps in words"
    assert spanish[4] == ("  eval       evalúa una fórmula: el valor y el gradiente de cada nodo, "
                          "o los pasos en palabras")
    assert len(english) == len(spanish)


def test_argparse_errors_in_spanish_keep_the_exit_code() -> None:
    english = run_cli("eval", "x", "--precision", "abc", env=ENGLISH_ENV)
    spanish = run_cli("eval", "x", "--precision", "abc", "--lang", "es", env=ENGLISH_ENV)
    assert english.returncode == spanish.returncode == 2
    assert english.stderr.splitlines()[-1] == "graphstep eval: error: argument --precision: invalid int value: 'abc'"
    assert spanish.stderr.splitlines()[-1] == "graphstep eval: error: argumento --precision: valor int no válido: 'abc'"
    assert spanish.stderr.startswith("uso: graphstep eval")
    missing = run_cli("export", "x", "--lang", "es", env=ENGLISH_ENV)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[-1] == ("graphstep export: error: faltan estos argumentos obligatorios: "
                                               "-o/--output")


def test_an_unknown_lang_falls_back_and_argparse_says_so_in_english() -> None:
    result = run_cli("eval", "x", "--lang", "fr", env=ENGLISH_ENV)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("graphstep eval: error: argument --lang: invalid choice: 'fr' "
                                              "(choose from 'en', 'es')")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("command", [*COMMANDS, "exercise new", "exercise handout", "exercise list"])
def test_every_help_text_is_found_in_the_catalogue(command: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No help text shows its key (a key missing from the catalogue would be printed as it is)."""
    monkeypatch.setenv("LC_ALL", {"en": "C.UTF-8", "es": "es_ES.UTF-8"}[lang])  # `exercise` itself has no --lang
    text = help_text(*command.split())
    assert "help." not in text and "argparse." not in text
    assert text.startswith("usage: " if lang == "en" else "uso: ")


def test_argparse_speaks_english_again_after_a_spanish_command() -> None:
    import argparse

    help_text("grad", "--lang", "es")
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]
    assert "show this help message and exit" in help_text("grad", "--lang", "en")


def test_the_demo_class_writer_has_its_help_in_spanish() -> None:
    from graphstep.checking.planted import main as planted

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        planted(["--help", "--lang", "es"])
    assert "Escribe una clase de demostración" in out.getvalue()
