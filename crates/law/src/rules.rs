//! The rule data: typed form of `rules/*.json`, embedded at compile time.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::Date;

use crate::cause::Cause;
use crate::element::Element;
use crate::harm::FollowUpRule;

/// The embedded rule files. Adding a file here is the only step needed to ship it.
const EMBEDDED: &[(&str, &str)] = &[
    ("us.json", include_str!("../rules/us.json")),
    (
        "international.json",
        include_str!("../rules/international.json"),
    ),
];

/// A rule file or the rule set does not hold together.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("rule file {file}: invalid JSON: {source}")]
    Json {
        file: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("rule file {file}: version {found:?} differs from {expected:?} in the other files")]
    Version {
        file: String,
        expected: String,
        found: String,
    },
    #[error("rule {code}: {problem}")]
    Invalid { code: String, problem: String },
}

/// A term of a personal-information definition, in the rule files' vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleTerm {
    /// GDPR-style laws: any information about an identifiable person.
    AnyPersonalData,
    Name,
    Email,
    Username,
    PasswordOrSecurityQa,
    SecurityCodeOrPin,
    PaymentCard,
    FinancialAccount,
    Ssn,
    DriversLicense,
    Passport,
    StateId,
    TaxId,
    Dob,
    MothersMaidenName,
    Phone,
    Address,
    Medical,
    HealthInsurance,
    Biometric,
}

