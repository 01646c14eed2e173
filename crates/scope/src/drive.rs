//! The scope driver: runs the scan pipeline over a leak with records on,
//! and matches each record against the registry.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bw_detect::Kind;
use bw_registry::Registry;
use bw_scan::{Found, InputDone, Item, Pipeline, Problem, RecordOptions, Scanned, Skip, Visitor};

use crate::matcher::{Context, Matcher, Tally};
use crate::report::{EvidenceFile, ItemError, ScopeReport};
use crate::{Error, ScopeOptions};

/// Scans `paths` (files, directories, `-` for stdin) and reports which
/// customers of `reg` they expose. Unreadable inputs are per-item errors
/// in the report, not failures of the call.
pub fn scope(paths: &[PathBuf], reg: &Registry, opts: &ScopeOptions) -> Result<ScopeReport, Error> {
    if paths.is_empty() {
        return Err(Error::NoPaths);
    }
    let ctx = Context::new(reg, opts);
    let pipeline = Pipeline::new(bw_scan::Options {
        // Every kind: identifiers say who a record is, the other kinds
        // what of theirs is exposed.
        kinds: Kind::ALL,
        min_score: opts.min_score,
        binary: opts.binary,
        walk: bw_scan::WalkOptions {
            threads: opts.threads.max(1),
            follow_links: opts.follow_links,
            max_filesize: opts.max_filesize,
            resolvers: opts.resolvers.clone(),
            select: opts.select.clone(),
        },
        formats: bw_formats::Options::default(),
        lines: true,
        digest: true,
        split: false,
        records: Some(RecordOptions {
            gap: opts.record_gap,
        }),
    });
    let shared = Shared {
        ctx: &ctx,
        tallies: Mutex::new(Vec::new()),
        files: Mutex::new(Vec::new()),
        errors: Mutex::new(Vec::new()),
        warnings: Mutex::new(Vec::new()),
        bytes: AtomicU64::new(0),
        bug: Mutex::new(None),
    };
    pipeline.run(paths, || Worker::new(&shared));
    if let Some(bug) = lock(&shared.bug).take() {
        return Err(Error::Offsets(bug));
    }
    let tallies = std::mem::take(&mut *lock(&shared.tallies));
    let mut report = ctx.finish(tallies);
    report.files = std::mem::take(&mut *lock(&shared.files));
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.errors = std::mem::take(&mut *lock(&shared.errors));
    report.errors.sort_by(|a, b| a.path.cmp(&b.path));
    report.warnings = std::mem::take(&mut *lock(&shared.warnings));
    report.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    report.bytes_scanned = shared.bytes.load(Ordering::Relaxed);
    Ok(report)
}

struct Shared<'c, 'r> {
    ctx: &'c Context<'r>,
    tallies: Mutex<Vec<Tally>>,
    files: Mutex<Vec<EvidenceFile>>,
    errors: Mutex<Vec<ItemError>>,
    warnings: Mutex<Vec<ItemError>>,
    bytes: AtomicU64,
    bug: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking worker already failed the run; what it left is still
    // consistent enough to report.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn item_error(path: impl Into<String>, message: impl ToString) -> ItemError {
    ItemError {
        path: path.into(),
        message: message.to_string(),
    }
}

/// One thread's matcher, and the counts of the input it is on.
struct Worker<'s, 'c, 'r> {
    shared: &'s Shared<'c, 'r>,
    matcher: Option<Matcher<'c, 'r>>,
    /// Findings per kind in the current top-level input.
    counts: [u64; Kind::COUNT],
}

impl<'s, 'c, 'r> Worker<'s, 'c, 'r> {
    fn new(shared: &'s Shared<'c, 'r>) -> Self {
        Worker {
            shared,
            matcher: Some(shared.ctx.matcher()),
            counts: [0; Kind::COUNT],
        }
    }
}

impl Visitor for Worker<'_, '_, '_> {
    fn finding(&mut self, found: &Found<'_>) -> io::Result<()> {
        self.counts[found.kind.index()] += 1;
        if let Some(hook) = &self.shared.ctx.opts.on_finding {
            (hook.0)(found);
        }
        Ok(())
    }

    fn record(&mut self, member: &str, items: &mut Vec<Item>) {
        if let Some(m) = self.matcher.as_mut() {
            m.record(member, items);
        }
    }

    fn scanned(&mut self, s: &Scanned<'_>) -> io::Result<()> {
        if let Some(w) = s.warning {
            lock(&self.shared.warnings).push(item_error(s.member, w));
        }
        if s.binary {
            lock(&self.shared.warnings).push(item_error(
                s.member,
                "binary content (a NUL byte in its first 8 KiB): not scanned",
            ));
        }
        self.shared.bytes.fetch_add(s.bytes, Ordering::Relaxed);
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        let counts = std::mem::replace(&mut self.counts, [0; Kind::COUNT]);
        let Some((sha256, size)) = done.digest.clone() else {
            return;
        };
        lock(&self.shared.files).push(EvidenceFile {
            path: done.name.to_string(),
            sha256,
            size,
            findings: Kind::ALL
                .iter()
                .filter(|k| counts[k.index()] > 0)
                .map(|k| (k.as_str(), counts[k.index()]))
                .collect(),
            version: done.version.map(str::to_string),
        });
    }

    fn problem(&mut self, p: Problem<'_>) {
        let shared = self.shared;
        match p {
            Problem::Source(e) => {
                lock(&shared.errors).push(item_error(e.item(), e));
            }
            Problem::Skipped(Skip::Special(p)) => {
                lock(&shared.warnings)
                    .push(item_error(p.display().to_string(), "special file skipped"));
            }
            Problem::Skipped(Skip::TooLarge(p, n)) => {
                lock(&shared.warnings).push(item_error(
                    p.display().to_string(),
                    format!("{n} bytes: over the size limit, skipped"),
                ));
            }
            Problem::Member(e) => lock(&shared.errors).push(item_error(e.name.clone(), &e)),
            Problem::Notice(n) => lock(&shared.warnings).push(item_error(n.name.clone(), &n)),
            Problem::Read { member, at, error } => lock(&shared.errors)
                .push(item_error(member, format!("reading at byte {at}: {error}"))),
        }
    }

    /// Only our own callbacks fail an expansion: a bug, not input.
    fn aborted(&mut self, _name: &str, e: io::Error) {
        lock(&self.shared.bug).get_or_insert(e.to_string());
    }

    fn go_on(&self) -> bool {
        lock(&self.shared.bug).is_none()
    }
}

impl Drop for Worker<'_, '_, '_> {
    fn drop(&mut self) {
        if let Some(m) = self.matcher.take() {
            lock(&self.shared.tallies).push(m.into_tally());
        }
    }
}
