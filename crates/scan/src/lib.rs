//! `bw-scan`: the one scan pipeline, sources → members → records → findings.
//!
//! Every command that looks at data — `scan`, `scope`, `incident
//! add-evidence`, `drill`, and next the server and new sources — runs
//! [`Pipeline::run`] and receives what it found through a [`Visitor`]; none
//! walks, expands, sniffs or drives a scanner itself. So there is one sniff
//! policy (binary content, CSV structure), one score threshold
//! ([`DEFAULT_MIN_SCORE`]), one way of splitting a large file across
//! threads and one definition of a record.
//!
//! The path a byte takes:
//! 1. [`bw_sources::walk`] turns paths (and `-`) into opened inputs on
//!    `walk.threads` threads; what it cannot open or passes over on
//!    purpose is a [`Problem`].
//! 2. [`bw_formats`] expands each input into members (archives,
//!    compressed files, UTF-16, quoted-printable mail); a member that fails
//!    or is suspicious is a [`Problem`] and the rest goes on.
//! 3. Each member is sniffed ([`sniff`]): binary content is skipped unless
//!    asked for, CSV gets column hints.
//! 4. A [`bw_detect::StreamScanner`] per thread scans it in bounded memory;
//!    each finding at or above the threshold reaches the visitor as a
//!    [`Found`], its offsets mapped back to the raw bytes.
//! 5. With [`Options::records`], findings are also grouped into
//!    [`records`] — the unit of structure one person's data sits in — and
//!    each finished record reaches [`Visitor::record`].
//!
//! A plain file of 64 MiB or more is scanned in pieces by spare threads
//! when [`Options::split`] is set (see `split.rs`); its findings are those
//! of a one-thread scan, in blocks per piece.
//!
//! What it must never do: print, read the environment, or keep a value
//! past the visitor call that hands it out (visitors decide what to keep);
//! allocate per finding on the plain scan path (records, which carry
//! values, are built only when asked for); stop a run because one input is
//! bad — only a visitor's own error stops its input, and only
//! [`Visitor::go_on`] stops the run.

mod digest;
mod drive;
pub mod records;
mod rendered;
mod sniff;
mod split;
mod table;

use std::io;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;

use bw_detect::{Engine, Kind, KindSet};
pub use bw_detect::{MAX_LOOKAHEAD, MAX_LOOKBEHIND};
pub use bw_formats::{FieldValue, Location, MemberError, Notice};
/// Lists inputs as the pipeline would meet them, without reading them
/// (`breachwatch plan` splits a run by it); scanning is [`Pipeline::run`].
pub use bw_sources::walk as list;
pub use bw_sources::{
    shard_hash, Event as SourceEvent, Haystack, Items, Remote, Resolver, Resolvers, Select, Shard,
    Skip, SourceError, TableReader, TableSink, WalkOptions,
};

pub use records::{Item, RecordOptions};
pub use sniff::{sniff, Sniffed};

/// The score from which a finding is a person's data, and reported, unless
/// a user asks otherwise. Role mailboxes, private IPs and the like score
/// below it.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;

/// How a [`Pipeline`] runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Kinds to detect; detectors of other kinds are never built.
    pub kinds: KindSet,
    /// Findings scoring below this never reach the visitor.
    pub min_score: f32,
    /// Scan members with a NUL byte in their first 8 KiB too.
    pub binary: bool,
    pub walk: WalkOptions,
    pub formats: bw_formats::Options,
    /// Give findings their line and column. Counting newlines is about 5%
    /// of a dense scan, so callers that report byte offsets only turn it
    /// off (records need it: they follow lines).
    pub lines: bool,
    /// Hash each input (SHA-256 of its bytes as read) for evidence; see
    /// [`Visitor::input_done`]. A hashed input is never split.
    pub digest: bool,
    /// Scan a large plain file in pieces on spare threads.
    pub split: bool,
    /// Group findings into records for [`Visitor::record`].
    pub records: Option<RecordOptions>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kinds: Kind::ALL,
            min_score: DEFAULT_MIN_SCORE,
            binary: false,
            walk: WalkOptions {
                threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
                ..WalkOptions::default()
            },
            formats: bw_formats::Options::default(),
            lines: true,
            digest: false,
            split: false,
            records: None,
        }
    }
}

/// One finding, as a visitor sees it: valid during the call only.
#[derive(Clone, Copy, Debug)]
pub struct Found<'a> {
    /// The member's name: the path, with `!entry` per container.
    pub path: &'a str,
    /// Byte offsets `[start, end)` into the member's raw bytes (for a
    /// message of an mbox, `box.mbox!3`, the mbox's: see
    /// [`bw_formats::Offsets::Message`]; its lines are the mbox's too).
    pub start: u64,
    pub end: u64,
    /// 1-based line and column of the start; 0 when lines are off.
    pub line: u64,
    pub column: u64,
    pub kind: Kind,
    pub score: f32,
    pub detector: &'static str,
    /// The matched bytes (decoded, where the member was: `%40` is `@`).
    pub value: &'a [u8],
    /// Where in a document the finding sits (a cell, a page, a table
    /// row), for members rendered from documents; their `start`/`end`
    /// are offsets into the rendered text.
    pub location: Option<&'a Location>,
}

