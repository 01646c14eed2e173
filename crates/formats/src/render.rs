//! Documents as members: a `bw-documents` reader runs on its own thread and
//! pushes rows; this side renders them as text the scanner already
//! understands and hands each part out as one [`Member`], with a map from
//! rendered offsets to [`Location`]s.
//!
//! - A sheet or a table is rendered as CSV (RFC 4180 quoting), a table
//!   with its column names as the header line, so column hints and
//!   one-record-per-row work as for any CSV. Every row starts at column A:
//!   a sheet's columns keep their letters.
//! - Text parts and PDF pages are rendered one row per line (line breaks
//!   inside a paragraph become spaces), so each line is one record.
//!
//! Rows of a database table (see [`crate::table`]) take the same path: a
//! table is a [`Shape::Table`] part whose rows carry a key (the primary
//! key's values), which its locations name.
//!
//! The reader thread is the parser's sandbox as much as a pipe: a panic in
//! it is caught (`bw_documents` guards its parsers, and a panic that still
//! escapes ends the thread, reported as an error); the channel is bounded,
//! so the parser runs at most a few chunks ahead of the scanner, and the
//! location map keeps only a window behind the scanner.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read, Seek};
use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use bw_documents::{DocError, DocFormat, Shape, Sink, Source};

use crate::error::Reason;
use crate::location::Location;

/// Rendered text is sent in chunks of about this size.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the reader thread and the scanner.
const IN_FLIGHT: usize = 4;
/// Cell marks kept behind the scanner's read position: far more than a
/// scanner holds back (a chunk plus its overlap).
const WINDOW: u64 = 4 << 20;

pub(crate) enum Msg {
    Part {
        name: String,
        shape: Shape,
    },
    Header(Vec<String>),
    Chunk {
        text: Vec<u8>,
        marks: Vec<Mark>,
        /// Rows of this chunk that have a key, ascending.
        keys: Vec<(u64, Arc<str>)>,
    },
    /// The reader's last word: why it could not read to the end.
    Done(Result<(), Reason>),
}

/// Where a cell's text starts in a chunk, and its row and 0-based column.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    at: u32,
    row: u64,
    col: u32,
}

/// Sees every chunk of rendered text before it is sent (a table's
/// evidence hash: the text the scanner reads).
pub type Tap = Box<dyn FnMut(&[u8]) + Send>;

/// The reader thread's sink: renders rows into chunks and sends them.
pub(crate) struct Sender {
    pub(crate) tx: SyncSender<Msg>,
    shape: Shape,
    text: Vec<u8>,
    marks: Vec<Mark>,
    keys: Vec<(u64, Arc<str>)>,
    pub(crate) tap: Option<Tap>,
}

impl Sender {
    pub(crate) fn new(tx: SyncSender<Msg>, shape: Shape) -> Sender {
        Sender {
            tx,
            shape,
            text: Vec::with_capacity(CHUNK + 1024),
            marks: Vec::new(),
            keys: Vec::new(),
            tap: None,
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        if self.text.is_empty() {
            return Ok(());
        }
        if let Some(tap) = &mut self.tap {
            tap(&self.text);
        }
        let msg = Msg::Chunk {
            text: std::mem::replace(&mut self.text, Vec::with_capacity(CHUNK + 1024)),
            marks: std::mem::take(&mut self.marks),
            keys: std::mem::take(&mut self.keys),
        };
        self.send(msg)
    }

    fn send(&self, msg: Msg) -> io::Result<()> {
        // The scanner side stopped (its visitor said stop): end the reader.
        self.tx
            .send(msg)
            .map_err(|_| io::Error::other("the scan stopped reading this document"))
    }

    /// One CSV row of a sheet or table: `cells` are `(0-based column,
    /// text)` in column order; `key` names the row in locations.
    pub(crate) fn csv_row<'c>(
        &mut self,
        index: u64,
        key: Option<&str>,
        cells: impl Iterator<Item = (u32, &'c str)>,
    ) -> io::Result<()> {
        if let Some(key) = key {
            self.keys.push((index, Arc::from(key)));
        }
        // `next`: the column the next cell written would be in.
        let mut next = 0u32;
        for (c, text) in cells {
            // Cells arrive in column order; a repeated column is
            // written beside the previous one rather than lost.
            let c = c.max(next);
            for k in next..=c {
                if k > 0 {
                    self.text.push(b',');
                }
            }
            let at = self.text.len() + usize::from(needs_quotes(text));
            self.mark(at, index, c);
            csv_cell(&mut self.text, text);
            next = c.saturating_add(1);
        }
        self.end_row()
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.text.push(b'\n');
        if self.text.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }
}

impl Sink for Sender {
    fn part(&mut self, name: &str, shape: Shape) -> io::Result<()> {
        self.flush()?;
        self.shape = shape;
        self.send(Msg::Part {
            name: name.to_string(),
            shape,
        })
    }

