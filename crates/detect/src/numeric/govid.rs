//! National identity numbers (`government_id`) and health-insurance
//! numbers (`health_insurance`) inside the numeric pass.
//!
//! All-digit numbers join the pass's candidate dispatch by digit count
//! (9: BSN, SIN; 10: NHS; 11: CPF; 12: Aadhaar; 15: NIR) and are tried
//! before cards, SSNs and phones. Numbers with letters are tried at the
//! few places the tokenizer already stops: a digit glued to capitals on
//! its left (NINO `AB123456C`, NIE `X1234567L`, codice fiscale), a digit
//! run glued to a letter on its right (DNI `12345678Z`, MBI `1EG4TE5MK73`,
//! a Corsican NIR), and a token start after two capitals and a space
//! (NINO `AB 12 34 56 C`) or a lone sex digit (NIR `1 85 05 78 006 084
//! 36`). Nothing here adds a pass over the bytes.
//!
//! **Admission.** Each number must pass its checksum (or, for NINO and
//! MBI, which have none, its letter rules). Then:
//! - a cell of a column of that kind (`cpf`, `nhs_number`: a CSV hint) or
//!   a context word of the scheme within [`CONTEXT_WINDOW`] bytes before
//!   (`CPF:`, `"bsn": `, `NHS No`) admits it, and it wins over any other
//!   reading of the digits;
//! - a cell of a column of another kind (`phone`, `zip`, `card`…) vetoes
//!   it: the column says what the digits are;
//! - otherwise, only layouts that nothing else is written like are
//!   admitted: CPF as `123.456.789-09`, NIR spaced `1 85 05 78 006 084
//!   36`, a DNI or NIE with its check letter, a codice fiscale. Bare
//!   9-12-digit numbers (BSN, SIN, NHS, Aadhaar, undotted CPF, compact
//!   NIR) are left to the other kinds: one in ten or eleven random numbers
//!   passes their checksum, and a CPF- or SIN-shaped number that is also
//!   a valid phone or card is a phone or card unless a word or a column
//!   says otherwise.

use super::ids;
use super::{Cand, NumericDetector, Span, CONTEXT_WINDOW};
use crate::context::ContextWords;
use crate::numeric::tokens::is_word_byte;
use crate::numeric::words::*;
use crate::{Field, Finding, Hints, Kind};

/// A column of the number's kind says so.
const FIELD: f32 = 0.9;
/// A context word of the scheme precedes it.
const CONTEXT: f32 = 0.95;
/// Checksum and a layout nothing else is written in, no context.
const LAYOUT: f32 = 0.8;
/// A letter check alone (DNI): one random number in 23 passes.
const LETTER: f32 = 0.7;
/// Letter rules without a checksum (NINO, MBI) and no context: reported
/// below the default threshold.
const FORMAT_ONLY: f32 = 0.4;

/// The context words of every scheme, built only when one of the two
/// kinds is enabled.
pub(super) struct IdWords {
    cpf: ContextWords,
    nir: ContextWords,
    bsn: ContextWords,
    aadhaar: ContextWords,
    sin: ContextWords,
    nhs: ContextWords,
    nino: ContextWords,
    dni: ContextWords,
    cf: ContextWords,
    mbi: ContextWords,
}

impl IdWords {
    pub(super) fn new() -> IdWords {
        let w = ContextWords::whole_words;
        IdWords {
            cpf: w(CPF_WORDS),
            nir: w(NIR_WORDS),
            bsn: w(BSN_WORDS),
            aadhaar: w(AADHAAR_WORDS),
            sin: w(SIN_WORDS),
            nhs: w(NHS_WORDS),
            nino: w(NINO_WORDS),
            dni: w(DNI_WORDS),
            cf: w(CF_WORDS),
            mbi: w(MBI_WORDS),
        }
    }
}

/// What the structure and the words before a number say about it.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Evidence {
    /// A column of its kind, or a context word of its scheme.
    Admitted(f32),
    /// A column of another kind.
    Vetoed,
    Nothing,
}

fn id(start: usize, end: usize, kind: Kind, score: f32, detector: &'static str) -> Finding {
    Finding {
        start,
        end,
        kind,
        score,
        detector,
    }
}

/// Whether the byte at `p` ends a token: the end, or no word byte (and
/// not a word-joining `-`/`.` before one).
fn ends_token(hay: &[u8], p: usize) -> bool {
    match hay.get(p) {
        None => true,
        Some(&b) if is_word_byte(b) => false,
        Some(b'-' | b'.' | b'/') => !hay.get(p + 1).is_some_and(|&n| is_word_byte(n)),
        Some(_) => true,
    }
}

