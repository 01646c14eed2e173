//! HTML hints on pages real tools wrote: pandas' `DataFrame.to_html` (the
//! Spark venv's pandas), SheetJS's `sheet_to_html` (a spreadsheet library's
//! table export) and a schema.org microdata order page with an account
//! form, rendered by Python's `string.Template` with `html.escape`. The
//! people are made up here; labels are the values the test put in, found
//! back in the tool's output as whole values (a cell's or element's text,
//! an attribute's value), so they do not depend on the detector.
//!
//! Recall per kind is measured with the HTML hinter and without it (same
//! detectors, the page read as plain text) and printed. Positives: a
//! national phone number with no word beside it, a one-word given or
//! family name, a birth date in five layouts. Hard negatives: ten-digit
//! `customer_id`, `order_id`, `sku` and `version` values a numbering plan
//! accepts, and a `zip`. Also: every chunking gives the same findings and
//! records; each row, list item and item is one record; hostile input
//! never panics and costs time linear in its size.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::Command;
use std::time::Instant;

use bw_detect::hints::html::HtmlHinter;
use bw_detect::{Engine, Finding, Kind, Start, StreamScanner};
use bw_testkit::{run, tool, SplitMix64};

const GIVEN: &[&str] = &[
    "Ottilie",
    "Bramwell",
    "Ysolde",
    "Casimir",
    "Ione",
    "Leopold",
    "Marisol",
    "Anselm",
    "Thea",
    "Evander",
    "Rosalind",
    "Ignatius",
    "Wilhelmina",
    "Fenella",
    "Ambrose",
    "Liesel",
];
const FAMILY: &[&str] = &[
    "Quarrington",
    "Abernethy",
    "Vasquez-Holt",
    "Pemberton",
    "Ashdown",
    "Rutherford",
    "Okonkwo",
    "Delacroix",
    "Hollings",
    "Marchetti",
    "Thistlewood",
];
const AREAS: &[u64] = &[206, 303, 404, 512, 614, 718, 813, 971];
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
    phone: String,
    dob: String,
    /// Ten digits a phone plan accepts: only their fields say no.
    id: String,
    order_id: String,
    sku: String,
    version: String,
    zip: String,
    street: String,
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
                _ => format!("{a} {e} {s:04}"),
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
                    "{}.{}{i}@fastmail.example",
                    given.to_lowercase(),
                    family.to_lowercase().replace('-', "")
                ),
                phone,
                dob,
                id: plan_number(),
                order_id: plan_number(),
                sku: plan_number(),
                version: plan_number(),
                zip: format!("{:05}", 10_000 + r.below(89_999)),
                street: format!("{} Larkspur Lane", 10 + r.below(980)),
                given,
                family,
            }
        })
        .collect()
}

/// The people as unit-separated lines, for the scripts to read.
fn rows(people: &[Person]) -> String {
    let mut s = String::new();
    for p in people {
        let cells: [&str; 11] = [
            &p.given,
            &p.family,
            &p.email,
            &p.phone,
            &p.dob,
            &p.id,
            &p.order_id,
            &p.sku,
            &p.version,
            &p.zip,
            &p.street,
        ];
        s.push_str(&cells.join("\u{1f}"));
        s.push('\n');
    }
    s
}

/// pandas: the customers as a DataFrame, written by `to_html` with its
/// default index column.
const PANDAS_PY: &str = r#"
import sys, pandas as pd
cols = ['first_name', 'last_name', 'email', 'mobile', 'dob', 'customer_id', 'order_id', 'sku', 'version', 'zip', 'street']
recs = [line.split('\x1f') for line in sys.stdin.read().splitlines()]
sys.stdout.write(pd.DataFrame(recs, columns=cols).to_html())
"#;

