//! Synthetic people: names from the 1990 US census files (public domain,
//! see `data/PROVENANCE.md`) and a short hand-written international list.

use crate::rng::Rng;

/// The 1990 census female given names as shipped: a `#` header line, then
/// one `NAME FREQ` per line, most frequent first. Public for other generators (the
/// drill's); detectors must never use them (`data/PROVENANCE.md`).
pub const CENSUS_FEMALE_FIRST: &str = include_str!("../data/census1990_female_first.txt");
/// The 1990 census male given names, formatted as [`CENSUS_FEMALE_FIRST`].
pub const CENSUS_MALE_FIRST: &str = include_str!("../data/census1990_male_first.txt");
/// The 1990 census family names, formatted as [`CENSUS_FEMALE_FIRST`].
pub const CENSUS_LAST: &str = include_str!("../data/census1990_last.txt");
const FEMALE: &str = CENSUS_FEMALE_FIRST;
const MALE: &str = CENSUS_MALE_FIRST;
const LAST: &str = CENSUS_LAST;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Locale {
    Us,
    Fr,
    De,
    Nl,
    Ie,
    Es,
    It,
    Jp,
}

/// (given, ascii given, female)
type Given = (&'static str, &'static str, bool);
/// (family, ascii family)
type Family = (&'static str, &'static str);

