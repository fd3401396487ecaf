"""The law's clocks over the API (API.md "Time limits and decisions"): suspension, a supervisor's new
deadline, and the clerk's review of deferred material that arrived after acceptance."""

from __future__ import annotations

from ...services.cases import escalation, gaps, queries, suspension
from ...services.cases.clock import Calendar
from ...services.cases.views import case_detail
from ...web.context import db_session
from . import schemas as s
from .access import api_user
from .endpoint import endpoint


def _detail(app):
    session = db_session()
    session.commit()
    return case_detail(app, api_user(), Calendar.load(session))


@endpoint(
    "POST",
    "/applications/<app_id>/suspend",
    body=s.Suspend,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Stop the clock for a special procedure (hearing, inspection, testing, expert review; 第四十五条): "
    "an officer of a routed department or a clerk; the applicant gets a 特别程序告知书",
)
def suspend_application(app_id: str, body: s.Suspend):
    app = queries.get_case(db_session(), api_user(), app_id)
    suspension.suspend(db_session(), api_user(), app, body.kind, body.reason)
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/resume",
    body=s.NoteBody,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Start the clock again after a special procedure (the sweep does it itself past the kind's longest time)",
)
def resume_application(app_id: str, body: s.NoteBody):
    app = queries.get_case(db_session(), api_user(), app_id)
    suspension.resume(db_session(), api_user(), app, body.note)
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/deadline",
    body=s.NewDeadline,
    responses={200: s.Case},
    errors=(403, 409),
    summary="A supervisor sets a new deadline (督办), with the reason; warnings and escalation start again",
)
def set_deadline(app_id: str, body: s.NewDeadline):
    app = queries.get_case(db_session(), api_user(), app_id)
    escalation.set_deadline(db_session(), api_user(), app, body.due_date, body.reason)
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/gaps/<slot>/review",
    body=s.GapReview,
    responses={200: s.Case},
    errors=(403, 409),
    summary="The clerk's verdict on a deferred (容缺) material that arrived: accepted, or refused with the reason "
    "(the clock waits for the applicant until it comes again)",
)
def review_gap(app_id: str, slot: str, body: s.GapReview):
    app = queries.get_case(db_session(), api_user(), app_id)
    gaps.review_item(db_session(), api_user(), app, slot, body.ok, body.reason)
    return _detail(app)
