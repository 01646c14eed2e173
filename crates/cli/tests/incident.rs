//! `breachwatch incident` and `breachwatch audit` end to end: the real
//! binary against a SQLite store in a scratch `$BREACHWATCH_HOME` (and, when
//! `DATABASE_URL` names a PostgreSQL server, once against that).
//!
//! Affected customers are seeded through `bw-store`'s own API, the way the
//! scope step records them, because `incident add-evidence` does not match
//! customers yet. Tampering goes behind the tool's back with raw SQL.

mod common;

use std::collections::BTreeMap;

use bw_store::{Affected, Evidence, IncidentId, Store, SQLITE_FILE_NAME};
use common::Scratch;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Connection, Executor};

const DISCOVERED: &str = "2026-05-04T09:00:00Z";
/// GDPR Art. 33 and UK GDPR: 72 hours after discovery.
const PLUS_72H: &str = "2026-05-07T09:00:00Z";
const CARD: &str = "4111 1111 1111 1111";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test runtime")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn db_file(s: &Scratch) -> std::path::PathBuf {
    s.path("home").join(SQLITE_FILE_NAME)
}

/// `incident open` with a fixed discovery time; returns the printed id.
fn open(s: &Scratch, title: &str, extra: &[&str]) -> String {
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

fn json(s: &Scratch, args: &[&str]) -> Value {
    let r = s.run(args);
    assert_eq!(r.code, 0, "{args:?} failed: {}", r.stderr);
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", r.stdout))
}

/// One synthetic customer of `place` ("US-CA", "DE", "" for no country).
fn customer(n: usize, place: &str, fields: &[&str]) -> Affected {
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
fn seed(s: &Scratch, id: &str, label: &str, customers: &[Affected], encrypted: bool) {
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

fn places(spec: &[(&str, usize)], fields: &[&str]) -> Vec<Affected> {
    let mut out = Vec::new();
    for (place, n) in spec {
        for _ in 0..*n {
            out.push(customer(out.len(), place, fields));
        }
    }
    out
}

fn by_code(obligations: &Value) -> BTreeMap<String, Value> {
    obligations["jurisdictions"]
        .as_array()
        .expect("jurisdictions array")
        .iter()
        .map(|j| (j["code"].as_str().unwrap_or("").to_string(), j.clone()))
        .collect()
}

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
fn cause_is_set_at_open_changed_audited_and_read_by_the_rules() {
    let s = Scratch::new();
    let id = open(&s, "lost laptop", &["--cause", "lost_device"]);
    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["cause"], "lost_device");
    let human = s.run(&["incident", "show", &id]);
    assert!(
        human.stdout.contains("cause:        lost_device"),
        "{}",
        human.stdout
    );

    // Korea: a hacked leak goes to PIPC/KISA at any size.
    seed(
        &s,
        &id,
        "kr",
        &places(&[("KR", 3)], &["name", "email"]),
        false,
    );
    let kr = |s: &Scratch| {
        by_code(&json(
            s,
            &["incident", "obligations", &id, "--format", "json"],
        ))["KR"]
            .clone()
    };
    assert_eq!(kr(&s)["regulator_notice"], "assess");
    let r = s.run(&[
        "incident",
        "cause",
        &id,
        "attack",
        "--reason",
        "SQL injection",
        "--actor",
        "dana",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(kr(&s)["regulator_notice"], "required");
    let again = s.run(&["incident", "cause", &id, "attack"]);
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);

    let log = json(&s, &["incident", "export", &id]);
    let entry = log["audit_log"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["action"] == "incident.cause"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(entry["actor"], "dana");
    assert_eq!(entry["after"]["reason"], "SQL injection");
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);

    let bad = s.run(&["incident", "cause", &id, "phishing"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("inadvertent_disclosure"),
        "{}",
        bad.stderr
    );
}

/// The obligations as JSON, by jurisdiction code.
fn obligations(s: &Scratch, id: &str) -> BTreeMap<String, Value> {
    by_code(&json(
        s,
        &["incident", "obligations", id, "--format", "json"],
    ))
}

fn reasons(j: &Value) -> String {
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

#[test]
fn declared_passwords_for_all_customers_count_with_those_added_later() {
    let s = Scratch::new();
    let id = open(&s, "users table read", &["--cause", "attack"]);
    seed(
        &s,
        &id,
        "first",
        &places(&[("US-CA", 3)], &["name", "email"]),
        false,
    );
    assert_eq!(
        obligations(&s, &id)["US-CA"]["individual_notice"],
        "not_required"
    );

    let r = s.run(&[
        "incident",
        "declare",
        &id,
        "--element",
        "password",
        "--all",
        "--reason",
        "attacker read the users table incl. passwords",
        "--actor",
        "dana",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("declared password for all affected customers"),
        "{}",
        r.stdout
    );
    // Customers added after the declaration are covered by it too.
    let later: Vec<Affected> = (100..102)
        .map(|n| customer(n, "US-NY", &["email"]))
        .collect();
    seed(&s, &id, "second", &later, false);

    let j = obligations(&s, &id);
    for code in ["US-CA", "US-NY"] {
        assert_eq!(
            j[code]["individual_notice"],
            "required",
            "{code}: {}",
            reasons(&j[code])
        );
        assert_eq!(
            j[code]["declared_elements"],
            serde_json::json!(["password"]),
            "{code}"
        );
        assert!(
            reasons(&j[code]).contains("declared by dana: attacker read the users table"),
            "{code}: {}",
            reasons(&j[code])
        );
    }
    assert_eq!(j["US-CA"]["elements"], serde_json::json!(["email", "name"]));
    assert_eq!(j["US-NY"]["elements"], serde_json::json!(["email"]));

    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["declared_elements"][0]["element"], "password");
    assert_eq!(shown["declared_elements"][0]["declared_by"], "dana");
    assert_eq!(shown["declared_elements"][0]["all_affected"], true);
    let human = s.run(&["incident", "show", &id]);
    assert!(
        human
            .stdout
            .contains("password for all affected customers, by dana"),
        "{}",
        human.stdout
    );
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[test]
fn an_email_and_a_bcrypt_hash_is_assessed_not_dismissed() {
    let s = Scratch::new();
    let id = open(&s, "users table with bcrypt hashes", &[]);
    let customers = places(
        &[
            ("US-CA", 2),
            ("US-NY", 2),
            ("US-TX", 2),
            ("GB", 1),
            ("DE", 1),
        ],
        &["email"],
    );
    seed(&s, &id, "users", &customers, false);
    let r = s.run(&[
        "incident",
        "declare",
        &id,
        "--element",
        "password",
        "--hashed",
        "bcrypt",
        "--all",
        "--reason",
        "attacker read the users table incl. password hashes",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("password (as a bcrypt hash)"),
        "{}",
        r.stdout
    );
    let j = obligations(&s, &id);
    for code in ["US-CA", "US-NY", "GB", "EU"] {
        assert_eq!(
            j[code]["individual_notice"],
            "assess",
            "{code}: {}",
            reasons(&j[code])
        );
        assert_eq!(
            j[code]["password_hashing"],
            serde_json::json!(["bcrypt"]),
            "{code}"
        );
        assert!(
            reasons(&j[code]).contains("bcrypt hash"),
            "{code}: {}",
            reasons(&j[code])
        );
    }
    for code in ["US-CA", "US-NY"] {
        let why = reasons(&j[code]);
        assert!(
            why.contains("does not clearly cover hashing"),
            "{code}: {why}"
        );
        assert!(
            j[code]["citations"][0]
                .as_str()
                .is_some_and(|c| why.contains(c)),
            "{code}"
        );
    }
    // Texas names no credential element at all, hashed or plain.
    assert_eq!(
        j["US-TX"]["individual_notice"],
        "not_required",
        "{}",
        reasons(&j["US-TX"])
    );
    let human = s.run(&["incident", "obligations", &id]);
    assert!(
        human
            .stdout
            .contains("passwords known only as hashes: bcrypt"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_no_harm_determination_flips_colorado_and_florida_asks_for_it() {
    let s = Scratch::new();
    let id = open(&s, "card table", &["--cause", "attack"]);
    let customers = places(
        &[("US-CO", 3), ("US-FL", 2), ("US-TX", 1)],
        &["name", "us_ssn"],
    );
    seed(&s, &id, "cards", &customers, false);
    let j = obligations(&s, &id);
    for code in ["US-CO", "US-FL"] {
        assert_eq!(
            j[code]["individual_notice"],
            "assess",
            "{code}: {}",
            reasons(&j[code])
        );
        assert!(reasons(&j[code]).contains("--no-harm"), "{code}");
    }
    assert_eq!(j["US-TX"]["individual_notice"], "required");

    for code in ["US-CO", "US-FL"] {
        let r = s.run(&[
            "incident",
            "determine",
            &id,
            "--jurisdiction",
            code,
            "--no-harm",
            "--reason",
            "SSNs were tokenised; no misuse seen; law enforcement consulted",
            "--actor",
            "erin",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("recorded no_harm"), "{}", r.stdout);
    }
    let j = obligations(&s, &id);
    let co = &j["US-CO"];
    assert_eq!(co["individual_notice"], "not_required", "{}", reasons(co));
    assert_eq!(co["regulator_notice"], "not_required");
    assert!(
        reasons(co).contains("determined no_harm by erin: SSNs were tokenised"),
        "{}",
        reasons(co)
    );
    assert!(co["citations"][0]
        .as_str()
        .is_some_and(|c| c.contains("6-1-716")));
    assert_eq!(co["follow_ups"], serde_json::json!([]));

    let fl = &j["US-FL"];
    assert_eq!(fl["individual_notice"], "not_required", "{}", reasons(fl));
    assert_eq!(fl["follow_ups"][0]["to"], "Department of Legal Affairs");
    assert!(fl["follow_ups"][0]["citation"]
        .as_str()
        .is_some_and(|c| c.contains("501.171")));
    let due = fl["follow_ups"][0]["deadline"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let due = time::OffsetDateTime::parse(&due, &time::format_description::well_known::Rfc3339)
        .expect("follow-up deadline is RFC 3339");
    let days = (due - time::OffsetDateTime::now_utc()).whole_days();
    assert!(
        (29..=30).contains(&days),
        "30 days from the determination, not discovery: {due}"
    );
    let human = s.run(&["incident", "obligations", &id]);
    assert!(
        human
            .stdout
            .contains("follow-up: Department of Legal Affairs"),
        "{}",
        human.stdout
    );
    let fl_row = human
        .stdout
        .lines()
        .find(|l| l.starts_with("US-FL "))
        .unwrap_or_default();
    assert!(fl_row.contains("(follow-up)"), "{}", human.stdout);

    // A law without a harm exception takes no finding.
    let r = s.run(&[
        "incident",
        "determine",
        &id,
        "--jurisdiction",
        "US-TX",
        "--no-harm",
        "--reason",
        "x",
    ]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no harm exception"), "{}", r.stderr);
    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["determinations"][0]["jurisdiction"], "US-CO");
    assert_eq!(shown["determinations"][0]["decided_by"], "erin");
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[test]
fn declarations_for_listed_customers_reach_only_them() {
    let s = Scratch::new();
    let id = open(&s, "payroll export", &[]);
    let mut customers = places(&[("US-TX", 2)], &["name"]);
    customers.push(customer(7, "US-CA", &["name"]));
    seed(&s, &id, "payroll", &customers, false);
    let list = s.write(
        "ssn-customers.txt",
        b"# read from the payroll table\ncust-00000\n\ncust-99999\n",
    );
    let list = list.to_string_lossy().to_string();
    let r = s.run(&[
        "incident",
        "declare",
        &id,
        "--element",
        "ssn",
        "--customers",
        &list,
        "--reason",
        "payroll table rows 1-2 exfiltrated",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of them are not in the affected set"),
        "{}",
        r.stderr
    );
    let j = obligations(&s, &id);
    assert_eq!(
        j["US-TX"]["individual_notice"],
        "required",
        "{}",
        reasons(&j["US-TX"])
    );
    assert_eq!(j["US-TX"]["residents_owed_notice"], 1);
    assert_eq!(
        j["US-TX"]["declared_elements"],
        serde_json::json!(["us_ssn"])
    );
    assert_eq!(j["US-CA"]["declared_elements"], serde_json::json!([]));
    assert_eq!(j["US-CA"]["individual_notice"], "not_required");

    for bad in [
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "shoe_size",
            "--all",
            "--reason",
            "x",
        ],
        vec!["incident", "declare", &id, "--element", "email", "--all"],
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "email",
            "--reason",
            "x",
        ],
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "email",
            "--hashed",
            "bcrypt",
            "--all",
            "--reason",
            "x",
        ],
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "password",
            "--hashed",
            "rot13",
            "--all",
            "--reason",
            "x",
        ],
    ] {
        let r = s.run(&bad);
        assert_ne!(r.code, 0, "{bad:?} was accepted");
    }
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
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
fn obligations_for_name_and_email_across_us_eu_gb_and_no_country() {
    let s = Scratch::new();
    let id = open(&s, "newsletter list", &[]);
    let customers = places(
        &[
            ("US-CA", 3),
            ("US-TX", 2),
            ("DE", 2),
            ("FR", 1),
            ("GB", 1),
            ("", 1),
        ],
        &["name", "email"],
    );
    seed(&s, &id, "newsletter", &customers, false);

    let out = json(&s, &["incident", "obligations", &id, "--format", "json"]);
    assert_eq!(out["incident"], id.as_str());
    let j = by_code(&out);
    assert_eq!(
        j.keys().map(String::as_str).collect::<Vec<_>>(),
        ["EU", "GB", "UNKNOWN", "US-CA", "US-TX"]
    );
    for (code, residents) in [
        ("US-CA", 3),
        ("US-TX", 2),
        ("EU", 3),
        ("GB", 1),
        ("UNKNOWN", 1),
    ] {
        assert_eq!(j[code]["residents"], residents, "{code}");
        assert_eq!(
            j[code]["elements"],
            serde_json::json!(["email", "name"]),
            "{code}"
        );
        for key in [
            "individual_notice",
            "individual_deadline",
            "regulator_notice",
            "regulator",
            "regulator_deadline",
            "cra_notice",
            "citations",
            "reasons",
        ] {
            assert!(j[code].get(key).is_some(), "{code} lacks {key}");
        }
    }
    for code in ["US-CA", "US-TX"] {
        assert_eq!(j[code]["individual_notice"], "not_required", "{code}");
        assert_eq!(j[code]["regulator_notice"], "not_required", "{code}");
        assert_eq!(j[code]["individual_deadline"], Value::Null, "{code}");
    }
    for code in ["EU", "GB"] {
        assert_eq!(j[code]["individual_notice"], "assess", "{code}");
        assert_eq!(j[code]["regulator_deadline"], PLUS_72H, "{code}");
        assert!(j[code]["citations"]
            .as_array()
            .is_some_and(|c| !c.is_empty()));
    }
    assert_eq!(j["UNKNOWN"]["rule"], "no_rule");
    assert!(j["UNKNOWN"]["reasons"][0]
        .as_str()
        .is_some_and(|r| r.contains("no rule: review manually")));
    // Sorted by deadline: the two with a 72 h clock come first.
    let order: Vec<&str> = out["jurisdictions"]
        .as_array()
        .map(|a| a.iter().filter_map(|j| j["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(&order[..2], ["EU", "GB"]);

    let human = s.run(&["incident", "obligations", &id]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("Decision support, not legal advice."));
    let unknown_row = human
        .stdout
        .lines()
        .find(|l| l.starts_with("UNKNOWN "))
        .unwrap_or_default();
    assert!(
        unknown_row.contains("no rule: review manually"),
        "{}",
        human.stdout
    );
    let eu_row = human
        .stdout
        .lines()
        .find(|l| l.starts_with("EU "))
        .unwrap_or_default();
    assert!(eu_row.contains("2026-05-07 09:00Z"), "{}", human.stdout);

    let csv = s.run(&["incident", "obligations", &id, "--format", "csv"]);
    assert_eq!(csv.code, 0);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines.len(), 1 + 5, "{}", csv.stdout);
    assert!(lines[0].starts_with("code,rule,residents,"));
    assert!(lines[1].starts_with("EU,evaluated,3,email;name,assess,"));

    // Stored with the incident, and the change is in the audit chain.
    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert!(shown["obligations_version"].is_string());
    let bundle = json(&s, &["incident", "export", &id]);
    assert_eq!(bundle["obligations"]["body"], out);
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[test]
fn name_and_ssn_requires_notice_in_us_states_unless_encrypted() {
    let s = Scratch::new();
    let id = open(&s, "payroll", &[]);
    seed(
        &s,
        &id,
        "payroll",
        &places(&[("US-CA", 2), ("US-TX", 1)], &["name", "ssn"]),
        false,
    );
    let out = json(&s, &["incident", "obligations", &id, "--format", "json"]);
    let j = by_code(&out);
    for code in ["US-CA", "US-TX"] {
        assert_eq!(j[code]["individual_notice"], "required", "{code}");
        assert_eq!(
            j[code]["elements"],
            serde_json::json!(["name", "us_ssn"]),
            "{code}"
        );
    }

    // The same exposure from an encrypted copy only: California's safe harbour.
    let enc = Scratch::new();
    let id = open(&enc, "payroll, encrypted", &[]);
    seed(
        &enc,
        &id,
        "payroll-enc",
        &places(&[("US-CA", 2)], &["name", "ssn"]),
        true,
    );
    let out = json(&enc, &["incident", "obligations", &id, "--format", "json"]);
    assert_eq!(by_code(&out)["US-CA"]["individual_notice"], "not_required");
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
