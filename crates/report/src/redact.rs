//! Redaction: enough of a value to tell findings apart in triage, never
//! enough to use it.

use bw_detect::Kind;

use crate::json;

/// The mask character. ASCII, so excerpts survive any terminal or log.
const MASK: char = '*';

/// Redacts `value` for `kind`:
/// - email: first character of the local part and the top-level domain
///   (`j***@*******.com`);
/// - payment_card, iban, bank_account: the last four characters (as
///   printed receipts and statements do);
/// - phone_number: the last two digits;
/// - person_name, street_address: the first letter of each word;
/// - username: the first character (as an email's local part);
/// - us_ssn, ip_address, date_of_birth, government_id, health_insurance,
///   card_security_code, tax_id, drivers_license, passport: separators only;
/// - password: nothing of the secret, only a hash's scheme (`$2b$***`,
///   `pbkdf2_sha256$***`, `{SSHA}***`); a plaintext password or bare digest
///   is `***` whatever its length;
/// - health: `***` whatever its length: a diagnosis's initials or word
///   count can say what it is.
pub fn redact(kind: Kind, value: &[u8]) -> String {
    if !value.is_ascii() {
        return redact_str(kind, &String::from_utf8_lossy(value));
    }
    let mut bytes = Vec::with_capacity(value.len());
    redact_ascii(kind, value, &mut bytes);
    // The `_ascii` functions only ever write ASCII, so this never fails;
    // the fallback keeps it total without a panic path.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends [`redact`]`(kind, value)` to `out` as a JSON string literal,
/// without building the excerpt first: a dense scan writes millions.
pub fn redact_json(kind: Kind, value: &[u8], out: &mut Vec<u8>) {
    if !value.is_ascii() {
        return json::string(out, &redact(kind, value));
    }
    out.push(b'"');
    let at = out.len();
    redact_ascii(kind, value, out);
    json::escape_from(out, at);
    out.push(b'"');
}

/// [`redact`] of an ASCII value, appended to `out`. Nearly every value is
/// ASCII: this works on bytes, without decoding (the UTF-8 paths were 7%
/// of a dense scan).
fn redact_ascii(kind: Kind, value: &[u8], out: &mut Vec<u8>) {
    match kind {
        Kind::Email => redact_email_ascii(value, out),
        Kind::PaymentCard | Kind::Iban | Kind::BankAccount => keep_last_alnum_ascii(value, 4, out),
        Kind::PhoneNumber => keep_last_alnum_ascii(value, 2, out),
        Kind::UsSsn
        | Kind::IpAddress
        | Kind::DateOfBirth
        | Kind::GovernmentId
        | Kind::HealthInsurance
        | Kind::CardSecurityCode
        | Kind::TaxId
        | Kind::DriversLicense
        | Kind::Passport => keep_last_alnum_ascii(value, 0, out),
        Kind::PersonName | Kind::StreetAddress => initials_ascii(value, out),
        Kind::Username => first_char_ascii(value, out),
        Kind::Password => password_scheme(value, out),
        Kind::Health => out.extend_from_slice(b"***"),
    }
}

/// [`redact`] on characters: any text, the ASCII bytes path's reference.
fn redact_str(kind: Kind, s: &str) -> String {
    match kind {
        Kind::Email => redact_email(s),
        Kind::PaymentCard | Kind::Iban | Kind::BankAccount => keep_last_alnum(s, 4),
        Kind::PhoneNumber => keep_last_alnum(s, 2),
        Kind::UsSsn
        | Kind::IpAddress
        | Kind::DateOfBirth
        | Kind::GovernmentId
        | Kind::HealthInsurance
        | Kind::CardSecurityCode
        | Kind::TaxId
        | Kind::DriversLicense
        | Kind::Passport => keep_last_alnum(s, 0),
        Kind::PersonName | Kind::StreetAddress => initials(s),
        Kind::Username => first_char(s),
        Kind::Health => "***".to_string(),
        Kind::Password => {
            let mut out = Vec::new();
            password_scheme(s.as_bytes(), &mut out);
            String::from_utf8_lossy(&out).into_owned()
        }
    }
}

/// The scheme of a password hash and a fixed mask, never any of the
/// secret nor its length: `$2b$12$…` → `$2b$***`, `$argon2id$v=19$…` →
/// `$argon2id$***`, `pbkdf2_sha256$600000$…` → `pbkdf2_sha256$***`,
/// `{SSHA}…` → `{SSHA}***`; anything else (a plaintext password, a bare
/// digest, a value that only looks like a scheme) → `***`. Only the
/// schemes the detector names are ever printed. Writes ASCII only.
fn password_scheme(value: &[u8], out: &mut Vec<u8>) {
    const MODULAR: &[&str] = &[
        "$1$",
        "$2a$",
        "$2b$",
        "$2x$",
        "$2y$",
        "$5$",
        "$6$",
        "$7$",
        "$y$",
        "$P$",
        "$H$",
        "$apr1$",
        "$argon2i$",
        "$argon2d$",
        "$argon2id$",
        "$scrypt$",
    ];
    const FRAMEWORK: &[&str] = &[
        "pbkdf2_sha256$",
        "pbkdf2_sha1$",
        "scrypt$",
        "argon2$",
        "bcrypt$",
        "bcrypt_sha256$",
        "pbkdf2:sha256",
        "pbkdf2:sha512",
        "pbkdf2:sha1",
        "scrypt:",
    ];
    const LDAP: &[&str] = &[
        "{SSHA}",
        "{SHA}",
        "{SMD5}",
        "{MD5}",
        "{CRYPT}",
        "{SSHA256}",
        "{SSHA512}",
        "{SHA256}",
        "{SHA512}",
        "{PBKDF2}",
        "{PBKDF2-SHA256}",
        "{PBKDF2-SHA512}",
        "{ARGON2}",
        "{BCRYPT}",
    ];
    let known = |list: &[&str]| {
        list.iter()
            .find(|p| value.len() > p.len() && value[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
            .map(|p| p.len())
    };
    let scheme = known(MODULAR).or_else(|| known(LDAP)).or_else(|| {
        // The framework name, up to its `$` (Werkzeug's carries the
        // iteration count: `pbkdf2:sha256:600000$`).
        known(FRAMEWORK)?;
        let n = value.iter().take(32).position(|&b| b == b'$')?;
        value[..n]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':'))
            .then_some(n + 1)
            .filter(|&n| n < value.len())
    });
    if let Some(n) = scheme {
        out.extend_from_slice(&value[..n]);
    }
    out.extend_from_slice(b"***");
}

/// [`first_char`] for ASCII bytes.
fn first_char_ascii(s: &[u8], out: &mut Vec<u8>) {
    if let Some((&first, rest)) = s.split_first() {
        out.push(SHOWN[usize::from(first & 0x7f)]);
        out.resize(out.len() + rest.len(), MASK as u8);
    }
}

/// Keeps the first character and masks the rest (`j*******`), as an
/// email address's local part.
fn first_char(s: &str) -> String {
    let mut chars = s.chars();
    let mut out = String::with_capacity(s.len());
    if let Some(c) = chars.next() {
        out.push(if c.is_control() { ' ' } else { c });
    }
    out.extend(chars.map(|_| MASK));
    out
}

/// [`initials`] for ASCII bytes.
fn initials_ascii(s: &[u8], out: &mut Vec<u8>) {
    let mut at_word_start = true;
    out.extend(s.iter().map(|&b| {
        let alnum = b.is_ascii_alphanumeric();
        let keep = at_word_start && alnum;
        at_word_start = !alnum;
        if keep || !alnum {
            if b.is_ascii_control() {
                b' '
            } else {
                b
            }
        } else {
            MASK as u8
        }
    }));
}

/// Keeps the first letter of each word (`J*** D**`, `1** M*** S*****`).
fn initials(s: &str) -> String {
    let mut at_word_start = true;
    s.chars()
        .map(|c| {
            let keep = at_word_start && c.is_alphanumeric();
            at_word_start = !c.is_alphanumeric();
            if keep || !c.is_alphanumeric() {
                if c.is_control() {
                    ' '
                } else {
                    c
                }
            } else {
                MASK
            }
        })
        .collect()
}

/// How the `@` may be spelled in a matched address (URL-encoded, HTML
/// entities); the detector reports the raw bytes, whichever it was.
const AT_SIGNS: [&str; 6] = ["@", "%40", "&#64;", "&#064;", "&#x40;", "&commat;"];

/// [`redact_email`] for ASCII bytes.
fn redact_email_ascii(s: &[u8], out: &mut Vec<u8>) {
    let Some((at, sep)) = last_at_sign(s) else {
        return keep_last_alnum_ascii(s, 0, out);
    };
    let (local, domain) = (&s[..at], &s[at + sep.len()..]);
    if let Some((&first, rest)) = local.split_first() {
        out.push(first);
        out.resize(out.len() + rest.len(), MASK as u8);
    }
    out.extend_from_slice(sep.as_bytes());
    let tld_at = domain
        .iter()
        .rposition(|&b| b == b'.')
        .unwrap_or(domain.len());
    out.extend(
        domain[..tld_at]
            .iter()
            .map(|&b| if b == b'.' { b'.' } else { MASK as u8 }),
    );
    out.extend_from_slice(&domain[tld_at..]);
}

fn redact_email(s: &str) -> String {
    let Some((at, sep)) = last_at_sign(s.as_bytes()) else {
        return keep_last_alnum(s, 0);
    };
    let (local, domain) = (&s[..at], &s[at + sep.len()..]);
    let mut out = String::with_capacity(s.len());
    let mut chars = local.chars();
    if let Some(c) = chars.next() {
        out.push(c);
    }
    out.extend(chars.map(|_| MASK));
    out.push_str(sep);
    let tld_at = domain.rfind('.').unwrap_or(domain.len());
    out.extend(
        domain[..tld_at]
            .chars()
            .map(|c| if c == '.' { '.' } else { MASK }),
    );
    out.push_str(&domain[tld_at..]);
    out
}

/// The last spelling of `@` in `s` and where it starts. One backward pass
/// over the bytes (the separators are ASCII, so any match starts on a
/// character boundary), instead of one substring search per spelling.
fn last_at_sign(bytes: &[u8]) -> Option<(usize, &'static str)> {
    (0..bytes.len()).rev().find_map(|i| {
        if !matches!(bytes[i], b'@' | b'%' | b'&') {
            return None;
        }
        AT_SIGNS
            .iter()
            .find(|sep| bytes[i..].starts_with(sep.as_bytes()))
            .map(|sep| (i, *sep))
    })
}

/// Each ASCII byte as a masked position shows it: letters and digits
/// masked, control characters as a space, the rest as they are.
static MASKED: [u8; 128] = byte_table(true);
/// Each ASCII byte as a kept position shows it: control characters as a
/// space, the rest as they are.
static SHOWN: [u8; 128] = byte_table(false);

const fn byte_table(mask_alnum: bool) -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if mask_alnum && b.is_ascii_alphanumeric() {
            MASK as u8
        } else if b.is_ascii_control() {
            b' '
        } else {
            b
        };
        i += 1;
    }
    t
}

