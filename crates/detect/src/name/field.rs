//! Field structure around a value: a key or label before it (`"first_name":
//! "`, `name="`, `Name: `, a form's `name` attribute) and the edges of a
//! delimited field (CSV cells, SQL `VALUES`) with its neighbours. These
//! say a lone capitalised word is a name where its shape alone cannot; kept
//! apart because they read separators and quotes, not name words.

use super::lexicon::MAX_TOKEN;
use super::run::{joined_word, particles_before, word_at, Shape, Word};
use super::words::{abbreviation_in, is_calendar_word, is_capital_particle};
use super::NameDetector;
use crate::hints::Field;
use crate::Hints;

impl NameDetector {
    /// Whether structure (a hint or a key) says the value at `start` is a
    /// given name or a surname on its own.
    pub(super) fn lone_field(&self, hay: &[u8], start: usize, hints: &Hints<'_>) -> bool {
        let field = hints
            .at(start)
            .map(|h| h.field)
            .or_else(|| key_before(hay, start));
        matches!(field, Some(Field::GivenName | Field::FamilyName))
    }

    /// `'Jane', 'Doe'` or `,Jane,Doe,`: a given name and a surname in
    /// adjacent delimited fields (headerless CSV, SQL `VALUES`), each of
    /// which is then a name on its own.
    pub(super) fn field_pair(&self, hay: &[u8], start: usize, w: Word, end: usize) -> bool {
        let Some(edges) = whole_field(hay, start, end) else {
            return false;
        };
        let span = Word {
            start,
            end,
            shape: Shape::Cap,
        };
        let pair = neighbour_field(hay, end, edges, true)
            .is_some_and(|next| self.given_class(hay, w) > 0 && self.surname(hay, next))
            || neighbour_field(hay, end, edges, false).is_some_and(|prev| {
                (self.surname(hay, span) || self.surname(hay, w)) && self.given_class(hay, prev) > 0
            });
        // Three months or weekdays in a row are a calendar: a monthly
        // report's header (`Region,April,May,June`), a locale's day list.
        // Two may be a person (`'Jan', 'May'`). Checked last: few fields
        // pair up.
        pair && !(abbreviation_in(&hay[w.start..w.end], is_calendar_word)
            && 1 + calendar_in_a_row(hay, w, true) + calendar_in_a_row(hay, w, false) >= 3)
    }
}

/// A key right before a value: `"first_name": "`, `name="`, `Name: `,
/// `name=`, classified as a field.
pub(super) fn key_before(hay: &[u8], start: usize) -> Option<Field> {
    let mut p = start;
    let low = start.saturating_sub(48);
    // The value's opening quote (JSON, attributes, SQL), maybe escaped.
    if p > low && matches!(hay[p - 1], b'"' | b'\'') {
        p -= 1;
        if p > low && hay[p - 1] == b'\\' {
            p -= 1;
        }
    }
    while p > low && hay[p - 1] == b' ' {
        p -= 1;
    }
    if p == low || !matches!(hay[p - 1], b':' | b'=') {
        return None;
    }
    p -= 1;
    while p > low && hay[p - 1] == b' ' {
        p -= 1;
    }
    if p > low && matches!(hay[p - 1], b'"' | b'\'') {
        p -= 1;
        if p > low && hay[p - 1] == b'\\' {
            p -= 1;
        }
    }
    let key_end = p;
    while p > low
        && (hay[p - 1].is_ascii_alphanumeric() || matches!(hay[p - 1], b'_' | b'-' | b'.'))
    {
        p -= 1;
    }
    if p == key_end {
        return None;
    }
    // `customer.name`, `billing-first_name`: the last segment names it.
    let key = &hay[p..key_end];
    if key.eq_ignore_ascii_case(b"value") {
        return form_field_name(hay, p);
    }
    let last = key.rsplit(|&b| b == b'.').next().unwrap_or(key);
    // An unquoted, capitalised `Name:` labels a form or a letter's line
    // ("My details:\nName: …"), where it means a person; a bare `name` key
    // (JSON, YAML, a catalogue's `"Name"`) may hold anything.
    let quoted = matches!(hay.get(key_end), Some(b'"' | b'\''));
    if last == b"Name" && !quoted {
        return Some(Field::FullName);
    }
    Field::classify(last).or_else(|| Field::classify(key))
}

/// `<input name="first_name" value="…">`: the `name` (or `id`) attribute
/// of the tag whose `value` starts at `value_at`, classified.
fn form_field_name(hay: &[u8], value_at: usize) -> Option<Field> {
    let low = value_at.saturating_sub(160);
    let tag_start = memchr::memrchr(b'<', &hay[low..value_at])? + low;
    let tag = &hay[tag_start..value_at];
    for attr in [&b" name="[..], b" id="] {
        let Some(at) = memchr::memmem::rfind(tag, attr) else {
            continue;
        };
        let rest = &tag[at + attr.len()..];
        let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
        let end = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'[' | b']')))
            .unwrap_or(rest.len());
        // `customer[first_name]`: the innermost part names the field.
        let name = &rest[..end];
        let inner = name
            .split(|&b| b == b'[' || b == b']')
            .rfind(|s| !s.is_empty())
            .unwrap_or(name);
        if let Some(f) = Field::classify(inner) {
            return Some(f);
        }
    }
    None
}

/// How a value is delimited as a whole field: its quote, if any, and
/// where the byte before it (a separator or a line edge) sits.
#[derive(Clone, Copy)]
struct FieldEdges {
    quote: Option<u8>,
    before_at: Option<usize>,
}

fn is_sep(b: u8) -> bool {
    matches!(b, b',' | b'\t' | b';' | b'|')
}

fn edge_ok(b: Option<u8>) -> bool {
    b.is_none_or(|b| is_sep(b) || matches!(b, b'\n' | b'(' | b'\r'))
}

