"""The administration API checks what it is given, field by field, and refuses conflicts."""

from __future__ import annotations

from admin_samples import GUIDE


def test_admin_input_is_checked_field_by_field(api):
    bad = api.json("POST", "/admin/services", "admin", 400, json={"code": "x", **GUIDE, "department": "nope"})
    assert "department" in bad["error"]["details"]["fields"]
    typed = api.json("POST", "/admin/services", "admin", 400, json={"code": "x", **GUIDE, "time_limit_days": "10"})
    assert "time_limit_days" in typed["error"]["details"]["fields"]
    api.json("POST", "/admin/departments", "admin", 409, json={"code": "wlj", "name": "重复"})
    api.json("PUT", "/admin/departments/none", "admin", 404, json={"name": "没有"})
    weak = api.json(
        "POST",
        "/admin/users",
        "admin",
        400,
        json={"username": "clerk2", "display_name": "窗口二", "role": "clerk", "password": "password123"},
    )
    assert "password" in weak["error"]["details"]["fields"]
    api.json("PATCH", "/admin/users/admin", "admin", 409, json={"active": False})
