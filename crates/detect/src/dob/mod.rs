//! Dates of birth: a plausible calendar date that the text or the structure
//! says is a birth date. A bare date is never a date of birth.
//!
//! Two sources of candidates, both cheap on text without them:
//! - birth context words (`DOB`, `date of birth`, `born`, `Geburtsdatum`,
//!   `né le`, JSON keys such as `"birthDate"`…), found in one Aho-Corasick
//!   pass over an ASCII-lower-cased copy of the haystack (case-sensitive,
//!   leftmost patterns let the automaton use its packed SIMD prefilter,
//!   which neither an ASCII-case-insensitive nor an overlapping search
//!   can); a date is then looked for in the [`AFTER_WINDOW`] bytes after
//!   the word, across separators, HTML tags and at most [`MAX_GAP_WORDS`]
//!   short words (`born on`, `geboren am`);
//! - CSV cells in a date-of-birth column ([`Field::DateOfBirth`] hints);
//! - SQL rows of a table of people (`INSERT INTO customers VALUES (…)`
//!   without a column list): the first quoted value that is a whole date
//!   at least [`MIN_AGE`] years before [`date::MAX_YEAR`] is taken as the
//!   birth date, at the lower score [`SQL_ROW`]. Only the first row of a
//!   statement, within [`SQL_WINDOW`] bytes of `INSERT INTO`, is read,
//!   and only where no structure hint covers the row: a dump whose
//!   `CREATE TABLE` or column list is known hints its birth-date column
//!   (see `hints/sql.rs`).
//!
//! The finding is the date alone. A context word lies at most
//! [`AFTER_WINDOW`] bytes before it, so nothing outside
//! [`crate::MAX_LOOKBEHIND`]/[`crate::MAX_LOOKAHEAD`] is ever read; matches
//! are found at every start position (the longest there; the search
//! restarts one byte after each match's start), so each one depends only
//! on its own bytes and a chunked scan sees the same context words as a
//! whole one.

mod date;
#[cfg(test)]
mod tests;

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};

use crate::context::is_word_byte;
use crate::{Field, Finding, Hints, Kind};

/// How far after a context word a date may start.
const AFTER_WINDOW: usize = 48;
/// Words allowed between a context word and its date (`born on`, `geboren
/// am`, `Date of birth (dd.mm.yyyy):`).
const MAX_GAP_WORDS: usize = 3;

/// A CSV column, JSON key or explicit label says "birth date".
const STRONG: f32 = 0.95;
/// An abbreviation or phrase that usually introduces a birth date.
const MEDIUM: f32 = 0.9;
/// `born`: usually a birth date, sometimes a founding story.
const WEAK: f32 = 0.85;
/// An old date in a row of a people table: probably, not certainly, a
/// birth date (it could be an account's creation date).
const SQL_ROW: f32 = 0.6;
/// Marks the `insert into` entry of [`CONTEXT`].
const SQL_MARK: f32 = 0.0;
/// How far after `INSERT INTO` a row's birth date may start.
const SQL_WINDOW: usize = 400;
/// Customers are at least this old.
const MIN_AGE: u32 = 13;
/// Tables whose rows are people.
const PEOPLE_TABLES: &[&str] = &[
    "customers",
    "customer",
    "users",
    "user",
    "members",
    "persons",
    "people",
    "patients",
    "employees",
    "clients",
    "contacts",
    "subscribers",
];

