//! An affected set worked out at data-lake scale — a leak's fingerprints
//! joined with the registry's exported fingerprint table by a batch engine
//! (`deploy/spark/breachwatch_job.py join`) — recorded on an incident the
//! way `incident add-evidence` records a scope: the file as evidence (its
//! SHA-256: adding it twice changes nothing), its customers as affected.
//!
//! The file: JSON lines, one per customer,
//! `{"customer_id","country","region","email":"exact"|"variant"|null,
//! "phone":bool,"email_occurrences":n,"phone_occurrences":n}`; the
//! confidence comes from `bw_scope::lake::confidence`, with scope's own
//! weights.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use bw_detect::Kind;
use bw_store::{Affected, Evidence};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::Error;

/// The evidence and the affected customers of one affected-set file.
#[derive(Debug)]
pub struct LakeScope {
    pub evidence: Evidence,
    pub affected: Vec<Affected>,
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
        let customer_id = v["customer_id"]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad(n, "no customer_id".into()))?;
        let email = match v["email"].as_str() {
            None => None,
            Some("exact") => Some(true),
            Some("variant") => Some(false),
            Some(other) => return Err(bad(n, format!("email is {other:?}, not exact or variant"))),
        };
        let phone = v["phone"].as_bool().unwrap_or(false);
        if email.is_none() && !phone {
            return Err(bad(
                n,
                format!("{customer_id}: matched neither email nor phone"),
            ));
        }
        let mut fields = Vec::new();
        for (matched, kind, key) in [
            (email.is_some(), Kind::Email, "email_occurrences"),
            (phone, Kind::PhoneNumber, "phone_occurrences"),
        ] {
            if matched {
                fields.push(kind.as_str().to_string());
                *counts.entry(kind.as_str().to_string()).or_default() +=
                    v[key].as_u64().unwrap_or(1);
            }
        }
        let text = |k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
        affected.push(Affected {
            customer_id: customer_id.to_string(),
            matched_fields: fields,
            confidence: f64::from(bw_scope::lake::confidence(email, phone)),
            country: text("country"),
            region: text("region"),
        });
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
    })
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
