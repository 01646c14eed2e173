//! An incident's notices checked before any is planned: every template
//! that will be used compiles, uses known variables and carries what each
//! jurisdiction's law requires, the campaign texts that fill required
//! content are there, and so is what the incident itself must supply;
//! and, as warnings, what a person should settle: facts the incident does
//! not record, paragraphs a notice would print in another language.

use std::collections::{BTreeMap, BTreeSet};

use bw_law::{ContentDuty, ContentElement, Element, NoticeContent, SourceOfBreach};
use bw_store::{AffectedRecord, Declarations, IncidentId, Store};

use crate::vars::{config_key, CAMPAIGN_ELEMENTS};
use crate::{NoticeTexts, Result, TemplateProblem, Templates};

/// Lint problems for the notices of incident `id`; empty when all is well.
pub async fn problems(
    store: &Store,
    id: &IncidentId,
    templates: &Templates,
    content: &NoticeContent,
    texts: &NoticeTexts,
) -> Result<Vec<TemplateProblem>> {
    let incident = store.incident(id).await?;
    let affected = store.affected(id).await?;
    let source = store.declarations(id).await?.source_of_breach;
    let mut required = required_by_use(content, &affected, source);
    if required.is_empty() {
        // Nobody affected yet: still check the default template.
        let unknown = vec!["UNKNOWN".to_string()];
        let standing = content.required_for(&unknown);
        required.insert((unknown, "en".to_string()), standing);
    }
    let uses: BTreeSet<(Vec<String>, String)> = required.keys().cloned().collect();
    let mut out = templates.lint_required(content, &required, texts);
    out.extend(incident_problems(
        &incident.id,
        &incident.description,
        content,
        &uses,
    ));
    Ok(out)
}

/// Things lint asks a person about without failing: content the data
/// calls for that also turns on a fact the incident does not record
/// (California's offer of identity-theft services when nobody said whether
/// the business was the source of the breach), one line per element and
/// jurisdiction naming the statute; and campaign texts that notices in
/// another language will print untranslated ([`language_gaps`]).
pub async fn warnings(
    store: &Store,
    id: &IncidentId,
    templates: &Templates,
    content: &NoticeContent,
    texts: &NoticeTexts,
) -> Result<Vec<TemplateProblem>> {
    let incident = store.incident(id).await?;
    let affected = store.affected(id).await?;
    let declared = store.declarations(id).await?;
    let mut out = asks(id, content, &affected, declared.source_of_breach);
    let facts = IncidentFacts {
        id,
        description: &incident.description,
        declared: &declared,
    };
    out.extend(language_gaps(templates, content, texts, &affected, &facts));
    Ok(out)
}

/// What [`language_gaps`] reads of the incident: its description, the
/// description's translations and the source of the breach.
pub struct IncidentFacts<'a> {
    pub id: &'a IncidentId,
    /// As given at `incident open`: read as written in the default
    /// campaign texts' language.
    pub description: &'a str,
    pub declared: &'a Declarations,
}