/// [`keep_last_alnum`] for ASCII bytes: everything before the last `keep`
/// letters or digits is masked, by table, with no per-byte branching.
fn keep_last_alnum_ascii(s: &[u8], keep: usize, out: &mut Vec<u8>) {
    let table = |t: &'static [u8; 128]| move |&b: &u8| t[usize::from(b & 0x7f)];
    let mut cut = s.len();
    let mut kept = 0;
    while kept < keep && cut > 0 {
        cut -= 1;
        kept += usize::from(s[cut].is_ascii_alphanumeric());
    }
    // `cut` is now the first byte shown as it is (the earliest of the last
    // `keep` letters or digits); with fewer than `keep` of them, none is
    // masked.
    out.extend(s[..cut].iter().map(table(&MASKED)));
    out.extend(s[cut..].iter().map(table(&SHOWN)));
}

/// Masks letters and digits except the last `keep`; keeps separators and
/// control characters are escaped so one excerpt is one line.
fn keep_last_alnum(s: &str, keep: usize) -> String {
    let total = s.chars().filter(|c| c.is_alphanumeric()).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen + keep > total {
                    c
                } else {
                    MASK
                }
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_keeps_only_what_triage_needs() {
        assert_eq!(
            redact(Kind::Email, b"jane.doe@mail.example.com"),
            "j*******@****.*******.com"
        );
        assert_eq!(
            redact(Kind::PaymentCard, b"4111 1111 1111 1234"),
            "**** **** **** 1234"
        );
        assert_eq!(
            redact(Kind::Iban, b"DE89370400440532013000"),
            "******************3000"
        );
        assert_eq!(redact(Kind::UsSsn, b"123-45-6789"), "***-**-****");
        assert_eq!(
            redact(Kind::PhoneNumber, b"+1 (415) 555-0199"),
            "+* (***) ***-**99"
        );
        assert_eq!(redact(Kind::IpAddress, b"203.0.113.9"), "***.*.***.*");
        assert_eq!(
            redact(Kind::PersonName, "Élodie van der Berg".as_bytes()),
            "É***** v** d** B***"
        );
        assert_eq!(
            redact(Kind::StreetAddress, b"12 Main St\nSpringfield"),
            "1* M*** S* S**********"
        );
        assert_eq!(redact(Kind::DateOfBirth, b"1984-03-07"), "****-**-**");
        assert_eq!(
            redact(Kind::GovernmentId, b"123.456.789-09"),
            "***.***.***-**"
        );
        assert_eq!(
            redact(Kind::GovernmentId, b"AB 12 34 56 C"),
            "** ** ** ** *"
        );
        assert_eq!(
            redact(Kind::HealthInsurance, b"1EG4-TE5-MK73"),
            "****-***-****"
        );
        assert_eq!(redact(Kind::CardSecurityCode, b"123"), "***");
        assert_eq!(redact(Kind::Username, b"m.okafor_77"), "m**********");
        assert_eq!(redact(Kind::BankAccount, b"000123456789"), "********6789");
        assert_eq!(redact(Kind::TaxId, b"912-78-3456"), "***-**-****");
        assert_eq!(
            redact(Kind::DriversLicense, b"MORGA753116SM9IJ"),
            "****************"
        );
        assert_eq!(redact(Kind::Passport, b"C01X00T47"), "*********");
        // Nothing of a diagnosis, not even its length or word count.
        assert_eq!(redact(Kind::Health, b"Type 2 diabetes mellitus"), "***");
        assert_eq!(redact(Kind::Health, "Anämie".as_bytes()), "***");
    }

    #[test]
    fn passwords_show_only_their_scheme() {
        let cases = [
            (
                "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                "$2b$***",
            ),
            (
                "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
                "$argon2id$***",
            ),
            ("$6$rounds=5000$salt$hash", "$6$***"),
            ("pbkdf2_sha256$600000$salt$hash=", "pbkdf2_sha256$***"),
            (
                "pbkdf2:sha256:600000$salt$abcdef",
                "pbkdf2:sha256:600000$***",
            ),
            ("{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "{SSHA}***"),
            ("hunter2", "***"),
            ("Tr0ub4dor&3 and a much longer one", "***"),
            ("5f4dcc3b5aa765d61d8327deb882cf99", "***"),
            ("$", "***"),
            ("$$", "***"),
            ("{}", "***"),
            // A plaintext password that merely starts like a scheme keeps
            // nothing of its end.
            ("$abc$", "***"),
            ("$1abc$defg", "***"),
            ("ab$", "***"),
            ("scrypt:ab$cd", "scrypt:ab$***"),
            ("pässwört$x", "***"),
        ];
        for (value, want) in cases {
            assert_eq!(redact(Kind::Password, value.as_bytes()), want, "{value:?}");
            for secret in ["R9h/cIPz", "hunter2", "Tr0ub4dor", "5f4dcc3b"] {
                assert!(!redact(Kind::Password, value.as_bytes()).contains(secret));
            }
        }
    }

    #[test]
    fn ascii_values_redact_as_the_general_path_does_and_as_json() {
        // Values built from the pieces that make redaction decide: every
        // spelling of `@`, dots, separators, control bytes, what JSON must
        // escape, empty parts.
        let pieces = [
            "",
            "j",
            "jane.doe",
            "a",
            ".",
            "@",
            "%40",
            "&#64;",
            "&#x40;",
            "&commat;",
            "&",
            "%",
            "mail.example",
            "com",
            "4111 1111-1111",
            "\n",
            "\t",
            " ",
            "(415)",
            "+1",
            "_x",
            "12 Main St",
            "\"",
            "\\",
            "\u{1}",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let value = format!("{a}{b}{c}");
                    for kind in Kind::ALL.iter() {
                        let got = redact(kind, value.as_bytes());
                        assert_eq!(got, redact_str(kind, &value), "{kind} {value:?}");
                        let mut out = Vec::new();
                        redact_json(kind, value.as_bytes(), &mut out);
                        let json: String = serde_json::from_slice(&out).expect("valid JSON");
                        assert_eq!(json, got, "{kind} {value:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }
}
