//! Secrets a breach notice must name: passwords (`password`: hashes and
//! plaintext) and card security codes (`card_security_code`).
//!
//! Three sources of findings, none a full pass of its own beyond two
//! SIMD searches:
//! - **hashes**, wherever they are: every `$` (memchr) is tried as the
//!   start of a modular crypt string (`$2b$`, `$argon2id$`, `$6$`…) or
//!   the end of a framework algorithm name (`pbkdf2_sha256$`); see
//!   `hash.rs`. The `detector` names the scheme (`password.bcrypt`);
//! - **keyed values**: a key naming a password (`password`, `passwd`,
//!   `pwd`, `db_pass`, `userPassword`, `password_hash`) or a security code
//!   (`cvv`, `cvc`, `csc`), found by a packed (Teddy) search for its
//!   lower-case, capitalised and upper-case spellings, then a separator
//!   (`=`, `:`, `=>`, a closing quote before them, `<password>` in XML)
//!   and a value, judged here by its layout (a value after `key = ` or
//!   `key: ` must end its line or field; `pub password: u32,` is a
//!   declaration) and by `value.rs` on its content.
//!   Bare MD5/SHA hex digests count only here and in password columns;
//! - **CSV cells** of a password or security-code column ([`Field`]
//!   hints: CSV headers, SQL dumps' columns, JSON keys);
//! - **URL credentials**, `scheme://user:password@host`, from every `://`
//!   (a SIMD substring search); see `url.rs`.
//!
//! A security code is only ever found in its own field: three digits alone
//! are anything.
//!
//! Bounds: a key is at most [`MAX_KEY`] bytes, its value starts within a
//! few bytes after it and is at most [`MAX_VALUE`] bytes; a hash is at most
//! 256 bytes and its algorithm name 32 bytes before its `$`. All far inside
//! [`crate::MAX_LOOKBEHIND`] and [`crate::MAX_LOOKAHEAD`].

mod hash;
#[cfg(test)]
mod tests;
mod url;
mod value;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::{Field, Finding, Hints, Kind, KindSet};
use value::Form;

/// The longest key token (`customer_account_password_hash`).
const MAX_KEY: usize = 48;
/// The longest value read as a password or code.
const MAX_VALUE: usize = 128;

/// A security code in its field.
const CODE: f32 = 0.9;

/// The stems searched for; each in lower case, capitalised and upper case
/// (`password`, `Password`, `PASSWORD`; camelCase keys such as
/// `userPassword` contain the capitalised one).
const STEMS: &[&str] = &[
    "pass",
    "pwd",
    "senha",
    "wachtwoord",
    "contrasena",
    "cvv",
    "cvc",
    "csc",
    "cvn",
    "ccv",
];

/// What a key names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Secret {
    Password,
    Code,
}

pub(crate) struct SecretDetector {
    password: bool,
    code: bool,
    /// The users of URL credentials are reported too.
    username: bool,
    keys: AhoCorasick,
    /// `://`, where a URL's credentials may follow.
    url: memchr::memmem::Finder<'static>,
}

