//! Unit tests per rule family: definitions, thresholds, deadlines, encryption,
//! unknown codes and the JSON shape.

mod common;

use bw_law::Element::*;
use bw_law::{evaluate, sort_by_deadline, ExposureInput, Notice, RuleStatus};
use common::{has_reason, one, rules, DISCOVERED};
use time::macros::datetime;
use time::Duration;

#[test]
fn us_definition_explains_the_near_miss() {
    // US-CA personal_info_definition: name+payment_card+security_code_or_pin.
    let o = one("US-CA", &[Name, PaymentCard], 10, false);
    assert_eq!(o.individual_notice, Notice::NotRequired);
    assert!(
        has_reason(&o, "needs card_security_code"),
        "{:#?}",
        o.reasons
    );
    let o = one("US-CA", &[Name, Email], 10, false);
    assert!(
        has_reason(&o, "email + password needs password"),
        "{:#?}",
        o.reasons
    );
}

#[test]
fn elements_of_different_customers_are_not_combined() {
    // A name from one customer and an SSN from another is not "name + SSN".
    let mut input = ExposureInput::new(DISCOVERED);
    input.add("US-TX", &[Name], 300, false);
    input.add("US-TX", &[UsSsn], 300, false);
    let o = &evaluate(&rules(), &input)[0];
    assert_eq!(o.individual_notice, Notice::NotRequired);
    assert_eq!(o.residents, 600);
    assert_eq!(o.elements, vec![Name, UsSsn]);

    input.add("US-TX", &[Name, UsSsn], 7, false);
    let o = &evaluate(&rules(), &input)[0];
    assert_eq!(o.individual_notice, Notice::Required);
    assert_eq!(o.residents_owed_notice, 7);
}

#[test]
fn regulator_thresholds_count_only_residents_owed_notice() {
    // US-CA regulator_notice.threshold_residents 501 ("more than 500").
    assert_eq!(
        one("US-CA", &[Name, UsSsn], 500, false).regulator_notice,
        Notice::NotRequired
    );
    assert_eq!(
        one("US-CA", &[Name, UsSsn], 501, false).regulator_notice,
        Notice::Required
    );
    // US-TX threshold 250 ("at least 250"), deadline_days 30.
    assert_eq!(
        one("US-TX", &[Name, UsSsn], 249, false).regulator_notice,
        Notice::NotRequired
    );
    let o = one("US-TX", &[Name, UsSsn], 250, false);
    assert_eq!(o.regulator_notice, Notice::Required);
    assert_eq!(o.regulator_deadline, Some(DISCOVERED + Duration::days(30)));
    assert_eq!(
        o.regulator.as_deref(),
        Some("Attorney General (electronic form)")
    );

    // 600 CA residents, only 300 of them with personal information.
    let mut input = ExposureInput::new(DISCOVERED);
    input.add("US-CA", &[Name, UsSsn], 300, false);
    input.add("US-CA", &[Name, Email], 300, false);
    let o = &evaluate(&rules(), &input)[0];
    assert_eq!((o.residents, o.residents_owed_notice), (600, 300));
    assert_eq!(o.regulator_notice, Notice::NotRequired);
}

#[test]
fn cra_thresholds_and_unverified_duties() {
    // US-TX cra_notice.threshold_residents 10001 ("more than 10,000").
    assert_eq!(
        one("US-TX", &[Name, UsSsn], 10_000, false).cra_notice,
        Notice::NotRequired
    );
    assert_eq!(
        one("US-TX", &[Name, UsSsn], 10_001, false).cra_notice,
        Notice::Required
    );
    // US-CA: no CRA duty in § 1798.82 (CHANGES #7).
    assert_eq!(
        one("US-CA", &[Name, UsSsn], 100_000, false).cra_notice,
        Notice::NotRequired
    );
    // US-WA cra threshold null = unverified: never silently "not required".
    let o = one("US-WA", &[Name, UsSsn], 10, false);
    assert_eq!(o.cra_notice, Notice::Assess);
    assert!(has_reason(&o, "not verified"));
}

#[test]
fn unverified_regulator_facts_become_assess() {
    // US-LA regulator threshold_residents null; US-UT regulator required null.
    assert_eq!(
        one("US-LA", &[Name, UsSsn], 10, false).regulator_notice,
        Notice::Assess
    );
    assert_eq!(
        one("US-UT", &[Name, UsSsn], 10, false).regulator_notice,
        Notice::Assess
    );
    // US-GA regulator required false: a verified "no".
    assert_eq!(
        one("US-GA", &[Name, UsSsn], 10, false).regulator_notice,
        Notice::NotRequired
    );
}

