//! The spreadsheet reader on files written by the libraries people's
//! spreadsheets come from (openpyxl, xlwt, odfpy, msoffcrypto-tool), and
//! on hostile ones built here (zip bombs, truncations).
//!
//! xlsb, which no Python library writes, is tested on SheetJS's files in
//! `xlsb.rs`.

mod support;

use std::path::Path;

use bw_documents::{Bound, DocError, DocFormat, Limits, Shape};
use support::{cells, find, python, read_bytes, read_file, run_python};

/// Invented people; none is copied from another crate's lists.
const PEOPLE: &str = r##"
PEOPLE = [
    ("Maribel Okonkwo-Hale", "maribel.okonkwohale@example.net", 4155550123,
     (1987, 3, 14), 1250.5, True, (2024, 5, 1, 9, 30, 0)),
    ("Teodor Vasquez-Lind", "teo.vlind@example.org", 2125550199,
     (1979, 11, 2), -42.25, False, (2023, 12, 31, 23, 59, 58)),
    ("Ysolde Marchetti", "ysolde.m@example.com", 442079460950,
     (2001, 6, 30), 0.1, True, (2025, 1, 15, 0, 0, 0)),
]
"##;

const XLSX: &str = r##"
import sys, datetime
from openpyxl import Workbook
wb = Workbook()
ws = wb.active
ws.title = "Customers"
# Row 1 and column A stay empty: the table starts at B2, as people's do.
for col, head in enumerate(["name", "email", "phone", "dob", "balance", "active", "last_seen"], start=2):
    ws.cell(row=2, column=col, value=head)
for row, (name, email, phone, dob, balance, active, seen) in enumerate(PEOPLE, start=3):
    ws.cell(row=row, column=2, value=name)
    ws.cell(row=row, column=3, value=email)
    ws.cell(row=row, column=4, value=phone)  # typed as a number, as Excel keeps it
    ws.cell(row=row, column=5, value=datetime.date(*dob)).number_format = "yyyy-mm-dd"
    ws.cell(row=row, column=6, value=balance)
    ws.cell(row=row, column=7, value=active)
    ws.cell(row=row, column=8, value=datetime.datetime(*seen))
# Row 6 empty; row 7: an error cell (skipped) beside a note.
ws["B7"] = "#DIV/0!"
ws["C7"] = "call back after 5pm"
orders = wb.create_sheet("Orders")
orders.append(["order", "email", "total"])
orders.append([1001, "teo.vlind@example.org", 19.99])
orders.append([1002, "ysolde.m@example.com", 12345678.5])
archive = wb.create_sheet("Archive")
archive.sheet_state = "hidden"
archive["C3"] = "old: maribel@example.org"
wb.save(sys.argv[1])
"##;

/// Writes a fixture with `script` (PEOPLE defined first) into `dir/name`.
fn write_fixture(py: &Path, dir: &Path, name: &str, script: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let script = format!("{PEOPLE}\n{script}");
    run_python(py, dir, &script, &[path.to_str().expect("utf-8 path")]);
    path
}

