//! One document part's XML, streamed, into rows: its paragraphs outside
//! tables as text, each table as a table of its own. The markup of WordprocessingML (`w:`), DrawingML (`a:`, the
//! text of slides) and OpenDocument (`text:`, `table:`) differs in which
//! elements hold text; the rows they make are the same.

use std::io::{self, BufRead, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::table::{CellStart, RowStart, Table};
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

/// Which rows a walk over a part hands out: a part is read once for its
/// text and once more for each depth of tables it holds, so that every
/// table is a part of its own while nothing is held but one table row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pass {
    /// Paragraphs outside every table: the part's text rows.
    Text,
    /// Each table opened at this depth (1: in no other table), as a
    /// [`Shape::Table`](crate::Shape::Table) part of its own.
    Tables(u32),
}

/// Tables nested deeper than this are text of the cell that holds them
/// (each depth costs one more read of the part).
pub(super) const MAX_NESTING: u32 = 4;

/// A paragraph being assembled, and how many tables were open when it
/// started.
struct Para {
    text: String,
    depth: u32,
}

/// Streams one part into `meter` as `pass` says; `part` names its tables
/// (`word/document.xml table 2`, numbered in the part's reading order,
/// nested ones too). `deepest` is set to the deepest table nesting met,
/// also when the walk stops early. `format` names the format in errors;
/// the text part itself was announced by the caller.
pub(super) fn rows<R: BufRead>(
    xml: &mut Reader<R>,
    dialect: Dialect,
    format: DocFormat,
    pass: Pass,
    part: &str,
    deepest: &mut u32,
    meter: &mut Meter<'_>,
) -> Result<(), XmlStop> {
    let mut walk = Walk {
        dialect,
        pass,
        part,
        paras: Vec::new(),
        depth: 0,
        deepest: 0,
        tables: 0,
        table: None,
        header_rows: 0,
        in_text: 0,
        in_run: 0,
        skip: 0,
        row: 0,
    };
    let res = walk.run(xml, format, meter);
    *deepest = walk.deepest;
    if let Err(XmlStop::Xml(_)) = res {
        // Cut short: the rows of the table it was in are real content.
        if let Some(mut t) = walk.table.take() {
            t.end(meter)?;
        }
    }
    res
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

struct Walk<'p> {
    dialect: Dialect,
    pass: Pass,
    part: &'p str,
    /// Open paragraphs, innermost last: text boxes, footnotes and
    /// annotations nest paragraphs inside paragraphs.
    paras: Vec<Para>,
    /// Tables open now.
    depth: u32,
    deepest: u32,
    /// Tables begun in the part so far, at any depth.
    tables: u64,
    /// The table being read, when the pass reads its depth.
    table: Option<Table>,
    /// Depth of OpenDocument header-row groups in that table.
    header_rows: u32,
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

impl Walk<'_> {
    fn run<R: BufRead>(
        &mut self,
        xml: &mut Reader<R>,
        format: DocFormat,
        meter: &mut Meter<'_>,
    ) -> Result<(), XmlStop> {
        let mut buf = Vec::new();
        loop {
            let event = xml.read_event_into(&mut buf).map_err(XmlStop::Xml)?;
            match event {
                Event::Start(e) => self.start(&e, meter)?,
                // An empty element gets no end event: it starts and ends.
                Event::Empty(e) => {
                    self.start(&e, meter)?;
                    self.end(e.local_name().as_ref(), meter)?;
                }
                Event::End(e) => self.end(e.local_name().as_ref(), meter)?,
                Event::Text(t) if self.takes_text() => {
                    let s = t
                        .xml10_content()
                        .map_err(|e| XmlStop::Doc(corrupt(format, e)))?;
                    self.push_text(&s);
                }
                Event::CData(t) if self.takes_text() => {
                    let s = t.decode().map_err(|e| XmlStop::Doc(corrupt(format, e)))?;
                    self.push_text(&s);
                }
                // Only the predefined entities and character references: a
                // DTD's own entities are never expanded (no entity bombs).
                Event::GeneralRef(r) if self.takes_text() => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        self.push_text(c.encode_utf8(&mut [0; 4]));
                    } else if let Ok(name) = r.decode() {
                        if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
                            self.push_text(s);
                        }
                    }
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
            buf.clear();
        }
    }

    /// Whether text at the current depth belongs to what this pass reads.
    fn wanted(&self) -> bool {
        match self.pass {
            Pass::Text => self.depth == 0,
            Pass::Tables(d) => {
                self.table.is_some() && (self.depth == d || (d == MAX_NESTING && self.depth > d))
            }
        }
    }

    /// Whether the pass reads the rows and cells of the table open now.
    fn reading(&self) -> bool {
        self.table.is_some() && self.pass == Pass::Tables(self.depth)
    }

    fn takes_text(&self) -> bool {
        if self.paras.is_empty() || self.skip > 0 || !self.wanted() {
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

    fn is_table(&self, name: &[u8]) -> bool {
        match self.dialect {
            Dialect::Ooxml => name == b"tbl",
            Dialect::Odf => name == b"table",
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, meter: &mut Meter<'_>) -> Result<(), DocError> {
        let local = e.local_name();
        let name = local.as_ref();
        match (self.dialect, name) {
            (Dialect::Ooxml, b"tab") if self.in_run > 0 => {
                self.push_literal("\t");
                return Ok(());
            }
            (Dialect::Ooxml, b"br" | b"cr") | (Dialect::Odf, b"line-break") => {
                self.push_literal(" ");
                return Ok(());
            }
            (Dialect::Odf, b"tab") => {
                self.push_literal("\t");
                return Ok(());
            }
            (Dialect::Odf, b"s") => {
                let n = number(e, "c").unwrap_or(1);
                // A count is the file's claim: a space run longer than a
                // line says nothing more than a line of spaces.
                for _ in 0..n.min(256) {
                    self.push_literal(" ");
                }
                return Ok(());
            }
            _ => {}
        }
        if self.is_table(name) {
            self.depth = self.depth.saturating_add(1);
            self.deepest = self.deepest.max(self.depth);
            self.tables += 1;
            if self.pass == Pass::Tables(self.depth) {
                self.table = Some(Table::new(format!("{} table {}", self.part, self.tables)));
                self.header_rows = 0;
            }
            return Ok(());
        }
        if self.reading() {
            self.table_start(e, name, meter)?;
        }
        match (self.dialect, name) {
            (Dialect::Ooxml, b"p") | (Dialect::Odf, b"p" | b"h") => self.paras.push(Para {
                text: String::new(),
                depth: self.depth,
            }),
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
        Ok(())
    }

    /// The structure of the table being read: rows, cells, merges and
    /// heading marks.
    fn table_start(
        &mut self,
        e: &BytesStart<'_>,
        name: &[u8],
        meter: &mut Meter<'_>,
    ) -> Result<(), DocError> {
        let marked = self.header_rows > 0;
        let Some(table) = self.table.as_mut() else {
            return Ok(());
        };
        match (self.dialect, name) {
            (Dialect::Ooxml, b"tr") => table.start_row(RowStart { repeat: 1, marked }, meter)?,
            (Dialect::Odf, b"table-row") => table.start_row(
                RowStart {
                    repeat: number(e, "number-rows-repeated").unwrap_or(1),
                    marked,
                },
                meter,
            )?,
            // DrawingML writes every grid cell, a merged one's neighbours
            // flagged; its `gridSpan` attribute needs no counting.
            (Dialect::Ooxml, b"tc") => table.start_cell(CellStart {
                span: 1,
                covered: flag(e, "hMerge") || flag(e, "vMerge"),
            }),
            (Dialect::Odf, b"table-cell" | b"covered-table-cell") => {
                let repeat = number(e, "number-columns-repeated").unwrap_or(1);
                table.start_cell(CellStart {
                    span: u32::try_from(repeat.min(MAX_REPEAT)).unwrap_or(1),
                    covered: name == b"covered-table-cell",
                })
            }
            // WordprocessingML says how a cell spans in its properties.
            (Dialect::Ooxml, b"gridSpan") => {
                let n = number(e, "val").unwrap_or(1).min(MAX_REPEAT);
                table.span_cell(u32::try_from(n).unwrap_or(1));
            }
            (Dialect::Ooxml, b"vMerge") if value(e, "val").as_deref() != Some("restart") => {
                table.cover_cell()
            }
            (Dialect::Ooxml, b"gridBefore") => {
                let n = number(e, "val").unwrap_or(0).min(MAX_REPEAT);
                table.skip_columns(u32::try_from(n).unwrap_or(0));
            }
            (Dialect::Ooxml, b"tblHeader")
                if !matches!(value(e, "val").as_deref(), Some("0" | "false" | "off")) =>
            {
                table.mark_row()
            }
            (Dialect::Odf, b"table-header-rows") => self.header_rows += 1,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8], meter: &mut Meter<'_>) -> Result<(), DocError> {
        if self.is_table(name) {
            if self.reading() {
                if let Some(mut t) = self.table.take() {
                    t.end(meter)?;
                }
            }
            self.depth = self.depth.saturating_sub(1);
            return Ok(());
        }
        if self.reading() {
            match (self.dialect, name) {
                (Dialect::Ooxml, b"tr") | (Dialect::Odf, b"table-row") => {
                    if let Some(t) = self.table.as_mut() {
                        t.end_row(meter)?;
                    }
                }
                (Dialect::Odf, b"table-header-rows") => {
                    self.header_rows = self.header_rows.saturating_sub(1)
                }
                _ => {}
            }
        }
        match (self.dialect, name) {
            (Dialect::Ooxml, b"p") | (Dialect::Odf, b"p" | b"h") => {
                let Some(p) = self.paras.pop() else {
                    return Ok(());
                };
                if p.text.trim().is_empty() {
                    return Ok(());
                }
                match self.pass {
                    Pass::Text if p.depth == 0 => self.emit(&p.text, meter)?,
                    Pass::Text => {}
                    Pass::Tables(d) => {
                        if p.depth == d || (d == MAX_NESTING && p.depth > d) {
                            if let Some(t) = self.table.as_mut() {
                                t.push_text(&p.text);
                            }
                        }
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

/// A repeat or span count is the file's claim: a grid wider than any
/// office suite's (16,384 columns) says nothing more.
const MAX_REPEAT: u64 = 1 << 14;

/// The value of the attribute whose local name is `local`, any prefix.
fn value(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local.as_bytes())
            .then(|| String::from_utf8_lossy(&a.value).trim().to_string())
    })
}

fn number(e: &BytesStart<'_>, local: &str) -> Option<u64> {
    value(e, local)?.parse().ok()
}

/// A boolean attribute set (`1` or `true`).
fn flag(e: &BytesStart<'_>, local: &str) -> bool {
    matches!(value(e, local).as_deref(), Some("1" | "true"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, Shape, Sink};

    type Cells = Vec<(u32, String)>;

    /// `(part, index, cells)` of every row, and each table part's header.
    #[derive(Default)]
    struct Got {
        part: String,
        rows: Vec<(String, u64, Cells)>,
        headers: Vec<(String, Vec<String>)>,
    }

    impl Sink for Got {
        fn part(&mut self, name: &str, _: Shape) -> io::Result<()> {
            self.part = name.to_string();
            Ok(())
        }
        fn header(&mut self, columns: &[&str]) -> io::Result<()> {
            let columns = columns.iter().map(|c| c.to_string()).collect();
            self.headers.push((self.part.clone(), columns));
            Ok(())
        }
        fn row(&mut self, index: u64, cells: &[(u32, &str)]) -> io::Result<()> {
            let cells = cells.iter().map(|(c, t)| (*c, t.to_string())).collect();
            self.rows.push((self.part.clone(), index, cells));
            Ok(())
        }
    }

    /// Every pass over `xml` as `read_part` makes them, the part named `p`.
    fn read_all(xml: &str, dialect: Dialect) -> (Got, Result<(), ()>) {
        let mut sink = Got::default();
        let limits = Limits::default();
        let mut meter = Meter::new(DocFormat::Docx, &limits, &mut sink);
        assert!(meter.part("p").is_ok());
        let mut deepest = 0;
        let mut reader = Reader::from_reader(xml.as_bytes());
        let text = rows(
            &mut reader,
            dialect,
            DocFormat::Docx,
            Pass::Text,
            "p",
            &mut deepest,
            &mut meter,
        );
        for d in 1..=deepest.min(MAX_NESTING) {
            let mut reader = Reader::from_reader(xml.as_bytes());
            let res = rows(
                &mut reader,
                dialect,
                DocFormat::Docx,
                Pass::Tables(d),
                "p",
                &mut 0,
                &mut meter,
            );
            assert_eq!(res.is_ok(), text.is_ok());
        }
        (sink, text.map_err(|_| ()))
    }

    fn read(xml: &str, dialect: Dialect) -> Vec<(u64, String)> {
        let (got, res) = read_all(xml, dialect);
        assert!(res.is_ok());
        got.rows
            .into_iter()
            .map(|(_, i, c)| (i, c[0].1.clone()))
            .collect()
    }

    fn cells(row: &[(u32, &str)]) -> Vec<(u32, String)> {
        row.iter().map(|(c, t)| (*c, t.to_string())).collect()
    }

    #[test]
    fn nested_tables_are_tables_of_their_own_to_a_depth() {
        // A one-cell layout table holding a customer table, which holds a
        // note nested five deep: tables numbered in reading order, each
        // one's text in it alone, past the fourth depth text of its cell.
        let mut deep = String::from("<w:p><w:r><w:t>deep note</w:t></w:r></w:p>");
        for _ in 0..3 {
            deep = format!("<w:tbl><w:tr><w:tc>{deep}</w:tc></w:tr></w:tbl>");
        }
        let xml = format!(
            r#"<w:body><w:p><w:r><w:t>Before</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Layout</w:t></w:r></w:p>
              <w:tbl>
                <w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Phone</w:t></w:r></w:p></w:tc></w:tr>
                <w:tr><w:tc><w:p><w:r><w:t>Eulalia Brenner</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>+44 20 7946 0958</w:t></w:r></w:p>{deep}</w:tc></w:tr>
              </w:tbl>
            </w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>After</w:t></w:r></w:p></w:body>"#
        );
        let (got, res) = read_all(&xml, Dialect::Ooxml);
        assert!(res.is_ok());
        let rows: Vec<(&str, u64, Cells)> = got
            .rows
            .iter()
            .map(|(p, i, c)| (p.as_str(), *i, c.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                ("p", 1, cells(&[(0, "Before")])),
                ("p", 2, cells(&[(0, "After")])),
                ("p table 1", 1, cells(&[(0, "Layout")])),
                (
                    "p table 2",
                    2,
                    cells(&[(0, "Eulalia Brenner"), (1, "+44 20 7946 0958")])
                ),
                ("p table 4", 1, cells(&[(0, "deep note")])),
            ]
        );
        assert_eq!(
            got.headers,
            [
                ("p table 1".to_string(), vec!["column 1".to_string()]),
                (
                    "p table 2".to_string(),
                    vec!["Name".to_string(), "Phone".to_string()]
                ),
                ("p table 4".to_string(), vec!["column 1".to_string()]),
            ]
        );
    }

    #[test]
    fn a_table_cut_short_keeps_the_cells_before_the_cut() {
        let xml = r#"<table:table><table:table-row><table:table-cell><text:p>Name</text:p></table:table-cell>
            <table:table-cell><text:p>Phone</text:p></table:table-cell></table:table-row>
            <table:table-row><table:table-cell><text:p>Eulalia Brenner</text:p></table:table-cell>
            <table:table-cell><text:p>+44 20</text:bogus>"#;
        let (got, res) = read_all(xml, Dialect::Odf);
        assert!(res.is_err());
        let want = ("p table 1".to_string(), 2, cells(&[(0, "Eulalia Brenner")]));
        assert_eq!(got.rows, [want]);
        let header = vec!["Name".to_string(), "Phone".to_string()];
        assert_eq!(got.headers, [("p table 1".to_string(), header)]);
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