#[test]
fn conditional_definitions_assess() {
    // US-GA/US-ME: SSN without a name counts only if enough for identity theft (CHANGES #6).
    assert_eq!(
        one("US-GA", &[UsSsn], 10, false).individual_notice,
        Notice::Assess
    );
    assert_eq!(
        one("US-ME", &[UsSsn], 10, false).individual_notice,
        Notice::Assess
    );
    assert_eq!(
        one("US-TX", &[UsSsn], 10, false).individual_notice,
        Notice::NotRequired
    );
}

#[test]
fn calendar_day_and_hour_deadlines() {
    // US-CA individual_notice.deadline_days 30 (SB 446).
    let o = one("US-CA", &[Name, UsSsn], 10, false);
    assert_eq!(o.individual_deadline, Some(datetime!(2026-06-03 09:00 UTC)));
    // EU regulator deadline_hours 72.
    let o = one("EU", &[Name, Email], 10, false);
    assert_eq!(o.regulator_deadline, Some(DISCOVERED + Duration::hours(72)));
    assert_eq!(o.individual_deadline, None);
    // KR individual deadline_hours 72 (CHANGES #3).
    let o = one("KR", &[Name, Email], 10, false);
    assert_eq!(o.individual_deadline, Some(datetime!(2026-05-07 09:00 UTC)));
}

#[test]
fn business_day_deadlines_skip_weekends() {
    // BR deadline_days 3, business days (CHANGES #4): Friday + 3 business days = Wednesday.
    let mut input = ExposureInput::new(datetime!(2026-05-01 09:00 UTC));
    input.add("BR", &[Name, Email], 10, false);
    let o = &evaluate(&rules(), &input)[0];
    assert_eq!(o.individual_deadline, Some(datetime!(2026-05-06 09:00 UTC)));
    assert_eq!(o.regulator_deadline, Some(datetime!(2026-05-06 09:00 UTC)));
    // US-VT regulator 14 business days from Monday 2026-05-04 (CHANGES #2).
    let o = one("US-VT", &[Name, UsSsn], 10, false);
    assert_eq!(o.regulator_deadline, Some(datetime!(2026-05-22 09:00 UTC)));
}

#[test]
fn open_ended_and_relative_deadlines_are_none_with_a_reason() {
    // US-AK: "most expeditious time possible and without unreasonable delay",
    // no days (assess: a harm exception with no finding recorded).
    let o = one("US-AK", &[Name, UsSsn], 10, false);
    assert_eq!(o.individual_notice, Notice::Assess);
    assert_eq!(o.individual_deadline, None);
    assert!(has_reason(&o, "no fixed day count"), "{:#?}", o.reasons);
    // US-CA AG: within 15 days of notifying residents (relative: deadline null).
    let o = one("US-CA", &[Name, UsSsn], 600, false);
    assert_eq!(o.regulator_deadline, None);
    assert!(has_reason(&o, "within 15 days after the individual notice"));
    assert!(has_reason(&o, "2026-06-18T09:00:00Z"), "{:#?}", o.reasons);
    // US-IA AG: 5 business days after consumer notice.
    let o = one("US-IA", &[Name, UsSsn], 600, false);
    assert!(has_reason(
        &o,
        "within 5 business days after the individual notice"
    ));
}

#[test]
fn encryption_safe_harbour_by_family() {
    // US: scope all, so nothing is owed to anyone.
    let o = one("US-TX", &[Name, UsSsn], 20_000, true);
    assert_eq!(
        (o.individual_notice, o.regulator_notice, o.cra_notice),
        (
            Notice::NotRequired,
            Notice::NotRequired,
            Notice::NotRequired
        )
    );
    assert!(has_reason(&o, "encryption safe harbour"));
    // EU: Art. 34(3)(a) exempts individuals only; the 72 h report stays an assessment.
    let o = one("EU", &[Name, UsSsn], 20, true);
    assert_eq!(o.individual_notice, Notice::NotRequired);
    assert_eq!(o.regulator_notice, Notice::Assess);
    assert!(o.regulator_deadline.is_some());
    // IN: encryption_safe_harbor false (once in force, CHANGES #18).
    let mut input = ExposureInput::new(datetime!(2027-06-01 09:00 UTC));
    input.add("IN", &[Name, Email], 20, true);
    let o = evaluate(&rules(), &input).remove(0);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::Required, Notice::Required)
    );
    // CA (PIPEDA): null, a risk factor.
    assert_eq!(
        one("CA", &[Name, Email], 20, true).regulator_notice,
        Notice::Assess
    );
}

