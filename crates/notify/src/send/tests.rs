//! Notices rendered as `send` renders them: contacts per jurisdiction.

use std::collections::BTreeMap;

use super::*;

/// A campaign's texts. Before contacts came from the law data, the
/// campaign also carried the FTC and the US credit bureaus for everyone;
/// the tests below check that no notice names them unless its law does.
fn us_campaign_texts() -> NoticeTexts {
    NoticeTexts {
        company_name: "Example Shop".into(),
        contact: "privacy@shop.example".into(),
        measures: "We fixed the page.".into(),
        advice: "Be wary of phishing.".into(),
        consequences: "Unwanted email.".into(),
        identity_protection: "Twelve months of identity protection at no cost.".into(),
        ..NoticeTexts::default()
    }
}

fn run_context(texts: NoticeTexts) -> RunContext {
    RunContext {
        content: NoticeContent::embedded().expect("content rules"),
        source: bw_law::SourceOfBreach::Us,
        descriptions: BTreeMap::new(),
        incident: Incident {
            id: IncidentId::new("INC-2026-0001"),
            title: "Q&A pages".into(),
            description: "A page showed other customers' details.".into(),
            discovered_at: "2026-11-20T09:00:00Z".into(),
            detected_by: "test".into(),
            status: bw_store::Status::Notifying,
            severity: bw_store::Severity::High,
            opened_at: "2026-11-20T09:00:00Z".into(),
            updated_at: "2026-11-20T09:00:00Z".into(),
            evidence_count: 1,
            affected_count: 1,
            affected_by_country: BTreeMap::new(),
            obligations_version: None,
            audit_entries: 1,
        },
        texts,
        from: "Example Shop <privacy@shop.example>"
            .parse()
            .expect("sender mailbox"),
        opts: SendOptions::default(),
    }
}

/// Renders the notice one customer of `country`/`region` gets (text and
/// HTML parts joined), the way `send` does.
fn notice_for(country: &str, region: Option<&str>, fields: &[&str]) -> String {
    notice_from(country, region, fields, bw_law::SourceOfBreach::Us)
}

fn notice_from(
    country: &str,
    region: Option<&str>,
    fields: &[&str],
    source: bw_law::SourceOfBreach,
) -> String {
    notice_from_texts(country, region, fields, source, us_campaign_texts())
}

/// The notice with the campaign's own `texts`.
pub(super) fn notice_from_texts(
    country: &str,
    region: Option<&str>,
    fields: &[&str],
    source: bw_law::SourceOfBreach,
    texts: NoticeTexts,
) -> String {
    let templates = Templates::load(None).expect("built-in templates");
    let descriptions = BTreeMap::new();
    notice_with_templates(
        &templates,
        country,
        region,
        fields,
        source,
        texts,
        &descriptions,
    )
}

/// The notice rendered with `templates`, the incident's description
/// given in other languages as `descriptions`.
pub(super) fn notice_with_templates(
    templates: &Templates,
    country: &str,
    region: Option<&str>,
    fields: &[&str],
    source: bw_law::SourceOfBreach,
    texts: NoticeTexts,
    descriptions: &BTreeMap<String, String>,
) -> String {
    let mut ctx = run_context(texts);
    ctx.source = source;
    ctx.descriptions = descriptions.clone();
    let jurisdictions = bw_law::jurisdictions_for(country, region);
    let language = crate::lang::language_for(country).to_string();
    let notice = ClaimedNotice {
        customer_id: "C1".into(),
        jurisdiction: jurisdictions.last().cloned().unwrap_or_default(),
        jurisdictions,
        language,
        fields: fields.iter().map(|f| f.to_string()).collect(),
        message_id: "<x@shop.example>".into(),
        attempts: 1,
    };
    let contact = Contact {
        customer_id: "C1".into(),
        email: "jane@mail.example".into(),
        first_name: "Jane".into(),
        last_name: "Doe".into(),
    };
    let key = templates
        .select(&notice.jurisdictions, &notice.language)
        .expect("a template");
    let r = templates
        .render(
            &key,
            &vars_for(
                &ctx,
                &notice,
                &contact,
                templates.written_in(&key, &notice.language, &ctx.texts.language),
            ),
        )
        .expect("render");
    format!("{}\n{}", r.text, r.html.unwrap_or_default())
}

