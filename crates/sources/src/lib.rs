//! `bw-sources` turns what the user named (paths, `-`, URLs) into haystacks
//! to scan: it walks directory trees in parallel and opens files, and hands
//! URLs to the [`Resolver`]s it was given (object stores, database tables
//! live in crates of their own and plug in here, so every command that
//! runs the pipeline reads them the same way).
//!
//! It knows nothing of detection or output. It must never skip a file
//! silently when the user would expect it scanned: every file it passes over
//! is either reported as an error naming the path and the reason, or
//! counted as a deliberate skip (special files met while walking, files over
//! the size limit).
//!
//! A run split across processes ([`Select`]: `--shard i/N`, a plan's
//! split) is applied here, to every item by name, before it is opened.

mod part;
mod select;

pub use select::{shard_hash, Items, Select, Shard};

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};

use part::Part;

/// Options for walking the paths given.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Follow symbolic links met while walking (links given as arguments
    /// are always followed).
    pub follow_links: bool,
    /// Files larger than this are skipped (and counted).
    pub max_filesize: Option<u64>,
    /// Turn arguments that name a remote source (`s3://…`,
    /// `postgres://…`) into one; tried in order, before the file system.
    pub resolvers: Resolvers,
    /// Which items this run scans when one run is split across processes
    /// (see [`Select`]); every item by default.
    pub select: Select,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            threads: 1,
            follow_links: false,
            max_filesize: None,
            resolvers: Resolvers::default(),
            select: Select::All,
        }
    }
}

/// The resolvers a run tries, in order (equal when they are the same
/// resolvers).
#[derive(Clone, Debug, Default)]
pub struct Resolvers(pub Vec<Arc<dyn Resolver>>);

impl PartialEq for Resolvers {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

/// Recognises the arguments that name one family of remote sources.
pub trait Resolver: Send + Sync + fmt::Debug {
    /// `None` when `arg` is not this resolver's to open; an error when it
    /// is but cannot be opened (bad URL, wrong credentials, no such
    /// bucket) — one clear error for the argument, the rest of the run
    /// goes on.
    fn resolve(&self, arg: &str) -> Option<Result<Box<dyn Remote>, SourceError>>;
}

/// One opened remote source: a bucket prefix, a database's tables.
pub trait Remote: Send {
    /// Its haystacks and errors, in listing order. Scan threads pull from
    /// it one at a time under a lock, so an item's expensive work (the GET
    /// of an object, the query of a table) belongs in the haystack's
    /// reader, where it runs in parallel, not in `next`.
    fn events(&mut self) -> Box<dyn Iterator<Item = Event> + Send + '_>;

    /// How many threads pull this source in a run of `threads`. A source
    /// whose items wait on the network more than on the CPU (an object's
    /// first byte takes tens of milliseconds) asks for more, so that the
    /// waits overlap; the default is `threads`.
    fn readers(&self, threads: usize) -> usize {
        threads
    }
}

/// Rows of one remote table, rendered by the formats layer like a
/// document's tables (a header, then one row per record). Runs on a
/// thread of its own, blocking; its error (a lost connection, a failed
/// query) is reported against the table after the rows it pushed were
/// scanned, and must hold no credentials.
pub type TableReader = Box<dyn FnOnce(&mut dyn TableSink) -> Result<(), String> + Send>;

/// Where a [`TableReader`] pushes its rows. Its calls block while the
/// scanner is behind (a bounded channel), which is what keeps a large
/// table from being held in memory; an error means the scan stopped
/// reading, and the reader should return.
pub trait TableSink {
    /// A table begins: its name as locations give it (`public.customers`)
    /// and its column names.
    fn table(&mut self, name: &str, columns: &[String]) -> io::Result<()>;
    /// One row: its key (`id=42`, `order_id=7,line=2`), when the table
    /// has one fit to print, and its cells in column order, `None` for
    /// NULL (and for bytes that are not text).
    fn row(&mut self, key: Option<&str>, cells: &[Option<&str>]) -> io::Result<()>;
}

/// Something to scan.
pub enum Haystack {
    /// A file, opened, with the path as reached from the argument given.
    /// `len` is `None` for a FIFO, whose length is unknown until read (and
    /// which cannot seek); a regular file's length otherwise.
    File {
        path: PathBuf,
        file: File,
        len: Option<u64>,
    },
    /// Standard input (the argument `-`).
    Stdin,
    /// Bytes from a remote source (an object in a store), read once, in
    /// order. `name` is what findings carry as their path (the object's
    /// URL); `version` identifies the bytes read (an ETag, a version id)
    /// for the evidence.
    Stream {
        name: String,
        reader: Box<dyn Read + Send>,
        len: Option<u64>,
        version: Option<String>,
    },
    /// Rows of a remote database table.
    Table { name: String, rows: TableReader },
}

impl fmt::Debug for Haystack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Haystack::File { path, len, .. } => f
                .debug_struct("File")
                .field("path", path)
                .field("len", len)
                .finish_non_exhaustive(),
            Haystack::Stdin => f.write_str("Stdin"),
            Haystack::Stream {
                name, len, version, ..
            } => f
                .debug_struct("Stream")
                .field("name", name)
                .field("len", len)
                .field("version", version)
                .finish_non_exhaustive(),
            Haystack::Table { name, .. } => f
                .debug_struct("Table")
                .field("name", name)
                .finish_non_exhaustive(),
        }
    }
}

