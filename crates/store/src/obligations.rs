//! The notification obligations the law crate computed for an incident,
//! stored as opaque canonical JSON with the rule-set version that produced
//! them. The store does not interpret them; it keeps them, their digest
//! and their audit trail.

use serde_json::{json, Value};

use crate::audit::{self, canonical_json};
use crate::error::{Context, Result, StoreError};
use crate::model::{IncidentId, StoredObligations};
use crate::rows::{ensure_exists, get, now_ts, parse_json};
use crate::tx::{audited, check_actor, retry, rolled_back, Change, Entry, Tx};
use crate::Store;

impl Store {
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
        let what = what.as_str();
        let text = canonical_json(body);
        let digest = audit::sha256_hex(text.as_bytes());
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            let prior = sqlx::query(
                "SELECT rule_set_version, body_sha256 FROM obligations WHERE incident_id = $1",
            )
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .context(|| what.to_string())?;
            let before = match &prior {
                Some(row) => {
                    let v: String = get(row, "rule_set_version")?;
                    let d: String = get(row, "body_sha256")?;
                    if v == version && d == digest {
                        return Ok((tx, Change::Rollback(false)));
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
            .context(|| what.to_string())?;
            let entry = Entry {
                at,
                action: "obligations.put",
                before,
                after: json!({ "rule_set_version": version, "body_sha256": digest }),
            };
            Ok((tx, Change::Audit(true, entry)))
        })
        .await
    }

    /// The stored obligations, if any.
    pub async fn obligations(&self, id: &IncidentId) -> Result<Option<StoredObligations>> {
        let mut tx = self.begin_read("reading obligations").await?;
        ensure_exists(&mut tx, id).await?;
        read_obligations(&mut tx, id).await
    }
}

pub(crate) async fn read_obligations(
    tx: &mut Tx,
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
