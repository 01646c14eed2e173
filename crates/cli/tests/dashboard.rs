//! The dashboard in a real headless Chromium: `breachwatch serve` as a
//! process on a free port, against a scratch data dir with a seeded
//! incident (registry of 12 customers in California, New York, Germany
//! and France; evidence
//! naming all of them; obligations computed; notices planned), and a real
//! SMTP server (aiosmtpd). `browser/dashboard.mjs` (playwright-core driving
//! Debian's chromium) signs in as an admin, reads the affected charts and
//! the obligations table, sends the notices and watches the job finish,
//! starts a scan, opens the audit page, then signs in as a viewer, who has
//! no send button and whose forged POST is refused. axe-core's WCAG 2.1
//! A/AA rules run on every page visited. This test asserts on what the
//! pages showed; screenshots go to `target/screenshots/`.
//!
//! Needs `chromium` (`scripts/chromium.sh` installs it and playwright-core)
//! and a Python with aiosmtpd (`BW_SMTP_PYTHON`); skipped with a message
//! when either is missing, unless `BW_REQUIRE_BROWSER` is set.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::serve::{
    add_user, email, seed_registry, smtp_python, start_server, start_smtp, workspace,
};
use common::Scratch;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const ADMIN: (&str, &str) = ("alice", "correct horse battery staple 42");
const VIEWER: (&str, &str) = ("victor", "viewer passphrase for tests 77");
const N: usize = 12;

fn require_browser() -> bool {
    std::env::var_os("BW_REQUIRE_BROWSER").is_some()
}

fn skip(why: &str) {
    assert!(!require_browser(), "BW_REQUIRE_BROWSER is set but {why}");
    eprintln!("skipping the dashboard browser test: {why} (run scripts/chromium.sh)");
}

/// Chromium and the playwright-core and axe-core packages, installing the
/// packages with scripts/chromium.sh when only they are missing.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = std::env::var_os("BW_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        skip(&format!("no Chromium at {}", chromium.display()));
        return None;
    }
    let dir = std::env::var_os("BW_PLAYWRIGHT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/browser-node"));
    let package = dir.join("node_modules/playwright-core");
    let axe = dir.join("node_modules/axe-core/axe.min.js");
    if !package.exists() || !axe.exists() {
        let ok = Command::new("bash")
            .arg(workspace().join("scripts/chromium.sh"))
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok || !package.exists() || !axe.exists() {
            skip("playwright-core or axe-core could not be installed");
            return None;
        }
    }
    Some((chromium, dir))
}

/// One JSON request with a bearer token: (status, body).
fn api(addr: &str, method: &str, path: &str, token: &str, body: &[u8]) -> (u16, Value) {
    let mut tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).expect("head");
    tcp.write_all(body).expect("body");
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).expect("response");
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..at]);
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let body = &raw[at + 4..];
    // Small JSON bodies come with a Content-Length; a chunked one is not
    // expected from these routes.
    (status, serde_json::from_slice(body).unwrap_or(Value::Null))
}

/// Registry, contacts, notify settings, an admin token and two users.
fn setup(s: &Scratch, smtp_url: &str) -> String {
    let token = seed_registry(s, smtp_url, N, "seed");
    add_user(s, ADMIN.0, ADMIN.1, "admin");
    add_user(s, VIEWER.0, VIEWER.1, "viewer");
    token
}

/// Opens the incident (discovered 50 hours ago, so 72-hour deadlines
/// are under 24 hours away), records the leak as evidence, computes the
/// obligations and plans the notices. Returns the incident id.
fn seed_incident(addr: &str, token: &str, s: &Scratch) -> String {
    let discovered = (OffsetDateTime::now_utc() - time::Duration::hours(50))
        .format(&Rfc3339)
        .expect("format");
    let (status, v) = api(
        addr,
        "POST",
        "/api/incidents",
        token,
        format!(r#"{{"title":"Q&A pages showed other customers","description":"A page error showed names and email addresses.","discovered_at":"{discovered}","severity":"high","cause":"inadvertent_disclosure"}}"#).as_bytes(),
    );
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_string();
    let mut leak = String::from("question,asked_by,email\n");
    for i in 0..N {
        leak.push_str(&format!(
            "Does it run small?,Given{i} Family{i},{}\n",
            email(i)
        ));
    }
    s.write("leak/qa.csv", leak.as_bytes());
    let (status, v) = api(
        addr,
        "POST",
        &format!("/api/incidents/{id}/evidence?name=qa.csv"),
        token,
        leak.as_bytes(),
    );
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["affected"], N as u64, "{v}");
    let (status, v) = api(
        addr,
        "POST",
        &format!("/api/incidents/{id}/obligations"),
        token,
        b"",
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = api(
        addr,
        "POST",
        &format!("/api/incidents/{id}/notices/plan"),
        token,
        b"{}",
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["added"], N as u64, "{v}");
    id
}

fn urgency(deadline: &Value, now: OffsetDateTime) -> Option<&'static str> {
    let at = OffsetDateTime::parse(deadline.as_str()?, &Rfc3339).ok()?;
    let left = at - now;
    Some(if left <= time::Duration::ZERO {
        "overdue"
    } else if left < time::Duration::hours(24) {
        "red"
    } else if left < time::Duration::hours(72) {
        "amber"
    } else {
        "ok"
    })
}

