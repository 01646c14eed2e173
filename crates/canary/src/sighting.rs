//! A sighting becomes incident evidence: one incident per recipient
//! ("Canary sighting: data given to Acme Fulfilment"), opened by the first
//! sighting and updated by the next ones, every write through the audited
//! `bw-store` API; then the webhook alert.
//!
//! The incident states the bounded extent in its description (audit entry
//! 1), and each evidence entry repeats the bound of the canaries it saw
//! as `given_fields` and `given_rows` in its counts. What the recipient
//! was given (field names and row count recorded at issue time) is the
//! most that can have left through it.

use std::collections::{BTreeMap, BTreeSet};

use bw_store::{AddEvidenceOutcome, Evidence, IncidentId, NewIncident, Severity, Status, Store};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde_json::json;
use time::OffsetDateTime;

use crate::crypt::DisplayKey;
use crate::db::{CanaryDb, Issuance, NewSighting};
use crate::error::Result;
use crate::webhook::{self, Delivery, WebhookConfig};

/// The incident title for a recipient.
pub fn title(recipient: &str) -> String {
    format!("Canary sighting: data given to {recipient}")
}

/// One piece of evidence: canaries of one recipient seen in one set of
/// bytes (a scanned file, a received message).
#[derive(Clone, Debug)]
pub struct SightingEvidence {
    pub recipient: String,
    /// Canary ids with what they were seen as (`email`, `phone`, `mail`).
    pub canaries: Vec<(String, &'static str)>,
    /// `scan` or `mail`.
    pub channel: &'static str,
    pub sha256: String,
    pub size: u64,
    /// Where it was seen, without addresses: a path, or the listener.
    pub source: String,
    /// Sealed into the state file only (sender, client, subject, headers).
    pub detail: Option<serde_json::Value>,
}

impl SightingEvidence {
    /// The evidence of one scanned input's canaries (one file, one
    /// recipient); `None` when the run did not hash the input, so there is
    /// no digest to name it by.
    pub fn from_scan(g: &crate::visitor::InputHits) -> Option<SightingEvidence> {
        let (sha256, size) = g.digest.clone()?;
        Some(SightingEvidence {
            recipient: g.recipient.clone(),
            canaries: g
                .hits
                .iter()
                .map(|h| {
                    let as_what = if h.kind == bw_detect::Kind::Email {
                        "email"
                    } else {
                        "phone"
                    };
                    (h.canary.id.clone(), as_what)
                })
                .collect(),
            channel: "scan",
            sha256,
            size,
            source: g.input.clone(),
            detail: None,
        })
    }
}

/// What recording did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub incident: IncidentId,
    pub opened: bool,
    /// False when the same bytes were already evidence of this incident.
    pub new_evidence: bool,
    pub alert: Option<Delivery>,
}

/// Writes sightings into the state file and the incident store. Owns a
/// current-thread runtime for the async store, so callers stay plain
/// threads (the SMTP worker, the CLI).
pub struct Recorder {
    db: CanaryDb,
    rt: tokio::runtime::Runtime,
    store: Store,
    actor: String,
    key: DisplayKey,
    webhook: Option<WebhookConfig>,
}

fn describe(recipient: &str, issuances: &[Issuance]) -> String {
    let mut fields: BTreeSet<&str> = BTreeSet::new();
    let mut rows = 0u64;
    let mut lines = Vec::new();
    for i in issuances {
        fields.extend(i.fields.iter().map(String::as_str));
        rows += i.rows;
        lines.push(format!(
            "- issue {} ({}, {}): fields {}; at most {} rows",
            i.id,
            i.export,
            i.issued_at,
            i.fields.join(", "),
            i.rows
        ));
    }
    format!(
        "Canary records issued only to {recipient} were seen outside it. What {recipient} \
         was given bounds this leak: at most the fields {} of at most {rows} customers.\n{}\n\
         Scope the leaked data itself to name the customers affected.",
        fields.into_iter().collect::<Vec<_>>().join(", "),
        lines.join("\n")
    )
}

impl Recorder {
    pub fn new(
        db: CanaryDb,
        rt: tokio::runtime::Runtime,
        store: Store,
        actor: String,
        key: DisplayKey,
        webhook: Option<WebhookConfig>,
    ) -> Recorder {
        Recorder {
            db,
            rt,
            store,
            actor,
            key,
            webhook,
        }
    }

    pub fn db(&self) -> &CanaryDb {
        &self.db
    }

