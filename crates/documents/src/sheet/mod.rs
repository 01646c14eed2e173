//! Spreadsheets — xlsx, xlsm, xls, ods through `calamine`; xlsb through
//! our own record reader ([`xlsb`]: calamine skips the short cell records
//! SheetJS writes).
//!
//! Every worksheet is a part named after the sheet; each row with a
//! non-empty cell is one [`Meter::row`] with its 1-based sheet row and the
//! cells' 0-based columns, in sheet order. xlsx and xlsb sheets are
//! streamed cell by cell, so a 200 MB sheet is never held whole; xls and
//! ods are parsed whole by calamine when the workbook opens (it has no
//! other API for them), and handed over one sheet at a time. Cell text:
//! see [`text`].

use std::fmt::Display;
use std::io::{self, BufReader, Seek, SeekFrom};
use std::ops::Range;

use calamine::{Cell, DataRef, Xlsx, XlsxError};
use calamine::{Data, Ods, OdsError, Reader, SheetType, Xls, XlsError};

use crate::detect::is_ole2;
use crate::{guarded, DocError, DocFormat, Limits, Meter, Sink, Source};

mod text;
mod xlsb;
mod zipcheck;

pub(crate) fn read(
    format: DocFormat,
    source: Source<'_>,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), DocError> {
    let mut meter = Meter::new(format, limits, sink);
    guarded(format, || {
        // The zip directory and calamine's record readers make many small
        // reads; a file or spool underneath should not see each one.
        let mut reader = BufReader::with_capacity(64 << 10, source.reader);
        let ole2 = is_ole2(&mut reader)?;
        match format {
            // An encrypted xlsx/xlsb is an OLE2 file holding the encrypted
            // package; an unencrypted OLE2 file named .xlsx is an xls
            // someone renamed, and is read as one.
            DocFormat::Xlsx | DocFormat::Xlsb if ole2 => {
                if let Err(XlsxError::Password) = Xlsx::new(&mut reader) {
                    return Err(DocError::Encrypted);
                }
                reader.seek(SeekFrom::Start(0)).map_err(DocError::Io)?;
                xls(&mut reader, &mut meter)
            }
            DocFormat::Xlsx => {
                zipcheck::check(&mut reader, limits, &meter)?;
                xlsx(&mut reader, &mut meter)
            }
            // Checks each part's declared size as it opens it.
            DocFormat::Xlsb => xlsb::read(&mut reader, limits, &mut meter),
            DocFormat::Ods => {
                zipcheck::check(&mut reader, limits, &meter)?;
                ods(&mut reader, &mut meter)
            }
            DocFormat::Xls => xls(&mut reader, &mut meter),
            other => Err(DocError::Unsupported {
                format: other,
                detail: "not a spreadsheet format".to_string(),
            }),
        }
    })
}

type Src<'r, 's> = &'r mut BufReader<&'s mut (dyn crate::ReadSeek + Send)>;

fn xlsx(reader: Src<'_, '_>, meter: &mut Meter<'_>) -> Result<(), DocError> {
    let mut book: Xlsx<_> =
        Xlsx::new(reader).map_err(|e| calamine_err(meter, "workbook", e, is_xlsx_password))?;
    for name in worksheets(book.sheets_metadata()) {
        meter.part(&name)?;
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| calamine_err(meter, &sheet(&name), e, is_xlsx_password))?;
        stream_cells(meter, &name, || cells.next_cell(), is_xlsx_password)?;
    }
    Ok(())
}

fn xls(reader: Src<'_, '_>, meter: &mut Meter<'_>) -> Result<(), DocError> {
    let is_password = |e: &XlsError| matches!(e, XlsError::Password);
    let mut book: Xls<_> =
        Xls::new(reader).map_err(|e| calamine_err(meter, "workbook", e, is_password))?;
    for name in worksheets(book.sheets_metadata()) {
        meter.part(&name)?;
        let range = book
            .worksheet_range(&name)
            .map_err(|e| calamine_err(meter, &sheet(&name), e, is_password))?;
        emit_range(meter, &range)?;
    }
    Ok(())
}

fn ods(reader: Src<'_, '_>, meter: &mut Meter<'_>) -> Result<(), DocError> {
    let is_password = |e: &OdsError| matches!(e, OdsError::Password);
    let mut book: Ods<_> =
        Ods::new(reader).map_err(|e| calamine_err(meter, "workbook", e, is_password))?;
    for name in worksheets(book.sheets_metadata()) {
        meter.part(&name)?;
        let range = book
            .worksheet_range(&name)
            .map_err(|e| calamine_err(meter, &sheet(&name), e, is_password))?;
        emit_range(meter, &range)?;
    }
    Ok(())
}

