//! The audit chain of changes that belong to no incident: users and API
//! tokens created, revoked or disabled, background jobs started and
//! cancelled. Hashed exactly as an incident's chain is ([`crate::audit`]),
//! with the incident name `"system"`, so one verifier rule covers both.
//! Appends happen inside the transaction of the change they describe.

use serde_json::Value;

use crate::audit::{canonical_entry, canonical_json, chain_hash, EntryFields, GENESIS};
use crate::error::{Context, Result};
use crate::model::{AuditEntry, BrokenEntry};
use crate::rows::{get, now_ts, parse_json};
use crate::tx::Tx;
use crate::{Backend, Store};

/// The incident name system entries are hashed under.
pub const SYSTEM_CHAIN: &str = "system";

/// Outcome of recomputing the system chain.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SystemVerifyReport {
    pub entries_checked: u64,
    pub head_hash: Option<String>,
    pub first_broken: Option<BrokenEntry>,
}

impl SystemVerifyReport {
    pub fn ok(&self) -> bool {
        self.first_broken.is_none()
    }
}

/// Appends one entry to the system chain in `tx`. On PostgreSQL the table
/// is locked first, because two writers could otherwise both read the same
/// head and one would fail on the primary key; SQLite's `BEGIN IMMEDIATE`
/// already serialises writers.
pub(crate) async fn append(
    tx: &mut Tx,
    backend: Backend,
    actor: &str,
    action: &str,
    before: &Value,
    after: &Value,
) -> Result<()> {
    crate::tx::check_actor(actor)?;
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE system_audit IN EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await
            .context(|| "locking the system audit log".to_string())?;
    }
    let head = sqlx::query("SELECT seq, hash FROM system_audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await
        .context(|| "reading the system audit head".to_string())?;
    let (seq, prev) = match head {
        Some(r) => (get::<i64>(&r, "seq")? + 1, get::<String>(&r, "hash")?),
        None => (1, GENESIS.to_string()),
    };
    let at = now_ts()?;
    let canonical = canonical_entry(&EntryFields {
        incident: SYSTEM_CHAIN,
        seq,
        at: &at,
        actor,
        action,
        before,
        after,
    });
    let hash = chain_hash(&prev, &canonical);
    sqlx::query(
        "INSERT INTO system_audit (seq, at, actor, action, before_state, after_state, \
         prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at.as_str())
    .bind(actor)
    .bind(action)
    .bind(canonical_json(before))
    .bind(canonical_json(after))
    .bind(prev.as_str())
    .bind(hash.as_str())
    .execute(&mut **tx)
    .await
    .context(|| format!("appending system audit entry {seq}"))?;
    Ok(())
}

impl Store {
    /// The system audit log, in sequence order, from `after_seq` on, at
    /// most `limit` entries.
    pub async fn system_audit_log(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut tx = self.begin_read("reading the system audit log").await?;
        read(&mut tx, after_seq, limit).await
    }

    /// Recomputes the whole system chain.
    pub async fn verify_system_audit(&self) -> Result<SystemVerifyReport> {
        let mut tx = self.begin_read("verifying the system audit log").await?;
        let entries = read(&mut tx, 0, i64::MAX).await?;
        let mut prev = GENESIS.to_string();
        let mut checked = 0u64;
        for (i, e) in entries.iter().enumerate() {
            let expected_seq = i as i64 + 1;
            let problem = if e.seq != expected_seq {
                Some(format!("sequence gap: expected {expected_seq}"))
            } else if e.prev_hash != prev {
                Some("prev_hash does not match the previous entry".to_string())
            } else {
                let canonical = canonical_entry(&EntryFields {
                    incident: SYSTEM_CHAIN,
                    seq: e.seq,
                    at: &e.at,
                    actor: &e.actor,
                    action: &e.action,
                    before: &e.before,
                    after: &e.after,
                });
                (chain_hash(&prev, &canonical) != e.hash)
                    .then(|| "hash does not match the entry's content".to_string())
            };
            if let Some(problem) = problem {
                return Ok(SystemVerifyReport {
                    entries_checked: checked,
                    head_hash: None,
                    first_broken: Some(BrokenEntry {
                        seq: e.seq,
                        problem,
                    }),
                });
            }
            prev = e.hash.clone();
            checked += 1;
        }
        Ok(SystemVerifyReport {
            entries_checked: checked,
            head_hash: (checked > 0).then_some(prev),
            first_broken: None,
        })
    }
}

async fn read(tx: &mut Tx, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, before_state, after_state, prev_hash, hash \
         FROM system_audit WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after_seq)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await
    .context(|| "reading the system audit log".to_string())?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                seq: get(r, "seq")?,
                at: get(r, "at")?,
                actor: get(r, "actor")?,
                action: get(r, "action")?,
                before: parse_json("system_audit", &get::<String>(r, "before_state")?)?,
                after: parse_json("system_audit", &get::<String>(r, "after_state")?)?,
                prev_hash: get(r, "prev_hash")?,
                hash: get(r, "hash")?,
            })
        })
        .collect()
}
