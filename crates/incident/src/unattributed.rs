//! Findings of credential and identity-number kinds in evidence that no
//! customer could be tied to. A file of 1,200 password hashes beside no
//! email the registry knows is still part of the breach: it is recorded
//! as detected, unattributed elements of the incident (kind, hashing,
//! count, the evidence file), and obligations read them (`bw-law`).
//!
//! Scope tells which kinds each affected customer had exposed, not which
//! finding it tied to whom, so per kind the unattributed count is the
//! file's findings less the customers that kind was attributed to. That
//! is exact when none was (the usual credential dump), and otherwise an
//! upper bound for records holding one value of the kind each.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bw_law::{counts_unattributed, Element};
use bw_store::{Affected, UnattributedElement};

/// Whether findings of `kind` are carried when unattributed.
pub fn tracked(kind: &str) -> bool {
    Element::from_kind_name(kind).is_some_and(counts_unattributed)
}

/// The hashing a password detector names (`password.bcrypt` → `bcrypt`);
/// `None` for a plain value or another kind.
fn hashing_of(kind: &str, detector: &str) -> Option<String> {
    if kind != "password" {
        return None;
    }
    // Only the hash schemes the detectors name; a password in a field, a
    // URL's userinfo or any detector added later counts as plain, which is
    // the reading that never understates it.
    detector
        .strip_prefix("password.")
        .filter(|h| HASHES.contains(h))
        .map(str::to_string)
}

/// The password-hash schemes `bw-detect` names (`password.<scheme>`).
const HASHES: &[&str] = &[
    "argon2",
    "bcrypt",
    "ldap",
    "md5",
    "md5crypt",
    "pbkdf2",
    "phpass",
    "scrypt",
    "sha1",
    "sha256",
    "sha256crypt",
    "sha512",
    "sha512crypt",
    "yescrypt",
];

/// Counts of tracked findings per (kind, hashing), shared by the scan
/// threads of one evidence read.
#[derive(Clone, Default)]
pub(crate) struct Counts(Arc<Mutex<ByKind>>);

/// Findings per (kind, hashing).
type ByKind = BTreeMap<(String, Option<String>), u64>;

impl Counts {
    pub(crate) fn add(&self, kind: &str, detector: &str) {
        self.add_n(kind, detector, 1);
    }

    /// `n` findings of `kind` by `detector` (counted elsewhere: a join's
    /// sums).
    pub(crate) fn add_n(&self, kind: &str, detector: &str, n: u64) {
        if !tracked(kind) || n == 0 {
            return;
        }
        let key = (kind.to_string(), hashing_of(kind, detector));
        *self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_default() += n;
    }

    /// The counts less the findings attributed to `affected` customers.
    pub(crate) fn unattributed(&self, affected: &[Affected]) -> Vec<UnattributedElement> {
        let counts = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        less_attributed(counts, affected)
    }
}

/// Per kind, takes one finding per customer the kind was attributed to
/// off its largest (kind, hashing) group first: one table stores one
/// kind one way, and its matched rows are most likely in the largest.
fn less_attributed(counts: ByKind, affected: &[Affected]) -> Vec<UnattributedElement> {
    let mut attributed: BTreeMap<&str, u64> = BTreeMap::new();
    for a in affected {
        for f in &a.matched_fields {
            *attributed.entry(f.as_str()).or_default() += 1;
        }
    }
    let mut by_kind: BTreeMap<String, Vec<(Option<String>, u64)>> = BTreeMap::new();
    for ((kind, hashing), n) in counts {
        by_kind.entry(kind).or_default().push((hashing, n));
    }
    let mut out = Vec::new();
    for (kind, mut groups) in by_kind {
        let mut left = attributed.get(kind.as_str()).copied().unwrap_or(0);
        groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (hashing, n) in groups {
            let take = left.min(n);
            left -= take;
            if n > take {
                out.push(UnattributedElement {
                    kind: kind.clone(),
                    hashing,
                    count: n - take,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(fields: &[&str]) -> Affected {
        Affected {
            customer_id: "c".into(),
            matched_fields: fields.iter().map(|f| f.to_string()).collect(),
            confidence: 1.0,
            country: None,
            region: None,
        }
    }

    #[test]
    fn counts_less_the_attributed_per_kind() {
        let c = Counts::default();
        for _ in 0..5 {
            c.add("password", "password.bcrypt");
        }
        c.add("password", "password.plaintext");
        c.add("password", "password.url");
        c.add("card_security_code", "card_security_code.field");
        // Identifiers and addresses are never carried.
        c.add("email", "email");
        c.add("street_address", "street_address");
        let got = c.unattributed(&[
            customer(&["email", "password"]),
            customer(&["email", "password"]),
        ]);
        let got: Vec<(&str, Option<&str>, u64)> = got
            .iter()
            .map(|u| (u.kind.as_str(), u.hashing.as_deref(), u.count))
            .collect();
        assert_eq!(
            got,
            vec![
                ("card_security_code", None, 1),
                ("password", Some("bcrypt"), 3),
                ("password", None, 2),
            ]
        );
        // Every finding attributed: nothing left.
        let c = Counts::default();
        c.add("passport", "passport.label");
        assert!(c.unattributed(&[customer(&["passport"])]).is_empty());
    }
}
