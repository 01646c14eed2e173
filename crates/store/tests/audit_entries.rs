//! Pins the audit entries a fixed sequence of writes produces — actor,
//! action and the exact canonical before/after summaries — and that each
//! hash chains from the previous one. Audit hashes are evidence: any
//! change to what a write records breaks comparability with logs already
//! handed to regulators, so it must be deliberate, not a side effect of a
//! refactor. Timestamps differ per run, so hashes are recomputed rather
//! than pinned.

#[macro_use]
mod common;

use std::collections::BTreeMap;

use bw_store::audit::{
    canonical_entry, canonical_json, chain_hash, sha256_hex, EntryFields, GENESIS,
};
use bw_store::{
    AddEvidenceOutcome, Affected, Evidence, IncidentId, NewIncident, NewNotice, NoticeResult,
    Severity, Status, Store, StoreError,
};
use common::TestDb;
use serde_json::json;
use time::macros::datetime;

fn evidence(tag: &str) -> Evidence {
    let bytes = format!("synthetic evidence bytes {tag}");
    Evidence {
        source: format!("https://user:secret@files.example/leaks/{tag}.csv?token=abc"),
        sha256: sha256_hex(bytes.as_bytes()),
        size_bytes: bytes.len() as u64,
        collected_at: datetime!(2026-03-02 15:00 UTC),
        finding_counts: BTreeMap::from([("email".to_string(), 3), ("name".to_string(), 2)]),
        encrypted: tag == "b",
        version: None,
    }
}

fn customer(n: u32, fields: &[&str], confidence: f64, country: Option<&str>) -> Affected {
    Affected {
        customer_id: format!("C{n:07}"),
        matched_fields: fields.iter().map(|s| s.to_string()).collect(),
        confidence,
        country: country.map(str::to_string),
        region: None,
    }
}

fn notice(n: u32) -> NewNotice {
    NewNotice {
        customer_id: format!("C{n:07}"),
        channel: "email".into(),
        jurisdictions: vec!["EU".into(), "EU-DE".into()],
        language: "de".into(),
        fields: vec!["email".into()],
        required: true,
        deadline: Some("2026-05-07T09:00:00Z".into()),
        message_id: format!("<m{n}@shop.example>"),
    }
}

