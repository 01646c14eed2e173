//! One document part's XML, streamed, into rows: a paragraph or a table
//! cell each. The markup of WordprocessingML (`w:`), DrawingML (`a:`, the
//! text of slides) and OpenDocument (`text:`, `table:`) differs in which
//! elements hold text; the rows they make are the same.

use std::io::{self, BufRead, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::{DocError, DocFormat, Meter};

/// Counts the bytes an entry inflates to and fails past the limit: a zip
/// entry's declared size is whatever its writer chose to claim.
pub(super) struct Bounded<R> {
    inner: R,
    read: u64,
    limit: u64,
    pub(super) over: bool,
}

impl<R: Read> Bounded<R> {
    pub(super) fn new(inner: R, limit: u64) -> Bounded<R> {
        Bounded {
            inner,
            read: 0,
            limit,
            over: false,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            self.over = true;
            return Err(io::Error::other("zip entry inflates past the limit"));
        }
        Ok(n)
    }
}

/// Which markup the part is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// WordprocessingML and DrawingML: text only inside `t` elements.
    Ooxml,
    /// OpenDocument: all character data of a paragraph is its text.
    Odf,
}

/// A paragraph being assembled, and how many table cells were open when
/// it started (the cell it belongs to, if any).
struct Para {
    text: String,
    cells_open: usize,
}

