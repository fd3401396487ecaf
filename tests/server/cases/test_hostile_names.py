"""Any file name an applicant's device or an attacker sends is safe all the way to the archive."""

from __future__ import annotations

import json
import zipfile
from urllib.parse import quote

import bagit
from case_support import pdf_bytes
from click.testing import CliRunner

from server.cli import main
from server.jobs import Worker
from server.models import Dossier

LONG = ("浙江省杭州市临安区青山村民宿开办申请材料房屋产权证明及租赁合同扫描件第一页至第十二页" * 3)[:120]
NAMES = {
    "applicant_id": LONG + ".jpg",
    "business_licence": "营业执照\x7f副本.pdf",
    "property_proof": "\u202efdp.exe房产证.pdf",
    "fire_safety": "../../../etc/消防.pdf",
    "health_certs": "健康证\ud800.jpg",
    "floor_plan": 'C:\\fakepath\\平面图<1>:"v2"?.pdf',
}
RAW = {"applicant_id", "property_proof", "floor_plan", "health_certs"}  # the others go as multipart


def _upload(api, app_id, slot, data, name, raw):
    if raw:  # X-Filename carries percent-encoded UTF-8; a lone surrogate arrives as its escaped bytes
        header = quote(name.encode("utf-8", "surrogatepass"))
        return api.json(
            "PUT",
            f"/applications/{app_id}/materials/{slot}",
            "applicant",
            201,
            data=data,
            headers={"Content-Type": "application/octet-stream", "X-Filename": header},
        )
    return api.upload(app_id, slot, "applicant", data, name)


def test_hostile_file_names_complete_seal_verify_and_export(api, runtime, minsu_files, tmp_path):
    assert len(LONG) == 120
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    for slot, name in NAMES.items():
        _upload(api, app_id, slot, minsu_files[slot][0], name, raw=slot in RAW)
    shown = {m["slot"]: m["name"] for m in api.json("GET", f"/applications/{app_id}", "applicant")["materials"]}
    assert shown["business_licence"] == "营业执照副本.pdf"
    assert shown["property_proof"] == "fdp.exe房产证.pdf"
    assert shown["fire_safety"] == "消防.pdf"
    assert shown["floor_plan"] == '平面图<1>:"v2"?.pdf'
    assert shown["applicant_id"].endswith(".jpg") and len(shown["applicant_id"].encode()) <= 255
    for name in shown.values():
        assert "\x7f" not in name and "\u202e" not in name and "/" not in name and "\ud800" not in name

    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    api.json("POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept"})
    api.json("POST", f"/applications/{app_id}/route", "clerk", json={"departments": ["wlj"]})
    api.json(
        "PUT",
        f"/applications/{app_id}/results/{quote(LONG[:60])}",
        "officer-wlj",
        201,
        data=pdf_bytes("登记证"),
        headers={"Content-Type": "application/pdf", "X-Filename": quote(LONG + "\u202e.pdf")},
    )
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved"})
    done = api.json("POST", f"/applications/{app_id}/complete", "officer-wlj")
    assert done["status"] == "archived"
    Worker(runtime.db, runtime).run_until_idle()

    env = {"ONEWINDOW_DATA_DIR": str(runtime.settings.data_dir), **_backend_env(runtime.settings)}
    verified = CliRunner().invoke(main, ["archive", "verify", done["dossier_id"]], env=env)
    assert verified.exit_code == (0 if runtime.scanner else 3), verified.output  # 3: no virus scan, nothing failed
    out = tmp_path / "bag.zip"
    exported = CliRunner().invoke(main, ["archive", "export", done["dossier_id"], str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "x")
    [bag_dir] = list((tmp_path / "x").iterdir())
    bagit.Bag(str(bag_dir)).validate()
    meta = json.loads((bag_dir / "metadata" / "dossier.json").read_text(encoding="utf-8"))
    assert set(shown.values()) <= {f["name"] for f in meta["files"]}
    events = json.loads((bag_dir / "metadata" / "events.json").read_text(encoding="utf-8"))
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1)), "every event exactly once, in order"
    with runtime.db.session() as session:
        assert session.get(Dossier, done["dossier_id"]).check_status == ("passed" if runtime.scanner else "incomplete")


def _backend_env(settings) -> dict[str, str]:
    return {
        "ONEWINDOW_DATABASE_URL": settings.database_url,
        "ONEWINDOW_STORAGE_URL": settings.storage_url,
        "ONEWINDOW_INDEX_URL": settings.index_url,
        "ONEWINDOW_CLAMD_URL": settings.clamd_url,
    }
