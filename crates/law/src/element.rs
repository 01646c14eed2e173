//! The vocabulary of exposed data elements.
//!
//! Two spellings exist on purpose: the rule files keep the reference data's
//! terms (`ssn`, `financial_account`, `security_code_or_pin`, …) so they can be
//! compared with the reference line by line, while the output uses the names
//! the rest of breachwatch uses (`us_ssn`, `bank_account`, …).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One kind of personal data that may have been exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    /// First name or initial and last name.
    Name,
    Email,
    /// A login name (not an email address).
    Username,
    /// A password, or a security question and answer.
    Password,
    /// Card security code, PIN or account access code.
    CardSecurityCode,
    PaymentCard,
    /// Bank or other financial account number (IBAN included).
    BankAccount,
    UsSsn,
    DriversLicense,
    Passport,
    /// State or other government-issued identification number.
    GovernmentId,
    TaxId,
    DateOfBirth,
    MothersMaidenName,
    Phone,
    StreetAddress,
    IpAddress,
    /// Medical information (diagnosis, treatment).
    Health,
    HealthInsurance,
    Biometric,
}

impl Element {
    pub const ALL: [Element; 20] = [
        Element::Name,
        Element::Email,
        Element::Username,
        Element::Password,
        Element::CardSecurityCode,
        Element::PaymentCard,
        Element::BankAccount,
        Element::UsSsn,
        Element::DriversLicense,
        Element::Passport,
        Element::GovernmentId,
        Element::TaxId,
        Element::DateOfBirth,
        Element::MothersMaidenName,
        Element::Phone,
        Element::StreetAddress,
        Element::IpAddress,
        Element::Health,
        Element::HealthInsurance,
        Element::Biometric,
    ];

    /// The name used in output and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Element::Name => "name",
            Element::Email => "email",
            Element::Username => "username",
            Element::Password => "password",
            Element::CardSecurityCode => "card_security_code",
            Element::PaymentCard => "payment_card",
            Element::BankAccount => "bank_account",
            Element::UsSsn => "us_ssn",
            Element::DriversLicense => "drivers_license",
            Element::Passport => "passport",
            Element::GovernmentId => "government_id",
            Element::TaxId => "tax_id",
            Element::DateOfBirth => "date_of_birth",
            Element::MothersMaidenName => "mothers_maiden_name",
            Element::Phone => "phone",
            Element::StreetAddress => "street_address",
            Element::IpAddress => "ip_address",
            Element::Health => "health",
            Element::HealthInsurance => "health_insurance",
            Element::Biometric => "biometric",
        }
    }

    /// The term the rule files (and the reference data) use, if any.
    /// `ip_address` has none: no listed law names it as an element.
    pub fn rule_term(self) -> Option<&'static str> {
        Some(match self {
            Element::Name => "name",
            Element::Email => "email",
            Element::Username => "username",
            Element::Password => "password_or_security_qa",
            Element::CardSecurityCode => "security_code_or_pin",
            Element::PaymentCard => "payment_card",
            Element::BankAccount => "financial_account",
            Element::UsSsn => "ssn",
            Element::DriversLicense => "drivers_license",
            Element::Passport => "passport",
            Element::GovernmentId => "state_id",
            Element::TaxId => "tax_id",
            Element::DateOfBirth => "dob",
            Element::MothersMaidenName => "mothers_maiden_name",
            Element::Phone => "phone",
            Element::StreetAddress => "address",
            Element::Health => "medical",
            Element::HealthInsurance => "health_insurance",
            Element::Biometric => "biometric",
            Element::IpAddress => return None,
        })
    }

    /// The element a scanner finding of kind `kind` (bw-kind's names, as
    /// stored in an affected customer's `matched_fields`) is evidence of.
    /// `None`: the kind is no element any law here names.
    pub fn from_kind_name(kind: &str) -> Option<Element> {
        let kind = kind.trim();
        KIND_ELEMENTS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, e)| *e)
            .or_else(|| Element::ALL.into_iter().find(|e| e.as_str() == kind))
    }

    /// Maps a rule-file term to an element.
    pub fn from_rule_term(term: &str) -> Option<Element> {
        Element::ALL
            .into_iter()
            .find(|e| e.rule_term() == Some(term))
    }
}

