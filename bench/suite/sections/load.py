"""50 applicants uploading five materials each while 100 clients poll status, on both kinds of backend."""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from bench import storage_bench
from bench.suite import applicants, serving
from bench.suite.model import Context, Figure, Goal, SectionResult

TITLE = "Load: uploads while status is polled"
APPLICANTS = 50
POLLERS = 100
POLL_TARGETS = 5
SLOTS = ("commitment", "business_licence", "floor_plan", "health_certs", "hygiene_report")
POLL_INTERVAL = 2.5
"""Seconds between one client's polls: 40 polls/s from 100 clients, inside each address's 30 a minute."""
P95_TARGET_MS = 300.0
QUIET_SECONDS = 4.0
"""Polls without uploads first: the same run's baseline."""


@contextlib.contextmanager
def _fresh_postgres(base_url: str) -> Iterator[str]:
    import psycopg

    parts = urlsplit(base_url)
    name = f"ow_bench_{secrets.token_hex(4)}"
    admin = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _stack_env(ctx: Context) -> Iterator[dict[str, str]]:
    """PostgreSQL (a fresh database), S3 (a fresh bucket) and Elasticsearch (a fresh index prefix)."""
    database, storage, index = ctx.server("database"), ctx.server("storage"), ctx.server("index")
    if not (database and storage and index):
        raise RuntimeError("the PostgreSQL + S3 + Elasticsearch run needs scripts/services up pg s3 es")
    s3, es = urlsplit(storage), urlsplit(index)
    bucket_url = urlunsplit((s3.scheme, s3.netloc, f"/ow-bench-{secrets.token_hex(4)}", "lock_mode=governance", ""))
    prefix = f"owbench-{secrets.token_hex(4)}-"
    with _fresh_postgres(database) as database_url:
        try:
            yield {
                "ONEWINDOW_DATABASE_URL": database_url,
                "ONEWINDOW_STORAGE_URL": bucket_url,
                "ONEWINDOW_INDEX_URL": urlunsplit((es.scheme, es.netloc, es.path, f"prefix={prefix}", "")),
            }
        finally:  # each run left 250 uploads in a bucket and an index behind (GBs over a day of runs)
            storage_bench.remove_bucket(bucket_url)
            _remove_indices(urlunsplit((es.scheme, es.netloc, es.path, "", "")), prefix)


def _remove_indices(base: str, prefix: str) -> None:
    """Elasticsearch refuses wildcard deletes by default: each of the run's indices by name."""
    listed = requests.get(f"{base.rstrip('/')}/_cat/indices/{prefix}*", params={"format": "json"}, timeout=30)
    for index in listed.json() if listed.ok else []:
        requests.delete(f"{base.rstrip('/')}/{index['index']}", timeout=30)


def _load(ctx: Context, name: str, env: dict[str, str], material_bytes: int) -> tuple[dict[str, Any], dict[int, float]]:
    work = ctx.work / "load" / name
    with serving.production(work / "data", env) as server:
        tracked = applicants.register(server.url, POLL_TARGETS, submitted=POLL_TARGETS, parallel=4)
        database = env.get("ONEWINDOW_DATABASE_URL") or f"sqlite:///{work / 'data' / 'onewindow.db'}"
        uploaders = applicants.seeded(server.url, database, APPLICANTS, first=1000)
        idle = sum(server.peak_rss_mb().values())
        plan = {
            "base": server.url,
            "applicants": [asdict(a) for a in uploaders],
            "poll_targets": [{"tracking_number": a.tracking_number, "phone_last4": a.phone[-4:]} for a in tracked],
            "pollers": POLLERS,
            "poll_interval": POLL_INTERVAL,
            "quiet_seconds": QUIET_SECONDS,
            "slots": list(SLOTS),
            "material_bytes": material_bytes,
        }
        (work / "plan.json").write_text(json.dumps(plan))
        subprocess.run(
            [sys.executable, "-m", "bench.suite.loadgen", str(work / "plan.json"), str(work / "out.json")],
            cwd=serving.ROOT,
            check=True,
        )
        out = json.loads((work / "out.json").read_text())
        out["idle_mb"] = idle
        return out, server.peak_rss_mb()


