//! Elements of an incident that no customer could be tied to: a file of
//! 1,200 password hashes beside no email the registry knows is still part
//! of the breach. If those passwords belong to affected accounts, their
//! holders may be owed notice that their own exposure alone would not
//! trigger; so a group answered `not_required` becomes `assess` when
//! adding the unattributed elements would meet the law's definition.

use serde::Serialize;

use crate::element::Element;
use crate::eval::{ExposureGroup, Notice};
use crate::hashing::Hashing;
use crate::individual::{individual_for_group, Facts, GroupBasis};
use crate::rules::Rule;

/// Findings of one element in one evidence file that no customer could be
/// tied to: counts, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnattributedElement {
    pub element: Element,
    /// For passwords: how they were stored (`None`: plain text), as the
    /// class the law reads (slow and salted or not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hashing: Option<Hashing>,
    /// The algorithm as the detector named it (`yescrypt`, `phpass`),
    /// which may be finer than `hashing`; shown to readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    pub count: u64,
    /// Where they were found (the evidence's source).
    pub evidence: String,
}

impl UnattributedElement {
    /// `1,200 bcrypt password hashes in dump.sql`.
    pub fn describe(&self) -> String {
        let (one, many) = noun(self.element);
        let algorithm = self
            .algorithm
            .clone()
            .or_else(|| self.hashing.map(|h| h.to_string()));
        let what = match (self.element, algorithm) {
            (Element::Password, Some(h)) if self.count == 1 => format!("{h} password hash"),
            (Element::Password, Some(h)) => format!("{h} password hashes"),
            _ if self.count == 1 => one.to_string(),
            _ => many.to_string(),
        };
        format!(
            "{} {what} in {}",
            thousands(self.count),
            file_name(&self.evidence)
        )
    }
}

/// The elements the law reads that are worth carrying as unattributed:
/// credentials and identity, account and health numbers. An unmatched
/// email, name or phone is a non-customer, not an element of theirs, and
/// an address, birth date or IP address completes no definition without
/// one of these.
pub fn counts_unattributed(e: Element) -> bool {
    matches!(
        e,
        Element::Username
            | Element::Password
            | Element::CardSecurityCode
            | Element::PaymentCard
            | Element::BankAccount
            | Element::UsSsn
            | Element::DriversLicense
            | Element::Passport
            | Element::GovernmentId
            | Element::TaxId
            | Element::MothersMaidenName
            | Element::Health
            | Element::HealthInsurance
            | Element::Biometric
    )
}

impl UnattributedElement {
    /// The law's class of a password hashing the detector named
    /// (`password.<name>`); the crypt(3) schemes built to be slow count
    /// with sha512crypt, the fast or MD5/SHA-1-based ones as readable.
    pub fn hashing_of(algorithm: &str) -> Hashing {
        match algorithm {
            "yescrypt" | "sha256crypt" => Hashing::Sha512crypt,
            "md5crypt" | "phpass" => Hashing::Md5,
            "ldap" => Hashing::Sha1,
            other => other.parse().unwrap_or(Hashing::Unsalted),
        }
    }
}

/// How a reader calls an element, one and many.
fn noun(e: Element) -> (&'static str, &'static str) {
    match e {
        Element::Username => ("username", "usernames"),
        Element::Password => ("password", "passwords"),
        Element::CardSecurityCode => ("card security code", "card security codes"),
        Element::PaymentCard => ("payment card number", "payment card numbers"),
        Element::BankAccount => ("bank account number", "bank account numbers"),
        Element::UsSsn => ("Social Security number", "Social Security numbers"),
        Element::DriversLicense => ("driver's license number", "driver's license numbers"),
        Element::Passport => ("passport number", "passport numbers"),
        Element::GovernmentId => ("government ID number", "government ID numbers"),
        Element::TaxId => ("tax ID number", "tax ID numbers"),
        Element::MothersMaidenName => ("mother's maiden name", "mothers' maiden names"),
        Element::Health => ("health record", "health records"),
        Element::HealthInsurance => ("health insurance number", "health insurance numbers"),
        Element::Biometric => ("biometric record", "biometric records"),
        Element::Name => ("name", "names"),
        Element::Email => ("email address", "email addresses"),
        Element::Phone => ("phone number", "phone numbers"),
        Element::StreetAddress => ("street address", "street addresses"),
        Element::DateOfBirth => ("date of birth", "dates of birth"),
        Element::IpAddress => ("IP address", "IP addresses"),
    }
}

