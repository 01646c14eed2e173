//! Email addresses, as they appear in real leaks: plain, in `mailto:`
//! links, URL-encoded (`jane%40example.com`), as HTML entities
//! (`jane&#64;example.com`), inside JSON, CSV, logs and mail headers.
//!
//! Candidates are the separators only (`@`, `%40`, `&#64;`, `&#x40;`,
//! `&commat;`), found with one `memchr3` pass; from each, the local part is
//! grown to the left and the domain to the right with byte-class tests, and
//! only then validated (label syntax, a real IANA TLD, Message-ID and role
//! heuristics). Offsets always cover the raw bytes, encoded or not.
//!
//! The local part accepted is the practical subset of RFC 5322 dot-atoms:
//! letters and digits (Unicode ones too), `.`, `_`, `-`, `+` and `'`. The
//! rarer specials (`=`, `/`, `?`, `&`, `|`, `{`…) are treated as delimiters,
//! because in the data we scan they almost always are (`?email=jane@…`,
//! `1|jane@…|`); quoted local parts (`"jane doe"@example.com`) are accepted
//! separately.

mod classify;

use crate::context::ContextWords;
use crate::{Finding, Kind};

/// RFC 5321 limits: 64 octets of local part, 253 of domain, 63 per label.
const MAX_LOCAL_CHARS: usize = 64;
/// Raw bytes of a local part: each character may be URL-encoded (`%2B`).
const MAX_LOCAL_RAW: usize = 3 * MAX_LOCAL_CHARS;
const MAX_DOMAIN: usize = 253;
const MAX_LABEL: usize = 63;
/// Decoded local parts are at most 64 characters of up to 4 UTF-8 bytes.
const LOCAL_BUF: usize = 4 * MAX_LOCAL_CHARS;

/// How far before an address context words are looked for.
const CONTEXT_WINDOW: usize = 32;

/// Scores. A personal address passes the default threshold (0.5) on its
/// own; context only makes it surer. Role mailboxes are valid addresses
/// but not a person's (see `classify::ROLE_MAILBOXES`).
const SCORE_PERSONAL: f32 = 0.9;
const SCORE_PERSONAL_IN_CONTEXT: f32 = 0.97;
const SCORE_ROLE: f32 = 0.3;

/// Reserved names (RFC 2606 / RFC 6761) that are not in the IANA root zone
/// but are what documentation and synthetic data use, so addresses under
/// them are scored as real ones. `localhost` is deliberately absent.
const RESERVED_TLDS: &[&str] = &["test", "example", "invalid"];

// The whole candidate must fit the engine's look-ahead bound, so no finding
// ever needs bytes the streaming scanner has not kept.
const _: () = assert!(MAX_LOCAL_RAW + 8 + MAX_DOMAIN + 8 < crate::MAX_LOOKAHEAD);
// Everything looked at before an address is measured from its start.
const _: () = assert!(classify::HEADER_WINDOW < crate::MAX_LOOKBEHIND);

/// The email detector; built once, shared by all scanning threads.
pub(crate) struct EmailDetector {
    /// Words before an address that say it is one.
    context: ContextWords,
    /// Words before an `x@y` that say it is a message identifier.
    id_context: ContextWords,
}

/// Which spelling of `@` separated the address.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Separator {
    At,
    UrlEncoded,
    HtmlEntity,
}

impl Separator {
    fn detector(self, quoted: bool) -> &'static str {
        match (self, quoted) {
            (_, true) => "email.quoted_local",
            (Separator::At, false) => "email.address",
            (Separator::UrlEncoded, false) => "email.url_encoded",
            (Separator::HtmlEntity, false) => "email.html_entity",
        }
    }
}

/// A local part starting at `start`, and its text as judged: the raw
/// bytes, or, when URL-encoded, their decoding in the detector's scratch
/// buffer (borrowed, so a candidate copies nothing it does not decode).
struct Local<'s> {
    start: usize,
    quoted: bool,
    name: &'s [u8],
}

/// A domain ending at `end`, whose first label is `hay[start..first_end]`.
struct Domain {
    end: usize,
    first_end: usize,
}

