//! `bw-incident`: an incident's work between a scan and a notice, as a
//! library every front end calls (the CLI, the drill, next the server).
//!
//! - [`evidence`]: one evidence file read once — its SHA-256, size,
//!   finding counts and, with a registry, the customers it exposes —
//!   through the one scan pipeline (`bw-scan`).
//! - [`affected`]: scope's affected customers as the store records them.
//! - [`lake`]: an affected set joined at data-lake scale (Spark), recorded
//!   as evidence and affected customers like a scope.
//! - [`unattributed`]: credential and identity-number findings no
//!   customer was tied to, kept as detected, unattributed elements.
//! - [`obligations`]: an incident's affected customers → `bw-law`'s
//!   per-jurisdiction obligations (the safe-harbour rule included), and
//!   their renderings.
//!
//! What it must never do: print or read the environment (front ends do);
//! keep or return a leaked value (evidence is hashes and counts, affected
//! customers are ids, fields and jurisdictions); decide what the law
//! says itself — rules and their evaluation are `bw-law`'s.

pub mod affected;
pub mod evidence;
pub mod lake;
pub mod obligations;
pub mod unattributed;

use std::path::PathBuf;

/// Why an incident step could not be done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is a directory: give the evidence files themselves")]
    Directory(PathBuf),
    #[error("{0} changed while it was being recorded; record it again once it is stable")]
    Changed(PathBuf),
    #[error("{path}: {message}")]
    Unreadable { path: PathBuf, message: String },
    #[error("{name} names {count} objects: evidence is one object, give its URL")]
    NotOneObject { name: String, count: usize },
    #[error("matching {path} against the registry: {source}")]
    Scope {
        path: PathBuf,
        #[source]
        source: bw_scope::Error,
    },
    #[error("{id}: stored discovered_at {value:?} is not RFC 3339")]
    DiscoveredAt { id: String, value: String },
    #[error("{id}: harm determination {seq} has a decided_at {value:?} that is not RFC 3339")]
    DecidedAt { id: String, seq: i64, value: String },
    #[error("loading the embedded breach-notification rules: {0}")]
    Rules(#[from] bw_law::RuleError),
}
