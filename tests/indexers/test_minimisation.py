"""Data minimisation on every index backend: others' dossiers seen through their shared files show no
name, ID number or phone, a search by the full ID number highlights nothing of it, and facets count only
the types the viewer may open."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

import pytest
from search_corpus import LY, SHARED_TYPES

from indexers import DossierDoc, PageText, Scope, SearchIndex, SearchQuery
from indexers.masking import Masker, mask_id_number, mask_name, mask_phone

pytestmark = pytest.mark.backends

TOURISM = Scope(departments=[LY], shared_material_types=list(SHARED_TYPES))
NUMBER = "330102198001011234"


def _shown(result) -> str:
    return json.dumps([asdict(hit) for hit in result.hits], ensure_ascii=False, default=str)


def test_the_masks():
    assert mask_name("王丽华") == "王**"
    assert mask_id_number("330127198805123429") == "3301**********3429"
    assert mask_phone("13857105678") == "138****5678"
    text = Masker(["王丽华"])("经营者王丽华，身份证 33012719880512342X，电话 138-5710-5678，座机 0571-12345678")
    assert text == "经营者王**，身份证 3301**********342X，电话 138****5678，座机 0571-12345678"


def test_a_search_by_name_or_number_shows_neither(loaded):
    for q in ("李四", NUMBER):
        result = loaded.search(SearchQuery(q=q, scope=TOURISM))
        [hit] = result.hits
        assert hit.dossier_id == "d-sp-002"
        shown = _shown(result)
        assert "李四" not in shown and NUMBER not in shown, shown
    by_number = loaded.search(SearchQuery(q=NUMBER, scope=TOURISM)).hits[0]
    assert not any(
        "<mark>3301" in h for h in [*by_number.highlights, *(x for f in by_number.files for x in f.highlights)]
    )


def test_whole_viewers_still_read_the_name(loaded):
    hit = loaded.search(SearchQuery(q="李四", scope=Scope.everything())).hits[0]
    assert "李四" in _shown(loaded.search(SearchQuery(q="李四", scope=Scope.everything())))
    assert hit.title == "青山副食品店食品经营许可"


def test_phones_and_numbers_in_shared_pages_are_masked(search_index: SearchIndex, corpus: list[DossierDoc]):
    template = next(d for d in corpus if d.dossier_id == "d-sp-002")
    licence = next(f for f in template.files if f.material_type == "business_licence")
    page = PageText(1, f"营业执照 青山副食品店 经营者 李四 身份证号 {NUMBER} 联系电话 13857105678", "text")
    search_index.index_dossier(replace(template, files=[replace(licence, pages=[page])]))
    shown = _shown(search_index.search(SearchQuery(q="青山副食品店", scope=TOURISM)))
    assert "13857105678" not in shown and NUMBER not in shown and "李四" not in shown
    assert "138****5678" in shown and "3301**********1234" in shown


def test_facets_count_only_the_types_the_viewer_may_open(loaded):
    licences_only = Scope(departments=[LY], shared_material_types=["business_licence"])
    result = loaded.search(SearchQuery(q="李四", scope=licences_only))
    assert result.total == 1
    assert result.facets["material_type"] == {"business_licence": 1}, "not the food licence it cannot open"
    assert loaded.search(SearchQuery(q="李四", scope=licences_only, material_type="food_licence")).total == 0


def test_file_names_are_masked_with_or_without_terms(search_index: SearchIndex, corpus: list[DossierDoc]):
    template = next(d for d in corpus if d.dossier_id == "d-sp-002")
    licence = next(f for f in template.files if f.material_type == "business_licence")
    page = PageText(1, f"营业执照 青山副食品店 经营者 李四 身份证号 {NUMBER}", "text")
    search_index.index_dossier(replace(template, files=[replace(licence, name="李四营业执照.pdf", pages=[page])]))
    for query in (
        SearchQuery(q="青山副食品店", scope=TOURISM),
        SearchQuery(q="", scope=TOURISM, material_type="business_licence"),
    ):
        [hit] = search_index.search(query).hits
        assert [f.name for f in hit.files] == ["李*营业执照.pdf"], query
        assert "李四" not in _shown(search_index.search(query))


def test_numbers_next_to_each_other_are_masked_one_by_one():
    mask = Masker([])
    text = "330127198805123429-13857105678 1385710 5678 123456789012345，33012719880512342x；138-5710-56789"
    expected = "3301**********3429-138****5678 138****5678 1234*******2345，3301**********342x；138-5710-56789"
    assert mask(text) == expected
