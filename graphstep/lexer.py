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
from typing import NamedTuple

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


class Token(NamedTuple):
    kind: str
    """NUM, NAME, FUNC, STRING, OP, POW2 (a superscript), FRAC, SEP, or EOF."""
    text: str
    start: int
    end: int
    value: object = None


_SIMPLE_NAME = re.compile(r"[^\W\d_]\d*(_\d+)?\Z")


def multi_letter_names(extra: Iterable[str] = ()) -> list[str]:
    """Every multi-letter name the tokenizer recognises, longest first."""
    names = _builtin_names() | {n for n in extra if not _SIMPLE_NAME.match(n)}
    return sorted((n for n in names if len(n) > 1), key=len, reverse=True)


def _builtin_names() -> set[str]:
    return set(FUNCTIONS) | CALL_NAMES | set(GREEK) | {"pi"}


_END = ""  # the key that marks a whole name in a trie node (never a character)
Trie = dict[str, "Trie | str"]


def name_trie(names: Iterable[str]) -> Trie:
    """A trie of multi-letter names (one dict per prefix): the longest name starting at a position is found
    in one walk along the text, however many names there are (a compiled alternation tries each in turn)."""
    root: Trie = {}
    for name in names:
        if len(name) < 2:
            continue
        node = root
        for ch in name:
            node = node.setdefault(ch, {})  # type: ignore[assignment]
        node[_END] = name
    return root


_BUILTIN_TRIE: tuple[int, Trie] = (-1, {})


def _tries(extra: Iterable[str]) -> tuple[Trie, ...]:
    """The built-in names' trie (made once) and one for the program's own names."""
    global _BUILTIN_TRIE
    builtin = _builtin_names()
    if _BUILTIN_TRIE[0] != len(builtin):  # tensor functions register themselves on import
        _BUILTIN_TRIE = (len(builtin), name_trie(builtin))
    own = name_trie(n for n in extra if not _SIMPLE_NAME.match(n))
    return (_BUILTIN_TRIE[1], own) if own else (_BUILTIN_TRIE[1],)


def longest_name(tries: tuple[Trie, ...], text: str, p: int) -> str | None:
    """The longest known name that starts at ``text[p]``, or None."""
    best: str | None = None
    best_end = p
    n = len(text)
    for node in tries:
        q = p
        while q < n:
            child = node.get(text[q])
            if child is None:
                break
            node = child  # type: ignore[assignment]
            q += 1
            if q > best_end and _END in node:
                best, best_end = node[_END], q  # type: ignore[assignment]
    return best


_LETTER = r"[^\W\d_¹²³⁰⁴⁵⁶⁷⁸⁹]"  # str.isalnum() counts ² as alphanumeric; here it is a power
_MASTER = re.compile(
    # Leading blanks are skipped by the same match (one regex call per token, not two).
    r"[ \t\r]*(?:(?P<comment>#[^\n]*)|(?P<sep>[\n;])"
    r"|(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|(?P<pow>\*\*)|(?P<punct>[-+*/^@=,()\[\]{}])"
    rf"|(?P<word>{_LETTER}(?:{_LETTER}|[0-9]|_(?!\{{))*(?:_\{{[^}}\n]*\}}?)?))"
    r"|(?P<space>[ \t\r]+)"
)
_PIECE = re.compile(rf"({_LETTER}[0-9]*)(?:_(?:\{{([^}}]*)\}}|([0-9]+)|({_LETTER})))?")


