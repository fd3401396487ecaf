"""Each case event tells whom what (services/notifications/rules.py), in the same transaction as the event."""

from __future__ import annotations

from datetime import date

import pytest
from notification_support import WALK_IN, deliveries, inbox_of
from sqlalchemy import select

from server.models import CasePart, Department
from server.services.cases import events, handling, review
from server.vocabulary import EventAction, NotificationKind, PartStatus, Status


def kinds(session, username: str) -> list[str]:
    return [n.kind for n in inbox_of(session, username)]


def test_a_submission_gives_the_applicant_a_receipt_and_the_clerks_new_work(cases):
    app = cases.submitted()
    s = cases.session
    [receipt] = inbox_of(s, "applicant")
    assert receipt.kind == NotificationKind.RECEIPT and receipt.title == "申请已收到"
    assert "个体工商户" in receipt.body or app.service.name in receipt.body
    assert app.tracking_number in receipt.body and receipt.application_id == app.id
    [work] = inbox_of(s, "clerk")
    assert work.kind == NotificationKind.NEW_WORK and app.tracking_number in work.body and "王丽华" in work.body
    for username in ("supervisor", "officer-scjg", "applicant2"):
        assert inbox_of(s, username) == []
    # an applicant hears by e-mail and SMS by default; staff by e-mail only
    sent = {(d.channel, d.address) for d in deliveries(s, application_id=app.id)}
    assert sent == {
        ("email", "applicant@example.test"),
        ("sms", "13857101234"),
        ("email", "clerk@example.test"),
    }
    assert all(d.status == "pending" and d.subject and d.text for d in deliveries(s))


def test_a_walk_in_applicant_without_an_account_gets_one_text_and_nothing_else(cases):
    app = cases.submitted(by="clerk")
    s = cases.session
    assert inbox_of(s, "clerk") == [], "the clerk who submitted it does not need telling"
    [text] = deliveries(s, application_id=app.id)
    assert (text.channel, text.address, text.notification_id) == ("sms", WALK_IN["phone"], None)
    assert text.kind == NotificationKind.RECEIPT and app.tracking_number in text.text and "已提交" in text.text


def test_the_correction_notice_lists_every_item_and_its_reason(cases, runtime):
    app = cases.submitted()
    review.review(
        cases.session,
        runtime,
        cases.user("clerk"),
        app,
        decision="correct",
        verdicts=[
            {"slot": "premises_proof", "ok": False, "reason": "租赁合同已过期"},
            {"slot": "operator_id", "ok": False, "reason": "照片模糊"},
        ],
    )
    correction = inbox_of(cases.session, "applicant")[-1]
    assert correction.kind == NotificationKind.CORRECTION
    assert "租赁合同已过期" in correction.body and "照片模糊" in correction.body
    names = {s.slot: s.name for s in app.service.materials}
    assert names["premises_proof"] in correction.body and names["operator_id"] in correction.body


def test_an_acceptance_with_gaps_names_every_owed_item_with_its_own_deadline(cases):
    app = cases.submitted()
    names = {s.slot: s.name for s in app.service.materials}
    app.status = Status.ACCEPTED_WITH_GAP
    events.record(
        cases.session,
        app,
        cases.user("clerk"),
        EventAction.ACCEPT_WITH_GAP,
        data={
            "due_date": "2026-12-08",
            "gap_slots": ["operator_id", "premises_proof"],
            "gap_deadlines": {"operator_id": "2026-12-03", "premises_proof": "2026-12-07"},
        },
    )
    body = inbox_of(cases.session, "applicant")[-1].body
    assert "容缺受理" in body and "2026-12-08" in body
    assert f"{names['operator_id']}（2026-12-03前）" in body and f"{names['premises_proof']}（2026-12-07前）" in body


def test_an_acceptance_with_one_case_deadline_gives_it_to_every_owed_item(cases):
    app = cases.submitted()
    app.gap_slots, app.gap_deadline = ["premises_proof"], date(2026, 12, 4)
    events.record(cases.session, app, cases.user("clerk"), EventAction.ACCEPT_WITH_GAP, data={})
    assert "（2026-12-04前）" in inbox_of(cases.session, "applicant")[-1].body


def test_a_complete_acceptance_says_the_materials_are_complete(cases):
    app = cases.submitted()
    events.record(cases.session, app, cases.user("clerk"), EventAction.ACCEPT, data={"due_date": "2026-12-08"})
    body = inbox_of(cases.session, "applicant")[-1].body
    assert "材料齐全" in body and "容缺" not in body


