//! The shapes a labelled number must have: driver's licence formats (US
//! states, UK DVLA, EU countries), passport formats, bank account numbers,
//! and the ABA routing number's checksum. Values arrive compacted
//! (separators removed) and upper-case ASCII; nothing here searches.
//!
//! A shape alone proves nothing (`A1234567` is anything): these run only
//! on a value a label or a column already names, and reject what the
//! label's kind is never written as (a software key after `license
//! number`, a URL after `passport`).

/// One segment of a format: a run of letters, digits or either, with its
/// length range, or a fixed character.
#[derive(Clone, Copy)]
enum Seg {
    L(u8, u8),
    D(u8, u8),
    /// Letters or digits.
    A(u8, u8),
    /// One fixed letter.
    C(u8),
}
use Seg::*;

/// US driver's licence formats by state, as the states' DMVs issue them
/// (the AAMVA members' published layouts; where a state issues several,
/// each is listed). All-digit formats are folded into one range below
/// ([`US_DIGITS`]); these are the ones with letters.
#[rustfmt::skip]
const US_LETTERED: &[(&str, &[Seg])] = &[
    ("AZ HI MA OK KY", &[L(1, 1), D(8, 9)]),
    ("CA OR RI", &[L(1, 1), D(6, 7)]),
    ("CO", &[L(1, 2), D(3, 6)]),
    ("FL MD MI MN", &[L(1, 1), D(10, 12)]),
    ("ID", &[L(2, 2), D(6, 6), L(1, 1)]),
    ("IL VA", &[L(1, 1), D(8, 12)]),
    ("IA", &[D(3, 3), L(2, 2), D(4, 4)]),
    ("KS", &[L(1, 1), D(1, 1), L(1, 1), D(1, 1), L(1, 1)]),
    ("ME VT", &[D(7, 7), L(1, 1)]),
    ("MO", &[L(1, 1), D(5, 9)]),
    ("MO", &[L(1, 1), D(6, 6), C(b'R')]),
    ("MO", &[D(8, 8), L(2, 2)]),
    ("MO", &[D(9, 9), L(1, 1)]),
    ("NE", &[L(1, 1), D(6, 8)]),
    ("NH", &[D(2, 2), L(3, 3), D(5, 5)]),
    ("NJ", &[L(1, 1), D(14, 14)]),
    ("NY", &[L(1, 1), D(7, 7)]),
    ("NY", &[L(1, 1), D(18, 18)]),
    ("ND", &[L(3, 3), D(6, 6)]),
    ("OH", &[L(1, 2), D(3, 8)]),
    ("WA", &[C(b'W'), C(b'D'), C(b'L'), A(9, 9)]),
    // Before 2018: surname (padded with `*`, kept out of the compacted
    // value) and initials, then digits and two check characters.
    ("WA (before 2018)", &[L(5, 7), D(3, 3), A(2, 2)]),
    ("WV", &[L(1, 2), D(5, 6)]),
    ("WI", &[L(1, 1), D(13, 13)]),
];

/// All-digit US licences run from 4 (UT) to 14 (MT) digits; shorter ones
/// (AL, AK, DE, LA, NC issue from 1 digit) are too short to tell from any
/// number after a label and are not looked for.
const US_DIGITS: (usize, usize) = (5, 14);

/// EU and UK licence formats other than the UK's own (checked by
/// [`uk_dvla`]).
#[rustfmt::skip]
const EU_LICENCES: &[(&str, &[Seg])] = &[
    // Führerscheinnummer: authority code, serial, check digit, issue.
    ("DE", &[A(1, 1), A(8, 8), D(1, 1), A(1, 1)]),
    // Numéro de permis: 12 digits (2013 on; older ones fall under digits),
    // or year, letters and serial.
    ("FR", &[D(2, 2), L(2, 2), D(5, 6)]),
    // Patente: two letters, seven digits, a letter.
    ("IT", &[L(2, 2), D(7, 7), L(1, 1)]),
    // Permiso de conducir: the holder's DNI.
    ("ES", &[D(8, 8), L(1, 1)]),
    ("IE PL", &[D(2, 2), L(1, 3), D(5, 7)]),
];

