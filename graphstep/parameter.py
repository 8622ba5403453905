"""``param(…)``'s mark: an array subclass, in a module of its own so that numpy is imported only with it."""

from __future__ import annotations

import numpy


class Parameter(numpy.ndarray):
    """An input's default value that ``param(…)`` marked trainable (a plain array in every computation)."""
