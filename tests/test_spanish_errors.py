"""Every area's errors, through the real command line, in Spanish: the same exit code, the same
file:line:column, the same source line and caret as in English; only the words change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_cli

EXERCISE = "x = 3\ny = -4\nq = x + y\nf = q * 2\n? q = -1\n"


def both(*args: str, env: dict[str, str] | None = None) -> tuple[list[str], list[str], int]:
    """stderr lines in English and in Spanish, and the exit code (the same in both, or the test fails)."""
    environment = {**os.environ, **(env or {})}
    english = run_cli(*args, "--lang", "en", env=environment)
    spanish = run_cli(*args, "--lang", "es", env=environment)
    assert english.returncode == spanish.returncode
    return english.stderr.splitlines(), spanish.stderr.splitlines(), spanish.returncode


def test_a_missing_file(tmp_path: Path) -> None:
    english, spanish, code = both("eval", str(tmp_path / "nothere.gstep"))
    assert code == 2
    assert english == [f"error: file not found: {tmp_path / 'nothere.gstep'}"]
    assert spanish == [f"error: no se encontró el archivo: {tmp_path / 'nothere.gstep'}"]


def test_an_option_out_of_range() -> None:
    english, spanish, code = both("eval", "x*y", "x=1", "y=2", "--precision", "99")
    assert code == 2
    assert english == ["error: --precision must be between 0 and 17, not 99"]
    assert spanish == ["error: --precision debe ser un número entre 0 y 17, no 99"]


def test_an_export_error(tmp_path: Path) -> None:
    out = str(tmp_path / "c.svg")
    english, spanish, code = both("export", "x*y", "x=1", "y=2", "-o", out, "--step", "9")
    assert code == 2
    assert english == ["error: --step must be between 0 and 3 (this trace has 3 steps), got 9"]
    assert spanish == ["error: --step debe estar entre 0 y 3 (esta ejecución tiene 3 pasos), pero es 9"]
    english, spanish, code = both("export", "x*y", "x=1", "y=2", "-o", str(tmp_path / "c.xyz"))
    assert code == 2
    assert spanish[0].startswith(f"error: no se sabe el formato de {tmp_path / 'c.xyz'}: la salida debe terminar en")
    assert not (tmp_path / "c.svg").exists()


def test_a_missing_graphviz_in_spanish_and_the_note_of_the_fallback(tmp_path: Path) -> None:
    no_dot = {"GRAPHSTEP_NO_DOT": "1"}
    english, spanish, code = both("export", "x*y", "x=1", "y=2", "-o", str(tmp_path / "c.png"), env=no_dot)
    assert code == 2
    assert english[0].startswith("error: .png output needs the Graphviz `dot` binary, which was not found; install")
    assert spanish[0].startswith("error: la salida .png necesita el programa `dot` de Graphviz, que no se encontró; "
                                 "instala Graphviz con `apt-get install graphviz`")
    english, spanish, code = both("export", "x*y", "x=1", "y=2", "-o", str(tmp_path / "c.svg"), env=no_dot)
    assert code == 0
    assert spanish[0].startswith("nota: no se encontró `dot` de Graphviz, así que graphstep dibujó el diagrama")
    result = run_cli("export", "x*y", "x=1", "y=2", "-o", str(tmp_path / "c.svg"), "--lang", "es",
                     env={**os.environ, **no_dot})
    assert result.stdout.strip() == f"se escribió {tmp_path / 'c.svg'}"


def test_a_check_error_keeps_its_place_and_caret(tmp_path: Path) -> None:
    exercise = tmp_path / "ex.gstep"
    exercise.write_text(EXERCISE + "? ∂f/∂x = abc\n", encoding="utf-8")
    english, spanish, code = both("check", str(exercise))
    assert code == 2
    assert english[0] == "error: ex.gstep:6:11: 'abc' is not a number (write it like -4, 0.73 or 1.5e-3)"
    assert spanish[0] == "error: ex.gstep:6:11: 'abc' no es un número (escríbelo como -4, 0.73 o 1.5e-3)"
    assert spanish[1:] == english[1:] == ["   | ? ∂f/∂x = abc", "   |           ^^^"]


def test_a_check_answer_about_an_unknown_node(tmp_path: Path) -> None:
    exercise = tmp_path / "ex.gstep"
    exercise.write_text(EXERCISE + "? ∂f/∂z = 2\n", encoding="utf-8")
    english, spanish, code = both("check", str(exercise))
    assert code == 2
    assert english == ["error: ex.gstep:6:3: no node named 'z' in this exercise (named nodes: f, q, x, y)"]
    assert spanish == ["error: ex.gstep:6:3: no hay ningún nodo llamado 'z' en este ejercicio "
                       "(nodos con nombre: f, q, x, y)"]


def test_a_gate_error_keeps_its_line_and_column() -> None:
    source = "Z = zeros(2, 3); y = [0, 7]; f = cross_entropy(Z, y)"
    english, spanish, code = both("eval", source)
    assert code == 2
    assert english == ["error: cannot compute CE at line 1, column 34 on inputs of shapes (2, 3), (2,): "
                       "class labels must be whole numbers from 0 to 2"]
    assert spanish == ["error: no se puede calcular CE en la línea 1, columna 34, con entradas de formas (2, 3), "
                       "(2,): las etiquetas de clase deben ser números enteros de 0 a 2"]


def test_a_parse_error_keeps_its_caret() -> None:
    english, spanish, code = both("eval", "x + * y")
    assert code == 2
    assert spanish[0].startswith("error: se esperaba")
    assert spanish[1] == "  --> línea 1, columna 5" and english[1] == "  --> line 1, column 5"
    assert spanish[2:] == english[2:] == ["   | x + * y", "   |     ^"]


def test_train_options_and_the_loss_curve_in_spanish(tmp_path: Path) -> None:
    _, spanish, code = both("train", "W = param(1); f = W*W", "--plot", str(tmp_path / "loss.svg"))
    assert code == 2
    assert spanish == [f"error: --plot escribe un PNG: da un nombre de archivo terminado en .png, "
                       f"no {str(tmp_path / 'loss.svg')!r}"]
    from graphstep.lossplot import terminal_plot

    curve = terminal_plot([100.0, 10.0, 1.0, 0.1], width=8, height=4, lang="es")
    assert curve.splitlines()[0] == "pérdida (escala logarítmica)"
    assert curve.splitlines()[-1].endswith("  paso")


def test_the_library_errors_carry_keys() -> None:
    """The Python API's errors are keyed too: a notebook user can render them in Spanish."""
    import graphstep
    from graphstep.errors import GraphstepError
    from graphstep.export import DrawOptions

    with pytest.raises(GraphstepError) as error:
        DrawOptions(rankdir="XY")
    assert error.value.key == "export.one_of"
    with pytest.raises(GraphstepError) as error:
        graphstep.parse("f = x * y").run(x=1, y=2).grad("z")
    assert error.value.key == "error.no_node_named"
    assert error.value.render("es") == "error: no hay ningún nodo llamado 'z'; nodos con nombre: f, x, y"


