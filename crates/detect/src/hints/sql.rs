//! SQL dumps as structure: the columns a table's `CREATE TABLE`, `COPY` or
//! `INSERT` column list names, laid onto every value tuple and `COPY` line
//! of that table, however far below and however many rows a statement
//! holds.
//!
//! The shapes real tools write: mysqldump's `CREATE TABLE \`t\` (…)` then
//! multi-row `INSERT INTO \`t\` VALUES (…),(…);` without a column list (and
//! backslash escapes); pg_dump's `COPY public.t (a, b) FROM stdin;` blocks
//! (tab-separated, `\N` for null, ended by `\.`) or, with `--inserts` and
//! `--column-inserts`, one `INSERT` per row, with or without its column
//! list; `sqlite3 .dump`'s `CREATE TABLE t(…)` and `INSERT INTO t
//! VALUES(…);`.
//!
//! Like the CSV hinter, a state machine fed the stream in order, chunk by
//! chunk, skipping content with `memchr`. Its memory is bounded: at most
//! [`MAX_TABLES`] tables of at most [`MAX_COLUMNS`] columns are
//! remembered, and a statement's head (up to its first value) is kept only
//! up to [`MAX_HEAD`] bytes. Statements it does not follow are skipped a
//! line at a time. It never fails; a statement it cannot read gives no
//! hints.

use std::collections::VecDeque;
use std::sync::Arc;

use super::{Field, Hint};
use parse::{
    column_field, column_list, could_start, empty, ends_ci, find_ci, ident_byte, ident_closer,
    starts_ci, table_name,
};

mod parse;

/// Tables whose columns are remembered; past this, the oldest is dropped.
pub const MAX_TABLES: usize = 256;
/// Columns per table that get a field; later ones get none.
pub const MAX_COLUMNS: usize = 1024;
/// A statement head (`INSERT INTO t (cols…) VALUES`, a `COPY` line, `CREATE
/// TABLE t (`) longer than this is not followed.
pub const MAX_HEAD: usize = 64 * 1024;
/// How much of a line is read to tell which statement it starts.
const KEYWORD_BYTES: usize = 24;

pub(super) type Columns = Arc<[Option<Field>]>;

/// Where the state machine is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before a statement: whitespace is skipped, then the first bytes of
    /// the line are collected to tell the statement.
    Start,
    /// Collecting a line's first bytes.
    Keyword,
    /// In a line of a statement not followed: skip to its end.
    SkipLine,
    /// Collecting `INSERT INTO t [(cols)] VALUES` up to the first `(`.
    InsertHead,
    /// The value tuples of an `INSERT`.
    Values,
    /// Collecting a `COPY … FROM stdin;` line.
    CopyHead,
    /// The data lines of a `COPY`.
    CopyData,
    /// Collecting `CREATE TABLE t (`.
    CreateHead,
    /// The column definitions of a `CREATE TABLE`.
    CreateBody,
}

/// Within a quoted SQL string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    None,
    /// Inside `'…'`.
    In,
    /// Saw `'` inside: a doubled `''` or the closing quote.
    Pending,
    /// Saw `\` inside a string with backslash escapes: the next byte is
    /// escaped.
    Escape,
}

/// Follows one SQL dump and remembers the recent cells of recognised
/// columns, with offsets into the whole stream. A clone carries the state
/// on from where the original stands.
#[derive(Clone, Debug)]
pub struct SqlHinter {
    state: State,
    pos: usize,
    /// Known tables, the most recently defined last.
    tables: Vec<(Box<[u8]>, Columns)>,
    /// The statement's head (or line start) being collected.
    head: Vec<u8>,
    /// The columns of the statement being read (empty: none known).
    cols: Columns,
    col: usize,
    /// Nesting inside a tuple (1: its cells) or a `CREATE TABLE` body.
    depth: u32,
    quote: Quote,
    /// Strings of this statement take backslash escapes (MySQL).
    backslash: bool,
    /// This cell is a quoted string (its content ends at the quote).
    quoted: bool,
    /// Stream offsets of the current cell's content `[cell_start, content_end)`.
    cell_start: usize,
    content_end: usize,
    /// `CREATE TABLE`: the table being defined and its columns so far.
    create_name: Box<[u8]>,
    create_cols: Vec<Option<Field>>,
    /// `CREATE TABLE`: at the start of a definition, awaiting its name.
    def_start: bool,
    /// `COPY`: where the data line started, and whether it began `\.`.
    line_start: usize,
    copy_end: bool,
    /// `COPY`: the cell so far is `\N`.
    copy_null: bool,
    hints: VecDeque<Hint>,
    /// Records (value tuples, `COPY` rows) as stream ranges, oldest first;
    /// the front one is record number `first_record`.
    records: VecDeque<(usize, usize)>,
    first_record: u64,
    /// Where the record being read started, if one is open.
    open_record: Option<usize>,
}

