//! Byte-level helpers for reading address words without allocating.

/// A letter: ASCII, or any byte of a UTF-8 sequence (`ß`, `é`, `ü`).
pub(super) fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic() || b >= 0x80
}

/// Whether a capital letter starts at `p`: ASCII `A-Z`, or a Latin-1
/// capital in UTF-8 (`É`, `Ö`: `0xC3 0x80..=0x9E`).
pub(super) fn is_cap(hay: &[u8], p: usize) -> bool {
    match hay.get(p) {
        Some(b) if b.is_ascii_uppercase() => true,
        Some(0xC3) => hay.get(p + 1).is_some_and(|b| (0x80..=0x9E).contains(b)),
        _ => false,
    }
}

pub(super) fn is_digit_at(hay: &[u8], p: usize) -> bool {
    hay.get(p).is_some_and(u8::is_ascii_digit)
}

pub(super) fn is_letter_at(hay: &[u8], p: usize) -> bool {
    hay.get(p).copied().is_some_and(is_letter)
}

/// Whether `p` ends a token: end of haystack or a byte that cannot continue
/// a word or number.
pub(super) fn boundary(hay: &[u8], p: usize) -> bool {
    hay.get(p)
        .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b >= 0x80 || b == b'_'))
}

/// The end of the word starting at `p`: letters, with inner apostrophes
/// and hyphens (`O'Connell`, `Karl-Marx-Allee`). At most `max` bytes;
/// longer words are not address words.
pub(super) fn word_end(hay: &[u8], p: usize, max: usize) -> Option<usize> {
    let mut q = p;
    while q < hay.len() && q - p <= max {
        let b = hay[q];
        if is_letter(b) || (matches!(b, b'\'' | b'-') && q > p && is_letter_at(hay, q + 1)) {
            q += 1;
        } else {
            break;
        }
    }
    (q > p && q - p <= max).then_some(q)
}

/// The end of a run of 1..=`max` ASCII digits at `p`, if it is not longer.
pub(super) fn digits_end(hay: &[u8], p: usize, max: usize) -> Option<usize> {
    let n = hay[p.min(hay.len())..]
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (1..=max).contains(&n).then_some(p + n)
}

/// Whether `word` equals one of `list` (ASCII case-insensitive; `list`
/// entries lowercase).
pub(super) fn one_of(word: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}

/// The position of the next ASCII digit at or after `i`. Skips eight bytes
/// at a time: most text has few digits.
pub(super) fn next_digit(hay: &[u8], mut i: usize) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(block) = hay.get(i..i + 8) {
        let mut a = [0u8; 8];
        a.copy_from_slice(block);
        // Digits become bytes below 10; the classic "has a byte less than
        // n" test says whether the block holds one.
        let x = u64::from_le_bytes(a) ^ (0x30 * LO);
        if x.wrapping_sub(10 * LO) & !x & HI != 0 {
            break;
        }
        i += 8;
    }
    hay.get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|k| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_digit_finds_every_digit_position() {
        let hay = b"abcdefghijklmnop7qrstuvwxyz0123 \xc3\xa9tage 9";
        let mut got = Vec::new();
        let mut i = 0;
        while let Some(p) = next_digit(hay, i) {
            got.push(p);
            i = p + 1;
        }
        let want: Vec<usize> = (0..hay.len())
            .filter(|&k| hay[k].is_ascii_digit())
            .collect();
        assert_eq!(got, want);
        assert_eq!(next_digit(b"no digits here at all", 0), None);
    }

    #[test]
    fn words_and_capitals() {
        assert_eq!(word_end(b"Karl-Marx-Allee 3", 0, 30), Some(15));
        assert_eq!(word_end(b"O'Connell St", 0, 30), Some(9));
        assert_eq!(word_end(b"x-", 0, 30), Some(1));
        assert!(is_cap("Élysées".as_bytes(), 0));
        assert!(!is_cap("étage".as_bytes(), 0));
        assert_eq!(digits_end(b"123456", 0, 5), None);
        assert_eq!(digits_end(b"12a", 0, 5), Some(2));
    }
}
