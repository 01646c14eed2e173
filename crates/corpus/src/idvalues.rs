//! Positive values of the notification laws' elements beyond the first
//! nine (credentials, national and health numbers, US taxpayer and bank
//! numbers, licences, passports, medical fields), each valid by
//! construction where its scheme has a rule, and the hard negatives that
//! sit beside them.
//!
//! Nothing here comes from a detector's lists (nor from a test-data
//! generator's): login names are built from the corpus's own census
//! names, medical values are this file's own lists, formats are the
//! issuers' published layouts.

use crate::checks::{self, MBI_LETTERS};
use crate::people::Person;
use crate::values::Gen;

/// Diagnoses as a clinic's system writes them (this corpus's own list).
pub const DIAGNOSES: &[&str] = &[
    "Type 2 diabetes mellitus without complications",
    "Essential (primary) hypertension",
    "Mild intermittent asthma",
    "Major depressive disorder, single episode",
    "Generalized anxiety disorder",
    "Hypothyroidism, unspecified",
    "Chronic kidney disease, stage 3a",
    "Migraine without aura",
    "Primary osteoarthritis, right knee",
    "Paroxysmal atrial fibrillation",
    "Celiac disease",
    "Crohn's disease of small intestine",
    "Plaque psoriasis",
    "Gastro-esophageal reflux disease",
    "Iron deficiency anemia",
    "Mixed hyperlipidemia",
    "Obstructive sleep apnea",
    "Focal epilepsy",
    "Rheumatoid arthritis",
    "Chronic obstructive pulmonary disease",
];

/// ICD-10-CM codes (public classification), written as the codes of a
/// diagnosis field.
pub const ICD10: &[&str] = &[
    "E11.9", "I10", "J45.20", "F32.9", "F41.1", "E03.9", "N18.31", "G43.009", "M17.11", "I48.0",
    "K90.0", "K50.00", "L40.0", "K21.9", "D50.9", "E78.2", "G47.33", "G40.109", "M06.9", "J44.9",
];

/// Medications with a dose.
pub const MEDICATIONS: &[&str] = &[
    "Metformin 500 mg twice daily",
    "Lisinopril 10 mg",
    "Atorvastatin 20 mg at night",
    "Levothyroxine 50 mcg",
    "Sertraline 50 mg",
    "Albuterol inhaler as needed",
    "Omeprazole 20 mg",
    "Amlodipine 5 mg",
    "Apixaban 5 mg",
    "Insulin glargine 20 units",
    "Sumatriptan 50 mg",
    "Adalimumab 40 mg every other week",
    "Lamotrigine 100 mg",
    "Methotrexate 15 mg weekly",
];

/// A patient's condition, as a short clinical word.
pub const CONDITIONS: &[&str] = &[
    "asthma",
    "hypertension",
    "diabetes",
    "epilepsy",
    "pregnancy",
    "COPD",
    "heart failure",
    "anemia",
    "depression",
    "arthritis",
];

/// Allergies a chart records.
pub const ALLERGIES: &[&str] = &[
    "penicillin",
    "peanuts",
    "latex",
    "sulfonamides",
    "shellfish",
    "aspirin",
];

/// A product's condition in a catalogue (negatives for a bare
/// `condition` field).
pub const PRODUCT_CONDITIONS: &[&str] = &[
    "refurbished",
    "open box",
    "pre-owned",
    "like new",
    "new with tags",
    "damaged packaging",
];

/// The syllables plaintext passwords are made of in the users export.
const SYLLABLES: &[&str] = &[
    "kor", "vel", "tam", "ris", "obu", "nef", "dra", "lin", "mop", "sul", "tek", "wya",
];

const CRYPT64: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Whether the digits of `v` (four or more) only show a layout: all one
/// digit, or counted up or down (`123456789`, `C654WAFUV3S`). Forms print
/// such numbers as examples; no issuer hands them out often enough to
/// label.
fn layout_example(v: &str) -> bool {
    let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    digits.len() >= 4
        && (digits.windows(2).all(|w| w[0] == w[1])
            || digits.windows(2).all(|w| w[1] == w[0] + 1)
            || digits.windows(2).all(|w| w[1] + 1 == w[0]))
}

/// The letters German passports use (no vowels, no B, D, Q, S).
const DE_PASSPORT: &[u8] = b"CFGHJKLMNPRTVWXYZ0123456789";

