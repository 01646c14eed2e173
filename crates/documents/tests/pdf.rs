//! PDFs written by reportlab (and encrypted by pypdf), read back page by
//! page, line by line; hostile PDFs built here byte by byte. The people on
//! the labels are invented here.

mod support;

use std::io::Write;
use std::path::Path;

use bw_documents::{Bound, DocError, DocFormat, Limits, Shape};
use support::{python, read_bytes, read_file, run_python, Collect};

/// One shipping label: name, street, town, email, phone.
type Label = [&'static str; 5];

const PAGE_ONE: [Label; 2] = [
    [
        "Ottilie Brandvold",
        "22 Sorrel Crescent",
        "Harrogate HG1 2AB",
        "ottilie.brandvold@example.org",
        "+44 1423 555 019",
    ],
    [
        "Ferdinand Oyelaran",
        "9 Whitlow Street",
        "Nottingham NG1 5DT",
        "f.oyelaran@example.net",
        "+44 115 496 0732",
    ],
];

const PAGE_TWO: [Label; 2] = [
    [
        "Marisol Eckhart-Ruiz",
        "1187 Juniper Hollow Road",
        "Boise, ID 83702",
        "marisol.er@example.com",
        "(208) 555-0143",
    ],
    [
        "Dagfinn Oyama",
        "4 Rue des Tanneurs",
        "69002 Lyon",
        "dagfinn.oyama@example.fr",
        "+33 4 72 55 01 88",
    ],
];

/// Draws the pages of labels in `labels.txt` (labels split by a blank
/// line, pages by `---`), two labels side by side, each label in its own
/// font: standard 14 (Helvetica, Times, Courier), an embedded TrueType
/// subset (Vera) and an embedded Type1 (DarkGarden, the kind of font
/// pdfTeX embeds).
const LABELS: &str = r#"
import os, sys, reportlab
from reportlab.pdfgen import canvas
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
fonts = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
pdfmetrics.registerFont(TTFont("Vera", os.path.join(fonts, "Vera.ttf")))
face = pdfmetrics.EmbeddedType1Face(os.path.join(fonts, "DarkGardenMK.afm"), os.path.join(fonts, "DarkGardenMK.pfb"))
pdfmetrics.registerTypeFace(face)
pdfmetrics.registerFont(pdfmetrics.Font("DarkGarden", face.name, "WinAnsiEncoding"))
faces = ["Helvetica", "Times-Roman", "Vera", "Courier", "DarkGarden"]
pages = [[l.split("\n") for l in p.strip("\n").split("\n\n")] for p in open("labels.txt").read().split("---")]
c = canvas.Canvas(sys.argv[1], pagesize=A4)
n = 0
for page in pages:
    for i, label in enumerate(page):
        x, y = 60 + (i % 2) * 270, 780 - (i // 2) * 110
        c.setFont(faces[n % len(faces)], 11)
        n += 1
        for line in label:
            c.drawString(x, y, line)
            y -= 15
    c.showPage()
c.save()
"#;

fn write_labels(dir: &Path, pages: &[Vec<Vec<String>>]) {
    let text = pages
        .iter()
        .map(|p| {
            p.iter()
                .map(|l| l.join("\n"))
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .collect::<Vec<_>>()
        .join("\n---\n");
    std::fs::write(dir.join("labels.txt"), text).expect("write labels.txt");
}

fn owned(pages: &[&[Label]]) -> Vec<Vec<Vec<String>>> {
    pages
        .iter()
        .map(|p| {
            p.iter()
                .map(|l| l.iter().map(|s| s.to_string()).collect())
                .collect()
        })
        .collect()
}

/// Every row as `(page, line)`, checking the one-part, one-cell shape.
fn lines(got: &Collect) -> Vec<(u64, String)> {
    assert_eq!(got.names(), [""], "a PDF is one part");
    let part = got.part("");
    assert_eq!(part.shape, Some(Shape::Pages));
    part.rows
        .iter()
        .map(|(page, cells)| {
            assert_eq!(cells.len(), 1, "one cell per line: {cells:?}");
            assert_eq!(cells[0].0, 0);
            (*page, cells[0].1.clone())
        })
        .collect()
}

fn expected(pages: &[Vec<Vec<String>>]) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        for label in page {
            for line in label {
                out.push((i as u64 + 1, line.clone()));
            }
        }
    }
    out
}

fn labels_pdf(py: &Path, dir: &Path) -> std::path::PathBuf {
    write_labels(dir, &owned(&[&PAGE_ONE, &PAGE_TWO]));
    run_python(py, dir, LABELS, &["labels.pdf"]);
    dir.join("labels.pdf")
}

#[test]
fn shipping_labels_come_back_line_by_line_on_their_pages() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = labels_pdf(&py, dir.path());
    let (got, res) = read_file(DocFormat::Pdf, &path, &Limits::default());
    res.expect("labels read");
    assert_eq!(lines(&got), expected(&owned(&[&PAGE_ONE, &PAGE_TWO])));
}

const IMAGE_PAGES: &str = r#"
import sys
from PIL import Image, ImageDraw
from reportlab.pdfgen import canvas
from reportlab.lib.utils import ImageReader
img = Image.new("L", (400, 200), 255)
ImageDraw.Draw(img).rectangle((20, 20, 380, 180), outline=0, width=6)
c = canvas.Canvas(sys.argv[1])
if sys.argv[2] == "mixed":
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, "Scan cover sheet for Leopoldine Vasquez-Thorne")
    c.showPage()
