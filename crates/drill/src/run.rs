//! The drill from generated data to judged report: the stages in order,
//! each handing the next what it needs.

use std::path::Path;

use bw_kind::Kind;
use bw_registry::ImportSource;
use bw_store::Store;

use crate::progress::Progress;
use crate::report::{self, Notices, Obligation};
use crate::stages::{self, incident::Recorded, Stages};
use crate::{Error, GenOptions, Generated, Report};

/// Runs a whole drill in `out`, an empty or earlier drill's directory from
/// [`crate::out_dir::prepare`] (absolute: the truth names files relative to
/// it). `threads` scan and scope the leak; findings of the `weakened` kinds
/// are dropped, to show a drill failing on a detector that misses.
/// `progress` hears of each stage; the report is judged but not written.
pub fn run(
    out: &Path,
    opts: &GenOptions,
    threads: usize,
    weakened: &[Kind],
    progress: &mut dyn Progress,
) -> Result<Report, Error> {
    // Two workers: the SMTP sink and the sender run side by side.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    rt.block_on(drill(out, opts, threads.max(1), weakened, progress))
}

async fn drill(
    out: &Path,
    opts: &GenOptions,
    threads: usize,
    weakened: &[Kind],
    progress: &mut dyn Progress,
) -> Result<Report, Error> {
    let mut stages = Stages::new(progress);
    let generated = stages::generate::run(out, opts, &mut stages)?;
    let detection = stages::scan::run(out, &generated, threads, weakened, &mut stages)?;
    let imported = stages::registry::run(out, &generated, &mut stages)?;
    let (scoped, scope) = stages::scope::run(&generated, &imported.registry, threads, &mut stages)?;

    let store = stages::incident::open_store(out, &mut stages).await?;
    let res = with_store(
        &store,
        opts,
        &generated,
        &scoped,
        imported.source,
        &mut stages,
    )
    .await;
    // Closed on failure too, so the SQLite file is left consistent for a
    // look at what went wrong.
    store.close().await;
    let (incident, obligations, notices) = res?;

    let mut report = Report {
        scenario: opts.scenario.as_str().into(),
        title: opts.scenario.title().into(),
        seed: opts.seed,
        customers: opts.customers,
        incident: Some(incident.id.to_string()),
        discovered_at: incident.discovered_text,
        weakened: weakened.iter().map(|k| k.as_str().to_string()).collect(),
        stages: stages.done,
        detection,
        scope,
        obligations,
        notices,
        floors: report::Floors::default(),
        misses: Vec::new(),
        passed: false,
    };
    report.judge();
    Ok(report)
}

/// Incident, obligations and notify: the stages that need the store.
async fn with_store(
    store: &Store,
    opts: &GenOptions,
    generated: &Generated,
    scoped: &bw_scope::ScopeReport,
    source: ImportSource,
    stages: &mut Stages<'_>,
) -> Result<(Recorded, Vec<Obligation>, Notices), Error> {
    let incident = stages::incident::record(store, opts, scoped, stages).await?;
    let obligations = stages::obligations::run(store, &incident, &generated.truth, stages).await?;
    let notices = stages::notify::run(store, &incident, source, &generated.truth, stages).await?;
    Ok((incident, obligations, notices))
}
