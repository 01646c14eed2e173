//! What a notice template can use. The names here are the template
//! interface: renaming one breaks every customised template, so they only
//! ever get added to.

use std::collections::BTreeMap;

use bw_law::{Agency, ContentElement};
use serde::{Deserialize, Serialize};

/// Organisation-wide texts of a notification campaign, from `[notify]` in
/// the config file or the drill. Plain text; templates escape for HTML.
///
/// The texts are written in one language ([`NoticeTexts::language`]);
/// notices go out in each customer's ([`crate::lang::language_for`]), so
/// [`NoticeTexts::translations`] gives any element again per notice
/// language. A notice takes its own language's text for each element and
/// the default only where none is given: a French template with English
/// paragraphs is what the translations exist to prevent, and lint names
/// every such gap ([`crate::lint::language_gaps`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeTexts {
    /// The organisation as customers know it (a name: not translated).
    pub company_name: String,
    /// How to reach the organisation (or its DPO): phone, email, web page.
    pub contact: String,
    /// What the organisation has done and will do.
    pub measures: String,
    /// What the customer can do to protect themselves.
    pub advice: String,
    /// The likely consequences for the customer.
    pub consequences: String,
    /// The offer of identity-theft prevention and mitigation services
    /// (what, for how long, how to take it up). Printed only in notices
    /// whose law ties it to the data exposed (California: an SSN, licence
    /// or ID number).
    #[serde(default)]
    pub identity_protection: String,
    /// The language the texts above are written in: one of
    /// [`crate::lang::LANGUAGES`].
    #[serde(default = "english")]
    pub language: String,
    /// The texts again for notices in other languages, by language code
    /// ([`crate::lang::LANGUAGES`]).
    #[serde(default)]
    pub translations: BTreeMap<String, LanguageTexts>,
    // No regulator or credit-bureau text here: those contacts are per
    // jurisdiction, from bw-law's rule data
    // (`bw_law::NoticeContent::agencies_for`); one campaign-wide text put
    // the FTC in UK and EU notices.
}

fn english() -> String {
    "en".to_string()
}

impl Default for NoticeTexts {
    fn default() -> Self {
        NoticeTexts {
            company_name: String::new(),
            contact: String::new(),
            measures: String::new(),
            advice: String::new(),
            consequences: String::new(),
            identity_protection: String::new(),
            language: english(),
            translations: BTreeMap::new(),
        }
    }
}

/// One language's campaign texts: any element not given (or blank) falls
/// back to the default texts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageTexts {
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub measures: Option<String>,
    #[serde(default)]
    pub advice: Option<String>,
    #[serde(default)]
    pub consequences: Option<String>,
    #[serde(default)]
    pub identity_protection: Option<String>,
}

impl LanguageTexts {
    /// The text given for `element`, if one is and it is not blank.
    pub fn for_element(&self, element: ContentElement) -> Option<&str> {
        match element {
            ContentElement::WhatWeAreDoing => self.measures.as_deref(),
            ContentElement::WhatYouCanDo => self.advice.as_deref(),
            ContentElement::Contact => self.contact.as_deref(),
            ContentElement::LikelyConsequences => self.consequences.as_deref(),
            ContentElement::IdentityTheftServices => self.identity_protection.as_deref(),
            _ => None,
        }
        .filter(|t| !t.trim().is_empty())
    }
}

/// The content elements the campaign texts supply, in the order a notice
/// prints them.
pub const CAMPAIGN_ELEMENTS: [ContentElement; 5] = [
    ContentElement::LikelyConsequences,
    ContentElement::WhatWeAreDoing,
    ContentElement::WhatYouCanDo,
    ContentElement::IdentityTheftServices,
    ContentElement::Contact,
];

/// The config key (under `[notify]`, or `[notify.texts.LANG]`) that sets
/// the campaign text for `element`; lint's messages name it.
pub fn config_key(element: ContentElement) -> Option<&'static str> {
    Some(match element {
        ContentElement::WhatWeAreDoing => "measures",
        ContentElement::WhatYouCanDo => "advice",
        ContentElement::Contact => "contact",
        ContentElement::LikelyConsequences => "consequences",
        ContentElement::IdentityTheftServices => "identity-protection",
        _ => return None,
    })
}

