//! Byte-level helpers of the numeric scanner: finding the next digit,
//! skipping words, and reading a candidate's edges. Each looks at a few
//! dozen bytes at most, inside the chunking bounds.

use super::{Edge, Word, MAX_CODE_BYTES, MAX_WORD_BYTES, MAX_WORD_DIGITS};
use crate::swar;

/// Byte classes of the word scanner, as flags so that the scanner's inner
/// loop accumulates them without branching on the class.
pub(super) const DIGIT: u8 = 1;
/// Number punctuation inside a word: `-./()`.
pub(super) const PUNCT: u8 = 2;
pub(super) const DOT: u8 = 4;
pub(super) const OPEN: u8 = 8;
/// ASCII letters, digits and `_`, as [`crate::context::is_word_byte`].
pub(super) const WORD: u8 = 16;

pub(super) static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            t[b] |= WORD;
        }
        if c.is_ascii_digit() {
            t[b] |= DIGIT;
        }
        b += 1;
    }
    t[b'-' as usize] = PUNCT;
    t[b'.' as usize] = PUNCT | DOT;
    t[b'/' as usize] = PUNCT;
    t[b'(' as usize] = PUNCT | OPEN;
    t[b')' as usize] = PUNCT;
    t
};

/// [`crate::context::is_word_byte`] by table lookup, for the hot paths.
pub(super) fn is_word_byte(b: u8) -> bool {
    CLASS[usize::from(b)] & WORD != 0
}