#[test]
fn xlsx_sheets_rows_columns_and_typed_values() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_fixture(&py, dir.path(), "contacts.xlsx", XLSX);
    let (got, res) = read_file(DocFormat::Xlsx, &path, &Limits::default());
    res.expect("read xlsx");

    assert_eq!(got.names(), ["Customers", "Orders", "Archive"]);
    assert!(got.parts.iter().all(|p| p.shape == Some(Shape::Sheet)));
    let customers = &got.part("Customers").rows;
    let want = vec![
        (
            2,
            cells(&[
                (1, "name"),
                (2, "email"),
                (3, "phone"),
                (4, "dob"),
                (5, "balance"),
                (6, "active"),
                (7, "last_seen"),
            ]),
        ),
        (
            3,
            cells(&[
                (1, "Maribel Okonkwo-Hale"),
                (2, "maribel.okonkwohale@example.net"),
                (3, "4155550123"),
                (4, "1987-03-14"),
                (5, "1250.5"),
                (6, "TRUE"),
                (7, "2024-05-01 09:30:00"),
            ]),
        ),
        (
            4,
            cells(&[
                (1, "Teodor Vasquez-Lind"),
                (2, "teo.vlind@example.org"),
                (3, "2125550199"),
                (4, "1979-11-02"),
                (5, "-42.25"),
                (6, "FALSE"),
                (7, "2023-12-31 23:59:58"),
            ]),
        ),
        (
            5,
            cells(&[
                (1, "Ysolde Marchetti"),
                (2, "ysolde.m@example.com"),
                (3, "442079460950"),
                (4, "2001-06-30"),
                (5, "0.1"),
                (6, "TRUE"),
                (7, "2025-01-15"),
            ]),
        ),
        (7, cells(&[(2, "call back after 5pm")])),
    ];
    assert_eq!(customers, &want);

    let orders = &got.part("Orders").rows;
    assert_eq!(
        orders,
        &vec![
            (1, cells(&[(0, "order"), (1, "email"), (2, "total")])),
            (
                2,
                cells(&[(0, "1001"), (1, "teo.vlind@example.org"), (2, "19.99")])
            ),
            (
                3,
                cells(&[(0, "1002"), (1, "ysolde.m@example.com"), (2, "12345678.5")])
            ),
        ]
    );
    assert_eq!(
        got.part("Archive").rows,
        vec![(3, cells(&[(2, "old: maribel@example.org")]))]
    );

    // Nested in an archive (no path, read from memory): the same.
    let bytes = std::fs::read(&path).expect("read fixture");
    let (again, res) = read_bytes(DocFormat::Xlsx, &bytes, &Limits::default());
    res.expect("read xlsx from memory");
    assert_eq!(again.part("Customers").rows, want);
}

#[test]
fn xlsx_written_row_by_row_streams_the_same() {
    // openpyxl's write_only mode, what large exports use: inline order,
    // no dimension, shared strings written as they come.
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r##"
import sys, datetime
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
wb = Workbook(write_only=True)
ws = wb.create_sheet("Export")
ws.append(["name", "email", "phone", "dob"])
for name, email, phone, dob, *_ in PEOPLE:
    d = WriteOnlyCell(ws, value=datetime.date(*dob))
    d.number_format = "yyyy-mm-dd"
    ws.append([name, email, phone, d])
wb.save(sys.argv[1])
"##;
    let path = write_fixture(&py, dir.path(), "export.xlsx", script);
    let (got, res) = read_file(DocFormat::Xlsx, &path, &Limits::default());
    res.expect("read xlsx");
    let rows = &got.part("Export").rows;
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[3],
        (
            4,
            cells(&[
                (0, "Ysolde Marchetti"),
                (1, "ysolde.m@example.com"),
                (2, "442079460950"),
                (3, "2001-06-30"),
            ])
        )
    );
}

#[test]
fn xls_from_xlwt_with_a_date_cell() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r##"
import sys, datetime
import xlwt
wb = xlwt.Workbook()
ws = wb.add_sheet("Clients")
date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
for col, head in enumerate(["name", "phone", "dob", "balance", "vip"]):
    ws.write(0, col, head)
for row, (name, email, phone, dob, balance, active, seen) in enumerate(PEOPLE, start=1):
    ws.write(row, 0, name)
    ws.write(row, 1, phone)
    ws.write(row, 2, datetime.date(*dob), date)
    ws.write(row, 3, balance)
    ws.write(row, 4, active)
