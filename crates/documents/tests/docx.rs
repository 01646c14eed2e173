//! docx, pptx and odt written by python-docx, python-pptx and odfpy, read
//! back part by part, row by row. The people are invented here.

mod support;

use bw_documents::{Bound, DocError, DocFormat, Limits, Shape};
use support::{cells, find, python, read_bytes, read_file, run_python, Collect};

/// `(index, text)` of each row of `part`, its one cell at column 0.
fn rows(got: &Collect, part: &str) -> Vec<(u64, String)> {
    got.part(part)
        .rows
        .iter()
        .map(|(i, cells)| {
            assert_eq!(cells.len(), 1, "one cell per row: {cells:?}");
            assert_eq!(cells[0].0, 0, "the cell is at column 0");
            (*i, cells[0].1.clone())
        })
        .collect()
}

fn expect(rows: &[(u64, &str)]) -> Vec<(u64, String)> {
    rows.iter().map(|(i, t)| (*i, t.to_string())).collect()
}

const DOCX: &str = r#"
import sys, zipfile, docx
out = sys.argv[1]
d = docx.Document()
p = d.add_paragraph()
p.add_run("Customer: "); p.add_run("Halvard "); r = p.add_run("Penhallow"); r.bold = True
p = d.add_paragraph(); r = p.add_run("Email:"); r.add_tab(); p.add_run("h.penhallow@example.org")
p = d.add_paragraph(); r = p.add_run("Line one"); r.add_break(); r.add_text("Line two")
d.add_paragraph("")
t = d.add_table(rows=2, cols=2)
t.cell(0, 0).text = "Name"; t.cell(0, 1).text = "Phone"
t.cell(1, 0).text = "Ysolde Marchetti"
c = t.cell(1, 1); c.text = "+44 20 7946 0321"; c.add_paragraph("(mobile)")
d.add_paragraph("Tom & Jerry <ops>")
s = d.sections[0]
s.header.paragraphs[0].text = "Prepared for Ysolde Marchetti"
s.footer.paragraphs[0].text = "14 Larkspur Lane, Bristol BS1 4DJ"
d.save("plain.docx")

# python-docx 1.1.2 has no comment API: add the comments part, its
# relationship and content type as Word writes them.
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
comments = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Reviewer" w:initials="R">'
    '<w:p><w:r><w:t xml:space="preserve">Check with </w:t></w:r><w:r><w:t>Ines Valderrama</w:t></w:r></w:p>'
    '</w:comment></w:comments>')
rel = ('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/comments" Target="comments.xml"/>')
ct = ('<Override PartName="/word/comments.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>')
with zipfile.ZipFile("plain.docx") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        data = src.read(item.filename)
        if item.filename == "word/_rels/document.xml.rels":
            data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        if item.filename == "[Content_Types].xml":
            data = data.replace(b"</Types>", ct.encode() + b"</Types>")
        dst.writestr(item, data)
    dst.writestr("word/comments.xml", comments)
"#;

#[test]
fn docx_paragraphs_runs_table_header_footer_and_comment() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), DOCX, &["people.docx"]);
    let (got, res) = read_file(
        DocFormat::Docx,
        &dir.path().join("people.docx"),
        &Limits::default(),
    );
    res.expect("docx reads");
    assert_eq!(
        got.names(),
        [
            "word/document.xml",
            "word/document.xml table 1",
            "word/header1.xml",
            "word/footer1.xml",
            "word/comments.xml"
        ]
    );
    assert_eq!(
        rows(&got, "word/document.xml"),
        expect(&[
            (1, "Customer: Halvard Penhallow"),
            (2, "Email:\th.penhallow@example.org"),
            (3, "Line one Line two"),
            (4, "Tom & Jerry <ops>"),
        ])
    );
    // The table is a table: its header row names the columns, and a
    // cell's paragraphs are one cell.
    let table = got.part("word/document.xml table 1");
    assert_eq!(table.shape, Some(Shape::Table));
    assert_eq!(table.header, ["Name", "Phone"]);
    assert_eq!(
        table.rows,
        [(
            2,
            cells(&[(0, "Ysolde Marchetti"), (1, "+44 20 7946 0321 (mobile)")])
        )]
    );
    for part in ["word/document.xml", "word/header1.xml", "word/comments.xml"] {
        assert_eq!(got.part(part).shape, Some(Shape::Text));
    }
    assert_eq!(
        rows(&got, "word/header1.xml"),
        expect(&[(1, "Prepared for Ysolde Marchetti")])
    );
    assert_eq!(
        rows(&got, "word/footer1.xml"),
        expect(&[(1, "14 Larkspur Lane, Bristol BS1 4DJ")])
    );
    assert_eq!(
        rows(&got, "word/comments.xml"),
        expect(&[(1, "Check with Ines Valderrama")])
    );
}

