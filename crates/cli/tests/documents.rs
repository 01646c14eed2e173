//! `scan` and `scope` on the files contractors pass around, written by the
//! libraries those files really come from (openpyxl, SheetJS, xlwt, odfpy,
//! python-docx, python-pptx, reportlab, pyarrow, Python's sqlite3 and
//! email): every format yields findings with locations, and scope finds
//! the customers each file exposes. Per-format recall is printed (run with
//! `--nocapture`) and held to floors.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use bw_scope::synth::{self, Person, CSV_HEADER};
use common::Scratch;

/// Never used while tuning a detector or a reader.
const SEED: u64 = 90_210;
const PER_FORMAT: usize = 10;
/// Customers in the registry who are in no file.
const UNEXPOSED: usize = 20;

/// `(format, the file it writes)`, in the order the slices are cut.
const FORMATS: [(&str, &str); 11] = [
    ("xlsx", "leak/customers.xlsx"),
    ("xls", "leak/legacy.xls"),
    ("ods", "leak/kunden.ods"),
    ("docx", "leak/callbacks.docx"),
    ("pptx", "leak/escalations.pptx"),
    ("odt", "leak/notizen.odt"),
    ("pdf", "leak/labels.pdf"),
    ("parquet", "leak/extract.parquet"),
    ("sqlite", "leak/app_backup.db"),
    ("mail", "leak/fwd_export.eml"),
    ("xlsb", "leak/export.xlsb"),
];

fn python() -> Option<PathBuf> {
    match std::env::var_os("BW_DOCS_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("BW_REQUIRE_DOCS").is_some() => {
            panic!("BW_REQUIRE_DOCS is set but BW_DOCS_PYTHON is not")
        }
        None => {
            eprintln!("skipped: BW_DOCS_PYTHON not set (bash scripts/docs_python.sh)");
            None
        }
    }
}

/// What writes the leak: the docs Python and SheetJS's node_modules (for
/// xlsb, which no Python library writes).
struct Writers {
    python: PathBuf,
    sheetjs: PathBuf,
}

fn writers() -> Option<Writers> {
    let python = python()?;
    let sheetjs = match std::env::var_os("BW_SHEETJS_DIR") {
        Some(p) => PathBuf::from(p),
        None if std::env::var_os("BW_REQUIRE_SHEETJS").is_some() => {
            panic!("BW_REQUIRE_SHEETJS is set but BW_SHEETJS_DIR is not")
        }
        None => {
            eprintln!("skipped: BW_SHEETJS_DIR not set (bash scripts/sheetjs.sh)");
            return None;
        }
    };
    Some(Writers { python, sheetjs })
}

fn people() -> Vec<Person> {
    (0..(FORMATS.len() * PER_FORMAT + UNEXPOSED) as u64)
        .map(|n| synth::customer(SEED, n))
        .collect()
}

/// Writes the registry and the leak folder; returns the scratch dir.
fn setup(w: &Writers, people: &[Person]) -> Scratch {
    let s = Scratch::new();
    let mut csv = format!("{CSV_HEADER}\n");
    for p in people {
        csv.push_str(&synth::csv_row(p));
        csv.push('\n');
    }
    s.write("customers.csv", csv.as_bytes());
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "import: {}", r.stderr);

    let json: Vec<serde_json::Value> = people
        .iter()
        .enumerate()
        .map(|(n, p)| {
            serde_json::json!({
                "n": n, "id": p.id, "first": p.first, "last": p.last,
                "email": p.email, "phone": p.phone,
            })
        })
        .collect();
    write_leak(w, &s, &json, PER_FORMAT);
    s
}

