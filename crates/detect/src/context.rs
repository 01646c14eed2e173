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
    /// Matches count only as whole words (see [`ContextWords::whole_words`]).
    whole: bool,
}

/// Words up to this long must also end a word to count in a whole-word
/// set: `tel`, `cell`, `call` and `fax` begin too many other words
/// (`telemetry`, `cellar`, `callback`). Longer ones may run on
/// (`phonenumber`, `contacts`, `telefonnummer`).
const SHORT_WORD: usize = 4;

impl ContextWords {
    /// Builds the set. The words are constants of this crate, so failing to
    /// build is a programming error caught by every test that scans.
    pub(crate) fn new(words: &[&str]) -> ContextWords {
        ContextWords::build(words, false)
    }

    /// A set whose words count only where they start a word — not `tel` in
    /// `hotel`, `call` in `recall` — and, when short, also end one. Word
    /// edges are anything but a letter, and camelCase humps (`mobilePhone`,
    /// `telNo`). For the short, common words that alone would admit a
    /// candidate, where a substring hit is a false finding.
    pub(crate) fn whole_words(words: &[&str]) -> ContextWords {
        ContextWords::build(words, true)
    }

    fn build(words: &[&str], whole: bool) -> ContextWords {
        // Leftmost-longest, so that a whole word (`telephone`) is found
        // rather than a prefix of it (`tel`) that fails the word test.
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(words)
            .expect("context word lists are small constant sets");
        // The padding after a window is NUL bytes, which no word contains,
        // so a match is always inside the window.
        let lower: Vec<Vec<u8>> = words
            .iter()
            .map(|w| w.as_bytes().to_ascii_lowercase())
            .collect();
        let teddy = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .only_teddy(true)
            .heuristic_pattern_limits(false)
            .builder()
            .extend(&lower)
            .build()
            .filter(|t| t.minimum_len() <= PACKED_WINDOW && lower.iter().all(|w| !w.contains(&0)));
        ContextWords { teddy, ac, whole }
    }

    /// Whether one of the words occurs within `window` bytes before `pos`.
    /// The window never reaches past [`crate::MAX_LOOKBEHIND`].
    pub(crate) fn before(&self, hay: &[u8], pos: usize, window: usize) -> bool {
        self.before_where(hay, pos, window, |_, _| true)
    }

    /// As [`ContextWords::before`], counting only the matches `hay[start..end]`
    /// that `accept(start, end)` also takes.
    pub(crate) fn before_where(
        &self,
        hay: &[u8],
        pos: usize,
        window: usize,
        accept: impl Fn(usize, usize) -> bool,
    ) -> bool {
        // One byte short of the bound: a whole-word test reads the byte
        // before the window.
        let from = pos.saturating_sub(window.min(crate::MAX_LOOKBEHIND - 1));
        let w = &hay[from..pos];
        let counts = |start: usize, end: usize| {
            let (start, end) = (from + start, from + end);
            (!self.whole || whole_word(hay, start, end))
                && !in_email_address(hay, start, end)
                && accept(start, end)
        };
        match &self.teddy {
            Some(teddy) if w.len() <= PACKED_WINDOW => {
                let mut buf = [0u8; PACKED_WINDOW];
                for (d, s) in buf.iter_mut().zip(w) {
                    *d = s.to_ascii_lowercase();
                }
                // Teddy needs a minimum haystack; the NUL padding is inert.
                let n = w.len().max(teddy.minimum_len());
                teddy
                    .find_iter(&buf[..n])
                    .any(|m| counts(m.start(), m.end()))
            }
            _ => self.ac.find_iter(w).any(|m| counts(m.start(), m.end())),
        }
    }

    /// As [`ContextWords::before`], but the window stops at the line break
    /// before `pos`: a word on the line above (a table's previous row, the
    /// header of another record) says nothing about this candidate.
    pub(crate) fn before_on_line(&self, hay: &[u8], pos: usize, window: usize) -> bool {
        let from = pos.saturating_sub(window.min(crate::MAX_LOOKBEHIND));
        let line_start = memchr::memrchr(b'\n', &hay[from..pos]).map_or(from, |i| from + i + 1);
        self.before(hay, pos, pos - line_start)
    }
}

