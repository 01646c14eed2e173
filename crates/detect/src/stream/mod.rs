//! Scanning a stream of any length in bounded memory.
//!
//! The stream is read in chunks. Each chunk is scanned together with the
//! last [`MAX_LOOKBEHIND`] bytes of the previous one, and only findings that
//! start in the chunk's own, settled part are reported: the last
//! [`MAX_LOOKAHEAD`] bytes of a chunk are rescanned with the next one. As
//! detectors never look further than these bounds, a chunked scan reports
//! exactly what a scan of the whole stream as one slice would (the fuzz
//! target `chunked_equals_whole` checks this).

use std::io::{self, Read};

use crate::hints::csv::CsvHinter;
use crate::hints::html::HtmlHinter;
use crate::hints::json::JsonHinter;
use crate::hints::kv::KvHinter;
use crate::hints::sql::SqlHinter;
use crate::hints::Structure;
use crate::{Engine, Finding, Hint, Hints, MAX_LOOKAHEAD, MAX_LOOKBEHIND};

pub mod piece;
pub use piece::Piece;

/// The default chunk size: large enough to amortise per-chunk work, small
/// enough to stay in L2/L3 cache.
pub const DEFAULT_CHUNK: usize = 256 * 1024;

/// A finding together with the bytes around it, valid during the callback.
pub struct Hit<'a> {
    /// The finding, with offsets into the whole stream.
    pub finding: Finding,
    /// 1-based line of the finding's start (lines end at `\n`); 0 when the
    /// scanner does not track lines (see [`StreamScanner::track_lines`]).
    pub line: u64,
    /// 1-based column of the finding's start, in bytes; 0 when the scanner
    /// does not track lines.
    pub column: u64,
    /// The record the stream's structure puts the finding in (a SQL value
    /// tuple or `COPY` row, numbered from the stream's start), if any:
    /// what scope groups identifiers by, rather than lines or proximity.
    pub record: Option<u64>,
    window: &'a [u8],
    window_start: usize,
}

impl<'a> Hit<'a> {
    /// The matched bytes.
    pub fn value(&self) -> &'a [u8] {
        &self.window[self.finding.start - self.window_start..self.finding.end - self.window_start]
    }
}

/// Per-thread scratch for scanning streams: reuse one across haystacks so
/// that scanning allocates nothing after warm-up.
pub struct StreamScanner {
    buf: Vec<u8>,
    chunk: usize,
    findings: Vec<Finding>,
    hints: Vec<Hint>,
    lines: bool,
}

/// How to scan a stream, decided from its first chunk.
pub enum Start {
    /// Do not scan it (e.g. binary content).
    Skip,
    /// Scan it as text.
    Plain,
    /// Scan it with CSV structure hints.
    Csv(CsvHinter),
    /// Scan it with SQL dump structure hints (tables' columns on rows).
    Sql(SqlHinter),
    /// Scan it with JSON/NDJSON key hints (and objects as records).
    Json(JsonHinter),
    /// Scan it with `key=value` hints (a log).
    Kv(KvHinter),
    /// Scan it with HTML attribute and label hints (and rows, list items
    /// and items as records).
    Html(Box<HtmlHinter>),
}

impl Start {
    /// The structure to follow, if any.
    pub fn structure(self) -> Option<Structure> {
        match self {
            Start::Skip | Start::Plain => None,
            Start::Csv(h) => Some(h.into()),
            Start::Sql(h) => Some(h.into()),
            Start::Json(h) => Some(h.into()),
            Start::Kv(h) => Some(h.into()),
            Start::Html(h) => Some(h.into()),
        }
    }
}

/// Line bookkeeping: newlines are counted once, incrementally, up to the
/// last position asked for, so the cost is one `memchr` pass per stream.
#[derive(Clone, Debug, Default)]
struct LineCursor {
    pos: usize,
    line: u64,
    line_start: usize,
}

