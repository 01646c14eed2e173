//! The xlsb reader on files SheetJS writes (the `xlsx` package on npm,
//! from `scripts/sheetjs.sh`): the writer behind most xlsb files that are
//! not Excel's own, and one that writes every cell after the first of a
//! run as a short record (no column), which calamine skips. No Python
//! library writes xlsb (pyxlsb and its kind only read). Hostile files are
//! SheetJS's with one part rewritten here.

mod support;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use bw_documents::{Bound, DocError, DocFormat, Limits, Shape};
use support::{cells, find, read_bytes, read_file, run_node, sheetjs, Collect};

/// Invented people (as in sheet.rs), and a workbook laid out as an export
/// a JavaScript app would write: `Customers` starts at B2 with every kind
/// of value, `Orders` at A1, `Wide` has forty columns, `Archive` is hidden.
/// `process.argv`: out path, `sst` (shared strings) or `inline`, `deflate`
/// or `store`.
const WRITE: &str = r##"
const XLSX = require("xlsx");
const [out, strings, zip] = process.argv.slice(1);
const s = (v) => ({ t: "s", v });
const n = (v, z) => (z ? { t: "n", v, z } : { t: "n", v });
const PEOPLE = [
  ["Maribel Okonkwo-Hale", "maribel.okonkwohale@example.net", 4155550123, 31850, 1250.5, true, new Date(Date.UTC(2024, 4, 1, 9, 30, 0)), 7],
  ["Teodor Vasquez-Lind", "teo.vlind@example.org", 2125550199, 29161, -42.25, false, new Date(Date.UTC(2023, 11, 31, 23, 59, 58)), -12],
  ["Ysolde Marchetti", "ysolde.m@example.com", 442079460950, 37072, 0.1, true, new Date(Date.UTC(2025, 0, 15)), 999],
];
const customers = {};
const put = (ref, cell) => { customers[ref] = cell; };
["name", "email", "phone", "dob", "balance", "active", "last_seen", "visits"]
  .forEach((h, i) => put(XLSX.utils.encode_cell({ r: 1, c: 1 + i }), s(h)));
PEOPLE.forEach(([name, email, phone, dob, balance, active, seen, visits], i) => {
  const cell = (c) => XLSX.utils.encode_cell({ r: 2 + i, c });
  put(cell(1), s(name));
  put(cell(2), s(email));
  put(cell(3), n(phone)); // typed as a number, as a spreadsheet keeps it
  put(cell(4), n(dob, "yyyy-mm-dd"));
  put(cell(5), n(balance));
  put(cell(6), { t: "b", v: active });
  put(cell(7), { t: "d", v: seen }); // SheetJS writes a serial, format 14
  put(cell(8), n(visits)); // small integers are RK records
});
// Row 6 empty; row 7: an error cell (not data) before a note; row 9: a
// lone cell after a gap of columns.
put("B7", { t: "e", v: 0x07 });
put("C7", s("call back after 5pm"));
put("E9", s("after a gap"));
customers["!ref"] = "B2:I9";

const orders = XLSX.utils.aoa_to_sheet([
  ["order", "email", "total", "qty"],
  [1001, "teo.vlind@example.org", 19.99, 3],
  [1002, "ysolde.m@example.com", 12345678.5, 250],
]);
const wide = XLSX.utils.aoa_to_sheet([0, 1, 2].map((r) =>
  Array.from({ length: 40 }, (_, c) => (c % 2 ? `r${r}c${c}@example.org` : r * 1000 + c))));
const archive = XLSX.utils.aoa_to_sheet([[], [], [null, null, "old: maribel@example.org"]]);

const wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, customers, "Customers");
XLSX.utils.book_append_sheet(wb, orders, "Orders");
XLSX.utils.book_append_sheet(wb, wide, "Wide");
XLSX.utils.book_append_sheet(wb, archive, "Archive");
wb.Workbook = { Sheets: [{}, {}, {}, { Hidden: 1 }] };
XLSX.writeFile(wb, out, { bookType: "xlsb", bookSST: strings === "sst", compression: zip === "deflate" });
"##;

