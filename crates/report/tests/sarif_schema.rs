//! Checks `SarifLog` output against the official OASIS SARIF 2.1.0 schema
//! (vendored, see `data/PROVENANCE.md`) and against what GitHub code
//! scanning needs beyond the schema, for records with awkward paths.

use std::collections::HashMap;

use bw_detect::Kind;
use bw_report::{redact::redact, sarif, Record};
use serde_json::Value;

const SCHEMA: &str = include_str!("data/sarif-schema-2.1.0.json");

/// One record per kind, on paths that a naive URI writer gets wrong: spaces,
/// non-ASCII, reserved characters, Windows separators, absolute paths.
/// Values are synthetic and built here; raw values are revealed only for
/// the records that set `reveal`.
fn records() -> Vec<(Record<'static>, &'static str)> {
    let cases: [(&str, Kind, &str, u64, bool); 8] = [
        (
            "exports/customer list 2024.csv",
            Kind::Email,
            "jane.doe@example.com",
            3,
            false,
        ),
        (
            "données/客户 名单.txt",
            Kind::PhoneNumber,
            "+44 20 7946 0018",
            1,
            false,
        ),
        (
            "logs\\2024\\app #1.log",
            Kind::PaymentCard,
            "4111 1111 1111 1111",
            42,
            true,
        ),
        (
            "/var/tmp/100% done?.json",
            Kind::UsSsn,
            "123-45-6789",
            7,
            false,
        ),
        (
            "backup [old]/a&b=c;d.sql",
            Kind::Iban,
            "GB82 WEST 1234 5698 7654 32",
            1_000_000,
            false,
        ),
        (
            "naïve café/ümlaut.tsv",
            Kind::IpAddress,
            "2001:db8::1",
            2,
            true,
        ),
        ("-", Kind::Email, "a@b.example", 1, false),
        (
            "emoji 📁/tab\tand\"quote\".txt",
            Kind::PhoneNumber,
            "+1 202 555 0143",
            9,
            false,
        ),
    ];
    cases
        .into_iter()
        .enumerate()
        .map(|(i, (path, kind, value, line, reveal))| {
            let start = i * 100;
            let rec = Record {
                path,
                start,
                end: start + value.len(),
                line,
                column: 5,
                kind,
                score: if i % 3 == 0 { 0.31 } else { 0.97 },
                detector: "test.synthetic",
                value: value.as_bytes(),
                reveal,
                // Every other finding sits in a spreadsheet cell.
                location: (i % 2 == 1).then_some(&CELL),
            };
            (rec, value)
        })
        .collect()
}

static CELL: std::sync::LazyLock<bw_report::Location> =
    std::sync::LazyLock::new(|| bw_report::Location::Cell {
        sheet: "Customers".into(),
        row: 17,
        col: 4,
    });

/// With `canaries`, each email is also a canary customer: a second result,
/// of the `canary` rule, right after it, as `scan` reports one.
fn write_log(recs: &[(Record<'static>, &'static str)], canaries: bool) -> Vec<u8> {
    let mut out = Vec::new();
    sarif::write_head(&mut out, "9.8.7-test").expect("writing to a Vec");
    // Results come in runs from several threads, as `scan` writes them.
    let mut joiner = sarif::Joiner::default();
    for run in recs.chunks(3) {
        let mut buf = Vec::new();
        for (rec, _) in run {
            sarif::push_result(&mut buf, rec).expect("writing to a Vec");
            if canaries && rec.kind == Kind::Email {
                let mark = bw_report::CanaryMark {
                    id: "CNY-TEST",
                    recipient: "Acme Fulfilment",
                    export: "acme.csv",
                    issue: 1,
                    revoked: false,
                };
                sarif::push_canary(&mut buf, rec, &mark).expect("writing to a Vec");
            }
        }
        joiner.write(&mut out, &buf).expect("writing to a Vec");
    }
    sarif::write_tail(&mut out).expect("writing to a Vec");
    out
}

/// RFC 3986 `URI-reference` at the character level: only unreserved,
/// reserved and well-formed percent-escapes. The schema is declared Draft 4,
/// which has no `uri-reference` format, so validators skip it unless told.
fn is_uri_reference(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 3;
                continue;
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => {}
            b'-' | b'.' | b'_' | b'~' => {}
            b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@' => {}
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("vendored schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .with_format("uri-reference", is_uri_reference)
        .build(&schema)
        .expect("vendored schema compiles")
}

fn schema_errors(instance: &Value) -> Vec<String> {
    validator()
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_vendored_schema_is_the_oasis_2_1_0_schema() {
    let schema: Value = serde_json::from_str(SCHEMA).expect("vendored schema is JSON");
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    assert_eq!(schema["properties"]["version"]["enum"][0], "2.1.0");
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    // Guards the test itself: a validator that accepted everything would
    // make the conformance test below meaningless.
    let out = write_log(&records(), false);
    let good: Value = serde_json::from_slice(&out).expect("valid JSON");
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors(&bad).is_empty(), "bad level accepted");
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!schema_errors(&bad).is_empty(), "startLine 0 accepted");
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a b/ü.txt".into();
    assert!(!schema_errors(&bad).is_empty(), "unencoded URI accepted");
    let mut bad = good;
    bad["runs"][0]["tool"]["driver"]["unknownField"] = true.into();
    assert!(
        !schema_errors(&bad).is_empty(),
        "additional property accepted"
    );
}

