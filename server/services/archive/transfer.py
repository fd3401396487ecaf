"""Transfer batches (移交) for the archives bureau.

A batch is a folder the bureau checks on its own (``verify-package``, or any SM3 and SM2 tool):

    说明文件.txt                 who, when, how many dossiers, files and bytes, which formats and software
    目录.xml                     the catalogue: 档号, 题名, 责任者, 日期, 保管期限, 密级, 件数, 页数 per dossier
    移交登记表.txt                the register entry both sides sign
    signer.pem                   the certificate of the SM2 key that signed the batch and its packages
    manifest-sm3.txt             SM3 of every other file in the batch
    manifest-sm3.txt.sig         SM2 signature of manifest-sm3.txt
    packages/<档号>/              each dossier's BagIt bag as sealed (DA/T 46 XML in metadata/), plus
        preservation/            its DA/T 70 report, its PREMIS events and its sealed 固化信息
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import ArchiveCheckFailed, Conflict, InvalidInput, NotFound
from ...models import Dossier, DossierEvent, TransferBatch, TransferItem, utcnow
from ...runtime import Runtime
from ...timeutil import local
from ...vocabulary import EventOutcome, PreservationEventType
from . import premis, xml_schemas
from .assessment import assess
from .catalogue_xml import catalogue_xml, explanation_text, register_text
from .export import bag_folder_name
from .preservation_files import preservation_files
from .signing import signer_for

BATCH_MANIFEST = "manifest-sm3.txt"
BATCH_SIGNATURE = BATCH_MANIFEST + ".sig"
CERTIFICATE = "signer.pem"
PACKAGES = "packages"
SIDECAR = "preservation"
CHUNK = 1024 * 1024


@dataclass
class TransferResult:
    batch: TransferBatch
    out_dir: Path


def transfer(session: Session, runtime: Runtime, out_dir: Path, names: list[str], *, actor: str) -> TransferResult:
    """Checks every dossier, writes the batch into ``out_dir`` (made whole, or not at all) and records it.

    A dossier failing its check stops the batch: ArchiveCheckFailed names each failure of each dossier."""
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InvalidInput(f"目标文件夹不为空 (the folder is not empty): {out_dir}")
    dossiers = _dossiers(session, names)
    codes = Counter(d.archival_code for d in dossiers)
    _check_all(session, runtime, dossiers, codes)
    work = out_dir.with_name(out_dir.name + ".part")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    batch = TransferBatch(batch_number=_batch_number(session, runtime), created_at=utcnow(), created_by=actor)
    folders = [_write_package(session, runtime, dossier, work) for dossier in dossiers]
    totals = _write_documents(session, runtime, batch, dossiers, folders, work)
    batch.dossier_count, batch.file_count, batch.total_bytes = len(dossiers), totals[0], totals[1]
    batch.manifest_sm3 = _sign_batch(runtime, work)
    if out_dir.exists():
        out_dir.rmdir()
    os.replace(work, out_dir)
    batch.out_dir = str(out_dir)
    _record(session, batch, dossiers, actor)
    return TransferResult(batch, out_dir)


def _dossiers(session: Session, names: list[str]) -> list[Dossier]:
    """The named dossiers (id or current 档号), or every current one not yet transferred; never two versions
    of one 档号, never a superseded version."""
    if not names:
        transferred = select(TransferItem.dossier_id)
        found = list(
            session.scalars(
                select(Dossier)
                .where(Dossier.superseded.is_(False), Dossier.id.not_in(transferred))
                .order_by(Dossier.archival_code)
            )
        )
    else:
        found = [_named(session, name) for name in dict.fromkeys(names)]
    if not found:
        raise NotFound("没有可移交的案卷 (no dossier to transfer)")
    old = [d.archival_code + f" v{d.version}" for d in found if d.superseded]
    if old:
        raise Conflict(f"已被更正的旧版本不能移交 (superseded versions cannot be transferred): {', '.join(old)}")
    return found


def _named(session: Session, name: str) -> Dossier:
    dossier = session.get(Dossier, name) or session.scalar(
        select(Dossier).where(Dossier.archival_code == name, Dossier.superseded.is_(False))
    )
    if dossier is None:
        raise NotFound(f"没有此案卷 (no such dossier): {name}")
    return dossier


def _check_all(session: Session, runtime: Runtime, dossiers: list[Dossier], codes: Counter[str]) -> None:
    failed = []
    for dossier in dossiers:
        try:
            assess(session, runtime, dossier, "transfer", batch_codes=codes)
        except ArchiveCheckFailed as exc:
            failed.append({"dossier_id": dossier.id, "archival_code": dossier.archival_code, **exc.details})
    if failed:
        session.commit()  # the reports and events of the checks stay
        names = ", ".join(f["archival_code"] for f in failed)
        raise ArchiveCheckFailed(
            f"四性检测未通过，未移交 (failed their check, nothing transferred): {names}", {"dossiers": failed}
        )


def _batch_number(session: Session, runtime: Runtime) -> str:
    year = local(utcnow()).year
    prefix = f"{runtime.settings.fonds}-{year}-"
    count = session.scalar(select(func.count()).where(TransferBatch.batch_number.startswith(prefix))) or 0
    return f"{prefix}{count + 1:03d}"


def _write_package(session: Session, runtime: Runtime, dossier: Dossier, work: Path) -> Path:
    """The bag byte for byte, and beside it (preservation/) its report, events and 固化信息."""
    folder = work / PACKAGES / bag_folder_name(dossier)
    prefix = dossier.package_prefix + "/"
    for info in runtime.store.list(prefix):
        target = folder / info.key[len(prefix) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        with runtime.store.open(info.key) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
    sidecar = folder / SIDECAR
    sidecar.mkdir()
    premis.record(session, dossier, PreservationEventType.TRANSFER, EventOutcome.SUCCESS, f"移交 to {work.name}")
    for name, data in preservation_files(session, runtime.store, dossier).items():
        (sidecar / name).write_bytes(data)
    elements = folder / "metadata" / "da-t-46.xml"
    if elements.is_file():
        _valid(xml_schemas.DA_T_46, elements.read_bytes(), f"{dossier.archival_code} da-t-46.xml")
    return folder


def _write_documents(
    session: Session, runtime: Runtime, batch: TransferBatch, dossiers: list[Dossier], folders: list[Path], work: Path
) -> tuple[int, int]:
    catalogue = catalogue_xml(runtime.settings, batch, dossiers, [f.relative_to(work).as_posix() for f in folders])
    _valid(xml_schemas.CATALOGUE, catalogue, "目录.xml")
    (work / "目录.xml").write_bytes(catalogue)
    files = [f for d in dossiers for f in d.files]
    totals = (len(files), sum(f.size for f in files))
    signer = signer_for(runtime.settings)
    (work / CERTIFICATE).write_bytes(signer.certificate())
    (work / "说明文件.txt").write_text(explanation_text(runtime.settings, batch, dossiers, totals), encoding="utf-8")
    (work / "移交登记表.txt").write_text(register_text(runtime.settings, batch, dossiers, totals), encoding="utf-8")
    return totals


def _sign_batch(runtime: Runtime, work: Path) -> str:
    lines = []
    for path in sorted(p for p in work.rglob("*") if p.is_file()):
        digest = hashlib.new("sm3")
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        lines.append(f"{digest.hexdigest()}  {path.relative_to(work).as_posix()}\n")
    manifest = "".join(lines).encode("utf-8")
    (work / BATCH_MANIFEST).write_bytes(manifest)
    (work / BATCH_SIGNATURE).write_bytes(signer_for(runtime.settings).sign(manifest))
    return hashlib.new("sm3", manifest).hexdigest()


def _valid(schema: str, data: bytes, what: str) -> None:
    found = xml_schemas.problems(schema, data)
    if found:
        raise InvalidInput(f"{what} 不符合 {schema} (does not validate)", {"problems": found})


def _record(session: Session, batch: TransferBatch, dossiers: list[Dossier], actor: str) -> None:
    """The register row, and each dossier marked with the batch and the date."""
    session.add(batch)
    for seq, dossier in enumerate(dossiers, start=1):
        batch.items.append(
            TransferItem(
                dossier_id=dossier.id,
                seq=seq,
                archival_code=dossier.archival_code,
                version=dossier.version,
                transferred_at=batch.created_at,
            )
        )
        dossier.events.append(DossierEvent(action="transferred", actor=actor, detail={"batch": batch.batch_number}))
    session.flush()


def transfer_of(session: Session, dossier_id: str) -> TransferItem | None:
    """The batch a dossier version went with, if it went."""
    return session.scalar(
        select(TransferItem).where(TransferItem.dossier_id == dossier_id).order_by(TransferItem.transferred_at)
    )