pub(super) const NAME_EMAIL: &[&str] = &["person_name", "email"];

fn assert_absent(notice: &str, what: &[&str]) {
    for w in what {
        assert!(!notice.contains(w), "{w:?} must not appear in:\n{notice}");
    }
}

fn assert_present(notice: &str, what: &[&str]) {
    for w in what {
        assert!(notice.contains(w), "{w:?} missing from:\n{notice}");
    }
}

#[test]
fn a_uk_notice_names_the_ico_and_no_us_agency() {
    let n = notice_for("GB", None, NAME_EMAIL);
    assert_present(&n, &["Information Commissioner's Office", "ico.org.uk"]);
    assert_absent(
        &n,
        &[
            "Federal Trade Commission",
            "Equifax",
            "Experian",
            "consumer reporting",
        ],
    );
}

#[test]
fn an_eu_notice_names_no_us_agency_and_prints_no_empty_contact_section() {
    // Ireland is written to in English, so the default template, which
    // has the contact sections, is used; Germany has its own template.
    for country in ["IE", "DE", "FR", "NL"] {
        let n = notice_for(country, None, NAME_EMAIL);
        assert_absent(
            &n,
            &[
                "Federal Trade Commission",
                "Equifax",
                "TransUnion",
                "Information Commissioner",
            ],
        );
        // The reference names no member-state authority: no contact
        // section at all rather than an empty or a wrong one.
        assert_absent(&n, &["You can also contact", "consumer reporting agencies"]);
    }
}

#[test]
fn a_notice_where_the_law_names_no_agency_has_no_contact_section() {
    for (country, region) in [
        ("AU", None),
        ("JP", None),
        ("CA", Some("ON")),
        ("US", Some("TX")),
    ] {
        let n = notice_for(country, region, &["person_name", "us_ssn"]);
        assert_absent(
            &n,
            &[
                "Federal Trade Commission",
                "Equifax",
                "You can also contact",
                "consumer reporting agencies",
            ],
        );
    }
}

#[test]
fn us_states_get_the_agencies_their_notice_content_names() {
    // North Carolina: the CRAs, the FTC and the state Attorney General.
    let nc = notice_for("US", Some("NC"), NAME_EMAIL);
    assert_present(
        &nc,
        &[
            "Equifax",
            "Experian",
            "TransUnion",
            "Federal Trade Commission",
            "ncdoj.gov",
        ],
    );
    // New York: state and federal agencies, no credit bureaus.
    let ny = notice_for("US", Some("NY"), NAME_EMAIL);
    assert_present(
        &ny,
        &["Federal Trade Commission", "ag.ny.gov", "dos.ny.gov"],
    );
    assert_absent(&ny, &["Equifax", "TransUnion", "ncdoj.gov"]);
    // California: credit bureaus only when an SSN, licence or ID number
    // leaked, and never the FTC.
    let ca_ssn = notice_for("US", Some("CA"), &["person_name", "us_ssn"]);
    assert_present(&ca_ssn, &["Equifax", "Experian", "TransUnion"]);
    assert_absent(&ca_ssn, &["Federal Trade Commission"]);
    let ca_email = notice_for("US", Some("CA"), NAME_EMAIL);
    assert_absent(&ca_email, &["Equifax", "Federal Trade Commission"]);
}

