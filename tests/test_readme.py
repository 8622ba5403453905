"""The README's console examples print what the README says they print (the front door stays true)."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest

from graphstep.cli import main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = ("eval", "check", "grad", "exercise")


def console_blocks() -> list[tuple[str, str]]:
    """(command, printed text) for each ```console block that runs one graphstep command which only prints."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        first, _, printed = block.partition("\n")
        command = first.strip().removeprefix("$ ")
        words = shlex.split(command, comments=True)
        if words[:1] == ["graphstep"] and words[1] in COMMANDS and "-o" not in words and "--plot" not in words:
            found.append((command, printed))
    return found


BLOCKS = console_blocks()


def test_the_readme_has_console_examples_to_check() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize(("command", "printed"), BLOCKS, ids=[c for c, _ in BLOCKS])
def test_a_readme_console_example_prints_what_it_shows(command: str, printed: str, capsys: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "120")  # check wraps its notes at the terminal's width, at most 110
    main(shlex.split(command, comments=True)[1:])
    out = "".join(line.rstrip() + "\n" for line in capsys.readouterr().out.rstrip("\n").splitlines())
    assert re.fullmatch(pattern(printed), out), out


def pattern(printed: str) -> str:
    """The printed text as a pattern: each line as written, a line of only ``...`` for any lines left out."""
    lines = printed.rstrip("\n").splitlines()
    return "".join("(?:.*\n)*?" if line.strip() in ("...", "…") else re.escape(line.rstrip()) + "\n" for line in lines)


def test_no_text_file_holds_a_merge_conflict() -> None:
    """A merge left `<<<<<<<` … `>>>>>>>` in the README once, and every other test passed."""
    marker = re.compile(r"^(<{7}|={7}|>{7})( |$)", flags=re.M)
    files = [ROOT / "README.md", *ROOT.glob("*.toml"), *(ROOT / "graphstep").rglob("*.py*"),
             *(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").rglob("*.py"), *(ROOT / ".ci").glob("*")]
    texts = {f: f.read_text(encoding="utf-8", errors="replace") for f in files if f.is_file() and f.suffix != ".pyc"}
    conflicted = [str(f.relative_to(ROOT)) for f, text in texts.items() if marker.search(text)]
    assert not conflicted
