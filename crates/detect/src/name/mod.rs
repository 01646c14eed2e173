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

mod field;
mod kanji;
mod lexicon;
#[cfg(test)]
mod tests;
mod utf8;
mod words;

use crate::context::{is_word_byte, ContextWords};
use crate::hints::Field;
use crate::{swar, Finding, Hints, Kind};
use field::key_before;
use lexicon::{lower, Lexicon, MAX_TOKEN};
use utf8::{char_at, char_before, is_letter, is_word_char, next_char, starts_inside_word};
use words::{
    abbreviation_in, is_place_head, is_place_type, is_product_noun, is_street_word, is_title,
    PARTICLES,
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

/// Inline HTML elements that may sit between the words of one name.
const INLINE_TAGS: &[&[u8]] = &[
    b"b", b"i", b"u", b"em", b"strong", b"span", b"a", b"small", b"mark", b"font",
];

pub(crate) struct NameDetector {
    lex: Lexicon,
    context: ContextWords,
}

/// The shape of one word of a run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    /// `Jane`, `O'Brien`, `McCarthy`, `Anne-Marie`, `Élodie`.
    Cap,
    /// `DOE`, `SMITH-JONES`.
    Upper,
    /// `M.` (a middle initial).
    Initial,
    /// `van`, `de`, `der`.
    Particle,
}

#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
    shape: Shape,
}

/// Signals about a run from outside it.
#[derive(Clone, Copy, Default)]
struct Around {
    field: Option<Field>,
    /// Where context words are looked for from (before any title).
    before: usize,
    title: bool,
    email: bool,
}

