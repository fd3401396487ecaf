"""OFD e-licences and HEIC phone photos through intake, sealing, the four-property check and search.

A slot takes OFD when the catalogue says so; a slot taking JPEG photos takes HEIC. A hostile OFD is
refused at intake with 422, like a damaged PDF. Sealed, the OFD is archived as it came (it is the national
archival format, GB/T 33190) and the HEIC as an upright JPEG copy (HEIC is not an archival format).
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from case_support import pdf_bytes, routed_case
from sqlalchemy import select, update

from indexers import Scope, SearchQuery
from server.jobs import Worker
from server.models import Dossier, MaterialSlot
from server.services.archive import premis
from server.services.archive.formats import OFD_NAME

FIXTURES = Path(__file__).parents[2] / "indexers" / "fixtures"
LICENCE_TEXT = (
    "营业执照（电子）\n名称：红叶山居民宿有限公司\n统一社会信用代码：91330127MA2K7Q8R9T\n登记机关：临安区市场监督管理局"
)


def _fixture(name: str):
    spec = importlib.util.spec_from_file_location(name, FIXTURES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ofd_samples, heic_samples = _fixture("ofd_samples"), _fixture("heic_samples")


def _slot_takes_ofd(runtime, slot: str = "business_licence") -> None:
    with runtime.db.session() as session:
        session.execute(update(MaterialSlot).where(MaterialSlot.slot == slot).values(formats=["pdf", "ofd"]))
        session.commit()


def test_hostile_ofd_is_refused_at_intake_with_its_reason(api, runtime, tmp_path):
    _slot_takes_ofd(runtime)
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    for kind, (make, reason) in sorted(ofd_samples.HOSTILE.items()):
        path = tmp_path / f"{kind}.ofd"
        make(path)
        refused = api.upload(app_id, "business_licence", "applicant", path.read_bytes(), f"{kind}.ofd", expect=422)
        assert refused["error"]["details"]["reason"] == reason, (kind, refused)
    assert api.json("GET", f"/applications/{app_id}", "applicant")["materials"] == []
    good = tmp_path / "licence.ofd"
    ofd_samples.make_ofd(good, [LICENCE_TEXT])
    uploaded = api.upload(app_id, "business_licence", "applicant", good.read_bytes(), "营业执照.ofd")
    assert uploaded["media_type"] == "application/ofd" and uploaded["pages"] == 1


def test_an_ofd_is_refused_where_the_catalogue_does_not_take_it(api, tmp_path):
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    path = tmp_path / "licence.ofd"
    ofd_samples.make_ofd(path, [LICENCE_TEXT])
    refused = api.upload(app_id, "floor_plan", "applicant", path.read_bytes(), "平面图.ofd", expect=415)
    assert refused["error"]["details"]["detected"] == "application/ofd"


def test_a_case_with_an_ofd_and_a_heic_completes_seals_passes_the_check_and_is_found(
    api, runtime, minsu_files, tmp_path
):
    _slot_takes_ofd(runtime)
    licence, photo = tmp_path / "licence.ofd", tmp_path / "IMG_0001.HEIC"
    ofd_samples.make_ofd(licence, [LICENCE_TEXT])
    heic_samples.sideways_heic(photo, heic_samples.marked_photo())
    files = {
        **minsu_files,
        "business_licence": (licence.read_bytes(), "营业执照.ofd"),
        "applicant_id": (photo.read_bytes(), "身份证.HEIC"),
    }
    app_id = routed_case(api, files, ["wlj"])
    shown = {m["slot"]: m["media_type"] for m in api.json("GET", f"/applications/{app_id}", "clerk")["materials"]}
    assert shown["business_licence"] == "application/ofd" and shown["applicant_id"] == "image/heif"
    api.json(
        "PUT",
        f"/applications/{app_id}/results/licence",
        "officer-wlj",
        201,
        data=pdf_bytes("民宿登记证 红叶山居"),
        headers={"Content-Type": "application/pdf"},
    )
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved"})
    done = api.json("POST", f"/applications/{app_id}/complete", "officer-wlj")
    assert done["status"] == "archived"
    Worker(runtime.db, runtime).run_until_idle()

    with runtime.db.session() as session:
        dossier = session.get(Dossier, done["dossier_id"])
        by_name = {f.name: f for f in dossier.files}
        ofd_file, photo_file = by_name["营业执照.ofd"], by_name["身份证.jpg"]
        assert (ofd_file.media_type, ofd_file.format_name, ofd_file.format_version) == (
            "application/ofd",
            OFD_NAME,
            "1.0",
        )
        assert photo_file.media_type == "image/jpeg" and photo_file.pronom.startswith("fmt/")
        assert ofd_file.text_status == "done" and ofd_file.text_pages == 1 and ofd_file.preview_pages == 1
        assert photo_file.preview_pages == 1
        assert dossier.check_status == ("passed" if runtime.scanner else "incomplete"), "nothing failed"
        # the package says what the JPEG was made from: the upload's format and digest, as a PREMIS migration
        migrations = [e for e in premis.events_of(session, dossier.id) if e.event_type == "migration"]
        assert [(e.file_path, e.outcome) for e in migrations] == [(photo_file.path, "success")]
        assert "image/heif" in migrations[0].detail
        assert hashlib.sha256(photo.read_bytes()).hexdigest() in migrations[0].detail
        assert b">migration</" in premis.premis_xml(dossier, migrations)
        dossier_id = dossier.id
    hits = runtime.index.search(SearchQuery(q="红叶山居民宿有限公司", scope=Scope(departments=["wlj"])))
    assert dossier_id in [h.dossier_id for h in hits.hits]
    with runtime.db.session() as session:
        current = session.scalars(select(Dossier).where(Dossier.id.in_([h.dossier_id for h in hits.hits]))).all()
        assert current, "the dossier found by the OFD's text"
