//! A label's separator and value: where the value starts, where it ends,
//! and whether it is one of the label's kind.

use super::{What, ADMITTED, EXAMPLE, LOOSE};

/// The longest value read.
pub(super) const MAX_VALUE: usize = 160;
/// The longest identifier value (`A 123 456 789 012` is 17).
const MAX_TOKEN: usize = 24;

/// How a value was written after its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Form {
    /// `"passport": "…"`, `username='…'`, `<diagnosis>…</diagnosis>`.
    Quoted,
    /// `username=…` (query strings, logfmt, INI).
    Equals,
    /// `Passport No: …`, `diagnosis: …` (YAML, mail, forms).
    Colon,
    /// `Passport number 123456789`: only a number, only after its label.
    Space,
    /// A cell of the label's column.
    Cell,
}

/// The separator after a label.
pub(super) struct Sep {
    /// Where the value starts (past an opening quote).
    pub(super) value: usize,
    /// The opening quote (`\\` for an escaped `\"`, `<` for an XML
    /// element's closing tag), if any.
    pub(super) quote: Option<u8>,
    pub(super) form: Form,
    /// The key was quoted (`"diagnosis": null`): an unquoted value is a
    /// JSON literal, ending at `,` or `}`.
    pub(super) quoted_key: bool,
    /// Spaces before an `=` (`user = x`): code or INI, where an unquoted
    /// value must end its line.
    pub(super) spaced: bool,
}

/// Reads the separator after the label `hay[ks..le]`.
pub(super) fn separator(hay: &[u8], ks: usize, le: usize) -> Option<Sep> {
    let at = |p: usize| hay.get(p).copied();
    let opened = ks.checked_sub(1).map(|k| hay[k]);
    if opened == Some(b'<') {
        return (at(le) == Some(b'>')).then_some(Sep {
            value: le + 1,
            quote: Some(b'<'),
            form: Form::Quoted,
            quoted_key: false,
            spaced: false,
        });
    }
    let (p, closed) = crate::secret::past_key_close(hay, le);
    let spaces = |mut p: usize| {
        let from = p;
        while matches!(at(p), Some(b' ' | b'\t')) && p - from < 3 {
            p += 1;
        }
        p
    };
    let q = spaces(p);
    let spaced = q > p;
    let (p, form) = match (at(q), at(q + 1)) {
        (Some(b'='), Some(b'>')) | (Some(b':'), Some(b'=')) => (q + 2, Form::Equals),
        (Some(b':'), Some(b':')) | (Some(b'='), Some(b'=')) => return None,
        (Some(b'='), _) => (q + 1, Form::Equals),
        (Some(b':' | b'#'), _) => (q + 1, Form::Colon),
        // `Passport number 123456789`: a written label and a space.
        _ if spaced && !closed => (q, Form::Space),
        _ => return None,
    };
    let r = spaces(p);
    let gap = r > p;
    // `user=` then a space is an empty value; after `:`, `=>` or a spaced
    // `=` a space is layout.
    if form == Form::Equals && gap && !spaced && at(q + 1) != Some(b'>') {
        return None;
    }
    // After a written label and a space, a quote is prose quoting a word
    // (`the user "john"`), not a value's.
    if form == Form::Space {
        return Some(Sep {
            value: r,
            quote: None,
            form,
            quoted_key: false,
            spaced,
        });
    }
    match at(r)? {
        b'\\' if at(r + 1) == Some(b'"') => Some(Sep {
            value: r + 2,
            quote: Some(b'\\'),
            form: Form::Quoted,
            quoted_key: closed,
            spaced,
        }),
        c @ (b'"' | b'\'') => {
            // The key's own closing quote (`"login:" and`), not a value's.
            if !closed && opened == Some(c) {
                return None;
            }
            Some(Sep {
                value: r + 1,
                quote: Some(c),
                form: Form::Quoted,
                quoted_key: closed,
                spaced,
            })
        }
        // YAML and prose put a space after their colon (`a:b` is a path,
        // a time, a URL's credentials).
        b'\n' | b'\r' => None,
        _ if form == Form::Colon && !gap && hay[q] == b':' => None,
        _ => Some(Sep {
            value: r,
            quote: None,
            form,
            quoted_key: closed,
            spaced,
        }),
    }
}