impl NameDetector {
    pub(crate) fn new() -> NameDetector {
        NameDetector {
            lex: Lexicon::new(),
            context: ContextWords::new(&[
                "name",
                "dear",
                "hi ",
                "hello",
                "hey ",
                "from:",
                "to:",
                "cc:",
                "customer",
                "ship to",
                "shipto",
                "bill to",
                "billto",
                "sold to",
                "deliver to",
                "attn",
                "attention",
                "sincerely",
                "regards",
                "thanks",
                "thank you",
                "cheers",
                "recipient",
                "cardholder",
                "holder",
                "contact",
                "signed",
                "author",
                "asked by",
                "posted by",
                "reviewed by",
                "written by",
                "placed by",
                "passenger",
                "patient",
                "client",
                "buyer",
                "bonjour",
                "hallo",
                "liebe",
                "sehr geehrte",
                "cher",
                "chère",
                "hola",
                "estimado",
                "gentile",
                "beste",
                "様",
                "氏名",
                "名前",
            ]),
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

    /// Reads the run of name words starting at `at`, reports it if it is a
    /// name, and returns where scanning resumes.
    fn run(&self, hay: &[u8], at: usize, hints: &Hints<'_>, out: &mut Vec<Finding>) -> usize {
        let Some(first) = word_at(hay, at) else {
            return next_char(hay, at);
        };
        if first.shape == Shape::Particle {
            return first.end.max(at + 1);
        }
        // Whether the first word is a stop word is asked only once it is
        // known to start a run of several: lone words are settled by
        // structure alone, and "Good" or "Best" are surnames in a field.
        // Inside a name field, "April Paige" and "Dallas Good" are names:
        // stop words do not cut a run there that starts with a common given
        // name. (A bare `name` key also names CI steps: "Check Formatting".)
        let mut name_field = None;
        let mut in_name_field = || {
            *name_field.get_or_insert_with(|| {
                let field = hints
                    .at(at)
                    .map(|h| h.field)
                    .or_else(|| key_before(hay, at));
                matches!(
                    field,
                    Some(Field::FullName | Field::Name | Field::GivenName)
                ) && self.given_class(hay, first) >= COMMON_GIVEN
            })
        };
        let mut following = joined_word(hay, first.end);
        if following.is_some() && self.is_stop(hay, first) && !in_name_field() {
            return first.end.max(at + 1);
        }
        let mut words = [first; 12];
        let mut n = 1;
        let mut end = first.end;
        let mut too_long = false;
        // Extend over joiners; a run that grows past the bounds is consumed
        // whole (so the next run starts where it would in any chunk).
        while let Some(next) = following {
            let mut after_next = None;
            if next.shape == Shape::Cap || next.shape == Shape::Upper {
                if self.is_stop(hay, next) && !in_name_field() {
                    break;
                }
            } else if next.shape == Shape::Particle {
                // A particle belongs to the run only before another word.
                after_next = joined_word(hay, next.end);
                match after_next {
                    Some(w) if matches!(w.shape, Shape::Cap | Shape::Upper | Shape::Particle) => {}
                    _ => break,
                }
            }
            if n < words.len() {
                words[n] = next;
                n += 1;
            } else {
                too_long = true;
            }
            end = next.end;
            if end - first.start > MAX_RUN {
                too_long = true;
            }
            following = after_next.or_else(|| joined_word(hay, end));
        }
        if too_long {
            return end;
        }
        let mut words = &words[..n];
        // A trailing initial ("Jane D.") is not part of the name.
        while words.len() > 1
            && words[words.len() - 1].shape != Shape::Cap
            && words[words.len() - 1].shape != Shape::Upper
        {
            words = &words[..words.len() - 1];
        }
        // "DOE, Jane": the surname first, in capitals, then a comma.
        if words.len() <= 3 && words.iter().all(|w| w.shape == Shape::Upper) {
            let family = Word {
                end: words[words.len() - 1].end,
                ..first
            };
            if let Some(resume) = self.last_comma_first(hay, family, hints, out) {
                return resume;
            }
        }
        let start = particles_before(hay, first.start);
        if let Some(f) = self.score_run(hay, start, words, hints) {
            out.push(f);
        }
        end
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

    /// Structure, context words, a title and an email around `[start, end)`.
    fn around(&self, hay: &[u8], start: usize, end: usize, hints: &Hints<'_>) -> Around {
        let mut a = Around {
            field: hints.at(start).map(|h| h.field),
            ..Around::default()
        };
        let (before, title) = title_before(hay, start);
        a.title = title;
        if a.field.is_none() {
            a.field = key_before(hay, before);
        }
        a.before = before;
        a.email = email_near(hay, start, end);
        a
    }

    /// Whether a context word ("Dear", "Ship to", "Name") precedes the
    /// run; the dearest signal to compute, so asked only when it decides.
    fn context(&self, hay: &[u8], a: &Around) -> bool {
        let from = context_from(hay, a.before);
        self.context.before(hay, a.before, a.before - from)
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

/// The word starting at `at`, with its shape; `None` if no name word
/// starts there.
fn word_at(hay: &[u8], at: usize) -> Option<Word> {
    let first_lower;
    let (mut p, mut upper, mut lowers, mut letters);
    if hay.get(at)?.is_ascii_alphabetic() {
        // Counted with the letters after it, eight at a time.
        first_lower = hay[at].is_ascii_lowercase();
        (p, upper, lowers, letters) = (at, 0, 0, 0);
    } else {
        let (c0, l0) = char_at(hay, at)?;
        if !is_letter(c0) {
            return None;
        }
        first_lower = c0.is_lowercase();
        p = at + l0;
        upper = usize::from(c0.is_uppercase());
        lowers = usize::from(first_lower);
        letters = 1;
    }
    loop {
        // ASCII letters eight at a time, without decoding: most names and
        // all the words around them in English text.
        let (run, capitals) = ascii_letters_at(hay, p);
        if run > 0 {
            upper += capitals;
            lowers += run - capitals;
            letters += run;
            p += run;
            if p - at > MAX_TOKEN {
                return None;
            }
            if run == 8 {
                continue;
            }
        }
        match char_at(hay, p) {
            Some((c, l)) if is_letter(c) => {
                if c.is_uppercase() {
                    upper += 1;
                } else {
                    lowers += 1;
                }
                letters += 1;
                p += l;
            }
            // O'Brien, O’Brien, O''Brien (SQL), Smith-Jones: a joiner then a letter.
            Some(('\'' | '-' | '’', l)) => {
                let mut q = p + l;
                if hay.get(q) == Some(&b'\'') && hay[p] == b'\'' {
                    q += 1;
                }
                match char_at(hay, q) {
                    Some((c, _)) if is_letter(c) => p = q,
                    _ => break,
                }
            }
            _ => break,
        }
        if p - at > MAX_TOKEN {
            return None;
        }
    }
    if let Some((c, _)) = char_at(hay, p) {
        if is_word_char(c) {
            return None;
        }
    }
    let word = &hay[at..p];
    if first_lower {
        return PARTICLES.contains(&word).then_some(Word {
            start: at,
            end: p,
            shape: Shape::Particle,
        });
    }
    if letters == 1 {
        // A middle initial: one capital and a full stop.
        return (hay.get(p) == Some(&b'.')).then_some(Word {
            start: at,
            end: p + 1,
            shape: Shape::Initial,
        });
    }
    let shape = if lowers == 0 {
        Shape::Upper
    } else if upper <= 3 {
        Shape::Cap
    } else {
        return None;
    };
    Some(Word {
        start: at,
        end: p,
        shape,
    })
}

/// How many ASCII letters start at `p` (at most eight), and how many of
/// them are capitals.
fn ascii_letters_at(hay: &[u8], p: usize) -> (usize, usize) {
    let Some(x) = swar::load(hay, p) else {
        let rest = hay.get(p..).unwrap_or_default();
        let run = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let capitals = rest[..run]
            .iter()
            .filter(|b| b.is_ascii_uppercase())
            .count();
        return (run, capitals);
    };
    let run = ((!swar::letters(x) & swar::HI).trailing_zeros() / 8) as usize;
    let in_run = u64::MAX.checked_shr(64 - 8 * run as u32).unwrap_or(0);
    let capitals = swar::capitals(x) & in_run;
    // One bit a byte: shifted to each byte's low bit, a multiplication
    // sums the bytes into the top one (`count_ones` is a long sequence
    // without the POPCNT instruction of the baseline target).
    (run, ((capitals >> 7).wrapping_mul(swar::LO) >> 56) as usize)
}

/// The word after `end` if only a joiner (spaces, inline tags, `&nbsp;`)
/// separates them, on the same line.
fn joined_word(hay: &[u8], end: usize) -> Option<Word> {
    let mut p = end;
    let mut spaces = 0;
    let mut tags = 0;
    loop {
        match hay.get(p)? {
            b' ' | b'\t' => {
                spaces += 1;
                p += 1;
            }
            b'<' => {
                tags += 1;
                p = skip_inline_tag(hay, p)?;
            }
            b'&' if hay[p..].starts_with(b"&nbsp;") => {
                spaces += 1;
                p += 6;
            }
            _ => break,
        }
        if spaces > 3 || tags > 2 {
            return None;
        }
    }
    if p == end || (spaces == 0 && tags == 0) {
        return None;
    }
    // Most words after a space are plain lowercase ones: only particles
    // among them can continue a name.
    let b = *hay.get(p)?;
    if b.is_ascii_lowercase() && !matches!(b, b'v' | b'd' | b'l' | b't' | b'z' | b'b' | b'a' | b'y')
    {
        return None;
    }
    word_at(hay, p)
}

/// Skips `<b>`, `</span>`, `<a href="…">` and returns the index after it.
fn skip_inline_tag(hay: &[u8], at: usize) -> Option<usize> {
    let mut p = at + 1;
    if hay.get(p) == Some(&b'/') {
        p += 1;
    }
    let name_start = p;
    while p < hay.len() && hay[p].is_ascii_alphabetic() {
        p += 1;
    }
    let name = &hay[name_start..p];
    if !INLINE_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    let close = memchr::memchr(b'>', hay.get(p..(p + 60).min(hay.len()))?)?;
    let inner = &hay[p..p + close];
    if inner.contains(&b'<') || inner.contains(&b'\n') {
        return None;
    }
    Some(p + close + 1)
}

/// Extends a run's start back over lowercase particles (`van der Berg`).
fn particles_before(hay: &[u8], start: usize) -> usize {
    let mut s = start;
    for _ in 0..3 {
        if s < 2 || hay[s - 1] != b' ' {
            break;
        }
        let mut p = s - 1;
        while p > 0 && hay[p - 1].is_ascii_lowercase() && s - p < 8 {
            p -= 1;
        }
        if p > 0 && (hay[p - 1].is_ascii_alphanumeric() || hay[p - 1] >= 0x80) {
            break;
        }
        if !PARTICLES.contains(&&hay[p..s - 1]) {
            break;
        }
        s = p;
    }
    s
}

/// Skips a title right before `start` ("Dr. ", "Mme "); returns the
/// position context is measured from and whether there was one.
fn title_before(hay: &[u8], start: usize) -> (usize, bool) {
    let mut p = start;
    while p > 0 && hay[p - 1] == b' ' && start - p < 3 {
        p -= 1;
    }
    if p == start {
        return (start, false);
    }
    if p > 0 && hay[p - 1] == b'.' {
        p -= 1;
    }
    let word_end = p;
    while p > 0 && word_end - p < 10 {
        match char_before(hay, p) {
            Some(c) if is_letter(c) => p -= c.len_utf8(),
            _ => break,
        }
    }
    if p == word_end || starts_inside_word(hay, p) {
        return (start, false);
    }
    let mut buf = [0u8; MAX_TOKEN];
    match lower(&hay[p..word_end], &mut buf) {
        Some(t) if is_title(t) && hay[p].is_ascii_uppercase() => (p, true),
        // Without a title, context is measured from the run itself.
        _ => (start, false),
    }
}

/// Where the context window before `pos` starts: the start of its line,
/// or of the line before when the name opens its line and that line is a
/// short salutation or label ("Thanks,", "Ship to:").
fn context_from(hay: &[u8], pos: usize) -> usize {
    let low = pos.saturating_sub(CONTEXT_WINDOW);
    let window = &hay[low..pos];
    match memchr::memrchr(b'\n', window) {
        None => low,
        Some(nl) => {
            let line_start = low + nl + 1;
            let name_opens_line = hay[line_start..pos].iter().all(|b| b.is_ascii_whitespace());
            if !name_opens_line {
                return line_start;
            }
            let prev = &hay[low..low + nl];
            match memchr::memrchr(b'\n', prev) {
                Some(p) if nl - p <= 24 => low + p + 1,
                None if nl <= 24 => low,
                _ => line_start,
            }
        }
    }
}

/// Whether an `@` sits on the same line within [`EMAIL_WINDOW`] bytes.
fn email_near(hay: &[u8], start: usize, end: usize) -> bool {
    let from = start.saturating_sub(EMAIL_WINDOW);
    let before = &hay[from..start];
    let from = memchr::memrchr(b'\n', before).map_or(from, |p| from + p + 1);
    let to = (end + EMAIL_WINDOW).min(hay.len());
    let after = &hay[end..to];
    let to = memchr::memchr(b'\n', after).map_or(to, |p| end + p);
    memchr::memchr(b'@', &hay[from..to]).is_some()
}

/// Whether the run starts a sentence (after `. `, `! `, `? `).
fn sentence_initial(hay: &[u8], start: usize) -> bool {
    let mut p = start;
    while p > 0 && hay[p - 1] == b' ' && start - p < 3 {
        p -= 1;
    }
    p < start && p > 0 && matches!(hay[p - 1], b'.' | b'!' | b'?')
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
