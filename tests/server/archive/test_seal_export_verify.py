"""Sealing, BagIt export, four-property checks and `onewindow archive verify`."""

from __future__ import annotations

import io
import json
import os
import zipfile

import bagit
import pytest
from archive_samples import make_pdf
from click.testing import CliRunner
from sqlalchemy import select

from server.cli import main
from server.errors import ArchiveCheckFailed, InvalidInput
from server.jobs import Worker
from server.models import CheckReport, Dossier, DossierEvent, ServiceItem, utcnow
from server.services.archive.seal import SealFile, SealRequest, seal_dossier
from storage import ObjectSealed


def _cli(settings, *args):
    env = {"ONEWINDOW_DATA_DIR": str(settings.data_dir), "ONEWINDOW_CLAMD_URL": settings.clamd_url}
    return CliRunner().invoke(main, list(args), env=env)


def test_sealed_dossier_has_gapless_archival_codes(seal, runtime):
    first, second = seal(), seal()
    assert first.archival_code.endswith("-0001") and second.archival_code.endswith("-0002")
    year = first.year
    assert first.archival_code == f"0001-WS·{year}-D30-WLJ-0001"


def test_a_failed_sealing_gives_its_number_back(seal, runtime):
    seal()

    def scanner_unplugged():
        raise OSError("scanner disconnected")

    with pytest.raises(OSError), runtime.db.session() as session:
        service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
        seal_dossier(
            session,
            runtime,
            SealRequest(
                title="t",
                service=service,
                opened_at=utcnow(),
                closed_at=utcnow(),
                sealed_by="clerk",
                files=[SealFile(name="x.pdf", open=scanner_unplugged, media_type="application/pdf")],
            ),
        )
    assert seal().archival_code.endswith("-0002")


def test_export_is_a_valid_bagit_bag_with_metadata(seal, runtime, tmp_path, documents):
    dossier = seal()
    out = tmp_path / "dossier.zip"
    result = _cli(runtime.settings, "archive", "export", dossier.id, str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "x")
    [bag_dir] = list((tmp_path / "x").iterdir())
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises on any problem
    assert set(bag.algorithms) >= {"sha256", "sha512"}
    assert bag.info["External-Identifier"] == dossier.archival_code
    meta = json.loads((bag_dir / "metadata" / "dossier.json").read_text(encoding="utf-8"))
    assert meta["archival_code"] == dossier.archival_code
    assert meta["retention"]["label"] == "30年"
    assert meta["service_item"]["code"] == "minsu"
    assert meta["applicant"]["name"] == "王丽华"
    names = {f["name"]: f for f in meta["files"]}
    assert set(names) == set(documents)
    licence = names["营业执照.pdf"]
    assert licence["class_label"] == "依据性" and licence["media_type"] == "application/pdf"
    assert licence["pages"] == 1 and len(licence["sha256"]) == 64 and len(licence["sha512"]) == 128
    assert (bag_dir / licence["path"]).read_bytes() == documents["营业执照.pdf"]
    events = json.loads((bag_dir / "metadata" / "events.json").read_text(encoding="utf-8"))
    assert [e["action"] for e in events] == ["submit", "accept", "complete"]


def test_sealing_queues_a_four_property_check_that_passes(seal, runtime):
    dossier = seal()
    Worker(runtime.db, runtime).run_until_idle()
    with runtime.db.session() as session:
        report = session.scalar(select(CheckReport).where(CheckReport.dossier_id == dossier.id))
        assert report.trigger == "seal" and report.ok, report.report
        props = report.report["properties"]
        assert set(props) == {"authenticity", "integrity", "usability", "security"}
        assert all(props[p]["ok"] for p in props)
        scans = props["security"]["items"]
        assert {i["check"] for i in scans} == {"virus_scan"} and len(scans) == len(dossier.files)
        assert report.status == "passed" and runtime.store.exists(report.object_key)


def test_without_a_virus_scanner_the_check_is_incomplete_never_passed(embedded_settings, tmp_path):
    from server.app import create_app
    from server.services.archive.checks import check_dossier
    from server.services.demo import load_demo

    app = create_app(embedded_settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, embedded_settings.demo_password)
        service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
        dossier = seal_dossier(
            session,
            runtime,
            SealRequest(
                title="t",
                service=service,
                opened_at=utcnow(),
                closed_at=utcnow(),
                sealed_by="clerk",
                events=[{"seq": 1, "action": "submit"}],
                files=[SealFile(name="x.pdf", open=lambda: io.BytesIO(make_pdf("x")), media_type="application/pdf")],
            ),
        )
        row = check_dossier(session, runtime, dossier, "manual")
        assert row.status == "incomplete" and not row.ok
        security = row.report["properties"]["security"]
        assert security["not_run"] and not security["ok"]
        assert dossier.check_ok is None and dossier.check_status == "incomplete"
    result = _cli(embedded_settings, "archive", "verify")
    assert result.exit_code == 3, result.output
    assert "INCOMPLETE" in result.output and "virus_scan (not checked)" in result.output
    runtime.close()


