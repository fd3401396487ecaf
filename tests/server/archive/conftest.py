"""Fixtures for archive tests: sample documents and a helper that seals a dossier."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from archive_samples import make_chinese_pdf, make_jpeg, make_pdf
from sqlalchemy import select

from server.jobs import Worker
from server.models import DossierFile, ServiceItem, utcnow
from server.services.archive.seal import SealFile, SealRequest, seal_dossier


@pytest.fixture
def settings(embedded_settings, clamd_url):
    """The embedded defaults with the real virus scanner: a four-property check can only pass with one."""
    return replace(embedded_settings, clamd_url=clamd_url)


@pytest.fixture
def documents() -> dict[str, bytes]:
    return {
        "营业执照.pdf": make_pdf("licence 91330127MA2XXXXX1"),
        "身份证 正面.jpg": make_jpeg(),
        "平面图.pdf": make_pdf("floor plan"),
    }


@pytest.fixture
def seal(runtime, demo, documents):
    """Seals a dossier of the demo's 开办民宿 service and returns it (committed)."""

    def _seal(files: dict[str, bytes] | None = None, **overrides):
        files = files or documents
        with runtime.db.session() as session:
            service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
            specs = [
                SealFile(
                    name=name,
                    open=lambda data=data: io.BytesIO(data),
                    media_type="application/pdf" if name.endswith(".pdf") else "image/jpeg",
                    material_type="business_licence",
                    material_type_name="营业执照",
                    pages=1,
                )
                for name, data in files.items()
            ]
            now = utcnow()
            request = SealRequest(
                title="王丽华开办民宿",
                service=service,
                files=specs,
                opened_at=now - timedelta(days=3),
                closed_at=now,
                sealed_by="clerk",
                applicant_name="王丽华",
                applicant_id_number="330127198805123429",
                events=[
                    {"seq": 1, "action": "submit"},
                    {"seq": 2, "action": "accept"},
                    {"seq": 3, "action": "complete"},
                ],
            )
            for key, value in overrides.items():
                setattr(request, key, value)
            dossier = seal_dossier(session, runtime, request)
            session.flush()
            return dossier

    return _seal


@pytest.fixture
def objects_root(settings) -> Path:
    return settings.data_dir / "objects"


@pytest.fixture
def archive(seal, runtime):
    """A 开办民宿 dossier (文旅局, routed to 公安局) of applicant 王丽华 with a shared and a private file."""
    dossier = seal(
        files={
            "营业执照.pdf": make_chinese_pdf(
                ["营业执照", "名称：青山村民宿有限公司", "住所：临安区青山村十八号", "经营范围：住宿服务"]
            ),
            "平面图.pdf": make_chinese_pdf(
                ["民宿平面布局图", "青山村十八号 一层：客房四间、公共卫生间", "二层：客房四间、消防通道"]
            ),
        },
        departments=["gaj"],
    )
    with runtime.db.session() as session:
        for file in session.scalars(select(DossierFile).where(DossierFile.dossier_id == dossier.id)):
            file.shared = file.name == "营业执照.pdf"
            file.material_type = "business_licence" if file.shared else "floor_plan"
    Worker(runtime.db, runtime).run_until_idle()
    return dossier
