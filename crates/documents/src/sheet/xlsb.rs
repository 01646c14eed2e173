//! xlsb, Excel's binary workbook: a zip whose parts are BIFF12 record
//! streams, read here record by record rather than by calamine.
//!
//! calamine 0.38's xlsb cell reader knows only the full cell records
//! (`BrtCell*`, `BrtFmla*`) and skips the short ones (`BrtShortBlank`
//! 0x000C … `BrtShortIsst` 0x0012: a cell without its column, which is one
//! past the previous cell's), which SheetJS writes for every cell that
//! follows another in its row: from such a file calamine read column A and
//! nothing else. Its record iterator is private, so there is nothing to
//! patch around; this reader is small and keeps the same contract as the
//! other sheet paths: one part per worksheet in workbook order (hidden
//! ones included), rows assembled by [`RowBuf`], cell text by [`text`].
//!
//! What it reads: `xl/_rels/workbook.bin.rels` and `xl/workbook.bin`
//! (sheet names and parts, the 1904 date system), `xl/styles.bin` (which
//! styles are dates), `xl/sharedStrings.bin`, then each sheet streamed.
//! Every part is inflated through the zip's bound on its declared size,
//! and that size is checked against [`Limits::max_inflated_bytes`] before
//! a byte of it is inflated; record sizes are never trusted (see
//! [`records`]). The shared strings are held in one buffer for the sheets
//! to refer to, as every reader of the format must.

mod records;
mod styles;

use std::io::{BufRead, BufReader, Read, Seek};

use calamine::{DataRef, ExcelDateTime, ExcelDateTimeType};
use zip::read::ZipFile;
use zip::result::ZipError;
use zip::ZipArchive;

use super::{text, RowBuf};
use crate::{Bound, DocError, DocFormat, Limits, Meter};
use records::{corrupt, Body, Records, Utf16};
use styles::{NumFmt, Styles};

const FORMAT: DocFormat = DocFormat::Xlsb;

// Record types (MS-XLSB 2.3.2; the short cells as SheetJS writes them).
const ROW_HDR: u16 = 0x0000;
const CELL_BLANK: u16 = 0x0001;
const CELL_RK: u16 = 0x0002;
const CELL_ERROR: u16 = 0x0003;
const CELL_BOOL: u16 = 0x0004;
const CELL_REAL: u16 = 0x0005;
const CELL_ST: u16 = 0x0006;
const CELL_ISST: u16 = 0x0007;
const FMLA_STRING: u16 = 0x0008;
const FMLA_NUM: u16 = 0x0009;
const FMLA_BOOL: u16 = 0x000A;
const FMLA_ERROR: u16 = 0x000B;
const SHORT_BLANK: u16 = 0x000C;
const SHORT_RK: u16 = 0x000D;
const SHORT_ERROR: u16 = 0x000E;
const SHORT_BOOL: u16 = 0x000F;
const SHORT_REAL: u16 = 0x0010;
const SHORT_ST: u16 = 0x0011;
const SHORT_ISST: u16 = 0x0012;
const SST_ITEM: u16 = 0x0013;
const FRT_BEGIN: u16 = 0x0023;
const FRT_END: u16 = 0x0024;
const CELL_RSTRING: u16 = 0x003E;
const BEGIN_SHEET_DATA: u16 = 0x0091;
const END_SHEET_DATA: u16 = 0x0092;
const END_BUNDLE_SHS: u16 = 0x0090;
const WB_PROP: u16 = 0x0099;
const BUNDLE_SH: u16 = 0x009C;
const END_SST: u16 = 0x00A0;

/// The last row and column a sheet has (0-based; 2^20 rows, 2^14 columns).
const MAX_ROW: u32 = 0x000F_FFFF;
const MAX_COL: u32 = 0x3FFF;