@pytest.mark.parametrize(
    "history, problem",
    [
        ([{"seq": 1, "action": "submit"}, {"seq": 2, "action": "complete"}, {"seq": 2, "action": "complete"}], "1..3"),
        ([{"seq": 1, "action": "submit"}, {"seq": 3, "action": "complete"}], "1..2"),
        ([{"action": "submit"}], "1..1"),
    ],
)
def test_a_history_with_repeated_or_missing_events_is_refused_at_sealing(seal, runtime, history, problem):
    """The DA/T 70 check runs before a dossier is final: a history that is not true (ZS-13) stops the sealing,
    and the number it would have taken is given back."""
    with pytest.raises(ArchiveCheckFailed) as refused:
        seal(events=history)
    [failure] = refused.value.details["failures"]
    assert failure["code"] == "ZS-13" and problem in failure["reason"]
    assert seal().item_number == 1


@pytest.mark.parametrize("victim", ["营业执照.pdf", "身份证 正面.jpg", "metadata/dossier.json", "manifest-sha256.txt"])
def test_flipping_one_byte_fails_verify_naming_dossier_and_file(seal, runtime, objects_root, victim):
    good, bad = seal(), seal()
    with runtime.db.session() as session:
        dossier = session.get(Dossier, bad.id)
        target = next((f.path for f in dossier.files if f.name == victim), victim)
    path = objects_root / dossier.package_prefix / target
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    result = _cli(runtime.settings, "archive", "verify")
    assert result.exit_code == 1, result.output
    fail_lines = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(fail_lines) == 1 and bad.id in fail_lines[0]
    assert target in result.output
    assert f"OK   {good.archival_code}" in result.output

    assert _cli(runtime.settings, "archive", "verify", good.id).exit_code == 0
    assert _cli(runtime.settings, "archive", "verify", "no-such-id").exit_code == 1
    # verification reports; it does not repair
    assert bytes(data) == path.read_bytes()
    with runtime.db.session() as session:
        events = session.scalars(
            select(DossierEvent).where(DossierEvent.dossier_id == bad.id, DossierEvent.action == "four_property_check")
        ).all()
        assert events and events[-1].ok is False


def test_deleting_a_sealed_object_is_refused(seal, runtime):
    dossier = seal()
    key = f"{dossier.package_prefix}/{dossier.files[0].path}"
    with pytest.raises(ObjectSealed):
        runtime.store.delete(key)
    with pytest.raises(ObjectSealed):
        runtime.store.put(key, io.BytesIO(b"forged"))
    assert runtime.store.exists(key)


def test_a_correction_is_a_new_version_that_names_the_old_one(seal, runtime, documents):
    original = seal()
    with pytest.raises(InvalidInput):
        seal(replaces=original, correction_reason=" ")
    corrected = seal(replaces=original, correction_reason="身份证扫描件不清晰，重新扫描")
    assert corrected.archival_code == original.archival_code
    assert corrected.version == 2 and corrected.replaces_id == original.id
    with runtime.db.session() as session:
        assert session.get(Dossier, original.id).superseded
    # the original package is untouched and still verifies
    result = _cli(runtime.settings, "archive", "verify", original.id)
    assert result.exit_code == 0, result.output


def test_import_files_and_folders_as_dossiers(runtime, demo, tmp_path, documents):
    single = tmp_path / "旧档案.pdf"
    single.write_bytes(documents["营业执照.pdf"])
    folder = tmp_path / "2019-民宿-张三"
    folder.mkdir()
    for name, data in documents.items():
        (folder / name).write_bytes(data)
    result = _cli(
        runtime.settings,
        "archive",
        "import",
        str(single),
        str(folder),
        "--service",
        "minsu",
        "--applicant-id",
        "330127198805123429",
        "--json",
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 2
    assert lines[0]["sources"] == [str(single)]
    assert len(lines[1]["sources"]) == 3
    with runtime.db.session() as session:
        dossier = session.get(Dossier, lines[1]["dossier_id"])
        assert dossier.source == "import" and len(dossier.files) == 3
        assert dossier.applicant_id_number == "330127198805123429"
        assert {f.media_type for f in dossier.files} == {"application/pdf", "image/jpeg"}
    bad = _cli(runtime.settings, "archive", "import", str(single), "--service", "no-such-service")
    assert bad.exit_code == 1 and "no-such-service" in bad.output
