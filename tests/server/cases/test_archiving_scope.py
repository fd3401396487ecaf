"""The archiving scope and DA/T 46 metadata of a completed case: the form, each department's opinion and the
delivery are filed as documents with their classes, the elements come from the case, and the check agrees."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

from case_support import pdf_bytes, routed_case
from pypdf import PdfReader

from server.jobs import Worker
from server.models import Application, Dossier, utcnow
from server.services.archive.metadata import dossier_elements
from server.services.archive.scope import scope_problems
from server.services.archive.versions import current_version
from server.services.cases.archiving_scope import RATING_FILED, file_rating
from server.timeutil import local

NS = "{urn:onewindow:da-t-46}"


def _completed_joint_case(api, minsu_files) -> dict:
    app_id = routed_case(api, minsu_files, ["wlj", "gaj"])
    api.json(
        "PUT",
        f"/applications/{app_id}/results/民宿登记证",
        "officer-wlj",
        201,
        data=pdf_bytes("民宿登记证"),
        headers={"Content-Type": "application/pdf"},
    )
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved", "note": "符合"})
    api.json("POST", f"/applications/{app_id}/decision", "officer-gaj", json={"outcome": "approved", "note": "同意"})
    today = local(utcnow()).date().isoformat()
    api.json("POST", f"/applications/{app_id}/delivery", "clerk", json={"method": "window", "date": today})
    return api.json("POST", f"/applications/{app_id}/complete", "clerk")


def test_a_joint_case_files_its_form_opinions_and_delivery_with_their_classes(api, runtime, minsu_files):
    done = _completed_joint_case(api, minsu_files)
    with runtime.db.session() as session:
        dossier = session.get(Dossier, done["dossier_id"])
        filed = {(f.material_type, f.name): f for f in dossier.files}
        kinds = [kind for kind, _ in filed]
        assert kinds.count("department_opinion") == 2
        assert {"application_form", "delivery_record", "notice_acceptance"} <= set(kinds)
        assert "gap_undertaking" not in kinds, "nothing was deferred"
        form = next(f for (kind, _), f in filed.items() if kind == "application_form")
        assert form.material_class == "procedure" and form.seq == 1
        opinion = filed[("department_opinion", "部门审查意见及决定（公安局）.pdf")]
        assert opinion.material_class == "procedure"
        with runtime.store.open(f"{dossier.package_prefix}/{opinion.path}") as fh:
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
        assert "审查意见：同意" in text and "决定：准予" in text
        with runtime.store.open(f"{dossier.package_prefix}/{form.path}") as fh:
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
        assert "王丽华" in text and "经营者身份证：身份证.jpg" in text


def test_the_case_gives_the_dossier_its_da_t_46_elements(api, runtime, minsu_files):
    done = _completed_joint_case(api, minsu_files)
    with runtime.db.session() as session:
        dossier = session.get(Dossier, done["dossier_id"])
        elements = dossier_elements(dossier)
        code = dossier.archival_code
        with runtime.store.open(f"{dossier.package_prefix}/metadata/da-t-46.xml") as fh:
            xml = ET.fromstring(fh.read())
        with runtime.store.open(f"{dossier.package_prefix}/metadata/dossier.json") as fh:
            sealed = json.loads(fh.read())["elements"]
    assert elements["档号"] == code and code.startswith("0001-WS·")
    assert set(elements["责任者"].split("；")) == {"文旅局", "公安局"}, "the deciding departments"
    assert elements["办件编号"] == done["tracking_number"]
    assert elements["证件类型"] == "居民身份证" and elements["事项类型"] == "行政许可"
    assert elements["密级"] == "公开" and elements["开放状态"] == "控制" and elements["保密期限"] is None
    assert elements["门类代码"] == "WS" and elements["保管期限"] == "定期30年"
    assert elements["申请时间"] < elements["受理时间"] <= elements["办结时间"]
    assert elements["承诺时限"] == 5 and elements["件数"] == len(elements["文件"])
    assert elements["立档单位"] == runtime.settings.archiving_unit
    pdfs = [f for f in elements["文件"] if f["MIME类型"] == "application/pdf"]
    assert all(f["PRONOM"].startswith("fmt/") and f["格式名称"].startswith("Acrobat PDF") for f in pdfs)
    assert any(f["格式版本"] for f in pdfs)
    form = elements["文件"][0]
    assert form["材料类型"] == "申请表" and "OneWindow" in form["创建软件"]
    jpeg = next(f for f in elements["文件"] if f["MIME类型"] == "image/jpeg")
    assert jpeg["PRONOM"].startswith("fmt/") and jpeg["数字化属性"]["色彩模式"] == "彩色"
    assert jpeg["数字化属性"]["压缩"] == "JPEG"
    assert sealed["档号"] == elements["档号"] and sealed["文件"][0]["PRONOM"] == form["PRONOM"]
    assert xml.tag == f"{NS}电子文件元数据"
    assert xml.findtext(f"{NS}档号") == elements["档号"]
    assert xml.findtext(f"{NS}责任者") == elements["责任者"]
    assert len(xml.findall(f"{NS}文件列表/{NS}文件")) == elements["件数"]


def test_a_completed_case_is_within_its_archiving_scope(api, runtime, minsu_files):
    done = _completed_joint_case(api, minsu_files)
    with runtime.db.session() as session:
        assert scope_problems(session, session.get(Dossier, done["dossier_id"])) == []


def test_a_rating_after_completion_is_filed_as_the_next_version(api, runtime, minsu_files):
    done = _completed_joint_case(api, minsu_files)
    api.json("POST", f"/applications/{done['id']}/rating", "applicant", 201, json={"score": 5, "comment": "一次办好"})
    Worker(runtime.db, runtime).run_until_idle()
    with runtime.db.session() as session:
        sealed = session.get(Dossier, done["dossier_id"])
        current = current_version(session, sealed.archival_code)
        assert sealed.superseded and current.version == 2 and current.replaces_id == sealed.id
        assert current.correction_reason == RATING_FILED
        [rating] = [f for f in current.files if f.material_type == "rating_record"]
        assert rating.material_class == "procedure" and len(current.files) == len(sealed.files) + 1
        with runtime.store.open(f"{current.package_prefix}/{rating.path}") as fh:
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
        assert "评价等级：5" in text and "一次办好" in text
        app = session.get(Application, done["id"])
        assert file_rating(session, runtime, app, "系统") is None, "filed once"
        assert scope_problems(session, current) == []
