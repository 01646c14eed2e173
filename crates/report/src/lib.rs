//! `bw-report` writes findings for people and machines: human text, JSON
//! Lines and SARIF 2.1.0, and owns redaction.
//!
//! It must never print a raw value unless the caller asked to reveal it:
//! every record carries a redacted excerpt, and the raw value only when
//! [`Record::value`] is set.

pub mod redact;
pub mod sarif;

use std::io::{self, Write};

use bw_detect::Kind;

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
    /// The redacted value: safe to show and to store.
    pub excerpt: &'a str,
    /// The raw value, only with `--reveal`.
    pub value: Option<String>,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Jsonl,
    Sarif,
}

/// Writes records as JSON Lines, one a line: `path`, `start`, `end`,
/// `kind`, `score` (rounded to thousandths), `detector`, `excerpt`, and
/// `value` only when set. Written by hand rather than through serde: a
/// dense scan reports millions of findings, and the generic serializer was
/// 10% of it. The escaped `path` field is rendered once per file rather
/// than once per finding: a dense file reports thousands of findings, each
/// of which escaped and copied the same path.
#[derive(Default)]
pub struct JsonlWriter {
    /// The path `head` was rendered for.
    path: String,
    /// `{"path":"…","start":` for `path`.
    head: Vec<u8>,
}

impl JsonlWriter {
    pub fn write<W: Write>(&mut self, out: &mut W, rec: &Record<'_>) -> io::Result<()> {
        if self.head.is_empty() || self.path != rec.path {
            self.path.clear();
            self.path.push_str(rec.path);
            self.head.clear();
            self.head.extend_from_slice(b"{\"path\":");
            json_str(&mut self.head, rec.path)?;
            self.head.extend_from_slice(b",\"start\":");
        }
        out.write_all(&self.head)?;
        uint(out, rec.start as u64)?;
        out.write_all(b",\"end\":")?;
        uint(out, rec.end as u64)?;
        out.write_all(kind_and_score_keys(rec.kind).as_bytes())?;
        score(out, rec.score)?;
        out.write_all(b",\"detector\":")?;
        json_str(out, rec.detector)?;
        out.write_all(b",\"excerpt\":")?;
        json_str(out, rec.excerpt)?;
        if let Some(v) = &rec.value {
            out.write_all(b",\"value\":")?;
            json_str(out, v)?;
        }
        out.write_all(b"}\n")
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
    }
}

/// `n` in decimal, without the formatting machinery (two offsets per
/// finding).
fn uint<W: Write>(out: &mut W, mut n: u64) -> io::Result<()> {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&digits[at..])
}

/// `x` rounded to thousandths, in the shortest form (`0.9`, `0.912`, `1.0`).
fn score<W: Write>(out: &mut W, x: f32) -> io::Result<()> {
    let milli = (f64::from(x) * 1000.0).round().clamp(-1e15, 1e15) as i64;
    let (sign, milli) = if milli < 0 {
        ("-", -milli)
    } else {
        ("", milli)
    };
    let (int, mut frac, mut width) = (milli / 1000, milli % 1000, 3);
    while width > 1 && frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    // By hand rather than `write!`: the formatting machinery was 2% of a
    // dense scan. `int` is at most 1e12 and `frac` below 1000.
    out.write_all(sign.as_bytes())?;
    uint(out, int.unsigned_abs())?;
    let mut digits = *b".000";
    for d in digits[1..=width].iter_mut().rev() {
        *d = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.write_all(&digits[..=width])
}

/// `s` as a JSON string. Paths and excerpts rarely need escaping, so the
/// common case is one check and one copy.
fn json_str<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    let needs = |b: &u8| *b < 0x20 || *b == b'"' || *b == b'\\';
    // A fold without early exit: the compiler vectorises it, and the
    // strings are short and nearly always clean.
    if !s.as_bytes().iter().fold(false, |any, b| any | needs(b)) {
        out.write_all(b"\"")?;
        out.write_all(s.as_bytes())?;
        return out.write_all(b"\"");
    }
    out.write_all(b"\"")?;
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        if !needs(&b) {
            continue;
        }
        out.write_all(&s.as_bytes()[from..i])?;
        match b {
            b'"' => out.write_all(b"\\\"")?,
            b'\\' => out.write_all(b"\\\\")?,
            b'\n' => out.write_all(b"\\n")?,
            b'\r' => out.write_all(b"\\r")?,
            b'\t' => out.write_all(b"\\t")?,
            _ => write!(out, "\\u{b:04x}")?,
        }
        from = i + 1;
    }
    out.write_all(&s.as_bytes()[from..])?;
    out.write_all(b"\"")
}

/// Writes one record as a line for people: `path:line:col kind score excerpt`.
pub fn write_human<W: Write>(out: &mut W, rec: &Record<'_>) -> io::Result<()> {
    write!(
        out,
        "{}:{}:{}\t{}\t{:.2}\t{}",
        rec.path,
        rec.line,
        rec.column,
        rec.kind.as_str(),
        rec.score,
        rec.excerpt
    )?;
    if let Some(v) = &rec.value {
        write!(out, "\t{v}")?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(value: Option<String>) -> Record<'static> {
        Record {
            path: "a/b.csv",
            start: 10,
            end: 26,
            line: 2,
            column: 3,
            kind: Kind::Email,
            score: 0.912_345,
            detector: "email.rfc5322",
            excerpt: "j***@*******.com",
            value,
        }
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
            let r = Record { path, ..rec(None) };
            w.write(&mut out, &r).expect("write to vec");
        }
        let paths: Vec<String> = out
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_slice(l).expect("valid json");
                v["path"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        assert_eq!(paths, ["a.csv", "a.csv", "b \"q\".csv", "a.csv"]);
    }

    #[test]
    fn jsonl_has_the_documented_fields_and_no_raw_value_by_default() {
        let mut out = Vec::new();
        JsonlWriter::default()
            .write(&mut out, &rec(None))
            .expect("write to vec");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(v["path"], "a/b.csv");
        assert_eq!(v["start"], 10);
        assert_eq!(v["end"], 26);
        assert_eq!(v["kind"], "email");
        assert_eq!(v["score"], 0.912);
        assert_eq!(v["detector"], "email.rfc5322");
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
            let mut r = rec(None);
            r.score = x;
            r.path = "dir/\"odd\\name\"\n\u{1}\tü.csv";
            let mut out = Vec::new();
            JsonlWriter::default()
                .write(&mut out, &r)
                .expect("write to vec");
            assert_eq!(out.last(), Some(&b'\n'));
            assert_eq!(out.iter().filter(|b| **b == b'\n').count(), 1);
            let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
            assert_eq!(v["path"], r.path);
            assert_eq!(v["score"], want);
            assert_eq!(v["excerpt"], r.excerpt);
            assert_eq!(v["start"], 10);
        }
        for n in [0, 7, 10, 99, 1_000_000, usize::MAX] {
            let mut r = rec(None);
            r.end = n;
            let mut out = Vec::new();
            JsonlWriter::default()
                .write(&mut out, &r)
                .expect("write to vec");
            let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
            assert_eq!(v["end"].as_u64(), Some(n as u64));
        }
    }

    #[test]
    fn reveal_adds_the_raw_value() {
        let mut out = Vec::new();
        JsonlWriter::default()
            .write(&mut out, &rec(Some("jane@example.com".into())))
            .expect("write to vec");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(v["value"], "jane@example.com");
        let mut out = Vec::new();
        write_human(&mut out, &rec(None)).expect("write to vec");
        assert!(String::from_utf8_lossy(&out).starts_with("a/b.csv:2:3\temail\t0.91\t"));
    }
}
