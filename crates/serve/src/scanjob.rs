//! A scan job: the one pipeline (`bw_scan::Pipeline`) with a visitor that
//! redacts each finding as it is handed over (`bw_report::redact`) and
//! keeps only the redacted excerpt, its place, kind and score. Visitors
//! batch per thread into a shared queue the job drains into the store
//! every half second, so the store sees a few large inserts, not one per
//! finding.
//!
//! Once canaries were issued (`breachwatch canary issue`), the visitor is
//! wrapped in `bw_canary`'s `Watch`, as `breachwatch scan` wraps its own,
//! and the canaries seen become sightings on their recipients' incidents
//! when the scan ends.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bw_canary::db::CanaryDb;
use bw_canary::set::CanarySet;
use bw_canary::sighting::{Recorder, SightingEvidence};
use bw_canary::visitor::{Hits, InputHits, SeesCanaries, Watch};
use bw_scan::{Found, InputDone, Pipeline, Problem, Scanned, Visitor};
use bw_store::ScanFinding;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::jobs::{Ctx, PROGRESS_EVERY};
use crate::Config;

/// Findings a visitor collects before handing them over.
const BATCH: usize = 256;

#[derive(Default)]
struct Shared {
    queue: Mutex<Vec<ScanFinding>>,
    kinds: Mutex<BTreeMap<String, u64>>,
    findings: AtomicU64,
    bytes: AtomicU64,
    inputs: AtomicU64,
    problems: AtomicU64,
}

struct ScanVisitor {
    shared: Arc<Shared>,
    cancel: Arc<AtomicBool>,
    max_stored: u64,
    batch: Vec<ScanFinding>,
    kinds: BTreeMap<&'static str, u64>,
    metrics: Arc<crate::metrics::Metrics>,
}

impl ScanVisitor {
    fn hand_over(&mut self) {
        if !self.batch.is_empty() {
            let mut q = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.append(&mut self.batch);
        }
        if !self.kinds.is_empty() {
            let mut k = self.shared.kinds.lock().unwrap_or_else(|p| p.into_inner());
            for (kind, n) in std::mem::take(&mut self.kinds) {
                *k.entry(kind.to_string()).or_default() += n;
            }
        }
    }
}

impl Visitor for ScanVisitor {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        *self.kinds.entry(f.kind.as_str()).or_default() += 1;
        let n = self.shared.findings.fetch_add(1, Ordering::Relaxed);
        if n < self.max_stored {
            self.batch.push(ScanFinding {
                seq: 0,
                path: f.path.to_string(),
                start: f.start as i64,
                end: f.end as i64,
                line: f.line as i64,
                column: f.column as i64,
                kind: f.kind.as_str().to_string(),
                score: f64::from(f.score),
                excerpt: bw_report::redact::redact(f.kind, f.value),
            });
            if self.batch.len() >= BATCH {
                self.hand_over();
            }
        }
        Ok(())
    }

    fn scanned(&mut self, s: &Scanned<'_>) -> io::Result<()> {
        self.shared.bytes.fetch_add(s.bytes, Ordering::Relaxed);
        self.metrics.add_bytes(s.bytes);
        Ok(())
    }

    fn input_done(&mut self, _done: &InputDone<'_>) {
        self.shared.inputs.fetch_add(1, Ordering::Relaxed);
    }

    // Problems are counted, not kept: their text names paths and archive
    // members, which the job's owner can see with `breachwatch scan`.
    fn problem(&mut self, _problem: Problem<'_>) {
        self.shared.problems.fetch_add(1, Ordering::Relaxed);
    }

    fn aborted(&mut self, _name: &str, _error: io::Error) {
        self.shared.problems.fetch_add(1, Ordering::Relaxed);
    }

    fn go_on(&self) -> bool {
        !self.cancel.load(Ordering::Relaxed)
    }
}

/// A canary seen is a stored finding of its own, kind `canary`, after the
/// one it matched: its excerpt is that value redacted, then whom the
/// canary was issued to, as `breachwatch scan` reports it.
impl SeesCanaries for ScanVisitor {
    fn canary(&mut self, f: &Found<'_>, canary: &bw_canary::set::Info) -> io::Result<()> {
        *self.kinds.entry(bw_report::CANARY_KIND).or_default() += 1;
        let n = self.shared.findings.fetch_add(1, Ordering::Relaxed);
        if n < self.max_stored {
            let mark = bw_report::CanaryMark {
                id: &canary.id,
                recipient: &canary.recipient,
                export: &canary.export,
                issue: canary.issuance,
                revoked: canary.revoked,
            };
            self.batch.push(ScanFinding {
                seq: 0,
                path: f.path.to_string(),
                start: f.start as i64,
                end: f.end as i64,
                line: f.line as i64,
                column: f.column as i64,
                kind: bw_report::CANARY_KIND.to_string(),
                score: 1.0,
                excerpt: format!(
                    "{} ({}): {}",
                    bw_report::redact::redact(f.kind, f.value),
                    f.kind.as_str(),
                    mark.describe()
                ),
            });
            if self.batch.len() >= BATCH {
                self.hand_over();
            }
        }
        Ok(())
    }
}