impl RuleTerm {
    /// The element this term stands for; `None` for `any_personal_data`.
    pub fn element(self) -> Option<Element> {
        Some(match self {
            RuleTerm::AnyPersonalData => return None,
            RuleTerm::Name => Element::Name,
            RuleTerm::Email => Element::Email,
            RuleTerm::Username => Element::Username,
            RuleTerm::PasswordOrSecurityQa => Element::Password,
            RuleTerm::SecurityCodeOrPin => Element::CardSecurityCode,
            RuleTerm::PaymentCard => Element::PaymentCard,
            RuleTerm::FinancialAccount => Element::BankAccount,
            RuleTerm::Ssn => Element::UsSsn,
            RuleTerm::DriversLicense => Element::DriversLicense,
            RuleTerm::Passport => Element::Passport,
            RuleTerm::StateId => Element::GovernmentId,
            RuleTerm::TaxId => Element::TaxId,
            RuleTerm::Dob => Element::DateOfBirth,
            RuleTerm::MothersMaidenName => Element::MothersMaidenName,
            RuleTerm::Phone => Element::Phone,
            RuleTerm::Address => Element::StreetAddress,
            RuleTerm::Medical => Element::Health,
            RuleTerm::HealthInsurance => Element::HealthInsurance,
            RuleTerm::Biometric => Element::Biometric,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Notice is triggered by listed element combinations (US states, territories).
    UsState,
    /// Any personal data; notice decided by risk, scale, or on every breach.
    GdprStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

/// Which notices an encryption safe harbour removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncryptionScope {
    All,
    /// Only the notice to individuals (GDPR Art. 34(3)(a)); the regulator
    /// report is still a risk assessment.
    Individual,
}

/// What makes the individual notice due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndividualTrigger {
    /// A listed personal-information combination was exposed.
    PersonalInformation,
    /// A risk (of harm, high risk, serious harm…) assessment decides.
    Risk,
    /// Every breach of personal data.
    Always,
}

/// What makes the regulator notice due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegulatorTrigger {
    /// Hangs off the individual notice, above a resident threshold (US).
    Individual,
    /// Risk assessment, unless a scale threshold or a listed element makes it mandatory.
    Risk,
    Always,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelativeAnchor {
    AfterIndividualNotice,
    WithIndividualNotice,
    BeforeIndividualNotice,
    /// After the controller assesses the breach to be notifiable (SG).
    AfterAssessment,
}

/// A regulator deadline stated relative to another event, not to discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relative {
    pub anchor: RelativeAnchor,
    pub days: u32,
    pub business_days: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndividualNotice {
    pub trigger: IndividualTrigger,
    pub deadline_days: Option<u32>,
    pub deadline_hours: Option<u32>,
    pub business_days: bool,
    pub deadline_text: Option<String>,
    /// Causes that make a risk-based notice due whatever the data (Japan:
    /// a wrongful act such as an attack).
    #[serde(default)]
    pub required_if_cause: Vec<Cause>,
    /// Elements that make a risk-based notice due at any size (Japan:
    /// special-care and financial data).
    #[serde(default)]
    pub required_if_any_element: Vec<RuleTerm>,
    /// Combinations deemed harmful (Singapore: an account identifier with
    /// its password).
    #[serde(default)]
    pub required_if_any_combination: Vec<Vec<RuleTerm>>,
    /// Residents affected from which a risk-based notice is due whatever
    /// the data (Japan: more than 1,000).
    #[serde(default)]
    pub required_at_residents: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatorNotice {
    /// `None`: not verified.
    pub required: Option<bool>,
    pub trigger: RegulatorTrigger,
    pub who: Option<String>,
    /// Smallest count that triggers the duty ("more than 500" is 501); `None`: not verified.
    pub threshold_residents: Option<u64>,
    /// Elements that make a risk-based report mandatory at any size.
    #[serde(default)]
    pub required_if_any_element: Vec<RuleTerm>,
    /// Causes that make a risk-based report mandatory at any size (Korea:
    /// external unauthorised access; Japan: a wrongful act).
    #[serde(default)]
    pub required_if_cause: Vec<Cause>,
    /// Combinations that make a risk-based report mandatory at any size.
    #[serde(default)]
    pub required_if_any_combination: Vec<Vec<RuleTerm>>,
    /// The threshold counts every resident whose personal information was
    /// breached, whether or not they are owed notice (Florida: the
    /// Department of Legal Affairs hears of 500+ regardless of a no-harm
    /// finding).
    #[serde(default)]
    pub counts_all_breached: bool,
    pub deadline_days: Option<u32>,
    pub deadline_hours: Option<u32>,
    pub business_days: bool,
    pub deadline_text: Option<String>,
    pub relative: Option<Relative>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CraNotice {
    /// `Some(false)`: the law has no such duty; `None`: not verified.
    pub required: Option<bool>,
    pub threshold_residents: Option<u64>,
}

/// One jurisdiction's breach-notification rule, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub statute: String,
    pub family: Family,
    /// Each inner list is a combination that is personal information when all present.
    pub personal_info_definition: Vec<Vec<RuleTerm>>,
    /// Combinations that count only under a condition a person must judge.
    #[serde(default)]
    pub conditional_definition: Vec<Vec<RuleTerm>>,
    #[serde(default)]
    pub conditional_note: Option<String>,
    pub encryption_safe_harbor: Option<bool>,
    pub encryption_safe_harbor_scope: Option<EncryptionScope>,
    pub risk_of_harm_exemption: Option<bool>,
    pub risk_of_harm_note: Option<String>,
    /// The harm exception is open only to breaches with these causes (New
    /// York: inadvertent disclosure by authorised persons); empty: any cause.
    #[serde(default)]
    pub risk_of_harm_causes: Vec<Cause>,
    /// What the law asks once a no-harm determination excuses notice.
    #[serde(default)]
    pub no_harm_follow_up: Option<FollowUpRule>,
    /// The only kinds of business the statute binds (Georgia: information
    /// brokers and government data collectors); others owe nothing under it.
    #[serde(default)]
    pub applies_only_to: Option<String>,
    /// The date the breach duty takes effect (YYYY-MM-DD; India's DPDP Rules);
    /// a breach discovered earlier owes nothing under this rule.
    #[serde(default)]
    pub in_force_from: Option<String>,
    pub individual_notice: IndividualNotice,
    pub regulator_notice: RegulatorNotice,
    pub cra_notice: CraNotice,
    pub substitute_notice_note: Option<String>,
    pub source_urls: Vec<String>,
    pub confidence: Confidence,
    pub as_of: String,
    pub notes: Option<String>,
    /// Entries of `rules/CHANGES.md` that touched this rule.
    #[serde(default)]
    pub changes: Vec<u32>,
}

impl Rule {
    /// The definition as element sets; `None` for GDPR-style `any_personal_data`.
    pub fn combinations(&self) -> Option<Vec<Vec<Element>>> {
        to_elements(&self.personal_info_definition)
    }

    /// Whether a no-harm determination can excuse this law's individual
    /// notice: it has a harm exception and the notice is otherwise due on
    /// the data alone (laws whose notice is itself a risk assessment have
    /// nothing for a determination to flip).
    pub fn has_harm_exception(&self) -> bool {
        self.risk_of_harm_exemption == Some(true)
            && self.individual_notice.trigger != IndividualTrigger::Risk
    }

    /// The first day the rule applies, if it is not yet in force everywhere.
    pub fn in_force_date(&self) -> Result<Option<Date>, RuleError> {
        self.in_force_from
            .as_deref()
            .map(|d| {
                Date::parse(d, format_description!("[year]-[month]-[day]")).map_err(|e| {
                    RuleError::Invalid {
                        code: self.code.clone(),
                        problem: format!("in_force_from {d:?} is not a YYYY-MM-DD date: {e}"),
                    }
                })
            })
            .transpose()
    }

    pub fn conditional_combinations(&self) -> Vec<Vec<Element>> {
        to_elements(&self.conditional_definition).unwrap_or_default()
    }

    pub fn as_of_date(&self) -> Result<Date, RuleError> {
        Date::parse(&self.as_of, format_description!("[year]-[month]-[day]")).map_err(|e| {
            RuleError::Invalid {
                code: self.code.clone(),
                problem: format!("as_of {:?} is not a YYYY-MM-DD date: {e}", self.as_of),
            }
        })
    }

    fn validate(&self) -> Result<(), RuleError> {
        let bad = |problem: String| RuleError::Invalid {
            code: self.code.clone(),
            problem,
        };
        if self.statute.trim().is_empty() {
            return Err(bad("no statute citation".into()));
        }
        if self.source_urls.is_empty() {
            return Err(bad("no source URL".into()));
        }
        if let Some(u) = self
            .source_urls
            .iter()
            .find(|u| !(u.starts_with("https://") || u.starts_with("http://")))
        {
            return Err(bad(format!("source {u:?} is not an http(s) URL")));
        }
        self.as_of_date()?;
        self.in_force_date()?;
        if self.personal_info_definition.is_empty() {
            return Err(bad("empty personal_info_definition".into()));
        }
        let any = self
            .personal_info_definition
            .iter()
            .any(|c| c.contains(&RuleTerm::AnyPersonalData));
        match (self.family, any) {
            (Family::GdprStyle, true) if self.personal_info_definition.len() == 1 => {}
            (Family::UsState, false) => {}
            _ => return Err(bad(
                "any_personal_data must be the whole definition of, and only of, a gdpr_style rule"
                    .into(),
            )),
        }
        if self.individual_notice.deadline_days.is_some()
            && self.individual_notice.deadline_hours.is_some()
        {
            return Err(bad("individual deadline in both days and hours".into()));
        }
        let reg = &self.regulator_notice;
        if reg.deadline_days.is_some() && reg.deadline_hours.is_some() {
            return Err(bad("regulator deadline in both days and hours".into()));
        }
        if self.encryption_safe_harbor == Some(true) && self.encryption_safe_harbor_scope.is_none()
        {
            return Err(bad("encryption safe harbour without a scope".into()));
        }
        Ok(())
    }
}

/// Combinations of terms as element sets; `any_personal_data` (which has
/// no element) makes the whole list `None`.
pub(crate) fn to_elements(combos: &[Vec<RuleTerm>]) -> Option<Vec<Vec<Element>>> {
    combos
        .iter()
        .map(|c| c.iter().map(|t| t.element()).collect::<Option<Vec<_>>>())
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    version: String,
    jurisdictions: Vec<Rule>,
}

/// All rules, keyed by jurisdiction code, with the rule-set version.
#[derive(Debug, Clone)]
pub struct RuleSet {
    version: String,
    rules: BTreeMap<String, Rule>,
}

impl RuleSet {
    /// The rule set compiled into this binary.
    pub fn embedded() -> Result<RuleSet, RuleError> {
        RuleSet::from_files(EMBEDDED)
    }

    /// Builds a rule set from `(file name, JSON text)` pairs; every file must
    /// carry the same version and no code may appear twice.
    pub fn from_files(files: &[(&str, &str)]) -> Result<RuleSet, RuleError> {
        let mut version: Option<String> = None;
        let mut rules = BTreeMap::new();
        for (name, text) in files {
            let file: RuleFile = serde_json::from_str(text).map_err(|source| RuleError::Json {
                file: (*name).to_string(),
                source,
            })?;
            match &version {
                Some(v) if *v != file.version => {
                    return Err(RuleError::Version {
                        file: (*name).to_string(),
                        expected: v.clone(),
                        found: file.version,
                    })
                }
                Some(_) => {}
                None => version = Some(file.version),
            }
            for rule in file.jurisdictions {
                rule.validate()?;
                let code = rule.code.clone();
                if rules.insert(code.clone(), rule).is_some() {
                    return Err(RuleError::Invalid {
                        code,
                        problem: format!("defined twice (second time in {name})"),
                    });
                }
            }
        }
        Ok(RuleSet {
            version: version.unwrap_or_default(),
            rules,
        })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn get(&self, code: &str) -> Option<&Rule> {
        self.rules.get(code)
    }

    /// Every element some rule names: in a definition (conditional ones
    /// included) or as a trigger of either notice.
    pub fn named_elements(&self) -> BTreeSet<Element> {
        let mut out = BTreeSet::new();
        for r in self.rules.values() {
            let ind = &r.individual_notice;
            let reg = &r.regulator_notice;
            let terms = r
                .personal_info_definition
                .iter()
                .chain(&r.conditional_definition)
                .chain(&ind.required_if_any_combination)
                .chain(&reg.required_if_any_combination)
                .flatten()
                .chain(&ind.required_if_any_element)
                .chain(&reg.required_if_any_element);
            out.extend(terms.filter_map(|t| t.element()));
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_rule_parses_with_citation_source_and_date() {
        let set = RuleSet::embedded().expect("embedded rules parse");
        // The reference lists 54 US states/territories/DC and 13 other jurisdictions.
        assert_eq!(set.len(), 67);
        // YYYY.MM.N, bumped on every edit to a rule file (rules/CHANGES.md).
        let parts: Vec<&str> = set.version().split('.').collect();
        assert_eq!(parts.len(), 3, "{}", set.version());
        assert!(
            parts.iter().all(|p| p.parse::<u32>().is_ok()),
            "{}",
            set.version()
        );
        for rule in set.iter() {
            assert!(!rule.statute.is_empty(), "{} has no citation", rule.code);
            assert!(
                rule.source_urls.iter().all(|u| u.starts_with("http")),
                "{}",
                rule.code
            );
            assert!(!rule.source_urls.is_empty(), "{} has no source", rule.code);
            rule.as_of_date().expect("as_of parses");
            match rule.family {
                Family::UsState => assert!(rule.code.starts_with("US-"), "{}", rule.code),
                Family::GdprStyle => assert!(rule.combinations().is_none(), "{}", rule.code),
            }
        }
    }

    #[test]
    fn duplicate_codes_and_mixed_versions_are_rejected() {
        let us = EMBEDDED[0].1;
        let err = RuleSet::from_files(&[("a", us), ("b", us)]).expect_err("duplicate");
        assert!(err.to_string().contains("defined twice"), "{err}");

        let version = RuleSet::embedded().expect("embedded").version().to_string();
        let other = us.replacen(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"0\"",
            1,
        );
        let err = RuleSet::from_files(&[("a", us), ("b", &other)]).expect_err("version");
        assert!(matches!(err, RuleError::Version { .. }), "{err}");
    }

    #[test]
    fn a_rule_without_sources_is_rejected() {
        let text = EMBEDDED[1].1;
        let mut doc: serde_json::Value = serde_json::from_str(text).expect("json");
        doc["jurisdictions"][0]["source_urls"] = serde_json::json!([]);
        let err = RuleSet::from_files(&[("x", &doc.to_string())]).expect_err("no sources");
        assert!(err.to_string().contains("no source URL"), "{err}");
    }

    #[test]
    fn unknown_terms_in_a_rule_file_are_an_error_not_ignored() {
        let text = EMBEDDED[0]
            .1
            .replacen("\"tax_id\"", "\"tax_identifier\"", 1);
        let err = RuleSet::from_files(&[("x", &text)]).expect_err("unknown term");
        assert!(matches!(err, RuleError::Json { .. }), "{err}");
    }
}
