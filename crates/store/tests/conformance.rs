//! One behavioural suite, run against SQLite always and against PostgreSQL
//! when BW_TEST_POSTGRES_URL or DATABASE_URL is set (see scripts/pg.sh).

#[macro_use]
mod common;

use std::collections::BTreeMap;

use bw_store::audit::sha256_hex;
use bw_store::{
    AddEvidenceOutcome, Affected, Evidence, IncidentId, NewIncident, NewNotice, NoticeResult,
    Severity, Status, Store, StoreError,
};
use common::TestDb;
use time::macros::datetime;

fn new_incident(title: &str) -> NewIncident {
    NewIncident {
        title: title.to_string(),
        description: "customer names and emails shown on product pages".into(),
        discovered_at: datetime!(2026-03-02 14:30:15.123456789 +02:00),
        detected_by: "customer report".into(),
        severity: Severity::High,
    }
}

fn evidence(tag: &str) -> Evidence {
    let bytes = format!("synthetic evidence bytes {tag}");
    Evidence {
        source: format!("/leaks/{tag}.csv"),
        sha256: sha256_hex(bytes.as_bytes()),
        size_bytes: bytes.len() as u64,
        collected_at: datetime!(2026-03-02 15:00 UTC),
        finding_counts: BTreeMap::from([("email".to_string(), 3), ("name".to_string(), 2)]),
        encrypted: false,
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

async fn open(store: &Store, title: &str) -> IncidentId {
    store
        .open_incident(&new_incident(title), "alice")
        .await
        .expect("open incident")
}

// ---------------------------------------------------------------- checks

async fn open_show_list(db: &TestDb) {
    let s = &db.store;
    let a = open(s, "first").await;
    let b = open(s, "second").await;
    let year = time::OffsetDateTime::now_utc().year();
    assert_eq!(a.as_str(), format!("INC-{year}-0001"));
    assert_eq!(b.as_str(), format!("INC-{year}-0002"));

    let inc = s.incident(&a).await.expect("show");
    assert_eq!(inc.title, "first");
    assert_eq!(inc.status, Status::Open);
    assert_eq!(inc.severity, Severity::High);
    // Stored in UTC at microsecond precision.
    assert_eq!(inc.discovered_at, "2026-03-02T12:30:15.123456Z");
    assert_eq!(
        (inc.evidence_count, inc.affected_count, inc.audit_entries),
        (0, 0, 1)
    );

    let list = s.list_incidents().await.expect("list");
    let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);

    let log = s.audit_log(&a).await.expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "incident.open");
    assert_eq!(log[0].actor, "alice");
    assert_eq!(log[0].after["status"], "open");
    assert!(s.verify(&a).await.expect("verify").ok());

    let err = s
        .open_incident(&new_incident("  "), "alice")
        .await
        .expect_err("empty title");
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
}

async fn status_transitions(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "t").await;
    let err = s
        .set_status(&id, Status::Contained, "bob")
        .await
        .expect_err("skip a step");
    match &err {
        StoreError::IllegalTransition { from, to, .. } => {
            assert_eq!((*from, *to), (Status::Open, Status::Contained));
        }
        other => panic!("expected IllegalTransition, got {other}"),
    }
    assert!(err.to_string().contains("open -> contained"), "{err}");
    assert_eq!(
        s.audit_log(&id).await.expect("log").len(),
        1,
        "no entry for a refused change"
    );

    for st in [
        Status::Triaged,
        Status::Contained,
        Status::Notifying,
        Status::Closed,
    ] {
        s.set_status(&id, st, "bob").await.expect("legal step");
        assert_eq!(s.incident(&id).await.expect("show").status, st);
    }
    for st in Status::ALL {
        let e = s
            .set_status(&id, st, "bob")
            .await
            .expect_err("closed is final");
        assert!(
            matches!(
                e,
                StoreError::IllegalTransition {
                    from: Status::Closed,
                    ..
                }
            ),
            "{e}"
        );
    }
    let log = s.audit_log(&id).await.expect("log");
    assert_eq!(log.len(), 5);
    assert_eq!(log[1].before["status"], "open");
    assert_eq!(log[1].after["status"], "triaged");
    assert_eq!(log[4].after["status"], "closed");
    assert!(s.verify(&id).await.expect("verify").ok());
}