/// A schema.org order page per customer and the account form beside it,
/// rendered by `string.Template` with every value escaped by `html`.
const MICRODATA_PY: &str = r#"
import sys, html
from string import Template
page = Template('''<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Orders</title></head><body>
<h1>Recent orders</h1>
$orders
</body></html>
''')
order = Template('''<article itemscope itemtype="https://schema.org/Order">
  <h2>Order <span itemprop="orderNumber">$order</span></h2>
  <div itemprop="customer" itemscope itemtype="https://schema.org/Person">
    <span itemprop="givenName">$given</span> <span itemprop="familyName">$family</span>
    <a itemprop="email" href="mailto:$email">$email</a>
    <span itemprop="telephone">$phone</span>
    <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
      <span itemprop="streetAddress">$street</span> <span itemprop="postalCode">$zip</span>
    </div>
  </div>
  <div itemprop="orderedItem" itemscope itemtype="https://schema.org/Product">
    <span itemprop="name">Trail Kettle</span> <span itemprop="sku">$sku</span>
  </div>
  <form class="account">
    <label for="dob-$n">Date of birth</label> <input id="dob-$n" type="text" value="$dob">
    <dl><dt>Name</dt><dd>$given $family</dd><dt>Mobile</dt><dd>$phone</dd><dt>Customer ID</dt><dd>$id</dd></dl>
    <p><b>App version:</b> $version</p>
  </form>
</article>''')
out = []
for n, line in enumerate(sys.stdin.read().splitlines()):
    given, family, email, phone, dob, id_, order_id, sku, version, zip_, street = line.split('\x1f')
    v = {k: html.escape(x) for k, x in dict(given=given, family=family, email=email, phone=phone,
        dob=dob, id=id_, order=order_id, sku=sku, version=version, zip=zip_, street=street).items()}
    out.append(order.substitute(v, n=n))
sys.stdout.write(page.substitute(orders='\n'.join(out)))
"#;

/// SheetJS: the customers as a sheet (header row first), exported by
/// `sheet_to_html`.
const SHEETJS_JS: &str = r#"
const X = require(process.argv[1] + '/xlsx');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(l => l);
const rows = [['First Name', 'Last Name', 'Email', 'Phone', 'Date of Birth', 'Customer ID', 'Order ID', 'SKU', 'Version', 'ZIP', 'Street']];
for (const l of lines) rows.push(l.split('\x1f'));
process.stdout.write(X.utils.sheet_to_html(X.utils.aoa_to_sheet(rows)));
"#;

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
    memchr::memmem::find_iter(hay, needle).collect()
}

/// Whether `data[s..e]` is a whole value: an element's text between
/// tags (maybe padded with spaces), an attribute's quoted value, or a
/// `mailto:` link's address.
fn whole(data: &[u8], s: usize, e: usize) -> bool {
    let before = data[..s].iter().rev().find(|b| **b != b' ');
    let after = data[e..].iter().find(|b| **b != b' ');
    matches!(
        (before, after),
        (Some(b'>' | b'\n'), Some(b'<')) | (Some(b'"'), Some(b'"'))
    ) || (data[..s].ends_with(b"\"mailto:") && after == Some(&b'"'))
}

/// The labelled spans: every occurrence of a label as a whole value.
fn truth(data: &[u8], labels: &[(String, Kind)]) -> Vec<(usize, usize, Kind)> {
    let mut spans = BTreeMap::new();
    for (value, kind) in labels {
        for s in occurrences(data, value.as_bytes()) {
            let e = s + value.len();
            if whole(data, s, e) {
                spans.insert((s, e), *kind);
            }
        }
    }
    // A given and a family name in inline elements side by side
    // (`<span>Ann</span> <span>Lee</span>`) are one name, as a reader sees
    // it: one label from the first to the last byte.
    let names: Vec<(usize, usize)> = spans
        .iter()
        .filter(|(_, k)| **k == Kind::PersonName)
        .map(|(&r, _)| r)
        .collect();
    for w in names.windows(2) {
        let ((s1, e1), (s2, e2)) = (w[0], w[1]);
        if e1 < s2 && s2 - e1 < 120 && inline_markup(&data[e1..s2]) {
            spans.remove(&(s1, e1));
            spans.remove(&(s2, e2));
            spans.insert((s1, e2), Kind::PersonName);
        }
    }
    // A two-word name holds one-word labels: keep the longest.
    let all: Vec<_> = spans.into_iter().collect();
    all.iter()
        .filter(|((s, e), _)| {
            !all.iter()
                .any(|((s2, e2), _)| s2 <= s && e <= e2 && (e2 - s2) > (e - s))
        })
        .map(|&((s, e), k)| (s, e, k))
        .collect()
}

