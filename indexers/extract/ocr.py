"""OCR with the Tesseract command-line program (Debian: tesseract-ocr-chi-sim).

Chosen over rapidocr-onnxruntime on measurements: on the same generated
dense A4 Chinese scans, Tesseract chi_sim+eng used about 5 CPU-seconds a page
at 0.995 character similarity, rapidocr-onnxruntime 1.4.4 about 30 CPU-seconds
at 0.973 (issue #4 measured 4.5 s/0.995 against 15 s/0.985). It installs from
Debian with no model download and runs as a separate, killable process. The CLI is used rather than pytesseract because pytesseract
only wraps the same CLI through temporary files; piping PNM on stdin avoids
them, which keeps this stage within a few percent of the bare engine.
"""

from __future__ import annotations

import functools
import io
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import ExtractionFailed, OcrUnavailable
from .model import Limits
from .ocr_text import clean_ocr_text
from .tools import find_tool, run_tool

DEFAULT_LANGUAGES = "chi_sim+eng"

SINGLE_THREAD_ENV = {"OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other on a 2-core machine: a dense
Chinese page took 15.6 s with the default and 4.3 s with one thread."""


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

    def recognize(self, image: str | os.PathLike[str] | bytes, *, dpi: int | None = None, limits: Limits = Limits()) -> str:
        """Text of one image given as a file path or as encoded bytes (PNM/PNG/...)."""
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
        raw = run_tool(argv, input=data, timeout_s=limits.tool_timeout_s, memory_mb=limits.tool_memory_mb, env=env)
        return clean_ocr_text(raw.decode("utf-8", "replace"))


def default_engine() -> Tesseract:
    return Tesseract()


_TESSERACT_NATIVE = {"JPEG", "PNG", "TIFF", "BMP", "GIF", "WEBP", "PPM"}


def ocr_image_file(path: str | os.PathLike[str], engine: Tesseract | None = None, limits: Limits = Limits()) -> list[str]:
    """Text of each frame of an image file, upright per its EXIF orientation.

    An upright single-frame image in a format Tesseract reads goes to it by
    path untouched (zero overhead); rotated or multi-frame images are fixed
    with Pillow and piped in as PNM.
    """
    from .images import iter_upright_frames, needs_pillow_for_ocr

    engine = engine or default_engine()
    engine.executable()
    if not needs_pillow_for_ocr(path, _TESSERACT_NATIVE):
        return [engine.recognize(path, limits=limits)]
    texts = []
    for frame, dpi in iter_upright_frames(path):
        buf = io.BytesIO()
        frame.save(buf, format="PPM")
        texts.append(engine.recognize(buf.getvalue(), dpi=dpi, limits=limits))
    if not texts:
        raise ExtractionFailed("unreadable", "image has no frames")
    return texts
