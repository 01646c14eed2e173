//! Calendar dates in the spellings people write birth dates in, parsed at
//! a given position without allocating.
//!
//! Only plausible birth dates are accepted: a real calendar day with a year
//! in [`MIN_YEAR`]`..=`[`MAX_YEAR`]. The upper bound is a constant, not the
//! clock, so that a scan gives the same answer on every machine and day.

/// The earliest birth year accepted.
pub(super) const MIN_YEAR: u32 = 1900;
/// The latest birth year accepted (the year this rule was written; a fixed
/// bound keeps the detector deterministic).
pub(super) const MAX_YEAR: u32 = 2026;
/// Two-digit years up to this are read as 20yy, the rest as 19yy.
const PIVOT_YY: u32 = MAX_YEAR % 100;

/// Month names and abbreviations (English, French, German, Spanish),
/// lowercase; non-ASCII letters as written in lowercase UTF-8.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("janvier", 1),
    ("januar", 1),
    ("jänner", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("februar", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("mars", 3),
    ("märz", 3),
    ("maerz", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juin", 6),
    ("juni", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juillet", 7),
    ("juli", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octobre", 10),
    ("oktober", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("dezember", 12),
    ("diciembre", 12),
];

/// The longest month word, in bytes (`septiembre`, `décembre` in UTF-8).
const MAX_MONTH_BYTES: usize = 10;

/// Whether `y-m-d` is a real day in a plausible birth year.
pub(super) fn valid(y: u32, m: u32, d: u32) -> bool {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    d <= days
}

/// Reads 1..=`max` ASCII digits at `pos`: (value, digits read).
fn digits(hay: &[u8], pos: usize, max: usize) -> Option<(u32, usize)> {
    let mut v = 0u32;
    let mut n = 0;
    while n < max {
        match hay.get(pos + n) {
            Some(b) if b.is_ascii_digit() => {
                v = v * 10 + u32::from(b - b'0');
                n += 1;
            }
            _ => break,
        }
    }
    // More digits than allowed: part of a longer number.
    if n == 0 || hay.get(pos + n).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((v, n))
}

/// A year of exactly two or four digits at `pos`: (year, end).
fn year(hay: &[u8], pos: usize) -> Option<(u32, usize)> {
    let (v, n) = digits(hay, pos, 4)?;
    match n {
        4 => Some((v, pos + 4)),
        2 if v <= PIVOT_YY => Some((2000 + v, pos + 2)),
        2 => Some((1900 + v, pos + 2)),
        _ => None,
    }
}

/// Whether a letter byte (ASCII or part of a UTF-8 sequence) is at `pos`.
fn is_letter(hay: &[u8], pos: usize) -> bool {
    hay.get(pos)
        .is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80)
}

/// A month name at `pos`, followed by an optional abbreviation dot:
/// (month, end).
fn month(hay: &[u8], pos: usize) -> Option<(u32, usize)> {
    let mut buf = [0u8; MAX_MONTH_BYTES];
    let mut n = 0;
    while is_letter(hay, pos + n) {
        if n == MAX_MONTH_BYTES {
            return None;
        }
        buf[n] = hay[pos + n].to_ascii_lowercase();
        n += 1;
    }
    let word = &buf[..n];
    let m = MONTHS
        .iter()
        .find(|(name, _)| name.as_bytes() == word)
        .map(|&(_, m)| m)?;
    let mut end = pos + n;
    if hay.get(end) == Some(&b'.') {
        end += 1;
    }
    Some((m, end))
}

/// Skips `st`/`nd`/`rd`/`th` after a day number.
fn ordinal(hay: &[u8], pos: usize) -> usize {
    match hay.get(pos..pos + 2) {
        Some(s)
            if s.eq_ignore_ascii_case(b"st")
                || s.eq_ignore_ascii_case(b"nd")
                || s.eq_ignore_ascii_case(b"rd")
                || s.eq_ignore_ascii_case(b"th") =>
        {
            pos + 2
        }
        _ => pos,
    }
}

/// Skips the literal `word` (ASCII, case-insensitive) followed by a space.
fn word_space(hay: &[u8], pos: usize, word: &[u8]) -> usize {
    let end = pos + word.len();
    match hay.get(pos..end + 1) {
        Some(s) if s[..word.len()].eq_ignore_ascii_case(word) && s[word.len()] == b' ' => end + 1,
        _ => pos,
    }
}

/// Whether the date ending at `end` stands alone: not glued to more letters
/// or digits, and not the date part of a timestamp (`…T10:20`, `… 10:20`).
fn ends_cleanly(hay: &[u8], end: usize) -> bool {
    match hay.get(end) {
        None => true,
        Some(b) if b.is_ascii_alphanumeric() || *b == b'_' => false,
        Some(b' ') => {
            let t = &hay[end + 1..hay.len().min(end + 4)];
            let n = t.iter().take_while(|b| b.is_ascii_digit()).count();
            !(n > 0 && t.get(n) == Some(&b':'))
        }
        // `1984-03-07.` ends a sentence; `1984-03-07.5` continues a number.
        Some(b'.' | b'/' | b'-' | b':') => !hay.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(_) => true,
    }
}

/// Parses a birth date starting exactly at `pos`; returns its end.
/// `compact` also allows `YYYYMMDD`, which is only a date where the
/// structure says so.
pub(super) fn parse(hay: &[u8], pos: usize, compact: bool) -> Option<usize> {
    parse_year(hay, pos, compact).map(|(end, _)| end)
}

/// Like [`parse`], also returning the year.
pub(super) fn parse_year(hay: &[u8], pos: usize, compact: bool) -> Option<(usize, u32)> {
    let (end, y) = match hay.get(pos)? {
        b'0'..=b'9' => numeric(hay, pos, compact)?,
        _ => month_first(hay, pos)?,
    };
    ends_cleanly(hay, end).then_some((end, y))
}

/// Dates that start with digits.
fn numeric(hay: &[u8], pos: usize, compact: bool) -> Option<(usize, u32)> {
    let (a, na) = digits(hay, pos, 8)?;
    let mut p = pos + na;
    match na {
        8 if compact => {
            let (y, m, d) = (a / 10_000, a / 100 % 100, a % 100);
            valid(y, m, d).then_some((p, y))
        }
        4 => {
            // ISO 8601 and its slashed or dotted variants: year first.
            let sep = *hay.get(p).filter(|b| matches!(b, b'-' | b'/' | b'.'))?;
            let (m, nm) = digits(hay, p + 1, 2)?;
            p += 1 + nm;
            if hay.get(p) != Some(&sep) {
                return None;
            }
            let (d, nd) = digits(hay, p + 1, 2)?;
            valid(a, m, d).then_some((p + 1 + nd, a))
        }
        1 | 2 => day_first(hay, a, p),
        _ => None,
    }
}

/// After a one- or two-digit number `a` ending at `p`: `a/b/yy(yy)`,
/// `a.b.yyyy`, `a March yyyy`, `a. März yyyy`, `a de marzo de yyyy`.
fn day_first(hay: &[u8], a: u32, p: usize) -> Option<(usize, u32)> {
    let sep = *hay.get(p)?;
    if matches!(sep, b'/' | b'-' | b'.') && hay.get(p + 1).is_some_and(u8::is_ascii_digit) {
        let (b, nb) = digits(hay, p + 1, 2)?;
        let q = p + 1 + nb;
        if hay.get(q) != Some(&sep) {
            return None;
        }
        let (y, end) = year(hay, q + 1)?;
        // Dotted dates are day-first everywhere; slashed and dashed ones
        // may be either (US month-first, European day-first).
        let ok = valid(y, b, a) || (sep != b'.' && valid(y, a, b));
        return ok.then_some((end, y));
    }
    let mut q = ordinal(hay, p);
    if hay.get(q) == Some(&b'.') {
        q += 1;
    }
    if hay.get(q) != Some(&b' ') {
        return None;
    }
    q = word_space(hay, q + 1, b"de");
    let (m, mut q) = month(hay, q)?;
    if hay.get(q) == Some(&b',') {
        q += 1;
    }
    if hay.get(q) != Some(&b' ') {
        return None;
    }
    q = word_space(hay, q + 1, b"de");
    let (y, n) = digits(hay, q, 4)?;
    (n == 4 && valid(y, m, a)).then_some((q + 4, y))
}

/// `March 7, 1984`, `Mar. 7 1984`, `March 7th, 1984`.
fn month_first(hay: &[u8], pos: usize) -> Option<(usize, u32)> {
    let (m, q) = month(hay, pos)?;
    if hay.get(q) != Some(&b' ') {
        return None;
    }
    let (d, nd) = digits(hay, q + 1, 2)?;
    let mut q = ordinal(hay, q + 1 + nd);
    if hay.get(q) == Some(&b',') {
        q += 1;
    }
    if hay.get(q) != Some(&b' ') {
        return None;
    }
    let (y, n) = digits(hay, q + 1, 4)?;
    (n == 4 && valid(y, m, d)).then_some((q + 1 + 4, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn whole(s: &str) {
        assert_eq!(parse(s.as_bytes(), 0, false), Some(s.len()), "{s:?}");
    }

    #[track_caller]
    fn not(s: &str) {
        assert_eq!(parse(s.as_bytes(), 0, false), None, "{s:?}");
    }

    #[test]
    fn the_common_spellings_parse_whole() {
        for s in [
            "1984-03-07",
            "1984/03/07",
            "03/07/1984",
            "3/7/84",
            "07.03.1984",
            "07/03/1984",
            "31/12/1999",
            "12/31/1999",
            "7 March 1984",
            "7th March 1984",
            "March 7, 1984",
            "Mar. 7, 1984",
            "March 7th, 1984",
            "7 mars 1984",
            "7. März 1984",
        ] {
            whole(s);
        }
        whole("7 de marzo de 1984");
        whole("29.02.2000");
    }

    #[test]
    fn impossible_or_implausible_dates_do_not_parse() {
        for s in [
            "1984-13-07",
            "1984-02-30",
            "29.02.1900",
            "31.04.1984",
            "13/13/1984",
            "1899-12-31",
            "2027-01-01",
            "07.03.84.1",
            "12/27",
            "March 32, 1984",
            "Marchy 7, 1984",
            "2024-01-15T10:20:30Z",
            "2024-01-15 10:20:30",
            "1984-03-071",
            "19840307",
        ] {
            not(s);
        }
    }

    #[test]
    fn compact_dates_only_when_allowed() {
        assert_eq!(parse(b"19840307", 0, true), Some(8));
        assert_eq!(parse(b"19841307", 0, true), None);
        assert_eq!(parse(b"198403071", 0, true), None);
    }

    #[test]
    fn two_digit_years_pivot_on_the_upper_bound() {
        assert!(valid(1984, 3, 7));
        assert_eq!(year(b"84", 0), Some((1984, 2)));
        assert_eq!(year(b"05", 0), Some((2005, 2)));
        assert_eq!(year(b"123", 0), None);
    }
}
