//! What a notice to an individual must say, per jurisdiction.
//!
//! The data (`rules/notice_content.json`) is separate from the obligation
//! rules because its source is different: the obligation rules are checked
//! against `../shared/reference`, which has no content data; each entry here
//! carries its own citation and confidence.
//!
//! The same file holds the public bodies and credit bureaus a notice names
//! ([`Agency`]), with their sources, and which of them each jurisdiction's
//! notice names ([`AgencyRule`]): a notice takes them from its own
//! jurisdictions only, so a UK customer is never sent the FTC's number.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use time::macros::format_description;
use time::Date;

pub use bw_terms::{ParseSourceOfBreachError, SourceOfBreach};

use crate::element::Element;
use crate::rules::{Confidence, RuleError, RuleTerm};

const EMBEDDED: &str = include_str!("../rules/notice_content.json");

/// One thing a notice must tell the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentElement {
    WhatHappened,
    BreachDate,
    NoticeDate,
    DataInvolved,
    WhatWeAreDoing,
    WhatYouCanDo,
    Contact,
    LikelyConsequences,
    RegulatorContacts,
    CraContacts,
    /// An offer of identity-theft prevention and mitigation services.
    IdentityTheftServices,
}

impl ContentElement {
    pub const ALL: [ContentElement; 11] = [
        ContentElement::WhatHappened,
        ContentElement::BreachDate,
        ContentElement::NoticeDate,
        ContentElement::DataInvolved,
        ContentElement::WhatWeAreDoing,
        ContentElement::WhatYouCanDo,
        ContentElement::Contact,
        ContentElement::LikelyConsequences,
        ContentElement::RegulatorContacts,
        ContentElement::CraContacts,
        ContentElement::IdentityTheftServices,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContentElement::WhatHappened => "what_happened",
            ContentElement::BreachDate => "breach_date",
            ContentElement::NoticeDate => "notice_date",
            ContentElement::DataInvolved => "data_involved",
            ContentElement::WhatWeAreDoing => "what_we_are_doing",
            ContentElement::WhatYouCanDo => "what_you_can_do",
            ContentElement::Contact => "contact",
            ContentElement::LikelyConsequences => "likely_consequences",
            ContentElement::RegulatorContacts => "regulator_contacts",
            ContentElement::CraContacts => "cra_contacts",
            ContentElement::IdentityTheftServices => "identity_theft_services",
        }
    }
}

impl fmt::Display for ContentElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ContentElement {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ContentElement::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| format!("unknown notice content element {s:?}"))
    }
}

/// The content one jurisdiction requires, with where that comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentRule {
    pub required: BTreeSet<ContentElement>,
    pub citation: String,
    pub confidence: Confidence,
    /// The agencies this jurisdiction's notice names; `None`: none.
    #[serde(default)]
    pub agencies: Option<AgencyRule>,
    /// Content owed only when certain data leaked.
    #[serde(default)]
    pub conditional: Vec<ConditionalContent>,
}

/// Content a law ties to what was exposed: California's offer of
/// identity-theft services is owed when an SSN, licence or ID number
/// leaked, not for an email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionalContent {
    pub element: ContentElement,
    pub if_any_element: Vec<RuleTerm>,
    /// Owed only when the business giving notice is this source of the
    /// breach (California: `us`, "if the person or business providing the
    /// notification was the source of the breach"); `None`: whoever was.
    #[serde(default)]
    pub if_source_of_breach: Option<SourceOfBreach>,
    pub citation: String,
    pub confidence: Confidence,
}

/// Whether conditional content is owed for one notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContentDuty {
    NotOwed,
    /// The data calls for it but a fact it also turns on is not recorded
    /// (the source of the breach): a person must say.
    Ask,
    Required,
}

impl ConditionalContent {
    /// Whether `exposed` calls for it.
    pub fn applies_to(&self, exposed: &[Element]) -> bool {
        self.if_any_element
            .iter()
            .filter_map(|t| t.element())
            .any(|e| exposed.contains(&e))
    }

    /// Whether it is owed for `exposed` when the incident records `source`
    /// as the source of the breach.
    pub fn duty(&self, exposed: &[Element], source: SourceOfBreach) -> ContentDuty {
        if !self.applies_to(exposed) {
            return ContentDuty::NotOwed;
        }
        match self.if_source_of_breach {
            None => ContentDuty::Required,
            Some(_) if source == SourceOfBreach::Unknown => ContentDuty::Ask,
            Some(want) if want == source => ContentDuty::Required,
            Some(_) => ContentDuty::NotOwed,
        }
    }
}

