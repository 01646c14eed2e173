//! Unattributed findings (credential and identity-number kinds no customer
//! could be tied to) and the source of the breach, run against SQLite
//! always and PostgreSQL when DATABASE_URL is set: stored with the
//! evidence in its audit entry, read back with the declarations, replayed
//! by `verify`, and caught when changed behind the log's back.

#[macro_use]
mod common;

use std::collections::BTreeMap;

use bw_store::{
    Cause, Evidence, IncidentId, NewIncident, Severity, SourceOfBreach, Store, UnattributedElement,
};
use common::TestDb;
use time::macros::datetime;

fn new_incident(title: &str) -> NewIncident {
    NewIncident {
        title: title.to_string(),
        description: "a dump of the users table".into(),
        discovered_at: datetime!(2026-05-04 09:00 UTC),
        detected_by: "soc".into(),
        severity: Severity::High,
    }
}

fn evidence(tag: &str) -> Evidence {
    Evidence {
        source: format!("/cases/{tag}/dump.sql"),
        sha256: bw_store::audit::sha256_hex(tag.as_bytes()),
        size_bytes: 4096,
        collected_at: datetime!(2026-05-04 10:00 UTC),
        finding_counts: BTreeMap::from([("password".to_string(), 1200)]),
        encrypted: false,
        version: None,
    }
}

fn element(kind: &str, hashing: Option<&str>, count: u64) -> UnattributedElement {
    UnattributedElement {
        kind: kind.into(),
        hashing: hashing.map(str::to_string),
        count,
    }
}

async fn open(store: &Store, title: &str) -> IncidentId {
    store
        .open_incident(&new_incident(title), "alice")
        .await
        .expect("open incident")
}

// ---------------------------------------------------------------- checks

async fn unattributed_are_stored_with_their_evidence(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "credential dump").await;
    let found = [
        element("password", Some("bcrypt"), 1000),
        element("password", Some("bcrypt"), 200),
        element("card_security_code", None, 7),
        element("government_id", None, 0),
    ];
    s.add_evidence_with(&id, &evidence("a"), &[], &found, "bob")
        .await
        .expect("add");
    let d = s.declarations(&id).await.expect("read");
    let got: Vec<(&str, Option<&str>, u64, &str)> = d
        .unattributed
        .iter()
        .map(|u| {
            (
                u.element.kind.as_str(),
                u.element.hashing.as_deref(),
                u.element.count,
                u.evidence_source.as_str(),
            )
        })
        .collect();
    // Merged by kind and hashing, zero counts dropped, the source named.
    assert_eq!(
        got,
        vec![
            ("card_security_code", None, 7, "/cases/a/dump.sql"),
            ("password", Some("bcrypt"), 1200, "/cases/a/dump.sql"),
        ]
    );
    let log = s.audit_log(&id).await.expect("log");
    let entry = &log[1].after;
    assert_eq!(entry["unattributed"][1]["count"], 1200, "{entry}");
    assert!(s.verify(&id).await.expect("verify").ok());

    // Evidence without any leaves its entry as before.
    s.add_evidence(&id, &evidence("b"), &[], "bob")
        .await
        .expect("add");
    let log = s.audit_log(&id).await.expect("log");
    assert!(
        log[2].after.get("unattributed").is_none(),
        "{}",
        log[2].after
    );
    assert!(s.verify(&id).await.expect("verify").ok());

    // A value pasted where a name belongs is refused.
    let err = s
        .add_evidence_with(
            &id,
            &evidence("c"),
            &[],
            &[element("hunter2 pass", None, 1)],
            "bob",
        )
        .await
        .expect_err("not a name");
    assert!(err.to_string().contains("not a name"), "{err}");
}

async fn unattributed_changed_behind_the_log_is_caught(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "tamper unattributed").await;
    s.add_evidence_with(
        &id,
        &evidence("t"),
        &[],
        &[element("password", None, 50)],
        "bob",
    )
    .await
    .expect("add");
    db.raw_exec(&format!(
        "UPDATE unattributed_elements SET findings = 3 WHERE incident_id = '{id}'"
    ))
    .await;
    let report = s.verify(&id).await.expect("verify");
    assert!(!report.ok());
    assert!(
        report
            .state_mismatches
            .iter()
            .any(|m| m.contains("unattributed findings")),
        "{:?}",
        report.state_mismatches
    );
}

async fn source_of_breach_is_recorded_and_audited(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "no source yet").await;
    assert_eq!(
        s.declarations(&id).await.expect("read").source_of_breach,
        SourceOfBreach::Unknown
    );
    let log = s.audit_log(&id).await.expect("log");
    assert!(log[0].after.get("source_of_breach").is_none());
    assert!(s
        .set_source_of_breach(
            &id,
            SourceOfBreach::Vendor,
            "the payroll vendor's bucket",
            "bob"
        )
        .await
        .expect("set"));
    assert!(!s
        .set_source_of_breach(&id, SourceOfBreach::Vendor, "", "bob")
        .await
        .expect("same again"));
    let log = s.audit_log(&id).await.expect("log");
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].action, "incident.source_of_breach");
    assert_eq!(log[1].before["source_of_breach"], "unknown");
    assert_eq!(log[1].after["reason"], "the payroll vendor's bucket");
    assert!(s.verify(&id).await.expect("verify").ok());

    // Known at opening: part of entry 1.
    let id2 = s
        .open_incident_with(
            &new_incident("ours"),
            Cause::Attack,
            SourceOfBreach::Us,
            "alice",
        )
        .await
        .expect("open");
    let d = s.declarations(&id2).await.expect("read");
    assert_eq!(d.source_of_breach, SourceOfBreach::Us);
    let log = s.audit_log(&id2).await.expect("log");
    assert_eq!(log[0].after["source_of_breach"], "us");
    assert!(s.verify(&id2).await.expect("verify").ok());

    // Changed behind the log's back: verify says so.
    db.raw_exec(&format!(
        "UPDATE incidents SET source_of_breach = 'vendor' WHERE id = '{id2}'"
    ))
    .await;
    let report = s.verify(&id2).await.expect("verify");
    assert!(
        report
            .state_mismatches
            .iter()
            .any(|m| m.contains("source_of_breach")),
        "{:?}",
        report.state_mismatches
    );
}

on_both_backends!(
    unattributed_are_stored_with_their_evidence,
    unattributed_changed_behind_the_log_is_caught,
    source_of_breach_is_recorded_and_audited,
);
