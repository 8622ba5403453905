"""The README's promise, kept honest: adding French is one new catalogue file plus one line in i18n.py.

A copy of the package gets a throwaway ``locales/fr.py`` (English with a few French markers) and ``"fr"`` in
``LANGUAGES``; nothing else changes, and the real command line then speaks French: errors, ``--help``,
argparse's own words, and ``LANG=fr_FR`` picks it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "graphstep"

FRENCH = {
    '"error.prefix": "error: {message}"': '"error.prefix": "erreur : {message}"',
    '"argparse.usage": "usage: "': '"argparse.usage": "utilisation : "',
    '"help.cmd_eval": "evaluate a formula: every node\'s value and gradient, or the steps in words"':
        '"help.cmd_eval": "évaluer une formule : la valeur et le gradient de chaque nœud"',
}


def french_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "graphstep"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    english = (copy / "locales" / "en.py").read_text(encoding="utf-8")
    french = english
    for line, translated in FRENCH.items():
        assert line in french, line
        french = french.replace(line, translated)
    (copy / "locales" / "fr.py").write_text(french, encoding="utf-8")  # the one new file
    i18n = copy / "i18n.py"
    before = i18n.read_text(encoding="utf-8")
    after = before.replace('LANGUAGES = ("en", "es")', 'LANGUAGES = ("en", "es", "fr")')  # the one line
    assert sum(a != b for a, b in zip(before.splitlines(), after.splitlines(), strict=True)) == 1
    i18n.write_text(after, encoding="utf-8")
    return tmp_path


def run(root: Path, *args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")},
           "PYTHONPATH": str(root), "LANG": lang, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "graphstep", *args], capture_output=True, text=True, env=env,
                          cwd=root, timeout=60)


def test_french_is_one_new_file_plus_one_line(tmp_path: Path) -> None:
    root = french_copy(tmp_path)
    error = run(root, "eval", "x+", "--lang", "fr")
    assert error.returncode == 2
    assert error.stderr.splitlines()[0].startswith("erreur : ")
    assert run(root, "eval", "x+", lang="fr_FR.UTF-8").stderr.startswith("erreur : ")
    assert run(root, "eval", "x+").stderr.startswith("error: ")  # English stays the default
    usage = run(root, "eval", "--help", "--lang", "fr").stdout
    assert usage.startswith("utilisation : graphstep eval")
    assert "évaluer une formule : la valeur et le gradient de chaque nœud" in usage
    assert run(root, "--help", "--lang", "fr").stdout.splitlines()[4].endswith("évaluer une formule : la valeur "
                                                                             "et le gradient de chaque nœud")
