"""Who may do what to whose case: role × action × case, over the API, against the service-layer rules.

Each cell gets a fresh case put straight into the state the action needs, so
the matrix runs fast; allowed cells must succeed, denied ones must answer 403
(or 404 where the case is outside what the caller may even see).
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from case_support import Api, jpeg_bytes, pdf_bytes
from server.app import create_app
from server.config import load_settings
from server.models import Application, CasePart, Department, Material, ResultFile, ServiceItem, StoredObject, User, utcnow
from server.services.demo import load_demo

USERS = ["applicant", "applicant2", "clerk", "officer-wlj", "officer-gaj", "supervisor", "archivist", "admin"]
OK = "ok"

# action: (state the case must be in, {user: expected}); users not listed expect 404.
MATRIX = {
    "view": ("in_progress", {"applicant": OK, "clerk": OK, "officer-wlj": OK, "supervisor": OK}),
    "upload": ("draft", {"applicant": OK, "clerk": OK, "supervisor": 403}),
    "submit": ("draft", {"applicant": OK, "clerk": OK, "supervisor": 403}),
    "withdraw": ("submitted", {"applicant": OK, "clerk": 403, "supervisor": 403}),
    "review": ("submitted", {"applicant": 403, "clerk": OK, "supervisor": 403}),
    "route": ("accepted", {"applicant": 403, "clerk": OK, "supervisor": 403}),
    "decide": ("in_progress", {"applicant": 403, "clerk": 403, "officer-wlj": OK, "supervisor": 403}),
    "result": ("in_progress", {"applicant": 403, "clerk": 403, "officer-wlj": OK, "supervisor": 403}),
    "complete": ("approved", {"applicant": 403, "clerk": OK, "officer-wlj": OK, "supervisor": 403}),
    "rate": ("archived", {"applicant": OK, "clerk": 403, "officer-wlj": 403, "supervisor": 403}),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    settings = load_settings({"ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("matrix") / "var"),
                              "ONEWINDOW_DEMO_PASSWORD": "pw"})
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
        app = Application(service=service, status=state, applicant_user_id=owner.id, applicant_name=owner.display_name,
                          applicant_id_number=owner.id_number, applicant_phone=owner.phone, created_by_id=owner.id)
        session.add(app)
        info = runtime.store.put(f"matrix/{utcnow().timestamp()}", io.BytesIO(pdf_bytes("材料")))
        stored = StoredObject(backend="test", key=info.key, size=info.size, sha256=info.sha256, media_type="application/pdf")
        session.add(stored)
        session.flush()
        for slot in service.materials:
            app.materials.append(Material(slot=slot.slot, filename=f"{slot.slot}.pdf", object_id=stored.id,
                                          media_type="application/pdf", size=info.size, sha256=info.sha256,
                                          uploaded_by_id=owner.id, verified_by=clerk.display_name))
        if state != "draft":
            app.tracking_number = f"T{utcnow().timestamp()}".replace(".", "")
        if state not in ("draft", "submitted"):
            app.accepted_at = utcnow()
        if state in ("in_progress", "approved", "archived"):
            app.parts.append(CasePart(department=session.scalar(select(Department).where(Department.code == "wlj")),
                                      status="approved" if state != "in_progress" else "pending"))
        if state in ("approved", "archived"):
            app.outcome = "approved"
            app.results.append(ResultFile(name="许可证", filename="许可证.pdf", department_code="wlj",
                                          object_id=stored.id, media_type="application/pdf", size=info.size,
                                          sha256=info.sha256, uploaded_by="x"))
        if state == "archived":
            app.completed_at = utcnow()
        session.flush()
        return app.id


def _act(api: Api, action: str, app_id: str, user: str):
    base = f"/applications/{app_id}"
    if action == "view":
        return api.call("GET", base, user)
    if action == "upload":
        return api.call("PUT", f"{base}/materials/health_certs", user, data=jpeg_bytes(),
                        headers={"Content-Type": "image/jpeg"})
    if action == "result":
        return api.call("PUT", f"{base}/results/许可证", user, data=pdf_bytes("许可证"),
                        headers={"Content-Type": "application/pdf"})
    body = {"submit": {}, "withdraw": {}, "review": {"decision": "accept"}, "route": {"departments": ["gaj"]},
            "decide": {"outcome": "approved"}, "complete": {}, "rate": {"score": 5}}[action]
    path = {"decide": "decision", "rate": "rating"}.get(action, action)
    return api.call("POST", f"{base}/{path}", user, json=body)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_access(world, action, user):
    api, runtime = world
    state, allowed = MATRIX[action]
    expected = allowed.get(user, 404)
    response = _act(api, action, _case(runtime, state), user)
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
