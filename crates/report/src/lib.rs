//! `bw-report` writes findings for people and machines: human text, JSON
//! Lines and SARIF 2.1.0, and owns redaction.
//!
//! It must never print a raw value unless the caller asked to reveal it:
//! a record carries the matched bytes, and every writer prints only their
//! redaction unless [`Record::reveal`] is set. Redacting here, in the one
//! place that writes, means no caller can pass a raw value off as an
//! excerpt.

mod json;
pub mod redact;
pub mod sarif;

use std::borrow::Cow;
use std::io::{self, Write};

use bw_detect::Kind;
pub use bw_formats::{FieldValue, Location};

/// One finding as it is reported.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub path: &'a str,
    pub start: usize,
    pub end: usize,
    pub line: u64,
    pub column: u64,
    pub kind: Kind,
    pub score: f32,
    pub detector: &'static str,
    /// The matched bytes. Never printed as they are unless `reveal`.
    pub value: &'a [u8],
    /// Print the raw value beside the redacted excerpt (`--reveal`).
    pub reveal: bool,
    /// Where in a document the finding sits (sheet cell, page, table
    /// row); `start`/`end` are then offsets into the rendered text.
    pub location: Option<&'a Location>,
}

impl Record<'_> {
    /// The redacted value: safe to show and to store.
    pub fn excerpt(&self) -> String {
        redact::redact(self.kind, self.value)
    }

    /// The raw value as text, only when asked to reveal it.
    pub fn revealed(&self) -> Option<Cow<'_, str>> {
        self.reveal.then(|| String::from_utf8_lossy(self.value))
    }
}

/// The canary customer a finding turned out to be (`bw-canary`'s check):
/// whom it was issued to and with which export. Reported as a finding of
/// its own, kind `canary`, placed like the finding that matched and with
/// that finding's value, redacted by that finding's kind.
#[derive(Debug, Clone, Copy)]
pub struct CanaryMark<'a> {
    /// The canary's id (`CNY-…`): names it without its identifiers.
    pub id: &'a str,
    pub recipient: &'a str,
    pub export: &'a str,
    /// The issue (batch) the canary was handed out in.
    pub issue: i64,
    /// Revoked canaries still attribute, marked so.
    pub revoked: bool,
}

impl CanaryMark<'_> {
    /// `canary CNY-… issued to R with EXPORT (issue N[, revoked])`.
    pub fn describe(&self) -> String {
        format!(
            "canary {} issued to {} with {} (issue {}{})",
            self.id,
            self.recipient,
            self.export,
            self.issue,
            if self.revoked { ", revoked" } else { "" }
        )
    }
}

/// The `kind` a canary finding reports; `matched` says which kind of
/// value it was seen as.
pub const CANARY_KIND: &str = "canary";

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Jsonl,
    Sarif,
}

/// Writes records as JSON Lines, one a line: `path`, `start`, `end`,
/// `location` for findings in documents (`{"sheet","cell"}`, `{"page"}`,
/// `{"table","column","row"}`, `{"part","paragraph"}`), `kind`, `score`
/// (rounded to thousandths), `detector`, `excerpt`, and `value` only when
/// revealed. Written by hand rather than through serde: a
/// dense scan reports millions of findings, and the generic serializer was
/// 10% of it. The excerpt is redacted straight into the output, and the
/// escaped `path` field is rendered once per file rather than once per
/// finding: a dense file reports thousands of findings, each of which
/// escaped and copied the same path.
#[derive(Default)]
pub struct JsonlWriter {
    /// The path `head` was rendered for.
    path: String,
    /// `{"path":"…","start":` for `path`.
    head: Vec<u8>,
    /// `,"detector":"…","excerpt":` by detector name, rendered once each:
    /// a scan reports millions of findings from a few dozen detectors.
    detectors: Vec<(&'static str, Vec<u8>)>,
}

impl JsonlWriter {
    /// Appends `rec` as one line to `out`.
    pub fn write(&mut self, out: &mut Vec<u8>, rec: &Record<'_>) {
        if self.head.is_empty() || self.path != rec.path {
            self.path.clear();
            self.path.push_str(rec.path);
            self.head.clear();
            self.head.extend_from_slice(b"{\"path\":");
            json::string(&mut self.head, rec.path);
            self.head.extend_from_slice(b",\"start\":");
        }
        out.extend_from_slice(&self.head);
        uint(out, rec.start as u64);
        out.extend_from_slice(b",\"end\":");
        uint(out, rec.end as u64);
        if let Some(loc) = rec.location {
            out.extend_from_slice(b",\"location\":");
            location_json(out, loc);
        }
        out.extend_from_slice(kind_and_score_keys(rec.kind).as_bytes());
        score(out, rec.score);
        out.extend_from_slice(self.detector_keys(rec.detector));
        redact::redact_json(rec.kind, rec.value, out);
        if let Some(v) = rec.revealed() {
            out.extend_from_slice(b",\"value\":");
            json::string(out, &v);
        }
        out.extend_from_slice(b"}\n");
    }

