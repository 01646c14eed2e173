//! The name lexicon: given names with a frequency class, surnames, common
//! Japanese surnames in kanji, and the stop-lists of capitalised words and
//! phrases that look like names but are not people (see
//! `data/names/PROVENANCE.md` for where the name lists come from).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const GIVEN: &str = include_str!("../../data/names/given.txt");
const SURNAMES: &str = include_str!("../../data/names/surnames.txt");
const KANJI_SURNAMES: &str = include_str!("../../data/names/kanji_surnames.txt");
const STOP_WORDS: &str = include_str!("../../data/names/stop_words.txt");
const STOP_PHRASES: &str = include_str!("../../data/names/stop_phrases.txt");

/// Longest token looked up, in bytes (lowercased). Longer words are not
/// names anyone types into a form.
pub(super) const MAX_TOKEN: usize = 40;

/// FxHash: the keys are short lowercase words from our own lists, so a
/// DoS-resistant hash buys nothing and costs a third of the lookup time.
#[derive(Default)]
pub(super) struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }
}

type FxBuild = BuildHasherDefault<Fx>;

pub(super) struct Lexicon {
    /// Lowercased given name → frequency class 1..=13 (logarithmic).
    given: HashMap<&'static str, u8, FxBuild>,
    surnames: HashSet<&'static str, FxBuild>,
    kanji_surnames: HashSet<&'static str, FxBuild>,
    stop_words: HashSet<&'static str, FxBuild>,
    /// Lowercased multi-word phrases, words joined by one space.
    stop_phrases: HashSet<&'static str, FxBuild>,
}

fn entries(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    pub(super) fn new() -> Lexicon {
        let mut given = HashMap::with_capacity_and_hasher(24_000, FxBuild::default());
        for line in entries(GIVEN) {
            let mut parts = line.split(' ');
            let (Some(name), Some(class)) = (parts.next(), parts.next()) else {
                continue;
            };
            given.insert(name, class.parse().unwrap_or(1));
        }
        let mut surnames = HashSet::with_capacity_and_hasher(170_000, FxBuild::default());
        surnames.extend(entries(SURNAMES));
        let set = |list| -> HashSet<&'static str, FxBuild> { entries(list).collect() };
        Lexicon {
            given,
            surnames,
            kanji_surnames: set(KANJI_SURNAMES),
            stop_words: set(STOP_WORDS),
            stop_phrases: set(STOP_PHRASES),
        }
    }

    /// Frequency class of a given name (0: not one). `lower` is lowercased.
    pub(super) fn given(&self, lower: &str) -> u8 {
        self.given.get(lower).copied().unwrap_or(0)
    }

    pub(super) fn surname(&self, lower: &str) -> bool {
        self.surnames.contains(lower)
    }

    pub(super) fn kanji_surname(&self, s: &str) -> bool {
        self.kanji_surnames.contains(s)
    }

    pub(super) fn stop_word(&self, lower: &str) -> bool {
        self.stop_words.contains(lower)
    }

    pub(super) fn stop_phrase(&self, lower: &str) -> bool {
        self.stop_phrases.contains(lower)
    }
}

/// Lowercases `word` into `buf`; `None` if it does not fit or is not UTF-8.
pub(super) fn lower<'b>(word: &[u8], buf: &'b mut [u8; MAX_TOKEN]) -> Option<&'b str> {
    if word.len() > MAX_TOKEN {
        return None;
    }
    if word.is_ascii() {
        for (d, s) in buf.iter_mut().zip(word) {
            *d = s.to_ascii_lowercase();
        }
        return std::str::from_utf8(&buf[..word.len()]).ok();
    }
    let s = std::str::from_utf8(word).ok()?;
    let mut n = 0;
    for c in s.chars().flat_map(char::to_lowercase) {
        let len = c.len_utf8();
        if n + len > MAX_TOKEN {
            return None;
        }
        c.encode_utf8(&mut buf[n..n + len]);
        n += len;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_fold_case() {
        let lex = Lexicon::new();
        let mut buf = [0u8; MAX_TOKEN];
        assert!(lex.given(lower(b"JANE", &mut buf).unwrap_or("")) > 5);
        assert!(lex.given(lower("JÜRGEN".as_bytes(), &mut buf).unwrap_or("")) > 0);
        assert!(lex.surname(lower(b"Garcia", &mut buf).unwrap_or("")));
        assert!(lex.stop_word("total"));
        assert!(lex.stop_phrase("calvin klein"));
        assert!(lex.kanji_surname("山田"));
        assert_eq!(lower(&[b'a'; MAX_TOKEN + 1], &mut buf), None);
    }

    #[test]
    fn builds_fast_enough_to_pay_once() {
        let t = std::time::Instant::now();
        let lex = Lexicon::new();
        assert!(lex.surname("smith"));
        // Generous for debug builds on a loaded machine; release is ~10x faster.
        assert!(t.elapsed().as_millis() < 2_000, "{:?}", t.elapsed());
    }
}
