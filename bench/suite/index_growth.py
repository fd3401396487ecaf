"""Indexes grown from the shared corpus, with throughput, size and search latency at each size.

The indexing and search sections read the same growth (built once per run,
whichever section asks first), so the quick run indexes its 100k pages once.
The embedded index is built in the run's scratch folder every time; on
Elasticsearch a small collection is built fresh for the throughput figures
and the large ones are kept in the server between runs (built once, keyed by
the corpus and the index schema version), since building 100k pages there
alone takes longer than the quick run's budget. The full run's 10M-page
embedded collection is kept the same way, in the cache folder.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench import search_latency as sl
from indexers import DossierDoc, SearchIndex, SearchQuery, open_index, tokenize
from indexers import units as unit_layout
from indexers.query import plan_query

from . import archive_corpus
from .model import Context

QUICK_QUERIES = 240
FULL_QUERIES = 400
WARM_QUERIES = 20


@dataclass
class Checkpoint:
    pages: int
    dossiers: int
    step_pages: int
    step_seconds: float
    disk_bytes: int
    search: dict[str, float] = field(default_factory=dict)
    """``p50_ms``/``p95_ms`` ours, ``bare_p50_ms``/``bare_p95_ms`` the bare engine, ``queries``, ``with_hits``."""

    @property
    def step_rate(self) -> float:
        return self.step_pages / self.step_seconds if self.step_seconds else 0.0


@dataclass
class Growth:
    backend: str
    built: list[Checkpoint]
    """Sizes built in this run, in order: throughput, disk size, latency."""
    kept: list[Checkpoint] = field(default_factory=list)
    """Elasticsearch's kept collections: latency and size (throughput only when built in this run)."""
    notes: list[str] = field(default_factory=list)

    def latency_points(self) -> list[Checkpoint]:
        return sorted((c for c in self.built + self.kept if c.search), key=lambda c: c.pages)


_GROWN: dict[tuple[str, str, str], Growth] = {}


def grown(ctx: Context, backend: str) -> Growth:
    """The growth of ``backend`` ("embedded" or "elasticsearch") for this run, built on first use."""
    key = (backend, ctx.mode, str(ctx.work))
    if key not in _GROWN:
        _GROWN[key] = _embedded(ctx) if backend == "embedded" else _elastic(ctx)
    return _GROWN[key]


def embedded_stops(quick: bool) -> list[int]:
    small = [10_000, 20_000, 50_000, 100_000]
    return small if quick else [*small, 200_000, 500_000, 1_000_000]


# Past 1M pages the embedded index too is kept between runs (in the cache): growing it to 10M takes one to
# two hours on two cores, and its search latency is the figure a run needs. Its first build stops at these.
EMBEDDED_KEPT = 10_000_000
EMBEDDED_KEPT_STOPS = [2_000_000, 5_000_000, EMBEDDED_KEPT]


def _queries(ctx: Context, docs: list[DossierDoc], pages: int) -> list[SearchQuery]:
    count = QUICK_QUERIES if ctx.quick else FULL_QUERIES
    return sl.queries(archive_corpus.facts_of(docs, pages), random.Random(pages), count)


def _disk_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _latency(
    index: SearchIndex,
    bare: Callable[[SearchQuery], object],
    qs: list[SearchQuery],
    count: Callable[[SearchQuery], object] | None = None,
) -> dict[str, float]:
    """Ours and the bare engine (and ``count``, the exact count alone) on the same queries, interleaved
    query by query."""
    calls: list[Callable[[SearchQuery], object]] = [index.search, bare] + ([count] if count else [])
    for q in qs[:WARM_QUERIES]:
        for call in calls:
            call(q)
    times: list[list[float]] = [[] for _ in calls]
    cpu, hits = [], 0
    for i, q in enumerate(qs):
        for k in [(i + j) % len(calls) for j in range(len(calls))]:
            t, c = time.perf_counter(), time.process_time()
            result = calls[k](q)
            times[k].append((time.perf_counter() - t) * 1000)
            if k == 0:
                cpu.append((time.process_time() - c) * 1000)
                hits += bool(getattr(result, "hits", None))
    ours, base = times[0], times[1]
    counted = (
        {"count_p50_ms": sl.percentile(times[2], 50), "count_p95_ms": sl.percentile(times[2], 95)} if count else {}
    )
    return counted | {
        "p50_ms": sl.percentile(ours, 50),
        "p95_ms": sl.percentile(ours, 95),
        "bare_p50_ms": sl.percentile(base, 50),
        "bare_p95_ms": sl.percentile(base, 95),
        "mean_ms": statistics.fmean(ours),
        # this process's CPU per query (all its threads): what a shared machine's other load does not stretch
        "cpu_p50_ms": sl.percentile(cpu, 50),
        "cpu_p95_ms": sl.percentile(cpu, 95),
        "load_1min": os.getloadavg()[0],
        "queries": len(qs),
        "with_hits": hits,
    }


def _body_terms(q: SearchQuery) -> list[str]:
    return sorted(set(tokenize.match_tokens(tokenize.normalize(q.q)).split()))


