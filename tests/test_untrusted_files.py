"""Issue 13, security: what a student's file can read, and what reaches the lecturer's terminal."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy
import pytest

import graphstep
from graphstep.cli import main
from graphstep.errors import GraphstepError
from graphstep.textsafe import escape

SECRET = "root:x:0:0:TOPSECRET"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A student's folder, and a secret folder beside it."""
    student = tmp_path / "student"
    secret = tmp_path / "secret"
    student.mkdir()
    secret.mkdir()
    (secret / "passwd").write_text(SECRET + "\n")
    (secret / "secret.csv").write_text("4,2\n")
    return student, secret


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_load_of_an_absolute_path_outside_is_refused_without_quoting_it(folders: Any, capsys: Any) -> None:
    student, secret = folders
    exercise = student / "ex.gstep"
    exercise.write_text(f'S = load("{secret / "passwd"}")\nf = sum(S)\n? f = 1\n')
    code, out, err = _run(capsys, "check", str(exercise))
    assert code == 2
    assert "TOPSECRET" not in out + err
    assert "outside the folder" in err


def test_load_of_a_parent_path_is_refused_in_eval_json(folders: Any, capsys: Any) -> None:
    student, _ = folders
    source = student / "up.gstep"
    source.write_text('S = load("../secret/secret.csv")\nsum(S)\n')
    code, out, err = _run(capsys, "eval", str(source), "--json")
    assert code == 2 and out == ""
    assert "outside the folder" in err and "--allow-path" in err


def test_allow_path_widens_the_reach(folders: Any, capsys: Any) -> None:
    student, secret = folders
    source = student / "up.gstep"
    source.write_text('S = load("../secret/secret.csv")\nsum(S)\n')
    code, out, _ = _run(capsys, "eval", str(source), "--json", "--allow-path", str(secret))
    assert code == 0 and json.loads(out)["value"] == 6.0


def test_a_symlink_out_of_the_folder_is_refused(folders: Any) -> None:
    student, secret = folders
    (student / "data.csv").symlink_to(secret / "secret.csv")
    source = student / "link.gstep"
    source.write_text('S = load("data.csv")\nsum(S)\n')
    with pytest.raises(GraphstepError, match="outside the folder"):
        _eval_file(source)


def _eval_file(path: Path) -> Any:
    from graphstep.cli.common import load

    return load(str(path), [])


