//! Validation rules of national identity and health-insurance numbers:
//! check digits and fixed layouts, on ASCII bytes, nothing else. Which
//! layouts are looked for, and when context admits a number, is decided
//! in `govid.rs`.
//!
//! A checksum passes one random number in 10 (Luhn, Verhoeff), 11 (BSN,
//! NHS), 23 (DNI), 26 (codice fiscale), 97 (NIR) or 100 (CPF): alone it
//! proves little, which is why the weaker ones need a context word.

/// The value of an ASCII digit.
fn v(d: u8) -> u32 {
    u32::from(d.wrapping_sub(b'0'))
}

fn all_digits(d: &[u8]) -> bool {
    d.iter().all(u8::is_ascii_digit)
}

/// All digits the same (`111.111.111-11`, `000000000`): test data, and
/// excluded by every issuer that publishes its rules.
fn repeated(d: &[u8]) -> bool {
    d.iter().all(|&x| x == d[0])
}

/// Brazil's CPF: eleven digits, the last two check digits (mod 11 with
/// weights 10..2, then 11..2).
pub(super) fn cpf(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || repeated(d) {
        return false;
    }
    let check = |n: usize| {
        let sum: u32 = (0..n).map(|i| v(d[i]) * (n as u32 + 1 - i as u32)).sum();
        (sum * 10) % 11 % 10
    };
    check(9) == v(d[9]) && check(10) == v(d[10])
}

/// France's NIR (numéro de sécurité sociale): 13 characters and a
/// two-digit key, `97 - (n mod 97)`. Corsica's départements `2A` and `2B`
/// count as 19 and 18. The first character is the sex (1, 2; 7, 8 for
/// temporary numbers), then year, month (01-12, or 20-42 and 50-99 when
/// unknown) and département.
pub(super) fn nir(body: &[u8; 13], key: &[u8]) -> bool {
    if key.len() != 2 || !all_digits(key) || !matches!(body[0], b'1' | b'2' | b'7' | b'8') {
        return false;
    }
    let month = body[3..5]
        .iter()
        .try_fold(0u32, |a, &d| d.is_ascii_digit().then(|| a * 10 + v(d)));
    if !matches!(month, Some(1..=12 | 20..=42 | 50..=99)) {
        return false;
    }
    let mut n: u64 = 0;
    for (i, &c) in body.iter().enumerate() {
        let digit = match (i, c) {
            (5, b'2') if matches!(body[6], b'A' | b'B') => 1,
            (6, b'A') if body[5] == b'2' => 9,
            (6, b'B') if body[5] == b'2' => 8,
            _ if c.is_ascii_digit() => v(c),
            _ => return false,
        };
        n = n * 10 + u64::from(digit);
    }
    97 - (n % 97) as u32 == v(key[0]) * 10 + v(key[1])
}

/// The Netherlands' BSN: nine digits passing the "11-test" (weights 9..2
/// and -1).
pub(super) fn bsn(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || repeated(d) {
        return false;
    }
    let sum: i64 = (0..8)
        .map(|i| i64::from(v(d[i])) * (9 - i as i64))
        .sum::<i64>()
        - i64::from(v(d[8]));
    sum % 11 == 0
}

/// Canada's SIN: nine digits, Luhn-valid; the first digit is a region (1-7)
/// or 9 (temporary residents). 0 and 8 are not issued.
pub(super) fn sin(d: &[u8]) -> bool {
    d.len() == 9
        && all_digits(d)
        && !matches!(d[0], b'0' | b'8')
        && !repeated(d)
        && super::card::luhn(d)
}

/// India's Aadhaar: twelve digits, the first 2-9, the last a Verhoeff
/// check digit.
pub(super) fn aadhaar(d: &[u8]) -> bool {
    d.len() == 12 && all_digits(d) && d[0] >= b'2' && !repeated(d) && verhoeff(d)
}

/// The Verhoeff checksum (dihedral group D5) over ASCII digits.
pub(super) fn verhoeff(d: &[u8]) -> bool {
    const MUL: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const PERM: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, &x) in d.iter().rev().enumerate() {
        let x = x.wrapping_sub(b'0');
        if x > 9 {
            return false;
        }
        c = MUL[usize::from(c)][usize::from(PERM[i % 8][usize::from(x)])];
    }
    !d.is_empty() && c == 0
}

/// The UK's NHS number: ten digits, the last a mod-11 check digit
/// (weights 10..2; a remainder giving 10 is never issued).
pub(super) fn nhs(d: &[u8]) -> bool {
    if d.len() != 10 || !all_digits(d) || repeated(d) {
        return false;
    }
    let sum: u32 = (0..9).map(|i| v(d[i]) * (10 - i as u32)).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == v(d[9])
}

