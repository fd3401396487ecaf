"""A service item carries the DA/T 46 elements its dossiers are sealed with: the national 事项编码 and 事项类型,
密级 with its 保密期限, and 开放状态, each with a default, checked and published as a new version."""

from __future__ import annotations

import pytest
from admin_samples import GUIDE


@pytest.fixture(autouse=True)
def catalogue(api):
    """The department and material type the sample guide names."""
    api.json("POST", "/admin/departments", "admin", 201, json={"code": "nyj", "name": "农业农村局", "org_code": "NYJ"})
    api.json("POST", "/admin/material-types", "admin", 201, json={"code": "boat_cert", "name": "渔船检验证书"})


def test_a_service_records_its_archival_elements_with_defaults(api):
    created = api.json("POST", "/admin/services", "admin", 201, json={"code": "da46", **GUIDE})
    assert (created["item_type"], created["secrecy"], created["openness"]) == ("licensing", "public", "controlled")
    assert created["item_code"] == "" and created["secrecy_years"] is None
    changed = {**GUIDE, "item_code": "330100-000-XK-0001", "item_type": "public_service", "openness": "open"}
    updated = api.json("PUT", "/admin/services/da46", "admin", json=changed)
    assert updated["version"] == created["version"] + 1
    assert (updated["item_code"], updated["item_type"], updated["openness"]) == (
        "330100-000-XK-0001",
        "public_service",
        "open",
    )


def test_a_classified_service_needs_its_secrecy_period_and_known_codes(api):
    unbounded = api.json("POST", "/admin/services", "admin", 400, json={"code": "s1", **GUIDE, "secrecy": "secret"})
    assert "secrecy_years" in unbounded["error"]["details"]["fields"]
    api.json("POST", "/admin/services", "admin", 400, json={"code": "s2", **GUIDE, "openness": "half"})
    kept = api.json(
        "POST", "/admin/services", "admin", 201, json={"code": "s3", **GUIDE, "secrecy": "secret", "secrecy_years": 10}
    )
    assert (kept["secrecy"], kept["secrecy_years"]) == ("secret", 10)


def test_a_spreadsheet_import_keeps_the_elements_it_has_no_columns_for(api, runtime):
    """The catalogue sheets do not carry them: importing the exported catalogue changes nothing."""
    import io

    from server.services.admin.audit import CommandLine
    from server.services.admin.spreadsheet import export_catalogue, import_catalogue

    changed = {**GUIDE, "item_code": "330100-000-XK-0001", "secrecy": "internal", "secrecy_years": 5}
    api.json("POST", "/admin/services", "admin", 201, json={"code": "da46", **changed})
    data = io.BytesIO()
    with runtime.db.session() as session:
        export_catalogue(session, data)
    data.seek(0)
    with runtime.db.session() as session:
        report = import_catalogue(session, CommandLine("test"), data, dry_run=False)
    assert report.changes == []
    [kept] = api.json("GET", "/admin/services/da46", "admin")["versions"]
    assert (kept["item_code"], kept["secrecy"], kept["secrecy_years"]) == ("330100-000-XK-0001", "internal", 5)
