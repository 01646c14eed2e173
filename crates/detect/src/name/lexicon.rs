//! The name lexicon: given names with a frequency class, surnames, common
//! Japanese surnames in kanji, and the stop-lists of capitalised words and
//! phrases that look like names but are not people (see
//! `data/names/PROVENANCE.md` for where the name lists come from).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::utf8::html_apostrophe;

const GIVEN: &str = include_str!("../../data/names/given.txt");
const SURNAMES: &str = include_str!("../../data/names/surnames.txt");
const KANJI_SURNAMES: &str = include_str!("../../data/names/kanji_surnames.txt");
const STOP_WORDS: &str = include_str!("../../data/names/stop_words.txt");
const STOP_PHRASES: &str = include_str!("../../data/names/stop_phrases.txt");

/// Longest token looked up, in bytes (lowercased). Longer words are not
/// names anyone types into a form.
pub(super) const MAX_TOKEN: usize = 40;

/// A word's 64-bit fingerprint: the lexicon keeps fingerprints, not
/// strings, so a lookup is one probe of a compact table with no string
/// comparison (the comparisons and the pointer chase to each key's bytes
/// were a third of the name detector). Words of up to eight bytes, nearly
/// every name, map one-to-one (the length seeds the hash and each step is
/// invertible); for longer ones a false match needs a 64-bit collision with
/// one of ~200 000 list words.
fn fingerprint(word: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, chunk: &[u8]| {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K)
    };
    let mut h = word.len() as u64;
    let mut chunks = word.chunks_exact(8);
    for c in &mut chunks {
        h = step(h, c);
    }
    if !chunks.remainder().is_empty() || word.is_empty() {
        h = step(h, chunks.remainder());
    }
    // MurmurHash3's finaliser: the table indexes by the low bits and
    // filters by the high ones, so every bit must depend on every byte.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hashes fingerprints by passing them through: they are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; this keeps other keys correct.
        self.0 = fingerprint(bytes) ^ self.0.rotate_left(1);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Fingerprints = HashSet<u64, BuildHasherDefault<Prehashed>>;

pub(super) struct Lexicon {
    /// Lowercased given name → frequency class 1..=13 (logarithmic).
    given: HashMap<u64, u8, BuildHasherDefault<Prehashed>>,
    surnames: Fingerprints,
    kanji_surnames: Fingerprints,
    stop_words: Fingerprints,
    /// Lowercased multi-word phrases, words joined by one space.
    stop_phrases: Fingerprints,
}

fn entries(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    pub(super) fn new() -> Lexicon {
        let mut given = HashMap::with_capacity_and_hasher(24_000, Default::default());
        for line in entries(GIVEN) {
            let mut parts = line.split(' ');
            let (Some(name), Some(class)) = (parts.next(), parts.next()) else {
                continue;
            };
            let class: u8 = class.parse().unwrap_or(1);
            given.insert(fingerprint(name.as_bytes()), class);
            // Also under the name folded to ASCII: queries fold their
            // accents away when the exact form is unknown, and people drop
            // some accents but not others (`Iñigo` for `Íñigo`).
            let mut buf = [0u8; MAX_TOKEN];
            if let Some(folded) = super::lookup::fold_ascii(name, &mut buf).filter(|f| *f != name) {
                let slot = given.entry(fingerprint(folded.as_bytes())).or_insert(class);
                *slot = (*slot).max(class);
            }
        }
        let set =
            |list| -> Fingerprints { entries(list).map(|w| fingerprint(w.as_bytes())).collect() };
        let mut surnames = Fingerprints::with_capacity_and_hasher(170_000, Default::default());
        surnames.extend(entries(SURNAMES).map(|w| fingerprint(w.as_bytes())));
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
        self.given
            .get(&fingerprint(lower.as_bytes()))
            .copied()
            .unwrap_or(0)
    }

    pub(super) fn surname(&self, lower: &str) -> bool {
        self.surname_bytes(lower.as_bytes())
    }

    /// [`Lexicon::surname`] of lowercase bytes.
    pub(super) fn surname_bytes(&self, lower: &[u8]) -> bool {
        self.surnames.contains(&fingerprint(lower))
    }

    pub(super) fn kanji_surname(&self, s: &str) -> bool {
        self.kanji_surnames.contains(&fingerprint(s.as_bytes()))
    }

    pub(super) fn stop_word(&self, lower: &str) -> bool {
        self.stop_words.contains(&fingerprint(lower.as_bytes()))
    }

    pub(super) fn stop_phrase(&self, lower: &str) -> bool {
        self.stop_phrases.contains(&fingerprint(lower.as_bytes()))
    }
}

/// Lowercases `word` into `buf`; `None` if it does not fit or is not UTF-8.
/// An apostrophe written as an HTML reference (`O&#x27;Brien`) is read as
/// one.
pub(super) fn lower<'b>(word: &[u8], buf: &'b mut [u8; MAX_TOKEN]) -> Option<&'b str> {
    if word.len() > MAX_TOKEN {
        return None;
    }
    if word.contains(&b'&') {
        let mut plain = [0u8; MAX_TOKEN];
        let (mut i, mut n) = (0, 0);
        while i < word.len() {
            match html_apostrophe(&word[i..]) {
                Some(len) => {
                    plain[n] = b'\'';
                    i += len;
                }
                None => {
                    plain[n] = word[i];
                    i += 1;
                }
            }
            n += 1;
        }
        if n < word.len() {
            return lower(&plain[..n], buf);
        }
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
        // Listed as `íñigo`; also found with the accents folded away.
        assert!(lex.given("íñigo") > 0 && lex.given("inigo") > 0);
        assert!(lex.surname(lower(b"Garcia", &mut buf).unwrap_or("")));
        assert!(lex.stop_word("total"));
        assert!(lex.stop_phrase("michael kors"));
        assert!(lex.kanji_surname("山田"));
        assert_eq!(lower(&[b'a'; MAX_TOKEN + 1], &mut buf), None);
    }

    #[test]
    fn short_words_have_distinct_fingerprints() {
        // Up to eight bytes the fingerprint is invertible: no two of these
        // (every one- and two-letter word, padding lookalikes) may share one.
        let mut words: Vec<Vec<u8>> = vec![vec![], vec![0], vec![0, 0], b"ab\0".to_vec()];
        for a in b'a'..=b'z' {
            words.push(vec![a]);
            for b in b'a'..=b'z' {
                words.push(vec![a, b]);
            }
        }
        let prints: HashSet<u64> = words.iter().map(|w| fingerprint(w)).collect();
        assert_eq!(prints.len(), words.len());
        assert_ne!(fingerprint(b"abcdefgh"), fingerprint(b"abcdefgh\0"));
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
