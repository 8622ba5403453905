"""The terminal app's words: ``app.*`` in the catalogues (``graphstep/locales``)."""

from __future__ import annotations

from typing import Any

from graphstep import i18n


def t(key: str, lang: str, /, **fields: Any) -> str:
    """The app message ``key`` (``app.<key>`` in the catalogues) in ``lang``."""
    return i18n.t(f"app.{key}", lang, **fields)