    /// Appends the canary finding `mark` makes of `rec` (the finding that
    /// matched a canary) as one line: `rec`'s place, then `kind` `canary`,
    /// `matched` (`rec`'s kind), `recipient`, `export`, `canary` (the id),
    /// `issue`, `revoked`, `excerpt` redacted by `rec`'s kind, and `value`
    /// only when revealed. Rare (a canary per leaked export), so written
    /// plainly.
    pub fn write_canary(&mut self, out: &mut Vec<u8>, rec: &Record<'_>, mark: &CanaryMark<'_>) {
        out.extend_from_slice(b"{\"path\":");
        json::string(out, rec.path);
        out.extend_from_slice(b",\"start\":");
        uint(out, rec.start as u64);
        out.extend_from_slice(b",\"end\":");
        uint(out, rec.end as u64);
        if let Some(loc) = rec.location {
            out.extend_from_slice(b",\"location\":");
            location_json(out, loc);
        }
        out.extend_from_slice(b",\"kind\":\"canary\",\"matched\":");
        json::string(out, rec.kind.as_str());
        for (key, value) in [
            ("recipient", mark.recipient),
            ("export", mark.export),
            ("canary", mark.id),
        ] {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":");
            json::string(out, value);
        }
        out.extend_from_slice(b",\"issue\":");
        out.extend_from_slice(itoa::Buffer::new().format(mark.issue).as_bytes());
        out.extend_from_slice(if mark.revoked {
            b",\"revoked\":true,\"excerpt\":"
        } else {
            b",\"revoked\":false,\"excerpt\":"
        });
        redact::redact_json(rec.kind, rec.value, out);
        if let Some(v) = rec.revealed() {
            out.extend_from_slice(b",\"value\":");
            json::string(out, &v);
        }
        out.extend_from_slice(b"}\n");
    }

    /// `,"detector":"…","excerpt":` for `detector`.
    fn detector_keys(&mut self, detector: &'static str) -> &[u8] {
        // By address: each detector's name is one static string. A name
        // met at a second address only gets a second entry; the bound
        // keeps the list short whatever a caller passes.
        const MAX_CACHED: usize = 64;
        let known = self
            .detectors
            .iter()
            .position(|(d, _)| std::ptr::eq(*d, detector));
        let at = match known {
            Some(at) => at,
            None => {
                if self.detectors.len() == MAX_CACHED {
                    self.detectors.pop();
                }
                let mut keys = b",\"detector\":".to_vec();
                json::string(&mut keys, detector);
                keys.extend_from_slice(b",\"excerpt\":");
                self.detectors.push((detector, keys));
                self.detectors.len() - 1
            }
        };
        &self.detectors[at].1
    }
}

/// `loc` as a JSON object of its fields.
fn location_json(out: &mut Vec<u8>, loc: &Location) {
    out.push(b'{');
    for (i, (key, value)) in loc.fields().into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::string(out, key);
        out.push(b':');
        match value {
            FieldValue::Text(t) => json::string(out, t),
            FieldValue::Owned(t) => json::string(out, &t),
            FieldValue::Number(n) => uint(out, n),
        }
    }
    out.push(b'}');
}

/// How a person names a finding's place: `path:line:col` in a text file;
/// in a document, the cell after the sheet (`contacts.xlsx!Customers!D17`)
/// or the place in words (`labels.pdf (page 3)`).
pub fn place(rec: &Record<'_>) -> String {
    match rec.location {
        Some(loc @ Location::Cell { .. }) => format!("{}!{loc}", rec.path),
        Some(loc) => format!("{} ({loc})", rec.path),
        None => format!("{}:{}:{}", rec.path, rec.line, rec.column),
    }
}