def _bare_embedded(index: SearchIndex) -> Callable[[SearchQuery], object]:
    """The same words as one OR of body-field terms straight to tantivy: top 20, no highlights,
    facets, permission filter or payload decoding (what the engine alone costs)."""
    from tantivy import Occur, Query

    schema = index._schema  # type: ignore[attr-defined]

    def run(q: SearchQuery) -> object:
        terms = _body_terms(q)
        if not terms:
            return None
        query = Query.boolean_query([(Occur.Should, Query.term_query(schema, "body", t)) for t in terms])
        return index._open().searcher().search(query, limit=20, count=False)  # type: ignore[attr-defined]

    return run


def _count_embedded(index: SearchIndex) -> Callable[[SearchQuery], object]:
    """The query's matching units counted by tantivy on one thread, unranked, without facets or the page:
    the least that any answer with an exact total must do."""
    compiler = index._compiler  # type: ignore[attr-defined]

    def run(q: SearchQuery) -> object:
        plan = plan_query(q)
        parts = [p for p in (compiler.visible_dossiers(plan), compiler.visible_shared(plan)) if p is not None]
        searcher = index._open().searcher()  # type: ignore[attr-defined]
        # ordered by a fast field, so that nothing is scored
        query = compiler.query(plan, compiler.either(parts), with_boosts=False)
        return searcher.search(query, limit=1, count=True, order_by_field="completed_ts").count

    return run


def _grow(
    ctx: Context,
    index: SearchIndex,
    stops: list[int],
    bare: Callable[[SearchQuery], object],
    disk_bytes: Callable[[], int],
    search_from: int = 0,
    ahead: bool = False,
    count: Callable[[SearchQuery], object] | None = None,
) -> list[Checkpoint]:
    """Bulk-index the corpus up to each stop; at each, the pages/s of that step, the size on disk and
    (from ``search_from`` pages on) the search latency against ``bare``; ``ahead``: see ``batches``."""
    points: list[Checkpoint] = []
    done: list[DossierDoc] = []
    pages = dossiers = step_pages = 0
    step_seconds = 0.0
    for stop, chunk, last in archive_corpus.batches(ctx, stops, ahead=ahead):
        t = time.perf_counter()
        index.index_many(chunk)
        step_seconds += time.perf_counter() - t
        n = sl.page_count(chunk)
        pages, dossiers, step_pages = pages + n, dossiers + len(chunk), step_pages + n
        if len(done) < 50_000:
            done.extend(chunk[: 50_000 - len(done)])
        if not last:
            continue
        point = Checkpoint(pages, dossiers, step_pages, step_seconds, disk_bytes())
        if stop >= search_from:
            point.search = _latency(index, bare, _queries(ctx, done, stop), count)
        points.append(point)
        step_pages, step_seconds = 0, 0.0
    return points


def _embedded(ctx: Context) -> Growth:
    root = ctx.work / "embedded-growth"
    index = open_index(f"sqlite:///{root / 'index.db'}")
    try:
        disk = partial(_disk_bytes, index.root)  # type: ignore[attr-defined]
        stops = ctx.sizes(embedded_stops(ctx.quick))
        growth = Growth("embedded", _grow(ctx, index, stops, _bare_embedded(index), disk, count=_count_embedded(index)))
    finally:
        index.destroy()
    if not ctx.quick and ctx.sizes([EMBEDDED_KEPT]):
        growth.kept = _kept_embedded(ctx)
        if growth.kept[-1].step_seconds:
            growth.notes.append(
                f"the kept {EMBEDDED_KEPT:,}-page collection was (re)built in this run, its corpus made in a "
                "child process beside the indexing (so its build rates share the two cores)"
            )
    return growth


def _marker(path: Path, wanted: dict[str, Any], units: int) -> dict[str, Any] | None:
    """What a kept collection's marker says, if it was written for this corpus, schema and unit count."""
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return stored if stored.get("wanted") == wanted and stored.get("units") == units else None


def _write_marker(path: Path, wanted: dict[str, Any], units: int, point: Checkpoint) -> None:
    path.write_text(json.dumps({"wanted": wanted, "units": units, "pages": point.pages, "dossiers": point.dossiers}))


def _kept_embedded(ctx: Context) -> list[Checkpoint]:
    """The kept 10M-page embedded collection: its latency, or (built first) every stop of its build.

    A build interrupted half-way leaves no marker and is thrown away; kept collections of an older
    corpus are removed, as each holds ~16 GB."""
    name = f"embedded-{archive_corpus.fingerprint()}-{EMBEDDED_KEPT}"
    marker, root = ctx.cache / f"{name}.json", ctx.cache / name
    for old in ctx.cache.glob(f"embedded-*-{EMBEDDED_KEPT}*"):
        if old.name in (name, marker.name):
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()
    wanted = {"schema_version": unit_layout.SCHEMA_VERSION, "pages": EMBEDDED_KEPT}
    index = open_index(f"sqlite:///{root / 'index.db'}")
    try:
        disk = partial(_disk_bytes, index.root)  # type: ignore[attr-defined]
        stored = _marker(marker, wanted, index.describe()["units"])
        if stored is not None:
            point = Checkpoint(stored["pages"], stored["dossiers"], 0, 0.0, disk())
            docs = archive_corpus.sample_docs(ctx, EMBEDDED_KEPT)
            point.search = _latency(
                index, _bare_embedded(index), _queries(ctx, docs, EMBEDDED_KEPT), _count_embedded(index)
            )
            return [point]
        index.destroy()
        index = open_index(f"sqlite:///{root / 'index.db'}")
        points = _grow(
            ctx, index, EMBEDDED_KEPT_STOPS, _bare_embedded(index), disk, ahead=True, count=_count_embedded(index)
        )
        _write_marker(marker, wanted, index.describe()["units"], points[-1])
        return points
    finally:
        index.close()


