//! Table tests: 22 jurisdictions × the element combinations that matter.
//! Each expected value is read off the rule data (field named in the comment).

mod common;

use bw_law::Element::{self, *};
use bw_law::Notice::{self, Assess as A, NotRequired as N, Required as R};
use common::one;

const NAME_EMAIL: &[Element] = &[Name, Email];
const EMAIL_PASSWORD: &[Element] = &[Email, Password];
const NAME_SSN: &[Element] = &[Name, UsSsn];
const NAME_CARD: &[Element] = &[Name, PaymentCard];
const NAME_CARD_CODE: &[Element] = &[Name, PaymentCard, CardSecurityCode];

/// (code, [name+email, email+password, name+ssn, name+card, name+card+code,
/// name+ssn encrypted]) → individual notice, with the justification. Laws
/// with a harm exception (risk_of_harm_exemption true: CO, FL, NY, MA, NC,
/// IN, DC, AL, CN) say assess where the data would otherwise require notice:
/// no harm finding is recorded (rules/CHANGES.md #13).
const TABLE: &[(&str, [Notice; 6], &str)] = &[
    // personal_info_definition has email+password_or_security_qa, name+payment_card+security_code_or_pin; encryption_safe_harbor true
    (
        "US-CA",
        [N, R, R, N, R, N],
        "credential combo; card needs code; safe harbour",
    ),
    // no credential combination in personal_info_definition
    ("US-TX", [N, N, R, N, R, N], "no credential combo"),
    (
        "US-NY",
        [N, A, A, A, A, N],
        "email+password_or_security_qa listed; card without code conditional (CHANGES #14)",
    ),
    (
        "US-FL",
        [N, A, A, N, A, N],
        "email+password_or_security_qa listed",
    ),
    (
        "US-IL",
        [N, R, R, R, R, N],
        "email+password_or_security_qa listed; card without code (CHANGES #14)",
    ),
    (
        "US-CO",
        [N, A, A, N, A, N],
        "credential combo; payment_card+security_code_or_pin",
    ),
    // name+payment_card without a code is listed
    (
        "US-MA",
        [N, N, A, A, A, N],
        "name+payment_card listed without code",
    ),
    (
        "US-NC",
        [N, N, A, A, A, N],
        "name+payment_card listed without code",
    ),
    ("US-IN", [N, N, A, A, A, N], "ssn alone; name+payment_card"),
    (
        "US-DC",
        [N, A, A, A, A, N],
        "name+payment_card; email+password",
    ),
    // credential combos need a name as well (name+email+password_or_security_qa)
    (
        "US-AL",
        [N, N, A, N, A, N],
        "credential combo requires name",
    ),
    (
        "US-PA",
        [N, N, A, N, A, N],
        "credential combo requires name; loss or injury (CHANGES #20)",
    ),
    (
        "US-GA",
        [N, N, A, N, A, N],
        "no credential combo; brokers and agencies only (CHANGES #19)",
    ),
    // any_personal_data; individual_notice.trigger risk; encryption scope individual (Art. 34(3)(a))
    (
        "EU",
        [A, A, A, A, A, N],
        "high-risk assessment; encrypted exempt",
    ),
    (
        "GB",
        [A, A, A, A, A, N],
        "high-risk assessment; encrypted exempt",
    ),
    // risk trigger; encryption_safe_harbor null → assess
    ("CA", [A, A, A, A, A, A], "RROSH assessment"),
    ("CA-QC", [A, A, A, A, A, A], "risk of serious injury"),
    ("AU", [A, A, A, A, A, A], "serious harm"),
    ("BR", [A, A, A, A, A, A], "relevant risk"),
    // trigger always; encryption_safe_harbor null (KR, CN) or false (IN)
    ("KR", [R, R, R, R, R, A], "any leak"),
    (
        "IN",
        [N, N, N, N, N, N],
        "not in force before 2027-05-13 (CHANGES #18)",
    ),
    ("CN", [A, A, A, A, A, A], "art. 57 immediate notice"),
    // risk trigger; encryption_safe_harbor true, scope all
    (
        "JP",
        [A, A, A, R, R, N],
        "prescribed categories (cards: CHANGES #17); secured data exempt",
    ),
];

#[test]
fn individual_notice_by_jurisdiction_and_combination() {
    let combos: [(&[Element], bool, &str); 6] = [
        (NAME_EMAIL, false, "name+email"),
        (EMAIL_PASSWORD, false, "email+password"),
        (NAME_SSN, false, "name+ssn"),
        (NAME_CARD, false, "name+card"),
        (NAME_CARD_CODE, false, "name+card+code"),
        (NAME_SSN, true, "name+ssn encrypted"),
    ];
    assert!(TABLE.len() >= 15);
    for (code, expected, why) in TABLE {
        for ((elements, encrypted, label), want) in combos.iter().zip(expected) {
            let o = one(code, elements, 100, *encrypted);
            assert_eq!(
                o.individual_notice, *want,
                "{code} {label} ({why}); reasons: {:#?}",
                o.reasons
            );
            assert_eq!(o.citations.len(), 1, "{code}");
            assert!(!o.sources.is_empty(), "{code}");
        }
    }
}

#[test]
fn name_and_email_alone_owes_nothing_in_any_us_jurisdiction() {
    // NOTES.md: "No combination in jurisdictions.json is satisfied by {name, email} alone."
    let rules = common::rules();
    for rule in rules.iter().filter(|r| r.code.starts_with("US-")) {
        let o = one(&rule.code, NAME_EMAIL, 5000, false);
        assert_eq!(o.individual_notice, N, "{}", rule.code);
        assert_eq!(o.regulator_notice, N, "{}", rule.code);
        assert_eq!(o.cra_notice, N, "{}", rule.code);
    }
}
