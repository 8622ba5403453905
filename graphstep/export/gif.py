"""PNG frames → one animated GIF (Pillow), each frame padded to the largest so nothing jumps."""

from __future__ import annotations

import io
from collections.abc import Sequence

from graphstep.errors import GraphstepError

FRAME_MS = 900
LAST_FRAME_MS = 3000


def animate(pngs: Sequence[bytes], background: str) -> bytes:
    try:
        from PIL import Image
    except ImportError:
        raise GraphstepError("writing a .gif needs Pillow: `pip install pillow`") from None
    images = [Image.open(io.BytesIO(data)).convert("RGB") for data in pngs]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    frames = []
    for image in images:
        canvas = Image.new("RGB", (width, height), background)
        canvas.paste(image, (0, 0))
        frames.append(canvas.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))
    out = io.BytesIO()
    durations = [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                   optimize=False, disposal=1)
    return out.getvalue()