impl EmailDetector {
    pub(crate) fn new() -> EmailDetector {
        EmailDetector {
            context: ContextWords::new(&[
                "mail", "courriel", "correo", "contact", "from:", "to:", "cc:", "reply",
            ]),
            id_context: ContextWords::new(&[
                "message-id",
                "message_id",
                "messageid",
                "msgid",
                "msg-id",
                "msg_id",
            ]),
        }
    }

    /// Appends every address in `hay` to `out`.
    pub(crate) fn find(&self, hay: &[u8], out: &mut Vec<Finding>) {
        let mut scratch = [0u8; LOCAL_BUF];
        for at in memchr::memchr3_iter(b'@', b'%', b'&', hay) {
            let (sep, sep_len) = match hay[at] {
                b'@' => (Separator::At, 1),
                b'%' if hay[at + 1..].starts_with(b"40") => (Separator::UrlEncoded, 3),
                b'&' => match entity_len(&hay[at..]) {
                    Some(n) => (Separator::HtmlEntity, n),
                    None => continue,
                },
                _ => continue,
            };
            if let Some(f) = self.candidate(hay, at, sep, sep_len, &mut scratch) {
                out.push(f);
            }
        }
    }

    /// Validates the address around the separator at `hay[at..at + sep_len]`.
    fn candidate(
        &self,
        hay: &[u8],
        at: usize,
        sep: Separator,
        sep_len: usize,
        scratch: &mut [u8; LOCAL_BUF],
    ) -> Option<Finding> {
        let local = parse_local(hay, at, scratch)?;
        let domain = parse_domain(hay, at + sep_len)?;
        let start = local.start;
        let name = local.name;

        // `a@b.com@c.com`, `@user@host`: not one address.
        if start > 0 && hay[start - 1] == b'@' {
            return None;
        }
        if !local.quoted && is_url_userinfo(hay, start) {
            return None;
        }
        // Retina asset names: `logo@2x.png`, `icon@3x.zip` (`zip` is a TLD).
        if is_retina_suffix(&hay[at + sep_len..domain.first_end]) {
            return None;
        }
        if !local.quoted
            && (classify::looks_machine_generated(name)
                || classify::in_message_id_header(hay, start)
                || self.id_context.before_on_line(hay, start, CONTEXT_WINDOW))
        {
            return None;
        }

        let score = if classify::is_role(name) {
            SCORE_ROLE
        } else if self.context.before(hay, start, CONTEXT_WINDOW) || has_display_name(hay, start) {
            SCORE_PERSONAL_IN_CONTEXT
        } else {
            SCORE_PERSONAL
        };
        Some(Finding {
            start,
            end: domain.end,
            kind: Kind::Email,
            score,
            detector: sep.detector(local.quoted),
        })
    }
}

/// Length of an HTML entity for `@` at the start of `s` (`&#64;`,
/// `&#064;`, `&#x40;`, `&commat;`), if there is one.
fn entity_len(s: &[u8]) -> Option<usize> {
    if s[1..].starts_with(b"commat;") {
        return Some(8);
    }
    if s.get(1) != Some(&b'#') {
        return None;
    }
    let hex = matches!(s.get(2), Some(b'x' | b'X'));
    let digits_from = if hex { 3 } else { 2 };
    let mut i = digits_from;
    let mut value = 0u32;
    // Eight digits cannot overflow a u32 in either base.
    while i < s.len() && i - digits_from < 8 {
        let digit = if hex {
            hex_value(s[i])
        } else {
            s[i].is_ascii_digit().then(|| s[i] - b'0')
        };
        let Some(d) = digit else { break };
        value = value * if hex { 16 } else { 10 } + u32::from(d);
        i += 1;
    }
    (i > digits_from && s.get(i) == Some(&b';') && value == 0x40).then_some(i + 1)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// ASCII bytes allowed in an unquoted local part (see the module docs).
fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+' | b'\'')
}

/// Byte length of the alphanumeric UTF-8 character that ends at `end`, or 0.
fn utf8_alnum_before(hay: &[u8], end: usize) -> usize {
    let low = end.saturating_sub(4);
    let mut s = end;
    while s > low {
        s -= 1;
        if hay[s] & 0xC0 != 0x80 {
            break;
        }
    }
    if is_one_alnum_char(&hay[s..end]) {
        end - s
    } else {
        0
    }
}