    fn header(&mut self, columns: &[&str]) -> io::Result<()> {
        self.flush()?;
        self.send(Msg::Header(columns.iter().map(|c| c.to_string()).collect()))?;
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                self.text.push(b',');
            }
            csv_cell(&mut self.text, c);
        }
        self.text.push(b'\n');
        Ok(())
    }

    fn row(&mut self, index: u64, cells: &[(u32, &str)]) -> io::Result<()> {
        match self.shape {
            Shape::Sheet | Shape::Table => self.csv_row(index, None, cells.iter().copied()),
            Shape::Text | Shape::Pages => {
                for (i, &(c, text)) in cells.iter().enumerate() {
                    if i > 0 {
                        self.text.push(b'\t');
                    }
                    self.mark(self.text.len(), index, c);
                    for b in text.bytes() {
                        self.text
                            .push(if b == b'\n' || b == b'\r' { b' ' } else { b });
                    }
                }
                self.end_row()
            }
        }
    }
}

impl Sender {
    fn mark(&mut self, at: usize, row: u64, col: u32) {
        // A chunk is flushed at CHUNK bytes, so `at` fits: a single row
        // longer than 4 GiB would be over every text limit first.
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        self.marks.push(Mark { at, row, col });
    }
}

fn needs_quotes(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// `text` as one CSV cell, quoted when it must be.
fn csv_cell(out: &mut Vec<u8>, text: &str) {
    if !needs_quotes(text) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.push(b'"');
    for b in text.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Rendered offsets to locations, for the part being read: a window of
/// cell marks behind the reader. Shared by the member's reader (which adds
/// marks as it hands out chunks) and [`crate::Offsets`] handles.
#[derive(Clone, Debug)]
pub struct LocationMap(Rc<RefCell<MapInner>>);

#[derive(Debug)]
struct MapInner {
    shape: Shape,
    part: Arc<str>,
    header: Vec<Arc<str>>,
    /// `(rendered offset, row, 0-based column)`, ascending.
    marks: VecDeque<(u64, u64, u32)>,
    /// `(row, key)` of the keyed rows the marks reach, ascending.
    keys: VecDeque<(u64, Arc<str>)>,
}

impl LocationMap {
    fn new(shape: Shape, part: &str) -> LocationMap {
        LocationMap(Rc::new(RefCell::new(MapInner {
            shape,
            part: Arc::from(part),
            header: Vec::new(),
            marks: VecDeque::new(),
            keys: VecDeque::new(),
        })))
    }

    /// Where the rendered byte at `offset` came from; `None` before the
    /// first cell (a table's header line) or behind the window.
    pub fn locate(&self, offset: u64) -> Option<Location> {
        let inner = self.0.borrow();
        let i = inner.marks.partition_point(|m| m.0 <= offset);
        let &(_, row, col) = inner.marks.get(i.checked_sub(1)?)?;
        Some(match inner.shape {
            Shape::Sheet => Location::Cell {
                sheet: Arc::clone(&inner.part),
                row,
                col: col.saturating_add(1),
            },
            Shape::Table => Location::Table {
                table: (!inner.part.is_empty()).then(|| Arc::clone(&inner.part)),
                column: inner
                    .header
                    .get(col as usize)
                    .cloned()
                    .unwrap_or_else(|| Arc::from(format!("column {}", col + 1))),
                row,
                key: inner
                    .keys
                    .binary_search_by_key(&row, |k| k.0)
                    .ok()
                    .map(|k| Arc::clone(&inner.keys[k].1)),
            },
            Shape::Pages => Location::Page { page: row },
            Shape::Text => Location::Part {
                part: Arc::clone(&inner.part),
                paragraph: row,
            },
        })
    }

    fn add(&self, base: u64, marks: &[Mark], keys: Vec<(u64, Arc<str>)>) {
        let mut inner = self.0.borrow_mut();
        inner
            .marks
            .extend(marks.iter().map(|m| (base + u64::from(m.at), m.row, m.col)));
        inner.keys.extend(keys);
        // Forget marks well behind what was handed out, but keep the last
        // one before the window: it still locates the cell it starts.
        let floor = base.saturating_sub(WINDOW);
        while inner.marks.len() > 1 && inner.marks[1].0 <= floor {
            inner.marks.pop_front();
        }
        // Keys of rows no kept mark is in.
        if let Some(&(_, first_row, _)) = inner.marks.front() {
            while inner.keys.front().is_some_and(|k| k.0 < first_row) {
                inner.keys.pop_front();
            }
        }
    }
}

/// One part's rendered text, read from the channel until the next part
/// (or the end) arrives; that message is kept for the walker.
pub(crate) struct PartReader<'r> {
    rx: &'r Receiver<Msg>,
    /// What to report if the reader thread ends without a last word.
    gone: &'r Reason,
    map: LocationMap,
    buf: Vec<u8>,
    pos: usize,
    /// Rendered bytes handed out before `buf`.
    base: u64,
    /// The message that ended this part.
    pub next: Option<Msg>,
}

impl<'r> PartReader<'r> {
    pub(crate) fn new(
        rx: &'r Receiver<Msg>,
        gone: &'r Reason,
        shape: Shape,
        part: &str,
    ) -> PartReader<'r> {
        PartReader {
            rx,
            gone,
            map: LocationMap::new(shape, part),
            buf: Vec::new(),
            pos: 0,
            base: 0,
            next: None,
        }
    }

    pub(crate) fn map(&self) -> LocationMap {
        self.map.clone()
    }

    /// Reads what is left of the part (the visitor need not read to the end).
    pub(crate) fn drain(&mut self) {
        let mut sink = [0u8; 8192];
        while let Ok(n) = self.read(&mut sink) {
            if n == 0 {
                break;
            }
        }
    }
}

