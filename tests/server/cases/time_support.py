"""Helpers for the time-limit tests: dates in Shanghai, cases at each step, the recorded events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from case_support import Api

from server.models import Application

CST = timezone(timedelta(hours=8))
# Monday 2026-11-02, 09:00 in Shanghai: the day the time-limit tests start.
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=CST)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), CST)


def submitted(api: Api, files: dict, defer: tuple[str, ...] = ()) -> str:
    """The demo applicant's minsu case with every file but the deferred ones, submitted."""
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    for slot, (data, name) in files.items():
        if slot not in defer:
            api.upload(app_id, slot, "applicant", data, name)
    body = {"defer": list(defer), "undertaking": "五日内补交"} if defer else {}
    api.json("POST", f"/applications/{app_id}/submit", "applicant", json=body)
    return app_id


def accepted_with_gap(api: Api, files: dict, deadlines: dict[str, str] | None = None, slot="fire_safety") -> str:
    app_id = submitted(api, files, defer=(slot,))
    body = {"decision": "accept_with_gap", **({"gap_deadlines": deadlines} if deadlines else {})}
    api.json("POST", f"/applications/{app_id}/review", "clerk", json=body)
    return app_id


def accepted(api: Api, files: dict) -> str:
    app_id = submitted(api, files)
    api.json("POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept"})
    return app_id


def case(api: Api, app_id: str, user: str = "clerk") -> dict:
    return api.json("GET", f"/applications/{app_id}", user)


def actions(body: dict) -> list[str]:
    return [e["action"] for e in body["events"]]


def notice_text(runtime, app_id: str, kind: str) -> str:
    """The lines printed on the case's notice of ``kind`` (the PDF is drawn from the same lines)."""
    from server.services.cases.notices import notice_lines

    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app is not None
        [notice] = [n for n in app.notices if n.kind == kind]
        return "\n".join(notice_lines(app, notice))