/// The next digit at or after `i`, or `hay.len()`. Eight bytes at a time.
pub(super) fn next_digit(hay: &[u8], mut i: usize) -> usize {
    while let Some(x) = swar::load(hay, i) {
        let hits = swar::digits(x);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < hay.len() && !hay[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// The end of the digit run at `i` when it is a whole token too short to
/// be any kind: at most six digits (no kind has fewer than seven without
/// dots), then a byte that neither continues the word (number
/// punctuation) nor joins the next one (a space before a word). Nearly
/// half the token-starting digit runs of the evaluation corpus are such
/// (times, quantities, sizes); skipping them saves parsing a word and its
/// candidates.
pub(super) fn short_lone_run(hay: &[u8], i: usize) -> Option<usize> {
    let x = swar::load(hay, i)?;
    let run = ((!swar::digits(x) & swar::HI).trailing_zeros() / 8) as usize;
    if run > 6 {
        return None;
    }
    let end = i + run;
    let &b = hay.get(end)?;
    if CLASS[usize::from(b)] & PUNCT != 0 || joins_next_word(hay, end) {
        return None;
    }
    Some(end)
}

/// Past the word bytes starting at `i`. Eight bytes at a time: hashes,
/// UUIDs and identifiers with digits in them are frequent in logs and
/// exports and each is skipped whole.
pub(super) fn skip_word_bytes(hay: &[u8], mut i: usize) -> usize {
    while let Some(x) = swar::load(hay, i) {
        let other = !swar::word_bytes(x) & swar::HI;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < hay.len() && is_word_byte(hay[i]) {
        i += 1;
    }
    i
}

/// A digit at `i` after two capitals that start a word: an IBAN's country.
pub(super) fn iban_trigger(hay: &[u8], i: usize) -> bool {
    i >= 2
        && hay[i - 1].is_ascii_uppercase()
        && hay[i - 2].is_ascii_uppercase()
        && (i == 2 || !is_word_byte(hay[i - 3]))
}

/// Whether the word starting at `s` is glued to something on its left:
/// letters or digits, or punctuation that joins identifiers and paths
/// (`ORD-123`, `/product/123`, `Chrome/120…`), a time's colon (`10:20`),
/// or a currency sign.
pub(super) fn glued_left(hay: &[u8], s: usize) -> bool {
    let Some(&p) = s.checked_sub(1).and_then(|k| hay.get(k)) else {
        return false;
    };
    if is_word_byte(p) {
        return true;
    }
    let pp = s.checked_sub(2).map(|k| hay[k]);
    match (pp, p) {
        (Some(pp), b'-' | b'.' | b'/' | b'\\' | b'@') => is_word_byte(pp),
        (Some(pp), b':') => pp.is_ascii_digit(),
        (_, b'$') => true,
        // £ and ¥ (C2 A3, C2 A5), € (E2 82 AC) in UTF-8.
        (Some(0xc2), 0xa3 | 0xa5) | (Some(0x82), 0xac) => true,
        _ => false,
    }
}

pub(super) fn right_edge(hay: &[u8], e: usize) -> Edge {
    let Some(&b) = hay.get(e) else {
        return Edge::Free;
    };
    if is_word_byte(b) {
        return Edge::Glued;
    }
    let next = hay.get(e + 1).copied();
    match b {
        b'-' | b'.' | b'/' | b'\\' | b'@' if next.is_some_and(is_word_byte) => Edge::Glued,
        b':' if next.is_some_and(|n| n.is_ascii_digit()) => Edge::Colon,
        b'%' => Edge::Glued,
        _ => Edge::Free,
    }
}

/// The word (of [`is_word_byte`]s, as much of it as a code can be) that
/// ends exactly one space before `s`; empty after punctuation, `None`
/// without the space.
pub(super) fn word_before_space(hay: &[u8], s: usize) -> Option<&[u8]> {
    if s < 2 || hay[s - 1] != b' ' {
        return None;
    }
    let before = &hay[s.saturating_sub(2 + MAX_CODE_BYTES)..s - 1];
    let n = before
        .iter()
        .rev()
        .take_while(|&&b| is_word_byte(b))
        .count();
    Some(&before[before.len() - n..])
}

/// Whether a numeric word ends exactly one space before `s`: digits, a
/// closing parenthesis, or a code with digits in it (`031B 0323 0307`, a
/// list of hex code points), which makes the digits after it one more code.
pub(super) fn left_adjacent(hay: &[u8], s: usize) -> bool {
    let Some(word) = word_before_space(hay, s) else {
        return false;
    };
    let p = hay[s - 2];
    if p.is_ascii_digit() || p == b')' {
        return true;
    }
    p.is_ascii_alphabetic()
        && (word.iter().any(u8::is_ascii_digit) || after_iban_bank_code(hay, s - 1))
}

/// Whether the digits at `s` continue a longer number on their left, so
/// that no card starts there: after a code with letters and digits (an
/// IBAN's `AT47`, or its bank code), or after one more four-digit group
/// (`7550 4111 1111 1111 1111` has 20 digits). A short number before a
/// card (`row 12 4111 …`) is a separate token.
pub(super) fn card_joined_left(hay: &[u8], s: usize) -> bool {
    let Some(word) = word_before_space(hay, s) else {
        return false;
    };
    let digits = word.iter().filter(|b| b.is_ascii_digit()).count();
    (word.len() == 4 && digits == 4)
        || (digits > 0 && digits < word.len())
        || after_iban_bank_code(hay, s - 1)
}

/// Whether `hay[..end]` ends with an IBAN's country, check digits and
/// alphabetic bank code (`NL92 TRIO`, `GB33 BUKB`): digits after it are the
/// rest of an account number, valid or not, never a phone or a card.
pub(super) fn after_iban_bank_code(hay: &[u8], end: usize) -> bool {
    let Some(head) = end.checked_sub(9) else {
        return false;
    };
    let w = &hay[head..end];
    (head == 0 || !is_word_byte(hay[head - 1]))
        && w[..2].iter().all(u8::is_ascii_uppercase)
        && w[2..4].iter().all(u8::is_ascii_digit)
        && w[4] == b' '
        && w[5..].iter().all(u8::is_ascii_uppercase)
}

/// Whether a word starts at `p`: a digit, or `+`/`(` before a digit.
pub(super) fn word_starts_at(hay: &[u8], p: usize) -> bool {
    match hay.get(p) {
        Some(b) if b.is_ascii_digit() => true,
        Some(b'+' | b'(') => hay.get(p + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}

/// Whether a word ending at `end` is followed by another after exactly
/// one space: the two then belong to one token.
pub(super) fn joins_next_word(hay: &[u8], end: usize) -> bool {
    hay.get(end) == Some(&b' ') && word_starts_at(hay, end + 1)
}

/// Reads the word starting at `start` (a digit, `+` or `(`).
pub(super) fn parse_word(hay: &[u8], start: usize) -> Word {
    let mut p = start + usize::from(hay[start] == b'+');
    let mut digits = 0;
    let mut dots = 0;
    let mut last_digit = start;
    let mut seen = 0;
    while let Some(&b) = hay.get(p) {
        let class = CLASS[usize::from(b)];
        if class & (DIGIT | PUNCT) == 0 {
            break;
        }
        seen |= class;
        dots += usize::from(class & DOT != 0);
        let digit = class & DIGIT;
        digits += usize::from(digit);
        p += 1;
        if digit != 0 {
            last_digit = p;
        }
    }
    let open = seen & OPEN != 0;
    let run_end = p;
    let end = if open && hay.get(last_digit) == Some(&b')') {
        last_digit + 1
    } else {
        last_digit
    };
    let too_long = end - start > MAX_WORD_BYTES || digits > MAX_WORD_DIGITS;
    let right = right_edge(hay, end);
    let next_adjacent = !too_long && right == Edge::Free && joins_next_word(hay, end);
    Word {
        start,
        end,
        run_end,
        digits,
        dots,
        dead: too_long || glued_left(hay, start),
        right,
        next_adjacent,
    }
}

/// Whether a context word ending at `word_end` and the candidate
/// `hay[start..end]` it would admit sit in one record: no tuple boundary
/// `),(` of a multi-row `INSERT` between them, no other number of nine
/// digits or more (the word named that one: `SSN on file 000-30-9785
/// rejected` ends a row, and the next row's first number is none of its
/// business), and no line break (a CSV, TSV or `COPY` row, a dump's tuple
/// on its line) — unless the word is a label alone at the end of its line
/// and the candidate alone on the next (`SSN:` above its value, as forms
/// and extracted PDFs lay them out; a row that goes on after its first
/// cell is another record).
pub(super) fn same_record(hay: &[u8], word_end: usize, start: usize, end: usize) -> bool {
    let between = &hay[word_end..start];
    if memchr::memmem::find(between, b"),(").is_some() {
        return false;
    }
    let mut run = 0;
    for &b in between {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 9 {
                return false;
            }
        } else if b != b'-' {
            run = 0;
        }
    }
    let Some(nl) = memchr::memchr(b'\n', between) else {
        return true;
    };
    let (label_end, next) = (&between[..nl], &between[nl + 1..]);
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r');
    let rest = hay.get(end..).unwrap_or_default();
    let rest = &rest[..rest.len().min(64)];
    label_end
        .iter()
        .all(|b| matches!(b, b':' | b'#' | b'.') || blank(b))
        && next.iter().all(|b| matches!(b, b' ' | b'\t'))
        && match rest.iter().position(|&b| b == b'\n') {
            Some(n) => rest[..n].iter().all(blank),
            // The stream's end within reach, or a line too long to be a
            // value alone.
            None => rest.len() == hay.len() - end && rest.iter().all(blank),
        }
}
