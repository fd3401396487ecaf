"""The public guide of a changed or retired service: cases see the version they were opened under."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from server.models import User
from server.services.admin import catalogue
from server.services.admin.specs import SlotSpec
from server.services.catalogue import get_service


def test_old_versions_stay_readable_and_a_retired_service_says_so(client, runtime, demo):
    with runtime.db.session() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        spec = catalogue.service_spec_of(get_service(session, "minsu"))
        catalogue.publish_service(
            session,
            admin,
            replace(spec, materials=(*spec.materials, SlotSpec("rules", "民宿管理制度", "security_rules"))),
        )
    current = client.get("/services/minsu").get_data(as_text=True)
    assert "民宿管理制度" in current and "在线申请" in current
    first = client.get("/services/minsu?version=1").get_data(as_text=True)
    assert "这是第 1 版办事指南" in first and "民宿管理制度" not in first and "在线申请" not in first
    assert client.get("/services/minsu?version=9").status_code == 404

    with runtime.db.session() as session:
        catalogue.publish_service(
            session, admin, replace(catalogue.service_spec_of(get_service(session, "minsu")), status="retired")
        )
    retired = client.get("/services/minsu").get_data(as_text=True)
    assert "本事项已停止受理" in retired and "在线申请" not in retired
    assert "开办民宿" not in client.get("/").get_data(as_text=True)