/// The letter of a Spanish DNI number (and of an NIE, its `X`/`Y`/`Z`
/// read as 0/1/2).
pub(super) fn dni_letter(n: u32) -> u8 {
    b"TRWAGMYFPDXBNJZSQVHLCKE"[(n % 23) as usize]
}

/// Spain's DNI: eight digits and their check letter.
pub(super) fn dni(digits: &[u8], letter: u8) -> bool {
    digits.len() == 8 && all_digits(digits) && {
        let n = digits.iter().fold(0, |a, &d| a * 10 + v(d));
        dni_letter(n) == letter
    }
}

/// Spain's NIE: `X`, `Y` or `Z`, seven digits and a check letter.
pub(super) fn nie(lead: u8, digits: &[u8], letter: u8) -> bool {
    let first = match lead {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        _ => return false,
    };
    digits.len() == 7 && all_digits(digits) && {
        let n = digits.iter().fold(first, |a, &d| a * 10 + v(d));
        dni_letter(n) == letter
    }
}

/// The UK's National Insurance number prefix: the letters D, F, I, Q, U
/// and V are never used, O not second, and BG, GB, KN, NK, NT, TN and ZZ
/// are not allocated. (`QQ 12 34 56 C`, HMRC's own example, fails here.)
pub(super) fn nino_prefix(a: u8, b: u8) -> bool {
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !matches!(a, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V')
        && !matches!(b, b'D' | b'F' | b'I' | b'O' | b'Q' | b'U' | b'V')
        && !matches!(
            &[a, b],
            b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
        )
}

/// A NINO's suffix letter.
pub(super) fn nino_suffix(c: u8) -> bool {
    matches!(c, b'A'..=b'D')
}

/// Italy's codice fiscale: `RSSMRA85T10A562S` — six letters (surname and
/// name), year, month letter, day (+40 for women), the municipality's
/// letter and three digits, and a check letter. Digits may be replaced by
/// the letters `LMNPQRSTUV` (omocodia) when two people would share a code.
pub(super) fn codice_fiscale(c: &[u8; 16]) -> bool {
    const MONTHS: &[u8] = b"ABCDEHLMPRST";
    const OMOCODIA: &[u8] = b"LMNPQRSTUV";
    let digit_like = |b: u8| b.is_ascii_digit() || OMOCODIA.contains(&b);
    let letters = |r: std::ops::Range<usize>| c[r].iter().all(u8::is_ascii_uppercase);
    if !(letters(0..6)
        && c[6..8].iter().all(|&b| digit_like(b))
        && MONTHS.contains(&c[8])
        && c[9..11].iter().all(|&b| digit_like(b))
        && c[11].is_ascii_uppercase()
        && c[12..15].iter().all(|&b| digit_like(b))
        && c[15].is_ascii_uppercase())
    {
        return false;
    }
    let value = |b: u8| -> usize {
        match b {
            b'0'..=b'9' => usize::from(b - b'0'),
            _ => usize::from(b - b'A'),
        }
    };
    let day = |b: u8| match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        _ => OMOCODIA.iter().position(|&o| o == b).unwrap_or(0) as u32,
    };
    let d = day(c[9]) * 10 + day(c[10]);
    if !matches!(d, 1..=31 | 41..=71) {
        return false;
    }
    // Odd positions (1st, 3rd, …) by this table, indexed by digit value
    // or letter offset; even positions by their value.
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let sum: u32 = c[..15]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if i % 2 == 0 {
                ODD[value(b)]
            } else {
                value(b) as u32
            }
        })
        .sum();
    c[15] == b'A' + (sum % 26) as u8
}