impl SqlHinter {
    /// A hinter if `name` ends in `.sql` or `head` (a stream's first bytes)
    /// starts like a dump: a dump tool's banner, or a line that starts
    /// `CREATE TABLE`, `INSERT INTO` or `COPY` within the head.
    pub fn sniff(name: &str, head: &[u8]) -> Option<SqlHinter> {
        let base = name.rsplit(['/', '!']).next().unwrap_or(name);
        let named = base.to_ascii_lowercase().ends_with(".sql");
        let banner = [
            &b"-- MySQL dump"[..],
            b"-- MariaDB dump",
            b"--\n-- PostgreSQL database dump",
            b"PRAGMA foreign_keys=OFF;",
        ]
        .iter()
        .any(|b| head.starts_with(b));
        // Every member that is not a dump is sniffed too: lines are found
        // with memchr, not byte by byte (that was 4% of a default scan).
        let statement = || {
            let ends = memchr::memchr_iter(b'\n', head).chain(std::iter::once(head.len()));
            let mut start = 0;
            ends.take(200).any(|end| {
                let l = head[start..end].trim_ascii_start();
                start = end + 1;
                starts_ci(l, b"CREATE TABLE ")
                    || starts_ci(l, b"INSERT INTO ")
                    || (starts_ci(l, b"COPY ") && find_ci(l, b"FROM stdin").is_some())
            })
        };
        (named || banner || statement()).then(SqlHinter::new)
    }

    pub fn new() -> SqlHinter {
        SqlHinter {
            state: State::Start,
            pos: 0,
            tables: Vec::new(),
            head: Vec::new(),
            cols: empty(),
            col: 0,
            depth: 0,
            quote: Quote::None,
            backslash: false,
            quoted: false,
            cell_start: 0,
            content_end: 0,
            create_name: Box::default(),
            create_cols: Vec::new(),
            def_start: false,
            line_start: 0,
            copy_end: false,
            copy_null: false,
            hints: VecDeque::new(),
            records: VecDeque::new(),
            first_record: 0,
            open_record: None,
        }
    }

    /// Never: a dump that stops looking like one just gives no hints.
    pub fn is_off(&self) -> bool {
        false
    }

    /// Never any: see [`SqlHinter::is_off`].
    pub fn warning(&self) -> Option<&str> {
        None
    }

    /// Feeds the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            let run = self.skip_run(&bytes[i..]);
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

    /// Consumes the run at the start of `rest` that needs no look at each
    /// byte (a skipped line, a string's content, a `COPY` cell) and returns
    /// its length; 0 where [`SqlHinter::step`] must see the next byte.
    fn skip_run(&mut self, rest: &[u8]) -> usize {
        match (self.state, self.quote) {
            (State::SkipLine, _) => memchr::memchr(b'\n', rest).unwrap_or(rest.len()),
            (State::Values | State::CreateBody, Quote::In) => {
                let n = if self.backslash {
                    memchr::memchr2(b'\'', b'\\', rest)
                } else {
                    memchr::memchr(b'\'', rest)
                }
                .unwrap_or(rest.len());
                if n > 0 && self.in_content() {
                    self.content_end = self.pos + n;
                }
                n
            }
            // A tuple of a table with no known columns: only strings and
            // parentheses matter (where the tuple ends); no cell is hinted.
            (State::Values, Quote::None) if self.depth >= 1 && self.cols.is_empty() => {
                let n = memchr::memchr3(b'\'', b'(', b')', rest).unwrap_or(rest.len());
                if n > 0 {
                    // Keep what `string_may_start` reads: the word before a
                    // quote (`E'…'` takes backslash escapes).
                    let run = &rest[..n];
                    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
                    let tail = match run.iter().rposition(|b| !word(b)) {
                        Some(i) => {
                            self.head.clear();
                            &run[i + 1..]
                        }
                        None => run,
                    };
                    let room = 8usize.saturating_sub(self.head.len());
                    self.head.extend_from_slice(&tail[..tail.len().min(room)]);
                    self.content_end = self.pos + n;
                }
                n
            }
            (State::CopyData, Quote::None) if self.pos > self.line_start + 1 => {
                let n = memchr::memchr3(b'\t', b'\n', b'\\', rest).unwrap_or(rest.len());
                if n > 0 {
                    self.content_end = self.pos + n;
                }
                n
            }
            _ => 0,
        }
    }