impl Read for PartReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.next.is_some() {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Msg::Chunk { text, marks, keys }) => {
                    self.base += self.buf.len() as u64;
                    self.map.add(self.base, &marks, keys);
                    self.buf = text;
                    self.pos = 0;
                }
                Ok(Msg::Header(columns)) => {
                    self.map.0.borrow_mut().header = columns.into_iter().map(Arc::from).collect();
                }
                Ok(other) => self.next = Some(other),
                // The reader thread ended without saying so: it panicked.
                Err(_) => self.next = Some(Msg::Done(Err(self.gone.clone()))),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The error for a reader thread that ended without a last word: it
/// panicked outside the parsers' own guards.
pub(crate) fn vanished(format: DocFormat) -> DocError {
    DocError::Panicked {
        format,
        detail: "the reader thread ended early".into(),
    }
}

/// Runs the reader for `format` over `source` on its own thread while
/// `consume` takes its messages on this thread (see [`with_reader`]).
pub(crate) fn run<S, T>(
    format: DocFormat,
    mut source: S,
    len: u64,
    path: Option<&Path>,
    limits: bw_documents::Limits,
    consume: impl FnOnce(&Receiver<Msg>) -> T,
) -> T
where
    S: Read + Seek + Send,
{
    let produce = move |tx| {
        let mut sink = Sender::new(tx, format.shape());
        let source = Source {
            reader: &mut source,
            len,
            path,
        };
        let res = bw_documents::read(format, source, &limits, &mut sink)
            .and_then(|()| sink.flush().map_err(DocError::Sink))
            .map_err(|e| crate::document::doc_reason(format, e));
        // Nobody listening means the scan stopped: nothing to report.
        let _ = sink.tx.send(Msg::Done(res));
    };
    with_reader(produce, consume)
}

/// Runs `produce` on its own thread, sending into a bounded channel,
/// while `consume` takes its messages on this thread, in order, until
/// [`Msg::Done`] (or, if the producer died, until the channel closes: the
/// consumer reports that, see [`PartReader`]). When `consume` returns
/// early, the producer stops at its next send.
pub(crate) fn with_reader<T>(
    produce: impl FnOnce(SyncSender<Msg>) + Send,
    consume: impl FnOnce(&Receiver<Msg>) -> T,
) -> T {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel(IN_FLIGHT);
        let reader = scope.spawn(move || produce(tx));
        // Dropping the receiver before the scope joins the reader lets a
        // reader blocked on a full channel see the scan has stopped.
        let out = consume(&rx);
        drop(rx);
        // Joined by hand: a panic that escaped the parsers' guards was
        // reported by `consume` (the channel closed without a `Done`);
        // it must not take this thread down too.
        let _ = reader.join();
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        let mut out = Vec::new();
        csv_cell(&mut out, "Lee, Ann");
        out.push(b',');
        csv_cell(&mut out, "say \"hi\"");
        out.push(b',');
        csv_cell(&mut out, "plain");
        assert_eq!(out, b"\"Lee, Ann\",\"say \"\"hi\"\"\",plain");
    }
}
