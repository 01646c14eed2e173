//! One case per entry of the reference NOTES.md's "Known gaps" list, each
//! checked against what the statute says (rules/CHANGES.md, entries 12 on).

mod common;

use bw_law::Cause;
use bw_law::Element::*;
use bw_law::Notice;
use common::{has_reason, one, one_caused};

// Gap 10 (cause), with gaps 4 and 6 where they turn on it.

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
