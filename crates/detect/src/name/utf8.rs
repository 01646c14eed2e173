//! UTF-8 and character helpers for the name scanner: decoding the
//! character at or before a byte index, and deciding whether a character
//! is a letter or continues a word. Kept apart because every other part
//! of the detector asks these questions of raw bytes, and the fast paths
//! (ASCII inline, letter ranges before the Unicode tables) live here once.

/// Index just past the UTF-8 character at `at`.
pub(super) fn next_char(hay: &[u8], at: usize) -> usize {
    let mut p = at + 1;
    while p < hay.len() && hay[p] & 0xC0 == 0x80 {
        p += 1;
    }
    p
}

/// The character at `at` and its byte length; `None` past the end or on
/// invalid UTF-8. Inlined for ASCII, the common case by far.
#[inline]
pub(super) fn char_at(hay: &[u8], at: usize) -> Option<(char, usize)> {
    let b = *hay.get(at)?;
    if b < 0x80 {
        return Some((char::from(b), 1));
    }
    multibyte_char_at(hay, at, b)
}

#[inline(never)]
fn multibyte_char_at(hay: &[u8], at: usize, b: u8) -> Option<(char, usize)> {
    let len = match b {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(hay.get(at..at + len)?).ok()?;
    s.chars().next().map(|c| (c, len))
}

/// The character ending at `end`.
pub(super) fn char_before(hay: &[u8], end: usize) -> Option<char> {
    let low = end.saturating_sub(4);
    let mut s = end.checked_sub(1)?;
    while s > low && hay[s] & 0xC0 == 0x80 {
        s -= 1;
    }
    char_at(hay, s).map(|(c, _)| c)
}

/// `c.is_alphabetic()`, answered from ranges for the scripts met most in
/// text (Latin with accents, Cyrillic, Hangul, CJK ideographs) before the
/// Unicode table search, which was ~5% of a scan of crate sources. A test
/// checks every `char` against `is_alphabetic`.
pub(super) fn is_letter(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphabetic(),
        0xD7 | 0xF7 => false,
        0xC0..=0x24F | 0x400..=0x481 | 0x48A..=0x52F | 0x1100..=0x11FF => true,
        0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => true,
        _ => c.is_alphabetic(),
    }
}

/// Whether `c` continues a word: a letter, a digit or `_`.
pub(super) fn is_word_char(c: char) -> bool {
    is_letter(c) || c.is_numeric() || c == '_'
}

/// Whether `at` continues a word (so it cannot start a name).
pub(super) fn starts_inside_word(hay: &[u8], at: usize) -> bool {
    match char_before(hay, at) {
        Some(c) => is_word_char(c) || c == '\\' && at >= 2 && hay[at - 2] != b'\\',
        None => false,
    }
}

/// The length of the HTML character reference for an apostrophe at the
/// start of `s` (`O&#x27;Brien` as Python's `html.escape` writes it,
/// `&#39;` as PHP's, `&apos;`, `&rsquo;`), if one is there.
pub(super) fn html_apostrophe(s: &[u8]) -> Option<usize> {
    const REFS: [&[u8]; 8] = [
        b"&#x27;",
        b"&#X27;",
        b"&#39;",
        b"&#039;",
        b"&apos;",
        b"&rsquo;",
        b"&#8217;",
        b"&#x2019;",
    ];
    REFS.iter()
        .find(|r| s.len() >= r.len() && s[..r.len()].eq_ignore_ascii_case(r))
        .map(|r| r.len())
}
