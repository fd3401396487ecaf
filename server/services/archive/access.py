"""Who may see which dossiers and files, and the log of every read.

Rules (PRODUCT.md, "Search and reuse"): an archivist sees the whole archive;
a department officer sees the dossiers of cases their department handled,
plus, in other dossiers, files of shared material types; an applicant sees
their own dossiers. Everyone else sees nothing. Reading the bytes of another
department's shared file also needs a ground (read_rules.py). Every read and
search goes into the hash-chained access ledger (server/models/chain.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexers import Scope
from indexers.masking import Masker, identity_masker

from ...errors import Forbidden, InvalidInput, NotFound
from ...models import AccessLog, Application, Department, Dossier, DossierFile, MaterialType, User
from ...vocabulary import AccessAction
from . import read_rules

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

    @property
    def title(self) -> str:
        """Those who see only shared files read the applicant's name masked (data minimisation)."""
        return self.dossier.title if self.whole else self._mask(self.dossier.title)

    def file_name(self, file: DossierFile) -> str:
        return file.name if self.whole else self._mask(file.name)

    @property
    def _mask(self) -> Masker:
        return identity_masker([self.dossier.applicant_name])


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
    session: Session,
    user: User,
    dossier_id: str,
    file_id: str,
    *,
    purpose: str,
    remote_addr: str = "",
    application_id: str | None = None,
) -> ArchivedRead:
    """A read of an archived file in the user's scope, on a ground (read_rules), logged in the caller's
    transaction before a byte is sent."""
    view = view_dossier(session, user, dossier_id)
    file = file_in_view(view, file_id)
    _require_purpose(user, purpose)
    ground = read_rules.ground(session, user, view.dossier, whole=view.whole, application_id=application_id)
    log_access(
        session,
        user,
        view,
        action=AccessAction.READ,
        file=file,
        purpose=purpose,
        remote_addr=remote_addr,
        application_id=ground.application_id,
        detail={"access_request_id": ground.request_id} if ground.request_id else None,
    )
    return ArchivedRead(view, file)


def _require_purpose(user: User, purpose: str) -> None:
    """Reading someone's archived file without saying why is refused."""
    if not purpose.strip() and user.role != "applicant":
        raise InvalidInput(
            "请说明调阅目的：?purpose=… (say why you read this file: add ?purpose=…)", {"parameter": "purpose"}
        )


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
    detail: dict | None = None,
) -> AccessLog:
    """Records a read of an archived dossier or one of its files."""
    _require_purpose(user, purpose)
    return ledger_entry(
        session,
        user,
        action=action,
        purpose=purpose,
        dossier_id=view.dossier.id,
        file_id=file.id if file else None,
        file_name=file.name if file else view.dossier.title,
        applicant_id_number=view.dossier.applicant_id_number,
        application_id=application_id,
        remote_addr=remote_addr,
        detail=detail,
    )


def ledger_entry(
    session: Session,
    user: User | None,
    *,
    action: str,
    purpose: str = "",
    dossier_id: str | None = None,
    file_id: str | None = None,
    file_name: str = "",
    applicant_id_number: str = "",
    application_id: str | None = None,
    remote_addr: str = "",
    detail: dict | None = None,
) -> AccessLog:
    """One entry of the access ledger, chained when the session flushes (``user`` None: the command line)."""
    entry = AccessLog(
        user_id=user.id if user else "",
        username=user.username if user else "cli",
        role=user.role if user else "cli",
        department_code=user.department.code if user and user.department else "",
        action=action,
        dossier_id=dossier_id,
        file_id=file_id,
        file_name=file_name[:500],
        applicant_id_number=applicant_id_number,
        purpose=purpose.strip()[:1000],
        application_id=application_id,
        remote_addr=remote_addr[:64],
        detail=detail or {},
    )
    session.add(entry)
    return entry


def log_export(session: Session, dossier: Dossier, *, purpose: str) -> AccessLog:
    """An export from the command line, which has a shell account but no user of ours."""
    return ledger_entry(
        session,
        None,
        action=AccessAction.EXPORT,
        purpose=purpose,
        dossier_id=dossier.id,
        file_name=dossier.title,
        applicant_id_number=dossier.applicant_id_number,
    )


def log_search(session: Session, user: User, params: dict[str, str], hits: int, *, remote_addr: str = "") -> AccessLog:
    """Each archive search: who, what they asked (the parameters given) and how many dossiers they found.
    A search by an ID number is also the applicant's: it shows on their ledger."""
    query = {name: value for name, value in params.items() if value}
    return ledger_entry(
        session,
        user,
        action=AccessAction.SEARCH,
        purpose=query.get("q", ""),
        applicant_id_number=query.get("applicant_id", ""),
        remote_addr=remote_addr,
        detail={"query": query, "hits": hits},
    )


def access_ledger(session: Session, user: User, *, page: int, per_page: int) -> tuple[int, list[LedgerLine]]:
    """Reads of the applicant's files by anyone but themselves, newest first, with the names people read."""
    if user.role != "applicant" or not user.id_number:
        raise Forbidden("仅申请人可查看本人的材料调阅记录 (only applicants have an access ledger)")
    query = select(AccessLog).where(AccessLog.applicant_id_number == user.id_number, AccessLog.user_id != user.id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(AccessLog.seq.desc()).offset((page - 1) * per_page).limit(per_page)
    rows = list(session.scalars(ordered))
    departments = dict(session.execute(select(Department.code, Department.name)).all())
    cases = _case_numbers(session, {r.application_id for r in rows if r.application_id})
    return total, [
        LedgerLine(row, departments.get(row.department_code, row.department_code), cases.get(row.application_id or ""))
        for row in rows
    ]


def _case_numbers(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    found = session.execute(select(Application.id, Application.tracking_number).where(Application.id.in_(ids)))
    return {app_id: number or app_id for app_id, number in found}


@dataclass(frozen=True)
class LedgerLine:
    """One ledger entry as the applicant reads it."""

    entry: AccessLog
    department_name: str
    case_number: str | None
