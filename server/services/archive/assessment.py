"""The DA/T 70 check of a dossier in the archive, at the moments it must hold: before the dossier is final,
before an export, before a transfer. Its report is sealed beside the package and its outcome becomes PREMIS
events; a failure stops what was about to happen."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import ArchiveCheckFailed
from ...models import Dossier, utcnow
from ...runtime import Runtime
from ...vocabulary import EventOutcome, PreservationEventType
from ..object_keys import check_report_key
from . import premis
from .dat70 import Context, Report, check_package
from .fixation import Fixation, fixation_of
from .numbering import numbering_gaps
from .package_files import StoredPackage

# Which items each PREMIS event sums up (the validation event sums up all of them).
EVENT_ITEMS = {
    PreservationEventType.FIXITY_CHECK: ("ZS-10", "ZS-11", "ZS-12", "WZ-01"),
    PreservationEventType.VIRUS_CHECK: ("AQ-01",),
    PreservationEventType.FORMAT_IDENTIFICATION: ("ZS-09", "KY-02"),
}


def assess(
    session: Session,
    runtime: Runtime,
    dossier: Dossier,
    stage: str,
    *,
    fixation: Fixation | None = None,
    seal_until: datetime | None = None,
    batch_codes: Counter[str] | None = None,
) -> Report:
    """Runs the check, seals its report beside the package, records the events; raises when it failed."""
    fixation = fixation or fixation_of(runtime.store, dossier.id)
    ctx = Context(
        scanner=runtime.scanner,
        certificate=fixation.certificate,
        signature=fixation.signature,
        duplicate_codes=_duplicates(session, dossier, batch_codes),
        record={"archival_code": dossier.archival_code, "version": dossier.version, "file_count": len(dossier.files)},
        numbering_gaps=_gaps(session, dossier),
    )
    report = check_package(StoredPackage(runtime.store, dossier.package_prefix), ctx)
    body = report_body(dossier, report, stage)
    key = check_report_key(dossier.id, utcnow(), f"dat70-{stage}")
    runtime.store.put(
        key,
        [json.dumps(body, ensure_ascii=False, indent=2).encode()],
        content_type="application/json",
        seal_until=seal_until,
    )
    _record_events(session, dossier, report, stage)
    if report.status == "failed":
        raise ArchiveCheckFailed(
            f"四性检测未通过 (the four-property check failed): {', '.join(sorted(report.failed_codes()))}",
            details={"dossier_id": dossier.id, "stage": stage, "failures": failures(report)},
        )
    return report


def report_body(dossier: Dossier, report: Report, stage: str) -> dict[str, Any]:
    return {
        "dossier_id": dossier.id,
        "archival_code": dossier.archival_code,
        "version": dossier.version,
        "stage": stage,
        "checked_at": utcnow().isoformat(),
        **report.as_dict(),
    }


def failures(report: Report) -> list[dict[str, Any]]:
    return [i.as_dict() for i in report.items if i.ok is False][:50]


def _duplicates(session: Session, dossier: Dossier, batch_codes: Counter[str] | None) -> frozenset[str]:
    """A code is duplicated when another current dossier holds it too, or twice in one batch. A superseded
    version shares its code with the one current version that corrected it (corrections.py)."""
    current = session.scalar(
        select(func.count())
        .select_from(Dossier)
        .where(Dossier.archival_code == dossier.archival_code, Dossier.id != dossier.id)
        .where(Dossier.superseded.is_(False), Dossier.id != (dossier.replaces_id or ""))
    )
    others = (current or 0) > (1 if dossier.superseded else 0)
    twice = batch_codes is not None and batch_codes[dossier.archival_code] > 1
    return frozenset({dossier.archival_code}) if others or twice else frozenset()


def _gaps(session: Session, dossier: Dossier) -> list[int]:
    # Numbers run per code group (numbering.py): the scheme decides whether the organisation splits them.
    return numbering_gaps(session, dossier)


def _record_events(session: Session, dossier: Dossier, report: Report, stage: str) -> None:
    for event_type, codes in EVENT_ITEMS.items():
        items = [i for i in report.items if i.code in codes]
        if items:
            premis.record(session, dossier, event_type, _outcome(items), _summary(items))
    premis.record(
        session,
        dossier,
        PreservationEventType.VALIDATION,
        _outcome(report.items),
        f"DA/T 70 ({stage}): {report.status}" + (f"; {_summary(report.items)}" if report.status != "passed" else ""),
    )


def _outcome(items: list) -> EventOutcome:
    results = [i.ok for i in items]
    return premis.OUTCOMES[False if False in results else None if None in results else True]


def _summary(items: list) -> str:
    unheld = [f"{i.code}{' ' + i.file if i.file else ''}: {i.reason}" for i in items if i.ok is not True]
    return "; ".join(unheld)[:2000] if unheld else f"{len(items)} item(s) passed"


def finalise(session: Session, runtime: Runtime, dossier: Dossier, seal_until: datetime | None) -> Report:
    """At sealing, once the bag is written and recorded: ingestion, 固化信息, then the check that must pass
    before the dossier is final (a failure rolls the sealing back; the package left behind is quarantined)."""
    from .fixation import fix_package

    premis.record(
        session,
        dossier,
        PreservationEventType.INGESTION,
        EventOutcome.SUCCESS,
        f"{len(dossier.files)} file(s) sealed as a BagIt bag, version {dossier.version}",
        agent=dossier.sealed_by,
    )
    if dossier.replaces_id:
        premis.record(
            session,
            dossier,
            PreservationEventType.METADATA_MODIFICATION,
            EventOutcome.SUCCESS,
            f"更正 (correction) of {dossier.replaces_id}: {dossier.correction_reason}",
            agent=dossier.sealed_by,
        )
    fixation = fix_package(runtime, dossier.id, dossier.package_prefix, seal_until)
    return assess(session, runtime, dossier, "final", fixation=fixation, seal_until=seal_until)