    fn step(&mut self, b: u8) {
        match self.state {
            State::Start => {
                if !b.is_ascii_whitespace() {
                    self.head.clear();
                    self.head.push(b);
                    self.state = State::Keyword;
                }
            }
            State::Keyword => self.keyword(b),
            State::SkipLine => {
                if b == b'\n' {
                    self.state = State::Start;
                }
            }
            State::InsertHead => self.insert_head(b),
            State::Values => self.values(b),
            State::CopyHead => self.copy_head(b),
            State::CopyData => self.copy_data(b),
            State::CreateHead => self.create_head(b),
            State::CreateBody => self.create_body(b),
        }
    }

    /// A line's first bytes: which statement it starts.
    fn keyword(&mut self, b: u8) {
        self.head.push(b);
        let h = &self.head[..];
        let next = if starts_ci(h, b"INSERT ") || starts_ci(h, b"REPLACE ") {
            State::InsertHead
        } else if starts_ci(h, b"COPY ") {
            State::CopyHead
        } else if starts_ci(h, b"CREATE TABLE ") || starts_ci(h, b"CREATE TEMPORARY TABLE ") {
            State::CreateHead
        } else if b == b'\n' || h.len() >= KEYWORD_BYTES || !could_start(h) {
            State::SkipLine
        } else {
            return;
        };
        self.state = next;
        if next == State::SkipLine && b == b'\n' {
            self.state = State::Start;
        }
    }

    fn insert_head(&mut self, b: u8) {
        if self.head.len() >= MAX_HEAD || b == b';' {
            self.state = State::SkipLine;
            return;
        }
        self.head.push(b);
        if b != b'(' {
            return;
        }
        // The first `(` after `VALUES` opens the first tuple; one before it
        // opens the column list.
        let before = self.head[..self.head.len() - 1].trim_ascii_end();
        if !ends_ci(before, b"VALUES") {
            return;
        }
        let head = std::mem::take(&mut self.head);
        self.cols = self.insert_columns(&head);
        self.head = head;
        self.backslash = self.head.contains(&b'`');
        self.state = State::Values;
        self.depth = 0;
        self.quote = Quote::None;
        self.open_tuple();
    }

    /// The columns an `INSERT` head names, or those of its table.
    fn insert_columns(&mut self, head: &[u8]) -> Columns {
        let Some(at) = find_ci(head, b" INTO ") else {
            return empty();
        };
        let Some((table, rest)) = table_name(&head[at + 6..]) else {
            return empty();
        };
        let rest = rest.trim_ascii_start();
        if rest.starts_with(b"(") {
            let list = &rest[1..];
            let close = list.iter().position(|&b| b == b')').unwrap_or(list.len());
            return column_list(&list[..close]);
        }
        self.lookup(&table)
    }

    fn lookup(&mut self, table: &[u8]) -> Columns {
        // The latest table first: a dump's rows follow their table.
        match self.tables.iter().rposition(|(t, _)| &**t == table) {
            Some(i) => self.tables[i].1.clone(),
            None => empty(),
        }
    }

    fn remember(&mut self, table: Box<[u8]>, cols: Vec<Option<Field>>) {
        self.tables.retain(|(t, _)| *t != table);
        if cols.iter().all(Option::is_none) {
            return;
        }
        if self.tables.len() == MAX_TABLES {
            self.tables.remove(0);
        }
        self.tables.push((table, Arc::from(cols)));
    }

    fn open_tuple(&mut self) {
        self.open_record = Some(self.pos);
        self.head.clear();
        self.depth = 1;
        self.col = 0;
        self.start_cell(self.pos + 1);
    }

    fn start_cell(&mut self, at: usize) {
        self.quoted = false;
        self.cell_start = at;
        self.content_end = at;
    }

