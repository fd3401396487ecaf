"""OCR with the Tesseract command-line program (Debian: tesseract-ocr-chi-sim).

Chosen over rapidocr-onnxruntime on measurements: on the same generated dense
A4 Chinese scans, Tesseract chi_sim+eng used about 5 CPU-seconds a page at
0.995 character similarity, rapidocr-onnxruntime 1.4.4 about 30 CPU-seconds at
0.973 (issue #4 measured 4.5 s/0.995 against 15 s/0.985). It installs from
Debian with no model download and runs as a separate, killable process. The
CLI is used rather than pytesseract because pytesseract only wraps the same
CLI, through temporary image *and* text files. Page images are cleaned first
(``preprocess.py``: grey, illumination levelled, paper noise clipped, small
images enlarged, skewed pages straightened), which costs about 0.1 s a page
in Pillow (plus ~0.05 s decoding that Tesseract no longer does) and let
Tesseract read nearly blank, unevenly lit phone photos it used to return
empty. The page is read as one column (``PAGE_SEGMENTATION``) into TSV, and
lines Tesseract is unsure of are read again on their own in Chinese only
(``_reread_doubtful``). Tesseract is started before the page is cleaned and
spends its first ~0.3 s loading chi_sim and eng, so the cleaning runs on the
other core meanwhile; the page then goes to it as a PNG on stdin (see
``_page_png``) and its text comes back on stdout. Before, the page was cleaned
first and handed over as a PNM in a memfd: 1.05-1.15x bare Tesseract a page.
"""

from __future__ import annotations

import functools
import io
import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from .errors import ExtractionFailed, OcrUnavailable
from .model import Limits
from .ocr_text import OcrLine, clean_ocr_text, lines_text, parse_tsv
from .preprocess import prepare_for_ocr, to_gray
from .tools import RunningTool, find_tool, run_tool, started_tool

DEFAULT_LANGUAGES = "chi_sim+eng"

