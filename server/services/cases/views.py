"""JSON shapes of cases for the API (API.md)."""

from __future__ import annotations

from typing import Any

from ...models import Application, Material, User, utcnow
from ...timeutil import local
from ...vocabulary import EventAction, GapItemStatus, Status, SuspensionKind
from . import deemed, escalation, policy
from .clock import Calendar, clock_state, open_suspension, resume_by
from .decisions import part_json
from .delivery import delivery_json
from .tracked import TrackedCase

# Steps the public lookup leaves out: they say nothing about progress and name files.
PRIVATE_STEPS = frozenset({EventAction.UPLOAD, EventAction.REUSE, EventAction.EDIT_FORM, EventAction.CREATE})


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def case_summary(app: Application, calendar: Calendar) -> dict[str, Any]:
    return {
        "id": app.id,
        "tracking_number": app.tracking_number,
        "status": app.status,
        "status_label": Status(app.status).label,
        "service_code": app.service.code,
        "service_name": app.service.name,
        "applicant_name": app.applicant_name,
        "created_at": _iso(app.created_at),
        "submitted_at": _iso(app.submitted_at),
        "accepted_at": _iso(app.accepted_at),
        "township": app.township or None,
        "clock": clock_state(app, calendar).as_dict(),
        "deemed_acceptance": deemed.deemed_json(app, calendar, local(utcnow()).date()),
        "escalated": escalation.is_escalated(app),
    }


def gap_json(app: Application) -> dict[str, Any] | None:
    if not (app.gap_slots or app.gap_items):
        return None
    names = {s.slot: s.name for s in app.service.materials}
    return {
        "slots": list(app.gap_slots),
        "undertaking": app.gap_undertaking,
        "deadline": _iso(app.gap_deadline),
        "items": [
            {
                "slot": i.slot,
                "name": names.get(i.slot, i.slot),
                "deadline": i.deadline.isoformat(),
                "status": i.status,
                "status_label": GapItemStatus(i.status).label,
                "file_id": i.material_id,
                "reason": i.reason,
                "reviewed_by": i.reviewed_by or None,
                "reviewed_at": _iso(i.reviewed_at),
                "reminded_at": _iso(i.reminded_at),
            }
            for i in app.gap_items
        ],
    }


def suspension_json(app: Application, calendar: Calendar) -> dict[str, Any] | None:
    pause = open_suspension(app)
    if pause is None:
        return None
    kind = SuspensionKind(pause.reason)
    return {
        "kind": kind.value,
        "label": kind.label,
        "max_days": kind.max_days,
        "since": _iso(pause.started_at),
        "resume_by": resume_by(pause, calendar).isoformat(),
    }


def case_detail(app: Application, viewer: User, calendar: Calendar) -> dict[str, Any]:
    """The case as ``viewer`` may see it, with what they may do to it now (``allowed_actions``)."""
    allowed = policy.allowed_actions(viewer, app)
    body = case_summary(app, calendar)
    body.update(
        {
            "applicant": {
                "name": app.applicant_name,
                "id_number": app.applicant_id_number,
                "phone": app.applicant_phone,
            },
            "form": app.form,
            "channel": app.channel,
            "outcome": app.outcome or None,
            "decided_at": _iso(app.decided_at),
            "completed_at": _iso(app.completed_at),
            "dossier_id": app.dossier_id,
            "gap": gap_json(app),
            "suspension": suspension_json(app, calendar),
            "slots": [
                {
                    "slot": s.slot,
                    "name": s.name,
                    "required": s.required,
                    "key": s.key,
                    "formats": list(s.formats),
                    "max_bytes": s.max_bytes,
                }
                for s in app.service.materials
            ],
            "materials": [_material_json(m) for m in app.materials if m.current],
            "outcome_label": Status(app.outcome).label if app.outcome else None,
            "parts": [part_json(p) for p in app.parts],
            "delivery": delivery_json(app),
            **_records_json(app),
            "rating": {"score": app.rating.score, "comment": app.rating.comment} if app.rating else None,
            "allowed_actions": [action.value for action in policy.Action if action in allowed],
        }
    )
    return body


def _material_json(m: Material) -> dict[str, Any]:
    return {
        "file_id": m.id,
        "slot": m.slot,
        "name": m.filename,
        "media_type": m.media_type,
        "size": m.size,
        "sha256": m.sha256,
        "pages": m.pages,
        "uploaded_at": _iso(m.uploaded_at),
        "reused_from": {
            "file_id": m.reused_from_file_id,
            "dossier_id": m.reused_from_dossier_id,
            "archival_code": m.source_archival_code or None,
        }
        if m.reused_from_file_id
        else None,
        "level": m.level,
        "verified_by": m.verified_by or None,
        "verified_at": _iso(m.verified_at),
        "valid_until": _iso(m.valid_until),
        "licence_id": m.licence_id,
        "verdict": None
        if m.verdict_ok is None
        else {
            "ok": m.verdict_ok,
            "reason": m.verdict_reason,
            "verified_by": m.reviewed_by,
            "verified_at": _iso(m.reviewed_at),
        },
    }


def _records_json(app: Application) -> dict[str, list[dict[str, Any]]]:
    """The case's results, its history and its notices."""
    return {
        "results": [
            {
                "id": r.id,
                "name": r.name,
                "filename": r.filename,
                "media_type": r.media_type,
                "size": r.size,
                "sha256": r.sha256,
                "department": r.department_code,
            }
            for r in app.results
        ],
        "events": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "actor": e.actor_name,
                "role": e.actor_role,
                "action": e.action,
                "note": e.note,
                "before": e.before,
                "after": e.after,
                "data": e.data,
            }
            for e in app.events
        ],
        "notices": [
            {
                "id": n.id,
                "kind": n.kind,
                "number": n.number,
                "items": n.items,
                "note": n.note,
                "deadline": _iso(n.deadline),
                "created_at": _iso(n.created_at),
                "details": n.details or None,
            }
            for n in app.notices
        ],
    }


def public_status(app: Application | TrackedCase, calendar: Calendar) -> dict[str, Any]:
    """What anyone with the tracking number may see: no names, numbers or documents."""
    clock = clock_state(app, calendar).as_dict()
    return {
        "tracking_number": app.tracking_number,
        "service_name": app.service.name,
        "department": app.service.department.name,
        "status": app.status,
        "status_label": Status(app.status).label,
        "submitted_at": _iso(app.submitted_at),
        "accepted_at": _iso(app.accepted_at),
        "due_date": clock["due_date"],
        "completed_at": _iso(app.completed_at),
        "steps": [
            {"at": _iso(e.at), "action": e.action, "status": e.after}
            for e in app.events
            if e.action not in PRIVATE_STEPS
        ],
    }