/// A public body or credit bureau a notice may name, as its sources give it.
/// Only what a source gave is kept: a missing field is unknown, not empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub web: Option<String>,
    pub source_urls: Vec<String>,
    pub confidence: Confidence,
    /// When the details were last checked against the sources (YYYY-MM-DD).
    pub checked: String,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Which agencies one jurisdiction's notice names, and on what authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyRule {
    /// Keys of [`NoticeContent::agency`]: regulators and other public bodies.
    #[serde(default)]
    pub regulators: Vec<String>,
    /// Keys of [`NoticeContent::agency`]: consumer reporting agencies.
    #[serde(default)]
    pub cras: Vec<String>,
    /// Some laws want the agencies only when certain data leaked (California:
    /// an SSN, licence or ID number); empty means whatever leaked.
    #[serde(default)]
    pub only_if_any_element: Vec<RuleTerm>,
    pub citation: String,
    pub confidence: Confidence,
}

impl AgencyRule {
    fn applies_to(&self, exposed: &[Element]) -> bool {
        self.only_if_any_element.is_empty()
            || self
                .only_if_any_element
                .iter()
                .filter_map(|t| t.element())
                .any(|e| exposed.contains(&e))
    }
}

/// The agencies one notice names, in the order the rules list them, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeAgencies<'a> {
    pub regulators: Vec<&'a Agency>,
    pub cras: Vec<&'a Agency>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContentFile {
    version: String,
    #[allow(dead_code)]
    note: String,
    elements: BTreeMap<ContentElement, String>,
    #[serde(default)]
    agencies: BTreeMap<String, Agency>,
    default: ContentRule,
    jurisdictions: BTreeMap<String, ContentRule>,
}

/// Required notice content for every jurisdiction, with a default for the rest.
#[derive(Debug, Clone)]
pub struct NoticeContent {
    file: ContentFile,
}

impl NoticeContent {
    /// The content rules compiled into the binary.
    pub fn embedded() -> Result<NoticeContent, RuleError> {
        NoticeContent::from_json(EMBEDDED)
    }

    pub fn from_json(text: &str) -> Result<NoticeContent, RuleError> {
        let file: ContentFile = serde_json::from_str(text).map_err(|e| RuleError::Invalid {
            code: "notice_content".into(),
            problem: e.to_string(),
        })?;
        if let Some(missing) = ContentElement::ALL
            .into_iter()
            .find(|e| !file.elements.contains_key(e))
        {
            return Err(RuleError::Invalid {
                code: "notice_content".into(),
                problem: format!("element {missing} has no description"),
            });
        }
        validate_agencies(&file)?;
        Ok(NoticeContent { file })
    }

    pub fn version(&self) -> &str {
        &self.file.version
    }

    /// What `element` means, for lint messages and reports.
    pub fn describe(&self, element: ContentElement) -> &str {
        self.file
            .elements
            .get(&element)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The rule for one jurisdiction code (the default when it has none).
    pub fn rule(&self, code: &str) -> &ContentRule {
        self.file
            .jurisdictions
            .get(code)
            .unwrap_or(&self.file.default)
    }

    /// An agency by its key in the rule data.
    pub fn agency(&self, key: &str) -> Option<&Agency> {
        self.file.agencies.get(key)
    }

    /// The agencies the notice to a person covered by `codes` names, given
    /// the elements exposed about them. Only the person's own jurisdictions
    /// contribute (never the default): where none names an agency the
    /// result is empty, and the notice has no such section.
    pub fn agencies_for<S: AsRef<str>>(
        &self,
        codes: &[S],
        exposed: &[Element],
    ) -> NoticeAgencies<'_> {
        let mut out = NoticeAgencies::default();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let rules = codes
            .iter()
            .filter_map(|c| self.file.jurisdictions.get(c.as_ref()))
            .filter_map(|r| r.agencies.as_ref())
            .filter(|a| a.applies_to(exposed));
        for rule in rules {
            for (keys, into) in [
                (&rule.regulators, &mut out.regulators),
                (&rule.cras, &mut out.cras),
            ] {
                for key in keys {
                    // Keys are checked when the data loads, so a miss here
                    // cannot happen; skipping beats inventing a contact.
                    if let Some(a) = self.file.agencies.get(key) {
                        if seen.insert(key.as_str()) {
                            into.push(a);
                        }
                    }
                }
            }
        }
        out
    }

    /// The union of what every code in `codes` requires: a Quebec resident's
    /// notice must satisfy both `CA` and `CA-QC`.
    /// The content `code`'s law ties to what `exposed` holds, each with
    /// its citation and whether it is owed given the incident's `source`
    /// of the breach (see [`ConditionalContent`]); content not owed is
    /// left out.
    pub fn required_by_exposure(
        &self,
        code: &str,
        exposed: &[Element],
        source: SourceOfBreach,
    ) -> Vec<(&ConditionalContent, ContentDuty)> {
        self.rule(code)
            .conditional
            .iter()
            .map(|c| (c, c.duty(exposed, source)))
            .filter(|(_, d)| *d != ContentDuty::NotOwed)
            .collect()
    }