async fn unknown_incident(db: &TestDb) {
    let s = &db.store;
    open(s, "exists").await;
    let ghost = IncidentId::new("INC-1999-0042");
    let check = |r: Result<(), StoreError>| match r {
        Err(StoreError::NotFound(id)) => assert_eq!(id, ghost),
        Err(other) => panic!("expected NotFound, got {other}"),
        Ok(()) => panic!("expected NotFound, got Ok"),
    };
    check(s.incident(&ghost).await.map(drop));
    check(s.set_status(&ghost, Status::Triaged, "x").await);
    check(
        s.add_evidence(&ghost, &evidence("g"), &[], "x")
            .await
            .map(drop),
    );
    check(
        s.put_obligations(&ghost, &serde_json::json!({}), "v1", "x")
            .await
            .map(drop),
    );
    check(s.audit_log(&ghost).await.map(drop));
    check(s.verify(&ghost).await.map(drop));
    check(s.export(&ghost, true).await.map(drop));
    check(s.evidence(&ghost).await.map(drop));
    let msg = s.incident(&ghost).await.expect_err("missing").to_string();
    assert!(msg.contains("INC-1999-0042"), "{msg}");
    // Nothing was created by the failed writes.
    assert_eq!(s.list_incidents().await.expect("list").len(), 1);
}

async fn evidence_idempotent_and_merged(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "ev").await;
    let ev1 = evidence("one");
    let set1 = vec![
        customer(1, &["email", "name"], 0.9, Some("us")),
        customer(2, &["email"], 0.6, Some("DE")),
        customer(3, &["name"], 0.5, None),
    ];
    let out = s
        .add_evidence(&id, &ev1, &set1, "carol")
        .await
        .expect("add");
    assert_eq!(
        out,
        AddEvidenceOutcome::Added {
            evidence_seq: 1,
            new_affected: 3,
            merged_affected: 0
        }
    );

    // Same bytes again, even with the hash in upper case and other customers.
    let mut again = ev1.clone();
    again.sha256 = again.sha256.to_uppercase();
    again.source = "/elsewhere/copy.csv".into();
    let out = s
        .add_evidence(
            &id,
            &again,
            &[customer(99, &["email"], 1.0, Some("FR"))],
            "carol",
        )
        .await
        .expect("re-add");
    assert_eq!(out, AddEvidenceOutcome::AlreadyPresent { evidence_seq: 1 });
    let inc = s.incident(&id).await.expect("show");
    assert_eq!(
        (inc.evidence_count, inc.affected_count, inc.audit_entries),
        (1, 3, 2)
    );

    let ev2 = Evidence {
        source: "s3://ops:hunter2@bucket/exports/part-2.csv?versionId=7".into(),
        encrypted: true,
        version: None,
        ..evidence("two")
    };
    let set2 = vec![
        customer(2, &["phone"], 0.95, Some("DE")),
        customer(3, &["email"], 0.4, Some("GB")),
        customer(4, &["ssn", "name"], 0.99, Some("US")),
    ];
    let out = s
        .add_evidence(&id, &ev2, &set2, "carol")
        .await
        .expect("add 2");
    assert_eq!(
        out,
        AddEvidenceOutcome::Added {
            evidence_seq: 2,
            new_affected: 1,
            merged_affected: 2
        }
    );

    let affected = s.affected(&id).await.expect("affected");
    assert_eq!(affected.len(), 4);
    let c2 = &affected[1];
    assert_eq!(c2.customer_id, "C0000002");
    assert_eq!(c2.matched_fields, ["email", "phone"]);
    assert_eq!(c2.confidence, 0.95);
    assert_eq!(c2.evidence_refs, [ev1.sha256.clone(), ev2.sha256.clone()]);
    let c3 = &affected[2];
    assert_eq!(c3.confidence, 0.5, "the higher confidence is kept");
    assert_eq!(
        c3.country.as_deref(),
        Some("GB"),
        "unknown country filled in later"
    );
    assert_eq!(
        affected[0].country.as_deref(),
        Some("US"),
        "country codes upper-cased"
    );

    let inc = s.incident(&id).await.expect("show");
    assert_eq!(
        inc.affected_by_country,
        BTreeMap::from([("DE".into(), 1), ("GB".into(), 1), ("US".into(), 2)])
    );
    let evs = s.evidence(&id).await.expect("evidence");
    assert_eq!(
        evs[1].source, "s3://bucket/exports/part-2.csv",
        "credentials stripped"
    );
    assert!(evs[1].encrypted);
    assert_eq!(evs[0].finding_counts["email"], 3);

    let bad = Evidence {
        sha256: "not-a-hash".into(),
        ..evidence("bad")
    };
    assert!(matches!(
        s.add_evidence(&id, &bad, &[], "carol").await,
        Err(StoreError::Invalid(_))
    ));
    let bad_conf = [customer(5, &["email"], 1.5, None)];
    assert!(matches!(
        s.add_evidence(&id, &evidence("three"), &bad_conf, "carol")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(s.incident(&id).await.expect("show").evidence_count, 2);
    assert!(s.verify(&id).await.expect("verify").ok());
}

async fn obligations_roundtrip(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "ob").await;
    assert!(s.obligations(&id).await.expect("none yet").is_none());
    let body = serde_json::json!({"incident": id.as_str(), "jurisdictions": [
        {"code": "EU", "residents": 1, "regulator_notice": "required"}]});
    assert!(s
        .put_obligations(&id, &body, "rules-2026.1", "law")
        .await
        .expect("put"));
    assert!(!s
        .put_obligations(&id, &body, "rules-2026.1", "law")
        .await
        .expect("same again"));
    let stored = s.obligations(&id).await.expect("get").expect("some");
    assert_eq!(stored.body, body);
    assert_eq!(stored.rule_set_version, "rules-2026.1");
    let body2 = serde_json::json!({"incident": id.as_str(), "jurisdictions": []});
    assert!(s
        .put_obligations(&id, &body2, "rules-2026.2", "law")
        .await
        .expect("replace"));
    let inc = s.incident(&id).await.expect("show");
    assert_eq!(inc.obligations_version.as_deref(), Some("rules-2026.2"));
    let log = s.audit_log(&id).await.expect("log");
    assert_eq!(log.len(), 3);
    assert_eq!(log[2].before["rule_set_version"], "rules-2026.1");
    assert!(s.verify(&id).await.expect("verify").ok());
}

