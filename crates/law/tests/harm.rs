//! Harm-based exceptions: assess until a person records a finding, then
//! not required (with any follow-up the statute asks) or required.

mod common;

use bw_law::Element::*;
use bw_law::{
    evaluate, Cause, Element, ExposureInput, HarmDetermination, HarmFinding,
    JurisdictionObligation, Notice,
};
use common::{has_reason, one, rules, DISCOVERED};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const DECIDED: OffsetDateTime = datetime!(2026-05-10 15:00 UTC);

fn decided(
    code: &str,
    elements: &[Element],
    residents: u64,
    cause: Cause,
    finding: Option<HarmFinding>,
) -> JurisdictionObligation {
    let mut input = ExposureInput::new(DISCOVERED);
    input.cause = cause;
    input.add(code, elements, residents, false);
    if let Some(finding) = finding {
        input.harm.insert(
            code.to_string(),
            HarmDetermination {
                finding,
                decided_at: DECIDED,
            },
        );
    }
    evaluate(&rules(), &input).remove(0)
}

#[test]
fn colorado_is_assess_until_a_no_harm_finding_makes_it_not_required() {
    // US-CO risk_of_harm_exemption true; AG threshold 500, CRA 1000.
    let o = decided("US-CO", &[Name, UsSsn], 1200, Cause::Unknown, None);
    assert_eq!(
        (o.individual_notice, o.regulator_notice, o.cra_notice),
        (Notice::Assess, Notice::Assess, Notice::Assess)
    );
    assert!(
        has_reason(&o, "--jurisdiction US-CO --no-harm"),
        "{:#?}",
        o.reasons
    );

    let o = decided(
        "US-CO",
        &[Name, UsSsn],
        1200,
        Cause::Unknown,
        Some(HarmFinding::NoHarm),
    );
    assert_eq!(
        (o.individual_notice, o.regulator_notice, o.cra_notice),
        (
            Notice::NotRequired,
            Notice::NotRequired,
            Notice::NotRequired
        ),
        "{:#?}",
        o.reasons
    );
    assert_eq!(o.individual_deadline, None);
    assert_eq!(o.citations, ["Colo. Rev. Stat. § 6-1-716"]);
    assert!(
        has_reason(&o, "no-harm determination recorded on 2026-05-10"),
        "{:#?}",
        o.reasons
    );
    assert!(o.follow_ups.is_empty());

    let o = decided(
        "US-CO",
        &[Name, UsSsn],
        1200,
        Cause::Unknown,
        Some(HarmFinding::HarmLikely),
    );
    assert_eq!(
        (o.individual_notice, o.regulator_notice, o.cra_notice),
        (Notice::Required, Notice::Required, Notice::Required)
    );
}

#[test]
fn florida_wants_the_written_determination_within_30_days() {
    // US-FL no_harm_follow_up: Department of Legal Affairs, 30 days, any count.
    let o = decided(
        "US-FL",
        &[Name, UsSsn],
        3,
        Cause::Attack,
        Some(HarmFinding::NoHarm),
    );
    assert_eq!(o.individual_notice, Notice::NotRequired);
    assert_eq!(o.follow_ups.len(), 1, "{:#?}", o.reasons);
    let f = &o.follow_ups[0];
    assert_eq!(f.to, "Department of Legal Affairs");
    assert_eq!(f.deadline, Some(DECIDED + Duration::days(30)));
    assert_eq!(f.citation, "Fla. Stat. § 501.171");
    assert_eq!(o.earliest_deadline(), f.deadline);
    let json = serde_json::to_value(&o).expect("serialise");
    assert_eq!(json["follow_ups"][0]["deadline"], "2026-06-09T15:00:00Z");
}

#[test]
fn new_york_excuses_only_inadvertent_disclosure_and_reports_over_500() {
    let nd = Some(HarmFinding::NoHarm);
    let o = decided(
        "US-NY",
        &[Name, UsSsn],
        600,
        Cause::InadvertentDisclosure,
        nd,
    );
    assert_eq!(o.individual_notice, Notice::NotRequired, "{:#?}", o.reasons);
    assert_eq!(o.follow_ups[0].to, "Attorney General");
    assert_eq!(o.follow_ups[0].deadline, Some(DECIDED + Duration::days(10)));
    // 500 or fewer: no report of the determination.
    let o = decided(
        "US-NY",
        &[Name, UsSsn],
        500,
        Cause::InadvertentDisclosure,
        nd,
    );
    assert!(o.follow_ups.is_empty());
    assert!(has_reason(&o, "below the 501"), "{:#?}", o.reasons);
    // The exception is not open to an attack, whatever was found.
    let o = decided("US-NY", &[Name, UsSsn], 600, Cause::Attack, nd);
    assert_eq!(o.individual_notice, Notice::Required);
    // Nor settled while the cause is unknown.
    let o = decided("US-NY", &[Name, UsSsn], 600, Cause::Unknown, nd);
    assert_eq!(o.individual_notice, Notice::Assess);
    assert!(
        has_reason(&o, "the cause is not recorded"),
        "{:#?}",
        o.reasons
    );
}

#[test]
fn a_finding_for_a_law_without_a_harm_exception_is_ignored() {
    // US-TX risk_of_harm_exemption false.
    let o = decided(
        "US-TX",
        &[Name, UsSsn],
        10,
        Cause::Unknown,
        Some(HarmFinding::NoHarm),
    );
    assert_eq!(o.individual_notice, Notice::Required);
    assert!(
        has_reason(&o, "no harm exception for it to apply"),
        "{:#?}",
        o.reasons
    );
}

#[test]
fn every_harm_exception_assesses_and_yields_to_a_no_harm_finding() {
    let rules = rules();
    let with_exception: Vec<_> = rules.iter().filter(|r| r.has_harm_exception()).collect();
    assert!(with_exception.len() > 40, "{}", with_exception.len());
    for rule in with_exception {
        let code = rule.code.as_str();
        // Name + SSN meets every US definition (GA/ME: conditionally).
        let plain = one(code, &[Name, UsSsn], 10, false);
        assert_eq!(plain.individual_notice, Notice::Assess, "{code}");
        let cause = rule
            .risk_of_harm_causes
            .first()
            .copied()
            .unwrap_or(Cause::Unknown);
        let o = decided(code, &[Name, UsSsn], 10, cause, Some(HarmFinding::NoHarm));
        let conditional = !rule.conditional_definition.is_empty()
            && rule.combinations().is_some_and(|c| {
                !c.iter()
                    .any(|c| c.iter().all(|e| [Name, UsSsn].contains(e)))
            });
        if !conditional {
            assert_eq!(
                o.individual_notice,
                Notice::NotRequired,
                "{code}: {:#?}",
                o.reasons
            );
        }
    }
}
