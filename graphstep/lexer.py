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
from typing import Any, Final

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


Token = tuple[str, str, int, int, Any]
"""A token, a plain tuple (cheap to make by the hundred thousand): ``(kind, text, start, end, value)``.

``kind`` is NUM, NAME, FUNC, STRING, OP, POW2 (a superscript), FRAC, SEP or EOF; ``value`` is a number's
float, a superscript's exponent or a string's content (else None). Index with the constants below."""
KIND: Final = 0
TEXT: Final = 1
START: Final = 2
END: Final = 3
VALUE: Final = 4


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
_WORD = rf"{_LETTER}(?:{_LETTER}|[0-9]|_(?!\{{))*(?:_\{{[^}}\n]*\}}?)?"
_SCAN = re.compile(
    # One match per token, from where the last one ended: group 1 the blanks before it, group 2 the token (a
    # run of letters and digits, a plain ASCII one tried first; `**`; an operator or bracket; a number; a
    # separator; a comment; a string; a LaTeX command; any other character). Its first character says
    # which (_FIRST). Every character is in some match, so a token's place is the sum of the lengths before it.
    rf"([ \t\r]*)((?:[A-Za-z][A-Za-z0-9]*(?!\w))|{_WORD}|\*\*|[-+*/^@=,()\[\]{{}}]"
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[\n;]|#[^\n]*"
    r"""|"[^"\n]*"|'[^'\n]*'|\\(?:(?:mathrm|operatorname|text)\{\s*[A-Za-z_]+\s*\}|[A-Za-z]+|.)?|.)"""
)
_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_PIECE = re.compile(rf"({_LETTER}[0-9]*)(?:_(?:\{{([^}}]*)\}}|([0-9]+)|({_LETTER})))?")
_PLAIN_WORD = re.compile(rf"(?:{_LETTER}[0-9]*)+")
_PLAIN_PIECE = re.compile(rf"{_LETTER}[0-9]*")
_ONE_LETTER = re.compile(_LETTER)
WORD, OP, STAR, NUMBER, SEP, COMMENT, RARE = range(7)
_FIRST: dict[str, int] = {
    **dict.fromkeys("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", WORD),
    **dict.fromkeys("0123456789", NUMBER),
    **dict.fromkeys("-+/^@=,()[]{}", OP), "*": STAR, "\n": SEP, ";": SEP, "#": COMMENT,
}
"""A token's kind by its first character (_kind adds the others it meets)."""


def _kind(text: str) -> int:
    """The kind of a token whose first character is not in _FIRST: ``.5`` or ``.``, a letter (``σ``), or
    anything rarer (``·``, a quote, a backslash); a first character other than ``.`` is remembered."""
    if text[0] == ".":
        return NUMBER if len(text) > 1 else RARE
    kind = _FIRST[text[0]] = WORD if _ONE_LETTER.match(text) else RARE
    return kind


def tokenize(source: str, extra_names: Iterable[str] = ()) -> list[Token]:
    """Split ``source`` into tokens; ``extra_names`` are longer names bound by the program or the caller.

    A token is a plain tuple ``(kind, text, start, end, value)`` (see :class:`Token` for the fields): one
    regular-expression pass finds them all at C speed, and a program's repeated texts are read only once:
    a word, a number, an operator seen before is its remembered (kind, text, value) at a new place."""
    words = _Words(source, _tries(extra_names))
    seen = words.single
    first = _FIRST
    tokens: list[Token] = []
    append = tokens.append
    depth = 0
    end = 0
    for blanks, text in _SCAN.findall(source):
        start = end + len(blanks)
        end = start + len(text)
        known = seen.get(text)
        if known is not None:  # (never a bracket or a new line: they depend on the depth)
            append((known[0], known[1], start, end, known[2]))
            continue
        kind = first.get(text[0])
        if kind is None:
            kind = _kind(text)
        if kind == WORD:
            words.add(text, start, end, tokens)
        elif kind == OP:
            step = _DEPTH.get(text)
            if step is not None:
                depth = depth + step if depth + step > 0 else 0
            else:
                seen[text] = ("OP", text, None)
            append(("OP", text, start, end, None))
        elif kind == NUMBER:
            known = seen[text] = ("NUM", text, float(text))
            append(("NUM", text, start, end, known[2]))
        elif kind == SEP:
            if depth == 0 or text == ";":  # a new line inside brackets continues the statement
                append(("SEP", text, start, end, None))
            if text == ";":
                seen[text] = ("SEP", text, None)
        elif kind == STAR:
            known = seen[text] = ("OP", "^" if len(text) == 2 else "*", None)
            append(("OP", known[1], start, end, None))
        elif kind == RARE:
            _rare(source, start, text, tokens)
    append(("EOF", "", len(source), len(source), None))
    return tokens