/// A US Medicare Beneficiary Identifier: eleven characters in fixed
/// classes (no check digit). Letters exclude S, L, O, I, B and Z.
pub(super) fn mbi(c: &[u8; 11]) -> bool {
    let alpha =
        |b: u8| b.is_ascii_uppercase() && !matches!(b, b'S' | b'L' | b'O' | b'I' | b'B' | b'Z');
    let alnum = |b: u8| b.is_ascii_digit() || alpha(b);
    matches!(c[0], b'1'..=b'9')
        && alpha(c[1])
        && alnum(c[2])
        && c[3].is_ascii_digit()
        && alpha(c[4])
        && alnum(c[5])
        && c[6].is_ascii_digit()
        && alpha(c[7])
        && alpha(c[8])
        && c[9].is_ascii_digit()
        && c[10].is_ascii_digit()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Appends CPF check digits to nine digits.
    pub(crate) fn cpf_with_checks(nine: &str) -> String {
        let mut s = nine.to_string();
        for _ in 0..2 {
            let n = s.len();
            let sum: u32 = s
                .bytes()
                .enumerate()
                .map(|(i, d)| v(d) * (n as u32 + 1 - i as u32))
                .sum();
            s.push(char::from(b'0' + ((sum * 10) % 11 % 10) as u8));
        }
        s
    }

    /// A NIR's key for 13 characters.
    pub(crate) fn nir_key(body: &str) -> String {
        let n: u64 = body
            .replace("2A", "19")
            .replace("2B", "18")
            .parse()
            .expect("digits");
        format!("{:02}", 97 - n % 97)
    }

    /// Appends the Verhoeff check digit.
    pub(crate) fn with_verhoeff(body: &str) -> String {
        (0..10)
            .map(|c| format!("{body}{c}"))
            .find(|s| verhoeff(s.as_bytes()))
            .expect("one check digit fits")
    }

    #[test]
    fn cpf_check_digits() {
        assert!(cpf(b"12345678909"));
        assert!(cpf(b"52998224725"));
        assert!(!cpf(b"12345678900"));
        assert!(!cpf(b"11111111111"));
        assert_eq!(cpf_with_checks("529982247"), "52998224725");
    }

    #[test]
    fn nir_key_and_corsica() {
        let body = *b"1850578006084";
        let key = nir_key("1850578006084");
        assert!(nir(&body, key.as_bytes()));
        assert!(!nir(&body, b"00"));
        // Corsica: 2A counts as 19, 2B as 18.
        let corse = *b"285102A123456";
        assert!(nir(&corse, nir_key("285102A123456").as_bytes()));
        assert_ne!(nir_key("285102A123456"), nir_key("285102B123456"));
        // Sex digit and month must be possible.
        let bad = *b"3850578006084";
        assert!(!nir(&bad, nir_key("3850578006084").as_bytes()));
        let bad = *b"1851378006084";
        assert!(!nir(&bad, nir_key("1851378006084").as_bytes()));
    }

    #[test]
    fn bsn_eleven_test() {
        assert!(bsn(b"111222333"));
        assert!(bsn(b"123456782"));
        assert!(!bsn(b"123456789"));
        assert!(!bsn(b"000000000"));
    }

    #[test]
    fn sin_luhn_and_region() {
        let ok = super::super::card::tests::with_check_digit("13069254");
        assert!(sin(ok.as_bytes()));
        assert!(!sin(b"130692545"));
        // The well-known example number starts with 0, which is not issued.
        assert!(super::super::card::luhn(b"046454286"));
        assert!(!sin(b"046454286"));
        // Luhn-valid, but 8 is no region.
        assert!(super::super::card::luhn(b"800000002"));
        assert!(!sin(b"800000002"));
    }

    #[test]
    fn verhoeff_and_aadhaar() {
        assert!(verhoeff(b"2363"));
        assert!(!verhoeff(b"2364"));
        let a = with_verhoeff("23456789012");
        assert!(aadhaar(a.as_bytes()));
        let low = with_verhoeff("12345678901");
        assert!(!aadhaar(low.as_bytes()), "first digit 1 is not issued");
    }

    #[test]
    fn nhs_mod_11() {
        assert!(nhs(b"9434765919"));
        assert!(!nhs(b"9434765918"));
        assert!(!nhs(b"0000000000"));
    }

    #[test]
    fn dni_and_nie_letters() {
        assert!(dni(b"12345678", b'Z'));
        assert!(!dni(b"12345678", b'A'));
        assert!(nie(b'X', b"1234567", b'L'));
        assert!(!nie(b'X', b"1234567", b'T'));
        assert!(!nie(b'A', b"1234567", b'L'));
    }

    #[test]
    fn nino_prefixes() {
        assert!(nino_prefix(b'A', b'B'));
        assert!(nino_prefix(b'J', b'G'));
        assert!(!nino_prefix(b'Q', b'Q'));
        assert!(!nino_prefix(b'G', b'B'));
        assert!(!nino_prefix(b'A', b'O'));
        assert!(nino_suffix(b'C') && !nino_suffix(b'E'));
    }

    #[test]
    fn codice_fiscale_check_letter() {
        assert!(codice_fiscale(b"RSSMRA85T10A562S"));
        assert!(!codice_fiscale(b"RSSMRA85T10A562T"));
        // Omocodia: the last digit replaced by its letter (2 -> N); the
        // check letter changes with it.
        let base = *b"RSSMRA85T10A56NA";
        let ok = (b'A'..=b'Z').filter(|&l| {
            let mut c = base;
            c[15] = l;
            codice_fiscale(&c)
        });
        assert_eq!(ok.count(), 1);
        assert!(!codice_fiscale(b"RSSMRA85X10A562S"), "X is no month");
    }

    #[test]
    fn mbi_layout() {
        assert!(mbi(b"1EG4TE5MK73"));
        assert!(!mbi(b"0EG4TE5MK73"));
        assert!(!mbi(b"1SG4TE5MK73"));
        assert!(!mbi(b"1EG4TE5MK7A"));
    }
}