/// Byte length of the alphanumeric UTF-8 character that starts at `at`, or 0.
fn utf8_alnum_at(hay: &[u8], at: usize) -> usize {
    let len = match hay[at] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return 0,
    };
    match hay.get(at..at + len) {
        Some(bytes) if is_one_alnum_char(bytes) => len,
        _ => 0,
    }
}

fn is_one_alnum_char(bytes: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut chars = s.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphanumeric())
}

/// Grows the local part leftwards from the separator at `at`. Rejects
/// rather than truncates a part longer than RFC 5321 allows.
fn parse_local<'s>(
    hay: &'s [u8],
    at: usize,
    scratch: &'s mut [u8; LOCAL_BUF],
) -> Option<Local<'s>> {
    if at > 0 && hay[at - 1] == b'"' {
        return parse_quoted_local(hay, at);
    }
    let mut p = at;
    let mut chars = 0usize;
    loop {
        if at - p > MAX_LOCAL_RAW || chars > MAX_LOCAL_CHARS {
            return None;
        }
        // A URL-encoded character: part of the local part only if it
        // decodes to an allowed byte (`%2B` is `+`); `%20`, `%3C` end it.
        if p >= 3 && hay[p - 3] == b'%' {
            if let (Some(h), Some(l)) = (hex_value(hay[p - 2]), hex_value(hay[p - 1])) {
                if is_local_byte(h << 4 | l) {
                    p -= 3;
                    chars += 1;
                    continue;
                }
                break;
            }
        }
        if p == 0 {
            break;
        }
        let b = hay[p - 1];
        if is_local_byte(b) {
            p -= 1;
        } else if b >= 0x80 {
            let n = utf8_alnum_before(hay, p);
            if n == 0 {
                break;
            }
            p -= n;
        } else {
            break;
        }
        chars += 1;
    }
    let mut start = p;
    // A JSON or C escape right before the address (`\n`, `\u003c`) is
    // not part of it.
    if start > 0 && start < at && hay[start - 1] == b'\\' && odd_backslashes(hay, start) {
        let rest = &hay[start..at];
        start +=
            if rest.len() > 5 && rest[0] == b'u' && rest[1..5].iter().all(u8::is_ascii_hexdigit) {
                5
            } else {
                1
            };
    }
    // Quotes and punctuation that open the surrounding text: `'jane@…'`.
    while start < at && matches!(hay[start], b'.' | b'\'' | b'-' | b'+') {
        start += 1;
    }
    if start == at {
        return None;
    }
    let raw = &hay[start..at];
    let name = if raw.contains(&b'%') {
        let len = decode_into(raw, scratch);
        let decoded: &'s [u8; LOCAL_BUF] = scratch;
        &decoded[..len]
    } else {
        raw
    };
    if name.last() == Some(&b'.')
        || name.windows(2).any(|w| w == b"..")
        || !name.iter().any(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
    {
        return None;
    }
    Some(Local {
        start,
        quoted: false,
        name,
    })
}

/// Copies `raw` into `buf`, decoding `%XX`; returns the decoded length.
fn decode_into(raw: &[u8], buf: &mut [u8; LOCAL_BUF]) -> usize {
    let mut len = 0;
    let mut i = 0;
    while i < raw.len() && len < LOCAL_BUF {
        let mut b = raw[i];
        i += 1;
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                raw.get(i).copied().and_then(hex_value),
                raw.get(i + 1).copied().and_then(hex_value),
            ) {
                b = h << 4 | l;
                i += 2;
            }
        }
        buf[len] = b;
        len += 1;
    }
    len
}

/// Whether the run of backslashes ending at `end` has odd length (so the
/// last one escapes what follows). Runs longer than 16 count as even.
fn odd_backslashes(hay: &[u8], end: usize) -> bool {
    let n = hay[end.saturating_sub(16)..end]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    n % 2 == 1
}

