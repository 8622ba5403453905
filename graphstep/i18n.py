"""Interface languages: English (default) and Spanish, the language of the course graphstep comes from.

Each module keeps its own message catalogue ``{"en": {...}, "es": {...}}`` next to the code that uses it
and looks words up with :func:`tr`; a key missing in Spanish falls back to English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("en", "es")

Catalog = Mapping[str, Mapping[str, str]]


def detect_lang(explicit: str | None = None) -> str:
    """``--lang`` when given, else Spanish when LANG/LC_ALL/LC_MESSAGES say ``es_*``, else English."""
    if explicit:
        if explicit not in LANGUAGES:
            from graphstep.errors import GraphstepError

            raise GraphstepError(f"unknown language {explicit!r}; choose one of: {', '.join(LANGUAGES)}")
        return explicit
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def tr(catalog: Catalog, key: str, lang: str = "en", **fields: Any) -> str:
    """The message ``key`` in ``lang`` with ``fields`` filled in."""
    text = catalog.get(lang, {}).get(key) or catalog["en"][key]
    return text.format(**fields) if fields else text
