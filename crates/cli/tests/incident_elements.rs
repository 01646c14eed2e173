//! Elements of an incident end to end, with the real binary, a real
//! registry and real scans: a credential dump no customer could be tied to
//! still counts ("detected, unattributed"), and the source of the breach
//! is recorded and audited. Once on SQLite in a scratch home, and once on
//! PostgreSQL when `DATABASE_URL` names a server.

mod common;

use std::collections::BTreeMap;

use common::incident::{by_code, reasons};
use common::Scratch;
use serde_json::Value;

const DISCOVERED: &str = "2026-05-04T09:00:00Z";

/// A synthetic bcrypt hash (the detector checks the layout, not the hash).
fn bcrypt(n: usize) -> String {
    let body: String = (0..53)
        .map(|i| {
            let a = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            a[(i * 7 + n * 13) % a.len()] as char
        })
        .collect();
    format!("$2b$12${body}")
}

/// A home with a registry of a Californian and a Texan customer.
fn home() -> Scratch {
    let s = Scratch::new();
    let r = s.run(&["registry", "init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    s.write(
        "customers.csv",
        b"customer_id,email,first_name,last_name,phone,country,region\n\
          C1,ann.lee@shop.example.com,Ann,Lee,+1 415 555 0100,US,CA\n\
          C2,bo.diaz@shop.example.com,Bo,Diaz,+1 512 555 0101,US,TX\n",
    );
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Names and emails only: no notice in any US state by themselves.
    s.write(
        "orders.csv",
        b"order_id,email,name\n\
          1001,ann.lee@shop.example.com,Ann Lee\n\
          1002,bo.diaz@shop.example.com,Bo Diaz\n",
    );
    // A users table of accounts the registry does not know, with bcrypt
    // password hashes.
    let mut dump = String::from(
        "CREATE TABLE users (id int, login_email text, password_hash text);\n\
         INSERT INTO users VALUES\n",
    );
    for n in 0..3 {
        if n > 0 {
            dump.push_str(",\n");
        }
        dump.push_str(&format!(
            "({n}, 'stranger{n}@elsewhere.example.org', '{}')",
            bcrypt(n)
        ));
    }
    dump.push_str(";\n");
    s.write("dump.sql", dump.as_bytes());
    s
}

/// The whole flow with `extra` (a `--database URL`, or nothing) after
/// every incident command.
fn unattributed_flow(s: &Scratch, extra: &[&str]) {
    let run = |args: &[&str]| {
        let mut v: Vec<&str> = args.to_vec();
        v.extend_from_slice(extra);
        let r = s.run(&v);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    let id = run(&[
        "incident",
        "open",
        "--title",
        "users table dumped",
        "--discovered-at",
        DISCOVERED,
    ])
    .stdout
    .trim()
    .to_string();
    let orders = s.path("orders.csv").to_string_lossy().into_owned();
    let dump = s.path("dump.sql").to_string_lossy().into_owned();
    run(&["incident", "add-evidence", &id, &orders]);
    let before: Value =
        serde_json::from_str(&run(&["incident", "obligations", &id, "--format", "json"]).stdout)
            .expect("JSON");
    let j = by_code(&before);
    assert_eq!(j["US-CA"]["individual_notice"], "not_required");

    let added = run(&["incident", "add-evidence", &id, &dump]);
    assert!(
        added
            .stdout
            .contains("detected, unattributed (no customer tied to them")
            && added.stdout.contains("3 password (bcrypt hashes)"),
        "{}",
        added.stdout
    );
    let after: Value =
        serde_json::from_str(&run(&["incident", "obligations", &id, "--format", "json"]).stdout)
            .expect("JSON");
    let u = &after["unattributed"][0];
    assert_eq!(u["status"], "detected, unattributed", "{after}");
    assert_eq!(u["kind"], "password");
    assert_eq!(u["hashing"], "bcrypt");
    assert_eq!(u["count"], 3);
    // The file by its name: the stored body is hashed and a redacted
    // export must not need to change it.
    assert_eq!(u["evidence"], "dump.sql");
    let j = by_code(&after);
    let ca = &j["US-CA"];
    assert_eq!(ca["individual_notice"], "assess", "{}", reasons(ca));
    assert_eq!(ca["unattributed_elements"], serde_json::json!(["password"]));
    let why = reasons(ca);
    assert!(
        why.contains("3 bcrypt password hashes in dump.sql could not be tied to customers")
            && why.contains("if they belong to these accounts")
            && why.contains("1798.82"),
        "{why}"
    );
    // Texas names no credential element: still nothing owed.
    assert_eq!(j["US-TX"]["individual_notice"], "not_required");
    // The affected customers did not change, and no value was kept.
    assert_eq!(ca["residents"], 1);
    let human = run(&["incident", "obligations", &id]).stdout;
    assert!(
        human.contains("Detected, unattributed")
            && human.contains("3 bcrypt password hashes in dump.sql")
            && human.contains("detected, unattributed: password"),
        "{human}"
    );
    let csv = run(&["incident", "obligations", &id, "--format", "csv"]).stdout;
    let header: Vec<&str> = csv.lines().next().unwrap_or("").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "unattributed_elements")
        .expect("an unattributed_elements column");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("US-CA,") && l.trim_end().ends_with(",password")),
        "{csv}"
    );
    assert_eq!(col, header.len() - 1);
    let shown = run(&["incident", "show", &id]).stdout;
    assert!(
        shown.contains("detected, unattributed") && shown.contains("3 password (bcrypt hashes)"),
        "{shown}"
    );
    let shown: Value =
        serde_json::from_str(&run(&["incident", "show", &id, "--format", "json"]).stdout)
            .expect("JSON");
    assert_eq!(shown["unattributed"][0]["count"], 3);
    assert_eq!(shown["unattributed"][0]["status"], "detected, unattributed");
    let everything = serde_json::to_string(&shown).expect("JSON");
    assert!(!everything.contains("$2b$12$"), "no hash value is kept");
    assert!(!everything.contains("stranger0"), "no address is kept");
    let bundle: Value =
        serde_json::from_str(&run(&["incident", "export", &id]).stdout).expect("JSON");
    assert_eq!(
        bundle["declarations"]["unattributed"][0]["evidence_source"],
        "[redacted]/dump.sql"
    );
    let verified = run(&["audit", "verify", &id]);
    assert!(
        verified.stdout.starts_with("audit log intact"),
        "{}",
        verified.stdout
    );
}

