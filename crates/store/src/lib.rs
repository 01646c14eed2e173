//! `bw-store`: breachwatch's system of record for incidents — evidence (as
//! hashes and counts), the affected-customer set, the obligations the law
//! crate computed, the notification outbox (one row per notice: status,
//! Message-ID, the server's reply), and a tamper-evident, hash-chained audit
//! log — on an embedded SQLite file (the default) or PostgreSQL (by URL).
//!
//! It must never store personal data beyond a customer id, the *names* of
//! the fields exposed and the customer's country/region: no raw finding
//! values, no contact data, no credentials (userinfo and query strings are
//! stripped from evidence URIs). It must never change an incident without
//! appending the matching audit entry in the same transaction.
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
mod error;
mod model;
mod outbox;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Connection, Executor, Row, Transaction};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::audit::{canonical_entry, canonical_json, chain_hash, EntryFields, GENESIS};
use crate::error::Context;
pub use crate::error::{Result, StoreError};
pub use crate::model::*;
pub use crate::outbox::{
    ClaimedNotice, NewNotice, NoticeCount, NoticeRecord, NoticeResult, PlanOutcome,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

const TS_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// File name used when [`Store::open_sqlite`] is given a directory.
pub const SQLITE_FILE_NAME: &str = "breachwatch.sqlite3";

/// Max attempts of one transaction under lock contention.
const MAX_ATTEMPTS: u32 = 12;
/// Rows per multi-row INSERT of affected customers (8 parameters each,
/// far below SQLite's and PostgreSQL's parameter limits).
const AFFECTED_CHUNK: usize = 200;

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

/// Formats a timestamp the one way the store writes them.
pub fn format_ts(t: OffsetDateTime) -> Result<String> {
    t.to_offset(time::UtcOffset::UTC)
        .format(TS_FORMAT)
        .map_err(|e| StoreError::Invalid(format!("timestamp {t} cannot be stored: {e}")))
}

fn now_ts() -> Result<String> {
    format_ts(OffsetDateTime::now_utc())
}

fn sqlite_url(path: &Path) -> Result<String> {
    let s = path.to_str().ok_or_else(|| {
        StoreError::Invalid(format!("database path {} is not UTF-8", path.display()))
    })?;
    let mut enc = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(format!("sqlite://{enc}?mode=rwc"))
}

/// `scheme://user:pass@host/path?q#f` → `scheme://host/path`; plain paths
/// are kept as they are (`?` and `#` are legal in file names).
pub fn sanitize_source(source: &str) -> String {
    let Some((scheme, rest)) = source.split_once("://") else {
        return source.to_string();
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}{path}")
}

/// Keeps only the last path segment: directories and hosts can name
/// people or internal systems that a regulator does not need to see.
fn redact_source(source: &str) -> String {
    let trimmed = source.trim_end_matches('/');
    let last = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    format!("[redacted]/{last}")
}

fn redact_url_for_error(url: &str) -> String {
    sanitize_source(url)
}

struct Locked {
    status: Status,
    head_seq: i64,
    head_hash: String,
}

fn corrupt(table: &'static str, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: detail.into(),
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(table: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(table, format!("bad JSON {text:?}: {e}")))
}

fn get<T>(row: &AnyRow, col: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get::<T, _>(col)
        .context(|| format!("reading column {col}"))
}

impl Store {
    /// Opens the store named by a URL: `sqlite://PATH` (or `sqlite:PATH`)
    /// or `postgres://…` / `postgresql://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StoreError::UnsupportedUrl(url.to_string()));
            }
            return Store::open_sqlite(Path::new(path)).await;
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Store::connect_postgres(url).await;
        }
        Err(StoreError::UnsupportedUrl(redact_url_for_error(url)))
    }

    /// Opens (creating if needed) the SQLite database at `path`; if `path`
    /// is an existing directory the file is `PATH/breachwatch.sqlite3`.
    /// Missing parent directories are created. Runs migrations.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let file: PathBuf = if path.is_dir() {
            path.join(SQLITE_FILE_NAME)
        } else {
            path.to_path_buf()
        };
        if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Invalid(format!("creating data dir {}: {e}", parent.display()))
            })?;
        }
        let url = sqlite_url(&file)?;
        let shown = file.display().to_string();

        // WAL is a property of the file; switching needs an exclusive lock
        // that busy_timeout does not wait for, so do it once, here, with
        // retries, before the pool opens its connections.
        retry(|| async {
            let mut conn = sqlx::AnyConnection::connect(&url)
                .await
                .context(|| format!("opening SQLite database {shown}"))?;
            conn.execute("PRAGMA busy_timeout = 10000")
                .await
                .context(|| format!("setting busy_timeout on {shown}"))?;
            conn.execute("PRAGMA journal_mode = WAL")
                .await
                .context(|| format!("switching {shown} to WAL mode"))?;
            conn.close().await.context(|| format!("closing {shown}"))?;
            Ok(())
        })
        .await?;

        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(60))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // busy_timeout makes SQLite itself wait for the write
                    // lock; the retry loop only covers waits beyond it.
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .context(|| format!("opening SQLite database {shown}"))?;
        let store = Store {
            pool,
            backend: Backend::Sqlite,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn connect_postgres(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let shown = redact_url_for_error(url);
        // The pool retries a refused connection until acquire_timeout; one
        // direct connection first turns "server down" into an immediate,
        // clear error instead of a 30 s hang.
        let probe = sqlx::AnyConnection::connect(url)
            .await
            .context(|| format!("connecting to PostgreSQL at {shown}"))?;
        let _ = probe.close().await;
        let pool = AnyPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .context(|| format!("connecting to PostgreSQL at {shown}"))?;
        let store = Store {
            pool,
            backend: Backend::Postgres,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        // PostgreSQL migrations take an advisory lock; SQLite's take none,
        // so two processes opening a fresh file at once can collide:
        // the loser retries and then finds the migration applied.
        let mut attempt: u32 = 0;
        loop {
            match MIGRATOR.run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(e) if self.backend == Backend::Sqlite && attempt < 5 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
                    let _ = e;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_write(&self, what: &str) -> Result<Transaction<'static, Any>> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        tx.context(|| format!("{what}: starting a transaction"))
    }

    async fn begin_read(&self, what: &str) -> Result<Transaction<'static, Any>> {
        // One snapshot for multi-query reads (counts that add up).
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin().await,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await
            }
        };
        tx.context(|| format!("{what}: starting a read transaction"))
    }

    async fn commit(tx: Transaction<'static, Any>, what: &str) -> Result<()> {
        tx.commit().await.context(|| {
            format!(
                "{what}: the commit did not complete (if the connection was lost, check \
                     whether the change was applied)"
            )
        })
    }

    /// Takes the write lock on one incident and reads its state.
    async fn lock_incident(tx: &mut Transaction<'static, Any>, id: &IncidentId) -> Result<Locked> {
        let touched = sqlx::query("UPDATE incidents SET updated_at = updated_at WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut **tx)
            .await
            .context(|| format!("locking incident {id}"))?;
        if touched.rows_affected() == 0 {
            return Err(StoreError::NotFound(id.clone()));
        }
        let row = sqlx::query(
            "SELECT status, audit_head_seq, audit_head_hash FROM incidents WHERE id = $1",
        )
        .bind(id.as_str())
        .fetch_one(&mut **tx)
        .await
        .context(|| format!("reading incident {id}"))?;
        let status: String = get(&row, "status")?;
        Ok(Locked {
            status: status
                .parse()
                .map_err(|_| corrupt("incidents", format!("{id} has status {status:?}")))?,
            head_seq: get(&row, "audit_head_seq")?,
            head_hash: get(&row, "audit_head_hash")?,
        })
    }

    /// Appends one audit entry after `locked`'s head and moves the head.
    #[allow(clippy::too_many_arguments)]
    async fn append_audit(
        tx: &mut Transaction<'static, Any>,
        id: &IncidentId,
        locked: &Locked,
        at: &str,
        actor: &str,
        action: &str,
        before: &Value,
        after: &Value,
    ) -> Result<i64> {
        let seq = locked.head_seq + 1;
        let canonical = canonical_entry(&EntryFields {
            incident: id.as_str(),
            seq,
            at,
            actor,
            action,
            before,
            after,
        });
        let hash = chain_hash(&locked.head_hash, &canonical);
        sqlx::query(
            "INSERT INTO audit_log (incident_id, seq, at, actor, action, before_state, \
             after_state, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.as_str())
        .bind(seq)
        .bind(at)
        .bind(actor)
        .bind(action)
        .bind(canonical_json(before))
        .bind(canonical_json(after))
        .bind(locked.head_hash.as_str())
        .bind(hash.as_str())
        .execute(&mut **tx)
        .await
        .context(|| format!("appending audit entry {seq} to {id}"))?;
        sqlx::query(
            "UPDATE incidents SET audit_head_seq = $1, audit_head_hash = $2, updated_at = $3 \
             WHERE id = $4",
        )
        .bind(seq)
        .bind(hash.as_str())
        .bind(at)
        .bind(id.as_str())
        .execute(&mut **tx)
        .await
        .context(|| format!("moving the audit head of {id}"))?;
        Ok(seq)
    }

    /// Opens a new incident in status `open` and returns its id
    /// (`INC-<year>-<nnnn>`). Writes audit entry 1 (`incident.open`).
    pub async fn open_incident(&self, new: &NewIncident, actor: &str) -> Result<IncidentId> {
        if new.title.trim().is_empty() {
            return Err(StoreError::Invalid("an incident needs a title".into()));
        }
        check_actor(actor)?;
        let discovered_at = format_ts(new.discovered_at)?;
        retry(|| self.try_open_incident(new, &discovered_at, actor))
            .await
            .map_err(rolled_back("opening an incident"))
    }

    async fn try_open_incident(
        &self,
        new: &NewIncident,
        discovered_at: &str,
        actor: &str,
    ) -> Result<IncidentId> {
        let what = "opening an incident";
        let now = OffsetDateTime::now_utc();
        let at = format_ts(now)?;
        let mut tx = self.begin_write(what).await?;
        let row = sqlx::query(
            "INSERT INTO incident_counters (year, last_number) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last_number = incident_counters.last_number + 1 \
             RETURNING last_number",
        )
        .bind(i64::from(now.year()))
        .fetch_one(&mut *tx)
        .await
        .context(|| format!("{what}: allocating an id"))?;
        let id = IncidentId::format(now.year(), get(&row, "last_number")?);
        sqlx::query(
            "INSERT INTO incidents (id, title, description, discovered_at, detected_by, status, \
             severity, opened_at, updated_at, audit_head_seq, audit_head_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10)",
        )
        .bind(id.as_str())
        .bind(new.title.as_str())
        .bind(new.description.as_str())
        .bind(discovered_at)
        .bind(new.detected_by.as_str())
        .bind(Status::Open.as_str())
        .bind(new.severity.as_str())
        .bind(at.as_str())
        .bind(at.as_str())
        .bind(GENESIS)
        .execute(&mut *tx)
        .await
        .context(|| format!("{what}: inserting {id}"))?;
        let after = json!({
            "title": new.title,
            "description": new.description,
            "discovered_at": discovered_at,
            "detected_by": new.detected_by,
            "status": Status::Open.as_str(),
            "severity": new.severity.as_str(),
        });
        let genesis = Locked {
            status: Status::Open,
            head_seq: 0,
            head_hash: GENESIS.to_string(),
        };
        Self::append_audit(
            &mut tx,
            &id,
            &genesis,
            &at,
            actor,
            "incident.open",
            &Value::Null,
            &after,
        )
        .await?;
        Self::commit(tx, what).await?;
        Ok(id)
    }

    /// Moves an incident one step along open → triaged → contained →
    /// notifying → closed. Anything else is [`StoreError::IllegalTransition`]
    /// and changes nothing.
    pub async fn set_status(&self, id: &IncidentId, to: Status, actor: &str) -> Result<()> {
        check_actor(actor)?;
        retry(|| self.try_set_status(id, to, actor))
            .await
            .map_err(rolled_back(&format!("setting the status of {id} to {to}")))
    }

    async fn try_set_status(&self, id: &IncidentId, to: Status, actor: &str) -> Result<()> {
        let what = format!("setting the status of {id} to {to}");
        let mut tx = self.begin_write(&what).await?;
        let locked = Self::lock_incident(&mut tx, id).await?;
        if !locked.status.can_move_to(to) {
            return Err(StoreError::IllegalTransition {
                id: id.clone(),
                from: locked.status,
                to,
            });
        }
        let at = now_ts()?;
        sqlx::query("UPDATE incidents SET status = $1 WHERE id = $2")
            .bind(to.as_str())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .context(|| what.clone())?;
        Self::append_audit(
            &mut tx,
            id,
            &locked,
            &at,
            actor,
            "incident.status",
            &json!({ "status": locked.status.as_str() }),
            &json!({ "status": to.as_str() }),
        )
        .await?;
        Self::commit(tx, &what).await
    }

    /// Records evidence and the customers it matched, in one transaction
    /// with its audit entry. Evidence already present (same SHA-256 for the
    /// same incident) changes nothing and returns
    /// [`AddEvidenceOutcome::AlreadyPresent`]. A customer already affected
    /// through other evidence is merged: fields unioned, the higher
    /// confidence kept, country/region filled in if they were unknown, and
    /// this evidence appended to its refs.
    pub async fn add_evidence(
        &self,
        id: &IncidentId,
        evidence: &Evidence,
        affected: &[Affected],
        actor: &str,
    ) -> Result<AddEvidenceOutcome> {
        check_actor(actor)?;
        let prepared = PreparedEvidence::new(evidence, affected)?;
        retry(|| self.try_add_evidence(id, &prepared, actor))
            .await
            .map_err(rolled_back(&format!(
                "adding evidence {} to {id}",
                prepared.sha256
            )))
    }

    async fn try_add_evidence(
        &self,
        id: &IncidentId,
        ev: &PreparedEvidence,
        actor: &str,
    ) -> Result<AddEvidenceOutcome> {
        let what = format!("adding evidence {} to {id}", ev.sha256);
        let mut tx = self.begin_write(&what).await?;
        let locked = Self::lock_incident(&mut tx, id).await?;
        if let Some(row) =
            sqlx::query("SELECT seq FROM evidence WHERE incident_id = $1 AND sha256 = $2")
                .bind(id.as_str())
                .bind(ev.sha256.as_str())
                .fetch_optional(&mut *tx)
                .await
                .context(|| what.clone())?
        {
            // Dropping the transaction rolls back the row touch.
            return Ok(AddEvidenceOutcome::AlreadyPresent {
                evidence_seq: get(&row, "seq")?,
            });
        }
        let at = now_ts()?;
        let evidence_before = count(&mut tx, "evidence", id).await?;
        let affected_before = count(&mut tx, "affected", id).await?;
        let seq_row = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) AS last FROM evidence WHERE incident_id = $1",
        )
        .bind(id.as_str())
        .fetch_one(&mut *tx)
        .await
        .context(|| what.clone())?;
        let evidence_seq: i64 = get::<i64>(&seq_row, "last")? + 1;
        sqlx::query(
            "INSERT INTO evidence (incident_id, seq, sha256, source, size_bytes, collected_at, \
             finding_counts, encrypted, added_at, added_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.as_str())
        .bind(evidence_seq)
        .bind(ev.sha256.as_str())
        .bind(ev.source.as_str())
        .bind(ev.size_bytes)
        .bind(ev.collected_at.as_str())
        .bind(canonical_json(&ev.finding_counts))
        .bind(i64::from(ev.encrypted))
        .bind(at.as_str())
        .bind(actor)
        .execute(&mut *tx)
        .await
        .context(|| format!("{what}: inserting the evidence row"))?;

        let (new_affected, merged_affected) = if affected_before == 0 {
            self.insert_affected_bulk(&mut tx, id, ev, &at).await?;
            (ev.affected.len() as u64, 0)
        } else {
            self.merge_affected(&mut tx, id, ev, &at).await?
        };

        let before = json!({
            "evidence_count": evidence_before,
            "affected_count": affected_before,
        });
        let after = json!({
            "sha256": ev.sha256,
            "source": ev.source,
            "size_bytes": ev.size_bytes,
            "encrypted": ev.encrypted,
            "finding_counts": ev.finding_counts,
            "evidence_seq": evidence_seq,
            "evidence_count": evidence_before + 1,
            "affected_count": affected_before + new_affected,
            "new_affected": new_affected,
            "merged_affected": merged_affected,
        });
        Self::append_audit(
            &mut tx,
            id,
            &locked,
            &at,
            actor,
            "evidence.add",
            &before,
            &after,
        )
        .await?;
        Self::commit(tx, &what).await?;
        Ok(AddEvidenceOutcome::Added {
            evidence_seq,
            new_affected,
            merged_affected,
        })
    }

    async fn insert_affected_bulk(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &IncidentId,
        ev: &PreparedEvidence,
        at: &str,
    ) -> Result<()> {
        let refs = canonical_json(&json!([ev.sha256]));
        let rows: Vec<&Affected> = ev.affected.values().collect();
        for chunk in rows.chunks(AFFECTED_CHUNK) {
            let mut sql = String::from(
                "INSERT INTO affected (incident_id, customer_id, matched_fields, confidence, \
                 country, region, evidence_refs, first_seen_at) VALUES ",
            );
            sql.push_str(&values_placeholders(chunk.len(), 8));
            let mut q = sqlx::query(&sql);
            for a in chunk {
                q = q
                    .bind(id.as_str())
                    .bind(a.customer_id.as_str())
                    .bind(canonical_json(&json!(a.matched_fields)))
                    .bind(a.confidence)
                    .bind(a.country.clone())
                    .bind(a.region.clone())
                    .bind(refs.clone())
                    .bind(at);
            }
            q.execute(&mut **tx)
                .await
                .context(|| format!("recording affected customers of {id}"))?;
        }
        Ok(())
    }

    async fn merge_affected(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &IncidentId,
        ev: &PreparedEvidence,
        at: &str,
    ) -> Result<(u64, u64)> {
        let (mut new, mut merged) = (0u64, 0u64);
        let what = || format!("recording affected customers of {id}");
        for a in ev.affected.values() {
            let existing = sqlx::query(
                "SELECT matched_fields, confidence, country, region, evidence_refs \
                 FROM affected WHERE incident_id = $1 AND customer_id = $2",
            )
            .bind(id.as_str())
            .bind(a.customer_id.as_str())
            .fetch_optional(&mut **tx)
            .await
            .context(what)?;
            match existing {
                None => {
                    sqlx::query(
                        "INSERT INTO affected (incident_id, customer_id, matched_fields, \
                         confidence, country, region, evidence_refs, first_seen_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(id.as_str())
                    .bind(a.customer_id.as_str())
                    .bind(canonical_json(&json!(a.matched_fields)))
                    .bind(a.confidence)
                    .bind(a.country.clone())
                    .bind(a.region.clone())
                    .bind(canonical_json(&json!([ev.sha256])))
                    .bind(at)
                    .execute(&mut **tx)
                    .await
                    .context(what)?;
                    new += 1;
                }
                Some(row) => {
                    let mut fields: BTreeSet<String> =
                        parse_json("affected", &get::<String>(&row, "matched_fields")?)?;
                    fields.extend(a.matched_fields.iter().cloned());
                    let mut refs: Vec<String> =
                        parse_json("affected", &get::<String>(&row, "evidence_refs")?)?;
                    if !refs.contains(&ev.sha256) {
                        refs.push(ev.sha256.clone());
                    }
                    let confidence = get::<f64>(&row, "confidence")?.max(a.confidence);
                    let country = get::<Option<String>>(&row, "country")?.or(a.country.clone());
                    let region = get::<Option<String>>(&row, "region")?.or(a.region.clone());
                    sqlx::query(
                        "UPDATE affected SET matched_fields = $1, confidence = $2, country = $3, \
                         region = $4, evidence_refs = $5 WHERE incident_id = $6 AND customer_id = $7",
                    )
                    .bind(canonical_json(&json!(fields)))
                    .bind(confidence)
                    .bind(country)
                    .bind(region)
                    .bind(canonical_json(&json!(refs)))
                    .bind(id.as_str())
                    .bind(a.customer_id.as_str())
                    .execute(&mut **tx)
                    .await
                    .context(what)?;
                    merged += 1;
                }
            }
        }
        Ok((new, merged))
    }

    /// Stores the obligations the caller computed (opaque JSON, kept as
    /// canonical text) with the rule-set version that produced them,
    /// replacing earlier ones. Returns false, writing nothing, when the same
    /// version and body are already stored.
    pub async fn put_obligations(
        &self,
        id: &IncidentId,
        body: &Value,
        rule_set_version: &str,
        actor: &str,
    ) -> Result<bool> {
        check_actor(actor)?;
        if rule_set_version.trim().is_empty() {
            return Err(StoreError::Invalid(
                "obligations need a rule-set version".into(),
            ));
        }
        retry(|| self.try_put_obligations(id, body, rule_set_version, actor))
            .await
            .map_err(rolled_back(&format!("storing obligations of {id}")))
    }

    async fn try_put_obligations(
        &self,
        id: &IncidentId,
        body: &Value,
        version: &str,
        actor: &str,
    ) -> Result<bool> {
        let what = format!("storing obligations of {id}");
        let text = canonical_json(body);
        let digest = audit::sha256_hex(text.as_bytes());
        let mut tx = self.begin_write(&what).await?;
        let locked = Self::lock_incident(&mut tx, id).await?;
        let prior = sqlx::query(
            "SELECT rule_set_version, body_sha256 FROM obligations WHERE incident_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await
        .context(|| what.clone())?;
        let before = match &prior {
            Some(row) => {
                let v: String = get(row, "rule_set_version")?;
                let d: String = get(row, "body_sha256")?;
                if v == version && d == digest {
                    return Ok(false);
                }
                json!({ "rule_set_version": v, "body_sha256": d })
            }
            None => Value::Null,
        };
        let at = now_ts()?;
        sqlx::query(
            "INSERT INTO obligations (incident_id, rule_set_version, computed_at, body, body_sha256) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (incident_id) DO UPDATE SET \
             rule_set_version = excluded.rule_set_version, computed_at = excluded.computed_at, \
             body = excluded.body, body_sha256 = excluded.body_sha256",
        )
        .bind(id.as_str())
        .bind(version)
        .bind(at.as_str())
        .bind(text.as_str())
        .bind(digest.as_str())
        .execute(&mut *tx)
        .await
        .context(|| what.clone())?;
        Self::append_audit(
            &mut tx,
            id,
            &locked,
            &at,
            actor,
            "obligations.put",
            &before,
            &json!({ "rule_set_version": version, "body_sha256": digest }),
        )
        .await?;
        Self::commit(tx, &what).await?;
        Ok(true)
    }

    /// The stored obligations, if any.
    pub async fn obligations(&self, id: &IncidentId) -> Result<Option<StoredObligations>> {
        let mut tx = self.begin_read("reading obligations").await?;
        ensure_exists(&mut tx, id).await?;
        read_obligations(&mut tx, id).await
    }

    /// All incidents, oldest first.
    pub async fn list_incidents(&self) -> Result<Vec<IncidentSummary>> {
        let rows = sqlx::query(
            "SELECT id, title, status, severity, discovered_at, opened_at FROM incidents \
             ORDER BY opened_at, id",
        )
        .fetch_all(&self.pool)
        .await
        .context(|| "listing incidents".to_string())?;
        rows.iter()
            .map(|r| {
                Ok(IncidentSummary {
                    id: IncidentId::new(get::<String>(r, "id")?),
                    title: get(r, "title")?,
                    status: parse_enum(get::<String>(r, "status")?)?,
                    severity: parse_enum(get::<String>(r, "severity")?)?,
                    discovered_at: get(r, "discovered_at")?,
                    opened_at: get(r, "opened_at")?,
                })
            })
            .collect()
    }

    /// One incident with its counts.
    pub async fn incident(&self, id: &IncidentId) -> Result<Incident> {
        let mut tx = self.begin_read(&format!("reading {id}")).await?;
        read_incident(&mut tx, id).await
    }

    /// Evidence of an incident, in the order it was added.
    pub async fn evidence(&self, id: &IncidentId) -> Result<Vec<EvidenceRecord>> {
        let mut tx = self
            .begin_read(&format!("reading evidence of {id}"))
            .await?;
        ensure_exists(&mut tx, id).await?;
        read_evidence(&mut tx, id).await
    }

    /// The affected set, ordered by customer id.
    pub async fn affected(&self, id: &IncidentId) -> Result<Vec<AffectedRecord>> {
        let mut tx = self
            .begin_read(&format!("reading affected of {id}"))
            .await?;
        ensure_exists(&mut tx, id).await?;
        read_affected(&mut tx, id).await
    }

    /// The audit log, in sequence order.
    pub async fn audit_log(&self, id: &IncidentId) -> Result<Vec<AuditEntry>> {
        let mut tx = self
            .begin_read(&format!("reading the audit log of {id}"))
            .await?;
        ensure_exists(&mut tx, id).await?;
        read_audit(&mut tx, id).await
    }

    /// Recomputes the audit chain and cross-checks the incident's current
    /// rows against what the log says happened. `Ok` with a failing report
    /// means tampering (or corruption) was found; `Err` means it could not
    /// be checked.
    pub async fn verify(&self, id: &IncidentId) -> Result<VerifyReport> {
        let mut tx = self.begin_read(&format!("verifying {id}")).await?;
        verify_in(&mut tx, id).await
    }

    /// A JSON-serialisable bundle for lawyers or regulators. With `redact`
    /// (the default the CLI should use) evidence locations are cut to their
    /// last path segment; customer ids, field names and counts stay. The
    /// store holds no contact data, so none can leak through here.
    pub async fn export(&self, id: &IncidentId, redact: bool) -> Result<ExportBundle> {
        let mut tx = self.begin_read(&format!("exporting {id}")).await?;
        let incident = read_incident(&mut tx, id).await?;
        let mut evidence = read_evidence(&mut tx, id).await?;
        let affected = read_affected(&mut tx, id).await?;
        let obligations = read_obligations(&mut tx, id).await?;
        let mut audit_log = read_audit(&mut tx, id).await?;
        let audit_verification = verify_in(&mut tx, id).await?;
        if redact {
            for e in &mut evidence {
                e.source = redact_source(&e.source);
            }
            for entry in &mut audit_log {
                if let Some(Value::String(s)) = entry.after.get_mut("source") {
                    *s = redact_source(s);
                }
            }
        }
        Ok(ExportBundle {
            format: "breachwatch.incident-export/1".into(),
            exported_at: now_ts()?,
            redacted: redact,
            incident,
            evidence,
            affected,
            obligations,
            audit_log,
            audit_verification,
        })
    }
}

/// Frames a failed write for the user: which operation, and that nothing
/// of it was kept (a transaction that fails before commit rolls back
/// whole, also when the server dies: PostgreSQL aborts it, SQLite's
/// journal undoes it).
fn rolled_back(what: &str) -> impl FnOnce(StoreError) -> StoreError + '_ {
    move |e| match e {
        StoreError::Backend { context, source } => {
            let context = if context.starts_with(what) {
                context
            } else {
                format!("{what}: {context}")
            };
            let context = if context.contains("commit did not complete") {
                context
            } else {
                format!("{context} (the transaction was rolled back; nothing was written)")
            };
            StoreError::Backend { context, source }
        }
        other => other,
    }
}

fn check_actor(actor: &str) -> Result<()> {
    if actor.trim().is_empty() {
        return Err(StoreError::Invalid(
            "every change needs an actor for the audit log".into(),
        ));
    }
    Ok(())
}

fn parse_enum<T: std::str::FromStr>(s: String) -> Result<T> {
    s.parse()
        .map_err(|_| corrupt("incidents", format!("unknown value {s:?}")))
}

/// `($1, …, $cols), ($cols+1, …)` for a multi-row INSERT of `rows` rows.
fn values_placeholders(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push(',');
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${}", r * cols + c + 1));
        }
        out.push(')');
    }
    out
}