#[test]
fn sarif_output_is_valid_against_the_official_schema() {
    for canaries in [false, true] {
        let out = write_log(&records(), canaries);
        let log: Value = serde_json::from_slice(&out).expect("valid JSON");
        let errors = schema_errors(&log);
        assert!(
            errors.is_empty(),
            "schema violations (canaries: {canaries}):\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn an_empty_log_is_valid_too() {
    let mut out = Vec::new();
    sarif::write_head(&mut out, "0.1.0").expect("writing to a Vec");
    sarif::Joiner::default()
        .write(&mut out, b"")
        .expect("writing to a Vec");
    sarif::write_tail(&mut out).expect("writing to a Vec");
    let log: Value = serde_json::from_slice(&out).expect("valid JSON");
    let errors = schema_errors(&log);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
}

/// What GitHub code scanning reads beyond the schema: a named driver, rules
/// with ids, and for every result a `ruleId` that names a rule (and a
/// matching `ruleIndex`), a non-empty `message.text`, and a location with an
/// artifact URI and a 1-based `startLine`.
#[test]
fn sarif_output_has_what_code_scanning_requires() {
    let recs = records();
    let out = write_log(&recs, false);
    let log: Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "breachwatch");
    assert_eq!(driver["version"], "9.8.7-test");
    let rules = driver["rules"]
        .as_array()
        .expect("driver.rules is an array");
    let rule_at: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r["id"].as_str().expect("rule id is a string"), i))
        .collect();
    assert_eq!(rule_at.len(), rules.len(), "rule ids are unique");
    for k in Kind::ALL.iter() {
        assert!(rule_at.contains_key(k.as_str()), "no rule for {k}");
    }

    let results = runs[0]["results"].as_array().expect("results is an array");
    assert_eq!(results.len(), recs.len());
    for ((rec, raw), res) in recs.iter().zip(results) {
        let ctx = format!("result for {:?}", rec.path);
        let rule_id = res["ruleId"].as_str().expect("ruleId is a string");
        assert_eq!(rule_id, rec.kind.as_str(), "{ctx}");
        assert_eq!(
            res["ruleIndex"]
                .as_u64()
                .and_then(|i| usize::try_from(i).ok()),
            rule_at.get(rule_id).copied(),
            "{ctx}: ruleIndex must point at the rule named by ruleId"
        );
        let text = res["message"]["text"].as_str().expect("message.text");
        assert!(!text.trim().is_empty(), "{ctx}");
        assert_eq!(
            text.contains(raw),
            rec.reveal,
            "{ctx}: the raw value appears only when revealed"
        );
        assert!(
            text.contains(&redact(rec.kind, raw.as_bytes())),
            "{ctx}: the message carries the redacted excerpt"
        );
        assert_eq!(
            res["level"],
            if rec.score >= 0.5 { "error" } else { "note" },
            "{ctx}"
        );

        let locs = res["locations"].as_array().expect("locations");
        assert_eq!(locs.len(), 1, "{ctx}");
        let phys = &locs[0]["physicalLocation"];
        let uri = phys["artifactLocation"]["uri"]
            .as_str()
            .expect("artifactLocation.uri");
        assert!(is_uri_reference(uri), "{ctx}: {uri:?} is not a URI");
        assert_eq!(
            percent_decode(uri),
            rec.path.replace('\\', "/").into_bytes(),
            "{ctx}: the URI must decode back to the path"
        );
        let region = &phys["region"];
        assert_eq!(region["startLine"].as_u64(), Some(rec.line), "{ctx}");
        assert!(rec.line >= 1);
        assert_eq!(region["byteOffset"].as_u64(), Some(rec.start as u64));
        assert_eq!(
            region["byteLength"].as_u64(),
            Some((rec.end - rec.start) as u64)
        );
    }
    // Nothing unrevealed leaks anywhere in the document either.
    let text = String::from_utf8_lossy(&out);
    for (rec, raw) in &recs {
        if !rec.reveal {
            assert!(!text.contains(raw), "{raw:?} leaked");
        }
    }

    // Canary results name the `canary` rule by id and index, sit where
    // their email does, and reveal nothing more than it.
    let out = write_log(&recs, true);
    let log: Value = serde_json::from_slice(&out).expect("valid JSON");
    let run = &log["runs"][0];
    let canary_at = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .position(|r| r["id"] == "canary")
        .expect("a canary rule");
    let results = run["results"].as_array().expect("results");
    let emails: Vec<&(Record<'static>, &str)> =
        recs.iter().filter(|(r, _)| r.kind == Kind::Email).collect();
    assert!(!emails.is_empty());
    assert_eq!(results.len(), recs.len() + emails.len());
    let canaries: Vec<&Value> = results.iter().filter(|r| r["ruleId"] == "canary").collect();
    assert_eq!(canaries.len(), emails.len());
    for (res, (rec, raw)) in canaries.iter().zip(emails) {
        assert_eq!(res["ruleIndex"].as_u64(), Some(canary_at as u64));
        let text = res["message"]["text"].as_str().expect("message.text");
        assert!(
            text.contains("issued to Acme Fulfilment with acme.csv"),
            "{text}"
        );
        assert!(text.contains(&redact(rec.kind, raw.as_bytes())), "{text}");
        assert_eq!(text.contains(raw), rec.reveal, "{text}");
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["byteOffset"].as_u64(), Some(rec.start as u64));
    }
}
