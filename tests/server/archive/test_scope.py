"""The archiving scope check: what a case's dossier must hold, and what the case's own record excuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Dossier, DossierFile, ServiceItem, utcnow
from server.services.archive.scope import scope_problems


def _dossier(session, types: list[str], **facts) -> Dossier:
    """A dossier of the demo's 开办民宿 as the scope check sees it (never written: the check reads no bytes)."""
    service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
    dossier = Dossier(
        service_code=service.code,
        service_version=service.version,
        source="intake",
        application_id="a" * 32,
        outcome=facts.pop("outcome", ""),
        accepted_at=facts.pop("accepted_at", None),
        deferred_slots=facts.pop("deferred_slots", []),
        case_status=facts.pop("case_status", "archived"),
    )
    for seq, kind in enumerate(types, start=1):
        material_class = "result" if kind == "result" else "basis"
        dossier.files.append(DossierFile(seq=seq, material_type=kind, material_class=material_class))
    assert not facts
    return dossier


@pytest.fixture
def material_types(runtime, demo) -> list[str]:
    with runtime.db.session() as session:
        service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
        return [slot.material_type.code for slot in service.materials if slot.required]


def test_an_approved_case_with_everything_is_within_scope(runtime, material_types):
    filed = [*material_types, "application_form", "notice_acceptance", "department_opinion", "result"]
    with runtime.db.session() as session:
        dossier = _dossier(session, filed, outcome="approved", accepted_at=utcnow())
        assert scope_problems(session, dossier) == []
        session.expunge_all()


def test_each_missing_document_is_named(runtime, material_types):
    with runtime.db.session() as session:
        dossier = _dossier(session, material_types[1:], outcome="approved", accepted_at=utcnow())
        problems = scope_problems(session, dossier)
        session.expunge_all()
    text = "\n".join(problems)
    assert "缺少申请材料" in text and "applicant_id" in text
    for missing in ("application_form", "notice_acceptance", "department_opinion"):
        assert missing in text
    assert "准予许可但无结果文件" in text


def test_a_terminated_case_is_excused_the_material_it_deferred_but_not_its_undertaking(runtime, material_types):
    deferred = [t for t in material_types if t != "health_cert"]
    with runtime.db.session() as session:
        service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
        slot = next(s.slot for s in service.materials if s.material_type.code == "health_cert")
        filed = [*deferred, "application_form", "notice_acceptance", "notice_termination"]
        ended = _dossier(session, filed, outcome="terminated", accepted_at=utcnow(), deferred_slots=[slot])
        assert scope_problems(session, ended) == ["缺少容缺受理承诺书 (missing gap_undertaking)"]
        decided = _dossier(
            session, [*filed, "gap_undertaking"], outcome="", accepted_at=utcnow(), deferred_slots=[slot]
        )
        decided.outcome = "approved"
        assert any(slot in p for p in scope_problems(session, decided)), "a decided case needed it"
        session.expunge_all()


def test_imported_records_are_not_checked_against_a_materials_list(runtime, demo):
    with runtime.db.session() as session:
        imported = _dossier(session, ["legacy_record"])
        imported.source = "import"
        assert scope_problems(session, imported) is None
        session.expunge_all()