#[test]
fn a_credential_dump_no_customer_is_tied_to_still_counts() {
    let s = home();
    unattributed_flow(&s, &[]);
}

#[test]
fn a_credential_dump_no_customer_is_tied_to_still_counts_on_postgresql() {
    let Some(url) = bw_testkit::postgres_url() else {
        eprintln!("no PostgreSQL URL set: skipping");
        return;
    };
    let s = home();
    unattributed_flow(&s, &["--database", url.as_str()]);
}

#[test]
fn the_source_of_breach_is_set_at_open_changed_and_audited() {
    let s = Scratch::new();
    let r = s.run(&[
        "incident",
        "open",
        "--title",
        "vendor bucket",
        "--discovered-at",
        DISCOVERED,
        "--source-of-breach",
        "vendor",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    let shown = s.run(&["incident", "show", &id]);
    assert!(
        shown.stdout.contains("source:       vendor"),
        "{}",
        shown.stdout
    );
    let r = s.run(&[
        "incident",
        "source-of-breach",
        &id,
        "us",
        "--reason",
        "our own export job wrote the file",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("source of breach is now us"),
        "{}",
        r.stdout
    );
    let again = s.run(&["incident", "source-of-breach", &id, "us"]);
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);
    let v: Value =
        serde_json::from_str(&s.run(&["incident", "show", &id, "--format", "json"]).stdout)
            .expect("JSON");
    assert_eq!(v["source_of_breach"], "us");
    assert_eq!(v["audit_entries"], 2);
    let bad = s.run(&["incident", "source-of-breach", &id, "them"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("expected us, vendor or unknown"),
        "{}",
        bad.stderr
    );
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

const CONFIG: &str = r#"[notify]
from = "Example Shop <privacy@shop.example>"
company-name = "Example Shop"
contact = "privacy@shop.example or 1-800-555-0100"
measures = "We closed the export and rotated its credentials."
advice = "Watch your credit reports and place a fraud alert if you see anything unusual."
consequences = "Someone could try to open accounts in your name."
"#;

/// California's offer of identity-theft services follows the recorded
/// source of the breach: required when us, a warning naming the statute
/// when unknown, nothing when a vendor's.
#[test]
fn lint_reads_the_source_of_breach_for_californias_offer() {
    let s = Scratch::new();
    s.write("home/config.toml", CONFIG.as_bytes());
    let r = s.run(&[
        "incident",
        "open",
        "--title",
        "export with SSNs",
        "--description",
        "An export of customer records, Social Security numbers included, was readable by anyone with its link.",
        "--discovered-at",
        DISCOVERED,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    let evidence = bw_store::Evidence {
        source: "exports/customers.csv".into(),
        sha256: "cd".repeat(32),
        size_bytes: 512,
        collected_at: time::OffsetDateTime::now_utc(),
        finding_counts: BTreeMap::from([("us_ssn".to_string(), 1)]),
        encrypted: false,
        version: None,
    };
    let customer = bw_store::Affected {
        customer_id: "C1".into(),
        matched_fields: vec!["email".into(), "person_name".into(), "us_ssn".into()],
        confidence: 0.95,
        country: Some("US".into()),
        region: Some("CA".into()),
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let store =
                bw_store::Store::open_sqlite(&s.path("home").join(bw_store::SQLITE_FILE_NAME))
                    .await
                    .expect("open store");
            store
                .add_evidence(
                    &bw_store::IncidentId::new(&id),
                    &evidence,
                    &[customer],
                    "test",
                )
                .await
                .expect("seed");
            store.close().await;
        });

    // Unknown: lint passes, with a warning that names the statute and the
    // command that settles it.
    let r = s.run(&["notify", "lint", &id]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("warning: incident: US-CA: 1 customer(s)")
            && r.stdout.contains("identity_theft_services")
            && r.stdout.contains("1798.82(d)(2)(G)")
            && r.stdout.contains(&format!(
                "breachwatch incident source-of-breach {id} us|vendor"
            )),
        "{}",
        r.stdout
    );
    // Ours: the offer is required, and the campaign has no text for it.
    assert_eq!(s.run(&["incident", "source-of-breach", &id, "us"]).code, 0);
    let r = s.run(&["notify", "lint", &id]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("identity_theft_services") && !r.stdout.contains("warning:"),
        "{}",
        r.stdout
    );
    // A vendor's: nothing asked.
    assert_eq!(
        s.run(&["incident", "source-of-breach", &id, "vendor"]).code,
        0
    );
    let r = s.run(&["notify", "lint", &id]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        !r.stdout.contains("identity_theft_services"),
        "{}",
        r.stdout
    );
}
