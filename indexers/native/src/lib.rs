//! The index path of `indexers/tokenize.py` in Rust: `analyze()` without a Python
//! string per word.
//!
//! `tokenize.py` is the reference and the fallback; this module must give
//! byte-identical output, because a text indexed by one and queried by the other
//! must meet. So nothing Unicode-specific is decided here: the fold table
//! (NFKC, accents, traditional to simplified, lower case, one entry per
//! character) and the character classes (CJK, Python's `\w`, `\d`, `\s`) are built
//! by Python and handed to `Analyzer::new`, and the rules below mirror the
//! Python functions named in each docstring. `tests/indexers/test_tokenize_native.py`
//! checks the two agree.

use std::collections::HashMap;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyFrozenSet, PyString};
use rustc_hash::{FxHashMap, FxHashSet};

/// Bumped whenever the output could change: Python ignores a module of another protocol
/// (a stale wheel) and falls back to its own implementation.
const PROTOCOL: u32 = 3;

/// `tokenize.GRAM_RUN_BREAK`.
const GRAM_RUN_BREAK: &str = "|";

const CJK: u8 = 1;
/// Python's `[^\W_]`, i.e. `str.isalnum()` for one character.
const WORD: u8 = 2;
/// Python's `\d`.
const DIGIT: u8 = 4;
/// Python's `\s`.
const SPACE: u8 = 8;

const CODE_POINTS: usize = 0x11_0000;

#[pyclass(frozen)]
struct Analyzer {
    /// Class bits per code point (1.1 MB, but a lookup is one load).
    flags: Vec<u8>,
    /// Per code point: 0 when folding keeps it, else 1 + index into `replacements`.
    fold: Vec<u32>,
    replacements: Vec<String>,
    jieba: jieba_rs::Jieba,
    /// One Python string per CJK character ever returned: building the set of a page's
    /// distinct characters from cached strings (whose hash Python caches too) costs a
    /// fifth of creating and hashing new ones.
    strings: Mutex<FxHashMap<char, Py<PyString>>>,
}

#[derive(Clone, Copy)]
enum Ident {
    IdCard,
    CreditCode,
    Mobile,
    Landline,
    Code,
}

fn lower_alnum(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_lowercase()
}

/// The letters a unified social credit code may use: `[0-9a-hj-np-rtuwxy]`.
fn credit_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_lowercase() && !matches!(c, 'i' | 'o' | 's' | 'v' | 'z'))
}

impl Analyzer {
    fn is(&self, c: char, flag: u8) -> bool {
        self.flags[c as usize] & flag != 0
    }