pub(super) fn read<R: Read + Seek>(
    reader: R,
    limits: &Limits,
    meter: &mut Meter<'_>,
) -> Result<(), DocError> {
    let mut zip = ZipArchive::new(reader).map_err(|e| zip_error("zip directory", e))?;
    let limit = limits.max_inflated_bytes;
    let rels =
        crate::docx::relationships(&mut zip, FORMAT, "xl/_rels/workbook.bin.rels", "xl/", limit)?;
    const WORKBOOK: &str = "xl/workbook.bin";
    let book = match open(&mut zip, WORKBOOK, limit, WORKBOOK)? {
        Some(mut recs) => Book::read(&mut recs)?,
        None => return Err(corrupt(WORKBOOK, "not in the zip")),
    };
    let styles = match open(&mut zip, "xl/styles.bin", limit, "xl/styles.bin")? {
        Some(mut recs) => Styles::read(&mut recs)?,
        None => Styles::default(),
    };
    const SST: &str = "xl/sharedStrings.bin";
    let strings = match open(&mut zip, SST, limit, SST)? {
        Some(mut recs) => Strings::read(&mut recs)?,
        None => Strings::default(),
    };
    let cells = Cells {
        styles: &styles,
        strings: &strings,
        is_1904: book.is_1904,
    };
    for sheet in &book.sheets {
        let what = super::sheet(&sheet.name);
        let Some((kind, path)) = rels.get(&sheet.rel) else {
            return Err(corrupt(&what, format!("no relationship {:?}", sheet.rel)));
        };
        // Chart and dialog sheets hold no cells.
        if kind.ends_with("/chartsheet") || kind.ends_with("/dialogsheet") {
            continue;
        }
        meter.part(&sheet.name)?;
        match open(&mut zip, path, limit, &what)? {
            Some(mut recs) => cells.read(&mut recs, meter)?,
            None => return Err(corrupt(&what, format!("no {path} in the zip"))),
        }
    }
    Ok(())
}

type Part<'z, R> = Records<BufReader<ZipFile<'z, R>>>;

/// The record stream of the entry `path` (matched without regard to case,
/// as Excel does), `None` if the zip has no such entry. Refused when the
/// entry declares more than `limit`: zip never inflates past what an entry
/// declares, so this bounds what any part can inflate to.
fn open<'z, R: Read + Seek>(
    zip: &'z mut ZipArchive<R>,
    path: &str,
    limit: u64,
    what: &str,
) -> Result<Option<Part<'z, R>>, DocError> {
    let index = zip.index_for_name(path).or_else(|| {
        (0..zip.len()).find(|&i| {
            zip.name_for_index(i)
                .and_then(Result::ok)
                .is_some_and(|n| n.replace('\\', "/").eq_ignore_ascii_case(path))
        })
    });
    let Some(index) = index else {
        return Ok(None);
    };
    let entry = zip.by_index(index).map_err(|e| zip_error(what, e))?;
    if entry.size() > limit {
        return Err(DocError::Limit {
            format: FORMAT,
            bound: Bound::Inflate,
            limit,
        });
    }
    Ok(Some(Records::new(
        BufReader::with_capacity(64 << 10, entry),
        what,
    )))
}

fn zip_error(what: &str, e: ZipError) -> DocError {
    match e {
        ZipError::UnsupportedArchive(m) if m == ZipError::PASSWORD_REQUIRED => DocError::Encrypted,
        ZipError::InvalidPassword => DocError::Encrypted,
        ZipError::Io(e)
            if !matches!(
                e.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            DocError::Io(e)
        }
        e => corrupt(what, e),
    }
}

/// What `xl/workbook.bin` says: the sheets in order and the date system.
struct Book {
    sheets: Vec<SheetRef>,
    is_1904: bool,
}

struct SheetRef {
    name: String,
    /// Its relationship id in `xl/_rels/workbook.bin.rels`.
    rel: String,
}