/// Where the value after `sep` ends, as `(start, end)` with surrounding
/// spaces trimmed; `None` if it is not a value (unterminated, too long,
/// across lines).
pub(super) fn read(hay: &[u8], what: What, sep: &Sep) -> Option<(usize, usize)> {
    let vs = sep.value;
    let limit = hay.len().min(vs + MAX_VALUE + 2);
    let body = &hay[vs..limit];
    let ve = match sep.quote {
        Some(b'<') => {
            let close = memchr::memchr(b'<', body)?;
            (hay.get(vs + close + 1) == Some(&b'/')).then_some(vs + close)?
        }
        Some(b'\\') => vs + memchr::memmem::find(body, b"\\\"")?,
        Some(q) => {
            // Past escaped quotes (`\"` in a JSON string).
            let mut from = 0;
            loop {
                let i = from + memchr::memchr(q, &body[from..])?;
                if q == b'"' && i > 0 && body[i - 1] == b'\\' {
                    from = i + 1;
                    continue;
                }
                break vs + i;
            }
        }
        // After a space alone, one token (`DL 80 642 76 642` is four).
        None if what.numbered() => vs + token_len(body, sep.form != Form::Space)?,
        None if what == What::Username => {
            let n = body.iter().take_while(|&&b| !ends_unquoted(b)).count();
            // `userName: CFStringRef,`: a parameter's type.
            if sep.form == Form::Colon && declaration(hay, vs, vs + n) {
                return None;
            }
            // A sentence's full stop is not part of the name.
            let n = n - usize::from(n > 0 && body[n - 1] == b'.');
            let must_end_line = sep.form == Form::Colon || sep.spaced;
            if must_end_line && !ends_line(hay, vs + n, b",;}|.") {
                return None;
            }
            vs + n
        }
        None => match sep.form {
            // `diagnosis: Type 2 diabetes` to the end of its line.
            Form::Colon if !sep.quoted_key => {
                let e = vs + memchr::memchr2(b'\n', b'\r', body).unwrap_or(body.len());
                // `prescription: u16 = 0x211e;`: a declaration and its value.
                let v = &hay[vs..e];
                if declaration(
                    hay,
                    vs,
                    vs + v.iter().take_while(|b| !ends_unquoted(**b)).count(),
                ) || memchr::memmem::find(v, b" = ").is_some()
                    || v.trim_ascii_end().ends_with(b";")
                {
                    return None;
                }
                e
            }
            _ => vs + body.iter().take_while(|&&b| !ends_unquoted(b)).count(),
        },
    };
    if ve - vs > MAX_VALUE || memchr::memchr(b'\n', &hay[vs..ve]).is_some() {
        return None;
    }
    let (s, e) = trim(hay, vs, ve);
    (s < e).then_some((s, e))
}

/// Whether the unquoted value `hay[vs..ve]` after a colon is a type in a
/// declaration (`username: JString,`, `name: u32`): a primitive type, or
/// an identifier that a `,`, `;`, `)` or `=` follows.
fn declaration(hay: &[u8], vs: usize, ve: usize) -> bool {
    let v = &hay[vs..ve];
    let identifier = !v.is_empty() && v.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_');
    let primitive = matches!(v, [b'u' | b'i' | b'f', rest @ ..] if matches!(rest, b"8" | b"16" | b"32" | b"64" | b"128" | b"size"))
        || matches!(v, b"str" | b"String" | b"bool" | b"char");
    let after = hay[ve..].iter().find(|b| **b != b' ').copied();
    identifier && (primitive || matches!(after, Some(b',' | b';' | b')' | b'=')))
}