#[test]
fn gdpr_style_scale_and_element_triggers() {
    // SG threshold_residents 500 (significant scale).
    assert_eq!(
        one("SG", &[Name, Email], 499, false).regulator_notice,
        Notice::Assess
    );
    assert_eq!(
        one("SG", &[Name, Email], 500, false).regulator_notice,
        Notice::Required
    );
    // KR threshold 1000, or unique identifiers at any size (CHANGES #3).
    assert_eq!(
        one("KR", &[Name, Email], 999, false).regulator_notice,
        Notice::Assess
    );
    assert_eq!(
        one("KR", &[Name, Email], 1000, false).regulator_notice,
        Notice::Required
    );
    assert_eq!(
        one("KR", &[Name, Passport], 3, false).regulator_notice,
        Notice::Required
    );
    // JP threshold 1001, or card numbers at any size (CHANGES #10).
    assert_eq!(
        one("JP", &[Name, Email], 1000, false).regulator_notice,
        Notice::Assess
    );
    assert_eq!(
        one("JP", &[Name, Email], 1001, false).regulator_notice,
        Notice::Required
    );
    assert_eq!(
        one("JP", &[Name, PaymentCard], 5, false).regulator_notice,
        Notice::Required
    );
    // GB: risk-based with the 72 h ICO clock.
    let o = one("GB", &[Name, Email], 25, false);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::Assess, Notice::Assess)
    );
    assert_eq!(o.regulator_deadline, Some(DISCOVERED + Duration::hours(72)));
}

#[test]
fn unknown_codes_give_no_rule_and_are_never_dropped() {
    let mut input = ExposureInput::new(DISCOVERED);
    input.add("XX", &[Name, Email], 4, false);
    input.add("US-CA", &[Name, Email], 4, false);
    input.add(bw_law::UNKNOWN_JURISDICTION, &[Name], 2, false);
    let out = evaluate(&rules(), &input);
    assert_eq!(out.len(), 3);
    for o in [&out[0], &out[2]] {
        assert_eq!(o.rule, RuleStatus::NoRule);
        assert_eq!(o.individual_notice, Notice::Assess);
        assert!(has_reason(o, "no rule: review manually"));
    }
    assert_eq!(out[1].rule, RuleStatus::Evaluated);
}

#[test]
fn every_jurisdiction_evaluates_with_citation_and_source() {
    let rules = rules();
    let mut input = ExposureInput::new(DISCOVERED);
    for rule in rules.iter() {
        input.add(&rule.code, &[Name, UsSsn], 1000, false);
    }
    let out = evaluate(&rules, &input);
    assert_eq!(out.len(), rules.len());
    for o in &out {
        assert_eq!(o.rule, RuleStatus::Evaluated);
        if o.code == "IN" {
            // Not in force before 2027-05-13 (CHANGES #18).
            assert_eq!(o.individual_notice, Notice::NotRequired);
            continue;
        }
        assert!(
            !o.citations[0].is_empty() && !o.sources.is_empty(),
            "{}",
            o.code
        );
        assert_ne!(
            o.individual_notice,
            Notice::NotRequired,
            "{} name+ssn",
            o.code
        );
    }
}

#[test]
fn json_shape_is_stable() {
    let o = one("US-CA", &[Name, UsSsn], 600, false);
    let v = serde_json::to_value(&o).expect("serialise");
    assert_eq!(v["code"], "US-CA");
    assert_eq!(v["residents"], 600);
    assert_eq!(v["elements"], serde_json::json!(["name", "us_ssn"]));
    assert_eq!(v["individual_notice"], "required");
    assert_eq!(v["individual_deadline"], "2026-06-03T09:00:00Z");
    assert_eq!(v["regulator_notice"], "required");
    assert_eq!(v["regulator_deadline"], serde_json::Value::Null);
    assert_eq!(v["cra_notice"], "not_required");
    assert!(v["regulator"]
        .as_str()
        .is_some_and(|s| s.starts_with("Attorney General")));
    assert!(v["citations"][0]
        .as_str()
        .is_some_and(|s| s.contains("1798.82")));
    assert!(v["reasons"].as_array().is_some_and(|r| !r.is_empty()));
}

#[test]
fn sorting_puts_the_earliest_deadline_first() {
    let mut input = ExposureInput::new(DISCOVERED);
    input.add("XX", &[Name], 1, false); // no deadline at all
    input.add("US-TX", &[Name, UsSsn], 300, false); // AG +30 d
    input.add("EU", &[Name, Email], 3, false); // SA +72 h
    input.add("US-CA", &[Name, UsSsn], 3, false); // individuals +30 d
    let mut out = evaluate(&rules(), &input);
    sort_by_deadline(&mut out);
    let codes: Vec<&str> = out.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(codes, ["EU", "US-CA", "US-TX", "XX"]);
}
