//! `breachwatch scan`: walk, scan, report.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use bw_detect::hints::csv::CsvHinter;
use bw_detect::stream::{StreamScanner, StreamStats};
use bw_detect::{Engine, Hit, Kind, KindSet, Start};
use bw_formats::{Encoding, Offsets};
use bw_report::{sarif, Format, Record};
use bw_sources::{Event, Haystack, Skip, WalkOptions};
use clap::{Args, ValueEnum};

use crate::exit;
use crate::home::{self, parse_size, Config};
use crate::progress::{Counters, Progress};

mod split;

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
            (None, None) => 0.5,
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
        Ok(Options {
            paths: crate::default_paths(args.paths),
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
            },
        })
    }
}

/// State shared by the scanning threads.
struct Shared {
    opts: Options,
    engine: Engine,
    counters: Arc<Counters>,
    /// Findings reported, by [`Kind::index`].
    by_kind: Mutex<[u64; Kind::COUNT]>,
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
    formats: bw_formats::Options,
    /// Threads that may still be started to help with a large file: one
    /// fewer than `--threads`, shared by all files.
    spare: AtomicUsize,
}

pub fn run(args: ScanArgs) -> Result<u8> {
    let cfg = Config::load(&home::data_dir()?)?;
    let opts = Options::resolve(args, cfg.scan)?;
    let shared = Shared {
        engine: Engine::new(opts.kinds),
        counters: Arc::new(Counters::default()),
        by_kind: Mutex::new([0; Kind::COUNT]),
        errors: AtomicU64::new(0),
        skipped: AtomicU64::new(0),
        binary_skipped: AtomicU64::new(0),
        split: AtomicU64::new(0),
        out: Mutex::new(io::BufWriter::with_capacity(1 << 16, io::stdout())),
        sarif: Mutex::new(sarif::Joiner::default()),
        closed: AtomicBool::new(false),
        formats: bw_formats::Options::default(),
        spare: AtomicUsize::new(opts.walk.threads - 1),
        opts,
    };
    let t0 = Instant::now();
    if shared.opts.format == Format::Sarif {
        if let Err(e) = sarif::write_head(&mut *lock(&shared.out), env!("CARGO_PKG_VERSION")) {
            note_write_error(&shared, e);
        }
    }
    let progress = Progress::start(shared.counters.clone());
    bw_sources::walk(&shared.opts.paths, &shared.opts.walk, || {
        let mut worker = Worker::new(&shared);
        move |event| worker.visit(event)
    });
    progress.finish();

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
    Ok(if shared.errors.load(Ordering::Relaxed) > 0 {
        exit::ERROR
    } else if findings > 0 {
        exit::FOUND
    } else {
        exit::CLEAN
    })
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

/// One scanning thread: its own scanner scratch and output.
struct Worker<'s> {
    shared: &'s Shared,
    scanner: StreamScanner,
    out: Out<'s>,
}

/// Output is flushed to stdout in blocks of about this size, so threads do
/// not contend on the stdout lock per finding and lines never interleave.
const FLUSH_AT: usize = 64 * 1024;