/// Passport numbers (ICAO Doc 9303 leaves the layout to the issuer): the
/// layouts of the issuers below. Digits-only ones are folded into
/// [`PASSPORT_DIGITS`].
#[rustfmt::skip]
const PASSPORTS: &[(&str, &[Seg])] = &[
    ("US (2021 on)", &[L(1, 1), D(8, 8)]),
    ("IT IE IN", &[L(1, 2), D(7, 7)]),
    ("CA AU", &[L(1, 2), D(6, 7)]),
    ("FR", &[D(2, 2), L(2, 2), D(5, 5)]),
    ("ES", &[L(3, 3), D(6, 6)]),
    // DE, NL, BE and others: nine letters and digits from a reduced set,
    // starting with a letter.
    ("DE NL BE", &[L(1, 2), A(7, 8)]),
];

/// US (before 2021), UK, and many others: nine digits; some issuers
/// (JP, KR, CN) use eight or nine after letters, covered above.
const PASSPORT_DIGITS: (usize, usize) = (8, 9);

fn matches(v: &[u8], segs: &[Seg]) -> bool {
    fn go(v: &[u8], segs: &[Seg]) -> bool {
        let Some((&seg, rest)) = segs.split_first() else {
            return v.is_empty();
        };
        let (lo, hi, ok): (u8, u8, fn(&u8) -> bool) = match seg {
            L(lo, hi) => (lo, hi, u8::is_ascii_uppercase),
            D(lo, hi) => (lo, hi, u8::is_ascii_digit),
            A(lo, hi) => (lo, hi, |b: &u8| {
                b.is_ascii_uppercase() || b.is_ascii_digit()
            }),
            C(c) => {
                return v.first() == Some(&c) && go(&v[1..], rest);
            }
        };
        let run = v.iter().take(usize::from(hi)).take_while(|b| ok(b)).count();
        (usize::from(lo)..=run).rev().any(|n| go(&v[n..], rest))
    }
    go(v, segs)
}

fn all_digits(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(u8::is_ascii_digit)
}

/// At least three digits: a lettered number, not a word (`PROFILE1`).
fn numbered(v: &[u8]) -> bool {
    v.iter().filter(|b| b.is_ascii_digit()).count() >= 3
}

/// A value written only to show the layout: one digit repeated, or the
/// digits counted up (`123456789`, `A1234567`).
pub(super) fn example(v: &[u8]) -> bool {
    let digits: Vec<u8> = v.iter().copied().filter(u8::is_ascii_digit).collect();
    digits.len() >= 4
        && (digits.iter().all(|&d| d == digits[0])
            || digits.windows(2).all(|w| w[1] == w[0] + 1)
            || digits.windows(2).all(|w| w[1] + 1 == w[0]))
}

/// The UK DVLA licence number: surname (5, padded with 9s), the decade of
/// birth, the month (+50 for women), the day, the year's last digit, two
/// initials (padded with 9), a digit, two check letters.
pub(super) fn uk_dvla(v: &[u8]) -> bool {
    let [s0, s1, s2, s3, s4, dec, m0, m1, d0, d1, y, i0, i1, n, c0, c1] = v else {
        return false;
    };
    let name = |b: &u8| b.is_ascii_uppercase() || *b == b'9';
    let digit = |b: &u8| b.is_ascii_digit();
    let num = |a: u8, b: u8| (a - b'0') * 10 + (b - b'0');
    if !([s0, s1, s2, s3, s4, i0, i1].into_iter().all(name)
        && [dec, m0, m1, d0, d1, y, n].into_iter().all(digit)
        && c0.is_ascii_uppercase()
        && c1.is_ascii_uppercase()
        && s0.is_ascii_uppercase())
    {
        return false;
    }
    let month = num(*m0, *m1) % 50;
    let day = num(*d0, *d1);
    (1..=12).contains(&month)
        && matches!(num(*m0, *m1), 1..=12 | 51..=62)
        && (1..=31).contains(&day)
}