impl SecretDetector {
    pub(crate) fn new(kinds: KindSet) -> SecretDetector {
        let mut spellings = Vec::new();
        for s in STEMS {
            let mut cap = s.to_string();
            cap[..1].make_ascii_uppercase();
            spellings.extend([s.to_string(), cap, s.to_ascii_uppercase()]);
        }
        let keys = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&spellings)
            .expect("the key stems are a small constant set");
        SecretDetector {
            password: kinds.contains(Kind::Password),
            code: kinds.contains(Kind::CardSecurityCode),
            username: kinds.contains(Kind::Username),
            keys,
            url: memchr::memmem::Finder::new(b"://").into_owned(),
        }
    }

    pub(crate) fn find(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        for h in hints.overlapping(0, hay.len()) {
            let (start, end) = trim(hay, h.start, h.end.min(hay.len()));
            if end - start > MAX_VALUE || start == end {
                continue;
            }
            let v = &hay[start..end];
            match h.field {
                Field::Password if self.password => {
                    if let Some((score, det)) = value::judge(v, Form::Cell, None) {
                        out.push(password(start, end, score, det));
                    }
                }
                Field::CardSecurityCode if self.code && security_code(v) => {
                    out.push(code(start, end));
                }
                _ => {}
            }
        }
        if self.password {
            for p in memchr::memchr_iter(b'$', hay) {
                if let Some(h) = hash::at_dollar(hay, p) {
                    out.push(password(h.start, h.end, 0.9, h.detector));
                }
            }
            url::find(hay, &self.url, self.username, out);
        }
        let mut last_key_end = 0;
        for m in self.keys.find_iter(hay) {
            if m.start() < last_key_end {
                continue;
            }
            if let Some((f, key_end)) = self.keyed(hay, m.start(), m.end(), hints) {
                // One finding per key, however many stems it holds.
                last_key_end = key_end;
                out.push(f);
            }
        }
    }

    /// The value after the key whose stem is `hay[s..e]`, and where the key
    /// token ends.
    fn keyed(&self, hay: &[u8], s: usize, e: usize, hints: &Hints<'_>) -> Option<(Finding, usize)> {
        let key_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        let ks = s - hay[s.saturating_sub(MAX_KEY)..s]
            .iter()
            .rev()
            .take_while(|b| key_byte(b))
            .count();
        let ke = e + hay[e..]
            .iter()
            .take(MAX_KEY)
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let key = &hay[ks..ke];
        if key.len() >= MAX_KEY || declared(hay, ks) {
            return None;
        }
        let secret = classify_key(key)?;
        match secret {
            Secret::Password if !self.password => return None,
            Secret::Code if !self.code => return None,
            _ => {}
        }
        // A bare `pass` is a password in a query string or a quoted value
        // (`?user=ann&pass=…`, `'pass' => '…'`); `PASS: test_name` is a
        // test result, `pass: 2` a count, `buf[pass] = x` an index.
        let bare_pass = key.eq_ignore_ascii_case(b"pass");
        if bare_pass && key == b"PASS" {
            return None;
        }
        let sep = separator(hay, ks, ke)?;
        let (ve, next) = match sep.quote {
            Some(q) => {
                let body = &hay[sep.value..hay.len().min(sep.value + MAX_VALUE + 2)];
                let close = if q == b'\\' {
                    memchr::memmem::find(body, b"\\\"")?
                } else {
                    memchr::memchr(q, body)?
                };
                if memchr::memchr(b'\n', &body[..close]).is_some() {
                    return None;
                }
                (sep.value + close, None)
            }
            None => {
                let n = hay[sep.value..]
                    .iter()
                    .take(MAX_VALUE + 1)
                    .take_while(|&&b| !ends_unquoted(b))
                    .count();
                if n > MAX_VALUE {
                    return None;
                }
                // Sentence punctuation after a value is not part of it.
                let kept = hay[sep.value..sep.value + n]
                    .iter()
                    .rposition(|b| !matches!(b, b'.' | b':'))
                    .map_or(0, |k| k + 1);
                (sep.value + kept, hay.get(sep.value + n).copied())
            }
        };
        let vs = sep.value;
        let v = &hay[vs..ve];
        if sep.quote.is_none() && !self.unquoted_ok(hay, &sep, v, ve, bare_pass) {
            return None;
        }
        // `' and '`: text between two quoted words.
        if sep.quote.is_some()
            && (v.first().is_some_and(u8::is_ascii_whitespace)
                || v.last().is_some_and(u8::is_ascii_whitespace))
        {
            return None;
        }
        if sep.xml && !closing_tag(hay, ve, key) {
            return None;
        }
        // A cell of a secret's column gets its finding from the hint.
        if hints
            .at(vs)
            .is_some_and(|h| matches!(h.field, Field::Password | Field::CardSecurityCode))
        {
            return None;
        }
        let f = match secret {
            Secret::Code => security_code(v).then(|| code(vs, ve))?,
            Secret::Password => {
                // `PWD=/home/ann`: the shell's working directory.
                if key.eq_ignore_ascii_case(b"pwd") && matches!(v.first(), Some(b'/' | b'~')) {
                    return None;
                }
                let (score, det) = value::judge(v, sep.form, next)?;
                password(vs, ve, score, det)
            }
        };
        Some((f, ke))
    }

    /// Whether an unquoted value `v` ending at `ve` stands as a value in
    /// its form, rather than code or prose around a key.
    fn unquoted_ok(&self, hay: &[u8], sep: &Sep, v: &[u8], ve: usize, bare_pass: bool) -> bool {
        let digits = v.iter().all(u8::is_ascii_digit);
        let identifier = v.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_');
        if bare_pass && (sep.form != Form::Equals || sep.spaced || digits) {
            return false;
        }
        match sep.form {
            // `password = hunter2` (INI, code) ends its line or statement;
            // `X_PASS = 0x04,` is a constant, `pass = one more` prose.
            Form::Equals if sep.spaced => {
                let hex = v.len() > 2 && v[..2].eq_ignore_ascii_case(b"0x");
                !(digits || hex) && ends_line(hay, ve, b";")
            }
            // `password: hunter2` (YAML, logs) ends its line or field; a
            // value without a digit or symbol is a word (`Password: Added`),
            // and an identifier before `,` `;` `)` a declared type
            // (`password: u32,`).
            Form::Colon => {
                let wordy = v.iter().all(u8::is_ascii_alphabetic);
                let declaration = identifier
                    && (primitive_type(v)
                        || (matches!(hay.get(ve), Some(b',' | b';' | b')'))
                            && ends_line(hay, ve + 1, b"")));
                !wordy && !declaration && ends_line(hay, ve, b",;}|")
            }
            _ => true,
        }
    }
}

