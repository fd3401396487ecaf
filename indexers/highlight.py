"""Highlighted snippets, computed the same way for every backend.

Matches are found by regular expressions derived from the query terms, run
over the original text with every variant of each character (traditional,
full-width, upper case) in a character class, so a traditional page or a
full-width number is marked where the user sees it and no page is normalised
at query time. The rest of the snippet is HTML-escaped: extracted and OCR text
is untrusted.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from .tokenize import CJK, TermTokens, is_cjk, variants

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"
SNIPPET_CHARS = 90
_PIECES = re.compile(f"[{CJK}]+|[^\\W_{CJK}]+")
_WHITESPACE = re.compile(r"\s+")
_MAX_SPANS = 400
# Stand-ins (private use) for the mark tags while a window is escaped in one pass.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SENTINELS = re.compile(f"[{_OPEN}{_CLOSE}]")
# Word boundaries for Latin and digits, full-width included. A class with the whole
# CJK range (beyond the BMP) would cost the regex compiler milliseconds per query.
_ALNUM = "0-9A-Za-z\u00c0-\u00ff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"


def _char(char: str) -> str:
    # An alternation, not a [class]: a class with non-ASCII members costs sre a 64k bitmap to compile.
    others = variants(char)
    return "(?:" + "|".join(re.escape(c) for c in char + others) + ")" if others else re.escape(char)


def _chars(text: str, gap: str = "") -> str:
    return gap.join(_char(c) for c in text)


def term_pattern(term: TermTokens) -> str:
    """Regex over normalised text for one term: its pieces in order, gaps of spaces/punctuation allowed."""
    if term.char:
        return _char(term.char)
    pieces = _PIECES.findall(term.norm)
    parts = [_chars(p, r"\s*") if is_cjk(p[0]) else _chars(p) for p in pieces]
    pattern = r"[\W_]*".join(parts)
    if pieces and not is_cjk(pieces[0][0]):
        pattern = f"(?<![{_ALNUM}])" + pattern
    if pieces and not is_cjk(pieces[-1][-1]):
        pattern += f"(?![{_ALNUM}])"
    if term.exact and term.exact.isdigit() and len(term.exact) < 17:
        # A phone number typed plainly, written 138-0000-1234 (or the reverse).
        digits = r"[ -]*".join(term.exact)
        pattern = f"{pattern}|(?<![{_ALNUM}]){digits}(?![{_ALNUM}])" if pattern else digits
    return pattern


Compiled = tuple[tuple[re.Pattern[str], int], ...]


@lru_cache(maxsize=512)
def _compiled(patterns: tuple[tuple[str, int], ...]) -> Compiled:
    """The same words come back all day (and on every page of results): compile them once."""
    return tuple((re.compile(pattern), term) for pattern, term in patterns)


class Highlighter:
    """Finds and marks the query's terms in any text."""

    def __init__(self, terms: Sequence[TermTokens]) -> None:
        ordered = sorted(range(len(terms)), key=lambda i: -len(terms[i].norm))
        patterns = {i: term_pattern(terms[i]) for i in ordered}
        self._regexes = _compiled(tuple((patterns[i], i) for i in ordered if patterns[i]))

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, term index) of each match, in original-text offsets.

        What one alternation of the terms (the longer first) would find, but each term is searched
        with its own expression: re skips ahead to a term's first character in C, which it cannot
        do for an alternation of groups (4x slower on a page for two terms)."""
        if not self._regexes or not text:
            return []
        if len(self._regexes) == 1:
            regex, term = self._regexes[0]
            found = []
            for match in regex.finditer(text):
                start, end = match.span()
                if start == end:
                    continue
                found.append((start, end, term))
                if len(found) >= _MAX_SPANS:
                    break
            return found
        return _leftmost(self._regexes, text)

    @property
    def size(self) -> int:
        """How many distinct terms the highlighter looks for."""
        return len(self._regexes)

    def mark(self, text: str, spans: list[tuple[int, int, int]] | None = None) -> str | None:
        """The whole (short) text with its matches marked, or None when nothing matches."""
        spans = self.spans(text) if spans is None else spans
        return _render(text, 0, len(text), spans) if spans else None

    def snippets(
        self, text: str, limit: int = 2, width: int = SNIPPET_CHARS, spans: list[tuple[int, int, int]] | None = None
    ) -> list[str]:
        """Up to ``limit`` windows of about ``width`` characters, those with the most distinct terms first."""
        spans = self.spans(text) if spans is None else spans
        if not spans:
            return []
        starts, ends, terms = zip(*spans, strict=True)
        candidates = []
        for first, start in enumerate(starts[:50]):
            lo = max(0, start - width // 4)
            hi = min(len(text), lo + width)
            # Spans are in text order and do not overlap, so their ends are in order too:
            # those inside the window are one run, from the first starting at lo to the last ending by hi.
            a = bisect_left(starts, lo, 0, first + 1)
            b = bisect_right(ends, hi, a)
            candidates.append((-len(set(terms[a:b])), a - b, lo, hi))
        chosen: list[tuple[int, int]] = []
        for _, _, lo, hi in sorted(candidates):
            if all(hi <= a or lo >= b for a, b in chosen):
                chosen.append((lo, hi))
            if len(chosen) == limit:
                break
        return [_render(text, lo, hi, spans) for lo, hi in sorted(chosen)]


def _leftmost(regexes: Compiled, text: str) -> list[tuple[int, int, int]]:
    """Non-overlapping matches from left to right, the earliest term in ``regexes`` first at one
    position; a term pattern never matches the empty string (every piece is at least one character)."""
    ahead = [regex.search(text) for regex, _ in regexes]
    found: list[tuple[int, int, int]] = []
    at = 0
    while True:
        best, start = -1, len(text) + 1
        for k, match in enumerate(ahead):
            if match is not None and match.start() < at:
                match = ahead[k] = regexes[k][0].search(text, at)
            if match is not None and match.start() < start:
                best, start = k, match.start()
        if best < 0:
            return found
        end = ahead[best].end()  # type: ignore[union-attr]
        found.append((start, end, regexes[best][1]))
        if len(found) >= _MAX_SPANS:
            return found
        at = end


def _render(text: str, lo: int, hi: int, spans: list[tuple[int, int, int]]) -> str:
    """Marks become stand-in characters so the window is whitespace-folded and escaped in one pass
    (per fragment only in the rare text that holds a stand-in itself)."""
    one_pass = not _SENTINELS.search(text, lo, hi)
    out = ["…"] if lo > 0 else []
    at = lo
    first = bisect_left(spans, (lo, -1, -1))
    for start, end, _ in spans[first:]:
        if start >= hi:
            break
        if start < at or end > hi:
            continue
        if one_pass:
            out += (text[at:start], _OPEN, text[start:end], _CLOSE)
        else:
            out += (_plain(text[at:start]), MARK_OPEN, _plain(text[start:end]), MARK_CLOSE)
        at = end
    out.append(text[at:hi] if one_pass else _plain(text[at:hi]))
    if hi < len(text):
        out.append("…")
    if not one_pass:
        return "".join(out).strip()
    return _plain("".join(out)).replace(_OPEN, MARK_OPEN).replace(_CLOSE, MARK_CLOSE).strip()


def _plain(fragment: str) -> str:
    return escape(_WHITESPACE.sub(" ", fragment), quote=False)