/// `,"kind":"<kind>","score":` in one piece (one copy instead of three).
fn kind_and_score_keys(kind: Kind) -> &'static str {
    macro_rules! keys {
        ($name:literal) => {
            concat!(",\"kind\":\"", $name, "\",\"score\":")
        };
    }
    match kind {
        Kind::Email => keys!("email"),
        Kind::PhoneNumber => keys!("phone_number"),
        Kind::PaymentCard => keys!("payment_card"),
        Kind::UsSsn => keys!("us_ssn"),
        Kind::Iban => keys!("iban"),
        Kind::IpAddress => keys!("ip_address"),
        Kind::PersonName => keys!("person_name"),
        Kind::StreetAddress => keys!("street_address"),
        Kind::DateOfBirth => keys!("date_of_birth"),
        Kind::Password => keys!("password"),
        Kind::GovernmentId => keys!("government_id"),
        Kind::HealthInsurance => keys!("health_insurance"),
        Kind::CardSecurityCode => keys!("card_security_code"),
        Kind::Username => keys!("username"),
        Kind::BankAccount => keys!("bank_account"),
        Kind::TaxId => keys!("tax_id"),
        Kind::DriversLicense => keys!("drivers_license"),
        Kind::Passport => keys!("passport"),
        Kind::Health => keys!("health"),
    }
}

