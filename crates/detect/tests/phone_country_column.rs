//! A phone column's national numbers validated with the numbering plan of
//! the country the same record names (issue 23), on rows Python's `csv`
//! and `json` modules wrote and on multi-row `INSERT`s.
//!
//! Positives: Australian, Mexican, New Zealand, South African, Norwegian,
//! Danish and Singaporean numbers written nationally with no word beside
//! them, the country given as an alpha-2 or alpha-3 code or an English
//! name, before or after the phone. Without the country, the Mexican and
//! some Danish numbers are no phone the scanner knows. Hard negatives: a
//! number the record's country rejects (only the low-confidence
//! `other_plan` reading), the neighbouring row's country, and country
//! names that are also given names (`Georgia`, `Jordan`) read as no
//! person. Every chunking finds the same.

use std::process::Command;

use bw_detect::hints::csv::CsvHinter;
use bw_detect::hints::json::JsonHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::{Engine, Finding, Kind, Start, StreamScanner};
use bw_testkit::{run, tool};

fn start(name: &str, head: &[u8]) -> Start {
    if let Some(s) = SqlHinter::sniff(name, head) {
        Start::Sql(s)
    } else if let Some(j) = JsonHinter::sniff(name, head) {
        Start::Json(j)
    } else if let Some(c) = CsvHinter::sniff(name, head) {
        Start::Csv(c)
    } else {
        Start::Plain
    }
}

fn scan(name: &str, data: &[u8], chunk: usize) -> Vec<Finding> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    StreamScanner::with_chunk_size(chunk)
        .scan_structured(
            &engine,
            data,
            |head| start(name, head),
            |h| {
                out.push(h.finding);
                Ok(())
            },
        )
        .expect("in-memory reads do not fail");
    out
}

/// The stream cut into pieces of `size` bytes, scanned last first, as the
/// parallel scan of a large file does.
fn scan_pieces(name: &str, data: &[u8], size: usize) -> Vec<Finding> {
    let engine = Engine::new(Kind::ALL);
    let mut scanner = StreamScanner::with_chunk_size(0);
    let hinter = start(name, data).structure();
    let mut pieces = Vec::new();
    scanner
        .plan(&engine, data, data.len(), size, hinter, |p| {
            pieces.push(p);
            true
        })
        .expect("in-memory reads do not fail");
    let mut per_piece = Vec::new();
    for p in pieces.iter().rev() {
        let mut got = Vec::new();
        let r = p.bytes();
        scanner
            .scan_piece(&engine, &data[r.start..r.end.min(data.len())], p, |h| {
                got.push(h.finding);
                Ok(())
            })
            .expect("in-memory reads do not fail");
        per_piece.push(got);
    }
    per_piece.into_iter().rev().flatten().collect()
}

/// The whole stream's findings, checked to equal every chunking's and
/// every cut into pieces (a country cell up to 400 bytes from its phone
/// sits across a chunk's or piece's edge for some of them).
fn scan_every_chunking(name: &str, data: &[u8]) -> Vec<Finding> {
    let whole = scan(name, data, data.len() + 1);
    for chunk in [0, 1000, 4096, 9999] {
        assert!(scan(name, data, chunk) == whole, "{name}: chunk {chunk}");
    }
    for size in [600, 1500, 5000] {
        assert!(
            scan_pieces(name, data, size) == whole,
            "{name}: pieces of {size}"
        );
    }
    whole
}

/// (country as written, a national number valid there).
const ROWS: &[(&str, &str)] = &[
    ("AU", "0412 345 678"),
    ("Australia", "(02) 9876 5432"),
    ("AUS", "0491 570 156"),
    ("MX", "55 1234 5678"),
    ("Mexico", "33 1234 5678"),
    ("MEX", "81 8123 4567"),
    ("NZ", "021 123 4567"),
    ("ZA", "082 123 4567"),
    ("Norway", "412 34 567"),
    ("DK", "32 12 34 56"),
    ("Singapore", "6123 4567"),
];
/// Those no region the scanner tries on its own accepts: Mexico dials
/// ten digits without a trunk prefix, in groups no other plan's layout
/// takes.
const ONLY_WITH_COUNTRY: &[&str] = &[
    "55 1234 5678",
    "33 1234 5678",
    "81 8123 4567",
    "32 12 34 56",
];

/// What was found in the cell holding `value`: the phone findings at the
/// default threshold and their detectors.
fn phone_in<'a>(data: &[u8], findings: &'a [Finding], value: &str) -> Vec<&'a Finding> {
    let at = data
        .windows(value.len())
        .position(|w| w == value.as_bytes())
        .expect("value written");
    findings
        .iter()
        .filter(|f| f.kind == Kind::PhoneNumber && f.start < at + value.len() && at < f.end)
        .collect()
}

fn python_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let lines: String = rows.iter().map(|r| r.join("\u{1f}") + "\n").collect();
    let script = format!(
        "import csv, sys\n\
         w = csv.writer(sys.stdout, lineterminator='\\r\\n')\n\
         w.writerow({header:?})\n\
         for line in sys.stdin.read().splitlines():\n    w.writerow(line.split('\\x1f'))\n"
    );
    run(Command::new("python3").args(["-c", &script]), Some(&lines))
}

