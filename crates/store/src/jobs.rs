//! Background jobs of the server (scan, scope, send) and the redacted
//! findings of scan jobs. A job's state lives here so that it outlives a
//! page reload and a restart: at start-up the server calls
//! [`Store::interrupt_jobs`], which marks what was running as
//! `interrupted` (to be re-run), never silently as done. Starting and
//! cancelling a job are recorded in the system audit chain; progress
//! updates are counters and are not.

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{Context, Result, StoreError};
use crate::rows::{get, now_ts, parse_json, values_placeholders};
use crate::system_audit::append;
use crate::tx::{commit, retry, rolled_back};
use crate::Store;

/// Rows per multi-row INSERT of findings (10 parameters each).
const FINDINGS_CHUNK: usize = 200;

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRecord {
    pub id: String,
    /// `scan`, `scope` or `send`.
    pub kind: String,
    /// `queued`, `running`, `succeeded`, `failed`, `cancelled` or `interrupted`.
    pub state: String,
    pub incident_id: Option<String>,
    pub params: Value,
    pub progress: Value,
    pub error: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub updated_at: String,
}

impl JobRecord {
    pub fn finished(&self) -> bool {
        matches!(
            self.state.as_str(),
            "succeeded" | "failed" | "cancelled" | "interrupted"
        )
    }
}

/// One redacted finding of a scan job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanFinding {
    pub seq: i64,
    pub path: String,
    pub start: i64,
    pub end: i64,
    pub line: i64,
    pub column: i64,
    pub kind: String,
    pub score: f64,
    /// Already redacted by the caller (bw-report's redaction).
    pub excerpt: String,
}

const JOB_COLUMNS: &str = "id, kind, state, incident_id, params, progress, error, created_at, \
                           created_by, started_at, finished_at, updated_at";

