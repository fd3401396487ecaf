"""Requests/s of the service-guide page and the status API under ``onewindow serve``, against a bare WSGI app."""

from __future__ import annotations

import contextlib

import requests

from bench.suite import applicants, serving, wrk
from bench.suite.model import Context, Figure, Goal, SectionResult

TITLE = "Web: service guide and status API against a bare WSGI app"
TARGET = 0.5
CONNECTIONS = 16


def _targets(base: str) -> dict[str, tuple[str, str]]:
    """name -> (path, label) of what is measured; the status path needs a submitted case."""
    case = applicants.register(base, 1, submitted=1, first=9000)[0]
    return {
        "guide": (f"/services/{applicants.SERVICE}", "service-guide page"),
        "status": (f"/api/v1/track/{case.tracking_number}?phone_last4={case.phone[-4:]}", "status API"),
    }


def run(ctx: Context) -> SectionResult:
    rounds, seconds = (1, 8.0) if ctx.quick else (3, 10.0)
    defaults = serving.serve_defaults()
    result = SectionResult(TITLE)
    best: dict[tuple[str, str], wrk.WrkResult] = {}
    costs: dict[tuple[str, str], tuple[float, float]] = {}  # CPU ms and context switches per request, best run
    with contextlib.ExitStack() as stack:
        ours = stack.enter_context(serving.production(ctx.work / "web" / "data"))
        targets = _targets(ours.url)
        refs: dict[str, dict[str, serving.Server]] = {}
        sizes: dict[str, int] = {}
        for name, (path, _) in targets.items():
            answer = requests.get(ours.url + path, headers={"X-Forwarded-For": "10.9.9.9"}, timeout=30)
            answer.raise_for_status()
            sizes[name] = len(answer.content)
            kind = answer.headers["Content-Type"]
            refs[name] = {
                who: stack.enter_context(
                    serving.bare(ctx.work / "web" / f"{name}-{who}", sizes[name], kind, flask=flask)
                )
                for who, flask in (("bare", False), ("flask", True))
            }
        for _ in range(rounds):  # interleaved: ours, bare, flask, ours ... so drift hits all alike
            for name, (path, _) in targets.items():
                for who, server in (("ours", ours), *refs[name].items()):
                    cpu, switches = server.usage()
                    got = wrk.run(server.url + path, seconds, connections=CONNECTIONS, threads=1, work=ctx.work)
                    if got.bad_answers:
                        raise RuntimeError(f"{who} {path}: {got.bad_answers} bad of {got.requests} ({got.kinds})")
                    if (name, who) not in best or got.requests_per_s > best[name, who].requests_per_s:
                        best[name, who] = got
                        cpu_after, switches_after = server.usage()
                        costs[name, who] = (
                            (cpu_after - cpu) * 1000 / got.requests,
                            (switches_after - switches) / got.requests,
                        )
        peak = ours.peak_rss_mb()
    for name, (_, label) in targets.items():
        mine, base = best[name, "ours"], best[name, "bare"]
        result.goals.append(
            Goal(
                f"{label} requests/s ÷ bare WSGI app",
                mine.requests_per_s / base.requests_per_s,
                TARGET,
                "×",
                "at_least",
                f"bare WSGI app, {sizes[name]:,} B body, same gunicorn settings: {base.requests_per_s:,.0f} req/s",
            )
        )
        result.figures += [
            Figure(f"{label}: requests/s", mine.requests_per_s, "req/s", f"p99 {mine.latency_p99_ms:.1f} ms"),
            Figure(f"bare WSGI app ({name} body): requests/s", base.requests_per_s, "req/s"),
            *(
                Figure(
                    f"{label}, {who}: server CPU and context switches per request",
                    costs[name, key][0],
                    "ms",
                    f"{costs[name, key][1]:.0f} context switches per request",
                )
                for key, who in (("ours", "ours"), ("bare", "bare WSGI app"))
            ),
            Figure(
                f"one-view Flask app ({name} body): requests/s",
                best[name, "flask"].requests_per_s,
                "req/s",
                f"{best[name, 'flask'].requests_per_s / base.requests_per_s:.2f}× the bare app; ours is "
                f"{mine.requests_per_s / best[name, 'flask'].requests_per_s:.2f}× it",
            ),
        ]
    result.figures.append(Figure("server peak memory (all processes)", sum(peak.values()), "MB"))
    result.notes = (
        f"`onewindow serve --demo` (gunicorn gthread, {defaults['workers']} worker(s) × {defaults['threads']} "
        "threads, embedded defaults, access log on) against a hello-world WSGI callable returning a body of the "
        "same size and type under the very options `gunicorn_options` gives ours.\n"
        f"Load from `wrk -t1 -c{CONNECTIONS}` with keep-alive, every request from its own `X-Forwarded-For` "
        "address (one trusted proxy hop), so the per-address tracking budget is not what is measured.\n"
        f"{rounds} round(s) of {seconds:.0f} s per target and server, ours and the baseline interleaved; best of the "
        "rounds. "
        "Any non-2xx answer fails the section.\n"
        "The status API is `GET /api/v1/track/{number}?phone_last4=` of a case submitted through the API.\n"
        "A one-view Flask app under the same server is the second reference: what the framework alone costs.\n"
        "What costs what: a status lookup whose case is found and a guide page held by the in-process cache "
        "(server/web/page_cache.py) are answered beneath Flask (server/web/public_lane.py, inside ProxyFix, same "
        "budgets, headers and cookies; everything else goes on to Flask).\n"
        "Under the production server what a request costs is set less by its own CPU than by how often it lets "
        "go of the GIL: with a dozen request threads waiting, every release (pysqlite releases it at every step, "
        "fetched column and reset; zlib and os.urandom at every call) is a hand-off between threads, and perf "
        "put ~40 % of the worker's CPU in the kernel's scheduler under take_gil. Before the fix (2026-12-02) a "
        "status lookup cost 0.31 ms in process but 2.4-3.2 ms of server CPU and 50-75 context switches under 16 "
        "connections (0.34-0.45x); a guide hit 0.15 ms in process, 33 switches (0.47-0.50x). The fix: a found "
        "case's answer is kept until the database next commits (server/db_changes.py: SQLite's data_version, "
        "looked at on every lookup, so a kept answer is exactly what a query would give; on PostgreSQL every "
        "lookup queries), and the guide's token and session cookie skip itsdangerous's zlib attempt (random "
        "hex never compresses; same bytes) with their headers written out (0.076 ms in process). The look at "
        "data_version is itself ~15 of the status lookup's switches: answering without it gave 0.69x.\n"
    )
    return result
