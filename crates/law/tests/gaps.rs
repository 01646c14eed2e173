//! One case per entry of the reference NOTES.md's "Known gaps" list, each
//! checked against what the statute says (rules/CHANGES.md, entries 12 on).

mod common;

use bw_law::Element::*;
use bw_law::{Cause, HarmFinding, Notice};
use common::{has_reason, one, one_caused, rules, DISCOVERED};
use time::macros::datetime;
use time::Duration;

// Gap 10 (cause), with gaps 4 and 6 where they turn on it. Gap 4's
// no-harm side is in tests/harm.rs; gap 11 (element names) in
// tests/elements.rs.

#[test]
fn korea_hacking_makes_the_report_mandatory_at_any_size() {
    // KR regulator_notice.required_if_cause [attack]; threshold 1000 otherwise.
    let o = one_caused("KR", &[Name, Email], 3, Cause::Attack);
    assert_eq!(o.regulator_notice, Notice::Required, "{:#?}", o.reasons);
    assert!(has_reason(&o, "caused by attack"), "{:#?}", o.reasons);
    let o = one_caused("KR", &[Name, Email], 3, Cause::InadvertentDisclosure);
    assert_eq!(o.regulator_notice, Notice::Assess);
    // Unknown: still an assessment, and the reasons say which fact decides.
    let o = one("KR", &[Name, Email], 3, false);
    assert_eq!(o.regulator_notice, Notice::Assess);
    assert!(
        has_reason(&o, "the cause is not recorded; if it was attack"),
        "{:#?}",
        o.reasons
    );
}

#[test]
fn japan_wrongful_act_owes_report_and_individual_notice() {
    // JP required_if_cause [attack] on both notices (APPI art. 26(1)-(2)).
    let o = one_caused("JP", &[Name, Email], 5, Cause::Attack);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::Required, Notice::Required),
        "{:#?}",
        o.reasons
    );
    let o = one_caused("JP", &[Name, Email], 5, Cause::LostDevice);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::Assess, Notice::Assess)
    );
}

#[test]
fn new_york_harm_exception_is_only_for_inadvertent_disclosure() {
    // US-NY risk_of_harm_causes [inadvertent_disclosure] (§ 899-aa(2)(a)).
    let o = one_caused("US-NY", &[Name, UsSsn], 10, Cause::Attack);
    assert_eq!(o.individual_notice, Notice::Required);
    assert!(
        has_reason(&o, "covers only inadvertent_disclosure"),
        "{:#?}",
        o.reasons
    );
    let o = one("US-NY", &[Name, UsSsn], 10, false);
    assert!(
        has_reason(&o, "open only to inadvertent_disclosure"),
        "{:#?}",
        o.reasons
    );
}

// Gap 1: Pennsylvania's breach definition turns on loss or injury.
#[test]
fn pennsylvania_waits_for_a_loss_or_injury_finding() {
    // US-PA risk_of_harm_exemption true (CHANGES #20).
    let o = one("US-PA", &[Name, UsSsn], 10, false);
    assert_eq!(o.individual_notice, Notice::Assess, "{:#?}", o.reasons);
    assert!(has_reason(&o, "loss or injury"), "{:#?}", o.reasons);
    let o = found("US-PA", &[Name, UsSsn], 10, HarmFinding::NoHarm);
    assert_eq!(o.individual_notice, Notice::NotRequired);
}

// Gap 2: card and account numbers without a code.
#[test]
fn illinois_counts_a_bare_card_number_and_new_york_asks_whether_it_works_alone() {
    // US-IL definition: name + payment_card, name + financial_account (CHANGES #14).
    for e in [PaymentCard, BankAccount] {
        let o = one("US-IL", &[Name, e], 10, false);
        assert_eq!(
            o.individual_notice,
            Notice::Required,
            "{e}: {:#?}",
            o.reasons
        );
    }
    // US-NY conditional_definition: only if usable without a code.
    let o = one_caused("US-NY", &[Name, PaymentCard], 10, Cause::Attack);
    assert_eq!(o.individual_notice, Notice::Assess);
    assert!(has_reason(&o, "899-aa(1)(b)(i)(4)"), "{:#?}", o.reasons);
}

// Gap 3: government-issued IDs beyond driver's licences.
#[test]
fn texas_iowa_and_oklahoma_count_passports_and_tax_ids() {
    // CHANGES #15. TX has no harm exception; IA and OK do (assess, never not_required).
    for e in [Passport, TaxId] {
        assert_eq!(
            one("US-TX", &[Name, e], 10, false).individual_notice,
            Notice::Required,
            "{e}"
        );
        for code in ["US-IA", "US-OK"] {
            let o = one(code, &[Name, e], 10, false);
            assert_eq!(o.individual_notice, Notice::Assess, "{code} {e}");
            let o = found(code, &[Name, e], 10, HarmFinding::HarmLikely);
            assert_eq!(o.individual_notice, Notice::Required, "{code} {e}");
        }
    }
}

