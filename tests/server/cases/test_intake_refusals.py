"""Intake refuses what cannot be opened, and what the virus scanner flags, before it replaces anything."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from case_support import Api, pdf_bytes, routed_case
from PIL import Image
from pypdf import PdfWriter
from scan_samples import EICAR, MALWARE_MARKER, make_pdf

GOOD = pdf_bytes("民宿平面布局图 一层客房四间")


def _encrypted() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(GOOD))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf(*objects: bytes) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((400, 300), 50).convert("RGB").save(out, "PNG")
    return out.getvalue()


HOSTILE = {
    "truncated_pdf": (GOOD[: len(GOOD) * 2 // 3], "floor_plan", "损坏"),
    "garbage_pdf": (b"%PDF-1.4\n" + bytes(range(256)) * 200, "floor_plan", "损坏"),
    "looping_page_tree": (
        _pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
        "floor_plan",
        "损坏",
    ),
    "encrypted_pdf": (_encrypted(), "floor_plan", "PDF 设有密码"),
    "header_only_png": (_png()[:64], "applicant_id", "损坏"),
    "truncated_jpeg": (None, "applicant_id", "损坏"),
}


@pytest.fixture
def draft(api, minsu_files) -> tuple[str, dict[str, str]]:
    """A draft with a good floor plan and ID photo already in their slots."""
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    kept = {}
    for slot in ("floor_plan", "applicant_id"):
        kept[slot] = api.upload(app_id, slot, "applicant", *minsu_files[slot])["file_id"]
    return app_id, kept


def _objects(runtime, app_id: str) -> list[str]:
    return [info.key for info in runtime.store.list(f"applications/{app_id}/")]


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_file_that_does_not_open_is_refused_and_the_slot_keeps_its_file(api, runtime, draft, minsu_files, kind):
    app_id, kept = draft
    data, slot, says = HOSTILE[kind]
    if data is None:
        photo = minsu_files["applicant_id"][0]
        data = photo[: len(photo) // 2]
    before = _objects(runtime, app_id)
    for raw in (False, True):
        refused = api.upload(
            app_id, slot, "applicant", data, "x.pdf" if slot == "floor_plan" else "x.jpg", expect=422, raw=raw
        )["error"]
        assert refused["code"] == "unusable_file" and says in refused["message"], refused
        assert refused["message"].count("(") == 1, "Chinese, then English in parentheses"
    detail = api.json("GET", f"/applications/{app_id}", "applicant")
    assert {m["slot"]: m["file_id"] for m in detail["materials"]} == kept
    assert _objects(runtime, app_id) == before, "nothing of the refused file is left in the store"


def test_a_refused_resumable_upload_ends_and_keeps_the_slot(api, runtime, draft):
    app_id, kept = draft
    data = HOSTILE["truncated_pdf"][0]
    started = api.json(
        "POST",
        f"/applications/{app_id}/uploads",
        "applicant",
        201,
        json={"slot": "floor_plan", "filename": "平面图.pdf", "size": len(data)},
    )
    upload = f"/uploads/{started['upload_id']}"
    api.json("PATCH", upload, "applicant", 200, data=data[:100], headers={"Upload-Offset": "0"})
    refused = api.json("PATCH", upload, "applicant", 422, data=data[100:], headers={"Upload-Offset": "100"})
    assert refused["error"]["code"] == "unusable_file"
    api.call("GET", upload, "applicant", 404)
    assert not list((runtime.settings.data_dir / "uploads").glob("*.part"))
    detail = api.json("GET", f"/applications/{app_id}", "applicant")
    assert {m["slot"]: m["file_id"] for m in detail["materials"]} == kept


def test_a_password_protected_result_is_refused_too(api, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj"])
    refused = api.json(
        "PUT",
        f"/applications/{app_id}/results/licence",
        "officer-wlj",
        422,
        data=_encrypted(),
        headers={"Content-Type": "application/pdf"},
    )
    assert "PDF 设有密码" in refused["error"]["message"]
    assert api.json("GET", f"/applications/{app_id}", "clerk")["results"] == []


# --- malware, with the real ClamAV daemon --------------------------------------


@pytest.fixture
def scanned_settings(embedded_settings, clamd_url):
    return replace(embedded_settings, clamd_url=clamd_url)


@pytest.fixture
def scanned_api(scanned_settings, demo_for):
    return demo_for(scanned_settings)


@pytest.fixture
def demo_for(tmp_path):
    """An API client on an app built from the given settings, with the demo data."""
    made = []

    def build(settings) -> Api:
        from server.app import create_app
        from server.services.demo import load_demo

        app = create_app(settings, migrate=True, start_jobs=False)
        runtime = app.extensions["onewindow"]
        with runtime.db.session() as session:
            load_demo(session, settings.demo_password)
        made.append(runtime)
        api = Api(app.test_client(), settings.demo_password)
        api.runtime = runtime
        return api

    yield build
    for runtime in made:
        runtime.close()


@pytest.mark.parametrize(
    "infected, signature",
    [
        (make_pdf("合格证 " + MALWARE_MARKER.decode()), "OneWindow.Test.Marker"),
        (b"%PDF-1.4\n" + EICAR, "Eicar-Test-Signature"),
    ],
)
def test_an_infected_upload_gets_422_and_is_not_stored(scanned_api, infected, signature):
    api = scanned_api
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    good = api.upload(app_id, "floor_plan", "applicant", make_pdf("民宿平面布局图"), "平面图.pdf")
    refused = api.upload(app_id, "floor_plan", "applicant", infected, "平面图.pdf", expect=422)["error"]
    if signature.startswith("Eicar"):  # EICAR alone is no PDF: it may also be refused as damaged first
        assert refused["code"] in ("infected", "unusable_file")
    else:
        assert refused["code"] == "infected" and refused["details"]["signature"].startswith(signature)
    detail = api.json("GET", f"/applications/{app_id}", "applicant")
    assert [m["file_id"] for m in detail["materials"]] == [good["file_id"]]
    assert [i.key for i in api.runtime.store.list(f"applications/{app_id}/")] == [
        f"applications/{app_id}/materials/{good['file_id']}"
    ]


def test_uploads_wait_for_a_scanner_that_is_down(embedded_settings, demo_for):
    api = demo_for(replace(embedded_settings, clamd_url="tcp://127.0.0.1:9"))
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    refused = api.upload(app_id, "floor_plan", "applicant", make_pdf("平面图"), "平面图.pdf", expect=503)
    assert "病毒扫描服务暂不可用" in refused["error"]["message"]
    assert list(api.runtime.store.list(f"applications/{app_id}/")) == []
