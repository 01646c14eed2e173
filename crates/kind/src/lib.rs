//! `bw-kind`: the kinds of personal data breachwatch names, and sets of
//! them.
//!
//! A leaf crate so that the detectors (`bw-detect`) and the labelled
//! corpus (`bw-corpus`) share one list without the corpus depending on
//! detector code or data: a label and a finding of the same kind carry
//! the same name in every output.
//!
//! It must never hold anything but names: no patterns, word lists or
//! validation, which belong to the detectors.

use std::fmt;
use std::str::FromStr;

/// A kind of personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Email,
    PhoneNumber,
    PaymentCard,
    UsSsn,
    Iban,
    IpAddress,
    PersonName,
    StreetAddress,
    DateOfBirth,
    /// A password or a password hash (the law's `password` element).
    Password,
    /// A national identity, tax or social-insurance number issued by a
    /// government (the law's `government_id` element).
    GovernmentId,
    /// A health-insurance or health-service number.
    HealthInsurance,
    /// A payment card's security code (CVV, CVC, CSC).
    CardSecurityCode,
    /// A login name in a login field (never an email address, which is
    /// [`Kind::Email`]).
    Username,
    /// A bank account number (US: beside an ABA routing number, or in a
    /// bank-account field). IBANs are [`Kind::Iban`].
    BankAccount,
    /// A US taxpayer number that is not an SSN: ITIN or EIN.
    TaxId,
    /// A driver's licence number.
    DriversLicense,
    /// A passport number.
    Passport,
    /// Medical information: a diagnosis, condition or medication in its
    /// field.
    Health,
}

impl Kind {
    /// Every kind, in a stable order (the order used in summaries).
    pub const ALL: KindSet = KindSet((1 << Kind::LIST.len()) - 1);

    const LIST: [Kind; 19] = [
        Kind::Email,
        Kind::PhoneNumber,
        Kind::PaymentCard,
        Kind::UsSsn,
        Kind::Iban,
        Kind::IpAddress,
        Kind::PersonName,
        Kind::StreetAddress,
        Kind::DateOfBirth,
        Kind::Password,
        Kind::GovernmentId,
        Kind::HealthInsurance,
        Kind::CardSecurityCode,
        Kind::Username,
        Kind::BankAccount,
        Kind::TaxId,
        Kind::DriversLicense,
        Kind::Passport,
        Kind::Health,
    ];

    /// How many kinds there are: the length of per-kind tables.
    pub const COUNT: usize = Kind::LIST.len();

    /// The kind's place in per-kind tables (its place in [`Kind::ALL`]).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stable, snake_case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::PhoneNumber => "phone_number",
            Kind::PaymentCard => "payment_card",
            Kind::UsSsn => "us_ssn",
            Kind::Iban => "iban",
            Kind::IpAddress => "ip_address",
            Kind::PersonName => "person_name",
            Kind::StreetAddress => "street_address",
            Kind::DateOfBirth => "date_of_birth",
            Kind::Password => "password",
            Kind::GovernmentId => "government_id",
            Kind::HealthInsurance => "health_insurance",
            Kind::CardSecurityCode => "card_security_code",
            Kind::Username => "username",
            Kind::BankAccount => "bank_account",
            Kind::TaxId => "tax_id",
            Kind::DriversLicense => "drivers_license",
            Kind::Passport => "passport",
            Kind::Health => "health",
        }
    }

    /// A one-line human description (used for SARIF rule metadata).
    pub fn description(self) -> &'static str {
        match self {
            Kind::Email => "A person's email address",
            Kind::PhoneNumber => "A phone number valid in a national numbering plan",
            Kind::PaymentCard => "A payment card number (Luhn-valid, known issuer range)",
            Kind::UsSsn => "A US Social Security number",
            Kind::Iban => "An International Bank Account Number (mod-97 valid)",
            Kind::IpAddress => "A public IPv4 or IPv6 address",
            Kind::PersonName => "A person's name",
            Kind::StreetAddress => "A postal street address",
            Kind::DateOfBirth => "A date of birth",
            Kind::Password => {
                "A password: a password hash (bcrypt, argon2, scrypt, PBKDF2, crypt) or a \
                 plaintext value in a password field"
            }
            Kind::GovernmentId => {
                "A national identity, tax or social-insurance number (checksum-valid: UK NINO, \
                 BR CPF, FR NIR, NL BSN, ES DNI/NIE, IN Aadhaar, CA SIN, IT codice fiscale)"
            }
            Kind::HealthInsurance => {
                "A health-insurance number (UK NHS number, US Medicare beneficiary identifier)"
            }
            Kind::CardSecurityCode => "A payment card security code (CVV/CVC) in its own field",
            Kind::Username => "A login name in a username or login field (not an email address)",
            Kind::BankAccount => {
                "A bank account number (beside an ABA-valid routing number, or in a bank-account \
                 field)"
            }
            Kind::TaxId => "A US taxpayer number other than an SSN (ITIN, or EIN in its context)",
            Kind::DriversLicense => {
                "A driver's licence number (labelled or in its field; US state, UK DVLA and EU \
                 formats)"
            }
            Kind::Passport => "A passport number (labelled or in its field)",
            Kind::Health => {
                "Medical information: a diagnosis, condition or medication in its field"
            }
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for an unknown kind name.
#[derive(Debug, thiserror::Error)]
#[error("unknown kind {0:?} (known kinds: {known})", known = KindSet::known_names())]
pub struct ParseKindError(String);

impl FromStr for Kind {
    type Err = ParseKindError;
    fn from_str(s: &str) -> Result<Kind, ParseKindError> {
        Kind::LIST
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseKindError(s.to_string()))
    }
}

