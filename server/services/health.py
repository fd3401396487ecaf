"""What /healthz reports: each dependency on its own, so one failing dependency degrades one feature."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable

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
    return {"ok": True, "pending": counts["pending"] + counts["running"], "failed": counts["failed"],
            "scheduled": counts["scheduled"]}


CHECKS: dict[str, Callable[[Runtime], dict[str, Any]]] = {
    "database": _database,
    "storage": lambda rt: rt.store.check(),
    "index": lambda rt: rt.index.check(),
    "jobs": _jobs,
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
