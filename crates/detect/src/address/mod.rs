//! Street addresses: US, UK, German and French postal address lines,
//! scored by structure.
//!
//! Every address line carries a house number, so the scan skips to digits
//! (eight bytes at a time) and only a short number at a token boundary
//! becomes a candidate: followed by a space and a letter (number-first
//! streets, [`street::number_first`]) or preceded by a space and a letter
//! (German name-first streets, [`street::name_first`]). Logs full of
//! timestamps and IPs cost one byte check per number.
//!
//! The finding spans the street line (with a UK `Flat 3, ` prefix and a
//! trailing unit such as `, Apt 4B`) and, when it follows after a comma, a
//! space or a line break (`\n`, `<br>`), the postcode-and-city line:
//! `12 Main St\nSpringfield, IL 62704` is one finding. This is how the
//! repo's corpus labels addresses. Country names after the postcode are
//! not included.
//!
//! Scores: a street line with its postcode line [`FULL`]; a street line
//! alone [`LINE`]; one followed by running text, or whose only type word is
//! an English word too (`5 Place Settings`), [`WEAK`]. An address column
//! or key, or context such as `Ship to` or `Anschrift`, adds [`BOOST`].
//!
//! A finding depends on at most [`CONTEXT_WINDOW`] bytes before its start
//! and about two hundred after; every candidate is judged on its own, so
//! chunked scans agree with whole ones.

mod lex;
mod street;
mod tail;
#[cfg(test)]
mod tests;

use crate::context::ContextWords;
use crate::{Field, Finding, Hints, Kind};

use street::Street;

/// A street line with number and type word, and its postcode/city line.
const FULL: f32 = 0.92;
/// A street line with number and type word.
const LINE: f32 = 0.7;
/// A street-shaped phrase in running text, or with an ambiguous type word.
const WEAK: f32 = 0.45;
/// What an address column, key or label adds.
const BOOST: f32 = 0.1;
const MAX_SCORE: f32 = 0.98;
/// How far before an address its label is looked for.
const CONTEXT_WINDOW: usize = 40;

/// Labels and keys that introduce an address. `address` also matches keys
/// such as `shipping_address` and `<address>`.
const CONTEXT: &[&str] = &[
    "address",
    "addr:",
    "addr=",
    "street",
    "line1",
    "line_1",
    "ship to",
    "ship-to",
    "shipto",
    "ship_to",
    "bill to",
    "billto",
    "bill_to",
    "deliver to",
    "delivery",
    "mailing",
    "residence",
    "lives at",
    "anschrift",
    "adresse",
    "wohnhaft",
    "domicile",
    "dirección",
    "direccion",
];

pub(crate) struct AddressDetector {
    context: ContextWords,
}

impl AddressDetector {
    pub(crate) fn new() -> AddressDetector {
        AddressDetector {
            context: ContextWords::new(CONTEXT),
        }
    }

    pub(crate) fn find(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        let mut i = 0;
        while let Some((p, d)) = lex::next_run(hay, i) {
            let run = d - p;
            i = d;
            if run > 5 || hay[p] == b'0' {
                continue;
            }
            if let Some(f) = self.candidate(hay, p, d, hints) {
                out.push(f);
            }
        }
    }

    /// The address whose house number is `hay[p..d]`, if any.
    fn candidate(&self, hay: &[u8], p: usize, d: usize, hints: &Hints<'_>) -> Option<Finding> {
        let glued = p > 0 && glued_left(hay[p - 1]);
        let mut street = None;
        if !glued {
            street = street::number_first(hay, p, d).map(|s| Street {
                start: street::flat_prefix(hay, s.start),
                ..s
            });
        }
        if street.is_none() && d - p <= 4 && p >= 2 && hay[p - 1] == b' ' {
            let b = hay[p - 2];
            if lex::is_letter(b) || b == b'.' {
                street = street::name_first(hay, p, d);
            }
        }
        let s = street?;
        let postal = tail::separator(hay, s.end, true).and_then(|q| tail::postal(hay, q));
        if s.needs_tail && postal.is_none() {
            return None;
        }
        let end = postal.unwrap_or(s.end);
        let mut score = match postal {
            Some(_) => FULL,
            None if s.running || s.weak => WEAK,
            None => LINE,
        };
        let hinted = hints
            .at(s.start)
            .is_some_and(|h| matches!(h.field, Field::Address));
        if hinted || self.context.before(hay, s.start, CONTEXT_WINDOW) {
            score = (score + BOOST).min(MAX_SCORE);
        }
        if after_company(hay, s.start) {
            score = score.min(WEAK);
        }
        Some(Finding {
            start: s.start,
            end,
            kind: Kind::StreetAddress,
            score,
            detector: "address.structure",
        })
    }
}

/// Company legal forms (lowercase, without a final full stop).
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "sarl",
    "sas",
    "s.a",
    "b.v",
    "bv",
    "pty",
    "foundation",
];

/// Whether the address at `start` follows a company's legal form
/// (`Free Software Foundation, Inc., 51 Franklin Street`, `Acme Ltd\n12
/// High St`): a business's address, which is no person's data.
fn after_company(hay: &[u8], start: usize) -> bool {
    let before = &hay[start.saturating_sub(24)..start];
    let end = before.len()
        - before
            .iter()
            .rev()
            .take_while(|b| matches!(b, b' ' | b',' | b'\n' | b'\r' | b'\t'))
            .count();
    // Most addresses follow a label, a quote or a name: no legal form ends
    // in anything but a letter or a full stop.
    if !before[..end]
        .last()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'.')
    {
        return false;
    }
    let word_start = before[..end]
        .iter()
        .rposition(|b| !(b.is_ascii_alphabetic() || *b == b'.'))
        .map_or(0, |i| i + 1);
    lex::one_of(street::strip_dot(&before[word_start..end]), LEGAL_FORMS)
}

/// Whether a number after byte `b` is part of a larger token (`v2`, `#12`,
/// `$5`, `1.5`, `10-12`), not a house number.
fn glued_left(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || b >= 0x80
        || matches!(
            b,
            b'#' | b'$'
                | b'.'
                | b'-'
                | b'/'
                | b'+'
                | b'@'
                | b'_'
                | b'%'
                | b'*'
                | b'~'
                | b'^'
                | b':'
        )
}
