//! One large file scanned by several threads at once.
//!
//! A breach is often one multi-gigabyte dump or export; read by one thread,
//! it leaves every other core idle. A large plain file is cut into pieces
//! ([`bw_detect::StreamScanner::plan`]) that helpers, and this thread once
//! it has planned them, take one at a time, each reading its own part of
//! the file by position. The findings are those of a one-thread scan, but
//! a file's findings come in blocks per piece, not in offset order.

use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;

use bw_detect::stream::Piece;
use bw_detect::{Start, MAX_LOOKBEHIND};

use crate::drive::{found, Worker};
use crate::sniff::sniff;
use crate::{Pipeline, Problem, Scanned, Visitor};

/// Files from this size on are split. Smaller ones take a second or less
/// on one thread, and a walk usually has other files for the others.
const SPLIT_AT: u64 = 64 << 20;
/// Bytes per piece: many pieces per file keep threads busy to the end;
/// each costs a little state and a look-behind's re-read.
const PIECE: usize = 16 << 20;

/// Helper threads taken to scan a regular file of `len` bytes in pieces;
/// 0 if it is not worth splitting or no thread is spare. Give them back
/// with [`give_back`].
pub(crate) fn take_helpers(p: &Pipeline, len: u64) -> usize {
    if len < SPLIT_AT {
        return 0;
    }
    let want = usize::try_from(len.div_ceil(PIECE as u64) - 1).unwrap_or(usize::MAX);
    let take = |n: usize| Some(n - n.min(want));
    match p
        .spare
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, take)
    {
        Ok(before) | Err(before) => before.min(want),
    }
}

pub(crate) fn give_back(p: &Pipeline, helpers: usize) {
    p.spare.fetch_add(helpers, Ordering::Relaxed);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking helper already failed the run; the queue is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<M, V> Worker<'_, M, V>
where
    M: Fn() -> V + Sync,
    V: Visitor + Send,
{
    /// Scans the plain file `name` of `len` bytes in pieces, with
    /// `helpers` more threads. Returns only the visitors' errors; the
    /// first read error is reported (once for the file) and the other
    /// pieces go on.
    pub(crate) fn scan_split(
        &mut self,
        name: &str,
        file: &File,
        len: u64,
        helpers: usize,
    ) -> io::Result<()> {
        let p = self.p;
        let failed = AtomicBool::new(false);
        let mut head = FileAt::new(file, 0, len);
        let mut first = Vec::new();
        let want = bw_detect::stream::DEFAULT_CHUNK + MAX_LOOKBEHIND;
        let got = (&mut head).take(want as u64).read_to_end(&mut first);
        if let Some(e) = got.err().or(head.err) {
            self.read_error(name, 0, e, &failed);
            return Ok(());
        }
        let hinter = match sniff(p.opts.binary, name, &first).0 {
            Start::Skip => {
                return self.visitor.scanned(&Scanned {
                    member: name,
                    bytes: 0,
                    warning: None,
                    binary: true,
                    piece: false,
                });
            }
            start => start.structure(),
        };
        let len_usize = usize::try_from(len).unwrap_or(usize::MAX);
        let (tx, rx) = mpsc::channel();
        let rx = Mutex::new(rx);
        let make = self.make;
        std::thread::scope(|s| {
            let others: Vec<_> = (0..helpers)
                .map(|_| s.spawn(|| Worker::new(p, make).scan_pieces(name, file, &rx, &failed)))
                .collect();
            // Helpers scan the first pieces while this thread plans the
            // rest (reading ahead for CSV or line state, if needed).
            let mut reader = FileAt::new(file, 0, len);
            let visitor = &self.visitor;
            let planned =
                self.scanner
                    .plan(&p.engine, &mut reader, len_usize, PIECE, hinter, |piece| {
                        visitor.go_on() && tx.send(piece).is_ok()
                    });
            drop(tx);
            if let Some(e) = planned.err().or(reader.err) {
                self.read_error(name, reader.pos, e, &failed);
            }
            let mut res = self.scan_pieces(name, file, &rx, &failed);
            for h in others {
                let r = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                res = res.and(r);
            }
            res
        })
    }

    /// Takes pieces from `pieces` and scans them until the planner is done
    /// and none is left, or the visitor says stop.
    fn scan_pieces(
        &mut self,
        name: &str,
        file: &File,
        pieces: &Mutex<Receiver<Piece>>,
        failed: &AtomicBool,
    ) -> io::Result<()> {
        let p = self.p;
        let min_score = p.opts.min_score;
        while self.visitor.go_on() {
            // Waiting for the planner holds the lock: the other threads
            // would wait for the same piece anyway.
            let Ok(piece) = lock(pieces).recv() else {
                break;
            };
            let bytes = piece.bytes();
            let mut reader = FileAt::new(file, bytes.start as u64, bytes.end as u64);
            let visitor = &mut self.visitor;
            let stats = self
                .scanner
                .scan_piece(&p.engine, &mut reader, &piece, |hit| {
                    let f = hit.finding;
                    if f.score < min_score {
                        return Ok(());
                    }
                    visitor.finding(&found(name, f.start as u64, f.end as u64, &hit, None))
                })?;
            self.visitor.scanned(&Scanned {
                member: name,
                bytes: stats.bytes,
                warning: stats.warning.as_deref(),
                binary: false,
                piece: true,
            })?;
            if let Some(e) = reader.err.take() {
                self.read_error(name, reader.pos, e, failed);
            }
        }
        Ok(())
    }

    /// Reports a read error of the file, unless one was already (the
    /// other pieces may well fail alike).
    fn read_error(&mut self, name: &str, at: u64, error: io::Error, failed: &AtomicBool) {
        if !failed.swap(true, Ordering::Relaxed) {
            self.visitor.problem(Problem::Read {
                member: name,
                at,
                error,
            });
        }
    }
}

/// Reads `file[pos..end]` by position, so that threads share one open
/// file without sharing a cursor. A read error ends it early and is kept
/// for the caller to report, as a scanner only sees a shorter stream.
struct FileAt<'f> {
    file: &'f File,
    pos: u64,
    end: u64,
    err: Option<io::Error>,
}

impl<'f> FileAt<'f> {
    fn new(file: &'f File, pos: u64, end: u64) -> FileAt<'f> {
        FileAt {
            file,
            pos,
            end,
            err: None,
        }
    }
}

impl Read for FileAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        if want == 0 || self.err.is_some() {
            return Ok(0);
        }
        match read_at(self.file, &mut buf[..want], self.pos) {
            Ok(n) => {
                self.pos += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.err = Some(e);
                Ok(0)
            }
        }
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, pos)
}