impl LineCursor {
    /// Advances to `to` (absolute), counting the newlines in `bytes`, which
    /// holds the stream from absolute offset `base`.
    fn advance(&mut self, bytes: &[u8], base: usize, to: usize) {
        if to <= self.pos {
            return;
        }
        let seg = &bytes[self.pos - base..to - base];
        // Findings are often a few dozen bytes apart, where a plain loop
        // beats memchr's setup (two calls per finding).
        if seg.len() <= 64 {
            for (i, _) in seg.iter().enumerate().filter(|(_, b)| **b == b'\n') {
                self.line += 1;
                self.line_start = self.pos + i + 1;
            }
        } else {
            let n = memchr::memchr_iter(b'\n', seg).count();
            if n > 0 {
                self.line += n as u64;
                if let Some(i) = memchr::memrchr(b'\n', seg) {
                    self.line_start = self.pos + i + 1;
                }
            }
        }
        self.pos = to;
    }
}

/// What a finished stream scan saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamStats {
    pub bytes: u64,
    /// Why structure hints were abandoned part-way (e.g. malformed CSV).
    pub warning: Option<String>,
}

impl Default for StreamScanner {
    fn default() -> Self {
        StreamScanner::with_chunk_size(DEFAULT_CHUNK)
    }
}

impl StreamScanner {
    /// A scanner reading `chunk` bytes at a time (at least 4 KiB plus the
    /// look-behind and look-ahead bounds, whatever is asked).
    pub fn with_chunk_size(chunk: usize) -> StreamScanner {
        let chunk = chunk.max(4096 + MAX_LOOKAHEAD + MAX_LOOKBEHIND);
        StreamScanner {
            buf: Vec::with_capacity(chunk + MAX_LOOKBEHIND),
            chunk,
            findings: Vec::new(),
            hints: Vec::new(),
            lines: true,
        }
    }

    /// Whether hits carry their line and column (the default). Counting
    /// newlines up to every finding was about 5% of a dense scan, so a
    /// caller that never reads [`Hit::line`] or [`Hit::column`] (JSON Lines
    /// output) switches it off and gets 0 for both.
    pub fn track_lines(&mut self, on: bool) -> &mut StreamScanner {
        self.lines = on;
        self
    }