async fn export_bundle(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "exp").await;
    let ev = Evidence {
        source: "/home/jdoe/exports/leak.csv".into(),
        ..evidence("exp")
    };
    s.add_evidence(
        &id,
        &ev,
        &[customer(7, &["email"], 0.8, Some("CA"))],
        "dave",
    )
    .await
    .expect("add");
    let red = s.export(&id, true).await.expect("export");
    assert!(red.redacted);
    assert_eq!(red.evidence[0].source, "[redacted]/leak.csv");
    let text = serde_json::to_string(&red).expect("json");
    assert!(
        !text.contains("jdoe"),
        "redacted export leaks the path: {text}"
    );
    assert!(text.contains("C0000007"), "customer ids are kept");
    assert!(red.audit_verification.ok());
    assert_eq!(red.audit_log.len(), 2);

    let full = s.export(&id, false).await.expect("export");
    assert_eq!(full.evidence[0].source, "/home/jdoe/exports/leak.csv");
    assert_eq!(full.affected.len(), 1);
    let back: bw_store::ExportBundle =
        serde_json::from_str(&serde_json::to_string(&full).expect("ser"))
            .expect("bundle round-trips");
    assert_eq!(back.incident.id, id);
}

/// Builds an incident with 4 audit entries for the tamper tests.
async fn tamper_fixture(s: &Store) -> IncidentId {
    let id = open(s, "tamper").await;
    s.set_status(&id, Status::Triaged, "erin")
        .await
        .expect("status");
    s.add_evidence(
        &id,
        &evidence("t"),
        &[customer(1, &["email"], 0.9, Some("US"))],
        "erin",
    )
    .await
    .expect("evidence");
    s.set_status(&id, Status::Contained, "erin")
        .await
        .expect("status");
    assert!(s.verify(&id).await.expect("verify").ok());
    id
}

async fn tamper_edit_entry(db: &TestDb) {
    let s = &db.store;
    let id = tamper_fixture(s).await;
    let n = db
        .raw_exec(&format!(
            "UPDATE audit_log SET actor = 'mallory' WHERE incident_id = '{id}' AND seq = 2"
        ))
        .await;
    assert_eq!(n, 1);
    let r = s.verify(&id).await.expect("verify runs");
    assert!(!r.ok());
    let b = r.first_broken.expect("broken entry named");
    assert_eq!(b.seq, 2);
    assert!(b.problem.contains("content altered"), "{}", b.problem);
    assert_eq!(r.entries_checked, 1);
}

async fn tamper_edit_summary_json(db: &TestDb) {
    let s = &db.store;
    let id = tamper_fixture(s).await;
    db.raw_exec(&format!(
        "UPDATE audit_log SET after_state = '{{\"status\":\"open\"}}' \
         WHERE incident_id = '{id}' AND seq = 4"
    ))
    .await;
    let r = s.verify(&id).await.expect("verify runs");
    assert_eq!(r.first_broken.expect("broken").seq, 4);
}

