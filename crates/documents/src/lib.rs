//! `bw-documents` reads the files contractors and analysts pass around —
//! spreadsheets, word-processor and presentation documents, PDFs, Parquet
//! and SQLite files — as **rows of text with positions**, for the scan
//! pipeline to scan like any other member.
//!
//! A reader walks one document and pushes what it holds into a [`Sink`]:
//! each *part* (a sheet, a table, a document part, the pages of a PDF) is
//! announced with [`Sink::part`], then its rows follow in order with
//! [`Sink::row`] — one spreadsheet or table row, one paragraph or table
//! cell of a document, one line of a PDF page. `bw-formats` renders each
//! part as one member (a table as CSV with its header, text as lines),
//! and turns the row index and column into the location a user sees
//! (`contacts.xlsx!Customers!D17`, page 3, `customers.email` row 17).
//!
//! What each format gives (the *shape* decides the location):
//! - [`Shape::Sheet`] (xlsx, xlsm, xlsb, xls, ods): one part per sheet,
//!   `index` the 1-based sheet row, cells at their 0-based column; numbers
//!   as a person typed them where the format allows (an integral float
//!   without `.0`), dates as ISO `YYYY-MM-DD`.
//! - [`Shape::Table`] (Parquet, SQLite, and the tables of docx, pptx and
//!   odt): one part per table (Parquet: one, named `""`; a document's
//!   table after the part it sits in, `word/document.xml table 2`),
//!   [`Sink::header`] first with the column names (nested Parquet columns
//!   by dotted path; a document table's first row when it reads as one,
//!   else `column 1`…), `index` the 1-based row (a document table's row as
//!   the table counts it, its header being row 1), nulls and empty cells
//!   omitted.
//! - [`Shape::Text`] (docx, pptx, odt): one part per document part
//!   (`word/document.xml`, `word/header1.xml`, `word/comments.xml`,
//!   `ppt/slides/slide3.xml`, `content.xml`), one row per paragraph
//!   outside the part's tables (text reassembled across runs), `index` its
//!   1-based number within the part, one cell at column 0; the part's
//!   tables follow it as [`Shape::Table`] parts.
//! - [`Shape::Pages`] (PDF): one part named `""`, one row per text line,
//!   `index` the 1-based page number.
//!
//! What it must never do: write anything to disk, open a file other than
//! the one it was given (a SQLite database's `-wal` beside it excepted),
//! allocate without bound on what a file claims (every reader stops at
//! [`Limits`] and says which), let a panic in a parser escape (readers of
//! hostile formats run behind `catch_unwind`), or hand out a password,
//! key or decrypted content of an encrypted file — an encrypted document
//! is [`DocError::Encrypted`], never a guess.

use std::io::{self, Read, Seek};
use std::path::Path;

mod detect;
mod docx;
mod parquet;
mod pdf;
mod sheet;
mod sqlite;

pub use detect::{detect, detect_zip, OFFICE_MARKERS};

/// A document format `bw-documents` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocFormat {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Docx,
    Pptx,
    Odt,
    Pdf,
    Parquet,
    Sqlite,
}

impl DocFormat {
    pub fn name(self) -> &'static str {
        match self {
            DocFormat::Xlsx => "xlsx",
            DocFormat::Xlsb => "xlsb",
            DocFormat::Xls => "xls",
            DocFormat::Ods => "ods",
            DocFormat::Docx => "docx",
            DocFormat::Pptx => "pptx",
            DocFormat::Odt => "odt",
            DocFormat::Pdf => "pdf",
            DocFormat::Parquet => "parquet",
            DocFormat::Sqlite => "sqlite",
        }
    }

    /// How this format's parts are laid out (see the crate doc).
    pub fn shape(self) -> Shape {
        match self {
            DocFormat::Xlsx | DocFormat::Xlsb | DocFormat::Xls | DocFormat::Ods => Shape::Sheet,
            DocFormat::Docx | DocFormat::Pptx | DocFormat::Odt => Shape::Text,
            DocFormat::Pdf => Shape::Pages,
            DocFormat::Parquet | DocFormat::Sqlite => Shape::Table,
        }
    }
}

