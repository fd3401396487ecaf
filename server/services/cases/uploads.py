"""Streaming an upload into object storage, accepted only once it is known to open and to be clean.

The bytes stream to the store and, at the same time, to a spool file on local
disk; the spool is then opened in the sandbox (every page or frame) and, when
a scanner is configured, scanned. A file that fails either is deleted from the
store before anything refers to it, so a refused upload never replaces the
slot's current file and never reaches the archive.

Only ``STREAMING`` sending uploads per process stream at a time; the others
wait (their bytes wait in the socket) without taking CPU or the GIL; a client
that has sent nothing for ``STALL_SECONDS`` does not count (admission.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from indexers.extract import ExtractionFailed, open_fully, sniff_media_type
from indexers.extract.sniff import SNIFF_BYTES
from storage import StorageError, TooLarge

from ...errors import Infected, InvalidInput, PayloadTooLarge, Unavailable, UnsupportedType, UnusableFile
from ...models import StoredObject
from ...runtime import Runtime
from ...scanning import ScannerUnavailable
from .admission import Admission

CHUNK = 1024 * 1024
STREAMING = max(2, os.cpu_count() or 1)
STALL_SECONDS = 5.0
# SM3 (and SHA-512, the format) are learned after the upload by the object_facts job, off the request.
UPLOAD_DIGESTS = ("sha256",)
ADMISSION = Admission(STREAMING, STALL_SECONDS)
FORMAT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "ofd": "application/ofd",
    "webp": "image/webp",
    "heic": "image/heif",
    "heif": "image/heif",
}
# A slot that takes JPEG photos takes what an iPhone saves them as (HEIC) too, without the catalogue saying so.
IMPLIED_FORMATS = {"jpg": ("jpeg", "heic", "heif"), "jpeg": ("jpg", "heic", "heif")}


def accepted_formats(formats: list[str] | tuple[str, ...]) -> list[str]:
    """The slot's formats and those they imply, in order, for the check and the file picker."""
    out = list(dict.fromkeys(formats))
    for name in formats:
        out.extend(f for f in IMPLIED_FORMATS.get(name, ()) if f not in out)
    return out


def accepted_media_types(formats: list[str] | tuple[str, ...]) -> set[str]:
    return {FORMAT_TYPES[f] for f in accepted_formats(formats) if f in FORMAT_TYPES}


_DAMAGED = (
    "文件已损坏或不完整，无法打开，请重新保存、导出或扫描后上传新文件 "
    "(the file is damaged or incomplete and cannot be opened: save, export or scan it again and upload the new file)"
)
_TOO_BIG_TO_OPEN = (
    "文件内容过大（例如图片像素过多），无法打开，请降低分辨率后重新上传 "
    "(the content is too large to open, e.g. an image with too many pixels: reduce its resolution)"
)
UNUSABLE_MESSAGES = {
    "encrypted": "PDF 设有密码，请去除密码后重新上传"
    " (the PDF is password-protected: remove the password and upload it again)",
    "too_many_pages": "页数过多，请拆分为多个文件后上传 (too many pages: split the file and upload the parts)",
    "too_large": _TOO_BIG_TO_OPEN,
    "memory": _TOO_BIG_TO_OPEN,
    "timeout": "文件过于复杂，无法在限定时间内打开，请重新生成后上传"
    " (the file is too complex to open in time: export it again)",
}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredUpload:
    stored: StoredObject
    media_type: str
    pages: int | None


def _chunks(head: bytes, stream: IO[bytes], spool, progressed: Callable[[], None]) -> Iterator[bytes]:
    """The stream again from its first byte, copied to a spool file for the checks."""
    spool.write(head)
    yield head
    while chunk := stream.read(CHUNK):
        progressed()
        spool.write(chunk)
        yield chunk


def store_upload(runtime: Runtime, key: str, stream: IO[bytes], *, formats: list[str], max_bytes: int) -> StoredUpload:
    """Checks the type from the first bytes, streams the rest with a size limit, then opens and scans it.

    Memory stays bounded: chunks go to the store and to a temporary file on disk.
    """
    with ADMISSION.place() as progressed:
        return _store(runtime, key, stream, progressed, formats=formats, max_bytes=max_bytes)


def _store(
    runtime: Runtime, key: str, stream: IO[bytes], progressed: Callable[[], None], *, formats: list[str], max_bytes: int
) -> StoredUpload:
    head = stream.read(SNIFF_BYTES)
    while len(head) < SNIFF_BYTES and (more := stream.read(SNIFF_BYTES - len(head))):
        head += more
    if not head:
        raise InvalidInput("文件为空 (the file is empty)")
    media_type = sniff_media_type(head)
    if media_type not in accepted_media_types(formats):
        raise UnsupportedType(
            f"文件内容为 {media_type}，此项材料只接受 {'/'.join(f.upper() for f in formats)} "
            f"(the content is {media_type}; this slot accepts {', '.join(formats)})",
            {"detected": media_type, "accepted_formats": formats},
        )
    with tempfile.NamedTemporaryFile(prefix="ow-upload-") as spool:
        try:
            chunks = _chunks(head, stream, spool, progressed)
            info = runtime.store.put(key, chunks, content_type=media_type, max_bytes=max_bytes, digests=UPLOAD_DIGESTS)
        except TooLarge:
            raise PayloadTooLarge(
                f"文件超过此项材料的大小上限 {max_bytes // (1024 * 1024)} MB "
                f"(the file is larger than this slot's limit of {max_bytes} bytes)",
                {"max_bytes": max_bytes},
            ) from None
        spool.flush()
        try:
            pages = _accept(runtime, spool.name, media_type)
        except BaseException:
            discard(runtime, key)
            raise
    stored = StoredObject(
        backend=runtime.store.describe(),
        key=info.key,
        size=info.size,
        sha256=info.sha256,
        sm3=info.sm3 or "",
        media_type=media_type,
    )
    return StoredUpload(stored, media_type, pages)


def _accept(runtime: Runtime, path: str, media_type: str) -> int:
    """The page count of a file that opens fully and, with a scanner configured, is clean."""
    try:
        pages, _ = open_fully(path, media_type)
    except ExtractionFailed as exc:
        raise UnusableFile(
            UNUSABLE_MESSAGES.get(exc.reason, _DAMAGED), {"reason": exc.reason, "detail": exc.detail[:300]}
        ) from None
    if runtime.scanner is not None:
        try:
            verdict = runtime.scanner.scan_path(path)
        except ScannerUnavailable as exc:
            log.warning("upload refused: virus scanner unavailable: %s", exc)
            raise Unavailable(
                "病毒扫描服务暂不可用，请稍后重新上传 (the virus scanner is unavailable: upload again later)",
                {"reason": str(exc)[:300]},
            ) from None
        if not verdict.clean:
            log.warning("upload refused: malware %s", verdict.signature)
            raise Infected(
                f"文件含有恶意代码（{verdict.signature}），未予保存 "
                f"(the file contains malware, {verdict.signature}, and was not stored)",
                {"signature": verdict.signature},
            )
    return pages


def discard(runtime: Runtime, key: str) -> None:
    """Removes a refused upload; if the store refuses too, start-up reconciliation sweeps it."""
    with contextlib.suppress(StorageError):
        runtime.store.delete(key)
