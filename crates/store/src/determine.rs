//! Harm determinations: a person's finding, per jurisdiction, on whether
//! the breach is likely to harm its residents. Several breach laws excuse
//! notice on such a finding (and some then want it sent to a regulator), so
//! it is recorded like any other change: audited, with who decided, and
//! replayed by `verify`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::declare::check_reason;
use crate::error::{Context, Result, StoreError};
use crate::model::{Determination, IncidentId, NewDetermination};
use crate::rows::{count, get, now_ts, parse_enum};
use crate::tx::{audited, check_actor, retry, rolled_back, Change, Entry, Tx};
use crate::Store;

impl Store {
    /// Records a harm finding for one jurisdiction (audit action
    /// `determination.add`) and returns its sequence number. A later
    /// finding for the same jurisdiction supersedes this one.
    pub async fn determine(
        &self,
        id: &IncidentId,
        d: &NewDetermination,
        actor: &str,
    ) -> Result<i64> {
        check_actor(actor)?;
        let code = jurisdiction_code(&d.jurisdiction)?;
        let reason = check_reason(&d.reason, true)?;
        let d = NewDetermination {
            jurisdiction: code,
            finding: d.finding,
            reason,
        };
        retry(|| self.try_determine(id, &d, actor))
            .await
            .map_err(rolled_back(&format!(
                "recording a harm determination for {} in {id}",
                d.jurisdiction
            )))
    }

    async fn try_determine(
        &self,
        id: &IncidentId,
        d: &NewDetermination,
        actor: &str,
    ) -> Result<i64> {
        let what = format!(
            "recording a harm determination for {} in {id}",
            d.jurisdiction
        );
        let what = what.as_str();
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            let at = now_ts()?;
            let before = count(&mut tx, "determinations", id).await?;
            let row = sqlx::query(
                "SELECT COALESCE(MAX(seq), 0) AS last FROM determinations WHERE incident_id = $1",
            )
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await
            .context(|| what.to_string())?;
            let seq: i64 = get::<i64>(&row, "last")? + 1;
            sqlx::query(
                "INSERT INTO determinations (incident_id, seq, jurisdiction, finding, reason, \
                 decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.as_str())
            .bind(seq)
            .bind(d.jurisdiction.as_str())
            .bind(d.finding.as_str())
            .bind(d.reason.as_str())
            .bind(at.as_str())
            .bind(actor)
            .execute(&mut *tx)
            .await
            .context(|| what.to_string())?;
            let entry = Entry {
                at,
                action: "determination.add",
                before: json!({ "determination_count": before }),
                after: json!({
                    "seq": seq,
                    "jurisdiction": d.jurisdiction,
                    "finding": d.finding.as_str(),
                    "reason": d.reason,
                    "determination_count": before + 1,
                }),
            };
            Ok((tx, Change::Audit(seq, entry)))
        })
        .await
    }
}

pub(crate) async fn read_determinations(
    tx: &mut Tx,
    id: &IncidentId,
) -> Result<Vec<Determination>> {
    let rows = sqlx::query(
        "SELECT seq, jurisdiction, finding, reason, decided_at, decided_by FROM determinations \
         WHERE incident_id = $1 ORDER BY seq",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(|| format!("reading harm determinations of {id}"))?;
    rows.iter()
        .map(|r| {
            Ok(Determination {
                seq: get(r, "seq")?,
                jurisdiction: get(r, "jurisdiction")?,
                finding: parse_enum(get::<String>(r, "finding")?)?,
                reason: get(r, "reason")?,
                decided_at: get(r, "decided_at")?,
                decided_by: get(r, "decided_by")?,
            })
        })
        .collect()
}

/// What a `determination.add` entry says was decided: (jurisdiction, finding).
pub(crate) fn logged_determination(after: &serde_json::Value) -> Option<(i64, (String, String))> {
    Some((
        after.get("seq")?.as_i64()?,
        (
            after.get("jurisdiction")?.as_str()?.to_string(),
            after.get("finding")?.as_str()?.to_string(),
        ),
    ))
}

/// Compares the stored determinations with what the audit log says.
pub(crate) async fn verify_determinations(
    tx: &mut Tx,
    id: &IncidentId,
    logged: &BTreeMap<i64, (String, String)>,
    mismatches: &mut Vec<String>,
) -> Result<()> {
    let stored = read_determinations(tx, id).await?;
    let mut seen = BTreeSet::new();
    for d in &stored {
        seen.insert(d.seq);
        match logged.get(&d.seq) {
            None => mismatches.push(format!(
                "harm determination {} ({}) is stored but no audit entry added it",
                d.seq, d.jurisdiction
            )),
            Some((j, f)) if *j != d.jurisdiction || f != d.finding.as_str() => {
                mismatches.push(format!(
                    "harm determination {} is stored as {} {} but the audit log says {j} {f}",
                    d.seq, d.jurisdiction, d.finding
                ))
            }
            Some(_) => {}
        }
    }
    for (seq, (j, _)) in logged {
        if !seen.contains(seq) {
            mismatches.push(format!(
                "harm determination {seq} ({j}) was recorded per the audit log but is missing"
            ));
        }
    }
    Ok(())
}

/// Jurisdiction codes as the rules spell them: `US-CO`, `EU`, `CA-QC`.
fn jurisdiction_code(s: &str) -> Result<String> {
    let code = s.trim().to_ascii_uppercase();
    let ok = !code.is_empty()
        && code.len() <= 16
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        return Err(StoreError::Invalid(format!(
            "{s:?} is not a jurisdiction code (e.g. US-CO)"
        )));
    }
    Ok(code)
}
