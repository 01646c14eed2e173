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
use serde::Serialize;

/// One finding as it is reported.
#[derive(Debug, Clone, Serialize)]
pub struct Record<'a> {
    pub path: &'a str,
    pub start: usize,
    pub end: usize,
    #[serde(skip)]
    pub line: u64,
    #[serde(skip)]
    pub column: u64,
    #[serde(serialize_with = "kind_name")]
    pub kind: Kind,
    #[serde(serialize_with = "rounded")]
    pub score: f32,
    pub detector: &'static str,
    /// The redacted value: safe to show and to store.
    pub excerpt: String,
    /// The raw value, only with `--reveal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

fn kind_name<S: serde::Serializer>(k: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

fn rounded<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((f64::from(*x) * 1000.0).round() / 1000.0)
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Jsonl,
    Sarif,
}

/// Writes one record as a JSON line.
pub fn write_jsonl<W: Write>(out: &mut W, rec: &Record<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, rec)?;
    out.write_all(b"\n")
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
            excerpt: redact::redact(Kind::Email, b"jane@example.com"),
            value,
        }
    }

    #[test]
    fn jsonl_has_the_documented_fields_and_no_raw_value_by_default() {
        let mut out = Vec::new();
        write_jsonl(&mut out, &rec(None)).expect("write to vec");
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
    fn reveal_adds_the_raw_value() {
        let mut out = Vec::new();
        write_jsonl(&mut out, &rec(Some("jane@example.com".into()))).expect("write to vec");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(v["value"], "jane@example.com");
        let mut out = Vec::new();
        write_human(&mut out, &rec(None)).expect("write to vec");
        assert!(String::from_utf8_lossy(&out).starts_with("a/b.csv:2:3\temail\t0.91\t"));
    }
}
