"""The loss curve of a training run: as text for the terminal (drawn here with characters, no plotting library)
and as a PNG (Pillow)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graphstep.errors import GraphstepError
from graphstep.i18n import t
from graphstep.numbers import fmt_scalar


def terminal_plot(losses: Sequence[float], width: int = 64, height: int = 12, title: str | None = None,
                  lang: str = "en") -> str:
    """The curve drawn with characters, y labels on the left; a log scale when the loss falls more than 100×."""
    title = t("train.title", lang) if title is None else title
    finite = [v for v in losses if math.isfinite(v)]
    if not finite:
        return t("train.no_finite", lang, title=title)
    log = _use_log(losses)

    def scale(v: float) -> float:
        return math.log10(v) if log else v

    columns = min(width, len(losses))
    buckets = [losses[len(losses) * c // columns: max(len(losses) * (c + 1) // columns, len(losses) * c // columns + 1)]
               for c in range(columns)]
    levels = [scale(sum(b) / len(b)) if all(math.isfinite(v) for v in b) else math.nan for b in buckets]
    shown = [v for v in levels if math.isfinite(v)]  # each column is its steps' mean: the range is theirs
    if not shown:
        return t("train.no_finite", lang, title=title)
    low, high = min(shown), max(shown)
    span = high - low or 1.0
    grid = _grid(levels, high, span, height)
    labels = {0: high, (height - 1) // 2: high - span / 2, height - 1: low}
    texts = {r: fmt_scalar(10**v if log else v, 4) for r, v in labels.items()}
    margin = max(len(t) for t in texts.values())
    lines = [t("train.log_scale", lang, title=title) if log else title]
    for r, row_cells in enumerate(grid):
        lines.append(f"{texts.get(r, ''):>{margin}} ┤{''.join(row_cells)}")
    lines.append(" " * margin + " └" + "─" * columns)
    last = str(len(losses))
    lines.append(" " * (margin + 2) + "1" + last.rjust(columns - 1) + "  " + t("train.axis_step", lang))
    return "\n".join(lines)


def _grid(levels: Sequence[float], high: float, span: float, height: int) -> list[list[str]]:
    """One column a level: a dot at its row, a vertical stroke joining a steep fall to the previous column."""
    grid = [[" "] * len(levels) for _ in range(height)]
    previous: int | None = None
    for c, level in enumerate(levels):
        if not math.isfinite(level):
            previous = None
            continue
        row = round((high - level) / span * (height - 1))
        if previous is not None:
            for r in range(min(previous, row) + 1, max(previous, row)):
                grid[r][c] = "│"
        grid[row][c] = "•"
        previous = row
    return grid


def _use_log(losses: Sequence[float]) -> bool:
    positive = [v for v in losses if v > 0 and math.isfinite(v)]
    return len(positive) == len(losses) and bool(positive) and max(positive) / min(positive) > 100


def _is_noisy(values: Sequence[float]) -> bool:
    """Does the curve zigzag (mini-batches) rather than fall smoothly (full batch)?"""
    steps = [b - a for a, b in itertools.pairwise(values) if math.isfinite(a) and math.isfinite(b)]
    turns = sum(1 for a, b in itertools.pairwise(steps) if a * b < 0)
    return len(steps) > 20 and turns > 0.2 * len(steps)


def _running_mean(values: Sequence[float], window: int) -> list[float]:
    if window <= 1:
        return list(values)
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def save_png(losses: Sequence[float], path: str, title: str | None = None, lang: str = "en") -> None:
    """A 900×500 PNG of the curve with labelled axes (red, like gradients on the blackboard)."""
    title = t("train.title", lang) if title is None else title
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        raise GraphstepError("train.plot_pillow") from None

    width, height = 900, 500
    left, right, top, bottom = 90, 30, 50, 60
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=16)
    except TypeError:  # Pillow < 10.1 has one fixed-size font
        font = ImageFont.load_default()
    finite = [v for v in losses if math.isfinite(v)]
    if not finite:
        raise GraphstepError("train.never_finite")
    log = _use_log(losses)

    def scale(v: float) -> float:
        return math.log10(v) if log else v

    low, high = scale(min(finite)), scale(max(finite))
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    plot_w, plot_h = width - left - right, height - top - bottom

    def point(i: int, v: float) -> tuple[float, float]:
        x = left + plot_w * (i / max(1, len(losses) - 1))
        y = top + plot_h * (1 - (scale(v) - low) / (high - low))
        return x, y

    _ticks(draw, font, (left, top, plot_w, plot_h), (low, high), log, len(losses))
    draw.rectangle((left, top, left + plot_w, top + plot_h), outline="black")
    points = [point(i, v) for i, v in enumerate(losses) if math.isfinite(v)]
    noisy = _is_noisy(losses)
    smooth = _running_mean(losses, max(1, len(losses) // 50)) if noisy else list(losses)
    if len(points) > 1:  # mini-batch losses are noisy: the raw curve pale, its running mean on top
        draw.line(points, fill=(240, 170, 170) if noisy else (200, 30, 30), width=1 if noisy else 2)
    if noisy:
        draw.line([point(i, v) for i, v in enumerate(smooth) if math.isfinite(v)], fill=(200, 30, 30), width=2)
    draw.text((width / 2, 15), t("train.log_scale", lang, title=title) if log else title, fill="black", font=font,
              anchor="ma")
    draw.text((width / 2, height - 22), t("train.axis_step", lang), fill="black", font=font, anchor="ma")
    try:
        image.save(Path(path), format="PNG")
    except (OSError, ValueError) as error:
        raise GraphstepError("error.cannot_write", path=path, reason=error) from None


def _ticks(draw: Any, font: Any, box: tuple[float, float, float, float], levels: tuple[float, float], log: bool,
           count: int) -> None:
    """Five labelled ticks on each axis, with pale horizontal grid lines."""
    left, top, plot_w, plot_h = box
    low, high = levels
    for k in range(5):  # y ticks
        level = low + (high - low) * k / 4
        y = top + plot_h * (1 - k / 4)
        draw.line((left - 5, y, left, y), fill="black")
        draw.line((left, y, left + plot_w, y), fill=(230, 230, 230))
        label = fmt_scalar(10**level if log else level, 3)
        draw.text((left - 8, y), label, fill="black", font=font, anchor="rm")
    for k in range(5):  # x ticks
        step = round(1 + (count - 1) * k / 4)
        x = left + plot_w * k / 4
        draw.line((x, top + plot_h, x, top + plot_h + 5), fill="black")
        draw.text((x, top + plot_h + 8), str(step), fill="black", font=font, anchor="ma")
