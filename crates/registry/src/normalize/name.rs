//! Person names.
//!
//! A name becomes an order-insensitive bag of words: Unicode NFKC, lower
//! case, titles (Mr, Mrs, Dr, Prof, Mme, M., Herr, Frau, …) and initials
//! dropped, the rest sorted. So "Durand, Élodie", "Élodie Durand" and
//! "Mme Élodie M. Durand" all give the exact form `durand élodie`.
//! Sorting (rather than only recognising "Last, First") is deliberate: leaks
//! write "DURAND Élodie" without a comma as often as with one.
//!
//! The variant form also folds diacritics (`durand elodie`), so a customer
//! typed without accents matches a leak that has them, and vice versa.
//!
//! A name must keep at least two words after this: a lone "Durand" pins
//! nobody and is not fingerprinted.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::Forms;

/// Longest input considered a name; longer text is a sentence, not a name.
const MAX_NAME_CHARS: usize = 256;

/// Lower-cased honorifics across the languages of our customers. "m" (for
/// "M.") is covered by the single-letter rule.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "mme",
    "mlle",
    "madame",
    "mademoiselle",
    "monsieur",
    "herr",
    "frau",
    "sr",
    "sra",
    "srta",
    "dott",
    "dott.ssa",
];

/// Normalises a whole name as written in one string ("First Last",
/// "Last, First", with titles and initials).
pub fn normalise(full: &str) -> Option<Forms> {
    let mut words = Words::default();
    words.push(full)?;
    words.finish()
}

/// Normalises a name given as separate fields (the CSV's first and last
/// name); gives the same forms as [`normalise`] on "first last".
pub fn normalise_parts(given: &str, family: &str) -> Option<Forms> {
    let mut words = Words::default();
    words.push(given)?;
    words.push(family)?;
    words.finish()
}

/// A name's kept words, lower-cased, in one string: scope normalises
/// millions of names, and a string per word cost more than the rest.
#[derive(Default)]
struct Words {
    text: String,
    /// Each word's byte range in `text`.
    spans: Vec<(usize, usize)>,
}

impl Words {
    fn push(&mut self, text: &str) -> Option<()> {
        if text.chars().count() > MAX_NAME_CHARS {
            return None;
        }
        // NFKC leaves ASCII unchanged; most names in most leaks are ASCII,
        // and normalising costs more than everything else done here.
        let nfkc: std::borrow::Cow<'_, str> = if text.is_ascii() {
            text.into()
        } else {
            text.nfkc().collect::<String>().into()
        };
        for raw in nfkc.split(is_separator) {
            let from = self.text.len();
            push_lower_word(&mut self.text, raw);
            let word = &self.text[from..];
            if word.chars().nth(1).is_none()
                || !word.chars().any(char::is_alphabetic)
                || TITLES.contains(&word)
            {
                self.text.truncate(from);
            } else {
                self.spans.push((from, self.text.len()));
            }
        }
        Some(())
    }

    fn finish(mut self) -> Option<Forms> {
        if self.spans.len() < 2 {
            return None;
        }
        let text = &self.text;
        self.spans
            .sort_unstable_by(|a, b| text[a.0..a.1].cmp(&text[b.0..b.1]));
        let mut exact = String::with_capacity(text.len() + self.spans.len());
        for (i, &(a, b)) in self.spans.iter().enumerate() {
            if i > 0 {
                exact.push(' ');
            }
            exact.push_str(&text[a..b]);
        }
        if exact.is_ascii() {
            // Nothing to fold: the variant would equal the exact form.
            return Some(Forms {
                exact,
                variant: None,
            });
        }
        let mut folded: Vec<String> = self
            .spans
            .iter()
            .map(|&(a, b)| fold_diacritics(&text[a..b]))
            .collect();
        folded.sort_unstable();
        Some(Forms::new(exact, folded.join(" ")))
    }
}

/// Appends a word lower-cased, apostrophes dropped ("O'Brien" is
/// "obrien").
fn push_lower_word(out: &mut String, raw: &str) {
    // ASCII by bytes: what the general path gives (ASCII letters lower-case
    // to ASCII letters), at a fraction of the cost; most names are ASCII.
    if raw.is_ascii() {
        push_lower_ascii(out, raw);
    } else {
        push_lower_general(out, raw);
    }
}

