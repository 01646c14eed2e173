//! Context words: the text just before a candidate ("SSN:", "card", "tel")
//! that turns a plausible match into a likely one.

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Windows longer than this are searched with the automaton; shorter ones
/// (nearly all: context windows are a few dozen bytes) with Teddy.
const PACKED_WINDOW: usize = 96;

/// A case-insensitive set of context words, searched in a window before a
/// candidate.
///
/// Windows are searched millions of times a scan and are mostly negatives,
/// so the automaton walks every byte of each (~1.3 ns a byte). Where the
/// CPU allows, the window is lower-cased into a small buffer instead and
/// searched with Teddy (SIMD fingerprints of the words' first bytes), which
/// looks at 16–32 bytes a step.
pub(crate) struct ContextWords {
    /// Teddy over the lower-cased words, if this CPU and word set allow it.
    teddy: Option<packed::Searcher>,
    ac: AhoCorasick,
}

impl ContextWords {
    /// Builds the set. The words are constants of this crate, so failing to
    /// build is a programming error caught by every test that scans.
    pub(crate) fn new(words: &[&str]) -> ContextWords {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .expect("context word lists are small constant sets");
        // The padding after a window is NUL bytes, which no word contains,
        // so a match is always inside the window.
        let lower: Vec<Vec<u8>> = words
            .iter()
            .map(|w| w.as_bytes().to_ascii_lowercase())
            .collect();
        let teddy = packed::Config::new()
            .only_teddy(true)
            .heuristic_pattern_limits(false)
            .builder()
            .extend(&lower)
            .build()
            .filter(|t| t.minimum_len() <= PACKED_WINDOW && lower.iter().all(|w| !w.contains(&0)));
        ContextWords { teddy, ac }
    }

    /// Whether one of the words occurs within `window` bytes before `pos`.
    /// The window never reaches past [`crate::MAX_LOOKBEHIND`].
    pub(crate) fn before(&self, hay: &[u8], pos: usize, window: usize) -> bool {
        let window = window.min(crate::MAX_LOOKBEHIND);
        let w = &hay[pos.saturating_sub(window)..pos];
        match &self.teddy {
            Some(teddy) if w.len() <= PACKED_WINDOW => {
                let mut buf = [0u8; PACKED_WINDOW];
                for (d, s) in buf.iter_mut().zip(w) {
                    *d = s.to_ascii_lowercase();
                }
                // Teddy needs a minimum haystack; the NUL padding is inert.
                let n = w.len().max(teddy.minimum_len());
                teddy.find(&buf[..n]).is_some()
            }
            _ => self.ac.is_match(w),
        }
    }
}

/// Whether `b` continues a word (ASCII letters, digits, underscore), used to
/// check that a candidate is not part of a larger token.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_only_inside_the_window() {
        let words = ContextWords::new(&["ssn", "social security"]);
        let hay = b"Social Security: 123-45-6789";
        assert!(words.before(hay, 17, 32));
        assert!(!words.before(hay, 17, 2));
        assert!(!words.before(b"phone: 123", 7, 32));
    }

    #[test]
    fn packed_and_automaton_searches_agree() {
        // Every window length around Teddy's minimum and the packed limit,
        // words at the window's edges, mixed case and non-ASCII words.
        let words = ContextWords::new(&["phone", "tel", "v.", "téléphone", "電話", "ss#"]);
        let mut hay = Vec::new();
        for i in 0..40 {
            hay.extend(std::iter::repeat_n(b'x', i % 7));
            hay.extend_from_slice(match i % 6 {
                0 => "PHONE".as_bytes(),
                1 => "Tel".as_bytes(),
                2 => "V.".as_bytes(),
                3 => "TéLéPHONE".as_bytes(),
                4 => "電話".as_bytes(),
                _ => "ss #".as_bytes(),
            });
            hay.extend_from_slice(b" 12 ");
        }
        for pos in 0..=hay.len() {
            for window in [1, 2, 3, 17, 33, 40, 64, 96, 97, 200] {
                let from = pos.saturating_sub(window);
                assert_eq!(
                    words.before(&hay, pos, window),
                    words.ac.is_match(&hay[from..pos]),
                    "pos {pos} window {window}"
                );
            }
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert!(words.teddy.is_some(), "Teddy builds where SSSE3 is present");
        }
    }
}