/// Writes `leak/`, one file per format in [`FORMATS`] order, each with the
/// next `per` of `people` (objects with `n`, `id`, `first`, `last`,
/// `email`, `phone`), by `fixtures/write_documents.py` and, for xlsb,
/// `fixtures/write_xlsb.js`.
fn write_leak(w: &Writers, s: &Scratch, people: &[serde_json::Value], per: usize) {
    s.write(
        "people.json",
        serde_json::to_string(people).expect("json").as_bytes(),
    );
    let slices: BTreeMap<&str, [usize; 2]> = FORMATS
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (*f, [i * per, (i + 1) * per]))
        .collect();
    s.write(
        "slices.json",
        serde_json::to_string(&slices).expect("json").as_bytes(),
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/write_documents.py"
    );
    let out = Command::new(&w.python)
        .current_dir(s.path(""))
        .arg(script)
        .args(FORMATS.iter().map(|(f, _)| *f).filter(|f| *f != "xlsb"))
        .output()
        .expect("start python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/write_xlsb.js");
    let out = Command::new("node")
        .current_dir(s.path(""))
        .env("NODE_PATH", &w.sheetjs)
        // SheetJS turns dates into serials in local time.
        .env("TZ", "UTC")
        .arg(script)
        .output()
        .expect("start node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_document_format_feeds_scan_with_locations_and_scope_with_customers() {
    let Some(w) = writers() else { return };
    let people = people();
    let s = setup(&w, &people);

    // Scope: which customers each file exposes.
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "affected customers exit 1; stderr: {}", r.stderr);
    let mut found: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for line in r.jsonl() {
        let Some(id) = line["customer_id"].as_str() else {
            continue;
        };
        for ev in line["evidence"].as_array().into_iter().flatten() {
            let path = ev["path"].as_str().unwrap_or_default();
            if let Some((f, _)) = FORMATS.iter().find(|(_, file)| path.starts_with(file)) {
                found.entry(f).or_default().insert(id.to_string());
            }
        }
    }
    // Scan: every finding inside a rendered document carries its location.
    let scanned = s.run(&["scan", "leak", "--format", "jsonl"]);
    let findings = scanned.jsonl();
    let mut by_format: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut kinds: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for f in &findings {
        let path = f["path"].as_str().unwrap_or_default();
        if let Some((fmt, _)) = FORMATS.iter().find(|(_, file)| path.starts_with(file)) {
            let e = by_format.entry(fmt).or_default();
            e.0 += 1;
            e.1 += usize::from(f.get("location").is_some());
            let kind = f["kind"].as_str().unwrap_or_default().to_string();
            *kinds.entry(fmt).or_default().entry(kind).or_default() += 1;
        }
    }

    let mut report = String::from("format   scope recall   findings   with location   by kind\n");
    let mut short = Vec::new();
    for (i, (fmt, _)) in FORMATS.iter().enumerate() {
        let planted: BTreeSet<String> = people[i * PER_FORMAT..(i + 1) * PER_FORMAT]
            .iter()
            .map(|p| p.id.clone())
            .collect();
        let got = found.get(fmt).cloned().unwrap_or_default();
        let hits = planted.intersection(&got).count();
        let wrong = got.difference(&planted).count();
        let (n, located) = by_format.get(fmt).copied().unwrap_or_default();
        let by_kind: Vec<String> = kinds
            .get(fmt)
            .into_iter()
            .flatten()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        report.push_str(&format!(
            "{fmt:<8} {hits:>3}/{PER_FORMAT} ({wrong} wrong) {n:>8} {located:>12}   {}\n",
            by_kind.join(", ")
        ));
        if hits < PER_FORMAT || wrong > 0 || n == 0 {
            short.push(*fmt);
        }
        // The mail's own header member is text; everything from the
        // sheet inside it is located.
        if *fmt != "mail" {
            assert_eq!(located, n, "{fmt}: findings without a location\n{report}");
        }
    }
    eprintln!("{report}");
    assert!(
        short.is_empty(),
        "short of every customer in {short:?}\n{report}"
    );

    // A table in a document is a table: its header row names the columns
    // (names are admitted by a name column), each finding is located by
    // table, column and row as the table counts them (the header is row
    // 1), and the text around it stays text.
    for (member, rows, want) in [
        (
            "leak/callbacks.docx!word/document.xml table 1",
            PER_FORMAT,
            &[
                ("Name", "person_name"),
                ("Email", "email"),
                ("Phone", "phone_number"),
                ("Date of birth", "date_of_birth"),
            ][..],
        ),
        (
            "leak/escalations.pptx!ppt/slides/slide6.xml table 1",
            PER_FORMAT - PER_FORMAT / 2,
            &[
                ("Customer", "person_name"),
                ("Email", "email"),
                ("Phone", "phone_number"),
            ][..],
        ),
        (
            "leak/notizen.odt!content.xml table 1",
            PER_FORMAT - PER_FORMAT / 2,
            &[
                ("Name", "person_name"),
                ("E-Mail", "email"),
                ("Telefon", "phone_number"),
            ][..],
        ),
    ] {
        let table = member.split_once('!').map(|(_, t)| t).unwrap_or_default();
        let mut got: BTreeMap<(String, String), usize> = BTreeMap::new();
        for f in findings.iter().filter(|f| f["path"] == member) {
            let loc = &f["location"];
            assert_eq!(loc["table"], table, "{f}");
            let row = loc["row"].as_u64().unwrap_or_default();
            assert!((2..=rows as u64 + 1).contains(&row), "{f}");
            let column = loc["column"].as_str().unwrap_or_default().to_string();
            let kind = f["kind"].as_str().unwrap_or_default().to_string();
            *got.entry((column, kind)).or_default() += 1;
        }
        let want: BTreeMap<(String, String), usize> = want
            .iter()
            .map(|(c, k)| ((c.to_string(), k.to_string()), rows))
            .collect();
        assert_eq!(got, want, "{member}\n{report}");
    }
}

