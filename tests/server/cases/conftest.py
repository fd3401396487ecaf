"""Fixtures for the intake workflow tests."""

from __future__ import annotations

import dataclasses

import pytest
import time_machine
from case_support import Api, jpeg_bytes, pdf_bytes
from time_support import MONDAY


@pytest.fixture(params=["embedded", "real-servers"])
def settings(request):
    """The workflow runs on the embedded defaults and on PostgreSQL + S3 + Elasticsearch.

    A test that moves the clock (``clock``) runs on PostgreSQL with the local store and the embedded
    index instead: S3 refuses requests signed more than 15 minutes off its own clock, and what the
    time limits depend on (dates, the calendar) lives in the database."""
    if request.param == "embedded":
        return request.getfixturevalue("embedded_settings")
    real = request.getfixturevalue("real_stack_settings")
    if "clock" not in request.fixturenames:
        return real
    folder = real.data_dir
    return dataclasses.replace(
        real, storage_url=f"file://{folder / 'objects'}", index_url=f"sqlite:///{folder / 'index.db'}"
    )


@pytest.fixture
def api(client, demo, settings) -> Api:
    return Api(client, settings.demo_password)


@pytest.fixture
def minsu_files() -> dict[str, tuple[bytes, str]]:
    return {
        "applicant_id": (jpeg_bytes(), "身份证.jpg"),
        "business_licence": (
            pdf_bytes("营业执照 名称：青山村民宿有限公司 统一社会信用代码：91330127MA2H3K4L5P"),
            "营业执照.pdf",
        ),
        "property_proof": (
            pdf_bytes("不动产权证书 浙（2021）临安区不动产权第0012345号 坐落：临安区青山村十八号"),
            "房产证.pdf",
        ),
        "fire_safety": (
            pdf_bytes("公众聚集场所投入使用营业前消防安全检查合格证 临消安检字〔2026〕第018号"),
            "消防.pdf",
        ),
        "health_certs": (jpeg_bytes(), "健康证.jpg"),
        "floor_plan": (pdf_bytes("民宿平面布局图 一层客房四间 二层客房四间 安全出口两处"), "平面图.pdf"),
    }


@pytest.fixture
def clock():
    """Time moved to MONDAY and running from there; a test moves it on with ``clock.move_to``."""
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def sweep(runtime):
    """Runs the deadline sweep once, as the background job does; returns its report."""
    from server.services.cases.deadlines import sweep as sweep_deadlines

    def run():
        with runtime.db.session() as session:
            return sweep_deadlines(session, runtime)

    return run
