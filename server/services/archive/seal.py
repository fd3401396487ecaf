"""Sealing a dossier (一事一档): the files, metadata and history, written once as a BagIt bag."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...faults import crash_point
from ...jobs import enqueue
from ...models import (
    MATERIAL_CLASSES, RETENTION_LABELS, Dossier, DossierEvent, DossierFile, ServiceItem, StoredObject,
    new_id, utcnow,
)
from ...runtime import Runtime
from ...timeutil import local, local_year
from ..filenames import payload_name
from ..object_keys import package_prefix
from .bag import BagWriter
from .numbering import format_code, next_number

RETENTION_YEARS = {"10y": 10, "30y": 30}
# Object-lock dates must be concrete; "permanent" is locked for a century and extended by policy.
PERMANENT_LOCK_YEARS = 100
PACKAGE_FORMAT = "OneWindow-Dossier/1"
# With backoff capped at an hour, an index that is down for two days still catches up.
INDEX_ATTEMPTS = 60


@dataclass
class SealFile:
    name: str
    open: Callable[[], BinaryIO]
    media_type: str
    material_type: str = ""
    material_type_name: str = ""
    material_class: str = "basis"
    pages: int | None = None
    expected_sha256: str | None = None
    shared: bool = False
    valid_until: datetime | None = None
    verified_by: str = ""
    verified_at: datetime | None = None


@dataclass
class SealRequest:
    title: str
    service: ServiceItem
    files: list[SealFile]
    opened_at: datetime
    closed_at: datetime
    sealed_by: str
    departments: list[str] = field(default_factory=list)
    applicant_name: str = ""
    applicant_id_number: str = ""
    application_id: str | None = None
    tracking_number: str = ""
    outcome: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    source: str = "intake"
    source_paths: list[str] = field(default_factory=list)
    replaces: Dossier | None = None
    correction_reason: str = ""


def seal_until(retention: str, closed_at: datetime) -> datetime:
    years = RETENTION_YEARS.get(retention, PERMANENT_LOCK_YEARS)
    return closed_at + timedelta(days=366 * years)


def seal_dossier(session: Session, runtime: Runtime, request: SealRequest) -> Dossier:
    """Writes the package and records it, in the caller's transaction.

    The archival number is taken inside the transaction, so a failure anywhere
    (including in storage) rolls the number back and leaves no gap. A package
    whose transaction never commits (an error, a crash) stays in the store
    without a commit marker: the index rebuild ignores it and reconciliation
    quarantines it (services/archive/reconcile.py), since sealed objects
    cannot be deleted. The marker itself is written by a job queued here, so
    it exists exactly when the transaction commits.
    """
    if not request.files:
        raise InvalidInput("案卷至少需要一个文件 (a dossier needs at least one file)")
    service = request.service
    department = service.department
    # The caller's object may come from another session; change the one this session tracks.
    replaces = session.get(Dossier, request.replaces.id) if request.replaces is not None else None
    if replaces is not None:
        if replaces.superseded:
            raise InvalidInput("只能更正最新版本 (only the latest version can be corrected)")
        if not request.correction_reason.strip():
            raise InvalidInput("更正须说明原因 (a correction needs a reason)")
        fonds, year, number, code = replaces.fonds, replaces.year, replaces.item_number, replaces.archival_code
        version = replaces.version + 1
    else:
        fonds, year = runtime.settings.fonds, local_year(request.closed_at)
        number = next_number(session, fonds, year, service.retention, department.org_code or department.code)
        code = format_code(runtime.settings.archival_code_scheme, fonds=fonds, year=year,
                           retention=service.retention, org_code=department.org_code or department.code,
                           number=number)
        version = 1

    dossier_id = new_id()
    prefix = package_prefix(dossier_id)
    lock = seal_until(service.retention, request.closed_at)
    writer = BagWriter(runtime.store, prefix, lock)
    backend = runtime.store.describe()
    dossier = Dossier(
        id=dossier_id, archival_code=code, fonds=fonds, year=year, retention=service.retention,
        org_code=department.org_code or department.code, item_number=number, title=request.title,
        service_code=service.code, service_name=service.name, department_code=department.code,
        department_name=department.name,
        departments=sorted({department.code, *request.departments}),
        applicant_name=request.applicant_name, applicant_id_number=request.applicant_id_number,
        application_id=request.application_id, tracking_number=request.tracking_number,
        outcome=request.outcome, opened_at=request.opened_at, closed_at=request.closed_at,
        sealed_at=utcnow(), sealed_by=request.sealed_by, source=request.source,
        source_paths=list(request.source_paths), version=version,
        replaces_id=replaces.id if replaces else None, correction_reason=request.correction_reason,
        package_prefix=prefix,
    )
    for seq, spec in enumerate(request.files, start=1):
        path = payload_name(seq, spec.name)
        with spec.open() as stream:
            written = writer.add_payload(path, stream, content_type=spec.media_type,
                                         expected_sha256=spec.expected_sha256)
        stored = StoredObject(backend=backend, key=written.info.key, size=written.info.size,
                              sha256=written.info.sha256, sm3=written.info.sm3 or "",
                              media_type=spec.media_type, sealed_until=lock)
        dossier.files.append(DossierFile(
            id=new_id(), seq=seq, name=spec.name, path=f"data/{path}", material_type=spec.material_type,
            material_type_name=spec.material_type_name, material_class=spec.material_class,
            media_type=spec.media_type, size=written.info.size, pages=spec.pages,
            sha256=written.info.sha256, sha512=written.sha512, sm3=written.info.sm3 or "",
            stored=stored, shared=spec.shared, valid_until=spec.valid_until,
            verified_by=spec.verified_by, verified_at=spec.verified_at))

    metadata = dossier_metadata(dossier, request)
    writer.add_tag_file("metadata/dossier.json", _json_bytes(metadata), "application/json")
    writer.add_tag_file("metadata/events.json", _json_bytes(request.events), "application/json")
    writer.finish(bag_info(dossier))

    session.add(dossier)
    if replaces is not None:
        replaces.superseded = True
        replaces.events.append(DossierEvent(action="superseded", actor=request.sealed_by,
                                            detail={"by": dossier_id, "reason": request.correction_reason}))
        enqueue(session, "index.dossier", {"dossier_id": replaces.id}, subject=f"index:{replaces.id}",
                max_attempts=INDEX_ATTEMPTS)
    dossier.events.append(DossierEvent(action="sealed", actor=request.sealed_by,
                                       detail={"files": len(dossier.files), "version": version}))
    session.flush()
    enqueue(session, "archive.confirm", {"dossier_id": dossier_id}, subject=f"dossier:{dossier_id}",
            max_attempts=INDEX_ATTEMPTS)
    enqueue(session, "archive.check", {"dossier_id": dossier_id, "trigger": "seal"},
            subject=f"dossier:{dossier_id}")
    # Outbox: searchable by its metadata at once, by its text once each file is extracted.
    enqueue(session, "index.dossier", {"dossier_id": dossier_id}, subject=f"index:{dossier_id}",
            max_attempts=INDEX_ATTEMPTS)
    for file in dossier.files:
        enqueue(session, "archive.extract_file", {"file_id": file.id}, subject=f"file:{file.id}")
    crash_point(runtime, "seal.before_commit")
    return dossier


def bag_info(dossier: Dossier) -> dict[str, str]:
    return {
        "Source-Organization": dossier.department_name,
        "Bagging-Date": local(dossier.sealed_at).date().isoformat(),
        "External-Identifier": dossier.archival_code,
        "External-Description": dossier.title,
        "Internal-Sender-Identifier": dossier.id,
        "Bag-Software-Agent": "OneWindow",
        "Archival-Code": dossier.archival_code,
        "Retention-Period": RETENTION_LABELS.get(dossier.retention, dossier.retention),
        "Service-Item-Code": dossier.service_code,
        "Dossier-Version": str(dossier.version),
        "Package-Format": PACKAGE_FORMAT,
    }


def dossier_metadata(dossier: Dossier, request: SealRequest | None = None) -> dict[str, Any]:
    """The self-describing metadata file: enough to read the package without OneWindow."""
    def iso(value: datetime | None) -> str | None:
        return local(value).isoformat() if value else None

    return {
        "package_format": PACKAGE_FORMAT,
        "dossier_id": dossier.id,
        "archival_code": dossier.archival_code,
        "archival_code_parts": {"fonds": dossier.fonds, "year": dossier.year, "retention": dossier.retention,
                                "org_code": dossier.org_code, "item_number": dossier.item_number},
        "title": dossier.title,
        "version": dossier.version,
        "replaces": dossier.replaces_id,
        "correction_reason": dossier.correction_reason or None,
        "service_item": {"code": dossier.service_code, "name": dossier.service_name},
        "department": {"code": dossier.department_code, "name": dossier.department_name},
        "departments": list(dossier.departments),
        "applicant": {"name": dossier.applicant_name, "id_number": dossier.applicant_id_number},
        "application_id": dossier.application_id,
        "tracking_number": dossier.tracking_number,
        "outcome": dossier.outcome,
        "dates": {"opened": iso(dossier.opened_at), "closed": iso(dossier.closed_at),
                  "sealed": iso(dossier.sealed_at)},
        "retention": {"code": dossier.retention, "label": RETENTION_LABELS.get(dossier.retention, dossier.retention)},
        "source": dossier.source,
        "source_paths": list(dossier.source_paths),
        "sealed_by": dossier.sealed_by,
        "files": [{
            "seq": f.seq, "file_id": f.id, "name": f.name, "path": f.path, "shared": f.shared,
            "material_type": f.material_type, "material_type_name": f.material_type_name,
            "class": f.material_class, "class_label": MATERIAL_CLASSES.get(f.material_class, f.material_class),
            "media_type": f.media_type, "size": f.size, "pages": f.pages,
            "sha256": f.sha256, "sha512": f.sha512, "sm3": f.sm3 or None,
            "verified_by": f.verified_by or None, "verified_at": iso(f.verified_at),
        } for f in dossier.files],
        "event_count": len(request.events) if request else None,
    }


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