/// `[start, end)` as a whole delimited field, if it is one: a separator (or
/// line edge) on both sides, maybe inside quotes.
fn whole_field(hay: &[u8], start: usize, end: usize) -> Option<FieldEdges> {
    let quote = match (start.checked_sub(1).map(|i| hay[i]), hay.get(end)) {
        (Some(q @ (b'\'' | b'"')), Some(&c)) if c == q => Some(q),
        _ => None,
    };
    let q = usize::from(quote.is_some());
    let mut before_at = start.checked_sub(q + 1);
    if let Some(i) = before_at.filter(|&i| hay[i] == b' ' && i > 0) {
        before_at = Some(i - 1);
    }
    let before = before_at.map(|i| hay[i]);
    let after_b = hay.get(end + q).copied();
    (edge_ok(before) && edge_ok(after_b)).then_some(FieldEdges { quote, before_at })
}

/// How many delimited fields next to `w`'s (after it if `after`), one after
/// the other, hold a month or weekday; counting stops at two.
fn calendar_in_a_row(hay: &[u8], mut w: Word, after: bool) -> usize {
    let mut n = 0;
    while n < 2 {
        let Some(next) = whole_field(hay, w.start, w.end)
            .and_then(|edges| neighbour_field(hay, w.end, edges, after))
            .filter(|&next| abbreviation_in(&hay[next.start..next.end], is_calendar_word))
        else {
            break;
        };
        n += 1;
        w = next;
    }
    n
}

/// The delimited field next to the whole field that ends at `end` (after
/// it if `after`): `'Jane', 'Doe'`, `,Jane,Doe,`, `"Jane";"Doe"`.
fn neighbour_field(hay: &[u8], end: usize, edges: FieldEdges, after: bool) -> Option<Word> {
    let FieldEdges { quote, before_at } = edges;
    let q = usize::from(quote.is_some());
    if after {
        let mut p = end + q;
        if !is_sep(*hay.get(p)?) {
            return None;
        }
        p += 1;
        if hay.get(p) == Some(&b' ') {
            p += 1;
        }
        if let Some(qc) = quote {
            if hay.get(p) != Some(&qc) {
                return None;
            }
            p += 1;
        }
        let mut w = word_at(hay, p)?;
        // `'de Vries'`: the field's span runs from its first particle.
        let field_start = w.start;
        // Capitalised at a field's start (`'De Luca'`, `'Van Dijk'`), a
        // particle still leads the surname.
        while w.shape == Shape::Particle || (w.shape == Shape::Cap && is_capital_particle(hay, w)) {
            w = joined_word(hay, w.end)?;
        }
        let w = Word {
            start: field_start,
            ..w
        };
        let close = hay.get(w.end + q).copied();
        let closes = quote.is_none_or(|qc| hay.get(w.end) == Some(&qc));
        (matches!(w.shape, Shape::Cap) && closes && edge_ok(close)).then_some(w)
    } else {
        let mut p = before_at?;
        if !is_sep(hay[p]) {
            return None;
        }
        if let Some(qc) = quote {
            if p == 0 || hay[p - 1] != qc {
                return None;
            }
            p -= 1;
        }
        let field_end = p;
        let low = field_end.saturating_sub(MAX_TOKEN);
        while p > low && !is_sep(hay[p - 1]) && !matches!(hay[p - 1], b'\n' | b'(' | b'\'' | b'"') {
            p -= 1;
        }
        let w = word_at(hay, p)?;
        (w.shape == Shape::Cap && w.end == field_end).then_some(w)
    }
}

/// Mail header fields whose value is a mailbox with a display name.
const MAILBOX_HEADERS: [&[u8]; 6] = [b"from", b"to", b"cc", b"bcc", b"reply-to", b"sender"];

/// Where the display name of a mailbox (`"Nguyen, Jan" <jn@…>`, or bare
/// after its header, `Cc: Dubois, Benoît <b@…>` once its encoded word is
/// decoded) that starts at `start` ends: it is one person's name, as a
/// name cell is, however an address book ordered and punctuated it.
pub(super) fn display_name_end(hay: &[u8], start: usize) -> Option<usize> {
    // `"de Vries, Femke"`: the run starts after its particles.
    let start = particles_before(hay, start);
    let quoted = start > 0 && hay[start - 1] == b'"';
    if !quoted && !after_mailbox_header(hay, start) {
        return None;
    }
    let limit = hay.len().min(start + super::MAX_RUN);
    let end = start
        + hay[start..limit]
            .iter()
            .position(|b| matches!(b, b'"' | b'<' | b'\n' | b'@' | b';'))?;
    if quoted && hay[end] != b'"' {
        return None;
    }
    // Spaces, or a folded line, between the name and its address.
    let gap = hay[end + usize::from(quoted)..]
        .iter()
        .take(8)
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))?;
    let at = end + usize::from(quoted) + gap;
    let bare_end = start + hay[start..end].trim_ascii_end().len();
    (hay[at] == b'<').then_some(if quoted { end } else { bare_end })
}

/// Whether `start` is right after `From: `, `Cc: ` and the like at the
/// start of a line.
fn after_mailbox_header(hay: &[u8], start: usize) -> bool {
    let mut p = start;
    while p > 0 && start - p < 4 && hay[p - 1] == b' ' {
        p -= 1;
    }
    if p == start || p == 0 || hay[p - 1] != b':' {
        return false;
    }
    let colon = p - 1;
    MAILBOX_HEADERS.iter().any(|h| {
        colon >= h.len()
            && hay[colon - h.len()..colon].eq_ignore_ascii_case(h)
            && (colon == h.len() || hay[colon - h.len() - 1] == b'\n')
    })
}
