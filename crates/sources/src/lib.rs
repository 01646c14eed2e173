//! `bw-sources` turns what the user named (paths, `-`) into haystacks to
//! scan: it walks directory trees in parallel and opens files.
//!
//! It knows nothing of detection or output. It must never skip a file
//! silently when the user would expect it scanned: every file it passes over
//! is either reported as an error naming the path and the reason, or
//! counted as a deliberate skip (special files met while walking, files over
//! the size limit).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

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
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            threads: 1,
            follow_links: false,
            max_filesize: None,
        }
    }
}

/// Something to scan.
#[derive(Debug)]
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
}

impl Haystack {
    /// The name to show for it: the path, or `<stdin>`.
    pub fn display(&self) -> String {
        match self {
            Haystack::File { path, .. } => path.display().to_string(),
            Haystack::Stdin => "<stdin>".to_string(),
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
}

/// A file passed over on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// A FIFO, socket or device met while walking a directory.
    Special(PathBuf),
    /// Larger than `max_filesize`.
    TooLarge(PathBuf, u64),
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
    let Some((first, rest)) = paths.split_first() else {
        return;
    };
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
        Box::new(move |entry| {
            let keep_going = match entry {
                Err(err) => visit(Event::Error(walk_error(err))),
                Ok(entry) => match open_entry(&entry, max) {
                    Opened::File(h) => visit(Event::Haystack(h)),
                    Opened::Err(e) => visit(Event::Error(e)),
                    Opened::Skip(s) => visit(Event::Skipped(s)),
                    Opened::Dir => true,
                },
            };
            if keep_going {
                WalkState::Continue
            } else {
                WalkState::Quit
            }
        })
    });
}

enum Opened {
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
