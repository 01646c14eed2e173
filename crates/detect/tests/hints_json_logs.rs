//! Key hints on JSON, NDJSON and logfmt written by real tools: Python's
//! `json` module (one object per line, and one indented document holding
//! an array of customers) and Python's `logging` module writing logfmt
//! lines. The people are made up here; labels are the values the test put
//! in, found back in the tool's output as whole values, so they do not
//! depend on the detector.
//!
//! Positives: a national phone number under `phone`/`mobile`/`tel` with
//! no other word, a one-word given name, a birth date in five layouts.
//! Hard negatives, each next to a phone key: a 10-digit `"id"` number,
//! `order_id`, `user_id`, `sku` and `version` values a numbering plan
//! accepts, and a `zip`. Also: every chunking gives the same findings and
//! records as the whole stream, and each object is one record.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::Command;

use bw_detect::hints::csv::CsvHinter;
use bw_detect::hints::json::JsonHinter;
use bw_detect::hints::kv::KvHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::{Engine, Finding, Kind, Start, StreamScanner};
use bw_testkit::{run, tool, SplitMix64};

/// The sniff order of `bw_scan::sniff` for these files.
fn start(name: &str, head: &[u8]) -> Start {
    if let Some(s) = SqlHinter::sniff(name, head) {
        Start::Sql(s)
    } else if let Some(j) = JsonHinter::sniff(name, head) {
        Start::Json(j)
    } else if let Some(c) = CsvHinter::sniff(name, head) {
        Start::Csv(c)
    } else if let Some(k) = name
        .ends_with(".log")
        .then(|| KvHinter::sniff(head))
        .flatten()
    {
        Start::Kv(k)
    } else {
        Start::Plain
    }
}

const GIVEN: &[&str] = &[
    "Maren", "Tobias", "Ingrid", "Rafael", "Yusuf", "Hannah", "Oskar", "Leona", "Dmitri", "Priya",
    "Camille", "Joaquin", "Aisling", "Kenji", "Beatriz", "Samuel",
];
const FAMILY: &[&str] = &[
    "Lindqvist",
    "Okafor",
    "Brennan",
    "Castellano",
    "Haddad",
    "Whitfield",
    "Moreau",
    "Nakamura",
    "Kowalczyk",
    "Fairbanks",
    "Dos Santos",
];
const AREAS: &[u64] = &[212, 312, 415, 503, 617, 646, 702, 919];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One made-up customer, as the fields the tools write.
struct Person {
    given: String,
    family: String,
    email: String,
    phone_key: &'static str,
    phone: String,
    dob: String,
    /// Ten digits a phone plan accepts: only their keys say no.
    id: String,
    order_id: String,
    sku: String,
    version: String,
    zip: String,
}

fn nanp(r: &mut SplitMix64) -> (u64, u64, u64) {
    let area = AREAS[r.below(AREAS.len() as u64) as usize];
    let exch = 201 + r.below(698);
    let exch = if exch % 100 == 11 { exch + 1 } else { exch };
    (area, exch, r.below(10_000))
}