/// `u32`, `i64`, `usize`, `f64`: a parameter's type, not its value.
fn primitive_type(v: &[u8]) -> bool {
    matches!(v, [b'u' | b'i' | b'f', rest @ ..] if matches!(rest, b"8" | b"16" | b"32" | b"64" | b"128" | b"size"))
}

/// Whether the key at `ks` follows a declaring keyword (`pub password:`,
/// `let pwd =`, `const PASSWORD:`): code names a field, it holds nothing.
pub(crate) fn declared(hay: &[u8], ks: usize) -> bool {
    let before = &hay[ks.saturating_sub(8)..ks];
    [
        &b"pub "[..],
        b"let ",
        b"mut ",
        b"var ",
        b"val ",
        b"const ",
        b"static ",
        b"fn ",
        b"def ",
    ]
    .iter()
    .any(|w| {
        before.ends_with(w)
            && (before.len() == w.len()
                || !before[before.len() - w.len() - 1].is_ascii_alphanumeric())
    })
}

/// Whether `</key>` follows at `p` (an XML element's value ends there).
fn closing_tag(hay: &[u8], p: usize, key: &[u8]) -> bool {
    let tag = &hay[p..hay.len().min(p + key.len() + 3)];
    tag.len() == key.len() + 3
        && tag.starts_with(b"</")
        && tag[2..2 + key.len()].eq_ignore_ascii_case(key)
        && tag[2 + key.len()] == b'>'
}

fn password(start: usize, end: usize, score: f32, detector: &'static str) -> Finding {
    Finding {
        start,
        end,
        kind: Kind::Password,
        score,
        detector,
    }
}

fn code(start: usize, end: usize) -> Finding {
    Finding {
        start,
        end,
        kind: Kind::CardSecurityCode,
        score: CODE,
        detector: "card_security_code.field",
    }
}

/// Three or four digits, nothing else.
fn security_code(v: &[u8]) -> bool {
    (3..=4).contains(&v.len()) && v.iter().all(u8::is_ascii_digit)
}

