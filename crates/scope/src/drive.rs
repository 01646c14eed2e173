//! The scope driver: walk, expand, scan, group into records, match.
//!
//! The walking and expansion loop mirrors `breachwatch scan`'s (the CLI's
//! `scan/mod.rs`) on purpose rather than sharing it: scan prints findings as
//! they come, scope only groups them, and the loop is short.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bw_detect::hints::csv::CsvHinter;
use bw_detect::{Engine, Hit, Kind, Start, StreamScanner};
use bw_registry::Registry;
use bw_sources::{Event, Haystack, Skip, WalkOptions};
use sha2::{Digest, Sha256};

use crate::matcher::{kind_counts, kind_slot, Context, Item, Matcher, Tally};
use crate::report::{EvidenceFile, ItemError, ScopeReport};
use crate::{Error, ScopeOptions};

/// A record never grows past this many findings: a long run of tightly
/// packed identifiers is a list, not one person.
const MAX_RECORD_ITEMS: usize = 64;

/// Scans `paths` (files, directories, `-` for stdin) and reports which
/// customers of `reg` they expose. Unreadable inputs are per-item errors
/// in the report, not failures of the call.
pub fn scope(paths: &[PathBuf], reg: &Registry, opts: &ScopeOptions) -> Result<ScopeReport, Error> {
    if paths.is_empty() {
        return Err(Error::NoPaths);
    }
    let ctx = Context::new(reg, opts);
    let shared = Shared {
        ctx: &ctx,
        // Every kind: identifiers say who a record is, the other kinds
        // what of theirs is exposed.
        engine: Engine::new(Kind::ALL),
        formats: bw_formats::Options::default(),
        tallies: Mutex::new(Vec::new()),
        files: Mutex::new(Vec::new()),
        errors: Mutex::new(Vec::new()),
        warnings: Mutex::new(Vec::new()),
        bytes: AtomicU64::new(0),
        bug: Mutex::new(None),
    };
    let walk = WalkOptions {
        threads: opts.threads.max(1),
        follow_links: opts.follow_links,
        max_filesize: opts.max_filesize,
    };
    bw_sources::walk(paths, &walk, || {
        let mut w = Worker::new(&shared);
        move |event| w.visit(event)
    });
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
    engine: Engine,
    formats: bw_formats::Options,
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

/// Groups a member's findings into records (see the crate docs).
#[derive(Default)]
struct Records {
    items: Vec<Item>,
    csv: bool,
    line: u64,
    last_end: u64,
    present: [bool; 3],
    /// A non-name finding came after the record's last name.
    name_closed: bool,
    /// Non-identifier findings (cards, dates of birth, …) not in a record
    /// yet: (item, line). They join the next record that starts on their
    /// line, as an IP address at the head of a log line belongs to the
    /// email later on it.
    loose: Vec<(Item, u64)>,
}

impl Records {
    fn starts_new(&self, gap: u64, slot: usize, line: u64, start: u64) -> bool {
        if self.items.is_empty() {
            return false;
        }
        if self.items.len() >= MAX_RECORD_ITEMS {
            return true;
        }
        if self.csv {
            return line != self.line;
        }
        if start > self.last_end.saturating_add(gap) {
            return true;
        }
        match slot {
            // Name parts (given, family) come in runs; a name after some
            // other identifier that followed a name is the next person.
            1 => self.present[1] && self.name_closed,
            // A second email or phone is most often the next person's.
            s => self.present[s],
        }
    }

    /// A finding of a kind that identifies nobody: part of the current
    /// record when on its line (CSV) or on its last identifier's line within
    /// the gap (elsewhere: one log line, one HTML or JSON line); otherwise
    /// held for a record starting on its line.
    fn extra(&mut self, gap: u64, line: u64, item: Item) {
        let same = !self.items.is_empty()
            && line == self.line
            && (self.csv || item.start <= self.last_end.saturating_add(gap));
        if same && self.items.len() < MAX_RECORD_ITEMS {
            self.items.push(item);
        } else {
            self.loose.retain(|(_, l)| *l == line);
            self.loose.push((item, line));
        }
    }

    fn push(&mut self, gap: u64, slot: usize, line: u64, item: Item) {
        if self.items.is_empty() {
            for (extra, l) in self.loose.drain(..) {
                if l == line && (self.csv || extra.end.saturating_add(gap) >= item.start) {
                    self.items.push(extra);
                }
            }
        }
        self.line = line;
        self.last_end = item.end;
        self.present[slot] = true;
        self.name_closed = self.present[1] && slot != 1;
        self.items.push(item);
    }

    fn flush(&mut self, path: &str, m: &mut Matcher<'_, '_>) {
        if !self.items.is_empty() {
            m.record(path, &mut self.items);
        }
        self.items.clear();
        self.present = [false; 3];
        self.name_closed = false;
    }
}

struct Worker<'s, 'c, 'r> {
    shared: &'s Shared<'c, 'r>,
    scanner: StreamScanner,
    matcher: Option<Matcher<'c, 'r>>,
    records: Records,
    /// Findings per kind in the current top-level input.
    counts: [u64; 3],
}

