"""Four-property checks (四性检测): authenticity, integrity, usability, security.

Each finding is reported on its own so an archivist sees exactly which file
failed which check. A check never repairs anything: a mismatch is evidence.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from indexers.extract.check import check_usable
from indexers.extract.sniff import sniff_file
from storage import ObjectNotFound, StorageError

from ...models import CheckReport, Dossier, DossierEvent, utcnow
from ...runtime import Runtime
from ...scanning import Scanner, ScannerUnavailable
from ..object_keys import check_report_key
from .bag import parse_manifest
from .numbering import numbering_gaps
from .scope import scope_problems

PROPERTIES = ("authenticity", "integrity", "usability", "security")
ALLOWED_FORMATS = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/tiff",
        "image/webp",
        "application/ofd",
        "application/json",
        "text/plain",
    }
)
REQUIRED_METADATA = ("archival_code", "title", "service_item", "department", "retention", "dates")
CHUNK = 1024 * 1024


@dataclass
class Finding:
    check: str
    ok: bool | None
    detail: str = ""
    file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {"check": self.check, "ok": self.ok, "detail": self.detail}
        if self.file:
            out["file"] = self.file
        return out


@dataclass
class Report:
    findings: dict[str, list[Finding]] = field(default_factory=lambda: {p: [] for p in PROPERTIES})

    def add(self, prop: str, check: str, ok: bool | None, detail: str = "", file: str | None = None) -> None:
        self.findings[prop].append(Finding(check, ok, detail, file))

    @property
    def status(self) -> str:
        """``failed`` if any check failed, else ``incomplete`` if any could not run, else ``passed``.

        A check that did not run (no virus scanner, say) is never counted as passed.
        """
        results = [f.ok for items in self.findings.values() for f in items]
        if False in results:
            return "failed"
        return "incomplete" if None in results else "passed"

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    def failures(self) -> list[tuple[str, Finding]]:
        return [(p, f) for p, items in self.findings.items() for f in items if f.ok is False]

    def as_dict(self) -> dict[str, Any]:
        return {
            p: {
                "ok": bool(items) and all(f.ok is True for f in items),
                "not_run": bool(items) and all(f.ok is None for f in items),
                "items": [f.as_dict() for f in items],
            }
            for p, items in self.findings.items()
        }


def check_dossier(session: Session, runtime: Runtime, dossier: Dossier, trigger: str) -> CheckReport:
    """Runs all four checks, stores the report beside the package and records the event."""
    report = Report()
    store = runtime.store
    manifests = _read_manifests(store, dossier, report)
    _check_tag_files(store, dossier, manifests, report)
    _check_metadata(store, dossier, report)
    _check_numbering(session, dossier, report)
    _check_scope(session, dossier, report)
    scanner = runtime.scanner
    if scanner is None:
        report.add(
            "security",
            "virus_scan",
            None,
            "未配置病毒扫描，未检测 (no virus scanner configured, ONEWINDOW_CLAMD_URL: not checked)",
        )
    payload_manifest = manifests.get("manifest-sha256.txt", {})
    declared = {f.path for f in dossier.files}
    for path in sorted(set(payload_manifest) - declared):
        report.add("integrity", "undeclared_file", False, "in the manifest but not in the dossier record", path)
    for file in dossier.files:
        _check_file(store, dossier, file, payload_manifest, report, scanner)
    return _record_report(session, store, dossier, report, trigger)


def _record_report(session: Session, store, dossier: Dossier, report: Report, trigger: str) -> CheckReport:
    """The report stored beside the package (unless the store fails), as a row, on the dossier and as its event."""
    checked_at = utcnow()
    body = {
        "dossier_id": dossier.id,
        "archival_code": dossier.archival_code,
        "version": dossier.version,
        "trigger": trigger,
        "checked_at": checked_at.isoformat(),
        "ok": report.ok,
        "status": report.status,
        "properties": report.as_dict(),
    }
    key = check_report_key(dossier.id, checked_at, trigger)
    try:
        store.put(key, [json.dumps(body, ensure_ascii=False, indent=2).encode()], content_type="application/json")
    except StorageError:
        key = ""
    row = CheckReport(
        dossier_id=dossier.id,
        at=checked_at,
        trigger=trigger,
        ok=report.ok,
        status=report.status,
        report=body,
        object_key=key,
    )
    session.add(row)
    dossier.check_ok = {"passed": True, "failed": False}.get(report.status)
    dossier.check_status = report.status
    dossier.checked_at = checked_at
    failures = [{"property": p, **f.as_dict()} for p, f in report.failures()]
    not_checked = [
        {"property": p, **f.as_dict()} for p, items in report.findings.items() for f in items if f.ok is None
    ]
    dossier.events.append(
        DossierEvent(
            action="four_property_check",
            ok=report.ok,
            detail={
                "trigger": trigger,
                "status": report.status,
                "failures": failures[:50],
                "not_checked": not_checked[:50],
            },
        )
    )
    session.flush()
    return row


def _read_manifests(store, dossier: Dossier, report: Report) -> dict[str, dict[str, str]]:
    manifests = {}
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
        try:
            with store.open(f"{dossier.package_prefix}/{name}") as fh:
                manifests[name] = parse_manifest(fh.read().decode("utf-8"))
        except ObjectNotFound:
            report.add("integrity", "manifest_present", False, "missing", name)
    return manifests


def _check_tag_files(store, dossier: Dossier, manifests: dict, report: Report) -> None:
    tags = manifests.get("tagmanifest-sha256.txt", {})
    for path, digest in sorted(tags.items()):
        actual = _digest_object(store, f"{dossier.package_prefix}/{path}")
        if actual is None:
            report.add("integrity", "tag_file_present", False, "missing", path)
        else:
            report.add(
                "authenticity",
                "tag_file_digest",
                actual == digest,
                "" if actual == digest else f"sha256 {actual} != manifest {digest}",
                path,
            )


def _check_metadata(store, dossier: Dossier, report: Report) -> None:
    try:
        with store.open(f"{dossier.package_prefix}/metadata/dossier.json") as fh:
            meta = json.loads(fh.read().decode("utf-8"))
    except ObjectNotFound:
        report.add("integrity", "metadata_present", False, "metadata/dossier.json is missing")
        return
    except ValueError as exc:
        report.add("usability", "metadata_parses", False, f"metadata/dossier.json: {exc}")
        return
    missing = [k for k in REQUIRED_METADATA if not meta.get(k)]
    report.add("integrity", "required_metadata", not missing, f"missing: {', '.join(missing)}" if missing else "")
    agrees = meta.get("archival_code") == dossier.archival_code and len(meta.get("files", [])) == len(dossier.files)
    report.add(
        "authenticity",
        "metadata_agrees_with_record",
        agrees,
        "" if agrees else "archival code or file count differs from the record",
    )
    try:
        with store.open(f"{dossier.package_prefix}/metadata/events.json") as fh:
            events = json.loads(fh.read().decode("utf-8"))
        report.add("integrity", "event_history_present", bool(events), "" if events else "event history is empty")
    except (ObjectNotFound, ValueError) as exc:
        report.add("integrity", "event_history_present", False, f"metadata/events.json: {exc}")
        return
    report.add("authenticity", "event_history_in_order", *_history_in_order(events))


def _history_in_order(events: object) -> tuple[bool, str]:
    """Each event once, numbered 1, 2, 3 … in order: a repeated or missing step is not a true history."""
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return False, "metadata/events.json is not a list of events"
    seqs = [e.get("seq") for e in events]
    if seqs == list(range(1, len(events) + 1)):
        return True, ""
    repeated = sorted({s for s in seqs if isinstance(s, int) and seqs.count(s) > 1})
    if repeated:
        return False, f"events recorded more than once: seq {repeated[:20]}"
    return False, f"event numbers are not 1..{len(events)} in order: {seqs[:20]}"


def _check_numbering(session: Session, dossier: Dossier, report: Report) -> None:
    gaps = numbering_gaps(session, dossier)
    report.add("integrity", "numbering_without_gaps", not gaps, f"missing item numbers: {gaps[:20]}" if gaps else "")


def _check_scope(session: Session, dossier: Dossier, report: Report) -> None:
    """The archiving scope (scope.py); imported records have no materials list to compare with."""
    problems = scope_problems(session, dossier)
    if problems is None:
        return
    report.add("integrity", "archiving_scope", not problems, "; ".join(problems))


def _check_file(
    store, dossier: Dossier, file, manifest: dict[str, str], report: Report, scanner: Scanner | None
) -> None:
    key = f"{dossier.package_prefix}/{file.path}"
    if file.path not in manifest:
        report.add("integrity", "file_in_manifest", False, "declared but not in manifest-sha256.txt", file.path)
    with tempfile.TemporaryDirectory(prefix="ow-check-") as tmp:
        local_path = os.path.join(tmp, "file")
        try:
            digests = _download(store, key, local_path)
        except ObjectNotFound:
            report.add("integrity", "file_present", False, "the stored object is missing", file.path)
            return
        except StorageError as exc:
            report.add("integrity", "file_present", False, f"cannot read: {exc}", file.path)
            return
        size, sha256, sha512 = digests
        problems = []
        if sha256 != file.sha256:
            problems.append(f"sha256 {sha256} != recorded {file.sha256}")
        if file.path in manifest and sha256 != manifest[file.path]:
            problems.append("sha256 differs from manifest-sha256.txt")
        if sha512 != file.sha512:
            problems.append("sha512 differs from the record")
        if size != file.size:
            problems.append(f"size {size} != recorded {file.size}")
        report.add("authenticity", "digest", not problems, "; ".join(problems), file.path)
        sniffed = sniff_file(local_path)
        format_ok = sniffed == file.media_type
        report.add(
            "authenticity",
            "format_matches_record",
            format_ok,
            "" if format_ok else f"content is {sniffed}, recorded {file.media_type}",
            file.path,
        )
        report.add(
            "usability",
            "format_allowed",
            file.media_type in ALLOWED_FORMATS,
            "" if file.media_type in ALLOWED_FORMATS else f"{file.media_type} is not an archival format",
            file.path,
        )
        usable, detail = check_usable(local_path, sniffed)
        report.add("usability", "opens", usable, "" if usable else detail, file.path)
        if scanner is not None:
            report.add("security", "virus_scan", *_scan(scanner, local_path), file=file.path)


def _download(store, key: str, target: str) -> tuple[int, str, str]:
    sha256, sha512, size = hashlib.sha256(), hashlib.sha512(), 0
    with store.open(key) as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            sha256.update(chunk)
            sha512.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    return size, sha256.hexdigest(), sha512.hexdigest()


def _digest_object(store, key: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with store.open(key) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    except ObjectNotFound:
        return None
    return digest.hexdigest()


def _scan(scanner: Scanner, path: str) -> tuple[bool | None, str]:
    """Scans again at every check: signatures learnt since intake may know this file."""
    try:
        verdict = scanner.scan_path(path)
    except ScannerUnavailable as exc:
        return None, f"病毒扫描服务不可用，未检测 (virus scanner unavailable: not checked): {exc}"[:300]
    return (True, "clean") if verdict.clean else (False, f"malware: {verdict.signature}")
