"""Chinese-aware tokenisation shared by every index backend.

Why this design (issue #4 measured the alternatives on government texts):

* Matching uses overlapping CJK bigrams at real, consecutive positions, so a
  query word becomes an exact phrase of its bigrams. Segmentation never decides
  whether a document matches: 村民宿 (村民 + 宿 for jieba) still contains 民宿.
* Each CJK run also gets its first and last character as "edge" tokens, so a
  term that mixes scripts (``2026年``, ``第3页``) is still one exact phrase, and
  single characters between digits are indexed.
* Whitespace between two CJK characters is dropped (PDF lines break inside
  words); punctuation, digits and Latin words end a run, and digits are never
  glued to Chinese.
* Text is folded before anything else: NFKC (full-width to half-width), Latin
  accents, traditional to simplified (OpenCC ``t2s``, offline dictionaries),
  lower case. Index and query go through the same function.
* Identifiers (ID-card, phone, social-credit and archival numbers) also get
  one normalised "exact" token each, so ``138-0000-1234`` finds ``13800001234``.
* jieba (search mode, the Rust port rjieba) only feeds a separate ranking-boost
  field: a document where the query is a real word ranks first.
* The distinct CJK characters of a text form a small positionless field, so a
  one-character query is a term lookup, not a scan of every bigram.

Backends receive whitespace-joined token strings: Elasticsearch indexes them
with its core ``whitespace`` analyser and tantivy with its ``whitespace``
tokenizer, which gives both engines identical terms and positions.

The index path is written with C-level string operations (regex, ``str``
methods, ``array``) rather than a Python loop per character, because it runs
over every page of the archive.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache

import opencc
import rjieba

# Han ideographs (BMP and supplementary planes), kana and Hangul syllables: scripts
# written without spaces, so bigrams are the unit of matching.
CJK = (
    "\u3007\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{CJK}]")
_WORD = re.compile(f"[^\\W_{CJK}]+")
_GAP_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")
_NOT_CJK = re.compile(f"[^{CJK}\x01\x02]+")
_SPACES = re.compile(" {2,}")

# The lookahead rejects the (Chinese) majority of positions before any alternative is tried.
_IDENT = re.compile(
    r"(?<![0-9a-z])(?=[0-9a-z])(?:"
    r"(?P<id>\d{17}[\dx])"
    r"|(?P<uscc>[0-9a-hj-np-rtuwxy]{2}\d{6}[0-9a-hj-np-rtuwxy]{10})"
    r"|(?P<mobile>1[3-9]\d(?:[ -]?\d{4}){2})"
    r"|(?P<landline>0\d{2,3}-\d{7,8})"
    r"|(?P<code>[0-9a-z]+(?:-[0-9a-z]+){2,})"
    r")(?![0-9a-z])"
)
_DIGIT_SEPARATORS = re.compile(r"[ -]")


@lru_cache(maxsize=1)
def _fold_table() -> tuple[re.Pattern[str], dict[str, str]]:
    """Characters that NFKC or accent folding change, with their replacement.

    Built once from unicodedata (about 0.15 s) so that normalising a page is one
    regex pass touching only the characters that change.
    """
    table: dict[str, str] = {}
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        char = chr(cp)
        if unicodedata.combining(char):
            table[char] = ""
            continue
        mapped = unicodedata.normalize("NFKC", char)
        stripped = "".join(c for c in unicodedata.normalize("NFKD", mapped) if not unicodedata.combining(c))
        if stripped and stripped.isascii() and not mapped.isascii():
            mapped = stripped
        if mapped != char:
            table[char] = mapped
    for cp in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F):
        table[chr(cp)] = " "
    for char in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
        table[char] = ""
    for cp in range(0x2F800, 0x2FA20):  # CJK compatibility supplement
        table[chr(cp)] = unicodedata.normalize("NFKC", chr(cp))
    # BMP characters in one class (compiled to a bitmap), the supplement as a range:
    # mixing both in one class would make the regex engine test each character linearly.
    bmp = "".join(re.escape(c) for c in sorted(table) if ord(c) < 0x10000)
    pattern = re.compile(f"[{bmp}]+|[\U0002F800-\U0002FA1F]+")
    return pattern, table


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Fold width, accents, traditional characters and case, in that order.

    Highlighting does not normalise pages: it searches the original text for
    every variant of the query's characters (see ``variants``).
    """
    pattern, table = _fold_table()
    folded = pattern.sub(lambda m: "".join([table[c] for c in m.group()]), text)
    return _t2s().convert(folded).lower()


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """For each normalised character, the characters that fold to it (營 for 营, ２ for 2).

    Highlighting searches the original text with these as character classes,
    so it never has to normalise a page at query time.
    """
    inverse: dict[str, set[str]] = {}
    _, table = _fold_table()
    for src, dst in table.items():
        # For ASCII only the forms that occur in Chinese documents: full-width and Latin-1 accents.
        if len(dst) == 1 and dst != " " and (not dst.isascii() or "\u00c0" <= src <= "\u00ff" or "\uff00" <= src <= "\uffef"):
            inverse.setdefault(dst.lower(), set()).add(src)
    for cp in range(ord("a"), ord("z") + 1):
        inverse.setdefault(chr(cp), set()).add(chr(cp).upper())
    han = [chr(cp) for cp in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    converted = _t2s().convert("\n".join(han)).split("\n")
    if len(converted) != len(han):
        converted = [_t2s().convert(c) for c in han]
    for src, dst in zip(han, converted):
        if len(dst) == 1 and dst != src:
            inverse.setdefault(dst, set()).add(src)
    return {k: "".join(sorted(v)) for k, v in inverse.items()}


def variants(char: str) -> str:
    """Other characters that normalise to ``char`` (which must be normalised)."""
    return _variants().get(char, "")


def join_cjk_lines(norm: str) -> str:
    """Remove whitespace between CJK characters: a word broken by a line end is still one word."""
    return _GAP_BETWEEN_CJK.sub("", norm)


def _pairs(text: str) -> str:
    """``"ab c"`` -> ``"ab b  c "``: every adjacent character pair, space-separated, in C speed."""
    src = array("I")
    src.frombytes(text.encode("utf-32-le"))
    count = len(src) - 1
    if count <= 0:
        return ""
    out = array("I", [0x20]) * (3 * count)
    out[0::3] = src[:-1]
    out[1::3] = src[1:]
    return out.tobytes().decode("utf-32-le")


def match_tokens(norm: str) -> str:
    """The matching tokens of normalised text, whitespace-joined, one position each.

    A CJK run ``开办民宿`` gives ``开 开办 办民 民宿 宿`` (edges + bigrams), a lone
    character ``年`` gives ``年 年``, a Latin or digit word gives itself.
    """
    text = join_cjk_lines(norm.replace("\x01", " ").replace("\x02", " "))
    words = _WORD.findall(text)
    marked = _NOT_CJK.sub(" ", _WORD.sub(" \x01\x02 ", text))
    if not marked.strip():
        return ""
    # Each word became "\x01\x02" between spaces: of its three pairs only "\x01\x02"
    # survives, as a "{}" slot that format() fills with the word, in order.
    pairs = _pairs(" " + marked + " ")
    pairs = pairs.replace("\x01\x02", "\x03").replace("\x01", "").replace("\x02", "").replace("\x03", "{}")
    return _SPACES.sub(" ", pairs.format(*words)).strip()


def boost_tokens(norm: str) -> str:
    """jieba search-mode words of normalised text, whitespace-joined (ranking only, never matching).

    Single characters and punctuation are left out: they rank nothing.
    """
    return " ".join([w for w in rjieba.cut_for_search(join_cjk_lines(norm)) if len(w) > 1 and w.isalnum()])


def exact_value(kind: str, raw: str) -> str:
    if kind in ("mobile", "landline"):
        return _DIGIT_SEPARATORS.sub("", raw)
    return raw


def exact_tokens(norm: str) -> list[str]:
    """Normalised identifiers found in normalised text (ID-card, credit code, phones, codes)."""
    return [exact_value(m.lastgroup or "", m.group()) for m in _IDENT.finditer(norm)]


def exact_of_term(norm_term: str) -> str | None:
    """The exact token a whole query term stands for, when the term is an identifier."""
    match = _IDENT.fullmatch(norm_term.strip())
    return exact_value(match.lastgroup or "", match.group()) if match else None


def char_tokens(norm: str) -> frozenset[str]:
    """The distinct CJK characters of normalised text."""
    return frozenset(_CJK_CHAR.findall("".join(set(norm))))


@dataclass(frozen=True)
class Analyzed:
    """Everything the index stores for one text: the token fields."""

    match: str
    boost: str
    exact: tuple[str, ...]
    chars: frozenset[str] = frozenset()


def analyze(text: str) -> Analyzed:
    """Tokens of one text for all fields (normalises once)."""
    norm = normalize(text)
    return Analyzed(match_tokens(norm), boost_tokens(norm), tuple(exact_tokens(norm)), char_tokens(norm))


def tokens(text: str) -> list[str]:
    """Matching tokens of raw text as a list (for tests and debugging)."""
    return match_tokens(normalize(text)).split()


@dataclass(frozen=True)
class TermTokens:
    """How one query term matches.

    ``phrase`` is the exact token sequence to find; when it is empty the term
    was a single CJK character, given in ``char``, which is looked up in the
    field of distinct characters. ``exact`` is set when the term is an identifier.
    """

    text: str
    norm: str
    phrase: tuple[str, ...]
    char: str | None
    exact: str | None
    boosts: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.phrase and self.char is None and self.exact is None


def analyze_term(term: str) -> TermTokens:
    """Tokens of one query term, with the edge tokens at its own ends dropped.

    Inside a document the term may sit in a longer run (村民宿 for 民宿), so the
    term's outer edge characters must not be required as edges there.
    """
    norm = join_cjk_lines(normalize(term)).strip()
    phrase = match_tokens(norm).split()
    starts_cjk = bool(norm) and bool(_CJK_CHAR.match(norm[0]))
    ends_cjk = bool(norm) and bool(_CJK_CHAR.match(norm[-1]))
    if starts_cjk and phrase:
        phrase = phrase[1:]
    if ends_cjk and phrase:
        phrase = phrase[:-1]
    char = norm if not phrase and len(norm) == 1 and starts_cjk else None
    boosts = tuple(dict.fromkeys(t for t in boost_tokens(norm).split() if len(t) > 1))
    return TermTokens(term, norm, tuple(phrase), char, exact_of_term(norm), boosts)


def is_cjk(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))
