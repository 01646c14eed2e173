//! The export bundle handed to lawyers or regulators: everything the store
//! knows about one incident, read in one snapshot together with its
//! verification, so the bundle and its "verified" claim cannot disagree.

use serde_json::Value;

use crate::declare::read_declarations;
use crate::error::Result;
use crate::evidence::{read_affected, read_evidence};
use crate::incident::read_incident;
use crate::model::{ExportBundle, IncidentId};
use crate::obligations::read_obligations;
use crate::redact::redact_source;
use crate::rows::now_ts;
use crate::verify::{read_audit, verify_in};
use crate::Store;

impl Store {
    /// A JSON-serialisable bundle for lawyers or regulators. With `redact`
    /// (the default the CLI should use) evidence locations are cut to their
    /// last path segment; customer ids, field names and counts stay. The
    /// store holds no contact data, so none can leak through here.
    pub async fn export(&self, id: &IncidentId, redact: bool) -> Result<ExportBundle> {
        let mut tx = self.begin_read(&format!("exporting {id}")).await?;
        let incident = read_incident(&mut tx, id).await?;
        let mut evidence = read_evidence(&mut tx, id).await?;
        let affected = read_affected(&mut tx, id).await?;
        let mut declarations = read_declarations(&mut tx, id).await?;
        let obligations = read_obligations(&mut tx, id).await?;
        let mut audit_log = read_audit(&mut tx, id).await?;
        let audit_verification = verify_in(&mut tx, id).await?;
        if redact {
            for e in &mut evidence {
                e.source = redact_source(&e.source);
            }
            for u in &mut declarations.unattributed {
                u.evidence_source = redact_source(&u.evidence_source);
            }
            for entry in &mut audit_log {
                if let Some(Value::String(s)) = entry.after.get_mut("source") {
                    *s = redact_source(s);
                }
            }
        }
        Ok(ExportBundle {
            format: "breachwatch.incident-export/1".into(),
            exported_at: now_ts()?,
            redacted: redact,
            incident,
            evidence,
            affected,
            declarations,
            obligations,
            audit_log,
            audit_verification,
        })
    }
}
