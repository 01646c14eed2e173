//! What a scope run produces. Nothing here holds a leaked value unless the
//! caller asked for it (`reveal`).

use std::collections::BTreeMap;

use serde::Serialize;

/// Where one matched identifier was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Member name as `bw-formats` names it (`leak.zip!users.csv`).
    pub path: String,
    /// Byte range into the member's raw bytes.
    pub start: u64,
    pub end: u64,
    pub kind: &'static str,
    /// The leaked value, only with `reveal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One customer the leak exposes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Affected {
    pub customer_id: String,
    pub country: String,
    pub region: String,
    /// Matched identifier kinds, sorted: `email`, `person_name`,
    /// `phone_number`.
    pub matched: Vec<&'static str>,
    /// Every kind of this customer's data the leak exposes: the matched
    /// identifiers plus the other kinds found in the same records
    /// (`payment_card`, `date_of_birth`, …), sorted; kinds, never values.
    /// What legal obligations are worked out from.
    pub exposed: Vec<&'static str>,
    /// `1 - Π(1 - w)` over the matched kinds (see the crate docs).
    pub confidence: f32,
    /// Records in which this customer was matched.
    pub occurrences: u64,
    /// The first few places (capped by `ScopeOptions::max_evidence`).
    pub evidence: Vec<Evidence>,
    /// Reached through an email or phone that the registry holds for
    /// several accounts (each of them is affected and gets its own notice).
    #[serde(skip_serializing_if = "is_false")]
    pub shared: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An identifier that fits several customers and nothing in its record
/// said which one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ambiguous {
    pub kind: &'static str,
    /// How many customers it fits.
    pub candidates: u32,
    /// How many records it appeared in, unresolved.
    pub occurrences: u64,
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Distinct identifiers in the leak that matched no customer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Unmatched {
    pub email: u64,
    pub phone_number: u64,
    pub person_name: u64,
}

/// A top-level input that was read (with or without findings): what the
/// incident store keeps as evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceFile {
    pub path: String,
    /// SHA-256 of the file's bytes as stored (the archive, not its members).
    pub sha256: String,
    pub size: u64,
    /// Findings of each kind in the file and its members (at or above the
    /// threshold), as `incident add-evidence` records them.
    pub findings: BTreeMap<&'static str, u64>,
    /// For an object in a store, the ETag (or version id) of the bytes
    /// read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Something that could not be read or expanded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemError {
    pub path: String,
    pub message: String,
}

/// The result of [`crate::scope`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScopeReport {
    /// Sorted by customer id.
    pub affected: Vec<Affected>,
    /// Sorted by kind, then descending occurrences.
    pub ambiguous: Vec<Ambiguous>,
    pub unmatched: Unmatched,
    /// With `reveal` only: the unmatched values per kind, sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmatched_values: Option<BTreeMap<&'static str, Vec<String>>>,
    /// Sorted by path.
    pub files: Vec<EvidenceFile>,
    pub errors: Vec<ItemError>,
    /// Notices from archive expansion (skipped members, suspicious names).
    pub warnings: Vec<ItemError>,
    pub bytes_scanned: u64,
    /// Name matches not attributed because an email or phone in the same
    /// record belongs to nobody or to another customer (one per record and
    /// customer).
    pub names_contradicted: u64,
}

/// Counts for the end of a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub affected: u64,
    /// `"email+person_name": N`, kinds sorted and joined with `+`.
    pub by_matched: BTreeMap<String, u64>,
    /// ISO country as imported; `""` when the customer has none.
    pub by_country: BTreeMap<String, u64>,
    /// `"US-CA"`: country and region, for customers with a region.
    pub by_region: BTreeMap<String, u64>,
    /// Distinct ambiguous identifiers.
    pub ambiguous: u64,
    pub unmatched: Unmatched,
    pub files: u64,
    pub errors: u64,
    pub bytes_scanned: u64,
    /// See [`ScopeReport::names_contradicted`].
    pub names_contradicted: u64,
    /// Affected customers reached through a shared email or phone.
    pub shared: u64,
}

impl ScopeReport {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            affected: self.affected.len() as u64,
            ambiguous: self.ambiguous.len() as u64,
            unmatched: self.unmatched.clone(),
            files: self.files.len() as u64,
            errors: self.errors.len() as u64,
            bytes_scanned: self.bytes_scanned,
            names_contradicted: self.names_contradicted,
            ..Summary::default()
        };
        for a in &self.affected {
            s.shared += u64::from(a.shared);
            *s.by_matched.entry(a.matched.join("+")).or_default() += 1;
            *s.by_country.entry(a.country.clone()).or_default() += 1;
            if !a.region.is_empty() {
                *s.by_region
                    .entry(format!("{}-{}", a.country, a.region))
                    .or_default() += 1;
            }
        }
        s
    }
}