impl Drop for ScanVisitor {
    fn drop(&mut self) {
        self.hand_over();
    }
}

fn progress(shared: &Shared, stored: u64) -> Value {
    let kinds = shared
        .kinds
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    json!({
        "bytes": shared.bytes.load(Ordering::Relaxed),
        "inputs": shared.inputs.load(Ordering::Relaxed),
        "findings": shared.findings.load(Ordering::Relaxed),
        "stored_findings": stored,
        "problems": shared.problems.load(Ordering::Relaxed),
        "by_kind": kinds,
    })
}

/// Stores what the visitors handed over; returns the new stored count.
async fn drain(ctx: &Ctx, shared: &Shared, mut stored: u64) -> ApiResult<u64> {
    let batch = std::mem::take(&mut *shared.queue.lock().unwrap_or_else(|p| p.into_inner()));
    if batch.is_empty() {
        return Ok(stored);
    }
    let batch: Vec<ScanFinding> = batch
        .into_iter()
        .map(|mut f| {
            stored += 1;
            f.seq = stored as i64;
            f
        })
        .collect();
    ctx.store.add_scan_findings(&ctx.id, &batch).await?;
    Ok(stored)
}

pub(crate) async fn run(ctx: &Ctx, params: &Value) -> ApiResult<()> {
    let path = params
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::internal("scan job without a path"))?;
    // Checked again at run time: a re-run may come after the roots changed.
    let path = PathBuf::from(crate::jobs::allowed_path(&ctx.config, path)?);
    let shared = Arc::new(Shared::default());
    let cfg = ctx.config.clone();
    let watch = tokio::task::spawn_blocking(move || canaries(&cfg))
        .await
        .map_err(ApiError::internal)??;
    let mut opts = bw_scan::Options::default();
    opts.walk.threads = ctx.config.scan_threads.max(1);
    // A sighting is evidence named by the file's SHA-256, hashed in the
    // same read.
    opts.digest = watch.is_some();
    let worker = {
        let shared = shared.clone();
        let cancel = ctx.cancel.clone();
        let max_stored = ctx.config.max_stored_findings;
        let metrics = ctx.metrics.clone();
        tokio::task::spawn_blocking(move || {
            let pipeline = Pipeline::new(opts);
            let visitor = || ScanVisitor {
                shared: shared.clone(),
                cancel: cancel.clone(),
                max_stored,
                batch: Vec::with_capacity(BATCH),
                kinds: BTreeMap::new(),
                metrics: metrics.clone(),
            };
            match watch {
                Some((db, set)) => {
                    let hits = Hits::new();
                    pipeline.run(&[path], || Watch::new(visitor(), &set, &hits));
                    Some((db, hits.into_groups()))
                }
                None => {
                    pipeline.run(&[path], visitor);
                    None
                }
            }
        })
    };
    tokio::pin!(worker);
    let mut stored = 0;
    let joined = loop {
        tokio::select! {
            res = &mut worker => break res,
            _ = tokio::time::sleep(PROGRESS_EVERY) => {
                stored = drain(ctx, &shared, stored).await?;
                ctx.set_progress(progress(&shared, stored));
            }
        }
    };
    let seen = joined.map_err(ApiError::internal)?;
    stored = drain(ctx, &shared, stored).await?;
    let mut done = progress(&shared, stored);
    if let Some((db, groups)) = seen {
        let (canaries, incidents) = record(
            &ctx.config,
            ctx.store.clone(),
            ctx.actor.clone(),
            db,
            groups,
        )
        .await?;
        done["canaries"] = json!(canaries);
        done["canary_incidents"] = json!(incidents);
    }
    ctx.set_progress(done);
    let kinds = shared
        .kinds
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    ctx.metrics.add_findings(&kinds);
    Ok(())
}

/// The canaries to watch for: the state file's, fingerprinted with the
/// registry key. `None` when none were issued (a plain scan pays nothing)
/// or the registry key is unknown.
pub(crate) fn canaries(cfg: &Config) -> ApiResult<Option<(CanaryDb, CanarySet)>> {
    let (Some(files), Some(key)) = (&cfg.canary, &cfg.registry_key) else {
        return Ok(None);
    };
    if !files.db.exists() {
        return Ok(None);
    }
    let state = |e: bw_canary::Error| ApiError::internal(format!("the canary state: {e}"));
    let db = CanaryDb::open(&files.db).map_err(state)?;
    let set = CanarySet::load(&db, bw_registry::Fingerprinter::new(key)).map_err(state)?;
    Ok((!set.is_empty()).then_some((db, set)))
}

