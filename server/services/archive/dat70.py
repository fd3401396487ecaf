"""The whole four-property check of DA/T 70 (文书类电子档案检测一般要求), item by item.

Each item has a code (ZS 真实性, WZ 完整性, KY 可用性, AQ 安全性, numbered in the order of the standard's
tables) and is reported on its own with a reason in plain words, so an archivist sees which rule a
package broke. The check reads a package through PackageFiles: the archive runs it on the store before a
dossier is final and before every export and transfer; ``verify-package`` runs it on an unpacked folder
with no database and no store. What could not be checked (no virus scanner) is *not checked*, never passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ...scanning import Scanner
from . import dat70_content, dat70_metadata
from .bag import parse_manifest
from .package_files import PackageFiles, read_bytes

PROPERTIES = {"ZS": "authenticity", "WZ": "integrity", "KY": "usability", "AQ": "security"}

# code → what the item checks, as the report names it.
ITEMS: dict[str, str] = {
    "ZS-01": "固化信息有效 (the SM2 signature over the tag manifest holds)",
    "ZS-02": "元数据项长度 (metadata lengths)",
    "ZS-03": "元数据项类型和格式 (metadata types and formats)",
    "ZS-04": "元数据项值域 (metadata value domains)",
    "ZS-05": "元数据项合理性 (dates in order, the year matches)",
    "ZS-06": "元数据项特殊字符 (no special characters)",
    "ZS-07": "档号规范 (archival code format)",
    "ZS-08": "档号不重复 (archival code not duplicated)",
    "ZS-09": "内容数据属性与元数据一致 (content attributes agree with the metadata)",
    "ZS-10": "SHA-256/SHA-512 摘要复核 (digests re-verified)",
    "ZS-11": "SM3 摘要复核 (SM3 re-verified)",
    "ZS-12": "标签文件摘要 (tag files agree with the tag manifest)",
    "ZS-13": "事件历史完整有序 (the event history is whole and in order)",
    "ZS-14": "与登记一致 (the package agrees with the archive's record)",
    "WZ-01": "Payload-Oxum 相符 (payload bytes and file count)",
    "WZ-02": "声明文件齐全 (every declared file is present)",
    "WZ-03": "无未声明文件 (nothing undeclared under the package)",
    "WZ-04": "必备元数据齐全 (required metadata present)",
    "WZ-05": "件号连续 (item numbers without gaps)",
    "KY-01": "元数据可读 (the metadata can be read)",
    "KY-02": "归档格式 (formats on the archival list)",
    "KY-03": "文件可打开 (files open)",
    "AQ-01": "病毒检测 (virus scan)",
}
MANIFESTS = ("manifest-sha256.txt", "manifest-sha512.txt")
TAG_MANIFESTS = ("tagmanifest-sha256.txt", "tagmanifest-sha512.txt")
# Written beside a bag after sealing (exports and batches); signed or listed elsewhere, not by the bag.
SIDECAR = "preservation/"


@dataclass
class Item:
    code: str
    ok: bool | None
    reason: str = ""
    file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "property": PROPERTIES[self.code[:2]],
            "name": ITEMS[self.code],
            "ok": self.ok,
            "result": {True: "passed", False: "failed", None: "not checked"}[self.ok],
            "reason": self.reason,
        }
        if self.file:
            out["file"] = self.file
        return out


@dataclass
class Report:
    items: list[Item] = field(default_factory=list)

    def add(self, code: str, ok: bool | None, reason: str = "", file: str | None = None) -> None:
        assert code in ITEMS, code
        self.items.append(Item(code, ok, reason, file))

    @property
    def status(self) -> str:
        results = [i.ok for i in self.items]
        if False in results:
            return "failed"
        return "incomplete" if None in results else "passed"

    def failed_codes(self) -> set[str]:
        return {i.code for i in self.items if i.ok is False}

    def as_dict(self) -> dict[str, Any]:
        return {"standard": "DA/T 70-2018", "status": self.status, "items": [i.as_dict() for i in self.items]}


@dataclass
class Context:
    """What the caller knows beyond the package: the signature, the scanner, the record, the neighbours."""

    scanner: Scanner | None = None
    certificate: bytes | None = None
    signature: bytes | None = None
    # Whether a missing signature fails ZS-01 (a package being sealed is checked before it is signed).
    require_signature: bool = True
    duplicate_codes: frozenset[str] = frozenset()
    # The archive's record: archival_code, version, file_count (none offline).
    record: dict[str, Any] | None = None
    numbering_gaps: list[int] | None = None


def check_package(files: PackageFiles, ctx: Context) -> Report:
    report = Report()
    manifests = _manifests(files, report)
    meta = _metadata(files, report)
    _check_signature(files, ctx, report)
    _check_tag_manifest(files, manifests, report)
    _check_oxum(files, manifests, report)
    _check_declared(files, manifests, meta, report)
    if meta is not None:
        dat70_metadata.check(meta, ctx.duplicate_codes, report)
        _check_events(files, report)
        _check_record(meta, ctx.record, report)
    if ctx.numbering_gaps is not None:
        gaps = ctx.numbering_gaps
        report.add("WZ-05", not gaps, f"缺少件号 (missing item numbers): {gaps[:20]}" if gaps else "")
    dat70_content.check_files(files, manifests, meta, ctx.scanner, report)
    return report


def _manifests(files: PackageFiles, report: Report) -> dict[str, dict[str, str]]:
    found = {}
    for name in MANIFESTS + TAG_MANIFESTS:
        data = read_bytes(files, name)
        if data is None:
            report.add("WZ-02", False, f"缺少 {name} (the manifest is missing)", name)
        else:
            found[name] = parse_manifest(data.decode("utf-8", "replace"))
    return found


def _metadata(files: PackageFiles, report: Report) -> dict[str, Any] | None:
    data = read_bytes(files, "metadata/dossier.json")
    if data is None:
        report.add("WZ-02", False, "缺少元数据文件 (metadata/dossier.json is missing)", "metadata/dossier.json")
        return None
    try:
        meta = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        report.add("KY-01", False, f"元数据无法解析 (metadata/dossier.json does not parse): {exc}")
        return None
    if not isinstance(meta, dict):
        report.add("KY-01", False, "元数据不是对象 (metadata/dossier.json is not an object)")
        return None
    report.add("KY-01", True)
    return meta


def _check_signature(files: PackageFiles, ctx: Context, report: Report) -> None:
    from .signing import verify

    tag_manifest = read_bytes(files, "tagmanifest-sha256.txt")
    if ctx.signature is None or ctx.certificate is None:
        if ctx.require_signature:
            report.add("ZS-01", False, "没有签名或签名证书 (no signature or no signer's certificate)")
        return
    good = tag_manifest is not None and verify(ctx.certificate, tag_manifest, ctx.signature)
    report.add("ZS-01", good, "" if good else "SM2 签名与标签清单不符 (the signature does not match the tag manifest)")


def _check_tag_manifest(files: PackageFiles, manifests: dict[str, dict[str, str]], report: Report) -> None:
    from .dat70_content import digests_of

    for name in TAG_MANIFESTS:
        algorithm = name.removeprefix("tagmanifest-").removesuffix(".txt")
        for path, digest in sorted(manifests.get(name, {}).items()):
            actual = digests_of(files, path)
            if actual is None:
                report.add("WZ-02", False, "标签清单列出的文件不存在 (listed in the tag manifest, missing)", path)
            elif actual[algorithm] != digest:
                report.add("ZS-12", False, f"{algorithm} {actual[algorithm]} ≠ {name} {digest}", path)
    if not report.failed_codes() & {"ZS-12"}:
        report.add("ZS-12", True)


def _check_oxum(files: PackageFiles, manifests: dict[str, dict[str, str]], report: Report) -> None:
    info = read_bytes(files, "bag-info.txt")
    declared = ""
    for line in (info or b"").decode("utf-8", "replace").splitlines():
        if line.startswith("Payload-Oxum:"):
            declared = line.partition(":")[2].strip()
    payload = {p: size for p, size in files.sizes().items() if p.startswith("data/")}
    actual = f"{sum(payload.values())}.{len(payload)}"
    ok = declared == actual
    report.add(
        "WZ-01", ok, "" if ok else f"bag-info.txt 声明 {declared or '（无）'}，实际 {actual} (declared vs actual)"
    )


def _check_declared(
    files: PackageFiles, manifests: dict[str, dict[str, str]], meta: dict[str, Any] | None, report: Report
) -> None:
    present = set(files.sizes())
    listed = set(manifests.get("manifest-sha256.txt", {}))
    tags = set(manifests.get("tagmanifest-sha256.txt", {}))
    declared_files = {f.get("path") for f in (meta or {}).get("files", []) if isinstance(f, dict)}
    missing = sorted(p for p in (listed | {str(p) for p in declared_files if p}) if p not in present)
    for path in missing:
        report.add("WZ-02", False, "已声明但不存在 (declared but not in the package)", path)
    if not missing and "WZ-02" not in report.failed_codes():
        report.add("WZ-02", True)
    allowed = listed | tags | set(TAG_MANIFESTS)
    undeclared = sorted(p for p in present - allowed if not p.startswith(SIDECAR))
    undeclared += sorted(p for p in listed if p not in declared_files and meta is not None)
    for path in undeclared:
        report.add("WZ-03", False, "未在清单和元数据中声明 (not declared in the manifests and the metadata)", path)
    if not undeclared:
        report.add("WZ-03", True)


def _check_events(files: PackageFiles, report: Report) -> None:
    data = read_bytes(files, "metadata/events.json")
    try:
        events = json.loads(data.decode("utf-8")) if data is not None else None
    except ValueError:
        events = None
    if not isinstance(events, list) or not events or not all(isinstance(e, dict) for e in events):
        report.add("ZS-13", False, "事件历史缺失或无法读取 (metadata/events.json is missing, empty or unreadable)")
        return
    seqs = [e.get("seq") for e in events]
    ok = seqs == list(range(1, len(events) + 1))
    report.add("ZS-13", ok, "" if ok else f"事件序号不是 1..{len(events)} (event numbers out of order): {seqs[:20]}")


def _check_record(meta: dict[str, Any], record: dict[str, Any] | None, report: Report) -> None:
    if record is None:
        return
    differs = [
        name
        for name, value in (
            ("archival_code", meta.get("archival_code")),
            ("version", meta.get("version")),
            ("file_count", len(meta.get("files") or [])),
        )
        if value != record.get(name)
    ]
    report.add(
        "ZS-14", not differs, f"与档案登记不一致 (differs from the record): {', '.join(differs)}" if differs else ""
    )