/// Context words and the score of a date right after them. Spellings of
/// keys (`birth_date`, `date-of-birth`) are listed because key separators
/// are not spaces; matching is ASCII case-insensitive (`birthDate`).
const CONTEXT: &[(&str, f32)] = &[
    ("dob", STRONG),
    ("d.o.b", STRONG),
    ("date of birth", STRONG),
    ("date_of_birth", STRONG),
    ("date-of-birth", STRONG),
    ("dateofbirth", STRONG),
    ("birth date", STRONG),
    ("birth_date", STRONG),
    ("birth-date", STRONG),
    ("birthdate", STRONG),
    ("birthday", STRONG),
    ("birth_day", STRONG),
    ("birthdt", STRONG),
    ("bdate", STRONG),
    ("geburtsdatum", STRONG),
    ("geburtstag", STRONG),
    ("date de naissance", STRONG),
    ("date_de_naissance", STRONG),
    ("date_naissance", STRONG),
    ("datenaissance", STRONG),
    ("fecha de nacimiento", STRONG),
    ("fecha_nacimiento", STRONG),
    ("fechanacimiento", STRONG),
    ("data di nascita", STRONG),
    ("geb.", MEDIUM),
    ("geboren am", MEDIUM),
    ("né le", MEDIUM),
    ("née le", MEDIUM),
    ("nacido el", MEDIUM),
    ("nacida el", MEDIUM),
    ("born", WEAK),
    ("geboren", WEAK),
    ("insert into", SQL_MARK),
];

pub(crate) struct DobDetector {
    context: AhoCorasick,
}

impl DobDetector {
    pub(crate) fn new() -> DobDetector {
        debug_assert!(CONTEXT.iter().all(|(w, _)| *w == w.to_ascii_lowercase()));
        let context = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(CONTEXT.iter().map(|(w, _)| w))
            .expect("the context word list is a small constant set");
        DobDetector { context }
    }