impl<'s, 'c, 'r> Worker<'s, 'c, 'r> {
    fn new(shared: &'s Shared<'c, 'r>) -> Self {
        Worker {
            shared,
            scanner: StreamScanner::default(),
            matcher: Some(shared.ctx.matcher()),
            records: Records::default(),
            counts: [0; 3],
        }
    }

    fn visit(&mut self, event: Event) -> bool {
        match event {
            Event::Haystack(h) => self.input(h),
            Event::Error(e) => {
                let path = match &e {
                    bw_sources::SourceError::Io { path, .. }
                    | bw_sources::SourceError::Walk { path, .. }
                    | bw_sources::SourceError::NotAFile { path, .. } => path.display().to_string(),
                };
                lock(&self.shared.errors).push(item_error(path, e));
            }
            Event::Skipped(Skip::Special(p)) => {
                lock(&self.shared.warnings)
                    .push(item_error(p.display().to_string(), "special file skipped"));
            }
            Event::Skipped(Skip::TooLarge(p, n)) => {
                lock(&self.shared.warnings).push(item_error(
                    p.display().to_string(),
                    format!("{n} bytes: over the size limit, skipped"),
                ));
            }
        }
        lock(&self.shared.bug).is_none()
    }

    fn input(&mut self, hay: Haystack) {
        let name = hay.display();
        self.counts = [0; 3];
        let formats = &self.shared.formats;
        let hashed = match hay {
            Haystack::File {
                file,
                len: Some(len),
                ..
            } => {
                let mut reader = Hashing::new(file);
                let res = bw_formats::expand_seekable(&name, &mut reader, formats, |ev| {
                    self.on_event(ev)
                });
                reader.finish_seekable().map(|sha| (res, sha, len))
            }
            // A FIFO (`<(zcat leak.gz)`) cannot seek: read it as a stream.
            Haystack::File {
                file, len: None, ..
            } => self.stream(&name, file),
            Haystack::Stdin => self.stream(&name, io::stdin().lock()),
        };
        let (res, sha, size) = match hashed {
            Ok(h) => h,
            Err(e) => {
                lock(&self.shared.errors)
                    .push(item_error(name, format!("hashing for evidence: {e}")));
                return;
            }
        };
        if let Err(e) = res {
            // Only our own callback fails an expansion: a bug, not input.
            let mut bug = lock(&self.shared.bug);
            bug.get_or_insert(e.to_string());
            return;
        }
        if self.counts.iter().any(|&n| n > 0) {
            lock(&self.shared.files).push(EvidenceFile {
                path: name,
                sha256: sha,
                size,
                findings: kind_counts(&self.counts),
            });
        }
    }

    /// Expands a stream that cannot seek, hashing every byte; returns the
    /// expansion's result, the hash and the bytes read.
    fn stream(
        &mut self,
        name: &str,
        input: impl Read,
    ) -> io::Result<(io::Result<bw_formats::Summary>, String, u64)> {
        let formats = &self.shared.formats;
        let mut reader = Hashing::new(input);
        let res = bw_formats::expand(name, &mut reader, formats, |ev| self.on_event(ev));
        let size = reader.pos;
        Ok((res, reader.finish_stream()?, size))
    }

