//! `breachwatch scan`: walk, scan, report.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use bw_detect::{Kind, KindSet};
use bw_report::{sarif, Format, Record};
use bw_scan::{Found, InputDone, Pipeline, Problem, Scanned, Skip, Visitor, WalkOptions};
use clap::{Args, ValueEnum};

use crate::exit;
use crate::home::{self, parse_size, Config};
use crate::progress::{Counters, Progress};
use crate::remote::objects;

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads stdin. Default: `.`.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Only these kinds (comma-separated), e.g. `email,payment_card`.
    #[arg(long)]
    pub kinds: Option<String>,
    /// Report findings scoring at least this (0..1). Default 0.5: what a
    /// privacy officer would call personal data.
    #[arg(long)]
    pub min_score: Option<f32>,
    /// Report every valid match, including role mailboxes, private IPs
    /// and other matches that are not a person's data (sets --min-score 0).
    #[arg(long)]
    pub all: bool,
    /// Scanning threads. Default: all cores.
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Include raw values in the output (default: redacted excerpts only).
    #[arg(long)]
    pub reveal: bool,
    /// Skip files larger than this (e.g. `100M`).
    #[arg(long, value_parser = parse_size_arg)]
    pub max_filesize: Option<u64>,
    /// Scan binary files too (skipped by default: a NUL byte in the first 8 KiB).
    #[arg(long)]
    pub binary: bool,
    /// Follow symbolic links met while walking directories.
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// No summary on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub sources: crate::remote::SourceArgs,
}

fn parse_size_arg(s: &str) -> Result<u64, String> {
    parse_size(s)
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    Human,
    Jsonl,
    Sarif,
}

/// Options after merging flags over `config.toml`.
struct Options {
    paths: Vec<PathBuf>,
    format: Format,
    kinds: KindSet,
    min_score: f32,
    reveal: bool,
    binary: bool,
    quiet: bool,
    walk: WalkOptions,
}

impl Options {
    fn resolve(args: ScanArgs, cfg: home::ScanConfig) -> Result<Options> {
        let format = match (args.format, cfg.format.as_deref()) {
            (Some(f), _) => f,
            (None, Some(name)) => FormatArg::from_str(name, true).map_err(|_| {
                anyhow::anyhow!(
                    "config.toml: [scan] format {name:?} is not one of human, jsonl, sarif"
                )
            })?,
            (None, None) => FormatArg::Human,
        };
        let format = match format {
            FormatArg::Human => Format::Human,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Sarif => Format::Sarif,
        };
        let kinds = match (args.kinds, cfg.kinds) {
            (Some(list), _) => KindSet::parse_list(&list)?,
            (None, Some(list)) => {
                KindSet::parse_list(&list.join(",")).context("config.toml: [scan] kinds")?
            }
            (None, None) => Kind::ALL,
        };
        if kinds.is_empty() {
            bail!("--kinds: no kind given");
        }
        let all = args.all || cfg.all.unwrap_or(false);
        let min_score = match (args.min_score, cfg.min_score) {
            _ if all => 0.0,
            (Some(s), _) | (None, Some(s)) => s,
            (None, None) => bw_scan::DEFAULT_MIN_SCORE,
        };
        if !(0.0..=1.0).contains(&min_score) {
            bail!("--min-score {min_score}: must be between 0 and 1");
        }
        let max_filesize = match (args.max_filesize, cfg.max_filesize) {
            (Some(n), _) => Some(n),
            (None, Some(s)) => Some(
                parse_size(&s)
                    .map_err(|e| anyhow::anyhow!("config.toml: [scan] max-filesize: {e}"))?,
            ),
            (None, None) => None,
        };
        let threads = args
            .threads
            .or(cfg.threads)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let part = crate::remote::shard::part(&args.sources.shard)?;
        let paths = part.paths(args.paths, || crate::default_paths(Vec::new()));
        part.check(&paths)?;
        Ok(Options {
            paths,
            format,
            kinds,
            min_score,
            reveal: args.reveal || cfg.reveal.unwrap_or(false),
            binary: args.binary || cfg.binary.unwrap_or(false),
            quiet: args.quiet || cfg.quiet.unwrap_or(false),
            walk: WalkOptions {
                threads,
                follow_links: args.follow || cfg.follow.unwrap_or(false),
                max_filesize,
                resolvers: crate::remote::resolvers(&args.sources),
                select: part.select,
            },
        })
    }
}

