"""Finds English prose written into graphstep's code instead of its catalogues (graphstep/locales).

A string literal is *prose* when it holds a word of two or more letters outside its ``{placeholders}``
(a catalogue key such as ``"file.not_found"`` is not prose: it is looked up). It is reported where it reaches
a person: as the message of an error or a warning, in ``print``/``write``, as an argparse ``help=`` /
``description=``, as the text of a Textual widget or notification, or anywhere else in the code when it
reads like a sentence (three words or more). Markup (SVG, DOT, TikZ, HTML) and format specs are not prose.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graphstep.i18n import has

WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sdr]")
MARKUP = re.compile(r"^\s*(<|%|\\|\$|#|[\w-]+=)|<[A-Za-z/!?][^>]*>|\\[a-z]+\{|=\"|\[\w+=")
IDENTIFIER = re.compile(r"[\w.:/+{}-]*")
SENTENCE = re.compile(r"\b[a-z]{2,}(?:'[a-z]+)?[,;:]? [a-z]{2,}\b.*? [a-z]{2,}\b")

SINK_CALLS = {"print", "warn", "notify", "write", "Label", "Static", "Button"}
"""Calls whose first (for print: every) positional argument is shown to a person."""
KEY_CALLS = {"t", "Phrase", "key"}
"""Calls whose first argument is a catalogue key (the app's ``t`` adds ``app.``): a literal must be one."""
SINK_KEYWORDS = {"help", "description", "epilog", "usage", "placeholder", "title", "tooltip", "message"}
"""Keyword arguments shown to a person (argparse, Textual)."""


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.where}: {self.text!r}"


def prose(text: str) -> bool:
    """Words a person reads: a word of 2+ letters once the placeholders are gone; not a catalogue key, an
    identifier, a dotted name or a path (text without spaces: ``"select_all"``, ``"app.{}"``); a lone word
    (``"done"``) is prose."""
    if has(text) or MARKUP.search(text) or (IDENTIFIER.fullmatch(text) and not text.isalpha()):
        return False
    return bool(WORD.search(PLACEHOLDER.sub(" ", text)))


def sentence(text: str) -> bool:
    """Prose that reads like a sentence: three lowercase words in a row (``cannot tell the format``)."""
    if has(text) or MARKUP.search(text):
        return False
    return bool(SENTENCE.search(PLACEHOLDER.sub(" ", text)))


def error_classes(sources: list[str]) -> set[str]:
    """GraphstepError and every class derived from it in ``sources`` (by name, through any depth)."""
    bases: dict[str, set[str]] = {}
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_name(b) for b in node.bases)
    family = {"GraphstepError"}
    while True:
        more = {name for name, parents in bases.items() if parents & family} - family
        if not more:
            return family
        family |= more


def literals(node: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """The string literals an expression is built of, an f-string's holes written ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node, node.value
    elif isinstance(node, ast.JoinedStr):
        yield node, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        yield from literals(node.left)
        if isinstance(node.op, ast.Add):
            yield from literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from literals(node.body)
        yield from literals(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from literals(value)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _docstrings(tree: ast.AST) -> set[int]:
    """Docstrings and bare string statements (attribute docs): read by developers, not shown."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.add(id(node.value))
        if isinstance(node, ast.JoinedStr):  # an f-string's pieces are judged as one text, never alone
            found.update(id(v) for v in node.values)
    return found


def _logging(node: ast.Call) -> bool:
    """``logger.debug("…")``: a developer's log, not a person's message."""
    return (isinstance(node.func, ast.Attribute) and node.func.attr in ("debug", "info", "warning", "exception")
            and _name(node.func.value).lower() in ("log", "logger", "_log", "logging"))


def scan_source(source: str, path: str = "<source>", errors: set[str] | None = None) -> list[Finding]:
    """Every piece of prose in ``source`` that reaches a person instead of coming from a catalogue.
    ``errors``: graphstep's error classes, whose literal message must be a catalogue key."""
    errors = error_classes([source]) if errors is None else errors
    tree = ast.parse(source)
    skip = _docstrings(tree)
    seen: set[int] = set()
    findings: list[Finding] = []

    def check(expr: ast.AST, where: str, strict: bool = True) -> None:
        for node, text in literals(expr):
            seen.add(id(node))
            if (prose(text) if strict else sentence(text)) and id(node) not in skip:
                findings.append(Finding(path, getattr(node, "lineno", 0), text, where))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if _logging(node):
                for arg in node.args:
                    seen.update(id(n) for n, _ in literals(arg))
                continue
            if name == "print":
                for arg in node.args:
                    check(arg, "print")
            elif name in KEY_CALLS and node.args:
                whole = node.args[0]  # a literal key must exist; a key built from pieces must look like one
                for part, text in literals(whole):
                    seen.add(id(part))
                    complete = isinstance(part, ast.Constant) and not isinstance(whole, ast.BinOp)
                    known = (has(text) or has(f"app.{text}")) if complete else not prose(text)
                    if not known:
                        findings.append(Finding(path, getattr(part, "lineno", 0), text, f"{name}(…) of no key"))
            elif name in errors and node.args:
                for part, text in literals(node.args[0]):
                    seen.add(id(part))
                    if not (isinstance(part, ast.Constant) and has(text)):
                        findings.append(Finding(path, getattr(part, "lineno", 0), text, f"{name}(…) without a key"))
            elif node.args and (name in SINK_CALLS or name.endswith(("Error", "Exception", "Warning"))):
                check(node.args[0], f"{name}(…)")
            for keyword in node.keywords:
                if keyword.arg in SINK_KEYWORDS:
                    check(keyword.value, f"{keyword.arg}=")
    for node in ast.walk(tree):  # everything else: sentences only (returned, joined, stored for later)
        if id(node) in seen or id(node) in skip:
            continue
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            for part, text in literals(node):
                if sentence(text):
                    findings.append(Finding(path, getattr(part, "lineno", 0), text, "text"))
    return findings


def scan(root: Path) -> list[Finding]:
    """Every module of the package under ``root`` except the catalogues themselves."""
    paths = [p for p in sorted(root.rglob("*.py")) if "locales" not in p.relative_to(root).parts]
    sources = {path: path.read_text(encoding="utf-8") for path in paths}
    errors = error_classes(list(sources.values()))
    findings: list[Finding] = []
    for path, source in sources.items():
        findings += scan_source(source, str(path.relative_to(root.parent)), errors)
    return findings