ws.write(5, 3, "after a gap")
notes = wb.add_sheet("Notes")
notes.write(2, 1, "ysolde.m@example.com")
wb.save(sys.argv[1])
"##;
    let path = write_fixture(&py, dir.path(), "clients.xls", script);
    let (got, res) = read_file(DocFormat::Xls, &path, &Limits::default());
    res.expect("read xls");
    assert_eq!(got.names(), ["Clients", "Notes"]);
    assert_eq!(
        got.part("Clients").rows,
        vec![
            (
                1,
                cells(&[
                    (0, "name"),
                    (1, "phone"),
                    (2, "dob"),
                    (3, "balance"),
                    (4, "vip")
                ])
            ),
            (
                2,
                cells(&[
                    (0, "Maribel Okonkwo-Hale"),
                    (1, "4155550123"),
                    (2, "1987-03-14"),
                    (3, "1250.5"),
                    (4, "TRUE"),
                ])
            ),
            (
                3,
                cells(&[
                    (0, "Teodor Vasquez-Lind"),
                    (1, "2125550199"),
                    (2, "1979-11-02"),
                    (3, "-42.25"),
                    (4, "FALSE"),
                ])
            ),
            (
                4,
                cells(&[
                    (0, "Ysolde Marchetti"),
                    (1, "442079460950"),
                    (2, "2001-06-30"),
                    (3, "0.1"),
                    (4, "TRUE"),
                ])
            ),
            (6, cells(&[(3, "after a gap")])),
        ]
    );
    assert_eq!(
        got.part("Notes").rows,
        vec![(3, cells(&[(1, "ysolde.m@example.com")]))]
    );
}

#[test]
fn ods_from_odfpy() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r##"
import sys
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P

def cell(text=None, **attrs):
    c = TableCell(**attrs)
    if text is not None:
        c.addElement(P(text=text))
    return c

doc = OpenDocumentSpreadsheet()
leads = Table(name="Leads")
leads.addElement(TableRow())  # an empty first row
head = TableRow()
head.addElement(cell())  # an empty first column
for h in ["name", "phone", "dob", "vip", "call_at"]:
    head.addElement(cell(h, valuetype="string"))
leads.addElement(head)
for name, email, phone, dob, balance, active, seen in PEOPLE:
    r = TableRow()
    r.addElement(cell())
    r.addElement(cell(name, valuetype="string"))
    r.addElement(cell(str(phone), valuetype="float", value=str(phone)))
    iso = "%04d-%02d-%02d" % dob
    r.addElement(cell(iso, valuetype="date", datevalue=iso))
    r.addElement(cell("TRUE" if active else "FALSE", valuetype="boolean",
                      booleanvalue="true" if active else "false"))
    r.addElement(cell("09:30", valuetype="time", timevalue="PT09H30M00S"))
    leads.addElement(r)
doc.spreadsheet.addElement(leads)
other = Table(name="Second")
r = TableRow()
r.addElement(cell("maribel.okonkwohale@example.net", valuetype="string"))
other.addElement(r)
doc.spreadsheet.addElement(other)
doc.save(sys.argv[1])
"##;
    let path = write_fixture(&py, dir.path(), "leads.ods", script);
    let (got, res) = read_file(DocFormat::Ods, &path, &Limits::default());
    res.expect("read ods");
    assert_eq!(got.names(), ["Leads", "Second"]);
    let leads = &got.part("Leads").rows;
    assert_eq!(leads.len(), 4, "{leads:?}");
    assert_eq!(
        leads[0],
        (
            2,
            cells(&[
                (1, "name"),
                (2, "phone"),
                (3, "dob"),
                (4, "vip"),
                (5, "call_at")
            ])
        )
    );
    assert_eq!(
        leads[1],
        (
            3,
            cells(&[
                (1, "Maribel Okonkwo-Hale"),
                (2, "4155550123"),
                (3, "1987-03-14"),
                (4, "TRUE"),
                (5, "09:30:00"),
            ])
        )
    );
    assert_eq!(
        leads[3],
        (
            5,
            cells(&[
                (1, "Ysolde Marchetti"),
                (2, "442079460950"),
                (3, "2001-06-30"),
                (4, "TRUE"),
                (5, "09:30:00"),
            ])
        )
    );
    assert_eq!(
        got.part("Second").rows,
        vec![(1, cells(&[(0, "maribel.okonkwohale@example.net")]))]
    );
}

#[test]
fn encrypted_xlsx_is_reported_not_read() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r##"
import sys
from openpyxl import Workbook
from msoffcrypto.format.ooxml import OOXMLFile
wb = Workbook()
wb.active["A1"] = "maribel.okonkwohale@example.net"
wb.save("plain.xlsx")
with open("plain.xlsx", "rb") as plain, open(sys.argv[1], "wb") as out:
    OOXMLFile(plain).encrypt("Tr0ub4dor&3", out)
