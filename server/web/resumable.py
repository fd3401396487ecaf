"""The three steps of a resumable upload, shared by the API (bearer token) and the pages (session).

Each answers the same JSON (``resumable.status_json``) and commits the step,
whoever the caller is; only how the caller signs in differs.
"""

from __future__ import annotations

from typing import IO

from ..models import User
from ..services.cases import queries, resumable
from .context import db_session, runtime


def start(user: User, app_id: str, slot: str, filename: str, size: object) -> tuple[dict, int]:
    session = db_session()
    app = queries.get_case(session, user, app_id)
    upload = resumable.start(session, runtime(), user, app, slot, filename, size)
    session.commit()
    return resumable.status_json(upload), 201


def status(user: User, upload_id: str) -> dict:
    """Where to resume: the number of bytes the server already has."""
    return resumable.status_json(resumable.get(db_session(), user, upload_id))


def append(user: User, upload_id: str, offset: int, stream: IO[bytes]) -> tuple[dict, int]:
    """201 when the last chunk filed the material, 200 while more bytes are expected."""
    session = db_session()
    upload, material = resumable.append(session, runtime(), user, upload_id, offset, stream)
    session.commit()
    return resumable.status_json(upload, material), 201 if material is not None else 200