    /// Scans `reader` to its end, calling `on_hit` for each finding in
    /// stream order. `first` is handed the first chunk before it is scanned
    /// (for sniffing binary content); if it returns `false`, the stream is
    /// not scanned. Only read errors are returned; content never fails.
    pub fn scan<R, F>(
        &mut self,
        engine: &Engine,
        reader: R,
        first: impl FnOnce(&[u8]) -> bool,
        on_hit: F,
    ) -> io::Result<StreamStats>
    where
        R: Read,
        F: FnMut(Hit<'_>) -> io::Result<()>,
    {
        let start = |head: &[u8]| {
            if first(head) {
                Start::Plain
            } else {
                Start::Skip
            }
        };
        self.scan_structured(engine, reader, start, on_hit)
    }

    /// Like [`StreamScanner::scan`], where `first` may also choose to follow
    /// the stream's structure (CSV columns) and hand detectors hints.
    pub fn scan_structured<R, F>(
        &mut self,
        engine: &Engine,
        mut reader: R,
        first: impl FnOnce(&[u8]) -> Start,
        on_hit: F,
    ) -> io::Result<StreamStats>
    where
        R: Read,
        F: FnMut(Hit<'_>) -> io::Result<()>,
    {
        self.buf.clear();
        let eof = fill(&mut reader, &mut self.buf, self.chunk + MAX_LOOKBEHIND)?;
        let hinter = match first(&self.buf) {
            Start::Skip => {
                return Ok(StreamStats {
                    bytes: self.buf.len() as u64,
                    warning: None,
                })
            }
            start => start.structure(),
        };
        let whole = Piece::whole(engine, hinter, self.lines);
        self.run(engine, reader, whole, eof, on_hit)
    }

    /// Scans the chunks of `state`'s piece (see [`piece`]): `reader` hands
    /// out the stream from `state.origin` on, the first chunk of which is
    /// already in `self.buf` (`eof` if that was all).
    fn run<R, F>(
        &mut self,
        engine: &Engine,
        mut reader: R,
        state: Piece,
        mut eof: bool,
        mut on_hit: F,
    ) -> io::Result<StreamStats>
    where
        R: Read,
        F: FnMut(Hit<'_>) -> io::Result<()>,
    {
        let Piece {
            origin,
            report,
            mut hinter,
            mut lines,
        } = state;
        let mut base = origin; // stream offset of buf[0]
        let mut settled = report.start; // findings starting before this were reported
        let mut fed = 0; // bytes of buf the hinter has seen
        loop {
            let end = base + self.buf.len();
            let cut = if eof { end } else { end - MAX_LOOKAHEAD }.min(report.end);
            self.findings.clear();
            self.hints.clear();
            if let Some(h) = hinter.as_mut() {
                h.feed(&self.buf[fed..]);
                h.hints_in(base, end, &mut self.hints);
            }
            engine.scan_with_hints(&self.buf, &Hints::new(&self.hints), &mut self.findings);
            for f in &self.findings {
                let start = base + f.start;
                if start < settled || start >= cut {
                    continue;
                }
                let finding = Finding {
                    start,
                    end: base + f.end,
                    ..*f
                };
                let (line, column) = match lines.as_mut() {
                    Some(l) => {
                        l.advance(&self.buf, base, start);
                        (l.line + 1, (start - l.line_start) as u64 + 1)
                    }
                    None => (0, 0),
                };
                let record = hinter.as_ref().and_then(|h| h.record_at(start));
                on_hit(Hit {
                    finding,
                    line,
                    column,
                    record,
                    window: &self.buf,
                    window_start: base,
                })?;
            }
            if eof || cut == report.end {
                // Only the piece that reaches the end of the stream has
                // seen all of it: its hinter's verdict is the stream's.
                let last = eof && end <= report.end;
                return Ok(StreamStats {
                    bytes: cut.saturating_sub(report.start) as u64,
                    warning: hinter
                        .filter(|_| last)
                        .and_then(|h| h.warning().map(str::to_string)),
                });
            }
            settled = cut;
            let keep_from = cut - MAX_LOOKBEHIND - base;
            if let Some(l) = lines.as_mut() {
                l.advance(&self.buf, base, base + keep_from);
            }
            self.buf.drain(..keep_from);
            base += keep_from;
            if let Some(h) = hinter.as_mut() {
                h.forget_before(base);
            }
            fed = self.buf.len();
            eof = fill(&mut reader, &mut self.buf, self.chunk + MAX_LOOKBEHIND)?;
        }
    }
}

/// Reads until `buf` holds `target` bytes or the reader ends; returns
/// whether it ended. Interrupted reads are retried. `read_to_end` grows its
/// reads adaptively, so a small file does not pay for zeroing a whole chunk
/// (which cost 5% of a scan of a source tree).
fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, target: usize) -> io::Result<bool> {
    let want = target.saturating_sub(buf.len());
    if want == 0 {
        return Ok(false);
    }
    let got = reader.take(want as u64).read_to_end(buf)?;
    Ok(got < want)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Trickle;
    use crate::{Kind, KindSet};

    #[test]
    fn chunked_scan_equals_whole_scan() {
        let engine = Engine::new(Kind::ALL);
        let mut hay = Vec::new();
        // Rows of every kind; the later kinds' rows vary in length so that
        // keys, values and hashes land across chunk edges.
        let bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
        for i in 0..4000u32 {
            hay.extend_from_slice(
                format!("row {i}: mail jane.doe{i}@example.com card 4111 1111 1111 1111 ")
                    .as_bytes(),
            );
            let pad = " ".repeat((i % 37) as usize);
            let row = match i % 5 {
                0 => format!("{{\"password\":\"Kx9!{i}mq\",\"cvv\":\"{:03}\"}}", i % 1000),
                1 => format!("hash{pad}{bcrypt} user=ann pwd=Zq{i}x"),
                2 => format!("CPF: 123.456.789-09{pad}NHS no 943 476 5919"),
                3 => format!("DNI 12345678Z{pad}NINO AB123456C MBI 1EG4-TE5-MK73"),
                _ => format!("1 85 05 78 006 084 07{pad}RSSMRA85T10A562S"),
            };
            hay.extend_from_slice(row.as_bytes());
            hay.push(b'\n');
        }
        let mut whole = Vec::new();
        engine.scan(&hay, &mut whole);
        for kind in Kind::ALL.iter().filter(|k| {
            matches!(
                k,
                Kind::Password
                    | Kind::GovernmentId
                    | Kind::HealthInsurance
                    | Kind::CardSecurityCode
            )
        }) {
            assert!(
                whole.iter().filter(|f| f.kind == kind).count() >= 800,
                "{kind} under-represented"
            );
        }
        for step in [1, 7, 4096, 100_000] {
            let mut got = Vec::new();
            let mut s = StreamScanner::with_chunk_size(0);
            let stats = s
                .scan(
                    &engine,
                    Trickle { data: &hay, step },
                    |_| true,
                    |h| {
                        got.push(h.finding);
                        Ok(())
                    },
                )
                .expect("in-memory reads do not fail");
            assert_eq!(stats.bytes, hay.len() as u64);
            assert_eq!(got, whole, "step {step}");
        }
    }

    #[test]
    fn csv_structure_is_followed_only_for_detectors_that_read_hints() {
        // A quoted cell that never closes: a hinter gives up with a warning.
        let mut csv = b"name,email\n\"Jane Doe,jane@example.com\n".to_vec();
        csv.extend(std::iter::repeat_n(b'x', 70 * 1024));
        let warning = |kinds| {
            let engine = Engine::new(kinds);
            let mut s = StreamScanner::default();
            let sniff = |_: &[u8]| Start::Csv(CsvHinter::new(b','));
            s.scan_structured(&engine, &csv[..], sniff, |_| Ok(()))
                .expect("in-memory reads do not fail")
                .warning
        };
        assert!(warning(Kind::ALL).is_some());
        let structured = KindSet::parse_list("email,iban").expect("known kinds");
        assert_eq!(warning(structured), None);
    }

    /// Line and column of `pos` counted naively over the whole haystack.
    fn line_col(hay: &[u8], pos: usize) -> (u64, u64) {
        let before = &hay[..pos];
        let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        (line, (pos - line_start) as u64 + 1)
    }

    #[test]
    fn lines_are_tracked_across_chunks_unless_switched_off() {
        let engine = Engine::new(Kind::ALL);
        let mut hay = Vec::new();
        for i in 0..3000u32 {
            // Lines of varying length, some empty, and stretches without
            // findings longer than the look-behind, so findings land at many
            // columns and chunk cuts fall inside, between and far from them.
            hay.extend_from_slice(format!("id {i} mail jane.doe{i}@example.com ").as_bytes());
            hay.extend(std::iter::repeat_n(b'\n', (i % 3) as usize));
            let filler = if i % 50 == 0 { 3000 } else { i % 97 };
            hay.extend(std::iter::repeat_n(b'x', filler as usize));
            hay.push(b' ');
        }
        let mut whole = Vec::new();
        engine.scan(&hay, &mut whole);
        assert!(whole.len() >= 3000);
        let want: Vec<(u64, u64)> = whole.iter().map(|f| line_col(&hay, f.start)).collect();
        assert!(want.iter().any(|&(l, c)| l > 1000 && c > 1));
        for step in [13, 100_000] {
            for track in [true, false] {
                let mut got = Vec::new();
                let mut pos = Vec::new();
                let mut s = StreamScanner::with_chunk_size(0);
                s.track_lines(track);
                s.scan(
                    &engine,
                    Trickle { data: &hay, step },
                    |_| true,
                    |h| {
                        got.push(h.finding);
                        pos.push((h.line, h.column));
                        Ok(())
                    },
                )
                .expect("in-memory reads do not fail");
                assert_eq!(got, whole, "step {step} track {track}");
                if track {
                    assert_eq!(pos, want, "step {step}");
                } else {
                    assert!(pos.iter().all(|&p| p == (0, 0)), "step {step}");
                }
            }
        }
    }
}
