//! The few pieces of SQL syntax the hinter reads: keywords, (qualified,
//! quoted) table names and column lists.

use std::sync::Arc;

use super::{Columns, MAX_COLUMNS};
use crate::hints::Field;

pub(super) fn empty() -> Columns {
    Arc::from(Vec::new())
}

pub(super) fn starts_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

pub(super) fn ends_ci(s: &[u8], suffix: &[u8]) -> bool {
    s.len() >= suffix.len() && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

pub(super) fn find_ci(s: &[u8], needle: &[u8]) -> Option<usize> {
    s.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether a line starting `h` may still start a statement we follow.
pub(super) fn could_start(h: &[u8]) -> bool {
    [
        &b"INSERT "[..],
        b"REPLACE ",
        b"COPY ",
        b"CREATE TABLE ",
        b"CREATE TEMPORARY TABLE ",
    ]
    .iter()
    .any(|k| starts_ci(k, h))
}

/// A (maybe schema-qualified, maybe quoted) table name at the start of
/// `s`: its last part, lower-cased, and what follows it.
pub(super) fn table_name(s: &[u8]) -> Option<(Box<[u8]>, &[u8])> {
    let mut s = s.trim_ascii_start();
    for skip in [&b"IF NOT EXISTS "[..], b"ONLY ", b"IGNORE ", b"INTO "] {
        if starts_ci(s, skip) {
            s = s[skip.len()..].trim_ascii_start();
        }
    }
    let last = loop {
        let (part, rest) = ident(s)?;
        s = rest;
        match s.first() {
            Some(b'.') => s = &s[1..],
            _ => break part,
        }
    };
    (!last.is_empty()).then(|| (last.to_ascii_lowercase().into_boxed_slice(), s))
}

/// The byte that closes an identifier quoted by `open` (`` ` ``, `"`,
/// `[`), or `None` if `open` does not quote one.
pub(super) fn ident_closer(open: u8) -> Option<u8> {
    match open {
        b'`' => Some(b'`'),
        b'"' => Some(b'"'),
        b'[' => Some(b']'),
        _ => None,
    }
}

/// Whether `b` may be part of a bare identifier.
pub(super) fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// One identifier, quoted (`` `t` ``, `"t"`, `[t]`) or bare.
fn ident(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let Some(closer) = ident_closer(*s.first()?) else {
        let n = s.iter().take_while(|&&b| ident_byte(b)).count();
        return (n > 0).then(|| (&s[..n], &s[n..]));
    };
    let close = s[1..].iter().position(|&b| b == closer)? + 1;
    Some((&s[1..close], &s[close + 1..]))
}

/// What a column named `name` holds: [`Field::classify_column`], or a
/// password or security code by the rules the secret detector reads keys
/// with (`customers_password`, `user_passwd`, `admin_pwd`: applications'
/// schemas name them in more ways than a list holds).
pub(super) fn column_field(name: &[u8]) -> Option<Field> {
    Field::classify_column(name).or_else(|| crate::secret::column_secret(name))
}

/// The fields of a column list `a, "b", \`c\``.
pub(super) fn column_list(list: &[u8]) -> Columns {
    let cols: Vec<Option<Field>> = list
        .split(|&b| b == b',')
        .take(MAX_COLUMNS)
        .map(|c| {
            let c = c.trim_ascii();
            let c = ident(c).map_or(c, |(name, _)| name);
            column_field(c)
        })
        .collect();
    // None known: as no list (the tuples are then skipped through quickly).
    if cols.iter().all(Option::is_none) {
        return empty();
    }
    Arc::from(cols)
}
