"""The command line's words in the user's language: help texts are catalogue keys (``help="help.eval_json"``),
and argparse's own words ("usage:", "options", "the following arguments are required: …") come from the
catalogues' ``argparse.*`` keys.

The language is chosen before the parser is built (:func:`argv_lang`: ``--lang`` anywhere among the
arguments, else the environment's), so ``--help`` and argparse's error messages are told in it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from graphstep.i18n import LANGUAGES, detect_lang, has, t

ARGPARSE_WORDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    # argparse's message (Python's own gettext id) → catalogue key, and how each {field} is spelled in it
    "usage: ": ("argparse.usage", ()),
    "positional arguments": ("argparse.positionals", ()),
    "options": ("argparse.options", ()),
    "show this help message and exit": ("argparse.help", ()),
    "%(prog)s: error: %(message)s\n": ("argparse.error", (("prog", "%(prog)s"), ("message", "%(message)s"))),
    "argument %(argument_name)s: %(message)s": ("argparse.argument",
                                                (("name", "%(argument_name)s"), ("message", "%(message)s"))),
    "the following arguments are required: %s": ("argparse.required", (("names", "%s"),)),
    "one of the arguments %s is required": ("argparse.one_required", (("names", "%s"),)),
    "unrecognized arguments: %s": ("argparse.unrecognized", (("args", "%s"),)),
    "invalid choice: %(value)r (choose from %(choices)s)": ("argparse.invalid_choice",
                                                            (("value", "%(value)r"), ("choices", "%(choices)s"))),
    "invalid %(type)s value: %(value)r": ("argparse.invalid_value", (("type", "%(type)s"), ("value", "%(value)r"))),
    "expected one argument": ("argparse.expected_one", ()),
    "expected at least one argument": ("argparse.expected_at_least_one", ()),
    "expected at most one argument": ("argparse.expected_at_most_one", ()),
    "expected %s argument": ("argparse.expected_n_one", (("count", "%s"),)),
    "expected %s arguments": ("argparse.expected_n", (("count", "%s"),)),
    "not allowed with argument %s": ("argparse.not_allowed_with", (("other", "%s"),)),
    "ignored explicit argument %r": ("argparse.ignored_explicit", (("value", "%r"),)),
    "ambiguous option: %(option)s could match %(matches)s": ("argparse.ambiguous",
                                                             (("option", "%(option)s"), ("matches", "%(matches)s"))),
}


def argv_lang(argv: Sequence[str]) -> str:
    """The language a command's help and messages are told in: ``--lang XX`` (or ``--lang=XX``) among the
    arguments when it names a known language, else the environment's (LANG, LC_ALL, …), else English."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGUAGES:
            return value
    return detect_lang()


def argparse_word(lang: str) -> Callable[[str], str]:
    """argparse's gettext in ``lang``: its message ids looked up in the catalogues (unknown ids unchanged)."""

    def word(message: str) -> str:
        if message not in ARGPARSE_WORDS:
            return message
        key, fields = ARGPARSE_WORDS[message]
        return t(key, lang, **dict(fields))

    return word


@contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """While the block runs (build the parser, parse the arguments, print the help or a usage error),
    argparse speaks ``lang``."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    word = argparse_word(lang)
    argparse._ = word  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: word(one if n == 1 else many)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Key(str):
    """A help text given as its catalogue key, with the fields its message names (``{formats}``)."""

    fields: dict[str, Any]


def key(name: str, /, **fields: Any) -> str:
    """``help=key("help.export_output", formats="…")``: a help text whose message has fields."""
    text = Key(name)
    text.fields = fields
    return text


class HelpFormatter(argparse.HelpFormatter):
    """Help texts and descriptions that are catalogue keys are shown in the formatter's language."""

    lang = "en"

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text and has(text):
            return t(text, self.lang, **getattr(text, "fields", {})).replace("%", "%%")
        return text

    def _format_text(self, text: str) -> str:
        return super()._format_text(t(text, self.lang) if has(text) else text)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose sub-parsers (``exercise new``) share its language."""

    formatter: type[HelpFormatter] = HelpFormatter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", self.formatter)
        super().__init__(*args, **kwargs)


def parser(prog: str, description: str, lang: str, **options: Any) -> argparse.ArgumentParser:
    """An argument parser whose help texts (catalogue keys) and argparse's own words are in ``lang``;
    build it, and parse with it, inside :func:`argparse_in` (``lang``)."""
    formatter = type("HelpFormatter", (HelpFormatter,), {"lang": lang})
    cls = type("ArgumentParser", (_Parser,), {"formatter": formatter})
    return cls(prog=prog, description=description, **options)
