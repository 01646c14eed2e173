//! CSV/TSV structure: the header names the columns, and every cell below a
//! recognised column becomes a [`Hint`], however far from the header it is.
//!
//! The hinter is a byte-at-a-time state machine fed the stream in order
//! (chunk by chunk, as the stream scanner reads it), so quoted cells with
//! embedded delimiters and newlines are followed across chunk boundaries.
//! It never fails: input that stops looking like CSV (a quoted cell longer
//! than [`MAX_QUOTED`], a header line longer than [`MAX_HEADER`]) turns it
//! off with a warning, and the file is scanned as plain text.

use std::collections::VecDeque;

use super::{Field, Hint};

/// A quoted cell longer than this means unbalanced quotes.
pub const MAX_QUOTED: usize = 64 * 1024;
/// A header line longer than this is not a header.
pub const MAX_HEADER: usize = 64 * 1024;

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Where the state machine is within a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    /// An unquoted cell (or the start of any cell).
    Outside,
    Inside,
    /// Saw `"` inside quotes: an escaped `""` or the closing quote.
    InsidePending,
    /// After the closing quote, until the delimiter (stray bytes ignored).
    Closed,
}

/// Follows one CSV stream and remembers the recent cells of recognised
/// columns, with offsets into the whole stream. A clone carries the state
/// on from where the original stands.
#[derive(Clone, Debug)]
pub struct CsvHinter {
    delim: u8,
    /// Column fields from the header line.
    columns: Vec<Option<Field>>,
    header_done: bool,
    header_cell: Vec<u8>,
    quote: Quote,
    col: usize,
    /// Stream offsets of the current cell's content `[cell_start, content_end)`.
    cell_start: usize,
    content_end: usize,
    quoted_at: usize,
    pos: usize,
    hints: VecDeque<Hint>,
    warning: Option<String>,
    off: bool,
}

impl CsvHinter {
    /// A hinter if `head` (the first bytes of a stream) looks like CSV with
    /// a header naming at least one column we know; `name` (a file name)
    /// picks the delimiter for `.tsv`. Anything else is left to plain-text
    /// detection.
    pub fn sniff(name: &str, head: &[u8]) -> Option<CsvHinter> {
        let line_end = memchr::memchr(b'\n', head)?;
        let line = &head[..line_end];
        let delim = if name.ends_with(".tsv") || name.ends_with(".tab") {
            b'\t'
        } else {
            *DELIMITERS
                .iter()
                .max_by_key(|d| memchr::memchr_iter(**d, line).count())?
        };
        let cells: Vec<&[u8]> = line.split(|b| *b == delim).collect();
        let header_like = cells.len() >= 2
            && cells.iter().all(|c| {
                let c = trim_quotes(trim(c));
                // `address_line1`, `phone2` are names; `1`, `2024-01-15`,
                // `4111…` are data.
                !c.is_empty()
                    && c.len() <= 48
                    && !c[0].is_ascii_digit()
                    && c.iter().filter(|b| b.is_ascii_digit()).count() <= 2
            });
        // An id column alone is no reason to follow a file's structure.
        let known = cells
            .iter()
            .filter(|c| Field::classify(c).is_some_and(|f| f != Field::Id))
            .count();
        (header_like && known > 0).then(|| CsvHinter::new(delim))
    }

    /// A hinter for a stream with this delimiter whose first line is the
    /// header.
    pub fn new(delim: u8) -> CsvHinter {
        CsvHinter {
            delim,
            columns: Vec::new(),
            header_done: false,
            header_cell: Vec::new(),
            quote: Quote::Outside,
            col: 0,
            cell_start: 0,
            content_end: 0,
            quoted_at: 0,
            pos: 0,
            hints: VecDeque::new(),
            warning: None,
            off: false,
        }
    }

    /// Whether the hinter turned itself off (the rest is plain text).
    pub fn is_off(&self) -> bool {
        self.off
    }

