"""DA/T 70 content items (ZS-09 … ZS-11, KY-02, KY-03, AQ-01): each payload file read once, to a temporary
file, and re-hashed, identified, opened and scanned there."""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import TYPE_CHECKING, Any

from indexers.extract.check import check_usable
from indexers.extract.sniff import sniff_file

from ...scanning import Scanner, ScannerUnavailable
from .package_files import PackageFiles

if TYPE_CHECKING:
    from .dat70 import Report

# The archival formats (DA/T 47 and GB/T 42727 lean on PDF, OFD and the common raster images).
ARCHIVAL_FORMATS = frozenset(
    {
        "application/pdf",
        "application/ofd",
        "image/jpeg",
        "image/png",
        "image/tiff",
        "image/webp",
        "image/jp2",
        "application/json",
        "text/plain",
        "application/xml",
    }
)
ALGORITHMS = ("sha256", "sha512", "sm3")
CHUNK = 1024 * 1024


def digests_of(files: PackageFiles, path: str, copy_to: str | None = None) -> dict[str, Any] | None:
    """SHA-256, SHA-512, SM3 and size of one file (None when it is not there), optionally kept in ``copy_to``."""
    hashers = {name: hashlib.new(name) for name in ALGORITHMS}
    size = 0
    try:
        with files.open(path) as src, open(copy_to or os.devnull, "wb") as dst:
            while chunk := src.read(CHUNK):
                for hasher in hashers.values():
                    hasher.update(chunk)
                size += len(chunk)
                if copy_to:
                    dst.write(chunk)
    except FileNotFoundError:
        return None
    return {"size": size, **{name: h.hexdigest() for name, h in hashers.items()}}


def check_files(
    files: PackageFiles,
    manifests: dict[str, dict[str, str]],
    meta: dict[str, Any] | None,
    scanner: Scanner | None,
    report: Report,
) -> None:
    entries = [f for f in (meta or {}).get("files") or [] if isinstance(f, dict) and f.get("path")]
    if scanner is None:
        report.add("AQ-01", None, "未配置病毒扫描，未检测 (no virus scanner configured: not checked)")
    for entry in entries:
        with tempfile.TemporaryDirectory(prefix="ow-dat70-") as tmp:
            local_path = os.path.join(tmp, "file")
            digests = digests_of(files, entry["path"], local_path)
            if digests is None:
                continue  # WZ-02 reports it
            _digests(entry, digests, manifests, report)
            _content(entry, local_path, digests, report)
            if scanner is not None:
                report.add("AQ-01", *_scan(scanner, local_path), file=entry["path"])


def _digests(
    entry: dict[str, Any], actual: dict[str, Any], manifests: dict[str, dict[str, str]], report: Report
) -> None:
    path = entry["path"]
    problems = []
    for algorithm in ("sha256", "sha512"):
        listed = manifests.get(f"manifest-{algorithm}.txt", {}).get(path)
        if listed is not None and listed != actual[algorithm]:
            problems.append(f"{algorithm} ≠ manifest-{algorithm}.txt")
        if entry.get(algorithm) and entry[algorithm] != actual[algorithm]:
            problems.append(f"{algorithm} ≠ 元数据 (metadata)")
    report.add("ZS-10", not problems, "; ".join(problems), path)
    recorded = entry.get("sm3")
    if not recorded:
        report.add("ZS-11", False, "元数据未记录 SM3 (no SM3 recorded)", path)
    else:
        ok = recorded == actual["sm3"]
        report.add("ZS-11", ok, "" if ok else f"SM3 {actual['sm3']} ≠ 元数据 {recorded}", path)


def _content(entry: dict[str, Any], local_path: str, digests: dict[str, Any], report: Report) -> None:
    path, recorded = entry["path"], entry.get("media_type", "")
    sniffed = sniff_file(local_path)
    problems = []
    if sniffed != recorded:
        problems.append(f"内容为 {sniffed}，元数据为 {recorded} (content type differs)")
    if entry.get("size") is not None and entry["size"] != digests["size"]:
        problems.append(f"大小 {digests['size']} ≠ 元数据 {entry['size']} (size differs)")
    report.add("ZS-09", not problems, "；".join(problems), path)
    allowed = recorded in ARCHIVAL_FORMATS
    report.add("KY-02", allowed, "" if allowed else f"{recorded} 不是归档格式 (not an archival format)", path)
    usable, detail = check_usable(local_path, sniffed)
    report.add("KY-03", usable, "" if usable else f"无法打开 (does not open): {detail}", path)


def _scan(scanner: Scanner, path: str) -> tuple[bool | None, str]:
    """Scans again at every check: signatures learnt since intake may know this file."""
    try:
        verdict = scanner.scan_path(path)
    except ScannerUnavailable as exc:
        return None, f"病毒扫描服务不可用，未检测 (virus scanner unavailable: not checked): {exc}"[:300]
    return (True, "clean") if verdict.clean else (False, f"发现病毒 (malware): {verdict.signature}")