    fn on_event(&mut self, event: bw_formats::Event<'_>) -> io::Result<()> {
        match event {
            bw_formats::Event::Member(m) => self.member(m),
            bw_formats::Event::Error(e) => {
                lock(&self.shared.errors).push(item_error(e.name.clone(), &e));
                Ok(())
            }
            bw_formats::Event::Notice(n) => {
                lock(&self.shared.warnings).push(item_error(n.name.clone(), &n));
                Ok(())
            }
        }
    }

    fn member(&mut self, member: bw_formats::Member<'_>) -> io::Result<()> {
        let shared = self.shared;
        let opts = &shared.ctx.opts;
        let name = member.name().to_string();
        let offsets = member.offsets();
        let csv = std::cell::Cell::new(false);
        let sniff = |first: &[u8]| {
            if !opts.binary && first[..first.len().min(8192)].contains(&0) {
                Start::Skip
            } else if let Some(h) = CsvHinter::sniff(&name, first) {
                csv.set(true);
                Start::Csv(h)
            } else {
                Start::Plain
            }
        };
        let Some(matcher) = self.matcher.as_mut() else {
            return Ok(());
        };
        let records = &mut self.records;
        let counts = &mut self.counts;
        *records = Records::default();
        let gap = opts.record_gap;
        let stats =
            self.scanner
                .scan_structured(&shared.engine, member, sniff, |hit: Hit<'_>| {
                    let f = hit.finding;
                    if f.score < opts.min_score {
                        return Ok(());
                    }
                    let slot = kind_slot(f.kind);
                    let (start, end) = offsets.raw_range(&name, f.start as u64, f.end as u64)?;
                    // `csv` is set by the sniff, which runs before any hit.
                    records.csv = csv.get();
                    let Some(slot) = slot else {
                        // Only its kind is kept: it is never matched or shown.
                        let item = Item {
                            kind: f.kind,
                            value: String::new(),
                            start,
                            end,
                        };
                        records.extra(gap, hit.line, item);
                        return Ok(());
                    };
                    counts[slot] += 1;
                    if records.starts_new(gap, slot, hit.line, start) {
                        records.flush(&name, matcher);
                    }
                    records.push(
                        gap,
                        slot,
                        hit.line,
                        Item {
                            kind: f.kind,
                            value: text(hit.value()),
                            start,
                            end,
                        },
                    );
                    Ok(())
                })?;
        records.flush(&name, matcher);
        if let Some(w) = stats.warning {
            lock(&shared.warnings).push(item_error(name, w));
        }
        shared.bytes.fetch_add(stats.bytes, Ordering::Relaxed);
        Ok(())
    }
}

/// A finding's bytes as text: nearly always valid UTF-8, which the check
/// confirms faster than the lossy conversion's scan.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

impl Drop for Worker<'_, '_, '_> {
    fn drop(&mut self) {
        if let Some(m) = self.matcher.take() {
            lock(&self.shared.tallies).push(m.into_tally());
        }
    }
}

/// Hashes what the expander reads, as long as it reads forward; whatever
/// it skipped or re-read out of order is hashed again at the end, so the
/// digest is always of the whole input and a plain file is read once.
struct Hashing<R> {
    inner: R,
    pos: u64,
    hashed: u64,
    sha: Sha256,
}

impl<R> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            pos: 0,
            hashed: 0,
            sha: Sha256::new(),
        }
    }

    fn hex(sha: Sha256) -> String {
        sha.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl<R: Read> Hashing<R> {
    /// For a stream: hashes what the expander left unread.
    fn finish_stream(mut self) -> io::Result<String> {
        io::copy(&mut self, &mut io::sink())?;
        Ok(Self::hex(self.sha))
    }
}

impl<R: Read + Seek> Hashing<R> {
    /// For a file: reads on from the first byte not yet hashed.
    fn finish_seekable(mut self) -> io::Result<String> {
        self.pos = self.inner.seek(SeekFrom::Start(self.hashed))?;
        io::copy(&mut self, &mut io::sink())?;
        Ok(Self::hex(self.sha))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let end = self.pos + n as u64;
        if self.pos <= self.hashed && end > self.hashed {
            let from = (self.hashed - self.pos) as usize;
            self.sha.update(&buf[from..n]);
            self.hashed = end;
        }
        self.pos = end;
        Ok(n)
    }
}

impl<R: Seek> Seek for Hashing<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}