/// Every write method once, plus the no-op and failing variants that must
/// leave the log alone.
async fn scenario(s: &Store) -> IncidentId {
    let new = NewIncident {
        title: "pinned".into(),
        description: "customer emails on a public share".into(),
        discovered_at: datetime!(2026-03-02 14:30:15.123456789 +02:00),
        detected_by: "customer report".into(),
        severity: Severity::High,
    };
    let id = s.open_incident(&new, "alice").await.expect("open");
    s.set_status(&id, Status::Triaged, "bob")
        .await
        .expect("triage");
    let illegal = s.set_status(&id, Status::Closed, "bob").await;
    assert!(matches!(illegal, Err(StoreError::IllegalTransition { .. })));

    let first = [
        customer(1, &["email"], 0.9, Some("de")),
        customer(2, &["name"], 0.5, None),
        customer(2, &["email"], 0.7, Some(" fr ")),
    ];
    let out = s
        .add_evidence(&id, &evidence("a"), &first, "carol")
        .await
        .expect("evidence a");
    assert_eq!(
        out,
        AddEvidenceOutcome::Added {
            evidence_seq: 1,
            new_affected: 2,
            merged_affected: 0
        }
    );
    let again = s
        .add_evidence(&id, &evidence("a"), &first, "carol")
        .await
        .expect("evidence a again");
    assert_eq!(
        again,
        AddEvidenceOutcome::AlreadyPresent { evidence_seq: 1 }
    );
    let second = [
        customer(2, &["phone"], 0.95, None),
        customer(3, &["email"], 0.4, Some("us")),
    ];
    let out = s
        .add_evidence(&id, &evidence("b"), &second, "carol")
        .await
        .expect("evidence b");
    assert_eq!(
        out,
        AddEvidenceOutcome::Added {
            evidence_seq: 2,
            new_affected: 1,
            merged_affected: 1
        }
    );

    let body = json!({ "EU": { "deadline_hours": 72, "notify": ["authority", "subjects"] } });
    assert!(s
        .put_obligations(&id, &body, "rules-1", "dave")
        .await
        .expect("put"));
    assert!(!s
        .put_obligations(&id, &body, "rules-1", "dave")
        .await
        .expect("same"));
    assert!(s
        .put_obligations(&id, &body, "rules-2", "dave")
        .await
        .expect("new version"));

    let notices = [notice(1), notice(2)];
    let planned = s.plan_notices(&id, &notices, "erin").await.expect("plan");
    assert_eq!((planned.added, planned.existing), (2, 0));
    let replanned = s
        .plan_notices(&id, &notices, "erin")
        .await
        .expect("re-plan");
    assert_eq!((replanned.added, replanned.existing), (0, 2));
    let ids = vec!["C0000001".to_string(), "C0000002".to_string()];
    assert_eq!(
        s.claim_notices(&id, "email", &ids)
            .await
            .expect("claim")
            .len(),
        2
    );
    let results = [
        NoticeResult::Failed {
            customer_id: ids[0].clone(),
            reason: "550 unknown".into(),
        },
        NoticeResult::Sent {
            customer_id: ids[1].clone(),
            reply: "250 ok".into(),
            template: "default@1".into(),
            content_sha256: "ab".repeat(32),
        },
    ];
    assert_eq!(
        s.record_notice_results(&id, "email", &results)
            .await
            .expect("record"),
        2
    );
    assert_eq!(
        s.requeue_failed_notices(&id, "erin")
            .await
            .expect("requeue"),
        1
    );
    assert_eq!(
        s.requeue_failed_notices(&id, "erin")
            .await
            .expect("none left"),
        0
    );
    let summary = json!({ "sent": 1, "failed": 1, "stopped": null });
    s.record_send_run(&id, &summary, "erin")
        .await
        .expect("send run");
    s.set_status(&id, Status::Contained, "bob")
        .await
        .expect("contain");
    id
}