class _Words:
    """Turns runs of letters and digits into NAME and FUNC tokens, remembering each word's names (``single``:
    a word that is one name, as (kind, name, None); tokenize() looks there first, and keeps its other
    remembered texts there too)."""

    def __init__(self, source: str, known: tuple[Trie, ...]) -> None:
        self.source = source
        self.known = known
        self.functions = FUNCTIONS.keys() | CALL_NAMES
        self.single: dict[str, tuple[str, str, Any]] = {}  # a word that is one name: (kind, name, None)
        self.several: dict[str, list[tuple[str, str, int, int]]] = {}  # several names: (kind, name, start, end)

    def add(self, word: str, start: int, end: int, tokens: list[Token]) -> None:
        """The tokens of a word not seen before."""
        if len(word) == 1 or word[1:].isdigit():  # x, v12: one name (no known name is that short)
            name = self.single[word] = ("FUNC" if word in self.functions else "NAME", word, None)
            tokens.append((name[0], name[1], start, end, None))
            return
        pieces = self.several.get(word)
        if pieces is None:
            pieces = _word(self.source, start, end, self.known)
            if len(pieces) == 1:
                self.single[word] = (pieces[0][0], pieces[0][1], None)
            else:
                self.several[word] = pieces
        tokens.extend([(kind, text, start + a, start + b, None) for kind, text, a, b in pieces])


def _rare(source: str, i: int, text: str, tokens: list[Token]) -> None:
    """A token the scanning pattern leaves to code: a string, a LaTeX command, the slides' Unicode."""
    ch = text[0]
    if ch == '"' or ch == "'":
        if len(text) < 2:  # the pattern found no closing quote on the line
            raise SourceError("error.unclosed_string", source, i)
        tokens.append(("STRING", text, i, i + len(text), text[1:-1]))
    elif ch == "\\":
        _latex(source, i, text, tokens)
    elif ch in UNICODE_OPERATORS:
        tokens.append(("OP", UNICODE_OPERATORS[ch], i, i + 1, None))
    elif ch in SUPERSCRIPTS:
        tokens.append(("POW2", ch, i, i + 1, SUPERSCRIPTS[ch]))
    elif ch == "√":
        tokens.append(("FUNC", "sqrt", i, i + 1, None))
    elif ch not in " \t\r":
        raise SourceError("error.unexpected_char", source, i, None, char=ch)


_LATEX_CALL = re.compile(r"\\(mathrm|operatorname|text)\{\s*([A-Za-z_]+)\s*\}")


def _latex(source: str, i: int, text: str, tokens: list[Token]) -> None:
    end = i + len(text)
    if len(text) == 1:
        raise SourceError("error.lone_backslash", source, i)
    call = _LATEX_CALL.fullmatch(text)
    command = call.group(1) if call else text[1:]
    if command in LATEX_IGNORED:
        return
    if command == "frac" or command == "dfrac" or command == "tfrac":
        tokens.append(("FRAC", text, i, end, None))
    elif command in LATEX_OPERATORS:
        tokens.append(("OP", LATEX_OPERATORS[command], i, end, None))
    elif command in LATEX_FUNCTIONS:
        tokens.append(("FUNC", "σ" if command == "sigma" else command, i, end, None))
    elif command == "pi":
        tokens.append(("NAME", "π", i, end, None))
    elif command in GREEK:
        tokens.append(("NAME", GREEK[command], i, end, None))
    elif command in ("mathrm", "operatorname", "text"):
        if not call or call.group(2) not in FUNCTIONS:
            raise SourceError("error.latex_function", source, i, i + 1 + len(command), command=command)
        tokens.append(("FUNC", call.group(2), i, end, None))
    else:
        raise SourceError("error.unknown_latex", source, i, end, command=command)


