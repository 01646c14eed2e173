//! `breachwatch serve` as a process: a full flow over HTTP — open an
//! incident, upload evidence with seeded customers' emails, scope against
//! the registry, plan and send notices to a real SMTP server
//! (`scripts/smtp_server.py`, aiosmtpd), scan — with the server's logs
//! captured, then the logs are searched for every seeded email, the
//! token, the password and the session cookie: none may appear. And a
//! 100 MB upload is answered 413 before the body is sent.
//!
//! Needs a Python with aiosmtpd (`BW_SMTP_PYTHON="$(bash scripts/smtp.sh)"`);
//! without one the notice part is skipped unless `BW_REQUIRE_SMTP` is set.
//! The server under TLS, on PostgreSQL and with canaries is in
//! `serve_setups.rs`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::api::*;
use common::serve::email;
use common::Scratch;
use serde_json::Value;

#[test]
fn a_full_flow_leaves_no_value_token_or_password_in_the_logs() {
    let s = Scratch::new();
    let smtp = Smtp::start(&s);
    let smtp_url = smtp.as_ref().map_or("smtp://127.0.0.1:9".to_string(), |m| {
        format!("smtp://127.0.0.1:{}", m.port)
    });
    let n = 12;
    let token = setup(&s, &smtp_url, n);
    let scan_root = s.path("").to_string_lossy().into_owned();
    let srv = Server::start(
        &s,
        &["--scan-root", &scan_root, "--contacts", "customers.csv"],
    );
    let admin = format!("Bearer {token}");

    // Login: one wrong password (logged as a failure, without it), then the right one.
    let (status, _) = srv.json(
        "POST",
        "/api/session/login",
        "",
        r#"{"username":"alice","password":"wrong password!!"}"#,
    );
    assert_eq!(status, 401);
    let (status, head, body) = srv.call(
        "POST",
        "/api/session/login",
        &[("Content-Type", "application/json")],
        format!(r#"{{"username":"alice","password":"{PASSWORD}"}}"#).as_bytes(),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let cookie_line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a session cookie");
    assert!(cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Strict"));
    assert!(
        !cookie_line.contains("Secure"),
        "Secure only under TLS (a browser would drop it over plain HTTP)"
    );
    let cookie = cookie_line["set-cookie:".len()..]
        .trim()
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let csrf = serde_json::from_slice::<Value>(&body).expect("json")["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();

    // The analyst opens the incident through the session (with its CSRF token).
    let (status, _, body) = srv.call(
        "POST",
        "/api/incidents",
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf), ("Content-Type", "application/json")],
        br#"{"title":"Q&A pages showed other customers","description":"A page error showed customers' names and email addresses.","discovered_at":"2026-11-20T09:00:00Z"}"#,
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let id = serde_json::from_slice::<Value>(&body).expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();

    // Evidence with the seeded customers' names and emails.
    let mut leak = String::from("question,asked_by,email\n");
    for i in 0..n {
        leak.push_str(&format!(
            "Does it run small?,Given{i} Family{i},{}\n",
            email(i)
        ));
    }
    s.write("leak/qa.csv", leak.as_bytes());
    let (status, _, body) = srv.call(
        "POST",
        &format!("/api/incidents/{id}/evidence?name=qa.csv"),
        &[
            ("Authorization", &admin),
            ("Content-Type", "application/octet-stream"),
        ],
        leak.as_bytes(),
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let up: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(up["affected"], n as u64, "{up}");

    // Scope a server file too (a job), and scan the leak directory (a job).
    s.write(
        "leak/more.csv",
        format!("name,email\nGiven0 Family0,{}\n", email(0)).as_bytes(),
    );
    let more = s.path("leak/more.csv").to_string_lossy().into_owned();
    let (status, job) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/scope"),
        &admin,
        &format!(r#"{{"paths":["{more}"]}}"#),
    );
    assert_eq!(status, 202, "{job}");
    let job = srv.wait_job(&admin, job["id"].as_str().expect("job id"));
    assert_eq!(job["state"], "succeeded", "{job}");
    let leak_dir = s.path("leak").to_string_lossy().into_owned();
    let (status, job) = srv.json(
        "POST",
        "/api/scans",
        &admin,
        &format!(r#"{{"path":"{leak_dir}"}}"#),
    );
    assert_eq!(status, 202, "{job}");
    let scan_id = job["id"].as_str().expect("job id").to_string();
    let job = srv.wait_job(&admin, &scan_id);
    assert_eq!(job["state"], "succeeded", "{job}");
    let (status, page) = srv.json(
        "GET",
        &format!("/api/scans/{scan_id}/findings?kind=email"),
        &admin,
        "",
    );
    assert_eq!(status, 200);
    let text = page.to_string();
    assert!(
        page["items"].as_array().is_some_and(|a| !a.is_empty()),
        "{page}"
    );
    for i in 0..n {
        assert!(
            !text.contains(&email(i)),
            "a findings page shows a raw email"
        );
    }

    // Affected customers by jurisdiction, obligations, lint, plan.
    let (status, page) = srv.json(
        "GET",
        &format!("/api/incidents/{id}/affected?jurisdiction=US-CA&field=email"),
        &admin,
        "",
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 3, "{page}");
    // Pages of 5 cover the 12 once; the filters narrow, never widen.
    let mut seen = std::collections::BTreeSet::new();
    for offset in [0, 5, 10] {
        let (status, page) = srv.json(
            "GET",
            &format!("/api/incidents/{id}/affected?offset={offset}&limit=5"),
            &admin,
            "",
        );
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total"], n as u64, "{page}");
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), (n - offset).min(5), "{page}");
        for c in items {
            let text = c.to_string();
            assert!(!text.contains('@'), "contact data in {text}");
            assert!(seen.insert(c["customer_id"].as_str().expect("id").to_string()));
        }
    }
    assert_eq!(seen.len(), n);
    for (query, total) in [
        ("jurisdiction=US-NY", 3),
        ("field=email", n),
        ("field=phone", 0),
        ("jurisdiction=US-CA&field=phone", 0),
    ] {
        let (status, page) = srv.json(
            "GET",
            &format!("/api/incidents/{id}/affected?{query}"),
            &admin,
            "",
        );
        assert_eq!(
            (status, &page["total"]),
            (200, &Value::from(total)),
            "{query}: {page}"
        );
    }
    let (status, v) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/obligations"),
        &admin,
        "",
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = srv.json(
        "GET",
        &format!("/api/incidents/{id}/notices/lint"),
        &admin,
        "",
    );
    assert_eq!((status, &v["ok"]), (200, &Value::Bool(true)), "{v}");
    // The French and German customers' notices would print the English
    // campaign texts: warned about, per language, not failed.
    let warned = v["warnings"].to_string();
    for lang in ["fr", "de"] {
        assert!(
            warned.contains(&format!(
                "3 customer(s) get notices in {lang} that print the en text for \
                 `what_we_are_doing`"
            )) && warned.contains(&format!("add `measures` under [notify.texts.{lang}]")),
            "{v}"
        );
    }
    let (status, v) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/notices/plan"),
        &admin,
        "{}",
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["added"], n as u64, "{v}");

    // The analyst may not send; the admin may.
    let (status, _, _) = srv.call(
        "POST",
        &format!("/api/incidents/{id}/notices/send"),
        &[
            ("Cookie", &cookie),
            ("X-CSRF-Token", &csrf),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    );
    assert_eq!(status, 403);
    if let Some(smtp) = &smtp {
        let (status, job) = srv.json(
            "POST",
            &format!("/api/incidents/{id}/notices/send"),
            &admin,
            "{}",
        );
        assert_eq!(status, 202, "{job}");
        let job = srv.wait_job(&admin, job["id"].as_str().expect("job id"));
        assert_eq!(job["state"], "succeeded", "{job}");
        assert_eq!(job["progress"]["sent"], n as u64, "{job}");
        let accepted = std::fs::read_to_string(&smtp.log).expect("smtp log");
        assert_eq!(accepted.lines().count(), n);
        let (status, v) = srv.json(
            "GET",
            &format!("/api/incidents/{id}/notices/proof/cust-0000"),
            &admin,
            "",
        );
        assert_eq!(status, 200, "{v}");
        assert_eq!(v[0]["status"], "sent", "{v}");
    } else {
        eprintln!("skipping the send: no Python with aiosmtpd (scripts/smtp.sh)");
    }
    // A status change by the analyst's session; a skipped step is refused.
    let (status, _, body) = srv.call(
        "POST",
        &format!("/api/incidents/{id}/status"),
        &[
            ("Cookie", &cookie),
            ("X-CSRF-Token", &csrf),
            ("Content-Type", "application/json"),
        ],
        br#"{"status":"triaged"}"#,
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (status, v) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/status"),
        &admin,
        r#"{"status":"closed"}"#,
    );
    assert_eq!(status, 409, "{v}");
    let (status, v) = srv.json(
        "GET",
        &format!("/api/incidents/{id}/audit/verify"),
        &admin,
        "",
    );
    assert_eq!((status, &v["ok"]), (200, &Value::Bool(true)), "{v}");
    // Every change is in the chain under the identity that made it: the
    // analyst's user for what the session did, the token for the rest.
    let (status, log) = srv.json("GET", &format!("/api/incidents/{id}/audit"), &admin, "");
    assert_eq!(status, 200, "{log}");
    let entries = log
        .as_array()
        .or_else(|| log["entries"].as_array())
        .expect("audit entries")
        .clone();
    let (_, who) = srv.json("GET", "/api/session", &admin, "");
    let token_actor = who["principal"].as_str().expect("principal").to_string();
    for e in &entries {
        let actor = e["actor"].as_str().expect("actor");
        assert!(
            actor == "user:alice" || actor == token_actor,
            "an entry without its acting identity: {e}"
        );
    }
    let actors_of = |action: &str| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e["action"].as_str().is_some_and(|a| a.contains(action)))
            .map(|e| e["actor"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert!(
        actors_of("status").contains(&"user:alice".to_string()),
        "{log}"
    );
    assert!(actors_of("evidence").contains(&token_actor), "{log}");
    let (status, v) = srv.json("GET", "/api/audit/system", &admin, "");
    assert_eq!(status, 200);
    assert!(v.to_string().contains("job.create"), "{v}");
    let (_, _, metrics) = srv.call("GET", "/metrics", &[("Authorization", &admin)], b"");
    let metrics = String::from_utf8_lossy(&metrics).into_owned();
    let metric = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in\n{metrics}"))
    };
    let leak_bytes = std::fs::metadata(s.path("leak/qa.csv")).expect("qa").len()
        + std::fs::metadata(s.path("leak/more.csv"))
            .expect("more")
            .len();
    assert_eq!(metric("breachwatch_scan_bytes_total"), leak_bytes as f64);
    assert!(metric("breachwatch_findings_total{kind=\"email\"}") >= (n + 1) as f64);
    assert_eq!(
        metric("breachwatch_jobs{kind=\"scan\",state=\"succeeded\"}"),
        1.0
    );
    assert_eq!(
        metric("breachwatch_jobs{kind=\"scope\",state=\"succeeded\"}"),
        1.0
    );
    if smtp.is_some() {
        assert_eq!(
            metric("breachwatch_jobs{kind=\"send\",state=\"succeeded\"}"),
            1.0
        );
        assert_eq!(metric("breachwatch_notices{status=\"sent\"}"), n as f64);
    }
    // The latency histogram of a route: cumulative buckets up to +Inf = count.
    let labels = "method=\"POST\",route=\"/api/incidents/{id}/evidence\",status=\"2xx\"";
    let count = metric(&format!(
        "breachwatch_http_request_duration_seconds_count{{{labels}}}"
    ));
    assert_eq!(count, 1.0);
    assert_eq!(
        metric(&format!(
            "breachwatch_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}}"
        )),
        count
    );
    assert!(metrics.contains("# TYPE breachwatch_http_request_duration_seconds histogram"));
    assert!(!metrics.contains(&id), "an id as a metric label");

    let log_path = srv.log.clone();
    drop(srv);
    let log = std::fs::read_to_string(log_path).expect("server log");
    assert!(
        log.contains("route=\"/api/incidents/{id}/evidence\""),
        "the log records requests:\n{log}"
    );
    let sid = cookie.split_once('=').expect("cookie pair").1;
    let mut secrets: Vec<(String, String)> = (0..n)
        .flat_map(|i| {
            [
                (format!("email {i}"), email(i)),
                (format!("local part {i}"), format!("seeded.person{i}@")),
                (format!("name {i}"), format!("Given{i} Family{i}")),
            ]
        })
        .collect();
    secrets.push(("token".into(), token.clone()));
    secrets.push(("token body".into(), token["bwt_".len()..].to_string()));
    secrets.push(("password".into(), PASSWORD.into()));
    secrets.push(("wrong password".into(), "wrong password!!".into()));
    secrets.push(("session id".into(), sid.to_string()));
    secrets.push(("csrf token".into(), csrf.clone()));
    for (what, value) in &secrets {
        assert!(
            !log.contains(value.as_str()),
            "the server log contains a {what}"
        );
    }
}

#[test]
fn a_100_mb_upload_is_refused_before_it_is_sent() {
    let s = Scratch::new();
    let r = s.run(&["token", "create", "--role", "analyst"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let token = r.stdout.trim().to_string();
    let srv = Server::start(&s, &[]);
    let mut tcp = TcpStream::connect(&srv.addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST /api/incidents/INC-2026-0001/evidence HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        100u64 << 20
    );
    tcp.write_all(head.as_bytes()).expect("head");
    // One MiB of the promised hundred; the answer must come without the rest.
    tcp.write_all(&vec![b'a'; 1 << 20]).ok();
    let mut buf = [0u8; 512];
    let n = tcp
        .read(&mut buf)
        .expect("an answer before the body is complete");
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
}

/// Opens an incident whose evidence names the `n` seeded customers,
/// computes its obligations and plans their notices; returns its id.
fn planned_incident(s: &Scratch, srv: &Server, admin: &str, n: usize) -> String {
    let (status, v) = srv.json(
        "POST",
        "/api/incidents",
        admin,
        r#"{"title":"Export left on a share","description":"A customer export was readable on an open file share.","discovered_at":"2026-11-20T09:00:00Z"}"#,
    );
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_string();
    let mut leak = String::from("name,email\n");
    for i in 0..n {
        leak.push_str(&format!("Given{i} Family{i},{}\n", email(i)));
    }
    s.write("leak/share.csv", leak.as_bytes());
    let (status, _, body) = srv.call(
        "POST",
        &format!("/api/incidents/{id}/evidence?name=share.csv"),
        &[("Authorization", admin)],
        leak.as_bytes(),
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let (status, v) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/obligations"),
        admin,
        "",
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/notices/plan"),
        admin,
        "{}",
    );
    assert_eq!((status, &v["added"]), (200, &Value::from(n)), "{v}");
    id
}

/// (messages, distinct recipients) the SMTP server accepted.
fn accepted(log: &std::path::Path) -> (usize, usize) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut rcpts = std::collections::BTreeSet::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("smtp log line");
        for r in v["recipients"].as_array().expect("recipients") {
            rcpts.insert(r.as_str().expect("rcpt").to_string());
        }
    }
    (text.lines().count(), rcpts.len())
}

/// Waits until the SMTP server has accepted `n` messages.
fn until_accepted(log: &std::path::Path, n: usize) {
    let started = Instant::now();
    while accepted(log).0 < n {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{n} messages never came"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_send_job_can_be_cancelled_and_resumed_after_the_server_is_killed() {
    let s = Scratch::new();
    let Some(smtp) = Smtp::start(&s) else {
        eprintln!("skipping: no Python with aiosmtpd (scripts/smtp.sh)");
        return;
    };
    let n = 12;
    let token = setup(&s, &format!("smtp://127.0.0.1:{}", smtp.port), n);
    // One notice at a time, two a second: the run lasts ~6 s, long enough
    // to stop it twice.
    let mut cfg = std::fs::read_to_string(s.path("home/config.toml")).expect("config");
    cfg.push_str("concurrency = 1\nrate = 2.0\n");
    s.write("home/config.toml", cfg.as_bytes());
    let root = s.path("").to_string_lossy().into_owned();
    let args = ["--scan-root", root.as_str(), "--contacts", "customers.csv"];
    let srv = Server::start(&s, &args);
    let admin = format!("Bearer {token}");
    let id = planned_incident(&s, &srv, &admin, n);

    // Cancel mid-run: the job ends cancelled and sending stops.
    let (status, job) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/notices/send"),
        &admin,
        "{}",
    );
    assert_eq!(status, 202, "{job}");
    let first = job["id"].as_str().expect("job id").to_string();
    // (The SMTP server's log is the clock: the job's counters are written
    // as bw-notify reports them, which under a rate limit is per batch.)
    until_accepted(&smtp.log, 1);
    let (status, v) = srv.json("POST", &format!("/api/jobs/{first}/cancel"), &admin, "");
    assert_eq!(status, 200, "{v}");
    let job = srv.wait_for(&admin, &first, |j| j["state"] != "running");
    assert_eq!(job["state"], "cancelled", "{job}");
    let (status, _) = srv.json("POST", &format!("/api/jobs/{first}/cancel"), &admin, "");
    assert_eq!(status, 409, "an ended job cannot be cancelled again");
    std::thread::sleep(Duration::from_millis(1500));
    let (at_cancel, _) = accepted(&smtp.log);
    assert!(
        (1..n).contains(&at_cancel),
        "{at_cancel} sent before cancel"
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        accepted(&smtp.log).0,
        at_cancel,
        "sending went on after cancel"
    );

    // Resumed, then the server is killed mid-run.
    let (status, job) = srv.json("POST", &format!("/api/jobs/{first}/rerun"), &admin, "");
    assert_eq!(status, 202, "{job}");
    let second = job["id"].as_str().expect("job id").to_string();
    assert_ne!(second, first);
    until_accepted(&smtp.log, at_cancel + 2);
    let mut srv = srv;
    srv.proc.0.kill().expect("SIGKILL the server");
    srv.proc.0.wait().expect("reap");
    drop(srv);
    let (at_kill, _) = accepted(&smtp.log);
    assert!(at_kill < n, "the run was cut short: {at_kill}");

    // A new server on the same store: the job it left is interrupted, and
    // re-running it finishes the outbox.
    let srv = Server::start(&s, &args);
    let (status, job) = srv.json("GET", &format!("/api/jobs/{second}"), &admin, "");
    assert_eq!(
        (status, &job["state"]),
        (200, &Value::from("interrupted")),
        "{job}"
    );
    let (status, job) = srv.json("GET", &format!("/api/jobs/{first}"), &admin, "");
    assert_eq!(
        (status, &job["state"]),
        (200, &Value::from("cancelled")),
        "{job}"
    );
    let (status, job) = srv.json("POST", &format!("/api/jobs/{second}/rerun"), &admin, "");
    assert_eq!(status, 202, "{job}");
    let third = job["id"].as_str().expect("job id").to_string();
    let job = srv.wait_job(&admin, &third);
    assert_eq!(job["state"], "succeeded", "{job}");
    let (messages, people) = accepted(&smtp.log);
    assert_eq!(people, n, "every customer got their notice");
    // A stop may repeat the one notice in flight (concurrency 1), per stop.
    assert!(messages <= n + 2, "{messages} messages for {n} customers");
    let (status, v) = srv.json("GET", "/api/audit/system", &admin, "");
    assert_eq!(status, 200);
    let text = v.to_string();
    assert!(text.contains("job.cancel"), "{v}");
}
