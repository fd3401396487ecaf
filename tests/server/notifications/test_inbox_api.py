"""The inbox over the API (API.md "Notifications"): newest first, paged, read marks by the recipient only,
and the channel settings."""

from __future__ import annotations

from notification_support import deliveries

from server.services.cases import events
from server.vocabulary import EventAction


def token(client, username: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_the_inbox_lists_newest_first_and_marks_read_for_its_recipient_only(client, cases, settings):
    app = cases.submitted()
    events.record(cases.session, app, None, EventAction.REMIND, data={"slot": "operator_id", "deadline": "2026-12-03"})
    cases.session.commit()
    me = token(client, "applicant", settings.demo_password)
    inbox = client.get("/api/v1/me/notifications", headers=me).get_json()
    assert inbox["total"] == 2 and inbox["unread"] == 2
    assert [item["kind"] for item in inbox["items"]] == ["reminder", "receipt"]
    first = inbox["items"][0]
    assert set(first) == {"id", "at", "kind", "title", "body", "application_id", "read"}
    assert first["application_id"] == app.id and first["read"] is False and first["at"].endswith("+00:00")

    paged = client.get("/api/v1/me/notifications?per_page=1&page=2", headers=me).get_json()
    assert paged["total"] == 2 and [i["kind"] for i in paged["items"]] == ["receipt"]

    other = token(client, "applicant2", settings.demo_password)
    refused = client.post(f"/api/v1/me/notifications/{first['id']}/read", headers=other)
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/me/notifications", headers=other).get_json()["total"] == 0

    marked = client.post(f"/api/v1/me/notifications/{first['id']}/read", headers=me)
    assert marked.status_code == 200 and marked.get_json()["read"] is True
    after = client.get("/api/v1/me/notifications", headers=me).get_json()
    assert after["unread"] == 1 and [i["read"] for i in after["items"]] == [True, False]
    unread = client.get("/api/v1/me/notifications?unread=true", headers=me).get_json()
    assert [i["kind"] for i in unread["items"]] == ["receipt"]
    assert client.post("/api/v1/me/notifications/nonexistent/read", headers=me).status_code == 404
    assert client.get("/api/v1/me/notifications").status_code == 401


def test_settings_are_read_and_changed_and_respected(client, cases, settings):
    me = token(client, "clerk", settings.demo_password)
    assert client.get("/api/v1/me/notification-settings", headers=me).get_json() == {
        "email": True,
        "sms": False,
        "language": "zh-CN",
    }
    changed = client.put("/api/v1/me/notification-settings", headers=me, json={"email": False, "language": "en"})
    assert changed.status_code == 200 and changed.get_json() == {"email": False, "sms": False, "language": "en"}
    bad = client.put("/api/v1/me/notification-settings", headers=me, json={"language": "fr"})
    assert bad.status_code == 400 and "language" in bad.get_json()["error"]["details"]["fields"]

    clerk = cases.user("clerk")
    cases.session.refresh(clerk)
    clerk.phone = "13700000001"
    client.put("/api/v1/me/notification-settings", headers=me, json={"sms": True})
    app = cases.submitted()
    sent = {(d.channel, d.address) for d in deliveries(cases.session, application_id=app.id)}
    assert ("email", "clerk@example.test") not in sent and ("sms", "13700000001") in sent
    assert ("email", "applicant@example.test") in sent


def test_the_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/me/notifications"])
    assert "post" in paths["/api/v1/me/notifications/{notification_id}/read"]
    assert {"get", "put"} <= set(paths["/api/v1/me/notification-settings"])
