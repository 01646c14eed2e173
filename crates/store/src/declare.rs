//! What investigators declare about an incident that no scan can find:
//! its cause. Each change is one audited write, so the log shows who said
//! what and when, and `verify` can replay it against the rows.

use serde_json::json;

use crate::error::{Context, Result, StoreError};
use crate::model::{Cause, Declarations, IncidentId};
use crate::rows::{ensure_exists, get, now_ts, parse_enum};
use crate::tx::{audited, check_actor, retry, rolled_back, Change, Entry, Tx};
use crate::Store;

/// Longest reason kept; a reason is a sentence for the log, not a report.
const MAX_REASON: usize = 2000;

impl Store {
    /// Records why the breach happened. `reason` (may be empty) goes into
    /// the audit entry. Returns false, writing nothing, when the incident
    /// already has this cause.
    pub async fn set_cause(
        &self,
        id: &IncidentId,
        cause: Cause,
        reason: &str,
        actor: &str,
    ) -> Result<bool> {
        check_actor(actor)?;
        let reason = check_reason(reason, false)?;
        retry(|| self.try_set_cause(id, cause, &reason, actor))
            .await
            .map_err(rolled_back(&format!(
                "setting the cause of {id} to {cause}"
            )))
    }

    async fn try_set_cause(
        &self,
        id: &IncidentId,
        cause: Cause,
        reason: &str,
        actor: &str,
    ) -> Result<bool> {
        let what = format!("setting the cause of {id} to {cause}");
        let what = what.as_str();
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            let before = read_cause(&mut tx, id).await?;
            if before == cause {
                return Ok((tx, Change::Rollback(false)));
            }
            let at = now_ts()?;
            sqlx::query("UPDATE incidents SET cause = $1 WHERE id = $2")
                .bind(cause.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .context(|| what.to_string())?;
            let mut after = json!({ "cause": cause.as_str() });
            if !reason.is_empty() {
                if let Some(obj) = after.as_object_mut() {
                    obj.insert("reason".into(), json!(reason));
                }
            }
            let entry = Entry {
                at,
                action: "incident.cause",
                before: json!({ "cause": before.as_str() }),
                after,
            };
            Ok((tx, Change::Audit(true, entry)))
        })
        .await
    }

    /// Everything declared about the incident.
    pub async fn declarations(&self, id: &IncidentId) -> Result<Declarations> {
        let mut tx = self
            .begin_read(&format!("reading declarations of {id}"))
            .await?;
        ensure_exists(&mut tx, id).await?;
        read_declarations(&mut tx, id).await
    }
}

pub(crate) async fn read_declarations(tx: &mut Tx, id: &IncidentId) -> Result<Declarations> {
    Ok(Declarations {
        cause: read_cause(tx, id).await?,
    })
}

async fn read_cause(tx: &mut Tx, id: &IncidentId) -> Result<Cause> {
    let row = sqlx::query("SELECT cause FROM incidents WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .context(|| format!("reading the cause of {id}"))?
        .ok_or_else(|| StoreError::NotFound(id.clone()))?;
    parse_enum(get::<String>(&row, "cause")?)
}

/// Trims a reason and bounds it; `required` reasons may not be empty,
/// because a declaration nobody can explain later is worthless evidence.
pub(crate) fn check_reason(reason: &str, required: bool) -> Result<String> {
    let reason = reason.trim();
    if required && reason.is_empty() {
        return Err(StoreError::Invalid(
            "a declaration needs a reason (what the investigator knows and how)".into(),
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(StoreError::Invalid(format!(
            "the reason is longer than {MAX_REASON} characters; summarise it and keep the \
             details in the case file"
        )));
    }
    Ok(reason.to_string())
}
