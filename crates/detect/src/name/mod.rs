//! Person names: "Jane Doe", "DOE, Jane", "Dr. Jane M. Doe", "Élodie
//! Durand", "Sanne de Vries", "O'Brien", "Anne-Marie Smith-Jones",
//! `<b>Jane</b> Doe`, `"Jane Doe" <jane@…>`, JSON values, CSV cells (via
//! hints) and Japanese names in kanji (`山田 太郎`).
//!
//! Candidates are runs of capitalised words, found with a byte-class loop
//! that stops only at ASCII capitals and UTF-8 lead bytes; words joined by
//! spaces, lowercase particles (`van der`) and inline tags form one run. A
//! run is then scored from signals: lexicon membership (given name first,
//! surname last, with frequency), capitalisation shape, context words and
//! titles before it, structure (CSV hint, JSON key, `name=` attribute,
//! `Name:` label), and an email address on the same line. Brand, product
//! and place names built from people's names, words that head UI text, and
//! street names are rejected outright.
//!
//! Decisions depend only on the run itself and a bounded window around it:
//! a run longer than [`MAX_RUN`] bytes is rejected, never split, so where a
//! chunk happens to start cannot change which runs are found.
//!
//! This module is the entry point: the scan loop ([`NameDetector::find`])
//! and the bounds every window is checked against. The rest, one job each:
//! `run` reads a run of words, `score` scores it, `lookup` asks the
//! `lexicon` about its words, `context` and `field` find the evidence
//! around it, `words` holds the fixed word lists, `kanji` finds Japanese
//! names, and `utf8` has the character helpers they share.

mod context;
mod field;
mod kanji;
mod lexicon;
mod lookup;
mod run;
mod score;
#[cfg(test)]
mod tests;
mod utf8;
mod words;

use crate::context::{is_word_byte, ContextWords};
use crate::{swar, Finding, Hints, Kind};
use lexicon::{Lexicon, MAX_TOKEN};
use utf8::starts_inside_word;

/// Longest run of name words considered, in bytes (tags included).
const MAX_RUN: usize = 160;
/// Most name words (particles and initials aside) in a full name.
const MAX_WORDS: usize = 5;
/// How far before a run context words are looked for.
const CONTEXT_WINDOW: usize = 48;
/// How far around a name an `@` makes it a contact record.
const EMAIL_WINDOW: usize = 80;
/// Given names at least this frequent (`April`, `Jan`, `Dallas`: class 13
/// of 13) may be stop words elsewhere and are names in a name field.
const COMMON_GIVEN: u8 = 11;
/// Findings scoring below this are not reported at all.
const MIN_SCORE: f32 = 0.3;

// Every window is measured from a run's start or end, and runs are bounded.
// After a run, a joiner (3 spaces, 2 inline tags of at most 64 bytes) and one
// more word are read to see whether the run goes on.
const _: () = assert!(MAX_RUN + 3 + 2 * 64 + MAX_TOKEN + 8 < crate::MAX_LOOKAHEAD);
const _: () = assert!(MAX_RUN + CONTEXT_WINDOW + 64 < crate::MAX_LOOKBEHIND);
const _: () = assert!(MAX_RUN + EMAIL_WINDOW + 64 < crate::MAX_LOOKAHEAD);

pub(crate) struct NameDetector {
    lex: Lexicon,
    context: ContextWords,
}

impl NameDetector {
    pub(crate) fn new() -> NameDetector {
        NameDetector {
            lex: Lexicon::new(),
            context: context::words(),
        }
    }

    /// Appends every name in `hay` to `out`.
    pub(crate) fn find(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        let mut i = 0;
        while i < hay.len() {
            // Eight bytes at a time to the next byte that may start a name:
            // in code and identifiers most capitals sit inside words.
            if let Some(x) = swar::load(hay, i) {
                let prev = i.checked_sub(1).map_or(b' ', |k| hay[k]);
                let starts = name_starts(x, prev);
                if starts == 0 {
                    i += 8;
                    continue;
                }
                i += (starts.trailing_zeros() / 8) as usize;
            }
            let b = hay[i];
            let interesting = b.is_ascii_uppercase() || b >= 0xC3;
            if !interesting {
                i += 1;
                continue;
            }
            if (0xE3..=0xE9).contains(&b) {
                i = self.kanji(hay, i, hints, out);
                continue;
            }
            // A capital inside an ASCII word (`HashMap`, `userID`): no
            // capital before the word's end can start a name either.
            if b.is_ascii_uppercase() && i > 0 && is_word_byte(hay[i - 1]) {
                i += hay[i..].iter().take_while(|b| is_word_byte(**b)).count();
                continue;
            }
            // After an ASCII byte that is not a word byte (tested above), a
            // capital starts a word unless an escape precedes it (`\nJane`).
            let after_plain_ascii = b.is_ascii_uppercase()
                && i.checked_sub(1)
                    .is_none_or(|k| hay[k] < 0x80 && hay[k] != b'\\');
            if !after_plain_ascii && starts_inside_word(hay, i) {
                i += 1;
                continue;
            }
            i = self.run(hay, i, hints, out);
        }
    }
}

/// The high bit of each of the eight bytes of `x` that may start a name:
/// an ASCII capital not preceded by a word byte (`prev` is the byte before
/// `x`), or a non-ASCII lead byte from 0xC3 on (Latin letters with accents,
/// kanji), which the caller looks at more closely.
fn name_starts(x: u64, prev: u8) -> u64 {
    let before = (x << 8) | u64::from(prev);
    // 0xC3..=0xFF is the high bit set and 0x43..=0x7F below it.
    let leads = swar::in_range(x & (swar::LO * 0x7f), 0x43, 0x7f) & x;
    (swar::capitals(x) & !swar::word_bytes(before)) | leads
}

fn finding(start: usize, end: usize, score: f32, detector: &'static str) -> Finding {
    Finding {
        start,
        end,
        kind: Kind::PersonName,
        score,
        detector,
    }
}