/// Records the canaries a scan saw, one piece of evidence per input and
/// recipient, on each recipient's incident (opened or updated), and fires
/// the webhook `breachwatch canary webhook` set. Returns how many canary
/// values were seen and the incidents they went to.
pub(crate) async fn record(
    config: &Config,
    store: bw_store::Store,
    actor: String,
    db: CanaryDb,
    groups: Vec<InputHits>,
) -> ApiResult<(usize, Vec<String>)> {
    let seen = groups.iter().map(|g| g.hits.len()).sum();
    if groups.is_empty() {
        return Ok((0, Vec::new()));
    }
    let files = config
        .canary
        .clone()
        .ok_or_else(|| ApiError::internal("canaries seen without a canary state"))?;
    // The recorder blocks (its own runtime for the store, the webhook's
    // retries): off the async threads.
    tokio::task::spawn_blocking(move || -> ApiResult<(usize, Vec<String>)> {
        let fail =
            |e: bw_canary::Error| ApiError::internal(format!("recording a canary sighting: {e}"));
        let key = bw_canary::crypt::DisplayKey::load(&files.display_key).map_err(fail)?;
        let webhook = db
            .setting("webhook")
            .map_err(fail)?
            .map(bw_canary::webhook::WebhookConfig::new);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ApiError::internal)?;
        // Not closed when done: the store is the server's.
        let mut rec = Recorder::new(db, rt, store, actor, key, webhook);
        let mut incidents = std::collections::BTreeSet::new();
        for g in &groups {
            let Some(ev) = SightingEvidence::from_scan(g) else {
                tracing::warn!("a canary seen in an input that was not hashed: not recorded");
                continue;
            };
            let r = rec.record(&ev).map_err(fail)?;
            if r.alert.as_ref().is_some_and(|d| !d.delivered) {
                tracing::warn!(incident = %r.incident, "the canary webhook alert failed");
            }
            incidents.insert(r.incident.to_string());
        }
        tracing::info!(
            canaries = seen,
            incidents = incidents.len(),
            "canary sightings recorded"
        );
        Ok((seen, incidents.into_iter().collect()))
    })
    .await
    .map_err(ApiError::internal)?
}

/// The canary check of a read that goes through `bw-incident`'s evidence
/// collection (scope jobs, evidence uploads): a hook for
/// `collect_with`, and the canaries it saw grouped per input for
/// [`record`], the inputs named as the evidence names them.
pub(crate) struct EvidenceWatch {
    db: CanaryDb,
    set: Arc<CanarySet>,
    hits: Arc<Hits>,
    /// Input read as → input shown as (an upload's staging file → `upload:NAME`).
    shown: Mutex<BTreeMap<String, String>>,
}

impl EvidenceWatch {
    /// `None` when no canaries were issued or the registry key is unknown.
    pub(crate) fn load(cfg: &Config) -> ApiResult<Option<EvidenceWatch>> {
        Ok(canaries(cfg)?.map(|(db, set)| EvidenceWatch {
            db,
            set: Arc::new(set),
            hits: Arc::new(Hits::new()),
            shown: Mutex::default(),
        }))
    }

    pub(crate) fn hook(&self) -> bw_incident::evidence::FindingHook {
        let (set, hits) = (Arc::clone(&self.set), Arc::clone(&self.hits));
        bw_incident::evidence::FindingHook(Arc::new(move |f| {
            hits.check(&set, f);
        }))
    }

    /// One input read, by the name its members carry, with the hash its
    /// evidence has, and the name its sighting's evidence shows.
    pub(crate) fn read(&self, read_as: &str, shown_as: &str, sha256: &str, size: u64) {
        self.hits.add_digest(read_as, sha256, size);
        if read_as != shown_as {
            self.shown
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(read_as.to_string(), shown_as.to_string());
        }
    }

    /// The state file and the canaries seen, per input and recipient.
    /// Every hook must have been dropped.
    pub(crate) fn finish(self) -> ApiResult<(CanaryDb, Vec<InputHits>)> {
        let hits = Arc::try_unwrap(self.hits)
            .map_err(|_| ApiError::internal("canary hits still shared after the read"))?;
        let shown = self.shown.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut groups = hits.into_groups();
        for g in &mut groups {
            if let Some(name) = shown.get(&g.input) {
                g.input = name.clone();
            }
        }
        Ok((self.db, groups))
    }
}
