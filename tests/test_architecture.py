"""The layers stay apart: views read the core, never the command line; tables are explicit, not filled in
by importing some other module first."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "graphstep"


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("view", ["app", "export"])
def test_no_view_imports_the_command_line(view: str) -> None:
    offenders = {str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path)
                                                         if m == "graphstep.cli" or m.startswith("graphstep.cli."))
                 for path in (PACKAGE / view).rglob("*.py")}
    assert not {path: modules for path, modules in offenders.items() if modules}


def test_the_scan_sees_an_import_of_the_command_line(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from graphstep.cli.common import parse_values\n")
    assert "graphstep.cli.common" in imported_modules(module)


def test_the_parser_knows_tensor_calls_and_file_values_without_importing_anything_else() -> None:
    code = ("from graphstep.parser import parse\n"
            "from graphstep.values import parse_values\n"
            "print(parse('X = zeros(2, 3); f = sum(X, axis=0)').run().value.shape)\n"
            "import sys; print('graphstep.cli' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": ":".join(sys.path)})
    assert result.stdout.split() == ["(3,)", "False"], result.stderr
