//! Byte-level helpers for reading address words without allocating.

use crate::swar;

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

/// The next run of ASCII digits at or after `i`, as `[start, end)`. Eight
/// bytes at a time: most text has few digits, and in text with many (logs,
/// exports) most runs are short, so one block usually holds a run's start
/// and end and the run costs no per-byte loop.
#[inline]
pub(super) fn next_run(hay: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let run_end = |from: usize| {
        from + hay[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    while let Some(x) = swar::load(hay, i) {
        let digits = swar::digits(x);
        if digits == 0 {
            i += 8;
            continue;
        }
        let k = (digits.trailing_zeros() / 8) as usize;
        let after = !digits & swar::HI & (!0u64 << (8 * k));
        let end = if after != 0 {
            i + (after.trailing_zeros() / 8) as usize
        } else {
            run_end(i + 8)
        };
        return Some((i + k, end));
    }
    let p = i + hay.get(i..)?.iter().position(u8::is_ascii_digit)?;
    Some((p, run_end(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_run_finds_every_run_as_a_byte_loop_does() {
        // Runs of every length from every lane of the eight-byte step, next
        // to every byte value (just outside the digit range, non-ASCII).
        let mut hay: Vec<u8> = (0..=255u8).collect();
        for n in 0..20 {
            hay.extend(std::iter::repeat_n(b'7', n));
            hay.push([b'/', b':', 0xb0, 0xb9, b' '][n % 5]);
            hay.extend(std::iter::repeat_n(b'x', n % 9));
        }
        hay.extend_from_slice(b"12");
        for i in 0..=hay.len() {
            let want = (i..hay.len()).find(|&k| hay[k].is_ascii_digit()).map(|p| {
                let d = (p..hay.len()).find(|&k| !hay[k].is_ascii_digit());
                (p, d.unwrap_or(hay.len()))
            });
            assert_eq!(next_run(&hay, i), want, "from {i}");
        }
        assert_eq!(next_run(b"no digits here at all", 0), None);
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
