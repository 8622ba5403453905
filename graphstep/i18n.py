"""Interface languages: English (default) and Spanish, the language of the course graphstep comes from.

Every user-facing string lives in one catalogue per language, ``graphstep/locales/<code>.py``; code looks
words up with :func:`t`. A new language is one new catalogue file plus its code in :data:`LANGUAGES`.
"""

from __future__ import annotations

import functools
import importlib
import os
import string
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("en", "es")
"""Every interface language: each has its catalogue ``graphstep/locales/<code>.py``; English is the reference."""


def detect_lang(explicit: str | None = None) -> str:
    """``--lang`` when given, else the language LANG/LC_ALL/LC_MESSAGES name (``es_*`` → es), else English."""
    if explicit:
        if explicit not in LANGUAGES:
            from graphstep.errors import GraphstepError

            raise GraphstepError("error.unknown_language", lang=explicit, choices=", ".join(LANGUAGES))
        return explicit
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        if value:
            code = value.lower()[:2]
            return code if code in LANGUAGES else "en"
    return "en"


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """The messages of one language (English for a code graphstep does not know)."""
    code = lang if lang in LANGUAGES else "en"
    messages: Mapping[str, str] = importlib.import_module(f"graphstep.locales.{code}").MESSAGES
    return messages


def has(key: str) -> bool:
    """Whether ``key`` is a message of the catalogues."""
    return key in catalogue("en")


def t(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The message ``key`` in ``lang`` with ``fields`` filled in (English where ``lang`` lacks it).

    A count's words agree with it: ``{n:answer|answers}`` is the first form when ``n`` is 1, else the
    second (``"{n} {n:correcta|correctas}"`` → ``1 correcta``, ``2 correctas``); see :class:`Plural`."""
    messages = catalogue(lang)
    text = messages[key] if key in messages else catalogue("en")[key]
    return _PLURAL.format(text, **fields) if "|" in text else text.format(**fields)


class Plural(string.Formatter):
    """``str.format`` plus plural forms: a field whose format spec is ``ONE|OTHER`` is replaced by ONE when
    its value is 1 and by OTHER for any other count (0 too), the rule of English and Spanish alike."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" not in format_spec:
            return str(super().format_field(value, format_spec))
        one, _, other = format_spec.partition("|")
        return one if is_one(value) else other


def is_one(count: Any) -> bool:
    """Whether a count takes the singular: the number 1, or text that reads ``1`` (a count already written)."""
    return str(count).strip() == "1" or (isinstance(count, (int, float)) and count == 1)


_PLURAL = Plural()
