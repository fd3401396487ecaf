"""Sealing files already in the store: copied within it, with the fixity of the upload kept."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import timedelta
from functools import partial

import bagit
import pytest
from archive_samples import make_pdf
from sqlalchemy import select

from server.errors import ArchiveCheckFailed
from server.jobs import Worker
from server.models import CheckReport, Dossier, ServiceItem, StoredObject, utcnow
from server.services.archive.object_facts import known, learn, remember
from server.services.archive.seal import SealFile, SealRequest, seal_dossier
from server.services.cases.uploads import UPLOAD_DIGESTS
from storage import DigestMismatch


@pytest.fixture
def stored(runtime):
    """Materials as intake stores them: objects of their own, outside any package."""

    def _stored(name: str, data: bytes) -> SealFile:
        key = f"materials/test/{hashlib.sha256(name.encode()).hexdigest()[:16]}"
        info = runtime.store.put(key, io.BytesIO(data), content_type="application/pdf")
        return SealFile(
            name=name,
            open=partial(runtime.store.open, key),
            source_key=key,
            media_type="application/pdf",
            expected_sha256=info.sha256,
            pages=1,
        )

    return _stored


def _unreadable():
    raise AssertionError("sealing read a file whose facts were already learned")


@pytest.fixture
def uploaded(runtime):
    """A file as an upload leaves it once its facts job ran: SHA-256 from the upload, SM3, SHA-512 and the
    format learned after; sealing must not open it."""

    def _uploaded(name: str, data: bytes) -> SealFile:
        key = f"materials/test/up-{hashlib.sha256(name.encode()).hexdigest()[:16]}"
        info = runtime.store.put(key, io.BytesIO(data), content_type="application/pdf", digests=UPLOAD_DIGESTS)
        assert info.sm3 is None
        row = StoredObject(key=key, size=info.size, sha256=info.sha256, media_type="application/pdf")
        remember(row, learn(runtime.store, key, info.sha256, "application/pdf", name), name)
        return SealFile(
            name=name,
            open=_unreadable,
            source_key=key,
            media_type="application/pdf",
            expected_sha256=info.sha256,
            pages=1,
            known=known(row, name, "application/pdf"),
        )

    return _uploaded


@pytest.fixture
def seal_specs(runtime, demo):
    """Seals a 开办民宿 dossier of these file specs and returns it (committed)."""

    def _seal(specs: list[SealFile]) -> Dossier:
        with runtime.db.session() as session:
            service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
            now = utcnow()
            request = SealRequest(
                title="王丽华开办民宿",
                service=service,
                files=specs,
                opened_at=now - timedelta(days=3),
                closed_at=now,
                sealed_by="clerk",
                events=[
                    {"seq": 1, "action": "submit"},
                    {"seq": 2, "action": "accept"},
                    {"seq": 3, "action": "complete"},
                ],
            )
            dossier = seal_dossier(session, runtime, request)
            session.flush()
            return dossier

    return _seal


def _spy_puts(runtime, monkeypatch) -> list[str]:
    keys: list[str] = []
    real = runtime.store.put

    def put(key, stream, **kwargs):
        keys.append(key)
        return real(key, stream, **kwargs)

    monkeypatch.setattr(runtime.store, "put", put)
    return keys


def test_stored_files_are_copied_within_the_store_and_the_bag_checks_out(
    seal_specs, runtime, stored, monkeypatch, tmp_path
):
    licence, plan = make_pdf("licence 91330127MA2XXXXX1"), make_pdf("floor plan " * 2000)
    files = [stored("营业执照.pdf", licence), stored("平面图.pdf", plan)]
    puts = _spy_puts(runtime, monkeypatch)
    dossier = seal_specs(files)
    assert not [key for key in puts if "/data/" in key], "payload files must be copied, not written again"
    with runtime.db.session() as session:
        rows = session.get(Dossier, dossier.id).files
        assert [(f.sha256, f.sha512, f.size) for f in rows] == [
            (hashlib.sha256(d).hexdigest(), hashlib.sha512(d).hexdigest(), len(d)) for d in (licence, plan)
        ]
        assert all(f.format_name for f in rows), "format identification still sees the whole file"
        prefix = session.get(Dossier, dossier.id).package_prefix
    _validate_bag(runtime, prefix, tmp_path / "bag")
    assert runtime.store.stat(f"{prefix}/{rows[0].path}").sealed
    Worker(runtime.db, runtime).run_until_idle()
    with runtime.db.session() as session:
        report = session.scalar(select(CheckReport).where(CheckReport.dossier_id == dossier.id))
        assert report.ok, report.report


def _validate_bag(runtime, prefix: str, folder) -> None:
    for info in runtime.store.list(prefix + "/"):
        target = folder / info.key[len(prefix) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        with runtime.store.open(info.key) as fh:
            target.write_bytes(fh.read())
    bagit.Bag(str(folder)).validate()


FILE_FACTS = ("sha256", "sha512", "sm3", "size", "format_name", "format_version", "pronom", "creating_software")


def test_a_file_with_learned_facts_is_copied_unread_and_recorded_as_a_read_one(
    seal_specs, runtime, stored, uploaded, tmp_path
):
    licence = make_pdf("licence 91330127MA2XXXXX1")
    fast = seal_specs([uploaded("营业执照.pdf", licence)])
    read = seal_specs([stored("营业执照.pdf", licence)])
    with runtime.db.session() as session:
        fast_row, read_row = session.get(Dossier, fast.id).files[0], session.get(Dossier, read.id).files[0]
        assert fast_row.sm3 == hashlib.new("sm3", licence).hexdigest() == fast_row.stored.sm3
        assert fast_row.sha512 == hashlib.sha512(licence).hexdigest() and fast_row.pronom
        assert [getattr(fast_row, n) for n in FILE_FACTS] == [getattr(read_row, n) for n in FILE_FACTS]
        assert fast_row.digitization == read_row.digitization
        prefix = session.get(Dossier, fast.id).package_prefix
    _validate_bag(runtime, prefix, tmp_path / "bag")


def test_bit_rot_after_the_facts_were_learned_is_caught_before_the_dossier_is_final(
    seal_specs, runtime, uploaded, objects_root
):
    spec = uploaded("营业执照.pdf", make_pdf("licence"))
    path = objects_root / spec.source_key
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    # Packaging reads nothing, so the copy carries the damage; the DA/T 70 check before commit reads it.
    with pytest.raises(ArchiveCheckFailed) as failed:
        seal_specs([spec])
    assert {"ZS-10", "ZS-11"} <= {f["code"] for f in failed.value.details["failures"]}
    with runtime.db.session() as session:
        assert session.scalar(select(Dossier.id)) is None


def test_a_stored_file_whose_bytes_changed_since_upload_is_refused(seal_specs, runtime, stored, objects_root):
    spec = stored("营业执照.pdf", make_pdf("licence"))
    path = objects_root / spec.source_key
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))  # bit rot: the recorded digests no longer describe the bytes
    with pytest.raises(DigestMismatch):
        seal_specs([spec])


def test_a_stored_file_with_another_digest_than_the_case_recorded_is_refused(seal_specs, runtime, stored):
    spec = stored("营业执照.pdf", make_pdf("licence"))
    spec.expected_sha256 = hashlib.sha256(b"what the applicant uploaded").hexdigest()
    with pytest.raises(DigestMismatch):
        seal_specs([spec])
    assert not [i.key for i in runtime.store.list("dossiers/") if "/data/" in i.key]


def test_no_leftover_spool_files(seal_specs, runtime, stored):
    before = set(os.listdir("/tmp"))
    seal_specs([stored("a.pdf", make_pdf("a"))])
    assert not {n for n in set(os.listdir("/tmp")) - before if n.startswith("ow-format-")}
