//! `bw-store`: breachwatch's system of record for incidents — evidence (as
//! hashes and counts), the affected-customer set, the obligations the law
//! crate computed, the notification outbox (one row per notice: status,
//! Message-ID, the server's reply), and a tamper-evident, hash-chained audit
//! log — on an embedded SQLite file (the default) or PostgreSQL (by URL).
//!
//! # What it must never do
//! - Store personal data beyond a customer id, the *names* of the fields
//!   exposed and the customer's country/region: no raw finding values, no
//!   contact data, no credentials (userinfo and query strings are stripped
//!   from evidence URIs).
//! - Write outside a transaction.
//! - Change an incident without appending the matching entry to its
//!   hash-chained audit log in the same transaction. Writes go through
//!   `tx::audited`, which makes that sequence the only one available.
//!
//! # Layout
//! One module per job: `connect` (opening either backend), `tx`
//! (transactions, retries and the audited-write helper), `incident`
//! (lifecycle), `evidence` (evidence and affected customers), `declare`
//! (what investigators declare: the cause, elements known taken),
//! `describe` (the incident's description in other languages),
//! `determine` (harm findings per jurisdiction),
//! `obligations`, `outbox` (notices), `verify` (reading and checking the
//! audit log), `export`, `sources` (the scan state of remote sources, for
//! incremental scans), `redact` (URL redaction), `rows` (column and
//! timestamp encoding), plus the public `audit` (chain hashing), `model`
//! and `error`.
//!
//! # Backends
//! One code path over sqlx's `Any` driver with dialect-neutral SQL (`$n`
//! placeholders, `ON CONFLICT … DO UPDATE`, `RETURNING`, TEXT/BIGINT/
//! DOUBLE PRECISION columns), so the conformance suite that runs
//! on both backends exercises literally the same statements. The few
//! differences are confined to [`Store::open_sqlite`] (WAL, busy_timeout),
//! the statement that opens a write transaction (`BEGIN IMMEDIATE` on
//! SQLite, so writers queue for the lock at the start instead of failing
//! on upgrade) and error classification for retries.
//!
//! # Concurrency
//! Every mutation runs in one transaction that first "touches" the
//! incident row (`UPDATE … SET updated_at = updated_at`): on PostgreSQL that
//! takes the row lock, on SQLite the write lock is already held, so the
//! read-check-write of a status change or an audit append can never
//! interleave with another writer. Lock contention that outlasts
//! busy_timeout (SQLite) or a serialization failure/deadlock (PostgreSQL)
//! retries the whole transaction with exponential backoff.
//!
//! # Timestamps
//! RFC 3339 UTC text with exactly six fractional digits, e.g.
//! `2026-05-20T09:15:00.123456Z`: sortable as text, identical on both
//! backends, and byte-stable inside audit hashes.

pub mod audit;
mod auth;
mod connect;
mod declare;
mod describe;
mod determine;
mod error;
mod evidence;
mod export;
mod incident;
mod jobs;
mod model;
mod obligations;
mod outbox;
mod pages;
mod redact;
mod rows;
mod sources;
mod system_audit;
mod tx;
mod verify;

use sqlx::AnyPool;

pub use crate::auth::{NewToken, Role, SessionRecord, TokenRecord, UserRecord};
pub use crate::error::{Result, StoreError};
pub use crate::jobs::{JobRecord, ScanFinding};
pub use crate::model::*;
pub use crate::outbox::{
    ClaimedNotice, NewNotice, NoticeCount, NoticeRecord, NoticeResult, PlanOutcome,
};
pub use crate::pages::{AffectedFilter, AffectedPage, AffectedRow};
pub use crate::redact::sanitize_source;
pub use crate::rows::format_ts;
pub use crate::sources::SourceObject;
pub use crate::system_audit::{SystemVerifyReport, SYSTEM_CHAIN};

/// File name used when [`Store::open_sqlite`] is given a directory.
pub const SQLITE_FILE_NAME: &str = "breachwatch.sqlite3";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Handle to the incident store; cheap to clone (it wraps a pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}
