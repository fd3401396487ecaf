"""Exact before folded (issue #15): on every backend, the unit holding a term as typed ranks first.

Each case indexes the same text twice, once as the user types the query and once
in another script, width or case, with everything else equal; the newer dossier
would win the tie, so each case runs with either copy newer.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path

import opencc
import pytest
from search_corpus import LY, SHARED_TYPES, build_corpus

from indexers import DossierDoc, PageText, Scope, SearchIndex, SearchQuery, SearchResult, open_index

pytestmark = pytest.mark.backends

EVERYTHING = Scope.everything()
_S2T = opencc.OpenCC("s2t")

# (case, simplified/half-width/as-cased text, its other form, the term as found in each)
PAIRS = {
    "script": ("经营地址：青山村民宿，营业执照已登记", None, "营业执照"),
    "width": ("受理编号20260315号，限15日内办结", "受理编号２０２６０３１５号，限１５日内办结", "20260315"),
    "case": ("网站支持IPv6访问", "网站支持ipv6访问", "IPv6"),
}


def _other(case: str) -> tuple[str, str, str, str]:
    """Both texts and the term as written in each."""
    text, other, term = PAIRS[case]
    if other is None:
        return text, _S2T.convert(text), term, _S2T.convert(term)
    if case == "width":
        return text, other, term, term.translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)})
    return text, other, term, term.lower()


def _dossier(template: DossierDoc, dossier_id: str, text: str, newer: bool, **changes) -> DossierDoc:
    file = replace(template.files[0], file_id=f"{dossier_id}-f", pages=[PageText(1, text, "text")])
    completed = template.completed_at + timedelta(days=1 if newer else 0)
    return replace(template, dossier_id=dossier_id, title="办件材料", files=[file], completed_at=completed, **changes)


def _template() -> DossierDoc:
    return next(d for d in build_corpus() if d.dossier_id == "d-ms-001")


def _marks(result: SearchResult, dossier_id: str) -> list[str]:
    hit = next(h for h in result.hits if h.dossier_id == dossier_id)
    return re.findall(r"<mark>(.*?)</mark>", " ".join(x for f in hit.files for x in f.highlights))


def search(index: SearchIndex, q: str, scope: Scope = EVERYTHING) -> SearchResult:
    return index.search(SearchQuery(q=q, scope=scope))


@pytest.mark.parametrize("newer", ["first", "second"])
@pytest.mark.parametrize("case", list(PAIRS))
def test_the_copy_matching_as_typed_ranks_first_either_way(search_index, case, newer):
    first_text, second_text, first_term, second_term = _other(case)
    template = _template()
    search_index.index_many(
        [
            _dossier(template, "d-first", first_text, newer == "first"),
            _dossier(template, "d-second", second_text, newer == "second"),
        ]
    )
    for term, expected, other in ((first_term, "d-first", "d-second"), (second_term, "d-second", "d-first")):
        result = search(search_index, term)
        assert [h.dossier_id for h in result.hits] == [expected, other], term
        assert result.hits[0].score > result.hits[1].score, term
        assert result.total == 2 and result.facets["service"] == {template.service_code: 2}, term
        # Both copies are still marked as written.
        assert _marks(result, expected) == [term] and _marks(result, other) == [
            second_term if term == first_term else first_term
        ], term


def test_every_term_counts_and_unfoldable_terms_change_nothing(search_index):
    template = _template()
    search_index.index_many(
        [
            _dossier(template, "d-simplified", "青山村民宿营业执照，受理编号20260315", newer=False),
            _dossier(template, "d-mixed", "青山村民宿營業執照，受理编号２０２６０３１５", newer=True),
        ]
    )
    assert [h.dossier_id for h in search(search_index, "营业执照 20260315").hits] == ["d-simplified", "d-mixed"]
    assert [h.dossier_id for h in search(search_index, "營業執照 ２０２６０３１５").hits] == ["d-mixed", "d-simplified"]
    # 民宿 is written the same way in both: the newer wins the tie, as before.
    plain = search(search_index, "民宿")
    assert [h.dossier_id for h in plain.hits] == ["d-mixed", "d-simplified"]
    assert plain.hits[0].score == pytest.approx(plain.hits[1].score)


def test_a_copy_the_scope_cannot_see_neither_shows_nor_counts(search_index):
    template = _template()
    id_card = next(f for f in template.files if f.material_type == "id_card")
    others = Scope(departments=[LY], shared_material_types=list(SHARED_TYPES))

    def dossier(dossier_id: str, name: str, own: bool, newer: bool) -> DossierDoc:
        page = PageText(1, f"居民身份证 姓名 {name} 住址 青山村", "ocr")
        card = replace(id_card, file_id=f"{dossier_id}-id", pages=[page])
        departments = [LY] if own else ["SJ"]
        completed = template.completed_at + timedelta(days=1 if newer else 0)
        return replace(
            template,
            dossier_id=dossier_id,
            applicant_name=name,
            department_code=departments[0],
            departments=departments,
            files=[card],
            completed_at=completed,
        )

    search_index.index_many(
        [
            dossier("d-own-simplified", "陈美玲", own=True, newer=False),
            dossier("d-other-traditional", "陳美玲", own=False, newer=True),
            replace(dossier("d-other-unshared", "陳美玲", own=False, newer=True), files=[]),
        ]
    )
    result = search(search_index, "陳美玲", others)
    assert [h.dossier_id for h in result.hits] == ["d-other-traditional", "d-own-simplified"]
    assert result.total == 2
    other = json.dumps(asdict(result.hits[0]), ensure_ascii=False, default=str)
    assert "陳美玲" not in other, "another department's applicant stays masked"
    assert [h.dossier_id for h in search(search_index, "陈美玲", others).hits] == [
        "d-own-simplified",
        "d-other-traditional",
    ]


def test_backends_agree_on_folded_copies(search_index, tmp_path: Path):
    template = _template()
    docs = [
        _dossier(template, f"d-{case}-{n}", text, newer=n == 1)
        for case in PAIRS
        for n, text in enumerate(_other(case)[:2])
    ]
    reference = open_index(f"sqlite:///{tmp_path / 'reference' / 'index.db'}")
    try:
        for index in (reference, search_index):
            index.index_many(docs)
        for case in PAIRS:
            for q in _other(case)[2:]:
                a, b = search(reference, q), search(search_index, q)
                assert [h.dossier_id for h in a.hits] == [h.dossier_id for h in b.hits], q
                assert a.total == b.total and a.facets == b.facets, q
                for ha, hb in zip(a.hits, b.hits, strict=True):
                    assert ha.highlights == hb.highlights and ha.files == hb.files, q
                    assert ha.score == pytest.approx(hb.score, rel=0.25), q
    finally:
        reference.destroy()
