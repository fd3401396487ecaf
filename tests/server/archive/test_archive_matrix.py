"""Who may find, list and read which archived file: role × department × material type × action, on both
index backends.

One dossier (开办民宿 of 王丽华, filed by 文旅局 and routed to 公安局) holds a shared ID card and a floor
plan that is not shared. 卫健局 has its own open case of her, 市场监管局 an approved access request,
消防救援大队 neither. Every cell is checked and all mismatches are reported together.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))

from case_support import Api, jpeg_bytes, pdf_bytes
from ledger_support import archived_case, hygiene_case

from server.jobs import Worker

LISTED, HIDDEN = "listed", "hidden"
OK, REFUSED, ABSENT, NO_SEARCH = 200, 403, 404, 403
USERS = (
    "applicant",
    "applicant2",
    "clerk",
    "supervisor",
    "admin",
    "archivist",
    "officer-wlj",
    "officer-gaj",
    "officer-wjj",
    "officer-scjg",
    "officer-xfjy",
)
# user: {material: (search, dossier list, read, read for 卫健局's case)}
WHOLE = (LISTED, LISTED, OK, OK)
NOTHING = (NO_SEARCH, ABSENT, ABSENT, ABSENT)
EXPECTED = {
    "applicant": {"shared": (NO_SEARCH, LISTED, OK, OK), "private": (NO_SEARCH, LISTED, OK, OK)},
    "applicant2": {"shared": NOTHING, "private": NOTHING},
    "clerk": {"shared": NOTHING, "private": NOTHING},
    "supervisor": {"shared": NOTHING, "private": NOTHING},
    "admin": {"shared": NOTHING, "private": NOTHING},
    "archivist": {"shared": WHOLE, "private": WHOLE},
    "officer-wlj": {"shared": WHOLE, "private": WHOLE},
    "officer-gaj": {"shared": WHOLE, "private": WHOLE},
    "officer-wjj": {"shared": (LISTED, LISTED, REFUSED, OK), "private": (HIDDEN, HIDDEN, ABSENT, ABSENT)},
    "officer-scjg": {"shared": (LISTED, LISTED, OK, REFUSED), "private": (HIDDEN, HIDDEN, ABSENT, ABSENT)},
    "officer-xfjy": {"shared": (LISTED, LISTED, REFUSED, REFUSED), "private": (HIDDEN, HIDDEN, ABSENT, ABSENT)},
}
TYPES = {"shared": "id_card", "private": "floor_plan"}


@pytest.fixture
def settings(embedded_settings, index_url):
    """The embedded defaults with each index backend in turn."""
    return replace(embedded_settings, index_url=index_url)


@pytest.fixture
def world(app, runtime, demo, settings):
    api = Api(app.test_client(), settings.demo_password)
    files = {
        "applicant_id": (jpeg_bytes(), "身份证.jpg"),
        "business_licence": (pdf_bytes("营业执照 青山村民宿有限公司"), "营业执照.pdf"),
        "property_proof": (pdf_bytes("不动产权证书 青山村十八号"), "房产证.pdf"),
        "fire_safety": (pdf_bytes("消防安全检查合格证"), "消防.pdf"),
        "health_certs": (jpeg_bytes(), "健康证.jpg"),
        "floor_plan": (pdf_bytes("民宿平面布局图 一层客房四间"), "平面图.pdf"),
    }
    _case, dossier_id = archived_case(api, files, ["wlj", "gaj"])
    Worker(runtime.db, runtime).run_until_idle()
    case_b = hygiene_case(api)
    asked = api.json("POST", f"/archives/{dossier_id}/access-requests", "officer-scjg", 201, json={"purpose": "核验"})
    api.json("POST", f"/me/access-requests/{asked['id']}/approve", "applicant")
    ids = {f["material_type"]: f["file_id"] for f in api.json("GET", f"/archives/{dossier_id}", "archivist")["files"]}
    return api, dossier_id, case_b, ids


def _search(api: Api, user: str, dossier_id: str, material_type: str, file_id: str):
    response = api.call("GET", f"/archives?material_type={material_type}", user)
    if response.status_code != 200:
        return response.status_code
    hits = [h for h in response.get_json()["hits"] if h["dossier_id"] == dossier_id]
    return LISTED if hits and file_id in {f["file_id"] for f in hits[0]["files"]} else HIDDEN


def _listed(api: Api, user: str, dossier_id: str, file_id: str):
    response = api.call("GET", f"/archives/{dossier_id}", user)
    if response.status_code != 200:
        return response.status_code
    return LISTED if file_id in {f["file_id"] for f in response.get_json()["files"]} else HIDDEN


def test_the_archive_authorisation_matrix(world):
    api, dossier_id, case_b, ids = world
    mismatches = []
    for user in USERS:
        for kind, material_type in TYPES.items():
            file_id = ids[material_type]
            url = f"/archives/{dossier_id}/files/{file_id}?purpose=矩阵核验"
            found = (
                _search(api, user, dossier_id, material_type, file_id),
                _listed(api, user, dossier_id, file_id),
                api.call("GET", url, user).status_code,
                api.call("GET", f"{url}&application_id={case_b}", user).status_code,
            )
            if found != EXPECTED[user][kind]:
                mismatches.append(f"{user} × {kind}: expected {EXPECTED[user][kind]}, got {found}")
    assert not mismatches, "\n".join(mismatches)
    # Facets of an out-of-scope officer count only what they may open.
    facets = api.json("GET", "/archives", "officer-xfjy")["facets"]["material_type"]
    assert "floor_plan" not in facets and "result" not in facets
    assert facets.get("id_card") == 1
    whole = api.json("GET", "/archives", "officer-wlj")["facets"]["material_type"]
    assert whole.get("floor_plan") == 1
