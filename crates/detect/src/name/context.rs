//! Evidence around a run rather than in it: a title before it ("Dr.",
//! "Mme"), context words on its line or a short line above ("Dear",
//! "Ship to:", "Regards,"), an `@` nearby, and whether it opens a
//! sentence. Kept apart from scoring so that what counts as context (and
//! how far back it is looked for) is in one place.

use super::field::key_before;
use super::lexicon::{lower, MAX_TOKEN};
use super::utf8::{char_before, is_letter, starts_inside_word};
use super::words::is_title;
use super::{NameDetector, CONTEXT_WINDOW, EMAIL_WINDOW};
use crate::context::ContextWords;
use crate::hints::Field;
use crate::Hints;

/// The words that, before a run on its line (or alone on the line above),
/// make it a name: salutations, sign-offs, labels and roles.
pub(super) fn words() -> ContextWords {
    ContextWords::new(&[
        "name",
        "dear",
        "hi ",
        "hello",
        "hey ",
        "from:",
        "to:",
        "cc:",
        "customer",
        "ship to",
        "shipto",
        "bill to",
        "billto",
        "sold to",
        "deliver to",
        "attn",
        "attention",
        "sincerely",
        "regards",
        "thanks",
        "thank you",
        "cheers",
        "recipient",
        "cardholder",
        "holder",
        "contact",
        "signed",
        "author",
        "asked by",
        "posted by",
        "reviewed by",
        "written by",
        "placed by",
        "passenger",
        "patient",
        "client",
        "buyer",
        "bonjour",
        "hallo",
        "liebe",
        "sehr geehrte",
        "cher",
        "chère",
        "hola",
        "estimado",
        "gentile",
        "beste",
        "様",
        "氏名",
        "名前",
    ])
}

/// Signals about a run from outside it.
#[derive(Clone, Copy, Default)]
pub(super) struct Around {
    pub(super) field: Option<Field>,
    /// Where context words are looked for from (before any title).
    pub(super) before: usize,
    pub(super) title: bool,
    pub(super) email: bool,
}

impl NameDetector {
    /// Structure, context words, a title and an email around `[start, end)`.
    pub(super) fn around(&self, hay: &[u8], start: usize, end: usize, hints: &Hints<'_>) -> Around {
        let mut a = Around {
            field: hints.at(start).map(|h| h.field),
            ..Around::default()
        };
        let (before, title) = title_before(hay, start);
        a.title = title;
        if a.field.is_none() {
            a.field = key_before(hay, before);
        }
        a.before = before;
        a.email = email_near(hay, start, end);
        a
    }

    /// Whether a context word ("Dear", "Ship to", "Name") precedes the
    /// run; the dearest signal to compute, so asked only when it decides.
    pub(super) fn context(&self, hay: &[u8], a: &Around) -> bool {
        let from = context_from(hay, a.before);
        self.context.before(hay, a.before, a.before - from)
    }
}

/// Skips a title right before `start` ("Dr. ", "Mme "); returns the
/// position context is measured from and whether there was one.
fn title_before(hay: &[u8], start: usize) -> (usize, bool) {
    let mut p = start;
    while p > 0 && hay[p - 1] == b' ' && start - p < 3 {
        p -= 1;
    }
    if p == start {
        return (start, false);
    }
    if p > 0 && hay[p - 1] == b'.' {
        p -= 1;
    }
    let word_end = p;
    while p > 0 && word_end - p < 10 {
        match char_before(hay, p) {
            Some(c) if is_letter(c) => p -= c.len_utf8(),
            _ => break,
        }
    }
    if p == word_end || starts_inside_word(hay, p) {
        return (start, false);
    }
    let mut buf = [0u8; MAX_TOKEN];
    match lower(&hay[p..word_end], &mut buf) {
        Some(t) if is_title(t) && hay[p].is_ascii_uppercase() => (p, true),
        // Without a title, context is measured from the run itself.
        _ => (start, false),
    }
}

/// Where the context window before `pos` starts: the start of its line,
/// or of the line before when the name opens its line and that line is a
/// short salutation or label ("Thanks,", "Ship to:").
fn context_from(hay: &[u8], pos: usize) -> usize {
    let low = pos.saturating_sub(CONTEXT_WINDOW);
    let window = &hay[low..pos];
    match memchr::memrchr(b'\n', window) {
        None => low,
        Some(nl) => {
            let line_start = low + nl + 1;
            let name_opens_line = hay[line_start..pos].iter().all(|b| b.is_ascii_whitespace());
            if !name_opens_line {
                return line_start;
            }
            let prev = &hay[low..low + nl];
            match memchr::memrchr(b'\n', prev) {
                Some(p) if nl - p <= 24 => low + p + 1,
                None if nl <= 24 => low,
                _ => line_start,
            }
        }
    }
}

/// Whether an `@` sits on the same line within [`EMAIL_WINDOW`] bytes.
fn email_near(hay: &[u8], start: usize, end: usize) -> bool {
    let from = start.saturating_sub(EMAIL_WINDOW);
    let before = &hay[from..start];
    let from = memchr::memrchr(b'\n', before).map_or(from, |p| from + p + 1);
    let to = (end + EMAIL_WINDOW).min(hay.len());
    let after = &hay[end..to];
    let to = memchr::memchr(b'\n', after).map_or(to, |p| end + p);
    memchr::memchr(b'@', &hay[from..to]).is_some()
}

/// Whether the run starts a sentence (after `. `, `! `, `? `).
pub(super) fn sentence_initial(hay: &[u8], start: usize) -> bool {
    let mut p = start;
    while p > 0 && hay[p - 1] == b' ' && start - p < 3 {
        p -= 1;
    }
    p < start && p > 0 && matches!(hay[p - 1], b'.' | b'!' | b'?')
}
