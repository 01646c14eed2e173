//! How every write starts, retries, locks the incident, records itself in
//! the audit log and ends. The invariant "no change to an incident without
//! its audit entry in the same transaction" is kept here, in [`audited`],
//! instead of by each write method repeating the sequence correctly.

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use sqlx::{Any, Transaction};
use time::OffsetDateTime;

use crate::audit::{canonical_entry, canonical_json, chain_hash, EntryFields, GENESIS};
use crate::error::{Context, Result, StoreError};
use crate::model::{IncidentId, Status};
use crate::rows::{corrupt, get};
use crate::{Backend, Store};

/// Every transaction the store opens; `'static` because it owns its
/// pooled connection.
pub(crate) type Tx = Transaction<'static, Any>;

/// Max attempts of one transaction under lock contention.
const MAX_ATTEMPTS: u32 = 12;

impl Store {
    pub(crate) async fn begin_write(&self, what: &str) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        tx.context(|| format!("{what}: starting a transaction"))
    }

    pub(crate) async fn begin_read(&self, what: &str) -> Result<Tx> {
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
}

pub(crate) async fn commit(tx: Tx, what: &str) -> Result<()> {
    tx.commit().await.context(|| {
        format!(
            "{what}: the commit did not complete (if the connection was lost, check \
                 whether the change was applied)"
        )
    })
}

/// Where an incident's audit chain currently ends.
pub(crate) struct Head {
    seq: i64,
    hash: String,
}

impl Head {
    /// The head of an incident that has no entries yet.
    pub(crate) fn genesis() -> Head {
        Head {
            seq: 0,
            hash: GENESIS.to_string(),
        }
    }
}

/// One audit entry, as a write describes its change; the chain position
/// and hash are filled in by [`audited`].
pub(crate) struct Entry {
    /// Taken by the write under the lock, so entries are in time order.
    pub at: String,
    pub action: &'static str,
    pub before: Value,
    pub after: Value,
}

/// What a write did, which decides how [`audited`] ends its transaction.
pub(crate) enum Change<T> {
    /// The incident changed: append the entry, then commit.
    Audit(T, Entry),
    /// The write ran but changed nothing the log records (e.g. a re-plan
    /// that added no notices): commit without an entry, since an entry
    /// would claim a change that did not happen.
    Commit(T),
    /// Nothing to write (the same evidence or obligations are already
    /// stored): roll back, which also releases the incident lock.
    Rollback(T),
}

/// Runs one write on incident `id`: takes its lock, applies `change` to the
/// locked transaction (it also gets the incident's status, for writes that
/// depend on it), appends the audit entry the change describes and
/// commits. The change gets the transaction by value and hands it back,
/// because a closure cannot return a future that borrows its argument; an
/// error drops it, which rolls everything back.
pub(crate) async fn audited<T, F, Fut>(
    mut tx: Tx,
    what: &str,
    id: &IncidentId,
    actor: &str,
    change: F,
) -> Result<T>
where
    F: FnOnce(Tx, Status) -> Fut,
    Fut: Future<Output = Result<(Tx, Change<T>)>>,
{
    let (status, head) = lock_incident(&mut tx, id).await?;
    let (tx, change) = change(tx, status).await?;
    finish(tx, what, id, &head, actor, change).await
}

/// The audit-and-commit half of [`audited`], on its own only for opening
/// an incident: there is no row to lock until that change inserts it, and
/// its chain starts at [`Head::genesis`].
pub(crate) async fn finish<T>(
    mut tx: Tx,
    what: &str,
    id: &IncidentId,
    head: &Head,
    actor: &str,
    change: Change<T>,
) -> Result<T> {
    match change {
        Change::Audit(value, entry) => {
            append_audit(&mut tx, id, head, actor, &entry).await?;
            commit(tx, what).await?;
            Ok(value)
        }
        Change::Commit(value) => {
            commit(tx, what).await?;
            Ok(value)
        }
        // Dropping the transaction rolls it back.
        Change::Rollback(value) => Ok(value),
    }
}

/// Takes the write lock on one incident and reads its state. The touch
/// (`SET updated_at = updated_at`) is what takes the row lock on
/// PostgreSQL; on SQLite `BEGIN IMMEDIATE` already holds the write lock.
async fn lock_incident(tx: &mut Tx, id: &IncidentId) -> Result<(Status, Head)> {
    let touched = sqlx::query("UPDATE incidents SET updated_at = updated_at WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut **tx)
        .await
        .context(|| format!("locking incident {id}"))?;
    if touched.rows_affected() == 0 {
        return Err(StoreError::NotFound(id.clone()));
    }
    let row =
        sqlx::query("SELECT status, audit_head_seq, audit_head_hash FROM incidents WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&mut **tx)
            .await
            .context(|| format!("reading incident {id}"))?;
    let status: String = get(&row, "status")?;
    let status = status
        .parse()
        .map_err(|_| corrupt("incidents", format!("{id} has status {status:?}")))?;
    let head = Head {
        seq: get(&row, "audit_head_seq")?,
        hash: get(&row, "audit_head_hash")?,
    };
    Ok((status, head))
}

/// Appends one audit entry after `head` and moves the incident's head.
/// Private so that nothing but [`finish`] can append.
async fn append_audit(
    tx: &mut Tx,
    id: &IncidentId,
    head: &Head,
    actor: &str,
    entry: &Entry,
) -> Result<()> {
    let seq = head.seq + 1;
    let canonical = canonical_entry(&EntryFields {
        incident: id.as_str(),
        seq,
        at: &entry.at,
        actor,
        action: entry.action,
        before: &entry.before,
        after: &entry.after,
    });
    let hash = chain_hash(&head.hash, &canonical);
    sqlx::query(
        "INSERT INTO audit_log (incident_id, seq, at, actor, action, before_state, \
         after_state, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.as_str())
    .bind(seq)
    .bind(entry.at.as_str())
    .bind(actor)
    .bind(entry.action)
    .bind(canonical_json(&entry.before))
    .bind(canonical_json(&entry.after))
    .bind(head.hash.as_str())
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
    .bind(entry.at.as_str())
    .bind(id.as_str())
    .execute(&mut **tx)
    .await
    .context(|| format!("moving the audit head of {id}"))?;
    Ok(())
}

/// Retries a whole transaction while it fails on lock contention.
pub(crate) async fn retry<T, F, Fut>(mut op: F) -> Result<T>
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

/// Frames a failed write for the user: which operation, and that nothing
/// of it was kept (a transaction that fails before commit rolls back
/// whole, also when the server dies: PostgreSQL aborts it, SQLite's
/// journal undoes it).
pub(crate) fn rolled_back(what: &str) -> impl FnOnce(StoreError) -> StoreError + '_ {
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

/// Every audit entry names who made the change.
pub(crate) fn check_actor(actor: &str) -> Result<()> {
    if actor.trim().is_empty() {
        return Err(StoreError::Invalid(
            "every change needs an actor for the audit log".into(),
        ));
    }
    Ok(())
}
