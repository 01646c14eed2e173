//! PostgreSQL going away mid-transaction: the caller gets a clear error and
//! nothing half-written remains. Runs when a PostgreSQL URL is configured.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bw_store::audit::sha256_hex;
use bw_store::{Affected, Evidence, NewIncident, Severity, Store, StoreError};
use common::TestDb;
use sqlx::{Connection, Row};
use time::macros::datetime;

fn evidence(tag: &str) -> Evidence {
    Evidence {
        source: format!("/leaks/{tag}.jsonl"),
        sha256: sha256_hex(tag.as_bytes()),
        size_bytes: 4096,
        collected_at: datetime!(2026-04-01 08:00 UTC),
        finding_counts: BTreeMap::from([("email".to_string(), 1)]),
        encrypted: false,
        version: None,
    }
}

fn customers(from: u32, n: u32) -> Vec<Affected> {
    (from..from + n)
        .map(|i| Affected {
            customer_id: format!("C{i:07}"),
            matched_fields: vec!["email".into()],
            confidence: 0.9,
            country: Some("US".into()),
            region: Some("CA".into()),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_killed_mid_transaction_leaves_nothing_half_written() {
    let app = format!("bw-victim-{}", std::process::id());
    let Some(db) = TestDb::postgres_with(Some(&format!("application_name={app}"))).await else {
        eprintln!("skipped: set DATABASE_URL (bash scripts/pg.sh) to run on PostgreSQL");
        return;
    };
    let s = db.store.clone();
    let id = s
        .open_incident(
            &NewIncident {
                title: "kill test".into(),
                description: String::new(),
                discovered_at: datetime!(2026-04-01 07:00 UTC),
                detected_by: "drill".into(),
                severity: Severity::Medium,
            },
            "ops",
        )
        .await
        .expect("open");
    s.add_evidence(&id, &evidence("first"), &customers(0, 1), "ops")
        .await
        .expect("first evidence");

    // The second evidence merges into a non-empty affected set, one
    // customer at a time: a transaction long enough to be killed inside.
    let writer = {
        let s = s.clone();
        let id = id.clone();
        tokio::spawn(async move {
            s.add_evidence(&id, &evidence("second"), &customers(1, 20_000), "ops")
                .await
        })
    };

    let admin = common::postgres_url().expect("url");
    let mut killer = sqlx::postgres::PgConnection::connect(&admin)
        .await
        .expect("admin");
    let deadline = Instant::now() + Duration::from_secs(30);
    let killed = loop {
        assert!(
            Instant::now() < deadline,
            "never saw the writer inside a transaction"
        );
        // Inside the transaction and past the evidence insert: the audit
        // row, not yet written, would make the incident consistent.
        let row = sqlx::query(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 \
             AND xact_start IS NOT NULL AND now() - xact_start > interval '150 milliseconds'",
        )
        .bind(&app)
        .fetch_optional(&mut killer)
        .await
        .expect("poll");
        if let Some(row) = row {
            let pid: i32 = row.get("pid");
            let ok: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
                .bind(pid)
                .fetch_one(&mut killer)
                .await
                .expect("terminate");
            break ok;
        }
        if writer.is_finished() {
            panic!("the writer finished before it could be killed");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(killed);

    let err = writer
        .await
        .expect("join")
        .expect_err("the killed transaction must fail");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Backend { .. }), "{msg}");
    assert!(
        msg.contains(&format!("adding evidence {}", evidence("second").sha256)),
        "{msg}"
    );
    eprintln!("error as the user sees it: {msg}");

    // A fresh connection sees the incident exactly as before the attempt.
    let fresh = db.reopen().await;
    let inc = fresh.incident(&id).await.expect("show");
    assert_eq!(
        (inc.evidence_count, inc.affected_count, inc.audit_entries),
        (1, 1, 2)
    );
    assert!(fresh.verify(&id).await.expect("verify").ok());
    fresh.close().await;

    // The old handle recovers too: the pool replaces the dead connection.
    let out = s
        .add_evidence(&id, &evidence("second"), &customers(1, 50), "ops")
        .await
        .expect("retry after reconnect");
    assert!(matches!(
        out,
        bw_store::AddEvidenceOutcome::Added {
            new_affected: 50,
            ..
        }
    ));
    assert!(s.verify(&id).await.expect("verify").ok());
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_unreachable_is_a_clear_error() {
    // A store whose server disappears: point at a closed port.
    let e = Store::connect("postgres://bw:bw@127.0.0.1:9/bw")
        .await
        .expect_err("no server");
    let msg = e.to_string();
    assert!(
        msg.starts_with("connecting to PostgreSQL at postgres://127.0.0.1:9/bw"),
        "{msg}"
    );
}