impl NoticeTexts {
    /// The default text that supplies `element`, if it comes from the
    /// campaign texts.
    pub fn for_element(&self, element: ContentElement) -> Option<&str> {
        Some(match element {
            ContentElement::WhatWeAreDoing => &self.measures,
            ContentElement::WhatYouCanDo => &self.advice,
            ContentElement::Contact => &self.contact,
            ContentElement::LikelyConsequences => &self.consequences,
            ContentElement::IdentityTheftServices => &self.identity_protection,
            _ => return None,
        })
    }

    /// The text written in `language` for `element`: the default when the
    /// default texts are in that language, else its translation; `None`
    /// when there is none (or `element` is no campaign text).
    pub fn translation(&self, language: &str, element: ContentElement) -> Option<&str> {
        if language == self.language {
            return self.for_element(element);
        }
        self.translations
            .get(language)
            .and_then(|t| t.for_element(element))
    }

    /// What a notice in `language` prints for `element`: its translation,
    /// else the default text.
    pub fn in_language(&self, language: &str, element: ContentElement) -> Option<&str> {
        self.translation(language, element)
            .or_else(|| self.for_element(element))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerVars {
    pub name: String,
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldVars {
    /// Machine name, e.g. `email`.
    pub kind: String,
    /// Reader-facing, in the notice's language.
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentVars {
    pub id: String,
    pub title: String,
    /// What happened, in plain language.
    pub description: String,
    /// When the breach happened or was discovered (date).
    pub breach_date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompanyVars {
    pub name: String,
    pub contact: String,
}

/// Everything one notice template sees.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeVars {
    pub customer: CustomerVars,
    pub exposed: Vec<FieldVars>,
    pub incident: IncidentVars,
    pub company: CompanyVars,
    pub notice_date: String,
    pub measures: String,
    pub advice: String,
    pub consequences: String,
    pub regulator_contacts: String,
    pub cra_contacts: String,
    /// Empty unless this notice's law requires the offer.
    pub identity_protection: String,
    pub jurisdiction: String,
    pub language: String,
}

/// Agencies as a notice lists them: one a line, with what the data knows of
/// each (name, address, phone, web site). Empty when there are none, which
/// templates test to leave the section out.
pub(crate) fn agency_lines(agencies: &[&Agency]) -> String {
    agencies
        .iter()
        .map(|a| {
            [
                Some(&a.name),
                a.address.as_ref(),
                a.phone.as_ref(),
                a.web.as_ref(),
            ]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The marker a content element renders as in lint's probe: a template
/// covers an element when its marker survives rendering.
pub(crate) fn marker(element: ContentElement) -> String {
    format!("\u{27e6}{}\u{27e7}", element.as_str())
}

impl NoticeVars {
    /// A notice whose every element is its lint marker and that exposes
    /// every field, so no `if` hides a section from the probe.
    pub(crate) fn probe(jurisdiction: &str, language: &str) -> NoticeVars {
        use ContentElement as E;
        let fields = [
            "email",
            "person_name",
            "phone_number",
            "street_address",
            "date_of_birth",
            "payment_card",
            "us_ssn",
            "iban",
            "ip_address",
        ];
        NoticeVars {
            customer: CustomerVars {
                name: "Probe Customer".into(),
                first_name: "Probe".into(),
                last_name: "Customer".into(),
            },
            exposed: fields
                .iter()
                .map(|f| FieldVars {
                    kind: (*f).to_string(),
                    label: marker(E::DataInvolved),
                })
                .collect(),
            incident: IncidentVars {
                id: "INC-PROBE".into(),
                title: "probe".into(),
                description: marker(E::WhatHappened),
                breach_date: marker(E::BreachDate),
            },
            company: CompanyVars {
                name: "Probe Retail".into(),
                contact: marker(E::Contact),
            },
            notice_date: marker(E::NoticeDate),
            measures: marker(E::WhatWeAreDoing),
            advice: marker(E::WhatYouCanDo),
            consequences: marker(E::LikelyConsequences),
            regulator_contacts: marker(E::RegulatorContacts),
            cra_contacts: marker(E::CraContacts),
            identity_protection: marker(E::IdentityTheftServices),
            jurisdiction: jurisdiction.to_string(),
            language: language.to_string(),
        }
    }
}
