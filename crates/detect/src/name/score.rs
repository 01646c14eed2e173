//! Scoring a run: the lexicon, shape, title, field and context signals
//! combined into a score, the outright rejections (brands, streets,
//! places, products, acronyms), and the "DOE, Jane" order. Kept apart so
//! the weights and the rules that override them read as one piece, after
//! `run` has turned bytes into words.

use super::context::sentence_initial;
use super::field::{display_name_end, key_before};
use super::lexicon::{lower, MAX_TOKEN};
use super::run::{joined_word, word_at, Shape, Word};
use super::words::{
    abbreviation_in, is_closing, is_closing_filler, is_place_head, is_place_type, is_product_noun,
    is_street_word,
};
use super::{finding, NameDetector, MAX_WORDS, MIN_SCORE};
use crate::hints::Field;
use crate::{Finding, Hints};

impl NameDetector {
    /// Scores a run whose name words are `words` (the finding spans from
    /// `start`, which may include particles before the first word).
    pub(super) fn score_run(
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
                // "Thanks,\nBecky": a known given name alone under a
                // closing line is how a letter is signed.
                // Under a closing, a month that is a given name ("Thanks,\nMay")
                // is read as the signature it almost always is.
                let signed = !code
                    && start == w.start
                    && signs_off(hay, start, end)
                    && self.given_class(hay, w) > 0;
                return signed.then(|| finding(start, end, 0.7, "name.signoff"));
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
                    | Field::Id
                    | Field::Password
                    | Field::CardSecurityCode
                    | Field::GovernmentId
                    | Field::HealthInsurance
                    | Field::Username
                    | Field::BankAccount
                    | Field::AccountNumber
                    | Field::RoutingNumber
                    | Field::TaxId
                    | Field::DriversLicense
                    | Field::Passport
                    | Field::Health
                    | Field::Condition
                    | Field::Product
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
            // "Calvin Klein jeans", "Ted Baker Slim Fit Jacket", "prefers
            // Hugo Boss products": a maker named after a person, known by
            // what follows it rather than by a list of brands.
            || (!titled_or_person_field && followed_by_product(hay, end))
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
    pub(super) fn last_comma_first(
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
        let mut given = word_at(hay, p)?;
        if given.shape != Shape::Cap {
            return None;
        }
        let first_given = given;
        let g = self.given_class(hay, given);
        let s = self.surname(hay, family);
        // A person's name cell holding `Dos Santos, José María` and
        // nothing else says so whatever the lexicon knows: the cell's
        // given names run to its end. A mailbox's display name is such a
        // cell too, but one a team or a queue may fill (`"Support,
        // Returns"`): its given name must be known.
        let hinted = hints
            .at(family.start)
            .filter(|h| matches!(h.field, Field::FullName | Field::Name))
            .map(|h| h.end);
        let cell = hinted.or_else(|| display_name_end(hay, family.start));
        if let Some(cell_end) = cell {
            while let Some(w) = joined_word(hay, given.end).filter(|w| w.end <= cell_end) {
                if w.shape != Shape::Cap {
                    break;
                }
                given.end = w.end;
            }
        }
        // A hinted cell can end before the given name does (a run that
        // crossed the cell's end): then the name does not fill it.
        let whole_cell = cell.is_some_and(|e| {
            hay.get(given.end..e)
                .is_some_and(|rest| rest.trim_ascii().is_empty())
        });
        // A stop word (`Jan`, `May`) that fills a name cell after its
        // surname is the given name it also is.
        if self.is_stop(hay, first_given) && !whole_cell {
            return None;
        }
        if g == 0 && !(whole_cell && hinted.is_some() && (s || self.given_class(hay, family) == 0))
        {
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
}

/// Whether the word after `end` is a street type ("Martin Luther King Blvd").
// Inlined into `score_run` as when the detector was one module.
#[inline]
fn followed_by_street_type(hay: &[u8], end: usize) -> bool {
    next_word_after_space(hay, end).is_some_and(|next| abbreviation_in(next, is_street_word))
}

/// Whether the words right after the run (single spaces apart, at most
/// four, capitalised ones passed over) reach a product noun: `Calvin Klein
/// Slim Fit Jacket`, `Hugo Boss products`. A lowercase word that is none
/// ends the look (`Laura Bennett ordered a jacket`).
fn followed_by_product(hay: &[u8], end: usize) -> bool {
    let mut at = end;
    for _ in 0..4 {
        let Some(next) = next_word_after_space(hay, at) else {
            return false;
        };
        let mut buf = [0u8; MAX_TOKEN];
        let word = lower(next, &mut buf).unwrap_or("");
        if is_product_noun(word) || matches!(word, "products" | "collection" | "edition") {
            return true;
        }
        if !next[0].is_ascii_uppercase() {
            return false;
        }
        at += 1 + next.len();
    }
    false
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

/// Longest closing line ("Best regards,") a signature is looked under.
const CLOSING_LINE: usize = 32;

/// Whether `[start, end)` is alone on its line and the line right above
/// it is a short closing ("Thanks,", "Kind regards", "Cheers!").
fn signs_off(hay: &[u8], start: usize, end: usize) -> bool {
    let after = hay[end..]
        .iter()
        .take(8)
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r'));
    match after {
        None if end + 8 > hay.len() => {}
        Some(k) if hay[end + k] == b'\n' => {}
        _ => return false,
    }
    let mut p = start;
    while p > 0 && start - p < 8 && matches!(hay[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    if p == 0 || hay[p - 1] != b'\n' {
        return false;
    }
    let line_end = p - 1;
    let low = line_end.saturating_sub(CLOSING_LINE + 2);
    let line_start = match memchr::memrchr(b'\n', &hay[low..line_end]) {
        Some(nl) => low + nl + 1,
        None if low == 0 => 0,
        None => return false,
    };
    let line = hay[line_start..line_end].trim_ascii();
    let line = match line.last() {
        Some(b',' | b'!' | b'.') => &line[..line.len() - 1],
        _ => line,
    };
    if line.is_empty() || line.len() > CLOSING_LINE {
        return false;
    }
    // Every word a closing or filler word, at least one a closing word.
    let mut closing = false;
    let all = line
        .split(|b| !(b.is_ascii_alphabetic() || *b >= 0x80))
        .filter(|word| !word.is_empty())
        .all(|word| {
            let mut buf = [0u8; MAX_TOKEN];
            lower(word, &mut buf).is_some_and(|w| {
                let c = is_closing(w);
                closing |= c;
                c || is_closing_filler(w)
            })
        });
    all && closing
}
