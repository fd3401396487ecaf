"""The tokeniser alone: folding, bigrams with positions, identifiers, query terms."""

from __future__ import annotations

import random
import re

import pytest

from indexers import tokenize as tk
from indexers.highlight import Highlighter
from indexers.query import split_terms


def test_normalize_folds_width_case_accents_and_traditional():
    assert tk.normalize("ＡＢＣ１２３　開辦民宿 Café") == "abc123 开办民宿 cafe"
    assert tk.normalize("營業執照 統一社會信用代碼") == "营业执照 统一社会信用代码"
    assert tk.normalize("（２０２６）") == "(2026)"


def test_variants_list_what_folds_to_a_character():
    assert "營" in tk.variants("营") and "２" in tk.variants("2") and "Ａ" in tk.variants("a")


def test_cjk_runs_give_edges_and_overlapping_bigrams():
    assert tk.tokens("开办民宿") == ["开", "开办", "办民", "民宿", "宿"]
    assert tk.tokens("年") == ["年", "年"]


def test_village_guesthouse_contains_guesthouse_bigram():
    assert "民宿" in tk.tokens("青山村民宿集聚区")


def test_line_breaks_inside_chinese_do_not_split_words():
    assert tk.tokens("开办\n民宿") == tk.tokens("开办民宿")
    assert tk.tokens("开 办 民 宿") == tk.tokens("开办民宿")


def test_punctuation_digits_and_latin_end_a_run():
    assert tk.tokens("2026年3月") == ["2026", "年", "年", "3", "月", "月"]
    assert tk.tokens("民宿，消防") == ["民", "民宿", "宿", "消", "消防", "防"]
    assert tk.tokens("JY13301020012345号") == ["jy13301020012345", "号", "号"]
    assert tk.tokens("Hello, World!") == ["hello", "world"]


def test_exact_identifier_tokens():
    text = tk.normalize(
        "身份证33010219900101123X 电话138-0000-1234 座机0571-88888888 "
        "代码91330102MA2H1XXX0Y 档号0001-2026-30Y-MSCJ-00012"
    )
    assert tk.exact_tokens(text) == [
        "33010219900101123x",
        "13800001234",
        "057188888888",
        "91330102ma2h1xxx0y",
        "0001-2026-30y-mscj-00012",
    ]
    assert tk.exact_tokens("3301021990") == []


def test_runs_give_trigrams_and_4grams_with_a_break_after_each_run():
    tri, quad = tk.gram_tokens(tk.normalize("开办民宿，营業\n执照 2026年，灭火器"))
    assert tri.split() == ["开办民", "办民宿", "营业执", "业执照", "灭火器"]
    assert quad.split() == ["开办民宿", "|", "营业执照", "|"]


@pytest.mark.parametrize(
    ("term", "field", "grams"),
    [
        ("民宿", None, ()),
        ("灭火器", "tri", ("灭火器",)),
        ("營業執照", "quad", ("营业执照",)),
        ("预包装食品", "quad", ("预包装食", "包装食品")),
        ("2026年", None, ()),
        ("申请事项：开办", None, ()),
    ],
)
def test_chinese_terms_of_three_or_more_characters_use_grams(term, field, grams):
    analysed = tk.analyze_term(term)
    assert (analysed.gram_field, analysed.grams) == (field, grams)


def test_boost_tokens_are_jieba_words_without_single_characters():
    words = tk.boost_tokens(tk.normalize("开办民宿需要消防安全检查")).split()
    assert {"开办", "民宿", "消防", "安全"} <= set(words)
    assert all(len(w) > 1 for w in words)


@pytest.mark.parametrize(
    ("term", "phrase", "char"),
    [
        ("民宿", ("民宿",), None),
        ("开办民宿", ("开办", "办民", "民宿"), None),
        ("2026年", ("2026", "年"), None),
        ("第2026", ("第", "2026"), None),
        ("宿", (), "宿"),
        ("營業執照", ("营业", "业执", "执照"), None),
        ("ＪＹ１２３", ("jy123",), None),
    ],
)
def test_query_terms_drop_their_own_outer_edges(term, phrase, char):
    analysed = tk.analyze_term(term)
    assert analysed.phrase == phrase and analysed.char == char


def test_query_term_phrase_is_found_in_document_tokens():
    document = tk.tokens("今年2026年度第3页，青山村民宿开办申请")
    for term in ("2026年", "年2026", "第3页", "民宿", "村民宿", "民宿开办", "3页"):
        phrase = list(tk.analyze_term(term).phrase)
        assert any(document[i : i + len(phrase)] == phrase for i in range(len(document))), term