/// Retries a whole transaction while it fails on lock contention.
async fn retry<T, F, Fut>(mut op: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut delay = Duration::from_millis(5);
    let mut attempt = 1;
    loop {
        match op().await {
            Err(e) if e.is_retryable() && attempt < MAX_ATTEMPTS => {
                // Jitter from the clock: enough to de-synchronise writers
                // that collided, without a random-number dependency.
                let jitter = u64::from(OffsetDateTime::now_utc().nanosecond() % 5_000_000);
                tokio::time::sleep(delay + Duration::from_nanos(jitter)).await;
                delay = (delay * 2).min(Duration::from_millis(500));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Evidence validated and normalised once, before any retry.
struct PreparedEvidence {
    sha256: String,
    source: String,
    size_bytes: i64,
    collected_at: String,
    finding_counts: Value,
    encrypted: bool,
    affected: BTreeMap<String, Affected>,
}

impl PreparedEvidence {
    fn new(e: &Evidence, affected: &[Affected]) -> Result<Self> {
        let sha256 = e.sha256.trim().to_ascii_lowercase();
        if !audit::is_sha256_hex(&sha256) {
            return Err(StoreError::Invalid(format!(
                "evidence hash {:?} is not a hex SHA-256",
                e.sha256
            )));
        }
        let source = sanitize_source(e.source.trim());
        if source.is_empty() {
            return Err(StoreError::Invalid(
                "evidence needs a source path or URI".into(),
            ));
        }
        let size_bytes = i64::try_from(e.size_bytes).map_err(|_| {
            StoreError::Invalid(format!("evidence size {} too large", e.size_bytes))
        })?;
        let mut merged: BTreeMap<String, Affected> = BTreeMap::new();
        for a in affected {
            let cid = a.customer_id.trim();
            if cid.is_empty() {
                return Err(StoreError::Invalid(
                    "an affected customer has an empty id".into(),
                ));
            }
            if !a.confidence.is_finite() || !(0.0..=1.0).contains(&a.confidence) {
                return Err(StoreError::Invalid(format!(
                    "customer {cid}: confidence {} is outside [0, 1]",
                    a.confidence
                )));
            }
            let norm = |s: &Option<String>| {
                s.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_ascii_uppercase)
            };
            let entry = merged.entry(cid.to_string()).or_insert_with(|| Affected {
                customer_id: cid.to_string(),
                matched_fields: Vec::new(),
                confidence: 0.0,
                country: None,
                region: None,
            });
            entry
                .matched_fields
                .extend(a.matched_fields.iter().cloned());
            entry.confidence = entry.confidence.max(a.confidence);
            entry.country = entry.country.take().or_else(|| norm(&a.country));
            entry.region = entry.region.take().or_else(|| norm(&a.region));
        }
        for a in merged.values_mut() {
            a.matched_fields.sort();
            a.matched_fields.dedup();
        }
        Ok(PreparedEvidence {
            sha256,
            source,
            size_bytes,
            collected_at: format_ts(e.collected_at)?,
            finding_counts: json!(e.finding_counts),
            encrypted: e.encrypted,
            affected: merged,
        })
    }
}

async fn count(tx: &mut Transaction<'static, Any>, table: &str, id: &IncidentId) -> Result<u64> {
    // `table` is one of our own constants, never input.
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE incident_id = $1");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .fetch_one(&mut **tx)
        .await
        .context(|| format!("counting {table} of {id}"))?;
    let n: i64 = get(&row, "n")?;
    Ok(n.max(0) as u64)
}

async fn ensure_exists(tx: &mut Transaction<'static, Any>, id: &IncidentId) -> Result<()> {
    let row = sqlx::query("SELECT id FROM incidents WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .context(|| format!("looking up {id}"))?;
    match row {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(id.clone())),
    }
}

async fn read_incident(tx: &mut Transaction<'static, Any>, id: &IncidentId) -> Result<Incident> {
    let row = sqlx::query(
        "SELECT id, title, description, discovered_at, detected_by, status, severity, \
         opened_at, updated_at FROM incidents WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **tx)
    .await
    .context(|| format!("reading {id}"))?
    .ok_or_else(|| StoreError::NotFound(id.clone()))?;
    let by_country_rows = sqlx::query(
        "SELECT country, COUNT(*) AS n FROM affected WHERE incident_id = $1 GROUP BY country",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(|| format!("counting affected of {id} by country"))?;
    let mut affected_by_country = BTreeMap::new();
    for r in &by_country_rows {
        let c: Option<String> = get(r, "country")?;
        let n: i64 = get(r, "n")?;
        *affected_by_country
            .entry(c.unwrap_or_else(|| "unknown".into()))
            .or_insert(0) += n.max(0) as u64;
    }
    let obligations_version =
        sqlx::query("SELECT rule_set_version FROM obligations WHERE incident_id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut **tx)
            .await
            .context(|| format!("reading obligations of {id}"))?
            .map(|r| get::<String>(&r, "rule_set_version"))
            .transpose()?;
    Ok(Incident {
        id: IncidentId::new(get::<String>(&row, "id")?),
        title: get(&row, "title")?,
        description: get(&row, "description")?,
        discovered_at: get(&row, "discovered_at")?,
        detected_by: get(&row, "detected_by")?,
        status: parse_enum(get::<String>(&row, "status")?)?,
        severity: parse_enum(get::<String>(&row, "severity")?)?,
        opened_at: get(&row, "opened_at")?,
        updated_at: get(&row, "updated_at")?,
        evidence_count: count(tx, "evidence", id).await?,
        affected_count: count(tx, "affected", id).await?,
        affected_by_country,
        obligations_version,
        audit_entries: count(tx, "audit_log", id).await?,
    })
}

async fn read_evidence(
    tx: &mut Transaction<'static, Any>,
    id: &IncidentId,
) -> Result<Vec<EvidenceRecord>> {
    let rows = sqlx::query(
        "SELECT seq, sha256, source, size_bytes, collected_at, finding_counts, encrypted, \
         added_at, added_by FROM evidence WHERE incident_id = $1 ORDER BY seq",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(|| format!("reading evidence of {id}"))?;
    rows.iter()
        .map(|r| {
            Ok(EvidenceRecord {
                seq: get(r, "seq")?,
                sha256: get(r, "sha256")?,
                source: get(r, "source")?,
                size_bytes: get::<i64>(r, "size_bytes")?.max(0) as u64,
                collected_at: get(r, "collected_at")?,
                finding_counts: parse_json("evidence", &get::<String>(r, "finding_counts")?)?,
                encrypted: get::<i64>(r, "encrypted")? != 0,
                added_at: get(r, "added_at")?,
                added_by: get(r, "added_by")?,
            })
        })
        .collect()
}

async fn read_affected(
    tx: &mut Transaction<'static, Any>,
    id: &IncidentId,
) -> Result<Vec<AffectedRecord>> {
    let rows = sqlx::query(
        "SELECT customer_id, matched_fields, confidence, country, region, evidence_refs, \
         first_seen_at FROM affected WHERE incident_id = $1 ORDER BY customer_id",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(|| format!("reading affected of {id}"))?;
    rows.iter()
        .map(|r| {
            Ok(AffectedRecord {
                customer_id: get(r, "customer_id")?,
                matched_fields: parse_json("affected", &get::<String>(r, "matched_fields")?)?,
                confidence: get(r, "confidence")?,
                country: get(r, "country")?,
                region: get(r, "region")?,
                evidence_refs: parse_json("affected", &get::<String>(r, "evidence_refs")?)?,
                first_seen_at: get(r, "first_seen_at")?,
            })
        })
        .collect()
}

async fn read_obligations(
    tx: &mut Transaction<'static, Any>,
    id: &IncidentId,
) -> Result<Option<StoredObligations>> {
    let row = sqlx::query(
        "SELECT rule_set_version, computed_at, body FROM obligations WHERE incident_id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **tx)
    .await
    .context(|| format!("reading obligations of {id}"))?;
    row.map(|r| {
        Ok(StoredObligations {
            rule_set_version: get(&r, "rule_set_version")?,
            computed_at: get(&r, "computed_at")?,
            body: parse_json("obligations", &get::<String>(&r, "body")?)?,
        })
    })
    .transpose()
}

/// Audit rows as stored, before any interpretation.
struct RawEntry {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    before: String,
    after: String,
    prev_hash: String,
    hash: String,
}

async fn read_raw_audit(
    tx: &mut Transaction<'static, Any>,
    id: &IncidentId,
) -> Result<Vec<RawEntry>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, before_state, after_state, prev_hash, hash \
         FROM audit_log WHERE incident_id = $1 ORDER BY seq",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(|| format!("reading the audit log of {id}"))?;
    rows.iter()
        .map(|r| {
            Ok(RawEntry {
                seq: get(r, "seq")?,
                at: get(r, "at")?,
                actor: get(r, "actor")?,
                action: get(r, "action")?,
                before: get(r, "before_state")?,
                after: get(r, "after_state")?,
                prev_hash: get(r, "prev_hash")?,
                hash: get(r, "hash")?,
            })
        })
        .collect()
}

async fn read_audit(
    tx: &mut Transaction<'static, Any>,
    id: &IncidentId,
) -> Result<Vec<AuditEntry>> {
    read_raw_audit(tx, id)
        .await?
        .into_iter()
        .map(|e| {
            Ok(AuditEntry {
                seq: e.seq,
                before: parse_json("audit_log", &e.before)?,
                after: parse_json("audit_log", &e.after)?,
                at: e.at,
                actor: e.actor,
                action: e.action,
                prev_hash: e.prev_hash,
                hash: e.hash,
            })
        })
        .collect()
}

async fn verify_in(tx: &mut Transaction<'static, Any>, id: &IncidentId) -> Result<VerifyReport> {
    let head = sqlx::query(
        "SELECT title, description, discovered_at, detected_by, status, severity, \
         audit_head_seq, audit_head_hash FROM incidents WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **tx)
    .await
    .context(|| format!("verifying {id}"))?
    .ok_or_else(|| StoreError::NotFound(id.clone()))?;
    let entries = read_raw_audit(tx, id).await?;
    let mut report = VerifyReport {
        incident: id.clone(),
        entries_checked: 0,
        head_hash: None,
        first_broken: None,
        state_mismatches: Vec::new(),
    };
    let broken = |seq: i64, problem: String| Some(BrokenEntry { seq, problem });

    let mut prev = GENESIS.to_string();
    let mut expected = 1i64;
    let mut parsed: Vec<(String, Value, Value)> = Vec::new();
    for e in &entries {
        if e.seq != expected {
            report.first_broken = broken(
                expected,
                format!(
                    "entry {expected} is missing (deleted?): the next stored entry is {}",
                    e.seq
                ),
            );
            break;
        }
        let (Ok(before), Ok(after)) = (
            serde_json::from_str::<Value>(&e.before),
            serde_json::from_str::<Value>(&e.after),
        ) else {
            report.first_broken = broken(e.seq, "before/after summary is not valid JSON".into());
            break;
        };
        if e.prev_hash != prev {
            report.first_broken = broken(
                e.seq,
                format!(
                    "prev_hash {} does not match the hash of entry {} ({prev})",
                    e.prev_hash,
                    e.seq - 1
                ),
            );
            break;
        }
        let canonical = canonical_entry(&EntryFields {
            incident: id.as_str(),
            seq: e.seq,
            at: &e.at,
            actor: &e.actor,
            action: &e.action,
            before: &before,
            after: &after,
        });
        let recomputed = chain_hash(&prev, &canonical);
        if recomputed != e.hash {
            report.first_broken = broken(
                e.seq,
                format!(
                    "content altered after it was written (action {:?}, actor {:?}, at {}): \
                     stored hash {}, recomputed {recomputed}",
                    e.action, e.actor, e.at, e.hash
                ),
            );
            break;
        }
        report.entries_checked += 1;
        prev = e.hash.clone();
        expected += 1;
        parsed.push((e.action.clone(), before, after));
    }
    if report.first_broken.is_none() {
        let head_seq: i64 = get(&head, "audit_head_seq")?;
        let head_hash: String = get(&head, "audit_head_hash")?;
        let last = expected - 1;
        if entries.is_empty() {
            report.first_broken = broken(1, "the audit log is empty".into());
        } else if head_seq != last || head_hash != prev {
            report.first_broken = broken(
                last.max(head_seq),
                format!(
                    "the log ends at entry {last} ({prev}) but the incident's head says entry \
                     {head_seq} ({head_hash}): entries were removed from the end or the head \
                     was edited"
                ),
            );
        } else {
            report.head_hash = Some(prev);
        }
    }

    // Replay what the log says and compare with the rows as they are now.
    // Only meaningful over the verified prefix, which is all we have.
    let mut expect_fields: BTreeMap<&str, Value> = BTreeMap::new();
    let mut evidence_shas: BTreeSet<String> = BTreeSet::new();
    let mut affected_count: Option<u64> = None;
    let mut obligations_digest: Option<String> = None;
    for (action, _before, after) in &parsed {
        match action.as_str() {
            "incident.open" => {
                for key in [
                    "title",
                    "description",
                    "discovered_at",
                    "detected_by",
                    "status",
                    "severity",
                ] {
                    if let Some(v) = after.get(key) {
                        expect_fields.insert(key, v.clone());
                    }
                }
            }
            "incident.status" => {
                if let Some(v) = after.get("status") {
                    expect_fields.insert("status", v.clone());
                }
            }
            "evidence.add" => {
                if let Some(Value::String(s)) = after.get("sha256") {
                    evidence_shas.insert(s.clone());
                }
                affected_count = after.get("affected_count").and_then(Value::as_u64);
            }
            "obligations.put" => {
                obligations_digest = after
                    .get("body_sha256")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            _ => {}
        }
    }
    if report.first_broken.is_none() {
        for (key, want) in &expect_fields {
            let have: String = get(&head, key)?;
            if want.as_str() != Some(have.as_str()) {
                report.state_mismatches.push(format!(
                    "incidents.{key} is {have:?} but the audit log says {want}"
                ));
            }
        }
        let stored: BTreeSet<String> =
            sqlx::query("SELECT sha256 FROM evidence WHERE incident_id = $1")
                .bind(id.as_str())
                .fetch_all(&mut **tx)
                .await
                .context(|| format!("verifying evidence of {id}"))?
                .iter()
                .map(|r| get::<String>(r, "sha256"))
                .collect::<Result<_>>()?;
        for s in stored.difference(&evidence_shas) {
            report.state_mismatches.push(format!(
                "evidence {s} is stored but no audit entry added it"
            ));
        }
        for s in evidence_shas.difference(&stored) {
            report.state_mismatches.push(format!(
                "evidence {s} was added per the audit log but is missing"
            ));
        }
        let have_affected = count(tx, "affected", id).await?;
        let want_affected = affected_count.unwrap_or(0);
        if have_affected != want_affected {
            report.state_mismatches.push(format!(
                "{have_affected} affected customers are stored but the audit log accounts for \
                 {want_affected}"
            ));
        }
        let have_digest =
            sqlx::query("SELECT body, body_sha256 FROM obligations WHERE incident_id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut **tx)
                .await
                .context(|| format!("verifying obligations of {id}"))?
                .map(|r| {
                    let body: String = get(&r, "body")?;
                    Ok::<_, StoreError>(audit::sha256_hex(body.as_bytes()))
                })
                .transpose()?;
        if have_digest != obligations_digest {
            report.state_mismatches.push(format!(
                "stored obligations (sha256 {}) differ from the last audited ones ({})",
                have_digest.as_deref().unwrap_or("none"),
                obligations_digest.as_deref().unwrap_or("none")
            ));
        }
    }
    Ok(report)
}
