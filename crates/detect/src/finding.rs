use crate::Kind;

/// One piece of personal data found in a haystack.
///
/// Invariant: `start < end`, both byte offsets into the haystack the finding
/// was produced from (for a [`crate::stream::StreamScanner`], into the whole
/// stream).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Confidence that this is a person's data, in `[0, 1]`. Validation
    /// failures never reach a finding; the score grades what passed:
    /// `>= 0.5` is personal data by default, below that are matches that are
    /// valid but probably not a person's (role mailboxes, private IPs…).
    pub score: f32,
    /// Which detector fired (stable name, e.g. `email.rfc5322`).
    pub detector: &'static str,
}

impl Finding {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}