/// A set of kinds, as a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct KindSet(u32);

impl KindSet {
    pub const EMPTY: KindSet = KindSet(0);

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }

    pub fn insert(&mut self, kind: Kind) {
        self.0 |= kind.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::LIST.into_iter().filter(move |k| self.contains(*k))
    }

    /// How many kinds the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Parses a comma-separated list such as `email,iban`.
    pub fn parse_list(s: &str) -> Result<KindSet, ParseKindError> {
        let mut set = KindSet::EMPTY;
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            set.insert(name.parse()?);
        }
        Ok(set)
    }

    fn known_names() -> String {
        Kind::LIST.map(Kind::as_str).join(", ")
    }
}

impl IntoIterator for KindSet {
    type Item = Kind;
    type IntoIter = Kinds;

    fn into_iter(self) -> Kinds {
        Kinds { set: self, next: 0 }
    }
}

/// The kinds of a [`KindSet`], in [`Kind::ALL`] order.
#[derive(Clone, Debug)]
pub struct Kinds {
    set: KindSet,
    next: usize,
}

impl Iterator for Kinds {
    type Item = Kind;

    fn next(&mut self) -> Option<Kind> {
        while let Some(&k) = Kind::LIST.get(self.next) {
            self.next += 1;
            if self.set.contains(k) {
                return Some(k);
            }
        }
        None
    }
}

impl FromIterator<Kind> for KindSet {
    fn from_iter<I: IntoIterator<Item = Kind>>(iter: I) -> KindSet {
        let mut set = KindSet::EMPTY;
        for k in iter {
            set.insert(k);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in Kind::ALL.iter() {
            assert_eq!(k.as_str().parse::<Kind>().ok(), Some(k));
        }
        assert_eq!(Kind::ALL.iter().count(), Kind::LIST.len());
    }

    #[test]
    fn parse_list_rejects_unknown_names() {
        let set = KindSet::parse_list("email, iban").expect("valid list");
        assert!(set.contains(Kind::Email) && set.contains(Kind::Iban));
        assert!(!set.contains(Kind::UsSsn));
        let err = KindSet::parse_list("email,blood_type").unwrap_err();
        assert!(err.to_string().contains("blood_type"));
        let set = KindSet::parse_list("password,government_id,health_insurance,card_security_code")
            .expect("the law's element names");
        assert_eq!(set.len(), 4);
        let set =
            KindSet::parse_list("username,bank_account,tax_id,drivers_license,passport,health")
                .expect("the law's element names");
        assert_eq!(set.len(), 6);
    }

    #[test]
    fn all_holds_every_kind_once() {
        assert_eq!(Kind::ALL.len(), Kind::COUNT);
        for (i, k) in Kind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
    }
}
