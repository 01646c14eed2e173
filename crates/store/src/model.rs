//! Plain data types of the store's API.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::StoreError;

/// Human-usable incident id, `INC-<year>-<number>` with the number
/// zero-padded to four digits (`INC-2026-0001`), counted per calendar year
/// (UTC) of opening. Chosen over a ULID because people read it aloud on
/// calls and type it into a CLI; uniqueness comes from a counter row that
/// is updated in the same transaction that creates the incident.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncidentId(String);

impl IncidentId {
    /// Wraps any string; an id that does not exist simply yields
    /// [`StoreError::NotFound`] naming it.
    pub fn new(s: impl Into<String>) -> Self {
        IncidentId(s.into())
    }

    pub(crate) fn format(year: i32, number: i64) -> Self {
        IncidentId(format!("INC-{year}-{number:04}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for IncidentId {
    fn from(s: &str) -> Self {
        IncidentId(s.to_string())
    }
}

/// Lifecycle of an incident. The only legal moves are one step forward:
/// open → triaged → contained → notifying → closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Triaged,
    Contained,
    Notifying,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Triaged,
        Status::Contained,
        Status::Notifying,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Triaged => "triaged",
            Status::Contained => "contained",
            Status::Notifying => "notifying",
            Status::Closed => "closed",
        }
    }

    /// The one status this one may move to, if any.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::Open => Some(Status::Triaged),
            Status::Triaged => Some(Status::Contained),
            Status::Contained => Some(Status::Notifying),
            Status::Notifying => Some(Status::Closed),
            Status::Closed => None,
        }
    }

    pub fn can_move_to(self, to: Status) -> bool {
        self.next() == Some(to)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "unknown status {s:?}; expected one of open, triaged, contained, notifying, closed"
                ))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "unknown severity {s:?}; expected low, medium, high or critical"
            ))
        })
    }
}

/// Why the breach happened and whether harm is likely: the words the
/// store records and the law rules read, from the shared leaf crate.
pub use bw_terms::{Cause, HarmFinding, ParseSourceOfBreachError, SourceOfBreach};

/// What investigators have recorded about an incident beyond its evidence:
/// facts the law reads that no scan can find. Kept apart from [`Incident`]
/// so that adding a kind of declaration never changes that struct.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Declarations {
    pub cause: Cause,
    /// Data elements declared taken, oldest first.
    #[serde(default)]
    pub declared_elements: Vec<DeclaredElement>,
    /// Findings on the likelihood of harm, oldest first; per jurisdiction
    /// the latest one counts.
    #[serde(default)]
    pub determinations: Vec<Determination>,
    /// Whether the business giving notice was the source of the breach.
    #[serde(default)]
    pub source_of_breach: SourceOfBreach,
    /// Credential and identity-number findings that no customer could be
    /// tied to, per evidence file: detected, unattributed.
    #[serde(default)]
    pub unattributed: Vec<UnattributedRecord>,
    /// The incident's description in other languages, by language code:
    /// what happened, for notices written in them.
    #[serde(default)]
    pub description_translations: BTreeMap<String, String>,
}

/// Findings of one kind (and one hashing) in one evidence file that scope
/// could not attribute to any customer. Counts only, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnattributedElement {
    /// The scanner's kind (`password`, `government_id`, …).
    pub kind: String,
    /// For password hashes, the algorithm the detector named (`bcrypt`);
    /// `None` for a plain value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashing: Option<String>,
    pub count: u64,
}

/// An [`UnattributedElement`] as stored, with the evidence it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnattributedRecord {
    pub evidence_seq: i64,
    /// The evidence's source as stored (sanitised path or URL).
    pub evidence_source: String,
    pub evidence_sha256: String,
    #[serde(flatten)]
    pub element: UnattributedElement,
}

/// A harm finding to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDetermination {
    /// A jurisdiction code of the rules (`US-CO`); the caller checks that
    /// its law has a harm exception.
    pub jurisdiction: String,
    pub finding: HarmFinding,
    /// What the investigation found and who was consulted; required.
    pub reason: String,
}

/// A harm finding as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Determination {
    pub seq: i64,
    pub jurisdiction: String,
    pub finding: HarmFinding,
    pub reason: String,
    pub decided_at: String,
    pub decided_by: String,
}

/// Which customers a declaration covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclaredScope {
    /// Every affected customer of the incident, also those added later:
    /// "the whole users table" does not shrink to today's affected set.
    AllAffected,
    /// These customer ids.
    Customers(Vec<String>),
}

/// A data element an investigator knows was taken although no evidence
/// shows it. Names only: the element, never its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDeclaration {
    /// The element's name (the caller validates it against the law's
    /// vocabulary; the store only keeps it).
    pub element: String,
    /// For a password known only as a hash: the algorithm.
    pub hashing: Option<String>,
    pub scope: DeclaredScope,
    /// What the investigator knows and how; required.
    pub reason: String,
}

/// A declaration as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredElement {
    pub seq: i64,
    pub element: String,
    pub hashing: Option<String>,
    pub all_affected: bool,
    /// The listed customers, sorted; empty when `all_affected`.
    pub customers: Vec<String>,
    pub reason: String,
    pub declared_at: String,
    pub declared_by: String,
}