fn people(n: usize, seed: u64) -> Vec<Person> {
    let mut r = SplitMix64::new(seed);
    (0..n)
        .map(|i| {
            let given = GIVEN[r.below(GIVEN.len() as u64) as usize].to_string();
            let family = FAMILY[r.below(FAMILY.len() as u64) as usize].to_string();
            let (a, e, s) = nanp(&mut r);
            let phone = match i % 5 {
                0 => format!("{a}{e}{s:04}"),
                1 => format!("({a}) {e}-{s:04}"),
                2 => format!("{a}-{e}-{s:04}"),
                3 => format!("{a}.{e}.{s:04}"),
                _ => format!("020 7{} {:04}", 3 + r.below(6), r.below(10_000)),
            };
            let (y, m, d) = (1940 + r.below(65), 1 + r.below(12), 1 + r.below(28));
            let month = MONTHS[m as usize - 1];
            let dob = match i % 5 {
                0 => format!("{y}-{m:02}-{d:02}"),
                1 => format!("{m:02}/{d:02}/{y}"),
                2 => format!("{d:02}.{m:02}.{y}"),
                3 => format!("{month} {d}, {y}"),
                _ => format!("{d} {} {y}", &month[..3]),
            };
            let mut plan_number = || {
                let (a, e, s) = nanp(&mut r);
                format!("{a}{e}{s:04}")
            };
            Person {
                email: format!(
                    "{}.{}{i}@posteo.de",
                    given.to_lowercase(),
                    family.to_lowercase().replace(' ', "")
                ),
                phone_key: ["phone", "mobile", "tel"][i % 3],
                phone,
                dob,
                id: plan_number(),
                order_id: plan_number(),
                sku: plan_number(),
                version: plan_number(),
                zip: format!("{:05}", 10_000 + r.below(89_999)),
                given,
                family,
            }
        })
        .collect()
}

/// The people as unit-separated lines, for the Python scripts to read.
fn rows(people: &[Person]) -> String {
    let mut s = String::new();
    for p in people {
        let cells: [&str; 11] = [
            &p.given,
            &p.family,
            &p.email,
            p.phone_key,
            &p.phone,
            &p.dob,
            &p.id,
            &p.order_id,
            &p.sku,
            &p.version,
            &p.zip,
        ];
        s.push_str(&cells.join("\u{1f}"));
        s.push('\n');
    }
    s
}

/// Python's `json` module: `ndjson` (one `json.dumps` per line) or an
/// indented document with the customers in an array.
const JSON_PY: &str = r#"
import json, sys
recs = []
for line in sys.stdin.read().splitlines():
    given, family, email, pkey, phone, dob, id_, order, sku, version, zip_ = line.split('\x1f')
    recs.append({'id': int(id_), 'order_id': order,
        'customer': {'first_name': given, 'last_name': family, 'email': email, pkey: phone, 'dob': dob},
        'items': [{'sku': sku, 'name': 'Blue Widget', 'qty': 2}],
        'shipping': {'name': given + ' ' + family, 'zip': zip_},
        'client': {'version': version}})
if sys.argv[1] == 'ndjson':
    for r in recs:
        sys.stdout.write(json.dumps(r) + '\n')
else:
    json.dump({'exported_by': 'shop', 'customers': recs}, sys.stdout, indent=2)
"#;

/// Python's `logging` module writing logfmt: values with spaces or quotes
/// JSON-quoted, as logfmt libraries do.
const LOGFMT_PY: &str = r#"
import json, logging, sys
def q(v):
    return v if v and not any(c in v for c in ' "=') else json.dumps(v)
h = logging.StreamHandler(sys.stdout)
h.setFormatter(logging.Formatter('ts=%(asctime)s level=%(levelname)s %(message)s', '%Y-%m-%dT%H:%M:%S'))
log = logging.getLogger('shop')
log.addHandler(h)
log.setLevel(logging.INFO)
for line in sys.stdin.read().splitlines():
    given, family, email, pkey, phone, dob, id_, order, sku, version, zip_ = line.split('\x1f')
    pairs = [('msg', 'signup'), ('first_name', given), ('last_name', family), ('email', email),
        (pkey, phone), ('user_id', id_), ('order_id', order), ('dob', dob), ('sku', sku),
        ('zip', zip_), ('version', version), ('name', given + ' ' + family)]
    log.info(' '.join(k + '=' + q(v) for k, v in pairs))
"#;

fn python_json(people: &[Person], mode: &str) -> Vec<u8> {
    run(
        Command::new("python3").args(["-c", JSON_PY, mode]),
        Some(&rows(people)),
    )
}

fn python_logfmt(people: &[Person]) -> Vec<u8> {
    run(
        Command::new("python3").args(["-c", LOGFMT_PY]),
        Some(&rows(people)),
    )
}

