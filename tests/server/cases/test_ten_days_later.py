"""The end-to-end test of the law's clocks: a real server takes four cases, is stopped, and the same
installation starts again ten days later under libfaketime; its start-up sweep alone must have deemed the
unreviewed case accepted, terminated the 容缺 case, left the suspended clock where it was and escalated
the overdue case, and each party must find it in their inbox (and, with Mailpit, in their mail)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from case_support import jpeg_bytes, pdf_bytes
from live_server import Server, start_serve, stop

PASSWORD = "ten-days-later"
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
MINSU = ("applicant_id", "business_licence", "property_proof", "fire_safety", "health_certs", "floor_plan")
WAIT = 90


def _serve(folder: Path, **env: str) -> Server:
    smtp = os.environ.get("ONEWINDOW_TEST_SMTP_URL", "")
    return start_serve(
        folder,
        "--demo",
        ONEWINDOW_DEMO_PASSWORD=PASSWORD,
        ONEWINDOW_JOB_POLL_SECONDS="0.2",
        **({"ONEWINDOW_SMTP_URL": smtp} if smtp else {}),
        **env,
    )


class Party:
    def __init__(self, server: Server, username: str) -> None:
        self.server, self.username = server, username
        status, body = server.call("POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})
        assert status == 201, body
        self.token = body["token"]

    def call(self, method: str, path: str, body: dict | bytes | None = None, expect: int = 200, **headers) -> dict:
        status, answer = self.server.call(method, f"/api/v1{path}", body, self.token, headers or None)
        assert status == expect, (method, path, self.username, status, answer)
        return answer

    def inbox(self) -> list[dict]:
        return self.call("GET", "/me/notifications?per_page=100")["items"]


def _submitted(applicant: Party, defer: tuple[str, ...] = ()) -> str:
    app_id = applicant.call("POST", "/applications", {"service_code": "minsu"}, 201)["id"]
    for slot in MINSU:
        if slot not in defer:
            photo = slot == "applicant_id"
            data, kind = (jpeg_bytes(), "image/jpeg") if photo else (pdf_bytes(slot), "application/pdf")
            headers = {"Content-Type": kind, "X-Filename": f"{slot}.{kind.split('/')[1]}"}
            applicant.call("PUT", f"/applications/{app_id}/materials/{slot}", data, 201, **headers)
    body = {"defer": list(defer), "undertaking": "三日内补交"} if defer else {}
    applicant.call("POST", f"/applications/{app_id}/submit", body)
    return app_id


def _wait(condition, what: str):
    deadline = time.monotonic() + WAIT
    while True:
        found = condition()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def _mail(api: str, address: str) -> list[str]:
    query = urllib.parse.urlencode({"query": f'to:"{address}"'})
    with urllib.request.urlopen(f"{api.rstrip('/')}/search?{query}", timeout=10) as response:
        return [m["Subject"] for m in json.load(response)["messages"]]


@pytest.mark.skipif(not shutil.which("faketime") or not LIBFAKETIME.exists(), reason="libfaketime is not installed")
def test_ten_days_later_the_start_up_sweep_has_applied_every_time_limit(tmp_path: Path):
    server = _serve(tmp_path)
    try:
        applicant, clerk, officer = (Party(server, u) for u in ("applicant", "clerk", "officer-wlj"))
        admin, supervisor = Party(server, "admin"), Party(server, "supervisor")
        addresses = {u: f"{u}.{secrets.token_hex(4)}@example.test" for u in ("applicant", "supervisor")}
        for username, address in addresses.items():
            admin.call("PATCH", f"/admin/users/{username}", {"email": address})

        unreviewed = _submitted(applicant)
        gap = _submitted(applicant, defer=("fire_safety",))
        clerk.call("POST", f"/applications/{gap}/review", {"decision": "accept_with_gap"})
        owed_by = clerk.call("GET", f"/applications/{gap}")["gap"]["items"][0]["deadline"]
        suspended, overdue = _submitted(applicant), _submitted(applicant)
        for app_id in (suspended, overdue):
            clerk.call("POST", f"/applications/{app_id}/review", {"decision": "accept"})
            clerk.call("POST", f"/applications/{app_id}/route", {"departments": ["wlj"]})
        officer.call("POST", f"/applications/{suspended}/suspend", {"kind": "expert_review", "reason": "专家评审"})
        clock_before = clerk.call("GET", f"/applications/{suspended}")["clock"]
        assert clock_before["level"] == "paused"
    finally:
        stop(server)

    later = _serve(tmp_path, LD_PRELOAD=str(LIBFAKETIME), FAKETIME="+10d")
    try:
        clerk, applicant = Party(later, "clerk"), Party(later, "applicant")
        supervisor = Party(later, "supervisor")
        deemed = _wait(
            lambda: (body := clerk.call("GET", f"/applications/{unreviewed}"))["status"] == "accepted" and body,
            "the start-up sweep",
        )
        assert deemed["events"][-1]["action"] == "deemed_accepted" and deemed["events"][-1]["actor"] == "系统"
        assert [n["kind"] for n in deemed["notices"]] == ["acceptance"]

        # The sweep commits case by case: deemed acceptances, then terminations (which seal), then escalations.
        terminated = _wait(
            lambda: (body := clerk.call("GET", f"/applications/{gap}"))["status"] == "terminated" and body,
            "the sweep's terminations",
        )
        assert terminated["dossier_id"]
        [notice] = [n for n in terminated["notices"] if n["kind"] == "termination"]
        assert (notice["items"][0]["slot"], notice["items"][0]["deadline"]) == ("fire_safety", owed_by)

        still = clerk.call("GET", f"/applications/{suspended}")["clock"]
        assert still["level"] == "paused" and still["used_working_days"] == clock_before["used_working_days"]

        escalated = _wait(
            lambda: (body := clerk.call("GET", f"/applications/{overdue}"))["escalated"] and body,
            "the sweep's escalations",
        )
        assert escalated["clock"]["level"] == "red"
        assert [e["action"] for e in escalated["events"]].count("escalate") == 1
        summary = supervisor.call("GET", "/supervision/summary")
        assert overdue in [row["id"] for row in summary["escalated"]]

        told = {(n["kind"], n["application_id"]) for n in applicant.inbox()}
        assert {("deemed_acceptance", unreviewed), ("termination", gap), ("suspension", suspended)} <= told
        assert ("clock_red", overdue) in {(n["kind"], n["application_id"]) for n in supervisor.inbox()}

        mailpit = os.environ.get("ONEWINDOW_TEST_MAILPIT_API_URL", "")
        if os.environ.get("ONEWINDOW_TEST_SMTP_URL") and mailpit:
            wanted = {"applicant": {"申请已依法视为受理", "申请已终止办理"}, "supervisor": {"办件超期督办"}}
            for username, subjects in wanted.items():
                address = addresses[username]
                _wait(lambda s=subjects, a=address: s <= set(_mail(mailpit, a)), f"{username}'s mail")
    finally:
        stop(later)