/// Whether a token may start at `p`: the start, or after a byte that does
/// not continue a word.
fn starts_token(hay: &[u8], p: usize) -> bool {
    p == 0 || !(is_word_byte(hay[p - 1]) || matches!(hay[p - 1], b'-' | b'/'))
}

impl NumericDetector {
    fn evidence(
        &self,
        hay: &[u8],
        start: usize,
        hints: &Hints<'_>,
        own: Field,
        words: &ContextWords,
    ) -> Evidence {
        match hints.at(start).map(|h| h.field) {
            Some(f) if f == own => return Evidence::Admitted(FIELD),
            Some(_) => return Evidence::Vetoed,
            None => {}
        }
        // `sin(x)`, `nhs()`: a word called as a function labels nothing.
        let not_a_call = |_, end: usize| hay.get(end) != Some(&b'(');
        if words.before_where(hay, start, CONTEXT_WINDOW, not_a_call) {
            Evidence::Admitted(CONTEXT)
        } else {
            Evidence::Nothing
        }
    }

    /// An all-digit national or health number among the numeric
    /// candidates, admitted as the module documentation says; `None`
    /// leaves the candidate to cards, SSNs and phones.
    pub(super) fn national_id(
        &self,
        hay: &[u8],
        c: &Cand,
        span: &Span,
        hints: &Hints<'_>,
    ) -> Option<Finding> {
        let words = self.id_words.as_ref()?;
        if c.plus || c.open_paren || span.left_adjacent || span.right_adjacent {
            return None;
        }
        let d = c.digits();
        let g = c.groups();
        let s = c.seps();
        let same_sep = |allowed: &[u8]| {
            s.first()
                .is_some_and(|f| allowed.contains(f) && s.iter().all(|x| x == f))
        };
        let gov = self.gov;
        let health = self.health;
        let admitted =
            |own, words: &ContextWords| match self.evidence(hay, c.start, hints, own, words) {
                Evidence::Admitted(score) => Some(score),
                _ => None,
            };
        let gov_id = |score, det| Some(id(c.start, c.end, Kind::GovernmentId, score, det));
        match d.len() {
            9 if gov => {
                let plain = g == [9];
                if (plain || (g == [4, 2, 3] && same_sep(b"."))) && ids::bsn(d) {
                    if let Some(score) = admitted(Field::GovernmentId, &words.bsn) {
                        return gov_id(score, "government_id.bsn");
                    }
                }
                if (plain || (g == [3, 3, 3] && same_sep(b" -"))) && ids::sin(d) {
                    if let Some(score) = admitted(Field::GovernmentId, &words.sin) {
                        return gov_id(score, "government_id.sin");
                    }
                }
                None
            }
            10 if health => {
                let layout = g == [10] || (g == [3, 3, 4] && same_sep(b" -"));
                if layout && ids::nhs(d) {
                    if let Some(score) = admitted(Field::HealthInsurance, &words.nhs) {
                        return Some(id(
                            c.start,
                            c.end,
                            Kind::HealthInsurance,
                            score,
                            "health_insurance.nhs",
                        ));
                    }
                }
                None
            }
            11 if gov => {
                let dotted = g == [3, 3, 3, 2] && s == b"..-";
                let plain = g == [11] || (g == [9, 2] && s == b"-");
                if !(dotted || plain) || !ids::cpf(d) {
                    return None;
                }
                match self.evidence(hay, c.start, hints, Field::GovernmentId, &words.cpf) {
                    Evidence::Admitted(score) => gov_id(score, "government_id.cpf"),
                    Evidence::Nothing if dotted => gov_id(LAYOUT, "government_id.cpf"),
                    _ => None,
                }
            }
            12 if gov => {
                let layout = g == [12] || (g == [4, 4, 4] && same_sep(b" -"));
                if layout && ids::aadhaar(d) {
                    if let Some(score) = admitted(Field::GovernmentId, &words.aadhaar) {
                        return gov_id(score, "government_id.aadhaar");
                    }
                }
                None
            }
            15 if gov => {
                let layout = g == [15] || (g == [13, 2] && s == b" ");
                let mut body = [0u8; 13];
                body.copy_from_slice(&d[..13]);
                if layout && ids::nir(&body, &d[13..]) {
                    if let Some(score) = admitted(Field::GovernmentId, &words.nir) {
                        return gov_id(score, "government_id.nir");
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// An ID whose first digit at `i` is glued to capitals on its left:
    /// NINO `AB123456C`, NIE `X1234567L`, codice fiscale `RSSMRA85T10A562S`.
    pub(super) fn letters_then_digits(
        &self,
        hay: &[u8],
        i: usize,
        hints: &Hints<'_>,
    ) -> Option<Finding> {
        let words = self.id_words.as_ref()?;
        if !self.gov {
            return None;
        }
        let caps = hay[i.saturating_sub(7)..i]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        let start = i - caps;
        if caps == 0 || caps == 7 || !starts_token(hay, start) {
            return None;
        }
        let digits = |from: usize, n: usize| {
            hay.get(from..from + n)
                .is_some_and(|r| r.iter().all(u8::is_ascii_digit))
        };
        let upper = |p: usize| hay.get(p).copied().filter(u8::is_ascii_uppercase);
        let found = |end: usize, words: &ContextWords, base: f32, det| {
            let score = match self.evidence(hay, start, hints, Field::GovernmentId, words) {
                Evidence::Admitted(score) => score,
                Evidence::Vetoed => return None,
                Evidence::Nothing => base,
            };
            Some(id(start, end, Kind::GovernmentId, score, det))
        };
        match caps {
            2 => {
                let end = i + 7;
                let ok = ids::nino_prefix(hay[start], hay[start + 1])
                    && digits(i, 6)
                    && upper(i + 6).is_some_and(ids::nino_suffix)
                    && ends_token(hay, end);
                ok.then_some(())?;
                found(end, &words.nino, FORMAT_ONLY, "government_id.nino")
            }
            1 => {
                let end = i + 8;
                let ok = digits(i, 7)
                    && upper(i + 7).is_some_and(|l| ids::nie(hay[start], &hay[i..i + 7], l))
                    && ends_token(hay, end);
                ok.then_some(())?;
                found(end, &words.dni, LETTER, "government_id.nie")
            }
            6 => {
                let end = start + 16;
                let code: &[u8; 16] = hay.get(start..end)?.try_into().ok()?;
                (ids::codice_fiscale(code) && ends_token(hay, end)).then_some(())?;
                found(end, &words.cf, LAYOUT, "government_id.codice_fiscale")
            }
            _ => None,
        }
    }

    /// An ID that starts with the digit run `hay[start..end]` (a token's
    /// first word, nothing but digits) glued to a letter: DNI `12345678Z`
    /// (or `12345678-Z`), MBI `1EG4TE5MK73` (or `1EG4-TE5-MK73`), a
    /// Corsican NIR `185052A00608436`.
    pub(super) fn digits_then_letters(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        hints: &Hints<'_>,
    ) -> Option<Finding> {
        let words = self.id_words.as_ref()?;
        match end - start {
            8 if self.gov => {
                let dash = usize::from(hay[end] == b'-');
                let letter = *hay.get(end + dash).filter(|b| b.is_ascii_uppercase())?;
                let fin = end + dash + 1;
                (ids::dni(&hay[start..end], letter) && ends_token(hay, fin)).then_some(())?;
                let score = match self.evidence(hay, start, hints, Field::GovernmentId, &words.dni)
                {
                    Evidence::Admitted(score) => score,
                    Evidence::Vetoed => return None,
                    Evidence::Nothing => LETTER,
                };
                Some(id(
                    start,
                    fin,
                    Kind::GovernmentId,
                    score,
                    "government_id.dni",
                ))
            }
            1 if self.health => {
                let mut code = [0u8; 11];
                let dashed = hay.get(start + 4) == Some(&b'-');
                let fin = start + if dashed { 13 } else { 11 };
                let raw = hay.get(start..fin)?;
                let mut n = 0;
                for (k, &b) in raw.iter().enumerate() {
                    if dashed && (k == 4 || k == 8) {
                        if b != b'-' {
                            return None;
                        }
                        continue;
                    }
                    code[n] = b;
                    n += 1;
                }
                (ids::mbi(&code) && ends_token(hay, fin)).then_some(())?;
                let score =
                    match self.evidence(hay, start, hints, Field::HealthInsurance, &words.mbi) {
                        Evidence::Admitted(score) => score,
                        Evidence::Vetoed => return None,
                        Evidence::Nothing => FORMAT_ONLY,
                    };
                Some(id(
                    start,
                    fin,
                    Kind::HealthInsurance,
                    score,
                    "health_insurance.mbi",
                ))
            }
            6 if self.gov && hay[end - 1] == b'2' && matches!(hay[end], b'A' | b'B') => {
                let fin = start + 15;
                let raw = hay.get(start..fin)?;
                let mut body = [0u8; 13];
                body.copy_from_slice(&raw[..13]);
                (ids::nir(&body, &raw[13..]) && ends_token(hay, fin)).then_some(())?;
                let score = match self.evidence(hay, start, hints, Field::GovernmentId, &words.nir)
                {
                    Evidence::Admitted(score) => score,
                    Evidence::Vetoed => return None,
                    Evidence::Nothing => LAYOUT,
                };
                Some(id(
                    start,
                    fin,
                    Kind::GovernmentId,
                    score,
                    "government_id.nir",
                ))
            }
            _ => None,
        }
    }

    /// IDs spaced in a layout of their own, tried at a token's first digit
    /// `i`: NINO `AB 12 34 56 C` (two capitals and a space before `i`) and
    /// NIR `1 85 05 78 006 084 36` (seven groups, one more than a numeric
    /// candidate spans; `2A`/`2B` for Corsica).
    pub(super) fn spaced_id(&self, hay: &[u8], i: usize, hints: &Hints<'_>) -> Option<Finding> {
        let words = self.id_words.as_ref()?;
        if !self.gov {
            return None;
        }
        if i >= 3
            && hay[i - 1] == b' '
            && hay[i - 2].is_ascii_uppercase()
            && hay[i - 3].is_ascii_uppercase()
            && starts_token(hay, i - 3)
        {
            return self.spaced_nino(hay, i - 3, hints, words);
        }
        if matches!(hay[i], b'1' | b'2' | b'7' | b'8') && hay.get(i + 1) == Some(&b' ') {
            return self.spaced_nir(hay, i, hints, words);
        }
        None
    }

    fn spaced_nino(
        &self,
        hay: &[u8],
        start: usize,
        hints: &Hints<'_>,
        words: &IdWords,
    ) -> Option<Finding> {
        // `AB 12 34 56 C` or `AB 123456 C`.
        let rest = hay.get(start + 3..)?;
        let (digits, tail) = if rest.get(2) == Some(&b' ') {
            let r = rest.get(..9)?;
            ([&r[0..2], &r[3..5], &r[6..8]], 8)
        } else {
            let r = rest.get(..6)?;
            ([&r[0..2], &r[2..4], &r[4..6]], 6)
        };
        let ok = ids::nino_prefix(hay[start], hay[start + 1])
            && digits.iter().all(|d| d.iter().all(u8::is_ascii_digit))
            && rest.get(tail) == Some(&b' ')
            && rest.get(tail + 1).copied().is_some_and(ids::nino_suffix);
        let end = start + 3 + tail + 2;
        (ok && ends_token(hay, end)).then_some(())?;
        let score = match self.evidence(hay, start, hints, Field::GovernmentId, &words.nino) {
            Evidence::Admitted(score) => score,
            Evidence::Vetoed => return None,
            Evidence::Nothing => FORMAT_ONLY,
        };
        Some(id(
            start,
            end,
            Kind::GovernmentId,
            score,
            "government_id.nino",
        ))
    }

    fn spaced_nir(
        &self,
        hay: &[u8],
        start: usize,
        hints: &Hints<'_>,
        words: &IdWords,
    ) -> Option<Finding> {
        // S YY MM DD CCC OOO KK: groups of 1, 2, 2, 2, 3, 3, 2.
        const LAYOUT_GROUPS: [usize; 7] = [1, 2, 2, 2, 3, 3, 2];
        let mut chars = [0u8; 15];
        let mut n = 0;
        let mut p = start;
        for (k, &len) in LAYOUT_GROUPS.iter().enumerate() {
            if k > 0 {
                if hay.get(p) != Some(&b' ') {
                    return None;
                }
                p += 1;
            }
            for _ in 0..len {
                let &b = hay.get(p)?;
                let corsica = k == 3 && n == 6 && matches!(b, b'A' | b'B');
                if !(b.is_ascii_digit() || corsica) {
                    return None;
                }
                chars[n] = b;
                n += 1;
                p += 1;
            }
        }
        // Not followed by one more number in the same token.
        if !ends_token(hay, p)
            || (hay.get(p) == Some(&b' ') && hay.get(p + 1).is_some_and(u8::is_ascii_digit))
        {
            return None;
        }
        let mut body = [0u8; 13];
        body.copy_from_slice(&chars[..13]);
        ids::nir(&body, &chars[13..]).then_some(())?;
        let score = match self.evidence(hay, start, hints, Field::GovernmentId, &words.nir) {
            Evidence::Admitted(score) => score,
            Evidence::Vetoed => return None,
            Evidence::Nothing => LAYOUT,
        };
        Some(id(start, p, Kind::GovernmentId, score, "government_id.nir"))
    }
}

#[cfg(test)]
mod tests;