/// Streams one xlsx sheet's cells, as calamine's cell reader yields them
/// through `next`, into rows.
fn stream_cells<'a, E: Display + std::error::Error + 'static>(
    meter: &mut Meter<'_>,
    name: &str,
    mut next: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, E>,
    is_password: impl Fn(&E) -> bool,
) -> Result<(), DocError> {
    let mut row = RowBuf::default();
    while let Some(cell) = next().map_err(|e| calamine_err(meter, &sheet(name), e, &is_password))? {
        let (r, c) = cell.get_position();
        row.push(meter, r, c, |out| text::push(out, cell.get_value()))?;
    }
    row.flush(meter)
}

/// What an error reading the sheet `name` names.
fn sheet(name: &str) -> String {
    format!("sheet {name:?}")
}

/// The sheets that hold cells, in workbook order, hidden ones included (a
/// breach scanner looks everywhere); chart and dialog sheets hold none.
fn worksheets(sheets: &[calamine::Sheet]) -> Vec<String> {
    sheets
        .iter()
        .filter(|s| matches!(s.typ, SheetType::WorkSheet | SheetType::MacroSheet))
        .map(|s| s.name.clone())
        .collect()
}

/// A whole-sheet range, whose positions are relative to its first cell.
fn emit_range(meter: &mut Meter<'_>, range: &calamine::Range<Data>) -> Result<(), DocError> {
    let Some((row0, col0)) = range.start() else {
        return Ok(());
    };
    let mut row = RowBuf::default();
    for (r, c, value) in range.used_cells() {
        // Offsets within a sheet of at most 2^20 rows and 2^14 columns.
        let r = row0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX));
        let c = col0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
        row.push(meter, r, c, |out| text::push_data(out, value))?;
    }
    row.flush(meter)
}

/// One row's cells as they stream in: their texts in one buffer, reused
/// from row to row.
#[derive(Default)]
struct RowBuf {
    row: Option<u32>,
    text: String,
    cells: Vec<(u32, Range<usize>)>,
}

impl RowBuf {
    /// Adds the cell at 0-based `row`, `col` whose text `write` appends,
    /// handing the previous row to the meter when `row` starts a new one.
    fn push(
        &mut self,
        meter: &mut Meter<'_>,
        row: u32,
        col: u32,
        write: impl FnOnce(&mut String),
    ) -> Result<(), DocError> {
        if self.row != Some(row) {
            self.flush(meter)?;
            self.row = Some(row);
        }
        let start = self.text.len();
        write(&mut self.text);
        if self.text.len() > start {
            self.cells.push((col, start..self.text.len()));
        }
        Ok(())
    }

    fn flush(&mut self, meter: &mut Meter<'_>) -> Result<(), DocError> {
        if let (Some(row), false) = (self.row, self.cells.is_empty()) {
            // Writers put cells in column order; a hand-made file may not.
            if !self.cells.is_sorted_by_key(|(c, _)| *c) {
                self.cells.sort_by_key(|(c, _)| *c);
            }
            let cells: Vec<(u32, &str)> = self
                .cells
                .iter()
                .map(|(c, r)| (*c, self.text.get(r.clone()).unwrap_or_default()))
                .collect();
            meter.row(u64::from(row) + 1, &cells)?;
        }
        self.row = None;
        self.text.clear();
        self.cells.clear();
        Ok(())
    }
}

fn is_xlsx_password(e: &XlsxError) -> bool {
    matches!(e, XlsxError::Password)
}

/// A calamine error as ours: a password is [`DocError::Encrypted`], an I/O
/// failure of the source itself is [`DocError::Io`], anything else is the
/// file's fault and names `what` was being read.
fn calamine_err<E: Display + std::error::Error + 'static>(
    meter: &Meter<'_>,
    what: &str,
    e: E,
    is_password: impl Fn(&E) -> bool,
) -> DocError {
    if is_password(&e) {
        return DocError::Encrypted;
    }
    if let Some(io) = source_io_error(&e) {
        return DocError::Io(io);
    }
    corrupt(meter, what, e)
}

/// An I/O error that is the medium's (not a truncated or lying stream,
/// which calamine and zip report as `UnexpectedEof` or `InvalidData`).
fn source_io_error(e: &(dyn std::error::Error + 'static)) -> Option<io::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData => None,
                kind => Some(io::Error::new(kind, io.to_string())),
            };
        }
        cur = err.source();
    }
    None
}

pub(super) fn corrupt(meter: &Meter<'_>, what: &str, e: impl Display) -> DocError {
    DocError::Corrupt {
        format: meter.format,
        detail: format!("{what}: {e}"),
    }
}