impl Book {
    fn read<R: BufRead>(recs: &mut Records<R>) -> Result<Book, DocError> {
        let mut book = Book {
            sheets: Vec::new(),
            is_1904: false,
        };
        while let Some(rec) = recs.next(|t| t == WB_PROP || t == BUNDLE_SH)? {
            match rec.typ {
                WB_PROP => book.is_1904 = rec.body.u32(0)? & 1 != 0,
                BUNDLE_SH => {
                    // hsState, iTabID, strRelID, strName.
                    let (rel, at) = rec.body.nullable_wide(8)?;
                    let (name, _) = rec.body.wide(at)?;
                    // A sheet without a relationship has no part to read.
                    if let Some(rel) = rel {
                        book.sheets.push(SheetRef {
                            name: name.decode(),
                            rel: rel.decode(),
                        });
                    }
                }
                END_BUNDLE_SHS => break,
                _ => {}
            }
        }
        Ok(book)
    }
}

/// The shared strings, in one buffer: a sheet of short strings would
/// otherwise cost a heap allocation per string.
#[derive(Default)]
struct Strings {
    text: String,
    ends: Vec<usize>,
}

impl Strings {
    fn read<R: BufRead>(recs: &mut Records<R>) -> Result<Strings, DocError> {
        let mut strings = Strings::default();
        // Records inside a future-record block are not items of the table.
        let mut future = 0u32;
        while let Some(rec) = recs.next(|t| t == SST_ITEM)? {
            match rec.typ {
                SST_ITEM if future == 0 => {
                    // A RichStr: flags, then the text (runs and phonetics
                    // after it are formatting).
                    let (s, _) = rec.body.wide(1)?;
                    s.push_to(&mut strings.text);
                    strings.ends.push(strings.text.len());
                }
                FRT_BEGIN => future = future.saturating_add(1),
                FRT_END => future = future.saturating_sub(1),
                END_SST => break,
                _ => {}
            }
        }
        Ok(strings)
    }

    fn get(&self, index: u32) -> Option<&str> {
        let i = usize::try_from(index).ok()?;
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(prev) => *self.ends.get(prev)?,
            None => 0,
        };
        self.text.get(start..end)
    }
}

/// What a sheet's cells are read with.
struct Cells<'b> {
    styles: &'b Styles,
    strings: &'b Strings,
    is_1904: bool,
}