/// The length of the identifier at the start of `body`: letters and digits
/// in groups joined by one `-`, or by one space before digits (`A 123 456
/// 789 012`), ending where a word would (not inside a path, address or
/// longer word).
fn token_len(body: &[u8], join_spaces: bool) -> Option<usize> {
    let mut end = 0;
    loop {
        let g = body[end..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if g == 0 {
            break;
        }
        end += g;
        if end > MAX_TOKEN {
            return None;
        }
        match body.get(end) {
            Some(b'-') if body.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) => end += 1,
            Some(b' ') if join_spaces => {
                let next = body.get(end + 1..).unwrap_or_default();
                let digits = next.iter().take_while(|b| b.is_ascii_digit()).count();
                let whole = next.get(digits).is_none_or(|b| !b.is_ascii_alphanumeric());
                if digits >= 2 && whole {
                    end += 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    if end == 0 {
        return None;
    }
    match body.get(end) {
        Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b'/' | b'\\') => None,
        Some(b'.' | b'-') if body.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) => None,
        _ => Some(end),
    }
}

/// `v` without its separators (`-`, spaces), in `buf`; `None` if it holds
/// anything but letters and digits, or is longer than `buf`.
pub(super) fn compact<'b>(v: &[u8], buf: &'b mut [u8; 24]) -> Option<&'b [u8]> {
    let mut n = 0;
    for &b in v {
        match b {
            b' ' | b'-' => {}
            b if b.is_ascii_alphanumeric() => {
                *buf.get_mut(n)? = b;
                n += 1;
            }
            _ => return None,
        }
    }
    (n > 0).then_some(&buf[..n])
}

/// The digits of a number after a label word ending at `e` (`routing
/// number: 021000021`, `"aba":"021000021"`): past the rest of the label,
/// its separator and quotes.
pub(super) fn number_after(hay: &[u8], e: usize) -> Option<&[u8]> {
    let limit = hay.len().min(e + 32);
    let mut p = e;
    while p < limit
        && (hay[p].is_ascii_alphabetic() || b" \t_#.'\":=>-".contains(&hay[p]) || hay[p] == b'\\')
    {
        p += 1;
    }
    let ds = p;
    while hay.get(p).is_some_and(u8::is_ascii_digit) && p - ds <= 17 {
        p += 1;
    }
    let ends = hay.get(p).is_none_or(|b| !b.is_ascii_alphanumeric());
    (p > ds && ends).then(|| &hay[ds..p])
}

/// Values that are never a login name: nulls, booleans, type names and
/// the key words themselves. Compared ignoring case.
const NOT_USERNAMES: &[&str] = &[
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "n/a",
    "na",
    "unknown",
    "anonymous",
    "string",
    "str",
    "text",
    "varchar",
    "required",
    "optional",
    "username",
    "user",
    "login",
    "name",
    "value",
    "empty",
    "blank",
    "self",
    "this",
];

/// Names a documentation example or a default account uses: reported
/// below the threshold after a key (a column's are users' like any).
const EXAMPLE_USERNAMES: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "test",
    "tester",
    "testuser",
    "guest",
    "demo",
    "example",
    "sample",
    "johndoe",
    "janedoe",
    "jdoe",
    "foo",
    "bar",
    "foobar",
    "user1",
    "user123",
    "myuser",
    "myusername",
    "changeme",
    // Service accounts: a system's, not a person's.
    "nobody",
    "daemon",
    "www-data",
    "www",
    "postgres",
    "mysql",
    "nginx",
    "apache",
    "ftp",
    "mail",
    "bin",
    "sys",
    "sa",
];

/// Parts that make a login name an example's (`testuser`, `demo_user`,
/// `your_username`).
const EXAMPLE_PARTS: &[&str] = &["user", "test", "example", "demo", "sample", "your", "dummy"];

/// The first segments of a dotted path in code (`self.username`,
/// `req.user`, `config.db.user`), where a dotted login name
/// (`jane.doe`) would be a person's.
const CODE_HEADS: &[&str] = &[
    "self", "this", "req", "request", "res", "config", "cfg", "conf", "ctx", "context", "os",
    "env", "settings", "args", "opts", "options", "params", "session", "data", "form", "input",
    "props", "state", "app", "process", "user", "current", "auth", "db",
];

