"""JSON shapes of archive objects for the API (API.md)."""

from __future__ import annotations

from typing import Any

from indexers import DossierHit

from ...models import MATERIAL_CLASSES, RETENTION_LABELS
from .access import DossierView


def hit_json(hit: DossierHit) -> dict[str, Any]:
    return {
        "dossier_id": hit.dossier_id,
        "archival_code": hit.archival_code,
        "title": hit.title,
        "service_code": hit.service_code,
        "completed_at": hit.completed_at.isoformat(),
        "score": hit.score,
        "highlights": list(hit.highlights),
        "files": [
            {"file_id": f.file_id, "name": f.name, "material_type": f.material_type, "highlights": list(f.highlights)}
            for f in hit.files
        ],
    }


def dossier_json(view: DossierView) -> dict[str, Any]:
    d = view.dossier
    body: dict[str, Any] = {
        "dossier_id": d.id,
        "archival_code": d.archival_code,
        "version": d.version,
        "title": view.title,
        "service_code": d.service_code,
        "service_name": d.service_name,
        "department": {"code": d.department_code, "name": d.department_name},
        "retention": d.retention,
        "retention_label": RETENTION_LABELS.get(d.retention, d.retention),
        "opened_at": d.opened_at.isoformat(),
        "completed_at": d.closed_at.isoformat(),
        "sealed_at": d.sealed_at.isoformat(),
        "superseded": d.superseded,
        "replaces": d.replaces_id,
        "check": {
            "ok": d.check_ok,
            "status": d.check_status or None,
            "at": d.checked_at.isoformat() if d.checked_at else None,
        },
        "partial": not view.whole,
        "files": [
            {
                "file_id": f.id,
                "seq": f.seq,
                "name": view.file_name(f),
                "material_type": f.material_type,
                "material_type_name": f.material_type_name,
                "class": MATERIAL_CLASSES.get(f.material_class, f.material_class),
                "media_type": f.media_type,
                "size": f.size,
                "pages": f.pages,
                "sha256": f.sha256,
                "sha512": f.sha512,
                "sm3": f.sm3 or None,
                "text_status": f.text_status,
                "text_detail": f.text_detail or None,
            }
            for f in view.files
        ],
    }
    if view.whole:
        body["applicant"] = {"name": d.applicant_name, "id_number": d.applicant_id_number}
        body["events"] = [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "ok": e.ok, "detail": e.detail}
            for e in d.events
        ]
    return body