/// Result of [`crate::Store::declare_element`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclareOutcome {
    pub seq: i64,
    /// Customers listed (0 for a declaration covering all affected).
    pub customers: u64,
    /// Of those, customers not (yet) in the affected set: they count once
    /// evidence or scope adds them.
    pub not_yet_affected: u64,
}

/// What the caller knows when opening an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    pub title: String,
    pub description: String,
    /// When the organisation learned of the breach: legal deadlines count
    /// from here. Stored in UTC, truncated to microseconds.
    #[serde(with = "time::serde::rfc3339")]
    pub discovered_at: OffsetDateTime,
    /// Who or what found it ("customer report", "scan", a person's name).
    pub detected_by: String,
    pub severity: Severity,
}

/// One piece of evidence: a file or object whose bytes were scanned.
/// Only the hash, size and counts are kept, never the personal data found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Path or URI. Userinfo (`user:password@`) and query strings are
    /// stripped before storing: they are where credentials hide.
    pub source: String,
    /// Lowercase hex SHA-256 of the evidence bytes; the idempotency key.
    pub sha256: String,
    pub size_bytes: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub collected_at: OffsetDateTime,
    /// Finding counts by detector kind, e.g. `{"email": 120, "name": 118}`.
    pub finding_counts: BTreeMap<String, u64>,
    /// The evidence was encrypted at rest (relevant to safe-harbour rules).
    pub encrypted: bool,
    /// For an object in a store: the ETag (or version id) of the bytes
    /// hashed, to find that exact version again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A customer matched in a piece of evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    pub customer_id: String,
    /// Which of the customer's fields were exposed ("email", "name", …).
    pub matched_fields: Vec<String>,
    /// Match confidence in [0, 1].
    pub confidence: f64,
    /// ISO 3166-1 alpha-2, or None when the customer has no country.
    pub country: Option<String>,
    /// Subdivision code, e.g. "CA" for California, when known.
    pub region: Option<String>,
}

/// An affected customer as stored: merged over every evidence that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedRecord {
    pub customer_id: String,
    pub matched_fields: Vec<String>,
    pub confidence: f64,
    pub country: Option<String>,
    pub region: Option<String>,
    /// SHA-256 of each evidence that matched this customer.
    pub evidence_refs: Vec<String>,
    pub first_seen_at: String,
}

/// Evidence as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub seq: i64,
    pub source: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub collected_at: String,
    pub finding_counts: BTreeMap<String, u64>,
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub added_at: String,
    pub added_by: String,
}

/// Result of [`crate::Store::add_evidence`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AddEvidenceOutcome {
    /// New evidence recorded.
    Added {
        evidence_seq: i64,
        /// Customers not previously in the incident's affected set.
        new_affected: u64,
        /// Customers already affected whose record gained this evidence.
        merged_affected: u64,
    },
    /// The same bytes (same SHA-256) were already evidence of this incident;
    /// nothing was changed and no audit entry was written.
    AlreadyPresent { evidence_seq: i64 },
}

/// An incident with its counts, as `incident show` needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub title: String,
    pub description: String,
    /// RFC 3339 UTC, microsecond precision.
    pub discovered_at: String,
    pub detected_by: String,
    pub status: Status,
    pub severity: Severity,
    pub opened_at: String,
    pub updated_at: String,
    pub evidence_count: u64,
    pub affected_count: u64,
    /// Affected customers per country code; customers without a country
    /// are counted under `"unknown"`.
    pub affected_by_country: BTreeMap<String, u64>,
    /// Rule-set version of the stored obligations, if any were computed.
    pub obligations_version: Option<String>,
    pub audit_entries: u64,
}

/// One row of `incident list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: IncidentId,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub discovered_at: String,
    pub opened_at: String,
}

/// Obligations as computed by the caller (the law crate) and stored as-is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredObligations {
    pub rule_set_version: String,
    pub computed_at: String,
    pub body: serde_json::Value,
}

/// One audit-log entry. `hash = SHA-256(prev_hash || canonical bytes)`, see
/// [`crate::audit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// Outcome of recomputing an incident's audit chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub incident: IncidentId,
    pub entries_checked: u64,
    /// The head hash as recomputed (if the chain is intact): anchor it
    /// elsewhere (ticket, e-mail) to detect a wholesale rewrite later.
    pub head_hash: Option<String>,
    /// The first entry where the chain breaks, if any.
    pub first_broken: Option<BrokenEntry>,
    /// Current incident rows that disagree with what the log says happened.
    pub state_mismatches: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.first_broken.is_none() && self.state_mismatches.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokenEntry {
    pub seq: i64,
    pub problem: String,
}

/// The export bundle: a self-contained JSON document about one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportBundle {
    /// `"breachwatch.incident-export/1"`.
    pub format: String,
    pub exported_at: String,
    pub redacted: bool,
    pub incident: Incident,
    pub evidence: Vec<EvidenceRecord>,
    pub affected: Vec<AffectedRecord>,
    /// The cause and declared elements (absent in bundles from before
    /// declarations existed).
    #[serde(default)]
    pub declarations: Declarations,
    pub obligations: Option<StoredObligations>,
    pub audit_log: Vec<AuditEntry>,
    pub audit_verification: VerifyReport,
}
