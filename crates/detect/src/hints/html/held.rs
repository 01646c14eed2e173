//! Passwords and login names that a label names in an HTML page
//! (`<dt>pass</dt><dd>…</dd>`, `<b>Login:</b> …`) are held back until their
//! element or text run ends, and hinted only if they are one short token:
//! documentation labels definitions too, and libxslt's API index lists
//! functions under `<dt>pass</dt>`. A form control's value (`<label for>`,
//! `<input name=password>`) and a table column's cells are not held.
//! The verdict comes within [`TOKEN_REACH`] bytes of the value's start, so a
//! scan fed to any point past the scanner's look-ahead sees the same hints.

use super::HtmlHinter;
use crate::hints::{Field, Hint};

/// A labelled password or login name must end (its element, or its text
/// run) within this many bytes of its start. Well inside the scanner's
/// look-ahead, so every scan has seen the verdict before it reports there.
const TOKEN_REACH: usize = 256;

/// A password or login name a label names (`<dt>pass</dt><dd>…`,
/// `<b>Login:</b> …`), held back until its element or run ends: it is one
/// only if it is a single token, not a definition in documentation prose
/// (libxslt's API index lists functions under `<dt>pass</dt>`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Held {
    pub(super) field: Field,
    /// The stack index of the element holding it; `None`: a text run.
    pub(super) frame: Option<usize>,
    pub(super) hint: Option<Hint>,
    /// A text run of it is being read.
    pub(super) reading: bool,
    /// Whitespace came after its first bytes.
    pub(super) gap: bool,
    /// More than one word or text run: not a token.
    pub(super) spoiled: bool,
}

impl HtmlHinter {
    /// Starts holding back a labelled credential (one at a time: one
    /// still held is not a lone token).
    pub(super) fn hold(&mut self, field: Field, frame: Option<usize>) {
        self.held = Some(Held {
            field,
            frame,
            hint: None,
            reading: false,
            gap: false,
            spoiled: false,
        });
    }

    /// Text of the held credential's run: a second word spoils it.
    pub(super) fn held_bytes(&mut self, run: &[u8]) {
        let Some(h) = self.held.as_mut().filter(|h| h.reading && !h.spoiled) else {
            return;
        };
        for &b in run {
            if b.is_ascii_whitespace() {
                h.gap = true;
            } else if h.gap {
                h.spoiled = true;
                return;
            }
        }
    }

    /// The held credential's element or run ended at `at`: its hint is
    /// kept if it is one short token.
    pub(super) fn release(&mut self, at: usize) {
        let Some(h) = self.held.take() else {
            return;
        };
        let Some(hint) = h.hint.filter(|x| !h.spoiled && at <= x.start + TOKEN_REACH) else {
            return;
        };
        // Hints of attributes inside it may have been pushed meanwhile.
        let i = self.hints.partition_point(|x| x.start < hint.start);
        self.hints.insert(i, hint);
    }
}

/// A password or a login name: what a label must name to be held back.
pub(super) fn is_credential(field: Option<Field>) -> bool {
    matches!(field, Some(Field::Password | Field::Username))
}