/// `g` with every unattributed element added, as if they were its own.
fn with_unattributed(g: &ExposureGroup, all: &[UnattributedElement]) -> ExposureGroup {
    let mut h = g.clone();
    let had_plain_password =
        g.all_elements().contains(&Element::Password) && g.password_hashing.is_none();
    let mut hashed: Option<Hashing> = g.password_hashing;
    let mut plain = had_plain_password;
    for u in all {
        h.elements.insert(u.element);
        if u.element == Element::Password {
            match u.hashing {
                Some(x) => hashed = Some(hashed.map_or(x, |k| k.weaker(x))),
                None => plain = true,
            }
        }
    }
    h.password_hashing = if plain { None } else { hashed };
    h
}

/// For a group whose verdict is `NotRequired`: would the unattributed
/// elements, were they this group's, make notice owed (or to assess)?
/// Returns `Assess` with the reason, or `None` when they would not.
pub(crate) fn assess_group(
    rule: &Rule,
    g: &ExposureGroup,
    facts: Facts<'_>,
    all: &[UnattributedElement],
) -> Option<(Notice, String)> {
    let have = g.all_elements();
    let new: Vec<&UnattributedElement> =
        all.iter().filter(|u| !have.contains(&u.element)).collect();
    if new.is_empty() {
        return None;
    }
    let joined = with_unattributed(g, all);
    let mut basis = GroupBasis::default();
    let mut scratch = Vec::new();
    let v = individual_for_group(rule, &joined, facts, &mut basis, &mut scratch);
    if v == Notice::NotRequired {
        return None;
    }
    let files: Vec<String> = new.iter().map(|u| u.describe()).collect();
    let outcome = match v {
        Notice::Required => "notice is required",
        _ => "notice may be owed (assess)",
    };
    Some((
        Notice::Assess,
        format!(
            "{} {}: {} residents: {} could not be tied to customers (detected, \
             unattributed); if they belong to these accounts, {outcome} under {}",
            rule.code,
            rule.statute,
            g.residents,
            join_and(&files),
            rule.statute
        ),
    ))
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The last segment of a path or URL: what a reader recognises.
fn file_name(source: &str) -> &str {
    let s = source.trim_end_matches('/');
    s.rsplit(['/', '\\'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(s)
}

/// `1200` → `1,200`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_counts_files_and_hashes() {
        let u = UnattributedElement {
            element: Element::Password,
            hashing: Some(Hashing::Bcrypt),
            algorithm: None,
            count: 1200,
            evidence: "/cases/x/dump.sql".into(),
        };
        assert_eq!(u.describe(), "1,200 bcrypt password hashes in dump.sql");
        let c = UnattributedElement {
            element: Element::CardSecurityCode,
            hashing: None,
            algorithm: None,
            count: 7,
            evidence: "s3://bucket/exports/cards.csv".into(),
        };
        assert_eq!(c.describe(), "7 card security codes in cards.csv");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(
            UnattributedElement::hashing_of("yescrypt"),
            Hashing::Sha512crypt
        );
        assert_eq!(UnattributedElement::hashing_of("sha512"), Hashing::Unsalted);
        assert_eq!(UnattributedElement::hashing_of("argon2"), Hashing::Argon2);
        assert_eq!(thousands(999), "999");
    }
}
