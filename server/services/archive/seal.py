"""Sealing a dossier (一事一档): the files, metadata and history, written once as a BagIt bag."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, BinaryIO, cast

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...faults import crash_point
from ...jobs import enqueue
from ...models import (
    MATERIAL_CLASSES,
    RETENTION_LABELS,
    Dossier,
    DossierEvent,
    DossierFile,
    ServiceItem,
    StoredObject,
    new_id,
    utcnow,
)
from ...runtime import Runtime
from ...timeutil import local, local_year
from ...vocabulary import EventOutcome, PreservationEventType
from ..filenames import payload_name
from ..object_keys import package_prefix
from . import premis
from .assessment import finalise
from .bag import BagWriter, WrittenFile
from .formats import FormatInfo, Spool
from .metadata import description_columns, dossier_elements, elements_xml
from .numbering import CodeParts, format_code, next_number
from .object_facts import ObjectFacts

RETENTION_YEARS = {"10y": 10, "30y": 30}
# Object-lock dates must be concrete; "permanent" is locked for a century and extended by policy.
PERMANENT_LOCK_YEARS = 100
PACKAGE_FORMAT = "OneWindow-Dossier/1"
# The DA/T 46 elements (metadata.py) as XML, beside dossier.json, which carries them too.
ELEMENTS_XML = "metadata/da-t-46.xml"
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
    # The object holding the file in the same store (a material, a result): sealing copies it within the
    # store rather than writing its bytes again.
    source_key: str | None = None
    shared: bool = False
    valid_until: datetime | None = None
    # vocabulary.VerificationLevel; a file without a level of its own is an archived copy (imported records).
    level: str = "archived_copy"
    verified_by: str = ""
    verified_at: datetime | None = None
    # An e-licence: its id, and its facts as the dossier's metadata states them.
    licence_id: str | None = None
    licence: dict[str, Any] | None = None
    # Set when the bytes are an archival copy of what was uploaded (archival_copies.py): the original's
    # format and digest, recorded as a PREMIS migration event so the package says what it was made from.
    converted_from: str = ""
    # SM3, SHA-512 and format of the stored source, learned after its upload (object_facts): sealing then
    # copies the object without reading it.
    known: ObjectFacts | None = None


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
    # Each routed department's decision of its part, the delivery of the result (送达) and the township.
    parts: list[dict[str, Any]] = field(default_factory=list)
    delivery: dict[str, Any] | None = None
    township: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    source: str = "intake"
    source_paths: list[str] = field(default_factory=list)
    replaces: Dossier | None = None
    correction_reason: str = ""
    # DA/T 46 / GB/T 42727 elements the case knows (metadata.py): 申请 and 受理 times, the deciding
    # departments (责任者), the deferred slots and the case's end (the scope check); ``year`` overrides the
    # 年度 of the 档号 (imported records formed in an earlier year).
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    responsible: list[str] = field(default_factory=list)
    deferred_slots: list[str] = field(default_factory=list)
    case_status: str = ""
    year: int | None = None
    # A correction's changed elements (metadata.description_columns names), over what the service says.
    overrides: dict[str, Any] = field(default_factory=dict)


def seal_until(retention: str, closed_at: datetime) -> datetime:
    years = RETENTION_YEARS.get(retention, PERMANENT_LOCK_YEARS)
    return closed_at + timedelta(days=366 * years)


@dataclass(frozen=True)
class Identity:
    """Where a dossier stands in the classification scheme (档号 and its parts)."""

    fonds: str
    year: int
    number: int
    code: str
    version: int
    code_group: str = ""
    category: str = ""


def seal_dossier(session: Session, runtime: Runtime, request: SealRequest) -> Dossier:
    """Writes the package and records it, in the caller's transaction, in the order that keeps locks short.

    1. The payload goes under the dossier's own prefix, which stays a staging
       area until the transaction commits: a package whose transaction never
       commits (an error, a crash) has no commit marker, so the index rebuild
       ignores it and reconciliation quarantines it (reconcile.py); sealed
       objects cannot be deleted.
    2. Only then is the archival number taken (a row lock on PostgreSQL), so
       no other sealing waits while files are copied; a rollback gives it back.
    3. The tag files, which name the number, are written; the rows recorded;
       the follow-up jobs queued, among them the one writing the commit marker.
    """
    if not request.files:
        raise InvalidInput("案卷至少需要一个文件 (a dossier needs at least one file)")
    replaces = _replaced(session, request)
    dossier_id = new_id()
    writer = BagWriter(
        runtime.store, package_prefix(dossier_id), seal_until(request.service.retention, request.closed_at)
    )
    files = _write_payload(writer, request, backend=runtime.store.describe())
    identity = _identity(session, runtime, request, replaces)
    dossier = _record(session, dossier_id, identity, request, writer.prefix)
    for name, value in description_columns(runtime.settings, request, identity.code_group, identity.category).items():
        setattr(dossier, name, value)
    dossier.files.extend(files)
    writer.add_tag_file("metadata/dossier.json", _json_bytes(dossier_metadata(dossier, request)), "application/json")
    writer.add_tag_file("metadata/events.json", _json_bytes(request.events), "application/json")
    writer.add_tag_file(ELEMENTS_XML, elements_xml(dossier_elements(dossier)), "application/xml")
    writer.finish(bag_info(dossier))
    session.add(dossier)
    _supersede(session, replaces, dossier, request)
    dossier.events.append(
        DossierEvent(
            action="sealed", actor=request.sealed_by, detail={"files": len(dossier.files), "version": dossier.version}
        )
    )
    session.flush()
    _record_migrations(session, dossier, request.files, files)
    finalise(session, runtime, dossier, writer.seal_until)
    _enqueue_follow_ups(session, dossier)
    crash_point(runtime, "seal.before_commit")
    return dossier


def _record_migrations(session: Session, dossier: Dossier, specs: list[SealFile], rows: list[DossierFile]) -> None:
    for spec, row in zip(specs, rows, strict=True):
        if spec.converted_from:
            premis.record(
                session,
                dossier,
                PreservationEventType.MIGRATION,
                EventOutcome.SUCCESS,
                f"{spec.converted_from} -> {row.path} ({spec.media_type})",
                file_path=row.path,
            )


def _replaced(session: Session, request: SealRequest) -> Dossier | None:
    """The version a correction replaces, as this session tracks it (the caller's may be another's)."""
    if request.replaces is None:
        return None
    replaces = session.get(Dossier, request.replaces.id)
    assert replaces is not None  # request.replaces is a recorded dossier
    if replaces.superseded:
        raise InvalidInput("只能更正最新版本 (only the latest version can be corrected)")
    if not request.correction_reason.strip():
        raise InvalidInput("更正须说明原因 (a correction needs a reason)")
    return replaces


def _write_payload(writer: BagWriter, request: SealRequest, *, backend: str) -> list[DossierFile]:
    """Copies every stored file into the package within the store (streams the others) and returns their rows."""
    rows = []
    for seq, spec in enumerate(request.files, start=1):
        path = payload_name(seq, spec.name)
        written, found = _write_file(writer, path, spec)
        stored = StoredObject(
            backend=backend,
            key=written.info.key,
            size=written.info.size,
            sha256=written.info.sha256,
            sm3=written.sm3,
            media_type=spec.media_type,
            sealed_until=writer.seal_until,
        )
        rows.append(
            DossierFile(
                id=new_id(),
                seq=seq,
                name=spec.name,
                path=f"data/{path}",
                material_type=spec.material_type,
                material_type_name=spec.material_type_name,
                material_class=spec.material_class,
                media_type=spec.media_type,
                size=written.info.size,
                pages=spec.pages,
                sha256=written.info.sha256,
                sha512=written.sha512,
                sm3=written.sm3,
                stored=stored,
                shared=spec.shared,
                valid_until=spec.valid_until,
                level=spec.level,
                verified_by=spec.verified_by,
                verified_at=spec.verified_at,
                licence_id=spec.licence_id,
                format_name=found.name,
                format_version=found.version,
                pronom=found.pronom,
                creating_software=found.software,
                digitization=found.digitization,
            )
        )
    return rows


def _write_file(writer: BagWriter, path: str, spec: SealFile) -> tuple[WrittenFile, FormatInfo]:
    """A stored file with learned facts is copied unread; another stored file is read once while the store
    copies it (digests, format); a file from elsewhere is streamed into the package."""
    known = spec.known
    if spec.source_key is not None and spec.expected_sha256 is not None and known is not None:
        written = writer.copy_known(
            path,
            spec.source_key,
            content_type=spec.media_type,
            expected_sha256=spec.expected_sha256,
            sha512=known.sha512,
            sm3=known.sm3,
        )
        return written, known.format
    with spec.open() as stream, Spool(stream, spec.name) as spool:
        identified: list[FormatInfo] = []
        if spec.source_key is not None:
            written = writer.copy_payload(
                path,
                spec.source_key,
                cast(BinaryIO, spool),
                content_type=spec.media_type,
                expected_sha256=spec.expected_sha256,
                while_copying=partial(_identify_into, identified, spool, spec.media_type),
            )
        else:
            written = writer.add_payload(
                path, cast(BinaryIO, spool), content_type=spec.media_type, expected_sha256=spec.expected_sha256
            )
        return written, identified[0] if identified else spool.identify(spec.media_type)


def _identify_into(found: list[FormatInfo], spool: Spool, media_type: str) -> None:
    found.append(spool.identify(media_type))


def _identity(session: Session, runtime: Runtime, request: SealRequest, replaces: Dossier | None) -> Identity:
    """A correction keeps the code of the version it replaces; a new dossier takes the next number."""
    if replaces is not None:
        return Identity(
            replaces.fonds,
            replaces.year,
            replaces.item_number,
            replaces.archival_code,
            replaces.version + 1,
            replaces.code_group,
            replaces.category_code,
        )
    service, settings = request.service, runtime.settings
    parts = CodeParts(
        fonds=settings.fonds,
        category=settings.archive_category,
        year=request.year or local_year(request.closed_at),
        retention=service.retention,
        org_code=service.department.org_code or service.department.code,
    )
    group, number = next_number(session, settings.archival_code_scheme, parts)
    code = format_code(settings.archival_code_scheme, parts, number)
    return Identity(parts.fonds, parts.year, number, code, 1, group, parts.category)


def _record(session: Session, dossier_id: str, identity: Identity, request: SealRequest, prefix: str) -> Dossier:
    service = request.service
    department = service.department
    return Dossier(
        id=dossier_id,
        archival_code=identity.code,
        fonds=identity.fonds,
        year=identity.year,
        retention=service.retention,
        org_code=department.org_code or department.code,
        item_number=identity.number,
        title=request.title,
        service_code=service.code,
        service_name=service.name,
        service_version=service.version,
        department_code=department.code,
        department_name=department.name,
        departments=sorted({department.code, *request.departments}),
        applicant_name=request.applicant_name,
        applicant_id_number=request.applicant_id_number,
        application_id=request.application_id,
        tracking_number=request.tracking_number,
        outcome=request.outcome,
        opened_at=request.opened_at,
        closed_at=request.closed_at,
        sealed_at=utcnow(),
        sealed_by=request.sealed_by,
        source=request.source,
        source_paths=list(request.source_paths),
        version=identity.version,
        replaces_id=request.replaces.id if request.replaces is not None else None,
        correction_reason=request.correction_reason,
        package_prefix=prefix,
    )


def _supersede(session: Session, replaces: Dossier | None, dossier: Dossier, request: SealRequest) -> None:
    if replaces is None:
        return
    replaces.superseded = True
    replaces.events.append(
        DossierEvent(
            action="superseded", actor=request.sealed_by, detail={"by": dossier.id, "reason": request.correction_reason}
        )
    )
    enqueue(
        session,
        "index.dossier",
        {"dossier_id": replaces.id},
        subject=f"index:{replaces.id}",
        max_attempts=INDEX_ATTEMPTS,
    )


def _enqueue_follow_ups(session: Session, dossier: Dossier) -> None:
    """The outbox: they exist exactly when the sealing commits."""
    enqueue(
        session,
        "archive.confirm",
        {"dossier_id": dossier.id},
        subject=f"dossier:{dossier.id}",
        max_attempts=INDEX_ATTEMPTS,
    )
    enqueue(session, "archive.check", {"dossier_id": dossier.id, "trigger": "seal"}, subject=f"dossier:{dossier.id}")
    # Searchable by its metadata at once, by its text once each file is extracted.
    enqueue(
        session, "index.dossier", {"dossier_id": dossier.id}, subject=f"index:{dossier.id}", max_attempts=INDEX_ATTEMPTS
    )
    for file in dossier.files:
        enqueue(session, "archive.extract_file", {"file_id": file.id}, subject=f"file:{file.id}")


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


def _iso(value: datetime | None) -> str | None:
    return local(value).isoformat() if value else None


def _files_metadata(dossier: Dossier, request: SealRequest | None) -> list[dict[str, Any]]:
    """Each file's entry; the sealing request adds what only it knows (an e-licence's facts)."""
    specs = request.files if request is not None else []
    entries = []
    for f in dossier.files:
        entry = _file_metadata(f)
        spec = specs[f.seq - 1] if f.seq <= len(specs) else None
        if spec is not None and spec.licence is not None:
            entry["licence"] = spec.licence
        entries.append(entry)
    return entries


def _file_metadata(f: DossierFile) -> dict[str, Any]:
    return {
        "seq": f.seq,
        "file_id": f.id,
        "name": f.name,
        "path": f.path,
        "shared": f.shared,
        "material_type": f.material_type,
        "material_type_name": f.material_type_name,
        "class": f.material_class,
        "class_label": MATERIAL_CLASSES.get(f.material_class, f.material_class),
        "media_type": f.media_type,
        "size": f.size,
        "pages": f.pages,
        "sha256": f.sha256,
        "sha512": f.sha512,
        "sm3": f.sm3 or None,
        "level": f.level,
        "verified_by": f.verified_by or None,
        "verified_at": _iso(f.verified_at),
        "valid_until": _iso(f.valid_until),
    }


def dossier_metadata(dossier: Dossier, request: SealRequest | None = None) -> dict[str, Any]:
    """The self-describing metadata file: enough to read the package without OneWindow."""
    return {
        "package_format": PACKAGE_FORMAT,
        "dossier_id": dossier.id,
        "archival_code": dossier.archival_code,
        "archival_code_parts": {
            "fonds": dossier.fonds,
            "year": dossier.year,
            "retention": dossier.retention,
            "org_code": dossier.org_code,
            "item_number": dossier.item_number,
        },
        "title": dossier.title,
        "version": dossier.version,
        "replaces": dossier.replaces_id,
        "correction_reason": dossier.correction_reason or None,
        "service_item": {
            "code": dossier.service_code,
            "name": dossier.service_name,
            "version": dossier.service_version,
        },
        "department": {"code": dossier.department_code, "name": dossier.department_name},
        "departments": list(dossier.departments),
        "applicant": {"name": dossier.applicant_name, "id_number": dossier.applicant_id_number},
        "application_id": dossier.application_id,
        "tracking_number": dossier.tracking_number,
        "outcome": dossier.outcome,
        **_case_record(request),
        "dates": {
            "opened": _iso(dossier.opened_at),
            "closed": _iso(dossier.closed_at),
            "sealed": _iso(dossier.sealed_at),
        },
        "retention": {"code": dossier.retention, "label": RETENTION_LABELS.get(dossier.retention, dossier.retention)},
        "source": dossier.source,
        "source_paths": list(dossier.source_paths),
        "sealed_by": dossier.sealed_by,
        "files": _files_metadata(dossier, request),
        "event_count": len(request.events) if request else None,
        "elements": dossier_elements(dossier),
    }


def _case_record(request: SealRequest | None) -> dict[str, Any]:
    """What the case decided, part by part, and how its result was delivered (no request: not known)."""
    if request is None:
        return {}
    return {"parts": request.parts, "delivery": request.delivery, "township": request.township or None}


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
