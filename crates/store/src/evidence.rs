//! Evidence and the affected-customer set it produces. Evidence is kept as
//! a hash, a sanitised location and finding counts, and customers as an
//! id, the names of the exposed fields and a country/region: never the
//! raw values or contact data.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::audit::{self, canonical_json};
use crate::error::{Context, Result, StoreError};
use crate::model::{
    AddEvidenceOutcome, Affected, AffectedRecord, Evidence, EvidenceRecord, IncidentId,
    UnattributedElement, UnattributedRecord,
};
use crate::redact::sanitize_source;
use crate::rows::{count, ensure_exists, format_ts, get, now_ts, parse_json, values_placeholders};
use crate::tx::{audited, check_actor, retry, rolled_back, Change, Entry, Tx};
use crate::Store;

/// Rows per multi-row INSERT of affected customers (8 parameters each,
/// far below SQLite's and PostgreSQL's parameter limits).
const AFFECTED_CHUNK: usize = 200;

impl Store {
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
        self.add_evidence_with(id, evidence, affected, &[], actor)
            .await
    }

    /// [`Store::add_evidence`] that also records the findings of credential
    /// and identity-number kinds no customer could be tied to
    /// (`unattributed`), in the same transaction and audit entry.
    pub async fn add_evidence_with(
        &self,
        id: &IncidentId,
        evidence: &Evidence,
        affected: &[Affected],
        unattributed: &[UnattributedElement],
        actor: &str,
    ) -> Result<AddEvidenceOutcome> {
        check_actor(actor)?;
        let prepared = PreparedEvidence::new(evidence, affected, unattributed)?;
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
        let what = what.as_str();
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            if let Some(row) =
                sqlx::query("SELECT seq FROM evidence WHERE incident_id = $1 AND sha256 = $2")
                    .bind(id.as_str())
                    .bind(ev.sha256.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .context(|| what.to_string())?
            {
                let present = AddEvidenceOutcome::AlreadyPresent {
                    evidence_seq: get(&row, "seq")?,
                };
                return Ok((tx, Change::Rollback(present)));
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
            .context(|| what.to_string())?;
            let evidence_seq: i64 = get::<i64>(&seq_row, "last")? + 1;
            sqlx::query(
                "INSERT INTO evidence (incident_id, seq, sha256, source, size_bytes, collected_at, \
                 finding_counts, encrypted, added_at, added_by, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
            .bind(ev.version.as_deref())
            .execute(&mut *tx)
            .await
            .context(|| format!("{what}: inserting the evidence row"))?;
            for u in &ev.unattributed {
                sqlx::query(
                    "INSERT INTO unattributed_elements (incident_id, evidence_seq, kind, \
                     hashing, findings) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id.as_str())
                .bind(evidence_seq)
                .bind(u.kind.as_str())
                .bind(u.hashing.as_deref().unwrap_or(""))
                .bind(u.count as i64)
                .execute(&mut *tx)
                .await
                .context(|| format!("{what}: recording unattributed {}", u.kind))?;
            }

            // An incident's first evidence cannot collide with existing
            // customers, so it skips the per-customer lookups.
            let (new_affected, merged_affected) = if affected_before == 0 {
                insert_affected_bulk(&mut tx, id, ev, &at).await?;
                (ev.affected.len() as u64, 0)
            } else {
                merge_affected(&mut tx, id, ev, &at).await?
            };

            let before = json!({
                "evidence_count": evidence_before,
                "affected_count": affected_before,
            });
            let mut after = json!({
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
            // Only objects have one; entries of files read as before.
            if let (Some(v), Some(map)) = (&ev.version, after.as_object_mut()) {
                map.insert("version".into(), json!(v));
            }
            // Likewise only evidence with unattributed findings has these.
            if let (false, Some(map)) = (ev.unattributed.is_empty(), after.as_object_mut()) {
                map.insert("unattributed".into(), json!(ev.unattributed));
            }
            let added = AddEvidenceOutcome::Added {
                evidence_seq,
                new_affected,
                merged_affected,
            };
            let entry = Entry {
                at,
                action: "evidence.add",
                before,
                after,
            };
            Ok((tx, Change::Audit(added, entry)))
        })
        .await
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
}

async fn insert_affected_bulk(
    tx: &mut Tx,
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

/// Returns (new, merged) customer counts for the audit entry.
async fn merge_affected(
    tx: &mut Tx,
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

/// Evidence validated and normalised once, before any retry.
struct PreparedEvidence {
    sha256: String,
    source: String,
    size_bytes: i64,
    collected_at: String,
    finding_counts: Value,
    encrypted: bool,
    version: Option<String>,
    affected: BTreeMap<String, Affected>,
    /// Merged by (kind, hashing), sorted; no zero counts.
    unattributed: Vec<UnattributedElement>,
}

impl PreparedEvidence {
    fn new(
        e: &Evidence,
        affected: &[Affected],
        unattributed: &[UnattributedElement],
    ) -> Result<Self> {
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
        let mut elements: BTreeMap<(String, String), u64> = BTreeMap::new();
        for u in unattributed.iter().filter(|u| u.count > 0) {
            let kind = name("kind", &u.kind)?;
            let hashing = match u.hashing.as_deref() {
                Some(h) => name("hashing", h)?,
                None => String::new(),
            };
            let n = elements.entry((kind, hashing)).or_default();
            *n = n.saturating_add(u.count).min(i64::MAX as u64);
        }
        Ok(PreparedEvidence {
            sha256,
            source,
            size_bytes,
            collected_at: format_ts(e.collected_at)?,
            finding_counts: json!(e.finding_counts),
            encrypted: e.encrypted,
            version: e
                .version
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            affected: merged,
            unattributed: elements
                .into_iter()
                .map(|((kind, hashing), count)| UnattributedElement {
                    kind,
                    hashing: (!hashing.is_empty()).then_some(hashing),
                    count,
                })
                .collect(),
        })
    }
}

/// A kind or algorithm name: lowercase letters, digits and `_`. Anything
/// else would be a value pasted by mistake.
fn name(what: &str, s: &str) -> Result<String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(StoreError::Invalid(format!(
            "unattributed {what} {s:?} is not a name (lowercase letters, digits and _)"
        )));
    }
    Ok(s.to_string())
}

/// The unattributed findings of an incident's evidence, in evidence order.
pub(crate) async fn read_unattributed(
    tx: &mut Tx,
    id: &IncidentId,
) -> Result<Vec<UnattributedRecord>> {
    let rows = sqlx::query(
        "SELECT u.evidence_seq, e.source, e.sha256, u.kind, u.hashing, u.findings \
         FROM unattributed_elements u JOIN evidence e \
         ON e.incident_id = u.incident_id AND e.seq = u.evidence_seq \
         WHERE u.incident_id = $1 ORDER BY u.evidence_seq, u.kind, u.hashing",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(|| format!("reading unattributed findings of {id}"))?;
    rows.iter()
        .map(|r| {
            let hashing: String = get(r, "hashing")?;
            Ok(UnattributedRecord {
                evidence_seq: get(r, "evidence_seq")?,
                evidence_source: get(r, "source")?,
                evidence_sha256: get(r, "sha256")?,
                element: UnattributedElement {
                    kind: get(r, "kind")?,
                    hashing: (!hashing.is_empty()).then_some(hashing),
                    count: get::<i64>(r, "findings")?.max(0) as u64,
                },
            })
        })
        .collect()
}

pub(crate) async fn read_evidence(tx: &mut Tx, id: &IncidentId) -> Result<Vec<EvidenceRecord>> {
    let rows = sqlx::query(
        "SELECT seq, sha256, source, size_bytes, collected_at, finding_counts, encrypted, \
         version, added_at, added_by FROM evidence WHERE incident_id = $1 ORDER BY seq",
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
                version: get(r, "version")?,
                added_at: get(r, "added_at")?,
                added_by: get(r, "added_by")?,
            })
        })
        .collect()
}

pub(crate) async fn read_affected(tx: &mut Tx, id: &IncidentId) -> Result<Vec<AffectedRecord>> {
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