#[test]
fn californians_whose_ssn_leaked_are_offered_identity_theft_services_and_no_one_else() {
    let offer = "Twelve months of identity protection at no cost.";
    let ssn = notice_for("US", Some("CA"), &["person_name", "us_ssn"]);
    assert_present(&ssn, &[offer]);
    // An email alone owes no offer in California, nor does an SSN abroad.
    assert_absent(&notice_for("US", Some("CA"), &["email"]), &[offer]);
    assert_absent(&notice_for("GB", None, &["us_ssn"]), &[offer]);
    // A vendor's breach owes no offer from the business (§ 1798.82(d)(2)(G));
    // an unrecorded source makes the configured offer rather than withhold it.
    let vendor = notice_from(
        "US",
        Some("CA"),
        &["us_ssn"],
        bw_law::SourceOfBreach::Vendor,
    );
    assert_absent(&vendor, &[offer]);
    let unknown = notice_from(
        "US",
        Some("CA"),
        &["us_ssn"],
        bw_law::SourceOfBreach::Unknown,
    );
    assert_present(&unknown, &[offer]);
}

#[test]
fn lint_asks_for_the_offer_only_where_the_exposure_calls_for_it() {
    let content = NoticeContent::embedded().expect("content rules");
    let record = |region: &str, fields: &[&str]| bw_store::AffectedRecord {
        customer_id: "c1".into(),
        matched_fields: fields.iter().map(|f| f.to_string()).collect(),
        confidence: 1.0,
        country: Some("US".into()),
        region: Some(region.into()),
        evidence_refs: Vec::new(),
        first_seen_at: "2026-11-20T09:00:00Z".into(),
    };
    let us = bw_law::SourceOfBreach::Us;
    let email_only = crate::lint::required_by_use(&content, &[record("CA", &["email"])], us);
    assert!(email_only
        .values()
        .all(|r| !r.contains(&ContentElement::IdentityTheftServices)));
    let ssn = [record("CA", &["email"]), record("CA", &["email", "us_ssn"])];
    let with_ssn = crate::lint::required_by_use(&content, &ssn, us);
    assert!(with_ssn
        .values()
        .any(|r| r.contains(&ContentElement::IdentityTheftServices)));
    // § 1798.82(d)(2)(G) owes the offer only if the business was the
    // source of the breach: a vendor's breach does not ask for it, and an
    // unrecorded source is a warning naming the statute, not a failure.
    let id = bw_store::IncidentId::new("INC-2026-0007");
    for source in [
        bw_law::SourceOfBreach::Vendor,
        bw_law::SourceOfBreach::Unknown,
    ] {
        let r = crate::lint::required_by_use(&content, &ssn, source);
        assert!(
            r.values()
                .all(|r| !r.contains(&ContentElement::IdentityTheftServices)),
            "{source}"
        );
    }
    assert!(crate::lint::asks(&id, &content, &ssn, us).is_empty());
    assert!(crate::lint::asks(&id, &content, &ssn, bw_law::SourceOfBreach::Vendor).is_empty());
    let asked = crate::lint::asks(&id, &content, &ssn, bw_law::SourceOfBreach::Unknown);
    assert_eq!(asked.len(), 1, "{asked:?}");
    let m = &asked[0].message;
    assert!(
        m.starts_with("US-CA: 1 customer(s)")
            && m.contains("identity_theft_services")
            && m.contains("1798.82(d)(2)(G)")
            && m.contains("incident source-of-breach INC-2026-0007"),
        "{m}"
    );
    // An email alone asks nothing, whatever the source.
    assert!(crate::lint::asks(
        &id,
        &content,
        &[record("CA", &["email"])],
        bw_law::SourceOfBreach::Unknown
    )
    .is_empty());
    // Without the campaign's offer text, lint fails and names the element.
    let templates = crate::Templates::load(None).expect("built-in templates");
    let mut texts = us_campaign_texts();
    texts.identity_protection.clear();
    let problems = templates.lint_required(&content, &with_ssn, &texts);
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("identity_theft_services")),
        "{problems:?}"
    );
    assert!(templates
        .lint_required(&content, &with_ssn, &us_campaign_texts())
        .is_empty());
}