c.drawImage(ImageReader(img), 72, 400, width=400, height=200)
c.showPage()
c.save()
"#;

#[test]
fn an_image_only_pdf_has_no_text_layer_and_yields_nothing() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), IMAGE_PAGES, &["scan.pdf", "image"]);
    let (got, res) = read_file(
        DocFormat::Pdf,
        &dir.path().join("scan.pdf"),
        &Limits::default(),
    );
    assert!(matches!(res, Err(DocError::NoTextLayer)), "{res:?}");
    assert!(got.texts().is_empty(), "{:?}", got.texts());
}

#[test]
fn a_scanned_page_among_text_pages_is_reported_after_the_text() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    run_python(&py, dir.path(), IMAGE_PAGES, &["mixed.pdf", "mixed"]);
    let (got, res) = read_file(
        DocFormat::Pdf,
        &dir.path().join("mixed.pdf"),
        &Limits::default(),
    );
    assert!(matches!(res, Err(DocError::NoTextLayer)), "{res:?}");
    assert_eq!(
        lines(&got),
        [(
            1,
            "Scan cover sheet for Leopoldine Vasquez-Thorne".to_string()
        )]
    );
}

const ENCRYPT: &str = r#"
import sys
from pypdf import PdfReader, PdfWriter
w = PdfWriter(clone_from=PdfReader(sys.argv[1]))
w.encrypt(user_password=sys.argv[3], owner_password="Sorrel-22-owner", algorithm=sys.argv[4])
w.write(sys.argv[2])
"#;

#[test]
fn a_pdf_that_needs_a_password_is_encrypted_and_an_owner_only_one_is_read() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = labels_pdf(&py, dir.path());
    let plain = path.to_str().expect("utf-8 path");
    for algorithm in ["RC4-128", "AES-256"] {
        run_python(
            &py,
            dir.path(),
            ENCRYPT,
            &[plain, "locked.pdf", "Harrogate", algorithm],
        );
        let (got, res) = read_file(
            DocFormat::Pdf,
            &dir.path().join("locked.pdf"),
            &Limits::default(),
        );
        assert!(
            matches!(res, Err(DocError::Encrypted)),
            "{algorithm}: {res:?}"
        );
        assert!(
            got.texts().is_empty(),
            "{algorithm}: nothing of a locked file"
        );
    }
    // An owner password only restricts; the file opens as in any viewer.
    run_python(
        &py,
        dir.path(),
        ENCRYPT,
        &[plain, "owner.pdf", "", "AES-128"],
    );
    let (got, res) = read_file(
        DocFormat::Pdf,
        &dir.path().join("owner.pdf"),
        &Limits::default(),
    );
    res.expect("an owner-password-only PDF reads");
    assert_eq!(lines(&got), expected(&owned(&[&PAGE_ONE, &PAGE_TWO])));
}

#[test]
fn corrupt_and_truncated_pdfs_are_corrupt() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = std::fs::read(labels_pdf(&py, dir.path())).expect("read labels");
    for (what, bad) in [
        ("cut in half", bytes[..bytes.len() / 2].to_vec()),
        ("header only", b"%PDF-1.4\n".to_vec()),
        (
            "garbage",
            b"%PDF-1.7\n\x00\x01\x02 this is not a PDF body at all".to_vec(),
        ),
        ("no header", b"<html>not a pdf</html>".to_vec()),
    ] {
        let (got, res) = read_bytes(DocFormat::Pdf, &bad, &Limits::default());
        assert!(
            matches!(
                res,
                Err(DocError::Corrupt {
                    format: DocFormat::Pdf,
                    ..
                })
            ),
            "{what}: {res:?}"
        );
        assert!(got.texts().is_empty(), "{what}");
    }
}