/// Hand-written, for surface-form coverage: (locale, given, ascii given,
/// female, family, ascii family). Detectors must not use this list.
#[rustfmt::skip]
const INTL: &[(Locale, &[Given], &[Family])] = &[
    (Locale::Fr,
     &[("Élodie", "elodie", true), ("Amélie", "amelie", true), ("Hélène", "helene", true), ("Margaux", "margaux", true),
       ("Jérôme", "jerome", false), ("François", "francois", false), ("Thibault", "thibault", false), ("Benoît", "benoit", false)],
     &[("Durand", "durand"), ("Lefèvre", "lefevre"), ("Moreau", "moreau"), ("Girard", "girard"),
       ("Dubois", "dubois"), ("Rousseau", "rousseau"), ("Fontaine", "fontaine"), ("Chevalier", "chevalier")]),
    (Locale::De,
     &[("Sabine", "sabine", true), ("Katrin", "katrin", true), ("Jürgen", "juergen", false), ("Jörg", "joerg", false),
       ("Lukas", "lukas", false), ("Maximilian", "maximilian", false), ("Anja", "anja", true), ("Ute", "ute", true)],
     &[("Müller", "mueller"), ("Schröder", "schroeder"), ("Weiß", "weiss"), ("Hoffmann", "hoffmann"),
       ("Köhler", "koehler"), ("Schäfer", "schaefer"), ("Becker", "becker"), ("Zimmermann", "zimmermann")]),
    (Locale::Nl,
     &[("Sanne", "sanne", true), ("Femke", "femke", true), ("Daan", "daan", false), ("Joris", "joris", false)],
     &[("van der Berg", "vanderberg"), ("de Vries", "devries"), ("van Dijk", "vandijk"), ("de Jong", "dejong"),
       ("Bakker", "bakker"), ("Visser", "visser")]),
    (Locale::Ie,
     &[("Siobhán", "siobhan", true), ("Aoife", "aoife", true), ("Niamh", "niamh", true), ("Seán", "sean", false),
       ("Ciarán", "ciaran", false), ("Declan", "declan", false)],
     &[("O'Brien", "obrien"), ("O'Connor", "oconnor"), ("O'Sullivan", "osullivan"), ("McCarthy", "mccarthy"),
       ("Gallagher", "gallagher")]),
    (Locale::Es,
     &[("María", "maria", true), ("Lucía", "lucia", true), ("Nuria", "nuria", true), ("José", "jose", false),
       ("Álvaro", "alvaro", false), ("Iñigo", "inigo", false)],
     &[("García", "garcia"), ("Fernández", "fernandez"), ("López", "lopez"), ("Martínez", "martinez"),
       ("Sánchez", "sanchez"), ("Muñoz", "munoz")]),
    (Locale::It,
     &[("Giulia", "giulia", true), ("Francesca", "francesca", true), ("Chiara", "chiara", true), ("Matteo", "matteo", false),
       ("Lorenzo", "lorenzo", false), ("Niccolò", "niccolo", false)],
     &[("Rossi", "rossi"), ("Bianchi", "bianchi"), ("Esposito", "esposito"), ("Ricci", "ricci"), ("De Luca", "deluca")]),
    (Locale::Jp,
     &[("太郎", "taro", false), ("花子", "hanako", true), ("健太", "kenta", false), ("美咲", "misaki", true),
       ("翔太", "shota", false), ("陽子", "yoko", true)],
     &[("山田", "yamada"), ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"), ("伊藤", "ito")]),
];

pub struct NameLists {
    female: Vec<String>,
    male: Vec<String>,
    last: Vec<String>,
}

fn title_case(upper: &str) -> String {
    let lower = upper.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut cap = true;
    for (i, c) in lower.char_indices() {
        if cap {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        // "Mcdonald" is not how anyone writes it.
        cap = !c.is_alphabetic() || (i == 1 && lower.starts_with("mc"));
    }
    out
}

fn parse(list: &str) -> Vec<String> {
    list.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
        .map(title_case)
        .collect()
}

impl NameLists {
    pub fn load() -> NameLists {
        NameLists {
            female: parse(FEMALE),
            male: parse(MALE),
            last: parse(LAST),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Person {
    pub locale: Locale,
    pub given: String,
    pub family: String,
    pub ascii_given: String,
    pub ascii_family: String,
    pub middle: char,
    pub female: bool,
}

/// Frequent names come up more often, as in real customer bases.
fn skewed<'a>(rng: &mut Rng, list: &'a [String]) -> &'a String {
    let a = rng.usize(list.len());
    let b = rng.usize(list.len());
    &list[a.min(b)]
}

fn ascii(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Person {
    pub fn new(rng: &mut Rng, names: &NameLists) -> Person {
        let middle = char::from(b'A' + rng.below(26) as u8);
        if rng.chance(7, 10) {
            let female = rng.chance(1, 2);
            let given = skewed(rng, if female { &names.female } else { &names.male }).clone();
            let mut family = skewed(rng, &names.last).clone();
            if rng.chance(1, 20) {
                family = format!("{family}-{}", skewed(rng, &names.last));
            }
            return Person {
                locale: Locale::Us,
                ascii_given: ascii(&given),
                ascii_family: ascii(&family),
                given,
                family,
                middle,
                female,
            };
        }
        let (locale, givens, families) = rng.pick(INTL);
        let (g, ag, female) = rng.pick(givens);
        let (f, af) = rng.pick(families);
        Person {
            locale: *locale,
            given: g.to_string(),
            family: f.to_string(),
            ascii_given: ag.to_string(),
            ascii_family: af.to_string(),
            middle,
            female: *female,
        }
    }

    /// One surface form of the full name: (unlabelled prefix such as a
    /// title, labelled name).
    pub fn surface(&self, rng: &mut Rng) -> (String, String) {
        if self.locale == Locale::Jp {
            // Family name first, as written in Japanese.
            let sep = if rng.chance(1, 2) { " " } else { "\u{3000}" };
            return (String::new(), format!("{}{sep}{}", self.family, self.given));
        }
        match rng.below(10) {
            0 => (
                String::new(),
                format!("{}, {}", self.family.to_uppercase(), self.given),
            ),
            1 => (
                "Dr. ".into(),
                format!("{} {}. {}", self.given, self.middle, self.family),
            ),
            2 => (self.title(), format!("{} {}", self.given, self.family)),
            3 => (
                String::new(),
                format!("{} {}. {}", self.given, self.middle, self.family),
            ),
            _ => (String::new(), format!("{} {}", self.given, self.family)),
        }
    }

    pub fn plain(&self) -> String {
        if self.locale == Locale::Jp {
            format!("{} {}", self.family, self.given)
        } else {
            format!("{} {}", self.given, self.family)
        }
    }

    fn title(&self) -> String {
        let t = match (self.locale, self.female) {
            (Locale::Fr, true) => "Mme.",
            (Locale::Fr, false) => "M.",
            (Locale::De, true) => "Frau",
            (Locale::De, false) => "Herr",
            (_, true) => "Ms.",
            (_, false) => "Mr.",
        };
        format!("{t} ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_title_case() {
        let n = NameLists::load();
        assert_eq!(n.female.len(), 600);
        assert_eq!(n.male.len(), 600);
        assert_eq!(n.last.len(), 2000);
        assert_eq!(n.last[0], "Smith");
        assert_eq!(title_case("MCDONALD"), "McDonald");
    }
}
