//! Passwords known only as hashes: a salted slow hash is never the plain
//! password and never "not required" where the plain one would count; a
//! fast or unsalted hash counts as the password.

mod common;

use bw_law::Element::*;
use bw_law::{Hashing, Notice};
use common::{has_reason, one, one_group, rules, with_hashed_password};

#[test]
fn a_bcrypt_hash_is_assess_with_the_algorithm_and_the_citation() {
    // US-CA personal_info_definition has email+password_or_security_qa;
    // encryption_safe_harbor true (§ 1798.82).
    let o = one_group(
        "US-CA",
        with_hashed_password(&[Email], Hashing::Bcrypt, 600),
    );
    assert_eq!(o.individual_notice, Notice::Assess, "{:#?}", o.reasons);
    assert_eq!(o.regulator_notice, Notice::Assess, "{:#?}", o.reasons);
    assert_eq!(o.password_hashing, vec![Hashing::Bcrypt]);
    assert_eq!(o.declared_elements, vec![Password]);
    assert_eq!(o.elements, vec![Email]);
    assert!(
        has_reason(&o, "§ 1798.82 (as amended by SB 446, eff. 2026-01-01): the only credential element is a password known as a bcrypt hash")
            && has_reason(&o, "does not clearly cover hashing"),
        "{:#?}",
        o.reasons
    );
    assert!(
        o.individual_deadline.is_some(),
        "an assessment still runs against the clock"
    );
}

#[test]
fn a_fast_or_unsalted_hash_counts_as_the_password() {
    for h in [
        Hashing::Md5,
        Hashing::Sha1,
        Hashing::Sha256,
        Hashing::Unsalted,
    ] {
        let o = one_group("US-CA", with_hashed_password(&[Email], h, 10));
        assert_eq!(o.individual_notice, Notice::Required, "{h}");
        assert!(
            has_reason(&o, "routinely reversed"),
            "{h}: {:#?}",
            o.reasons
        );
    }
}

#[test]
fn a_hash_does_not_weaken_a_combination_it_is_not_part_of() {
    let o = one_group(
        "US-CA",
        with_hashed_password(&[Name, UsSsn, Email], Hashing::Argon2, 10),
    );
    assert_eq!(o.individual_notice, Notice::Required, "{:#?}", o.reasons);
}

#[test]
fn texas_has_no_credential_element_so_a_hash_changes_nothing() {
    // US-TX § 521.002: no username/email + password combination.
    let o = one_group("US-TX", with_hashed_password(&[Email], Hashing::Bcrypt, 10));
    assert_eq!(o.individual_notice, Notice::NotRequired);
    assert_eq!(
        o.individual_notice,
        one("US-TX", &[Email, Password], 10, false).individual_notice
    );
}

#[test]
fn gdpr_style_laws_keep_assessing_and_say_why() {
    for code in ["EU", "GB"] {
        let o = one_group(code, with_hashed_password(&[Email], Hashing::Bcrypt, 10));
        assert_eq!(
            (o.individual_notice, o.regulator_notice),
            (Notice::Assess, Notice::Assess),
            "{code}"
        );
        assert!(
            has_reason(
                &o,
                "bcrypt hash (salted, slow): a factor in the risk assessment"
            ),
            "{code}: {:#?}",
            o.reasons
        );
    }
}

#[test]
fn no_jurisdiction_says_not_required_for_a_hash_where_the_plain_password_counts() {
    for rule in rules().iter() {
        for detected in [&[Email][..], &[Username][..], &[Name, Email][..]] {
            let mut plain = detected.to_vec();
            plain.push(Password);
            let p = one(&rule.code, &plain, 10, false);
            let h = one_group(
                &rule.code,
                with_hashed_password(detected, Hashing::Scrypt, 10),
            );
            if p.individual_notice != Notice::NotRequired {
                assert_ne!(
                    h.individual_notice,
                    Notice::NotRequired,
                    "{} {detected:?}",
                    rule.code
                );
            }
            // Never stronger than the plain password.
            assert!(
                h.individual_notice <= p.individual_notice,
                "{} {detected:?}",
                rule.code
            );
        }
    }
}