/// A PDF of `objects` (bodies of objects 1..), with a correct xref table.
fn build_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).expect("write");
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).expect("write");
    for o in offsets {
        writeln!(out, "{o:010} 00000 n ").expect("write");
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .expect("write");
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

/// One page whose content stream is `content` under `filter`.
fn one_page(page_extra: &str, filter: &str, content: &[u8]) -> Vec<u8> {
    build_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R {page_extra} /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R >> >> >>"
        )
        .into_bytes(),
        stream(filter, content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ])
}

/// Zlib data inflating to `mib` MiB of zeros, made in a few milliseconds:
/// a deflate block coding 1 MiB of zeros after a sync flush decodes the
/// same wherever it sits behind other zeros, so it is repeated.
fn zeros_bomb(mib: usize) -> Vec<u8> {
    use flate2::{write::ZlibEncoder, Compression};
    let zeros = vec![0u8; 1 << 20];
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(&zeros).expect("deflate");
    z.flush().expect("sync flush");
    let first = z.get_ref().len();
    z.write_all(&zeros).expect("deflate");
    z.flush().expect("sync flush");
    let block = z.get_ref()[first..].to_vec();
    let mut out = z.get_ref()[..first].to_vec();
    for _ in 1..mib {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&[0x03, 0x00]); // an empty final block
    out
}

/// What zlib `data` inflates to, counted through a small buffer.
fn inflated_len(data: &[u8]) -> u64 {
    use std::io::Read;
    let mut z = flate2::read::ZlibDecoder::new(data);
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0;
    loop {
        match z.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n as u64,
            // The repeated blocks make the trailing checksum wrong.
            Err(_) => return total,
        }
    }
}

#[test]
fn a_stream_inflating_past_a_gigabyte_stops_at_the_limit() {
    // 1.5 GiB of zeros in a ~1.5 MB file; the default limit is 1 GiB.
    let data = zeros_bomb(1536);
    assert_eq!(
        inflated_len(&data),
        1536 << 20,
        "the bomb is what it claims"
    );
    let bomb = one_page("/MediaBox [0 0 612 792]", "/Filter /FlateDecode", &data);
    assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
    let limits = Limits::default();
    let (got, res) = read_bytes(DocFormat::Pdf, &bomb, &limits);
    assert!(
        matches!(res, Err(DocError::Limit { format: DocFormat::Pdf, bound: Bound::Inflate, limit }) if limit == limits.max_inflated_bytes),
        "{res:?}"
    );
    // A limit, named as one: the file is not called corrupt.
    let err = res.expect_err("a limit");
    assert_eq!(err.to_string(), "stopped at the 1 GiB inflate limit");
    assert!(got.parts.is_empty());
}

#[test]
fn chained_filters_and_object_streams_are_bounded_too() {
    use flate2::{write::ZlibEncoder, Compression};
    let limits = Limits {
        max_inflated_bytes: 16 << 20,
        ..Limits::default()
    };
    // Flate of Flate: the outer layer is small, the inner one is 64 MiB.
    let inner = zeros_bomb(64);
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(&inner).expect("deflate");
    let twice = z.finish().expect("deflate");
    let pdf = one_page(
        "/MediaBox [0 0 612 792]",
        "/Filter [/FlateDecode /FlateDecode]",
        &twice,
    );
    let (_, res) = read_bytes(DocFormat::Pdf, &pdf, &limits);
    assert!(matches!(res, Err(DocError::Limit { .. })), "{res:?}");

    // An object stream, which lopdf inflates while it loads the file.
    let objstm = build_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
        stream(
            "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            &zeros_bomb(64),
        ),
    ]);
    let (_, res) = read_bytes(DocFormat::Pdf, &objstm, &limits);
    assert!(matches!(res, Err(DocError::Limit { .. })), "{res:?}");
}