const DOCX_TABLES: &str = r#"
import sys, docx
d = docx.Document()
d.add_paragraph("Customers to call back:")
t = d.add_table(rows=1, cols=4)
for c, h in enumerate(["Name", "Email", "Phone", "Date of birth"]):
    t.cell(0, c).text = h
for row in [("Quilla Varenne", "q.varenne@example.org", "+44 20 7946 0111", "1981-02-03"),
            ("Tamsin Oduya", "t.oduya@example.net", "+44 20 7946 0222", "1990-11-30"),
            ("Ilsabet Corran", "", "+44 20 7946 0333", "1975-06-07"),
            ("Bertil Corran", "b.corran@example.com", "", "1979-01-01")]:
    cells = t.add_row().cells
    for c, v in enumerate(row):
        cells[c].text = v
# A name spanning the email column (gridSpan); a phone shared by two rows (vMerge).
t.cell(3, 0).merge(t.cell(3, 1))
t.cell(3, 2).merge(t.cell(4, 2))
d.add_paragraph("Not reached yet:")
t = d.add_table(rows=2, cols=3)
for r, row in enumerate([("Ysolde Marchetti", "y.marchetti@example.org", "+44 20 7946 0321"),
                         ("Halvard Penhallow", "h.penhallow@example.org", "+44 20 7946 0654")]):
    for c, v in enumerate(row):
        t.cell(r, c).text = v
# A layout table holding a contact table.
t = d.add_table(rows=1, cols=2)
t.cell(0, 0).text = "Contact card"
inner = t.cell(0, 1).add_table(rows=2, cols=2)
for r, row in enumerate([("Email", "Phone"), ("o.frey@example.com", "+44 20 7946 0999")]):
    for c, v in enumerate(row):
        inner.cell(r, c).text = v
d.add_paragraph("Thank you")
d.save(sys.argv[1])
"#;

