//! An affected set worked out at data-lake scale — a leak's fingerprints
//! joined with the registry's exported fingerprint table by a batch engine
//! (`deploy/spark/breachwatch_job.py join`) — recorded on an incident the
//! way `incident add-evidence` records a scope: the file as evidence (its
//! SHA-256: adding it twice changes nothing), its customers as affected,
//! its unattributed findings as detected, unattributed elements.
//!
//! The file: JSON lines, one per customer,
//! `{"customer_id","country","region","email":"exact"|"variant"|null,
//! "phone":bool,"name":"exact"|"variant"|null,"email_occurrences":n,
//! "phone_occurrences":n,"kinds":[…]}`
//! — `kinds`, the other kinds of the records the customer was matched in
//! (`us_ssn`, `password`, …), joins email/phone in the customer's exposed
//! fields, as scope's `exposed` does; and one per kind and detector of the
//! findings in no matched record,
//! `{"unattributed":true,"kind","detector","count"}`, kept as
//! `add-evidence` keeps them (the kinds the law counts unattributed; a
//! password's hashing read from its detector). Files written before
//! `kinds` and the unattributed lines existed read as before. `name` is
//! how a name in a record the customer's email or phone was matched in
//! matched the same customer (scope's rule for keeping a name; `kinds`
//! then holds `person_name`); it weighs in the confidence, which comes
//! from `bw_scope::lake::confidence`, with scope's own weights.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use bw_detect::Kind;
use bw_store::{Affected, Evidence, UnattributedElement};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::unattributed::Counts;
use crate::Error;

/// The evidence, the affected customers and the unattributed findings of
/// one affected-set file.
#[derive(Debug)]
pub struct LakeScope {
    pub evidence: Evidence,
    pub affected: Vec<Affected>,
    /// For `Store::add_evidence_with`, as `add-evidence` records them.
    pub unattributed: Vec<UnattributedElement>,
}

/// Reads the affected-set file at `path`; `source` names it in the
/// evidence (the lake's URL, say; default the path).
pub fn read_affected(path: &Path, source: Option<&str>) -> Result<LakeScope, Error> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let bad = |line: usize, message: String| Error::Unreadable {
        path: path.to_path_buf(),
        message: format!("line {line}: {message}"),
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut hashing = Hashing {
        inner: file,
        sha: Sha256::new(),
        size: 0,
    };
    let mut affected = Vec::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let unattributed = Counts::default();
    let mut reader = BufReader::new(&mut hashing);
    let mut line = String::new();
    let mut n = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io_err)? == 0 {
            break;
        }
        n += 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| bad(n, e.to_string()))?;
        if !v.is_object() {
            return Err(bad(n, "not a JSON object".into()));
        }
        if v.get("unattributed").is_some() {
            let (kind, detector, count) = unattributed_line(&v).map_err(|m| bad(n, m))?;
            unattributed.add_n(kind, detector, count);
            continue;
        }
        affected.push(customer_line(&v, &mut counts).map_err(|m| bad(n, m))?);
    }
    drop(reader);
    let sha256 = hashing
        .sha
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(LakeScope {
        evidence: Evidence {
            source: source.map_or_else(|| path.display().to_string(), str::to_string),
            sha256,
            size_bytes: hashing.size,
            collected_at: OffsetDateTime::now_utc(),
            finding_counts: counts,
            encrypted: false,
            version: None,
        },
        affected,
        // The join counted only findings in records no customer was
        // matched in: nothing to take off for the affected.
        unattributed: unattributed.unattributed(&[]),
    })
}

