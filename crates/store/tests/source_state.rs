//! What incremental scans of object stores keep (the scan state per source
//! and object) and the version of evidence read from a store, on SQLite
//! always and PostgreSQL when DATABASE_URL is set.

#[macro_use]
mod common;

use std::collections::BTreeMap;

use bw_store::audit::sha256_hex;
use bw_store::{Evidence, NewIncident, Severity, SourceObject};
use common::TestDb;
use time::macros::datetime;

fn object(url: &str, etag: &str, emails: u64) -> SourceObject {
    SourceObject {
        object: url.to_string(),
        etag: Some(etag.to_string()),
        size_bytes: 1234,
        last_modified: "2026-03-01T10:00:00+00:00".into(),
        findings: BTreeMap::from([("email".to_string(), emails)]),
    }
}

async fn state_is_per_source_and_settings_and_replaced_per_object(db: &TestDb) {
    let s = &db.store;
    let source = "s3://leaks/exports at http://127.0.0.1:9000";
    let first: Vec<_> = (0..450)
        .map(|i| object(&format!("s3://leaks/exports/{i:04}.csv"), "\"e1\"", i))
        .collect();
    s.record_source_objects(source, "kinds=all min=0.5", &first)
        .await
        .expect("record");
    assert_eq!(
        s.source_objects(source, "kinds=all min=0.5")
            .await
            .expect("read"),
        first
    );
    // Scanned with other settings, or another source: nothing known.
    assert!(s
        .source_objects(source, "kinds=email min=0.5")
        .await
        .expect("read")
        .is_empty());
    assert!(s
        .source_objects("s3://leaks/exports", "kinds=all min=0.5")
        .await
        .expect("read")
        .is_empty());

    // A rescan of one object replaces its row, settings included.
    let changed = object("s3://leaks/exports/0007.csv", "\"e2\"", 99);
    s.record_source_objects(
        source,
        "kinds=email min=0.5",
        std::slice::from_ref(&changed),
    )
    .await
    .expect("record");
    let all = s
        .source_objects(source, "kinds=all min=0.5")
        .await
        .expect("read");
    assert_eq!(all.len(), 449);
    assert_eq!(
        s.source_objects(source, "kinds=email min=0.5")
            .await
            .expect("read"),
        [changed]
    );
}

async fn evidence_from_a_store_keeps_its_version_in_the_record_and_the_log(db: &TestDb) {
    let s = &db.store;
    let id = s
        .open_incident(
            &NewIncident {
                title: "bucket left public".into(),
                description: "exports readable by anyone".into(),
                discovered_at: datetime!(2026-05-04 09:00 UTC),
                detected_by: "scan".into(),
                severity: Severity::High,
            },
            "alice",
        )
        .await
        .expect("open");
    let ev = |source: &str, version: Option<&str>| Evidence {
        source: source.into(),
        sha256: sha256_hex(source.as_bytes()),
        size_bytes: 10,
        collected_at: datetime!(2026-05-04 10:00 UTC),
        finding_counts: BTreeMap::from([("email".into(), 3)]),
        encrypted: false,
        version: version.map(str::to_string),
    };
    let object = ev(
        "s3://leaks/exports/a.csv",
        Some("\"9b2cf535f27731c974343645a3985328\""),
    );
    let file = ev("/srv/exports/b.csv", None);
    s.add_evidence(&id, &object, &[], "alice")
        .await
        .expect("add");
    s.add_evidence(&id, &file, &[], "alice").await.expect("add");
    let stored = s.evidence(&id).await.expect("evidence");
    assert_eq!(stored[0].version, object.version);
    assert_eq!(stored[1].version, None);
    let log = s.audit_log(&id).await.expect("log");
    let added: Vec<_> = log.iter().filter(|e| e.action == "evidence.add").collect();
    assert_eq!(
        added[0].after["version"],
        "\"9b2cf535f27731c974343645a3985328\""
    );
    assert!(
        added[1].after.get("version").is_none(),
        "a file's entry as before"
    );
    assert!(s.verify(&id).await.expect("verify").ok());
}

on_both_backends!(
    state_is_per_source_and_settings_and_replaced_per_object,
    evidence_from_a_store_keeps_its_version_in_the_record_and_the_log,
);
