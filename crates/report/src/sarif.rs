//! SARIF 2.1.0 output, as code-scanning services accept it: one run, one
//! rule per kind, one result per finding with its start line and byte offsets
//! (SARIF columns count characters, our offsets count bytes, so no column).
//! Written as a stream (see [`write_head`]): a scan with millions of
//! findings must not hold them all.

use std::io::{self, Write};

use bw_detect::Kind;
use serde_json::{json, Value};

use crate::{CanaryMark, Location, Record, CANARY_KIND};

/// Where SARIF's single JSON document is split so that results can be
/// streamed: the head (tool and rules, then the opening of the results
/// array), each result preceded by a comma, and the tail. Memory does not
/// grow with the number of findings; results of several threads are
/// joined by [`Joiner`].
///
/// Writes the head, up to and including `"results": [`. The rules are the
/// kinds in [`Kind::ALL`]'s order, then `canary` (a canary customer seen,
/// [`push_canary`]).
pub fn write_head<W: Write>(out: &mut W, version: &str) -> io::Result<()> {
    let mut rules: Vec<Value> = Kind::ALL
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
    rules.push(json!({
        "id": CANARY_KIND,
        "name": CANARY_KIND,
        "shortDescription": {
            "text": "Canary customer: a synthetic record issued to one data recipient, seen outside it",
        },
        "defaultConfiguration": { "level": "error" },
    }));
    let driver = json!({
        "name": "breachwatch",
        "version": version,
        "informationUri": "https://github.com/breachwatch/breachwatch",
        "rules": rules,
    });
    out.write_all(
        b"{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\
          \"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":",
    )?;
    serde_json::to_writer(&mut *out, &driver)?;
    out.write_all(b"},\"results\":[")
}

/// Appends one result to `buf` as `,` then the result's JSON and a newline.
pub fn push_result(buf: &mut Vec<u8>, rec: &Record<'_>) -> io::Result<()> {
    let mut message = format!(
        "{} (score {:.2}): {}",
        rec.kind.description(),
        rec.score,
        rec.excerpt()
    );
    if let Some(v) = rec.revealed() {
        message.push_str(&format!(" [{v}]"));
    }
    let result = json!({
        "ruleId": rec.kind.as_str(),
        "ruleIndex": rule_index(rec.kind),
        "level": if rec.score >= 0.5 { "error" } else { "note" },
        "message": { "text": message },
        "locations": [location(rec)],
        "properties": { "score": rec.score, "detector": rec.detector },
    });
    buf.push(b',');
    serde_json::to_writer(&mut *buf, &result)?;
    buf.push(b'\n');
    Ok(())
}

/// Appends the canary finding `mark` makes of `rec` (the finding that
/// matched) as one result of rule `canary`, placed like `rec`, its
/// message naming the recipient and export and `rec`'s value redacted.
pub fn push_canary(buf: &mut Vec<u8>, rec: &Record<'_>, mark: &CanaryMark<'_>) -> io::Result<()> {
    let mut message = format!(
        "Canary customer seen: {} ({} {})",
        mark.describe(),
        rec.kind.as_str(),
        rec.excerpt()
    );
    if let Some(v) = rec.revealed() {
        message.push_str(&format!(" [{v}]"));
    }
    let result = json!({
        "ruleId": CANARY_KIND,
        "ruleIndex": Kind::COUNT,
        "level": "error",
        "message": { "text": message },
        "locations": [location(rec)],
        "properties": {
            "matched": rec.kind.as_str(),
            "recipient": mark.recipient,
            "export": mark.export,
            "canary": mark.id,
            "issue": mark.issue,
            "revoked": mark.revoked,
        },
    });
    buf.push(b',');
    serde_json::to_writer(&mut *buf, &result)?;
    buf.push(b'\n');
    Ok(())
}

/// `rec`'s place as a SARIF location.
fn location(rec: &Record<'_>) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": to_uri(rec.path) },
            "region": {
                "startLine": rec.line,
                "byteOffset": rec.start,
                "byteLength": rec.end - rec.start,
            }
        }
    });
    if let Some(loc) = rec.location {
        // Byte offsets into a rendered sheet or PDF mean nothing to a
        // reader: the cell or page is a logical location. The region
        // stays (offsets into the rendered text) for tools that want one.
        let qualified = match loc {
            Location::Cell { sheet, .. } => format!("{sheet}!{loc}"),
            _ => loc.to_string(),
        };
        location["logicalLocations"] = json!([{
            "name": loc.to_string(),
            "fullyQualifiedName": qualified,
            "kind": "element",
        }]);
    }
    location
}

/// Writes the tail that closes the document opened by [`write_head`].
pub fn write_tail<W: Write>(out: &mut W) -> io::Result<()> {
    out.write_all(b"]}]}\n")
}

/// Joins runs of results from [`push_result`], written in any order by any
/// number of threads (each run under the caller's output lock), into one
/// JSON array: the comma before the very first result is dropped.
#[derive(Debug, Default)]
pub struct Joiner {
    started: bool,
}

impl Joiner {
    pub fn write<W: Write>(&mut self, out: &mut W, results: &[u8]) -> io::Result<()> {
        let results = match results.split_first() {
            Some((b',', rest)) if !self.started => rest,
            _ => results,
        };
        if !results.is_empty() {
            self.started = true;
        }
        out.write_all(results)
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