    /// The recipient's incident, opened if it has none or its last one is
    /// closed. Under the state file's write lock, so two processes seeing
    /// the same recipient at once open one incident.
    fn incident_for(&mut self, recipient: &str) -> Result<(IncidentId, bool)> {
        let issuances = self.db.issuances(recipient)?;
        let tx = self
            .db
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known: Option<String> = tx
            .query_row(
                "SELECT incident_id FROM recipients WHERE name = ?1",
                params![recipient],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if let Some(id) = known {
            let id = IncidentId::new(id);
            let inc = self.rt.block_on(self.store.incident(&id));
            match inc {
                Ok(i) if i.status != Status::Closed => return Ok((id, false)),
                Ok(_) | Err(bw_store::StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let new = NewIncident {
            title: title(recipient),
            description: describe(recipient, &issuances),
            discovered_at: OffsetDateTime::now_utc(),
            detected_by: "canary".into(),
            severity: Severity::High,
        };
        let id = self
            .rt
            .block_on(self.store.open_incident(&new, &self.actor))?;
        tx.execute(
            "UPDATE recipients SET incident_id = ?2 WHERE name = ?1",
            params![recipient, id.as_str()],
        )?;
        tx.commit()?;
        Ok((id, true))
    }

    /// Records one piece of evidence; fires the webhook when it is new.
    pub fn record(&mut self, ev: &SightingEvidence) -> Result<Recorded> {
        let (incident, opened) = self.incident_for(&ev.recipient)?;
        // The bound of the canaries seen: their issuances' fields and rows.
        let ids: BTreeSet<&str> = ev.canaries.iter().map(|(id, _)| id.as_str()).collect();
        let mut seen_issuances = BTreeSet::new();
        let mut revoked = Vec::new();
        for id in &ids {
            let row: Option<(i64, String)> = self
                .db
                .conn()
                .query_row(
                    "SELECT issuance_id, state FROM canaries WHERE id = ?1",
                    params![id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((iss, state)) = row {
                seen_issuances.insert(iss);
                if state == "revoked" {
                    revoked.push(id.to_string());
                }
            }
        }
        let issuances: Vec<Issuance> = self
            .db
            .issuances(&ev.recipient)?
            .into_iter()
            .filter(|i| seen_issuances.contains(&i.id))
            .collect();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for (_, as_what) in &ev.canaries {
            *counts.entry(format!("canary_{as_what}")).or_insert(0) += 1;
        }
        let given_fields: BTreeSet<&str> = issuances
            .iter()
            .flat_map(|i| i.fields.iter().map(String::as_str))
            .collect();
        counts.insert("given_fields".into(), given_fields.len() as u64);
        counts.insert("given_rows".into(), issuances.iter().map(|i| i.rows).sum());
        let exports: Vec<String> = issuances
            .iter()
            .map(|i| format!("issue {} {}", i.id, i.export))
            .collect();
        let source = format!(
            "canary {} sighting: {} [{}; {}]",
            ev.channel,
            ev.source,
            ids.iter().copied().collect::<Vec<_>>().join(","),
            exports.join(", ")
        );
        let evidence = Evidence {
            sha256: ev.sha256.clone(),
            source,
            size_bytes: ev.size,
            collected_at: OffsetDateTime::now_utc(),
            finding_counts: counts,
            encrypted: false,
            version: None,
        };
        let outcome =
            self.rt.block_on(
                self.store
                    .add_evidence(&incident, &evidence, &[], &self.actor),
            )?;
        let new_evidence = matches!(outcome, AddEvidenceOutcome::Added { .. });
        let detail = match &ev.detail {
            Some(d) => Some(self.key.seal(&ev.sha256, d.to_string().as_bytes())?),
            None => None,
        };
        let mut any_new = false;
        for id in &ids {
            any_new |= self.db.add_sighting(&NewSighting {
                canary_id: id,
                recipient: &ev.recipient,
                channel: ev.channel,
                sha256: &ev.sha256,
                source: &ev.source,
                detail: detail.clone(),
                incident_id: incident.as_str(),
            })?;
        }
        let alert = match (&self.webhook, new_evidence || any_new) {
            (Some(cfg), true) => {
                let body = json!({
                    "event": "canary.sighting",
                    "incident": incident.as_str(),
                    "title": title(&ev.recipient),
                    "recipient": ev.recipient,
                    "channel": ev.channel,
                    "canaries": ids,
                    "revoked": revoked,
                    "sha256": ev.sha256,
                    "given": issuances.iter().map(|i| json!({
                        "issue": i.id, "export": i.export, "fields": i.fields,
                        "rows": i.rows, "issued_at": i.issued_at,
                    })).collect::<Vec<_>>(),
                });
                let d = webhook::deliver(cfg, &body);
                self.db.record_alert(
                    &ev.recipient,
                    incident.as_str(),
                    if d.delivered { "delivered" } else { "failed" },
                    d.attempts,
                    d.last_error.as_deref(),
                )?;
                Some(d)
            }
            _ => None,
        };
        Ok(Recorded {
            incident,
            opened,
            new_evidence,
            alert,
        })
    }

    /// Closes the store (SQLite checkpoints its WAL).
    pub fn close(self) {
        self.rt.block_on(self.store.close());
    }
}

impl crate::smtp::Sink for Recorder {
    fn mail(&mut self, m: &crate::smtp::MailSighting) -> Result<(), String> {
        let mut by_recipient: BTreeMap<String, Vec<(String, &'static str)>> = BTreeMap::new();
        for c in &m.canaries {
            by_recipient
                .entry(c.recipient.clone())
                .or_default()
                .push((c.id.clone(), "mail"));
        }
        for (recipient, canaries) in by_recipient {
            let ev = SightingEvidence {
                recipient,
                canaries,
                channel: "mail",
                sha256: m.sha256.clone(),
                size: m.size,
                source: "smtp listener".into(),
                detail: Some(json!({
                    "envelope_from": m.from,
                    "client": m.client.to_string(),
                    "at": m.at,
                    "subject": m.subject,
                    "headers": m.headers,
                })),
            };
            self.record(&ev).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn unknown(&mut self, domain: &str, n: u64) {
        // A lost count is not worth failing a session over.
        let _ = self.db.add_unknown(domain, n);
    }
}