/// Whether `hay[start..end]` (a context word, matched ignoring case) is a
/// word of its own by the rules of [`ContextWords::whole_words`].
fn whole_word(hay: &[u8], start: usize, end: usize) -> bool {
    let hump = |lower: u8, upper: u8| lower.is_ascii_lowercase() && upper.is_ascii_uppercase();
    let starts = start == 0 || {
        let p = hay[start - 1];
        !p.is_ascii_alphabetic() || hump(p, hay[start])
    };
    let ends = end - start > SHORT_WORD
        || hay
            .get(end)
            .is_none_or(|&n| !n.is_ascii_alphabetic() || hump(hay[end - 1], n));
    starts && ends
}

/// Whether `hay[start..end]` is part of an email address
/// (`jane+orders@shop.com`, `tel@example.com`, URL-encoded
/// `jane%40telefonica.es`): the name of a mailbox or domain says nothing
/// about the number after it.
fn in_email_address(hay: &[u8], start: usize, end: usize) -> bool {
    const MAX_LOCAL: usize = 32;
    let local = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    if !hay[start..end].iter().all(local) {
        return false;
    }
    let encoded_at = |run: &[u8]| run.windows(3).any(|w| w == b"%40");
    let from = start
        - hay[start.saturating_sub(MAX_LOCAL)..start]
            .iter()
            .rev()
            .take_while(|b| local(b))
            .count();
    let to = end
        + hay[end..]
            .iter()
            .take(MAX_LOCAL)
            .take_while(|b| local(b))
            .count();
    let (before, after) = (&hay[from..start], &hay[end..to]);
    (from > 0 && hay[from - 1] == b'@')
        || hay.get(to) == Some(&b'@')
        || encoded_at(before)
        || encoded_at(after)
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
        // Not inside an email address, URL-encoded or not, whatever the set.
        let telefon = ContextWords::whole_words(&["telefon"]);
        let hay = b"GET /lookup?email=jerome%40telefonica.es HTTP/1.1\" 404 26958";
        assert!(!telefon.before(hay, hay.len() - 9, 64));
        assert!(telefon.before(b"telefonica.es 404", 14, 32));
        let version = ContextWords::new(&["v."]);
        assert!(version.before(b"v.1.2.3.4", 2, 8));
        assert!(!version.before(b"yoko.v.tanaka@gmx.de from=1.2.3.4", 26, 32));
    }

    #[test]
    fn whole_word_sets_skip_words_inside_words() {
        let words = ContextWords::whole_words(&["tel", "telephone", "phone", "order", "電話"]);
        let cases = [
            ("Tel: ", true),
            ("tel.", true),
            ("telNo=", true),
            ("mobilePhone ", true),
            ("Telephone ", true),
            ("PHONE_NUMBER ", true),
            ("orders ", true),
            ("電話 ", true),
            ("hotel ", false),
            ("telemetry ", false),
            ("TELEMIG ", false),
            ("REMOTELOCK ", false),
            ("smartphone ", false),
            ("border: ", false),
            ("xyz ", false),
            // Mailbox and domain names are not context.
            ("jane+orders@shop.com ", false),
            ("tel@example.com, ", false),
            ("jane@orders.example.com ", false),
            ("jane@example.com, phone ", true),
        ];
        for (text, want) in cases {
            // Short windows go to Teddy, long ones to the automaton: both
            // must apply the word test.
            for pad in [0, 120] {
                let hay = format!("{}{text}1", " ".repeat(pad));
                let pos = hay.len() - 1;
                assert_eq!(
                    words.before(hay.as_bytes(), pos, pos),
                    want,
                    "{text:?} pad {pad}"
                );
            }
        }
        // The word test reads the byte before the window.
        assert!(!words.before(b"hotel 1", 6, 4));
        assert!(words.before(b" tel 1", 5, 4));
    }

    #[test]
    fn line_windows_stop_at_the_line_break() {
        let words = ContextWords::new(&["phone"]);
        assert!(words.before(b"phone\n123", 7, 32));
        assert!(!words.before_on_line(b"phone\n123", 7, 32));
        assert!(words.before_on_line(b"x\nphone 123", 9, 32));
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
