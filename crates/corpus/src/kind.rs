use std::fmt;
use std::str::FromStr;

/// The kinds the corpus labels: those of the scan engine now (issue 2) and
/// those coming next (issue 3), so the corpus does not change when the
/// engine grows.
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
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Email,
        Kind::PhoneNumber,
        Kind::PaymentCard,
        Kind::UsSsn,
        Kind::Iban,
        Kind::IpAddress,
        Kind::PersonName,
        Kind::StreetAddress,
        Kind::DateOfBirth,
    ];

    /// The snake_case name used by `breachwatch scan --format jsonl`.
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
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown kind {s:?}"))
    }
}