/// Paragraphs that notices will print in another language than their
/// template's: per language and element the template prints, how many
/// customers, and the config key (`[notify.texts.fr] measures = …`) or
/// the command (`incident set-description --lang fr`) that fixes it; and
/// texts given for a language no template is written in, which are never
/// read.
///
/// Warnings, not errors. What the statutes make a notice's content —
/// what happened, the data, what is being done, whom to contact — is
/// still there, and [`problems`] already fails a notice that lacks any of
/// it; an untranslated paragraph makes a notice worse (GDPR Art. 34(2)
/// asks for clear and plain language), not absent. Failing lint would
/// hold back every notice of the incident, in every language, while the
/// deadlines run; the person choosing between sending now with one
/// paragraph in English and translating first is told how many customers
/// it concerns, and chooses.
pub fn language_gaps(
    templates: &Templates,
    content: &NoticeContent,
    texts: &NoticeTexts,
    affected: &[AffectedRecord],
    incident: &IncidentFacts<'_>,
) -> Vec<TemplateProblem> {
    let source = incident.declared.source_of_breach;
    let descriptions = &incident.declared.description_translations;
    // (jurisdictions, language) → (customers, customers offered the
    // identity-theft services, which only some notices print)
    let mut uses: BTreeMap<(Vec<String>, String), (u64, u64)> = BTreeMap::new();
    for rec in affected {
        let (codes, language) = crate::plan::placement(rec);
        let exposed = exposed_of(rec);
        // As `send` decides: owed, or possibly owed.
        let offered = codes.iter().any(|c| {
            content
                .required_by_exposure(c, &exposed, source)
                .iter()
                .any(|(c, _)| c.element == ContentElement::IdentityTheftServices)
        });
        let n = uses.entry((codes, language)).or_default();
        n.0 += 1;
        n.1 += u64::from(offered);
    }
    // (template language, element) → customers
    let mut gaps: BTreeMap<(String, ContentElement), u64> = BTreeMap::new();
    // customer language → (customers, languages of the templates they get)
    let mut unread: BTreeMap<&str, (u64, BTreeSet<String>)> = BTreeMap::new();
    for ((codes, language), (customers, offered)) in &uses {
        let Some(key) = templates.select(codes, language) else {
            continue; // an error of `lint_required`'s
        };
        // The texts follow the template (see `send`): an Italian customer
        // with no Italian template reads English words and English texts.
        let written_in = templates
            .written_in(&key, language, &texts.language)
            .to_string();
        if written_in != *language
            && (texts.translations.contains_key(language) || descriptions.contains_key(language))
        {
            let u = unread.entry(language).or_default();
            u.0 += customers;
            u.1.insert(written_in.clone());
        }
        if written_in == texts.language {
            continue;
        }
        let printed = templates.elements_printed(codes, language);
        if printed.contains(&ContentElement::WhatHappened)
            && !descriptions.contains_key(&written_in)
            && !incident.description.trim().is_empty()
        {
            *gaps
                .entry((written_in.clone(), ContentElement::WhatHappened))
                .or_default() += customers;
        }
        for e in CAMPAIGN_ELEMENTS {
            let untranslated = printed.contains(&e)
                && texts.translation(&written_in, e).is_none()
                && texts.for_element(e).is_some_and(|t| !t.trim().is_empty());
            let n = if e == ContentElement::IdentityTheftServices {
                *offered
            } else {
                *customers
            };
            if untranslated && n > 0 {
                *gaps.entry((written_in.clone(), e)).or_default() += n;
            }
        }
    }
    let mut out: Vec<TemplateProblem> = gaps
        .into_iter()
        .map(|((language, e), n)| match config_key(e) {
            Some(key) => TemplateProblem {
                template: "config".into(),
                line: None,
                message: format!(
                    "{n} customer(s) get notices in {language} that print the {} text for \
                     `{e}` ({}): add `{key}` under [notify.texts.{language}]",
                    texts.language,
                    content.describe(e),
                ),
            },
            // The description is the incident's, not the campaign's.
            None => TemplateProblem {
                template: "incident".into(),
                line: None,
                message: format!(
                    "{n} customer(s) get notices in {language} that print the description of \
                     {id} as opened, read as {} (`{e}`: {}): give it in {language} with \
                     `breachwatch incident set-description {id} --lang {language} \"…\"`",
                    texts.language,
                    content.describe(e),
                    id = incident.id,
                ),
            },
        })
        .collect();
    out.extend(
        unread
            .into_iter()
            .map(|(language, (n, written_in))| TemplateProblem {
                template: "config".into(),
                line: None,
                message: format!(
                    "the texts in {language} ([notify.texts.{language}] or the incident's \
                     description) are not read for the {n} customer(s) written to in \
                     {language}: no template is in {language}, so they get one in {} and its \
                     texts; add default.{language}.txt (and .html) to the templates directory",
                    written_in.into_iter().collect::<Vec<_>>().join(", ")
                ),
            }),
    );
    out
}

