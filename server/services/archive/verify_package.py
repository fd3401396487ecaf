"""``verify-package``: a transfer batch or an exported package checked as the receiving side would, from
the files alone (no database, no store, no OneWindow settings).

A batch: every file's SM3 against manifest-sm3.txt, nothing unlisted, the manifest's SM2 signature, the
catalogue against its XSD, then each package. A package: the DA/T 70 items over the bag (the SM2 signature
of its tag manifest among them, which catches a payload rewritten with its BagIt manifests recomputed), its
DA/T 46 XML and PREMIS events against their XSDs.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import xml_schemas
from .dat70 import Context, check_package
from .fixation import CERTIFICATE, SIGNATURE
from .package_files import FolderPackage
from .signing import verify
from .transfer import BATCH_MANIFEST, BATCH_SIGNATURE, PACKAGES, SIDECAR

CHUNK = 1024 * 1024


@dataclass
class Verdict:
    """Failures (each makes the exit 1) and notes (what was not checked)."""

    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def verify_path(path: Path, *, certificate: bytes | None = None) -> Verdict:
    """``certificate`` pins the signer (the one registered with the bureau); without it, the one shipped."""
    verdict = Verdict()
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="ow-verify-") as tmp:
            _unzip(path, Path(tmp))
            _verify_folder(Path(tmp), certificate, verdict, label=path.name)
    elif path.is_dir():
        _verify_folder(path, certificate, verdict, label=str(path))
    else:
        verdict.failures.append(f"{path}: 不是文件夹或 zip 包 (neither a folder nor a zip)")
    return verdict


def _verify_folder(root: Path, certificate: bytes | None, verdict: Verdict, *, label: str) -> None:
    if (root / BATCH_MANIFEST).is_file():
        _verify_batch(root, certificate, verdict)
        return
    bags = [root] if (root / "bagit.txt").is_file() else [p for p in root.iterdir() if (p / "bagit.txt").is_file()]
    if len(bags) != 1:
        verdict.failures.append(f"{label}: 找不到 BagIt 包 (no package found)")
        return
    _verify_bag(bags[0], certificate, frozenset(), verdict)


def _verify_batch(root: Path, certificate: bytes | None, verdict: Verdict) -> None:
    manifest = (root / BATCH_MANIFEST).read_bytes()
    listed = {}
    for line in manifest.decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    for name in sorted(present - set(listed) - {BATCH_MANIFEST, BATCH_SIGNATURE}):
        verdict.failures.append(f"{name}: 未列入 {BATCH_MANIFEST} (not listed in the batch manifest)")
    for name, digest in sorted(listed.items()):
        actual = _sm3(root / name) if name in present else None
        if actual != digest:
            verdict.failures.append(f"{name}: " + ("缺失 (missing)" if actual is None else "SM3 不符 (SM3 differs)"))
    cert = certificate or _read(root / "signer.pem")
    signature = _read(root / BATCH_SIGNATURE)
    if cert is None or signature is None or not verify(cert, manifest, signature):
        verdict.failures.append(f"{BATCH_MANIFEST}: SM2 签名无效或缺失 (the batch signature does not hold)")
    catalogue = _read(root / "目录.xml") or b""
    verdict.failures += xml_schemas.problems(xml_schemas.CATALOGUE, catalogue)
    bags = sorted(p for p in (root / PACKAGES).iterdir() if p.is_dir()) if (root / PACKAGES).is_dir() else []
    codes = Counter(_archival_code(b) for b in bags)
    duplicates = frozenset(code for code, n in codes.items() if n > 1)
    for bag in bags:
        _verify_bag(bag, certificate or cert, duplicates, verdict)


def _verify_bag(bag: Path, certificate: bytes | None, duplicates: frozenset[str], verdict: Verdict) -> None:
    sidecar = bag / SIDECAR
    ctx = Context(
        certificate=certificate or _read(sidecar / CERTIFICATE),
        signature=_read(sidecar / SIGNATURE),
        duplicate_codes=duplicates,
    )
    report = check_package(FolderPackage(bag), ctx)
    for item in report.items:
        where = f" {item.file}" if item.file else ""
        if item.ok is False:
            verdict.failures.append(f"{bag.name}:{where} {item.code} {item.reason}")
        elif item.ok is None:
            verdict.notes.append(f"{bag.name}:{where} {item.code} 未检测 (not checked): {item.reason}")
    for schema, path in (
        (xml_schemas.DA_T_46, bag / "metadata" / "da-t-46.xml"),
        (xml_schemas.PREMIS, sidecar / "保存事件.xml"),
    ):
        data = _read(path)
        if data is None:
            verdict.notes.append(f"{bag.name}: 无 {path.name} (no {path.name})")
        else:
            verdict.failures += [f"{bag.name}: {p}" for p in xml_schemas.problems(schema, data)]
    verdict.checked.append(bag.name)


def _archival_code(bag: Path) -> str:
    for line in (_read(bag / "bag-info.txt") or b"").decode("utf-8", "replace").splitlines():
        if line.startswith("Archival-Code:"):
            return line.partition(":")[2].strip()
    return bag.name


def _sm3(path: Path) -> str:
    digest = hashlib.new("sm3")
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _unzip(path: Path, target: Path) -> None:
    """Extracts safely: no member may land outside ``target``."""
    with zipfile.ZipFile(path) as zf:
        for member in zf.infolist():
            destination = (target / member.filename).resolve()
            if not destination.is_relative_to(target.resolve()):
                raise ValueError(f"unsafe path in zip: {member.filename}")
        zf.extractall(target)
