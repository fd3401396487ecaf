"""What /healthz reports: each dependency on its own, so one failing dependency degrades one feature."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from indexers.extract import Tesseract, ToolUnavailable
from indexers.extract.ocr import DEFAULT_LANGUAGES
from indexers.extract.render import pdftoppm

from ..jobs import job_counts
from ..runtime import Runtime

CHECK_TIMEOUT = 5.0
# Without these the centre cannot take applications; without the others it can, with less.
ESSENTIAL = ("database", "storage")


def _database(rt: Runtime) -> dict[str, Any]:
    rt.db.ping()
    return {"ok": True, "backend": rt.db.dialect}


def _jobs(rt: Runtime) -> dict[str, Any]:
    with rt.db.sessions() as session:
        counts = job_counts(session)
    return {
        "ok": True,
        "pending": counts["pending"] + counts["running"],
        "failed": counts["failed"],
        "scheduled": counts["scheduled"],
    }


def _disk(rt: Runtime) -> dict[str, Any]:
    """Free space where the database, spooled uploads and a local store live, against the floor."""
    floor = rt.settings.min_free_mb * 2**20
    places = {"data": shutil.disk_usage(rt.settings.data_dir).free}
    store_free = rt.store.check().get("free_bytes")
    if store_free is not None:
        places["objects"] = store_free
    low = sorted(name for name, free in places.items() if free < floor)
    return {
        "ok": not low,
        "free_mb": {name: free // 2**20 for name, free in places.items()},
        "min_free_mb": rt.settings.min_free_mb,
        "detail": f"less than {rt.settings.min_free_mb} MB free: {', '.join(low)}" if low else "",
    }


def _ocr(_rt: Runtime) -> dict[str, Any]:
    """Without Tesseract (chi_sim) scans and photos are archived with no searchable text."""
    try:
        path = Tesseract().executable()
        pdftoppm()
    except ToolUnavailable as exc:
        return {"ok": False, "detail": f"{exc}: scans and photos get no text"}
    return {"ok": True, "engine": f"tesseract {DEFAULT_LANGUAGES}", "detail": path}


def _virus_scanner(rt: Runtime) -> dict[str, Any]:
    if rt.scanner is None:
        return {
            "ok": False,
            "detail": "not configured (ONEWINDOW_CLAMD_URL): uploads are not scanned, "
            "four-property checks stay incomplete",
        }
    return rt.scanner.check()


def _email(rt: Runtime) -> dict[str, Any]:
    if rt.mailer is None:
        return {"ok": False, "detail": "not configured (ONEWINDOW_SMTP_URL): notifications reach the inbox only"}
    return rt.mailer.check()


def _sms(rt: Runtime) -> dict[str, Any]:
    if rt.sms is None:
        return {
            "ok": False,
            "detail": "not configured (ONEWINDOW_SMS_URL): no text messages, walk-in applicants hear nothing",
        }
    return rt.sms.check()


CHECKS: dict[str, Callable[[Runtime], dict[str, Any]]] = {
    "database": _database,
    "storage": lambda rt: rt.store.check(),
    "index": lambda rt: rt.index.check(),
    "jobs": _jobs,
    "disk": _disk,
    "ocr": _ocr,
    "virus_scanner": _virus_scanner,
    "email": _email,
    "sms": _sms,
}

_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="healthz")


def health(rt: Runtime) -> tuple[dict[str, Any], int]:
    """Runs the checks in parallel with a deadline, so a hung backend cannot hang the probe."""
    futures = {name: _pool.submit(check, rt) for name, check in CHECKS.items()}
    checks: dict[str, dict[str, Any]] = {}
    for name, future in futures.items():
        try:
            checks[name] = future.result(timeout=CHECK_TIMEOUT)
        except FutureTimeout:
            checks[name] = {"ok": False, "detail": f"no answer within {CHECK_TIMEOUT:.0f}s"}
        except Exception as exc:  # noqa: BLE001 - a failed check is reported, not raised
            checks[name] = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
    can_take_applications = all(checks[name].get("ok") for name in ESSENTIAL)
    status = "ok" if all(c.get("ok") for c in checks.values()) else "degraded"
    return {"status": status, "checks": checks}, 200 if can_take_applications else 503