impl Gen {
    fn chars_of(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.rng.usize(alphabet.len())]))
            .collect()
    }

    fn upper(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'A' + self.rng.below(26) as u8))
            .collect()
    }

    fn digit_vec(&mut self, n: usize) -> Vec<u32> {
        (0..n).map(|_| self.rng.below(10) as u32).collect()
    }

    /// A login name built from the person's name (never an email).
    pub fn username_for(&mut self, p: &Person) -> String {
        let r = &mut self.rng;
        let (g, f) = (&p.ascii_given, &p.ascii_family);
        let gi = g.chars().next().unwrap_or('x');
        let short = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        match r.below(7) {
            0 => format!("{gi}{f}{}", r.range(1, 99)),
            1 => format!("{g}.{f}"),
            2 => format!("{}_{}", short(g, 4), short(f, 5)),
            3 => format!("{f}{gi}{}", r.range(70, 2005)),
            4 => format!("{g}{}", r.range(100, 9999)),
            5 => format!("{}-{}", short(f, 6), r.range(10, 99)),
            _ => format!("{gi}.{f}"),
        }
    }

    /// A password hash as an application stores it.
    pub fn password_hash(&mut self) -> String {
        match self.rng.below(4) {
            0 | 1 => {
                let v = *self.rng.pick(&["2b", "2b", "2y", "2a"]);
                let cost = *self.rng.pick(&["10", "12", "12", "13"]);
                format!("${v}${cost}${}", self.chars_of(CRYPT64, 53))
            }
            2 => format!(
                "$argon2id$v=19$m=65536,t=3,p=4${}${}",
                self.chars_of(B64, 22),
                self.chars_of(B64, 43)
            ),
            _ => {
                if self.rng.chance(1, 2) {
                    let iter = *self.rng.pick(&["260000", "600000", "720000"]);
                    let salt: String = (0..22)
                        .map(|_| char::from(B64[self.rng.usize(62)]))
                        .collect();
                    format!("pbkdf2_sha256${iter}${salt}${}=", self.chars_of(B64, 43))
                } else {
                    format!(
                        "$6${}${}",
                        self.chars_of(CRYPT64, 16),
                        self.chars_of(CRYPT64, 86)
                    )
                }
            }
        }
    }

    /// A plaintext password a user chose.
    pub fn plain_password(&mut self) -> String {
        let a = *self.rng.pick(SYLLABLES);
        let b = *self.rng.pick(SYLLABLES);
        let mut s = format!(
            "{a}{b}{}{}",
            self.rng.range(1, 999),
            self.rng.pick(&["!", "#", "?", "%", ""])
        );
        if self.rng.chance(1, 2) {
            if let Some(c) = s.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
        }
        s
    }

    /// A card security code (three digits, four for Amex).
    pub fn security_code(&mut self) -> String {
        let n = if self.rng.chance(1, 8) { 4 } else { 3 };
        self.rng.digits(n)
    }

    /// A UK National Insurance number, compact or spaced.
    pub fn nino(&mut self) -> String {
        const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
        const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
        let (a, b) = loop {
            let a = char::from(FIRST[self.rng.usize(FIRST.len())]);
            let b = char::from(SECOND[self.rng.usize(SECOND.len())]);
            let pair: String = [a, b].iter().collect();
            if !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&pair.as_str()) {
                break (a, b);
            }
        };
        let d = self.rng.digits(6);
        let s = *self.rng.pick(&["A", "B", "C", "D"]);
        if self.rng.chance(1, 2) {
            format!("{a}{b} {} {} {} {s}", &d[..2], &d[2..4], &d[4..])
        } else {
            format!("{a}{b}{d}{s}")
        }
    }

    /// A Brazilian CPF, dotted.
    pub fn cpf(&mut self) -> String {
        let d = loop {
            let d = self.digit_vec(9);
            if d.iter().any(|&x| x != d[0]) {
                break d;
            }
        };
        let (c1, c2) = checks::cpf_checks(&d);
        let s: String = d.iter().map(|x| x.to_string()).collect();
        format!("{}.{}.{}-{c1}{c2}", &s[..3], &s[3..6], &s[6..])
    }

    /// A Dutch BSN (eleven-test), nine digits.
    pub fn bsn(&mut self) -> String {
        loop {
            let d = self.digit_vec(8);
            let sum: u32 = d.iter().zip((2..=9).rev()).map(|(x, w)| x * w).sum();
            let last = sum % 11;
            if last < 10 && d[0] != 0 {
                return d.iter().chain([&last]).map(|x| x.to_string()).collect();
            }
        }
    }

    /// A Canadian SIN (Luhn), spaced 3-3-3 or compact.
    pub fn sin(&mut self) -> String {
        let mut d = vec![self.rng.range(1, 7) as u32];
        d.extend(self.digit_vec(7));
        d.push(checks::luhn_check(&d));
        let s: String = d.iter().map(|x| x.to_string()).collect();
        if self.rng.chance(1, 2) {
            format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
        } else {
            s
        }
    }

    /// A Spanish DNI: eight digits and the check letter.
    pub fn dni(&mut self) -> String {
        let n = self.rng.range(10_000_000, 99_999_999) as u32;
        format!("{n:08}{}", checks::dni_letter(n))
    }

    /// An Aadhaar number (Verhoeff), spaced 4-4-4.
    pub fn aadhaar(&mut self) -> String {
        let mut d = vec![self.rng.range(2, 9) as u32];
        d.extend(self.digit_vec(10));
        d.push(checks::verhoeff_check(&d));
        let s: String = d.iter().map(|x| x.to_string()).collect();
        format!("{} {} {}", &s[..4], &s[4..8], &s[8..])
    }

    /// A UK NHS number (mod 11), spaced 3-3-4 or compact.
    pub fn nhs(&mut self) -> String {
        loop {
            let mut d = vec![*self.rng.pick(&[4u32, 6, 7])];
            d.extend(self.digit_vec(8));
            let Some(c) = checks::nhs_check(&d) else {
                continue;
            };
            d.push(c);
            let s: String = d.iter().map(|x| x.to_string()).collect();
            return if self.rng.chance(1, 2) {
                format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
            } else {
                s
            };
        }
    }

    /// A Medicare Beneficiary Identifier, dashed or compact.
    pub fn mbi(&mut self) -> String {
        let alpha = |g: &mut Gen| char::from(MBI_LETTERS[g.rng.usize(MBI_LETTERS.len())]);
        let digit = |g: &mut Gen| char::from(b'0' + g.rng.below(10) as u8);
        let alnum = |g: &mut Gen| {
            if g.rng.chance(1, 2) {
                alpha(g)
            } else {
                digit(g)
            }
        };
        let c = [
            char::from(b'1' + self.rng.below(9) as u8),
            alpha(self),
            alnum(self),
            digit(self),
            alpha(self),
            alnum(self),
            digit(self),
            alpha(self),
            alpha(self),
            digit(self),
            digit(self),
        ];
        let s: String = c.iter().collect();
        if self.rng.chance(1, 2) {
            format!("{}-{}-{}", &s[..4], &s[4..7], &s[7..])
        } else {
            s
        }
    }

    /// An ITIN, dashed like an SSN or compact.
    pub fn itin(&mut self, dashed: bool) -> String {
        let group = loop {
            let g = self.rng.range(50, 99) as u32;
            if checks::itin_group(g) {
                break g;
            }
        };
        let (a, s) = (self.rng.range(0, 99), self.rng.range(1, 9999));
        if dashed {
            format!("9{a:02}-{group:02}-{s:04}")
        } else {
            format!("9{a:02}{group:02}{s:04}")
        }
    }

    /// An EIN, `12-3456789`.
    pub fn ein(&mut self) -> String {
        let p = *self.rng.pick(checks::EIN_PREFIXES);
        format!("{p:02}-{}", self.rng.digits(7))
    }

    /// An ABA routing number; `valid: false` spoils its check digit.
    pub fn routing(&mut self, valid: bool) -> String {
        let prefix = match self.rng.below(3) {
            0 => self.rng.range(1, 12),
            1 => self.rng.range(21, 32),
            _ => self.rng.range(61, 72),
        } as u32;
        let mut d = vec![prefix / 10, prefix % 10];
        d.extend(self.digit_vec(6));
        let mut check = checks::aba_check(&d);
        if !valid {
            check = (check + 1 + self.rng.below(9) as u32) % 10;
        }
        d.push(check);
        d.iter().map(|x| x.to_string()).collect()
    }

    /// A US bank account number (8 to 12 digits).
    pub fn bank_account(&mut self) -> String {
        let n = self.rng.range(8, 12) as usize;
        format!("{}{}", self.rng.range(1, 9), self.rng.digits(n - 1))
    }

    /// A driver's licence number of a US state, the UK or an EU country;
    /// the UK's is built from the person. Never a layout's example.
    pub fn drivers_license(&mut self, p: &Person) -> String {
        loop {
            let v = self.drivers_license_any(p);
            if !layout_example(&v) {
                return v;
            }
        }
    }

    fn drivers_license_any(&mut self, p: &Person) -> String {
        let r = self.rng.below(8);
        match r {
            // California: a letter, seven digits.
            0 => format!("{}{}", self.upper(1), self.rng.digits(7)),
            // Texas, Pennsylvania: eight digits.
            1 => format!("{}{}", self.rng.range(1, 9), self.rng.digits(7)),
            // Florida: a letter and twelve digits, dashed as printed.
            2 => {
                let d = self.rng.digits(12);
                format!(
                    "{}{}-{}-{}-{}-{}",
                    self.upper(1),
                    &d[..3],
                    &d[3..6],
                    &d[6..8],
                    &d[8..11],
                    &d[11..]
                )
            }
            // Illinois: a letter and eleven digits.
            3 => format!("{}{}", self.upper(1), self.rng.digits(11)),
            // New York: nine digits.
            4 => format!("{}{}", self.rng.range(1, 9), self.rng.digits(8)),
            // Washington since 2018: WDL and nine letters and digits.
            5 => format!(
                "WDL{}{}{}",
                self.upper(2),
                self.rng.digits(5),
                self.rng.alnum_upper(2)
            ),
            // Germany: authority code, serial, check digit, issue.
            6 => format!(
                "{}{}{}{}{}",
                self.upper(1),
                self.rng.digits(3),
                self.rng.alnum_upper(5),
                self.rng.digits(1),
                self.rng.alnum_upper(1)
            ),
            // The UK (DVLA): the holder's surname, birth date, initials.
            _ => self.uk_licence(p),
        }
    }

    fn uk_licence(&mut self, p: &Person) -> String {
        let mut surname: String = p
            .ascii_family
            .to_ascii_uppercase()
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(5)
            .collect();
        if surname.is_empty() {
            // No Latin letters to build it from: a Californian one.
            return format!("{}{}", self.upper(1), self.rng.digits(7));
        }
        while surname.len() < 5 {
            surname.push('9');
        }
        let year = self.rng.range(1945, 2004);
        let month = self.rng.range(1, 12) + if p.female { 50 } else { 0 };
        let day = self.rng.range(1, 28);
        let g = p.ascii_given.to_ascii_uppercase();
        let initial = g.chars().next().unwrap_or('X');
        let middle = p.middle;
        format!(
            "{surname}{}{month:02}{day:02}{}{initial}{middle}9{}",
            (year / 10) % 10,
            year % 10,
            self.upper(2)
        )
    }

    /// A passport number of the US, the UK, Germany, France or Italy.
    pub fn passport(&mut self) -> String {
        loop {
            let v = match self.rng.below(6) {
                // US (before 2021) and UK: nine digits.
                0 | 1 => format!("{}{}", self.rng.range(1, 9), self.rng.digits(8)),
                // US since 2021: a letter and eight digits.
                2 => format!("{}{}", self.upper(1), self.rng.digits(8)),
                // Germany: C, F, G, H, J or K, then eight of its alphabet.
                3 => format!(
                    "{}{}{}",
                    self.rng.pick(&["C", "F", "G", "H", "J", "K"]),
                    self.rng.digits(3),
                    self.chars_of(DE_PASSPORT, 5)
                ),
                // France: two digits, two letters, five digits.
                4 => format!(
                    "{}{}{}",
                    self.rng.digits(2),
                    self.upper(2),
                    self.rng.digits(5)
                ),
                // Italy: two letters, seven digits.
                _ => format!("{}{}", self.upper(2), self.rng.digits(7)),
            };
            if !layout_example(&v) {
                return v;
            }
        }
    }

    pub fn diagnosis(&mut self) -> &'static str {
        self.pick_str(DIAGNOSES)
    }

    pub fn icd10(&mut self) -> &'static str {
        self.pick_str(ICD10)
    }

    pub fn medication(&mut self) -> &'static str {
        self.pick_str(MEDICATIONS)
    }

    /// An order number a shop prints (never any person's number).
    pub fn invoice(&mut self) -> String {
        format!("INV-2024-{}", self.rng.digits(6))
    }
}