def _report(result: SectionResult, label: str, out: dict[str, Any], peak: dict[int, float]) -> None:
    errors = len(out["errors"]) + (out["uploads_expected"] - out["uploads"])
    result.goals += [
        Goal(f"load, {label}: errors", errors, 0, "", "at_most", detail="; ".join(out["errors"][:3])),
        Goal(
            f"load, {label}: status p95",
            out["poll_p95_ms"],
            P95_TARGET_MS,
            "ms",
            "at_most",
            f"the same pollers without uploads: p95 {out['quiet_p95_ms']:.0f} ms ({out['quiet_polls']} polls)",
            f"{out['polls']:,} polls; p50 {out['poll_p50_ms']:.0f} ms, p99 {out['poll_p99_ms']:.0f} ms",
        ),
        Goal(
            f"load, {label}: uploads stored intact (SHA-256 read back)",
            out["intact"],
            out["uploads_expected"],
            "files",
            "at_least",
        ),
    ]
    result.figures += [
        Figure(
            f"{label}: upload throughput during the load",
            out["upload_mb_per_s"],
            "MB/s",
            f"{out['uploads']} uploads in {out['upload_seconds']:.1f} s; p95 per upload {out['upload_p95_s']:.2f} s",
        ),  # fmt: skip
        Figure(
            f"{label}: server peak memory, all processes",
            sum(peak.values()),
            "MB",
            f"idle after start-up and sign-ups {out['idle_mb']:.0f} MB; per process "
            + ", ".join(f"{mb:.0f}" for mb in peak.values()),
        ),  # fmt: skip
    ]


def run(ctx: Context) -> SectionResult:
    material_bytes = (1 if ctx.quick else 5) * 1024 * 1024
    result = SectionResult(TITLE)
    out, peak = _load(ctx, "embedded", {}, material_bytes)
    _report(result, "embedded", out, peak)
    with _stack_env(ctx) as env:
        out, peak = _load(ctx, "stack", env, material_bytes)
    _report(result, "PostgreSQL + S3 + Elasticsearch", out, peak)
    defaults = serving.serve_defaults()
    result.notes = (
        f"`onewindow serve --demo` ({defaults['workers']} worker(s) × {defaults['threads']} threads), "
        "first on the embedded defaults (SQLite, local disk, embedded index), then on PostgreSQL + S3 + "
        "Elasticsearch (a fresh database, bucket and index prefix); no virus scanner (no `ONEWINDOW_CLAMD_URL`).\n"
        f"Before the timed part {POLL_TARGETS} applicants register, sign in and submit a case through the API "
        f"(the pollers ask about these); {APPLICANTS} more are made by the accounts service with a token each "
        "(no scrypt) and open their drafts through the API.\n"
        f"The pollers run {QUIET_SECONDS:.0f} s alone first: their p95 then is the baseline of the same run.\n"
        f"Then {APPLICANTS} applicants each upload {len(SLOTS)} PDFs of {material_bytes >> 20} MB "
        f"({'quick: 1 MB' if ctx.quick else 'full: 5 MB'}; one at a time per applicant, all applicants at once) "
        f"while {POLLERS} clients poll `GET /api/v1/track/…` every {POLL_INTERVAL} s ± 20 %, each from its own "
        "address; pollers run in a process of their own (`bench/suite/loadgen.py`, requests, a thread per client).\n"
        "Errors: any non-201 upload, any non-200 poll, any digest mismatch. Every upload is then read back "
        "through the API and its SHA-256 compared with the one sent. Peak memory is each server process's VmHWM."
    )
    return result