"##;
    let path = write_fixture(&py, dir.path(), "locked.xlsx", script);
    let head = std::fs::read(&path).expect("read fixture");
    assert_eq!(
        bw_documents::detect(&head, "locked.xlsx"),
        Some(DocFormat::Xlsx)
    );
    let (got, res) = read_file(DocFormat::Xlsx, &path, &Limits::default());
    assert!(matches!(res, Err(DocError::Encrypted)), "{res:?}");
    assert!(got.parts.is_empty());
}

#[test]
fn truncated_and_garbage_files_are_corrupt_and_say_what_failed() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_fixture(&py, dir.path(), "contacts.xlsx", XLSX);
    let bytes = std::fs::read(&path).expect("read fixture");

    // Cut in half: the central directory is gone.
    let (_, res) = read_bytes(
        DocFormat::Xlsx,
        &bytes[..bytes.len() / 2],
        &Limits::default(),
    );
    match res {
        Err(DocError::Corrupt { format, detail }) => {
            assert_eq!(format, DocFormat::Xlsx);
            assert!(detail.starts_with("zip directory: "), "{detail}");
        }
        other => panic!("want corrupt, got {other:?}"),
    }

    // A sheet's data overwritten (its deflate stream broken): the sheet is
    // named, and what came before it was handed over.
    let mut broken = bytes.clone();
    let name = b"xl/worksheets/sheet2.xml";
    let at = find(&broken, name).expect("local header of sheet2") + name.len();
    for b in &mut broken[at + 40..at + 200] {
        *b = 0xa5;
    }
    let (got, res) = read_bytes(DocFormat::Xlsx, &broken, &Limits::default());
    match res {
        Err(DocError::Corrupt { detail, .. }) => {
            assert!(detail.starts_with("sheet \"Orders\": "), "{detail}")
        }
        other => panic!("want corrupt, got {other:?}"),
    }
    assert_eq!(got.part("Customers").rows.len(), 5);

    for format in [DocFormat::Xls, DocFormat::Ods, DocFormat::Xlsb] {
        let (_, res) = read_bytes(format, b"name,email\nnot a workbook\n", &Limits::default());
        assert!(
            matches!(&res, Err(DocError::Corrupt { format: f, .. }) if *f == format),
            "{format}: {res:?}"
        );
    }
}

/// Builds an xlsx by hand with Python's zipfile: one sheet `Bomb` whose
/// `part` (`sheet` or `strings`) inflates to `mib` MiB of XML whitespace;
/// with `declare` set, the central directory claims that size instead of
/// the real one (a lying header).
const BOMB: &str = r##"
import sys, zipfile, struct
out, part, mib, declare = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
files = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook {NS} xmlns:r="{REL}"><sheets><sheet name="Bomb" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}
sheet_head = f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
sheet_tail = '</sheetData></worksheet>'
sst_head = f'<sst {NS} count="1" uniqueCount="1"><si><t>'
sst_tail = '</t></si></sst>'
big, head, tail = (("xl/worksheets/sheet1.xml", sheet_head, sheet_tail) if part == "sheet"
                   else ("xl/sharedStrings.xml", sst_head, sst_tail))
if part == "sheet":
    files["xl/sharedStrings.xml"] = sst_head + "ysolde.m@example.com" + sst_tail
else:
    files["xl/worksheets/sheet1.xml"] = sheet_head + sheet_tail
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name, text in files.items():
        z.writestr(name, text)
    # Whitespace between a sheet's elements; text inside the one string.
    chunk = (b" " if part == "sheet" else b"x") * (1 << 20)
    with z.open(big, "w", force_zip64=mib >= 2048) as w:
        w.write(head.encode())
        for _ in range(mib):
            w.write(chunk)
        w.write(tail.encode())
if declare:
    data = bytearray(open(out, "rb").read())
    name = big.encode()
    at = data.find(b"PK\x01\x02" + b"\0" * 0)
    while at >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + n] == name:
            struct.pack_into("<I", data, at + 24, declare)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    else:
        sys.exit("central directory entry not found")
    open(out, "wb").write(data)
