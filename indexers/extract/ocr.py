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
(``_reread_doubtful``). The cleaned page goes to
Tesseract as a PNM in an anonymous memory file (see ``_pnm_file``); its text
comes back on stdout.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from .errors import ExtractionFailed, OcrUnavailable
from .model import Limits
from .ocr_text import OcrLine, clean_ocr_text, lines_text, parse_tsv
from .preprocess import prepare_for_ocr, to_gray
from .tools import find_tool, run_tool

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

    def _run(
        self,
        image: str | os.PathLike[str] | bytes,
        *,
        dpi: int | None,
        limits: Limits,
        pass_fds: tuple[int, ...] = (),
        extra: tuple[str, ...] = (),
        languages: str | None = None,
    ) -> str:
        """Tesseract's raw output; ``extra`` goes after the options (e.g. ``--psm 7``, ``tsv``)."""
        argv = [self.executable()]
        data: bytes | None = None
        if isinstance(image, bytes):
            argv.append("stdin")
            data = image
        else:
            argv.append(os.fspath(Path(image)))
        argv += ["stdout", "-l", languages or self.languages]
        if dpi:
            argv += ["--dpi", str(dpi)]
        argv += extra
        env = SINGLE_THREAD_ENV if self.single_thread else None
        raw = run_tool(
            argv,
            input=data,
            timeout_s=limits.tool_timeout_s,
            memory_mb=limits.tool_memory_mb,
            env=env,
            pass_fds=pass_fds,
        )
        return raw.decode("utf-8", "replace")

    def recognize_image(self, img: Image.Image, *, dpi: int | None = None, limits: Limits = Limits()) -> str:
        """Text of an upright page image, cleaned first unless ``preprocess`` is off.

        ``dpi`` is the image's true resolution if known; it is passed on
        (scaled if the image is enlarged) only when credible, since Pillow
        reports 72 for any JPEG with EXIF but no resolution, i.e. most photos.
        """
        credible = dpi if dpi is not None and MIN_CREDIBLE_DPI <= dpi <= MAX_CREDIBLE_DPI else None
        factor = 1.0
        if self.preprocess and self.low_resolution:
            img, factor = prepare_for_ocr(img, dpi=credible)
        elif self.preprocess:
            # a small image at a known, adequate resolution is a small page, not small text
            adequate = credible is not None and credible >= ADEQUATE_DPI
            img, factor = prepare_for_ocr(img, upscale=not adequate, straighten_skew=False)
        elif img.mode not in ("L", "RGB"):
            img = to_gray(img)
        page_dpi = round(credible * factor) if credible is not None else None
        if not (self.preprocess and self.low_resolution):
            with _pnm_file(img) as (path, fds):
                return clean_ocr_text(self._run(path, dpi=page_dpi, limits=limits, pass_fds=fds))
        with _pnm_file(img) as (path, fds):
            extra = ("--psm", PAGE_SEGMENTATION, "tsv")
            lines = parse_tsv(self._run(path, dpi=page_dpi, limits=limits, pass_fds=fds, extra=extra))
        return clean_ocr_text(lines_text(self._reread_doubtful(img, lines, page_dpi, limits)))

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
            crop = img.crop((max(0, left - pad), max(0, top - pad), right + pad, bottom + pad))
            with _pnm_file(crop) as (path, fds):
                raw = self._run(
                    path, dpi=dpi, limits=limits, pass_fds=fds, extra=("--psm", "7", "tsv"), languages=REREAD_LANGUAGES
                )
            again = parse_tsv(raw)
            if len(again) == 1 and again[0].confidence > line.confidence:
                out[n] = OcrLine(again[0].text, line.box, again[0].confidence, line.paragraph)
        return out


@contextmanager
def _pnm_file(img: Image.Image) -> Iterator[tuple[str, tuple[int, ...]]]:
    """The image as a PNM file Tesseract opens by path, and the descriptors it must inherit.

    A file, not stdin: tesseract reads stdin a character at a time through
    std::cin, which cost ~0.2 CPU-s on an 8.7 MB A4 page (5 % of the OCR).
    On Linux the file is an anonymous memfd the child opens as
    /proc/self/fd/N, so nothing is written to disk or left behind if this
    process is killed; elsewhere it is a temporary file.
    """
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("ow-ocr-page", os.MFD_CLOEXEC)
        try:
            with os.fdopen(fd, "wb", closefd=False) as fh:
                img.save(fh, format="PPM")
            yield f"/proc/self/fd/{fd}", (fd,)
        finally:
            os.close(fd)
        return
    with tempfile.NamedTemporaryFile(prefix="ow-ocr-", suffix=".pnm") as fh:
        img.save(fh, format="PPM")
        fh.flush()
        yield fh.name, ()


def default_engine() -> Tesseract:
    return Tesseract()


_TESSERACT_NATIVE = {"JPEG", "PNG", "TIFF", "BMP", "GIF", "WEBP", "PPM"}


def ocr_image_file(
    path: str | os.PathLike[str], engine: Tesseract | None = None, limits: Limits = Limits()
) -> list[str]:
    """Text of each frame of an image file, upright per its EXIF orientation.

    Frames are decoded with Pillow (JPEGs straight to grey), turned upright,
    cleaned (unless the engine's ``preprocess`` is off) and handed over as a
    PNM file. With ``preprocess`` off, an upright single-frame image in a
    format Tesseract reads goes to it by path untouched.
    """
    from .images import needs_pillow_for_ocr

    engine = engine or default_engine()
    engine.executable()
    if not engine.preprocess and not needs_pillow_for_ocr(path, _TESSERACT_NATIVE):
        return [engine.recognize(path, limits=limits)]
    texts = [engine.recognize_image(frame, dpi=dpi, limits=limits) for frame, dpi in _iter_ocr_frames(path)]
    if not texts:
        raise ExtractionFailed("unreadable", "image has no frames")
    return texts


def _iter_ocr_frames(path: str | os.PathLike[str]) -> Iterator[tuple[Image.Image, int | None]]:
    """Each frame, upright, with its dpi if known; a JPEG is decoded to grey directly (no colour conversion)."""
    from .images import _DECODE_ERRORS, frame_count, opened

    with opened(path) as img:
        frames = frame_count(img)
        if img.format == "JPEG" and frames == 1 and img.mode in ("RGB", "YCbCr"):
            img.draft("L", img.size)
        for index in range(frames):
            try:
                img.seek(index)
                img.load()
            except _DECODE_ERRORS as exc:
                raise ExtractionFailed("unreadable", f"frame {index + 1}: {type(exc).__name__}: {exc}") from exc
            dpi = img.info.get("dpi")
            try:
                dpi_value = int(round(float(dpi[0]))) if dpi and dpi[0] else None
            except (TypeError, ValueError):
                dpi_value = None
            # a new image (exif_transpose copies); modes are left to to_gray, which scales 16-bit scans
            yield ImageOps.exif_transpose(img), dpi_value