    /// `tokenize.normalize`: every character replaced by its fold-table entry.
    fn normalized(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match self.fold[c as usize] {
                0 => out.push(c),
                i => out.push_str(&self.replacements[i as usize - 1]),
            }
        }
        out
    }

    /// `tokenize.join_cjk_lines`: whitespace between two CJK characters is dropped.
    fn join_cjk_lines(&self, norm: &str) -> String {
        let mut out = String::with_capacity(norm.len());
        let mut prev_cjk = false;
        let mut chars = norm.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if prev_cjk && self.is(c, SPACE) {
                let mut end = start + c.len_utf8();
                while let Some(&(i, d)) = chars.peek() {
                    if !self.is(d, SPACE) {
                        break;
                    }
                    end = i + d.len_utf8();
                    chars.next();
                }
                if !chars.peek().is_some_and(|&(_, d)| self.is(d, CJK)) {
                    out.push_str(&norm[start..end]);
                }
                prev_cjk = false;
                continue;
            }
            prev_cjk = self.is(c, CJK);
            out.push(c);
        }
        out
    }

    /// `tokenize.match_tokens` on joined text: a CJK run gives its first character, its
    /// bigrams and its last character; a run of other word characters gives itself.
    fn match_tokens(&self, text: &str) -> String {
        fn push(out: &mut String, token: &str) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(token);
        }
        let mut out = String::with_capacity(text.len() * 3);
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if self.is(c, CJK) {
                push(&mut out, &text[start..start + c.len_utf8()]);
                let mut last = start;
                while let Some(&(i, d)) = chars.peek() {
                    if !self.is(d, CJK) {
                        break;
                    }
                    push(&mut out, &text[last..i + d.len_utf8()]);
                    last = i;
                    chars.next();
                }
                let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
                push(&mut out, &text[last..end]);
            } else if self.is(c, WORD) {
                let mut end = start + c.len_utf8();
                while let Some(&(i, d)) = chars.peek() {
                    if !self.is(d, WORD) || self.is(d, CJK) {
                        break;
                    }
                    end = i + d.len_utf8();
                    chars.next();
                }
                push(&mut out, &text[start..end]);
            }
        }
        out
    }

    /// `tokenize.gram_tokens` on joined text: the trigrams of every CJK run of three
    /// characters or more, and the 4-grams of every longer run, each run's followed by `|`.
    fn gram_tokens(&self, text: &str) -> (String, String) {
        fn push(out: &mut String, token: &str) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(token);
        }
        // A CJK character (3 bytes) starts one trigram (9 bytes and a space) and one 4-gram (13).
        let mut tri = String::with_capacity(text.len() * 10 / 3);
        let mut quad = String::with_capacity(text.len() * 14 / 3);
        // Byte offsets of the current run's characters, and of the end of the last one.
        let mut run: Vec<usize> = Vec::new();
        let mut flush = |run: &mut Vec<usize>, end: usize| {
            let n = run.len();
            if n >= 3 {
                for i in 0..n - 2 {
                    push(&mut tri, &text[run[i]..run.get(i + 3).copied().unwrap_or(end)]);
                }
            }
            if n >= 4 {
                for i in 0..n - 3 {
                    push(&mut quad, &text[run[i]..run.get(i + 4).copied().unwrap_or(end)]);
                }
                push(&mut quad, GRAM_RUN_BREAK);
            }
            run.clear();
        };
        for (i, c) in text.char_indices() {
            if self.is(c, CJK) {
                run.push(i);
            } else {
                flush(&mut run, i);
            }
        }
        flush(&mut run, text.len());
        (tri, quad)
    }

    /// `tokenize.boost_tokens` on joined text: jieba's search-mode words of two or more
    /// word characters.
    fn boost_tokens(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for token in self.jieba.cut_for_search(text, true) {
            let mut chars = token.word.chars();
            let long = chars.next().is_some() && chars.next().is_some();
            if long && token.word.chars().all(|c| self.is(c, WORD)) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(token.word);
            }
        }
        out
    }

    /// `tokenize.exact_tokens`: what `_IDENT.finditer` finds, normalised by `exact_value`.
    fn exact_tokens(&self, norm: &str) -> Vec<String> {
        let chars: Vec<char> = norm.chars().collect();
        let mut found = Vec::new();
        let mut p = 0;
        while p < chars.len() {
            // `(?<![0-9a-z])(?=[0-9a-z])`
            if lower_alnum(chars[p]) && (p == 0 || !lower_alnum(chars[p - 1])) {
                if let Some((end, kind)) = self.ident_at(&chars, p) {
                    let raw = chars[p..end].iter();
                    found.push(match kind {
                        Ident::Mobile | Ident::Landline => raw.filter(|&&c| c != ' ' && c != '-').collect(),
                        _ => raw.collect(),
                    });
                    p = end;
                    continue;
                }
            }
            p += 1;
        }
        found
    }

    /// The alternatives of `_IDENT` tried in order at `p`, with the backtracking Python's
    /// regex engine would do; each must be followed by `(?![0-9a-z])`.
    fn ident_at(&self, s: &[char], p: usize) -> Option<(usize, Ident)> {
        let at = |i: usize| s.get(i).copied();
        let digit = |i: usize| at(i).is_some_and(|c| self.is(c, DIGIT));
        let digits = |from: usize, n: usize| (from..from + n).all(digit);
        let ends = |i: usize| !at(i).is_some_and(lower_alnum);

        // id: \d{17}[\dx]
        if digits(p, 17) && (digit(p + 17) || at(p + 17) == Some('x')) && ends(p + 18) {
            return Some((p + 18, Ident::IdCard));
        }
        // uscc: [credit]{2}\d{6}[credit]{10}
        let credit = |i: usize| at(i).is_some_and(credit_char);
        if credit(p) && credit(p + 1) && digits(p + 2, 6) && (p + 8..p + 18).all(credit) && ends(p + 18) {
            return Some((p + 18, Ident::CreditCode));
        }
        // mobile: 1[3-9]\d(?:[ -]?\d{4}){2} (a separator is never a digit: no backtracking)
        if at(p) == Some('1') && at(p + 1).is_some_and(|c| ('3'..='9').contains(&c)) && digit(p + 2) {
            let mut i = p + 3;
            let mut ok = true;
            for _ in 0..2 {
                if matches!(at(i), Some(' ' | '-')) {
                    i += 1;
                }
                ok = ok && digits(i, 4);
                i += 4;
            }
            if ok && ends(i) {
                return Some((i, Ident::Mobile));
            }
        }
        // landline: 0\d{2,3}-\d{7,8}, greedy counts tried longest first
        if at(p) == Some('0') {
            for area in [3, 2] {
                if digits(p + 1, area) && at(p + 1 + area) == Some('-') {
                    let start = p + 2 + area;
                    for number in [8, 7] {
                        if digits(start, number) && ends(start + number) {
                            return Some((start + number, Ident::Landline));
                        }
                    }
                }
            }
        }
        // code: [0-9a-z]+(?:-[0-9a-z]+){2,}; every segment is maximal (a shorter one
        // would leave a letter where "-" or the end must be)
        let segment_end = |mut i: usize| {
            while at(i).is_some_and(lower_alnum) {
                i += 1;
            }
            i
        };
        let mut end = segment_end(p);
        let mut segments = 1;
        while at(end) == Some('-') {
            let next = segment_end(end + 1);
            if next == end + 1 {
                break;
            }
            end = next;
            segments += 1;
        }
        (segments >= 3).then_some((end, Ident::Code))
    }

    /// `tokenize.char_tokens`: the distinct CJK characters.
    fn char_tokens(&self, norm: &str) -> Vec<char> {
        let mut seen = FxHashSet::default();
        norm.chars().filter(|&c| self.is(c, CJK) && seen.insert(c)).collect()
    }
}

