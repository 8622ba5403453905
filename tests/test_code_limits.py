"""The developer guide's limits, enforced: no function in graphstep/ above cyclomatic complexity 20 (as
``radon cc`` counts it) and no module above 450 lines except the ops table."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphstep

radon_complexity = pytest.importorskip("radon.complexity")

ROOT = Path(graphstep.__file__).parent
MAX_COMPLEXITY = 20
MAX_LINES = 450
LONG_MODULES = {"ops.py"}
"""The ops table: one entry per op, long by design."""
LONG_FOLDERS = {"locales"}
"""The message catalogues: one line per message, long by design (one file per language)."""
STILL_COMPLEX: dict[str, str] = {
    # Functions other helpers own and are still splitting (name: owner); each entry is a debt to pay.
}


def modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def complexities() -> dict[str, int]:
    found = {}
    for path in modules():
        for block in radon_complexity.cc_visit(path.read_text(encoding="utf-8")):
            name = f"{path.relative_to(ROOT).as_posix()}:{block.name}"
            found[name] = max(found.get(name, 0), block.complexity)
            for method in getattr(block, "methods", ()):
                method_name = f"{path.relative_to(ROOT).as_posix()}:{block.name}.{method.name}"
                found[method_name] = max(found.get(method_name, 0), method.complexity)
    return found


def test_no_function_is_too_complex() -> None:
    found = complexities()
    too_complex = {name: cc for name, cc in found.items() if cc > MAX_COMPLEXITY and name not in STILL_COMPLEX}
    assert not too_complex, f"split these functions (cyclomatic complexity > {MAX_COMPLEXITY}): {too_complex}"


def test_no_module_is_too_long() -> None:
    exempt = [path for path in modules() if path.name in LONG_MODULES or path.parent.name in LONG_FOLDERS]
    long = {path.relative_to(ROOT).as_posix(): n for path in modules()
            if path not in exempt and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (more than {MAX_LINES} lines): {long}"


def test_the_limits_catch_a_complex_function() -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(MAX_COMPLEXITY + 1))
    (block,) = radon_complexity.cc_visit(f"def f(x):\n{branches}\n    return -1\n")
    assert block.complexity > MAX_COMPLEXITY
