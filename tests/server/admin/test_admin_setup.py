"""A centre sets itself up over the API: department, material type, a service with two materials, an officer;
a citizen registers and applies; the guide changes under a draft; the officer leaves; the audit log saw it all."""

from __future__ import annotations

from admin_samples import BAD_ID, CITIZEN, GOOD_ID, GUIDE, PASSWORD, SLOTS
from case_support import jpeg_bytes, pdf_bytes


def _upload(api, app_id, slot, user="zhaoyu"):
    data, media = (jpeg_bytes(), "image/jpeg") if slot == "id" else (pdf_bytes(f"{slot} 青山湖"), "application/pdf")
    api.json(
        "PUT",
        f"/applications/{app_id}/materials/{slot}",
        user,
        201,
        data=data,
        headers={"Content-Type": media, "X-Filename": f"{slot}.pdf"},
    )


def _draft(api, *slots) -> str:
    app_id = api.json("POST", "/applications", "zhaoyu", 201, json={"service_code": "fishing"})["id"]
    for slot in slots:
        _upload(api, app_id, slot)
    return app_id


def test_a_centre_sets_itself_up_and_goes_live(api):
    api.json("POST", "/admin/departments", "admin", 201, json={"code": "nyj", "name": "农业农村局", "org_code": "NYJ"})
    api.json(
        "POST",
        "/admin/material-types",
        "admin",
        201,
        json={"code": "boat_cert", "name": "渔船检验证书", "shared": True, "valid_days": 365},
    )
    first = api.json("POST", "/admin/services", "admin", 201, json={"code": "fishing", **GUIDE})
    assert first["version"] == 1 and first["status"] == "published"
    assert api.json("GET", "/services/fishing", None)["materials"][1]["material_type"] == "boat_cert"
    api.json(
        "POST",
        "/admin/users",
        "admin",
        201,
        json={
            "username": "officer-nyj",
            "display_name": "农业农村局审批员",
            "role": "officer",
            "department": "nyj",
            "password": PASSWORD,
        },
    )
    api.call("POST", "/admin/departments", "clerk", 403, json={"code": "x", "name": "X"})

    refused = api.json("POST", "/auth/register", None, 400, json={**CITIZEN, "id_number": BAD_ID})
    assert "id_number" in refused["error"]["details"]["fields"]
    api.json("POST", "/auth/register", None, 201, json={**CITIZEN, "id_number": GOOD_ID})
    api.password = CITIZEN["password"]
    applied = _draft(api, "id", "boat")
    api.json("POST", f"/applications/{applied}/submit", "zhaoyu")
    before_edit = _draft(api, "id")

    second = api.json(
        "PUT",
        "/admin/services/fishing",
        "admin",
        json={
            **GUIDE,
            "materials": [
                *SLOTS,
                {"slot": "plan", "name": "捕捞作业计划", "material_type": "application_form", "formats": ["pdf"]},
            ],
        },
    )
    assert second["version"] == 2 and len(second["materials"]) == 3
    history = api.json("GET", "/admin/services/fishing", "admin")["versions"]
    assert [(v["version"], v["status"]) for v in history] == [(1, "superseded"), (2, "published")]
    _upload(api, before_edit, "boat")
    assert api.json("POST", f"/applications/{before_edit}/submit", "zhaoyu")["status"] == "submitted"
    after_edit = _draft(api, "id", "boat")
    missing = api.json("POST", f"/applications/{after_edit}/submit", "zhaoyu", 409)["error"]["details"]["missing"]
    assert [m["slot"] for m in missing] == ["plan"]

    api.password = "demo-pass"
    api.json("POST", f"/applications/{applied}/review", "clerk", json={"decision": "accept"})
    api.json("POST", f"/applications/{applied}/route", "clerk", json={"departments": ["nyj"]})
    api.password = PASSWORD
    api.json(
        "PUT",
        f"/applications/{applied}/results/捕捞许可证",
        "officer-nyj",
        201,
        data=pdf_bytes("捕捞许可证"),
        headers={"Content-Type": "application/pdf"},
    )
    decided = api.json("POST", f"/applications/{applied}/decision", "officer-nyj", json={"outcome": "approved"})
    assert decided["status"] == "approved"
    assert api.json("POST", f"/applications/{applied}/complete", "officer-nyj")["status"] == "archived"

    api.password = "demo-pass"
    api.json("PATCH", "/admin/users/officer-nyj", "admin", json={"active": False})
    api.call("GET", "/applications", "officer-nyj", 401)
    audit = api.json("GET", "/admin/audit?per_page=100", "admin")["items"]
    assert [(e["action"], e["target"]) for e in reversed(audit)] == [
        ("department.create", "department:nyj"),
        ("material_type.create", "material_type:boat_cert"),
        ("service.publish", "service:fishing"),
        ("user.create", "user:officer-nyj"),
        ("service.publish", "service:fishing"),
        ("user.deactivate", "user:officer-nyj"),
    ]
    assert all(e["actor"] == "admin" for e in audit)
    assert audit[1]["before"]["version"] == 1 and audit[1]["after"]["version"] == 2
