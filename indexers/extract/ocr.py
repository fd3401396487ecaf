"""OCR with the Tesseract command-line program (Debian: tesseract-ocr-chi-sim).

Chosen over rapidocr-onnxruntime on measurements: on the same generated dense
A4 Chinese scans, Tesseract chi_sim+eng used about 5 CPU-seconds a page at
0.995 character similarity, rapidocr-onnxruntime 1.4.4 about 30 CPU-seconds at
0.973 (issue #4 measured 4.5 s/0.995 against 15 s/0.985). It installs from
Debian with no model download and runs as a separate, killable process. The
CLI is used rather than pytesseract because pytesseract only wraps the same
CLI, through temporary image *and* text files. Page images are cleaned first
(``preprocess.py``: grey, illumination levelled, paper noise clipped, small
images enlarged), which costs about 0.07 s a page in Pillow (plus ~0.05 s
decoding that Tesseract no longer does) and let Tesseract read nearly blank,
unevenly lit phone photos it used to return empty. The cleaned page goes to
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
from .ocr_text import clean_ocr_text
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
"""An image known to be at least this resolution is not enlarged, however small."""


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
        return self._run(image, dpi=dpi, limits=limits)

    def _run(
        self, image: str | os.PathLike[str] | bytes, *, dpi: int | None, limits: Limits, pass_fds: tuple[int, ...] = ()
    ) -> str:
        argv = [self.executable()]
        data: bytes | None = None
        if isinstance(image, bytes):
            argv.append("stdin")
            data = image
        else:
            argv.append(os.fspath(Path(image)))
        argv += ["stdout", "-l", self.languages]
        if dpi:
            argv += ["--dpi", str(dpi)]
        env = SINGLE_THREAD_ENV if self.single_thread else None
        raw = run_tool(
            argv,
            input=data,
            timeout_s=limits.tool_timeout_s,
            memory_mb=limits.tool_memory_mb,
            env=env,
            pass_fds=pass_fds,
        )
        return clean_ocr_text(raw.decode("utf-8", "replace"))

    def recognize_image(self, img: Image.Image, *, dpi: int | None = None, limits: Limits = Limits()) -> str:
        """Text of an upright page image, cleaned first unless ``preprocess`` is off.

        ``dpi`` is the image's true resolution if known; it is passed on
        (scaled if the image is enlarged) only when credible, since Pillow
        reports 72 for any JPEG with EXIF but no resolution, i.e. most photos.
        """
        credible = dpi if dpi is not None and MIN_CREDIBLE_DPI <= dpi <= MAX_CREDIBLE_DPI else None
        factor = 1.0
        if self.preprocess:
            # a small image at a known, adequate resolution is a small page, not small text
            img, factor = prepare_for_ocr(img, upscale=not (credible is not None and credible >= ADEQUATE_DPI))
        elif img.mode not in ("L", "RGB"):
            img = to_gray(img)
        with _pnm_file(img) as (path, fds):
            return self._run(
                path, dpi=round(credible * factor) if credible is not None else None, limits=limits, pass_fds=fds
            )


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