def _word(source: str, i: int, end: int, known: tuple[Trie, ...]) -> list[tuple[str, str, int, int]]:
    """Split a run of letters and digits into names, longest known name first: (kind, text, start, end)
    with offsets relative to the run."""
    chunk = source[i:end]
    _check_word(source, i, end, known)
    plain = _plain_names(chunk, known)
    if plain is not None:
        return plain
    pieces: list[tuple[str, str, int, int]] = []
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
        text = _subscripted(piece, source, i + p)
        kind = "FUNC" if text in FUNCTIONS or text in CALL_NAMES else "NAME"
        pieces.append((kind, text, p, piece.end()))
        p = piece.end()
    return pieces


def _plain_names(chunk: str, known: tuple[Trie, ...]) -> list[tuple[str, str, int, int]] | None:
    """The names of a word of one-letter names with digits (``w0x0``, ``xy``) in which no known name can start
    (none begins with a name's letter and the character after it); else None, for _word's full walk."""
    if "_" in chunk or _PLAIN_WORD.fullmatch(chunk) is None:
        return None
    pieces = []
    p = 0
    for piece in _PLAIN_PIECE.findall(chunk):
        after = chunk[p + 1 : p + 2]
        for trie in known:
            child = trie.get(piece[0])
            if child is not None and after and after in child:
                return None
        q = p + len(piece)
        pieces.append(("FUNC" if piece in FUNCTIONS or piece in CALL_NAMES else "NAME", piece, p, q))
        p = q
    return pieces


def _check_word(source: str, i: int, end: int, known: tuple[Trie, ...]) -> None:
    """An unclosed subscript, or a call of a function the language does not know, is an error here."""
    chunk = source[i:end]
    if chunk.endswith("{") or ("_{" in chunk and not chunk.endswith("}")):
        raise SourceError("error.unclosed_subscript", source, i + chunk.index("_{") + 1)
    looks_like_call = end < len(source) and source[end] == "(" and len(chunk) >= 3 and chunk.isalpha()
    if looks_like_call and not any(longest_name(known, chunk, p) for p in range(len(chunk))):
        hint = difflib.get_close_matches(chunk, [*FUNCTIONS, *CALL_NAMES], n=1)
        if hint:
            raise SourceError("error.unknown_function_hint", source, i, end, name=chunk, hint=hint[0])
        raise SourceError("error.unknown_function", source, i, end, name=chunk, product="*".join(chunk))


def _subscripted(piece: re.Match[str], source: str, at: int) -> str:
    """A one-letter name with its subscript as the language spells it: ``x_1``, ``x_{1}`` → ``x1``;
    ``w_{ij}`` → ``w_ij``."""
    text = piece.group(1)
    braced, digits, letter = piece.group(2), piece.group(3), piece.group(4)
    if braced is not None:
        braced = braced.strip()
        if not braced or not braced.replace("_", "").isalnum():
            raise SourceError("error.subscript_chars", source, at)
        text += braced if braced.isdigit() else "_" + braced
    elif digits is not None:
        text += digits  # x_1 and x1 are the same name
    elif letter is not None:
        text += "_" + letter
    return text


def canonical_name(spelling: str) -> str:
    """The name as the language reads it: ``w_0``, ``w_{0}`` and ``w0`` are ``w0``; ``alpha``, ``\\alpha``
    and ``α`` are ``α``. A longer name a program binds (``lr``, ``loss``) stays as written."""
    text = spelling.strip()
    try:
        tokens = tokenize(text)
    except SourceError:
        return text
    if len(tokens) == 2 and tokens[0][KIND] == "NAME" and tokens[0][START] == 0 and tokens[0][END] == len(text):
        return tokens[0][TEXT]
    return text
