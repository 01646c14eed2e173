//! Documents written by the libraries real files come from, expanded into
//! members: each sheet, table or part one member, rendered as CSV or lines,
//! with locations for what is found in them — nested in archives too.

use std::io::{self, Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use bw_formats::{expand, expand_seekable, Encoding, Event, Location, Options, Reason, Shape};

/// The Python from `scripts/docs_python.sh`, or a skip (a failure under
/// `BW_REQUIRE_DOCS`, as in CI).
fn python() -> Option<PathBuf> {
    match std::env::var_os("BW_DOCS_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("BW_REQUIRE_DOCS").is_some() => {
            panic!("BW_REQUIRE_DOCS is set but BW_DOCS_PYTHON is not")
        }
        None => {
            eprintln!("skipped: BW_DOCS_PYTHON not set");
            None
        }
    }
}

fn write_with_python(py: &Path, dir: &Path, script: &str) {
    let out = Command::new(py)
        .current_dir(dir)
        .arg("-c")
        .arg(script)
        .output()
        .expect("start python");
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[derive(Debug)]
struct Got {
    name: String,
    encoding: Encoding,
    text: String,
    /// The location of the first byte of every line's second cell (or of
    /// the line, for one-cell lines), looked up as a scanner would: after
    /// reading past it.
    locations: Vec<Option<Location>>,
}

#[derive(Debug, Default)]
struct All {
    members: Vec<Got>,
    errors: Vec<(String, Reason)>,
}

fn collect(event: Event<'_>, all: &mut All) -> io::Result<()> {
    match event {
        Event::Member(mut m) => {
            let offsets = m.offsets();
            let mut text = String::new();
            m.read_to_string(&mut text)?;
            let mut locations = Vec::new();
            let mut at = 0u64;
            for line in text.split_inclusive('\n') {
                let second = line.find(',').map_or(0, |i| i + 1);
                let second = if line[second..].starts_with('"') {
                    second + 1
                } else {
                    second
                };
                locations.push(offsets.location(at + second as u64));
                at += line.len() as u64;
            }
            all.members.push(Got {
                name: m.name().to_string(),
                encoding: m.encoding(),
                text,
                locations,
            });
        }
        Event::Error(e) => all.errors.push((e.name, e.reason)),
        Event::Notice(_) => {}
    }
    Ok(())
}

fn expand_file(path: &Path, name: &str) -> All {
    let mut all = All::default();
    let file = std::fs::File::open(path).expect("open");
    expand_seekable(name, &file, &Options::default(), |ev| collect(ev, &mut all))
        .expect("collect never fails");
    all
}

const XLSX: &str = r#"
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Customers"
ws.append(["first_name", "last_name", "email", "phone", "dob"])
ws.append(["Marisol", "Quenby", "marisol.q@example.net", 4155550123, datetime.date(1984, 3, 12)])
ws.append(["Tobiah", "Lee, Jr.", "tobiah@example.org", 447700900123, datetime.date(1990, 11, 2)])
ws["B3"].number_format = "@"
ws2 = wb.create_sheet("Notes")
ws2["A1"] = "call back Marisol about order 1234"
wb.save("book.xlsx")
"#;

#[test]
fn a_workbook_is_one_csv_member_per_sheet_with_cells_as_locations() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    write_with_python(&py, dir.path(), XLSX);
    let all = expand_file(&dir.path().join("book.xlsx"), "book.xlsx");
    assert!(all.errors.is_empty(), "{:?}", all.errors);
    let names: Vec<&str> = all.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["book.xlsx!Customers", "book.xlsx!Notes"]);
    let sheet = &all.members[0];
    assert_eq!(sheet.encoding, Encoding::Rendered(Shape::Sheet));
    assert_eq!(
        sheet.text,
        "first_name,last_name,email,phone,dob\n\
         Marisol,Quenby,marisol.q@example.net,4155550123,1984-03-12\n\
         Tobiah,\"Lee, Jr.\",tobiah@example.org,447700900123,1990-11-02\n"
    );
    let cell = |row, col| {
        Some(Location::Cell {
            sheet: "Customers".into(),
            row,
            col,
        })
    };
    assert_eq!(sheet.locations, [cell(1, 2), cell(2, 2), cell(3, 2)]);
}

#[test]
fn a_workbook_inside_a_zip_inside_a_gzip_is_still_read() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    write_with_python(&py, dir.path(), XLSX);
    let book = std::fs::read(dir.path().join("book.xlsx")).expect("read");
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        "exports/book.xlsx",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("start");
    zip.write_all(&book).expect("write");
    let zipped = zip.finish().expect("finish").into_inner();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&zipped).expect("gz");
    let bytes = gz.finish().expect("gz finish");
    let mut all = All::default();
    expand("leak.zip.gz", &bytes[..], &Options::default(), |ev| {
        collect(ev, &mut all)
    })
    .expect("collect");
    assert!(all.errors.is_empty(), "{:?}", all.errors);
    let names: Vec<&str> = all.members.iter().map(|m| m.name.as_str()).collect();
    // A compressed archive is one container to its user (see the crate doc).
    assert_eq!(
        names,
        [
            "leak.zip.gz!exports/book.xlsx!Customers",
            "leak.zip.gz!exports/book.xlsx!Notes"
        ]
    );
}