    pub(crate) fn find(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        let first = out.len();
        for h in hints.overlapping(0, hay.len()) {
            if h.field == Field::DateOfBirth {
                hinted_cell(hay, h.start, h.end.min(hay.len()), out);
            }
        }
        let hinted = out.len();
        thread_local! {
            // Reused across chunks: one allocation per scanning thread.
            static LOWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        LOWER.with_borrow_mut(|lower| {
            lower.clear();
            lower.extend_from_slice(hay);
            lower.make_ascii_lowercase();
            self.context_dates(hay, lower, hints, hinted, out);
        });
        debug_assert!(out[first..].iter().all(|f| f.start < f.end));
    }

    /// Dates after context words; `lower` is `hay` with ASCII lower-cased
    /// (same offsets), `hinted` where this chunk's findings from hinted
    /// cells end.
    fn context_dates(
        &self,
        hay: &[u8],
        lower: &[u8],
        hints: &Hints<'_>,
        hinted: usize,
        out: &mut Vec<Finding>,
    ) {
        let mut pos = 0;
        while let Some(m) = self.context.find(Input::new(lower).range(pos..)) {
            pos = m.start() + 1;
            let (s, e) = (m.start(), m.end());
            if !word_bounded(hay, s, e) {
                continue;
            }
            let score = CONTEXT[m.pattern().as_usize()].1;
            if score == SQL_MARK {
                // A dump whose columns are known hints its rows: the
                // birth-date column decides, not the first old date. Only
                // this statement's line counts: the next statement's
                // hints (a catalogue's `sku` column) say nothing of it.
                let window = &hay[e..(e + SQL_WINDOW).min(hay.len())];
                let line_end = e + memchr::memchr(b'\n', window).unwrap_or(window.len());
                if hints.overlapping(e, line_end).is_empty() {
                    sql_row(hay, e, out);
                }
                continue;
            }
            let Some((start, end, keyed)) = date_after(hay, e) else {
                continue;
            };
            // A hinted cell was judged by its column already.
            if hints
                .at(start)
                .is_some_and(|h| h.field == Field::DateOfBirth)
            {
                continue;
            }
            let score = if keyed { score.max(MEDIUM) } else { score };
            // Overlapping context words (`date of birth` and `birth`) lead
            // to the same date: keep one finding, with the best score.
            if let Some(last) = out[hinted..].iter_mut().rev().find(|f| f.start == start) {
                last.score = last.score.max(score);
                continue;
            }
            out.push(Finding {
                start,
                end,
                kind: Kind::DateOfBirth,
                score,
                detector: "dob.context",
            });
        }
    }
}

/// The birth date in the first row of `INSERT INTO <people table>` whose
/// table name starts after `from`.
fn sql_row(hay: &[u8], from: usize, out: &mut Vec<Finding>) {
    let limit = hay.len().min(from + SQL_WINDOW);
    let mut p = from;
    while p < limit && matches!(hay[p], b' ' | b'`' | b'"') {
        p += 1;
    }
    let name = hay[p..limit]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    let table = &hay[p..p + name];
    if !PEOPLE_TABLES
        .iter()
        .any(|t| t.as_bytes().eq_ignore_ascii_case(table))
    {
        return;
    }
    let mut q = p + name;
    // Values in the first row only: stop at its closing `)`.
    let mut quoted = false;
    while q < limit {
        match hay[q] {
            b'\'' if !quoted => {
                quoted = true;
                if let Some((end, y)) = date::parse_year(hay, q + 1, false) {
                    if hay.get(end) == Some(&b'\'') && y + MIN_AGE <= date::MAX_YEAR {
                        out.push(Finding {
                            start: q + 1,
                            end,
                            kind: Kind::DateOfBirth,
                            score: SQL_ROW,
                            detector: "dob.sql_row",
                        });
                        return;
                    }
                }
            }
            // `''` escapes a quote inside a value.
            b'\'' if hay.get(q + 1) == Some(&b'\'') => q += 1,
            b'\'' => quoted = false,
            b')' if !quoted => return,
            _ => {}
        }
        q += 1;
    }
}

/// A date filling a date-of-birth cell (quotes and spaces around it
/// allowed). Compact `19840307` counts here: the column says it is a date.
fn hinted_cell(hay: &[u8], start: usize, end: usize, out: &mut Vec<Finding>) {
    let cell = &hay[start..end];
    let lead = cell
        .iter()
        .take_while(|b| matches!(b, b' ' | b'"' | b'\''))
        .count();
    let pos = start + lead;
    if pos >= end || pos - start > 8 {
        return;
    }
    if let Some(date_end) = date::parse(&hay[..end], pos, true) {
        out.push(Finding {
            start: pos,
            end: date_end,
            kind: Kind::DateOfBirth,
            score: STRONG,
            detector: "dob.column",
        });
    }
}

/// Whether the match `[s, e)` is a whole word: `adobe` and `reborn` are not
/// context. Key prefixes (`customer_dob`, `user.birthDate`) are allowed on
/// the left; nothing that continues a word on the right.
fn word_bounded(hay: &[u8], s: usize, e: usize) -> bool {
    let left = s == 0 || !hay[s - 1].is_ascii_alphanumeric();
    let last = hay[e - 1];
    let right = e == hay.len() || last == b'.' || last == b' ' || !is_word_byte(hay[e]);
    left && right
}

/// The first date after a context word ending at `from`: (start, end,
/// whether only key punctuation separates them, as in `"dob":"…"`).
fn date_after(hay: &[u8], from: usize) -> Option<(usize, usize, bool)> {
    let limit = hay.len().min(from + AFTER_WINDOW);
    let mut p = from;
    let mut words = 0;
    let mut keyed = true;
    while p < limit {
        let b = hay[p];
        if b == b'<' {
            // An HTML tag between label and value: `DOB</td><td>`.
            let close = memchr::memchr(b'>', &hay[p..limit])?;
            p += close + 1;
            keyed = false;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b >= 0x80) {
            if !matches!(b, b'"' | b'\'' | b':' | b'=' | b' ' | b'\t') {
                keyed = false;
            }
            p += 1;
            continue;
        }
        if let Some(end) = date::parse(hay, p, keyed) {
            return Some((p, end, keyed));
        }
        if b.is_ascii_digit() {
            // A number that is not a date: the context belongs to it.
            return None;
        }
        words += 1;
        if words > MAX_GAP_WORDS {
            return None;
        }
        keyed = false;
        while p < limit && (hay[p].is_ascii_alphanumeric() || hay[p] >= 0x80) {
            p += 1;
        }
    }
    None
}