fn trim(hay: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && hay[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && hay[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    (s, e)
}

/// Bytes that end an unquoted value.
fn ends_unquoted(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'&' | b';'
                | b','
                | b'"'
                | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'|'
                | b'\\'
        )
}

/// Whether only spaces and tabs (at most 8) stand between `end` and the
/// end of the line (or of the haystack), or one of `delims`.
fn ends_line(hay: &[u8], end: usize, delims: &[u8]) -> bool {
    let rest = &hay[end..hay.len().min(end + 8)];
    let n = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    match hay.get(end + n) {
        None => true,
        Some(b) => matches!(b, b'\n' | b'\r') || delims.contains(b),
    }
}

/// The separator between a key and its value.
struct Sep {
    /// Where the value starts (past its opening quote).
    value: usize,
    /// The opening quote (`\\` for an escaped `\"`), if any.
    quote: Option<u8>,
    form: Form,
    /// Spaces before the separator (`password = x`, `password : x`).
    spaced: bool,
    /// `<password>x</password>`.
    xml: bool,
}

/// Steps past what closes a key before its separator: `user[password]=`,
/// the key's closing quote, maybe escaped (`\\"password\\":`), and
/// `$config['password'] =>`. Returns where the separator may start and
/// whether the key was quoted. Shared with the label detectors.
pub(crate) fn past_key_close(hay: &[u8], mut p: usize) -> (usize, bool) {
    let at = |p: usize| hay.get(p).copied();
    if at(p) == Some(b']') {
        p += 1;
    }
    let mut closed = false;
    if at(p) == Some(b'\\') && at(p + 1) == Some(b'"') {
        p += 2;
        closed = true;
    } else if matches!(at(p), Some(b'"' | b'\'')) {
        p += 1;
        closed = true;
    }
    if at(p) == Some(b']') {
        p += 1;
    }
    (p, closed)
}

/// Reads the separator after the key `hay[ks..ke]`.
fn separator(hay: &[u8], ks: usize, ke: usize) -> Option<Sep> {
    let at = |p: usize| hay.get(p).copied();
    let p = ke;
    let opened = ks.checked_sub(1).map(|k| hay[k]);
    if opened == Some(b'<') {
        // Delimited by its tags, like a quoted value.
        return (at(p) == Some(b'>')).then_some(Sep {
            value: p + 1,
            quote: None,
            form: Form::Quoted,
            spaced: false,
            xml: true,
        });
    }
    let (p, closed) = past_key_close(hay, p);
    let spaces = |mut p: usize| {
        let from = p;
        while matches!(at(p), Some(b' ' | b'\t')) && p - from < 8 {
            p += 1;
        }
        p
    };
    let q = spaces(p);
    let spaced = q > p;
    let (p, form) = match (at(q), at(q + 1)) {
        (Some(b'='), Some(b'>')) => (q + 2, Form::Equals),
        (Some(b':'), Some(b'=')) => (q + 2, Form::Equals),
        // LDIF's base-64 values (`userPassword:: e1NTSEF9…`); `a::b` is a
        // path.
        (Some(b':'), Some(b':')) => (q + 2, Form::Colon),
        // `==` compares.
        (Some(b'='), Some(b'=')) => return None,
        (Some(b'='), _) => (q + 1, Form::Equals),
        (Some(b':'), _) => (q + 1, Form::Colon),
        _ => return None,
    };
    // `password=` then a space is an empty value (`--passphrase= can be
    // empty`); after `:`, `=>` or a spaced `=` a space is layout. YAML and
    // LDIF need the space after their colon.
    let r = spaces(p);
    let gap = r > p;
    let layout = form == Form::Colon || spaced || at(q + 1) == Some(b'>');
    if gap && !layout {
        return None;
    }
    let (value, quote, form) = match at(r) {
        Some(b'\\') if at(r + 1) == Some(b'"') => (r + 2, Some(b'\\'), Form::Quoted),
        Some(c @ (b'"' | b'\'' | b'`')) => {
            // `"passwd:" and`: the key's own closing quote, not a value's
            // opening one.
            if !closed && opened == Some(c) {
                return None;
            }
            (r + 1, Some(c), Form::Quoted)
        }
        Some(_) if form == Form::Colon && !gap => return None,
        Some(_) => (r, None, form),
        None => return None,
    };
    Some(Sep {
        value,
        quote,
        form,
        spaced,
        xml: false,
    })
}

/// The field of a column named `name` (a SQL dump's), if the key rules
/// say it names a password or a security code.
pub(crate) fn column_secret(name: &[u8]) -> Option<Field> {
    if name.is_empty() || name.len() >= MAX_KEY {
        return None;
    }
    Some(match classify_key(name)? {
        Secret::Password => Field::Password,
        Secret::Code => Field::CardSecurityCode,
    })
}

/// What a key token names, from its normalised spelling: the stem must end
/// it (after at most one suffix such as `_hash` or `_confirmation`), so
/// that `password_reset`, `passwordless`, `passport` and `bypass` name no
/// secret. Short stems (`pass`, `pwd`, `cvv`…) must also start a word of
/// the key (`db_pass`, `dbPass`, not `compass`).
fn classify_key(key: &[u8]) -> Option<Secret> {
    // Lower-cased letters and digits, and where each starts a word.
    let mut norm = [0u8; MAX_KEY];
    let mut word_start = [false; MAX_KEY];
    let mut n = 0;
    let mut prev = 0u8;
    for &b in key {
        if b.is_ascii_alphanumeric() {
            norm[n] = b.to_ascii_lowercase();
            word_start[n] = n == 0
                || !prev.is_ascii_alphanumeric()
                || (prev.is_ascii_lowercase() && b.is_ascii_uppercase());
            n += 1;
        }
        prev = b;
    }
    let norm = &norm[..n];
    // The shell's working directory, not a password.
    if matches!(key, b"PWD" | b"OLDPWD") {
        return None;
    }
    const SUFFIXES: &[&str] = &[
        "hash",
        "hashed",
        "digest",
        "crypt",
        "crypted",
        "encrypted",
        "enc",
        "confirmation",
        "confirm",
        "plain",
        "plaintext",
        "clear",
        "cleartext",
        "again",
        "repeat",
    ];
    const LONG: &[&str] = &[
        "password",
        "passwd",
        "passwort",
        "passphrase",
        "senha",
        "wachtwoord",
        "contrasena",
    ];
    const SHORT: &[&str] = &["pass", "pwd"];
    const CODES: &[&str] = &["cvv", "cvv2", "cvc", "cvc2", "csc", "cvn", "ccv"];
    let starts_word = |stem: &[u8], w: &str| word_start[stem.len() - w.len()];
    let names_password = |stem: &[u8]| {
        LONG.iter().any(|w| stem.ends_with(w.as_bytes()))
            || SHORT
                .iter()
                .any(|w| stem.ends_with(w.as_bytes()) && starts_word(stem, w))
    };
    // `password`, `password2`, `password_hash`, `passwordConfirmation`.
    let digits = norm.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if names_password(&norm[..norm.len() - digits])
        || SUFFIXES
            .iter()
            .filter_map(|s| norm.strip_suffix(s.as_bytes()))
            .any(names_password)
    {
        return Some(Secret::Password);
    }
    CODES
        .iter()
        .any(|w| norm.ends_with(w.as_bytes()) && starts_word(norm, w))
        .then_some(Secret::Code)
}