/// State shared by the scanning threads.
struct Shared {
    opts: Options,
    counters: Arc<Counters>,
    /// Findings reported, by [`Kind::index`].
    by_kind: Mutex<[u64; Kind::COUNT]>,
    /// Canary findings reported (beside the findings they matched).
    canaries: AtomicU64,
    errors: AtomicU64,
    skipped: AtomicU64,
    binary_skipped: AtomicU64,
    /// Files scanned in pieces by several threads.
    split: AtomicU64,
    out: Mutex<io::BufWriter<io::Stdout>>,
    /// Joins the threads' SARIF results into one array; locked after `out`.
    sarif: Mutex<sarif::Joiner>,
    /// Set when stdout closed (e.g. `| head`): stop quietly.
    closed: AtomicBool,
}

pub fn run(mut args: ScanArgs) -> Result<u8> {
    let cfg = Config::load(&home::data_dir()?)?;
    // Scans of object stores keep what they read, for `--since-last`.
    let state = objects::ScanState::start(&mut args.sources.objects, &args.paths)?;
    let opts = Options::resolve(args, cfg.scan)?;
    if let Some(s) = &state {
        let kinds: Vec<&str> = opts.kinds.iter().map(|k| k.as_str()).collect();
        s.set_settings(&kinds.join(","), opts.min_score, opts.binary);
    }
    // Issued canaries are looked for in every scan; their sightings are
    // evidence, so inputs are then hashed as they are read.
    let watching = crate::canary::Watching::load()?;
    let pipeline = Pipeline::new(bw_scan::Options {
        kinds: opts.kinds,
        min_score: opts.min_score,
        binary: opts.binary,
        walk: opts.walk.clone(),
        formats: bw_formats::Options::default(),
        // JSON Lines reports byte offsets only; counting lines for it was
        // about 5% of a dense scan.
        lines: opts.format != Format::Jsonl,
        digest: watching.is_some(),
        split: true,
        records: None,
    });
    let shared = Shared {
        counters: Arc::new(Counters::default()),
        by_kind: Mutex::new([0; Kind::COUNT]),
        canaries: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        skipped: AtomicU64::new(0),
        binary_skipped: AtomicU64::new(0),
        split: AtomicU64::new(0),
        out: Mutex::new(io::BufWriter::with_capacity(1 << 16, io::stdout())),
        sarif: Mutex::new(sarif::Joiner::default()),
        closed: AtomicBool::new(false),
        opts,
    };
    let t0 = Instant::now();
    if shared.opts.format == Format::Sarif {
        if let Err(e) = sarif::write_head(&mut *lock(&shared.out), env!("CARGO_PKG_VERSION")) {
            note_write_error(&shared, e);
        }
    }
    let progress = Progress::start(shared.counters.clone());
    match &watching {
        Some(w) => {
            // Only the set and the hits cross threads; the recorder stays here.
            let (set, hits) = (&*w.set, &*w.hits);
            pipeline.run(&shared.opts.paths, || {
                let out = bw_canary::visitor::Watch::new(Out::new(&shared), set, hits);
                objects::recording(state.as_deref(), out)
            })
        }
        None => pipeline.run(&shared.opts.paths, || {
            objects::recording(state.as_deref(), Out::new(&shared))
        }),
    }
    progress.finish();
    if let Some(Err(e)) = state.map(|s| s.finish(shared.opts.quiet)) {
        eprintln!("breachwatch: {e:#}");
        shared.errors.fetch_add(1, Ordering::Relaxed);
    }

    if shared.opts.format == Format::Sarif && !shared.closed.load(Ordering::Relaxed) {
        if let Err(e) = sarif::write_tail(&mut *lock(&shared.out)) {
            note_write_error(&shared, e);
        }
    }
    if let Err(e) = lock(&shared.out).flush() {
        note_write_error(&shared, e);
    }
    if !shared.opts.quiet && !shared.closed.load(Ordering::Relaxed) {
        print_summary(&shared, t0.elapsed().as_secs_f64());
    }
    let findings = shared.counters.findings.load(Ordering::Relaxed);
    let canary_failed = match watching {
        Some(w) => w.finish()?.1,
        None => false,
    };
    Ok(
        if shared.errors.load(Ordering::Relaxed) > 0 || canary_failed {
            exit::ERROR
        } else if findings > 0 {
            exit::FOUND
        } else {
            exit::CLEAN
        },
    )
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking worker already failed the run; the data is still usable
    // for the summary.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A closed pipe ends the scan quietly; other write errors are errors.
fn note_write_error(shared: &Shared, e: io::Error) {
    if e.kind() == io::ErrorKind::BrokenPipe {
        shared.closed.store(true, Ordering::Relaxed);
    } else if !shared.closed.swap(true, Ordering::Relaxed) {
        eprintln!("breachwatch: writing output: {e}");
        shared.errors.fetch_add(1, Ordering::Relaxed);
    }
}

/// Output is flushed to stdout in blocks of about this size, so threads do
/// not contend on the stdout lock per finding and lines never interleave.
const FLUSH_AT: usize = 64 * 1024;

/// One thread's findings, rendered into a buffer that is flushed to stdout
/// in blocks, and its tallies.
struct Out<'s> {
    shared: &'s Shared,
    buf: Vec<u8>,
    jsonl: bw_report::JsonlWriter,
    /// Findings reported, by [`Kind::index`].
    by_kind: [u64; Kind::COUNT],
    /// Canary findings reported.
    canaries: u64,
    /// Findings not yet added to the shared counter (read by the progress
    /// line): threads bumping one atomic per finding contend for its cache
    /// line, so it is published per output block.
    unpublished: u64,
}

