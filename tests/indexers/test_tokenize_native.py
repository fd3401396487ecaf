"""The native tokeniser (indexers/native) gives exactly what the Python reference gives.

A text may be indexed by one implementation and queried by the other (another
process, another machine), so every field must be byte-identical. Without the
native module these tests skip, except under ``CI=true``, where they fail:
``scripts/test`` builds it, and CI must not pass on the fallback alone.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import sys
from pathlib import Path

import pytest

from indexers import tokenize as tk

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"

EDGE_CASES = [
    "",
    " ",
    "   \t  ",
    "\n\n",
    "\u3000\u3000",
    "𠀀𠀁𠀂 𪜀𫝀 𰀀 开办𠀀民宿",  # supplementary-plane ideographs
    "\U0002f800\U0002f801\U0002fa1d 丽",  # CJK compatibility supplement
    "e\u0301 a\u0300 n\u0303o 民\u0301宿 \U0001d167x",  # combining marks, BMP and beyond
    "\x00\x01\x02\x03\x04 民\x01宿 a\x02b \x1f\x7f\x1c开\x1d办",  # control characters
    "{}{0}{name}民宿{ }{{}} {开办} a{b}c {",  # str.format slots in the input
    "\x01\x02 \x01\x02民宿\x03{}",
    "１２３４５６７８９０１２３４５６７Ｘ ０５７１－８８８８８８８８ ＡＢＣ－１２３－ｘｙｚ",
    "身份证33010219900101123X号电话138 0000 1234座机0571-88888888代码91330102MA2H1XXX0Y",
    "档号0001-2026-30Y-MSCJ-00012 a-b-c- -a-b-c x-y 1-2-3-4-5 13800001234567 0571-123456789",
    "33010219900101123x33010219900101123x 3301021990010112345 1380000123 138-0000-12345",
    "0571-1234567 010-12345678 0571-123456 05711-1234567 0571-１２３４５６７８",
    "१२३४५६७८९०१२३४५६७८ 1३८०००० 0571-٨٨٨٨٨٨٨٨9 0٥٧١-٨٨٨٨٨٨٨",  # non-ASCII decimal digits
    "ΟΔΟΣ ΣΑΣ σ ς İstanbul ǅ ß ẞ 𐐀𐐁 Ⅻ ⅻ ① ㍻ ﬁ",  # casing and compatibility forms
    "營業執照 統一社會信用代碼 乾隆 著作 後來 髮型 臺灣 裏面 ⼀⼆ 豈",
    "ｱｲｳ カタカナ ひらがな 한국어 〇〇七",
    "民宿\r\n开办\u2028申请\u00a0材料\u200b消防\u00ad检查\ufeff完毕",
    "a_b _民宿_ 1_2 __ \u2160\u2161",
    "  民宿  ",
    "年",
    "a",
    "1",
    "-",
    "x",
    "民宿" * 20000 + "abc" * 5000 + "\n" + "１" * 10000,  # a very long line
]


def _needs_native() -> None:
    if tk.NATIVE:
        return
    reason = "onewindow_native is not installed (scripts/test builds it)"
    if IN_CI:
        pytest.fail(f"{reason}: under CI the native tokeniser must be built and tested")
    pytest.skip(reason)


def _assert_same(text: str) -> None:
    _needs_native()
    native, python = tk.analyze(text), tk.analyze_python(text)
    label = repr(text[:80])
    assert native.match == python.match, label
    assert native.boost == python.boost, label
    assert native.exact == python.exact, label
    assert native.chars == python.chars, label
    assert native.tri == python.tri, label
    assert native.quad == python.quad, label
    assert tk.normalize(text) == tk.normalize_python(text), label
    norm = tk.normalize_python(text)
    assert tk.boost_tokens(norm) == tk.boost_tokens_python(norm), label  # query terms' ranking words


@pytest.mark.parametrize("text", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_edge_cases(text: str):
    _assert_same(text)


def test_random_mixtures_of_the_edge_cases():
    rng = random.Random(20260401)
    alphabet = sorted(set("".join(EDGE_CASES[:-1])))
    for _ in range(2000):
        _assert_same("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))))


def test_random_identifier_like_text():
    # Long digit runs, separators and non-ASCII digits around the identifier rules' limits.
    rng = random.Random(7)
    pieces = [*"0135789xa- ", "１", "٣", "民", "0571-", "138", "1380000", "33010219900101123", "91330102ma"]
    for _ in range(3000):
        _assert_same("".join(rng.choice(pieces) for _ in range(rng.randint(1, 25))))


def test_search_quality_corpus():
    lines = (ROOT / "bench" / "search_quality" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines if line.strip()]
    assert len(docs) > 100
    for doc in docs:
        _assert_same(doc["title"])
        _assert_same(doc["text"])


def test_generated_pages():
    spec = importlib.util.spec_from_file_location("bench_search_latency", ROOT / "bench" / "search_latency.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    pages = [p.text for d in module.CorpusGenerator().dossiers(400) for f in d.files for p in f.pages]
    assert len(pages) >= 400
    for page in pages:
        _assert_same(page)
    _assert_same("\n".join(pages))