fn push_lower_ascii(out: &mut String, raw: &str) {
    out.extend(
        raw.bytes()
            .filter(|b| !matches!(b, b'\'' | b'`'))
            .map(|b| char::from(b.to_ascii_lowercase())),
    );
}

fn push_lower_general(out: &mut String, raw: &str) {
    out.extend(
        raw.chars()
            .filter(|c| !matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '`'))
            .flat_map(char::to_lowercase),
    );
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | '.' | '-' | '\u{2010}' | '\u{2011}' | '/' | '(' | ')' | '"' | ';'
        )
}

/// Strips combining marks after canonical decomposition, and spells out the
/// letters that have no decomposition (ø, ß, æ, ł, …).
pub fn fold_diacritics(s: &str) -> String {
    // ASCII has no combining marks and none of the letters below.
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'ı' => out.push('i'),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: &str) -> Option<String> {
        normalise(s).map(|f| f.exact)
    }

    #[test]
    fn ascii_words_lower_as_the_general_path_does() {
        // Every printable ASCII byte, in and around letters.
        for b in 0x20u8..0x7f {
            let c = char::from(b);
            for w in [
                format!("{c}"),
                format!("O{c}Brien"),
                format!("{c}VAN{c}der{c}"),
            ] {
                let (mut ascii, mut general) = (String::new(), String::new());
                push_lower_ascii(&mut ascii, &w);
                push_lower_general(&mut general, &w);
                assert_eq!(ascii, general, "{w:?}");
            }
        }
    }

    #[test]
    fn last_comma_first_equals_first_last() {
        assert_eq!(exact("Durand, Élodie"), exact("Élodie Durand"));
        assert_eq!(exact("DURAND Élodie"), exact("élodie durand"));
        assert!(exact("Élodie Durand").is_some());
    }

    #[test]
    fn titles_and_initials_are_ignored() {
        let plain = exact("John Smith");
        assert_eq!(exact("Mr. John Q. Smith"), plain);
        assert_eq!(exact("Dr John Smith"), plain);
        assert_eq!(exact("Smith, John Q"), plain);
        assert_eq!(exact("Mme Élodie Durand"), exact("Élodie Durand"));
        assert_eq!(exact("M. Élodie Durand"), exact("Élodie Durand"));
        assert_eq!(exact("Herr Jürgen Müller"), exact("Jürgen Müller"));
        assert_eq!(exact("Prof. Frau Anna Weber"), exact("anna weber"));
    }

    #[test]
    fn diacritics_fold_as_variant_only() {
        let f = normalise("Élodie Durand");
        assert_eq!(f.as_ref().map(|f| f.exact.as_str()), Some("durand élodie"));
        assert_eq!(f.and_then(|f| f.variant), Some("durand elodie".to_string()));
        assert_eq!(normalise("Elodie Durand").and_then(|f| f.variant), None);
        assert_eq!(fold_diacritics("straße øre łódź"), "strasse ore lodz");
    }

    #[test]
    fn nfkc_and_apostrophes() {
        // Full-width letters and the ﬁ ligature compose to plain letters.
        assert_eq!(exact("Ｊｏｈｎ Smith"), exact("John Smith"));
        assert_eq!(exact("ﬁona O’Brien"), exact("Fiona O'Brien"));
    }

    #[test]
    fn parts_match_full() {
        assert_eq!(
            normalise_parts("Élodie", "Durand"),
            normalise("Durand, Élodie")
        );
        assert_eq!(
            normalise_parts("Jean-Pierre", "Dupont"),
            normalise("Jean Pierre Dupont")
        );
    }

    #[test]
    fn single_words_and_junk_are_not_names() {
        assert_eq!(exact("Durand"), None);
        assert_eq!(exact("Dr. J. Durand"), None);
        assert_eq!(exact("12 34"), None);
        assert_eq!(exact(&"ab ".repeat(200)), None);
    }
}
