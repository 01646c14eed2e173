//! Street lines: house number and street name with a street-type word.
//!
//! Two grammars, both anchored on the house number the scanner found:
//! - number first (US, UK, France): `742 Evergreen Terrace`,
//!   `1600 Pennsylvania Ave NW`, `12 Main St Apt 4B`, `3 bis avenue Victor
//!   Hugo`, `12 rue de la Paix`;
//! - name first (Germany): `Hauptstraße 5`, `Karl-Marx-Allee 12a`,
//!   `Berliner Str. 7`, `Am Markt 3`.

use super::lex::{digits_end, is_cap, is_digit_at, is_letter, is_letter_at, one_of, word_end};

/// At most this many words in a street name before its type word.
const MAX_NAME_WORDS: usize = 5;
const MAX_WORD: usize = 32;

/// English street types (US and UK), full and USPS-abbreviated.
const EN_TYPES: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "av",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "court",
    "ct",
    "place",
    "pl",
    "terrace",
    "ter",
    "way",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "circle",
    "cir",
    "close",
    "crescent",
    "cres",
    "square",
    "sq",
    "trail",
    "trl",
    "row",
    "mews",
    "grove",
    "gardens",
    "walk",
    "pike",
    "alley",
    "loop",
    "hill",
];
/// French voie types; the street name follows them.
const FR_TYPES: &[&str] = &[
    "rue",
    "avenue",
    "av.",
    "boulevard",
    "bd",
    "bld",
    "place",
    "chemin",
    "allée",
    "allee",
    "impasse",
    "quai",
    "route",
    "cours",
    "passage",
    "square",
    "voie",
    "faubourg",
    "sentier",
    "rond-point",
];
/// French types that are also English words: `5 Place Settings` is not an
/// address unless something else says so.
const FR_AMBIGUOUS: &[&str] = &["place", "route", "cours", "passage", "square"];
/// Lowercase words inside French street names.
const FR_PARTICLES: &[&str] = &[
    "de", "du", "des", "la", "le", "les", "l", "d", "sur", "aux", "au", "en", "et", "à",
];
const DIRECTIONS: &[&str] = &["n", "s", "e", "w", "ne", "nw", "se", "sw"];
/// Unit designators after a street line (`Apt 4B`, `Suite 200`, `Flat 3`).
const UNITS: &[&str] = &[
    "apt",
    "apartment",
    "suite",
    "ste",
    "unit",
    "flat",
    "fl",
    "floor",
    "rm",
    "room",
    "bldg",
    "building",
    "dept",
];
/// German street-name endings (compounds: `Hauptstraße`, `Gartenweg`).
const DE_SUFFIXES: &[&str] = &[
    "straße", "strasse", "str.", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer",
    "chaussee", "steig", "pfad", "markt",
];
/// Words before a standalone German type word that belong to the name
/// (`Am Markt`, `An der Kirche`).
const DE_ARTICLES: &[&str] = &["der", "den", "dem", "die"];

/// A street line found at a house number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Street {
    pub start: usize,
    pub end: usize,
    /// Followed by a lowercase word: more likely running text than a line.
    pub running: bool,
    /// The type word is an English word too and nothing else supports it.
    pub weak: bool,
    /// A capitalised word follows: only an address if a postcode line
    /// follows after a single space (`12 Main St Springfield IL 62704`).
    pub needs_tail: bool,
}

/// A word at `p`: its end, including a trailing abbreviation dot.
fn word_dot(hay: &[u8], p: usize) -> Option<usize> {
    let e = word_end(hay, p, MAX_WORD)?;
    let dot = hay.get(e) == Some(&b'.') && e - p <= 4;
    Some(if dot { e + 1 } else { e })
}

pub(super) fn strip_dot(w: &[u8]) -> &[u8] {
    w.strip_suffix(b".").unwrap_or(w)
}

/// What follows a street name ending at `e`.
enum After {
    /// A delimiter or the end: the line ends here.
    End,
    /// A capitalised word: the name may go on.
    Cap,
    /// A lowercase word: running text.
    Lower,
    /// A number: a postcode may follow.
    Digit,
}

fn after(hay: &[u8], e: usize) -> After {
    match hay.get(e) {
        Some(b' ') if is_cap(hay, e + 1) => After::Cap,
        Some(b' ') if is_digit_at(hay, e + 1) => After::Digit,
        Some(b' ') if is_letter_at(hay, e + 1) => After::Lower,
        Some(b) if b.is_ascii_alphanumeric() => After::Lower,
        _ => After::End,
    }
}