/// A cell's value, checked and ready to be written as text.
enum Value<'a> {
    Nothing,
    Data(DataRef<'a>),
    Utf16(Utf16<'a>),
}

impl Cells<'_> {
    /// Streams one sheet's cells into rows.
    fn read<R: BufRead>(
        &self,
        recs: &mut Records<R>,
        meter: &mut Meter<'_>,
    ) -> Result<(), DocError> {
        let mut row = RowBuf::default();
        let mut in_data = false;
        // Writers head every row with its BrtRowHdr; a cell before any is
        // put in the first row, as calamine and SheetJS read it.
        let mut rw = 0u32;
        let mut prev_col: Option<u32> = None;
        while let Some(rec) = recs.next(|t| in_data && is_cell_or_row(t))? {
            match rec.typ {
                BEGIN_SHEET_DATA => in_data = true,
                END_SHEET_DATA => break,
                _ if !in_data => {}
                ROW_HDR => {
                    rw = rec.body.u32(0)?;
                    if rw > MAX_ROW {
                        return Err(rec.body.corrupt(format!("row {rw} is past the last row")));
                    }
                    prev_col = None;
                }
                typ if is_cell_or_row(typ) => {
                    let short = (SHORT_BLANK..=SHORT_ISST).contains(&typ);
                    let (col, style, at) = if short {
                        // The column is not written: it is the next one.
                        let col = prev_col.map_or(0, |c| c.saturating_add(1));
                        (col, rec.body.u24(0)?, 4)
                    } else {
                        (rec.body.u32(0)?, rec.body.u24(4)?, 8)
                    };
                    if col > MAX_COL {
                        return Err(rec
                            .body
                            .corrupt(format!("column {col} is past the last column")));
                    }
                    prev_col = Some(col);
                    let value = self.value(typ, rec.body, at, style)?;
                    row.push(meter, rw, col, |out| match value {
                        Value::Nothing => {}
                        Value::Data(d) => text::push(out, &d),
                        Value::Utf16(s) => s.push_to(out),
                    })?;
                }
                _ => {}
            }
        }
        row.flush(meter)
    }

    /// The value of a cell record of type `typ`, whose value starts at `at`.
    fn value<'a>(
        &'a self,
        typ: u16,
        body: Body<'a>,
        at: usize,
        style: u32,
    ) -> Result<Value<'a>, DocError> {
        Ok(match typ {
            CELL_RK | SHORT_RK => self.number(rk(body.u32(at)?), style),
            CELL_REAL | SHORT_REAL | FMLA_NUM => self.number(body.f64(at)?, style),
            CELL_BOOL | SHORT_BOOL | FMLA_BOOL => Value::Data(DataRef::Bool(body.u8(at)? != 0)),
            CELL_ST | SHORT_ST | FMLA_STRING => Value::Utf16(body.wide(at)?.0),
            // A RichStr: flags, then the text.
            CELL_RSTRING => Value::Utf16(body.wide(at + 1)?.0),
            CELL_ISST | SHORT_ISST => {
                let i = body.u32(at)?;
                match self.strings.get(i) {
                    Some(s) => Value::Data(DataRef::SharedString(s)),
                    None => {
                        let n = self.strings.ends.len();
                        return Err(body.corrupt(format!("shared string {i} of a table of {n}")));
                    }
                }
            }
            // Blanks hold formatting, errors are Excel's, not data.
            CELL_BLANK | SHORT_BLANK | CELL_ERROR | SHORT_ERROR | FMLA_ERROR => Value::Nothing,
            _ => Value::Nothing,
        })
    }

    /// A number as its style shows it: a date serial, a duration, or a
    /// number (see [`text`] for how each is written).
    fn number(&self, v: f64, style: u32) -> Value<'static> {
        let kind = match self.styles.kind(style) {
            NumFmt::Number => return Value::Data(DataRef::Float(v)),
            NumFmt::Date => ExcelDateTimeType::DateTime,
            NumFmt::Duration => ExcelDateTimeType::TimeDelta,
        };
        Value::Data(DataRef::DateTime(ExcelDateTime::new(v, kind, self.is_1904)))
    }
}

fn is_cell_or_row(typ: u16) -> bool {
    matches!(typ, ROW_HDR..=SHORT_ISST | CELL_RSTRING)
}

/// An RkNumber (MS-XLSB 2.5.122): 30 bits of either a signed integer or
/// the high bits of a double, possibly to be divided by 100.
fn rk(raw: u32) -> f64 {
    let v = if raw & 2 != 0 {
        f64::from(i32::from_le_bytes(raw.to_le_bytes()) >> 2)
    } else {
        f64::from_bits(u64::from(raw & !3) << 32)
    };
    if raw & 1 != 0 {
        v / 100.0
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rk_numbers() {
        // Integers, shifted past the two flag bits.
        assert_eq!(rk(42 << 2 | 2), 42.0);
        assert_eq!(rk((-7i32 << 2) as u32 | 2), -7.0);
        // The same, stored times 100.
        assert_eq!(rk(125_050 << 2 | 3), 1250.5);
        assert_eq!(rk(10 << 2 | 3), 0.1);
        // The high 30 bits of a double: 1.5 is 0x3FF8_0000_0000_0000.
        assert_eq!(rk(0x3FF8_0000), 1.5);
        assert_eq!(rk(0x3FF8_0000 | 1), 0.015);
    }

    #[test]
    fn shared_strings_by_index() {
        let s = Strings {
            text: "abcde".to_string(),
            ends: vec![2, 2, 5],
        };
        assert_eq!(s.get(0), Some("ab"));
        assert_eq!(s.get(1), Some(""));
        assert_eq!(s.get(2), Some("cde"));
        assert_eq!(s.get(3), None);
        assert_eq!(s.get(u32::MAX), None);
    }
}
