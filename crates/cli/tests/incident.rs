//! `breachwatch incident` and `breachwatch audit` end to end: the real
//! binary against a SQLite store in a scratch `$BREACHWATCH_HOME` (and, when
//! `DATABASE_URL` names a PostgreSQL server, once against that).
//!
//! Affected customers are seeded through `bw-store`'s own API, the way the
//! scope step records them, because `incident add-evidence` does not match
//! customers yet. Tampering goes behind the tool's back with raw SQL.
//! What the law makes of an incident (cause, declarations, hashing,
//! harm determinations, obligations by place) is in `incident_law.rs`.

mod common;

use common::incident::*;
use common::Scratch;
use serde_json::Value;
use sqlx::{Connection, Executor};

#[test]
fn open_prints_the_id_and_list_and_show_report_it() {
    let s = Scratch::new();
    let a = open(
        &s,
        "Orders export on a public bucket",
        &["--severity", "high"],
    );
    let b = open(&s, "Second", &["--detected-by", "customer report"]);
    assert_ne!(a, b);
    assert!(
        a.starts_with("INC-") && a.len() == "INC-2026-0001".len(),
        "{a}"
    );

    let list = json(&s, &["incident", "list", "--format", "json"]);
    let ids: Vec<&str> = list
        .as_array()
        .expect("list is an array")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);

    let human = s.run(&["incident", "list"]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains(&a) && human.stdout.contains("Orders export"));

    let shown = json(&s, &["incident", "show", &a, "--format", "json"]);
    assert_eq!(shown["id"], a.as_str());
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["severity"], "high");
    assert_eq!(shown["title"], "Orders export on a public bucket");
    assert!(shown["discovered_at"]
        .as_str()
        .is_some_and(|t| t.starts_with("2026-05-04T09:00:00")));
    assert_eq!(shown["evidence"], Value::Array(vec![]));
    assert_eq!(shown["audit_entries"], 1);
    let b_shown = json(&s, &["incident", "show", &b, "--format", "json"]);
    assert_eq!(b_shown["detected_by"], "customer report");
    assert_eq!(b_shown["severity"], "medium");

    let bad = s.run(&[
        "incident",
        "open",
        "--title",
        "x",
        "--discovered-at",
        "yesterday",
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("RFC 3339"), "{}", bad.stderr);
}

#[test]
fn status_moves_one_step_and_names_the_allowed_next_status() {
    let s = Scratch::new();
    let id = open(&s, "status walk", &[]);
    let ok = s.run(&["incident", "status", &id, "triaged"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("triaged"));

    let skip = s.run(&["incident", "status", &id, "closed"]);
    assert_eq!(skip.code, 2);
    assert!(
        skip.stderr.contains(&id) && skip.stderr.contains("next status is contained"),
        "{}",
        skip.stderr
    );
    let back = s.run(&["incident", "status", &id, "open"]);
    assert_eq!(back.code, 2);
    assert!(back.stderr.contains("contained"), "{}", back.stderr);
    let bogus = s.run(&["incident", "status", &id, "done"]);
    assert_eq!(bogus.code, 2);
    assert!(bogus.stderr.contains("\"done\""), "{}", bogus.stderr);

    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["status"], "triaged", "refused moves changed nothing");
    assert_eq!(shown["audit_entries"], 2);

    for next in ["contained", "notifying", "closed"] {
        let r = s.run(&["incident", "status", &id, next]);
        assert_eq!(r.code, 0, "{next}: {}", r.stderr);
    }
    let done = s.run(&["incident", "status", &id, "open"]);
    assert_eq!(done.code, 2);
    assert!(done.stderr.contains("closed"), "{}", done.stderr);
}