/// A zip whose one entry is flagged encrypted (general purpose bit 0),
/// as `zip -e` writes it; the zip writers at hand do not encrypt.
fn encrypted_zip(name: &str, data: &[u8]) -> Vec<u8> {
    let (n, len) = (name.len() as u16, data.len() as u32);
    let mut z = Vec::new();
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let cd = z.len() as u32;
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 20, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&[0; 12]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    let cd_len = z.len() as u32 - cd;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    z.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    z.extend_from_slice(&cd_len.to_le_bytes());
    z.extend_from_slice(&cd.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

const ENCRYPT: &str = r#"
import io, msoffcrypto, openpyxl
from msoffcrypto.format.ooxml import OOXMLFile
from pypdf import PdfWriter
from reportlab.pdfgen import canvas
wb = openpyxl.Workbook()
wb.active.append(["email"])
wb.active.append(["hidden@example.com"])
plain = io.BytesIO()
wb.save(plain)
plain.seek(0)
with open("locked/payroll.xlsx", "wb") as out:
    OOXMLFile(plain).encrypt("s3cret", out)
c = canvas.Canvas("plain.pdf")
c.drawString(72, 720, "hidden@example.com")
c.save()
w = PdfWriter(clone_from="plain.pdf")
w.encrypt(user_password="s3cret", owner_password="owner")
w.write("locked/labels.pdf")
"#;

#[test]
fn encrypted_files_are_named_and_the_scan_ends_in_error_after_scanning_the_rest() {
    let Some(py) = python() else { return };
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("locked")).expect("mkdir");
    let out = Command::new(&py)
        .current_dir(s.path(""))
        .arg("-c")
        .arg(ENCRYPT)
        .output()
        .expect("start python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    s.write(
        "locked/archive.zip",
        &encrypted_zip("customers.csv", b"garbled"),
    );
    s.write("locked/notes.txt", b"write to visible@example.com\n");

    let r = s.run(&["scan", "locked", "--format", "jsonl"]);
    assert_eq!(
        r.code, 2,
        "an unscanned file is an error; stderr: {}",
        r.stderr
    );
    for (file, what) in [
        ("locked/payroll.xlsx", "encrypted xlsx, not scanned"),
        ("locked/labels.pdf", "encrypted pdf, not scanned"),
        (
            "locked/archive.zip!customers.csv",
            "encrypted zip, not scanned",
        ),
    ] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(what)),
            "{file}: {what}\n{}",
            r.stderr
        );
    }
    // The rest was scanned; nothing of the encrypted files was guessed at.
    let found: Vec<String> = r
        .jsonl()
        .iter()
        .map(|f| f["path"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(found, ["locked/notes.txt"]);
}

#[test]
fn a_document_stopped_at_a_limit_says_so_and_is_not_called_corrupt() {
    // More objects than the PDF reader takes (a fixed bound, so the file
    // can be small enough for a test): refused before lopdf parses it.
    let s = Scratch::new();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 1..=1_000_001u32 {
        pdf.extend_from_slice(format!("{i} 0 obj null endobj\n").as_bytes());
    }
    s.write("big/objects.pdf", &pdf);
    s.write("big/notes.txt", b"write to visible@example.com\n");
    let r = s.run(&["scan", "big", "--format", "jsonl"]);
    assert_eq!(
        r.code, 2,
        "a file not read to its end is an error: {}",
        r.stderr
    );
    assert!(
        r.stderr.lines().any(|l| l.contains("big/objects.pdf")
            && l.contains("pdf stopped at the 1,000,000-object limit")),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("corrupt"), "{}", r.stderr);
    let found: Vec<String> = r
        .jsonl()
        .iter()
        .map(|f| f["path"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(found, ["big/notes.txt"]);
}

#[test]
fn canaries_are_seen_by_scan_in_every_document_format() {
    let Some(w) = writers() else { return };
    let s = Scratch::new();
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let issued = s.run(&[
        "canary",
        "issue",
        "--recipient",
        "Acme Fulfilment",
        "--count",
        &FORMATS.len().to_string(),
        "--domain",
        "canary.shop.example",
    ]);
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    // customer_id,first_name,last_name,email,phone,…
    let json: Vec<serde_json::Value> = issued
        .stdout
        .lines()
        .skip(1)
        .enumerate()
        .map(|(n, line)| {
            let c: Vec<&str> = line.split(',').collect();
            serde_json::json!({"n": n, "id": c[0], "first": c[1], "last": c[2], "email": c[3], "phone": c[4]})
        })
        .collect();
    assert_eq!(json.len(), FORMATS.len(), "{}", issued.stdout);
    write_leak(&w, &s, &json, 1);

    let r = s.run(&["scan", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for (fmt, file) in FORMATS {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.starts_with(&format!("breachwatch: {file}"))
                    && l.contains("(email) issued to Acme Fulfilment")),
            "{fmt}: no canary sighting\n{}",
            r.stderr
        );
    }
    // One incident for the recipient: opened by the first file's sighting,
    // updated by the others'.
    let opened = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("opened "))
        .count();
    let updated = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("updated "))
        .count();
    assert_eq!((opened, updated), (1, FORMATS.len() - 1), "{}", r.stderr);

    // Scope looks for them on its own run too, and adds to the same incident.
    s.write(
        "customers.csv",
        format!(
            "{CSV_HEADER}\n{}\n",
            synth::csv_row(&synth::customer(SEED, 0))
        )
        .as_bytes(),
    );
    assert_eq!(s.run(&["registry", "import", "customers.csv"]).code, 0);
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    for (fmt, file) in FORMATS {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.starts_with(&format!("breachwatch: {file}"))
                    && l.contains("(email) issued to Acme Fulfilment")),
            "scope, {fmt}: no canary sighting\n{}",
            r.stderr
        );
    }
    let updated = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("updated "))
        .count();
    assert_eq!(updated, FORMATS.len(), "{}", r.stderr);
}