def test_relative_load_paths_resolve_against_the_source_folder_in_check(
        folders: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    student, _ = folders
    (student / "w.csv").write_text("1,2,3\n")
    exercise = student / "ex.gstep"
    exercise.write_text('W = load("w.csv")\nf = sum(W)\n? f = 6\n')
    monkeypatch.chdir(tmp_path)  # not the exercise's folder
    code, out, err = _run(capsys, "check", str(exercise))
    # found (check then refuses arrays, as it does for every array exercise), not "file not found"
    assert "file not found" not in err and "arrays" in err
    (tmp_path / "w.csv").write_text("5,5,5\n")  # a file of the same name in the current folder is not used
    code, out, err = _run(capsys, "eval", str(exercise), "--json")
    assert code == 0 and json.loads(out)["value"] == 6.0


def test_command_line_data_files_stay_the_users_own(tmp_path: Path, capsys: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    numpy.save(tmp_path / "x.npy", numpy.array([1.0, 2.0]))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, _ = _run(capsys, "eval", "sum(X)", f"X=@{tmp_path / 'x.npy'}", "--json")
    assert code == 0 and json.loads(out)["value"] == 3.0


# --- terminal control characters ---------------------------------------------------------------------------

ESC_CLEAR = "\x1b[2J\x1b[H"
BIDI = "\u202e"


def test_escape_writes_every_control_character_visibly() -> None:
    for char in ["\x1b", "\x07", "\r", "\x9b", "\x85", "\u202e", "\u2066", "\u200f", "\x7f", "\x00"]:
        assert char not in escape(f"a{char}b")
    assert escape("a\nb\tc") == "a\nb\tc"
    assert escape("a\nb", one_line=True) == "a\\u000ab"
    assert escape("∂f/∂x = −4 · σ²") == "∂f/∂x = −4 · σ²"


def test_error_lines_from_the_source_are_escaped(tmp_path: Path, capsys: Any) -> None:
    source = tmp_path / "evil.gstep"
    source.write_text(f"x = 3\nf = x + # {ESC_CLEAR}ALL ANSWERS RIGHT{BIDI}\n")
    code, _out, err = _run(capsys, "eval", str(source))
    assert code == 2
    assert "\x1b" not in err and BIDI not in err
    assert "\\u001b[2J" in err
    lines = err.splitlines()
    assert lines[-1].index("^") == len(lines[-2])  # the caret still points after the last character


@pytest.mark.parametrize("command", ["eval", "grad", "export", "train", "check"])
def test_file_names_with_control_characters_are_escaped(tmp_path: Path, capsys: Any, command: str) -> None:
    name = tmp_path / f"{ESC_CLEAR}ALL RIGHT.gstep"
    name.write_text("f = x +\n")
    extra = ["-o", str(tmp_path / "o.svg")] if command == "export" else []
    code, out, err = _run(capsys, command, str(name), *extra)
    assert code == 2
    assert "\x1b" not in out + err


def test_check_report_escapes_names_and_answer_lines(tmp_path: Path, capsys: Any) -> None:
    exercise = tmp_path / f"ex{BIDI}.gstep"
    exercise.write_text(f"x = 2\nf = x x\n? f = 4 # {ESC_CLEAR}\n? ∂f/∂x = 3\n")
    code, out, err = _run(capsys, "check", str(exercise))
    assert code == 1
    assert "\x1b" not in out + err and BIDI not in out + err
    code, out, err = _run(capsys, "check", str(exercise), "--json")
    assert BIDI not in out
    json.loads(out)  # still valid JSON: the escapes are JSON escapes


# --- what is read at all -------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("command", ["eval", "check"])
def test_a_fifo_is_refused_not_read(tmp_path: Path, capsys: Any, command: str) -> None:
    fifo = tmp_path / "pipe.gstep"
    os.mkfifo(fifo)
    code, _, err = _run(capsys, command, str(fifo))
    assert code == 2 and "not a regular file" in err


def test_dev_zero_as_an_answers_file_is_refused(tmp_path: Path, capsys: Any) -> None:
    exercise = tmp_path / "ex.gstep"
    exercise.write_text("x = 2\nf = x x\n? f = 4\n")
    code, _, err = _run(capsys, "check", str(exercise), "/dev/zero")
    assert code == 2 and "not a regular file" in err


@pytest.mark.parametrize("command", ["eval", "check", "grad", "train"])
def test_a_folder_named_like_a_source_is_named_a_folder(tmp_path: Path, capsys: Any, command: str) -> None:
    (tmp_path / "x.gstep").mkdir()
    code, _, err = _run(capsys, command, str(tmp_path / "x.gstep"))
    assert code == 2 and "is a folder" in err and len(err.strip().splitlines()) == 1


def test_a_huge_source_is_refused_before_it_is_read(tmp_path: Path, capsys: Any) -> None:
    big = tmp_path / "big.gstep"
    with open(big, "wb") as handle:
        handle.truncate(3 * 1024 * 1024 * 1024)  # sparse: 3 GB without using the disk
    code, _, err = _run(capsys, "eval", str(big))
    assert code == 2 and "too large" in err


def test_data_files_outside_are_refused_even_when_missing(folders: Any) -> None:
    student, _ = folders
    with pytest.raises(GraphstepError, match="outside the folder"):
        _eval_source(student, 'load("/nonexistent/x.npy")')


def _eval_source(folder: Path, text: str) -> Any:
    path = folder / "p.gstep"
    path.write_text(text)
    return _eval_file(path)


# --- export file modes ---------------------------------------------------------------------------------------


def test_export_keeps_a_private_files_mode(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "c.svg"
    out.write_text("old")
    out.chmod(0o600)
    assert main(["export", "xy", "x=1", "y=2", "-o", str(out), "--builtin"]) == 0
    assert out.read_text() != "old"
    assert out.stat().st_mode & 0o777 == 0o600


def test_export_honours_the_umask(tmp_path: Path, capsys: Any) -> None:
    old = os.umask(0o077)
    try:
        assert main(["export", "xy", "x=1", "y=2", "-o", str(tmp_path / "new.svg"), "--builtin"]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "new.svg").stat().st_mode & 0o777 == 0o600
    old = os.umask(0o022)
    try:
        assert main(["export", "xy", "x=1", "y=2", "-o", str(tmp_path / "open.svg"), "--builtin"]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "open.svg").stat().st_mode & 0o777 == 0o644


def test_the_app_shows_source_text_escaped() -> None:
    from graphstep.app.stepper import summary

    source = f'x = 2\nf = (x\n # {ESC_CLEAR}{BIDI}\n + 1) * 3\nS = "{ESC_CLEAR}"\n'
    assert "\x1b" not in summary(source) and "\\u001b" in summary(source)
    graph = graphstep.parse("x = 2\nf = (x # \x1b[2J\n+ 1) * 3")
    names = [graph.display_name(n.id) for n in graph.nodes]
    assert all("\x1b" not in name for name in names)


def test_the_apps_title_does_not_show_a_comment_as_code() -> None:
    """A comment runs to the end of its line (``\n``), whatever line breaks Python knows inside it: a CR,
    a form feed or U+2028 in a comment must not make the title show the comment's text as a statement."""
    from graphstep.app.stepper import summary

    for brk in ("\r", "\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"):
        source = f"x = 2\nf = x * x  # {brk}f = 1 + 1, all right"
        graphstep.parse(source)  # the comment really is one
        assert summary(source) == "x = 2; f = x * x"


def test_a_nul_byte_in_a_load_path_is_a_missing_file(folders: Any) -> None:
    student, _ = folders  # found by benchmarks/fuzz.py: a ValueError from the operating system's path call
    from graphstep.limits import limits

    with limits(student / "p.gstep"), pytest.raises(GraphstepError, match="file not found"):
        graphstep.parse('X = load("a\x00b.csv")\nsum(X)\n')