impl<'s> Out<'s> {
    fn new(shared: &'s Shared) -> Out<'s> {
        Out {
            shared,
            buf: Vec::with_capacity(FLUSH_AT * 2),
            jsonl: bw_report::JsonlWriter::default(),
            by_kind: [0; Kind::COUNT],
            canaries: 0,
            unpublished: 0,
        }
    }

    fn publish(&mut self) {
        let n = std::mem::take(&mut self.unpublished);
        self.shared
            .counters
            .findings
            .fetch_add(n, Ordering::Relaxed);
    }

    fn flush_or_note(&mut self) {
        if let Err(e) = flush_to(self.shared, &mut self.buf) {
            note_write_error(self.shared, e);
        }
    }
}

impl Out<'_> {
    /// `f` as the report writers take it.
    fn report<'f>(&self, f: &'f Found<'_>) -> Record<'f> {
        Record {
            path: f.path,
            start: f.start as usize,
            end: f.end as usize,
            line: f.line,
            column: f.column,
            kind: f.kind,
            score: f.score,
            detector: f.detector,
            value: f.value,
            reveal: self.shared.opts.reveal,
            location: f.location,
        }
    }
}

/// A canary seen is a finding of its own, kind `canary`, right after the
/// finding it matched (the stderr line and the sighting's record come at
/// the end of the run, from `Watching::finish`).
impl bw_canary::visitor::SeesCanaries for Out<'_> {
    fn canary(&mut self, f: &Found<'_>, canary: &bw_canary::set::Info) -> io::Result<()> {
        self.canaries += 1;
        let rec = self.report(f);
        let mark = bw_report::CanaryMark {
            id: &canary.id,
            recipient: &canary.recipient,
            export: &canary.export,
            issue: canary.issuance,
            revoked: canary.revoked,
        };
        match self.shared.opts.format {
            Format::Jsonl => self.jsonl.write_canary(&mut self.buf, &rec, &mark),
            Format::Human => bw_report::write_human_canary(&mut self.buf, &rec, &mark)?,
            Format::Sarif => sarif::push_canary(&mut self.buf, &rec, &mark)?,
        }
        Ok(())
    }
}