/// Writes the workbook into `dir`; `sst` picks shared strings (BrtCellIsst
/// and BrtShortIsst) over inline ones (BrtCellSt, BrtShortSt), and with
/// them a deflated zip over a stored one (SheetJS's default).
fn write(modules: &Path, dir: &Path, sst: bool) -> PathBuf {
    let path = dir.join(if sst {
        "export-sst.xlsb"
    } else {
        "export.xlsb"
    });
    let out = path.to_str().expect("utf-8 path");
    let (strings, zip) = if sst {
        ("sst", "deflate")
    } else {
        ("inline", "store")
    };
    run_node(modules, dir, WRITE, &[out, strings, zip]);
    path
}

fn customers_want() -> Vec<(u64, Vec<(u32, String)>)> {
    vec![
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
                (8, "visits"),
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
                (8, "7"),
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
                (8, "-12"),
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
                (8, "999"),
            ]),
        ),
        (7, cells(&[(2, "call back after 5pm")])),
        (9, cells(&[(4, "after a gap")])),
    ]
}

fn assert_workbook(got: &Collect) {
    assert_eq!(got.names(), ["Customers", "Orders", "Wide", "Archive"]);
    assert!(got.parts.iter().all(|p| p.shape == Some(Shape::Sheet)));
    assert_eq!(got.part("Customers").rows, customers_want());
    assert_eq!(
        got.part("Orders").rows,
        vec![
            (
                1,
                cells(&[(0, "order"), (1, "email"), (2, "total"), (3, "qty")])
            ),
            (
                2,
                cells(&[
                    (0, "1001"),
                    (1, "teo.vlind@example.org"),
                    (2, "19.99"),
                    (3, "3")
                ])
            ),
            (
                3,
                cells(&[
                    (0, "1002"),
                    (1, "ysolde.m@example.com"),
                    (2, "12345678.5"),
                    (3, "250")
                ])
            ),
        ]
    );
    // Every one of forty columns, at its own column.
    let wide = &got.part("Wide").rows;
    assert_eq!(wide.len(), 3);
    for (r, (index, row)) in wide.iter().enumerate() {
        assert_eq!(*index, r as u64 + 1);
        let want: Vec<(u32, String)> = (0..40u32)
            .map(|c| {
                let text = if c % 2 == 1 {
                    format!("r{r}c{c}@example.org")
                } else {
                    (r as u32 * 1000 + c).to_string()
                };
                (c, text)
            })
            .collect();
        assert_eq!(row, &want, "row {index}");
    }
    assert_eq!(
        got.part("Archive").rows,
        vec![(3, cells(&[(2, "old: maribel@example.org")]))]
    );
}

#[test]
fn every_column_of_every_sheet_from_sheetjs() {
    let Some(modules) = sheetjs() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for sst in [false, true] {
        let path = write(&modules, dir.path(), sst);
        let bytes = std::fs::read(&path).expect("read fixture");
        // What the test is about: SheetJS wrote short cell records.
        let sheet = entry(&bytes, "xl/worksheets/sheet1.bin");
        let short = if sst { 0x12 } else { 0x11 };
        assert!(sheet.contains(&short), "no short string records");
        let zip = zip::ZipArchive::new(Cursor::new(&bytes)).expect("zip");
        let names: Vec<String> = zip
            .file_names()
            .map(|n| n.expect("name").into_owned())
            .collect();
        assert_eq!(
            bw_documents::detect_zip(names.iter().map(String::as_str), None),
            Some(DocFormat::Xlsb)
        );

        let (got, res) = read_file(DocFormat::Xlsb, &path, &Limits::default());
        res.expect("read xlsb");
        assert_workbook(&got);
        // Nested in an archive (no path, read from memory): the same.
        let (again, res) = read_bytes(DocFormat::Xlsb, &bytes, &Limits::default());
        res.expect("read xlsb from memory");
        assert_workbook(&again);
    }
}

/// The entry `name` of the zip `bytes`, inflated.
fn entry(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = Vec::new();
    zip.by_name(name)
        .expect("entry")
        .read_to_end(&mut out)
        .expect("inflate");
    out
}

/// `bytes` with the entry `name` replaced by `data` (stored), every other
/// entry copied as it was.
fn replace(bytes: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    rewrite(bytes, name, Some(data))
}