def tokenize(source: str, extra_names: Iterable[str] = ()) -> list[Token]:
    """Split ``source`` into tokens; ``extra_names`` are longer names bound by the program or the caller."""
    known = _tries(extra_names)
    tokens: list[Token] = []
    append = tokens.append
    words: dict[str, list[tuple[str, str, int, int]]] = {}  # a program repeats its names: split each once
    depth = 0
    i, n = 0, len(source)
    master = _MASTER.match
    while i < n:
        match = master(source, i)
        if match is not None:
            kind, end = match.lastgroup, match.end()
            i = match.start(kind)  # type: ignore[arg-type]
            text = source[i:end]
            if kind == "word":
                pieces = words.get(text)
                if pieces is None:
                    pieces = words[text] = _word(source, i, end, known)
                tokens.extend(Token(k, t, i + a, i + b) for k, t, a, b in pieces)
            elif kind == "num":
                append(Token("NUM", text, i, end, float(text)))
            elif kind == "punct":
                if text in "([{":
                    depth += 1
                elif text in ")]}":
                    depth = max(0, depth - 1)
                append(Token("OP", text, i, end))
            elif kind == "sep":
                if depth == 0 or text == ";":  # a new line inside brackets continues the statement
                    append(Token("SEP", text, i, end))
            elif kind == "pow":
                append(Token("OP", "^", i, end))
            i = end
            continue
        ch = source[i]
        if ch in UNICODE_OPERATORS:
            append(Token("OP", UNICODE_OPERATORS[ch], i, i + 1))
        elif ch in SUPERSCRIPTS:
            append(Token("POW2", ch, i, i + 1, SUPERSCRIPTS[ch]))
        elif ch == "√":
            append(Token("FUNC", "sqrt", i, i + 1))
        elif ch == '"' or ch == "'":
            close = source.find(ch, i + 1)
            if close < 0 or "\n" in source[i:close]:
                raise SourceError("error.unclosed_string", source, i)
            append(Token("STRING", source[i : close + 1], i, close + 1, source[i + 1 : close]))
            i = close + 1
            continue
        elif ch == "\\":
            i = _latex(source, i, tokens)
            continue
        else:
            raise SourceError("error.unexpected_char", source, i, None, char=ch)
        i += 1
    append(Token("EOF", "", n, n))
    return tokens


def _latex(source: str, i: int, tokens: list[Token]) -> int:
    match = re.compile(r"\\([A-Za-z]+|.)").match(source, i)
    if not match:
        raise SourceError("error.lone_backslash", source, i)
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
            raise SourceError("error.latex_function", source, i, end, command=command)
        tokens.append(Token("FUNC", group.group(1), i, group.end()))
        return group.end()
    else:
        raise SourceError("error.unknown_latex", source, i, end, command=command)
    return end


def _word(source: str, i: int, end: int, known: tuple[Trie, ...]) -> list[tuple[str, str, int, int]]:
    """Split a run of letters and digits into names, longest known name first: (kind, text, start, end)
    with offsets relative to the run."""
    pieces: list[tuple[str, str, int, int]] = []
    chunk = source[i:end]
    if chunk.endswith("{") or ("_{" in chunk and not chunk.endswith("}")):
        raise SourceError("error.unclosed_subscript", source, i + chunk.index("_{") + 1)
    looks_like_call = end < len(source) and source[end] == "(" and len(chunk) >= 3 and chunk.isalpha()
    if looks_like_call and not any(longest_name(known, chunk, p) for p in range(len(chunk))):
        hint = difflib.get_close_matches(chunk, [*FUNCTIONS, *CALL_NAMES], n=1)
        if hint:
            raise SourceError("error.unknown_function_hint", source, i, end, name=chunk, hint=hint[0])
        raise SourceError("error.unknown_function", source, i, end, name=chunk, product="*".join(chunk))
    p = 0
    while p < len(chunk):
        name = longest_name(known, chunk, p)
        if name is not None:
            kind = "FUNC" if name in FUNCTIONS or name in CALL_NAMES else "NAME"
            text = GREEK.get(name, CONSTANTS.get(name, name))
            pieces.append((kind, text, p, p + len(name)))
            p += len(name)
            continue
        piece = _PIECE.match(chunk, p)
        if piece is None:  # digits or an underscore after a known name: `loss2`, `exp_`
            raise SourceError("error.name_start", source, i + p, None, char=chunk[p])
        text = piece.group(1)
        braced, digits, letter = piece.group(2), piece.group(3), piece.group(4)
        if braced is not None:
            braced = braced.strip()
            if not braced or not braced.replace("_", "").isalnum():
                raise SourceError("error.subscript_chars", source, i + p)
            text += braced if braced.isdigit() else "_" + braced
        elif digits is not None:
            text += digits  # x_1 and x1 are the same name
        elif letter is not None:
            text += "_" + letter
        kind = "FUNC" if text in FUNCTIONS or text in CALL_NAMES else "NAME"
        pieces.append((kind, text, p, piece.end()))
        p = piece.end()
    return pieces


def canonical_name(spelling: str) -> str:
    """The name as the language reads it: ``w_0``, ``w_{0}`` and ``w0`` are ``w0``; ``alpha``, ``\\alpha``
    and ``α`` are ``α``. A longer name a program binds (``lr``, ``loss``) stays as written."""
    text = spelling.strip()
    try:
        tokens = tokenize(text)
    except SourceError:
        return text
    if len(tokens) == 2 and tokens[0].kind == "NAME" and tokens[0].start == 0 and tokens[0].end == len(text):
        return tokens[0].text
    return text