    /// Why the hinter turned itself off, if it did.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// Feeds the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.off {
                return;
            }
            let run = self.content_run(&bytes[i..]);
            if run > 0 {
                i += run;
                self.pos += run;
                continue;
            }
            self.step(bytes[i]);
            self.pos += 1;
            i += 1;
        }
    }

    /// Consumes the run of plain cell content at the start of `rest` at
    /// once (memchr to the next byte that matters) and returns its length;
    /// 0 where [`CsvHinter::step`] must look at the next byte itself. Same
    /// effect as stepping through the run, an order of magnitude faster.
    fn content_run(&mut self, rest: &[u8]) -> usize {
        if !self.header_done {
            return 0;
        }
        let n = match self.quote {
            Quote::Inside => memchr::memchr(b'"', rest).unwrap_or(rest.len()),
            // A quote right at a cell's start opens a quoted cell.
            Quote::Outside if self.pos != self.cell_start => {
                memchr::memchr2(self.delim, b'\n', rest).unwrap_or(rest.len())
            }
            _ => 0,
        };
        if n == 0 {
            return 0;
        }
        let last = self.pos + n - 1;
        if self.quote == Quote::Inside {
            if last - self.quoted_at > MAX_QUOTED {
                // Byte by byte, so the give-up happens where it always did.
                return 0;
            }
            self.content_end = last + 1;
        } else if let Some(k) = rest[..n].iter().rposition(|&b| b != b'\r') {
            self.content_end = self.pos + k + 1;
        }
        n
    }

    fn step(&mut self, b: u8) {
        let at = self.pos;
        match self.quote {
            Quote::Inside => {
                if b == b'"' {
                    self.quote = Quote::InsidePending;
                } else {
                    self.content(b, at);
                    if at - self.quoted_at > MAX_QUOTED {
                        self.give_up(format!(
                            "unbalanced quotes: the quoted cell at byte {} runs past {} KiB; scanned as plain text",
                            self.quoted_at,
                            MAX_QUOTED / 1024
                        ));
                    }
                }
                return;
            }
            Quote::InsidePending if b == b'"' => {
                // `""` is an escaped quote, part of the content.
                self.quote = Quote::Inside;
                self.content(b, at);
                return;
            }
            Quote::InsidePending => self.quote = Quote::Closed,
            Quote::Outside if b == b'"' && at == self.cell_start => {
                self.quote = Quote::Inside;
                self.quoted_at = at;
                self.cell_start = at + 1;
                self.content_end = at + 1;
                return;
            }
            Quote::Outside | Quote::Closed => {}
        }
        if b == self.delim {
            self.end_cell();
            self.col += 1;
        } else if b == b'\n' {
            self.end_cell();
            if !self.header_done {
                self.header_done = true;
                if self
                    .columns
                    .iter()
                    .all(|c| c.is_none_or(|f| f == Field::Id))
                {
                    self.give_up(String::new());
                }
            }
            self.col = 0;
        } else {
            if self.quote == Quote::Outside && b != b'\r' {
                self.content(b, at);
            }
            if !self.header_done && at > MAX_HEADER {
                self.give_up(format!(
                    "no CSV header line within {} KiB; scanned as plain text",
                    MAX_HEADER / 1024
                ));
            }
            return;
        }
        self.quote = Quote::Outside;
        self.cell_start = at + 1;
        self.content_end = at + 1;
    }

    fn content(&mut self, b: u8, at: usize) {
        self.content_end = at + 1;
        if !self.header_done && self.header_cell.len() < 256 {
            self.header_cell.push(b);
        }
    }

    fn end_cell(&mut self) {
        if !self.header_done {
            self.columns.push(Field::classify(&self.header_cell));
            self.header_cell.clear();
            return;
        }
        if let Some(Some(field)) = self.columns.get(self.col) {
            if self.content_end > self.cell_start {
                self.hints.push_back(Hint {
                    start: self.cell_start,
                    end: self.content_end,
                    field: *field,
                });
            }
        }
    }

    fn give_up(&mut self, warning: String) {
        self.off = true;
        self.hints.clear();
        if !warning.is_empty() {
            self.warning = Some(warning);
        }
    }

    /// Appends the hints overlapping stream offsets `[start, end)` to
    /// `out`, relative to `start` and clipped to the range. The cell still
    /// open at the end of what was fed counts up to there.
    pub fn hints_in(&self, start: usize, end: usize, out: &mut Vec<Hint>) {
        let open = (self.header_done && !self.off && self.content_end > self.cell_start)
            .then(|| self.columns.get(self.col).copied().flatten())
            .flatten()
            .map(|field| Hint {
                start: self.cell_start,
                end: self.content_end,
                field,
            });
        super::clip_into(self.hints.iter().chain(open.iter()), start, end, out);
    }

    /// Forgets hints that end before stream offset `pos`.
    pub fn forget_before(&mut self, pos: usize) {
        while self.hints.front().is_some_and(|h| h.end <= pos) {
            self.hints.pop_front();
        }
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let s = match s.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(i) => &s[i..],
        None => return &[],
    };
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &s[..end]
}

