"""The corpus made a chunk ahead in a child process is the generator's own, dossier for dossier."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from bench import search_latency as sl
from bench.suite import archive_corpus


def test_generated_ahead_equals_the_generator() -> None:
    ahead = list(archive_corpus.generated_ahead(15_000))
    assert ahead == list(sl.CorpusGenerator().dossiers(15_000))
    assert len(ahead) > 1000, "more than one chunk crossed the queue"


def test_generated_ahead_stops_its_child_when_dropped() -> None:
    stream = archive_corpus.generated_ahead(10_000_000)
    first = next(stream)
    assert multiprocessing.active_children()
    stream.close()
    assert not multiprocessing.active_children()
    assert first == next(sl.CorpusGenerator().dossiers(10))


def _killed_parent(pages: int, report: multiprocessing.Queue) -> None:
    """A parent that starts the stream, says who its generator child is, and is then killed."""
    stream = archive_corpus.generated_ahead(pages)
    next(stream)
    report.put([p.pid for p in multiprocessing.active_children()])
    time.sleep(600)


def test_the_generator_child_exits_when_its_parent_is_killed() -> None:
    spawn = multiprocessing.get_context("spawn")
    report: multiprocessing.Queue = spawn.Queue()
    parent = spawn.Process(target=_killed_parent, args=(10_000_000, report))
    parent.start()
    try:
        [child] = report.get(timeout=120)
    finally:
        parent.kill()
        parent.join()
    deadline = time.monotonic() + 60
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(child), "the generator child outlived its killed parent"


def _alive(pid: int) -> bool:
    """Running: neither gone nor a zombie waiting for its new parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
