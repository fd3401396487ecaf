"""SIGKILL of the server at the worst moments: nothing half-written is visible, the client can retry,
and store and database agree afterwards.

Each test runs `onewindow serve` (gunicorn, jobs in-process, local store) as a
real process, kills its whole process group with SIGKILL mid-operation, starts
it again on the same data folder and checks what a user and an archivist see.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cases"))

from case_support import jpeg_bytes, pdf_bytes
from live_server import HANG_GUARD, Server, kill, start_serve, stop

PASSWORD = "crash-test"
MIB = 1 << 20


def _big_pdf(pages: int = 30) -> bytes:
    """A valid PDF of a few MB (noise images do not compress), so a kill can land inside its upload."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for seed in range(pages):
        image = io.BytesIO()
        Image.effect_noise((300, 300), 40 + seed).convert("RGB").save(image, "PNG")
        pdf.drawImage(ImageReader(image), 50, 300, 300, 300)
        pdf.drawString(72, 760, f"page {seed + 1}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _serve(folder: Path, clamd_url: str, **env: str) -> Server:
    return start_serve(
        folder,
        "--demo",
        ONEWINDOW_DEMO_PASSWORD=PASSWORD,
        ONEWINDOW_JOBS_IN_PROCESS="true",
        ONEWINDOW_JOB_POLL_SECONDS="0.2",
        ONEWINDOW_CLAMD_URL=clamd_url,
        **env,
    )


def _token(server: Server, user: str) -> str:
    status, body = server.call("POST", "/api/v1/auth/token", {"username": user, "password": PASSWORD})
    assert status == 201, body
    return body["token"]


def _draft(server: Server, token: str) -> str:
    status, body = server.call("POST", "/api/v1/applications", {"service_code": "minsu"}, token)
    assert status == 201, body
    return body["id"]


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _half_sent(server: Server, head: str, body: bytes) -> socket.socket:
    """Sends the head and the first part of a body; the server is then blocked reading the rest."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=HANG_GUARD)
    sock.sendall(head.replace("\n", "\r\n").encode() + body)
    return sock


def test_a_kill_during_an_upload_leaves_nothing_and_the_retry_works(folder: Path, clamd_url: str):
    server = _serve(folder, clamd_url)
    token = _token(server, "applicant")
    app_id = _draft(server, token)
    data = _big_pdf()
    assert len(data) > 3 * MIB
    tmp = folder / "var" / "objects" / ".onewindow" / "tmp"
    sock = _half_sent(
        server,
        f"PUT /api/v1/applications/{app_id}/materials/floor_plan HTTP/1.1\nHost: x\n"
        f"Authorization: Bearer {token}\nContent-Type: application/pdf\n"
        f"X-Filename: {quote('平面图.pdf')}\nContent-Length: {len(data)}\n\n",
        data[: 3 * MIB],
    )
    _wait_for(lambda: tmp.is_dir() and any(p.stat().st_size > 0 for p in tmp.iterdir()), "the upload to start")
    kill(server)
    sock.close()
    assert list(tmp.iterdir()), "the killed write left its temp file (invisible to readers)"

    server = _serve(folder, clamd_url)
    try:
        assert not list(tmp.iterdir()), "start-up swept it"
        status, case = server.call("GET", f"/api/v1/applications/{app_id}", token=token)
        assert status == 200 and case["materials"] == []
        status, stored = server.call(
            "PUT",
            f"/api/v1/applications/{app_id}/materials/floor_plan",
            data,
            token,
            {"Content-Type": "application/pdf", "X-Filename": quote("平面图.pdf")},
        )
        assert status == 201 and stored["sha256"] == hashlib.sha256(data).hexdigest()
    finally:
        stop(server)


def test_a_kill_during_a_resumable_chunk_resumes_from_the_last_byte_the_server_kept(folder: Path, clamd_url: str):
    server = _serve(folder, clamd_url)
    token = _token(server, "applicant")
    app_id = _draft(server, token)
    data = _big_pdf()
    status, upload = server.call(
        "POST",
        f"/api/v1/applications/{app_id}/uploads",
        {"slot": "floor_plan", "filename": "平面图.pdf", "size": len(data)},
        token,
    )
    assert status == 201
    path = f"/api/v1/uploads/{upload['upload_id']}"
    status, first = server.call(
        "PATCH", path, data[:MIB], token, {"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    )
    assert status == 200 and first["offset"] == MIB
    spool = folder / "var" / "uploads" / f"{upload['upload_id']}.part"
    sock = _half_sent(
        server,
        f"PATCH {path} HTTP/1.1\nHost: x\nAuthorization: Bearer {token}\n"
        f"Upload-Offset: {MIB}\nContent-Type: application/offset+octet-stream\n"
        f"Content-Length: {len(data) - MIB}\n\n",
        data[MIB : 2 * MIB],
    )
    _wait_for(lambda: spool.stat().st_size > MIB, "the chunk to reach the spool file")
    kill(server)
    sock.close()

    server = _serve(folder, clamd_url)
    try:
        status, state = server.call("GET", path, token=token)
        assert status == 200 and state["offset"] == MIB and not state["complete"]
        status, done = server.call(
            "PATCH",
            path,
            data[MIB:],
            token,
            {"Upload-Offset": str(MIB), "Content-Type": "application/offset+octet-stream"},
        )
        assert status == 201 and done["complete"] and done["sha256"] == hashlib.sha256(data).hexdigest()
        status, case = server.call("GET", f"/api/v1/applications/{app_id}", token=token)
        assert [m["file_id"] for m in case["materials"]] == [done["file_id"]]
    finally:
        stop(server)


def _decided_case(server: Server) -> tuple[str, str]:
    applicant, clerk, officer = (_token(server, u) for u in ("applicant", "clerk", "officer-wlj"))
    app_id = _draft(server, applicant)
    files = {
        "applicant_id": (jpeg_bytes(), "image/jpeg"),
        "business_licence": (pdf_bytes("营业执照"), "application/pdf"),
        "property_proof": (pdf_bytes("房产证"), "application/pdf"),
        "fire_safety": (pdf_bytes("消防"), "application/pdf"),
        "health_certs": (jpeg_bytes(), "image/jpeg"),
        "floor_plan": (pdf_bytes("平面图"), "application/pdf"),
    }
    for slot, (data, media_type) in files.items():
        assert (
            server.call(
                "PUT",
                f"/api/v1/applications/{app_id}/materials/{slot}",
                data,
                applicant,
                {"Content-Type": media_type, "X-Filename": quote(slot)},
            )[0]
            == 201
        )
    for call, token, body in (
        ("submit", applicant, {}),
        ("review", clerk, {"decision": "accept"}),
        ("route", clerk, {"departments": ["wlj"]}),
    ):
        assert server.call("POST", f"/api/v1/applications/{app_id}/{call}", body, token)[0] == 200
    assert (
        server.call(
            "PUT",
            f"/api/v1/applications/{app_id}/results/{quote('民宿登记证')}",
            pdf_bytes("民宿登记证"),
            officer,
            {"Content-Type": "application/pdf"},
        )[0]
        == 201
    )
    assert server.call("POST", f"/api/v1/applications/{app_id}/decision", {"outcome": "approved"}, officer)[0] == 200
    return app_id, officer


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The server's working folder; its data lives in folder/var."""
    return tmp_path


def _cli(folder: Path, clamd_url: str, *args: str, shift: str = "") -> subprocess.CompletedProcess:
    """`onewindow ...` on the server's data folder; ``shift`` moves its clock with libfaketime (e.g. "+2h")."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(folder),
        "PYTHONPATH": ":".join(sys.path),
        "ONEWINDOW_DATA_DIR": str(folder / "var"),
        "ONEWINDOW_CLAMD_URL": clamd_url,
    }
    command = [sys.executable, "-m", "server.cli", *args]
    if shift:
        command = ["faketime", "-f", shift, *command]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def _idle(server: Server) -> None:
    _wait_for(lambda: server.call("GET", "/healthz")[1]["checks"]["jobs"]["pending"] == 0, "the jobs to finish")


def test_a_kill_while_sealing_leaves_one_dossier_per_archival_code(folder: Path, clamd_url: str):
    server = _serve(folder, clamd_url, ONEWINDOW_FAILPOINTS="seal.before_commit")
    app_id, officer = _decided_case(server)
    with pytest.raises(OSError):  # the worker dies inside the request
        server.call("POST", f"/api/v1/applications/{app_id}/complete", {}, officer)
    kill(server)  # and the master, which would start a new worker
    dossiers = folder / "var" / "objects" / "dossiers"
    [ghost] = [p.name for p in dossiers.iterdir()]
    assert (dossiers / ghost / "bag" / "bagit.txt").exists() and not (dossiers / ghost / "committed.json").exists()

    server = _serve(folder, clamd_url)
    try:
        officer = _token(server, "officer-wlj")
        status, case = server.call("GET", f"/api/v1/applications/{app_id}", token=officer)
        assert status == 200 and case["status"] == "approved", "the completion was rolled back whole"
        status, done = server.call("POST", f"/api/v1/applications/{app_id}/complete", {}, officer)
        assert status == 200 and done["status"] == "archived"
        dossier_id = done["dossier_id"]
        _idle(server)
    finally:
        stop(server)
    assert (dossiers / dossier_id / "committed.json").exists()

    first = _cli(folder, clamd_url, "archive", "verify", shift="+2h")
    assert first.returncode == 1, first.stdout + first.stderr
    assert f"FAIL orphan package {ghost}" in first.stdout and "quarantined" in first.stdout
    assert "1 of 1 dossier(s) hold" in first.stdout
    assert json.loads((dossiers / ghost / "quarantine.json").read_text())["dossier_id"] == ghost
    again = _cli(folder, clamd_url, "archive", "verify", shift="+2h")
    assert again.returncode == 0 and f"NOTE orphan package {ghost}" in again.stdout, again.stdout + again.stderr
    rebuilt = _cli(folder, clamd_url, "index", "rebuild")
    assert rebuilt.returncode == 0 and "indexed 1 dossier(s)" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