#[test]
fn docx_tables_are_tables_with_headers_merges_and_nesting() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), DOCX_TABLES, &["customers.docx"]);
    let (got, res) = read_file(
        DocFormat::Docx,
        &dir.path().join("customers.docx"),
        &Limits::default(),
    );
    res.expect("docx reads");
    // The text, then the tables in reading order, nested ones after.
    assert_eq!(
        got.names(),
        [
            "word/document.xml",
            "word/document.xml table 1",
            "word/document.xml table 2",
            "word/document.xml table 3",
            "word/document.xml table 4",
        ]
    );
    assert_eq!(
        rows(&got, "word/document.xml"),
        expect(&[
            (1, "Customers to call back:"),
            (2, "Not reached yet:"),
            (3, "Thank you"),
        ])
    );
    // Rows are numbered as in the table, the header being row 1; merged
    // cells do not move the columns after them.
    let customers = got.part("word/document.xml table 1");
    assert_eq!(customers.shape, Some(Shape::Table));
    assert_eq!(
        customers.header,
        ["Name", "Email", "Phone", "Date of birth"]
    );
    assert_eq!(
        customers.rows,
        [
            (
                2,
                cells(&[
                    (0, "Quilla Varenne"),
                    (1, "q.varenne@example.org"),
                    (2, "+44 20 7946 0111"),
                    (3, "1981-02-03"),
                ])
            ),
            (
                3,
                cells(&[
                    (0, "Tamsin Oduya"),
                    (1, "t.oduya@example.net"),
                    (2, "+44 20 7946 0222"),
                    (3, "1990-11-30"),
                ])
            ),
            (
                4,
                cells(&[
                    (0, "Ilsabet Corran"),
                    (2, "+44 20 7946 0333"),
                    (3, "1975-06-07"),
                ])
            ),
            (
                5,
                cells(&[
                    (0, "Bertil Corran"),
                    (1, "b.corran@example.com"),
                    (3, "1979-01-01"),
                ])
            ),
        ]
    );
    // An email in the first row: no header, every row is data.
    let unheaded = got.part("word/document.xml table 2");
    assert_eq!(unheaded.header, ["column 1", "column 2", "column 3"]);
    assert_eq!(
        unheaded.rows,
        [
            (
                1,
                cells(&[
                    (0, "Ysolde Marchetti"),
                    (1, "y.marchetti@example.org"),
                    (2, "+44 20 7946 0321"),
                ])
            ),
            (
                2,
                cells(&[
                    (0, "Halvard Penhallow"),
                    (1, "h.penhallow@example.org"),
                    (2, "+44 20 7946 0654"),
                ])
            ),
        ]
    );
    // The layout table keeps its own text; the table inside it is a table
    // of its own, with its header.
    let layout = got.part("word/document.xml table 3");
    assert_eq!(layout.rows, [(1, cells(&[(0, "Contact card")]))]);
    let inner = got.part("word/document.xml table 4");
    assert_eq!(inner.header, ["Email", "Phone"]);
    assert_eq!(
        inner.rows,
        [(
            2,
            cells(&[(0, "o.frey@example.com"), (1, "+44 20 7946 0999")])
        )]
    );
}

const PPTX: &str = r#"
import sys
from pptx import Presentation
from pptx.util import Inches
prs = Presentation()
s1 = prs.slides.add_slide(prs.slide_layouts[1])
s1.shapes.title.text = "Escalations"
tf = s1.placeholders[1].text_frame
tf.text = "Caller: Ottoline Varga"
p = tf.add_paragraph()
r = p.add_run(); r.text = "Phone: "
r = p.add_run(); r.text = "+1 415 555 0187"
s1.notes_slide.notes_text_frame.text = "Follow up with o.varga@example.net"
s2 = prs.slides.add_slide(prs.slide_layouts[5])
s2.shapes.title.text = "Refunds"
tbl = s2.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
tbl.cell(0, 0).text = "Customer"; tbl.cell(0, 1).text = "Address"
tbl.cell(1, 0).text = "Bram Achterberg"; tbl.cell(1, 1).text = "7 Quillon Row, Leeds LS2 9JT"
tbl = s2.shapes.add_table(2, 3, Inches(1), Inches(4), Inches(6), Inches(1)).table
tbl.cell(0, 0).text = "Bram Achterberg"; tbl.cell(0, 2).text = "b.achterberg@example.com"
tbl.cell(0, 0).merge(tbl.cell(0, 1))
for c, v in enumerate(["Ines", "Valderrama", "+34 91 123 4567"]):
    tbl.cell(1, c).text = v
s2.notes_slide.notes_text_frame.text = "Refund approved for Bram"
# Move slide 2 before slide 1: presentation order, not file names, decides.
ids = prs.slides._sldIdLst
ids.insert(0, ids[-1])
prs.save(sys.argv[1])
"#;

