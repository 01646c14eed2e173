//! Payment card validation: the Luhn checksum and issuer (IIN) ranges.
//!
//! Luhn alone passes one random digit string in ten, so a number must also
//! fall in a range an issuer actually uses, with a length that issuer issues.

/// Card networks we recognise. Only used to decide validity; the name is not
/// reported (the detector name stays stable across networks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Issuer {
    Visa,
    Mastercard,
    Amex,
    Discover,
    Diners,
    Jcb,
    UnionPay,
    Maestro,
    Mir,
}

/// Whether the ASCII digits pass the Luhn checksum.
// `is_multiple_of` needs Rust 1.87; the workspace supports 1.85.
#[allow(clippy::manual_is_multiple_of)]
pub(super) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d.wrapping_sub(b'0'));
        if v > 9 {
            return false;
        }
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// The value of the first `k` ASCII digits (`k <= digits.len()`, `k <= 6`).
fn prefix(digits: &[u8], k: usize) -> u32 {
    digits[..k]
        .iter()
        .fold(0, |acc, &d| acc * 10 + u32::from(d.wrapping_sub(b'0')))
}

/// The issuer whose IIN range and card lengths contain `digits`, if any.
/// Ranges follow the networks' published IIN tables; where a range is
/// disputed (old Maestro ranges, Diners 38–39 lengths) we keep the part
/// that is still issued, since a wrong "card" is worse than a missed one.
pub(super) fn issuer(digits: &[u8]) -> Option<Issuer> {
    let n = digits.len();
    if !(13..=19).contains(&n) {
        return None;
    }
    let p2 = prefix(digits, 2);
    let p3 = prefix(digits, 3);
    let p4 = prefix(digits, 4);
    let p6 = prefix(digits, 6);
    let long = (16..=19).contains(&n);
    if digits[0] == b'4' {
        return matches!(n, 13 | 16 | 19).then_some(Issuer::Visa);
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && n == 16 {
        return Some(Issuer::Mastercard);
    }
    if (p2 == 34 || p2 == 37) && n == 15 {
        return Some(Issuer::Amex);
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
        && long
    {
        return Some(Issuer::Discover);
    }
    if (p2 == 36 || (300..=305).contains(&p3) || p4 == 3095) && (14..=19).contains(&n) {
        return Some(Issuer::Diners);
    }
    if (38..=39).contains(&p2) && (14..=16).contains(&n) {
        return Some(Issuer::Diners);
    }
    if (3528..=3589).contains(&p4) && long {
        return Some(Issuer::Jcb);
    }
    if p2 == 62 && long {
        return Some(Issuer::UnionPay);
    }
    if matches!(
        p4,
        5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761 | 6762 | 6763
    ) {
        return Some(Issuer::Maestro);
    }
    if (2200..=2204).contains(&p4) && long {
        return Some(Issuer::Mir);
    }
    None
}

/// Whether digit groups (sizes, in order) are a way cards are printed:
/// fours with a shorter tail (4-4-4-4, 4-4-4-4-3, 4-4-4-1), or the
/// 4-6-5 / 4-6-4 layout of Amex and Diners.
pub(super) fn grouping_ok(groups: &[u8]) -> bool {
    match groups {
        [_] => true,
        [4, 6, 5] | [4, 6, 4] => true,
        [init @ .., last] if init.len() >= 3 => {
            init.iter().all(|&g| g == 4) && (1..=4).contains(last)
        }
        _ => false,
    }
}

/// Whether two pairs of neighbouring four-digit groups of a separated
/// number differ by one (`2298 2299 3120 3121`, `5414 5415 5416 5417`):
/// rows of code points and catalogue IDs, one in ten of which passes Luhn.
/// A card's groups after the issuer's are random: one such pair is in 1 in
/// 1,700 of them (too many cards to lose), two in fewer than 1 in a million.
pub(super) fn groups_count_by_one(digits: &[u8], groups: &[u8]) -> bool {
    let mut values = [None::<u32>; 8];
    let mut at = 0;
    for (v, &len) in values.iter_mut().zip(groups) {
        let len = usize::from(len);
        if len == 4 {
            *v = Some(prefix(&digits[at..], 4));
        }
        at += len;
    }
    values
        .windows(2)
        .filter(|w| matches!(w, [Some(a), Some(b)] if a.abs_diff(*b) == 1))
        .count()
        >= 2
}

/// Separator bytes skipped between the numbers of a list (`, `, a line
/// break and indentation), and the most of them skipped.
fn list_gap(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' | b'(' | b')' | b'[' | b']'
    )
}
const MAX_GAP: usize = 16;
/// Neighbours at least this long are "big numbers": longer than any
/// timestamp (`20240101123456`, 14 digits) or order number a card is
/// written next to.
const BIG: usize = 15;

/// Whether the undelimited number `hay[start..end]` sits in a list of big
/// numbers (hash constants, tables of powers, test vectors): written after a
/// minus sign, or next to a number of at least [`BIG`] digits that is no
/// card. One random digit string in ten passes Luhn, so such lists hold
/// chance "cards"; a column of real cards is all cards.
pub(super) fn in_number_list(hay: &[u8], start: usize, end: usize) -> bool {
    if start > 0 && hay[start - 1] == b'-' {
        return true;
    }
    let not_a_card = |digits: &[u8]| {
        digits.len() >= BIG && !(digits.len() <= 19 && issuer(digits).is_some() && luhn(digits))
    };
    let mut p = start;
    while p > 0 && start - p < MAX_GAP && list_gap(hay[p - 1]) {
        p -= 1;
    }
    let to = p;
    while p > 0 && to - p <= 19 && hay[p - 1].is_ascii_digit() {
        p -= 1;
    }
    if to > p && to < start && not_a_card(&hay[p..to]) {
        return true;
    }
    let mut p = end;
    while p < hay.len() && p - end < MAX_GAP && list_gap(hay[p]) {
        p += 1;
    }
    let from = p;
    while p < hay.len() && p - from <= 19 && hay[p].is_ascii_digit() {
        p += 1;
    }
    from > end && not_a_card(&hay[from..p])
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Appends the Luhn check digit to `body` (ASCII digits), so tests can
    /// make valid numbers in any range.
    pub(crate) fn with_check_digit(body: &str) -> String {
        for c in b'0'..=b'9' {
            let mut s = body.as_bytes().to_vec();
            s.push(c);
            if luhn(&s) {
                return String::from_utf8_lossy(&s).into_owned();
            }
        }
        unreachable!("one of ten check digits always satisfies Luhn")
    }

    #[test]
    fn luhn_accepts_known_test_numbers_and_rejects_single_digit_errors() {
        for n in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
            "30569309025904",
            "3530111333300000",
            "4222222222222",
            "79927398713",
        ] {
            assert!(luhn(n.as_bytes()), "{n}");
            let mut b = n.as_bytes().to_vec();
            let last = b.len() - 1;
            b[last] = if b[last] == b'9' { b'0' } else { b[last] + 1 };
            assert!(!luhn(&b), "{n} with the check digit changed");
        }
        assert!(!luhn(b""));
        assert!(!luhn(b"41x1"));
    }

    #[test]
    fn luhn_catches_every_adjacent_transposition_of_distinct_digits_except_09() {
        let base = with_check_digit("453201511283036");
        let b = base.as_bytes();
        for i in 0..b.len() - 1 {
            let (x, y) = (b[i], b[i + 1]);
            if x == y || (x.abs_diff(y) == 9) {
                continue;
            }
            let mut t = b.to_vec();
            t.swap(i, i + 1);
            assert!(!luhn(&t), "{base} swapped at {i}");
        }
    }

    #[test]
    fn issuer_ranges_and_lengths() {
        let cases: &[(&str, Option<Issuer>)] = &[
            ("4111111111111111", Some(Issuer::Visa)),
            ("4222222222222", Some(Issuer::Visa)),
            ("411111111111111", None), // Visa is never 15 digits
            ("5105105105105100", Some(Issuer::Mastercard)),
            ("2221000000000009", Some(Issuer::Mastercard)),
            ("2720990000000007", Some(Issuer::Mastercard)),
            ("2721000000000004", None),
            ("5605105105105100", None),
            ("378282246310005", Some(Issuer::Amex)),
            ("3782822463100051", None), // Amex is 15 digits
            ("6011000990139424", Some(Issuer::Discover)),
            ("6445644564456445", Some(Issuer::Discover)),
            ("30569309025904", Some(Issuer::Diners)),
            ("38520000023237", Some(Issuer::Diners)),
            ("3530111333300000", Some(Issuer::Jcb)),
            ("3590111333300000", None),
            ("6200000000000005", Some(Issuer::UnionPay)),
            ("6759649826438453", Some(Issuer::Maestro)),
            ("2200123456789010", Some(Issuer::Mir)),
            ("1234567890123456", None),
            ("9999999999999999", None),
            ("411111111111", None), // too short for anything
        ];
        for (n, want) in cases {
            assert_eq!(issuer(n.as_bytes()), *want, "{n}");
        }
    }

    #[test]
    fn groupings() {
        assert!(grouping_ok(&[4, 4, 4, 4]));
        assert!(grouping_ok(&[4, 4, 4, 4, 3]));
        assert!(grouping_ok(&[4, 6, 5]));
        assert!(grouping_ok(&[4, 4, 4, 1]));
        assert!(grouping_ok(&[16]));
        assert!(!grouping_ok(&[3, 3, 4, 6]));
        assert!(!grouping_ok(&[8, 8]));
        assert!(!grouping_ok(&[4, 4, 8]));
        assert!(!grouping_ok(&[4, 4, 4, 5]));
    }
}
