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

mod lexicon;
#[cfg(test)]
mod tests;

use crate::context::{is_word_byte, ContextWords};
use crate::hints::Field;
use crate::{swar, Finding, Hints, Kind};
use lexicon::{lower, Lexicon, MAX_TOKEN};

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

/// `fn $name(s: &str) -> bool`: whether `s` is one of the words, as a
/// `match` on literals (a length switch, then a comparison or two). Asked of
/// most capitalised words; a scan of a list compared each entry in turn.
macro_rules! word_list {
    ($(#[$doc:meta])* $name:ident: $($word:literal),+ $(,)?) => {
        $(#[$doc])*
        fn $name(s: &str) -> bool {
            matches!(s, $($word)|+)
        }
    };
}

word_list!(
    /// Titles before a name (lowercased, without a full stop): outside the
    /// finding, but strong evidence.
    is_title:
        "m", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "mme", "mlle",
        "madame", "monsieur", "herr", "frau", "sr", "sra", "srta", "señor", "señora", "sig",
        "sig.ra", "signor", "signora", "dott", "dr.in", "rev", "lady", "lord",
);

/// Lowercase particles inside surnames (`van der Berg`, `de la Cruz`).
const PARTICLES: &[&[u8]] = &[
    b"van", b"von", b"der", b"den", b"de", b"del", b"della", b"di", b"da", b"du", b"la", b"le",
    b"ten", b"ter", b"dos", b"das", b"zu", b"bin", b"al", b"y",
];

word_list!(
    /// Words after a capitalised pair that make it a street.
    is_street_word:
        "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "blvd", "boulevard",
        "drive", "way", "court", "ct", "place", "pl", "terrace", "square", "parkway", "pkwy",
        "highway", "hwy", "close", "crescent", "straße", "strasse", "str", "weg", "allee",
        "platz", "gasse", "rue", "chemin", "calle", "via", "plaza", "park", "hall", "center",
        "centre", "university", "college", "school", "hospital", "church", "bridge", "station",
        "airport", "county", "city",
);

word_list!(
    /// First words of place names built like "Given Surname" (`San Ramon`,
    /// `Santa Helena`, `Fort Myers`, `Mount Isa`), as in city columns and
    /// geocoding tables.
    is_place_head:
        "san", "santa", "santo", "são", "sao", "saint", "st", "ste", "fort", "ft", "port",
        "porto", "puerto", "mount", "mt", "cape", "lake", "los", "las", "rio", "nova", "novo",
        "villa", "vila",
);

word_list!(
    /// Last words of place names (`Nelson Bay`, `Victoria River`, `Rocky
    /// Creek`). Words that are also common surnames (`Hill`, `Park`, `Lake`,
    /// `Beach`, `Downs`: all in the US census's top 2,000) are left out.
    is_place_type:
        "river", "creek", "island", "islands", "bay", "springs", "valley", "falls", "harbor",
        "harbour", "heights", "junction", "lakes", "point", "hills", "mountain", "mountains",
        "town", "township", "plains", "crossing", "landing",
);

word_list!(
    /// Last words of product names in a retailer's catalogue. Left out:
    /// nouns that are common surnames somewhere (`Coats`, `Boots`, `Bell`,
    /// `Rice`, `Tee`).
    is_product_noun:
        "dress", "dresses", "skirt", "blouse", "shirt", "tshirt", "hoodie", "sweater",
        "sweatshirt", "jumper", "cardigan", "jacket", "parka", "jeans", "trousers", "pants",
        "shorts", "leggings", "joggers", "socks", "scarf", "gloves", "beanie", "sneakers",
        "trainers", "sandals", "loafers", "heels", "slippers", "tote", "backpack", "handbag",
        "purse", "wallet", "necklace", "bracelet", "earrings", "pendant", "lipstick", "mascara",
        "eyeliner", "perfume", "fragrance", "serum", "moisturiser", "moisturizer", "shampoo",
        "conditioner", "candle", "mug", "cushion", "duvet", "blanket", "lamp", "sofa", "cake",
        "cookies", "sponge",
);

word_list!(
    /// Month and weekday names and abbreviations, several of them given
    /// names (`April`, `May`, `June`, `Jun`, `Sun`): side by side in fields
    /// they are a calendar.
    is_calendar_word:
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun",
        "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october",
        "nov", "november", "dec", "december", "mon", "monday", "tue", "tues", "tuesday", "wed",
        "wednesday", "thu", "thur", "thurs", "thursday", "fri", "friday", "sat", "saturday",
        "sun", "sunday",
);

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

    /// Whether structure (a hint or a key) says the value at `start` is a
    /// given name or a surname on its own.
    fn lone_field(&self, hay: &[u8], start: usize, hints: &Hints<'_>) -> bool {
        let field = hints
            .at(start)
            .map(|h| h.field)
            .or_else(|| key_before(hay, start));
        matches!(field, Some(Field::GivenName | Field::FamilyName))
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

    /// `'Jane', 'Doe'` or `,Jane,Doe,`: a given name and a surname in
    /// adjacent delimited fields (headerless CSV, SQL `VALUES`), each of
    /// which is then a name on its own.
    fn field_pair(&self, hay: &[u8], start: usize, w: Word, end: usize) -> bool {
        let Some(edges) = whole_field(hay, start, end) else {
            return false;
        };
        let span = Word {
            start,
            end,
            shape: Shape::Cap,
        };
        let pair = neighbour_field(hay, end, edges, true)
            .is_some_and(|next| self.given_class(hay, w) > 0 && self.surname(hay, next))
            || neighbour_field(hay, end, edges, false).is_some_and(|prev| {
                (self.surname(hay, span) || self.surname(hay, w)) && self.given_class(hay, prev) > 0
            });
        // Three months or weekdays in a row are a calendar: a monthly
        // report's header (`Region,April,May,June`), a locale's day list.
        // Two may be a person (`'Jan', 'May'`). Checked last: few fields
        // pair up.
        pair && !(abbreviation_in(&hay[w.start..w.end], is_calendar_word)
            && 1 + calendar_in_a_row(hay, w, true) + calendar_in_a_row(hay, w, false) >= 3)
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

    /// `山田 太郎`: a common surname in kanji, a space, then one to three
    /// kanji or kana. Returns where scanning resumes.
    fn kanji(&self, hay: &[u8], at: usize, hints: &Hints<'_>, out: &mut Vec<Finding>) -> usize {
        let resume = next_char(hay, at);
        if at >= 3 && is_cjk(&hay[at - 3..]) {
            return resume;
        }
        let mut run_end = at;
        while run_end - at < 15 && hay.get(run_end..).is_some_and(is_cjk) {
            run_end += 3;
        }
        if !hay.get(run_end..).is_some_and(is_cjk) {
            if let Some(f) = self.kanji_field(hay, at, run_end, hints) {
                out.push(f);
                return run_end;
            }
        }
        for chars in (1..=3).rev() {
            let family_end = at + 3 * chars;
            let Some(family) = hay.get(at..family_end) else {
                continue;
            };
            if !(0..chars).all(|k| is_kanji(&family[3 * k..])) {
                continue;
            }
            let Ok(s) = std::str::from_utf8(family) else {
                continue;
            };
            if !self.lex.kanji_surname(s) {
                continue;
            }
            let sep = if hay.get(family_end) == Some(&b' ') {
                1
            } else if hay[family_end..].starts_with("\u{3000}".as_bytes()) {
                3
            } else {
                continue;
            };
            let given_start = family_end + sep;
            let mut p = given_start;
            while p - given_start < 12 && hay.get(p..).is_some_and(is_cjk) {
                p += 3;
            }
            let len = (p - given_start) / 3;
            if !(1..=3).contains(&len) || hay.get(p..).is_some_and(is_cjk) {
                continue;
            }
            let around = self.around(hay, at, p, hints);
            let mut score: f32 = 0.6;
            if around.field.is_some() || self.context(hay, &around) {
                score += 0.3;
            }
            if around.email {
                score += 0.1;
            }
            out.push(finding(at, p, score.min(0.99), "name.kanji"));
            return p;
        }
        resume
    }
}

impl NameDetector {
    /// A lone given name or surname in kanji or kana that is a whole field:
    /// under a `first_name`/`last_name` key or hint, or next to another
    /// such field one of which is a common surname (`美咲,伊藤`).
    fn kanji_field(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        hints: &Hints<'_>,
    ) -> Option<Finding> {
        let chars = (end - start) / 3;
        if !(1..=4).contains(&chars) {
            return None;
        }
        if self.lone_field(hay, start, hints) {
            return Some(finding(start, end, 0.85, "name.field"));
        }
        let is_sep = |b: u8| matches!(b, b',' | b'\t' | b';' | b'|');
        // SQL and quoted CSV: `'美咲', '佐藤'`; quotes must match.
        let quoted = start > 0 && matches!(hay[start - 1], b'\'' | b'"');
        let q = usize::from(quoted);
        if quoted && hay.get(end) != Some(&hay[start - 1]) {
            return None;
        }
        let open = start.checked_sub(q + 1).map(|i| hay[i]);
        let close = hay.get(end + q).copied();
        let delimits = |b: Option<u8>| b.is_some_and(|b| is_sep(b) || b == b' ' || b == b'(');
        if !delimits(open)
            || !delimits(close)
            || (!quoted && (open == Some(b' ') || close == Some(b' ')))
        {
            return None;
        }
        let surname = |a: usize, b: usize| {
            std::str::from_utf8(&hay[a..b]).is_ok_and(|s| self.lex.kanji_surname(s))
        };
        // The next field: this one is the given name.
        let mut from = end + q;
        if hay.get(from).copied().is_some_and(is_sep) {
            from += 1;
        }
        while from < hay.len() && from - end < 4 && matches!(hay[from], b' ' | b'\'' | b'"') {
            from += 1;
        }
        let mut p = from;
        while p - from < 12 && hay.get(p..).is_some_and(is_cjk) {
            p += 3;
        }
        let next_ok = p > from && !hay.get(p..).is_some_and(is_cjk) && surname(from, p);
        // The previous field: this one is the surname.
        let mut to = start - q;
        while to > 0
            && start - to < 4
            && matches!(
                hay[to - 1],
                b' ' | b'\'' | b'"' | b',' | b'\t' | b';' | b'|'
            )
        {
            to -= 1;
        }
        let mut b = to;
        while to - b < 12 && b >= 3 && is_cjk(&hay[b - 3..]) {
            b -= 3;
        }
        let prev_ok = b < to && to < start && surname(start, end);
        (next_ok || prev_ok).then(|| finding(start, end, 0.8, "name.field"))
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

/// Whether the three bytes at the start of `s` are a CJK ideograph
/// (U+4E00..U+9FFF) or a kana (U+3041..U+30FF).
fn is_cjk(s: &[u8]) -> bool {
    is_kanji(s)
        || (s.len() >= 3
            && s[0] == 0xE3
            && matches!(
                (s[1], s[2]),
                (0x81, 0x81..=0xBF) | (0x82..=0x83, 0x80..=0xBF)
            ))
}

fn is_kanji(s: &[u8]) -> bool {
    s.len() >= 3
        && matches!(s[0], 0xE4..=0xE9)
        && (s[0] != 0xE4 || s[1] >= 0xB8)
        && (0x80..=0xBF).contains(&s[1])
        && (0x80..=0xBF).contains(&s[2])
}

/// Index just past the UTF-8 character at `at`.
fn next_char(hay: &[u8], at: usize) -> usize {
    let mut p = at + 1;
    while p < hay.len() && hay[p] & 0xC0 == 0x80 {
        p += 1;
    }
    p
}

/// The character at `at` and its byte length; `None` past the end or on
/// invalid UTF-8. Inlined for ASCII, the common case by far.
#[inline]
fn char_at(hay: &[u8], at: usize) -> Option<(char, usize)> {
    let b = *hay.get(at)?;
    if b < 0x80 {
        return Some((char::from(b), 1));
    }
    multibyte_char_at(hay, at, b)
}

#[inline(never)]
fn multibyte_char_at(hay: &[u8], at: usize, b: u8) -> Option<(char, usize)> {
    let len = match b {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(hay.get(at..at + len)?).ok()?;
    s.chars().next().map(|c| (c, len))
}

/// The character ending at `end`.
fn char_before(hay: &[u8], end: usize) -> Option<char> {
    let low = end.saturating_sub(4);
    let mut s = end.checked_sub(1)?;
    while s > low && hay[s] & 0xC0 == 0x80 {
        s -= 1;
    }
    char_at(hay, s).map(|(c, _)| c)
}

/// `c.is_alphabetic()`, answered from ranges for the scripts met most in
/// text (Latin with accents, Cyrillic, Hangul, CJK ideographs) before the
/// Unicode table search, which was ~5% of a scan of crate sources. A test
/// checks every `char` against `is_alphabetic`.
fn is_letter(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphabetic(),
        0xD7 | 0xF7 => false,
        0xC0..=0x24F | 0x400..=0x481 | 0x48A..=0x52F | 0x1100..=0x11FF => true,
        0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => true,
        _ => c.is_alphabetic(),
    }
}

/// Whether `c` continues a word: a letter, a digit or `_`.
fn is_word_char(c: char) -> bool {
    is_letter(c) || c.is_numeric() || c == '_'
}

/// Whether `at` continues a word (so it cannot start a name).
fn starts_inside_word(hay: &[u8], at: usize) -> bool {
    match char_before(hay, at) {
        Some(c) => is_word_char(c) || c == '\\' && at >= 2 && hay[at - 2] != b'\\',
        None => false,
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

/// A key right before a value: `"first_name": "`, `name="`, `Name: `,
/// `name=`, classified as a field.
fn key_before(hay: &[u8], start: usize) -> Option<Field> {
    let mut p = start;
    let low = start.saturating_sub(48);
    // The value's opening quote (JSON, attributes, SQL), maybe escaped.
    if p > low && matches!(hay[p - 1], b'"' | b'\'') {
        p -= 1;
        if p > low && hay[p - 1] == b'\\' {
            p -= 1;
        }
    }
    while p > low && hay[p - 1] == b' ' {
        p -= 1;
    }
    if p == low || !matches!(hay[p - 1], b':' | b'=') {
        return None;
    }
    p -= 1;
    while p > low && hay[p - 1] == b' ' {
        p -= 1;
    }
    if p > low && matches!(hay[p - 1], b'"' | b'\'') {
        p -= 1;
        if p > low && hay[p - 1] == b'\\' {
            p -= 1;
        }
    }
    let key_end = p;
    while p > low
        && (hay[p - 1].is_ascii_alphanumeric() || matches!(hay[p - 1], b'_' | b'-' | b'.'))
    {
        p -= 1;
    }
    if p == key_end {
        return None;
    }
    // `customer.name`, `billing-first_name`: the last segment names it.
    let key = &hay[p..key_end];
    if key.eq_ignore_ascii_case(b"value") {
        return form_field_name(hay, p);
    }
    let last = key.rsplit(|&b| b == b'.').next().unwrap_or(key);
    // An unquoted, capitalised `Name:` labels a form or a letter's line
    // ("My details:\nName: …"), where it means a person; a bare `name` key
    // (JSON, YAML, a catalogue's `"Name"`) may hold anything.
    let quoted = matches!(hay.get(key_end), Some(b'"' | b'\''));
    if last == b"Name" && !quoted {
        return Some(Field::FullName);
    }
    Field::classify(last).or_else(|| Field::classify(key))
}

/// `<input name="first_name" value="…">`: the `name` (or `id`) attribute
/// of the tag whose `value` starts at `value_at`, classified.
fn form_field_name(hay: &[u8], value_at: usize) -> Option<Field> {
    let low = value_at.saturating_sub(160);
    let tag_start = memchr::memrchr(b'<', &hay[low..value_at])? + low;
    let tag = &hay[tag_start..value_at];
    for attr in [&b" name="[..], b" id="] {
        let Some(at) = memchr::memmem::rfind(tag, attr) else {
            continue;
        };
        let rest = &tag[at + attr.len()..];
        let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
        let end = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'[' | b']')))
            .unwrap_or(rest.len());
        // `customer[first_name]`: the innermost part names the field.
        let name = &rest[..end];
        let inner = name
            .split(|&b| b == b'[' || b == b']')
            .rfind(|s| !s.is_empty())
            .unwrap_or(name);
        if let Some(f) = Field::classify(inner) {
            return Some(f);
        }
    }
    None
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

/// Whether `word`, lowercased and without a trailing full stop (`St.`,
/// `Mt.`), is in `list`.
fn abbreviation_in(word: &[u8], list: fn(&str) -> bool) -> bool {
    let mut buf = [0u8; MAX_TOKEN];
    lower(word, &mut buf).is_some_and(|w| list(w.trim_end_matches('.')))
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

/// How a value is delimited as a whole field: its quote, if any, and
/// where the byte before it (a separator or a line edge) sits.
#[derive(Clone, Copy)]
struct FieldEdges {
    quote: Option<u8>,
    before_at: Option<usize>,
}

fn is_sep(b: u8) -> bool {
    matches!(b, b',' | b'\t' | b';' | b'|')
}

fn edge_ok(b: Option<u8>) -> bool {
    b.is_none_or(|b| is_sep(b) || matches!(b, b'\n' | b'(' | b'\r'))
}

/// `[start, end)` as a whole delimited field, if it is one: a separator (or
/// line edge) on both sides, maybe inside quotes.
fn whole_field(hay: &[u8], start: usize, end: usize) -> Option<FieldEdges> {
    let quote = match (start.checked_sub(1).map(|i| hay[i]), hay.get(end)) {
        (Some(q @ (b'\'' | b'"')), Some(&c)) if c == q => Some(q),
        _ => None,
    };
    let q = usize::from(quote.is_some());
    let mut before_at = start.checked_sub(q + 1);
    if let Some(i) = before_at.filter(|&i| hay[i] == b' ' && i > 0) {
        before_at = Some(i - 1);
    }
    let before = before_at.map(|i| hay[i]);
    let after_b = hay.get(end + q).copied();
    (edge_ok(before) && edge_ok(after_b)).then_some(FieldEdges { quote, before_at })
}

/// How many delimited fields next to `w`'s (after it if `after`), one after
/// the other, hold a month or weekday; counting stops at two.
fn calendar_in_a_row(hay: &[u8], mut w: Word, after: bool) -> usize {
    let mut n = 0;
    while n < 2 {
        let Some(next) = whole_field(hay, w.start, w.end)
            .and_then(|edges| neighbour_field(hay, w.end, edges, after))
            .filter(|&next| abbreviation_in(&hay[next.start..next.end], is_calendar_word))
        else {
            break;
        };
        n += 1;
        w = next;
    }
    n
}

/// The delimited field next to the whole field that ends at `end` (after
/// it if `after`): `'Jane', 'Doe'`, `,Jane,Doe,`, `"Jane";"Doe"`.
fn neighbour_field(hay: &[u8], end: usize, edges: FieldEdges, after: bool) -> Option<Word> {
    let FieldEdges { quote, before_at } = edges;
    let q = usize::from(quote.is_some());
    if after {
        let mut p = end + q;
        if !is_sep(*hay.get(p)?) {
            return None;
        }
        p += 1;
        if hay.get(p) == Some(&b' ') {
            p += 1;
        }
        if let Some(qc) = quote {
            if hay.get(p) != Some(&qc) {
                return None;
            }
            p += 1;
        }
        let mut w = word_at(hay, p)?;
        // `'de Vries'`: the field's span runs from its first particle.
        let field_start = w.start;
        // Capitalised at a field's start (`'De Luca'`, `'Van Dijk'`), a
        // particle still leads the surname.
        while w.shape == Shape::Particle || (w.shape == Shape::Cap && is_capital_particle(hay, w)) {
            w = joined_word(hay, w.end)?;
        }
        let w = Word {
            start: field_start,
            ..w
        };
        let close = hay.get(w.end + q).copied();
        let closes = quote.is_none_or(|qc| hay.get(w.end) == Some(&qc));
        (matches!(w.shape, Shape::Cap) && closes && edge_ok(close)).then_some(w)
    } else {
        let mut p = before_at?;
        if !is_sep(hay[p]) {
            return None;
        }
        if let Some(qc) = quote {
            if p == 0 || hay[p - 1] != qc {
                return None;
            }
            p -= 1;
        }
        let field_end = p;
        let low = field_end.saturating_sub(MAX_TOKEN);
        while p > low && !is_sep(hay[p - 1]) && !matches!(hay[p - 1], b'\n' | b'(' | b'\'' | b'"') {
            p -= 1;
        }
        let w = word_at(hay, p)?;
        (w.shape == Shape::Cap && w.end == field_end).then_some(w)
    }
}

/// Whether `w` is a particle written with a capital (`De`, `Van`).
fn is_capital_particle(hay: &[u8], w: Word) -> bool {
    let mut buf = [0u8; MAX_TOKEN];
    lower(&hay[w.start..w.end], &mut buf).is_some_and(|l| PARTICLES.contains(&l.as_bytes()))
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
