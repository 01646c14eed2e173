//! docx, pptx and odt written by python-docx, python-pptx and odfpy, read
//! back part by part, row by row. The people are invented here.

mod support;

use bw_documents::{Bound, DocError, DocFormat, Limits, Shape};
use support::{find, python, read_bytes, read_file, run_python, Collect};

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
            "word/header1.xml",
            "word/footer1.xml",
            "word/comments.xml"
        ]
    );
    assert!(got.parts.iter().all(|p| p.shape == Some(Shape::Text)));
    assert_eq!(
        rows(&got, "word/document.xml"),
        expect(&[
            (1, "Customer: Halvard Penhallow"),
            (2, "Email:\th.penhallow@example.org"),
            (3, "Line one Line two"),
            (4, "Name"),
            (5, "Phone"),
            (6, "Ysolde Marchetti"),
            (7, "+44 20 7946 0321 (mobile)"),
            (8, "Tom & Jerry <ops>"),
        ])
    );
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
        expect(&[
            (1, "Refunds"),
            (2, "Customer"),
            (3, "Address"),
            (4, "Bram Achterberg"),
            (5, "7 Quillon Row, Leeds LS2 9JT"),
        ])
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
from odf.table import Table, TableColumn, TableRow, TableCell
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
    assert_eq!(got.names(), ["content.xml", "styles.xml"]);
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
            (6, "Name"),
            (7, "Email"),
            (8, "Casimir Oduya"),
            (9, "casimir.oduya@example.com (work)"),
        ])
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
