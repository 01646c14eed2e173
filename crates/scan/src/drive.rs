//! The scan loop: walk events → inputs → members → findings (and records)
//! handed to each thread's visitor. The only one in breachwatch.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::PathBuf;

use bw_detect::{Hit, StreamScanner};
use bw_formats::{Encoding, Location};
use bw_sources::{Event, Haystack};

use crate::digest::Hashing;
use crate::records::{Place, Records};
use crate::rendered;
use crate::sniff::{sniff, Sniffed};
use crate::{split, table, Found, InputDone, Pipeline, Problem, Scanned, Visitor};

pub(crate) fn run<M, V>(p: &Pipeline, paths: &[PathBuf], make: &M)
where
    M: Fn() -> V + Sync,
    V: Visitor + Send,
{
    bw_sources::walk(paths, &p.opts.walk, || {
        let mut worker = Worker::new(p, make);
        move |event| worker.visit(event)
    });
}

/// One scanning thread: its visitor, its scanner scratch (reused across
/// inputs, so scanning allocates nothing after warm-up) and its record
/// grouping.
pub(crate) struct Worker<'p, M, V> {
    pub(crate) p: &'p Pipeline,
    pub(crate) make: &'p M,
    pub(crate) visitor: V,
    pub(crate) scanner: StreamScanner,
    records: Records,
    /// Members of the current input.
    members: u64,
    /// Whether the current input was split.
    split: bool,
}