// Gap 5: Florida's Department of Legal Affairs hears of 500+ whatever the harm.
#[test]
fn florida_reports_500_breached_residents_despite_a_no_harm_finding() {
    // US-FL regulator_notice.counts_all_breached (CHANGES #16); threshold 500, 30 days.
    let o = found("US-FL", &[Name, UsSsn], 600, HarmFinding::NoHarm);
    assert_eq!(o.individual_notice, Notice::NotRequired);
    assert_eq!(o.regulator_notice, Notice::Required, "{:#?}", o.reasons);
    assert_eq!(o.regulator_deadline, Some(DISCOVERED + Duration::days(30)));
    assert_eq!(o.follow_ups.len(), 1, "the written determination too");
    // Without a finding: the individuals are an assessment, the Department is not.
    let o = one("US-FL", &[Name, UsSsn], 600, false);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::Assess, Notice::Required)
    );
    let o = found("US-FL", &[Name, UsSsn], 499, HarmFinding::NoHarm);
    assert_eq!(o.regulator_notice, Notice::NotRequired);
    assert_eq!(o.follow_ups.len(), 1, "the determination goes at any count");
}

// Gap 6: Japan's and Singapore's triggers from the notes.
#[test]
fn japan_notifies_individuals_above_1000_or_for_listed_data() {
    // JP individual_notice.required_at_residents 1001, required_if_any_element (CHANGES #17).
    assert_eq!(
        one("JP", &[Name, Email], 1000, false).individual_notice,
        Notice::Assess
    );
    let o = one("JP", &[Name, Email], 1001, false);
    assert_eq!(
        (o.individual_notice, o.residents_owed_notice),
        (Notice::Required, 1001)
    );
    assert_eq!(
        one("JP", &[Name, Health], 2, false).individual_notice,
        Notice::Required
    );
}

#[test]
fn singapore_deems_an_account_and_its_password_significant_harm() {
    // SG required_if_any_combination on both notices (reg. 3(1)(b), CHANGES #17).
    for id in [Email, Username] {
        let o = one("SG", &[id, Password], 3, false);
        assert_eq!(
            (o.individual_notice, o.regulator_notice),
            (Notice::Required, Notice::Required),
            "{id}: {:#?}",
            o.reasons
        );
    }
    let o = one("SG", &[Name, Email], 3, false);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::Assess, Notice::Assess)
    );
}

// Gap 7: clocks that do not start at discovery, or count business days.
#[test]
fn singapore_and_brazil_say_how_their_clocks_run() {
    let o = one("SG", &[Name, Email], 600, false);
    assert_eq!(o.regulator_deadline, None, "no date before the assessment");
    assert!(
        has_reason(
            &o,
            "within 3 days after assessing that the breach is notifiable"
        ),
        "{:#?}",
        o.reasons
    );
    let o = one("BR", &[Name, Email], 10, false);
    assert!(
        has_reason(&o, "business days, weekends skipped"),
        "{:#?}",
        o.reasons
    );
}

// Gap 8: India's breach rule is not in force yet.
#[test]
fn india_owes_nothing_before_the_rules_take_effect() {
    // IN in_force_from 2027-05-13 (CHANGES #18); DISCOVERED is 2026-05-04.
    let o = one("IN", &[Name, Email], 10, false);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::NotRequired, Notice::NotRequired)
    );
    assert!(
        has_reason(&o, "in force only from 2027-05-13"),
        "{:#?}",
        o.reasons
    );
    let mut input = bw_law::ExposureInput::new(datetime!(2027-05-13 00:00 UTC));
    input.add("IN", &[Name, Email], 10, false);
    let o = bw_law::evaluate(&rules(), &input).remove(0);
    assert_eq!(
        (o.individual_notice, o.regulator_notice),
        (Notice::Required, Notice::Required)
    );
}

// Gap 9: Georgia binds information brokers and government data collectors.
#[test]
fn georgia_asks_whether_the_business_is_one_it_binds() {
    // US-GA applies_only_to (CHANGES #19).
    let o = one("US-GA", &[Name, UsSsn], 10, false);
    assert_eq!(o.individual_notice, Notice::Assess);
    assert!(
        has_reason(&o, "binds only information brokers"),
        "{:#?}",
        o.reasons
    );
    assert_eq!(
        one("US-GA", &[Name, Email], 10, false).individual_notice,
        Notice::NotRequired
    );
}

/// One jurisdiction with a harm finding recorded the day after discovery.
fn found(
    code: &str,
    elements: &[bw_law::Element],
    residents: u64,
    finding: HarmFinding,
) -> bw_law::JurisdictionObligation {
    let mut input = bw_law::ExposureInput::new(DISCOVERED);
    input.add(code, elements, residents, false);
    input.harm.insert(
        code.to_string(),
        bw_law::HarmDetermination {
            finding,
            decided_at: DISCOVERED + Duration::days(1),
        },
    );
    bw_law::evaluate(&rules(), &input).remove(0)
}
