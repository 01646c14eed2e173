//! The incident lifecycle: opening (which allocates the human-readable
//! id), the one-step status moves open → triaged → contained → notifying
//! → closed, and reading incidents back with their counts.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::audit::GENESIS;
use crate::error::{Context, Result, StoreError};
use crate::model::{
    Cause, Incident, IncidentId, IncidentSummary, NewIncident, SourceOfBreach, Status,
};
use crate::rows::{count, format_ts, get, now_ts, parse_enum};
use crate::tx::{audited, check_actor, finish, retry, rolled_back, Change, Entry, Head, Tx};
use crate::Store;

impl Store {
    /// Opens a new incident in status `open` and returns its id
    /// (`INC-<year>-<nnnn>`). Writes audit entry 1 (`incident.open`).
    pub async fn open_incident(&self, new: &NewIncident, actor: &str) -> Result<IncidentId> {
        self.open_incident_with_cause(new, Cause::Unknown, actor)
            .await
    }

    /// [`Store::open_incident`] with the cause already known; it is part of
    /// audit entry 1, so the log shows it was known from the start.
    pub async fn open_incident_with_cause(
        &self,
        new: &NewIncident,
        cause: Cause,
        actor: &str,
    ) -> Result<IncidentId> {
        self.open_incident_with(new, cause, SourceOfBreach::Unknown, actor)
            .await
    }

    /// [`Store::open_incident`] with the cause and the source of the
    /// breach already known; both are part of audit entry 1.
    pub async fn open_incident_with(
        &self,
        new: &NewIncident,
        cause: Cause,
        source: SourceOfBreach,
        actor: &str,
    ) -> Result<IncidentId> {
        if new.title.trim().is_empty() {
            return Err(StoreError::Invalid("an incident needs a title".into()));
        }
        check_actor(actor)?;
        let discovered_at = format_ts(new.discovered_at)?;
        retry(|| self.try_open_incident(new, (cause, source), &discovered_at, actor))
            .await
            .map_err(rolled_back("opening an incident"))
    }

    /// Cannot go through [`audited`]: there is no incident row to lock
    /// until this inserts it, so it ends with `audited`'s second half,
    /// [`finish`], from the genesis head.
    async fn try_open_incident(
        &self,
        new: &NewIncident,
        (cause, source): (Cause, SourceOfBreach),
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
             severity, opened_at, updated_at, audit_head_seq, audit_head_hash, cause, \
             source_of_breach) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12)",
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
        .bind(cause.as_str())
        .bind(source.as_str())
        .execute(&mut *tx)
        .await
        .context(|| format!("{what}: inserting {id}"))?;
        let mut after = json!({
            "title": new.title,
            "description": new.description,
            "discovered_at": discovered_at,
            "detected_by": new.detected_by,
            "status": Status::Open.as_str(),
            "severity": new.severity.as_str(),
        });
        // Only a known cause is written: an entry without the key means
        // "unknown", as in logs from before causes were recorded, so an
        // incident opened without one hashes exactly as it always did.
        if cause != Cause::Unknown {
            if let Some(obj) = after.as_object_mut() {
                obj.insert("cause".into(), json!(cause.as_str()));
            }
        }
        if source != SourceOfBreach::Unknown {
            if let Some(obj) = after.as_object_mut() {
                obj.insert("source_of_breach".into(), json!(source.as_str()));
            }
        }
        let entry = Entry {
            at,
            action: "incident.open",
            before: Value::Null,
            after,
        };
        let change = Change::Audit(id.clone(), entry);
        finish(tx, what, &id, &Head::genesis(), actor, change).await
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
        let what = what.as_str();
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, from| async move {
            if !from.can_move_to(to) {
                return Err(StoreError::IllegalTransition {
                    id: id.clone(),
                    from,
                    to,
                });
            }
            let at = now_ts()?;
            sqlx::query("UPDATE incidents SET status = $1 WHERE id = $2")
                .bind(to.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .context(|| what.to_string())?;
            let entry = Entry {
                at,
                action: "incident.status",
                before: json!({ "status": from.as_str() }),
                after: json!({ "status": to.as_str() }),
            };
            Ok((tx, Change::Audit((), entry)))
        })
        .await
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
}

pub(crate) async fn read_incident(tx: &mut Tx, id: &IncidentId) -> Result<Incident> {
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