/// One customer's line, as stored; its email and phone occurrences
/// added to `counts`.
fn customer_line(v: &Value, counts: &mut BTreeMap<String, u64>) -> Result<Affected, String> {
    let customer_id = v["customer_id"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or("no customer_id")?;
    let email = form(v, "email")?;
    // Older files have no name: it weighs nothing then, as before.
    let name = form(v, "name")?;
    let phone = match &v["phone"] {
        Value::Null => false,
        Value::Bool(b) => *b,
        other => return Err(format!("phone is {other}, not true or false")),
    };
    if email.is_none() && !phone {
        return Err(format!("{customer_id}: matched neither email nor phone"));
    }
    let mut fields = Vec::new();
    for (matched, kind, key) in [
        (email.is_some(), Kind::Email, "email_occurrences"),
        (phone, Kind::PhoneNumber, "phone_occurrences"),
    ] {
        if matched {
            fields.push(kind.as_str().to_string());
            *counts.entry(kind.as_str().to_string()).or_default() += count(v, key)?.unwrap_or(1);
        }
    }
    // Older files have no kinds: email and phone only, as then.
    match &v["kinds"] {
        Value::Null => {}
        Value::Array(kinds) => {
            for k in kinds {
                fields.push(
                    known_kind(k)
                        .map_err(|e| format!("kinds: {e}"))?
                        .to_string(),
                );
            }
        }
        other => return Err(format!("kinds is {other}, not a list of kind names")),
    }
    if name.is_some() {
        fields.push(Kind::PersonName.as_str().to_string());
    }
    // As scope's `exposed`: sorted, each kind once.
    fields.sort();
    fields.dedup();
    let text = |k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
    Ok(Affected {
        customer_id: customer_id.to_string(),
        matched_fields: fields,
        confidence: f64::from(bw_scope::lake::confidence(email, phone, name)),
        country: text("country"),
        region: text("region"),
    })
}

/// How an email or a name was matched: `Some(exact)`, or `None` (null or
/// absent: not matched).
fn form(v: &Value, key: &str) -> Result<Option<bool>, String> {
    match &v[key] {
        Value::Null => Ok(None),
        Value::String(s) if s == "exact" => Ok(Some(true)),
        Value::String(s) if s == "variant" => Ok(Some(false)),
        other => Err(format!(
            "{key} is {other}, not \"exact\", \"variant\" or null"
        )),
    }
}

/// An unattributed line: kind, detector (empty when the join had none),
/// count.
fn unattributed_line(v: &Value) -> Result<(&'static str, &str, u64), String> {
    if v["unattributed"] != Value::Bool(true) {
        return Err(format!("unattributed is {}, not true", v["unattributed"]));
    }
    let kind = known_kind(&v["kind"]).map_err(|e| format!("unattributed kind: {e}"))?;
    let detector = match &v["detector"] {
        Value::Null => "",
        Value::String(s) => s.as_str(),
        other => return Err(format!("detector is {other}, not a string")),
    };
    let n = count(v, "count")?.ok_or("an unattributed line without a count")?;
    Ok((kind, detector, n))
}

/// A scanner kind's name (`us_ssn`), as `Kind::as_str` spells it.
fn known_kind(v: &Value) -> Result<&'static str, String> {
    let name = v
        .as_str()
        .ok_or_else(|| format!("{v} is not a kind name"))?;
    Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .find(|k| *k == name)
        .ok_or_else(|| format!("{name:?} is not a kind breachwatch knows"))
}

/// A non-negative count at `key`, if there is one.
fn count(v: &Value, key: &str) -> Result<Option<u64>, String> {
    match &v[key] {
        Value::Null => Ok(None),
        x => x
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{key} is {x}, not a count")),
    }
}

