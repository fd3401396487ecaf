"""Snippets and marks: escaped, whitespace folded, marks placed where the terms are typed."""

from __future__ import annotations

from indexers import tokenize as tk
from indexers.highlight import MARK_CLOSE, MARK_OPEN, Highlighter


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
    assert first._regex is again._regex
    assert first.mark("民宿营业执照") == again.mark("民宿营业执照") == "<mark>民宿</mark><mark>营业执照</mark>"
