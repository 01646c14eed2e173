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

mod context;
mod field;
mod kanji;
mod lexicon;
mod run;
#[cfg(test)]
mod tests;
mod utf8;
mod words;

use crate::context::{is_word_byte, ContextWords};
use crate::hints::Field;
use crate::{swar, Finding, Hints, Kind};
use context::sentence_initial;
use field::key_before;
use lexicon::{lower, Lexicon, MAX_TOKEN};
use run::{word_at, Shape, Word};
use utf8::starts_inside_word;
use words::{
    abbreviation_in, is_place_head, is_place_type, is_product_noun, is_street_word, is_title,
};

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

    fn is_stop(&self, hay: &[u8], w: Word) -> bool {
        let mut buf = [0u8; MAX_TOKEN];
        match lower(&hay[w.start..w.end], &mut buf) {
            Some(s) => {
                let s = s.trim_end_matches('.');
                self.lex.stop_word(s) || is_title(s)
            }
            None => true,
        }
    }

    /// Scores a run whose name words are `words` (the finding spans from
    /// `start`, which may include particles before the first word).
    fn score_run(
        &self,
        hay: &[u8],
        start: usize,
        words: &[Word],
        hints: &Hints<'_>,
    ) -> Option<Finding> {
        let last = *words.last()?;
        let end = last.end;
        let core = words
            .iter()
            .filter(|w| matches!(w.shape, Shape::Cap | Shape::Upper))
            .count();
        if core == 0 || core > MAX_WORDS {
            return None;
        }
        if core == 1 {
            // Most capitalised words stand alone: settle them with the
            // cheap structural checks only.
            let field = hints
                .at(start)
                .map(|h| h.field)
                .or_else(|| key_before(hay, start));
            let lone_field = matches!(field, Some(Field::GivenName | Field::FamilyName));
            let w = words[0];
            // Two capitals (`AL`, `ED`, `JO`) next to a name-like field are
            // a state, country or language code (`Birmingham, AL`) far more
            // often than a given name; only a name column says otherwise.
            let code = w.shape == Shape::Upper && w.end - w.start <= 2;
            if !lone_field && (code || !self.field_pair(hay, start, w, end)) {
                return None;
            }
            let known = self.given_class(hay, w) > 0 || self.surname(hay, w);
            let score = match (lone_field, known) {
                (true, true) => 0.9,
                (true, false) => 0.7,
                (false, _) => 0.8,
            };
            return Some(finding(start, end, score, "name.field"));
        }
        let around = self.around(hay, start, end, hints);
        if matches!(
            around.field,
            Some(
                Field::Email
                    | Field::Address
                    | Field::City
                    | Field::Postcode
                    | Field::Phone
                    | Field::Card
                    | Field::Iban
                    | Field::Ip
                    | Field::Ssn
                    | Field::DateOfBirth
            )
        ) {
            return None;
        }
        let first = words[0];
        let g_first = self.given_class(hay, first);
        let s_last = self.surname(hay, last);
        let mut score: f32 = match (g_first > 0, s_last) {
            (true, true) => 0.55,
            (true, false) => 0.35,
            (false, true) => 0.3,
            (false, false) => 0.1,
        };
        // Capitalised pairs the lexicon does not know ("Northwind
        // Outfitters") need a title or a field to be names.
        if g_first == 0 && !s_last && !around.title && around.field.is_none() {
            return None;
        }
        // Under a bare `name` key or column, "Trail Runner Jacket" and
        // "Harbor Tote" are products (the census lists `Tote` and `Socks`
        // as surnames): a person's name there starts with a given name, or
        // sits in a record with an email address.
        if around.field == Some(Field::Name) && g_first == 0 && !around.title && !around.email {
            return None;
        }
        let titled_or_person_field = around.title
            || matches!(
                around.field,
                Some(Field::FullName | Field::GivenName | Field::FamilyName)
            );
        // The last word, lowercased once for the word lists below.
        let mut buf = [0u8; MAX_TOKEN];
        let last_word = lower(&hay[last.start..last.end], &mut buf);
        let last_in =
            |list: fn(&str) -> bool| last_word.is_some_and(|w| list(w.trim_end_matches('.')));
        if self.phrase_rejected(hay, words)
            || followed_by_street_type(hay, end)
            // "Meghan Street", "Regina Park", "Santa Jones" after a title or
            // "Name:" are people. Streets, then places built like names.
            || ((last_word.is_some_and(is_street_word)
                || abbreviation_in(&hay[first.start..first.end], is_place_head)
                || last_in(is_place_type))
                && !(around.title || around.field.is_some() || self.context(hay, &around)))
            || after_house_number(hay, start)
            // "Grace Wrap Dress", "Rose Gold Necklace": a catalogue's product
            // names start with given names; only a title or a person's field
            // (not a bare `name` column) makes one a person.
            || (last_in(is_product_noun) && !titled_or_person_field)
            // "React Native HMS Map Kit", "Hat Insights RBAC": an acronym among
            // capitalised words. A surname in capitals (`Jean DUPONT`,
            // `MUÑOZ Iñigo`) is one the lexicon knows.
            || (!titled_or_person_field && self.acronym_among_capitalised(hay, words))
        {
            return None;
        }
        if g_first >= 9 {
            score += 0.05;
        } else if g_first > 0 && g_first <= 3 {
            score -= 0.05;
        }
        let all_upper = words.iter().all(|w| w.shape != Shape::Cap);
        if all_upper && around.field.is_none() {
            score -= 0.15;
        }
        if g_first == 0 && sentence_initial(hay, start) {
            score -= 0.15;
        }
        if around.title {
            score += 0.35;
        }
        if around.field.is_some() {
            score += 0.35;
        }
        if around.email {
            score += 0.2;
        }
        // Context only matters where it moves a run across the threshold.
        if score < 0.5 && score + 0.3 >= 0.5 && self.context(hay, &around) {
            score += 0.3;
        }
        let score = score.clamp(0.0, 0.99);
        (score >= MIN_SCORE).then(|| finding(start, end, score, "name.full"))
    }

    /// Whether `words` mix capitalised words with a short one in capitals
    /// that is no name the lexicon knows and no suffix (`III`, `JR`).
    /// Longer ones may be surnames it lacks (`Akira TAGOH`).
    fn acronym_among_capitalised(&self, hay: &[u8], words: &[Word]) -> bool {
        words.iter().any(|w| w.shape == Shape::Cap)
            && words.iter().any(|&w| {
                let text = &hay[w.start..w.end];
                w.shape == Shape::Upper
                    && text.len() <= 4
                    && !matches!(text, b"II" | b"III" | b"IV" | b"JR" | b"SR")
                    && !self.surname(hay, w)
                    && self.given_class(hay, w) == 0
            })
    }

    /// "DOE, Jane": a capitalised surname, a comma, a given name.
    fn last_comma_first(
        &self,
        hay: &[u8],
        family: Word,
        hints: &Hints<'_>,
        out: &mut Vec<Finding>,
    ) -> Option<usize> {
        let mut p = family.end;
        if hay.get(p) != Some(&b',') {
            return None;
        }
        p += 1;
        while p < hay.len() && hay[p] == b' ' && p < family.end + 3 {
            p += 1;
        }
        let given = word_at(hay, p)?;
        if given.shape != Shape::Cap || self.is_stop(hay, given) {
            return None;
        }
        let g = self.given_class(hay, given);
        let s = self.surname(hay, family);
        if g == 0 {
            return None;
        }
        let around = self.around(hay, family.start, given.end, hints);
        let mut score: f32 = if s { 0.6 } else { 0.35 };
        if around.title || around.field.is_some() || self.context(hay, &around) {
            score += 0.3;
        }
        if around.email {
            score += 0.2;
        }
        if score >= MIN_SCORE {
            out.push(finding(
                family.start,
                given.end,
                score.min(0.99),
                "name.last_first",
            ));
        }
        Some(given.end)
    }

    fn phrase_rejected(&self, hay: &[u8], words: &[Word]) -> bool {
        // Every contiguous sub-sequence of two or more words, lowercased and
        // joined by single spaces, particles included ("oscar de la renta").
        let mut buf = [0u8; 96];
        for i in 0..words.len() {
            let mut n = 0;
            for (k, w) in words[i..].iter().enumerate() {
                let mut wb = [0u8; MAX_TOKEN];
                let Some(s) = lower(&hay[w.start..w.end], &mut wb) else {
                    return false;
                };
                let s = s.trim_end_matches('.');
                let s = s.strip_suffix("'s").unwrap_or(s);
                let extra = usize::from(k > 0);
                if n + extra + s.len() > buf.len() {
                    break;
                }
                if k > 0 {
                    buf[n] = b' ';
                    n += 1;
                }
                for &c in s.as_bytes() {
                    // "Ben & Jerry's" arrives as "Ben Jerry"; "Levi's" as "levi".
                    buf[n] = if c == b'\'' { b' ' } else { c };
                    n += 1;
                }
                if k > 0 {
                    if let Ok(p) = std::str::from_utf8(&buf[..n]) {
                        if self.lex.stop_phrase(p) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Frequency class of `w` as a given name (0: not one). Hyphenated
    /// names count if their first part is one.
    fn given_class(&self, hay: &[u8], w: Word) -> u8 {
        let mut buf = [0u8; MAX_TOKEN];
        let Some(s) = lower(&hay[w.start..w.end], &mut buf) else {
            return 0;
        };
        let g = self.lex.given(s);
        if g > 0 {
            return g;
        }
        if let Some((head, _)) = s.split_once('-') {
            let g = self.lex.given(head);
            if g > 0 {
                return g;
            }
        }
        if s.is_ascii() && !s.contains('\'') {
            // Folding would change nothing: the lookup above was the last.
            return 0;
        }
        let mut fold = [0u8; MAX_TOKEN];
        fold_ascii(s, &mut fold).map_or(0, |f| self.lex.given(f))
    }

    /// Whether `w` is a surname: the census list has no apostrophes or
    /// accents (`OBRIEN`, `GARCIA`), so both are folded away; each part of
    /// a double-barrelled name must be one.
    fn surname(&self, hay: &[u8], w: Word) -> bool {
        let word = &hay[w.start..w.end];
        if word.len() <= MAX_TOKEN && word.is_ascii() {
            self.surname_ascii(word)
        } else {
            self.surname_general(word)
        }
    }

    /// [`NameDetector::surname`] of an ASCII word in one pass: lowercase,
    /// apostrophes and spaces dropped, as the general path does.
    fn surname_ascii(&self, word: &[u8]) -> bool {
        let mut joined = [0u8; MAX_TOKEN];
        let mut n = 0;
        for &b in word.iter().filter(|&&b| b != b'\'' && b != b' ') {
            joined[n] = b.to_ascii_lowercase();
            n += 1;
        }
        joined[..n]
            .split(|&b| b == b'-')
            .all(|part| !part.is_empty() && self.lex.surname_bytes(part))
    }

    fn surname_general(&self, word: &[u8]) -> bool {
        let mut buf = [0u8; MAX_TOKEN];
        let Some(s) = lower(word, &mut buf) else {
            return false;
        };
        let mut fold = [0u8; MAX_TOKEN];
        let Some(f) = fold_ascii(s, &mut fold) else {
            return false;
        };
        let mut joined = [0u8; MAX_TOKEN];
        let mut n = 0;
        for &b in f.as_bytes().iter().filter(|&&b| b != b' ') {
            joined[n] = b;
            n += 1;
        }
        let f = std::str::from_utf8(&joined[..n]).unwrap_or(f);
        f.split('-')
            .all(|part| !part.is_empty() && self.lex.surname(part))
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

/// Whether the word after `end` is a street type ("Martin Luther King Blvd").
fn followed_by_street_type(hay: &[u8], end: usize) -> bool {
    next_word_after_space(hay, end).is_some_and(|next| abbreviation_in(next, is_street_word))
}

/// `1933 Oak Street`: a number right before the run.
fn after_house_number(hay: &[u8], start: usize) -> bool {
    start >= 2 && hay[start - 1] == b' ' && hay[start - 2].is_ascii_digit()
}

fn next_word_after_space(hay: &[u8], end: usize) -> Option<&[u8]> {
    if hay.get(end) != Some(&b' ') {
        return None;
    }
    let s = end + 1;
    let mut p = s;
    while p < hay.len() && p - s < 16 && (hay[p].is_ascii_alphabetic() || hay[p] >= 0x80) {
        p += 1;
    }
    (p > s).then(|| &hay[s..p])
}

/// Folds Latin accents to ASCII and drops apostrophes (`O'Brien` →
/// `obrien`, `García` → `garcia`, `Weiß` → `weiss`). `s` is lowercase.
fn fold_ascii<'b>(s: &str, buf: &'b mut [u8; MAX_TOKEN]) -> Option<&'b str> {
    let mut n = 0;
    let mut push = |b: &[u8]| -> Option<()> {
        let dst = buf.get_mut(n..n + b.len())?;
        dst.copy_from_slice(b);
        n += b.len();
        Some(())
    };
    for c in s.chars() {
        match c {
            '\'' | '’' => {}
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => push(b"a")?,
            'æ' => push(b"ae")?,
            'ç' | 'č' | 'ć' => push(b"c")?,
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => push(b"e")?,
            'ì' | 'í' | 'î' | 'ï' => push(b"i")?,
            'ñ' | 'ń' => push(b"n")?,
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => push(b"o")?,
            'ù' | 'ú' | 'û' | 'ü' => push(b"u")?,
            'ý' | 'ÿ' => push(b"y")?,
            'ß' => push(b"ss")?,
            'š' | 'ś' => push(b"s")?,
            'ž' | 'ź' | 'ż' => push(b"z")?,
            'ł' => push(b"l")?,
            c if c.is_ascii() => push(&[c as u8])?,
            _ => return None,
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}
