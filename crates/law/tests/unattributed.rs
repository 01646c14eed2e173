//! Elements of an incident no customer could be tied to (detected,
//! unattributed): they turn `not_required` into `assess` only where they
//! would complete the law's definition for what the residents had
//! exposed, and the reason names them and their file.

mod common;

use bw_law::{evaluate, Element, ExposureInput, Hashing, Notice, UnattributedElement};
use common::{has_reason, rules, DISCOVERED};

fn passwords(hashing: Option<Hashing>, count: u64) -> UnattributedElement {
    UnattributedElement {
        element: Element::Password,
        hashing,
        algorithm: None,
        count,
        evidence: "/cases/2026-7/dump.sql".into(),
    }
}

fn run(
    code: &str,
    elements: &[Element],
    unattributed: Vec<UnattributedElement>,
) -> bw_law::JurisdictionObligation {
    let mut input = ExposureInput::new(DISCOVERED);
    input.add(code, elements, 3, false);
    input.unattributed = unattributed;
    let mut out = evaluate(&rules(), &input);
    out.remove(0)
}

#[test]
fn unattributed_passwords_make_email_exposure_assess_in_california() {
    let email = [Element::Name, Element::Email];
    let without = run("US-CA", &email, vec![]);
    assert_eq!(without.individual_notice, Notice::NotRequired);

    let o = run(
        "US-CA",
        &email,
        vec![passwords(Some(Hashing::Bcrypt), 1200)],
    );
    assert_eq!(o.individual_notice, Notice::Assess, "{:#?}", o.reasons);
    assert_eq!(o.unattributed_elements, vec![Element::Password]);
    assert!(
        has_reason(
            &o,
            "1,200 bcrypt password hashes in dump.sql could not be tied to customers"
        ),
        "{:#?}",
        o.reasons
    );
    assert!(has_reason(&o, "1798.82"), "{:#?}", o.reasons);
    // The law's own answer is not changed: a person must decide.
    assert_eq!(o.residents_owed_notice, 0);
    assert!(o.individual_deadline.is_some());

    // Plain passwords: the joined exposure would be required outright.
    let o = run("US-CA", &email, vec![passwords(None, 5)]);
    assert_eq!(o.individual_notice, Notice::Assess);
    assert!(
        has_reason(&o, "5 passwords in dump.sql") && has_reason(&o, "notice is required under"),
        "{:#?}",
        o.reasons
    );
}

#[test]
fn unattributed_elements_that_complete_nothing_change_nothing() {
    // Texas counts no email + password combination.
    let o = run(
        "US-TX",
        &[Element::Name, Element::Email],
        vec![passwords(None, 40)],
    );
    assert_eq!(o.individual_notice, Notice::NotRequired, "{:#?}", o.reasons);
    assert!(o.unattributed_elements.is_empty());

    // A security code without the card it belongs to completes nothing.
    let codes = UnattributedElement {
        element: Element::CardSecurityCode,
        hashing: None,
        algorithm: None,
        count: 9,
        evidence: "s3://bucket/cards.csv".into(),
    };
    let o = run(
        "US-CA",
        &[Element::Name, Element::Email],
        vec![codes.clone()],
    );
    assert_eq!(o.individual_notice, Notice::NotRequired, "{:#?}", o.reasons);

    // With the card number exposed, the codes would complete it.
    let o = run("US-CA", &[Element::Name, Element::PaymentCard], vec![codes]);
    assert_eq!(o.individual_notice, Notice::Assess, "{:#?}", o.reasons);
    assert!(has_reason(&o, "9 card security codes in cards.csv"));
}

#[test]
fn an_element_the_residents_already_had_is_not_news() {
    // Their own plain password already decides: required, not assess.
    let o = run(
        "US-CA",
        &[Element::Email, Element::Password],
        vec![passwords(None, 100)],
    );
    assert_eq!(o.individual_notice, Notice::Required);
    assert!(o.unattributed_elements.is_empty());
}
