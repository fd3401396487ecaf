"""The same behaviour on every index backend (embedded tantivy and Elasticsearch).

Each test runs once per backend through the ``index_url`` fixture; a final test
runs a set of queries on both and requires identical answers.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from elasticsearch import Elasticsearch
from search_corpus import LY, SHARED_TYPES, SJ, XF, ZJ, build_corpus

from indexers import DossierDoc, IndexUnavailable, Scope, SearchIndex, SearchQuery, SearchResult, open_index
from indexers import units as unit_layout
from indexers.tokenize import join_cjk_lines, normalize

pytestmark = pytest.mark.backends

EVERYTHING = Scope.everything()
TOURISM = Scope(departments=[LY], shared_material_types=list(SHARED_TYPES))


def search(index: SearchIndex, q: str = "", scope: Scope = EVERYTHING, **kwargs) -> SearchResult:
    return index.search(SearchQuery(q=q, scope=scope, **kwargs))


def ids(result: SearchResult) -> set[str]:
    return {hit.dossier_id for hit in result.hits}


def file_ids(result: SearchResult, dossier_id: str) -> set[str]:
    hit = next(h for h in result.hits if h.dossier_id == dossier_id)
    return {f.file_id for f in hit.files}


def folded(text: str) -> str:
    return join_cjk_lines(normalize(text))


def visible_text(doc: DossierDoc, scope: Scope) -> str:
    """What a scope may search in a dossier, folded like the index folds it."""
    whole = scope.all or bool(set(doc.allowed_departments) & set(scope.departments))
    files = [f for f in doc.files if whole or (f.shared and f.material_type in scope.shared_material_types)]
    if not whole and not files:
        return ""
    parts = [doc.applicant_name, doc.applicant_id_number]  # others' shared files: identity only
    if whole:
        parts += [doc.title, doc.archival_code, doc.service_name]
    for f in files:
        parts += [f.name, f.material_type_name, "\n".join(p.text for p in f.pages)]
    return folded("\n|\n".join(parts))


# --- Chinese matching --------------------------------------------------------


def test_two_character_word_matches_everywhere_including_inside_longer_runs(loaded):
    result = search(loaded, "民宿")
    # d-ms-003 says only 大溪村民宿 (jieba: 村民 + 宿); d-sp-002 has 村民住宿, which is not 民宿.
    assert ids(result) == {"d-ms-001", "d-ms-003", "d-ms-004"}
    assert result.total == 3


def test_word_broken_across_lines_is_one_phrase(loaded):
    result = search(loaded, "申请事项：开办民宿")
    assert ids(result) == {"d-ms-001"}


def test_phrase_is_exact_not_a_bag_of_bigrams(loaded):
    assert ids(search(loaded, "民宿开办")) == {"d-ms-001"}  # only 民宿开办申请表 has that order
    assert ids(search(loaded, "宿民")) == set()


def test_long_phrase_never_joins_two_runs(search_index, corpus):
    """A phrase of 4-grams must not be satisfied by the end of one run and the start of the next."""
    template = corpus[0]
    page = lambda text: [replace(template.files[0], pages=[replace(template.files[0].pages[0], text=text)])]  # noqa: E731
    search_index.index_many(
        [
            replace(template, dossier_id="d-split", title="甲", files=page("经营地址：青山民宿，山民宿村东侧")),
            replace(template, dossier_id="d-whole", title="乙", files=page("经营地址：青山民宿村东侧")),
        ]
    )
    assert ids(search(search_index, "青山民宿村")) == {"d-whole"}
    assert ids(search(search_index, "青山民宿")) == {"d-split", "d-whole"}
    assert ids(search(search_index, "山民宿村")) == {"d-split", "d-whole"}


def test_traditional_and_simplified_match_each_other(loaded):
    assert ids(search(loaded, "营业执照")) == {"d-sp-002", "d-gg-005"}
    assert ids(search(loaded, "營業執照")) == {"d-sp-002", "d-gg-005"}
    assert ids(search(loaded, "开办民宿申请")) == {"d-ms-004"}
    assert ids(search(loaded, "消防设施")) == {"d-ms-004"}


def test_full_width_and_half_width_digits_match(loaded):
    assert ids(search(loaded, "2031年3月31日")) == {"d-sp-002"}
    assert ids(search(loaded, "２０３１年")) == {"d-sp-002"}
    assert ids(search(loaded, "ＪＹ13301020012345")) == {"d-sp-002"}


def test_numbers_are_whole_tokens_not_glued_to_chinese(loaded):
    assert ids(search(loaded, "0012345")) == {"d-ms-001"}
    assert ids(search(loaded, "第0012345号")) == {"d-ms-001"}
    assert ids(search(loaded, "12345")) == set()


def test_identifiers_match_exactly(loaded):
    assert ids(search(loaded, "33010219900101123X")) == {"d-ms-001"}
    assert ids(search(loaded, "33010219900101123x")) == {"d-ms-001"}
    assert ids(search(loaded, "3301021990")) == set()
    assert ids(search(loaded, "13800001234")) == {"d-ms-001"}  # written 138-0000-1234
    assert ids(search(loaded, "91330102ma2h1xxx0y")) == {"d-sp-002"}
    assert ids(search(loaded, "0001-2026-30Y-MSCJ-00012")) == {"d-ms-001"}


def test_single_character_query(loaded):
    assert ids(search(loaded, "宿")) == {"d-ms-001", "d-sp-002", "d-ms-003", "d-ms-004"}


def test_metadata_is_searchable(loaded):
    assert ids(search(loaded, "张三丰")) == {"d-ms-001"}
    assert ids(search(loaded, "陈美玲")) == {"d-ms-004"}
    assert ids(search(loaded, "房屋产权证明")) == {"d-ms-001"}  # the material type's name
    assert ids(search(loaded, "MSCJ")) == {"d-ms-001", "d-ms-003", "d-ms-004"}


def test_terms_are_anded_and_no_hit_fails_a_term(loaded, corpus):
    by_id = {d.dossier_id: d for d in corpus}
    for q in ("民宿 消防", "青山 营业执照", "青山村 张三丰 灭火器", "食品 李四"):
        result = search(loaded, q)
        assert result.hits, q
        for hit in result.hits:
            text = visible_text(by_id[hit.dossier_id], EVERYTHING)
            for term in q.split():
                assert folded(term) in text, (q, hit.dossier_id, term)
    assert ids(search(loaded, "民宿 消防")) == {"d-ms-001", "d-ms-004"}
    assert ids(search(loaded, "民宿 不存在的词")) == set()


def test_punctuation_only_terms_are_ignored(loaded):
    assert ids(search(loaded, "民宿 ，")) == ids(search(loaded, "民宿"))


# --- filters, paging, facets ---------------------------------------------------


def test_filters(loaded):
    assert ids(search(loaded, service="kbms")) == {"d-ms-001", "d-ms-003", "d-ms-004"}
    assert ids(search(loaded, department=XF)) == {"d-ms-001", "d-xf-006"}
    assert ids(search(loaded, material_type="fire_inspection")) == {"d-ms-001", "d-xf-006"}
    assert ids(search(loaded, applicant_id="33010219900101123x")) == {"d-ms-001"}
    assert ids(search(loaded, "青山", service="spjy")) == {"d-sp-002"}


def test_date_range_is_inclusive_calendar_days_in_china_time(loaded):
    march = search(loaded, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert ids(march) == {"d-ms-001", "d-gg-005"}  # d-gg-005 completed 2026-03-31 23:30 +08:00
    assert ids(search(loaded, date_from=date(2026, 4, 1))) == {"d-sp-002", "d-xf-006"}
    assert ids(search(loaded, date_to=date(2026, 1, 31))) == {"d-ms-004"}


def test_paging_and_total(loaded):
    seen: list[str] = []
    for page in (1, 2, 3):
        result = search(loaded, per_page=2, page=page)
        assert result.total == 6
        assert len(result.hits) == 2
        seen += [h.dossier_id for h in result.hits]
    assert len(set(seen)) == 6
    # Without terms, newest first.
    assert seen[0] == "d-xf-006" and seen[-1] == "d-ms-004"
    assert search(loaded, per_page=2, page=4).hits == []


def test_facets_count_dossiers(loaded):
    result = search(loaded, "青山")
    assert result.total == len(result.hits)
    services: dict[str, int] = {}
    for hit in result.hits:
        services[hit.service_code] = services.get(hit.service_code, 0) + 1
    assert result.facets["service"] == services
    assert result.facets["department"][SJ] == 2  # d-sp-002 and d-ms-001 (routed to SJ)
    assert result.facets["material_type"]["business_licence"] == 2


def test_highlights_mark_matches_and_escape_html(loaded):
    result = search(loaded, "民宿")
    for hit in result.hits:
        assert any("<mark>" in h for h in hit.highlights), hit
        for f in hit.files:
            assert all("<mark>" in h for h in f.highlights)
    fire = search(loaded, "消防安全检查申报表")
    texts = [h for hit in fire.hits for f in hit.files for h in f.highlights]
    assert any("<mark>消防安全检查申报表</mark>" in t for t in texts)
    assert all("<" not in t.replace("<mark>", "").replace("</mark>", "") for t in texts)
    script = search(loaded, "alert")
    assert script.hits[0].files[0].highlights[0].startswith("&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;")
    licence = search(loaded, "统一社会信用代码 91330102MA2H1XXX0Y")
    marks = re.findall(r"<mark>(.*?)</mark>", " ".join(h for f in licence.hits[0].files for h in f.highlights))
    assert "統一社會信用代碼" in marks and "91330102MA2H1XXX0Y" in marks  # marked as written


def test_file_hits_name_the_files_that_match(loaded):
    result = search(loaded, "灭火器")
    assert file_ids(result, "d-ms-001") == {"f-001-fire"}


# --- permissions ---------------------------------------------------------------


def test_department_sees_its_dossiers_whole(loaded):
    result = search(loaded, "民宿", TOURISM)
    assert ids(result) == {"d-ms-001", "d-ms-003", "d-ms-004"}
    assert ids(search(loaded, "灭火器", TOURISM)) == {"d-ms-001", "d-ms-004"}


def test_other_departments_shared_files_are_visible_file_only(loaded):
    result = search(loaded, "李四", TOURISM)
    assert ids(result) == {"d-sp-002"}
    assert file_ids(result, "d-sp-002") == {"f-002-lic", "f-002-result"}
    licence = search(loaded, "JY13301020012345", TOURISM)
    assert ids(licence) == {"d-sp-002"}
    assert file_ids(licence, "d-sp-002") == {"f-002-result"}  # the application form also says it


def test_other_departments_unshared_files_are_invisible(loaded):
    assert search(loaded, "食品安全管理制度", TOURISM).total == 0
    assert search(loaded, "预包装食品", TOURISM).total == 0
    assert search(loaded, "青山大酒店", TOURISM).total == 0
    only_ids = Scope(departments=[LY], shared_material_types=["id_card"])
    assert search(loaded, "李四", only_ids).total == 0


def test_a_type_no_longer_shared_hides_the_dossiers_holding_it(loaded):
    # d-sp-002's business licence was shared when sealed; now only food licences are.
    food_only = Scope(
        departments=[LY], shared_material_types=["food_licence"], withheld_material_types=["business_licence"]
    )
    assert search(loaded, "青山副食品店", food_only).total == 0  # the licence's text
    assert search(loaded, "李四", food_only).total == 0  # nor through the food licence
    assert ids(search(loaded, "李四", Scope(departments=[LY], shared_material_types=["food_licence"]))) == {"d-sp-002"}


def test_long_lists_in_a_scope_filter_as_the_short_ones(loaded):
    """A scope's departments and types become a union of term queries, or a term set past
    ``UNION_MAX`` values on the embedded backend: the same dossiers, counts, facets and scores."""
    for extra in (2, 40):
        padded = Scope(
            departments=[LY, *(f"NOPE{n}" for n in range(extra))],
            shared_material_types=[*SHARED_TYPES, *(f"nope_{n}" for n in range(extra))],
            withheld_material_types=[f"gone_{n}" for n in range(extra)],
        )
        for q in ("青山", "李四", "民宿", ""):
            assert search(loaded, q, padded) == search(loaded, q, TOURISM), (extra, q)
        food_only = Scope(
            departments=[LY, "NOPE"],
            shared_material_types=["food_licence"],
            withheld_material_types=["business_licence", *(f"gone_{n}" for n in range(extra))],
        )
        assert search(loaded, "李四", food_only).total == 0


def test_counts_and_facets_respect_the_scope(loaded, corpus):
    result = search(loaded, "青山", TOURISM)
    expected = {d.dossier_id for d in corpus if folded("青山") in visible_text(d, TOURISM)}
    assert ids(result) == expected == {"d-ms-001", "d-ms-004", "d-sp-002", "d-gg-005"}
    assert result.total == 4
    assert result.facets["service"] == {"kbms": 2, "spjy": 1, "hwgg": 1}
    assert result.facets["department"] == {LY: 2, SJ: 2, XF: 1, ZJ: 1}
    # Own dossiers count every type they hold; others' only the shared types they hold
    # (d-sp-002's food licence counts although 青山 is only in its business licence).
    assert result.facets["material_type"] == {
        "application_form": 2,
        "business_licence": 2,
        "fire_inspection": 1,
        "food_licence": 1,
        "id_card": 1,
        "property_certificate": 1,
    }
    everything = search(loaded, scope=TOURISM)
    assert everything.total == 5  # own 3 + d-sp-002 and d-gg-005 through shared files; not d-xf-006


def test_counts_of_others_shared_files_are_exact_at_any_size(search_index, corpus):
    """Each dossier seen through several shared files counts once, however many match."""
    template = next(d for d in corpus if d.dossier_id == "d-sp-002")
    licence = next(f for f in template.files if f.material_type == "business_licence")
    food = next(f for f in template.files if f.material_type == "food_licence")
    copies = [
        replace(
            template,
            dossier_id=f"d-copy-{n:04d}",
            files=[replace(licence, file_id=f"lic-{n}"), replace(food, file_id=f"food-{n}")],
        )
        for n in range(450)
    ]
    search_index.index_many(copies)
    result = search(search_index, "李四", TOURISM)  # in both files' identity and in the licence
    assert result.total == 450
    assert result.facets["material_type"] == {"business_licence": 450, "food_licence": 450}
    assert result.facets["service"] == {"spjy": 450}
    first = result.hits[0]
    n = int(first.dossier_id.rsplit("-", 1)[1])
    assert {f.file_id for f in first.files} == {f"lic-{n}", f"food-{n}"}


def test_scopes_without_rights_see_nothing(loaded):
    assert search(loaded, "民宿", Scope()).total == 0
    assert search(loaded, scope=Scope(departments=["NOPE"])).total == 0
    market = search(loaded, scope=Scope(departments=[SJ]))
    assert ids(market) == {"d-sp-002", "d-ms-001"}
    assert ids(search(loaded, "消防", Scope(departments=[ZJ]))) == set()


# --- writes ------------------------------------------------------------------------


def test_delete(loaded):
    loaded.delete_dossier("d-ms-001")
    assert "d-ms-001" not in ids(search(loaded, "民宿"))
    assert search(loaded, "李四", TOURISM).total == 1
    assert search(loaded, "张三丰", TOURISM).total == 0  # its shared ID card went too
    loaded.delete_dossier("no-such-dossier")


def test_reindex_replaces(loaded, corpus):
    original = next(d for d in corpus if d.dossier_id == "d-ms-001")
    changed = replace(
        original,
        title="张三丰开办茶室",
        files=[f for f in original.files if f.file_id != "f-001-id"],  # the shared ID card is withdrawn
    )
    loaded.index_dossier(changed)
    assert search(loaded, "茶室").total == 1
    assert search(loaded, "33010219900101123X", Scope(departments=[ZJ], shared_material_types=["id_card"])).total == 0
    assert search(loaded, "公民身份号码").total == 0
    assert search(loaded, scope=EVERYTHING).total == 6


def test_index_one_then_many_is_idempotent(search_index, corpus):
    search_index.index_dossier(corpus[0])
    search_index.index_many(corpus)
    search_index.index_many(corpus)
    assert search(search_index).total == 6


def test_rebuild_swaps_in_a_complete_index(loaded, corpus):
    assert loaded.needs_rebuild()
    assert loaded.rebuild(corpus[:2]) == 2
    assert not loaded.needs_rebuild()
    assert ids(search(loaded)) == {"d-ms-001", "d-sp-002"}
    loaded.clear()
    assert search(loaded).total == 0


def test_schema_version_change_requires_rebuild(loaded, corpus, index_url, monkeypatch):
    loaded.rebuild(corpus)
    assert not loaded.needs_rebuild()
    monkeypatch.setattr(unit_layout, "SCHEMA_VERSION", unit_layout.SCHEMA_VERSION + 1)
    newer = open_index(index_url)
    try:
        assert newer.needs_rebuild()
        assert search(newer).total == 0
        newer.rebuild(corpus)
        assert not newer.needs_rebuild() and search(newer).total == 6
    finally:
        newer.close()


def test_check_and_describe(loaded):
    health = loaded.check()
    assert health["ok"] is True and health["backend"] == loaded.backend
    info = loaded.describe()
    assert info["backend"] == loaded.backend and info["schema_version"] == unit_layout.SCHEMA_VERSION


# --- failures of the backend ---------------------------------------------------------


def _dead_port() -> int:
    """A port nothing listens on (bound once by us, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable(index_url: str, tmp_path: Path) -> Iterator[SearchIndex]:
    """The same backend out of reach: index files under a plain file, or a server port nothing listens on."""
    if index_url.startswith("sqlite"):
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        url = f"sqlite:///{blocker / 'index.db'}"
    else:
        parts = urlsplit(index_url)
        url = urlunsplit((parts.scheme, f"127.0.0.1:{_dead_port()}", parts.path, parts.query, ""))
    index = open_index(url)
    yield index
    index.close()


UNREACHABLE_CALLS: dict[str, Callable[[SearchIndex, DossierDoc], object]] = {
    "index_dossier": lambda index, doc: index.index_dossier(doc),
    "index_many": lambda index, doc: index.index_many([doc]),
    "search": lambda index, doc: search(index, "民宿"),
    "delete_dossier": lambda index, doc: index.delete_dossier(doc.dossier_id),
    "needs_rebuild": lambda index, doc: index.needs_rebuild(),
    "rebuild": lambda index, doc: index.rebuild([doc]),
    "describe": lambda index, doc: index.describe(),
}


@pytest.mark.parametrize("call", UNREACHABLE_CALLS, ids=list(UNREACHABLE_CALLS))
def test_an_unreachable_backend_raises_index_unavailable(unreachable, corpus, call):
    with pytest.raises(IndexUnavailable):
        UNREACHABLE_CALLS[call](unreachable, corpus[0])


def test_an_unreachable_backend_reports_unhealthy_without_raising(unreachable):
    health = unreachable.check()
    assert health["ok"] is False and health["backend"] == unreachable.backend and health["detail"]


def _remove_live_index(index: SearchIndex, index_url: str) -> None:
    """Deletes the live index behind the backend's back (an operator's mistake, a wiped volume)."""
    if index.backend == "embedded":
        root = Path(urlsplit(index_url).path[1:]).with_suffix(".tantivy")
        shutil.rmtree(root / json.loads((root / "CURRENT").read_text())["generation"])
    else:
        parts = urlsplit(index_url)
        prefix = parts.query.removeprefix("prefix=")
        with Elasticsearch(urlunsplit((parts.scheme, parts.netloc, "", "", ""))) as client:
            client.indices.delete(index=",".join(client.indices.get_alias(name=prefix).body))


def test_writes_to_a_live_index_removed_under_it_raise_index_unavailable(loaded, corpus, index_url):
    _remove_live_index(loaded, index_url)
    with pytest.raises(IndexUnavailable):
        loaded.index_dossier(corpus[0])
    with pytest.raises(IndexUnavailable):
        loaded.delete_dossier(corpus[0].dossier_id)


# --- both backends together ------------------------------------------------------

AGREEMENT_QUERIES = [
    ("民宿", EVERYTHING, {}),
    ("开办民宿", EVERYTHING, {}),
    ("宿", EVERYTHING, {}),
    ("营业执照", TOURISM, {}),
    ("青山", TOURISM, {}),
    ("李四", TOURISM, {}),
    ("民宿 消防", EVERYTHING, {"department": XF}),
    ("", TOURISM, {"material_type": "business_licence"}),
    ("", EVERYTHING, {"date_from": date(2026, 3, 1), "date_to": date(2026, 4, 1)}),
    ("33010219900101123x", EVERYTHING, {}),
]


def test_backends_agree(search_index, tmp_path: Path):
    """Every backend answers like the embedded reference (on the embedded parameter: reproducibly)."""
    reference = open_index(f"sqlite:///{tmp_path / 'reference' / 'index.db'}")
    try:
        for index in (reference, search_index):
            index.index_many(build_corpus())
        for q, scope, filters in AGREEMENT_QUERIES:
            a, b = search(reference, q, scope, **filters), search(search_index, q, scope, **filters)
            assert a.total == b.total and a.facets == b.facets, q
            assert [h.dossier_id for h in a.hits] == [h.dossier_id for h in b.hits], q
            for ha, hb in zip(a.hits, b.hits, strict=True):
                assert ha.highlights == hb.highlights and ha.files == hb.files, q
                assert ha.score == pytest.approx(hb.score, rel=0.25), q
    finally:
        reference.destroy()
