"""Transfer batches (移交) and `verify-package`, run as the archives bureau would: in a folder with no database."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
from archive_samples import make_pdf
from click.testing import CliRunner
from sqlalchemy import select

from server.cli import main
from server.models import Dossier, PreservationEvent, TransferBatch, TransferItem
from server.services.archive import xml_schemas

REPO = Path(__file__).resolve().parents[3]


def _cli(settings, *args):
    env = {"ONEWINDOW_DATA_DIR": str(settings.data_dir), "ONEWINDOW_CLAMD_URL": settings.clamd_url}
    return CliRunner().invoke(main, list(args), env=env)


def _verify_package(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    """A separate process with no OneWindow variable and an empty working folder: no database, no store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "archive", "verify-package", str(path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _sm3_manifest(root: Path) -> None:
    """What someone rewriting the batch would do: every SM3 recomputed (they cannot re-sign)."""
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name not in ("manifest-sm3.txt", "manifest-sm3.txt.sig"):
            lines.append(f"{hashlib.new('sm3', path.read_bytes()).hexdigest()}  {name}\n")
    (root / "manifest-sm3.txt").write_text("".join(lines), encoding="utf-8")


def _batch(seal, runtime, tmp_path) -> tuple[Path, list[str]]:
    sealed = [seal(), seal(title="李明开办民宿", applicant_name="李明")]
    records = tmp_path / "paper"
    records.mkdir()
    (records / "1998年营业执照.pdf").write_bytes(make_pdf("scanned 1998"))
    imported = _cli(runtime.settings, "archive", "import", str(records / "1998年营业执照.pdf"), "--service", "minsu")
    assert imported.exit_code == 0, imported.output
    ids = [d.id for d in sealed] + [imported.output.split("\t")[0]]
    out = tmp_path / "batch"
    result = _cli(runtime.settings, "archive", "transfer", str(out), *ids)
    assert result.exit_code == 0, result.output
    return out, ids


def test_a_transfer_batch_validates_and_verifies_on_its_own(seal, runtime, tmp_path):
    out, ids = _batch(seal, runtime, tmp_path)
    assert {"说明文件.txt", "目录.xml", "移交登记表.txt", "signer.pem", "manifest-sm3.txt", "manifest-sm3.txt.sig"} <= {
        p.name for p in out.iterdir()
    }
    assert xml_schemas.problems(xml_schemas.CATALOGUE, (out / "目录.xml").read_bytes()) == []
    bags = sorted((out / "packages").iterdir())
    assert len(bags) == 3
    for bag in bags:
        bagit.Bag(str(bag)).validate()
        assert xml_schemas.problems(xml_schemas.DA_T_46, (bag / "metadata" / "da-t-46.xml").read_bytes()) == []
        events = (bag / "preservation" / "保存事件.xml").read_bytes()
        assert xml_schemas.problems(xml_schemas.PREMIS, events) == []
        assert b"<premis:eventType>transfer</premis:eventType>" in events
        assert b"<premis:eventType>ingestion</premis:eventType>" in events
        assert (bag / "preservation" / "tagmanifest-sha256.txt.sig").is_file()
        assert b'"status": "passed"' in (bag / "preservation" / "四性检测报告.json").read_bytes()
    explanation = (out / "说明文件.txt").read_text(encoding="utf-8")
    assert "案卷数：3" in explanation and "application/pdf" in explanation

    with runtime.db.session() as session:
        [batch] = session.scalars(select(TransferBatch)).all()
        assert batch.dossier_count == 3 and batch.manifest_sm3
        marked = {i.dossier_id for i in session.scalars(select(TransferItem))}
        assert marked == set(ids)
        assert session.scalar(select(PreservationEvent).where(PreservationEvent.event_type == "transfer"))
        assert all(session.get(Dossier, i).events[-1].action == "transferred" for i in ids)

    receiver = tmp_path / "receiver"
    receiver.mkdir()
    copy = receiver / "batch"
    shutil.copytree(out, copy)
    good = _verify_package(copy, receiver)
    assert good.returncode == 0, good.stdout + good.stderr
    assert sorted(p.name for p in receiver.iterdir()) == ["batch"]  # no database, no data folder made

    payload = copy / "packages" / bags[0].name / "data" / next((bags[0] / "data").iterdir()).name
    original = payload.read_bytes()
    flipped = bytearray(original)
    flipped[len(flipped) // 2] ^= 0x01
    payload.write_bytes(bytes(flipped))
    bad = _verify_package(copy, receiver)
    assert bad.returncode == 1 and "SM3 不符" in bad.stdout and payload.name in bad.stdout, bad.stdout

    payload.write_bytes(original)
    assert _verify_package(copy, receiver).returncode == 0
    payload.write_bytes(make_pdf("a different licence"))
    bagit.Bag(str(payload.parents[1])).save(manifests=True)  # every BagIt manifest recomputed
    _sm3_manifest(copy)  # and the batch's SM3 manifest too
    rewritten = _verify_package(copy, receiver)
    assert rewritten.returncode == 1, rewritten.stdout
    assert "ZS-01" in rewritten.stdout and "manifest-sm3.txt: SM2" in rewritten.stdout


def test_a_transfer_stops_when_a_dossier_fails_its_check(seal, runtime, tmp_path, objects_root):
    good, bad = seal(), seal()
    target = objects_root / bad.package_prefix / bad.files[0].path
    os.chmod(target, 0o644)
    target.write_bytes(target.read_bytes() + b"x")
    out = tmp_path / "batch"
    result = _cli(runtime.settings, "archive", "transfer", str(out), good.id, bad.id)
    assert result.exit_code == 1, result.output
    assert bad.archival_code in result.output and "ZS-10" in result.output and "WZ-01" in result.output
    assert not out.exists() or not any(out.iterdir())
    with runtime.db.session() as session:
        assert session.scalar(select(TransferBatch)) is None


def test_an_exported_package_verifies_on_its_own(seal, runtime, tmp_path):
    dossier = seal()
    out = tmp_path / "dossier.zip"
    assert _cli(runtime.settings, "archive", "export", dossier.id, str(out)).exit_code == 0
    receiver = tmp_path / "receiver"
    receiver.mkdir()
    result = _verify_package(out, receiver)
    assert result.returncode == 0, result.stdout + result.stderr