fn trim_quotes(s: &[u8]) -> &[u8] {
    s.strip_prefix(b"\"")
        .and_then(|s| s.strip_suffix(b"\""))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints_of(data: &[u8], step: usize) -> (Vec<(String, Field)>, Option<String>) {
        let mut h = CsvHinter::sniff("x.csv", data).expect("looks like CSV");
        for chunk in data.chunks(step) {
            h.feed(chunk);
        }
        let mut out = Vec::new();
        h.hints_in(0, data.len(), &mut out);
        let cells = out
            .iter()
            .map(|x| {
                (
                    String::from_utf8_lossy(&data[x.start..x.end]).into_owned(),
                    x.field,
                )
            })
            .collect();
        (cells, h.warning().map(str::to_string))
    }

    #[test]
    fn cells_of_known_columns_become_hints_across_any_chunking() {
        let data = b"id,First Name,last_name,notes\r\n1,Jane,Doe,x\r\n2,\"Mary\nAnn\",\"O\"\"Neil, Jr\",\"a,b\"\n3,,Smith,\n";
        let want = vec![
            ("1".to_string(), Field::Id),
            ("Jane".to_string(), Field::GivenName),
            ("Doe".to_string(), Field::FamilyName),
            ("2".to_string(), Field::Id),
            ("Mary\nAnn".to_string(), Field::GivenName),
            ("O\"\"Neil, Jr".to_string(), Field::FamilyName),
            ("3".to_string(), Field::Id),
            ("Smith".to_string(), Field::FamilyName),
        ];
        for step in [1, 2, 3, 7, data.len()] {
            let (got, warning) = hints_of(data, step);
            assert_eq!(got, want, "step {step}");
            assert_eq!(warning, None);
        }
    }

    #[test]
    fn headers_without_known_columns_or_with_data_are_not_csv_hints() {
        assert!(CsvHinter::sniff("a.csv", b"sku,qty,price\nA1,2,3.50\n").is_none());
        assert!(CsvHinter::sniff("a.csv", b"jane@example.com,Jane,Doe\n").is_none());
        assert!(CsvHinter::sniff("a.csv", b"no newline yet, email").is_none());
        let h = CsvHinter::sniff("a.tsv", b"email\tname\n").expect("tsv");
        assert_eq!(h.delim, b'\t');
        // Tab-dominant without a `.tsv` name; commas inside header cells.
        let h = CsvHinter::sniff("export", b"Name, full\temail\tphone\n").expect("tsv");
        assert_eq!(h.delim, b'\t');
        for (head, delim) in [
            (&b"id;email;address_line1\n"[..], b';'),
            (b"email|phone2\n", b'|'),
        ] {
            assert_eq!(CsvHinter::sniff("x", head).map(|h| h.delim), Some(delim));
        }
    }

    #[test]
    fn unbalanced_quotes_turn_hints_off_with_a_warning() {
        let mut data = b"email,name\n\"jane@example.com,Jane\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', MAX_QUOTED + 10));
        let (got, warning) = hints_of(&data, 4096);
        assert!(got.is_empty());
        assert!(warning.is_some_and(|w| w.contains("unbalanced quotes")));
    }

    #[test]
    fn forgetting_keeps_the_open_cell() {
        let mut h = CsvHinter::new(b',');
        h.feed(b"name\nJane Doe\nJohn Sm");
        h.forget_before(14);
        let mut out = Vec::new();
        h.hints_in(10, 40, &mut out);
        assert_eq!(
            out,
            vec![Hint {
                start: 4,
                end: 11,
                field: Field::Name
            }]
        );
    }
}
