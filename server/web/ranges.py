"""HTTP byte ranges over a stored object, streamed (weak connections resume downloads)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from flask import Response, request

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


def _stream(store, key: str, start: int, end: int) -> Iterator[bytes]:
    with store.open(key, start, end) as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def send_stored(runtime, session, object_id: str, *, filename: str, sha256: str) -> Response:
    """Sends a recorded object (material, result) by its StoredObject row."""
    from ..models import StoredObject

    stored = session.get(StoredObject, object_id)
    return send_object(
        runtime.store, stored.key, size=stored.size, media_type=stored.media_type, filename=filename, sha256=sha256
    )


def send_archived(store, read) -> Response:
    """Sends an archived file once its read is logged (``services.archive.access.read_file``)."""
    file = read.file
    return send_object(
        store, read.key, size=file.size, media_type=file.media_type, filename=file.name, sha256=file.sha256
    )


def send_object(store, key: str, *, size: int, media_type: str, filename: str, sha256: str) -> Response:
    """200 with the whole object, 206 with one range, 416 for a range past the end."""
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{sha256}"',
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or (not match.group(1) and not match.group(2)):
        headers["Content-Length"] = str(size)
        return Response(_stream(store, key, 0, size), 200, headers=headers, mimetype=media_type)
    first, last = match.groups()
    if first:
        start, end = int(first), (int(last) + 1 if last else size)
    else:
        start, end = max(size - int(last), 0), size
    end = min(end, size)
    if start >= size or start >= end:
        headers["Content-Range"] = f"bytes */{size}"
        return Response(b"", 416, headers=headers)
    headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    return Response(_stream(store, key, start, end), 206, headers=headers, mimetype=media_type)