fn eq_any(v: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| v.eq_ignore_ascii_case(w.as_bytes()))
}

/// Judges a login name; returns its score, or `None` when it is none.
/// `next` is the byte after an unquoted value.
pub(super) fn username(v: &[u8], form: Form, next: Option<u8>) -> Option<f32> {
    // An email address is an email, found as one, and nothing more.
    if !(2..=64).contains(&v.len()) || v.contains(&b'@') {
        return None;
    }
    let ok = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'\\');
    if !v.iter().all(ok) || !v.iter().any(u8::is_ascii_alphabetic) || eq_any(v, NOT_USERNAMES) {
        return None;
    }
    // A call, a path in code, a hash or a UUID.
    if next == Some(b'(') && form != Form::Quoted {
        return None;
    }
    if let Some(dot) = memchr::memchr(b'.', v) {
        if eq_any(&v[..dot], CODE_HEADS) {
            return None;
        }
    }
    let hex = v.iter().all(u8::is_ascii_hexdigit) && v.len() >= 16;
    let uuid = v.len() == 36 && [8, 13, 18, 23].iter().all(|&i| v[i] == b'-');
    if hex || uuid {
        return None;
    }
    // `www.`: a name does not end a sentence.
    if v.ends_with(b".") {
        return None;
    }
    // After a colon, a word in capitals is a status (`…_USERNAME: ADDED`).
    if form == Form::Colon
        && !v
            .iter()
            .any(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return None;
    }
    // An example's (`user=abc`, `testuser`) or a service account's
    // (`User=nobody`), not a person's; in a column too, since JSON keys
    // are columns to the hinter, and test data and documentation are JSON.
    let mut lower = [0u8; 64];
    let lower = &mut lower[..v.len()];
    lower.copy_from_slice(v);
    lower.make_ascii_lowercase();
    // A column holds whole names: only the listed ones (and one or two
    // letters) are examples there, not every name with `demo` in it.
    let example = if form == Form::Cell {
        v.len() <= 2 || eq_any(v, EXAMPLE_USERNAMES)
    } else {
        v.len() <= 3
            || eq_any(v, EXAMPLE_USERNAMES)
            || EXAMPLE_PARTS
                .iter()
                .any(|p| memchr::memmem::find(lower, p.as_bytes()).is_some())
    };
    Some(match form {
        _ if example => EXAMPLE,
        Form::Colon | Form::Space => LOOSE,
        Form::Quoted | Form::Equals | Form::Cell => ADMITTED,
    })
}

/// Values of a medical field that say nothing: nulls, booleans, `none`.
const NOT_HEALTH: &[&str] = &[
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "n/a",
    "na",
    "unknown",
    "string",
    "str",
    "text",
    "varchar",
    "required",
    "optional",
    "-",
    "[]",
    "{}",
];

/// Whether `v` is a value of a medical field: text with a letter, not a
/// null, template, object or code.
pub(super) fn health(v: &[u8], form: Form) -> bool {
    if !(2..=MAX_VALUE).contains(&v.len()) || eq_any(v, NOT_HEALTH) {
        return false;
    }
    if !v.iter().any(|b| b.is_ascii_alphabetic() || *b >= 0x80) {
        return false;
    }
    if form != Form::Cell && matches!(v[0], b'{' | b'[' | b'$' | b'%' | b'<' | b'(' | b'&' | b'*') {
        return false;
    }
    let identifier = |seg: &[u8]| {
        seg.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            && seg.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
    };
    // `self.diagnosis`, `row.condition`, `a::b`: code, not a record.
    let dotted = v.contains(&b'.') && v.split(|&b| b == b'.').all(identifier);
    !(dotted
        || memchr::memmem::find(v, b"::").is_some()
        || memchr::memmem::find(v, b"()").is_some())
}

pub(super) fn trim(hay: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
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
    b.is_ascii_whitespace() || b"&;,\"'`<>()[]{}|\\".contains(&b)
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
