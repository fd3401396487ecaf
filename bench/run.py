#!/usr/bin/env python3
"""The benchmark suite (issue #16): one command, figures with their same-run baselines, goals met or not.

    python bench/run.py --quick [--json out.json]      # small sizes, under 8 minutes on 2 cores
    python bench/run.py --full  [--json out.json]      # adds the large collections (1M-10M pages)
    python bench/run.py --quick --only storage,search  # some sections (while working on one)

It starts the real servers itself (``scripts/services up``: Elasticsearch,
S3, PostgreSQL, Redis), runs every section under ``bench/suite/sections`` in
order, writes ``docs/benchmarks.md`` and its PNG plots under
``docs/benchmarks/``, and exits 1 when a goal is not met.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.suite import machine, report  # noqa: E402
from bench.suite.model import Context, SectionResult  # noqa: E402

SECTIONS = ("storage", "extraction", "indexing", "search", "latency", "web", "load")
SERVERS = ("es", "s3", "pg", "redis")


def _services_env(start: bool) -> dict[str, str]:
    """The real servers' ``ONEWINDOW_TEST_*`` variables, starting them first when asked."""
    services = [sys.executable, str(ROOT / "scripts" / "services")]
    if start:
        subprocess.run([*services, "up", *SERVERS], check=True, stdout=sys.stderr)
    out = subprocess.run([*services, "env", "--prefix", "ONEWINDOW_TEST_"], check=True, capture_output=True, text=True)
    env: dict[str, str] = {}
    for line in out.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            key, _, value = line[len("export ") :].partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    return env


def _run_section(name: str, ctx: Context) -> SectionResult:
    module = importlib.import_module(f"bench.suite.sections.{name}")
    started = time.perf_counter()
    try:
        result: SectionResult = module.run(ctx)
    except Exception as exc:  # noqa: BLE001 - a broken section is reported as a goal not met, the others still run
        traceback.print_exc()
        result = report.failed(getattr(module, "TITLE", name), f"{type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - started
    print(
        f"[bench] {name}: {result.seconds:.0f} s, {sum(g.met for g in result.goals)}/{len(result.goals)} goals met",
        file=sys.stderr,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true")
    mode.add_argument("--full", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the goals and figures to this file")
    parser.add_argument("--only", help="comma-separated sections: " + ",".join(SECTIONS))
    parser.add_argument(
        "--largest", type=int, help="grow no collection past this many pages (larger goals: not measured)"
    )
    parser.add_argument("--no-services", action="store_true", help="do not start the servers (use the running ones)")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="where benchmarks.md goes")
    args = parser.parse_args(argv)

    names = args.only.split(",") if args.only else list(SECTIONS)
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    cache = Path(os.environ.get("ONEWINDOW_CACHE_DIR", "/var/cache/onewindow")) / "bench" / "suite"
    cache.mkdir(parents=True, exist_ok=True)
    env = _services_env(start=not args.no_services)
    started, t0 = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="onewindow-bench-"))
    try:
        ctx = Context(quick=args.quick, work=work, cache=cache, env=env, largest=args.largest)
        results = [_run_section(name, ctx) for name in names]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    data = report.run_json(
        ctx.mode, machine.describe(ROOT), started, time.perf_counter() - t0, results, largest=args.largest
    )
    if not args.only:
        report.write(args.docs, data, results)
    if args.json:
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    for goal in data["goals"]:
        mark = "met    " if goal["met"] else "NOT MET"
        print(f"{mark}  {goal['name']}: {goal['value']:.4g} (target {goal['target']:.4g})")
    return 0 if all(g["met"] for g in data["goals"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