async fn tamper_delete_entries(db: &TestDb) {
    let s = &db.store;
    let id = tamper_fixture(s).await;
    db.raw_exec(&format!(
        "DELETE FROM audit_log WHERE incident_id = '{id}' AND seq = 2"
    ))
    .await;
    let r = s.verify(&id).await.expect("verify runs");
    let b = r.first_broken.expect("broken");
    assert_eq!(b.seq, 2);
    assert!(b.problem.contains("missing"), "{}", b.problem);

    let id2 = tamper_fixture(s).await;
    db.raw_exec(&format!(
        "DELETE FROM audit_log WHERE incident_id = '{id2}' AND seq = 4"
    ))
    .await;
    let r = s.verify(&id2).await.expect("verify runs");
    let b = r.first_broken.expect("truncation detected");
    assert_eq!(b.seq, 4);
    assert!(b.problem.contains("removed from the end"), "{}", b.problem);
}

async fn tamper_state_rows(db: &TestDb) {
    let s = &db.store;
    let id = tamper_fixture(s).await;
    db.raw_exec(&format!(
        "UPDATE incidents SET status = 'closed' WHERE id = '{id}'"
    ))
    .await;
    db.raw_exec(&format!("DELETE FROM affected WHERE incident_id = '{id}'"))
        .await;
    let r = s.verify(&id).await.expect("verify runs");
    assert!(r.first_broken.is_none(), "the chain itself is intact");
    assert!(!r.ok());
    let all = r.state_mismatches.join("\n");
    assert!(all.contains("incidents.status is \"closed\""), "{all}");
    assert!(all.contains("0 affected customers"), "{all}");
}

/// 8 writers, each with its own Store (own pool, own connections), 50
/// writes each: evidence adds plus racing status changes.
async fn concurrent_writers(db: &TestDb) {
    let id = open(&db.store, "busy").await;
    let mut tasks = Vec::new();
    for w in 0..8u32 {
        let store = db.reopen().await;
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut moved = 0u32;
            for i in 0..50u32 {
                if i % 10 == 9 {
                    // Every writer tries the same next step; exactly one wins.
                    let cur = store.incident(&id).await?.status;
                    if let Some(next) = cur.next() {
                        match store.set_status(&id, next, &format!("w{w}")).await {
                            Ok(()) => moved += 1,
                            Err(StoreError::IllegalTransition { .. }) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    continue;
                }
                let ev = evidence(&format!("w{w}-{i}"));
                // Customer 0 is shared by every evidence: heavy merging.
                let set = [
                    customer(0, &["email"], 0.5, Some("US")),
                    customer(1000 + w * 100 + i, &["name"], 0.7, Some("GB")),
                ];
                store.add_evidence(&id, &ev, &set, &format!("w{w}")).await?;
            }
            store.close().await;
            Ok::<u32, StoreError>(moved)
        }));
    }
    let mut moved = 0;
    for t in tasks {
        match t.await.expect("task panicked") {
            Ok(m) => moved += m,
            Err(e) => panic!("a writer failed ({}): {e}", db.backend),
        }
    }
    let s = &db.store;
    let inc = s.incident(&id).await.expect("show");
    assert_eq!(inc.evidence_count, 8 * 45, "no lost evidence");
    assert_eq!(inc.affected_count, 1 + 8 * 45, "no lost customers");
    assert_eq!(moved, 4, "open→…→closed: four moves in all, no double move");
    assert_eq!(inc.status, Status::Closed);
    assert_eq!(inc.audit_entries, 1 + 8 * 45 + 4);
    let shared = s.affected(&id).await.expect("affected");
    assert_eq!(shared[0].evidence_refs.len(), 8 * 45, "every merge kept");
    let r = s.verify(&id).await.expect("verify");
    assert!(r.ok(), "{r:?}");
}

async fn bad_urls(_db: &TestDb) {
    let e = Store::connect("mysql://root:secret@localhost/x")
        .await
        .expect_err("unsupported");
    assert!(matches!(e, StoreError::UnsupportedUrl(_)), "{e}");
    assert!(!e.to_string().contains("secret"), "{e}");
    let e = Store::connect("postgres://bw:secret@127.0.0.1:1/nowhere")
        .await
        .expect_err("nothing listens on port 1");
    let msg = e.to_string();
    assert!(
        msg.contains("connecting to PostgreSQL at postgres://127.0.0.1:1/nowhere"),
        "{msg}"
    );
    assert!(!msg.contains("secret"), "{msg}");
}

