"""The admin services: catalogue changes as versions, accounts, and the audit log of both."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from server.errors import Conflict, InvalidInput
from server.models import ApiToken, AuditEntry, ServiceItem, User
from server.services import auth
from server.services.admin import audit, catalogue, users
from server.services.admin.specs import DepartmentSpec, MaterialTypeSpec, ServiceSpec, SlotSpec
from server.services.cases import applying
from server.services.catalogue import get_service, list_services

MB = 1024 * 1024
SERVICE = ServiceSpec(
    code="fishing",
    name="渔业捕捞许可",
    department="nyj",
    time_limit_days=10,
    statutory_days=20,
    legal_basis="《中华人民共和国渔业法》第二十三条",
    materials=(
        SlotSpec("id", "申请人身份证", "id_card", formats=("jpg", "pdf"), max_bytes=5 * MB),
        SlotSpec("boat", "渔船检验证书", "boat_cert", formats=("pdf",)),
    ),
)


@pytest.fixture
def admin(runtime, demo):
    with runtime.db.session() as session:
        return session.scalar(select(User).where(User.username == "admin"))


def _setup(session, admin) -> ServiceItem:
    catalogue.save_department(
        session, admin, DepartmentSpec("nyj", "农业农村局", "Agriculture Bureau", "NYJ"), create=True
    )
    catalogue.save_material_type(
        session, admin, MaterialTypeSpec("boat_cert", "渔船检验证书", shared=True, valid_days=365), create=True
    )
    return catalogue.publish_service(session, admin, SERVICE, create=True)


def test_an_edit_publishes_a_version_and_cases_keep_theirs(runtime, admin):
    with runtime.db.session() as session:
        first = _setup(session, admin)
        applicant = session.scalar(select(User).where(User.username == "applicant"))
        old_draft = applying.create_draft(session, applicant, "fishing", None, None)
        assert catalogue.publish_service(session, admin, SERVICE) is first, "the same guide publishes nothing"
        changed = replace(
            SERVICE, time_limit_days=7, materials=(*SERVICE.materials, SlotSpec("plan", "作业计划", "application_form"))
        )
        second = catalogue.publish_service(session, admin, changed, create=False)
        assert (first.version, first.status, second.version, second.status) == (1, "superseded", 2, "published")
        new_draft = applying.create_draft(session, applicant, "fishing", None, None)
        assert [s.slot for s in old_draft.service.materials] == ["id", "boat"]
        assert [s.slot for s in new_draft.service.materials] == ["id", "boat", "plan"]
        assert old_draft.service.time_limit_days == 10 and new_draft.service.time_limit_days == 7
        assert get_service(session, "fishing") is second

        catalogue.publish_service(session, admin, replace(changed, status="retired"))
        assert second.status == "retired" and get_service(session, "fishing") is second, "its guide stays readable"
        assert "fishing" not in [s.code for s in list_services(session)]
        with pytest.raises(InvalidInput):
            applying.create_draft(session, applicant, "fishing", None, None)
        catalogue.publish_service(session, admin, changed)
        assert second.status == "published"
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.at))]
        assert actions == [
            "department.create",
            "material_type.create",
            "service.publish",
            "service.publish",
            "service.retire",
            "service.reinstate",
        ]


def test_a_bad_guide_names_every_problem(runtime, admin):
    with runtime.db.session() as session:
        _setup(session, admin)
        bad = replace(
            SERVICE,
            code="bad",
            department="nope",
            statutory_days=3,
            retention="5y",
            cooperating_departments=("wlj", "ghost"),
            materials=(
                SlotSpec("x", "X", "no_type", formats=("exe",), max_bytes=0, material_class="odd"),
                SlotSpec("x", "X again", "id_card", required=False, key=True),
            ),
        )
        with pytest.raises(InvalidInput) as refused:
            catalogue.publish_service(session, admin, bad, create=True)
        assert set(refused.value.details["fields"]) == {
            "department",
            "cooperating_departments",
            "statutory_days",
            "retention",
            "materials.0.material_type",
            "materials.0.formats",
            "materials.0.max_bytes",
            "materials.0.material_class",
            "materials.1.slot",
            "materials.1.key",
        }
        with pytest.raises(Conflict):
            catalogue.publish_service(session, admin, SERVICE, create=True)


def test_accounts_deactivation_and_password_reset_end_every_sign_in(runtime, admin):
    with runtime.db.session() as session:
        _setup(session, admin)
        officer = users.create_user(
            session,
            admin,
            "Officer-NYJ",
            {
                "display_name": "农业农村局审批员",
                "role": "officer",
                "department": "nyj",
                "password": "Qingshan-Fish-2026",
            },
        )
        assert officer.username == "officer-nyj" and officer.department.code == "nyj"
        auth.authenticate(session, "officer-nyj", "Qingshan-Fish-2026")
        token = auth.issue_token(session, officer)
        session.flush()
        users.update_user(session, admin, "officer-nyj", {"active": False})
        assert auth.user_for_token(session, token) is None
        assert session.scalar(select(ApiToken).where(ApiToken.user_id == officer.id)) is None
        users.update_user(session, admin, "officer-nyj", {"active": True})
        users.update_user(session, admin, "officer-nyj", {"password": "Another-Good-Pass-9"})
        with pytest.raises(InvalidInput) as weak:
            users.update_user(session, admin, "officer-nyj", {"password": "password123"})
        assert "password" in weak.value.details["fields"]
        with pytest.raises(InvalidInput) as no_dept:
            users.create_user(
                session, admin, "officer-x", {"display_name": "X", "role": "officer", "password": "Qingshan-Fish-2026"}
            )
        assert "department" in no_dept.value.details["fields"]
        with pytest.raises(Conflict):
            users.update_user(session, admin, "admin", {"active": False})
        total, rows = audit.entries(session, page=1, per_page=50, target="user:officer-nyj")
        assert [r.action for r in reversed(rows)] == [
            "user.create",
            "user.deactivate",
            "user.reactivate",
            "user.reset_password",
        ]
        assert all("password" not in (r.after or {}) and "password_hash" not in (r.after or {}) for r in rows)