#[test]
fn pptx_slides_in_presentation_order_each_with_its_notes() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), PPTX, &["deck.pptx"]);
    let bytes = std::fs::read(dir.path().join("deck.pptx")).expect("read deck");
    let (got, res) = read_bytes(DocFormat::Pptx, &bytes, &Limits::default());
    res.expect("pptx reads");
    assert_eq!(
        got.names(),
        [
            "ppt/slides/slide2.xml",
            "ppt/slides/slide2.xml table 1",
            "ppt/slides/slide2.xml table 2",
            "ppt/notesSlides/notesSlide2.xml",
            "ppt/slides/slide1.xml",
            "ppt/notesSlides/notesSlide1.xml",
        ]
    );
    assert_eq!(
        rows(&got, "ppt/slides/slide1.xml"),
        expect(&[
            (1, "Escalations"),
            (2, "Caller: Ottoline Varga"),
            (3, "Phone: +1 415 555 0187"),
        ])
    );
    assert_eq!(
        rows(&got, "ppt/notesSlides/notesSlide1.xml"),
        expect(&[(1, "Follow up with o.varga@example.net")])
    );
    assert_eq!(
        rows(&got, "ppt/slides/slide2.xml"),
        expect(&[(1, "Refunds")])
    );
    let table = got.part("ppt/slides/slide2.xml table 1");
    assert_eq!(table.shape, Some(Shape::Table));
    assert_eq!(table.header, ["Customer", "Address"]);
    assert_eq!(
        table.rows,
        [(
            2,
            cells(&[(0, "Bram Achterberg"), (1, "7 Quillon Row, Leeds LS2 9JT")])
        )]
    );
    // Header-less (an email in the first row), a name merged across two
    // columns: the email stays in the third.
    let table = got.part("ppt/slides/slide2.xml table 2");
    assert_eq!(table.header, ["column 1", "column 2", "column 3"]);
    assert_eq!(
        table.rows,
        [
            (
                1,
                cells(&[(0, "Bram Achterberg"), (2, "b.achterberg@example.com")])
            ),
            (
                2,
                cells(&[(0, "Ines"), (1, "Valderrama"), (2, "+34 91 123 4567")])
            ),
        ]
    );
    assert_eq!(
        rows(&got, "ppt/notesSlides/notesSlide2.xml"),
        expect(&[(1, "Refund approved for Bram")])
    );
}

const ODT: &str = r#"
import sys
from odf.opendocument import OpenDocumentText
from odf.style import Style, MasterPage, PageLayout, Header, Footer
from odf.text import P, H, Span, S, Tab, LineBreak, Note, NoteCitation, NoteBody
from odf.table import Table, TableColumn, TableRow, TableCell, TableHeaderRows, CoveredTableCell
doc = OpenDocumentText()
layout = PageLayout(name="pl"); doc.automaticstyles.addElement(layout)
master = MasterPage(name="Standard", pagelayoutname=layout)
h = Header(); h.addElement(P(text="Guest services, Pell Harbour Hotel")); master.addElement(h)
doc.masterstyles.addElement(master)
doc.text.addElement(H(outlinelevel=1, text="Guest list"))
p = P(text="Guest: "); p.addElement(Span(text="Wilhelmina ")); p.addElement(Span(text="Strand"))
doc.text.addElement(p)
p = P(text="Room"); p.addElement(Tab()); p.addText("12"); p.addElement(S(c=2)); p.addText("late checkout")
doc.text.addElement(p)
p = P(text="Call +49 30 901820")
note = Note(id="ftn1", noteclass="footnote"); note.addElement(NoteCitation(text="1"))
body = NoteBody(); body.addElement(P(text="Mobile, evenings only")); note.addElement(body)
p.addElement(note); p.addElement(LineBreak()); p.addText("or the desk")
doc.text.addElement(p)
t = Table(name="Guests"); t.addElement(TableColumn(numbercolumnsrepeated=2))
for a, b in [("Name", "Email"), ("Casimir Oduya", "casimir.oduya@example.com")]:
    tr = TableRow()
    for v in (a, b):
        c = TableCell(); c.addElement(P(text=v)); tr.addElement(c)
    t.addElement(tr)
c.addElement(P(text="(work)"))
doc.text.addElement(t)
t = Table(name="Kunden"); t.addElement(TableColumn(numbercolumnsrepeated=3))
head = TableHeaderRows(); tr = TableRow()
for v in ("Kundennummer 20240", "Name", "E-Mail"):
    c = TableCell(); c.addElement(P(text=v)); tr.addElement(c)
