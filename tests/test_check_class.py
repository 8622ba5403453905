"""Issue 12: a whole class graded at once: the class report, the gradebook CSV, JSON, the heatmap."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from graphstep.checking.classroom import grade_class
from graphstep.checking.planted import make_class
from graphstep.cli import main
from tests.conftest import run_cli

EXAMPLES = Path(__file__).parent.parent / "graphstep" / "examples"
NEURON = EXAMPLES / "exercises" / "neuron.gstep"
DEMO = EXAMPLES / "class" / "neuron"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "subs"
    out.mkdir()
    right = "\n".join(["? s = 1.00", "? e = 0.37", "? f = 0.73", "? ∂f/∂e = -0.53", "? ∂f/∂s = 0.20",
                       "? ∂f/∂w2 = 0.20", "? ∂f/∂x1 = -0.59", "? ∂f/∂w1 = -0.39", "? ∂f/∂x0 = 0.39",
                       "? ∂f/∂w0 = -0.20"]) + "\n"
    (out / "ana.txt").write_text(right, encoding="utf-8")
    (out / "bea.txt").write_text(right.replace("∂f/∂s = 0.20", "∂f/∂s = -0.20"), encoding="utf-8")
    (out / "=cmd\x1b.txt").write_text(right.replace("? f = 0.73", "? f = 1"), encoding="utf-8")
    (out / "broken.txt").write_text("? f = banana\n", encoding="utf-8")
    (out / ".hidden").write_text("not a student", encoding="utf-8")
    return out


def test_class_report_per_answer_and_per_student(folder: Path) -> None:
    report = grade_class(NEURON.read_text(encoding="utf-8"), folder, name="neuron.gstep")
    assert [s.student for s in report.submissions] == ["=cmd\\u001b", "ana", "bea", "broken"]
    assert [report.score(s) for s in report.submissions] == [9, 10, 9, 0]
    text = report.render("en")
    assert "neuron.gstep: 4 students, 10 answers each; mean score 7.0/10" in text
    assert "1 could not be graded" in text
    assert "∂f/∂s     67%     0%  sign flipped ×1" in text
    assert re.search(r"\nbea +9/10  ∂f/∂s = -0\.20: sign flipped\n", text)
    assert re.search(r"\nbroken +0/10  error: broken.txt:1:7: 'banana' is not a number", text)
    assert "\x1b" not in text
    assert "estudiantes" in report.render("es")


def test_gradebook_csv_imports_as_one_row_per_student(folder: Path) -> None:
    report = grade_class(NEURON.read_text(encoding="utf-8"), folder, name="neuron.gstep")
    rows = list(csv.reader(io.StringIO(report.to_csv())))
    assert rows[0][:4] == ["student", "score", "max", "s"] and rows[0][-1] == "∂f/∂w0" and len(rows[0]) == 13
    assert rows[1][:3] == ["'=cmd\\u001b", "9", "10"]  # a name that a spreadsheet would run is quoted
    assert rows[3][:3] == ["bea", "9", "10"] and rows[3][3:] == ["1", "1", "1", "1", "0", "1", "1", "1", "1", "1"]


def test_cli_class_report_csv_json_and_heatmap(folder: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    heat = tmp_path / "heat.svg"
    gradebook = tmp_path / "grades.csv"
    assert main(["check", str(NEURON), str(folder), "--class", "--csv", str(gradebook), "-o", str(heat)]) == 0
    assert "mean score" in capsys.readouterr().out
    assert gradebook.read_text(encoding="utf-8").startswith("student,score,max,s,e,f,")
    svg = heat.read_text(encoding="utf-8")
    assert "#fdd49e" in svg or "#fdbb84" in svg  # nodes coloured by share wrong
    assert "sign flipped ×1" in svg and "33% ✗" in svg
    assert main(["check", str(NEURON), str(folder), "--class", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["students"] == 4 and data["submissions"][3]["error"].startswith("error: broken.txt:1:7")
    assert data["submissions"][2]["first_mistake"] == "∂f/∂s = -0.20: sign flipped"
    assert data["answers"][4] == {"answer": "∂f/∂s", "right": 2 / 3, "blank": 0.0, "mistakes": {"sign flipped": 1}}
    assert main(["check", str(NEURON), str(folder), "--class", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[2].startswith("ana,10,10,")


@pytest.mark.parametrize("suffix", [".html", ".pdf", ".png"])
def test_heatmap_formats(folder: Path, tmp_path: Path, suffix: str) -> None:
    if shutil.which("dot") is None and suffix != ".html":
        pytest.skip("needs Graphviz")
    out = tmp_path / f"heat{suffix}"
    assert main(["check", str(NEURON), str(folder), "--class", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert {".html": b"<!DOCTYPE html>", ".pdf": b"%PDF", ".png": b"\x89PNG"}[suffix] in data[:20]


def test_class_bad_input_is_one_message(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(NEURON), str(tmp_path / "missing"), "--class"]) == 2
    assert "not a folder of submissions" in capsys.readouterr().err
    assert main(["check", str(NEURON), str(folder)]) == 2
    assert "add --class" in capsys.readouterr().err
    assert main(["check", str(NEURON), "--csv"]) == 2
    assert "--csv is for a class report" in capsys.readouterr().err
    assert main(["check", str(NEURON), str(folder), "--class", "-o", str(tmp_path / "heat.doc")]) == 2
    assert ".svg, .html, .pdf or .png" in capsys.readouterr().err
    bare = tmp_path / "bare.gstep"
    bare.write_text("x = 1\nf = 2x\n", encoding="utf-8")
    assert main(["check", str(bare), str(folder), "--class"]) == 2
    assert "asks nothing" in capsys.readouterr().err


def test_the_shipped_demo_is_what_the_generator_writes() -> None:
    files = make_class(NEURON.read_text(encoding="utf-8"))
    assert len(files) >= 30
    for name, text in files.items():
        assert (DEMO / f"{name}.txt").read_text(encoding="utf-8") == text
    report = grade_class(NEURON.read_text(encoding="utf-8"), DEMO, name="neuron.gstep")
    codes = {v.diagnosis.code for s in report.submissions for v in (s.report.verdicts if s.report else [])
             if v.diagnosis is not None}
    assert {"sign", "chain_order", "mul_swapped", "imprecise"} <= codes
    assert all(s.error is None for s in report.submissions)


def test_a_symlinked_submission_is_graded_as_an_error_never_read(folder: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A symlink used to drop the student from the report without a word; the README promises every file
    that cannot be graded gives its student 0 points and a one-line error."""
    secret = tmp_path / "secret.txt"
    secret.write_text("? f = 0.73\n", encoding="utf-8")
    (folder / "mallory.txt").symlink_to(secret)
    (folder / "nobody.txt").symlink_to(tmp_path / "missing.txt")  # dangling
    (folder / "outside").symlink_to(tmp_path)  # a folder
    from graphstep.checking import classroom

    read: list[str] = []
    real_read = classroom._read
    monkeypatch.setattr(classroom, "_read", lambda path: read.append(path.name) or real_read(path))
    report = grade_class(NEURON.read_text(encoding="utf-8"), folder, name="neuron.gstep")
    assert sorted(read) == ["=cmd\x1b.txt", "ana.txt", "bea.txt", "broken.txt"]  # the links never opened
    by_name = {s.student: s for s in report.submissions}
    assert set(by_name) == {"=cmd\\u001b", "ana", "bea", "broken", "mallory", "nobody", "outside"}
    for name in ("mallory", "nobody", "outside"):
        submission = by_name[name]
        assert submission.report is None and submission.error is not None
        assert submission.error.key == "class.symlink" and report.score(submission) == 0
    assert by_name["mallory"].error.text("en") == "mallory.txt: a symbolic link: not graded"  # type: ignore[union-attr]
    assert by_name["mallory"].error.text("es") == "mallory.txt: un enlace simbólico: no se califica"  # type: ignore[union-attr]
    text = report.render()
    assert "mallory.txt: a symbolic link: not graded" in text and "7 students" in text


