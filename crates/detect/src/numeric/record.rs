//! A record's country, read from its country cell, so that a phone cell of
//! the same record is validated against that country's numbering plan
//! (issue 23): an Australian `0412 345 678` is no number of the ten
//! regions the scanner tries on its own, and a national number invalid in
//! the record's own country is no phone of some other one.
//!
//! The cell is found among the structure hints ([`Field::Country`]) within
//! [`AROUND`] bytes of the phone, in the same record: no line break (a CSV,
//! TSV or `COPY` row, a tuple or JSON object on its own line) and no
//! `),(` (a multi-row `INSERT`'s tuple boundary) between the two. A record
//! spread over lines (a quoted newline in a cell between them, indented
//! JSON) is not read: its phone is judged as without a country.

use super::countries::COUNTRIES;
use crate::{Field, Hints};

/// How far from a phone its record's country cell is looked for. Customer
/// rows put a few hundred bytes between the two at most; the window stays
/// inside [`crate::MAX_LOOKBEHIND`] and [`crate::MAX_LOOKAHEAD`], so every
/// chunking sees the same cells.
const AROUND: usize = 400;
/// Longer than any country's name.
const MAX_VALUE: usize = 64;

/// The ISO 3166-1 alpha-2 code of the record holding `hay[start..end]`,
/// when a country cell of that record names one.
pub(super) fn country_of_record(
    hay: &[u8],
    start: usize,
    end: usize,
    hints: &Hints<'_>,
) -> Option<&'static str> {
    let from = start.saturating_sub(AROUND);
    let to = end.saturating_add(AROUND).min(hay.len());
    let mut best: Option<(usize, &'static str)> = None;
    for h in hints.overlapping(from, to) {
        if h.field != Field::Country || h.start < from || h.end > to {
            continue;
        }
        let (a, b) = if h.end <= start {
            (h.end, start)
        } else if h.start >= end {
            (end, h.start)
        } else {
            continue;
        };
        let between = &hay[a..b];
        if memchr::memchr(b'\n', between).is_some()
            || memchr::memmem::find(between, b"),(").is_some()
        {
            continue;
        }
        let Some(code) = alpha2(&hay[h.start..h.end]) else {
            continue;
        };
        if best.is_none_or(|(d, _)| b - a < d) {
            best = Some((b - a, code));
        }
    }
    best.map(|(_, code)| code)
}

/// An ISO alpha-2 or alpha-3 code or an English country name (any case,
/// quotes and spaces around it ignored) as its alpha-2 code.
pub(super) fn alpha2(value: &[u8]) -> Option<&'static str> {
    let v = value.trim_ascii();
    let v = match v {
        [q @ (b'"' | b'\''), inner @ .., last] if last == q => inner.trim_ascii(),
        _ => v,
    };
    if v.len() < 2 || v.len() > MAX_VALUE {
        return None;
    }
    let key = std::str::from_utf8(v).ok()?.to_lowercase();
    COUNTRIES
        .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
        .ok()
        .map(|i| COUNTRIES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hints::Hint;

    #[test]
    fn codes_and_english_names() {
        assert_eq!(alpha2(b"AU"), Some("AU"));
        assert_eq!(alpha2(b"mex"), Some("MX"));
        assert_eq!(alpha2(b" 'Australia' "), Some("AU"));
        assert_eq!(alpha2(b"\"United Kingdom\""), Some("GB"));
        assert_eq!(alpha2(b"UK"), Some("GB"));
        assert_eq!(alpha2(b"South Korea"), Some("KR"));
        assert_eq!(alpha2(b"Deutschland"), None);
        assert_eq!(alpha2(b"\\N"), None);
        assert_eq!(alpha2(b"X"), None);
    }

    fn country_at(text: &str, cell: &str, phone: &str) -> Option<&'static str> {
        let s = text.find(cell).expect("cell in text");
        let p = text.find(phone).expect("phone in text");
        let h = [Hint {
            start: s,
            end: s + cell.len(),
            field: Field::Country,
        }];
        country_of_record(text.as_bytes(), p, p + phone.len(), &Hints::new(&h))
    }

    #[test]
    fn the_country_cell_of_the_same_record_only() {
        assert_eq!(country_at("7,0412 345 678,AU\n", "AU", "0412"), Some("AU"));
        assert_eq!(
            country_at("7,MX,55 1234 5678\n", "MX", "55 1234"),
            Some("MX")
        );
        // The next row's, or the next tuple's: none.
        assert_eq!(country_at("7,0412 345 678,\n8,x,AU\n", "AU", "0412"), None);
        assert_eq!(
            country_at("(7,'0412 345 678',NULL),(8,'x','AU')", "AU", "0412"),
            None
        );
    }
}
