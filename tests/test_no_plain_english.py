"""Every sentence a person reads comes from the catalogues: no English prose in graphstep's code.

The scanner (tests/prose_scan.py) reads every module except graphstep/locales; what it finds must be in
ALLOWED below, each with the reason it is not a message to a person. A new ``raise
GraphstepError("file not found")``, ``print(f"wrote {path}")`` or ``help="…"`` fails this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.prose_scan import scan, scan_source

PACKAGE = Path(__file__).resolve().parent.parent / "graphstep"

INTERNAL = "an internal signal, caught and replaced by a catalogue message before anyone sees it"
DEVELOPER = "a developer's error at import time: the ops table is inconsistent (never a user's input)"
FUSION = "why the fused fast path steps aside: logged at debug level for developers"
ARGPARSE = "argparse's own English message id, looked up to give the catalogue's text (graphstep.helptext)"

ALLOWED: dict[tuple[str, str], str] = {
    ("graphstep/checking/__init__.py", "module 'graphstep.checking' has no attribute {}"):
        "Python's own AttributeError of a module's __getattr__ (a programming error, worded as Python words it)",
    ("graphstep/cli/__init__.py", "graphstep {}"): "--version: the program's name and its version number",
    ("graphstep/engine.py", "matmul shapes"): INTERNAL,
    ("graphstep/engine.py", "axis out of range"): INTERNAL,
    ("graphstep/tensors.py", "unknown version"): INTERNAL,
    ("graphstep/tensors.py", "empty"): INTERNAL,
    ("graphstep/trace.py", "no step record"): "repr(trace), for developers (`<Trace f=…; no step record>`)",
    ("graphstep/fusion.py", "an expression has no truth value"): FUSION,
    ("graphstep/fusion.py", "xp.{} has no fused form"): FUSION,
    ("graphstep/fusion.py", "cannot fuse a value of type {}"): FUSION,
    ("graphstep/ops.py", "op {} defined twice"): DEVELOPER,
    ("graphstep/ops.py", "op {}: {}"): DEVELOPER,
    ("graphstep/ops.py", "function {} names unknown op {}"): DEVELOPER,
    ("graphstep/ops.py", "no gradient rule"): DEVELOPER,
    ("graphstep/ops.py", "local_formula does not match arity"): DEVELOPER,
    ("graphstep/ops.py", "missing latex, rule text or symbol"): DEVELOPER,
    ("graphstep/tensors.py", "tensors.RULES and ops.CALL_NAMES disagree"): DEVELOPER,
    ("graphstep/daskio.py", "(divide by zero|overflow|underflow|invalid value) encountered in "):
        "numpy's own English warnings, matched to filter them out on Dask's worker threads (never shown)",
    **{("graphstep/helptext.py", message): ARGPARSE for message in (
        "show this help message and exit", "the following arguments are required: %s",
        "one of the arguments %s is required", "invalid choice: %(value)r (choose from %(choices)s)",
        "expected one argument", "expected at least one argument", "expected at most one argument",
        "not allowed with argument %s", "ignored explicit argument %r",
        "ambiguous option: %(option)s could match %(matches)s")},
}


def test_no_english_prose_outside_the_catalogues() -> None:
    found = scan(PACKAGE)
    unexplained = [str(f) for f in found if (f.path, f.text) not in ALLOWED]
    assert not unexplained, "move these into graphstep/locales (en.py and es.py):\n" + "\n".join(unexplained)
    stale = set(ALLOWED) - {(f.path, f.text) for f in found}
    assert not stale, f"ALLOWED names text the code no longer has: {stale}"


@pytest.mark.parametrize("source", [
    'raise GraphstepError("file not found")',
    'raise GraphstepError(f"cannot write {path}")',
    'raise InputError("x must be a number")',
    'raise ValueError("the axis is wrong")',
    'print(f"wrote {path}")',
    'print("done", file=sys.stderr)',
    'warnings.warn("this is slow")',
    'parser.add_argument("--x", help="decimals shown")',
    'argparse.ArgumentParser(description=f"Write a {thing}")',
    'self.notify("saved the file")',
    'yield Label("Edit the formula")',
    'raise GraphstepError("file.not_found" if ok else "no such file")',
    'return "note: " + hint + " so graphstep drew it itself"',
    'lines = [f"{title}: no finite value to plot"]',
    'text = t("cli.wrote_to", lang)',
    'text = Phrase("no such key")',
])
def test_the_scanner_catches_english_prose(source: str) -> None:
    source = "class InputError(GraphstepError): pass\n" + source if "InputError" in source else source
    assert scan_source(source), source


@pytest.mark.parametrize("source", [
    'raise GraphstepError("file.not_found", path=path)',
    'raise GraphstepError(key)',
    'print(t("cli.wrote", lang, path=p))',
    'parser.add_argument("--x", help="help.precision")',
    'parser.add_argument("--x", help=key("help.export_output", formats=" ".join(FORMATS)))',
    'print(f"{name:<10} {title}")',
    'print(f"{k:>{width}}  {first}")',
    'table.add_column(style="bold yellow", no_wrap=True)',
    'svg = f\'<rect class="cluster" x="{x}" y="{y}" width="{w}" fill="none"/>\'',
    'dot = f"  {node} [shape=none, margin=0, label=<{html}>];"',
    'tex = "\\\\draw[{},line width=0.9pt] {};"',
    'Binding("ctrl+a", "select_all", "select all")',
    'getattr(self, "select_all")',
    'name = f"app.keyname_{key.shown}"',
    'log.debug("cannot fuse this run (%s); running the plain loop", reason)',
    'def f():\n    """A docstring is for developers, it is not shown."""',
])
def test_the_scanner_leaves_identifiers_markup_and_keys_alone(source: str) -> None:
    assert not scan_source(source), scan_source(source)