impl std::fmt::Display for DocFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a part's rows are laid out, which decides what a position means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Spreadsheet: rows and columns of cells; location `Sheet!D17`.
    Sheet,
    /// Database/Parquet table with named columns; location table, column, row.
    Table,
    /// Paragraphs of a document part; location the part.
    Text,
    /// Lines of a paged document; location the page.
    Pages,
}

/// The document to read: a seekable byte source (a file, or a spool of a
/// member nested in an archive) and, for a file on disk, its path (SQLite
/// opens the path read-only so that a `-wal` beside it is honoured).
pub struct Source<'a> {
    pub reader: &'a mut (dyn ReadSeek + Send),
    pub len: u64,
    pub path: Option<&'a Path>,
}

/// What a document reader needs of its input.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Receives a document's parts and rows, in order. An error from the sink
/// (the scan was stopped, the output limit was hit) stops the reader,
/// which returns it as [`DocError::Sink`].
pub trait Sink {
    /// A new part starts; rows that follow belong to it. `name` is the
    /// sheet, table or part name (`""` for a document with one part).
    fn part(&mut self, name: &str, shape: Shape) -> io::Result<()>;
    /// The current part's column names ([`Shape::Table`] only), before
    /// its first row.
    fn header(&mut self, columns: &[&str]) -> io::Result<()>;
    /// One row of the current part: `index` as the shape defines it, the
    /// non-empty cells with their 0-based columns, in column order.
    fn row(&mut self, index: u64, cells: &[(u32, &str)]) -> io::Result<()>;
}

/// Bounds every reader honours, on what it actually produces or allocates,
/// never on what the file claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes inflated from any one compressed stream or zip entry inside
    /// the document (a sheet's XML, a PDF content stream).
    pub max_inflated_bytes: u64,
    /// Text handed to the sink, over the whole document.
    pub max_text_bytes: u64,
    /// Rows handed to the sink, over the whole document.
    pub max_rows: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_inflated_bytes: 1 << 30,
            max_text_bytes: 4 << 30,
            max_rows: 200_000_000,
        }
    }
}

/// Why a document could not be read (to its end). What was handed to the
/// sink before the error is real content and was scanned.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// Password-protected or encrypted: not scanned.
    #[error("encrypted, not scanned")]
    Encrypted,
    /// A PDF whose pages carry no text (a scan, images only).
    #[error("no text layer (image-only pages are not scanned)")]
    NoTextLayer,
    #[error("corrupt {format} file: {detail}")]
    Corrupt { format: DocFormat, detail: String },
    #[error("unsupported {format} content: {detail}")]
    Unsupported { format: DocFormat, detail: String },
    /// The reader stopped at one of its bounds: the file may be sound,
    /// it is only larger than a scan reads (a zip bomb, a huge stream).
    #[error("stopped at the {} limit", bound.describe(*limit))]
    Limit {
        format: DocFormat,
        bound: Bound,
        limit: u64,
    },
    /// The parser panicked; the panic was caught and the document abandoned.
    #[error("{format} parser failed on this file: {detail}")]
    Panicked { format: DocFormat, detail: String },
    #[error("read error: {0}")]
    Io(io::Error),
    /// The sink's own error; it stops the reader.
    #[error("{0}")]
    Sink(io::Error),
}

/// Which bound a reader stopped at (see [`DocError::Limit`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    /// [`Limits::max_inflated_bytes`]: what one compressed stream or zip
    /// entry inflates to (a sheet's XML, a document part, a PDF stream, a
    /// Parquet column chunk).
    Inflate,
    /// [`Limits::max_inflated_bytes`] too, on what a reader must hold whole
    /// (a PDF file, a SQLite database nested in an archive, a Parquet page).
    Memory,
    /// [`Limits::max_text_bytes`].
    Text,
    /// [`Limits::max_rows`].
    Rows,
    /// The objects of a PDF (a fixed bound).
    Objects,
    /// The filters chained on one PDF stream (a fixed bound).
    Filters,
    /// A Parquet footer's metadata (a fixed bound).
    Footer,
}

impl Bound {
    /// The limit as a person reads it: `1 GiB inflate`, `200,000,000-row`.
    pub fn describe(self, limit: u64) -> String {
        let count = |noun: &str| format!("{}-{noun}", grouped(limit));
        match self {
            Bound::Inflate => format!("{} inflate", bytes(limit)),
            Bound::Memory => format!("{} in-memory", bytes(limit)),
            Bound::Text => format!("{} text", bytes(limit)),
            Bound::Footer => format!("{} footer metadata", bytes(limit)),
            Bound::Rows => count("row"),
            Bound::Objects => count("object"),
            Bound::Filters => count("filters-per-stream"),
        }
    }
}