fn labels(people: &[Person]) -> Vec<(String, Kind)> {
    let mut v = Vec::new();
    for p in people {
        v.push((p.given.clone(), Kind::PersonName));
        v.push((p.family.clone(), Kind::PersonName));
        v.push((format!("{} {}", p.given, p.family), Kind::PersonName));
        v.push((p.email.clone(), Kind::Email));
        v.push((p.phone.clone(), Kind::PhoneNumber));
        v.push((p.dob.clone(), Kind::DateOfBirth));
    }
    v
}

/// Every occurrence of `needle` in `hay`.
fn occurrences(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut at = Vec::new();
    let mut from = 0;
    while let Some(i) = hay[from..].windows(needle.len()).position(|w| w == needle) {
        at.push(from + i);
        from += i + 1;
    }
    at
}

/// The labelled spans: every occurrence of a label as a whole value
/// (`"…"`, or `=…` up to a space or line end).
fn truth(data: &[u8], labels: &[(String, Kind)]) -> Vec<(usize, usize, Kind)> {
    let mut spans = BTreeMap::new();
    for (value, kind) in labels {
        for s in occurrences(data, value.as_bytes()) {
            let e = s + value.len();
            let whole = matches!(
                (s.checked_sub(1).map(|p| data[p]), data.get(e)),
                (Some(b'"'), Some(b'"')) | (Some(b'='), None | Some(b' ' | b'\n'))
            );
            if whole {
                spans.insert((s, e), *kind);
            }
        }
    }
    spans.into_iter().map(|((s, e), k)| (s, e, k)).collect()
}

/// A finding and the record the structure put it in.
type Hit = (Finding, Option<u64>);

/// Reads at most `step` bytes per call.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn scan(name: &str, data: &[u8], chunk: usize, step: usize) -> Vec<Hit> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    StreamScanner::with_chunk_size(chunk)
        .scan_structured(
            &engine,
            Trickle { data, step },
            |head| start(name, head),
            |h| {
                out.push((h.finding, h.record));
                Ok(())
            },
        )
        .expect("in-memory reads do not fail");
    out
}

/// The stream cut into pieces of `size` bytes, scanned last first, as
/// the parallel scan of a large file does.
fn scan_pieces(name: &str, data: &[u8], size: usize) -> Vec<Hit> {
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
                got.push((h.finding, h.record));
                Ok(())
            })
            .expect("in-memory reads do not fail");
        per_piece.push(got);
    }
    per_piece.into_iter().rev().flatten().collect()
}

fn iou(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    inter as f64 / union.max(1) as f64
}

