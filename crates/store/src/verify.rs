//! Reading and checking the audit log. Verification recomputes the hash
//! chain and replays what the log says happened against the rows as they
//! are now, so tampering with either the log or the data shows up.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::audit::{self, canonical_entry, chain_hash, EntryFields, GENESIS};
use crate::declare::{verify_declarations, LoggedDeclaration};
use crate::determine::{logged_determination, verify_determinations};
use crate::error::{Context, Result, StoreError};
use crate::model::{AuditEntry, BrokenEntry, IncidentId, VerifyReport};
use crate::rows::{count, ensure_exists, get, parse_json};
use crate::tx::Tx;
use crate::Store;

impl Store {
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

async fn read_raw_audit(tx: &mut Tx, id: &IncidentId) -> Result<Vec<RawEntry>> {
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

pub(crate) async fn read_audit(tx: &mut Tx, id: &IncidentId) -> Result<Vec<AuditEntry>> {
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

pub(crate) async fn verify_in(tx: &mut Tx, id: &IncidentId) -> Result<VerifyReport> {
    let head = sqlx::query(
        "SELECT title, description, discovered_at, detected_by, status, severity, cause, source_of_breach, \
         description_translations, audit_head_seq, audit_head_hash FROM incidents WHERE id = $1",
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
    // A log that never names a cause says it is unknown (the column's
    // default), so a cause written behind the log's back still shows.
    expect_fields.insert("cause", Value::String("unknown".into()));
    expect_fields.insert("source_of_breach", Value::String("unknown".into()));
    let mut evidence_shas: BTreeSet<String> = BTreeSet::new();
    // Per evidence SHA-256: the unattributed findings its entry recorded.
    let mut unattributed: BTreeMap<String, Value> = BTreeMap::new();
    let mut affected_count: Option<u64> = None;
    let mut obligations_digest: Option<String> = None;
    let mut declared: BTreeMap<i64, LoggedDeclaration> = BTreeMap::new();
    let mut determined: BTreeMap<i64, (String, String)> = BTreeMap::new();
    // The incident's description per language, as the log words them.
    let mut translations: BTreeMap<String, String> = BTreeMap::new();
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
                    "cause",
                    "source_of_breach",
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
            "incident.cause" => {
                if let Some(v) = after.get("cause") {
                    expect_fields.insert("cause", v.clone());
                }
            }
            "incident.source_of_breach" => {
                if let Some(v) = after.get("source_of_breach") {
                    expect_fields.insert("source_of_breach", v.clone());
                }
            }
            crate::describe::ACTION => crate::describe::replay(&mut translations, after),
            "evidence.add" => {
                if let Some(Value::String(s)) = after.get("sha256") {
                    evidence_shas.insert(s.clone());
                    let logged = after.get("unattributed").cloned().unwrap_or(json!([]));
                    unattributed.insert(s.clone(), logged);
                }
                affected_count = after.get("affected_count").and_then(Value::as_u64);
            }
            "declaration.add" => {
                if let Some(d) = LoggedDeclaration::from_entry(after) {
                    declared.insert(d.seq, d);
                }
            }
            "determination.add" => {
                if let Some((seq, d)) = logged_determination(after) {
                    determined.insert(seq, d);
                }
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
        // A column tampered into something unreadable is a mismatch to
        // report like any other, not a reason to stop verifying.
        let column: String = get(&head, "description_translations")?;
        match crate::describe::parse_column(id, &column) {
            Ok(have) => {
                for language in have
                    .keys()
                    .chain(translations.keys())
                    .collect::<BTreeSet<_>>()
                {
                    let (stored, logged) = (have.get(language), translations.get(language));
                    if stored != logged {
                        report.state_mismatches.push(format!(
                            "the {language} description is {} but the audit log says {}",
                            brief(stored),
                            brief(logged)
                        ));
                    }
                }
            }
            Err(e) => report.state_mismatches.push(format!(
                "{e}; the audit log holds {} of them",
                translations.len()
            )),
        }
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
        verify_unattributed(tx, id, &unattributed, &mut report.state_mismatches).await?;
        verify_declarations(tx, id, &declared, &mut report.state_mismatches).await?;
        verify_determinations(tx, id, &determined, &mut report.state_mismatches).await?;
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

/// Compares the stored unattributed findings of each evidence file with
/// those its `evidence.add` entry recorded.
async fn verify_unattributed(
    tx: &mut Tx,
    id: &IncidentId,
    logged: &BTreeMap<String, Value>,
    mismatches: &mut Vec<String>,
) -> Result<()> {
    let mut stored: BTreeMap<String, Vec<crate::model::UnattributedElement>> = BTreeMap::new();
    for r in crate::evidence::read_unattributed(tx, id).await? {
        stored.entry(r.evidence_sha256).or_default().push(r.element);
    }
    for (sha, want) in logged {
        let have = json!(stored.remove(sha).unwrap_or_default());
        if &have != want {
            mismatches.push(format!(
                "the unattributed findings of evidence {sha} differ from those the audit log \
                 recorded"
            ));
        }
    }
    for sha in stored.keys() {
        mismatches.push(format!(
            "unattributed findings of evidence {sha} are stored but no audit entry recorded them"
        ));
    }
    Ok(())
}

/// A description as a mismatch names it: its length and digest, so a
/// report stays a line whatever was written into the column.
fn brief(text: Option<&String>) -> String {
    match text {
        None => "absent".into(),
        Some(t) => format!(
            "{} characters (sha256 {})",
            t.chars().count(),
            &crate::audit::sha256_hex(t.as_bytes())[..12]
        ),
    }
}