/// Streams one part into `meter` as rows. `format` names the format in
/// errors; the part itself was announced by the caller.
pub(super) fn rows<R: BufRead>(
    xml: &mut Reader<R>,
    dialect: Dialect,
    format: DocFormat,
    meter: &mut Meter<'_>,
) -> Result<(), XmlStop> {
    let mut walk = Walk {
        dialect,
        paras: Vec::new(),
        cells: Vec::new(),
        in_text: 0,
        in_run: 0,
        skip: 0,
        row: 0,
    };
    let mut buf = Vec::new();
    loop {
        let event = xml.read_event_into(&mut buf).map_err(XmlStop::Xml)?;
        match event {
            Event::Start(e) => walk.start(&e, false),
            Event::Empty(e) => walk.start(&e, true),
            Event::End(e) => walk.end(e.local_name().as_ref(), meter)?,
            Event::Text(t) if walk.takes_text() => {
                let s = t
                    .xml10_content()
                    .map_err(|e| XmlStop::Doc(corrupt(format, e)))?;
                walk.push_text(&s);
            }
            Event::CData(t) if walk.takes_text() => {
                let s = t.decode().map_err(|e| XmlStop::Doc(corrupt(format, e)))?;
                walk.push_text(&s);
            }
            // Only the predefined entities and character references: a
            // DTD's own entities are never expanded (no entity bombs).
            Event::GeneralRef(r) if walk.takes_text() => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    walk.push_text(c.encode_utf8(&mut [0; 4]));
                } else if let Ok(name) = r.decode() {
                    if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
                        walk.push_text(s);
                    }
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// Why [`rows`] stopped early.
pub(super) enum XmlStop {
    /// The XML (or the bytes under it) failed; the caller tells a limit
    /// from a read error from bad markup.
    Xml(quick_xml::Error),
    Doc(DocError),
}

impl From<DocError> for XmlStop {
    fn from(e: DocError) -> XmlStop {
        XmlStop::Doc(e)
    }
}

fn corrupt(format: DocFormat, e: impl std::fmt::Display) -> DocError {
    DocError::Corrupt {
        format,
        detail: e.to_string(),
    }
}

struct Walk {
    dialect: Dialect,
    /// Open paragraphs, innermost last: text boxes, footnotes and
    /// annotations nest paragraphs inside paragraphs.
    paras: Vec<Para>,
    /// Open table cells' joined paragraphs, innermost last.
    cells: Vec<String>,
    /// Depth of OOXML text elements (`w:t`, `a:t`, `w:delText`).
    in_text: u32,
    /// Depth of OOXML runs: a `w:tab` outside a run is a tab stop's
    /// definition, not a tab.
    in_run: u32,
    /// Depth of elements whose character data is not the paragraph's
    /// text: ODF's footnote numbers (they would glue onto the number
    /// before them), an annotation's author and date; OOXML's fallback
    /// copies of text boxes.
    skip: u32,
    row: u64,
}

impl Walk {
    fn takes_text(&self) -> bool {
        if self.paras.is_empty() || self.skip > 0 {
            return false;
        }
        match self.dialect {
            Dialect::Ooxml => self.in_text > 0,
            Dialect::Odf => true,
        }
    }

    fn push_text(&mut self, s: &str) {
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        match self.dialect {
            Dialect::Ooxml => p.text.push_str(s),
            // ODF collapses white space in paragraphs as HTML does (`text:s`
            // says where more than one space was meant).
            Dialect::Odf => {
                for c in s.chars() {
                    if c.is_whitespace() {
                        if !p.text.is_empty() && !p.text.ends_with(' ') {
                            p.text.push(' ');
                        }
                    } else {
                        p.text.push(c);
                    }
                }
            }
        }
    }

    fn push_literal(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let local = e.local_name();
        let name = local.as_ref();
        match (self.dialect, name) {
            (Dialect::Ooxml, b"tab") if self.in_run > 0 => return self.push_literal("\t"),
            (Dialect::Ooxml, b"br" | b"cr") | (Dialect::Odf, b"line-break") => {
                return self.push_literal(" ")
            }
            (Dialect::Odf, b"tab") => return self.push_literal("\t"),
            (Dialect::Odf, b"s") => {
                let n = e
                    .try_get_attribute("text:c")
                    .ok()
                    .flatten()
                    .and_then(|a| {
                        std::str::from_utf8(&a.value)
                            .ok()?
                            .trim()
                            .parse::<usize>()
                            .ok()
                    })
                    .unwrap_or(1);
                // A count is the file's claim: a space run longer than a
                // line says nothing more than a line of spaces.
                for _ in 0..n.min(256) {
                    self.push_literal(" ");
                }
                return;
            }
            _ => {}
        }
        // An empty container holds nothing and gets no end event.
        if empty {
            return;
        }
        match (self.dialect, name) {
            (Dialect::Ooxml, b"p") | (Dialect::Odf, b"p" | b"h") => self.paras.push(Para {
                text: String::new(),
                cells_open: self.cells.len(),
            }),
            (Dialect::Ooxml, b"tc") | (Dialect::Odf, b"table-cell" | b"covered-table-cell") => {
                self.cells.push(String::new())
            }
            (Dialect::Ooxml, b"t" | b"delText") => self.in_text += 1,
            (Dialect::Ooxml, b"r") => self.in_run += 1,
            // Word writes a text box twice, for new readers (`mc:Choice`)
            // and old (`mc:Fallback`): read once, or every finding in it
            // would be counted twice.
            (Dialect::Ooxml, b"Fallback")
            | (Dialect::Odf, b"note-citation" | b"creator" | b"date" | b"date-string") => {
                self.skip += 1
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8], meter: &mut Meter<'_>) -> Result<(), DocError> {
        match (self.dialect, name) {
            (Dialect::Ooxml, b"p") | (Dialect::Odf, b"p" | b"h") => {
                let Some(p) = self.paras.pop() else {
                    return Ok(());
                };
                if p.text.trim().is_empty() {
                    return Ok(());
                }
                if p.cells_open > 0 && p.cells_open <= self.cells.len() {
                    let cell = &mut self.cells[p.cells_open - 1];
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(&p.text);
                } else {
                    self.emit(&p.text, meter)?;
                }
            }
            (Dialect::Ooxml, b"tc") | (Dialect::Odf, b"table-cell" | b"covered-table-cell") => {
                if let Some(cell) = self.cells.pop() {
                    if !cell.trim().is_empty() {
                        self.emit(&cell, meter)?;
                    }
                }
            }
            (Dialect::Ooxml, b"t" | b"delText") => self.in_text = self.in_text.saturating_sub(1),
            (Dialect::Ooxml, b"r") => self.in_run = self.in_run.saturating_sub(1),
            (Dialect::Ooxml, b"Fallback")
            | (Dialect::Odf, b"note-citation" | b"creator" | b"date" | b"date-string") => {
                self.skip = self.skip.saturating_sub(1)
            }
            _ => {}
        }
        Ok(())
    }

    fn emit(&mut self, text: &str, meter: &mut Meter<'_>) -> Result<(), DocError> {
        self.row += 1;
        meter.row(self.row, &[(0, text)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, Shape, Sink};

    #[derive(Default)]
    struct Texts(Vec<(u64, String)>);

    impl Sink for Texts {
        fn part(&mut self, _: &str, _: Shape) -> io::Result<()> {
            Ok(())
        }
        fn header(&mut self, _: &[&str]) -> io::Result<()> {
            Ok(())
        }
        fn row(&mut self, index: u64, cells: &[(u32, &str)]) -> io::Result<()> {
            self.0.push((index, cells[0].1.to_string()));
            Ok(())
        }
    }

    fn read(xml: &str, dialect: Dialect) -> Vec<(u64, String)> {
        let mut sink = Texts::default();
        let limits = Limits::default();
        let mut meter = Meter::new(DocFormat::Docx, &limits, &mut sink);
        let mut reader = Reader::from_reader(xml.as_bytes());
        assert!(rows(&mut reader, dialect, DocFormat::Docx, &mut meter).is_ok());
        sink.0
    }

    #[test]
    fn a_text_box_is_read_once_and_tab_stops_are_not_tabs() {
        let xml = r#"<w:body><w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
            <w:r><w:t>Ship to</w:t></w:r>
            <w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>
              <w:p><w:r><w:t>Eulalia Brenner</w:t></w:r></w:p>
            </w:txbxContent></wps:txbx></w:drawing></mc:Choice>
            <mc:Fallback><w:pict><v:textbox><w:txbxContent>
              <w:p><w:r><w:t>Eulalia Brenner</w:t></w:r></w:p>
            </w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>
            <w:r><w:t xml:space="preserve"> today</w:t></w:r></w:p></w:body>"#;
        assert_eq!(
            read(xml, Dialect::Ooxml),
            [
                (1, "Eulalia Brenner".to_string()),
                (2, "Ship to today".to_string())
            ]
        );
    }

    #[test]
    fn odf_annotations_keep_their_text_but_not_their_byline() {
        let xml = r#"<office:text><text:p>Refund for <office:annotation><dc:creator>Agent 7</dc:creator>
            <dc:date>2024-05-01</dc:date><text:p>checked ID of Perpetua Lund</text:p></office:annotation>order 5521</text:p></office:text>"#;
        assert_eq!(
            read(xml, Dialect::Odf),
            [
                (1, "checked ID of Perpetua Lund".to_string()),
                (2, "Refund for order 5521".to_string())
            ]
        );
    }
}
