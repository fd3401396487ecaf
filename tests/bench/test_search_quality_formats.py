"""The OFD and HEIC part of the search quality benchmark (bench/search_quality/formats.py).

Its subsets must stay apart from the scanned documents (those are indexed from
their JPEGs), its answer recall must count what the README says, and an OFD it
writes must read back as the text laid out on its pages. Nothing is indexed
and no HEIC is encoded here (x265 takes seconds a page).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "search_quality"


@pytest.fixture(scope="module")
def formats():
    spec = importlib.util.spec_from_file_location("bench_search_quality_formats", BENCH / "formats.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def docs(formats):
    return formats.load_jsonl(formats.CORPUS)


def test_subsets_are_disjoint_short_enough_and_apart_from_the_scans(formats, docs):
    manifest = {"documents": {d["id"]: {"scan": []} for d in docs}}
    ofd, heic = formats.subsets(docs, manifest)
    assert (len(ofd), len(heic)) == (formats.OFD_DOCS, formats.HEIC_DOCS)
    assert not set(ofd) & set(heic)
    assert not (set(ofd) | set(heic)) & set(formats.generate.scan_subset(docs))
    lengths = {d["id"]: len(d["text"]) for d in docs}
    assert all(lengths[d] <= formats.HEIC_MAX_CHARS for d in heic)
    assert formats.subsets(docs, manifest) == (ofd, heic), "seeded"


def test_answer_recall_counts_pairs_of_small_answer_sets(formats):
    queries = [
        {"id": "a", "relevant": ["x", "y"]},
        {"id": "b", "relevant": ["x"]},
        {"id": "c", "relevant": [f"d{i}" for i in range(11)] + ["x"]},  # more than 10 relevant: not counted
        {"id": "d", "relevant": []},
    ]
    run = {"results": [{"id": "a", "ids": ["y", "x"]}, {"id": "b", "ids": []}, {"id": "c", "ids": []}]}
    run["results"].append({"id": "d", "ids": []})
    assert formats.pair_recall(queries, run, {"x"}) == (0.5, 2, ["b:x"])
    assert formats.pair_recall(queries, run, {"z"}) == (None, 0, [])


def test_a_written_ofd_reads_back_as_its_laid_out_text(formats, docs, tmp_path):
    from indexers.extract import extract_text

    try:
        layout = formats.generate.Layout(formats.generate.find_font())
    except SystemExit as missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {missing}")
        pytest.skip(str(missing))
    doc = next(d for d in docs if 1500 < len(d["text"]) < 4000)
    page_texts = formats.generate.page_texts(layout.pages(doc["text"]))
    path = tmp_path / "doc.ofd"
    formats._ofd_writer().make_ofd(path, page_texts, with_image=False, per_line=formats.OFD_LINE)
    pages = extract_text(path)
    assert len(pages) == len(page_texts) > 1
    for page, expected in zip(pages, page_texts, strict=True):
        assert formats.normalise(page.text) == formats.normalise(expected)
