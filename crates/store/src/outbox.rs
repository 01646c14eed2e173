//! The notification outbox: one row per (incident, customer, channel).
//!
//! Status moves `planned → sending → sent | failed`, and `sending →
//! planned` for a retry. A notice is claimed (`sending`) before it is handed
//! to SMTP and marked `sent` only after the server accepted it, so a crash
//! leaves at most the notices in flight as `sending`: a later run sends
//! those again. That is the only way a notice can go out twice, and it is
//! bounded by how many are in flight at once.
//!
//! Rows carry no contact data; see the migration for the columns.

use serde::Serialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;

use crate::audit::canonical_json;
use crate::error::{Context, Result, StoreError};
use crate::model::IncidentId;
use crate::rows::{corrupt, ensure_exists, get, now_ts, parse_json, values_placeholders};
use crate::tx::{audited, check_actor, commit, retry, rolled_back, Change, Entry};
use crate::Store;

/// Rows per multi-row INSERT (15 parameters each).
const PLAN_CHUNK: usize = 100;

/// A notice to add to the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotice {
    pub customer_id: String,
    pub channel: String,
    /// Every jurisdiction whose law covers the customer, most specific last.
    pub jurisdictions: Vec<String>,
    pub language: String,
    /// Names of the fields exposed for this customer.
    pub fields: Vec<String>,
    /// Some jurisdiction requires notice to this customer.
    pub required: bool,
    /// The earliest legal deadline for it, RFC 3339, if any.
    pub deadline: Option<String>,
    pub message_id: String,
}

/// What a plan run changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PlanOutcome {
    pub added: u64,
    pub existing: u64,
}

/// A notice claimed for sending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimedNotice {
    pub customer_id: String,
    pub jurisdictions: Vec<String>,
    pub jurisdiction: String,
    pub language: String,
    pub fields: Vec<String>,
    pub message_id: String,
    /// Including this one.
    pub attempts: i64,
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum NoticeResult {
    /// The server accepted the message.
    Sent {
        customer_id: String,
        reply: String,
        template: String,
        content_sha256: String,
    },
    /// A temporary failure: back to `planned`, to be tried at `next_attempt_at`.
    Retry {
        customer_id: String,
        reason: String,
        next_attempt_at: Option<String>,
    },
    /// A permanent failure.
    Failed { customer_id: String, reason: String },
}

impl NoticeResult {
    fn customer_id(&self) -> &str {
        match self {
            NoticeResult::Sent { customer_id, .. }
            | NoticeResult::Retry { customer_id, .. }
            | NoticeResult::Failed { customer_id, .. } => customer_id,
        }
    }
}

/// One row of the outbox, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeRecord {
    pub customer_id: String,
    pub channel: String,
    pub seq: i64,
    pub jurisdictions: Vec<String>,
    pub jurisdiction: String,
    pub language: String,
    pub fields: Vec<String>,
    pub required: bool,
    pub deadline: Option<String>,
    pub message_id: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub planned_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
    pub smtp_reply: Option<String>,
    pub failure: Option<String>,
    pub template: Option<String>,
    pub content_sha256: Option<String>,
}

/// Notices of one jurisdiction and status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeCount {
    pub jurisdiction: String,
    pub status: String,
    pub required: bool,
    pub count: u64,
    pub earliest_deadline: Option<String>,
}

const STATUSES: [&str; 4] = ["planned", "sending", "sent", "failed"];