fn expected() -> Vec<(&'static str, &'static str, String, String)> {
    let a = sha256_hex(b"synthetic evidence bytes a");
    let b = sha256_hex(b"synthetic evidence bytes b");
    let body = canonical_json(
        &json!({ "EU": { "deadline_hours": 72, "notify": ["authority", "subjects"] } }),
    );
    let body = sha256_hex(body.as_bytes());
    vec![
        (
            "alice",
            "incident.open",
            "null".into(),
            r#"{"description":"customer emails on a public share","detected_by":"customer report","discovered_at":"2026-03-02T12:30:15.123456Z","severity":"high","status":"open","title":"pinned"}"#.into(),
        ),
        ("bob", "incident.status", r#"{"status":"open"}"#.into(), r#"{"status":"triaged"}"#.into()),
        (
            "carol",
            "evidence.add",
            r#"{"affected_count":0,"evidence_count":0}"#.into(),
            format!(
                r#"{{"affected_count":2,"encrypted":false,"evidence_count":1,"evidence_seq":1,"finding_counts":{{"email":3,"name":2}},"merged_affected":0,"new_affected":2,"sha256":"{a}","size_bytes":26,"source":"https://files.example/leaks/a.csv"}}"#
            ),
        ),
        (
            "carol",
            "evidence.add",
            r#"{"affected_count":2,"evidence_count":1}"#.into(),
            format!(
                r#"{{"affected_count":3,"encrypted":true,"evidence_count":2,"evidence_seq":2,"finding_counts":{{"email":3,"name":2}},"merged_affected":1,"new_affected":1,"sha256":"{b}","size_bytes":26,"source":"https://files.example/leaks/b.csv"}}"#
            ),
        ),
        (
            "dave",
            "obligations.put",
            "null".into(),
            format!(r#"{{"body_sha256":"{body}","rule_set_version":"rules-1"}}"#),
        ),
        (
            "dave",
            "obligations.put",
            format!(r#"{{"body_sha256":"{body}","rule_set_version":"rules-1"}}"#),
            format!(r#"{{"body_sha256":"{body}","rule_set_version":"rules-2"}}"#),
        ),
        ("erin", "notify.plan", r#"{"notices":0}"#.into(), r#"{"added":2,"notices":2}"#.into()),
        ("erin", "notify.requeue_failed", r#"{"failed":1}"#.into(), r#"{"planned":1}"#.into()),
        ("erin", "notify.send", "null".into(), r#"{"failed":1,"sent":1,"stopped":null}"#.into()),
        ("bob", "incident.status", r#"{"status":"triaged"}"#.into(), r#"{"status":"contained"}"#.into()),
    ]
}

async fn entries_are_pinned(db: &TestDb) {
    let s = &db.store;
    let id = scenario(s).await;
    let log = s.audit_log(&id).await.expect("log");
    let got: Vec<(&str, &str, String, String)> = log
        .iter()
        .map(|e| {
            (
                e.actor.as_str(),
                e.action.as_str(),
                canonical_json(&e.before),
                canonical_json(&e.after),
            )
        })
        .collect();
    assert_eq!(got, expected());

    let mut prev = GENESIS.to_string();
    for (i, e) in log.iter().enumerate() {
        assert_eq!(e.seq, i as i64 + 1);
        assert_eq!(
            e.prev_hash, prev,
            "entry {} links to its predecessor",
            e.seq
        );
        let canonical = canonical_entry(&EntryFields {
            incident: id.as_str(),
            seq: e.seq,
            at: &e.at,
            actor: &e.actor,
            action: &e.action,
            before: &e.before,
            after: &e.after,
        });
        assert_eq!(e.hash, chain_hash(&prev, &canonical), "entry {}", e.seq);
        prev = e.hash.clone();
    }
    let report = s.verify(&id).await.expect("verify");
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.head_hash.as_deref(), Some(prev.as_str()));
}

/// Writes on an unknown incident fail the same way and write nothing.
async fn writes_on_unknown_incident(db: &TestDb) {
    let s = &db.store;
    let id = IncidentId::new("INC-1999-0001");
    let not_found = |r: Result<(), StoreError>| match r {
        Err(StoreError::NotFound(got)) => assert_eq!(got, id),
        other => panic!("expected NotFound, got {other:?}"),
    };
    not_found(s.set_status(&id, Status::Triaged, "a").await);
    not_found(
        s.add_evidence(&id, &evidence("a"), &[], "a")
            .await
            .map(drop),
    );
    not_found(s.put_obligations(&id, &json!({}), "r", "a").await.map(drop));
    not_found(s.plan_notices(&id, &[notice(1)], "a").await.map(drop));
    not_found(s.requeue_failed_notices(&id, "a").await.map(drop));
    not_found(s.record_send_run(&id, &json!({}), "a").await);
    assert!(s.list_incidents().await.expect("list").is_empty());
}

/// Callers spawn store calls on tokio tasks, so every public future must
/// stay `Send`.
#[allow(dead_code)]
fn futures_are_send(s: &Store, id: &IncidentId) {
    fn send<T: Send>(_: T) {}
    let v = json!({});
    send(Store::connect(""));
    send(Store::open_sqlite(std::path::Path::new("")));
    send(s.close());
    send(s.open_incident(unreachable_new(), ""));
    send(s.set_status(id, Status::Open, ""));
    send(s.add_evidence(id, unreachable_evidence(), &[], ""));
    send(s.put_obligations(id, &v, "", ""));
    send(s.obligations(id));
    send(s.list_incidents());
    send(s.incident(id));
    send(s.evidence(id));
    send(s.affected(id));
    send(s.audit_log(id));
    send(s.verify(id));
    send(s.export(id, true));
    send(s.plan_notices(id, &[], ""));
    send(s.pending_notices(id, "", "", 1));
    send(s.claim_notices(id, "", &[]));
    send(s.record_notice_results(id, "", &[]));
    send(s.requeue_failed_notices(id, ""));
    send(s.record_send_run(id, &v, ""));
    send(s.notice_counts(id));
    send(s.notices_of(id, ""));
    send(s.notices(id, 0, 1));
}

fn unreachable_new() -> &'static NewIncident {
    unimplemented!("only type-checked")
}

fn unreachable_evidence() -> &'static Evidence {
    unimplemented!("only type-checked")
}

on_both_backends!(entries_are_pinned, writes_on_unknown_incident);