    pub fn required_for<S: AsRef<str>>(&self, codes: &[S]) -> BTreeSet<ContentElement> {
        let mut out = BTreeSet::new();
        for c in codes {
            out.extend(self.rule(c.as_ref()).required.iter().copied());
        }
        if codes.is_empty() {
            out.extend(self.file.default.required.iter().copied());
        }
        out
    }
}

/// Every agency is sourced and dated, every key a rule uses exists, and a
/// jurisdiction that requires a contact element names someone for it: the
/// notice would otherwise print the heading with nothing under it.
fn validate_agencies(file: &ContentFile) -> Result<(), RuleError> {
    let bad = |code: &str, problem: String| RuleError::Invalid {
        code: format!("notice_content {code}"),
        problem,
    };
    for (key, a) in &file.agencies {
        if a.name.trim().is_empty() {
            return Err(bad(key, "agency without a name".into()));
        }
        if a.source_urls.is_empty() {
            return Err(bad(key, "agency without a source URL".into()));
        }
        if let Some(u) = a
            .source_urls
            .iter()
            .find(|u| !(u.starts_with("https://") || u.starts_with("http://")))
        {
            return Err(bad(key, format!("source {u:?} is not an http(s) URL")));
        }
        Date::parse(&a.checked, format_description!("[year]-[month]-[day]")).map_err(|e| {
            bad(
                key,
                format!("checked {:?} is not a YYYY-MM-DD date: {e}", a.checked),
            )
        })?;
    }
    if file.default.agencies.is_some() {
        return Err(bad(
            "default",
            "the default names no agency: agencies are per jurisdiction".into(),
        ));
    }
    for (code, rule) in &file.jurisdictions {
        let named = rule.agencies.as_ref();
        if let Some(a) = named {
            if let Some(k) = a
                .regulators
                .iter()
                .chain(&a.cras)
                .find(|k| !file.agencies.contains_key(*k))
            {
                return Err(bad(code, format!("unknown agency {k:?}")));
            }
            if a.only_if_any_element.contains(&RuleTerm::AnyPersonalData) {
                return Err(bad(
                    code,
                    "only_if_any_element cannot be any_personal_data".into(),
                ));
            }
            if a.citation.trim().is_empty() {
                return Err(bad(code, "agencies without a citation".into()));
            }
        }
        for (element, list) in [
            (
                ContentElement::RegulatorContacts,
                named.map(|a| &a.regulators),
            ),
            (ContentElement::CraContacts, named.map(|a| &a.cras)),
        ] {
            if rule.required.contains(&element) && list.is_none_or(Vec::is_empty) {
                return Err(bad(
                    code,
                    format!("requires {element} but names no agency for it"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_content_rules_load_and_differ_by_jurisdiction() {
        let c = NoticeContent::embedded().expect("embedded content rules");
        assert!(c
            .rule("US-CA")
            .required
            .contains(&ContentElement::NoticeDate));
        assert!(c
            .rule("EU")
            .required
            .contains(&ContentElement::LikelyConsequences));
        // An unlisted jurisdiction gets the default, never nothing.
        assert_eq!(c.rule("US-WY").required, c.rule("no-such").required);
        assert!(!c.rule("US-WY").required.is_empty());
        let qc = c.required_for(&["CA", "CA-QC"]);
        assert!(qc.contains(&ContentElement::BreachDate));
    }

    #[test]
    fn every_content_code_is_a_rule_code() {
        let c = NoticeContent::embedded().expect("embedded content rules");
        let rules = crate::RuleSet::embedded().expect("embedded rules");
        for code in c.file.jurisdictions.keys() {
            assert!(rules.get(code).is_some(), "{code} has content but no rule");
        }
    }

    fn names(list: &[&Agency]) -> Vec<String> {
        list.iter().map(|a| a.name.clone()).collect()
    }

    #[test]
    fn agencies_come_from_the_persons_own_jurisdictions_only() {
        let c = NoticeContent::embedded().expect("embedded content rules");
        let name_email = [Element::Name, Element::Email];

        let gb = c.agencies_for(&["GB"], &name_email);
        assert_eq!(
            names(&gb.regulators),
            ["Information Commissioner's Office (ICO)"]
        );
        assert!(gb.cras.is_empty());

        // The reference names no member-state authority, and the lead
        // authority is the controller's, not the customer's: nobody.
        assert_eq!(
            c.agencies_for(&["EU"], &name_email),
            NoticeAgencies::default()
        );

        // No law there names an agency; the default never does.
        for code in ["AU", "JP", "CH", "US-TX", "UNKNOWN"] {
            let a = c.agencies_for(&[code], &[Element::Name, Element::UsSsn]);
            assert_eq!(a, NoticeAgencies::default(), "{code}");
        }
        assert_eq!(
            c.agencies_for(&["CA", "CA-QC"], &name_email),
            NoticeAgencies::default()
        );

        let ny = c.agencies_for(&["US-NY"], &name_email);
        assert!(names(&ny.regulators).contains(&"Federal Trade Commission".to_string()));
        assert!(ny.cras.is_empty(), "New York asks for no credit bureau");

        let nc = c.agencies_for(&["US-NC"], &name_email);
        assert_eq!(names(&nc.cras), ["Equifax", "Experian", "TransUnion"]);
        assert_eq!(nc.regulators.len(), 2);
    }

    #[test]
    fn californias_offer_turns_on_the_source_of_the_breach() {
        let c = NoticeContent::embedded().expect("content rules");
        let ssn = [Element::Email, Element::UsSsn];
        let duty = |source| {
            c.required_by_exposure("US-CA", &ssn, source)
                .iter()
                .find(|(x, _)| x.element == ContentElement::IdentityTheftServices)
                .map(|(_, d)| *d)
        };
        assert_eq!(duty(SourceOfBreach::Us), Some(ContentDuty::Required));
        assert_eq!(duty(SourceOfBreach::Unknown), Some(ContentDuty::Ask));
        assert_eq!(duty(SourceOfBreach::Vendor), None);
        // The data condition still comes first.
        assert!(c
            .required_by_exposure("US-CA", &[Element::Email], SourceOfBreach::Us)
            .is_empty());
    }

    #[test]
    fn conditional_agencies_follow_what_leaked() {
        let c = NoticeContent::embedded().expect("embedded content rules");
        // California: credit bureaus only for an SSN, licence or ID number.
        let ca = c.agencies_for(&["US-CA"], &[Element::Name, Element::UsSsn]);
        assert_eq!(ca.cras.len(), 3);
        assert!(ca.regulators.is_empty());
        let ca = c.agencies_for(&["US-CA"], &[Element::Name, Element::Email]);
        assert_eq!(ca, NoticeAgencies::default());
        // Illinois: nothing for credentials alone (530/10(a)(2)).
        let il = c.agencies_for(&["US-IL"], &[Element::Email, Element::Password]);
        assert_eq!(il, NoticeAgencies::default());
        let il = c.agencies_for(&["US-IL"], &[Element::Name, Element::PaymentCard]);
        assert_eq!(names(&il.regulators), ["Federal Trade Commission"]);
    }

    #[test]
    fn every_agency_has_sources_and_every_required_contact_names_one() {
        let c = NoticeContent::embedded().expect("embedded content rules");
        for (key, a) in &c.file.agencies {
            assert!(!a.source_urls.is_empty(), "{key}");
            assert!(
                a.phone.is_some() || a.web.is_some() || a.address.is_some(),
                "{key} has no way to reach it"
            );
        }
        let all: Vec<Element> = Element::ALL.to_vec();
        for code in c.file.jurisdictions.keys() {
            let rule = c.rule(code);
            let a = c.agencies_for(&[code], &all);
            if rule.required.contains(&ContentElement::RegulatorContacts) {
                assert!(!a.regulators.is_empty(), "{code}");
            }
            if rule.required.contains(&ContentElement::CraContacts) {
                assert!(!a.cras.is_empty(), "{code}");
            }
        }
    }

    #[test]
    fn bad_agency_data_is_rejected() {
        let mut doc: serde_json::Value = serde_json::from_str(EMBEDDED).expect("json");
        let mut unknown = doc.clone();
        unknown["jurisdictions"]["GB"]["agencies"]["regulators"] = serde_json::json!(["gb-icoo"]);
        let err = NoticeContent::from_json(&unknown.to_string()).expect_err("unknown key");
        assert!(err.to_string().contains("unknown agency"), "{err}");

        let mut default = doc.clone();
        default["default"]["agencies"] = doc["jurisdictions"]["US-NC"]["agencies"].clone();
        let err = NoticeContent::from_json(&default.to_string()).expect_err("default");
        assert!(err.to_string().contains("per jurisdiction"), "{err}");

        doc["jurisdictions"]["US-NY"]["agencies"]["regulators"] = serde_json::json!([]);
        let err = NoticeContent::from_json(&doc.to_string()).expect_err("required, none");
        assert!(err.to_string().contains("names no agency"), "{err}");
    }

    #[test]
    fn an_unknown_element_is_rejected() {
        let bad = EMBEDDED.replace("\"cra_contacts\"]", "\"cra_contact\"]");
        assert!(NoticeContent::from_json(&bad).is_err());
    }
}
