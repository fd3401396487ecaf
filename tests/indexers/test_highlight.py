"""Snippets and marks: escaped, whitespace folded, marks placed where the terms are typed."""

from __future__ import annotations

import re

import pytest

from indexers import tokenize as tk
from indexers.highlight import MARK_CLOSE, MARK_OPEN, Highlighter, term_pattern


def test_a_window_is_escaped_and_folded_around_its_marks():
    hl = Highlighter([tk.analyze_term("民宿")])
    text = "前言 " * 40 + "<b>开办\n\n民宿</b>  &  民宿 " + "结尾 " * 40
    [snippet] = hl.snippets(text, limit=1)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "&lt;b&gt;开办 <mark>民宿</mark>&lt;/b&gt; &amp; <mark>民宿</mark>" in snippet
    assert "\n" not in snippet and "  " not in snippet


def test_text_holding_the_private_use_stand_ins_keeps_them_and_its_marks():
    hl = Highlighter([tk.analyze_term("民宿")])
    marked = hl.mark("\ue000开办民宿\ue001")
    assert marked == f"\ue000开办{MARK_OPEN}民宿{MARK_CLOSE}\ue001"


def test_the_same_terms_share_one_compiled_expression():
    first = Highlighter([tk.analyze_term("营业执照"), tk.analyze_term("民宿")])
    again = Highlighter([tk.analyze_term("营业执照"), tk.analyze_term("民宿")])
    assert first._regexes is again._regexes
    assert first.mark("民宿营业执照") == again.mark("民宿营业执照") == "<mark>民宿</mark><mark>营业执照</mark>"


def _one_alternation(terms: list[str]) -> list[list[tuple[int, int, int]]]:
    """Spans as one regex alternation of every term (the longer first) finds them: the reference."""
    analysed = [tk.analyze_term(t) for t in terms]
    ordered = sorted(range(len(analysed)), key=lambda i: -len(analysed[i].norm))
    regex = re.compile("|".join(f"(?P<t{i}>{term_pattern(analysed[i])})" for i in ordered))
    return [[(*m.span(), int((m.lastgroup or "t0")[1:])) for m in regex.finditer(text)] for text in TEXTS]


TEXTS = [
    "民宿民宿宿民 村民宿，開辦民宿",
    "aaaa aa a aaa AAA ａａ",
    "2025年2025 年１３８-0000-1234 13800001234 x2025年",
    "食品经营许可食品经营 食 品 经营许可证",
    "营业执照營業執照，营\n业执照",
    "",
]


@pytest.mark.parametrize(
    "terms",
    [
        ["民宿", "宿"],
        ["宿", "民宿", "村民"],
        ["aa", "a"],
        ["2025年", "2025", "13800001234"],
        ["食品经营", "经营许可", "食品"],
        ["营业执照", "營業", "照"],
        ["食品", "食品"],
    ],
)
def test_several_terms_are_found_as_one_alternation_of_them_would(terms):
    """Each term is searched with its own expression; the spans must be the alternation's: leftmost
    first, the longer term first where two start together, never overlapping, duplicates found once."""
    hl = Highlighter([tk.analyze_term(t) for t in terms])
    assert [hl.spans(text) for text in TEXTS] == _one_alternation(terms)


def test_the_window_with_most_distinct_terms_then_most_matches_comes_first():
    hl = Highlighter([tk.analyze_term("民宿"), tk.analyze_term("消防")])
    crowded = "民宿" * 5
    both = "民宿消防"
    text = crowded + "。" * 200 + both + "。" * 200 + "民宿"
    first, second = hl.snippets(text, limit=2, width=20)
    assert "消防" in second and first.count("<mark>") == 5  # windows come back in text order
    [best] = hl.snippets(text, limit=1, width=20)
    assert "<mark>民宿</mark><mark>消防</mark>" in best
    [busiest] = Highlighter([tk.analyze_term("民宿")]).snippets(text, limit=1, width=20)
    assert busiest.count("<mark>") == 5