def test_the_eval_table_speaks_spanish() -> None:
    spanish = run_cli("eval", "(x+y)z", "x=1", "y=2", "z=3", "--lang", "es")
    english = run_cli("eval", "(x+y)z", "x=1", "y=2", "z=3")
    assert spanish.stdout.splitlines()[0] == "id  op  nombre  entradas  valor  ∂f/∂·"
    assert english.stdout.splitlines()[0] == "id  op  name  inputs  value  ∂f/∂·"
    assert [line.split() for line in spanish.stdout.splitlines()[2:]] == \
        [line.split() for line in english.stdout.splitlines()[2:]]


def test_a_python_warning_is_headed_in_the_commands_language(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    import warnings
    from typing import Any

    from graphstep.cli import eval_cmd, main

    original = eval_cmd.table

    def noisy(*args: Any) -> str:
        warnings.warn("overflow encountered in multiply", RuntimeWarning, stacklevel=1)
        return original(*args)

    monkeypatch.setattr(eval_cmd, "table", noisy)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # the environment says English; --lang es wins
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["eval", "xy", "x=1", "y=2", "--lang", "es"]) == 0
    assert capsys.readouterr().err.strip().splitlines() == ["aviso: overflow encountered in multiply"]


def test_array_summaries_speak_the_language_and_english_is_unchanged() -> None:
    """An array's summary (min, mean, max; an empty tensor) takes its words from the catalogue; English reads
    exactly as before, so golden files and snapshots hold."""
    import numpy

    from graphstep.numbers import fmt, fmt_compact

    a = numpy.arange(12.0).reshape(3, 4)
    assert fmt(a) == "[3×4: min 0.00, mean 5.50, max 11.00]"
    assert fmt(a, 2, "es") == "[3×4: mín 0.00, media 5.50, máx 11.00]"
    assert fmt(numpy.zeros((0, 2), "float32")) == "[0×2 float32: empty]"
    assert fmt(numpy.zeros((0, 2)), 2, "es") == "[0×2: vacío]"
    assert fmt_compact(a) == fmt_compact(a, 2, "es") == "3×4 μ5.50"
    assert fmt_compact(numpy.zeros((0, 2)), 2, "es") == "vacío"
    spanish = run_cli("eval", "x = [[1, 2], [3, 4]]\nsum(x*x)", "--lang", "es")
    assert "∂f/∂x = [2×2: mín 2.00, media 5.00, máx 8.00]" in spanish.stdout, spanish.stdout + spanish.stderr
