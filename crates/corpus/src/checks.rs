//! Independent checks (and check digits) of the identifiers the corpus
//! writes for the notification laws' elements beyond the first nine:
//! national IDs, health-insurance numbers, US taxpayer and bank numbers,
//! password hashes. Written from the schemes' published rules, not from
//! the detectors' code: the generator uses them to make truthful labels
//! and the tests to re-validate labelled bytes.

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

fn only_digits(s: &str, len: usize) -> Option<Vec<u32>> {
    let d = digits(s);
    (d.len() == len && s.chars().all(|c| c.is_ascii_digit() || " .-".contains(c))).then_some(d)
}

/// The UK NHS number's check digit for nine digits (mod 11, weights 10 to
/// 2), or `None` when the remainder gives 10 (never issued).
pub fn nhs_check(nine: &[u32]) -> Option<u32> {
    let sum: u32 = nine.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

pub fn nhs_ok(s: &str) -> bool {
    only_digits(s, 10).is_some_and(|d| nhs_check(&d[..9]) == Some(d[9]))
}

/// Brazil's CPF check digits (mod 11, weights 10..2 then 11..2).
pub fn cpf_checks(nine: &[u32]) -> (u32, u32) {
    let dv = |ds: &[u32]| {
        let top = ds.len() as u32 + 1;
        let sum: u32 = ds
            .iter()
            .enumerate()
            .map(|(i, d)| d * (top - i as u32))
            .sum();
        match sum * 10 % 11 {
            10 => 0,
            r => r,
        }
    };
    let first = dv(nine);
    let mut ten = nine.to_vec();
    ten.push(first);
    (first, dv(&ten))
}

pub fn cpf_ok(s: &str) -> bool {
    only_digits(s, 11)
        .is_some_and(|d| d.iter().any(|&x| x != d[0]) && cpf_checks(&d[..9]) == (d[9], d[10]))
}

/// The Dutch BSN's eleven-test: 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11).
pub fn bsn_ok(s: &str) -> bool {
    only_digits(s, 9).is_some_and(|d| {
        let sum: i64 = d[..8]
            .iter()
            .zip((2..=9).rev())
            .map(|(&x, w)| i64::from(x) * w)
            .sum::<i64>()
            - i64::from(d[8]);
        sum % 11 == 0 && d.iter().any(|&x| x != 0)
    })
}

/// Canada's SIN: nine digits, Luhn-valid.
pub fn sin_ok(s: &str) -> bool {
    only_digits(s, 9).is_some_and(|d| d[0] != 0 && luhn(&d))
}

/// The Luhn check digit that completes `body`.
pub fn luhn_check(body: &[u32]) -> u32 {
    let mut d = body.to_vec();
    d.push(0);
    (0..10)
        .find(|&c| {
            d[body.len()] = c;
            luhn(&d)
        })
        .unwrap_or(0)
}

fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                (x * 2) % 9 + u32::from(x == 9) * 9
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// Spain's DNI check letter for its eight digits.
pub fn dni_letter(n: u32) -> char {
    char::from(b"TRWAGMYFPDXBNJZSQVHLCKE"[(n % 23) as usize])
}

pub fn dni_ok(s: &str) -> bool {
    let (num, letter) = s.split_at(s.len().saturating_sub(1));
    let num = num.trim_end_matches('-');
    num.len() == 8
        && num.chars().all(|c| c.is_ascii_digit())
        && num
            .parse::<u32>()
            .is_ok_and(|n| letter.starts_with(dni_letter(n)))
}

const VERHOEFF_D: [[u8; 10]; 10] = [
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
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const VERHOEFF_INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// The Verhoeff check digit that completes `body` (India's Aadhaar).
pub fn verhoeff_check(body: &[u32]) -> u32 {
    let mut c = 0u8;
    for (i, &x) in body.iter().rev().enumerate() {
        c = VERHOEFF_D[usize::from(c)][usize::from(VERHOEFF_P[(i + 1) % 8][x as usize])];
    }
    u32::from(VERHOEFF_INV[usize::from(c)])
}

pub fn aadhaar_ok(s: &str) -> bool {
    only_digits(s, 12).is_some_and(|d| d[0] >= 2 && verhoeff_check(&d[..11]) == d[11])
}

/// Letters a NINO's prefix never uses (first, second), and prefixes not
/// allocated.
pub fn nino_ok(s: &str) -> bool {
    let c: Vec<char> = s.chars().filter(|c| *c != ' ').collect();
    let [a, b, d @ .., suffix] = c.as_slice() else {
        return false;
    };
    let prefix: String = [*a, *b].iter().collect();
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !"DFIQUV".contains(*a)
        && !"DFIOQUV".contains(*b)
        && !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&prefix.as_str())
        && d.len() == 6
        && d.iter().all(char::is_ascii_digit)
        && ('A'..='D').contains(suffix)
}

/// A Medicare Beneficiary Identifier's letters: A–Z without S, L, O, I, B, Z.
pub const MBI_LETTERS: &[u8] = b"ACDEFGHJKMNPQRTUVWXY";

pub fn mbi_ok(s: &str) -> bool {
    let c: Vec<u8> = s.bytes().filter(|&b| b != b'-').collect();
    let alpha = |b: u8| MBI_LETTERS.contains(&b);
    let digit = |b: u8| b.is_ascii_digit();
    let alnum = |b: u8| digit(b) || alpha(b);
    c.len() == 11
        && (b'1'..=b'9').contains(&c[0])
        && alpha(c[1])
        && alnum(c[2])
        && digit(c[3])
        && alpha(c[4])
        && alnum(c[5])
        && digit(c[6])
        && alpha(c[7])
        && alpha(c[8])
        && digit(c[9])
        && digit(c[10])
}

/// The ABA routing number's check digit for its first eight digits
/// (weights 3, 7, 1).
pub fn aba_check(eight: &[u32]) -> u32 {
    let sum: u32 = eight
        .iter()
        .zip([3, 7, 1].iter().cycle())
        .map(|(d, w)| d * w)
        .sum();
    (10 - sum % 10) % 10
}

pub fn aba_ok(s: &str) -> bool {
    only_digits(s, 9).is_some_and(|d| {
        let prefix = d[0] * 10 + d[1];
        matches!(prefix, 1..=12 | 21..=32 | 61..=72 | 80) && aba_check(&d[..8]) == d[8]
    })
}

/// The middle groups the IRS assigns to ITINs.
pub fn itin_group(g: u32) -> bool {
    matches!(g, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

pub fn itin_ok(s: &str) -> bool {
    only_digits(s, 9).is_some_and(|d| d[0] == 9 && itin_group(d[3] * 10 + d[4]))
}

/// The EIN prefixes the corpus writes (a few of those the IRS assigns to
/// its campuses and to online applications).
pub const EIN_PREFIXES: &[u32] = &[
    10, 12, 16, 20, 23, 26, 27, 33, 36, 41, 45, 46, 47, 52, 61, 75, 81, 82, 84, 86, 88, 91, 93, 95,
    98,
];

pub fn ein_ok(s: &str) -> bool {
    let Some((p, rest)) = s.split_once('-') else {
        return false;
    };
    p.len() == 2
        && rest.len() == 7
        && rest.chars().all(|c| c.is_ascii_digit())
        && p.parse::<u32>().is_ok_and(|p| EIN_PREFIXES.contains(&p))
}

/// A password hash in one of the layouts the corpus writes: bcrypt,
/// argon2id (PHC), Django PBKDF2, SHA-512 crypt.
pub fn password_hash_ok(s: &str) -> bool {
    let crypt64 = |t: &str| {
        t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/')
    };
    let b64 = |t: &str| {
        t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
    };
    let parts: Vec<&str> = s.split('$').collect();
    match parts.as_slice() {
        ["", "2a" | "2b" | "2y", cost, rest] => {
            cost.len() == 2 && cost.parse::<u32>().is_ok() && rest.len() == 53 && crypt64(rest)
        }
        ["", "argon2id", "v=19", params, salt, hash] => {
            params.starts_with("m=") && b64(salt) && b64(hash) && hash.len() >= 22
        }
        ["pbkdf2_sha256", iter, salt, hash] => {
            iter.parse::<u32>().is_ok()
                && salt.chars().all(|c| c.is_ascii_alphanumeric())
                && hash.len() == 44
                && hash.ends_with('=')
        }
        ["", "6", salt, hash] => {
            salt.len() <= 16 && crypt64(salt) && hash.len() == 86 && crypt64(hash)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples() {
        // The NHS's, the Receita's, Dutch and Canadian test numbers, the
        // Aadhaar sample, HMRC-style NINOs, CMS's MBI example, routing
        // numbers of large banks.
        assert!(nhs_ok("943 476 5919"));
        assert!(!nhs_ok("943 476 5918"));
        assert!(cpf_ok("111.444.777-35"));
        assert!(!cpf_ok("111.444.777-36"));
        assert!(bsn_ok("111222333"));
        assert!(!bsn_ok("111222334"));
        assert!(sin_ok("130 692 544"));
        assert!(!sin_ok("130 692 545"));
        // Luhn-valid, but no SIN starts with 0.
        assert!(!sin_ok("046 454 286"));
        assert!(dni_ok("12345678Z"));
        assert!(!dni_ok("12345678A"));
        assert!(aadhaar_ok("2341 2341 2346"));
        assert_eq!(verhoeff_check(&[2, 3, 6]), 3);
        assert!(nino_ok("AB 12 34 56 C"));
        assert!(!nino_ok("QQ 12 34 56 C"));
        assert!(mbi_ok("1EG4-TE5-MK73"));
        assert!(!mbi_ok("1SG4-TE5-MK73"));
        assert!(aba_ok("021000021"));
        assert!(!aba_ok("021000022"));
        assert!(itin_ok("912-78-3456"));
        assert!(!itin_ok("912-45-3456"));
        assert!(ein_ok("12-3456789"));
        assert!(password_hash_ok(
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
        ));
    }
}