impl<'s> Worker<'s> {
    fn new(shared: &'s Shared) -> Worker<'s> {
        let mut scanner = StreamScanner::default();
        // JSON Lines reports byte offsets only; counting lines for it was
        // about 5% of a dense scan.
        scanner.track_lines(shared.opts.format != Format::Jsonl);
        Worker {
            shared,
            scanner,
            out: Out {
                shared,
                buf: Vec::with_capacity(FLUSH_AT * 2),
                jsonl: bw_report::JsonlWriter::default(),
                by_kind: [0; Kind::COUNT],
                unpublished: 0,
            },
        }
    }

    /// Handles one walk event; returns `false` to stop the walk.
    fn visit(&mut self, event: Event) -> bool {
        if self.shared.closed.load(Ordering::Relaxed) {
            return false;
        }
        match event {
            Event::Haystack(h) => self.scan(h),
            Event::Error(e) => {
                eprintln!("breachwatch: {e}");
                self.shared.errors.fetch_add(1, Ordering::Relaxed);
            }
            Event::Skipped(Skip::Special(_) | Skip::TooLarge(..)) => {
                self.shared.skipped.fetch_add(1, Ordering::Relaxed);
            }
        }
        !self.shared.closed.load(Ordering::Relaxed)
    }

    fn scan(&mut self, hay: Haystack) {
        let name = hay.display();
        let formats = &self.shared.formats;
        let res = match hay {
            Haystack::File { file, len, .. } => {
                let file = &file;
                bw_formats::expand_seekable(&name, file, formats, |ev| {
                    self.on_event(ev, len.map(|len| (file, len)))
                })
            }
            Haystack::Stdin => bw_formats::expand(&name, io::stdin().lock(), formats, |ev| {
                self.on_event(ev, None)
            }),
        };
        // Only our own output errors stop an expansion; data problems
        // arrived as events.
        if let Err(e) = res {
            note_write_error(self.shared, e);
        }
        self.out.flush_or_note();
    }

    /// `file` is the open file and its length when the input is a regular
    /// file.
    fn on_event(
        &mut self,
        event: bw_formats::Event<'_>,
        file: Option<(&File, u64)>,
    ) -> io::Result<()> {
        match event {
            bw_formats::Event::Member(member) => {
                // The file's own bytes, as stored, can be read in parts by
                // position.
                let whole =
                    file.filter(|_| member.depth() == 0 && member.encoding() == Encoding::AsIs);
                let helpers = whole.map_or(0, |(_, len)| split::take_helpers(self.shared, len));
                let res = match whole {
                    Some((file, len)) if helpers > 0 => {
                        self.scan_split(member.name(), file, len, helpers)
                    }
                    _ => self.scan_member(member),
                };
                split::give_back(self.shared, helpers);
                res
            }
            bw_formats::Event::Error(e) => {
                eprintln!("breachwatch: {e}");
                self.shared.errors.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            bw_formats::Event::Notice(n) => {
                eprintln!("breachwatch: warning: {n}");
                Ok(())
            }
        }
    }

    /// Scans one member (a plain file, or a decompressed/archived member),
    /// reporting offsets into the member's raw bytes.
    fn scan_member(&mut self, member: bw_formats::Member<'_>) -> io::Result<()> {
        let shared = self.shared;
        let name = member.name().to_string();
        let offsets = member.offsets();
        let mut binary = false;
        let sniff = |first: &[u8]| start_for(&shared.opts, &name, first, &mut binary);
        let out = &mut self.out;
        let stats = self
            .scanner
            .scan_structured(&shared.engine, member, sniff, |hit: Hit<'_>| {
                out.hit(&name, &offsets, hit)
            });
        out.done(&name, stats)?;
        if binary {
            shared.binary_skipped.fetch_add(1, Ordering::Relaxed);
        } else {
            shared.counters.files.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// How to scan a stream named `name` starting with `first`: binary content
/// is skipped (and `binary` set) unless asked for; CSV gets column hints.
fn start_for(opts: &Options, name: &str, first: &[u8], binary: &mut bool) -> Start {
    *binary = !opts.binary && has_nul(&first[..first.len().min(8192)]);
    if *binary {
        Start::Skip
    } else if let Some(csv) = CsvHinter::sniff(name, first) {
        Start::Csv(csv)
    } else {
        Start::Plain
    }
}

/// A thread's findings, rendered into a buffer that is flushed to stdout
/// in blocks, and its tallies.
struct Out<'s> {
    shared: &'s Shared,
    buf: Vec<u8>,
    jsonl: bw_report::JsonlWriter,
    /// Findings reported, by [`Kind::index`].
    by_kind: [u64; Kind::COUNT],
    /// Findings not yet added to the shared counter (read by the progress
    /// line): threads bumping one atomic per finding contend for its cache
    /// line, so it is published per output block.
    unpublished: u64,
}

impl Out<'_> {
    /// Renders one finding of `name` (offsets mapped through `offsets`).
    fn hit(&mut self, name: &str, offsets: &Offsets, hit: Hit<'_>) -> io::Result<()> {
        let opts = &self.shared.opts;
        let f = hit.finding;
        if f.score < opts.min_score {
            return Ok(());
        }
        let (start, end) = offsets.raw_range(name, f.start as u64, f.end as u64)?;
        self.by_kind[f.kind.index()] += 1;
        self.unpublished += 1;
        let rec = Record {
            path: name,
            start: start as usize,
            end: end as usize,
            line: hit.line,
            column: hit.column,
            kind: f.kind,
            score: f.score,
            detector: f.detector,
            value: hit.value(),
            reveal: opts.reveal,
        };
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

    /// Accounts for one scanned stream of `name` (a member or a piece):
    /// its findings and bytes, and its structure warning (malformed CSV:
    /// the rest was scanned as plain text). Passes on an output error.
    fn done(&mut self, name: &str, stats: io::Result<StreamStats>) -> io::Result<()> {
        self.publish();
        let stats = stats?;
        self.shared
            .counters
            .bytes
            .fetch_add(stats.bytes, Ordering::Relaxed);
        if let Some(w) = &stats.warning {
            eprintln!("breachwatch: warning: {name}: {w}");
        }
        Ok(())
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

impl Drop for Out<'_> {
    fn drop(&mut self) {
        self.flush_or_note();
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

fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
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