#[pymethods]
impl Analyzer {
    /// `fold`: character -> replacement for every character folding changes;
    /// the classes: half-open code point ranges.
    #[new]
    fn new(
        fold: HashMap<char, String>,
        cjk: Vec<(u32, u32)>,
        word: Vec<(u32, u32)>,
        digit: Vec<(u32, u32)>,
        space: Vec<(u32, u32)>,
    ) -> Self {
        let mut flags = vec![0u8; CODE_POINTS];
        for (ranges, flag) in [(cjk, CJK), (word, WORD), (digit, DIGIT), (space, SPACE)] {
            for (start, end) in ranges {
                let (start, end) = (start as usize, (end as usize).min(CODE_POINTS));
                flags[start.min(end)..end].iter_mut().for_each(|f| *f |= flag);
            }
        }
        let mut table = vec![0u32; CODE_POINTS];
        let mut replacements = Vec::with_capacity(fold.len());
        for (c, replacement) in fold {
            replacements.push(replacement);
            table[c as usize] = replacements.len() as u32;
        }
        Analyzer {
            flags,
            fold: table,
            replacements,
            jieba: jieba_rs::Jieba::new(),
            strings: Mutex::default(),
        }
    }

    /// `tokenize.normalize`.
    fn normalize(&self, py: Python<'_>, text: &str) -> String {
        py.detach(|| self.normalized(text))
    }

    /// `tokenize.boost_tokens` of normalised text (a query term's ranking words).
    fn boost(&self, py: Python<'_>, norm: &str) -> String {
        py.detach(|| self.boost_tokens(&self.join_cjk_lines(norm)))
    }

    /// `tokenize.analyze` as (match tokens, boost tokens, exact tokens, distinct CJK
    /// characters, trigrams, 4-grams).
    #[allow(clippy::type_complexity)]
    fn analyze<'py>(
        &self,
        py: Python<'py>,
        text: &str,
    ) -> PyResult<(String, String, Vec<String>, Bound<'py, PyFrozenSet>, String, String)> {
        let (matching, boost, exact, chars, (tri, quad)) = py.detach(|| {
            let norm = self.normalized(text);
            let joined = self.join_cjk_lines(&norm);
            (
                self.match_tokens(&joined),
                self.boost_tokens(&joined),
                self.exact_tokens(&norm),
                self.char_tokens(&norm),
                self.gram_tokens(&joined),
            )
        });
        let members: Vec<Bound<'py, PyString>> = {
            // Held only while creating strings, which runs no Python code and keeps the GIL;
            // released before the set is built (that may collect garbage and switch threads).
            let mut strings = self.strings.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            chars
                .into_iter()
                .map(|c| {
                    let cached = strings
                        .entry(c)
                        .or_insert_with(|| PyString::new(py, c.encode_utf8(&mut [0; 4])).unbind());
                    cached.bind(py).clone()
                })
                .collect()
        };
        Ok((matching, boost, exact, PyFrozenSet::new(py, &members)?, tri, quad))
    }
}

#[pymodule]
fn onewindow_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PROTOCOL", PROTOCOL)?;
    m.add_class::<Analyzer>()?;
    Ok(())
}