/// `"jane doe"@example.com`: a quoted local part, limited to the printable
/// characters people use in one, so quotes of JSON or CSV around an `@`
/// are not mistaken for it.
fn parse_quoted_local(hay: &[u8], at: usize) -> Option<Local<'_>> {
    let close = at - 1;
    let low = close.saturating_sub(MAX_LOCAL_CHARS + 1);
    let open = (low..close).rev().find(|&i| hay[i] == b'"')?;
    let inner = &hay[open + 1..close];
    let plain =
        |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b'_' | b'-' | b'+' | b'\'');
    if inner.is_empty()
        || !inner.iter().all(plain)
        || inner[0] == b' '
        || inner[inner.len() - 1] == b' '
        || (open > 0 && (crate::context::is_word_byte(hay[open - 1]) || hay[open - 1] == b'"'))
    {
        return None;
    }
    Some(Local {
        start: open,
        quoted: true,
        name: inner,
    })
}

/// Grows the domain rightwards from `from`; requires at least two labels
/// and a real TLD. Rejects rather than truncates an over-long domain.
fn parse_domain(hay: &[u8], from: usize) -> Option<Domain> {
    let mut p = from;
    let mut end = from;
    let mut first_end = 0;
    let mut last_label = (0, 0);
    let mut labels = 0;
    loop {
        let label_start = p;
        while p < hay.len() {
            let b = hay[p];
            if b.is_ascii_alphanumeric() || b == b'-' {
                p += 1;
            } else if b >= 0x80 {
                let n = utf8_alnum_at(hay, p);
                if n == 0 {
                    break;
                }
                p += n;
            } else {
                break;
            }
            if p - from > MAX_DOMAIN {
                return None;
            }
        }
        if p == label_start {
            // `a@b.com.` at the end of a sentence: the dot is not ours.
            break;
        }
        let label = &hay[label_start..p];
        if label.len() > MAX_LABEL || label[0] == b'-' || label[label.len() - 1] == b'-' {
            return None;
        }
        labels += 1;
        if labels == 1 {
            first_end = p;
        }
        last_label = (label_start, p);
        end = p;
        if p < hay.len() && hay[p] == b'.' {
            p += 1;
            continue;
        }
        break;
    }
    if labels < 2 {
        return None;
    }
    // `jane@example.com_old`, `a@b.com@c`: part of a longer token.
    if matches!(hay.get(end), Some(b'_' | b'@')) {
        return None;
    }
    is_tld(&hay[last_label.0..last_label.1]).then_some(Domain { end, first_end })
}

/// Whether `label` is a top-level domain in the IANA root zone (or one of
/// the reserved names used by test data), ignoring case.
fn is_tld(label: &[u8]) -> bool {
    let ascii = label
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-');
    // Numeric labels are versions (`pkg@1.2.3`), never TLDs.
    if !ascii || label.len() < 2 || label.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Ok(s) = std::str::from_utf8(label) else {
        return false;
    };
    tld::exist_case_insensitive(s) || RESERVED_TLDS.iter().any(|r| r.eq_ignore_ascii_case(s))
}

/// `2x`, `3x`, `1.5x`-style first labels: scale suffixes of image names.
fn is_retina_suffix(first_label: &[u8]) -> bool {
    match first_label.split_last() {
        Some((b'x' | b'X', digits)) => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// Whether the local part at `start` is the user-info of a URL
/// (`https://user@host`, `ftp://user:secret@host`): a login, not a mailbox.
/// A percent escape or a symbol in the password ends the local part there
/// (`ftp://ann:pa%40ss@host` gives `ss@host`), so the walk back goes over
/// every byte user-info may hold (RFC 3986's sub-delimiters).
fn is_url_userinfo(hay: &[u8], start: usize) -> bool {
    let low = start.saturating_sub(2 * MAX_LOCAL_CHARS);
    let mut p = start;
    let userinfo = |b: u8| is_local_byte(b) || b":%!$&*=~,;".contains(&b);
    while p > low && userinfo(hay[p - 1]) {
        p -= 1;
    }
    p >= 2 && &hay[p - 2..p] == b"//"
}

/// `"Jane Doe" <jane@…>` or `Jane Doe <jane@…>`: a display name right
/// before the angle bracket.
fn has_display_name(hay: &[u8], start: usize) -> bool {
    if start == 0 || hay[start - 1] != b'<' {
        return false;
    }
    let before = &hay[start.saturating_sub(8)..start - 1];
    match before.iter().rev().find(|&&b| b != b' ') {
        Some(&b) => b == b'"' || b.is_ascii_alphabetic(),
        None => false,
    }
}

#[cfg(test)]
mod tests;