    fn end_cell(&mut self) {
        let Some(Some(field)) = self.cols.get(self.col).copied() else {
            return;
        };
        let (s, e) = (self.cell_start, self.content_end);
        if e <= s || (!self.quoted && self.null_cell()) {
            return;
        }
        self.hints.push_back(Hint {
            start: s,
            end: e,
            field,
        });
    }

    /// Whether the unquoted cell just ended was `NULL` (tracked by
    /// [`SqlHinter::values`] in `head`, which is free while values run).
    fn null_cell(&self) -> bool {
        self.head.eq_ignore_ascii_case(b"null")
    }

    /// The value tuples of an `INSERT`, byte by byte outside strings.
    fn values(&mut self, b: u8) {
        let at = self.pos;
        match self.quote {
            Quote::In => {
                // Only `'` or `\` reach here (see `skip_run`).
                if b == b'\'' {
                    self.quote = Quote::Pending;
                } else {
                    self.quote = Quote::Escape;
                }
                if !self.quoted {
                    self.content_end = at + 1;
                }
                return;
            }
            Quote::Escape => {
                self.quote = Quote::In;
                self.mark_content(at);
                return;
            }
            Quote::Pending if b == b'\'' => {
                self.quote = Quote::In;
                self.mark_content(at);
                return;
            }
            Quote::Pending => self.quote = Quote::None,
            Quote::None => {}
        }
        match b {
            b'\'' => {
                // A string at a cell's start (maybe after `E`, `N`, `_utf8`)
                // is the cell's value.
                if self.depth == 1 && !self.quoted && self.string_may_start() {
                    self.quoted = true;
                    self.cell_start = at + 1;
                    self.content_end = at + 1;
                } else if !self.quoted {
                    self.content_end = at + 1;
                }
                self.quote = Quote::In;
            }
            b'(' => {
                if self.depth == 0 {
                    self.open_tuple();
                } else {
                    self.depth += 1;
                    if !self.quoted {
                        self.content_end = at + 1;
                    }
                }
            }
            b')' if self.depth > 0 => {
                self.depth -= 1;
                if self.depth == 0 {
                    self.end_cell();
                    self.close_record(at + 1);
                } else if !self.quoted {
                    self.content_end = at + 1;
                }
            }
            b',' if self.depth == 1 => {
                self.end_cell();
                self.col += 1;
                self.start_cell(at + 1);
                self.head.clear();
            }
            b';' if self.depth == 0 => {
                self.open_record = None;
                self.cols = empty();
                self.head.clear();
                self.state = State::Start;
            }
            // An unquoted cell's value is all of it, calls and their
            // arguments (`ST_GeomFromText('POINT(1 2)')`) included: its end
            // only ever moves to the last byte fed (see `hints_in`).
            _ if self.depth >= 1 && !self.quoted => {
                if b.is_ascii_whitespace() {
                    if self.content_end == self.cell_start {
                        self.cell_start = at + 1;
                        self.content_end = at + 1;
                    }
                } else {
                    self.content_end = at + 1;
                    if self.head.len() < 8 {
                        self.head.push(b);
                    }
                }
            }
            _ => {}
        }
    }

    fn mark_content(&mut self, at: usize) {
        if self.in_content() {
            self.content_end = at + 1;
        }
    }

    /// Whether a string's bytes here are the cell's content: the cell's
    /// own string (at the tuple's level), or any string in an unquoted
    /// cell (a call's argument). A quoted cell's content ends at its quote.
    fn in_content(&self) -> bool {
        self.depth >= 1 && (!self.quoted || self.depth == 1)
    }

    /// Whether a `'` here starts the cell's value: nothing before it in the
    /// cell, or a string prefix (`E'…'`, `N'…'`, `_utf8mb4'…'`).
    fn string_may_start(&mut self) -> bool {
        let before = self.content_end - self.cell_start;
        if before == 0 {
            return true;
        }
        let prefix = &self.head[..];
        if prefix.eq_ignore_ascii_case(b"e") {
            // PostgreSQL's escape strings take backslash escapes.
            self.backslash = true;
            return true;
        }
        prefix.eq_ignore_ascii_case(b"n") || prefix.starts_with(b"_")
    }

