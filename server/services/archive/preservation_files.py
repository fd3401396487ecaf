"""What travels beside a bag in every export and transfer (its preservation/ folder): the sealed 固化信息,
the latest DA/T 70 report and the PREMIS events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import Dossier
from . import premis, xml_schemas
from .fixation import fixation_of
from .versions import VERSIONS_FILE, versions_json

REPORT = "四性检测报告.json"
EVENTS = "保存事件.xml"


def preservation_files(session: Session, store, dossier: Dossier) -> dict[str, bytes]:
    files = dict(fixation_of(store, dossier.id).files())
    report = latest_report(store, dossier)
    if report is not None:
        files[REPORT] = report
    events = premis.premis_xml(dossier, premis.events_of(session, dossier.id))
    problems = xml_schemas.problems(xml_schemas.PREMIS, events)
    assert not problems, problems  # written by premis_xml, which the schema describes
    files[EVENTS] = events
    files[VERSIONS_FILE] = versions_json(session, dossier)
    return files


def latest_report(store, dossier: Dossier) -> bytes | None:
    """The newest sealed DA/T 70 report beside the package, as stored."""
    keys = sorted(i.key for i in store.list(f"dossiers/{dossier.id}/checks/") if "-dat70-" in i.key)
    if not keys:
        return None
    with store.open(keys[-1]) as fh:
        return fh.read()
