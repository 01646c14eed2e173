//! SARIF 2.1.0 output, as code-scanning services accept it: one run, one
//! rule per kind, one result per finding with its start line and byte offsets
//! (SARIF columns count characters, our offsets count bytes, so no column).

use std::io::{self, Write};

use bw_detect::Kind;
use serde_json::{json, Value};

use crate::Record;

/// SARIF results collected during a scan (the format is one JSON document,
/// so results are gathered and written at the end).
#[derive(Default)]
pub struct SarifLog {
    results: Vec<Value>,
}

impl SarifLog {
    pub fn push(&mut self, rec: &Record<'_>) {
        let mut message = format!(
            "{} (score {:.2}): {}",
            rec.kind.description(),
            rec.score,
            rec.excerpt
        );
        if let Some(v) = &rec.value {
            message.push_str(&format!(" [{v}]"));
        }
        self.results.push(json!({
            "ruleId": rec.kind.as_str(),
            "ruleIndex": rule_index(rec.kind),
            "level": if rec.score >= 0.5 { "error" } else { "note" },
            "message": { "text": message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": to_uri(rec.path) },
                    "region": {
                        "startLine": rec.line,
                        "byteOffset": rec.start,
                        "byteLength": rec.end - rec.start,
                    }
                }
            }],
            "properties": { "score": rec.score, "detector": rec.detector },
        }));
    }

    pub fn extend(&mut self, other: SarifLog) {
        self.results.extend(other.results);
    }

    pub fn len(&self) -> usize {
        self.results.len()
    }

    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// Writes the whole log.
    pub fn write<W: Write>(self, out: &mut W, version: &str) -> io::Result<()> {
        let rules: Vec<Value> = Kind::ALL
            .iter()
            .map(|k| {
                json!({
                    "id": k.as_str(),
                    "name": k.as_str(),
                    "shortDescription": { "text": k.description() },
                    "defaultConfiguration": { "level": "error" },
                })
            })
            .collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "breachwatch",
                    "version": version,
                    "informationUri": "https://github.com/breachwatch/breachwatch",
                    "rules": rules,
                }},
                "results": self.results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        out.write_all(b"\n")
    }
}

fn rule_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| k == kind).unwrap_or(0)
}

/// A relative URI for a path as the user reached it: separators made `/`,
/// characters outside the URI grammar percent-encoded.
fn to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(to_uri("dir/a b#1.txt"), "dir/a%20b%231.txt");
    }
}