/// Each of [`ROWS`] 24 times, with a note of 100 to 330 bytes between
/// the phone and the country cell, so that chunk and piece edges fall
/// between the two.
fn rows(country_after: bool) -> Vec<Vec<String>> {
    (0..24)
        .flat_map(|k| ROWS.iter().enumerate().map(move |(i, r)| (k, i, r)))
        .map(|(k, i, (country, phone))| {
            let id = format!("{}", 1_000_001 + k * 100 + i);
            let note = "called back about the parcel; ".repeat(4 + (k + i) % 8);
            if country_after {
                vec![id, phone.to_string(), note, country.to_string()]
            } else {
                vec![id, country.to_string(), note, phone.to_string()]
            }
        })
        .collect()
}

#[test]
fn csv_phone_cells_use_their_rows_country() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    for after in [true, false] {
        let header: &[&str] = if after {
            &["customer_id", "phone", "note", "country"]
        } else {
            &["customer_id", "Country", "note", "Mobile"]
        };
        let data = python_csv(header, &rows(after));
        let found = scan_every_chunking("customers.csv", &data);
        for (country, phone) in ROWS {
            let hits = phone_in(&data, &found, phone);
            assert!(
                hits.len() == 1
                    && hits[0].score >= 0.9
                    && hits[0].detector == "phone.national"
                    && &data[hits[0].start..hits[0].end] == phone.as_bytes(),
                "{country} {phone} (country column after: {after}): {hits:?}"
            );
        }
        let confident = found
            .iter()
            .filter(|f| f.kind == Kind::PhoneNumber && f.detector == "phone.national")
            .count();
        assert_eq!(confident, 24 * ROWS.len(), "after: {after}");
    }
    // Without the country column some are no phone the scanner knows.
    let bare: Vec<Vec<String>> = rows(true)
        .into_iter()
        .map(|mut r| {
            r.pop();
            r
        })
        .collect();
    let data = python_csv(&["customer_id", "phone", "note"], &bare);
    let found = scan_every_chunking("customers.csv", &data);
    for phone in ONLY_WITH_COUNTRY {
        let hits = phone_in(&data, &found, phone);
        assert!(hits.is_empty(), "{phone} without a country: {hits:?}");
    }
}

#[test]
fn a_number_the_rows_country_rejects_is_no_confident_phone() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let rows = vec![
        // A US number in an Australian row; the next row's country is not
        // this row's.
        vec!["1".into(), "AU".into(), "415-555-0132".into()],
        vec!["2".into(), "US".into(), "0412 345 678".into()],
        vec!["3".into(), "Georgia".into(), "".into()],
        vec!["4".into(), "Jordan".into(), "".into()],
    ];
    let data = python_csv(&["id", "country", "phone"], &rows);
    let found = scan_every_chunking("customers.csv", &data);
    let au_us = phone_in(&data, &found, "415-555-0132");
    assert!(
        au_us.len() == 1
            && au_us[0].detector == "phone.national.other_plan"
            && au_us[0].score < 0.9,
        "{au_us:?}"
    );
    let us_au = phone_in(&data, &found, "0412 345 678");
    assert!(us_au.iter().all(|f| f.score < 0.9), "{us_au:?}");
    // Country names that are also given names are no persons.
    for name in ["Georgia", "Jordan"] {
        let at = data
            .windows(name.len())
            .position(|w| w == name.as_bytes())
            .expect("written");
        assert!(
            !found
                .iter()
                .any(|f| f.kind == Kind::PersonName && f.start <= at && at < f.end),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn json_lines_objects_and_multi_row_inserts_use_their_records_country() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let input: String = ROWS
        .iter()
        .map(|(c, p)| format!("{c}\u{1f}{p}\n"))
        .collect();
    let script = "import json, sys\n\
                  for i, line in enumerate(sys.stdin.read().splitlines()):\n    \
                  c, p = line.split('\\x1f')\n    \
                  print(json.dumps({'id': i + 1, 'phone': p, 'address': {'city': 'x'}, 'country': c}))\n";
    let ndjson = run(Command::new("python3").args(["-c", script]), Some(&input));
    let found = scan_every_chunking("customers.jsonl", &ndjson);
    for (country, phone) in ROWS {
        let hits = phone_in(&ndjson, &found, phone);
        assert!(
            hits.iter()
                .any(|f| f.score >= 0.9 && f.detector == "phone.national"),
            "json {country} {phone}: {hits:?}"
        );
    }

    // mysqldump's extended inserts (its documented layout): one line, the
    // tuples apart by `),(`.
    let tuples: Vec<String> = ROWS
        .iter()
        .enumerate()
        .map(|(i, (c, p))| format!("({},'{}','{}')", i + 1, p, c.replace('\'', "\\'")))
        .collect();
    let sql = format!(
        "CREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `phone` varchar(32) DEFAULT NULL,\n  \
         `country` varchar(40) DEFAULT NULL\n);\nINSERT INTO `customers` VALUES {};\n",
        tuples.join(",")
    );
    let found = scan_every_chunking("customers.sql", sql.as_bytes());
    for (country, phone) in ROWS {
        let hits = phone_in(sql.as_bytes(), &found, phone);
        assert!(
            hits.len() == 1 && hits[0].score >= 0.9 && hits[0].detector == "phone.national",
            "sql {country} {phone}: {hits:?}"
        );
    }
}