# --- Elasticsearch ---------------------------------------------------------------


def _es_url(ctx: Context, prefix: str, shards: int = 1) -> str:
    base = (ctx.server("index") or "").split("?")[0]
    return f"{base}?prefix={prefix}" + (f"&shards={shards}" if shards > 1 else "")


def _es_bare(index: SearchIndex) -> Callable[[SearchQuery], object]:
    client, alias = index._client, index.alias  # type: ignore[attr-defined]

    def run(q: SearchQuery) -> object:
        terms = _body_terms(q)
        if not terms:
            return None
        return client.search(
            index=alias, query={"match": {"body": " ".join(terms)}}, size=20, source=False, track_total_hits=False
        )

    return run


def _es_disk_bytes(index: SearchIndex) -> int:
    client, alias = index._client, index.alias  # type: ignore[attr-defined]
    client.indices.refresh(index=alias)
    stats = client.indices.stats(index=alias, metric="store").body
    return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])


def _es_grow(ctx: Context, index: SearchIndex, stops: list[int], search_from: int) -> list[Checkpoint]:
    return _grow(ctx, index, stops, _es_bare(index), partial(_es_disk_bytes, index), search_from)


# A collection this large is split across the node's two cores (searched with global term statistics, so the
# ranking is a one-shard index's): the ``shards`` parameter of the index URL (README).
KEPT_SHARDS = {1_000_000: 2}


def _rebuilt(ctx: Context, index: SearchIndex, size: int) -> Checkpoint:
    """A ``size``-page collection loaded as a centre moving to Elasticsearch loads its archive: one
    ``rebuild`` (bulk load, segments merged, then the alias swapped). Its pages/s leave out the time
    spent making the corpus."""
    made = {"pages": 0, "dossiers": 0, "seconds": 0.0}

    def docs() -> Iterator[DossierDoc]:
        chunks = archive_corpus.batches(ctx, [size])
        while True:
            t = time.perf_counter()
            _stop, chunk, last = next(chunks)
            made["seconds"] += time.perf_counter() - t
            made["pages"] += sl.page_count(chunk)
            made["dossiers"] += len(chunk)
            yield from chunk
            if last:
                return

    began = time.perf_counter()
    index.rebuild(docs())
    seconds = time.perf_counter() - began - made["seconds"]
    pages = int(made["pages"])
    return Checkpoint(pages, int(made["dossiers"]), pages, seconds, _es_disk_bytes(index))


def _kept(ctx: Context, size: int) -> Checkpoint:
    """The kept ``size``-page collection on the server, built first if missing or stale."""
    shards = KEPT_SHARDS.get(size, 1)
    prefix = f"owbench-{archive_corpus.fingerprint()}-{size}" + (f"-s{shards}" if shards > 1 else "")
    marker = ctx.cache / f"es-{prefix}.json"
    index = open_index(_es_url(ctx, prefix, shards))
    try:
        wanted = {"schema_version": unit_layout.SCHEMA_VERSION, "pages": size, "loaded_by": "rebuild"}
        stored = _marker(marker, wanted, index.describe()["units"])
        if stored is not None:
            point = Checkpoint(stored["pages"], stored["dossiers"], 0, 0.0, _es_disk_bytes(index))
        else:
            index.destroy()
            index = open_index(_es_url(ctx, prefix, shards))
            point = _rebuilt(ctx, index, size)
            _write_marker(marker, wanted, index.describe()["units"], point)
        docs = archive_corpus.sample_docs(ctx, size)
        point.search = _latency(index, _es_bare(index), _queries(ctx, docs, size))
        return point
    finally:
        index.close()


def _elastic(ctx: Context) -> Growth:
    growth = Growth("elasticsearch", [])
    if not ctx.server("index"):
        growth.notes.append("Elasticsearch was not running: no figures.")
        return growth
    index = open_index(_es_url(ctx, f"owbench-run-{secrets.token_hex(3)}"))
    try:
        growth.built = _es_grow(ctx, index, [10_000], search_from=10_000)
    finally:
        index.destroy()
        index.close()
    for size in ctx.sizes([100_000] if ctx.quick else [100_000, 1_000_000]):
        point = _kept(ctx, size)
        if point.step_seconds:
            growth.notes.append(f"the kept {size:,}-page collection was (re)built in this run")
        growth.kept.append(point)
    return growth