#[test]
fn a_broken_workbook_is_an_error_naming_it_and_the_rest_goes_on() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    write_with_python(&py, dir.path(), XLSX);
    let book = std::fs::read(dir.path().join("book.xlsx")).expect("read");
    // An xlsx whose sheet XML is cut short, beside a plain file.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut src = zip::ZipArchive::new(Cursor::new(&book)).expect("xlsx is a zip");
    let mut inner = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut f = src.by_index(i).expect("entry");
        let name = f.name().expect("an UTF-8 entry name").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("entry data");
        if name.starts_with("xl/worksheets/sheet1") {
            data.truncate(data.len() / 2);
        }
        inner
            .start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        inner.write_all(&data).expect("write");
    }
    let broken = inner.finish().expect("finish").into_inner();
    zip.start_file("broken.xlsx", zip::write::SimpleFileOptions::default())
        .expect("start");
    zip.write_all(&broken).expect("write");
    zip.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .expect("start");
    zip.write_all(b"mail marisol.q@example.net\n")
        .expect("write");
    let bytes = zip.finish().expect("finish").into_inner();
    let mut all = All::default();
    expand("leak.zip", &bytes[..], &Options::default(), |ev| {
        collect(ev, &mut all)
    })
    .expect("collect");
    assert_eq!(all.errors.len(), 1, "{:?}", all.errors);
    assert_eq!(all.errors[0].0, "leak.zip!broken.xlsx");
    assert!(all.members.iter().any(|m| m.name == "leak.zip!notes.txt"));
}

const MAIL: &str = r#"
import io, zipfile, mailbox, openpyxl
from email.message import EmailMessage
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Customers"
ws.append(["name", "email"])
ws.append(["Marisol Quenby", "marisol.q@example.net"])
wb.save("book.xlsx")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.write("book.xlsx", "book.xlsx")
msg = EmailMessage()
msg["From"] = "contractor@vendor.example"
msg["To"] = "ops@shop.example"
msg["Subject"] = "the export you asked for"
msg.set_content("Hi, attached. Call Tobiah on 415 555 0123.\n", cte="base64")
msg.add_attachment(buf.getvalue(), maintype="application", subtype="zip", filename="export.zip")
msg.add_attachment("name,email\nTobiah Lee,tobiah@example.org\n".encode(), maintype="text", subtype="csv", filename="list.csv")
open("mail.eml", "wb").write(bytes(msg))
box = mailbox.mbox("box.mbox")
box.add(msg)
other = EmailMessage()
other["From"] = "a@vendor.example"
other["To"] = "b@shop.example"
other["Subject"] = "second"
other.set_content("nothing here\n")
other.add_attachment(b"name,email\nAsha Verm,asha@example.com\n", maintype="text", subtype="csv", filename="second.csv")
box.add(other)
box.close()
"#;

#[test]
fn mail_attachments_are_decoded_and_walked_down_to_the_sheet() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    write_with_python(&py, dir.path(), MAIL);
    let all = expand_file(&dir.path().join("mail.eml"), "mail.eml");
    assert!(all.errors.is_empty(), "{:?}", all.errors);
    let names: Vec<&str> = all.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "mail.eml",
            "mail.eml!part-1.txt",
            "mail.eml!export.zip!book.xlsx!Customers",
            "mail.eml!list.csv"
        ]
    );
    let text = |n: &str| {
        &all.members
            .iter()
            .find(|m| m.name == n)
            .expect("member")
            .text
    };
    assert_eq!(
        text("mail.eml!part-1.txt"),
        "Hi, attached. Call Tobiah on 415 555 0123.\n"
    );
    assert_eq!(
        text("mail.eml!export.zip!book.xlsx!Customers"),
        "name,email\nMarisol Quenby,marisol.q@example.net\n"
    );
    // The base64 text itself is not handed to the scanner.
    assert!(!text("mail.eml").contains("SGks"), "{}", text("mail.eml"));
    assert!(text("mail.eml").contains("Subject: the export you asked for"));

    let all = expand_file(&dir.path().join("box.mbox"), "box.mbox");
    assert!(all.errors.is_empty(), "{:?}", all.errors);
    let names: Vec<&str> = all.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "box.mbox!1",
            "box.mbox!1!part-1.txt",
            "box.mbox!1!export.zip!book.xlsx!Customers",
            "box.mbox!1!list.csv",
            "box.mbox!2",
            "box.mbox!2!second.csv"
        ]
    );
}
