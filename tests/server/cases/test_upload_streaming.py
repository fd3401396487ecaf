"""While an upload's bytes stream, the request holds no database transaction, and only a few stream at once.

Fifty applicants uploading at once held a connection each for the whole
stream and all ran their CPU work together: status lookups waited seconds
(issue #16's load section). These tests pin the behaviour, not the timing.
"""

from __future__ import annotations

import io
import threading

import pytest
from case_support import pdf_bytes
from sqlalchemy import select

from server.errors import AppError
from server.models import Application, User
from server.services.cases import applying, uploads
from server.services.object_keys import material_key
from server.vocabulary import Status

HANG_GUARD = 60


def _draft(session, username: str = "applicant") -> tuple[User, Application]:
    user = session.scalar(select(User).where(User.username == username))
    app = applying.create_draft(session, user, "minsu", None, {"business_name": "青山村民宿"})
    session.commit()
    return user, app


class _Watched(io.BytesIO):
    """A body that runs ``on_read`` before each read, as the stream is consumed."""

    def __init__(self, data: bytes, on_read) -> None:
        super().__init__(data)
        self.on_read = on_read

    def read(self, size: int | None = -1) -> bytes:
        self.on_read()
        return super().read(size)


def test_no_transaction_is_open_while_the_bytes_stream(runtime, demo):
    with runtime.db.session() as session:
        user, app = _draft(session)
        open_during_stream: list[bool] = []
        body = _Watched(pdf_bytes("平面图"), lambda: open_during_stream.append(session.in_transaction()))
        material = applying.upload_material(session, runtime, user, app, "floor_plan", body, "平面图.pdf")
        session.commit()
    assert open_during_stream and not any(open_during_stream)
    assert runtime.store.exists(material_key(app.id, material.id))


def test_a_case_submitted_while_its_upload_streamed_refuses_it_and_keeps_nothing(runtime, demo):
    with runtime.db.session() as session:
        user, app = _draft(session)
        case_id = app.id

        def submitted_elsewhere() -> None:
            with runtime.db.session() as other:
                other.get(Application, case_id).status = Status.SUBMITTED

        done = threading.Event()

        def once() -> None:
            if not done.is_set():
                done.set()
                submitted_elsewhere()

        with pytest.raises(AppError):
            applying.upload_material(
                session, runtime, user, app, "floor_plan", _Watched(pdf_bytes("平面图"), once), "平面图.pdf"
            )
        session.rollback()
        assert app.materials == []
    assert not list(runtime.store.list(f"applications/{case_id}/"))


def _stalled_uploads(runtime, count: int, prefix: str):
    """``count`` uploads started and stalled on their first read; returns (release event, threads, errors)."""
    inside, release = threading.Semaphore(0), threading.Event()

    def blocking_read() -> None:
        if not getattr(threading.current_thread(), "entered", False):
            threading.current_thread().entered = True  # type: ignore[attr-defined]
            inside.release()
            assert release.wait(HANG_GUARD)

    errors: list[BaseException] = []

    def store(n: int) -> None:
        try:
            body = _Watched(pdf_bytes(f"材料 {n}"), blocking_read)
            uploads.store_upload(runtime, f"{prefix}-{n}", body, formats=["pdf"], max_bytes=1 << 20)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)

    threads = [threading.Thread(target=store, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for _ in threads:
        assert inside.acquire(timeout=HANG_GUARD)
    return release, threads, errors


def test_a_stalled_client_does_not_hold_back_other_uploads(runtime, monkeypatch):
    """Phones on slow lines hold every streaming place; once they have sent nothing for a while, the next
    upload goes through."""
    monkeypatch.setattr(uploads.ADMISSION, "stall_seconds", 0.2)
    release, threads, errors = _stalled_uploads(runtime, uploads.STREAMING, "bench/stalled")
    try:
        done: list[str] = []
        after = threading.Thread(
            target=lambda: done.append(
                uploads.store_upload(
                    runtime, "bench/after-stalled", io.BytesIO(pdf_bytes("材料")), formats=["pdf"], max_bytes=1 << 20
                ).media_type
            )
        )
        after.start()
        after.join(HANG_GUARD / 4)  # without the stall rule it would wait for the stalled clients
        assert done == ["application/pdf"]
        assert runtime.store.exists("bench/after-stalled")
    finally:
        release.set()
        for thread in threads:
            thread.join(HANG_GUARD)
    assert errors == []
    assert uploads.ADMISSION.sending() == 0


def test_only_a_few_uploads_stream_at_once(runtime):
    release, threads, errors = _stalled_uploads(runtime, uploads.STREAMING, "bench/streaming")
    # every streaming place is taken: the next upload would wait here, before reading its first byte
    assert uploads.ADMISSION.enter(timeout=0) is None
    release.set()
    for thread in threads:
        thread.join(HANG_GUARD)
    assert errors == []
    token = uploads.ADMISSION.enter(timeout=0)
    assert token is not None
    uploads.ADMISSION.leave(token)
    assert all(runtime.store.exists(f"bench/streaming-{n}") for n in range(uploads.STREAMING))
