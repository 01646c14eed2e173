//! Context words: the text just before a candidate ("SSN:", "card", "tel")
//! that turns a plausible match into a likely one.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A case-insensitive set of context words, searched in a window before a
/// candidate.
pub(crate) struct ContextWords {
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
        ContextWords { ac }
    }

    /// Whether one of the words occurs within `window` bytes before `pos`.
    /// The window never reaches past [`crate::MAX_LOOKBEHIND`].
    pub(crate) fn before(&self, hay: &[u8], pos: usize, window: usize) -> bool {
        let window = window.min(crate::MAX_LOOKBEHIND);
        let from = pos.saturating_sub(window);
        self.ac.is_match(&hay[from..pos])
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
}
