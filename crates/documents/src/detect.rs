//! Which document format a byte stream is, from its head or (for the
//! zip-based office formats) from its entry names.

use std::io::{self, Read, Seek, SeekFrom};

use crate::{DocError, DocFormat};

/// The magic number of an OLE2 compound file: an xls, a legacy `.doc`,
/// or the wrapper Office puts around an encrypted xlsx/docx/pptx.
pub(crate) const OLE2: [u8; 8] = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/// Whether `reader` holds an OLE2 compound file: reads its head from the
/// start, and leaves it at the start.
pub(crate) fn is_ole2<R: Read + Seek + ?Sized>(reader: &mut R) -> Result<bool, DocError> {
    reader.seek(SeekFrom::Start(0)).map_err(DocError::Io)?;
    let mut head = [0u8; 8];
    let n = read_full(reader, &mut head).map_err(DocError::Io)?;
    reader.seek(SeekFrom::Start(0)).map_err(DocError::Io)?;
    Ok(n == head.len() && head == OLE2)
}

/// Reads until `buf` is full or the stream ends; how many bytes it read.
pub(crate) fn read_full<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The format of a stream starting with `head`, for the formats with a
/// magic number of their own. `name` (the member's last segment) only
/// tells an OLE2 compound file holding a workbook from other OLE2 files
/// (`.doc`, `.msg`), which are not read. Zip-based formats: see
/// [`detect_zip`].
pub fn detect(head: &[u8], name: &str) -> Option<DocFormat> {
    if head.starts_with(b"%PDF-") {
        return Some(DocFormat::Pdf);
    }
    if head.starts_with(b"SQLite format 3\0") {
        return Some(DocFormat::Sqlite);
    }
    if head.starts_with(b"PAR1") {
        return Some(DocFormat::Parquet);
    }
    if head.starts_with(&OLE2) {
        let lower = name.to_ascii_lowercase();
        // An encrypted xlsx/docx is an OLE2 file too: the reader of the
        // format its name claims reports it as encrypted.
        for (ext, format) in [
            (".xls", DocFormat::Xls),
            (".xlsx", DocFormat::Xlsx),
            (".xlsm", DocFormat::Xlsx),
            (".xlsb", DocFormat::Xlsb),
            (".docx", DocFormat::Docx),
            (".pptx", DocFormat::Pptx),
        ] {
            if lower.ends_with(ext) {
                return Some(format);
            }
        }
    }
    None
}

/// The zip entries whose presence names an office format (see
/// [`detect_zip`]): enough to look up, rather than list every entry.
pub const OFFICE_MARKERS: [&str; 4] = [
    "xl/workbook.xml",
    "xl/workbook.bin",
    "word/document.xml",
    "ppt/presentation.xml",
];

/// The office format of a zip whose entry names are `names` and whose
/// `mimetype` entry (OpenDocument) holds `mimetype`; `None` for an
/// ordinary zip.
pub fn detect_zip<'a>(
    names: impl IntoIterator<Item = &'a str>,
    mimetype: Option<&[u8]>,
) -> Option<DocFormat> {
    if let Some(m) = mimetype {
        let m = m.trim_ascii();
        if m == b"application/vnd.oasis.opendocument.spreadsheet" {
            return Some(DocFormat::Ods);
        }
        if m == b"application/vnd.oasis.opendocument.text" {
            return Some(DocFormat::Odt);
        }
    }
    for name in names {
        match name {
            "xl/workbook.xml" => return Some(DocFormat::Xlsx),
            "xl/workbook.bin" => return Some(DocFormat::Xlsb),
            "word/document.xml" => return Some(DocFormat::Docx),
            "ppt/presentation.xml" => return Some(DocFormat::Pptx),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_and_office_zips() {
        assert_eq!(detect(b"%PDF-1.7\n", "x"), Some(DocFormat::Pdf));
        assert_eq!(
            detect(b"SQLite format 3\0....", "app.db"),
            Some(DocFormat::Sqlite)
        );
        assert_eq!(
            detect(b"PAR1\x15\x04", "x.parquet"),
            Some(DocFormat::Parquet)
        );
        let ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0];
        assert_eq!(detect(&ole, "Book1.XLS"), Some(DocFormat::Xls));
        assert_eq!(detect(&ole, "memo.doc"), None);
        assert_eq!(detect(b"name,email\n", "x.csv"), None);
        let xlsx = [
            "[Content_Types].xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
        ];
        assert_eq!(detect_zip(xlsx, None), Some(DocFormat::Xlsx));
        assert_eq!(
            detect_zip(
                ["mimetype", "content.xml"],
                Some(b"application/vnd.oasis.opendocument.spreadsheet")
            ),
            Some(DocFormat::Ods)
        );
        assert_eq!(detect_zip(["data.csv"], None), None);
    }
}
