"""Cleaning a page image before OCR: grey, even light, white paper, legible size.

Phone photos of paper are unevenly lit: one corner is a third darker than the
other. Tesseract binarises a page with one global (Otsu) threshold, so on a
nearly blank page it splits the light from the dark half of the *paper* and
finds no text at all (six such pages of the search-quality benchmark came
back empty). Dividing the page by an estimate of its background evens the
light; clipping what is left of the paper to white removes the sensor noise
that Otsu would otherwise split on a page with a line or two of ink. Tried and
rejected on those pages: autocontrast, or scaling so the paper is white (no
help, and dense pages got worse: thinner strokes after binarisation), and
Tesseract's own ``thresholding_method`` 2 (Sauvola: two of the six pages
read, in part) and 1 (adaptive Otsu: fragments, and up to 8x slower).

Flatbed scans at 150-200 dpi laid up to 2 degrees askew (issue #15; the
benchmark's ``lowres.py``, 32 pages) read at 0.957 character accuracy. What
helped, measured there: straightening the page (``deskew.py``) and enlarging
it to ~300 dpi by the dpi the JPEG records, in one resampling, rather than by
its pixel size (0.940 -> 0.972 on the first 16 pages); then, in ``ocr.py``,
Tesseract's --psm 4 and a second reading of unsure lines. Tried and rejected:
Tesseract's own OSD (``--psm 0``) finds only quarter turns, not small angles;
rotating a reduced copy for each candidate angle to measure skew (~150 ms a
page where shearing 64 averaged columns takes ~15 ms, and it favoured 0
degrees through interpolation blur).

Everything here is Pillow in C at 8 bits a pixel. The background is estimated
on a copy reduced to ~400 px (a max filter removes the text, a blur smooths
it) and applied as a gain with ``ImageChops.multiply``, so the full-size image
is touched by a handful of cheap passes: about 0.07 s for a 2480x3508 page,
against 4-5 s of Tesseract.
"""

from __future__ import annotations

from typing import cast

from PIL import Image, ImageChops, ImageFilter

from .deskew import skew_angle, straighten

BACKGROUND_CELLS = 400
"""The background is estimated on a copy whose longer side is about this many pixels."""

MAX_FILTER = 7
"""Max-filter size on the reduced copy: 7 cells (~2 % of the page) span a text
line and its gap, so the brightest cell in the window is paper, not ink.
Done as three 3x3 passes, the same result as one 7x7 at a third of the cost."""

MIN_GAIN_BACKGROUND = 96
"""Background darker than this is brightened only as much as this would be
(bounds the gain at 255/96, so the 8-bit intermediate keeps its precision)."""

PAPER_CLIP = 0.9
"""After levelling, grey at or above this share of the paper level becomes white."""

MIN_PAPER = 160
"""A page whose levelled median is darker than this is not dark text on light
paper (a photograph, white-on-dark text); it is left as it is."""

SMALL_SIDE = 2000
UPSCALE_TO = 2400
"""Images whose longer side is under SMALL_SIDE are enlarged (at most 2x) to
UPSCALE_TO, A4 at about 200 dpi: small characters lose strokes in
binarisation. On 12 benchmark pages shrunk to 0.6x and 0.4x (1000-2100 px),
enlarging raised character accuracy from 0.885 to 0.930 and 0.935 to 0.946."""

TARGET_DPI = 300
DPI_SLACK = 0.1
"""An image whose dpi is known and more than DPI_SLACK below TARGET_DPI is enlarged
(at most 2x) to TARGET_DPI, whatever its pixel size."""

MIN_SKEW = 0.1
"""Pages being enlarged are turned level from this many degrees: the resampling is done anyway."""

MIN_SKEW_FULL_SIZE = 1.0
"""Pages not enlarged are turned only from this many degrees. On the benchmark suite's
dense 300 dpi page (0.6 degrees askew) turning cost 0.26 s and made Tesseract itself
~0.45 s slower (4.1 s against 3.6 s), 1.3x bare Tesseract in all, for 0.993 -> 1.000
similarity; below a degree Tesseract's own line finding copes."""


