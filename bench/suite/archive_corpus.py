"""The synthetic archive the indexing and search sections share, cached under ``ctx.cache``.

The corpus is bench/search_latency.py's deterministic generator; a cached
copy is keyed by a hash of that file, so changing the generator regenerates
it. Collections larger than ``CACHE_PAGES`` are streamed from the generator
(a pickled 10M-page corpus would be about 12 GB), for the kept 10M-page
collection from a child process a few chunks ahead of the indexing.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import queue
import random
import re
from collections.abc import Iterator
from pathlib import Path

from bench import search_latency as sl
from indexers import DossierDoc

from .model import Context

CACHE_PAGES = 200_000
SAMPLED_FACTS = 2000
_LICENCE = re.compile(r"JY\d{14}")


def fingerprint() -> str:
    """Changes whenever the generator's source does."""
    return hashlib.sha256(Path(sl.__file__).read_bytes()).hexdigest()[:12]


def _cached(ctx: Context, pages: int) -> list[DossierDoc]:
    path = ctx.cache / f"corpus-{fingerprint()}-{pages}.pickle"
    if path.exists():
        with path.open("rb") as fh:
            docs: list[DossierDoc] = pickle.load(fh)
        return docs
    docs = list(sl.CorpusGenerator().dossiers(pages))
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(docs, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return docs


def _hand_over(out: multiprocessing.Queue, item: list[DossierDoc] | None) -> bool:
    """Put ``item`` once there is room; False if the parent died meanwhile (killed, it cannot stop us,
    and a full queue would keep this child waiting for ever)."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            out.put(item, timeout=2)
            return True
        except queue.Full:
            if parent is not None and not parent.is_alive():
                out.cancel_join_thread()  # what the queue holds can never be read: exit without flushing it
                return False


def _produce(pages: int, out: multiprocessing.Queue) -> None:
    chunk: list[DossierDoc] = []
    for doc in sl.CorpusGenerator().dossiers(pages):
        chunk.append(doc)
        if len(chunk) == 1000:
            if not _hand_over(out, chunk):
                return
            chunk = []
    if _hand_over(out, chunk):
        _hand_over(out, None)


def generated_ahead(pages: int) -> Iterator[DossierDoc]:
    """The generator's dossiers, made in a child process: making a 10M-page corpus in Python costs
    about as much CPU as indexing it, and so the two run on the two cores (at most ~8 chunks ahead)."""
    spawn = multiprocessing.get_context("spawn")
    chunks: multiprocessing.Queue = spawn.Queue(maxsize=8)
    child = spawn.Process(target=_produce, args=(pages, chunks), daemon=True)
    child.start()
    try:
        while True:
            try:
                chunk = chunks.get(timeout=5)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"the corpus generator exited with code {child.exitcode}") from None
                continue
            if chunk is None:
                return
            yield from chunk
    finally:
        child.kill()
        child.join()


def batches(
    ctx: Context, stops: list[int], most: int = 100_000, ahead: bool = False
) -> Iterator[tuple[int, list[DossierDoc], bool]]:
    """Dossiers in the generator's order (every size is a prefix of the next) in chunks of at most
    ``most`` pages: ``(stop, chunk, last)``, ``last`` when the chunk brings the collection to ``stop``.
    ``ahead``: generated in a child process (``generated_ahead``)."""
    top = stops[-1]
    source: Iterator[DossierDoc]
    if top <= CACHE_PAGES:
        source = iter(_cached(ctx, top))
    else:
        source = generated_ahead(top) if ahead else sl.CorpusGenerator().dossiers(top)
    made = 0
    for stop in stops:
        chunk: list[DossierDoc] = []
        size = 0
        while made < stop:
            doc = next(source, None)
            if doc is None:
                break
            chunk.append(doc)
            pages = sum(len(f.pages) for f in doc.files)
            made, size = made + pages, size + pages
            if size >= most and made < stop:
                yield stop, chunk, False
                chunk, size = [], 0
        yield stop, chunk, True


def sample_docs(ctx: Context, pages: int) -> list[DossierDoc]:
    """The first ``pages`` pages' dossiers (at most ``CACHE_PAGES``), for queries about what is indexed."""
    return _cached(ctx, min(pages, CACHE_PAGES))


def facts_of(docs: list[DossierDoc], seed: int) -> sl.Facts:
    """Names, ID numbers and licence numbers that occur in ``docs``, for queries that find something."""
    rng = random.Random(seed)
    sample = rng.sample(docs, min(SAMPLED_FACTS, len(docs)))
    facts = sl.Facts([], [], [])
    for doc in sample:
        facts.names.append(doc.applicant_name)
        facts.ids.append(doc.applicant_id_number)
        found = _LICENCE.search(" ".join(p.text for f in doc.files for p in f.pages))
        if found:
            facts.licences.append(found.group())
    if not facts.licences:
        facts.licences.append("JY00000000000000")
    return facts