impl Visitor for Out<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        let opts = &self.shared.opts;
        self.by_kind[f.kind.index()] += 1;
        self.unpublished += 1;
        let rec = self.report(f);
        match opts.format {
            Format::Jsonl => self.jsonl.write(&mut self.buf, &rec),
            Format::Human => bw_report::write_human(&mut self.buf, &rec)?,
            Format::Sarif => sarif::push_result(&mut self.buf, &rec)?,
        }
        if self.buf.len() >= FLUSH_AT {
            self.publish();
            flush_to(self.shared, &mut self.buf)?;
        }
        Ok(())
    }

    /// Accounts for one scanned member or piece: its bytes, and its
    /// structure warning (malformed CSV: the rest was scanned as plain
    /// text).
    fn scanned(&mut self, s: &Scanned<'_>) -> io::Result<()> {
        self.publish();
        let c = &self.shared.counters;
        c.bytes.fetch_add(s.bytes, Ordering::Relaxed);
        if let Some(w) = s.warning {
            eprintln!("breachwatch: warning: {}: {w}", s.member);
        }
        if s.binary {
            self.shared.binary_skipped.fetch_add(1, Ordering::Relaxed);
        } else if !s.piece {
            c.files.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        if done.split {
            self.shared.counters.files.fetch_add(1, Ordering::Relaxed);
            self.shared.split.fetch_add(1, Ordering::Relaxed);
        }
        self.flush_or_note();
    }

    fn problem(&mut self, p: Problem<'_>) {
        let errors = &self.shared.errors;
        match p {
            Problem::Source(e) => {
                eprintln!("breachwatch: {e}");
                errors.fetch_add(1, Ordering::Relaxed);
            }
            Problem::Member(e) => {
                eprintln!("breachwatch: {e}");
                errors.fetch_add(1, Ordering::Relaxed);
            }
            Problem::Read { member, at, error } => {
                eprintln!("breachwatch: {member}: reading at byte {at}: {error}");
                errors.fetch_add(1, Ordering::Relaxed);
            }
            Problem::Notice(n) => eprintln!("breachwatch: warning: {n}"),
            Problem::Skipped(Skip::Special(_) | Skip::TooLarge(..)) => {
                self.shared.skipped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Only our own output errors stop an input; data problems arrived as
    /// problems.
    fn aborted(&mut self, _name: &str, e: io::Error) {
        note_write_error(self.shared, e);
        self.flush_or_note();
    }

    fn go_on(&self) -> bool {
        !self.shared.closed.load(Ordering::Relaxed)
    }
}

impl Drop for Out<'_> {
    fn drop(&mut self) {
        self.publish();
        self.flush_or_note();
        self.shared
            .canaries
            .fetch_add(self.canaries, Ordering::Relaxed);
        let mut totals = lock(&self.shared.by_kind);
        for (total, n) in totals.iter_mut().zip(self.by_kind) {
            *total += n;
        }
    }
}

fn flush_to(shared: &Shared, buf: &mut Vec<u8>) -> io::Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    let res = {
        let mut out = lock(&shared.out);
        if shared.opts.format == Format::Sarif {
            lock(&shared.sarif).write(&mut *out, buf)
        } else {
            out.write_all(buf)
        }
    };
    buf.clear();
    if let Err(e) = &res {
        if e.kind() == io::ErrorKind::BrokenPipe {
            shared.closed.store(true, Ordering::Relaxed);
        }
    }
    res
}

fn print_summary(shared: &Shared, secs: f64) {
    let c = &shared.counters;
    let bytes = c.bytes.load(Ordering::Relaxed);
    let mut line = format!(
        "scanned {} files, {:.1} MB in {:.2}s ({:.0} MB/s); {} findings",
        c.files.load(Ordering::Relaxed),
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs.max(1e-6),
        c.findings.load(Ordering::Relaxed),
    );
    let by_kind = *lock(&shared.by_kind);
    let parts: Vec<String> = Kind::ALL
        .iter()
        .filter(|k| by_kind[k.index()] > 0)
        .map(|k| format!("{k}: {}", by_kind[k.index()]))
        .collect();
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    for (what, n) in [
        ("canary findings", shared.canaries.load(Ordering::Relaxed)),
        (
            "large files scanned in pieces by several threads",
            shared.split.load(Ordering::Relaxed),
        ),
        (
            "binary files skipped",
            shared.binary_skipped.load(Ordering::Relaxed),
        ),
        (
            "files skipped (special or over --max-filesize)",
            shared.skipped.load(Ordering::Relaxed),
        ),
        ("errors", shared.errors.load(Ordering::Relaxed)),
    ] {
        if n > 0 {
            line.push_str(&format!("; {n} {what}"));
        }
    }
    eprintln!("{line}");
}
