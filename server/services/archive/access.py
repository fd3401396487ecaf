"""Who may see which dossiers and files, and the log of every read.

Rules (PRODUCT.md, "Search and reuse"): an archivist sees the whole archive;
a department officer sees the dossiers of cases their department handled,
plus, in other dossiers, files of shared material types; an applicant sees
their own dossiers. Everyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexers import Scope

from ...errors import Forbidden, InvalidInput, NotFound
from ...models import AccessLog, Dossier, DossierFile, MaterialType, User

SEARCH_ROLES = ("officer", "archivist")


def shared_types(session: Session) -> list[str]:
    return list(session.scalars(select(MaterialType.code).where(MaterialType.shared.is_(True))))


def withheld_types(session: Session) -> list[str]:
    """Types not shared now: files sealed while they were shared must not be found by others."""
    return list(session.scalars(select(MaterialType.code).where(MaterialType.shared.is_(False))))


def search_scope(session: Session, user: User) -> Scope:
    if user.role == "archivist":
        return Scope.everything()
    if user.role == "officer" and user.department is not None:
        return Scope(
            departments=[user.department.code],
            shared_material_types=shared_types(session),
            withheld_material_types=withheld_types(session),
        )
    raise Forbidden("只有部门审批人员和档案管理员可以检索档案 (only officers and archivists may search the archive)")


@dataclass(frozen=True)
class DossierView:
    """The part of a dossier a user may see: all of it, or only some files."""

    dossier: Dossier
    files: list[DossierFile]
    whole: bool


def view_dossier(session: Session, user: User, dossier_id: str) -> DossierView:
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFound(f"没有编号为 {dossier_id} 的案卷 (no dossier {dossier_id})")
    if user.role == "archivist":
        return DossierView(dossier, list(dossier.files), True)
    if user.role == "applicant" and user.id_number and user.id_number == dossier.applicant_id_number:
        return DossierView(dossier, list(dossier.files), True)
    if user.role == "officer" and user.department is not None:
        if user.department.code in dossier.departments:
            return DossierView(dossier, list(dossier.files), True)
        shared = set(shared_types(session))
        files = [f for f in dossier.files if f.shared and f.material_type in shared]
        if files:
            return DossierView(dossier, files, False)
    # Same answer as for a missing dossier: existence is not disclosed to those out of scope.
    raise NotFound(f"没有编号为 {dossier_id} 的案卷 (no dossier {dossier_id})")


def file_in_view(view: DossierView, file_id: str) -> DossierFile:
    for file in view.files:
        if file.id == file_id:
            return file
    raise NotFound(f"案卷中没有文件 {file_id} (no file {file_id} in this dossier)")


@dataclass(frozen=True)
class ArchivedRead:
    """A logged read of one archived file: what to send, from where."""

    view: DossierView
    file: DossierFile

    @property
    def key(self) -> str:
        return f"{self.view.dossier.package_prefix}/{self.file.path}"


def read_file(
    session: Session, user: User, dossier_id: str, file_id: str, *, purpose: str, remote_addr: str = ""
) -> ArchivedRead:
    """A read of an archived file in the user's scope, logged (in the caller's transaction) before a byte is sent."""
    view = view_dossier(session, user, dossier_id)
    file = file_in_view(view, file_id)
    log_access(session, user, view, action="read", file=file, purpose=purpose, remote_addr=remote_addr)
    return ArchivedRead(view, file)


def log_access(
    session: Session,
    user: User,
    view: DossierView,
    *,
    action: str,
    purpose: str,
    file: DossierFile | None = None,
    remote_addr: str = "",
    application_id: str | None = None,
) -> None:
    """Records a read; reading someone's archived file without saying why is refused."""
    if not purpose.strip() and user.role != "applicant":
        raise InvalidInput(
            "请说明调阅目的：?purpose=… (say why you read this file: add ?purpose=…)", {"parameter": "purpose"}
        )
    session.add(
        AccessLog(
            user_id=user.id,
            username=user.username,
            role=user.role,
            department_code=user.department.code if user.department else "",
            action=action,
            dossier_id=view.dossier.id,
            file_id=file.id if file else None,
            applicant_id_number=view.dossier.applicant_id_number,
            purpose=purpose.strip()[:1000],
            application_id=application_id,
            remote_addr=remote_addr[:64],
        )
    )


def access_ledger(session: Session, user: User, *, page: int, per_page: int) -> tuple[int, list[AccessLog]]:
    """Reads of the applicant's archived files by anyone but themselves, newest first."""
    if user.role != "applicant" or not user.id_number:
        raise Forbidden("仅申请人可查看本人的材料调阅记录 (only applicants have an access ledger)")
    query = select(AccessLog).where(AccessLog.applicant_id_number == user.id_number, AccessLog.user_id != user.id)
    from sqlalchemy import func

    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(AccessLog.at.desc()).offset((page - 1) * per_page).limit(per_page)))
    return total, rows