impl Haystack {
    /// The name to show for it: the path, or `<stdin>`.
    pub fn display(&self) -> String {
        match self {
            Haystack::File { path, .. } => path.display().to_string(),
            Haystack::Stdin => "<stdin>".to_string(),
            Haystack::Stream { name, .. } | Haystack::Table { name, .. } => name.clone(),
        }
    }
}

/// Why something was not scanned.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: {reason}")]
    Walk { path: PathBuf, reason: String },
    #[error("{path}: is a {what}, not a regular file")]
    NotAFile { path: PathBuf, what: &'static str },
    /// A remote source or one of its items (named by URL) failed.
    #[error("{name}: {reason}")]
    Remote { name: String, reason: String },
}

impl SourceError {
    /// The item it is about: a path, or a remote source's URL.
    pub fn item(&self) -> String {
        match self {
            SourceError::Io { path, .. }
            | SourceError::Walk { path, .. }
            | SourceError::NotAFile { path, .. } => path.display().to_string(),
            SourceError::Remote { name, .. } => name.clone(),
        }
    }
}

/// A file passed over on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// A FIFO, socket or device met while walking a directory.
    Special(PathBuf),
    /// Larger than `max_filesize`.
    TooLarge(PathBuf, u64),
}

impl Skip {
    /// The file passed over.
    pub fn path(&self) -> &Path {
        match self {
            Skip::Special(p) | Skip::TooLarge(p, _) => p,
        }
    }
}

/// What the walker hands to a visitor.
#[derive(Debug)]
pub enum Event {
    Haystack(Haystack),
    Error(SourceError),
    Skipped(Skip),
}

/// Walks `paths` on `opts.threads` threads. `make_visitor` is called once
/// per thread; its visitor receives every haystack, error and skip, and
/// returns `false` to stop the whole walk (e.g. the output pipe closed).
pub fn walk<M, V>(paths: &[PathBuf], opts: &WalkOptions, make_visitor: M)
where
    M: Fn() -> V + Sync,
    V: FnMut(Event) -> bool + Send,
{
    let (stdin, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
        paths.iter().partition(|p| p.as_os_str() == "-");
    if !stdin.is_empty() {
        let mut visit = make_visitor();
        if !visit(Event::Haystack(Haystack::Stdin)) {
            return;
        }
    }
    let part = Part::new(&opts.select, &paths);
    let mut local = Vec::with_capacity(paths.len());
    for path in paths {
        let claimed = path
            .to_str()
            .and_then(|arg| opts.resolvers.0.iter().find_map(|r| r.resolve(arg)));
        let keep_going = match claimed {
            None => {
                local.push(path);
                true
            }
            Some(Err(e)) => make_visitor()(Event::Error(e)),
            Some(Ok(remote)) => walk_remote(remote, opts.threads, &part, &make_visitor),
        };
        if !keep_going {
            return;
        }
    }
    if walk_local(&local, opts, &part, &make_visitor) {
        part.report_missing(|e| make_visitor()(Event::Error(e)));
    }
}

/// Walks local trees in parallel, each thread with its own visitor;
/// returns `false` when a visitor stopped the run.
fn walk_local<M, V>(
    local: &[&PathBuf],
    opts: &WalkOptions,
    part: &Part<'_>,
    make_visitor: &M,
) -> bool
where
    M: Fn() -> V + Sync,
    V: FnMut(Event) -> bool + Send,
{
    let Some((first, rest)) = local.split_first() else {
        return true;
    };
    let stopped = AtomicBool::new(false);
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    // A breach scanner looks everywhere: hidden files, ignored files and
    // files inside git's excludes are all places data leaks to.
    builder
        .standard_filters(false)
        .follow_links(opts.follow_links)
        .threads(opts.threads.max(1));
    builder.build_parallel().run(|| {
        let mut visit = make_visitor();
        let max = opts.max_filesize;
        let stopped = &stopped;
        Box::new(move |entry| {
            let keep_going = match entry {
                Err(err) => match part.error(walk_error(err)) {
                    Some(e) => visit(Event::Error(e)),
                    None => true,
                },
                // Another part's file is passed over before it is opened.
                Ok(entry) if entry.depth() > 0 && !part.owns_entry(&entry) => true,
                Ok(entry) => match part.opened(open_entry(&entry, max)) {
                    Opened::File(h) => visit(Event::Haystack(h)),
                    Opened::Err(e) => visit(Event::Error(e)),
                    Opened::Skip(s) => visit(Event::Skipped(s)),
                    Opened::Dir => true,
                },
            };
            if keep_going {
                WalkState::Continue
            } else {
                stopped.store(true, Ordering::Relaxed);
                WalkState::Quit
            }
        })
    });
    !stopped.into_inner()
}

/// Pulls a remote source's events on `threads` threads, each with its own
/// visitor; returns `false` when a visitor stopped the run.
fn walk_remote<M, V>(
    mut remote: Box<dyn Remote>,
    threads: usize,
    part: &Part<'_>,
    make_visitor: &M,
) -> bool
where
    M: Fn() -> V + Sync,
    V: FnMut(Event) -> bool + Send,
{
    // Haystacks are cheap until read (see `Remote::events`): another
    // part's objects are dropped here without a GET.
    let readers = remote.readers(threads).max(1);
    let events = Mutex::new(remote.events().filter_map(|e| part.event(e)));
    let stopped = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..readers {
            s.spawn(|| {
                let mut visit = make_visitor();
                loop {
                    if stopped.load(Ordering::Relaxed) {
                        return;
                    }
                    // A poisoned lock means another thread panicked while
                    // listing; its panic propagates from the scope.
                    let Ok(mut guard) = events.lock() else { return };
                    let next = guard.next();
                    drop(guard);
                    let Some(event) = next else { return };
                    if !visit(event) {
                        stopped.store(true, Ordering::Relaxed);
                        return;
                    }
                }
            });
        }
    });
    !stopped.into_inner()
}