/// Whether `v` (compact, upper case) is written like a driver's licence
/// number of a US state, the UK or an EU country.
pub(super) fn drivers_license(v: &[u8]) -> bool {
    if !(5..=20).contains(&v.len()) {
        return false;
    }
    if all_digits(v) {
        return (US_DIGITS.0..=US_DIGITS.1).contains(&v.len());
    }
    if !v.iter().any(u8::is_ascii_digit) {
        return false;
    }
    uk_dvla(v)
        || US_LETTERED.iter().any(|(_, f)| matches(v, f))
        || (numbered(v) && EU_LICENCES.iter().any(|(_, f)| matches(v, f)))
}

/// Whether `v` (compact, upper case) is written like a passport number.
pub(super) fn passport(v: &[u8]) -> bool {
    if all_digits(v) {
        return (PASSPORT_DIGITS.0..=PASSPORT_DIGITS.1).contains(&v.len());
    }
    (7..=9).contains(&v.len()) && numbered(v) && PASSPORTS.iter().any(|(_, f)| matches(v, f))
}

/// A US bank account number: 4 to 17 digits, not all zeros.
pub(super) fn bank_account(v: &[u8]) -> bool {
    (4..=17).contains(&v.len()) && all_digits(v) && v.iter().any(|&b| b != b'0')
}

/// An ABA routing transit number: nine digits, a Federal Reserve prefix
/// (00–12 banks, 21–32 thrifts, 61–72 electronic, 80 travellers'
/// cheques), and the 3-7-1 weighted checksum.
pub(super) fn aba_routing(v: &[u8]) -> bool {
    if v.len() != 9 || !all_digits(v) {
        return false;
    }
    let d = |i: usize| u32::from(v[i] - b'0');
    let prefix = d(0) * 10 + d(1);
    if !matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80) || v.iter().all(|&b| b == b'0') {
        return false;
    }
    let sum = 3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + (d(2) + d(5) + d(8));
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_numbers_need_their_checksum_and_prefix() {
        // Published routing numbers of large US banks.
        for ok in [
            "021000021",
            "011000015",
            "122105155",
            "026009593",
            "325070760",
        ] {
            assert!(aba_routing(ok.as_bytes()), "{ok}");
        }
        // One digit changed, a prefix no bank has, too short.
        for bad in ["021000022", "131000017", "02100002", "000000000"] {
            assert!(!aba_routing(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn licence_formats() {
        for ok in [
            "D1234567",         // CA
            "S123456789012",    // FL
            "A12345678901",     // IL
            "12345678",         // TX, PA
            "WDLABCD456DG",     // WA
            "MORGA753116SM9IJ", // UK
            "B072RRE2I55",      // DE
            "AB1234567C",       // IT
            "12345678Z",        // ES
            "12ABC34567",       // NH
        ] {
            assert!(drivers_license(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "1234",                 // too short
            "ABCDEFGHIJ",           // no digit: a word or a key
            "ABCDE12345FGHIJ67890", // a product key
            "MORGA713116SM9IJ",     // UK, month 13
        ] {
            assert!(!drivers_license(bad.as_bytes()), "{bad}");
        }
        assert!(uk_dvla(b"MORGA757116SM9IJ"), "a woman's: month + 50");
    }

    #[test]
    fn passport_formats() {
        for ok in [
            "123456789",
            "A12345678",
            "YA1234567",
            "09AA12345",
            "C01X00T47",
            "XN1001487",
            "AB123456",
        ] {
            assert!(passport(ok.as_bytes()), "{ok}");
        }
        for bad in ["1234567", "1234567890", "PROFILE1", "ABCDEFGHI", "A1B"] {
            assert!(!passport(bad.as_bytes()), "{bad}");
        }
        assert!(example(b"123456789") && example(b"A11111111") && !example(b"534218907"));
    }
}
