"""Slide typography for the exported pictures: a real minus sign (−0.20), × for the product gate,
x² for a square, subscripts for indexed names (w₀, x₁₂). Applied once, when the scene is built, so every
writer (DOT, SVG, TikZ, HTML) shows the same text. The terminal and ``eval`` keep plain ASCII input syntax.
"""

from __future__ import annotations

import re

MINUS = "\u2212"
NAMED = ("label", "name", "connector")
"""The roles of drawn texts that are names (where ``W_H`` is set as W with subscript H)."""
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SIGN = re.compile(r"(?<![0-9A-Za-z.)\]])-(?=[\d.]|inf|nan)")
_INDEXED = re.compile(r"([A-Za-zα-ωΑ-Ω]+?)_?\{?(\d+)\}?")
_LETTERED = re.compile(r"([A-Za-zα-ωΑ-Ω])_\{?([A-Za-z0-9α-ω]{1,4})\}?")


def number(text: str) -> str:
    """``-0.20`` → ``−0.20`` (also inside ``[0.06, -0.16]`` and ``4×3 μ-0.22``); an exponent's ``e-05`` stays."""
    return _SIGN.sub(MINUS, text)


def name(text: str) -> str:
    """``w0`` → ``w₀``, ``x_1`` and ``x_{12}`` → ``x₁``, ``x₁₂``; other names unchanged."""
    match = _INDEXED.fullmatch(text)
    if match is None:
        return text
    return match.group(1) + match.group(2).translate(_SUB)


def gate(label: str) -> str:
    """A gate's symbol: ``*`` → ``×``, ``*-1`` → ``×−1``, ``^2`` → ``x²``, ``1-x`` → ``1−x``."""
    power = re.fullmatch(r"\^(-?\d+)", label)
    if power is not None:
        return "x" + power.group(1).translate(_SUP)
    if label.startswith("^"):
        label = "x" + label
    return label.replace("*", "×").replace("-", MINUS)


def subscript(text: str) -> tuple[str, str] | None:
    """A name with a letter subscript, split for the writers to set it lowered and smaller: ``W_H`` →
    (``W``, ``H``), ``W_{HO}`` → (``W``, ``HO``); None for other texts (digit subscripts are Unicode already:
    ``w₀``; a long name such as ``my_rate`` stays as written)."""
    match = _LETTERED.fullmatch(text)
    return (match.group(1), match.group(2)) if match else None