def to_gray(img: Image.Image) -> Image.Image:
    """8-bit grey: transparency over white, 16-bit and 32-bit scans scaled by their brightest pixel."""
    if img.mode == "L":
        return img
    if img.mode in ("RGBA", "LA", "PA", "P"):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        img = base
    elif img.mode.startswith("I") or img.mode == "F":
        # one band: (min, max); Pillow's return type also covers the per-band pairs of multi-band images
        top = cast("tuple[float, float]", img.getextrema())[1]
        if top > 255:  # Pillow's own conversion would clip everything above 255 to white
            img = img.point(lambda v: v * (255 / top))
    return img.convert("L")


def _median(histogram: list[int]) -> int:
    half, seen = sum(histogram) / 2, 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= half:
            return level
    return 255


def background(gray: Image.Image) -> Image.Image:
    """The paper's brightness at low resolution: text removed by a max filter, then smoothed."""
    factor = max(1, round(max(gray.size) / BACKGROUND_CELLS))
    small = gray.reduce(factor) if factor > 1 else gray.copy()
    for _ in range((MAX_FILTER - 1) // 2):
        small = small.filter(ImageFilter.MaxFilter(3))
    return small.filter(ImageFilter.GaussianBlur(2))


def level_illumination(gray: Image.Image) -> Image.Image:
    """``gray`` divided by its background, with the remaining paper grain set to white.

    Returns the image unchanged if it does not look like dark marks on light
    paper (then Tesseract's own handling is better than ours).
    """
    bg = background(gray)
    low = max(MIN_GAIN_BACKGROUND, cast("tuple[float, float]", bg.getextrema())[0])  # one band: (min, max)
    # gain = 255 * low / bg <= 255: multiply() computes gray * gain / 255 = gray * low / bg,
    # and the lookup table below scales that by 255 / low, i.e. gray * 255 / bg overall.
    gain = bg.point(lambda b: round(255 * low / max(b, low)))
    # NEAREST: the gain is smooth (a cell differs from its neighbour by well under a grey
    # level), and it is 4x faster than BILINEAR at this size
    levelled = ImageChops.multiply(gray, gain.resize(gray.size, Image.Resampling.NEAREST))
    paper = _median(levelled.histogram()) * 255 / low
    if paper < MIN_PAPER:
        return gray
    white = PAPER_CLIP * paper
    scale = 255 / low
    return levelled.point([255 if v * scale >= white else min(255, round(v * scale)) for v in range(256)])


def upscale_factor(size: tuple[int, int]) -> float:
    """Enlargement of an image of unknown resolution, judged by its pixel size."""
    longest = max(size)
    if longest <= 0 or longest >= SMALL_SIDE:
        return 1.0
    return min(2.0, UPSCALE_TO / longest)


def dpi_factor(dpi: int) -> float:
    """Enlargement of an image scanned at ``dpi`` to about TARGET_DPI."""
    if dpi >= TARGET_DPI * (1 - DPI_SLACK):
        return 1.0
    return min(2.0, TARGET_DPI / dpi)


def _paper_level(gray: Image.Image) -> int:
    small = gray.reduce(max(1, round(max(gray.size) / BACKGROUND_CELLS)))
    return _median(small.histogram())


def prepare_for_ocr(
    img: Image.Image, *, upscale: bool = True, dpi: int | None = None, straighten_skew: bool = True
) -> tuple[Image.Image, float]:
    """An upright page image made ready for Tesseract, and the factor it was enlarged by.

    ``dpi`` is the image's true resolution if known: the image is then
    enlarged to about TARGET_DPI by it (``upscale`` is for images of unknown
    resolution). ``straighten_skew`` turns a page laid askew level.
    """
    gray = to_gray(img)
    by_size = upscale_factor(gray.size) if upscale else 1.0
    factor = dpi_factor(dpi) if dpi is not None else by_size
    angle = skew_angle(gray) if straighten_skew else 0.0
    if abs(angle) >= (MIN_SKEW if factor > 1.0 else MIN_SKEW_FULL_SIZE):
        gray = straighten(gray, angle, factor, _paper_level(gray))
    elif factor > 1.0:
        size = (round(gray.width * factor), round(gray.height * factor))
        gray = gray.resize(size, Image.Resampling.BICUBIC)
    if min(gray.size) < 2 * MAX_FILTER:
        return gray, factor
    return level_illumination(gray), factor
