"""Reading a case's files (materials, page previews, notices, results): each read is found in the case the
user may see and written to the access ledger before anything is sent, as reads of archived files are.

The applicant's ledger shows these reads by anyone but themself: the clerk who checked their ID card,
the officer who opened their floor plan. The applicant's own reads of their own case are not accesses to
someone's data and are not written at all, so following one's own case needs no write (it goes on when the
disk is full, as every read did before the ledger).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import Application, Material, Notice, ResultFile, User
from ...vocabulary import AccessAction
from ..archive.access import ledger_entry
from . import queries

PURPOSE = "办理办件 {number}（{service}）"


def _log(
    session: Session, user: User, app: Application, *, action: str, file_id: str, name: str, remote_addr: str, **extra
) -> None:
    if app.applicant_user_id is not None and user.id == app.applicant_user_id:
        return
    ledger_entry(
        session,
        user,
        action=action,
        purpose=PURPOSE.format(number=app.tracking_number or app.id, service=app.service.name),
        file_id=file_id,
        file_name=name,
        applicant_id_number=app.applicant_id_number,
        application_id=app.id,
        remote_addr=remote_addr,
        detail=extra or None,
    )


def read_material(
    session: Session, user: User, app: Application, material_id: str, *, remote_addr: str = ""
) -> Material:
    material = queries.material_of(app, material_id)
    _log(
        session,
        user,
        app,
        action=AccessAction.READ,
        file_id=material.id,
        name=material.filename,
        remote_addr=remote_addr,
    )
    return material


def preview_material(
    session: Session, user: User, app: Application, material_id: str, page: int, *, remote_addr: str = ""
) -> Material:
    material = queries.material_of(app, material_id)
    _log(
        session,
        user,
        app,
        action=AccessAction.PREVIEW,
        file_id=material.id,
        name=material.filename,
        remote_addr=remote_addr,
        page=page,
    )
    return material


def read_notice(session: Session, user: User, app: Application, notice_id: str, *, remote_addr: str = "") -> Notice:
    notice = queries.notice_of(app, notice_id)
    _log(
        session,
        user,
        app,
        action=AccessAction.READ,
        file_id=notice.id,
        name=f"{notice.number}.pdf",
        remote_addr=remote_addr,
    )
    return notice


def read_result(session: Session, user: User, app: Application, result_id: str, *, remote_addr: str = "") -> ResultFile:
    result = queries.result_of(user, app, result_id)
    _log(session, user, app, action=AccessAction.READ, file_id=result.id, name=result.filename, remote_addr=remote_addr)
    return result