/// Scanner kinds and the element each is evidence of: the one written
/// mapping between what detectors find and what laws name. A kind spelled
/// like its element needs no entry, but every kind of today is listed so
/// the table reads as the whole picture. Elements no kind produces
/// (mothers_maiden_name, biometric) reach the rules only through
/// `incident declare`.
pub const KIND_ELEMENTS: &[(&str, Element)] = &[
    ("person_name", Element::Name),
    ("email", Element::Email),
    ("phone_number", Element::Phone),
    ("street_address", Element::StreetAddress),
    ("date_of_birth", Element::DateOfBirth),
    ("ip_address", Element::IpAddress),
    ("payment_card", Element::PaymentCard),
    ("card_security_code", Element::CardSecurityCode),
    ("iban", Element::BankAccount),
    ("us_ssn", Element::UsSsn),
    // National identity, tax and social-insurance numbers (CPF, NIR, BSN,
    // NINO, …): the laws' "other government-issued identification number".
    ("government_id", Element::GovernmentId),
    ("health_insurance", Element::HealthInsurance),
    // A plain password or a password hash; which one is the declaration's
    // qualifier (`--hashed`), which a scan does not set.
    ("password", Element::Password),
    // A login name (never an email address, which is `email`).
    ("username", Element::Username),
    // A US bank account number (beside its routing number or in its
    // field); IBANs are the `iban` kind above.
    ("bank_account", Element::BankAccount),
    // ITIN and EIN (an SSN is `us_ssn`).
    ("tax_id", Element::TaxId),
    ("drivers_license", Element::DriversLicense),
    ("passport", Element::Passport),
    // A diagnosis, condition or medication in its field.
    ("health", Element::Health),
];

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An element name that is neither an output name, a rule term nor a known alias.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown data element {0:?} (expected one of: name, email, password, payment_card, us_ssn, …)"
)]
pub struct ParseElementError(pub String);

impl FromStr for Element {
    type Err = ParseElementError;

    /// Accepts output names, rule terms, the scanner kinds of
    /// [`KIND_ELEMENTS`] (`phone_number`, `iban`, `person_name`) and a few
    /// aliases.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        if let Some(e) = Element::ALL.into_iter().find(|e| e.as_str() == key) {
            return Ok(e);
        }
        if let Some(e) = Element::from_rule_term(&key) {
            return Ok(e);
        }
        if let Some(e) = Element::from_kind_name(&key) {
            return Ok(e);
        }
        let alias = match key.as_str() {
            "full_name" => Element::Name,
            "email_address" => Element::Email,
            "credentials" | "security_qa" => Element::Password,
            "cvv" | "cvc" | "pin" | "access_code" => Element::CardSecurityCode,
            "card" | "credit_card" | "card_number" => Element::PaymentCard,
            "account_number" => Element::BankAccount,
            "state_id" | "national_id" => Element::GovernmentId,
            "address" => Element::StreetAddress,
            "medical" => Element::Health,
            "ip" => Element::IpAddress,
            _ => return Err(ParseElementError(s.to_string())),
        };
        Ok(alias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_round_trips_through_its_names() {
        for e in Element::ALL {
            assert_eq!(e.as_str().parse::<Element>(), Ok(e));
            if let Some(term) = e.rule_term() {
                assert_eq!(Element::from_rule_term(term), Some(e));
                assert_eq!(term.parse::<Element>(), Ok(e));
            }
            let json = serde_json::to_string(&e).expect("serialise element");
            assert_eq!(json, format!("\"{}\"", e.as_str()));
        }
    }

    #[test]
    fn detector_kinds_and_aliases_map() {
        assert_eq!("phone_number".parse(), Ok(Element::Phone));
        assert_eq!("IBAN".parse(), Ok(Element::BankAccount));
        assert_eq!("us-ssn".parse(), Ok(Element::UsSsn));
        assert_eq!("ssn".parse(), Ok(Element::UsSsn));
        assert_eq!("password_or_security_qa".parse(), Ok(Element::Password));
        assert!("favourite_colour".parse::<Element>().is_err());
    }
}