/// Whether `between` holds only spaces and inline tags (`</span> <span
/// itemprop="familyName">`).
fn inline_markup(between: &[u8]) -> bool {
    let mut rest = between.trim_ascii();
    if rest.is_empty() {
        return false;
    }
    while let Some(r) = rest.strip_prefix(b"<") {
        let Some(end) = r.iter().position(|&b| b == b'>') else {
            return false;
        };
        let tag = r[..end].strip_prefix(b"/").unwrap_or(&r[..end]);
        let name_end = tag
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        if !matches!(
            &tag[..name_end],
            b"span" | b"b" | b"i" | b"em" | b"strong" | b"a"
        ) {
            return false;
        }
        rest = r[end + 1..].trim_ascii();
    }
    rest.is_empty()
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

/// How the page is read: with the HTML hinter (as `bw_scan::sniff` picks
/// it for these files) or as plain text.
fn start(html: bool, name: &str, head: &[u8]) -> Start {
    match HtmlHinter::sniff(name, head) {
        Some(h) if html => Start::Html(Box::new(h)),
        _ => Start::Plain,
    }
}

fn scan(html: bool, name: &str, data: &[u8], chunk: usize, step: usize) -> Vec<Hit> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    StreamScanner::with_chunk_size(chunk)
        .scan_structured(
            &engine,
            Trickle { data, step },
            |head| start(html, name, head),
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
    let hinter = start(true, name, data).structure();
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

/// Whether findings of `kind` cover the label `[s, e)`: together (a
/// name found as its given and family parts) they span it with an
/// intersection-over-union of at least 0.5.
fn covered(found: &[&Finding], kind: Kind, s: usize, e: usize) -> bool {
    let parts: Vec<_> = found
        .iter()
        .filter(|f| f.kind == kind && f.start < e && s < f.end)
        .collect();
    let (Some(a), Some(b)) = (
        parts.iter().map(|f| f.start).min(),
        parts.iter().map(|f| f.end).max(),
    ) else {
        return false;
    };
    iou((s, e), (a, b)) >= 0.5
}

const KINDS: [Kind; 4] = [
    Kind::PersonName,
    Kind::Email,
    Kind::PhoneNumber,
    Kind::DateOfBirth,
];

/// Recall and false positives per kind, and phone/SSN/card findings in
/// the id-like values.
fn score(
    data: &[u8],
    truth: &[(usize, usize, Kind)],
    people: &[Person],
    hits: &[Hit],
) -> (Vec<(Kind, usize, usize, usize)>, usize) {
    let found: Vec<&Finding> = hits
        .iter()
        .map(|(f, _)| f)
        .filter(|f| f.score >= 0.5)
        .collect();
    let per_kind = KINDS
        .iter()
        .map(|&kind| {
            let mine: Vec<_> = truth.iter().filter(|t| t.2 == kind).collect();
            let hit = mine
                .iter()
                .filter(|&&&(s, e, _)| covered(&found, kind, s, e))
                .count();
            let fp = found
                .iter()
                .filter(|f| f.kind == kind)
                .filter(|f| {
                    !mine.iter().any(|&&(s, e, _)| {
                        iou((s, e), (f.start, f.end)) >= 0.5 || (s <= f.start && f.end <= e)
                    })
                })
                .count();
            (kind, hit, mine.len(), fp)
        })
        .collect();
    let negatives: Vec<(usize, usize)> = people
        .iter()
        .flat_map(|p| [&p.id, &p.order_id, &p.sku, &p.version, &p.zip])
        .flat_map(|v| {
            occurrences(data, v.as_bytes())
                .into_iter()
                .map(|s| (s, s + v.len()))
                .filter(|&(s, e)| whole(data, s, e))
        })
        .collect();
    assert!(negatives.len() >= people.len() * 5, "negatives");
    let wrong: Vec<_> = found
        .iter()
        .filter(|f| matches!(f.kind, Kind::PhoneNumber | Kind::UsSsn | Kind::PaymentCard))
        .filter(|f| negatives.iter().any(|&(s, e)| f.start < e && s < f.end))
        .collect();
    for f in &wrong {
        let from = f.start.saturating_sub(60);
        eprintln!(
            "in an id-like value: {} by {} in {:?}",
            f.kind.as_str(),
            f.detector,
            String::from_utf8_lossy(&data[from..(f.end + 20).min(data.len())])
        );
    }
    (per_kind, wrong.len())
}

/// Scans one fixture with and without the hinter, prints both, and
/// returns what misses a floor with it.
fn check(shape: &str, file: &str, data: &[u8], people: &[Person]) -> Vec<String> {
    let truth = truth(data, &labels(people));
    let (with, wrong) = score(data, &truth, people, &scan(true, file, data, 0, 1 << 20));
    let (without, wrong_plain) = score(data, &truth, people, &scan(false, file, data, 0, 1 << 20));
    let mut failed = Vec::new();
    for (&(kind, hit, n, fp), &(_, hit0, _, fp0)) in with.iter().zip(&without) {
        let rec = hit as f64 / n.max(1) as f64;
        println!(
            "{shape:<10} {:<13} {n:>4} labels: with HTML hints {hit:>4} found (recall {rec:.3}, {fp} FP); \
             plain text {hit0:>4} (recall {:.3}, {fp0} FP)",
            kind.as_str(),
            hit0 as f64 / n.max(1) as f64,
        );
        // The hints may not add a false positive; the page's product name
        // (`Trail Kettle`) reads as a person's with or without them.
        if n < people.len() || rec < 0.98 || fp > fp0 || hit < hit0 {
            failed.push(format!(
                "{shape} {}: {hit}/{n} found ({hit0} without hints), {fp} false positives",
                kind.as_str()
            ));
        }
    }
    println!(
        "{shape:<10} phone/SSN/card findings in customer_id/order_id/sku/version/zip values: \
         {wrong} with HTML hints, {wrong_plain} plain text"
    );
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
    let whole = scan(true, file, data, data.len() + 1, data.len() + 1);
    assert!(!whole.is_empty());
    for (chunk, step) in [(0, 1 << 20), (0, 777), (10_000, 4093), (23_456, 1 << 20)] {
        assert!(
            scan(true, file, data, chunk, step) == whole,
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

/// Each person's email, phone and birth date share one record, and no two
/// people share one.
fn check_records(file: &str, data: &[u8], people: &[Person]) {
    let hits = scan(true, file, data, 0, 1 << 20);
    // The record of `value`'s first whole occurrence at or after `from`
    // (two people may share a birth date), and where it is.
    let record_of = |value: &str, from: usize| {
        let at = occurrences(data, value.as_bytes())
            .into_iter()
            .find(|&s| s >= from && whole(data, s, s + value.len()))?;
        hits.iter()
            .find(|(f, _)| f.start <= at && at < f.end)
            .map(|&(_, r)| (r, at))
    };
    let mut seen = Vec::new();
    for p in people {
        let (r, at) = record_of(&p.email, 0).expect("the email is found");
        assert!(r.is_some(), "{file}: a customer's email is in a record");
        let same = |v: &str| record_of(v, at).map(|(r, _)| r);
        assert_eq!(
            same(&p.phone),
            Some(r),
            "{file}: phone in the email's record"
        );
        assert_eq!(
            same(&p.dob),
            Some(r),
            "{file}: birth date in the email's record"
        );
        assert!(
            !seen.contains(&r),
            "{file}: each customer is a record of its own"
        );
        seen.push(r);
    }
}

/// A program named by `var` (set by scripts/test.sh), or a skip (a
/// failure when `require` is set).
fn from_env(var: &str, require: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var(require).as_deref() == Ok("1") => {
            panic!("{require}=1 but {var} is not set")
        }
        _ => {
            eprintln!("skipped: {var} is not set (scripts/test.sh sets it)");
            None
        }
    }
}

#[test]
fn pandas_to_html_columns_name_their_cells() {
    let Some(python) = from_env("BW_SPARK_PYTHON", "BW_REQUIRE_SPARK") else {
        return;
    };
    let people = people(150, 41);
    let data = run(
        Command::new(python).args(["-c", PANDAS_PY]),
        Some(&rows(&people)),
    );
    let failed = check("pandas", "customers.html", &data, &people);
    check_chunking("customers.html", &data);
    check_records("customers.html", &data, &people);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn sheetjs_html_export_columns_name_their_cells() {
    let Some(dir) = from_env("BW_SHEETJS_DIR", "BW_REQUIRE_SHEETJS") else {
        return;
    };
    let people = people(150, 43);
    let data = run(
        Command::new("node").args(["-e", SHEETJS_JS, &dir]),
        Some(&rows(&people)),
    );
    let failed = check("sheetjs", "export.htm", &data, &people);
    check_chunking("export.htm", &data);
    check_records("export.htm", &data, &people);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn microdata_and_labels_name_their_values() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let people = people(120, 47);
    let data = run(
        Command::new("python3").args(["-c", MICRODATA_PY]),
        Some(&rows(&people)),
    );
    assert!(
        matches!(start(true, "orders", &data), Start::Html(_)),
        "a page is sniffed by its head"
    );
    let failed = check("microdata", "orders", &data, &people);
    check_chunking("orders", &data);
    check_records("orders", &data, &people);
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Feeds `data` to a fresh hinter and returns the time it took.
fn feed_time(data: &[u8]) -> f64 {
    let t = Instant::now();
    let mut h = HtmlHinter::new();
    for c in data.chunks(64 << 10) {
        h.feed(c);
    }
    let mut out = Vec::new();
    h.hints_in(0, data.len(), &mut out);
    std::hint::black_box(&out);
    t.elapsed().as_secs_f64()
}

#[test]
fn hostile_pages_never_panic_and_cost_linear_time() {
    // `n` units of each shape.
    let nested = |n: usize| {
        let mut v = b"<!DOCTYPE html><body>".to_vec();
        for _ in 0..n {
            v.extend_from_slice(b"<div class=\"phone\"><li><td>");
        }
        v.extend_from_slice(b"4155550123 maren@x.example");
        for _ in 0..n {
            v.extend_from_slice(b"</td></li></div></span>");
        }
        v
    };
    let attribute = |n: usize| {
        let mut v = b"<html><p class=\"".to_vec();
        v.resize(n, b'x');
        v.extend_from_slice(b" phone\" data-phone='4155550123'>4155550123</p><a href=\"");
        v.resize(2 * n, b'y');
        v
    };
    let unclosed = |n: usize| {
        let mut v = b"<html>".to_vec();
        while v.len() < n {
            v.extend_from_slice(b"<td <tr class=phone 4155550123 <!-- <script> </ <label for=\"");
        }
        v
    };
    let engine = Engine::new(Kind::ALL);
    for (what, make, n) in [
        (
            "nested 10,000 deep",
            &nested as &dyn Fn(usize) -> Vec<u8>,
            10_000,
        ),
        ("a 1 MiB attribute", &attribute, 1 << 20),
        ("unclosed tags and quotes", &unclosed, 1 << 20),
    ] {
        let data = make(n);
        let mut scanner = StreamScanner::with_chunk_size(0);
        scanner
            .scan_structured(
                &engine,
                &data[..],
                |_| Start::Html(Box::default()),
                |_| Ok(()),
            )
            .expect("in-memory reads do not fail");
        // Linear: four times the input costs about four times the time
        // (the best of three, on inputs past the caches, against a loaded
        // machine's noise).
        let best = |d: &[u8]| (0..3).map(|_| feed_time(d)).fold(f64::MAX, f64::min);
        let scale = (4 << 20) / data.len().max(1) + 1;
        let (small, large) = (make(n * scale), make(n * scale * 4));
        let (t1, t4) = (best(&small), best(&large));
        println!(
            "{what}: scanned; the hinter alone: {} bytes in {t1:.4} s, {} in {t4:.4} s",
            small.len(),
            large.len()
        );
        assert!(
            t4 < 8.0 * t1 + 0.005,
            "{what}: {t1} s vs {t4} s for 4x the input"
        );
    }
}