fn pairs(v: &Value) -> BTreeMap<String, u64> {
    v.as_array()
        .expect("bars")
        .iter()
        .map(|b| {
            (
                b[0].as_str().expect("label").to_string(),
                b[1].as_u64().expect("count"),
            )
        })
        .collect()
}

#[test]
fn the_breach_room_in_a_real_browser() {
    let Some((chromium, playwright)) = browser() else {
        return;
    };
    let Some(python) = smtp_python() else {
        skip("no Python with aiosmtpd (BW_SMTP_PYTHON, scripts/smtp.sh)");
        return;
    };
    let s = Scratch::new();
    let smtp_log = s.path("smtp.jsonl");
    let (_smtp, smtp_port) = start_smtp(&python, &smtp_log);
    let token = setup(&s, &format!("smtp://127.0.0.1:{smtp_port}"));
    let root = s.path("").to_string_lossy().into_owned();
    let (server, addr) = start_server(&s, &["--scan-root", &root, "--contacts", "customers.csv"]);
    let id = seed_incident(&addr, &token, &s);

    // What the API says, to hold the pages to.
    let (_, affected) = api(
        &addr,
        "GET",
        &format!("/api/incidents/{id}/affected?limit=1000"),
        &token,
        b"",
    );
    let mut fields: BTreeMap<String, u64> = BTreeMap::new();
    for c in affected["items"].as_array().expect("items") {
        let mut f: Vec<&str> = c["matched_fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        f.sort_unstable();
        f.dedup();
        *fields.entry(f.join(" + ")).or_default() += 1;
    }
    let (_, stored) = api(
        &addr,
        "GET",
        &format!("/api/incidents/{id}/obligations"),
        &token,
        b"",
    );
    let rows = stored["body"]["jurisdictions"]
        .as_array()
        .expect("obligation rows")
        .clone();

    let shots = workspace().join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshots dir");
    let out = Command::new("node")
        .arg(workspace().join("crates/cli/tests/browser/dashboard.mjs"))
        .env("BW_BASE_URL", format!("http://{addr}"))
        .env("BW_INCIDENT", &id)
        .env("BW_SHOTS", &shots)
        .env("BW_PLAYWRIGHT_DIR", &playwright)
        .env("BW_CHROMIUM", &chromium)
        .env("BW_ADMIN_USER", ADMIN.0)
        .env("BW_ADMIN_PASSWORD", ADMIN.1)
        .env("BW_VIEWER_USER", VIEWER.0)
        .env("BW_VIEWER_PASSWORD", VIEWER.1)
        .env("BW_LEAK_DIR", s.path("leak"))
        .stderr(Stdio::piped())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "the browser script failed:\n{}\n{}\nserver errors:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(s.path("server.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("ERROR") || l.contains("WARN"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let seen: Value = serde_json::from_slice(&out.stdout).expect("the script's JSON");
    let now = OffsetDateTime::now_utc();

    // Signing in: the room answered 401 and sent the browser to the form.
    assert_eq!(seen["alice_first_status"], 401);
    assert!(
        seen["admin_title"]
            .as_str()
            .is_some_and(|t| t.contains("Q&A pages showed other customers")),
        "{}",
        seen["admin_title"]
    );

    // The charts: 3 customers in each place, and the field combinations
    // the affected set records.
    let places: BTreeMap<String, u64> = [("US-CA", 3), ("US-NY", 3), ("EU", 6)]
        .iter()
        .map(|(p, n)| (p.to_string(), *n))
        .collect();
    assert_eq!(pairs(&seen["admin_jurisdiction_chart"]), places);
    assert_eq!(pairs(&seen["viewer_jurisdiction_chart"]), places);
    assert_eq!(pairs(&seen["admin_fields_chart"]), fields);
    assert_eq!(fields.values().sum::<u64>(), N as u64);

    // The obligations table: one row per stored jurisdiction, with its
    // numbers and the urgency its deadlines have now.
    let table = seen["admin_obligations"].as_array().expect("table");
    assert_eq!(table.len(), rows.len(), "{table:?}");
    for row in &rows {
        let code = row["code"].as_str().expect("code");
        let shown = table
            .iter()
            .find(|r| r["code"] == code)
            .unwrap_or_else(|| panic!("{code} missing from the obligations table"));
        assert_eq!(shown["residents"], row["residents"], "{code}");
        assert_eq!(shown["owed"], row["residents_owed_notice"], "{code}");
        if row["regulator_notice"] != "not_required" {
            assert_eq!(
                shown["regulator_urgency"].as_str(),
                urgency(&row["regulator_deadline"], now),
                "{code} regulator deadline"
            );
        }
    }
    for (code, n) in &places {
        let shown = table
            .iter()
            .find(|r| r["code"] == code.as_str())
            .unwrap_or_else(|| panic!("{code} missing from {table:?}"));
        assert_eq!(shown["residents"], *n, "{code}");
    }
    // GDPR's 72 hours from a discovery 50 hours ago: under 24 hours left.
    let eu = table.iter().find(|r| r["code"] == "EU").expect("EU");
    assert_eq!(eu["regulator_urgency"], "red", "{eu}");
    assert_eq!(seen["viewer_obligations"], seen["admin_obligations"]);

    // Sending: the job ran to the end and every notice reached the server.
    assert_eq!(seen["admin_send_buttons"], 1);
    assert!(
        seen["send_status"]
            .as_str()
            .is_some_and(|t| t.starts_with("send job succeeded")),
        "{}",
        seen["send_status"]
    );
    assert_eq!(seen["send_job_state"], "succeeded");
    let progress = seen["progress"].as_array().expect("progress");
    assert_eq!(
        progress
            .iter()
            .map(|p| p["sent"].as_u64().expect("sent"))
            .sum::<u64>(),
        N as u64,
        "{progress:?}"
    );
    assert!(progress.iter().all(|p| p["sent"] == p["total"]));
    assert_eq!(seen["notice_totals"], format!("{N} of {N} notices sent."));
    let accepted = std::fs::read_to_string(&smtp_log).expect("smtp log");
    assert_eq!(accepted.lines().count(), N);

    // The scan page ends with redacted findings; the audit chains verify.
    assert_eq!(seen["scan_state"], "succeeded");
    assert!(
        seen["scan_excerpts"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{}",
        seen["scan_excerpts"]
    );
    assert!(
        seen["system_verify"]
            .as_str()
            .is_some_and(|t| t.starts_with("Verified")),
        "{}",
        seen["system_verify"]
    );
    assert_eq!(seen["chain_ok"], "true");
    assert_eq!(seen["after_logout_status"], 401);

    // axe-core's WCAG 2.1 A/AA rules (labels, names, contrast, landmarks)
    // find nothing on any page the flow visited.
    let audits = seen["axe"].as_object().expect("axe results");
    for page in [
        "login",
        "incident_admin",
        "incident_admin_after_send",
        "incident_admin_phone",
        "scans",
        "scan",
        "audit",
        "incident_viewer",
    ] {
        let v = audits
            .get(page)
            .unwrap_or_else(|| panic!("{page} not audited"));
        assert_eq!(v.as_array().map(Vec::len), Some(0), "{page}: {v}");
    }
    // Keyboard: the skip link comes first and its focus is drawn.
    assert_eq!(seen["first_focus"], "Skip to content");
    assert_ne!(seen["first_focus_outline"], "none");
    // Phone width: nothing wider than the screen.
    assert!(
        seen["phone_scroll_width"]
            .as_u64()
            .is_some_and(|w| w <= 390),
        "the room scrolls sideways at 390 px: {}",
        seen["phone_scroll_width"]
    );

    // The viewer: no send button, and a forged send is refused.
    assert_eq!(seen["viewer_role"], "viewer");
    assert_eq!(seen["viewer_send_buttons"], 0);
    assert_eq!(seen["viewer_forged"]["with_csrf"], 403);
    assert_eq!(seen["viewer_forged"]["without_csrf"], 403);
    assert_eq!(seen["viewer_progress"], seen["progress"]);

    // No page carries a personal value, a secret or a password.
    for page in ["admin_html", "viewer_html", "scan_html", "audit_html"] {
        let html = seen[page].as_str().expect("html");
        for i in 0..N {
            assert!(!html.contains(&email(i)), "{page} shows email {i}");
            assert!(
                !html.contains(&format!("seeded.person{i}@")),
                "{page} shows local part {i}"
            );
            assert!(
                !html.contains(&format!("Given{i} Family{i}")),
                "{page} shows name {i}"
            );
        }
        assert!(!html.contains(&token), "{page} shows the token");
        for (_, password) in [ADMIN, VIEWER] {
            assert!(!html.contains(password), "{page} shows a password");
        }
    }
    for name in [
        "incident-admin-1280x800.png",
        "incident-admin-after-send-1280x800.png",
        "incident-admin-phone-390.png",
        "incident-viewer-1280x800.png",
        "incident-viewer-phone-390.png",
        "scan-admin-1280x800.png",
        "audit-admin-1280x800.png",
    ] {
        let png = std::fs::read(shots.join(name)).expect("screenshot");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 5_000, "{name}");
    }

    // Nor does the server's log.
    drop(server);
    let log = std::fs::read_to_string(s.path("server.log")).expect("server log");
    for i in 0..N {
        assert!(!log.contains(&email(i)), "the log shows email {i}");
    }
    for (_, password) in [ADMIN, VIEWER] {
        assert!(!log.contains(password), "the log shows a password");
    }
    assert!(!log.contains(&token), "the log shows the token");
}
