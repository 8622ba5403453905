"""Tokenizer for the graphstep language: plain ASCII, the slides' Unicode, and a LaTeX subset.

Names follow the blackboard: a name is one letter with optional digits or a ``_`` subscript (``x``,
``w0``, ``x_1``, ``w_{12}``), or a longer name the program binds or the language knows (functions, Greek
letter names). Known names are matched longest-first; any other run of letters splits into one-letter
names, so ``w0x0`` reads as ``w0 x0`` and ``xy`` as ``x y``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from graphstep.errors import SourceError
from graphstep.ops import CALL_NAMES, FUNCTIONS

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "rho": "ρ",
    "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Delta": "Δ", "Gamma": "Γ", "Theta": "Θ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "Lambda": "Λ",
}
"""Greek letter names usable as variable names (``\\sigma`` and ``σ`` mean the sigmoid instead)."""

CONSTANTS = {"pi": "π", "π": "π"}

UNICODE_OPERATORS = {
    "·": "*", "×": "*", "⋅": "*", "∗": "*", "−": "-", "–": "-", "÷": "/",
}
SUPERSCRIPTS = {"²": 2.0, "³": 3.0}

LATEX_OPERATORS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
LATEX_FUNCTIONS = {"exp", "log", "ln", "sqrt", "sin", "cos", "tanh", "max", "min", "sigma"}
LATEX_IGNORED = {"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", ",", ";", "!", " ", ":"}


@dataclass(frozen=True)
class Token:
    kind: str
    """NUM, NAME, FUNC, STRING, OP, POW2 (a superscript), FRAC, SEP, or EOF."""
    text: str
    start: int
    end: int
    value: object = None


_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_SPACE = re.compile(r"[ \t\r]+")
_PUNCT = "+-*/^@=,()[]{}"
DIGITS = "0123456789"
_WORD_EXTRA = DIGITS + "_"  # superscripts like ² are powers, not part of a name
_SIMPLE_NAME = re.compile(r"[^\W\d_]\d*(_\d+)?\Z")


def multi_letter_names(extra: Iterable[str] = ()) -> list[str]:
    """Every multi-letter name the tokenizer recognises, longest first."""
    names = set(FUNCTIONS) | CALL_NAMES | set(GREEK) | {"pi"} | {n for n in extra if not _SIMPLE_NAME.match(n)}
    return sorted((n for n in names if len(n) > 1), key=len, reverse=True)


def tokenize(source: str, extra_names: Iterable[str] = ()) -> list[Token]:
    """Split ``source`` into tokens; ``extra_names`` are longer names bound by the program or the caller."""
    known = multi_letter_names(extra_names)
    tokens: list[Token] = []
    depth = 0
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "#":
            while i < n and source[i] != "\n":
                i += 1
            continue
        if ch == "\n" or ch == ";":
            if depth == 0 or ch == ";":
                tokens.append(Token("SEP", ch, i, i + 1))
            i += 1
            continue
        space = _SPACE.match(source, i)
        if space:
            i = space.end()
            continue
        number = _NUMBER.match(source, i)
        if ch in DIGITS or (ch == "." and number):
            assert number is not None
            tokens.append(Token("NUM", number.group(), i, number.end(), float(number.group())))
            i = number.end()
            continue
        if ch == "*" and source.startswith("**", i):
            tokens.append(Token("OP", "^", i, i + 2))
            i += 2
            continue
        if ch in _PUNCT:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth = max(0, depth - 1)
            tokens.append(Token("OP", ch, i, i + 1))
            i += 1
            continue
        if ch in UNICODE_OPERATORS:
            tokens.append(Token("OP", UNICODE_OPERATORS[ch], i, i + 1))
            i += 1
            continue
        if ch in SUPERSCRIPTS:
            tokens.append(Token("POW2", ch, i, i + 1, SUPERSCRIPTS[ch]))
            i += 1
            continue
        if ch == "√":
            tokens.append(Token("FUNC", "sqrt", i, i + 1))
            i += 1
            continue
        if ch == '"' or ch == "'":
            close = source.find(ch, i + 1)
            if close < 0 or "\n" in source[i:close]:
                raise SourceError("this string has no closing quote", source, i)
            tokens.append(Token("STRING", source[i : close + 1], i, close + 1, source[i + 1 : close]))
            i = close + 1
            continue
        if ch == "\\":
            i = _latex(source, i, tokens)
            continue
        if ch.isalpha():
            i = _word(source, i, tokens, known)
            continue
        raise SourceError(f"unexpected character {ch!r}", source, i)
    tokens.append(Token("EOF", "", n, n))
    return tokens


def _latex(source: str, i: int, tokens: list[Token]) -> int:
    match = re.compile(r"\\([A-Za-z]+|.)").match(source, i)
    if not match:
        raise SourceError("a backslash must start a LaTeX command such as \\frac", source, i)
    command, end = match.group(1), match.end()
    if command in LATEX_IGNORED:
        return end
    if command == "frac" or command == "dfrac" or command == "tfrac":
        tokens.append(Token("FRAC", match.group(), i, end))
    elif command in LATEX_OPERATORS:
        tokens.append(Token("OP", LATEX_OPERATORS[command], i, end))
    elif command in LATEX_FUNCTIONS:
        tokens.append(Token("FUNC", "σ" if command == "sigma" else command, i, end))
    elif command == "pi":
        tokens.append(Token("NAME", "π", i, end))
    elif command in GREEK:
        tokens.append(Token("NAME", GREEK[command], i, end))
    elif command in ("mathrm", "operatorname", "text"):
        group = re.compile(r"\{\s*([A-Za-z_]+)\s*\}").match(source, end)
        if not group or group.group(1) not in FUNCTIONS:
            raise SourceError(f"\\{command} must name a known function, like \\{command}{{relu}}", source, i, end)
        tokens.append(Token("FUNC", group.group(1), i, group.end()))
        return group.end()
    else:
        raise SourceError(f"unknown LaTeX command \\{command}", source, i, end)
    return end


def _word(source: str, i: int, tokens: list[Token], known: list[str]) -> int:
    """Split a run of letters and digits into names, longest known name first."""
    end = i
    while end < len(source) and (source[end].isalpha() or source[end] in _WORD_EXTRA):
        if source[end] == "_" and end + 1 < len(source) and source[end + 1] == "{":
            close = source.find("}", end)
            if close < 0:
                raise SourceError("this subscript has no closing }", source, end + 1)
            end = close + 1
            break
        end += 1
    chunk = source[i:end]
    looks_like_call = end < len(source) and source[end] == "(" and len(chunk) >= 3 and chunk.isalpha()
    if looks_like_call and not any(name in chunk for name in known):
        hint = difflib.get_close_matches(chunk, [*FUNCTIONS, *CALL_NAMES], n=1)
        suggestion = f"; did you mean {hint[0]}?" if hint else f"; for a product write {'*'.join(chunk)}*(…)"
        raise SourceError(f"unknown function {chunk!r}{suggestion}", source, i, end)
    p = 0
    while p < len(chunk):
        name = next((k for k in known if chunk.startswith(k, p)), None)
        if name is not None:
            kind = "FUNC" if name in FUNCTIONS or name in CALL_NAMES else "NAME"
            text = GREEK.get(name, CONSTANTS.get(name, name))
            tokens.append(Token(kind, text, i + p, i + p + len(name)))
            p += len(name)
            continue
        if not chunk[p].isalpha():  # digits after a known name: `loss2`
            raise SourceError(f"a name cannot start with {chunk[p]!r}", source, i + p)
        q = p + 1
        while q < len(chunk) and chunk[q] in DIGITS:
            q += 1
        text = chunk[p:q]
        if q < len(chunk) and chunk[q] == "_":
            q, subscript = _subscript(source, chunk, q, i)
            text += subscript if subscript.isdigit() else "_" + subscript
        kind = "FUNC" if text in FUNCTIONS or text in CALL_NAMES else "NAME"
        tokens.append(Token(kind, text, i + p, i + q))
        p = q
    return end


def _subscript(source: str, chunk: str, q: int, offset: int) -> tuple[int, str]:
    """Read ``_1``, ``_12``, ``_a`` or ``_{12}`` at chunk[q] (the underscore); return (end, subscript)."""
    rest = chunk[q + 1 :]
    if rest.startswith("{"):
        inner = rest[1 : rest.index("}")].strip()
        if not inner or not inner.replace("_", "").isalnum():
            raise SourceError("a subscript holds letters or digits, like x_{12}", source, offset + q)
        return len(chunk), inner
    if rest[:1] and rest[0] in DIGITS:
        digits = re.match(r"\d+", rest)
        assert digits is not None
        return q + 1 + digits.end(), digits.group()
    if rest[:1].isalpha():
        return q + 2, rest[0]
    raise SourceError("a subscript must follow the _, like x_1 or x_{12}", source, offset + q)
