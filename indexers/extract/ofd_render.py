"""Drawing an OFD page with Pillow, for previews: text at its positions, images in their boxes, strokes.

No OFD renderer is packaged for Debian or PyPI that we could trust with
hostile files, and a preview needs only what a clerk checks at the window:
the words where they stand, the photo and the stamp image, the table rules.
Embedded fonts are not used (their glyph programs are the riskiest part of
a file); every character is drawn in the installed CJK font. Runs in the
sandbox, so it uses only the standard library and Pillow.
"""

from __future__ import annotations

import functools
import io
import warnings
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from .ofd_package import Package, Page

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
"""The CJK fonts printing.py embeds in notices (WenQuanYi Zen Hei, else AR PL UMing), then other common ones."""
MAX_IMAGE_PIXELS = 40_000_000


@functools.lru_cache(maxsize=64)
def _font(path: str | None, px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path:
        try:
            return ImageFont.truetype(path, px)
        except OSError:
            pass
    return ImageFont.load_default(px)


def find_font(candidates: tuple[str, ...] = FONT_FILES) -> str | None:
    import os

    return next((p for p in candidates if os.path.exists(p)), None)


def render_page(package: Package, page: Page, max_px: int, font_path: str | None, media_cap: int) -> Image.Image:
    """The page fitted into ``max_px`` on its long side, white paper, RGB."""
    scale = max_px / max(page.width, page.height, 1.0)
    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    canvas = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for image in page.images:
        _paste(canvas, package, image.member, image.box, scale, media_cap)
    for path in page.paths:
        width = max(1, round(path.width * scale))
        for line in path.lines:
            draw.line([(x * scale, y * scale) for x, y in line], fill=(40, 40, 40), width=width)
    for run in page.texts:
        font = _font(font_path, max(4, round(run.size * scale)))
        y = run.y * scale
        for x, char in zip(run.x, run.text, strict=False):
            if not char.isspace():
                draw.text((x * scale, y), char, fill=(0, 0, 0), font=font, anchor="ls")
    return canvas


def _paste(
    canvas: Image.Image,
    package: Package,
    member: str,
    box: tuple[float, float, float, float],
    scale: float,
    media_cap: int,
) -> None:
    """One image drawn into its boundary; an image that will not decode is left out, not fatal."""
    x, y, w, h = (round(v * scale) for v in box)
    if w < 1 or h < 1:
        return
    data = package.read(member, media_cap)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_IMAGE_PIXELS:
                    return
                img.draft("RGB", (w, h))
                picture = img.convert("RGBA").resize((w, h))
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return
    canvas.paste(picture, (x, y), picture)