head.addElement(tr); t.addElement(head)
tr = TableRow()
for v in ("K-77", "Wibke Strand", "w.strand@example.de"):
    c = TableCell(); c.addElement(P(text=v)); tr.addElement(c)
t.addElement(tr)
tr = TableRow()
c = TableCell(numbercolumnsspanned=2); c.addElement(P(text="Laufkundschaft")); tr.addElement(c)
tr.addElement(CoveredTableCell())
c = TableCell(); c.addElement(P(text="keine")); tr.addElement(c)
t.addElement(tr)
doc.text.addElement(t)
t = Table(name="Empfang"); t.addElement(TableColumn(numbercolumnsrepeated=2))
for a, b in [("+49 30 901820", "Rezeption"), ("+49 30 901821", "Concierge")]:
    tr = TableRow()
    for v in (a, b):
        c = TableCell(); c.addElement(P(text=v)); tr.addElement(c)
    t.addElement(tr)
doc.text.addElement(t)
doc.text.addElement(P(text="Thank you"))
doc.save(sys.argv[1])
"#;

#[test]
fn odt_headings_paragraphs_footnote_table_and_header() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), ODT, &["guests.odt"]);
    let (got, res) = read_file(
        DocFormat::Odt,
        &dir.path().join("guests.odt"),
        &Limits::default(),
    );
    res.expect("odt reads");
    assert_eq!(
        got.names(),
        [
            "content.xml",
            "content.xml table 1",
            "content.xml table 2",
            "content.xml table 3",
            "styles.xml"
        ]
    );
    assert_eq!(
        rows(&got, "content.xml"),
        expect(&[
            (1, "Guest list"),
            (2, "Guest: Wilhelmina Strand"),
            (3, "Room\t12  late checkout"),
            // The footnote is its own paragraph, ended before the one it
            // sits in; its number is not glued onto the phone number.
            (4, "Mobile, evenings only"),
            (5, "Call +49 30 901820 or the desk"),
            (6, "Thank you"),
        ])
    );
    let guests = got.part("content.xml table 1");
    assert_eq!(guests.shape, Some(Shape::Table));
    assert_eq!(guests.header, ["Name", "Email"]);
    assert_eq!(
        guests.rows,
        [(
            2,
            cells(&[
                (0, "Casimir Oduya"),
                (1, "casimir.oduya@example.com (work)")
            ])
        )]
    );
    // Header rows the document marks are the header even when a label has
    // digits; a cell spanning two columns keeps the next one in place.
    let customers = got.part("content.xml table 2");
    assert_eq!(customers.header, ["Kundennummer 20240", "Name", "E-Mail"]);
    assert_eq!(
        customers.rows,
        [
            (
                2,
                cells(&[(0, "K-77"), (1, "Wibke Strand"), (2, "w.strand@example.de")])
            ),
            (3, cells(&[(0, "Laufkundschaft"), (2, "keine")])),
        ]
    );
    // No header: the first row is data, the columns are numbered.
    let desk = got.part("content.xml table 3");
    assert_eq!(desk.header, ["column 1", "column 2"]);
    assert_eq!(
        desk.rows,
        [
            (1, cells(&[(0, "+49 30 901820"), (1, "Rezeption")])),
            (2, cells(&[(0, "+49 30 901821"), (1, "Concierge")])),
        ]
    );
    assert_eq!(
        rows(&got, "styles.xml"),
        expect(&[(1, "Guest services, Pell Harbour Hotel")])
    );
}

#[test]
fn encrypted_docx_is_reported_not_read() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), DOCX, &["people.docx"]);
    let script = r#"
import sys
from msoffcrypto.format.ooxml import OOXMLFile
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as dst:
    OOXMLFile(src).encrypt("Larkspur-14", dst)