#[test]
fn an_unknown_incident_id_is_named_with_exit_2() {
    let s = Scratch::new();
    open(&s, "exists", &[]);
    let missing = "INC-1999-0042";
    let evidence = s.write("e.txt", b"nothing personal\n");
    let evidence = evidence.to_string_lossy().into_owned();
    for args in [
        vec!["incident", "show", missing],
        vec!["incident", "status", missing, "triaged"],
        vec!["incident", "export", missing],
        vec!["incident", "add-evidence", missing, evidence.as_str()],
        vec!["incident", "obligations", missing],
        vec!["audit", "verify", missing],
    ] {
        let r = s.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("incident {missing} not found")),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn add_evidence_records_hash_size_and_counts_once() {
    let s = Scratch::new();
    let id = open(&s, "evidence", &[]);
    let text = format!("id,email,card\n1,jane.doe@example.com,{CARD}\n2,j.roe@example.org,none\n");
    let path = s.write("leak/orders.csv", text.as_bytes());
    let path = path.to_string_lossy().into_owned();

    let first = s.run(&["incident", "add-evidence", &id, &path]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("added evidence #1"),
        "{}",
        first.stdout
    );
    assert!(
        !first.stdout.contains("jane.doe") && !first.stdout.contains(CARD),
        "values leaked: {}",
        first.stdout
    );

    let again = s.run(&["incident", "add-evidence", &id, &path]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.contains("already present"), "{}", again.stdout);
    assert!(again.stdout.contains("#1"), "{}", again.stdout);

    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["evidence_count"], 1);
    assert_eq!(shown["audit_entries"], 2, "the repeat wrote no audit entry");
    let ev = &shown["evidence"][0];
    assert_eq!(ev["sha256"], sha256_hex(text.as_bytes()).as_str());
    assert_eq!(ev["size_bytes"], text.len());
    assert_eq!(ev["encrypted"], false);
    assert_eq!(ev["finding_counts"]["email"], 2);
    assert_eq!(ev["finding_counts"]["payment_card"], 1);

    let enc = s.write("leak/vault.bin.txt", b"ciphertext only\n");
    let r = s.run(&[
        "incident",
        "add-evidence",
        &id,
        &enc.to_string_lossy(),
        "--encrypted",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["evidence"][1]["encrypted"], true);

    let dir = s.run(&[
        "incident",
        "add-evidence",
        &id,
        &s.path("leak").to_string_lossy(),
    ]);
    assert_eq!(dir.code, 2);
    assert!(dir.stderr.contains("is a directory"), "{}", dir.stderr);

    // Export is redacted by default: only the file name survives.
    let bundle = json(&s, &["incident", "export", &id]);
    assert_eq!(bundle["redacted"], true);
    let src = bundle["evidence"][0]["source"].as_str().unwrap_or("");
    assert_eq!(src, "[redacted]/orders.csv");
    let full = json(&s, &["incident", "export", &id, "--unredacted"]);
    assert!(full["evidence"][0]["source"]
        .as_str()
        .is_some_and(|p| p.ends_with("/leak/orders.csv") && p.len() > "/leak/orders.csv".len()));
}

#[test]
fn audit_verify_passes_then_names_the_tampered_entry() {
    let s = Scratch::new();
    let id = open(&s, "audited", &[]);
    assert_eq!(s.run(&["incident", "status", &id, "triaged"]).code, 0);
    let p = s.write("e.txt", b"mail jane.doe@example.com\n");
    assert_eq!(
        s.run(&["incident", "add-evidence", &id, &p.to_string_lossy()])
            .code,
        0
    );

    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.starts_with("audit log intact (3 entries, head "),
        "{}",
        ok.stdout
    );

    // Rewrite who made the status change, as someone covering tracks would.
    let url = format!("sqlite://{}", db_file(&s).display());
    runtime().block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("open the SQLite file directly");
        let done = conn
            .execute(
                sqlx::query(
                    "UPDATE audit_log SET actor = 'nobody' WHERE incident_id = ? AND seq = 2",
                )
                .bind(id.as_str()),
            )
            .await
            .expect("tamper");
        assert_eq!(done.rows_affected(), 1);
        conn.close().await.expect("close");
    });

    let bad = s.run(&["audit", "verify", &id]);
    assert_eq!(bad.code, 1, "{}{}", bad.stdout, bad.stderr);
    assert!(
        bad.stdout.contains("first broken entry is #2"),
        "{}",
        bad.stdout
    );
}

#[test]
fn the_cli_flow_runs_on_postgresql_when_configured() {
    let Some(url) = bw_testkit::postgres_url() else {
        eprintln!("no PostgreSQL URL set: skipping");
        return;
    };
    let s = Scratch::new();
    let db = ["--database", url.as_str()];
    let with = |args: &[&str]| {
        let mut v: Vec<&str> = args.to_vec();
        v.extend_from_slice(&db);
        s.run(&v)
    };
    let r = with(&[
        "incident",
        "open",
        "--title",
        "pg flow",
        "--discovered-at",
        DISCOVERED,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    assert_eq!(with(&["incident", "status", &id, "triaged"]).code, 0);
    let p = s.write("e.txt", b"mail jane.doe@example.com\n");
    let p = p.to_string_lossy().into_owned();
    assert!(with(&["incident", "add-evidence", &id, &p])
        .stdout
        .contains("added"));
    assert!(with(&["incident", "add-evidence", &id, &p])
        .stdout
        .contains("already present"));
    let shown = with(&["incident", "show", &id, "--format", "json"]);
    let v: Value = serde_json::from_str(&shown.stdout).expect("show JSON");
    assert_eq!(v["status"], "triaged");
    assert_eq!(v["evidence_count"], 1);
    assert_eq!(with(&["incident", "obligations", &id]).code, 0);
    let ok = with(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(
        ok.stdout.starts_with("audit log intact (4 entries"),
        "{}",
        ok.stdout
    );
    assert!(
        !common::exists(&db_file(&s)),
        "no SQLite file when a URL is given"
    );
}
