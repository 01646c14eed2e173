// Shared helpers for the integration tests; included with `mod common;`.
#![allow(dead_code)]

use bw_law::{evaluate, Element, ExposureInput, JurisdictionObligation, RuleSet};
use time::macros::datetime;
use time::OffsetDateTime;

/// Monday 2026-05-04 09:00 UTC: a weekday, so business-day arithmetic is visible.
pub const DISCOVERED: OffsetDateTime = datetime!(2026-05-04 09:00 UTC);

pub fn rules() -> RuleSet {
    RuleSet::embedded().expect("embedded rule set parses")
}

/// Evaluates one jurisdiction with one group of residents.
pub fn one(
    code: &str,
    elements: &[Element],
    residents: u64,
    encrypted: bool,
) -> JurisdictionObligation {
    let mut input = ExposureInput::new(DISCOVERED);
    input.add(code, elements, residents, encrypted);
    let mut out = evaluate(&rules(), &input);
    assert_eq!(out.len(), 1);
    out.remove(0)
}

pub fn has_reason(o: &JurisdictionObligation, needle: &str) -> bool {
    o.reasons.iter().any(|r| r.contains(needle))
}

/// Evaluates one jurisdiction with one group of residents and a known cause.
pub fn one_caused(
    code: &str,
    elements: &[Element],
    residents: u64,
    cause: bw_law::Cause,
) -> JurisdictionObligation {
    let mut input = ExposureInput::new(DISCOVERED);
    input.cause = cause;
    input.add(code, elements, residents, false);
    let mut out = evaluate(&rules(), &input);
    assert_eq!(out.len(), 1);
    out.remove(0)
}

/// Evaluates one jurisdiction with one group built by the caller.
pub fn one_group(code: &str, group: bw_law::ExposureGroup) -> JurisdictionObligation {
    let mut input = ExposureInput::new(DISCOVERED);
    input.add_group(code, group);
    let mut out = evaluate(&rules(), &input);
    assert_eq!(out.len(), 1);
    out.remove(0)
}

/// `residents` whose `detected` elements a scan found and whose password an
/// investigator declared, known only as a `hashing` hash.
pub fn with_hashed_password(
    detected: &[Element],
    hashing: bw_law::Hashing,
    residents: u64,
) -> bw_law::ExposureGroup {
    let mut g = bw_law::ExposureGroup::detected(detected, residents, false);
    g.declared.insert(Element::Password);
    g.password_hashing = Some(hashing);
    g
}