"#;
    run_python(&py, dir.path(), script, &["people.docx", "locked.docx"]);
    let (got, res) = read_file(
        DocFormat::Docx,
        &dir.path().join("locked.docx"),
        &Limits::default(),
    );
    assert!(matches!(res, Err(DocError::Encrypted)), "{res:?}");
    assert!(
        got.parts.is_empty(),
        "nothing of an encrypted file: {got:?}"
    );
}

#[test]
fn corrupt_and_truncated_documents_are_corrupt() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), DOCX, &["people.docx"]);
    let bytes = std::fs::read(dir.path().join("people.docx")).expect("read docx");

    // Cut short: the central directory (at the end) is gone.
    let (_, res) = read_bytes(
        DocFormat::Docx,
        &bytes[..bytes.len() / 2],
        &Limits::default(),
    );
    assert!(
        matches!(
            res,
            Err(DocError::Corrupt {
                format: DocFormat::Docx,
                ..
            })
        ),
        "{res:?}"
    );

    let (_, res) = read_bytes(
        DocFormat::Docx,
        b"PK\x03\x04 not really a zip",
        &Limits::default(),
    );
    assert!(matches!(res, Err(DocError::Corrupt { .. })), "{res:?}");

    // A zip that is not a document at all.
    let (_, res) = read_bytes(DocFormat::Pptx, &bytes, &Limits::default());
    assert!(
        matches!(
            res,
            Err(DocError::Corrupt {
                format: DocFormat::Pptx,
                ..
            })
        ),
        "{res:?}"
    );

    // The body's deflate stream damaged in place (the zip's index intact).
    let mut damaged = bytes.clone();
    let at = find(&damaged, b"word/document.xml").expect("local header of the body");
    for b in &mut damaged[at + 40..at + 240] {
        *b ^= 0x5a;
    }
    let (_, res) = read_bytes(DocFormat::Docx, &damaged, &Limits::default());
    assert!(matches!(res, Err(DocError::Corrupt { .. })), "{res:?}");
}

const BOMB: &str = r#"
import sys, zipfile, docx
d = docx.Document()
d.add_paragraph("Before the flood: Odalys Frey")
d.save("small.docx")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
para = "<w:p><w:r><w:t>" + "A" * 1000 + "</w:t></w:r></w:p>"
with zipfile.ZipFile("small.docx") as src, zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if item.filename != "word/document.xml":
            dst.writestr(item, src.read(item.filename))
    with dst.open("word/document.xml", "w") as body:
        body.write(f'<w:document xmlns:w="{W}"><w:body>'.encode())
        body.write(b"<w:p><w:r><w:t>Before the flood: Odalys Frey</w:t></w:r></w:p>")
        chunk = para.encode() * 1000
        for _ in range(64):  # 64 MB of XML, deflated to well under 1 MB
            body.write(chunk)
        body.write(b"</w:body></w:document>")
"#;

#[test]
fn a_part_inflating_past_the_limit_stops_at_the_limit() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), BOMB, &["flood.docx"]);
    let path = dir.path().join("flood.docx");
    assert!(std::fs::metadata(&path).expect("stat").len() < 2 << 20);
    let limits = Limits {
        max_inflated_bytes: 4 << 20,
        ..Limits::default()
    };
    let (got, res) = read_file(DocFormat::Docx, &path, &limits);
    assert!(
        matches!(res, Err(DocError::Limit { bound: Bound::Inflate, limit, .. }) if limit == 4 << 20),
        "{res:?}"
    );
    let err = res.expect_err("a limit");
    assert_eq!(err.to_string(), "stopped at the 4 MiB inflate limit");
    // What came before the limit was read, and no more than the limit.
    let texts = got.texts();
    assert_eq!(texts.first(), Some(&"Before the flood: Odalys Frey"));
    let text: usize = texts.iter().map(|t| t.len()).sum();
    assert!(text <= 4 << 20, "{text} bytes of text past a 4 MiB bound");
    // Under the default limit the same file reads to its end.
    let (got, res) = read_file(DocFormat::Docx, &path, &Limits::default());
    res.expect("within the default limit");
    assert_eq!(got.part("word/document.xml").rows.len(), 64_001);
}
