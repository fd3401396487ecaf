"""Corrections (更正): a sealed dossier is never changed in place; an archivist seals a new version.

The new version keeps the 档号, takes the next version number, names the version it replaces and why, and
carries the old one's files (copied from its package, digests checked against the record), its history
with the correction appended, and its DA/T 46 elements with the corrected ones. The old version is marked
superseded in the same transaction, so one 档号 never has two current versions (versions.py tells which).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexers.extract.sniff import sniff_file
from storage import ObjectNotFound

from ...errors import Forbidden, InvalidInput, NotFound
from ...models import Dossier, DossierFile, ServiceItem, User, utcnow
from ...runtime import Runtime
from ...vocabulary import FiledType, MaterialClass, Openness, Secrecy
from .seal import SealFile, SealRequest, seal_dossier
from .versions import current_version, version_history

__all__ = ["Correction", "correct", "current_version", "require_corrector", "version_history"]

CORRECTOR_ROLE = "archivist"
MAX_REASON = 2000
# The elements a correction may change, beside adding and withdrawing files.
CORRECTABLE = ("title", "responsible", "secrecy", "secrecy_years", "openness")


@dataclass
class Correction:
    reason: str
    changes: dict[str, Any] = field(default_factory=dict)
    remove_files: list[str] = field(default_factory=list)
    add_files: list[Path] = field(default_factory=list)
    # Documents the workflow files later (the rating, given after completion: cases/archiving_scope.py).
    add_documents: list[SealFile] = field(default_factory=list)


def require_corrector(user: User) -> None:
    if user.role != CORRECTOR_ROLE:
        raise Forbidden("只有档案管理员可以更正案卷 (only archivists may correct a dossier)")


def _checked_changes(correction: Correction) -> dict[str, Any]:
    unknown = sorted(set(correction.changes) - set(CORRECTABLE))
    if unknown:
        raise InvalidInput(f"这些项目不能更正：{', '.join(unknown)} (not correctable)", {"unknown": unknown})
    changes = {k: v for k, v in correction.changes.items() if v is not None}
    if "title" in changes and not 0 < len(str(changes["title"]).strip()) <= 500:
        raise InvalidInput("题名须为1至500个字符 (the title must be 1 to 500 characters)", {"field": "title"})
    if "secrecy" in changes and changes["secrecy"] not in set(Secrecy):
        raise InvalidInput("密级无效 (unknown secrecy level)", {"field": "secrecy", "allowed": list(Secrecy)})
    if "openness" in changes and changes["openness"] not in set(Openness):
        raise InvalidInput("开放状态无效 (unknown openness)", {"field": "openness", "allowed": list(Openness)})
    years = changes.get("secrecy_years")
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or not 0 < years <= 100):
        raise InvalidInput("保密期限须为1至100年 (secrecy_years must be 1 to 100)", {"field": "secrecy_years"})
    return changes


def _kept_file(runtime: Runtime, f: DossierFile) -> SealFile:
    return SealFile(
        name=f.name,
        open=partial(runtime.store.open, f.stored.key),
        media_type=f.media_type,
        material_type=f.material_type,
        material_type_name=f.material_type_name,
        material_class=f.material_class,
        pages=f.pages,
        expected_sha256=f.sha256,
        shared=f.shared,
        valid_until=f.valid_until,
        level=f.level,
        verified_by=f.verified_by,
        verified_at=f.verified_at,
        licence_id=f.licence_id,
    )


def _added_file(path: Path) -> SealFile:
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    return SealFile(
        name=path.name,
        open=lambda: open(path, "rb"),  # an opener: sealing closes the file
        media_type=sniff_file(path),
        material_type=FiledType.CORRECTION_SUPPLEMENT,
        material_type_name=FiledType.CORRECTION_SUPPLEMENT.label,
        material_class=MaterialClass.BASIS,
    )


def _files(runtime: Runtime, old: Dossier, correction: Correction) -> list[SealFile]:
    known = {f.id for f in old.files}
    unknown = sorted(set(correction.remove_files) - known)
    if unknown:
        raise InvalidInput("案卷中没有这些文件 (no such files in the dossier)", {"unknown": unknown})
    kept = [_kept_file(runtime, f) for f in old.files if f.id not in set(correction.remove_files)]
    return kept + [_added_file(path) for path in correction.add_files] + correction.add_documents


def _sealed_json(runtime: Runtime, old: Dossier, name: str) -> Any:
    try:
        with runtime.store.open(f"{old.package_prefix}/metadata/{name}") as fh:
            return json.loads(fh.read().decode("utf-8"))
    except (ObjectNotFound, ValueError) as exc:
        raise InvalidInput(f"旧版本的 {name} 无法读取，不能更正 (the old version's {name} is unreadable)") from exc


def _history(runtime: Runtime, old: Dossier, actor: str, correction: Correction, changes: dict) -> list[dict]:
    events = list(_sealed_json(runtime, old, "events.json"))
    events.append(
        {
            "seq": len(events) + 1,
            "at": utcnow().isoformat(),
            "actor": actor,
            "role": CORRECTOR_ROLE,
            "action": "correct",
            "note": correction.reason,
            "data": {
                "replaces": old.id,
                "version": old.version + 1,
                "changes": changes,
                "removed_files": list(correction.remove_files),
                "added_files": [p.name for p in correction.add_files] + [d.name for d in correction.add_documents],
            },
        }
    )
    return events


def _carried_elements(old: Dossier, changes: dict[str, Any]) -> dict[str, Any]:
    """The old version's DA/T 46 columns, corrected: a correction does not re-read today's service item."""
    names = ("fonds_name", "archiving_unit", "responsible", "item_code", "item_type", "secrecy", "secrecy_years")
    carried = {name: getattr(old, name) for name in (*names, "openness", "time_limit_days", "id_type")}
    carried.update({k: v for k, v in changes.items() if k != "title"})
    if carried.get("secrecy") == Secrecy.PUBLIC:
        carried["secrecy_years"] = None
    return carried


def correct(session: Session, runtime: Runtime, actor: str, dossier_id: str, correction: Correction) -> Dossier:
    """Seals the next version of the dossier (the caller commits); ``actor`` is an archivist's name or "cli"."""
    reason = correction.reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput("更正须说明原因（至多2000字）(a correction needs a reason, at most 2000 characters)")
    old = session.get(Dossier, dossier_id)
    if old is None:
        raise NotFound("没有这个案卷 (no such dossier)")
    if old.superseded:
        raise InvalidInput(
            "只能更正最新版本 (only the latest version can be corrected)", {"current": _current_id(session, old)}
        )
    changes = _checked_changes(correction)
    service = session.scalar(
        select(ServiceItem).where(ServiceItem.code == old.service_code, ServiceItem.version == old.service_version)
    )
    if service is None:
        raise InvalidInput("案卷的事项版本已不存在 (the dossier's service version is gone)")
    meta = _sealed_json(runtime, old, "dossier.json")
    request = SealRequest(
        title=str(changes.get("title", old.title)).strip(),
        service=service,
        files=_files(runtime, old, correction),
        opened_at=old.opened_at,
        closed_at=old.closed_at,
        sealed_by=actor,
        departments=list(old.departments),
        applicant_name=old.applicant_name,
        applicant_id_number=old.applicant_id_number,
        application_id=old.application_id,
        tracking_number=old.tracking_number,
        outcome=old.outcome,
        parts=meta.get("parts") or [],
        delivery=meta.get("delivery"),
        township=meta.get("township") or "",
        events=_history(runtime, old, actor, correction, changes),
        source=old.source,
        source_paths=list(old.source_paths),
        replaces=old,
        correction_reason=reason,
        submitted_at=old.submitted_at,
        accepted_at=old.accepted_at,
        deferred_slots=list(old.deferred_slots),
        case_status=old.case_status,
        year=old.year,
        overrides=_carried_elements(old, changes),
    )
    return seal_dossier(session, runtime, request)


def _current_id(session: Session, dossier: Dossier) -> str | None:
    current = current_version(session, dossier.archival_code)
    return current.id if current is not None else None
