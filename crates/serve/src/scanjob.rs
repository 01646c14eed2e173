//! A scan job: the one pipeline (`bw_scan::Pipeline`) with a visitor that
//! redacts each finding as it is handed over (`bw_report::redact`) and
//! keeps only the redacted excerpt, its place, kind and score. Visitors
//! batch per thread into a shared queue the job drains into the store
//! every half second, so the store sees a few large inserts, not one per
//! finding.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bw_scan::{Found, InputDone, Pipeline, Problem, Scanned, Visitor};
use bw_store::ScanFinding;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::jobs::{Ctx, PROGRESS_EVERY};

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
    let mut opts = bw_scan::Options::default();
    opts.walk.threads = ctx.config.scan_threads.max(1);
    let worker = {
        let shared = shared.clone();
        let cancel = ctx.cancel.clone();
        let max_stored = ctx.config.max_stored_findings;
        let metrics = ctx.metrics.clone();
        tokio::task::spawn_blocking(move || {
            let pipeline = Pipeline::new(opts);
            pipeline.run(&[path], || ScanVisitor {
                shared: shared.clone(),
                cancel: cancel.clone(),
                max_stored,
                batch: Vec::with_capacity(BATCH),
                kinds: BTreeMap::new(),
                metrics: metrics.clone(),
            });
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
    joined.map_err(ApiError::internal)?;
    stored = drain(ctx, &shared, stored).await?;
    ctx.set_progress(progress(&shared, stored));
    let kinds = shared
        .kinds
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    ctx.metrics.add_findings(&kinds);
    Ok(())
}
