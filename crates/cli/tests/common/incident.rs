//! What the incident tests share: a store seeded through `bw-store`'s own
//! API (as scope records affected customers), incidents opened by the real
//! binary, and its JSON output read by jurisdiction.

use std::collections::BTreeMap;

use bw_store::{Affected, Evidence, IncidentId, Store, SQLITE_FILE_NAME};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Scratch;

pub const DISCOVERED: &str = "2026-05-04T09:00:00Z";
/// GDPR Art. 33 and UK GDPR: 72 hours after discovery.
pub const PLUS_72H: &str = "2026-05-07T09:00:00Z";
pub const CARD: &str = "4111 1111 1111 1111";

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test runtime")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn db_file(s: &Scratch) -> std::path::PathBuf {
    s.path("home").join(SQLITE_FILE_NAME)
}

/// `incident open` with a fixed discovery time; returns the printed id.
pub fn open(s: &Scratch, title: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "incident",
        "open",
        "--title",
        title,
        "--discovered-at",
        DISCOVERED,
    ];
    args.extend_from_slice(extra);
    let r = s.run(&args);
    assert_eq!(r.code, 0, "open failed: {}", r.stderr);
    let id = r.stdout.trim().to_string();
    assert_eq!(r.stdout, format!("{id}\n"), "stdout is the id alone");
    id
}

pub fn json(s: &Scratch, args: &[&str]) -> Value {
    let r = s.run(args);
    assert_eq!(r.code, 0, "{args:?} failed: {}", r.stderr);
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", r.stdout))
}

/// One synthetic customer of `place` ("US-CA", "DE", "" for no country).
pub fn customer(n: usize, place: &str, fields: &[&str]) -> Affected {
    let (country, region) = match place.split_once('-') {
        Some((c, r)) => (Some(c.to_string()), Some(r.to_string())),
        None if place.is_empty() => (None, None),
        None => (Some(place.to_string()), None),
    };
    Affected {
        customer_id: format!("cust-{n:05}"),
        matched_fields: fields.iter().map(|f| f.to_string()).collect(),
        confidence: 0.9,
        country,
        region,
    }
}

/// Records one evidence with the customers it matched, as scope would.
pub fn seed(s: &Scratch, id: &str, label: &str, customers: &[Affected], encrypted: bool) {
    let bytes = format!("seed evidence {label}");
    let evidence = Evidence {
        source: format!("seed/{label}.csv"),
        sha256: sha256_hex(bytes.as_bytes()),
        size_bytes: bytes.len() as u64,
        collected_at: time::OffsetDateTime::now_utc(),
        finding_counts: BTreeMap::from([("email".to_string(), customers.len() as u64)]),
        encrypted,
        version: None,
    };
    runtime().block_on(async {
        let store = Store::open_sqlite(&db_file(s))
            .await
            .expect("open test store");
        store
            .add_evidence(&IncidentId::new(id), &evidence, customers, "test-seed")
            .await
            .expect("seed affected customers");
        store.close().await;
    });
}

pub fn places(spec: &[(&str, usize)], fields: &[&str]) -> Vec<Affected> {
    let mut out = Vec::new();
    for (place, n) in spec {
        for _ in 0..*n {
            out.push(customer(out.len(), place, fields));
        }
    }
    out
}

pub fn by_code(obligations: &Value) -> BTreeMap<String, Value> {
    obligations["jurisdictions"]
        .as_array()
        .expect("jurisdictions array")
        .iter()
        .map(|j| (j["code"].as_str().unwrap_or("").to_string(), j.clone()))
        .collect()
}

/// The obligations as JSON, by jurisdiction code.
pub fn obligations(s: &Scratch, id: &str) -> BTreeMap<String, Value> {
    by_code(&json(
        s,
        &["incident", "obligations", id, "--format", "json"],
    ))
}

pub fn reasons(j: &Value) -> String {
    j["reasons"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}
