//! `bw-scope`: which customers a leak exposes, and which of their fields.
//!
//! [`scope`] scans a leak through the scan pipeline (every kind; archives
//! expanded; each input hashed in the same read), takes its *records*,
//! matches each record's identifiers against a [`bw_registry::Registry`]
//! through the registry's own normalisers, and returns a [`ScopeReport`]:
//! affected customers with matched identifiers, every exposed kind,
//! confidence and evidence spans;
//! ambiguous identifiers; counts of distinct non-customer identifiers;
//! evidence files (every input read, findings or not) with their SHA-256 and
//! finding counts per kind; per-item errors and warnings (binary members
//! are a warning, never a silent skip).
//!
//! What it must never do: put a leaked value in a report unless
//! [`ScopeOptions::reveal`] is set; hold memory per finding (what is kept
//! grows with affected customers, distinct ambiguous identifiers and
//! distinct unmatched identifiers — 8 bytes each — not with the leak size);
//! read the environment or print (the CLI does both).
//!
//! # Records
//! Scope runs the one scan pipeline (`bw-scan`) with records on and is a
//! visitor of them: what a record is (a CSV line, or elsewhere a run of
//! findings cut by gap and by a second identifier) is defined in
//! [`bw_scan::records`]. Every customer matched in a record is exposed
//! with all of that record's kinds ([`Affected::exposed`]), which is what
//! obligations are worked out from.
//!
//! # Matching
//! - Emails and full names go through `Registry::lookup_email` /
//!   `lookup_forms` (the registry's normalisers: case, Gmail variants,
//!   "Last, First", titles, diacritics). Single-word names (a given name
//!   and a family name in separate fields) are paired in order of
//!   appearance and tried as "A B", then as "B A".
//! - Phones are never parsed on the hot path: `+…`/`00…` numbers are
//!   looked up as E.164 directly; national numbers are turned into E.164
//!   candidates with the calling codes and trunk prefixes of, first, the
//!   countries of the customers the record's emails and names point to,
//!   then (only if nothing matched) the registry's most frequent countries
//!   ([`ScopeOptions::phone_regions`] overrides that list). The registry
//!   holds only valid numbers, so a candidate that matches is a real
//!   customer's number.
//! - An identifier with one candidate customer matches it. An email or
//!   phone that the registry holds exactly for several accounts (legacy
//!   duplicates differing in case, a family mailbox or landline) leaked
//!   for every one of them: each is affected, marked
//!   [`Affected::shared`] and counted in [`Summary::shared`]. Any other
//!   identifier with several candidates (a shared full name, a folded
//!   email variant) matches only those candidates that another kind of
//!   identifier in the same record also points to; otherwise it is
//!   reported as [`Ambiguous`] with its candidate count.
//! - A name match is attributed to a customer only when nothing in the
//!   same record contradicts it: if the record holds an email or a phone
//!   and none of them points to that customer (they match nobody, or
//!   someone else), the name alone does not make the customer affected —
//!   a guest sharing a customer's full name is not that customer. Such
//!   drops are counted in [`ScopeReport::names_contradicted`]. A name that
//!   agrees with the record's email or phone still raises confidence.
//! - Confidence of an affected customer is `1 - Π(1 - w)` over its matched
//!   kinds, with `w` = 0.95 for an email (0.8 through a variant), 0.9 for a
//!   phone, 0.6 for a name (0.5 through diacritic folding).
//! - Identifiers with no candidate are counted once per distinct
//!   normalised value (a keyed 64-bit hash, never the value); single-word
//!   names that could not be paired identify nobody and are not counted.
//!
//! Which spans are names is the name detector's decision: a name inside a
//! larger unrelated phrase is never a finding, so it never matches here.
//!
//! # Costs
//! Most identifiers in a leak are not customers'. [`Context::new`] builds
//! the registry's in-memory prefilter (about one byte per fingerprint, one
//! sequential pass over the index), so most misses cost a keyed hash and
//! one cache line instead of a search in the mapped index; national phone
//! candidates whose length no number of their region has are not looked
//! up at all; distinct unmatched values are counted by appending to a
//! vector that is sorted and deduplicated as it doubles, not in a hash set
//! (whose random inserts would evict the prefilter from the cache).

mod distinct;
mod drive;
pub mod lake;
mod matcher;
mod phone;
mod report;
pub mod synth;

pub use drive::scope;
pub use matcher::{Context, Item, Matcher, Tally};
pub use report::{
    Affected, Ambiguous, Evidence, EvidenceFile, ItemError, ScopeReport, Summary, Unmatched,
};

/// How [`scope`] runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeOptions {
    /// Scanning threads (at least 1).
    pub threads: usize,
    /// Put leaked values in the report (evidence, ambiguous and unmatched
    /// identifiers).
    pub reveal: bool,
    /// Findings scoring below this are ignored, as in `scan` (0.5: role
    /// mailboxes and the like are not a person's data).
    pub min_score: f32,
    /// Bytes between findings beyond which a new record starts (non-CSV).
    pub record_gap: u64,
    /// Evidence spans kept per affected customer (all occurrences are
    /// counted).
    pub max_evidence: usize,
    /// Regions (ISO alpha-2) tried for national-format phones when the
    /// record gives no clue; empty = the registry's 16 most frequent
    /// countries.
    pub phone_regions: Vec<String>,
    /// Scan files with NUL bytes in their first 8 KiB too.
    pub binary: bool,
    pub follow_links: bool,
    pub max_filesize: Option<u64>,
    /// Also shown every finding, on the scanning thread (the canary check
    /// rides on scope's own pipeline run this way).
    pub on_finding: Option<FindingHook>,
    /// Arguments naming remote sources (object stores, database tables)
    /// are opened by these.
    pub resolvers: bw_scan::Resolvers,
    /// This run's part of a run split across processes (`--shard`, a
    /// plan's split); every input by default.
    pub select: bw_scan::Select,
}

/// A callback for every finding of a scope run; see
/// [`ScopeOptions::on_finding`].
#[derive(Clone)]
pub struct FindingHook(pub std::sync::Arc<dyn Fn(&bw_scan::Found<'_>) + Send + Sync>);

impl std::fmt::Debug for FindingHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FindingHook")
    }
}

impl PartialEq for FindingHook {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for ScopeOptions {
    fn default() -> Self {
        ScopeOptions {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            reveal: false,
            min_score: 0.5,
            record_gap: 200,
            max_evidence: 8,
            phone_regions: Vec::new(),
            binary: false,
            follow_links: false,
            max_filesize: None,
            on_finding: None,
            resolvers: bw_scan::Resolvers::default(),
            select: bw_scan::Select::All,
        }
    }
}

/// Why [`scope`] could not run at all (problems with single inputs are
/// [`ScopeReport::errors`] instead).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no input paths given")]
    NoPaths,
    /// A finding's offset could not be mapped back to raw bytes: a bug in
    /// the decoder window, reported rather than producing wrong evidence.
    #[error("internal error while scanning: {0}")]
    Offsets(String),
}
