"""Files archived as a copy in an archival format, when what was uploaded is not one.

An iPhone uploads its photos as HEIC. The case keeps the upload as it came, but a dossier must hold
formats an archive can read in decades (DA/T 70 KY-02; GB/T 18894 names JPEG for photographs), and
HEIC (HEVC-coded, patent-encumbered, unreadable by many viewers) is not among them. So the sealed
package holds an upright JPEG of the photo, made when sealing; the original stays with the case.
"""

from __future__ import annotations

import dataclasses
import io
import os
import tempfile
from typing import BinaryIO

from indexers.extract.check import normalise_media_type
from indexers.extract.images import jpeg_copy

from .seal import SealFile

CONVERTED = {"image/heif": ("image/jpeg", ".jpg")}


def archival_copy(spec: SealFile) -> SealFile:
    """``spec`` itself, or a SealFile whose bytes are the archival copy (it no longer matches the upload's digest)."""
    target = CONVERTED.get(normalise_media_type(spec.media_type))
    if target is None:
        return spec
    media_type, suffix = target
    stem, _ = os.path.splitext(spec.name)
    return dataclasses.replace(
        spec,
        name=f"{stem or 'photo'}{suffix}",
        open=lambda: _converted(spec),
        media_type=media_type,
        expected_sha256=None,
        source_key=None,
        known=None,
        converted_from=f"{spec.name} ({spec.media_type}, SHA-256 {spec.expected_sha256 or 'unknown'}), "
        "turned upright and saved as JPEG quality 92",
    )


def _converted(spec: SealFile) -> BinaryIO:
    with tempfile.NamedTemporaryFile(prefix="ow-archival-") as local:
        with spec.open() as src:
            while chunk := src.read(1024 * 1024):
                local.write(chunk)
        local.flush()
        return io.BytesIO(jpeg_copy(local.name))