@pytest.mark.parametrize(("args", "message"), [
    (["missing.gstep", "out"], "error: file not found: missing.gstep"),
    ([str(NEURON), "out", "--count", "-5"], "error: --count must be between 1 and 2000, not -5"),
    ([str(NEURON), "out", "--count", "0", "--lang", "es"], "error: --count debe ser un número entre 1 y 2000, no 0"),
    ([str(NEURON), "out", "--seed", "-1"], "error: --seed must be a whole number ≥ 0, not -1"),
])
def test_the_demo_generator_ends_with_one_error_line(args: list[str], message: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing exercise printed a FileNotFoundError traceback; ``--count -5`` wrote nothing and exited 0."""
    from graphstep.checking.planted import main as planted

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C")
    assert planted(args) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert not (tmp_path / "out").exists()


def test_the_demo_generator_cannot_write_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graphstep.checking.planted import main as planted

    (tmp_path / "file").write_text("", encoding="utf-8")
    assert planted([str(NEURON), str(tmp_path / "file" / "out"), "--count", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write ") and len(err.splitlines()) == 1
    assert planted([str(NEURON), str(tmp_path / "class"), "--count", "3"]) == 0
    assert sorted(p.name for p in (tmp_path / "class").iterdir()) == ["ana.txt", "bruno.txt", "carla.txt"]


def test_a_submission_swapped_for_a_symlink_after_the_listing_is_not_followed(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between listing the folder and reading a file, a student can swap it for a link to another file: the
    read itself refuses to follow it (the listing's look at the file is not enough)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("? f = 0.73\n", encoding="utf-8")
    (folder / "mallory.txt").symlink_to(secret)
    monkeypatch.setattr(Path, "is_symlink", lambda self: False)  # the look before reading saw a regular file
    report = grade_class(NEURON.read_text(encoding="utf-8"), folder, name="neuron.gstep")
    mallory = next(s for s in report.submissions if s.student == "mallory")
    assert mallory.report is None and mallory.error is not None and mallory.error.key == "class.symlink"
    assert "mallory.txt: a symbolic link: not graded" in report.render()


def test_reading_without_following_links_refuses_a_link_even_past_the_first_look(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from graphstep import files
    from graphstep.errors import GraphstepError

    target = tmp_path / "target.txt"
    target.write_text("secret", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert files.read_bytes(link, 100) == b"secret"  # followed where a link is fine (a lecturer's own file)
    with pytest.raises(GraphstepError) as refused:
        files.read_bytes(link, 100, "link.txt", follow_symlinks=False)
    assert refused.value.key == "file.symlink"
    # the link swapped in between the look (which saw the regular file) and the open: O_NOFOLLOW refuses it
    real_stat = os.stat
    monkeypatch.setattr(files.os, "stat", lambda path, follow_symlinks=True: real_stat(path))
    with pytest.raises(GraphstepError) as refused:
        files.read_bytes(link, 100, "link.txt", follow_symlinks=False)
    assert str(refused.value) == "link.txt is a symbolic link, which graphstep does not follow here"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_subfolder_and_a_fifo_are_named_in_the_report_never_opened(folder: Path) -> None:
    """They used to be skipped without a word; a FIFO opened for reading would wait for a writer forever
    (the command runs apart, with a time limit, so a hang fails the test instead of stopping the suite)."""
    (folder / "carla").mkdir()
    (folder / "carla" / "answers.txt").write_text("? f = 0.73\n", encoding="utf-8")
    os.mkfifo(folder / "dan.txt")
    english = run_cli("check", str(NEURON), str(folder), "--class", timeout=120)
    assert english.returncode == 0, english.stderr
    lines = english.stdout.splitlines()
    assert lines[0].startswith("neuron.gstep: 4 students")  # neither is a student with 0 points
    assert lines[2:4] == ["carla: a folder, not an answers file: not graded",
                          "dan.txt: not a regular file (a pipe, a device or a socket): not graded"]
    spanish = run_cli("check", str(NEURON), str(folder), "--class", "--lang", "es", "--json", timeout=120)
    assert json.loads(spanish.stdout)["skipped"] == [
        "carla: una carpeta, no un archivo de respuestas: no se califica",
        "dan.txt: no es un archivo normal (una tubería, un dispositivo o un socket): no se califica"]