SINGLE_THREAD_ENV = {"OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other on a 2-core machine: a dense
Chinese page took 15.6 s with the default and 4.3 s with one thread."""

MIN_CREDIBLE_DPI, MAX_CREDIBLE_DPI = 100, 2400
"""Resolutions outside this range are ignored and Tesseract estimates its own
from the text: 72 and 96 are almost always a default, not a measurement."""

ADEQUATE_DPI = 200
"""Before issue #15 (``low_resolution=False``): an image known to be at least this
resolution is not enlarged, however small."""

PAGE_SEGMENTATION = "4"
"""Tesseract's --psm: 4, one column of text of varying sizes. With the default (3,
full layout analysis) the column of opening brackets of a list, （一）（二）…, is
taken for a separate block and read after the text; on 7 low-resolution scans
character accuracy rose from 0.977 to 0.987 (6, one uniform block: 0.985)."""

REREAD_BELOW = 60.0
"""Lines whose mean word confidence is under this are read a second time."""

MAX_REREAD_LINES = 8
"""At most this many lines a page are read again (each is a Tesseract start, ~0.4 s)."""

REREAD_LANGUAGES = "chi_sim"


@functools.lru_cache(maxsize=8)
def _installed_languages(binary: str) -> frozenset[str]:
    try:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = (done.stdout + done.stderr).decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("List of"))


@dataclass(frozen=True)
class Tesseract:
    """A Tesseract configuration; cheap to create, checks the install lazily."""

    languages: str = DEFAULT_LANGUAGES
    binary: str | None = None
    single_thread: bool = True
    preprocess: bool = True
    """Clean page images before recognition (see preprocess.py); False sends them as they are."""
    low_resolution: bool = True
    """Straighten skewed pages and enlarge them by their dpi (see preprocess.py); False is the
    cleaning as it was before issue #15, kept so the benchmark can compare the two."""

    def executable(self) -> str:
        """The binary path, or OcrUnavailable saying what to install."""
        path = self.binary or find_tool("tesseract")
        if path is None or not os.access(path, os.X_OK):
            raise OcrUnavailable("tesseract not found: install the Debian packages tesseract-ocr tesseract-ocr-chi-sim")
        missing = set(self.languages.split("+")) - _installed_languages(path)
        if missing:
            raise OcrUnavailable(f"tesseract lacks language data {sorted(missing)}: install tesseract-ocr-chi-sim")
        return path

    def available(self) -> bool:
        try:
            self.executable()
        except OcrUnavailable:
            return False
        return True

    def recognize(
        self, image: str | os.PathLike[str] | bytes, *, dpi: int | None = None, limits: Limits = Limits()
    ) -> str:
        """Text of one image given as a file path or as encoded bytes (PNM/PNG/...)."""
        return clean_ocr_text(self._run(image, dpi=dpi, limits=limits))

    def _argv(self, image: str, extra: tuple[str, ...], languages: str | None, dpi: int | None = None) -> list[str]:
        argv = [self.executable(), image, "stdout", "-l", languages or self.languages]
        if dpi:
            argv += ["--dpi", str(dpi)]
        return argv + list(extra)

    def _env(self) -> dict[str, str] | None:
        return SINGLE_THREAD_ENV if self.single_thread else None

    def _run(self, image: str | os.PathLike[str] | bytes, *, dpi: int | None, limits: Limits) -> str:
        """Tesseract's raw output for an image it decodes itself, from a path or as bytes on stdin."""
        data = image if isinstance(image, bytes) else None
        argv = self._argv("stdin" if isinstance(image, bytes) else os.fspath(Path(image)), (), None, dpi)
        raw = run_tool(
            argv, input=data, timeout_s=limits.tool_timeout_s, memory_mb=limits.tool_memory_mb, env=self._env()
        )
        return _decoded(raw)

    @contextmanager
    def _started(
        self, limits: Limits, extra: tuple[str, ...] = (), languages: str | None = None
    ) -> Iterator[RunningTool]:
        """Tesseract started on stdin, loading its models while the caller prepares the page."""
        argv = self._argv("stdin", extra, languages)
        with started_tool(
            argv, timeout_s=limits.tool_timeout_s, memory_mb=limits.tool_memory_mb, env=self._env()
        ) as tesseract:
            yield tesseract

    def recognize_image(self, img: Image.Image, *, dpi: int | None = None, limits: Limits = Limits()) -> str:
        """Text of an upright page image, cleaned first unless ``preprocess`` is off."""
        return self.recognize_page(lambda: (img, dpi), limits=limits)

    def recognize_page(self, load: Callable[[], tuple[Image.Image, int | None]], *, limits: Limits = Limits()) -> str:
        """Text of the upright page image ``load`` returns with its dpi (None if unknown).

        Tesseract is started first: ``load`` decodes or renders the page, and
        it is cleaned, while Tesseract loads its models on the other core.
        The dpi is passed on (scaled if the page is enlarged) only when
        credible, since Pillow reports 72 for any JPEG with EXIF but no
        resolution, i.e. most photos.
        """
        if not (self.preprocess and self.low_resolution):
            with self._started(limits) as tesseract:
                img, page_dpi = self._clean_before_issue_15(*load())
                return clean_ocr_text(_decoded(tesseract.finish(_page_png(img, page_dpi))))
        with self._started(limits, extra=("--psm", PAGE_SEGMENTATION, "tsv")) as tesseract:
            img, dpi = load()
            credible = _credible(dpi)
            img, factor = prepare_for_ocr(img, dpi=credible)
            page_dpi = round(credible * factor) if credible is not None else None
            lines = parse_tsv(_decoded(tesseract.finish(_page_png(img, page_dpi))))
        return clean_ocr_text(lines_text(self._reread_doubtful(img, lines, page_dpi, limits)))

    def _clean_before_issue_15(self, img: Image.Image, dpi: int | None) -> tuple[Image.Image, int | None]:
        credible, factor = _credible(dpi), 1.0
        if self.preprocess:
            # a small image at a known, adequate resolution is a small page, not small text
            adequate = credible is not None and credible >= ADEQUATE_DPI
            img, factor = prepare_for_ocr(img, upscale=not adequate, straighten_skew=False)
        elif img.mode not in ("L", "RGB"):
            img = to_gray(img)
        return img, round(credible * factor) if credible is not None else None

    def _reread_doubtful(
        self, img: Image.Image, lines: list[OcrLine], dpi: int | None, limits: Limits
    ) -> list[OcrLine]:
        """``lines`` with the few least confident ones read again on their own, Chinese only.

        With chi_sim+eng, Tesseract now and then reads a whole line of Chinese
        as Latin letters (confidence 0-40): as one line (--psm 7) with chi_sim
        alone the same pixels read correctly. The new reading is kept only if
        Tesseract is more confident of it.
        """
        if "chi_sim" not in self.languages.split("+") or self.languages == REREAD_LANGUAGES:
            return lines
        doubtful = sorted(
            (n for n, line in enumerate(lines) if line.confidence < REREAD_BELOW),
            key=lambda n: lines[n].confidence,
        )[:MAX_REREAD_LINES]
        out = list(lines)
        for n in doubtful:
            line = lines[n]
            left, top, right, bottom = line.box
            pad = max(4, (bottom - top) // 3)
            with self._started(limits, extra=("--psm", "7", "tsv"), languages=REREAD_LANGUAGES) as tesseract:
                crop = img.crop((max(0, left - pad), max(0, top - pad), right + pad, bottom + pad))
                again = parse_tsv(_decoded(tesseract.finish(_page_png(crop, dpi))))
            if len(again) == 1 and again[0].confidence > line.confidence:
                out[n] = OcrLine(again[0].text, line.box, again[0].confidence, line.paragraph)
        return out


def _page_png(img: Image.Image, dpi: int | None) -> bytes:
    """The page for Tesseract's stdin, its resolution in the PNG (Tesseract honours it as it does --dpi).

    PNG at zlib level 1, not PNM: Tesseract reads stdin a character at a
    time, ~0.2 CPU-s for the 8.7 MB PNM of an A4 page at 300 dpi and ~0.02 s
    for the ~0.7 MB PNG, which takes ~0.05 s to write while Tesseract starts.
    """
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", compress_level=1, **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def _credible(dpi: int | None) -> int | None:
    return dpi if dpi is not None and MIN_CREDIBLE_DPI <= dpi <= MAX_CREDIBLE_DPI else None


def _decoded(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def default_engine() -> Tesseract:
    return Tesseract()


_TESSERACT_NATIVE = {"JPEG", "PNG", "TIFF", "BMP", "GIF", "WEBP", "PPM"}


def ocr_image_file(
    path: str | os.PathLike[str], engine: Tesseract | None = None, limits: Limits = Limits()
) -> list[str]:
    """Text of each frame of an image file, upright per its EXIF orientation.

    Frames are decoded with Pillow (JPEGs straight to grey), turned upright
    and cleaned (unless the engine's ``preprocess`` is off) while Tesseract
    starts. With ``preprocess`` off, an upright single-frame image in a
    format Tesseract reads goes to it by path untouched.
    """
    from .images import frame_count, needs_pillow_for_ocr, opened

    engine = engine or default_engine()
    engine.executable()
    if not engine.preprocess and not needs_pillow_for_ocr(path, _TESSERACT_NATIVE):
        return [engine.recognize(path, limits=limits)]
    with opened(path) as img:
        frames = frame_count(img)
    if frames < 1:
        raise ExtractionFailed("unreadable", "image has no frames")
    # each frame is opened again by its loader: Tesseract runs outside ``opened``, whose error mapping is for decoding
    return [engine.recognize_page(functools.partial(_ocr_frame, path, n, frames), limits=limits) for n in range(frames)]


def _ocr_frame(path: str | os.PathLike[str], index: int, frames: int) -> tuple[Image.Image, int | None]:
    """Frame ``index``, upright, with its dpi if known; a lone JPEG frame is decoded to grey directly."""
    from .images import load_frame, opened

    with opened(path) as img:
        if img.format == "JPEG" and frames == 1 and img.mode in ("RGB", "YCbCr"):
            img.draft("L", img.size)
        dpi = load_frame(img, index)
        # a new image (exif_transpose copies), so it outlives the file; modes are left to to_gray
        return ImageOps.exif_transpose(img), dpi
