"""PNG frames → one animated GIF (Pillow), each frame padded to the largest so nothing jumps, with the step's
sentence as a caption under the circuit."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from graphstep.errors import GraphstepError

FRAME_MS = 900
LAST_FRAME_MS = 3000


CAPTION_PX = 22
"""Caption text height in pixels (the frames are 144 dpi: about the size of the circuit's numbers)."""


def animate(pngs: Sequence[bytes], background: str, captions: Sequence[str] | None = None,
            foreground: str = "#000000", delay_ms: int = FRAME_MS) -> bytes:
    """``captions[k]``: the sentence of frame k, written under the circuit (every frame keeps the room of
    the longest, so nothing jumps); ``delay_ms``: how long each frame shows (the last one holds longer)."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        raise GraphstepError("export.gif_pillow") from None
    images = [Image.open(io.BytesIO(data)).convert("RGB") for data in pngs]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    font = _font(CAPTION_PX) if captions else None
    lines = [_wrap(c, font, width - 2 * CAPTION_PX) for c in captions] if captions and font else []
    line_px = round(CAPTION_PX * 1.35)
    room = (max(len(x) for x in lines) * line_px + CAPTION_PX) if lines else 0
    frames = []
    for k, image in enumerate(images):
        canvas = Image.new("RGB", (width, height + room), background)
        canvas.paste(image, (0, 0))
        if lines:
            pen = ImageDraw.Draw(canvas)
            for i, line in enumerate(lines[k]):
                pen.text((CAPTION_PX, height + i * line_px), line, fill=foreground, font=font)
        frames.append(canvas.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))
    out = io.BytesIO()
    durations = [delay_ms] * (len(frames) - 1) + [max(delay_ms, LAST_FRAME_MS)]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                   optimize=False, disposal=1)
    return out.getvalue()


def _wrap(caption: str, font: Any, width: float) -> list[str]:
    """The caption's lines, each wrapped to ``width`` pixels."""
    out: list[str] = []
    for paragraph in caption.split("\n"):
        words = paragraph.split(" ")
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if line and font.getlength(trial) > width:
                out.append(line)
                line = "   " + word
            else:
                line = trial
        out.append(line)
    return out


@lru_cache(maxsize=4)
def _font(size: int) -> Any:
    """A sans-serif font with ∂, ×, → (DejaVu Sans where fontconfig finds it), else Pillow's own."""
    from PIL import ImageFont

    candidates = []
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True,
                               timeout=10, check=False)
        candidates.append(found.stdout.strip())
    candidates += ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf",
                   "/System/Library/Fonts/Supplemental/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"]
    for path in candidates:
        if not path:
            continue
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)