/// Scans one fixture at a small chunk size, prints recall and false
/// positives per kind, and returns what misses a floor.
fn check(shape: &str, file: &str, data: &[u8], people: &[Person]) -> Vec<String> {
    let truth = truth(data, &labels(people));
    let hits = scan(file, data, 0, 1 << 20);
    let found: Vec<&Finding> = hits
        .iter()
        .map(|(f, _)| f)
        .filter(|f| f.score >= 0.5)
        .collect();
    let mut failed = Vec::new();
    for kind in [
        Kind::PersonName,
        Kind::Email,
        Kind::PhoneNumber,
        Kind::DateOfBirth,
    ] {
        let mine: Vec<_> = truth.iter().filter(|t| t.2 == kind).collect();
        let hit = mine
            .iter()
            .filter(|&&&(s, e, _)| {
                found
                    .iter()
                    .any(|f| f.kind == kind && iou((s, e), (f.start, f.end)) >= 0.5)
            })
            .count();
        let fp = found
            .iter()
            .filter(|f| f.kind == kind)
            .filter(|f| {
                !mine
                    .iter()
                    .any(|&&(s, e, _)| iou((s, e), (f.start, f.end)) >= 0.5)
            })
            .count();
        let rec = hit as f64 / mine.len().max(1) as f64;
        println!(
            "{shape:<12} {:<14} {hit:>4}/{:<4} recall {rec:.3}, {fp} false positives",
            kind.as_str(),
            mine.len()
        );
        if mine.len() < people.len() || rec < 0.98 || fp > 0 {
            failed.push(format!(
                "{shape} {}: {hit}/{} found, {fp} false positives",
                kind.as_str(),
                mine.len()
            ));
        }
    }
    // Numbers a phone plan accepts under keys that say they are not a
    // person's: no phone, SSN or card may be found in them.
    let negatives: Vec<(usize, usize)> = people
        .iter()
        .flat_map(|p| [&p.id, &p.order_id, &p.sku, &p.version, &p.zip])
        .flat_map(|v| {
            occurrences(data, v.as_bytes())
                .into_iter()
                .map(|s| (s, s + v.len()))
        })
        .collect();
    assert!(negatives.len() >= people.len() * 5, "{shape}: negatives");
    let wrong = found
        .iter()
        .filter(|f| matches!(f.kind, Kind::PhoneNumber | Kind::UsSsn | Kind::PaymentCard))
        .filter(|f| negatives.iter().any(|&(s, e)| f.start < e && s < f.end))
        .count();
    println!("{shape:<12} {wrong} phone/SSN/card findings in id/order_id/sku/version/zip values");
    if wrong > 0 {
        failed.push(format!(
            "{shape}: {wrong} phone/SSN/card findings in id-like values"
        ));
    }
    failed
}

/// Whole-stream findings and records equal those of every chunking and
/// every cut into pieces.
fn check_chunking(file: &str, data: &[u8]) {
    let whole = scan(file, data, data.len() + 1, data.len() + 1);
    assert!(!whole.is_empty());
    for (chunk, step) in [(0, 1 << 20), (0, 777), (10_000, 4093), (23_456, 1 << 20)] {
        assert!(
            scan(file, data, chunk, step) == whole,
            "{file}: chunk {chunk}, reads of {step}"
        );
    }
    for size in [5_000, 17_000] {
        assert!(
            scan_pieces(file, data, size) == whole,
            "{file}: pieces of {size}"
        );
    }
}

#[test]
fn python_json_and_ndjson_keys_name_their_values() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let people = people(150, 23);
    let mut failed = Vec::new();
    for (shape, mode, file) in [
        ("ndjson", "ndjson", "orders.ndjson"),
        ("json-nested", "nested", "export.json"),
    ] {
        let data = python_json(&people, mode);
        failed.extend(check(shape, file, &data, &people));
        check_chunking(file, &data);
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn python_logfmt_keys_name_their_values() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let people = people(150, 29);
    let data = python_logfmt(&people);
    assert!(
        matches!(start("app.log", &data), Start::Kv(_)),
        "a logfmt log is followed as key=value pairs"
    );
    let failed = check("logfmt", "app.log", &data, &people);
    check_chunking("app.log", &data);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn each_customer_object_is_one_record() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let people = people(60, 31);
    let data = python_json(&people, "nested");
    let hits = scan("export.json", &data, 0, 1 << 20);
    let record_of = |value: &str| {
        let at = occurrences(&data, value.as_bytes())[0];
        hits.iter()
            .find(|(f, _)| f.start <= at && at < f.end)
            .map(|&(_, r)| r)
    };
    let mut seen = Vec::new();
    for p in &people {
        let r = record_of(&p.email).expect("the email is found");
        assert!(r.is_some(), "a customer's email is in a record");
        assert_eq!(record_of(&p.phone), Some(r), "phone in the email's record");
        assert_eq!(
            record_of(&format!("\"{}\"", p.dob)).or(record_of(&p.dob)),
            Some(r),
            "birth date in the email's record"
        );
        assert!(!seen.contains(&r), "each customer is a record of its own");
        seen.push(r);
    }
}