/// What was not scanned, or not wholly: every such case reaches the
/// visitor, none is silent.
#[derive(Debug)]
pub enum Problem<'a> {
    /// An input could not be opened or walked.
    Source(SourceError),
    /// An input passed over on purpose (special file, over the size limit).
    Skipped(Skip),
    /// A member, or an archive as a whole, failed after what it delivered.
    Member(MemberError),
    /// A member was skipped or looks suspicious.
    Notice(Notice),
    /// A split file's read failed at `at` (reported once per file; the
    /// other pieces go on).
    Read {
        member: &'a str,
        at: u64,
        error: io::Error,
    },
}

/// How a scanned member (or piece of one) went.
#[derive(Clone, Copy, Debug)]
pub struct Scanned<'a> {
    pub member: &'a str,
    /// Bytes read (for a binary member, the head that was sniffed).
    pub bytes: u64,
    /// Why structure hints were abandoned part-way (e.g. malformed CSV):
    /// the rest was scanned as plain text.
    pub warning: Option<&'a str>,
    /// Its content is binary and was not scanned (see [`sniff`]).
    pub binary: bool,
    /// One of several pieces of a member split across threads: the
    /// member itself is counted once, by [`InputDone::split`].
    pub piece: bool,
}

/// A finished top-level input.
#[derive(Clone, Debug)]
pub struct InputDone<'a> {
    pub name: &'a str,
    /// SHA-256 (hex) and size of its bytes as read (a database table's:
    /// of its rows rendered as CSV, the text scanned), with
    /// [`Options::digest`]; `None` otherwise or when reading for the hash
    /// failed (then a [`Problem`] was reported).
    pub digest: Option<(String, u64)>,
    /// Members it was expanded into.
    pub members: u64,
    /// Whether it was scanned in pieces by several threads.
    pub split: bool,
    /// What identifies the bytes read, for a remote input (an object's
    /// ETag or version id; a database table's row count, `1000 rows`).
    pub version: Option<&'a str>,
    /// Rows read, for a database table (all of them, or the sample).
    pub rows: Option<u64>,
}

/// Receives what one thread of a [`Pipeline`] run finds. One visitor per
/// thread (see [`Pipeline::run`]): it owns its buffers and tallies and
/// merges them where it likes (typically on drop).
pub trait Visitor {
    /// A finding at or above the threshold, in stream order within a
    /// member (within a piece, for a split file). An error stops this
    /// input's expansion and reaches [`Visitor::aborted`].
    fn finding(&mut self, found: &Found<'_>) -> io::Result<()>;

    /// A finished record (with [`Options::records`]): its identifiers and
    /// the other findings that belong to the same person. Take what you
    /// keep: the vector is cleared after the call.
    fn record(&mut self, _member: &str, _items: &mut Vec<Item>) {}

    /// A member or a piece of one was scanned (or sniffed as binary).
    fn scanned(&mut self, _scanned: &Scanned<'_>) -> io::Result<()> {
        Ok(())
    }

    /// A top-level input is done.
    fn input_done(&mut self, _done: &InputDone<'_>) {}

    /// Something was not scanned, or not wholly.
    fn problem(&mut self, problem: Problem<'_>);

    /// The visitor's own error stopped input `name` (an output write
    /// failed, an offset could not be mapped back).
    fn aborted(&mut self, name: &str, error: io::Error);

    /// Checked between inputs and pieces: `false` ends the run early
    /// (e.g. the output pipe closed).
    fn go_on(&self) -> bool {
        true
    }
}

/// The pipeline, built once per run: the detection engine for the kinds
/// asked for, and the options.
pub struct Pipeline {
    engine: Engine,
    opts: Options,
    /// Threads that may still be started to help with a large file: one
    /// fewer than `walk.threads`, shared by all files of the run.
    spare: AtomicUsize,
}

impl Pipeline {
    pub fn new(opts: Options) -> Pipeline {
        Pipeline {
            engine: Engine::new(opts.kinds),
            spare: AtomicUsize::new(opts.walk.threads.max(1) - 1),
            opts,
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Scans `paths` (files, directories, `-` for stdin). `make` is called
    /// once per thread — walker threads and large-file helpers alike — for
    /// that thread's visitor. Returns when every input is done or a
    /// visitor said stop.
    pub fn run<M, V>(&self, paths: &[PathBuf], make: M)
    where
        M: Fn() -> V + Sync,
        V: Visitor + Send,
    {
        drive::run(self, paths, &make);
    }
}
