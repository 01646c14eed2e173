//! Scope's affected customers as the incident store records them.

use bw_scope::Affected as Scoped;
use bw_store::Affected;

/// One affected customer of a scope report, as stored.
pub fn to_store(c: &Scoped) -> Affected {
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Affected {
        customer_id: c.customer_id.clone(),
        // Every exposed kind, not only the identifiers that matched:
        // obligations turn on what leaked (a card beside a name).
        matched_fields: c.exposed.iter().map(|m| m.to_string()).collect(),
        confidence: f64::from(c.confidence),
        country: non_empty(&c.country),
        region: non_empty(&c.region),
    }
}

/// The customers of `report` placed in top-level input `path` (an
/// evidence span in it or in one of its members).
pub fn in_input(path: &str, report: &bw_scope::ScopeReport) -> Vec<Affected> {
    report
        .affected
        .iter()
        .filter(|a| {
            a.evidence
                .iter()
                .any(|e| e.path.split('!').next() == Some(path))
        })
        .map(to_store)
        .collect()
}