    fn copy_head(&mut self, b: u8) {
        if b != b'\n' {
            if self.head.len() >= MAX_HEAD {
                self.state = State::SkipLine;
            } else {
                self.head.push(b);
            }
            return;
        }
        let head = std::mem::take(&mut self.head);
        self.state = State::Start;
        if let Some(cols) = self.copy_columns(head.trim_ascii_end()) {
            self.cols = cols;
            self.state = State::CopyData;
            self.col = 0;
            self.line_start = self.pos + 1;
            self.copy_end = false;
            self.copy_null = false;
            self.quote = Quote::None;
            self.start_cell(self.pos + 1);
            self.open_record = Some(self.pos + 1);
        }
        self.head = head;
        self.head.clear();
    }

    /// The columns of `COPY t [(cols)] FROM stdin;`, or `None` for a
    /// `COPY` that has no data lines after it.
    fn copy_columns(&mut self, line: &[u8]) -> Option<Columns> {
        find_ci(line, b" FROM stdin")?;
        let (table, rest) = table_name(line.get(5..)?)?;
        let rest = rest.trim_ascii_start();
        Some(match rest.strip_prefix(b"(") {
            Some(list) => {
                let close = list.iter().position(|&b| b == b')').unwrap_or(list.len());
                column_list(&list[..close])
            }
            None => self.lookup(&table),
        })
    }

    /// A `COPY` data line: tab-separated, backslash escapes, `\N` null,
    /// `\.` alone ends the data.
    fn copy_data(&mut self, b: u8) {
        let at = self.pos;
        if self.quote == Quote::Escape {
            // The escaped byte belongs to the cell.
            self.quote = Quote::None;
            self.content_end = at + 1;
            if at == self.line_start + 1 && b == b'.' {
                // `\.` ends the data (once its line ends): no record.
                self.copy_end = true;
                self.open_record = None;
            }
            if at == self.cell_start + 1 && b == b'N' {
                self.copy_null = true;
            }
            return;
        }
        match b {
            b'\t' => {
                self.copy_cell_end();
                self.col += 1;
                self.start_cell(at + 1);
            }
            b'\n' => {
                if self.copy_end {
                    self.open_record = None;
                    self.cols = empty();
                    self.state = State::Start;
                    return;
                }
                self.copy_cell_end();
                self.close_record(at + 1);
                self.open_record = Some(at + 1);
                self.col = 0;
                self.line_start = at + 1;
                self.start_cell(at + 1);
            }
            b'\\' => {
                self.quote = Quote::Escape;
                self.content_end = at + 1;
            }
            b'\r' => {}
            _ => self.content_end = at + 1,
        }
        if b != b'\\' && b != b'\r' && self.copy_end {
            // Not the end after all: a row that starts `\.`.
            self.copy_end = false;
            self.open_record = Some(self.line_start);
        }
    }

    fn copy_cell_end(&mut self) {
        // `\N` is null.
        let null = self.copy_null && self.content_end - self.cell_start == 2;
        self.copy_null = false;
        if !null {
            self.end_cell();
        }
    }

    fn create_head(&mut self, b: u8) {
        if self.head.len() >= 4096 || b == b';' {
            self.state = State::SkipLine;
            return;
        }
        if b != b'(' {
            self.head.push(b);
            return;
        }
        let head = std::mem::take(&mut self.head);
        let after = find_ci(&head, b"TABLE ").map_or(&head[..0], |i| &head[i + 6..]);
        match table_name(after) {
            Some((name, rest)) if rest.trim_ascii().is_empty() => {
                self.backslash = head.contains(&b'`');
                self.create_name = name;
                self.create_cols.clear();
                self.depth = 1;
                self.quote = Quote::None;
                self.def_start = true;
                self.state = State::CreateBody;
            }
            _ => self.state = State::SkipLine,
        }
        self.head = head;
        self.head.clear();
    }

    /// A `CREATE TABLE` body: each definition at depth 1 starts with its
    /// column's name, unless it is a constraint (`PRIMARY KEY (…)`).
    fn create_body(&mut self, b: u8) {
        match self.quote {
            Quote::In => {
                self.quote = if b == b'\'' {
                    Quote::Pending
                } else {
                    Quote::Escape
                };
                return;
            }
            Quote::Escape => {
                self.quote = Quote::In;
                return;
            }
            Quote::Pending if b == b'\'' => {
                self.quote = Quote::In;
                return;
            }
            Quote::Pending => self.quote = Quote::None,
            Quote::None => {}
        }
        if self.def_start && self.column_name(b) {
            return;
        }
        match b {
            b'\'' => self.quote = Quote::In,
            b'(' => self.depth += 1,
            b')' => {
                self.depth -= 1;
                if self.depth == 0 {
                    let name = std::mem::take(&mut self.create_name);
                    let cols = std::mem::take(&mut self.create_cols);
                    self.remember(name, cols);
                    self.state = State::SkipLine;
                }
            }
            b',' if self.depth == 1 => {
                self.def_start = true;
                self.head.clear();
            }
            _ => {}
        }
    }