pub(crate) enum Opened {
    File(Haystack),
    Err(SourceError),
    Skip(Skip),
    Dir,
}

fn open_entry(entry: &ignore::DirEntry, max: Option<u64>) -> Opened {
    let path = entry.path();
    let explicit = entry.depth() == 0;
    // Arguments are followed even when they are links; entries met while
    // walking are judged by what the walker saw.
    let meta = if explicit {
        fs::metadata(path)
    } else {
        match entry.file_type() {
            Some(ft) if ft.is_dir() => return Opened::Dir,
            Some(ft) if ft.is_symlink() => return Opened::Dir,
            _ => fs::metadata(path),
        }
    };
    let meta = match meta {
        Ok(m) => m,
        Err(source) => {
            return Opened::Err(SourceError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let ft = meta.file_type();
    if ft.is_dir() {
        return Opened::Dir;
    }
    if !ft.is_file() {
        let what = special_kind(&ft);
        // A FIFO named on the command line is how `<(cmd)` arrives: read it.
        if explicit && what == "fifo" {
            return open_file(path, None);
        }
        if explicit {
            return Opened::Err(SourceError::NotAFile {
                path: path.to_path_buf(),
                what,
            });
        }
        return Opened::Skip(Skip::Special(path.to_path_buf()));
    }
    if let Some(max) = max {
        if meta.len() > max {
            return Opened::Skip(Skip::TooLarge(path.to_path_buf(), meta.len()));
        }
    }
    open_file(path, Some(meta.len()))
}

fn open_file(path: &Path, len: Option<u64>) -> Opened {
    match File::open(path) {
        Ok(file) => Opened::File(Haystack::File {
            path: path.to_path_buf(),
            file,
            len,
        }),
        Err(source) => Opened::Err(SourceError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(unix)]
fn special_kind(ft: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "fifo"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "device"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_ft: &fs::FileType) -> &'static str {
    "special file"
}

/// Turns the walker's error into one naming the path and the reason.
fn walk_error(err: ignore::Error) -> SourceError {
    let mut path = PathBuf::new();
    let mut inner = &err;
    loop {
        match inner {
            ignore::Error::WithPath { path: p, err } => {
                path = p.clone();
                inner = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner = err
            }
            ignore::Error::Loop { child, .. } => {
                return SourceError::Walk {
                    path: child.clone(),
                    reason: "symbolic link loop".into(),
                }
            }
            ignore::Error::Io(e) => {
                return SourceError::Io {
                    path,
                    source: io::Error::new(e.kind(), e.to_string()),
                }
            }
            other => {
                return SourceError::Walk {
                    path,
                    reason: other.to_string(),
                }
            }
        }
    }
}