impl Store {
    /// Adds the notices not yet in the outbox; existing ones (same incident,
    /// customer and channel) are left exactly as they are, whatever their
    /// status. Appends one `notify.plan` audit entry when anything was added.
    pub async fn plan_notices(
        &self,
        id: &IncidentId,
        notices: &[NewNotice],
        actor: &str,
    ) -> Result<PlanOutcome> {
        check_actor(actor)?;
        for n in notices {
            if n.customer_id.trim().is_empty() || n.message_id.trim().is_empty() {
                return Err(StoreError::Invalid(
                    "a notice needs a customer id and a Message-ID".into(),
                ));
            }
            if n.jurisdictions.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "notice for customer {} has no jurisdiction",
                    n.customer_id
                )));
            }
        }
        retry(|| self.try_plan(id, notices, actor))
            .await
            .map_err(rolled_back(&format!("planning notices of {id}")))
    }

    async fn try_plan(
        &self,
        id: &IncidentId,
        notices: &[NewNotice],
        actor: &str,
    ) -> Result<PlanOutcome> {
        let what = format!("planning notices of {id}");
        let what = what.as_str();
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            let row = sqlx::query(
                "SELECT COALESCE(MAX(seq), 0) AS last, COUNT(*) AS n FROM notices WHERE incident_id = $1",
            )
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await
            .context(|| what.to_string())?;
            let mut seq: i64 = get(&row, "last")?;
            let before: i64 = get(&row, "n")?;
            let at = now_ts()?;
            let mut added = 0u64;
            for chunk in notices.chunks(PLAN_CHUNK) {
                let mut sql = String::from(
                    "INSERT INTO notices (incident_id, customer_id, channel, seq, jurisdictions, \
                     jurisdiction, language, fields, required, deadline, message_id, status, \
                     attempts, planned_at, updated_at) VALUES ",
                );
                sql.push_str(&values_placeholders(chunk.len(), 15));
                sql.push_str(" ON CONFLICT (incident_id, customer_id, channel) DO NOTHING");
                let mut q = sqlx::query(&sql);
                for n in chunk {
                    seq += 1;
                    let primary = n.jurisdictions.last().cloned().unwrap_or_default();
                    q = q
                        .bind(id.as_str())
                        .bind(n.customer_id.clone())
                        .bind(n.channel.clone())
                        .bind(seq)
                        .bind(canonical_json(&json!(n.jurisdictions)))
                        .bind(primary)
                        .bind(n.language.clone())
                        .bind(canonical_json(&json!(n.fields)))
                        .bind(i64::from(n.required))
                        .bind(n.deadline.clone())
                        .bind(n.message_id.clone())
                        .bind("planned")
                        .bind(0i64)
                        .bind(at.clone())
                        .bind(at.clone());
                }
                let done = q.execute(&mut *tx).await.context(|| what.to_string())?;
                added += done.rows_affected();
            }
            let outcome = PlanOutcome {
                added,
                existing: notices.len() as u64 - added,
            };
            if added == 0 {
                return Ok((tx, Change::Commit(outcome)));
            }
            let entry = Entry {
                at,
                action: "notify.plan",
                before: json!({ "notices": before }),
                after: json!({ "notices": before + added as i64, "added": added }),
            };
            Ok((tx, Change::Audit(outcome, entry)))
        })
        .await
    }

    /// Customer ids of the notices still to send on `channel` (`planned`
    /// or left `sending` by an interrupted run), in pages of `page` ids
    /// after `after` (exclusive), ordered by customer id.
    pub async fn pending_notices(
        &self,
        id: &IncidentId,
        channel: &str,
        after: &str,
        page: u32,
    ) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT customer_id FROM notices WHERE incident_id = $1 AND channel = $2 \
             AND status IN ('planned', 'sending') AND customer_id > $3 \
             ORDER BY customer_id LIMIT $4",
        )
        .bind(id.as_str())
        .bind(channel)
        .bind(after)
        .bind(i64::from(page))
        .fetch_all(&self.pool)
        .await
        .context(|| format!("reading pending notices of {id}"))?;
        rows.iter().map(|r| get(r, "customer_id")).collect()
    }

    /// Claims the given notices for a delivery attempt: each still
    /// `planned` or `sending` becomes `sending` with one more attempt.
    /// Returns the claimed ones (already sent or failed ones are skipped).
    pub async fn claim_notices(
        &self,
        id: &IncidentId,
        channel: &str,
        customer_ids: &[String],
    ) -> Result<Vec<ClaimedNotice>> {
        retry(|| self.try_claim(id, channel, customer_ids))
            .await
            .map_err(rolled_back(&format!("claiming notices of {id}")))
    }

    // Not through `audited`, like `try_record`: per-notice delivery state
    // is not incident state. A send run is audited once, by
    // `record_send_run`; and without the incident lock, on PostgreSQL
    // claiming the next batch does not queue behind recording the last.
    async fn try_claim(
        &self,
        id: &IncidentId,
        channel: &str,
        customer_ids: &[String],
    ) -> Result<Vec<ClaimedNotice>> {
        let what = format!("claiming notices of {id}");
        let at = now_ts()?;
        let mut tx = self.begin_write(&what).await?;
        let mut out = Vec::with_capacity(customer_ids.len());
        for c in customer_ids {
            let row = sqlx::query(
                "UPDATE notices SET status = 'sending', attempts = attempts + 1, updated_at = $1 \
                 WHERE incident_id = $2 AND channel = $3 AND customer_id = $4 \
                 AND status IN ('planned', 'sending') \
                 RETURNING customer_id, jurisdictions, jurisdiction, language, fields, message_id, \
                 attempts",
            )
            .bind(at.as_str())
            .bind(id.as_str())
            .bind(channel)
            .bind(c.as_str())
            .fetch_optional(&mut *tx)
            .await
            .context(|| what.clone())?;
            if let Some(row) = row {
                out.push(ClaimedNotice {
                    customer_id: get(&row, "customer_id")?,
                    jurisdictions: parse_json("notices", &get::<String>(&row, "jurisdictions")?)?,
                    jurisdiction: get(&row, "jurisdiction")?,
                    language: get(&row, "language")?,
                    fields: parse_json("notices", &get::<String>(&row, "fields")?)?,
                    message_id: get(&row, "message_id")?,
                    attempts: get(&row, "attempts")?,
                });
            }
        }
        commit(tx, &what).await?;
        Ok(out)
    }

    /// Records delivery outcomes in one transaction. Only notices in
    /// `sending` change: a result for a notice another run already
    /// finished is ignored. Returns how many rows changed.
    pub async fn record_notice_results(
        &self,
        id: &IncidentId,
        channel: &str,
        results: &[NoticeResult],
    ) -> Result<u64> {
        retry(|| self.try_record(id, channel, results))
            .await
            .map_err(rolled_back(&format!("recording notice results of {id}")))
    }

    async fn try_record(
        &self,
        id: &IncidentId,
        channel: &str,
        results: &[NoticeResult],
    ) -> Result<u64> {
        let what = format!("recording notice results of {id}");
        let at = now_ts()?;
        let mut tx = self.begin_write(&what).await?;
        let mut changed = 0;
        for r in results {
            let q = match r {
                NoticeResult::Sent {
                    reply,
                    template,
                    content_sha256,
                    ..
                } => sqlx::query(
                    "UPDATE notices SET status = 'sent', sent_at = $1, updated_at = $1, \
                     smtp_reply = $2, template = $3, content_sha256 = $4, failure = NULL, \
                     next_attempt_at = NULL \
                     WHERE incident_id = $5 AND channel = $6 AND customer_id = $7 \
                     AND status = 'sending'",
                )
                .bind(at.clone())
                .bind(reply.clone())
                .bind(template.clone())
                .bind(content_sha256.clone()),
                NoticeResult::Retry {
                    reason,
                    next_attempt_at,
                    ..
                } => sqlx::query(
                    "UPDATE notices SET status = 'planned', updated_at = $1, failure = $2, \
                     next_attempt_at = $3 \
                     WHERE incident_id = $4 AND channel = $5 AND customer_id = $6 \
                     AND status = 'sending'",
                )
                .bind(at.clone())
                .bind(reason.clone())
                .bind(next_attempt_at.clone()),
                NoticeResult::Failed { reason, .. } => sqlx::query(
                    "UPDATE notices SET status = 'failed', updated_at = $1, failure = $2, \
                     next_attempt_at = NULL \
                     WHERE incident_id = $3 AND channel = $4 AND customer_id = $5 \
                     AND status = 'sending'",
                )
                .bind(at.clone())
                .bind(reason.clone()),
            };
            let done = q
                .bind(id.as_str())
                .bind(channel)
                .bind(r.customer_id())
                .execute(&mut *tx)
                .await
                .context(|| what.clone())?;
            changed += done.rows_affected();
        }
        commit(tx, &what).await?;
        Ok(changed)
    }

    /// Puts failed notices back to `planned` for another run; returns how many.
    pub async fn requeue_failed_notices(&self, id: &IncidentId, actor: &str) -> Result<u64> {
        check_actor(actor)?;
        retry(|| async {
            let what = format!("re-queueing failed notices of {id}");
            let what = what.as_str();
            let tx = self.begin_write(what).await?;
            audited(tx, what, id, actor, |mut tx, _| async move {
                let at = now_ts()?;
                let done = sqlx::query(
                    "UPDATE notices SET status = 'planned', updated_at = $1, next_attempt_at = NULL \
                     WHERE incident_id = $2 AND status = 'failed'",
                )
                .bind(at.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .context(|| what.to_string())?;
                let n = done.rows_affected();
                if n == 0 {
                    return Ok((tx, Change::Commit(n)));
                }
                let entry = Entry {
                    at,
                    action: "notify.requeue_failed",
                    before: json!({ "failed": n }),
                    after: json!({ "planned": n }),
                };
                Ok((tx, Change::Audit(n, entry)))
            })
            .await
        })
        .await
    }

    /// Appends a `notify.send` audit entry summarising one delivery run.
    pub async fn record_send_run(
        &self,
        id: &IncidentId,
        summary: &serde_json::Value,
        actor: &str,
    ) -> Result<()> {
        check_actor(actor)?;
        retry(|| async {
            let what = format!("recording a send run of {id}");
            let what = what.as_str();
            let tx = self.begin_write(what).await?;
            audited(tx, what, id, actor, |tx, _| async move {
                let entry = Entry {
                    at: now_ts()?,
                    action: "notify.send",
                    before: Value::Null,
                    after: summary.clone(),
                };
                Ok((tx, Change::Audit((), entry)))
            })
            .await
        })
        .await
    }

    /// Counts by jurisdiction, status and legal requirement.
    pub async fn notice_counts(&self, id: &IncidentId) -> Result<Vec<NoticeCount>> {
        let mut tx = self.begin_read("counting notices").await?;
        ensure_exists(&mut tx, id).await?;
        let rows = sqlx::query(
            "SELECT jurisdiction, status, required, COUNT(*) AS n, MIN(deadline) AS deadline \
             FROM notices WHERE incident_id = $1 GROUP BY jurisdiction, status, required \
             ORDER BY jurisdiction, status, required",
        )
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await
        .context(|| format!("counting notices of {id}"))?;
        rows.iter()
            .map(|r| {
                let status: String = get(r, "status")?;
                if !STATUSES.contains(&status.as_str()) {
                    return Err(corrupt("notices", format!("unknown status {status:?}")));
                }
                Ok(NoticeCount {
                    jurisdiction: get(r, "jurisdiction")?,
                    status,
                    required: get::<i64>(r, "required")? != 0,
                    count: u64::try_from(get::<i64>(r, "n")?).unwrap_or_default(),
                    earliest_deadline: get(r, "deadline")?,
                })
            })
            .collect()
    }

    /// The notices of one customer (one per channel).
    pub async fn notices_of(
        &self,
        id: &IncidentId,
        customer_id: &str,
    ) -> Result<Vec<NoticeRecord>> {
        let mut tx = self.begin_read("reading notices").await?;
        ensure_exists(&mut tx, id).await?;
        let rows = sqlx::query(
            "SELECT * FROM notices WHERE incident_id = $1 AND customer_id = $2 ORDER BY channel",
        )
        .bind(id.as_str())
        .bind(customer_id)
        .fetch_all(&mut *tx)
        .await
        .context(|| format!("reading notices of {id}"))?;
        rows.iter().map(notice_record).collect()
    }

    /// Notices in plan order, `limit` from `after_seq` (exclusive).
    pub async fn notices(
        &self,
        id: &IncidentId,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<NoticeRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM notices WHERE incident_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(id.as_str())
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .context(|| format!("reading notices of {id}"))?;
        rows.iter().map(notice_record).collect()
    }
}

fn notice_record(r: &AnyRow) -> Result<NoticeRecord> {
    Ok(NoticeRecord {
        customer_id: get(r, "customer_id")?,
        channel: get(r, "channel")?,
        seq: get(r, "seq")?,
        jurisdictions: parse_json("notices", &get::<String>(r, "jurisdictions")?)?,
        jurisdiction: get(r, "jurisdiction")?,
        language: get(r, "language")?,
        fields: parse_json("notices", &get::<String>(r, "fields")?)?,
        required: get::<i64>(r, "required")? != 0,
        deadline: get(r, "deadline")?,
        message_id: get(r, "message_id")?,
        status: get(r, "status")?,
        attempts: get(r, "attempts")?,
        next_attempt_at: get(r, "next_attempt_at")?,
        planned_at: get(r, "planned_at")?,
        updated_at: get(r, "updated_at")?,
        sent_at: get(r, "sent_at")?,
        smtp_reply: get(r, "smtp_reply")?,
        failure: get(r, "failure")?,
        template: get(r, "template")?,
        content_sha256: get(r, "content_sha256")?,
    })
}
