//! Stage `scan`: the leak through the scan pipeline as `breachwatch scan`
//! runs it, scored against the truth's labelled spans.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use bw_corpus::score::Finding as ScoredFinding;
use bw_kind::Kind;
use bw_scan::{Found, Pipeline, Problem, Visitor, WalkOptions};

use super::{stage, Stages};
use crate::report::{self, Detection};
use crate::{Error, Generated};

/// Scans the leak, dropping findings of the `weakened` kinds.
pub fn run(
    out: &Path,
    generated: &Generated,
    threads: usize,
    weakened: &[Kind],
    stages: &mut Stages,
) -> Result<Detection, Error> {
    stages.start("scan");
    let scanned = scan(out, &generated.leak_dir, threads, weakened)?;
    let detection = report::detection(&generated.truth.spans, scanned.findings);
    stages.finish(stage(
        "scan",
        scanned.bytes,
        "B",
        Some(scanned.bytes),
        format!(
            "{} members, {:.1} MB decompressed, {} findings{}",
            scanned.members,
            scanned.bytes as f64 / 1e6,
            detection.found,
            if scanned.errors > 0 {
                format!(", {} errors", scanned.errors)
            } else {
                String::new()
            }
        ),
    ));
    Ok(detection)
}

#[derive(Default)]
struct Scanned {
    findings: Vec<ScoredFinding>,
    bytes: u64,
    members: u64,
    errors: u64,
}

/// All kinds, archives expanded, CSV hints and the default threshold, as
/// `breachwatch scan`; each finding's path is made relative to `out`
/// because the truth names members that way.
fn scan(out: &Path, leak: &Path, threads: usize, weakened: &[Kind]) -> Result<Scanned, Error> {
    let pipeline = Pipeline::new(bw_scan::Options {
        // Findings are scored by byte offsets: no line numbers to keep.
        lines: false,
        walk: WalkOptions {
            threads,
            ..WalkOptions::default()
        },
        ..bw_scan::Options::default()
    });
    let prefix = format!("{}/", out.display());
    let all = Mutex::new(Scanned::default());
    let failure: Mutex<Option<String>> = Mutex::new(None);
    pipeline.run(&[leak.to_path_buf()], || Collect {
        local: Scanned::default(),
        all: &all,
        failure: &failure,
        prefix: &prefix,
        weakened,
    });
    if let Some(e) = lock(&failure).take() {
        return Err(Error::Scan(e));
    }
    Ok(all.into_inner().unwrap_or_else(|p| p.into_inner()))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking scan thread already failed the drill; the data is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One scan thread's findings, merged into `all` when it ends, so threads
/// do not contend on a lock per finding.
struct Collect<'a> {
    local: Scanned,
    all: &'a Mutex<Scanned>,
    failure: &'a Mutex<Option<String>>,
    prefix: &'a str,
    weakened: &'a [Kind],
}

impl Visitor for Collect<'_> {
    fn finding(&mut self, f: &Found<'_>) -> std::io::Result<()> {
        if self.weakened.contains(&f.kind) {
            return Ok(());
        }
        self.local.findings.push(ScoredFinding {
            path: f
                .path
                .strip_prefix(self.prefix)
                .unwrap_or(f.path)
                .to_string(),
            start: f.start,
            end: f.end,
            kind: f.kind.as_str().to_string(),
            detector: Some(f.detector.to_string()),
        });
        Ok(())
    }

    fn scanned(&mut self, s: &bw_scan::Scanned<'_>) -> std::io::Result<()> {
        self.local.bytes += s.bytes;
        if !s.piece {
            self.local.members += 1;
        }
        Ok(())
    }

    fn problem(&mut self, p: Problem<'_>) {
        match p {
            Problem::Source(_) | Problem::Member(_) | Problem::Read { .. } => {
                self.local.errors += 1
            }
            Problem::Notice(_) | Problem::Skipped(_) => {}
        }
    }

    fn aborted(&mut self, name: &str, e: std::io::Error) {
        *lock(self.failure) = Some(format!("{name}: {e}"));
    }
}

impl Drop for Collect<'_> {
    fn drop(&mut self) {
        let mut all = lock(self.all);
        all.findings.append(&mut self.local.findings);
        all.bytes += self.local.bytes;
        all.members += self.local.members;
        all.errors += self.local.errors;
    }
}