/// An optional unit after a street line (`, Apt 12`, ` Suite 200`,
/// ` #5`): the new end.
fn unit(hay: &[u8], e: usize) -> usize {
    let mut p = e;
    if hay.get(p) == Some(&b',') {
        p += 1;
    }
    if hay.get(p) != Some(&b' ') {
        return e;
    }
    p += 1;
    if hay.get(p) != Some(&b'#') {
        let Some(we) = word_dot(hay, p) else {
            return e;
        };
        if !one_of(strip_dot(&hay[p..we]), UNITS) {
            return e;
        }
        p = we;
        if hay.get(p) == Some(&b' ') {
            p += 1;
        }
    }
    if hay.get(p) == Some(&b'#') {
        p += 1;
    }
    let id = hay[p..]
        .iter()
        .take(7)
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let has_digit = hay[p..p + id].iter().any(u8::is_ascii_digit);
    if (1..=6).contains(&id) && (has_digit || id == 1) {
        p + id
    } else {
        e
    }
}

/// The end of a house number at `p` whose digits end at `d`: an optional
/// letter (`12a`, `4B`) or range (`12-14`).
fn house_number_end(hay: &[u8], d: usize) -> usize {
    match hay.get(d) {
        Some(b) if b.is_ascii_alphabetic() && !is_letter_at(hay, d + 1) => d + 1,
        Some(b'-') => digits_end(hay, d + 1, 4).unwrap_or(d),
        _ => d,
    }
}

/// Number-first street line at house number `p` (digits end at `d`).
pub(super) fn number_first(hay: &[u8], p: usize, d: usize) -> Option<Street> {
    let mut q = house_number_end(hay, d);
    if hay.get(q) != Some(&b' ') || !(is_letter_at(hay, q + 1) || is_digit_at(hay, q + 1)) {
        return None;
    }
    q += 1;
    // `3 bis avenue…`, `12 ter rue…`
    if let Some(we) = word_end(hay, q, 6) {
        if hay.get(we) == Some(&b' ') && one_of(&hay[q..we], &["bis", "ter", "quater"]) {
            q = we + 1;
        }
    }
    if let Some(we) = word_dot(hay, q) {
        if hay.get(we) == Some(&b' ') && one_of(&hay[q..we], FR_TYPES) {
            if let Some(s) = french(hay, p, q, we) {
                return Some(s);
            }
        }
    }
    english(hay, p, q)
}

/// `12 rue de la Paix`: type word `[q, te)`, then the name.
fn french(hay: &[u8], p: usize, q: usize, te: usize) -> Option<Street> {
    let mut w = te + 1;
    let mut end = None;
    let mut particle = false;
    let mut running = false;
    for _ in 0..6 {
        let we = word_end(hay, w, MAX_WORD)?;
        let word = &hay[w..we];
        // `d'Alsace`, `l'Église`: an elided particle glued to a name.
        let (is_particle, cap) = match word.iter().position(|&b| b == b'\'') {
            Some(1) if one_of(&word[..1], FR_PARTICLES) => (true, is_cap(hay, w + 2)),
            _ => (one_of(word, FR_PARTICLES), is_cap(hay, w)),
        };
        if cap {
            end = Some(we);
        } else if is_particle {
            particle = true;
        } else {
            running = end.is_some();
            break;
        }
        match hay.get(we) {
            Some(b' ') if is_letter_at(hay, we + 1) => w = we + 1,
            _ => break,
        }
    }
    let end = end?;
    let ambiguous = one_of(&hay[q..te], FR_AMBIGUOUS) && is_cap(hay, q) && !particle;
    Some(Street {
        start: p,
        end,
        running,
        weak: ambiguous,
        needs_tail: false,
    })
}

/// `742 Evergreen Terrace`, `1600 Pennsylvania Ave NW`, `350 5th Ave`:
/// capitalised name words, then a type word that ends the name.
fn english(hay: &[u8], p: usize, mut w: usize) -> Option<Street> {
    let mut fallback = None;
    for i in 0..=MAX_NAME_WORDS {
        let we = if is_cap(hay, w) {
            word_dot(hay, w)?
        } else if is_digit_at(hay, w) && i == 0 {
            // An ordinal street name: `5th`, `42nd`.
            let d = digits_end(hay, w, 3)?;
            let e = word_end(hay, d, 2)?;
            if !one_of(&hay[d..e], &["st", "nd", "rd", "th"]) {
                return None;
            }
            e
        } else {
            break;
        };
        let word = strip_dot(&hay[w..we]);
        if i > 0 && one_of(word, EN_TYPES) {
            let street = |end, running| Street {
                start: p,
                end,
                running,
                weak: false,
                needs_tail: false,
            };
            match after(hay, we) {
                After::End | After::Digit => return Some(street(unit(hay, we), false)),
                After::Lower => return Some(street(we, true)),
                After::Cap => {
                    let next = we + 1;
                    let ne = word_dot(hay, next)?;
                    let nw = strip_dot(&hay[next..ne]);
                    if one_of(nw, DIRECTIONS) && !matches!(after(hay, ne), After::Cap) {
                        return Some(street(unit(hay, ne), false));
                    }
                    if one_of(nw, UNITS) {
                        return Some(street(unit(hay, we), false));
                    }
                    fallback = Some(street(we, false));
                }
            }
        }
        match hay.get(we) {
            Some(b' ') => w = we + 1,
            _ => break,
        }
    }
    fallback.map(|s| Street {
        needs_tail: true,
        ..s
    })
}

