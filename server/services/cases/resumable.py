"""Resumable uploads for weak connections: start, append chunks at an offset, finish into the slot.

Chunks are appended to a spool file in the data folder; the finished file
goes through exactly the same checks and storage path as a one-shot upload.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import AppError, Conflict, InvalidInput, NotFound, PayloadTooLarge
from ...models import Application, Material, UploadSession, User, utcnow
from ...runtime import Runtime
from ..filenames import display_name
from . import policy
from .applying import slot_of, upload_material

CHUNK = 1024 * 1024
# An upload not touched for this long is abandoned: its session and spooled bytes are removed.
ABANDONED_AFTER = timedelta(days=7)


def _spool(runtime: Runtime, upload_id: str) -> Path:
    folder = runtime.settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{upload_id}.part"


def start(
    session: Session, runtime: Runtime, user: User, app: Application, slot_code: str, filename: str, size: object
) -> UploadSession:
    slot = slot_of(app, slot_code)
    policy.require_add_material(user, app, slot_code)
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise InvalidInput("size 须为文件字节数 (size must be the file's length in bytes)", {"field": "size"})
    if size > slot.max_bytes:
        raise PayloadTooLarge(
            f"文件超过此项材料的大小上限 {slot.max_bytes // (1024 * 1024)} MB "
            f"(larger than this slot's limit of {slot.max_bytes} bytes)",
            {"max_bytes": slot.max_bytes},
        )
    upload = UploadSession(
        application_id=app.id, slot=slot_code, filename=display_name(filename, slot.name), size=size, user_id=user.id
    )
    session.add(upload)
    session.flush()
    _spool(runtime, upload.id).touch()
    return upload


def get(session: Session, user: User, upload_id: str) -> UploadSession:
    upload = session.get(UploadSession, upload_id)
    if upload is None or upload.user_id != user.id:
        raise NotFound(f"没有上传任务 {upload_id} (no upload {upload_id})")
    return upload


def append(
    session: Session, runtime: Runtime, user: User, upload_id: str, offset: int, stream: IO[bytes]
) -> tuple[UploadSession, Material | None]:
    """Appends bytes at ``offset``; when the declared size is reached, files the material."""
    upload = get(session, user, upload_id)
    if upload.material_id:
        raise Conflict("该上传已完成 (this upload is already complete)", {"offset": upload.offset})
    if offset != upload.offset:
        raise Conflict(
            "偏移量不符，请从服务器记录的位置继续 (offset mismatch: resume from the server's offset)",
            {"offset": upload.offset},
        )
    path = _spool(runtime, upload.id)
    written = upload.offset
    with open(path, "r+b") as fh:
        fh.seek(upload.offset)
        fh.truncate()
        while chunk := stream.read(CHUNK):
            written += len(chunk)
            if written > upload.size:
                raise InvalidInput(
                    "数据超过声明的文件大小 (more bytes than the declared size)",
                    {"size": upload.size, "offset": upload.offset},
                )
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    upload.offset, upload.updated_at = written, utcnow()
    if written < upload.size:
        return upload, None
    app = session.get(Application, upload.application_id)
    assert app is not None  # an upload belongs to a recorded application (a foreign key)
    policy.require_view(user, app)
    try:
        with open(path, "rb") as fh:
            material = upload_material(session, runtime, user, app, upload.slot, fh, upload.filename)
    except AppError:
        # A refused file (damaged, infected, wrong type) ends this upload for good: resuming it
        # would send the same bytes again. The client starts a new one with a new file.
        session.rollback()
        session.delete(session.get(UploadSession, upload_id))
        session.commit()
        path.unlink(missing_ok=True)
        raise
    upload.material_id = material.id
    path.unlink(missing_ok=True)
    return upload, material


def sweep_abandoned(session: Session, runtime: Runtime, older_than: timedelta = ABANDONED_AFTER) -> int:
    """Removes unfinished uploads not touched for ``older_than``, and spool files no session owns.

    Spool files hold whole documents (ID cards, licences): they must not stay on
    disk because an applicant gave up on a weak connection. Returns how many
    sessions were removed; a client resuming one of them gets 404 and starts again.
    """
    cutoff = utcnow() - older_than
    stale = session.scalars(
        select(UploadSession).where(UploadSession.material_id.is_(None), UploadSession.updated_at < cutoff)
    ).all()
    for upload in stale:
        _spool(runtime, upload.id).unlink(missing_ok=True)
        session.delete(upload)
    session.flush()
    folder = runtime.settings.data_dir / "uploads"
    if folder.is_dir():
        owned = set(session.scalars(select(UploadSession.id).where(UploadSession.material_id.is_(None))))
        oldest = time.time() - older_than.total_seconds()
        for path in folder.glob("*.part"):
            if path.stem not in owned and path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
    return len(stale)


def parse_offset(header: str | None) -> int:
    """The Upload-Offset header, which every chunk must carry."""
    try:
        return int(header or "")
    except ValueError:
        raise InvalidInput(
            "缺少 Upload-Offset 头 (send the Upload-Offset header)", {"header": "Upload-Offset"}
        ) from None


def status_json(upload: UploadSession, material: Material | None = None) -> dict:
    body = {
        "upload_id": upload.id,
        "slot": upload.slot,
        "filename": upload.filename,
        "size": upload.size,
        "offset": upload.offset,
        "complete": upload.material_id is not None,
        "file_id": upload.material_id,
    }
    if material is not None:
        body.update(
            {
                "name": material.filename,
                "sha256": material.sha256,
                "media_type": material.media_type,
                "pages": material.pages,
            }
        )
    return body