    /// Collects a definition's first token; returns whether `b` was
    /// taken by it (otherwise the body reads it too).
    fn column_name(&mut self, b: u8) -> bool {
        if let Some(c) = self.head.first().and_then(|&open| ident_closer(open)) {
            if b == c {
                let name = std::mem::take(&mut self.head);
                self.end_definition_name(&name[1..], true);
                self.head = name;
            } else if self.head.len() < 130 {
                self.head.push(b);
            }
            return true;
        }
        if self.head.is_empty() {
            if b.is_ascii_whitespace() {
                return true;
            }
            if ident_closer(b).is_some() {
                self.head.push(b);
                return true;
            }
        }
        if ident_byte(b) {
            if self.head.len() < 130 {
                self.head.push(b);
            }
            return true;
        }
        let name = std::mem::take(&mut self.head);
        self.end_definition_name(&name, false);
        self.head = name;
        self.head.clear();
        false
    }

    fn end_definition_name(&mut self, name: &[u8], quoted: bool) {
        self.def_start = false;
        const CONSTRAINTS: &[&[u8]] = &[
            b"primary",
            b"key",
            b"unique",
            b"constraint",
            b"index",
            b"foreign",
            b"check",
            b"fulltext",
            b"spatial",
            b"exclude",
            b"like",
            b"period",
        ];
        if name.is_empty() || (!quoted && CONSTRAINTS.iter().any(|k| k.eq_ignore_ascii_case(name)))
        {
            return;
        }
        if self.create_cols.len() < MAX_COLUMNS {
            self.create_cols.push(column_field(name));
        }
    }

    /// Appends the hints overlapping stream offsets `[start, end)` to
    /// `out`, relative to `start` and clipped to the range. The cell still
    /// open at the end of what was fed counts up to there, however deep in
    /// parentheses the bytes fed last are: a scan must see the same hint
    /// whether it was fed to a point inside them or past them (a stream's
    /// chunk and a piece end at different places).
    pub fn hints_in(&self, start: usize, end: usize, out: &mut Vec<Hint>) {
        let in_cell = (self.state == State::Values && self.depth >= 1)
            || (self.state == State::CopyData && !self.copy_end);
        let open = (in_cell && self.content_end > self.cell_start)
            .then(|| self.cols.get(self.col).copied().flatten())
            .flatten()
            .map(|field| Hint {
                start: self.cell_start,
                end: self.content_end,
                field,
            });
        super::clip_into(self.hints.iter().chain(open.iter()), start, end, out);
    }

    /// Ends the open record at stream offset `end`.
    fn close_record(&mut self, end: usize) {
        if let Some(start) = self.open_record.take() {
            self.records.push_back((start, end));
        }
    }

    /// The number of the record (a value tuple, a `COPY` row) that holds
    /// stream offset `pos`, counted from the stream's start; `None` outside
    /// records (statement heads, comments, DDL). Asked in stream order for
    /// offsets not yet forgotten; a record still open counts up to what
    /// was fed.
    pub fn record_at(&self, pos: usize) -> Option<u64> {
        let i = self.records.partition_point(|&(_, end)| end <= pos);
        let n = self.first_record + i as u64;
        match self.records.get(i) {
            Some(&(start, _)) => (start <= pos).then_some(n),
            None => self.open_record.filter(|&s| s <= pos).map(|_| n),
        }
    }

    /// Forgets hints and records that end before stream offset `pos`.
    pub fn forget_before(&mut self, pos: usize) {
        while self.hints.front().is_some_and(|h| h.end <= pos) {
            self.hints.pop_front();
        }
        while self.records.front().is_some_and(|&(_, end)| end <= pos) {
            self.records.pop_front();
            self.first_record += 1;
        }
    }
}

impl Default for SqlHinter {
    fn default() -> SqlHinter {
        SqlHinter::new()
    }
}

#[cfg(test)]
mod tests;
