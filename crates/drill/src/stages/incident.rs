//! Stage `incident`: an incident in the drill's SQLite store with the
//! scope's files as evidence and its customers as affected, as
//! `incident open` and `incident add-evidence` record them.

use std::path::Path;

use bw_scope::ScopeReport;
use bw_store::{AffectedRecord, Evidence, IncidentId, NewIncident, Severity, Store};
use time::OffsetDateTime;

use super::{stage, Stages, ACTOR};
use crate::{Error, GenOptions};

const STAGE: &str = "incident";

/// What the later stages need of the incident.
pub struct Recorded {
    pub id: IncidentId,
    pub discovered: OffsetDateTime,
    /// `discovered` as the store writes it, for the report.
    pub discovered_text: String,
    pub affected: Vec<AffectedRecord>,
}

fn store_err(doing: impl Into<String>) -> impl FnOnce(bw_store::StoreError) -> Error {
    let doing = doing.into();
    move |source| Error::Store {
        stage: STAGE,
        doing,
        source,
    }
}

/// Starts the stage: opening the store is part of its time.
pub async fn open_store(out: &Path, stages: &mut Stages<'_>) -> Result<Store, Error> {
    stages.start(STAGE);
    let db = out.join(bw_store::SQLITE_FILE_NAME);
    Store::open_sqlite(&db)
        .await
        .map_err(store_err(format!("opening the store {}", db.display())))
}

/// Opens the incident and adds each scoped file as evidence with the
/// customers found in it.
pub async fn record(
    store: &Store,
    opts: &GenOptions,
    scoped: &ScopeReport,
    stages: &mut Stages<'_>,
) -> Result<Recorded, Error> {
    // Whole seconds: deadlines read better and the stored text round-trips.
    let now = OffsetDateTime::now_utc();
    let discovered = now.replace_nanosecond(0).unwrap_or(now);
    let id = store
        .open_incident(
            &NewIncident {
                title: format!("Drill: {}", opts.scenario.title()),
                description: format!(
                    "breachwatch drill, scenario {}, {} customers, seed {}",
                    opts.scenario, opts.customers, opts.seed
                ),
                discovered_at: discovered,
                detected_by: "drill".into(),
                severity: Severity::High,
            },
            ACTOR,
        )
        .await
        .map_err(store_err("opening the incident"))?;
    let mut links = 0u64;
    for file in &scoped.files {
        let evidence = Evidence {
            source: file.path.clone(),
            sha256: file.sha256.clone(),
            size_bytes: file.size,
            collected_at: OffsetDateTime::now_utc(),
            finding_counts: file
                .findings
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
            encrypted: false,
            version: None,
        };
        let affected = bw_incident::affected::in_input(&file.path, scoped);
        links += affected.len() as u64;
        store
            .add_evidence(&id, &evidence, &affected, ACTOR)
            .await
            .map_err(store_err(format!("adding {} to {id}", file.path)))?;
    }
    let affected = store
        .affected(&id)
        .await
        .map_err(store_err("reading affected customers"))?;
    let discovered_text =
        bw_store::format_ts(discovered).map_err(store_err("formatting discovery time"))?;
    stages.finish(stage(
        STAGE,
        affected.len() as u64,
        "customers",
        None,
        format!(
            "{id}: {} evidence file(s), {} affected customers recorded ({links} file links)",
            scoped.files.len(),
            affected.len()
        ),
    ));
    Ok(Recorded {
        id,
        discovered,
        discovered_text,
        affected,
    })
}
