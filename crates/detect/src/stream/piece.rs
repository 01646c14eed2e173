//! Scanning one large stream on many threads: the stream is cut into
//! pieces that can be scanned in any order, each reporting exactly the
//! findings a whole-stream scan reports in its range.
//!
//! A piece is read from [`MAX_LOOKBEHIND`] bytes before its range to
//! [`MAX_LOOKAHEAD`] bytes after it, the same overlap that makes chunked
//! scans equal whole ones. What does not fit in that overlap is the state a
//! scan carries from the stream's start: the CSV column of each cell and the
//! line count. When either is needed, [`StreamScanner::plan`] reads the
//! stream once ahead of the scan (a newline count and the CSV state machine,
//! about a nanosecond a byte against several for detection) and hands each
//! piece the state at its start.

use std::io::{self, Read};
use std::ops::Range;

use super::{fill, Hit, LineCursor, StreamScanner, StreamStats};
use crate::hints::Structure;
use crate::{Engine, MAX_LOOKAHEAD, MAX_LOOKBEHIND};

/// Part of a stream, with the state a whole-stream scan has at its origin.
#[derive(Clone, Debug)]
pub struct Piece {
    /// Stream offset of the first byte to read.
    pub(super) origin: usize,
    /// Findings starting in this range are this piece's.
    pub(super) report: Range<usize>,
    pub(super) hinter: Option<Structure>,
    /// `None` when lines are not tracked.
    pub(super) lines: Option<LineCursor>,
}

impl Piece {
    /// The whole stream as one piece.
    pub(super) fn whole(engine: &Engine, hinter: Option<Structure>, lines: bool) -> Piece {
        Piece {
            origin: 0,
            report: 0..usize::MAX,
            // Following CSV columns costs about a nanosecond a byte, and
            // only some detectors read hints.
            hinter: hinter.filter(|_| engine.uses_hints()),
            lines: lines.then(LineCursor::default),
        }
    }

    /// The stream bytes to hand [`StreamScanner::scan_piece`]: from the
    /// origin to the look-ahead past the range (or the stream's end, if
    /// that comes first).
    pub fn bytes(&self) -> Range<usize> {
        self.origin..self.report.end.saturating_add(MAX_LOOKAHEAD)
    }

    /// The stream offsets whose findings this piece reports.
    pub fn range(&self) -> Range<usize> {
        self.report.clone()
    }
}

impl StreamScanner {
    /// Cuts a stream of `len` bytes into pieces of `size` bytes (at least
    /// one) and hands them to `each` in stream order, as soon as each is
    /// known, so that threads can scan early pieces while later ones are
    /// planned; `each` returns `false` to stop. `hinter` is what sniffing
    /// the stream's head chose (see [`super::Start::structure`]). `reader` hands
    /// out the stream from its start and is read only as far as a piece
    /// needs state from before it: CSV columns an enabled detector reads
    /// (until the hinter gives up), or lines when this scanner tracks them.
    /// Only read errors are returned, after the pieces before the error; a
    /// stream shorter than `len` gets fewer pieces.
    pub fn plan<R: Read>(
        &self,
        engine: &Engine,
        mut reader: R,
        len: usize,
        size: usize,
        hinter: Option<Structure>,
        mut each: impl FnMut(Piece) -> bool,
    ) -> io::Result<()> {
        let size = size.max(1);
        let mut piece = Piece::whole(engine, hinter, self.lines);
        piece.report.end = size.min(len);
        let mut buf = Vec::new();
        let mut pos = 0;
        for start in (size..len).step_by(size) {
            let stateful =
                piece.hinter.as_ref().is_some_and(|h| !h.is_off()) || piece.lines.is_some();
            let mut next = Piece {
                origin: start.saturating_sub(MAX_LOOKBEHIND),
                report: start..(start + size).min(len),
                ..piece.clone()
            };
            if !each(piece) {
                return Ok(());
            }
            // Feed everything before the next origin, in blocks.
            while stateful && pos < next.origin {
                buf.clear();
                let want = (next.origin - pos).min(64 << 10);
                if fill(&mut reader, &mut buf, want)? {
                    return Ok(());
                }
                if let Some(h) = next.hinter.as_mut() {
                    h.feed(&buf);
                    // The piece needs no cell that ends before its origin;
                    // each piece waiting for a thread holds a copy.
                    h.forget_before(pos + buf.len());
                }
                if let Some(l) = next.lines.as_mut() {
                    l.advance(&buf, pos, pos + buf.len());
                }
                pos += buf.len();
            }
            piece = next;
        }
        each(piece);
        Ok(())
    }

    /// Scans one piece of a [`StreamScanner::plan`]: `reader` hands out
    /// the stream bytes [`Piece::bytes`] (fewer if the stream ends). Calls `on_hit` for the
    /// piece's findings in stream order. The statistics count the piece's
    /// own bytes; only the piece that reaches the stream's end carries the
    /// stream's structure warning, as only it has seen all of the stream.
    pub fn scan_piece<R, F>(
        &mut self,
        engine: &Engine,
        mut reader: R,
        piece: &Piece,
        on_hit: F,
    ) -> io::Result<StreamStats>
    where
        R: Read,
        F: FnMut(Hit<'_>) -> io::Result<()>,
    {
        self.buf.clear();
        let eof = fill(&mut reader, &mut self.buf, self.chunk + MAX_LOOKBEHIND)?;
        self.run(engine, reader, piece.clone(), eof, on_hit)
    }
}

#[cfg(test)]
mod tests;
