//! `breachwatch notify` against a real SMTP server: aiosmtpd from PyPI,
//! started by each test through `scripts/smtp_server.py`, which logs every
//! message it acknowledged. The test command (`scripts/test.sh`) installs it
//! and sets `BW_SMTP_PYTHON` and `BW_REQUIRE_SMTP=1`; without them these tests
//! look for aiosmtpd in `python3` and are skipped (with a note) when it is
//! missing.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bw_store::{Affected, Evidence, IncidentId, NoticeRecord, Store, SQLITE_FILE_NAME};
use common::Scratch;
use serde_json::Value;

const PLACES: [&str; 6] = ["US-CA", "US-NY", "FR", "DE", "GB", "JP"];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test runtime")
}

fn smtp_python() -> Option<String> {
    if let Ok(p) = std::env::var("BW_SMTP_PYTHON") {
        return Some(p);
    }
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some("python3".into());
    }
    assert!(
        std::env::var_os("BW_REQUIRE_SMTP").is_none(),
        "BW_REQUIRE_SMTP is set but no Python with aiosmtpd was found"
    );
    eprintln!("skipping: no Python with aiosmtpd (run scripts/test.sh, which installs it)");
    None
}

/// A real SMTP server process and the log of what it acknowledged.
struct SmtpServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl SmtpServer {
    fn start(s: &Scratch, extra: &[&str]) -> Option<SmtpServer> {
        let python = smtp_python()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let log = s.path(&format!("smtp-{port}.jsonl"));
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp_server.py");
        let mut child = Command::new(python)
            .arg(script)
            .args(["--port", &port.to_string(), "--log"])
            .arg(&log)
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("server says READY");
        assert_eq!(line.trim(), "READY", "SMTP server did not start");
        Some(SmtpServer { child, port, log })
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Message-IDs the server acknowledged, with how often.
    fn accepted(&self) -> BTreeMap<String, usize> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut out = BTreeMap::new();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).expect("server log line is JSON");
            let id = v["message_id"].as_str().expect("message id").to_string();
            *out.entry(id).or_default() += 1;
        }
        out
    }

    fn recipients(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .flat_map(|l| {
                let v: Value = serde_json::from_str(l).expect("server log line is JSON");
                v["recipients"]
                    .as_array()
                    .expect("recipients")
                    .iter()
                    .map(|r| r.as_str().unwrap_or_default().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const CONFIG: &str = r#"[notify]
from = "Example Shop <privacy@shop.example>"
company-name = "Example Shop"
contact = "privacy@shop.example or 1-800-555-0100"
measures = "We fixed the page error the same day and reviewed every page."
advice = "Be wary of messages that mention your orders; we never ask for passwords."
consequences = "You may receive unwanted email or phishing attempts."
"#;

fn email_of(i: usize) -> String {
    format!("customer{i}@mail.example")
}

/// An incident with `n` affected customers (name + email) seeded through
/// the store, and a contacts CSV; `contact` may change a row.
fn setup(s: &Scratch, n: usize, contact: impl Fn(usize) -> Option<String>) -> String {
    s.write("home/config.toml", CONFIG.as_bytes());
    let r = s.run(&[
        "incident",
        "open",
        "--title",
        "Q&A pages showed other customers",
        "--description",
        "A technical error showed other customers' names and email addresses on product question pages.",
        "--discovered-at",
        "2026-11-20T09:00:00Z",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    let customers: Vec<Affected> = (0..n)
        .map(|i| {
            let place = PLACES[i % PLACES.len()];
            let (country, region) = match place.split_once('-') {
                Some((c, r)) => (c.to_string(), Some(r.to_string())),
                None => (place.to_string(), None),
            };
            Affected {
                customer_id: format!("cust-{i:05}"),
                matched_fields: vec!["email".into(), "person_name".into()],
                confidence: 0.95,
                country: Some(country),
                region,
            }
        })
        .collect();
    let mut csv = String::from("customer_id,email,first_name,last_name,phone,country,region\n");
    for (i, c) in customers.iter().enumerate() {
        if let Some(email) = contact(i) {
            csv.push_str(&format!(
                "{},{email},Given{i},Family{i},,{},{}\n",
                c.customer_id,
                c.country.as_deref().unwrap_or(""),
                c.region.as_deref().unwrap_or("")
            ));
        }
    }
    s.write("contacts.csv", csv.as_bytes());
    let evidence = Evidence {
        source: "leak/qa-pages.tar".into(),
        sha256: "ab".repeat(32),
        size_bytes: 1234,
        collected_at: time::OffsetDateTime::now_utc(),
        finding_counts: BTreeMap::from([("email".to_string(), n as u64)]),
        encrypted: false,
        version: None,
    };
    runtime().block_on(async {
        let store = Store::open_sqlite(&s.path("home").join(SQLITE_FILE_NAME))
            .await
            .expect("open store");
        store
            .add_evidence(&IncidentId::new(&id), &evidence, &customers, "test")
            .await
            .expect("seed affected customers");
        store.close().await;
    });
    id
}

fn outbox(s: &Scratch, id: &str) -> Vec<NoticeRecord> {
    runtime().block_on(async {
        let store = Store::open_sqlite(&s.path("home").join(SQLITE_FILE_NAME))
            .await
            .expect("open store");
        let rows = store
            .notices(&IncidentId::new(id), 0, u32::MAX)
            .await
            .expect("read outbox");
        store.close().await;
        rows
    })
}

fn send_args<'a>(id: &'a str, url: &'a str, contacts: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "notify",
        "send",
        id,
        "--smtp-url",
        url,
        "--contacts",
        contacts,
        "--quiet",
    ];
    v.extend_from_slice(extra);
    v
}

fn status_json(s: &Scratch, id: &str) -> Value {
    let r = s.run(&["notify", "status", id, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("status is JSON")
}

#[test]
fn every_notice_is_sent_once_with_proof_and_replanning_adds_nothing() {
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &[]) else {
        return;
    };
    let id = setup(&s, 30, |i| Some(email_of(i)));
    let plan = s.run(&["notify", "plan", &id]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stdout.contains("30 notice(s) added"),
        "{}",
        plan.stdout
    );
    let again = s.run(&["notify", "plan", &id]);
    assert!(
        again
            .stdout
            .contains("0 notice(s) added, 30 already planned"),
        "{}",
        again.stdout
    );

    let contacts = s.path("contacts.csv").display().to_string();
    let r = s.run(&send_args(&id, &server.url(), &contacts, &[]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    let st = status_json(&s, &id);
    assert_eq!(st["sent"], 30);
    assert_eq!(
        (st["planned"].as_u64(), st["failed"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(st["by_jurisdiction"]["US-CA"]["sent"], 5);
    assert_eq!(st["by_jurisdiction"]["EU"]["sent"], 10);

    let rows = outbox(&s, &id);
    let accepted = server.accepted();
    let expected: BTreeMap<String, usize> =
        rows.iter().map(|n| (n.message_id.clone(), 1)).collect();
    assert_eq!(accepted, expected, "each notice accepted exactly once");
    let rcpts: BTreeSet<String> = server.recipients().into_iter().collect();
    assert_eq!(rcpts, (0..30).map(email_of).collect::<BTreeSet<_>>());

    // A second send finds nothing to do and sends nothing.
    let r = s.run(&send_args(&id, &server.url(), &contacts, &[]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.accepted().values().sum::<usize>(), 30);

    let proof = s.run(&["notify", "proof", &id, "cust-00000", "--format", "json"]);
    assert_eq!(proof.code, 0, "{}", proof.stderr);
    let p: Value = serde_json::from_str(&proof.stdout).expect("proof JSON");
    assert_eq!(p[0]["status"], "sent");
    assert!(p[0]["smtp_reply"]
        .as_str()
        .unwrap_or_default()
        .starts_with("250"));
    assert!(p[0]["template"]
        .as_str()
        .unwrap_or_default()
        .starts_with("US-CA@"));
    assert_eq!(p[0]["content_sha256"].as_str().map(str::len), Some(64));
    // The store holds no address.
    let db = std::fs::read(s.path("home").join(SQLITE_FILE_NAME)).expect("db");
    let wal =
        std::fs::read(s.path("home").join(format!("{SQLITE_FILE_NAME}-wal"))).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!String::from_utf8_lossy(bytes).contains("@mail.example"));
    }
}

#[test]
fn bad_addresses_and_deleted_customers_fail_with_a_reason_and_the_rest_go_on() {
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &[]) else {
        return;
    };
    let id = setup(&s, 12, |i| match i {
        1 => Some(String::new()),
        2 => Some("not-an-address".into()),
        3 => None, // deleted from the source since the incident
        _ => Some(email_of(i)),
    });
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let contacts = s.path("contacts.csv").display().to_string();
    let r = s.run(&send_args(&id, &server.url(), &contacts, &[]));
    assert_eq!(r.code, 1, "failures make exit 1: {}", r.stderr);
    let rows = outbox(&s, &id);
    let by_id: BTreeMap<&str, &NoticeRecord> =
        rows.iter().map(|n| (n.customer_id.as_str(), n)).collect();
    let failure = |c: &str| by_id[c].failure.clone().unwrap_or_default();
    assert!(
        failure("cust-00001").contains("no email address"),
        "{}",
        failure("cust-00001")
    );
    assert!(
        failure("cust-00002").contains("invalid"),
        "{}",
        failure("cust-00002")
    );
    assert!(!failure("cust-00002").contains("not-an-address"));
    assert!(failure("cust-00003").contains("no longer in the customer source"));
    assert_eq!(rows.iter().filter(|n| n.status == "sent").count(), 9);
    assert_eq!(server.accepted().len(), 9);
}

#[test]
fn a_refused_connection_is_a_clear_error_and_leaves_every_notice_planned() {
    let s = Scratch::new();
    if smtp_python().is_none() {
        return;
    }
    let id = setup(&s, 6, |i| Some(email_of(i)));
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port(); // closed again: nothing listens there
    let url = format!("smtp://127.0.0.1:{port}");
    let contacts = s.path("contacts.csv").display().to_string();
    let r = s.run(&send_args(&id, &url, &contacts, &[]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot connect"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
    assert_eq!(status_json(&s, &id)["planned"], 6);
}

#[test]
fn greylisting_451_is_retried_with_backoff() {
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &["--greylist"]) else {
        return;
    };
    let id = setup(&s, 8, |i| Some(email_of(i)));
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let contacts = s.path("contacts.csv").display().to_string();
    let started = Instant::now();
    let r = s.run(&send_args(
        &id,
        &server.url(),
        &contacts,
        &["--retry-base", "0.3"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited for the backoff"
    );
    let rows = outbox(&s, &id);
    assert!(
        rows.iter().all(|n| n.status == "sent" && n.attempts == 2),
        "{rows:?}"
    );
    assert!(server.accepted().values().all(|&n| n == 1));
    assert_eq!(server.accepted().len(), 8);
}

#[test]
fn a_rejected_recipient_fails_permanently_and_its_address_is_not_stored() {
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &["--reject", "customer4@"]) else {
        return;
    };
    let id = setup(&s, 8, |i| Some(email_of(i)));
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let contacts = s.path("contacts.csv").display().to_string();
    let r = s.run(&send_args(&id, &server.url(), &contacts, &[]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = outbox(&s, &id);
    let bad = rows
        .iter()
        .find(|n| n.customer_id == "cust-00004")
        .expect("row");
    assert_eq!(bad.status, "failed");
    assert_eq!(bad.attempts, 1, "5xx is not retried");
    let reason = bad.failure.clone().unwrap_or_default();
    assert!(reason.contains("550"), "{reason}");
    assert!(!reason.contains("customer4@"), "address masked: {reason}");
    assert_eq!(rows.iter().filter(|n| n.status == "sent").count(), 7);
    assert_eq!(server.accepted().len(), 7);
}

#[test]
fn a_connection_dropped_mid_data_is_retried_and_each_notice_accepted_once() {
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &["--drop-data", "3"]) else {
        return;
    };
    let id = setup(&s, 10, |i| Some(email_of(i)));
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let contacts = s.path("contacts.csv").display().to_string();
    let r = s.run(&send_args(
        &id,
        &server.url(),
        &contacts,
        &["--retry-base", "0.1"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(status_json(&s, &id)["sent"], 10);
    let accepted = server.accepted();
    assert_eq!(accepted.len(), 10);
    assert!(accepted.values().all(|&n| n == 1), "{accepted:?}");
}

#[test]
fn lint_names_the_line_of_a_syntax_error_an_unknown_variable_and_missing_content() {
    let s = Scratch::new();
    let id = setup(&s, 6, |i| Some(email_of(i)));
    // Syntax error on line 3.
    s.write(
        "tpl-syntax/default.txt",
        b"Subject: Notice\nDear {{ customer.name }},\n{% for f in exposed %}{{ f.label }\n",
    );
    let r = s.run(&["notify", "lint", &id, "--templates", "tpl-syntax"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("default.txt:3: syntax error"),
        "{}",
        r.stdout
    );

    // Unknown variable on line 4.
    s.write(
        "tpl-var/default.txt",
        b"Subject: Notice\nDear {{ customer.name }},\n{{ incident.description }}\n{{ customer.nmae }}\n",
    );
    let r = s.run(&["notify", "lint", &id, "--templates", "tpl-var"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("default.txt:4: unknown variable `customer.nmae`"),
        "{}",
        r.stdout
    );

    // A California template without the breach date and notice date.
    s.write(
        "tpl-ca/US-CA.txt",
        b"Subject: Notice of Data Breach\n{{ incident.description }}\n{% for f in exposed %}{{ f.label }}{% endfor %}\n{{ measures }} {{ advice }} {{ company.contact }} {{ cra_contacts }}\n",
    );
    let r = s.run(&["notify", "lint", &id, "--templates", "tpl-ca"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("US-CA.txt: used for US-CA (en) but misses required content `breach_date`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("`notice_date`"), "{}", r.stdout);
    assert!(
        r.stdout.contains("1798.82"),
        "cites the statute: {}",
        r.stdout
    );
    // Planning refuses while lint fails.
    let r = s.run(&["notify", "plan", &id, "--templates", "tpl-ca"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("template problem"), "{}", r.stderr);

    // The built-in templates pass for all six places.
    let r = s.run(&["notify", "lint", &id]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// `[notify.texts.LANG]` from config.toml to what each customer reads:
/// the text parts the SMTP server received, decoded by Python's email
/// package.
#[test]
fn each_customer_reads_the_campaign_texts_in_their_own_language() {
    const FR_MEASURES: &str = "Nous avons corrigé l'erreur le jour même.";
    const FR_ADVICE: &str = "Méfiez-vous des messages qui mentionnent vos commandes.";
    const DE_MEASURES: &str = "Wir haben den Fehler noch am selben Tag behoben.";
    const EN_MEASURES: &str = "We fixed the page error the same day";
    const EN_ADVICE: &str = "Be wary of messages that mention your orders";
    const FR_WHAT: &str = "Une erreur technique a affiché les noms d'autres clients.";
    const EN_WHAT: &str = "A technical error showed other customers' names";
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &["--with-text"]) else {
        return;
    };
    // Six customers: US-CA, US-NY, FR, DE, GB, JP (English template).
    let id = setup(&s, 6, |i| Some(email_of(i)));
    s.write(
        "home/config.toml",
        format!(
            "{CONFIG}[notify.texts.fr]\nmeasures = \"{FR_MEASURES}\"\nadvice = \"{FR_ADVICE}\"\n\
             consequences = \"Vous pourriez recevoir des e-mails indésirables.\"\n\
             contact = \"privacy@shop.example ou 01 70 00 00 00\"\n\
             [notify.texts.de]\nmeasures = \"{DE_MEASURES}\"\n"
        )
        .as_bytes(),
    );
    // What happened, in French: audited like the incident's other facts.
    let r = s.run(&["incident", "set-description", &id, "--lang", "fr", FR_WHAT]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = s.run(&[
        "incident",
        "set-description",
        &id,
        "--lang",
        "French",
        FR_WHAT,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unknown language code"), "{}", r.stderr);
    let r = s.run(&["incident", "show", &id]);
    assert!(
        r.stdout.contains(&format!("description (fr): {FR_WHAT}")),
        "{}",
        r.stdout
    );
    // German lacks three texts and the description: warnings naming each,
    // and lint passes.
    let r = s.run(&["notify", "lint", &id]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for key in ["advice", "consequences", "contact"] {
        assert!(
            r.stdout
                .contains(&format!("add `{key}` under [notify.texts.de]")),
            "{}",
            r.stdout
        );
    }
    assert!(
        r.stdout.contains(
            "warning: config: 1 customer(s) get notices in de that print the en text for \
             `what_you_can_do`"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "warning: incident: 1 customer(s) get notices in de that print the description of \
             {id} as opened"
        )) && r
            .stdout
            .contains(&format!("incident set-description {id} --lang de")),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(" in fr "), "{}", r.stdout);
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let contacts = s.path("contacts.csv").display().to_string();
    let r = s.run(&send_args(&id, &server.url(), &contacts, &[]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    let log = std::fs::read_to_string(&server.log).expect("server log");
    let text_for: BTreeMap<String, String> = log
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("server log line is JSON");
            (
                v["recipients"][0].as_str().expect("recipient").to_string(),
                v["text"].as_str().expect("a text part").to_string(),
            )
        })
        .collect();
    assert_eq!(text_for.len(), 6);
    let read = |i: usize| text_for[&email_of(i)].as_str();
    let fr = read(2);
    assert!(
        fr.contains("Bonjour") && fr.contains(FR_MEASURES) && fr.contains(FR_ADVICE),
        "{fr}"
    );
    assert!(
        !fr.contains(EN_MEASURES) && !fr.contains(DE_MEASURES),
        "{fr}"
    );
    assert!(fr.contains(FR_WHAT) && !fr.contains(EN_WHAT), "{fr}");
    // German measures; the advice not given in German falls back.
    let de = read(3);
    assert!(
        de.contains("Guten Tag") && de.contains(DE_MEASURES) && de.contains(EN_ADVICE),
        "{de}"
    );
    assert!(
        !de.contains(EN_MEASURES) && !de.contains(FR_MEASURES),
        "{de}"
    );
    assert!(de.contains(EN_WHAT) && !de.contains(FR_WHAT), "{de}");
    for i in [0, 1, 4, 5] {
        let en = read(i);
        assert!(en.contains(EN_MEASURES) && en.contains(EN_ADVICE), "{en}");
        assert!(
            !en.contains(FR_MEASURES) && !en.contains(DE_MEASURES),
            "{en}"
        );
        assert!(en.contains(EN_WHAT) && !en.contains(FR_WHAT), "{en}");
    }
}

#[test]
fn regulator_report_has_counts_elements_and_timeline() {
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &[]) else {
        return;
    };
    let id = setup(&s, 12, |i| Some(email_of(i)));
    assert_eq!(s.run(&["incident", "obligations", &id]).code, 0);
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let contacts = s.path("contacts.csv").display().to_string();
    assert_eq!(
        s.run(&send_args(&id, &server.url(), &contacts, &[])).code,
        0
    );
    let r = s.run(&[
        "notify",
        "regulator-report",
        &id,
        "--jurisdiction",
        "EU",
        "--out",
        "reports",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(s.path("reports/regulator-EU.md")).expect("markdown");
    assert!(
        md.contains("Residents of European Union") || md.contains("Residents of"),
        "{md}"
    );
    assert!(md.contains("affected: **4**"), "{md}");
    assert!(md.contains("Notices sent: **4**"), "{md}");
    assert!(md.contains("your email address | 4"), "{md}");
    assert!(md.contains("customer notices planned"), "{md}");
    let html = std::fs::read_to_string(s.path("reports/regulator-EU.html")).expect("html");
    assert!(html.contains("<table>") && html.contains(&id));
    let r = s.run(&["notify", "regulator-report", &id, "--jurisdiction", "US-TX"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("affects nobody in US-TX"), "{}", r.stderr);
}

/// Small deterministic generator for kill times (no rand dependency).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn sigkill_at_random_moments_loses_no_notice_and_duplicates_at_most_concurrency_per_kill() {
    let s = Scratch::new();
    let Some(server) = SmtpServer::start(&s, &[]) else {
        return;
    };
    const N: usize = 10_000;
    const CONCURRENCY: usize = 8;
    let id = setup(&s, N, |i| Some(email_of(i)));
    assert_eq!(s.run(&["notify", "plan", &id]).code, 0);
    let contacts = s.path("contacts.csv").display().to_string();
    let url = server.url();
    let conc = CONCURRENCY.to_string();
    let args = send_args(&id, &url, &contacts, &["--concurrency", &conc]);

    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut kills = 0;
    for _ in 0..5 {
        let before = server.accepted().values().sum::<usize>();
        let mut child = s
            .cmd(&args)
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn send");
        // Wait until it is sending, then kill at a random moment.
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.accepted().values().sum::<usize>() == before && Instant::now() < deadline {
            if child.try_wait().expect("poll").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100 + next(&mut rng) % 900));
        if child.try_wait().expect("poll").is_none() {
            child.kill().expect("SIGKILL");
            kills += 1;
        }
        let _ = child.wait();
    }
    assert!(
        kills >= 3,
        "the test must actually kill the sender ({kills} kills)"
    );
    let r = s.run(&args);
    assert_eq!(r.code, 0, "final run: {}", r.stderr);

    let rows = outbox(&s, &id);
    assert_eq!(rows.len(), N);
    assert!(rows.iter().all(|n| n.status == "sent"), "every notice sent");
    let accepted = server.accepted();
    let ids: BTreeSet<&String> = rows.iter().map(|n| &n.message_id).collect();
    let got: BTreeSet<&String> = accepted.keys().collect();
    assert_eq!(ids, got, "the server got exactly the outbox's notices");
    let duplicates: usize = accepted.values().map(|&n| n - 1).sum();
    assert!(
        duplicates <= kills * CONCURRENCY,
        "{duplicates} duplicates after {kills} kills at concurrency {CONCURRENCY}"
    );
    eprintln!("crash test: {kills} kills, {duplicates} duplicates of {N} notices");
}