def test_identifier_terms_carry_their_exact_token():
    assert tk.analyze_term("138 0000 1234").exact == "13800001234"  # a quoted term may hold spaces
    assert tk.analyze_term("138-0000-1234").exact == "13800001234"
    assert tk.analyze_term("33010219900101123X").exact == "33010219900101123x"
    assert tk.analyze_term("民宿").exact is None


def test_split_terms_keeps_quoted_phrases():
    assert split_terms('民宿 "开办 申请" “青山 村”') == ["民宿", "开办 申请", "青山 村"]


def _reference_tokens(norm: str) -> list[str]:
    """A plain per-run implementation of the same scheme, to check the fast path against."""
    text = tk.join_cjk_lines(norm)
    out: list[str] = []
    for match in re.finditer(f"[{tk.CJK}]+|[^\\W_{tk.CJK}]+", text):
        run = match.group()
        if tk.is_cjk(run[0]):
            out += [run[0], *(a + b for a, b in zip(run, run[1:], strict=False)), run[-1]]
        else:
            out.append(run)
    return out


def test_fast_tokeniser_equals_reference_on_random_text():
    rng = random.Random(4)
    alphabet = (
        list("开办民宿营业执照消防青山村年月日") + list("abcXYZ0123456789") + list(" \n，。、-（）{}") + ["\x01", "𠀀"]
    )
    for _ in range(300):
        sample = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        norm = tk.normalize(sample)
        assert tk.match_tokens(norm).split() == _reference_tokens(norm), sample


def test_braces_and_markers_do_not_disturb_the_python_path():
    # match_tokens fills "{}" slots with str.format: input braces must stay plain punctuation.
    assert tk.analyze_python("{}{0}民宿{name}ab{").match == "0 民 民宿 宿 name ab"
    assert tk.analyze_python("a\x01\x02b").match == "a b"


def test_highlighter_marks_original_characters():
    hl = Highlighter([tk.analyze_term("营业执照"), tk.analyze_term("13800001234")])
    assert hl.mark("營業執照") == "<mark>營業執照</mark>"
    assert hl.mark("电话 138-0000-1234") == "电话 <mark>138-0000-1234</mark>"
    assert Highlighter([tk.analyze_term("jy2026")]).mark("编号ＪＹ２０２６号") == "编号<mark>ＪＹ２０２６</mark>号"
    snippet = Highlighter([tk.analyze_term("民宿")]).snippets("<b>开办\n民宿</b>")[0]
    assert snippet == "&lt;b&gt;开办 <mark>民宿</mark>&lt;/b&gt;"


def test_form_tokens_name_raw_characters_that_fold_and_what_they_fold_to():
    forms = tk.form_tokens("營業执照 ＩＰ６ Café，（２）：")
    pairs = [("營", "营"), ("業", "业"), ("Ｉ", "i"), ("Ｐ", "p"), ("６", "6"), ("C", "c"), ("é", "e"), ("２", "2")]
    assert forms == {f"{kind}:{char}" for pair in pairs for kind, char in zip("rv", pair, strict=True)}
    assert tk.form_tokens("营业执照 ipv6 2026年，（）") == frozenset()  # punctuation never counts
    assert tk.analyze("營業执照").forms == tk.analyze_python("營業执照").forms == {"r:營", "v:营", "r:業", "v:业"}


@pytest.mark.parametrize(
    ("term", "required", "excluded"),
    [
        ("營業執照", ("r:營", "r:業", "r:執"), ()),
        ("营业执照", (), ("v:营", "v:业", "v:执")),
        ("营業", ("r:業",), ("v:营",)),
        ("IPv6", ("r:I", "r:P"), ("v:v", "v:6")),
        ("２０", ("r:２", "r:０"), ()),
        ("民宿", (), ()),  # nothing folds to 民 or 宿: every match is as typed
    ],
)
def test_query_terms_say_which_forms_make_them_as_typed(term, required, excluded):
    analysed = tk.analyze_term(term)
    assert (analysed.forms_required, analysed.forms_excluded) == (required, excluded)


def test_form_tokens_equal_the_table_applied_to_every_distinct_character():
    table = tk._form_table()
    rng = random.Random(15)
    alphabet = list("營業执照开办民宿ＡＢＣａ１２３ABCabc123é①，。：（）\n ") + ["𠀀", "\U0002f800", "豈", "e\u0301"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert tk.form_tokens(text) == {t for c in set(text) if c in table for t in table[c]}, text