/// `n` in decimal, without the formatting machinery (two offsets per
/// finding): `itoa` writes two digits a step.
fn uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// `x` rounded to thousandths, in the shortest form (`0.9`, `0.912`, `1.0`).
fn score(out: &mut Vec<u8>, x: f32) {
    let milli = (f64::from(x) * 1000.0).round().clamp(-1e15, 1e15) as i64;
    if milli < 0 {
        out.push(b'-');
    }
    let milli = milli.unsigned_abs();
    let (int, mut frac, mut width) = (milli / 1000, milli % 1000, 3);
    while width > 1 && frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    // By hand rather than `write!`: the formatting machinery was 2% of a
    // dense scan. `int` is at most 1e12 and `frac` below 1000.
    uint(out, int);
    let mut digits = *b".000";
    for d in digits[1..=width].iter_mut().rev() {
        *d = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.extend_from_slice(&digits[..=width]);
}

/// Writes one record as a line for people: `place kind score excerpt`,
/// the place as [`place`] names it.
pub fn write_human<W: Write>(out: &mut W, rec: &Record<'_>) -> io::Result<()> {
    write!(
        out,
        "{}\t{}\t{:.2}\t{}",
        place(rec),
        rec.kind.as_str(),
        rec.score,
        rec.excerpt()
    )?;
    if let Some(v) = rec.revealed() {
        write!(out, "\t{v}")?;
    }
    out.write_all(b"\n")
}

/// Writes the canary finding `mark` makes of `rec` as a line for people:
/// `place canary 1.00 excerpt canary CNY-… issued to R with E (issue N)`,
/// then the raw value only when revealed.
pub fn write_human_canary<W: Write>(
    out: &mut W,
    rec: &Record<'_>,
    mark: &CanaryMark<'_>,
) -> io::Result<()> {
    write!(
        out,
        "{}\t{CANARY_KIND}\t1.00\t{}\t{}",
        place(rec),
        rec.excerpt(),
        mark.describe()
    )?;
    if let Some(v) = rec.revealed() {
        write!(out, "\t{v}")?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(reveal: bool) -> Record<'static> {
        Record {
            path: "a/b.csv",
            start: 10,
            end: 26,
            line: 2,
            column: 3,
            kind: Kind::Email,
            score: 0.912_345,
            detector: "email.rfc5322",
            value: b"jane@example.com",
            reveal,
            location: None,
        }
    }

    #[test]
    fn findings_in_documents_say_where_in_the_document_they_are() {
        let cell = Location::Cell {
            sheet: "Customers".into(),
            row: 17,
            col: 4,
        };
        let page = Location::Page { page: 3 };
        let column = Location::Table {
            table: Some("customers".into()),
            column: "email".into(),
            row: 9,
            key: None,
        };
        let keyed = Location::Table {
            table: Some("public.customers".into()),
            column: "email".into(),
            row: 9,
            key: Some("id=42".into()),
        };
        let cases = [
            (
                "contacts.xlsx!Customers",
                &cell,
                r#""location":{"sheet":"Customers","cell":"D17"}"#,
                "contacts.xlsx!Customers!D17\t",
            ),
            (
                "labels.pdf",
                &page,
                r#""location":{"page":3}"#,
                "labels.pdf (page 3)\t",
            ),
            (
                "app.db!customers",
                &column,
                r#""location":{"table":"customers","column":"email","row":9}"#,
                "app.db!customers (email row 9)\t",
            ),
            (
                "postgres://db.example/shop#public.customers",
                &keyed,
                r#""location":{"table":"public.customers","column":"email","row":9,"key":"id=42"}"#,
                "postgres://db.example/shop#public.customers (email row 9, id=42)\t",
            ),
        ];
        for (path, loc, json, human) in cases {
            let r = Record {
                path,
                location: Some(loc),
                ..rec(false)
            };
            let mut out = Vec::new();
            JsonlWriter::default().write(&mut out, &r);
            let line = String::from_utf8(out).expect("utf-8");
            assert!(line.contains(json), "{line}");
            serde_json::from_str::<serde_json::Value>(&line).expect("valid json");
            let mut out = Vec::new();
            write_human(&mut out, &r).expect("to a Vec");
            let line = String::from_utf8(out).expect("utf-8");
            assert!(line.starts_with(human), "{line}");
        }
        // Without a location, nothing changes.
        let mut out = Vec::new();
        JsonlWriter::default().write(&mut out, &rec(false));
        assert!(!String::from_utf8_lossy(&out).contains("location"));
    }

    #[test]
    fn kind_keys_spell_each_kind_as_its_name() {
        for kind in Kind::ALL.iter() {
            let want = format!(",\"kind\":\"{}\",\"score\":", kind.as_str());
            assert_eq!(kind_and_score_keys(kind), want);
        }
    }

    #[test]
    fn one_writer_renders_each_records_own_path() {
        let mut w = JsonlWriter::default();
        let mut out = Vec::new();
        for path in ["a.csv", "a.csv", "b \"q\".csv", "a.csv"] {
            let r = Record { path, ..rec(false) };
            w.write(&mut out, &r);
        }
        assert_eq!(
            field_of_each_line(&out, "path"),
            ["a.csv", "a.csv", "b \"q\".csv", "a.csv"]
        );
    }

    /// The string field `key` of each JSON line of `out`.
    fn field_of_each_line(out: &[u8], key: &str) -> Vec<String> {
        out.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_slice(l).expect("valid json");
                v[key].as_str().unwrap_or_default().to_string()
            })
            .collect()
    }

    #[test]
    fn one_writer_renders_each_records_own_detector() {
        // The same name at two addresses, a name that needs escaping, and
        // more names than the writer keeps rendered.
        let copy: &'static str = String::from("phone.e164").leak();
        let mut names = vec!["phone.e164", copy, "odd \"name\"", "email.address"];
        names.extend((0..70).map(|i| &*format!("d{i}").leak()));
        let mut w = JsonlWriter::default();
        let mut out = Vec::new();
        for round in 0..2 {
            for (i, &detector) in names.iter().enumerate() {
                let r = Record {
                    detector,
                    start: round * 1000 + i,
                    ..rec(false)
                };
                w.write(&mut out, &r);
            }
        }
        let want: Vec<&str> = names.iter().chain(names.iter()).copied().collect();
        assert_eq!(field_of_each_line(&out, "detector"), want);
    }

    #[test]
    fn jsonl_has_the_documented_fields_and_no_raw_value_by_default() {
        let mut out = Vec::new();
        JsonlWriter::default().write(&mut out, &rec(false));
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(v["path"], "a/b.csv");
        assert_eq!(v["start"], 10);
        assert_eq!(v["end"], 26);
        assert_eq!(v["kind"], "email");
        assert_eq!(v["score"], 0.912);
        assert_eq!(v["detector"], "email.rfc5322");
        assert_eq!(v["excerpt"], "j***@*******.com");
        assert!(v.get("value").is_none());
        assert!(!String::from_utf8_lossy(&out).contains("jane@example.com"));
    }

    #[test]
    fn jsonl_escapes_strings_and_rounds_scores_like_a_json_library() {
        for (x, want) in [
            (0.9f32, 0.9),
            (1.0, 1.0),
            (0.0, 0.0),
            (0.9996, 1.0),
            (0.05, 0.05),
            (0.1, 0.1),
            (0.12, 0.12),
            (0.001, 0.001),
            (0.0104, 0.01),
            (0.999, 0.999),
            (-0.25, -0.25),
        ] {
            let mut r = rec(false);
            r.score = x;
            r.path = "dir/\"odd\\name\"\n\u{1}\tü.csv";
            let mut out = Vec::new();
            JsonlWriter::default().write(&mut out, &r);
            assert_eq!(out.last(), Some(&b'\n'));
            assert_eq!(out.iter().filter(|b| **b == b'\n').count(), 1);
            let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
            assert_eq!(v["path"], r.path);
            assert_eq!(v["score"], want);
            assert_eq!(v["excerpt"], r.excerpt());
            assert_eq!(v["start"], 10);
        }
        for n in [0, 7, 10, 99, 1_000_000, usize::MAX] {
            let mut r = rec(false);
            r.end = n;
            let mut out = Vec::new();
            JsonlWriter::default().write(&mut out, &r);
            let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
            assert_eq!(v["end"].as_u64(), Some(n as u64));
        }
    }

    #[test]
    fn a_canary_finding_names_the_recipient_and_export_and_redacts_the_value() {
        let mark = CanaryMark {
            id: "CNY-7QX",
            recipient: "Acme \"Fulfilment\"",
            export: "acme.csv",
            issue: 3,
            revoked: true,
        };
        let cell = Location::Cell {
            sheet: "Customers".into(),
            row: 17,
            col: 4,
        };
        let r = Record {
            path: "leak.xlsx!Customers",
            location: Some(&cell),
            ..rec(false)
        };
        let mut out = Vec::new();
        JsonlWriter::default().write_canary(&mut out, &r, &mark);
        let text = String::from_utf8(out.clone()).expect("utf-8");
        assert!(!text.contains("jane@example.com"), "{text}");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(v["kind"], "canary");
        assert_eq!(v["matched"], "email");
        assert_eq!(v["recipient"], "Acme \"Fulfilment\"");
        assert_eq!(v["export"], "acme.csv");
        assert_eq!(v["canary"], "CNY-7QX");
        assert_eq!(v["issue"], 3);
        assert_eq!(v["revoked"], true);
        assert_eq!(v["excerpt"], "j***@*******.com");
        assert_eq!(v["location"]["cell"], "D17");
        assert_eq!(
            (v["start"].as_u64(), v["end"].as_u64()),
            (Some(10), Some(26))
        );
        assert!(v.get("value").is_none());
        let mut out = Vec::new();
        JsonlWriter::default().write_canary(&mut out, &rec(true), &mark);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(v["value"], "jane@example.com");

        let mut out = Vec::new();
        write_human_canary(&mut out, &rec(false), &mark).expect("to a Vec");
        let line = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            line,
            "a/b.csv:2:3\tcanary\t1.00\tj***@*******.com\tcanary CNY-7QX issued to \
             Acme \"Fulfilment\" with acme.csv (issue 3, revoked)\n"
        );

        let mut buf = Vec::new();
        sarif::write_head(&mut buf, "0").expect("head");
        let mut results = Vec::new();
        sarif::push_result(&mut results, &rec(false)).expect("result");
        sarif::push_canary(&mut results, &r, &mark).expect("canary");
        sarif::Joiner::default()
            .write(&mut buf, &results)
            .expect("join");
        sarif::write_tail(&mut buf).expect("tail");
        let doc: serde_json::Value = serde_json::from_slice(&buf).expect("one SARIF document");
        let run = &doc["runs"][0];
        let res = &run["results"][1];
        assert_eq!(res["ruleId"], "canary");
        let ix = res["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(run["tool"]["driver"]["rules"][ix]["id"], "canary");
        assert_eq!(res["properties"]["recipient"], "Acme \"Fulfilment\"");
        assert_eq!(
            res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "Customers!D17"
        );
        assert!(!String::from_utf8_lossy(&buf).contains("jane@example.com"));
    }

    #[test]
    fn reveal_adds_the_raw_value() {
        let mut out = Vec::new();
        JsonlWriter::default().write(&mut out, &rec(true));
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(v["value"], "jane@example.com");
        let mut out = Vec::new();
        write_human(&mut out, &rec(false)).expect("write to vec");
        assert!(String::from_utf8_lossy(&out).starts_with("a/b.csv:2:3\temail\t0.91\t"));
    }
}