"##;

fn bomb(py: &Path, dir: &Path, part: &str, mib: u32, declare: u32) -> Vec<u8> {
    let path = dir.join(format!("bomb-{part}-{mib}-{declare}.xlsx"));
    let (mib, declare) = (mib.to_string(), declare.to_string());
    let out = path.to_str().expect("utf-8 path");
    run_python(py, dir, BOMB, &[out, part, &mib, &declare]);
    let bytes = std::fs::read(&path).expect("read bomb");
    eprintln!("{part} bomb: {} bytes inflating to {mib} MiB", bytes.len());
    bytes
}

const MIB: u64 = 1 << 20;

#[test]
fn zip_bomb_sheet_stops_at_the_default_limit_without_inflating() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // 1.5 GiB of sheet XML in about 1.5 MB: over the default 1 GiB bound.
    let bytes = bomb(&py, dir.path(), "sheet", 1536, 0);
    let started = std::time::Instant::now();
    let (got, res) = read_bytes(DocFormat::Xlsx, &bytes, &Limits::default());
    match res {
        Err(
            e @ DocError::Limit {
                format,
                bound,
                limit,
            },
        ) => {
            assert_eq!(format, DocFormat::Xlsx);
            assert_eq!(bound, Bound::Inflate);
            assert_eq!(limit, Limits::default().max_inflated_bytes);
            // A limit, named as one: the file is not called corrupt.
            assert_eq!(e.to_string(), "stopped at the 1 GiB inflate limit");
        }
        other => panic!("want limit, got {other:?}"),
    }
    assert!(got.parts.is_empty());
    // Refused from the directory: nothing was inflated.
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn zip_bomb_shared_strings_stop_at_the_limit() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = bomb(&py, dir.path(), "strings", 48, 0);
    let limits = Limits {
        max_inflated_bytes: 32 * MIB,
        ..Limits::default()
    };
    let (_, res) = read_bytes(DocFormat::Xlsx, &bytes, &limits);
    assert!(
        matches!(res, Err(DocError::Limit { limit, .. }) if limit == 32 * MIB),
        "{res:?}"
    );
    let err = res.expect_err("a limit");
    assert_eq!(err.to_string(), "stopped at the 32 MiB inflate limit");
    // Under a bound it fits, the same file reads.
    let roomy = Limits {
        max_inflated_bytes: 64 * MIB,
        ..Limits::default()
    };
    let (got, res) = read_bytes(DocFormat::Xlsx, &bytes, &roomy);
    res.expect("read under a roomy bound");
    let rows = &got.part("Bomb").rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1[0].1.len(), 48 << 20);
}

#[test]
fn zip_bomb_with_lying_sizes_stops_at_what_it_declared() {
    // Declared 64 KiB, inflating to 256 MiB: zip stops at the declared
    // size, so neither the strings calamine keeps nor the streamed sheet
    // get past it.
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (part, what) in [("strings", "workbook: "), ("sheet", "sheet \"Bomb\": ")] {
        let bytes = bomb(&py, dir.path(), part, 256, 64 << 10);
        let (_, res) = read_bytes(DocFormat::Xlsx, &bytes, &Limits::default());
        match res {
            Err(DocError::Corrupt { detail, .. }) => {
                assert!(detail.starts_with(what), "{detail}");
                assert!(detail.contains("declared uncompressed size"), "{detail}");
            }
            other => panic!("{part}: want corrupt, got {other:?}"),
        }
    }
}

#[test]
fn row_and_text_limits_apply_to_sheets() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_fixture(&py, dir.path(), "contacts.xlsx", XLSX);
    let limits = Limits {
        max_rows: 3,
        ..Limits::default()
    };
    let (got, res) = read_file(DocFormat::Xlsx, &path, &limits);
    assert!(
        matches!(
            res,
            Err(DocError::Limit {
                bound: Bound::Rows,
                limit: 3,
                ..
            })
        ),
        "{res:?}"
    );
    let err = res.expect_err("a limit");
    assert_eq!(err.to_string(), "stopped at the 3-row limit");
    assert_eq!(got.part("Customers").rows.len(), 3);
}