impl<'p, M, V> Worker<'p, M, V>
where
    M: Fn() -> V + Sync,
    V: Visitor + Send,
{
    pub(crate) fn new(p: &'p Pipeline, make: &'p M) -> Self {
        let mut scanner = StreamScanner::default();
        scanner.track_lines(p.opts.lines || p.opts.records.is_some());
        Worker {
            p,
            make,
            visitor: make(),
            scanner,
            records: Records::default(),
            members: 0,
            split: false,
        }
    }

    /// Handles one walk event; returns `false` to stop the walk.
    fn visit(&mut self, event: Event) -> bool {
        if !self.visitor.go_on() {
            return false;
        }
        match event {
            Event::Haystack(h) => self.input(h),
            Event::Error(e) => self.visitor.problem(Problem::Source(e)),
            Event::Skipped(s) => self.visitor.problem(Problem::Skipped(s)),
        }
        self.visitor.go_on()
    }

    fn input(&mut self, hay: Haystack) {
        let name = hay.display();
        self.members = 0;
        self.split = false;
        let digest = self.p.opts.digest;
        let mut version = None;
        let mut rows = None;
        let res = match hay {
            Haystack::File {
                file,
                len: Some(len),
                ..
            } if digest => {
                let mut reader = Hashing::new(&file);
                let res = self.expand_seekable(&name, &mut reader, None);
                res.map(|()| reader.finish_seekable().map(|(sha, _)| Some((sha, len))))
            }
            Haystack::File {
                file,
                len: Some(len),
                ..
            } => self
                .expand_seekable(&name, &file, Some((&file, len)))
                .map(|()| Ok(None)),
            // A FIFO (`<(zcat leak.gz)`) cannot seek: read it as a stream.
            Haystack::File {
                file, len: None, ..
            } => self.expand_stream(&name, file, digest),
            Haystack::Stdin => self.expand_stream(&name, io::stdin().lock(), digest),
            Haystack::Stream {
                reader, version: v, ..
            } => {
                // A stream that gives no byte at all (an object deleted
                // since it was listed, a refused GET) could not be opened:
                // a source error, as for a file; a later failure is a
                // member's, after what it gave.
                let reader = match first_bytes(reader) {
                    Ok(reader) => reader,
                    Err(e) => {
                        self.visitor
                            .problem(Problem::Source(bw_sources::SourceError::Remote {
                                name,
                                reason: e.to_string(),
                            }));
                        return;
                    }
                };
                version = v;
                self.expand_stream(&name, reader, digest)
            }
            Haystack::Table { rows: reader, .. } => {
                let mut n = 0;
                let sum = digest.then(table::Sum::default);
                let res = self.expand_table(&name, reader, &mut n, sum.clone());
                rows = Some(n);
                version = Some(table::rows_read(n));
                res.map(|()| Ok(sum.map(table::Sum::finish)))
            }
        };
        let digest = match res {
            // Only the visitor's own error stops an expansion; problems
            // with the data arrived as events.
            Err(e) => {
                self.visitor.aborted(&name, e);
                return;
            }
            Ok(Err(e)) => {
                self.visitor.problem(Problem::Source(source_error(
                    &name,
                    io::Error::new(e.kind(), format!("reading for the evidence hash: {e}")),
                )));
                None
            }
            Ok(Ok(None)) => None,
            Ok(Ok(Some((sha, len)))) => Some((sha, len)),
        };
        self.visitor.input_done(&InputDone {
            name: &name,
            digest,
            members: self.members,
            split: self.split,
            version: version.as_deref(),
            rows,
        });
    }

    /// Expands a seekable input; `file` is the open regular file and its
    /// length when its pieces may be read by position (never while
    /// hashing: the hash must see the bytes in order).
    fn expand_seekable<R: Read + Seek + Send>(
        &mut self,
        name: &str,
        reader: R,
        file: Option<(&File, u64)>,
    ) -> io::Result<()> {
        let formats = &self.p.opts.formats;
        bw_formats::expand_seekable(name, reader, formats, |ev| self.on_event(ev, file)).map(|_| ())
    }

    /// Expands an input that cannot seek; with `digest`, hashes it whole.
    fn expand_stream(
        &mut self,
        name: &str,
        input: impl Read,
        digest: bool,
    ) -> io::Result<io::Result<Option<(String, u64)>>> {
        let formats = &self.p.opts.formats;
        if !digest {
            // Hashing every byte of stdin for nobody would cost a SHA-256
            // pass on a plain scan.
            bw_formats::expand(name, input, formats, |ev| self.on_event(ev, None))?;
            return Ok(Ok(None));
        }
        let mut reader = Hashing::new(input);
        bw_formats::expand(name, &mut reader, formats, |ev| self.on_event(ev, None))?;
        Ok(reader.finish_stream().map(Some))
    }

    /// Expands a database table: its reader runs on a thread of its own,
    /// its rows rendered as CSV members (see `bw_formats::expand_table`);
    /// `rows` counts them, `sum` hashes the rendered text.
    fn expand_table(
        &mut self,
        name: &str,
        reader: bw_sources::TableReader,
        rows: &mut u64,
        sum: Option<table::Sum>,
    ) -> io::Result<()> {
        let formats = &self.p.opts.formats;
        let read = |writer: &mut bw_formats::TableWriter| {
            if let Some(sum) = &sum {
                sum.tap(writer);
            }
            reader(&mut table::Rows { writer, rows })
        };
        bw_formats::expand_table(name, read, formats, |ev| self.on_event(ev, None)).map(|_| ())
    }

    fn on_event(
        &mut self,
        event: bw_formats::Event<'_>,
        file: Option<(&File, u64)>,
    ) -> io::Result<()> {
        match event {
            bw_formats::Event::Member(member) => {
                self.members += 1;
                // The file's own bytes, as stored, can be read in parts by
                // position.
                let whole = file.filter(|_| {
                    self.p.opts.split && member.depth() == 0 && member.encoding() == Encoding::AsIs
                });
                let helpers = whole.map_or(0, |(_, len)| split::take_helpers(self.p, len));
                let res = match whole {
                    Some((file, len)) if helpers > 0 => {
                        self.split = true;
                        self.scan_split(member.name(), file, len, helpers)
                    }
                    _ => self.member(member),
                };
                split::give_back(self.p, helpers);
                res
            }
            bw_formats::Event::Error(e) => {
                self.visitor.problem(Problem::Member(e));
                Ok(())
            }
            bw_formats::Event::Notice(n) => {
                self.visitor.problem(Problem::Notice(n));
                Ok(())
            }
        }
    }

    /// Scans one member (a plain file, or a decompressed/archived member),
    /// reporting offsets into the member's raw bytes.
    fn member(&mut self, member: bw_formats::Member<'_>) -> io::Result<()> {
        let opts = &self.p.opts;
        let name = member.name().to_string();
        let offsets = member.offsets();
        let encoding = member.encoding();
        let sniffed = Cell::new(Sniffed::Plain);
        let first = |head: &[u8]| {
            let (start, s) = match encoding {
                Encoding::Rendered(shape) => rendered::sniff(shape, &name, head),
                _ => sniff(opts.binary, &name, head),
            };
            sniffed.set(s);
            start
        };
        let visitor = &mut self.visitor;
        let records = opts.records.map(|r| (r, &mut self.records));
        let mut started = false;
        let stats = match records {
            None => {
                self.scanner
                    .scan_structured(&self.p.engine, member, first, |hit: Hit<'_>| {
                        let f = hit.finding;
                        if f.score < opts.min_score {
                            return Ok(());
                        }
                        let (start, end) =
                            offsets.raw_range(&name, f.start as u64, f.end as u64)?;
                        let location = offsets.location(f.start as u64);
                        let line = offsets.line(hit.line);
                        let at = found(&name, start, end, &hit, location.as_ref());
                        visitor.finding(&Found { line, ..at })
                    })?
            }
            Some((ropts, records)) => {
                let stats = self.scanner.scan_structured(
                    &self.p.engine,
                    member,
                    first,
                    |hit: Hit<'_>| {
                        let f = hit.finding;
                        if f.score < opts.min_score {
                            return Ok(());
                        }
                        if !started {
                            // The sniff ran before the first hit.
                            records.start(ropts, sniffed.get().by_line());
                            started = true;
                        }
                        let (start, end) =
                            offsets.raw_range(&name, f.start as u64, f.end as u64)?;
                        let location = offsets.location(f.start as u64);
                        let line = offsets.line(hit.line);
                        let at = found(&name, start, end, &hit, location.as_ref());
                        visitor.finding(&Found { line, ..at })?;
                        let place = Place {
                            line: hit.line,
                            record: hit.record,
                        };
                        records.add(
                            (f.kind, f.detector),
                            hit.value(),
                            (start, end),
                            place,
                            |items| visitor.record(&name, items),
                        );
                        Ok(())
                    },
                )?;
                if started {
                    records.flush(|items| visitor.record(&name, items));
                }
                stats
            }
        };
        visitor.scanned(&Scanned {
            member: &name,
            bytes: stats.bytes,
            warning: stats.warning.as_deref(),
            binary: sniffed.get() == Sniffed::Binary,
            piece: false,
        })
    }
}

/// The visitor's view of a hit whose offsets were mapped to `start..end`.
pub(crate) fn found<'a>(
    name: &'a str,
    start: u64,
    end: u64,
    hit: &Hit<'a>,
    location: Option<&'a Location>,
) -> Found<'a> {
    let f = hit.finding;
    Found {
        path: name,
        start,
        end,
        line: hit.line,
        column: hit.column,
        kind: f.kind,
        score: f.score,
        detector: f.detector,
        value: hit.value(),
        location,
    }
}

/// `reader` with its first bytes read ahead (and given back first), or
/// the error that came instead.
fn first_bytes<R: Read>(mut reader: R) -> io::Result<io::Chain<io::Cursor<Vec<u8>>, R>> {
    let mut first = vec![0; 8 << 10];
    let n = loop {
        match reader.read(&mut first) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    first.truncate(n);
    Ok(io::Cursor::new(first).chain(reader))
}

/// An error reading input `name` that the walker had opened.
fn source_error(name: &str, source: io::Error) -> bw_sources::SourceError {
    bw_sources::SourceError::Io {
        path: PathBuf::from(name),
        source,
    }
}