/// Name-first (German) street line whose house number starts at `p`
/// (digits end at `d`), preceded by a space.
pub(super) fn name_first(hay: &[u8], p: usize, d: usize) -> Option<Street> {
    let end = house_number_end(hay, d);
    let running = match after(hay, end) {
        After::Lower => true,
        After::End | After::Digit | After::Cap => false,
    };
    if hay
        .get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
    {
        return None;
    }
    let ws = word_start(hay, p - 1)?;
    let word = &hay[ws..p - 1];
    if !is_cap(hay, ws) || !de_street_word(word) {
        return None;
    }
    let mut start = ws;
    // A standalone type word needs the words before it: `Berliner Straße`,
    // `Am Markt`, `An der Kirche`.
    if one_of(word, DE_SUFFIXES) {
        let prev = ws.checked_sub(1).filter(|&i| hay[i] == b' ');
        let ps = prev.and_then(|i| word_start(hay, i))?;
        if is_cap(hay, ps) {
            start = ps;
        } else if one_of(&hay[ps..ws - 1], DE_ARTICLES) {
            let pp = ps.checked_sub(1).filter(|&i| hay[i] == b' ');
            let pps = pp.and_then(|i| word_start(hay, i))?;
            if !is_cap(hay, pps) {
                return None;
            }
            start = pps;
        } else {
            return None;
        }
    }
    Some(Street {
        start,
        end,
        running,
        weak: false,
        needs_tail: false,
    })
}

/// The start of the word that ends at `e` (exclusive), if it is one: letters,
/// hyphens, and a final dot (`Str.`), at most [`MAX_WORD`] bytes.
fn word_start(hay: &[u8], e: usize) -> Option<usize> {
    let mut s = e;
    if s > 0 && hay[s - 1] == b'.' {
        s -= 1;
    }
    while s > 0 && e - s <= MAX_WORD && (is_letter(hay[s - 1]) || hay[s - 1] == b'-') {
        s -= 1;
    }
    let left_ok = s == 0 || !(hay[s - 1].is_ascii_alphanumeric() || hay[s - 1] >= 0x80);
    (s < e && e - s <= MAX_WORD && left_ok && is_letter(hay[s])).then_some(s)
}

/// Whether `word` ends like a German street name. `-ring` compounds are
/// common (`Kaiserring`), but so are English words (`Spring`,
/// `Engineering`): short ones and `-ering` are left out.
fn de_street_word(word: &[u8]) -> bool {
    let mut buf = [0u8; MAX_WORD + 2];
    let n = word.len().min(buf.len());
    for (o, b) in buf.iter_mut().zip(word) {
        *o = b.to_ascii_lowercase();
    }
    let w = &buf[..n];
    DE_SUFFIXES.iter().any(|s| {
        let s = s.as_bytes();
        w.ends_with(s) && (s != b"ring" || (w.len() > 6 && !w.ends_with(b"ering")))
    })
}

/// The UK `Flat 3, ` before a street line starting at `p`: its start.
pub(super) fn flat_prefix(hay: &[u8], p: usize) -> usize {
    let Some(q) = p.checked_sub(2).filter(|&q| &hay[q..p] == b", ") else {
        return p;
    };
    let id = hay[..q]
        .iter()
        .rev()
        .take(5)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if id == 0 || id > 4 || !hay[q - id..q].iter().any(u8::is_ascii_digit) {
        return p;
    }
    let Some(sp) = (q - id).checked_sub(1).filter(|&i| hay[i] == b' ') else {
        return p;
    };
    match word_start(hay, sp) {
        Some(ws) if one_of(&hay[ws..sp], UNITS) && is_cap(hay, ws) => ws,
        _ => p,
    }
}
