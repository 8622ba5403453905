"""Input values given as text, ``NAME=VALUE`` (the command line, the app's value editor): part of the core, so
that every front end reads them alike."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from graphstep.errors import GraphstepError, InputError
from graphstep.lexer import canonical_name

ASSIGNMENT = re.compile(r"^\s*(\\?[^\W\d]\w*(?:_\{[^{}=]*\})?)\s*=(.*)$", re.S)  # w0=, w_{0}=, \alpha=


def parse_values(items: Sequence[str]) -> dict[str, Any]:
    """``["x=3", "y=-4"]`` → ``{"x": 3.0, "y": -4.0}``, with a clear message for anything else."""
    values: dict[str, Any] = {}
    for item in items:
        match = ASSIGNMENT.match(item)
        if not match:
            raise InputError("error.value_syntax", item=item)
        name, text = canonical_name(match.group(1)), match.group(2).strip()
        reader = next((r for prefix, r in VALUE_READERS.items() if text.startswith(prefix)), None)
        if reader is not None:
            values[name] = reader(name, text)
            continue
        try:
            values[name] = float(text.replace("−", "-"))
        except ValueError:
            raise InputError("error.value_not_number", name=name, text=text, item=item) from None
    return values


def _read_array(name: str, text: str) -> Any:
    """``X=@x.npy`` or ``X=@data.csv``: the input's value is the array in that file."""
    from graphstep.tensors import load_array

    try:
        return load_array(text[1:], confined=False)  # the command line's own file, not the program's
    except GraphstepError as error:
        raise InputError("error.value_of", name=name, error=error) from None



VALUE_READERS: dict[str, Callable[[str, str], Any]] = {"@": _read_array}
"""Readers for NAME=VALUE forms that are not a number, by prefix: ``@FILE`` loads an array."""
