//! Audit-chain canonicalisation and hashing.
//!
//! An entry's canonical bytes are the UTF-8 of a JSON object with exactly
//! these keys, sorted, no whitespace, nested object keys sorted too:
//!
//! ```text
//! {"action":…,"actor":…,"after":…,"at":…,"before":…,"incident":…,"seq":…,"v":1}
//! ```
//!
//! Strings use serde_json's escaping, numbers serde_json's shortest
//! round-trip form. `hash = SHA-256(prev || canonical)` where `prev` is the
//! previous entry's hash as 32 raw bytes (32 zero bytes for seq 1); hashes
//! are stored as lowercase hex. Keys are sorted here rather than relying on
//! serde_json's map type, whose order changes if any crate in the build
//! turns on `preserve_order`.

use serde_json::Value;
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Canonical JSON text of a value (sorted keys, compact).
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(inner) = map.get(k) {
                    write_canonical(inner, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The fields an entry's hash covers.
pub struct EntryFields<'a> {
    pub incident: &'a str,
    pub seq: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub before: &'a Value,
    pub after: &'a Value,
}

pub fn canonical_entry(e: &EntryFields<'_>) -> String {
    let obj = serde_json::json!({
        "v": 1,
        "incident": e.incident,
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "action": e.action,
        "before": e.before,
        "after": e.after,
    });
    canonical_json(&obj)
}

/// `SHA-256(prev_hash_bytes || canonical)` as lowercase hex. `prev_hex` that
/// is not 64 hex digits is hashed as its text bytes, so a tampered
/// prev_hash still yields a (mismatching) hash instead of an error.
pub fn chain_hash(prev_hex: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    match decode_hex32(prev_hex) {
        Some(raw) => h.update(raw),
        None => h.update(prev_hex.as_bytes()),
    }
    h.update(canonical.as_bytes());
    hex(&h.finalize())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn decode_hex32(s: &str) -> Option<[u8; 32]> {
    if !is_sha256_hex(s) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        let pair = std::str::from_utf8(chunk).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_form_sorts_nested_keys_and_has_no_whitespace() {
        let v = json!({"b": {"z": 1, "a": [true, null, "x\"y"]}, "a": 1.5});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":1.5,"b":{"a":[true,null,"x\"y"],"z":1}}"#
        );
    }

    #[test]
    fn chain_hash_depends_on_prev_and_content() {
        let before = json!(null);
        let after = json!({"status": "open"});
        let e = EntryFields {
            incident: "INC-2026-0001",
            seq: 1,
            at: "2026-01-01T00:00:00.000000Z",
            actor: "alice",
            action: "incident.open",
            before: &before,
            after: &after,
        };
        let c = canonical_entry(&e);
        let h1 = chain_hash(GENESIS, &c);
        // Known answer computed independently: SHA-256 of 32 zero bytes
        // followed by the canonical text.
        let mut manual = vec![0u8; 32];
        manual.extend_from_slice(c.as_bytes());
        assert_eq!(h1, sha256_hex(&manual));
        assert_ne!(h1, chain_hash(&h1, &c));
        let after2 = json!({"status": "closed"});
        let c2 = canonical_entry(&EntryFields {
            after: &after2,
            ..e
        });
        assert_ne!(h1, chain_hash(GENESIS, &c2));
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
