"""Who may do what to whose case: role × action × case, over the API, against the service-layer rules.

Each cell gets a fresh case put straight into the state the action needs, so
the matrix runs fast; allowed cells must succeed, denied ones must answer 403
(or 404 where the case is outside what the caller may even see). The case
detail's ``allowed_actions`` must name exactly the cells that succeed: pages
offer what that list says, so what they offer is what the API accepts.
"""

from __future__ import annotations

import io

import pytest
from case_support import Api, jpeg_bytes, pdf_bytes
from sqlalchemy import select

from server.app import create_app
from server.config import load_settings
from server.models import (
    Application,
    CasePart,
    Department,
    Material,
    ResultFile,
    ServiceItem,
    StoredObject,
    User,
    utcnow,
)
from server.services.cases import events
from server.services.demo import load_demo
from server.timeutil import local
from server.vocabulary import EventAction, Status, UndefinedTransition

USERS = ["applicant", "applicant2", "clerk", "officer-wlj", "officer-gaj", "supervisor", "archivist", "admin"]
OK = "ok"

# action: (state the case must be in, {user: expected}); users not listed expect 404.
# The admin sees every case (the supervision dashboard links them) but may not act on any.
MATRIX = {
    "view": ("in_progress", {"applicant": OK, "clerk": OK, "officer-wlj": OK, "supervisor": OK, "admin": OK}),
    "upload": ("draft", {"applicant": OK, "clerk": OK, "supervisor": 403, "admin": 403}),
    "submit": ("draft", {"applicant": OK, "clerk": OK, "supervisor": 403, "admin": 403}),
    "withdraw": ("submitted", {"applicant": OK, "clerk": 403, "supervisor": 403, "admin": 403}),
    "review": ("submitted", {"applicant": 403, "clerk": OK, "supervisor": 403, "admin": 403}),
    "route": ("accepted", {"applicant": 403, "clerk": OK, "supervisor": 403, "admin": 403}),
    "decide": ("in_progress", {"applicant": 403, "clerk": 403, "officer-wlj": OK, "supervisor": 403, "admin": 403}),
    "result": ("in_progress", {"applicant": 403, "clerk": 403, "officer-wlj": OK, "supervisor": 403, "admin": 403}),
    "complete": ("approved", {"applicant": 403, "clerk": OK, "officer-wlj": OK, "supervisor": 403, "admin": 403}),
    "deliver": ("approved", {"applicant": 403, "clerk": OK, "officer-wlj": OK, "supervisor": 403, "admin": 403}),
    "rate": ("archived", {"applicant": OK, "clerk": 403, "officer-wlj": 403, "supervisor": 403, "admin": 403}),
}
# The matrix's actions by their names in allowed_actions.
ALLOWED_NAME = {"result": "upload_result"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    settings = load_settings(
        {"ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("matrix") / "var"), "ONEWINDOW_DEMO_PASSWORD": "pw"}
    )
    app = create_app(settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, "pw")
    api = Api(app.test_client(), "pw")
    yield api, runtime
    runtime.close()


def _case(runtime, state: str) -> str:
    """A case of 王丽华 (user 'applicant') for 开办民宿, with every required material, in ``state``."""
    with runtime.db.session() as session:
        service = session.scalar(select(ServiceItem).where(ServiceItem.code == "food-grocery"))
        owner = session.scalar(select(User).where(User.username == "applicant"))
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        app = Application(
            service=service,
            status=state,
            applicant_user_id=owner.id,
            applicant_name=owner.display_name,
            applicant_id_number=owner.id_number,
            applicant_phone=owner.phone,
            created_by_id=owner.id,
        )
        session.add(app)
        info = runtime.store.put(f"matrix/{utcnow().timestamp()}", io.BytesIO(pdf_bytes("材料")))
        stored = StoredObject(
            backend="test", key=info.key, size=info.size, sha256=info.sha256, media_type="application/pdf"
        )
        session.add(stored)
        session.flush()
        for slot in service.materials:
            app.materials.append(
                Material(
                    slot=slot.slot,
                    filename=f"{slot.slot}.pdf",
                    object_id=stored.id,
                    media_type="application/pdf",
                    size=info.size,
                    sha256=info.sha256,
                    uploaded_by_id=owner.id,
                    verified_by=clerk.display_name,
                )
            )
        if state != "draft":
            app.tracking_number = f"T{utcnow().timestamp()}".replace(".", "")
        if state not in ("draft", "submitted"):
            app.accepted_at = utcnow()
        if state in ("in_progress", "approved", "archived"):
            app.parts.append(
                CasePart(
                    department=session.scalar(select(Department).where(Department.code == "wlj")),
                    status="approved" if state != "in_progress" else "pending",
                )
            )
        if state in ("approved", "archived"):
            app.outcome = "approved"
            app.results.append(
                ResultFile(
                    name="许可证",
                    filename="许可证.pdf",
                    department_code="wlj",
                    object_id=stored.id,
                    media_type="application/pdf",
                    size=info.size,
                    sha256=info.sha256,
                    uploaded_by="x",
                )
            )
        if state == "archived":
            app.completed_at = utcnow()
        session.flush()
        return app.id


def _act(api: Api, action: str, app_id: str, user: str):
    base = f"/applications/{app_id}"
    if action == "view":
        return api.call("GET", base, user)
    if action == "upload":
        return api.call(
            "PUT", f"{base}/materials/health_certs", user, data=jpeg_bytes(), headers={"Content-Type": "image/jpeg"}
        )
    if action == "result":
        return api.call(
            "PUT", f"{base}/results/许可证", user, data=pdf_bytes("许可证"), headers={"Content-Type": "application/pdf"}
        )
    body = {
        "submit": {},
        "withdraw": {},
        "review": {"decision": "accept"},
        "route": {"departments": ["gaj"]},
        "decide": {"outcome": "approved"},
        "complete": {},
        "deliver": {"method": "window", "date": local(utcnow()).date().isoformat()},
        "rate": {"score": 5},
    }[action]
    path = {"decide": "decision", "rate": "rating", "deliver": "delivery"}.get(action, action)
    return api.call("POST", f"{base}/{path}", user, json=body)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_access(world, action, user):
    api, runtime = world
    state, allowed = MATRIX[action]
    expected = allowed.get(user, 404)
    app_id = _case(runtime, state)
    detail = api.call("GET", f"/applications/{app_id}", user)
    offered = detail.get_json()["allowed_actions"] if detail.status_code == 200 else []
    assert (ALLOWED_NAME.get(action, action) in offered) == (expected == OK), (action, user, offered)
    response = _act(api, action, app_id, user)
    if expected == OK:
        assert 200 <= response.status_code < 300, (action, user, response.get_json())
    else:
        assert response.status_code == expected, (action, user, response.status_code, response.get_json())
        assert response.get_json()["error"]["message"]


def test_an_officer_sees_a_case_only_once_routed_to_their_department(world):
    api, runtime = world
    app_id = _case(runtime, "accepted")
    api.call("GET", f"/applications/{app_id}", "officer-gaj", 404)
    api.call("POST", f"/applications/{app_id}/route", "clerk", 200, json={"departments": ["gaj"]})
    api.call("GET", f"/applications/{app_id}", "officer-gaj", 200)
    queue = api.json("GET", "/applications?status=in_progress", "officer-gaj")
    assert app_id in [item["id"] for item in queue["items"]]
    mine = api.json("GET", "/applications", "applicant2")
    assert app_id not in [item["id"] for item in mine["items"]]


def test_the_admin_reads_every_case_and_acts_on_none(world):
    api, runtime = world
    app_id = _case(runtime, "in_progress")
    detail = api.json("GET", f"/applications/{app_id}", "admin")
    assert detail["allowed_actions"] == ["view", "download_results"]
    assert app_id in [item["id"] for item in api.json("GET", "/applications?status=in_progress", "admin")["items"]]
    api.call("GET", "/applications", "archivist", 403)


def test_a_deferred_slot_is_offered_and_accepted_only_while_it_is_awaited(world):
    api, runtime = world
    app_id = _case(runtime, "in_progress")
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        [health] = [m for m in app.materials if m.slot == "health_certs"]
        health.current = False
        app.gap_slots = ["health_certs"]
    assert "fill_gap" in api.json("GET", f"/applications/{app_id}", "applicant")["allowed_actions"]
    assert "upload" not in api.json("GET", f"/applications/{app_id}", "applicant")["allowed_actions"]
    api.call(
        "PUT",
        f"/applications/{app_id}/materials/floor_plan",
        "applicant",
        409,
        data=pdf_bytes("图"),
        headers={"Content-Type": "application/pdf"},
    )
    api.call(
        "PUT",
        f"/applications/{app_id}/materials/health_certs",
        "applicant",
        201,
        data=jpeg_bytes(),
        headers={"Content-Type": "image/jpeg"},
    )
    assert "fill_gap" not in api.json("GET", f"/applications/{app_id}", "applicant")["allowed_actions"]


def test_only_the_supervisor_closes_a_follow_up(world):
    api, runtime = world
    app_id = _case(runtime, "archived")
    api.call("POST", f"/applications/{app_id}/rating", "applicant", 201, json={"score": 1, "comment": "慢"})
    assert "rate" not in api.json("GET", f"/applications/{app_id}", "applicant")["allowed_actions"]
    assert "close_follow_up" in api.json("GET", f"/applications/{app_id}", "supervisor")["allowed_actions"]
    assert "close_follow_up" not in api.json("GET", f"/applications/{app_id}", "admin")["allowed_actions"]
    api.call("POST", f"/applications/{app_id}/rating/follow-up", "admin", 403, json={"note": "x"})
    api.call("POST", f"/applications/{app_id}/rating/follow-up", "supervisor", 200, json={"note": "已回访"})
    assert "close_follow_up" not in api.json("GET", f"/applications/{app_id}", "supervisor")["allowed_actions"]


def test_a_transition_outside_the_table_is_a_bug(world):
    _api, runtime = world
    app_id = _case(runtime, "draft")
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        with pytest.raises(UndefinedTransition):
            events.transition(session, app, None, EventAction.ROUTE, Status.IN_PROGRESS)
        assert app.status == "draft" and not app.events