fn job_row(r: &sqlx::any::AnyRow) -> Result<JobRecord> {
    Ok(JobRecord {
        id: get(r, "id")?,
        kind: get(r, "kind")?,
        state: get(r, "state")?,
        incident_id: get(r, "incident_id")?,
        params: parse_json("jobs", &get::<String>(r, "params")?)?,
        progress: parse_json("jobs", &get::<String>(r, "progress")?)?,
        error: get(r, "error")?,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
        started_at: get(r, "started_at")?,
        finished_at: get(r, "finished_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

impl Store {
    /// Records a queued job (audited as `job.create`).
    pub async fn create_job(
        &self,
        id: &str,
        kind: &str,
        incident_id: Option<&str>,
        params: &Value,
        actor: &str,
    ) -> Result<()> {
        if !matches!(kind, "scan" | "scope" | "send") {
            return Err(StoreError::Invalid(format!("unknown job kind {kind:?}")));
        }
        let what = format!("creating job {id}");
        retry(|| async {
            let mut tx = self.begin_write(&what).await?;
            let now = now_ts()?;
            sqlx::query(
                "INSERT INTO jobs (id, kind, state, incident_id, params, progress, created_at, \
                 created_by, updated_at) VALUES ($1, $2, 'queued', $3, $4, '{}', $5, $6, $5)",
            )
            .bind(id)
            .bind(kind)
            .bind(incident_id)
            .bind(params.to_string())
            .bind(now.as_str())
            .bind(actor)
            .execute(&mut *tx)
            .await
            .context(|| what.clone())?;
            let after = json!({"job": id, "kind": kind, "incident": incident_id, "params": params});
            append(
                &mut tx,
                self.backend,
                actor,
                "job.create",
                &json!(null),
                &after,
            )
            .await?;
            commit(tx, &what).await
        })
        .await
        .map_err(rolled_back(&what))
    }

    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .context(|| format!("reading job {id}"))?;
        row.as_ref().map(job_row).transpose()
    }

    /// The newest jobs first.
    pub async fn jobs(&self, offset: i64, limit: i64) -> Result<Vec<JobRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at DESC, id LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .context(|| "listing jobs".to_string())?;
        rows.iter().map(job_row).collect()
    }

    /// Jobs per state, for metrics.
    pub async fn job_counts(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT kind, state, COUNT(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind, state",
        )
        .fetch_all(&self.pool)
        .await
        .context(|| "counting jobs".to_string())?;
        rows.iter()
            .map(|r| Ok((get(r, "kind")?, get(r, "state")?, get(r, "n")?)))
            .collect()
    }

    /// Moves a job to `running`; `false` if it was no longer queued (it
    /// was cancelled before it started).
    pub async fn start_job(&self, id: &str) -> Result<bool> {
        let now = now_ts()?;
        let done = sqlx::query(
            "UPDATE jobs SET state = 'running', started_at = $1, updated_at = $1 \
             WHERE id = $2 AND state = 'queued'",
        )
        .bind(now.as_str())
        .bind(id)
        .execute(&self.pool)
        .await
        .context(|| format!("starting job {id}"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a running job's progress counters.
    pub async fn job_progress(&self, id: &str, progress: &Value) -> Result<()> {
        let now = now_ts()?;
        sqlx::query(
            "UPDATE jobs SET progress = $1, updated_at = $2 WHERE id = $3 AND state = 'running'",
        )
        .bind(progress.to_string())
        .bind(now.as_str())
        .bind(id)
        .execute(&self.pool)
        .await
        .context(|| format!("recording progress of job {id}"))?;
        Ok(())
    }

    /// Ends a job that is still queued or running in `state`
    /// (`succeeded`, `failed` or `cancelled`) with its last progress.
    /// A job already ended keeps its end (a cancel wins over a late finish).
    pub async fn finish_job(
        &self,
        id: &str,
        state: &str,
        progress: &Value,
        error: Option<&str>,
    ) -> Result<bool> {
        if !matches!(state, "succeeded" | "failed" | "cancelled") {
            return Err(StoreError::Invalid(format!("{state:?} does not end a job")));
        }
        let now = now_ts()?;
        let done = sqlx::query(
            "UPDATE jobs SET state = $1, progress = $2, error = $3, finished_at = $4, \
             updated_at = $4 WHERE id = $5 AND state IN ('queued', 'running')",
        )
        .bind(state)
        .bind(progress.to_string())
        .bind(error)
        .bind(now.as_str())
        .bind(id)
        .execute(&self.pool)
        .await
        .context(|| format!("ending job {id}"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Cancels a queued or running job (audited as `job.cancel`); `false`
    /// if it had already ended.
    pub async fn cancel_job(&self, id: &str, actor: &str) -> Result<bool> {
        let what = format!("cancelling job {id}");
        retry(|| async {
            let mut tx = self.begin_write(&what).await?;
            let now = now_ts()?;
            let done = sqlx::query(
                "UPDATE jobs SET state = 'cancelled', finished_at = $1, updated_at = $1 \
                 WHERE id = $2 AND state IN ('queued', 'running')",
            )
            .bind(now.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await
            .context(|| what.clone())?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            let after = json!({"job": id, "state": "cancelled"});
            append(
                &mut tx,
                self.backend,
                actor,
                "job.cancel",
                &json!(null),
                &after,
            )
            .await?;
            commit(tx, &what).await?;
            Ok(true)
        })
        .await
        .map_err(rolled_back(&what))
    }

    /// At start-up: jobs left queued or running by a previous server are
    /// `interrupted`. Returns how many.
    pub async fn interrupt_jobs(&self) -> Result<u64> {
        let now = now_ts()?;
        let done = sqlx::query(
            "UPDATE jobs SET state = 'interrupted', finished_at = $1, updated_at = $1, \
             error = 'the server stopped while the job ran; re-run it' \
             WHERE state IN ('queued', 'running')",
        )
        .bind(now.as_str())
        .execute(&self.pool)
        .await
        .context(|| "marking interrupted jobs".to_string())?;
        Ok(done.rows_affected())
    }

    /// Appends redacted findings of a scan job.
    pub async fn add_scan_findings(&self, job_id: &str, findings: &[ScanFinding]) -> Result<()> {
        let what = format!("storing findings of job {job_id}");
        for chunk in findings.chunks(FINDINGS_CHUNK) {
            let sql = format!(
                "INSERT INTO scan_findings (job_id, seq, path, start_offset, end_offset, line, \
                 col, kind, score, excerpt) VALUES {}",
                values_placeholders(chunk.len(), 10)
            );
            let mut q = sqlx::query(&sql);
            for f in chunk {
                q = q
                    .bind(job_id)
                    .bind(f.seq)
                    .bind(f.path.as_str())
                    .bind(f.start)
                    .bind(f.end)
                    .bind(f.line)
                    .bind(f.column)
                    .bind(f.kind.as_str())
                    .bind(f.score)
                    .bind(f.excerpt.as_str());
            }
            q.execute(&self.pool).await.context(|| what.clone())?;
        }
        Ok(())
    }

    /// A page of a scan job's findings, in the order they were stored,
    /// optionally of one kind.
    pub async fn scan_findings(
        &self,
        job_id: &str,
        kind: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<ScanFinding>> {
        let rows = sqlx::query(
            "SELECT seq, path, start_offset, end_offset, line, col, kind, score, excerpt \
             FROM scan_findings WHERE job_id = $1 AND ($2 = '' OR kind = $2) \
             ORDER BY seq LIMIT $3 OFFSET $4",
        )
        .bind(job_id)
        .bind(kind.unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .context(|| format!("reading findings of job {job_id}"))?;
        rows.iter()
            .map(|r| {
                Ok(ScanFinding {
                    seq: get(r, "seq")?,
                    path: get(r, "path")?,
                    start: get(r, "start_offset")?,
                    end: get(r, "end_offset")?,
                    line: get(r, "line")?,
                    column: get(r, "col")?,
                    kind: get(r, "kind")?,
                    score: get(r, "score")?,
                    excerpt: get(r, "excerpt")?,
                })
            })
            .collect()
    }
}
