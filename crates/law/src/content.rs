//! What a notice to an individual must say, per jurisdiction.
//!
//! The data (`rules/notice_content.json`) is separate from the obligation
//! rules because its source is different: the obligation rules are checked
//! against `../shared/reference`, which has no content data; each entry here
//! carries its own citation and confidence.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::rules::{Confidence, RuleError};

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
}

impl ContentElement {
    pub const ALL: [ContentElement; 10] = [
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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContentFile {
    version: String,
    #[allow(dead_code)]
    note: String,
    elements: BTreeMap<ContentElement, String>,
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

    /// The union of what every code in `codes` requires: a Quebec resident's
    /// notice must satisfy both `CA` and `CA-QC`.
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

    #[test]
    fn an_unknown_element_is_rejected() {
        let bad = EMBEDDED.replace("\"cra_contacts\"]", "\"cra_contact\"]");
        assert!(NoticeContent::from_json(&bad).is_err());
    }
}
