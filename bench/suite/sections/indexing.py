"""Indexing throughput on both backends, bulk against one page per request, and its growth with size."""

from __future__ import annotations

import secrets

from bench import search_latency as sl
from bench.suite import index_growth
from bench.suite.index_growth import Growth
from bench.suite.model import Context, Figure, Goal, SectionResult, Series

TITLE = "Indexing"
BULK_OVER_SINGLE = 20.0
# (one page per request, pages in the bulk call, rounds) per backend and mode
RATIO_SIZES = {
    ("embedded", True): (60, 3000, 2),
    ("embedded", False): (200, 20_000, 3),
    ("elasticsearch", True): (25, 2000, 2),
    ("elasticsearch", False): (100, 20_000, 3),
}
NOTES = """\
Pages/s: the generated archive (bench/search_latency.py: county service-centre documents, ~500
characters a page, 3 % traditional) indexed with `index_many` in chunks of at most 100k pages,
timed from the first document to the refresh that makes the last visible; the growth plots give the
rate of each step between two collection sizes. Bulk against one page per request: fresh indexes,
`index_dossier` of a one-page dossier per call (each call commits and is searchable on return, as an
index job is) against one `index_many` call of other one-page dossiers; the two alternate over the
rounds and each figure is the best of its rounds. Elasticsearch's small collection (10k pages) is
built fresh in every run; the kept 100k (and, full, 1M) collections, and the full run's embedded 10M
one, are built once per corpus and schema version (see Search)."""


def _ratio(ctx: Context, backend: str) -> dict[str, float]:
    singles, bulk, rounds = RATIO_SIZES[(backend, ctx.quick)]
    gen = sl.CorpusGenerator(seed=7)
    if backend == "embedded":
        return sl.bulk_vs_single(
            lambda label: f"sqlite:///{ctx.work / ('ratio-' + label)}/index.db", gen, singles, bulk, rounds
        )
    base, tag = (ctx.server("index") or "").split("?")[0], secrets.token_hex(3)
    return sl.bulk_vs_single(lambda label: f"{base}?prefix=owbench-ratio-{tag}-{label}", gen, singles, bulk, rounds)


def _throughput(result: SectionResult, growth: Growth) -> None:
    points = [p for p in growth.built if p.step_seconds]
    if not points:
        return
    pages = sum(p.step_pages for p in points)
    seconds = sum(p.step_seconds for p in points)
    result.figures.append(
        Figure(
            f"{growth.backend}: bulk indexing, 0 → {points[-1].pages:,} pages",
            pages / seconds,
            "pages/s",
            f"{seconds:.1f} s for {pages:,} pages in {points[-1].dossiers:,} dossiers",
        )
    )
    for kept in growth.kept:
        if kept.step_seconds:
            result.figures.append(
                Figure(
                    f"{growth.backend}: building the kept {kept.pages:,}-page collection",
                    kept.step_rate,
                    "pages/s",
                    "built in this run (the corpus or the schema version changed)",
                )
            )
    points = sorted(points + [k for k in growth.kept if k.step_seconds], key=lambda p: p.pages)
    result.series.append(
        Series(
            file=f"indexing-{growth.backend}.png",
            title=f"Indexing rate, {growth.backend}",
            x_label="collection size (pages)",
            y_label="pages/s of the step to this size",
            xs=[float(p.pages) for p in points],
            lines={growth.backend: [round(p.step_rate, 1) for p in points]},
            log_x=True,
        )
    )


def run(ctx: Context) -> SectionResult:
    result = SectionResult(TITLE, notes=NOTES)
    backends = ["embedded"] + (["elasticsearch"] if ctx.server("index") else [])
    for backend in backends:
        _throughput(result, index_growth.grown(ctx, backend))
        ratio = _ratio(ctx, backend)
        singles, bulk, rounds = RATIO_SIZES[(backend, ctx.quick)]
        result.goals.append(
            Goal(
                f"{backend}: bulk indexing over one page per request",
                ratio["bulk_over_single"],
                BULK_OVER_SINGLE,
                "×",
                "at_least",
                baseline=f"one page per request: {ratio['single_pages_per_s']:.1f} pages/s (best of {rounds})",
                detail=f"bulk {ratio['bulk_pages_per_s']:.0f} pages/s over {bulk:,} pages; {singles} single calls",
            )
        )
        result.figures += [
            Figure(f"{backend}: one page per request", ratio["single_pages_per_s"], "pages/s", f"{singles} calls"),
            Figure(f"{backend}: bulk of one-page dossiers", ratio["bulk_pages_per_s"], "pages/s", f"{bulk:,} pages"),
        ]
    if len(backends) == 1:
        result.notes += "\n\nElasticsearch was not running: its figures are missing."
    return result
