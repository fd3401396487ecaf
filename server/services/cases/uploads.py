"""Streaming an upload into object storage, checked by content rather than by name."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from indexers.extract import ExtractError, count_pages, sniff_media_type
from indexers.extract.sniff import SNIFF_BYTES
from storage import TooLarge

from ...errors import InvalidInput, PayloadTooLarge, UnsupportedType
from ...models import StoredObject
from ...runtime import Runtime

CHUNK = 1024 * 1024
FORMAT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "tif": "image/tiff", "tiff": "image/tiff", "ofd": "application/ofd", "webp": "image/webp",
}


@dataclass(frozen=True)
class StoredUpload:
    stored: StoredObject
    media_type: str
    pages: int | None


def _chunks(head: bytes, stream: BinaryIO, spool) -> Iterator[bytes]:
    """The stream again from its first byte, copied to a spool file for page counting."""
    spool.write(head)
    yield head
    while chunk := stream.read(CHUNK):
        spool.write(chunk)
        yield chunk


def store_upload(runtime: Runtime, key: str, stream: BinaryIO, *, formats: list[str], max_bytes: int) -> StoredUpload:
    """Checks the type from the first bytes, streams the rest with a size limit, counts pages.

    Memory stays bounded: chunks go to the store and to a temporary file on
    disk (needed to count the pages of a PDF in the sandboxed parser).
    """
    head = stream.read(SNIFF_BYTES)
    while len(head) < SNIFF_BYTES and (more := stream.read(SNIFF_BYTES - len(head))):
        head += more
    if not head:
        raise InvalidInput("文件为空 (the file is empty)")
    media_type = sniff_media_type(head)
    allowed = {FORMAT_TYPES[f] for f in formats if f in FORMAT_TYPES}
    if media_type not in allowed:
        raise UnsupportedType(
            f"文件内容为 {media_type}，此项材料只接受 {'/'.join(f.upper() for f in formats)} "
            f"(the content is {media_type}; this slot accepts {', '.join(formats)})",
            {"detected": media_type, "accepted_formats": formats})
    with tempfile.NamedTemporaryFile(prefix="ow-upload-") as spool:
        try:
            info = runtime.store.put(key, _chunks(head, stream, spool), content_type=media_type, max_bytes=max_bytes)
        except TooLarge:
            raise PayloadTooLarge(f"文件超过此项材料的大小上限 {max_bytes // (1024 * 1024)} MB "
                                  f"(the file is larger than this slot's limit of {max_bytes} bytes)",
                                  {"max_bytes": max_bytes}) from None
        spool.flush()
        try:
            pages = count_pages(spool.name, media_type)
        except ExtractError:
            pages = None
    stored = StoredObject(backend=runtime.store.describe(), key=info.key, size=info.size, sha256=info.sha256,
                          sm3=info.sm3 or "", media_type=media_type)
    return StoredUpload(stored, media_type, pages)
