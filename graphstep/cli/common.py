"""What every command shares: reading SOURCE (a formula or a .gstep file) and NAME=VALUE inputs."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from graphstep.checking.answers import split_program
from graphstep.errors import GraphstepError, InputError
from graphstep.graph import Graph
from graphstep.i18n import LANGUAGES
from graphstep.lexer import canonical_name
from graphstep.parser import parse

ASSIGNMENT = re.compile(r"^\s*(\\?[^\W\d]\w*(?:_\{[^{}=]*\})?)\s*=(.*)$", re.S)  # w0=, w_{0}=, \alpha=

VALUE_READERS: dict[str, Callable[[str, str], Any]] = {}
"""Readers for non-numeric NAME=VALUE forms, by prefix (``@`` loads a file; registered by the tensor module)."""


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", help="a formula in quotes, or a path to a .gstep file")
    parser.add_argument("values", metavar="NAME=VALUE", nargs="*", help="input values, e.g. x=3 y=-4")


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="interface language (default: from $LANG, else English)")


def read_source(argument: str) -> str:
    """The program text: the file's content when SOURCE names a file (or ends in .gstep), else SOURCE."""
    path = Path(argument)
    looks_like_file = argument.endswith(".gstep") or ("\n" not in argument and path.suffix in (".txt", ".gs"))
    try:
        if path.is_file():
            # A checked exercise's answer lines (`? q = 3`) are blanked, keeping the line numbers.
            return split_program(path.read_text(encoding="utf-8"))[0]
    except (OSError, ValueError):
        pass
    except UnicodeDecodeError:
        raise GraphstepError(f"{argument}: not a text file (it is not UTF-8)") from None
    if looks_like_file:
        raise GraphstepError(f"file not found: {argument}")
    return argument


def parse_values(items: Sequence[str]) -> dict[str, Any]:
    """``["x=3", "y=-4"]`` → ``{"x": 3.0, "y": -4.0}``, with a clear message for anything else."""
    values: dict[str, Any] = {}
    for item in items:
        match = ASSIGNMENT.match(item)
        if not match:
            raise InputError(f"expected NAME=VALUE (like x=3), got {item!r}")
        name, text = canonical_name(match.group(1)), match.group(2).strip()
        reader = next((r for prefix, r in VALUE_READERS.items() if text.startswith(prefix)), None)
        if reader is not None:
            values[name] = reader(name, text)
            continue
        try:
            values[name] = float(text.replace("−", "-"))
        except ValueError:
            raise InputError(f"the value of {name} must be a number, got {text!r} (in {item!r})") from None
    return values


def load(source_argument: str, value_items: Sequence[str]) -> tuple[Graph, dict[str, Any]]:
    """Parse SOURCE and the NAME=VALUE items; multi-letter names given on the command line stay whole."""
    values = parse_values(value_items)
    source = read_source(source_argument)
    from graphstep.tensors import files_beside

    with files_beside(source_argument):  # load("data.csv") in a file also finds data.csv next to it
        graph = parse(source, names=values)
    return graph, values


def _read_array(name: str, text: str) -> Any:
    """``X=@x.npy`` or ``X=@data.csv``: the input's value is the array in that file."""
    from graphstep.tensors import load_array

    try:
        return load_array(text[1:])
    except GraphstepError as error:
        raise InputError(f"the value of {name}: {error}") from None


VALUE_READERS["@"] = _read_array
