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
* Folding is one table applied character by character (``_char_table``), with
  ``t2s`` asked for each Han character alone rather than for whole phrases.
  Highlighting's ``variants`` is character-level too (it searches the original
  text for what folds to each query character), so every folded match can be
  highlighted; a phrase rule (乾隆 keeps 乾 while 乾 alone becomes 干) would fold a
  page and a query differently. A table is also what a second implementation
  can reproduce exactly. Lower case is per character too (Σ is always σ).
* Identifiers (ID-card, phone, social-credit and archival numbers) also get
  one normalised "exact" token each, so ``138-0000-1234`` finds ``13800001234``.
* jieba (search mode, the Rust port rjieba) only feeds a separate ranking-boost
  field: a document where the query is a real word ranks first.
* The distinct CJK characters of a text form a small positionless field, so a
  one-character query is a term lookup, not a scan of every bigram.
* Matching is on folded text, so a page in the script, width or case the user
  typed would tie with one that matches only after folding. A small
  positionless "forms" field breaks the tie (issue #15): for each distinct
  letter, digit or Han character of the raw text that folding changes, a token
  for the raw character (``r:營``) and one saying its folded character occurred
  in a variant form (``v:营``). A query term is "as typed" in a unit holding the
  raw forms of its changed characters and no variant marker of its unchanged
  ones (``form_conditions``); the plan boosts such units. Computed here in
  Python from the fold table for both implementations (a set intersection per
  text), so the native module needs no change.
* Each CJK run also gives its trigrams (a positionless field) and its 4-grams
  (with positions, a ``|`` after each run so no phrase spans two runs). A
  Chinese query term of three or four characters is then one term lookup, and
  a longer one a phrase of its 4-grams, instead of a phrase of bigrams: the
  same documents match, but checking positions was most of the cost of a
  common phrase over a million pages.

Backends receive whitespace-joined token strings: Elasticsearch indexes them
with its core ``whitespace`` analyser and tantivy with its ``whitespace``
tokenizer, which gives both engines identical terms and positions.

The index path runs over every page of the archive. ``analyze`` and
``normalize`` use the Rust module ``onewindow_native`` (``indexers/native``:
jieba-rs, the crate rjieba wraps, at the same version) when it is installed:
no Python string per word, at least as fast as bare ``rjieba.cut_for_search``.
The Python functions here stay the reference and the fallback (``NATIVE`` says
which runs; a warning is logged once without it). Both must give byte-identical
tokens, since a page indexed by one may be queried by the other, so the native
module has no Unicode tables of its own: the fold table and the character
classes (word characters, digits, white space as Python's ``re`` defines them)
are passed to it.
The Python path is written with C-level string operations (regex, ``str``
methods, ``array``) rather than a Python loop per character.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import opencc

try:
    import onewindow_native
except ImportError:  # not built here: the Python implementation below does the same, slower
    onewindow_native = None

# The wire protocol this file speaks with indexers/native (its PROTOCOL constant): a stale
# wheel built from older sources could tokenise differently, so it is not used.
_NATIVE_PROTOCOL = 3
NATIVE: bool = onewindow_native is not None and getattr(onewindow_native, "PROTOCOL", None) == _NATIVE_PROTOCOL
log = logging.getLogger(__name__)

# Han ideographs (BMP and supplementary planes), kana and Hangul syllables: scripts
# written without spaces, so bigrams are the unit of matching.
CJK = "\u3007\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003134f"
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
def _fold_table() -> dict[str, str]:
    """Characters that NFKC or accent folding change, with their replacement (one step of ``_char_table``)."""
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
    for cp in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F):
        table[chr(cp)] = " "
    for char in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
        table[char] = ""
    for cp in range(0x2F800, 0x2FA20):  # CJK compatibility supplement
        table[chr(cp)] = unicodedata.normalize("NFKC", chr(cp))
    return table


# Blocks where OpenCC has traditional characters: radicals, the unified ideographs with
# extension A, the compatibility ideographs and the supplementary planes' extensions.
_HAN_BLOCKS = ((0x2E80, 0x2FE0), (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x31350))


@lru_cache(maxsize=1)
def _t2s_table() -> dict[str, str]:
    """Each traditional character with its simplified form, OpenCC ``t2s`` asked one character at a time."""
    t2s = opencc.OpenCC("t2s")
    table: dict[str, str] = {}
    for start, end in _HAN_BLOCKS:
        for chunk in range(start, end, 0x4000):  # in pieces: a list of every character costs 100 MB
            han = [chr(cp) for cp in range(chunk, min(chunk + 0x4000, end))]
            converted = t2s.convert("\n".join(han)).split("\n")
            if len(converted) != len(han):
                converted = [t2s.convert(c) for c in han]
            table.update((src, dst) for src, dst in zip(han, converted, strict=True) if len(dst) == 1 and dst != src)
    return table


@lru_cache(maxsize=1)
def _char_table() -> dict[str, str]:
    """What ``normalize`` replaces each character with, for every character it changes.

    Width and accents (``_fold_table``), then traditional to simplified
    (``_t2s_table``), then lower case, each applied to one character (about 10,000
    entries, built once in about 0.3 s). Both implementations apply exactly this table.
    """
    fold, t2s = _fold_table(), _t2s_table()
    every = (chr(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000)
    changing = {*fold, *t2s, *(c for c in every if c.lower() != c)}
    table: dict[str, str] = {}
    for char in changing:
        folded = "".join([t2s.get(c, c) for c in fold.get(char, char)])
        folded = "".join([c.lower() for c in folded])
        if folded != char:
            table[char] = folded
    return table


@lru_cache(maxsize=1)
def _python_folding() -> tuple[re.Pattern[str], dict[int, str]]:
    """The Python path's form of ``_char_table``: a regex finding runs to replace, and a translate table.

    BMP characters are one class (compiled to a bitmap), the supplementary planes one
    range: listing their members would make the regex engine test each in turn.
    """
    table = _char_table()
    bmp = "".join(re.escape(c) for c in sorted(table) if ord(c) < 0x10000)
    return re.compile(f"[{bmp}]+|[\U00010000-\U0010ffff]+"), {ord(c): v for c, v in table.items()}


def normalize_python(text: str) -> str:
    """``normalize`` in pure Python: the reference for the native module."""
    pattern, table = _python_folding()
    return pattern.sub(lambda m: m.group().translate(table), text)


def normalize(text: str) -> str:
    """Fold width, accents, traditional characters and case, character by character.

    Highlighting does not normalise pages: it searches the original text for
    every variant of the query's characters (see ``variants``).
    """
    native = _native_analyzer()
    return native.normalize(text) if native is not None else normalize_python(text)


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """For each normalised character, the characters that fold to it (營 for 营, ２ for 2).

    Highlighting searches the original text with these as character classes,
    so it never has to normalise a page at query time. They come from the same
    table as ``normalize``, so every folded match can be highlighted.
    """
    inverse: dict[str, set[str]] = {}
    for src, dst in _char_table().items():
        if len(dst) != 1 or dst == " ":
            continue
        # For ASCII only the forms that occur in Chinese documents: upper case, full-width and Latin-1 accents.
        if dst.isascii() and not ("A" <= src <= "Z" or "\u00c0" <= src <= "\u00ff" or "\uff00" <= src <= "\uffef"):
            continue
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


GRAM_RUN_BREAK = "|"
_GRAM_RUN = re.compile(f"[{CJK}]{{3,}}")


def gram_tokens(norm: str) -> tuple[str, str]:
    """Trigrams and 4-grams of the CJK runs of normalised text, whitespace-joined.

    The 4-grams of each run are followed by ``GRAM_RUN_BREAK``, so consecutive
    positions never join two runs.
    """
    tri: list[str] = []
    quad: list[str] = []
    for run in _GRAM_RUN.findall(join_cjk_lines(norm)):
        tri += [run[i : i + 3] for i in range(len(run) - 2)]
        if len(run) > 3:
            quad += [run[i : i + 4] for i in range(len(run) - 3)]
            quad.append(GRAM_RUN_BREAK)
    return " ".join(tri), " ".join(quad)


def boost_tokens_python(norm: str) -> str:
    """jieba search-mode words of normalised text, whitespace-joined (ranking only, never matching).

    Single characters and punctuation are left out: they rank nothing. rjieba is
    imported here, on first use, because its dictionary costs each process about
    30 MB, and with the native module it is never needed.
    """
    import rjieba

    return " ".join([w for w in rjieba.cut_for_search(join_cjk_lines(norm)) if len(w) > 1 and w.isalnum()])


def boost_tokens(norm: str) -> str:
    """``boost_tokens_python``, natively when the module is installed (query terms go through here)."""
    native = _native_analyzer()
    return boost_tokens_python(norm) if native is None else native.boost(norm)


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


FORM_RAW = "r:"
FORM_VARIANT = "v:"
_MATCHED_CHAR = re.compile(r"[^\W_]")


@lru_cache(maxsize=1)
def _form_table() -> dict[str, tuple[str, ...]]:
    """Each character that folding changes and matching sees, with its ``forms`` tokens.

    Punctuation and spaces are left out: they never take part in a match, and
    full-width punctuation on nearly every Chinese page would only make the field larger.
    """
    table: dict[str, tuple[str, ...]] = {}
    for char, folded in _char_table().items():
        targets = [c for c in dict.fromkeys(folded) if _MATCHED_CHAR.match(c)]
        if targets and _MATCHED_CHAR.match(char):
            table[char] = (FORM_RAW + char, *(FORM_VARIANT + c for c in targets))
    return table


@lru_cache(maxsize=1)
def _fold_targets() -> frozenset[str]:
    """Characters some other character folds to: only these can have a variant marker."""
    return frozenset(t[len(FORM_VARIANT) :] for tokens in _form_table().values() for t in tokens[1:])


@lru_cache(maxsize=1)
def _form_pattern() -> re.Pattern[str]:
    """Runs of ``_form_table``'s BMP characters and of any beyond it, in one class (an alternation is slower)."""
    bmp = "".join(re.escape(c) for c in sorted(_form_table()) if ord(c) < 0x10000)
    return re.compile(f"[{bmp}\U00010000-\U0010ffff]+")


def form_tokens(text: str) -> frozenset[str]:
    """The ``forms`` tokens of raw (not normalised) text.

    A regex finds the few characters that fold: ``set(text)`` would build a string
    object per character of the page, a quarter of the cost of tokenising it.
    """
    table = _form_table()
    found = set("".join(_form_pattern().findall(text)))
    return frozenset([t for char in found if char in table for t in table[char]])


def form_conditions(raw_term: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a unit's ``forms`` must hold, and must not hold, for ``raw_term`` to occur there as typed."""
    table, targets = _form_table(), _fold_targets()
    required: list[str] = []
    excluded: list[str] = []
    for char in dict.fromkeys(raw_term):
        if char in table:
            required.append(FORM_RAW + char)
        elif char in targets:
            excluded.append(FORM_VARIANT + char)
    return tuple(required), tuple(excluded)


class Analyzed(NamedTuple):
    """Everything the index stores for one text: the token fields.

    A named tuple, not a dataclass: one is built per page indexed, and a frozen
    dataclass took as long to build as a tenth of the page's tokenising.
    """

    match: str
    boost: str
    exact: tuple[str, ...]
    chars: frozenset[str] = frozenset()
    tri: str = ""
    quad: str = ""
    forms: frozenset[str] = frozenset()


def analyze_python(text: str) -> Analyzed:
    """``analyze`` in pure Python: the reference for the native module, and the fallback."""
    norm = normalize_python(text)
    tri, quad = gram_tokens(norm)
    return Analyzed(
        match_tokens(norm),
        boost_tokens_python(norm),
        tuple(exact_tokens(norm)),
        char_tokens(norm),
        tri,
        quad,
        form_tokens(text),
    )


def analyze(text: str) -> Analyzed:
    """Tokens of one text for all fields (normalises once)."""
    native = _native_analyzer()
    if native is None:
        return analyze_python(text)
    match, boost, exact, chars, tri, quad = native.analyze(text)
    return Analyzed(match, boost, tuple(exact), chars, tri, quad, form_tokens(text))


@lru_cache(maxsize=1)
def _class_ranges() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges of the classes the rules use, as Python's ``re`` defines them.

    The native module takes these rather than its own Unicode tables, whose
    version (and so whose letters and digits) would differ from this Python's.
    """
    # Every code point once, string offset == code point (built without a str object per character).
    every = array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")
    patterns = {"cjk": f"[{CJK}]+", "word": r"[^\W_]+", "digit": r"\d+", "space": r"\s+"}
    return {name: [m.span() for m in re.finditer(pattern, every)] for name, pattern in patterns.items()}


@lru_cache(maxsize=1)
def _native_analyzer():  # -> onewindow_native.Analyzer | None
    """The native analyzer, built once from this module's tables; None (logged once) without it."""
    if not NATIVE:
        log.warning(
            "onewindow_native %s: tokenising in Python, several times slower (scripts/test builds it with cargo)",
            "is not installed" if onewindow_native is None else "is from other sources (protocol mismatch)",
        )
        return None
    ranges = _class_ranges()
    return onewindow_native.Analyzer(_char_table(), ranges["cjk"], ranges["word"], ranges["digit"], ranges["space"])


def tokens(text: str) -> list[str]:
    """Matching tokens of raw text as a list (for tests and debugging)."""
    return match_tokens(normalize(text)).split()


@dataclass(frozen=True)
class TermTokens:
    """How one query term matches.

    ``phrase`` is the exact token sequence to find; when it is empty the term
    was a single CJK character, given in ``char``, which is looked up in the
    field of distinct characters. ``exact`` is set when the term is an identifier.
    A term of three or more CJK characters and nothing else is found in the
    body through ``gram_field`` (``tri`` or ``quad``) instead: ``grams`` is one
    token, or for five characters and more the phrase of its 4-grams.
    ``forms_required`` and ``forms_excluded`` say when a unit holds the term as
    typed (``form_conditions``); both empty means every match is as typed.
    """

    text: str
    norm: str
    phrase: tuple[str, ...]
    char: str | None
    exact: str | None
    boosts: tuple[str, ...]
    gram_field: str | None = None
    grams: tuple[str, ...] = ()
    forms_required: tuple[str, ...] = ()
    forms_excluded: tuple[str, ...] = ()

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
    gram_field, grams = _term_grams(norm)
    required, excluded = form_conditions(term)
    return TermTokens(
        term, norm, tuple(phrase), char, exact_of_term(norm), boosts, gram_field, grams, required, excluded
    )


def _term_grams(norm: str) -> tuple[str | None, tuple[str, ...]]:
    if len(norm) < 3 or _GRAM_RUN.fullmatch(norm) is None:
        return None, ()
    if len(norm) == 3:
        return "tri", (norm,)
    return "quad", tuple(norm[i : i + 4] for i in range(len(norm) - 3))


def is_cjk(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))