/// `n` bytes in the largest binary unit that divides it: `1 GiB`, `4 MiB`.
fn bytes(n: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if n >= 1 << shift && n % (1 << shift) == 0 {
            return format!("{} {unit}", n >> shift);
        }
    }
    format!("{n}-byte")
}

/// `n` with thousands separated: `200,000,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Reads `source` as `format`, pushing its parts and rows into `sink`.
pub fn read(
    format: DocFormat,
    source: Source<'_>,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), DocError> {
    match format {
        DocFormat::Xlsx | DocFormat::Xlsb | DocFormat::Xls | DocFormat::Ods => {
            sheet::read(format, source, limits, sink)
        }
        DocFormat::Docx | DocFormat::Pptx | DocFormat::Odt => {
            docx::read(format, source, limits, sink)
        }
        DocFormat::Pdf => pdf::read(source, limits, sink),
        DocFormat::Parquet => parquet::read(source, limits, sink),
        DocFormat::Sqlite => sqlite::read(source, limits, sink),
    }
}

/// Runs `f` and turns a panic into [`DocError::Panicked`]: parsers of
/// hostile formats must not take the scan down with them.
pub(crate) fn guarded<T>(
    format: DocFormat,
    f: impl FnOnce() -> Result<T, DocError>,
) -> Result<T, DocError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Err(DocError::Panicked { format, detail })
        }
    }
}

/// Counts what a reader hands to its sink against [`Limits`].
pub(crate) struct Meter<'s> {
    sink: &'s mut dyn Sink,
    format: DocFormat,
    rows: u64,
    text: u64,
    limits: Limits,
}

impl<'s> Meter<'s> {
    pub(crate) fn new(format: DocFormat, limits: &Limits, sink: &'s mut dyn Sink) -> Meter<'s> {
        Meter {
            sink,
            format,
            rows: 0,
            text: 0,
            limits: limits.clone(),
        }
    }

    pub(crate) fn part(&mut self, name: &str) -> Result<(), DocError> {
        self.part_shaped(name, self.format.shape())
    }

    /// A part whose shape is not its format's (a table in a document).
    pub(crate) fn part_shaped(&mut self, name: &str, shape: Shape) -> Result<(), DocError> {
        self.sink.part(name, shape).map_err(DocError::Sink)
    }

    pub(crate) fn header(&mut self, columns: &[&str]) -> Result<(), DocError> {
        self.sink.header(columns).map_err(DocError::Sink)
    }

    pub(crate) fn row(&mut self, index: u64, cells: &[(u32, &str)]) -> Result<(), DocError> {
        self.rows += 1;
        self.text += cells.iter().map(|(_, t)| t.len() as u64).sum::<u64>();
        if self.rows > self.limits.max_rows {
            return Err(self.over(Bound::Rows, self.limits.max_rows));
        }
        if self.text > self.limits.max_text_bytes {
            return Err(self.over(Bound::Text, self.limits.max_text_bytes));
        }
        self.sink.row(index, cells).map_err(DocError::Sink)
    }

    pub(crate) fn over(&self, bound: Bound, limit: u64) -> DocError {
        DocError::Limit {
            format: self.format,
            bound,
            limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_a_person_reads_them() {
        let said = |bound, limit| {
            DocError::Limit {
                format: DocFormat::Docx,
                bound,
                limit,
            }
            .to_string()
        };
        assert_eq!(
            said(Bound::Inflate, 1 << 30),
            "stopped at the 1 GiB inflate limit"
        );
        assert_eq!(
            said(Bound::Text, 4 << 30),
            "stopped at the 4 GiB text limit"
        );
        assert_eq!(
            said(Bound::Memory, 1536 << 20),
            "stopped at the 1536 MiB in-memory limit"
        );
        assert_eq!(
            said(Bound::Inflate, 1000),
            "stopped at the 1000-byte inflate limit"
        );
        assert_eq!(
            said(Bound::Rows, 200_000_000),
            "stopped at the 200,000,000-row limit"
        );
        assert_eq!(said(Bound::Objects, 999), "stopped at the 999-object limit");
    }
}
