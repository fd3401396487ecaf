"""档号 (DA/T 22) of completed cases: a scheme without the organisation code numbers every department in one
run, so two departments' cases of the same retention get distinct codes without gaps."""

from __future__ import annotations

import pytest
from case_support import pdf_bytes, routed_case
from sqlalchemy import select

from server.models import Dossier, utcnow
from server.services.archive.numbering import numbering_gaps
from server.timeutil import local_year

SCHEME_WITHOUT_ORG = "{fonds}-WS·{year}-{retention}-{number:04d}"


@pytest.fixture
def settings(settings):
    return settings.with_overrides(archival_code_scheme=SCHEME_WITHOUT_ORG)


def _complete(api, app_id: str, officer: str) -> dict:
    api.json(
        "PUT",
        f"/applications/{app_id}/results/许可证",
        officer,
        201,
        data=pdf_bytes("许可证"),
        headers={"Content-Type": "application/pdf"},
    )
    api.json("POST", f"/applications/{app_id}/decision", officer, json={"outcome": "approved"})
    return api.json("POST", f"/applications/{app_id}/complete", "clerk", 200)


def _special_trade_files():
    return {
        "application_form": (pdf_bytes("申请登记表"), "申请登记表.pdf"),
        "operator_id": (pdf_bytes("身份证"), "身份证.pdf"),
        "business_licence": (pdf_bytes("营业执照"), "营业执照.pdf"),
        "fire_safety": (pdf_bytes("消防安全检查合格证"), "消防.pdf"),
        "security_rules": (pdf_bytes("治安保卫制度"), "制度.pdf"),
    }


def test_two_departments_of_one_retention_get_distinct_gapless_codes(api, runtime, minsu_files):
    """Used to fail the second department's case with a 500: numbers were counted per department while the
    scheme made the same code of both."""
    first = _complete(api, routed_case(api, minsu_files, ["wlj"]), "officer-wlj")
    second = _complete(api, routed_case(api, _special_trade_files(), ["gaj"], service="special-trade"), "officer-gaj")
    third = _complete(api, routed_case(api, minsu_files, ["wlj"]), "officer-wlj")
    year = local_year(utcnow())
    with runtime.db.session() as session:
        dossiers = [session.get(Dossier, done["dossier_id"]) for done in (first, second, third)]
        assert [d.archival_code for d in dossiers] == [f"0001-WS·{year}-D30-{n:04d}" for n in (1, 2, 3)]
        assert {d.department_code for d in dossiers} == {"wlj", "gaj"}
        assert len({d.code_group for d in dossiers}) == 1
        assert numbering_gaps(session, dossiers[1]) == []
        assert [d.org_code for d in dossiers] == ["WLJ", "GAJ", "WLJ"], "the organisation stays in the metadata"
        assert session.scalar(select(Dossier.id).where(Dossier.archival_code.like("%-0004"))) is None
