"""The corpus made a chunk ahead in a child process is the generator's own, dossier for dossier."""

from __future__ import annotations

import multiprocessing

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
