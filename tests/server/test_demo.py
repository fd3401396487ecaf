"""The demo catalogue: what `onewindow demo` loads, and that loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from server.models import Department, MaterialSlot, ServiceItem, User
from server.services.auth import authenticate
from server.services.demo import load_demo


def _counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(m)) for m in (Department, ServiceItem, MaterialSlot, User)
    )


def test_demo_has_one_user_per_role_and_officer_per_department(runtime, demo):
    usernames = {login.username for login in demo}
    assert {"applicant", "applicant2", "clerk", "supervisor", "archivist", "admin"} <= usernames
    with runtime.db.session() as session:
        codes = [d.code for d in session.scalars(select(Department))]
        assert {f"officer-{code}" for code in codes} <= usernames
        officer = session.scalar(select(User).where(User.username == "officer-xfjy"))
        assert officer.role == "officer" and officer.department.name == "消防救援大队"
        assert authenticate(session, "archivist", "demo-pass").role == "archivist"


def test_demo_loads_twice_without_change(runtime, demo, settings):
    with runtime.db.session() as session:
        before = _counts(session)
        load_demo(session, settings.demo_password)
    with runtime.db.session() as session:
        assert _counts(session) == before


def test_demo_services_have_realistic_guides(runtime, demo):
    with runtime.db.session() as session:
        minsu = session.scalar(select(ServiceItem).where(ServiceItem.name == "开办民宿"))
        assert minsu.department.name == "文旅局"
        assert set(minsu.cooperating) >= {"scjg", "gaj", "xfjy", "wjj"}
        assert minsu.legal_basis and minsu.time_limit_days > 0 and minsu.retention == "30y"
        types = {slot.material_type.code for slot in minsu.materials}
        assert {"id_card", "business_licence", "property_cert", "fire_safety_cert", "health_cert"} <= types
        gaps = [slot.name for slot in minsu.materials if slot.required and not slot.key]
        assert gaps, "some materials should be allowed to follow later (容缺)"