/// See [`warnings`].
pub fn asks(
    id: &IncidentId,
    content: &NoticeContent,
    affected: &[AffectedRecord],
    source: SourceOfBreach,
) -> Vec<TemplateProblem> {
    // (jurisdiction, element) → (customers, citation)
    let mut found: BTreeMap<(String, ContentElement), (u64, String)> = BTreeMap::new();
    for rec in affected {
        let (codes, _) = crate::plan::placement(rec);
        let exposed = exposed_of(rec);
        for code in &codes {
            for (c, duty) in content.required_by_exposure(code, &exposed, source) {
                if duty == ContentDuty::Ask {
                    let e = found
                        .entry((code.clone(), c.element))
                        .or_insert_with(|| (0, c.citation.clone()));
                    e.0 += 1;
                }
            }
        }
    }
    found
        .into_iter()
        .map(|((code, element), (n, citation))| TemplateProblem {
            template: "incident".into(),
            line: None,
            message: format!(
                "{code}: {n} customer(s) had data exposed that calls for {} if the business was \
                 the source of the breach, and {id} does not say whether it was [{citation}]: \
                 record it with `breachwatch incident source-of-breach {id} us|vendor`",
                element.as_str()
            ),
        })
        .collect()
}

fn exposed_of(rec: &AffectedRecord) -> Vec<Element> {
    rec.matched_fields
        .iter()
        .filter_map(|f| Element::from_kind_name(f).or_else(|| f.parse().ok()))
        .collect()
}

/// What each (jurisdictions, language) the notices will use must carry:
/// its jurisdictions' standing content, plus what their laws tie to the
/// data exposed to any customer notified that way (California's offer of
/// identity-theft services when an SSN, licence or ID number leaked and
/// the incident says the business was the source of the breach).
pub fn required_by_use(
    content: &NoticeContent,
    affected: &[AffectedRecord],
    source: SourceOfBreach,
) -> BTreeMap<(Vec<String>, String), BTreeSet<ContentElement>> {
    let mut out: BTreeMap<(Vec<String>, String), BTreeSet<ContentElement>> = BTreeMap::new();
    for rec in affected {
        let (codes, language) = crate::plan::placement(rec);
        let exposed = exposed_of(rec);
        let extra: Vec<ContentElement> = codes
            .iter()
            .flat_map(|c| content.required_by_exposure(c, &exposed, source))
            .filter(|(_, d)| *d == ContentDuty::Required)
            .map(|(c, _)| c.element)
            .collect();
        out.entry((codes, language))
            .or_insert_with_key(|(codes, _)| content.required_for(codes))
            .extend(extra);
    }
    out
}

/// What the incident record must supply: a description wherever a law
/// requires the notice to say what happened (a notice whose "What
/// happened" is blank tells the customer nothing and meets no statute).
fn incident_problems(
    id: &IncidentId,
    description: &str,
    content: &NoticeContent,
    uses: &BTreeSet<(Vec<String>, String)>,
) -> Option<TemplateProblem> {
    if !description.trim().is_empty() {
        return None;
    }
    let needing: BTreeSet<&str> = uses
        .iter()
        .flat_map(|(codes, _)| codes)
        .filter(|code| {
            content
                .required_for(std::slice::from_ref(*code))
                .contains(&ContentElement::WhatHappened)
        })
        .map(String::as_str)
        .collect();
    if needing.is_empty() {
        return None;
    }
    let citations: BTreeSet<&str> = needing
        .iter()
        .map(|code| content.rule(code).citation.as_str())
        .collect();
    Some(TemplateProblem {
        template: "incident".into(),
        line: None,
        message: format!(
            "{id} has no description, but notices for {} must say what happened [{}]: \
             open the incident with --description, or give it one",
            needing.into_iter().collect::<Vec<_>>().join(", "),
            citations.into_iter().collect::<Vec<_>>().join("; ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(codes: &[&str]) -> BTreeSet<(Vec<String>, String)> {
        codes
            .iter()
            .map(|c| (vec![c.to_string()], "en".to_string()))
            .collect()
    }

    #[test]
    fn a_blank_description_fails_where_a_law_requires_what_happened() {
        let content = NoticeContent::embedded().expect("content rules");
        let id = IncidentId::new("INC-2026-0001");
        let p = incident_problems(&id, "  ", &content, &uses(&["US-CA", "GB"])).expect("a problem");
        assert!(p.message.contains("US-CA"), "{}", p.message);
        assert!(p.message.contains("1798.82"), "{}", p.message);
        assert!(incident_problems(&id, "A page showed …", &content, &uses(&["US-CA"])).is_none());
    }
}