/// Hashes what is read through it: the digest is of the bytes parsed.
struct Hashing<R> {
    inner: R,
    sha: Sha256,
    size: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(f.path(), text).expect("write");
        f
    }

    fn fields(s: &LakeScope) -> Vec<(String, String)> {
        s.affected
            .iter()
            .map(|a| (a.customer_id.clone(), a.matched_fields.join("+")))
            .collect()
    }

    #[test]
    fn reads_a_file_from_before_kinds_as_email_and_phone_only() {
        let f = file(concat!(
            r#"{"country":"GB","customer_id":"C001","email":"exact","email_occurrences":2,"phone":false,"phone_occurrences":0,"region":null}"#,
            "\n",
            r#"{"country":"US","customer_id":"C002","email":null,"email_occurrences":0,"phone":true,"phone_occurrences":1,"region":"CA"}"#,
            "\n\n",
        ));
        let s = read_affected(f.path(), Some("s3://lake/")).expect("old format reads");
        assert_eq!(
            fields(&s),
            [
                ("C001".to_string(), "email".to_string()),
                ("C002".to_string(), "phone_number".to_string())
            ]
        );
        assert!(s.unattributed.is_empty());
        assert_eq!(s.affected[0].confidence, 0.95f32 as f64);
        assert_eq!(s.affected[1].region.as_deref(), Some("CA"));
        assert_eq!(s.evidence.finding_counts["email"], 2);
        assert_eq!(s.evidence.source, "s3://lake/");
    }

    #[test]
    fn a_name_matched_beside_the_email_weighs_as_in_scope() {
        let f = file(concat!(
            r#"{"customer_id":"C065","email":"exact","email_occurrences":1,"kinds":["person_name","us_ssn"],"name":"exact","phone":false}"#,
            "\n",
            r#"{"customer_id":"C066","email":"exact","email_occurrences":1,"kinds":["us_ssn"],"name":"variant","phone":false}"#,
            "\n",
        ));
        let s = read_affected(f.path(), None).expect("reads");
        assert_eq!(
            fields(&s),
            [
                ("C065".to_string(), "email+person_name+us_ssn".to_string()),
                ("C066".to_string(), "email+person_name+us_ssn".to_string())
            ]
        );
        // 1 - (1 - 0.95)(1 - 0.6) and 1 - (1 - 0.95)(1 - 0.5), as scope.
        assert_eq!(s.affected[0].confidence, 0.98f32 as f64);
        assert_eq!(s.affected[1].confidence, 0.975f32 as f64);
    }

    #[test]
    fn kinds_join_the_exposed_fields_and_unattributed_lines_are_kept_as_add_evidence_keeps_them() {
        let f = file(concat!(
            r#"{"country":"US","customer_id":"C061","email":"exact","email_occurrences":1,"kinds":["us_ssn","password","date_of_birth"],"phone":false,"phone_occurrences":0,"region":"CA"}"#,
            "\n",
            r#"{"country":"US","customer_id":"C062","email":"variant","email_occurrences":1,"kinds":[],"phone":true,"phone_occurrences":1,"region":"CA"}"#,
            "\n",
            r#"{"count":3,"detector":"password.bcrypt","kind":"password","unattributed":true}"#,
            "\n",
            r#"{"count":2,"detector":"password.plaintext","kind":"password","unattributed":true}"#,
            "\n",
            r#"{"count":4,"detector":"ssn.dashed","kind":"us_ssn","unattributed":true}"#,
            "\n",
            r#"{"count":1,"detector":"ssn.dashed","kind":"us_ssn","unattributed":true}"#,
            "\n",
            // Not a kind the law counts unattributed: read, not kept.
            r#"{"count":9,"detector":"ip.v4","kind":"ip_address","unattributed":true}"#,
            "\n",
        ));
        let s = read_affected(f.path(), None).expect("new format reads");
        assert_eq!(
            fields(&s),
            [
                (
                    "C061".to_string(),
                    "date_of_birth+email+password+us_ssn".to_string()
                ),
                ("C062".to_string(), "email+phone_number".to_string())
            ]
        );
        let got: Vec<(&str, Option<&str>, u64)> = s
            .unattributed
            .iter()
            .map(|u| (u.kind.as_str(), u.hashing.as_deref(), u.count))
            .collect();
        assert_eq!(
            got,
            [
                ("password", Some("bcrypt"), 3),
                ("password", None, 2),
                ("us_ssn", None, 5)
            ]
        );
    }

    #[test]
    fn a_malformed_line_names_the_file_and_the_line() {
        let ok = r#"{"customer_id":"C1","email":"exact"}"#;
        for (bad, says) in [
            ("{not json", "line 2: "),
            (r#"["C1"]"#, "line 2: not a JSON object"),
            (r#"{"customer_id":"C2","email":"yes"}"#, "line 2: email is"),
            (
                r#"{"customer_id":"C2","email":"exact","kinds":"us_ssn"}"#,
                "line 2: kinds is",
            ),
            (
                r#"{"customer_id":"C2","email":"exact","kinds":["social"]}"#,
                "line 2: kinds: \"social\" is not a kind",
            ),
            (r#"{"customer_id":"C2","phone":"yes"}"#, "line 2: phone is"),
            (
                r#"{"unattributed":true,"kind":"us_ssn","detector":"ssn.dashed"}"#,
                "line 2: an unattributed line without a count",
            ),
            (
                r#"{"unattributed":true,"kind":"us_ssn","count":-1}"#,
                "line 2: count is -1",
            ),
            (
                r#"{"unattributed":"yes","kind":"us_ssn","count":1}"#,
                "line 2: unattributed is",
            ),
        ] {
            let f = file(&format!("{ok}\n{bad}\n"));
            let err = read_affected(f.path(), None).expect_err(bad).to_string();
            let name = f.path().display().to_string();
            assert!(err.starts_with(&format!("{name}: {says}")), "{bad}: {err}");
        }
    }
}