fn notice(n: u32, jurisdiction: &str) -> NewNotice {
    NewNotice {
        customer_id: format!("C{n:07}"),
        channel: "email".into(),
        jurisdictions: vec![jurisdiction.to_string()],
        language: "en".into(),
        fields: vec!["email".into(), "person_name".into()],
        required: jurisdiction == "EU",
        deadline: (jurisdiction == "EU").then(|| "2026-05-07T09:00:00Z".to_string()),
        message_id: format!("<m{n}@shop.example>"),
    }
}

async fn outbox_lifecycle(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "outbox").await;
    let first: Vec<NewNotice> = (0..250)
        .map(|n| notice(n, if n % 2 == 0 { "EU" } else { "US-CA" }))
        .collect();
    let out = s.plan_notices(&id, &first, "alice").await.expect("plan");
    assert_eq!((out.added, out.existing), (250, 0));
    // Re-planning with more customers adds only the new ones.
    let more: Vec<NewNotice> = (200..300).map(|n| notice(n, "EU")).collect();
    let out = s.plan_notices(&id, &more, "alice").await.expect("re-plan");
    assert_eq!((out.added, out.existing), (50, 50));
    let pending = s
        .pending_notices(&id, "email", "", 1000)
        .await
        .expect("pending");
    assert_eq!(pending.len(), 300);
    let page = s
        .pending_notices(&id, "email", &pending[99], 1000)
        .await
        .expect("page");
    assert_eq!(page.len(), 200, "paging is exclusive of `after`");

    let ids: Vec<String> = pending[..3].to_vec();
    let claimed = s.claim_notices(&id, "email", &ids).await.expect("claim");
    assert_eq!(claimed.len(), 3);
    assert!(claimed
        .iter()
        .all(|c| c.attempts == 1 && c.fields.len() == 2));
    let results = vec![
        NoticeResult::Sent {
            customer_id: ids[0].clone(),
            reply: "250 2.0.0 Ok".into(),
            template: "default@abc".into(),
            content_sha256: "cd".repeat(32),
        },
        NoticeResult::Retry {
            customer_id: ids[1].clone(),
            reason: "451 greylisted".into(),
            next_attempt_at: Some("2026-05-04T09:05:00Z".into()),
        },
        NoticeResult::Failed {
            customer_id: ids[2].clone(),
            reason: "550 unknown".into(),
        },
    ];
    assert_eq!(
        s.record_notice_results(&id, "email", &results)
            .await
            .expect("record"),
        3
    );
    // A late result for a finished notice changes nothing.
    assert_eq!(
        s.record_notice_results(&id, "email", &results[..1])
            .await
            .expect("again"),
        0
    );
    // Sent and failed notices cannot be claimed again; the retried one can.
    let again = s
        .claim_notices(&id, "email", &ids)
        .await
        .expect("claim again");
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].customer_id.as_str(), again[0].attempts),
        (ids[1].as_str(), 2)
    );

    let sent = &s.notices_of(&id, &ids[0]).await.expect("proof")[0];
    assert_eq!(sent.status, "sent");
    assert_eq!(sent.smtp_reply.as_deref(), Some("250 2.0.0 Ok"));
    assert!(sent.sent_at.is_some());
    let counts = s.notice_counts(&id).await.expect("counts");
    let total: u64 = counts.iter().map(|c| c.count).sum();
    assert_eq!(total, 300);
    let eu_deadline = counts
        .iter()
        .find(|c| c.jurisdiction == "EU" && c.required)
        .and_then(|c| c.earliest_deadline.clone());
    assert_eq!(eu_deadline.as_deref(), Some("2026-05-07T09:00:00Z"));
    assert_eq!(
        s.requeue_failed_notices(&id, "alice")
            .await
            .expect("requeue"),
        1
    );
    // Plans and requeues are in the audit chain, which still verifies.
    let actions: Vec<String> = s
        .audit_log(&id)
        .await
        .expect("log")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "notify.plan").count(), 2);
    assert!(actions.contains(&"notify.requeue_failed".to_string()));
    assert!(s.verify(&id).await.expect("verify").ok());
}

on_both_backends!(
    open_show_list,
    status_transitions,
    unknown_incident,
    evidence_idempotent_and_merged,
    obligations_roundtrip,
    export_bundle,
    tamper_edit_entry,
    tamper_edit_summary_json,
    tamper_delete_entries,
    tamper_state_rows,
    concurrent_writers,
    bad_urls,
    outbox_lifecycle,
);