/// `bytes` without the entry `name`.
fn remove(bytes: &[u8], name: &str) -> Vec<u8> {
    rewrite(bytes, name, None)
}

fn rewrite(bytes: &[u8], name: &str, data: Option<&[u8]>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).expect("entry");
        if file.name_raw() != name.as_bytes() {
            out.raw_copy_file(file).expect("copy");
        }
    }
    if let Some(data) = data {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, opts).expect("start");
        out.write_all(data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// `text` as the UTF-16LE bytes of a record's string.
fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn corrupt_detail(res: Result<(), DocError>) -> String {
    match res {
        Err(DocError::Corrupt { format, detail }) => {
            assert_eq!(format, DocFormat::Xlsb);
            detail
        }
        other => panic!("want corrupt, got {other:?}"),
    }
}

#[test]
fn lying_and_truncated_records_are_corrupt_and_say_where() {
    let Some(modules) = sheetjs() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = std::fs::read(write(&modules, dir.path(), false)).expect("read fixture");
    const SHEET: &str = "xl/worksheets/sheet1.bin";
    let sheet = entry(&bytes, SHEET);
    // The BrtShortSt holding row 3's email: type, one size byte, style (4),
    // count (4), then the text.
    let text = find(&sheet, &utf16("maribel.okonkwohale@example.net")).expect("email");
    let at = text - 10;
    assert_eq!(sheet[at], 0x11, "a short string record");
    let limits = Limits::default();

    // A size of 2^28 - 1 where the record has 70 bytes: refused before a
    // byte of it is read, rows before it handed over.
    let mut lying = sheet[..at].to_vec();
    lying.extend([0x11, 0xff, 0xff, 0xff, 0x7f]);
    lying.extend(&sheet[at + 2..]);
    let started = std::time::Instant::now();
    let (got, res) = read_bytes(DocFormat::Xlsb, &replace(&bytes, SHEET, &lying), &limits);
    let d = corrupt_detail(res);
    assert!(
        d.starts_with("sheet \"Customers\": record 0x0011 claims 268435455 bytes"),
        "{d}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(got.part("Customers").rows, customers_want()[..1]);

    // Cut inside the email's text, and inside a record header.
    for (cut, tail) in [
        (
            text + 7,
            "record 0x0011 truncated: it claims 70 bytes, the part ends after 15",
        ),
        (at + 1, "the part ends inside a record header"),
    ] {
        let (got, res) = read_bytes(
            DocFormat::Xlsb,
            &replace(&bytes, SHEET, &sheet[..cut]),
            &limits,
        );
        let d = corrupt_detail(res);
        assert_eq!(d, format!("sheet \"Customers\": {tail}"));
        assert_eq!(got.names(), ["Customers"]);
    }

    // A row header past the sheet's last row.
    let mut rows = sheet.clone();
    let hdr = find(&rows, &[0x00, 0x19, 0x01, 0x00, 0x00, 0x00]).expect("row 2 header");
    rows[hdr + 2..hdr + 6].copy_from_slice(&0x0010_0000u32.to_le_bytes());
    let (_, res) = read_bytes(DocFormat::Xlsb, &replace(&bytes, SHEET, &rows), &limits);
    assert_eq!(
        corrupt_detail(res),
        "sheet \"Customers\": row 1048576 is past the last row"
    );

    // A later sheet broken: the sheets before it were read whole.
    let orders = "xl/worksheets/sheet2.bin";
    let part = entry(&bytes, orders);
    let (got, res) = read_bytes(
        DocFormat::Xlsb,
        &replace(&bytes, orders, &part[..part.len() / 2]),
        &limits,
    );
    assert!(corrupt_detail(res).starts_with("sheet \"Orders\": "));
    assert_eq!(got.part("Customers").rows, customers_want());
}

#[test]
fn no_damage_to_a_sheet_or_its_strings_makes_the_reader_panic() {
    // Every byte of the sheet and of the shared strings set to 0xff in
    // turn, and every cut: each read ends, read or refused, never in a
    // caught panic (which `guarded` would report as Panicked).
    let Some(modules) = sheetjs() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = std::fs::read(write(&modules, dir.path(), true)).expect("read fixture");
    let mut reads = 0;
    for part in [
        "xl/worksheets/sheet1.bin",
        "xl/sharedStrings.bin",
        "xl/workbook.bin",
    ] {
        let data = entry(&bytes, part);
        for i in 0..data.len() {
            let mut flipped = data.clone();
            flipped[i] = 0xff;
            for damaged in [flipped.as_slice(), &data[..i]] {
                let (_, res) = read_bytes(
                    DocFormat::Xlsb,
                    &replace(&bytes, part, damaged),
                    &Limits::default(),
                );
                assert!(
                    !matches!(res, Err(DocError::Panicked { .. })),
                    "{part}, byte {i}: {res:?}"
                );
                reads += 1;
            }
        }
    }
    assert!(reads > 1000, "{reads}");
}

#[test]
fn broken_workbook_parts_and_shared_strings_name_the_part() {
    let Some(modules) = sheetjs() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = std::fs::read(write(&modules, dir.path(), true)).expect("read fixture");
    let limits = Limits::default();

    // A shared-string index past the table.
    const SHEET: &str = "xl/worksheets/sheet1.bin";
    let mut sheet = entry(&bytes, SHEET);
    let strings = entry(&bytes, "xl/sharedStrings.bin");
    // The first BrtShortIsst: type, size 8, style (4), index (4).
    let at = find(&sheet, &[0x12, 0x08]).expect("a short shared string");
    sheet[at + 6..at + 10].copy_from_slice(&0xffffu32.to_le_bytes());
    let (_, res) = read_bytes(DocFormat::Xlsb, &replace(&bytes, SHEET, &sheet), &limits);
    let d = corrupt_detail(res);
    assert!(
        d.starts_with("sheet \"Customers\": shared string 65535 of a table of "),
        "{d}"
    );

    // The shared strings cut short: named, nothing read.
    let cut = replace(
        &bytes,
        "xl/sharedStrings.bin",
        &strings[..strings.len() / 2],
    );
    let (got, res) = read_bytes(DocFormat::Xlsb, &cut, &limits);
    assert!(corrupt_detail(res).starts_with("xl/sharedStrings.bin: record 0x0013 truncated"),);
    assert!(got.parts.is_empty());

    // No workbook part at all.
    let (_, res) = read_bytes(DocFormat::Xlsb, &remove(&bytes, "xl/workbook.bin"), &limits);
    assert_eq!(corrupt_detail(res), "xl/workbook.bin: not in the zip");

    // A sheet that inflates past the size its zip entry declares (a lying
    // directory): zip stops there, and the sheet is named.
    let mut lying = bytes.clone();
    let name = SHEET.as_bytes();
    let mut at = 0;
    loop {
        at += find(&lying[at..], b"PK\x01\x02").expect("central directory entry");
        let n = u16::from_le_bytes([lying[at + 28], lying[at + 29]]) as usize;
        if &lying[at + 46..at + 46 + n] == name {
            break;
        }
        at += 4;
    }
    lying[at + 24..at + 28].copy_from_slice(&64u32.to_le_bytes());
    let (_, res) = read_bytes(DocFormat::Xlsb, &lying, &limits);
    let d = corrupt_detail(res);
    assert!(d.starts_with("sheet \"Customers\": "), "{d}");
    assert!(d.contains("declared uncompressed size"), "{d}");

    // Over the inflate bound: refused from the directory.
    let tight = Limits {
        max_inflated_bytes: 100,
        ..Limits::default()
    };
    let (got, res) = read_bytes(DocFormat::Xlsb, &bytes, &tight);
    assert!(
        matches!(res, Err(DocError::Limit { limit: 100, .. })),
        "{res:?}"
    );
    assert!(got.parts.is_empty());
}

#[test]
fn row_and_text_limits_apply_to_xlsb() {
    let Some(modules) = sheetjs() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&modules, dir.path(), true);
    let limits = Limits {
        max_rows: 3,
        ..Limits::default()
    };
    let (got, res) = read_file(DocFormat::Xlsb, &path, &limits);
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
    assert_eq!(got.part("Customers").rows.len(), 3);
}