def _routed(cases, departments: list[str]):
    app = cases.submitted()
    app.status = Status.ACCEPTED
    handling.route(cases.session, cases.user("clerk"), app, departments)
    return app


def test_routing_tells_the_officers_of_each_routed_department_only(cases):
    app = _routed(cases, ["scjg", "gaj"])
    s = cases.session
    assert kinds(s, "officer-scjg") == [NotificationKind.NEW_WORK]
    assert kinds(s, "officer-gaj") == [NotificationKind.NEW_WORK]
    assert inbox_of(s, "officer-wlj") == [] and inbox_of(s, "officer-wjj") == []
    assert app.tracking_number in inbox_of(s, "officer-gaj")[0].body


def test_a_deferred_material_arriving_tells_the_clerks_and_the_officers(cases):
    app = _routed(cases, ["scjg"])
    events.record(
        cases.session,
        app,
        cases.user("applicant"),
        EventAction.GAP_FILLED,
        data={"slot": "operator_id", "remaining": []},
    )
    for username in ("clerk", "officer-scjg"):
        note = inbox_of(cases.session, username)[-1]
        assert note.kind == NotificationKind.GAP_ARRIVED and "已全部补齐" in note.body


# action, note, data, status the case is in, who hears (besides nobody else), the kind they get
TOLD = [
    (EventAction.DEEMED_ACCEPTED, "", {"due_date": "2026-12-15"}, Status.ACCEPTED, {"applicant"}, "deemed_acceptance"),
    (EventAction.REJECT, "不属于本中心受理范围", {}, Status.REJECTED, {"applicant"}, "rejection"),
    (EventAction.REMIND, "", {"slot": "operator_id", "deadline": "2026-12-03"}, None, {"applicant"}, "reminder"),
    (EventAction.SUSPEND, "需要现场核查", {"kind": "inspection"}, None, {"applicant"}, "suspension"),
    (EventAction.RESUME, "", {}, None, {"applicant"}, "resumption"),
    (EventAction.DECIDE, "符合条件", {"outcome": "approved"}, Status.APPROVED, {"applicant"}, "decision"),
    (EventAction.COMPLETE, "", {}, Status.COMPLETED, {"applicant"}, "result_ready"),
    (EventAction.TERMINATE, "容缺材料逾期未补交", {}, Status.TERMINATED, {"applicant"}, "termination"),
    (EventAction.CLOSE_FOLLOW_UP, "已电话回访并致歉", {}, None, {"applicant"}, "rating_answer"),
    (EventAction.WARN, "", {}, None, {"officer-gaj"}, "clock_yellow"),
    (EventAction.ESCALATE, "", {}, None, {"officer-gaj", "supervisor"}, "clock_red"),
    (
        EventAction.SET_DEADLINE,
        "专家评审延长",
        {"due_date": "2026-12-22"},
        None,
        {"officer-scjg", "officer-gaj", "applicant"},
        "deadline_changed",
    ),
]


@pytest.mark.parametrize(("action", "note", "data", "status", "who", "kind"), TOLD, ids=[t[0] for t in TOLD])
def test_each_event_tells_exactly_its_audience(cases, action, note, data, status, who, kind):
    """A joint case of two departments whose officers head them: market regulation has decided, public
    security has not, so only public security is hurried (warned, escalated to its head)."""
    app = _routed(cases, ["scjg", "gaj"])
    s = cases.session
    s.flush()
    scjg = s.scalar(select(Department).where(Department.code == "scjg"))
    s.scalar(select(CasePart).where(CasePart.department_id == scjg.id)).status = PartStatus.APPROVED
    before = {u: len(inbox_of(s, u)) for u in _everyone(cases)}
    if status is not None:
        app.status = status
    events.record(s, app, None, action, note=note, data=data)
    told = {u for u in before if len(inbox_of(s, u)) > before[u]}
    assert told == who
    for username in who:
        latest = inbox_of(s, username)[-1]
        assert latest.kind == kind and latest.title == NotificationKind(kind).label
        assert app.tracking_number in latest.body and (not note or note in latest.body or kind == "decision")


def _everyone(cases) -> list[str]:
    from server.models import User

    return [u.username for u in cases.session.scalars(select(User))]