#[test]
fn a_million_objects_are_refused_before_they_are_parsed() {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 1..=1_000_001u32 {
        writeln!(pdf, "{i} 0 obj null endobj").expect("write");
    }
    let (_, res) = read_bytes(DocFormat::Pdf, &pdf, &Limits::default());
    assert!(
        matches!(
            res,
            Err(DocError::Limit {
                bound: Bound::Objects,
                ..
            })
        ),
        "{res:?}"
    );
    let err = res.expect_err("a limit");
    assert_eq!(err.to_string(), "stopped at the 1,000,000-object limit");
}

#[test]
fn a_parser_panic_is_caught_and_reported() {
    // No /MediaBox anywhere in the page tree: pdf-extract panics on it.
    let pdf = one_page("", "", b"BT /F1 12 Tf 72 700 Td (Gunnhild Sarr) Tj ET");
    let (_, res) = read_bytes(DocFormat::Pdf, &pdf, &Limits::default());
    assert!(
        matches!(
            res,
            Err(DocError::Panicked {
                format: DocFormat::Pdf,
                ..
            })
        ),
        "{res:?}"
    );
    // The same page with its box reads.
    let pdf = one_page(
        "/MediaBox [0 0 612 792]",
        "",
        b"BT /F1 12 Tf 72 700 Td (Gunnhild Sarr) Tj ET",
    );
    let (got, res) = read_bytes(DocFormat::Pdf, &pdf, &Limits::default());
    res.expect("a hand-made page reads");
    assert_eq!(lines(&got), [(1, "Gunnhild Sarr".to_string())]);
}

/// 50 pages of four labels each, people made from invented name parts.
fn fifty_pages() -> Vec<Vec<Vec<String>>> {
    const GIVEN: [&str; 7] = [
        "Aurelio", "Britta", "Cosmin", "Delphine", "Eamon", "Fenna", "Gideon",
    ];
    const FAMILY: [&str; 5] = ["Quartermain", "Rasmussen", "Szabo", "Tremblay", "Uchenna"];
    const STREETS: [&str; 4] = ["Mallow Lane", "Cinder Path", "Harbour View", "Ostler Road"];
    (0..50)
        .map(|p| {
            (0..4)
                .map(|i| {
                    let n = p * 4 + i;
                    let (g, f) = (GIVEN[n % 7], FAMILY[n % 5]);
                    vec![
                        format!("{g} {f}"),
                        format!("{} {}", 10 + n, STREETS[n % 4]),
                        format!("Leicester LE{} {}AB", 1 + n % 9, n % 10),
                        format!("{}.{}{n}@example.org", g.to_lowercase(), f.to_lowercase()),
                        format!("+44 116 496 {:04}", n),
                    ]
                })
                .collect()
        })
        .collect()
}

#[test]
fn fifty_pages_of_labels_read_in_order_and_how_fast() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = fifty_pages();
    write_labels(dir.path(), &pages);
    run_python(&py, dir.path(), LABELS, &["fifty.pdf"]);
    let bytes = std::fs::read(dir.path().join("fifty.pdf")).expect("read fifty.pdf");
    let start = std::time::Instant::now();
    let (got, res) = read_bytes(DocFormat::Pdf, &bytes, &Limits::default());
    let took = start.elapsed().as_secs_f64();
    res.expect("fifty pages read");
    assert_eq!(lines(&got), expected(&pages));
    eprintln!(
        "pdf reader: 50 pages, {} bytes in {:.3} s: {:.0} pages/s, {:.2} MB/s",
        bytes.len(),
        took,
        50.0 / took,
        bytes.len() as f64 / took / 1e6
    );
}

/// Reads the PDF named by `BW_PDF_SAMPLE` (a file from elsewhere, e.g. a
/// pdfTeX manual under /usr/share/doc) and prints what it gave: a manual
/// check of fonts the fixtures do not cover. Does nothing when unset.
#[test]
fn a_pdf_named_by_bw_pdf_sample_reads() {
    let Some(path) = std::env::var_os("BW_PDF_SAMPLE") else {
        return;
    };
    let path = Path::new(&path);
    let start = std::time::Instant::now();
    let (got, res) = read_file(DocFormat::Pdf, path, &Limits::default());
    let took = start.elapsed().as_secs_f64();
    let rows = &got.parts.first().expect("a part").rows;
    let pages = rows.last().map_or(0, |(p, _)| *p);
    eprintln!(
        "{}: {res:?}, {} lines on {pages} pages in {took:.3} s",
        path.display(),
        rows.len()
    );
    for (page, cells) in rows.iter().take(12) {
        eprintln!("  p{page}: {}", cells[0].1);
    }
}
