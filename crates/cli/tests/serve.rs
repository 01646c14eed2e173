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

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::serve::{add_user, email, seed_registry, smtp_python, start_server, start_smtp, Proc};
use common::Scratch;
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple 42";

struct Smtp {
    _proc: Proc,
    port: u16,
    log: PathBuf,
}

impl Smtp {
    fn start(s: &Scratch) -> Option<Smtp> {
        let Some(python) = smtp_python() else {
            assert!(
                std::env::var_os("BW_REQUIRE_SMTP").is_none(),
                "BW_REQUIRE_SMTP is set but no Python with aiosmtpd was found"
            );
            return None;
        };
        let log = s.path("smtp.jsonl");
        let (proc, port) = start_smtp(&python, &log);
        Some(Smtp {
            _proc: proc,
            port,
            log,
        })
    }
}

/// The server process; killed on drop.
struct Server {
    _proc: Proc,
    addr: String,
    log: PathBuf,
}

impl Server {
    fn start(s: &Scratch, extra: &[&str]) -> Server {
        let mut args = vec!["--log", "debug"];
        args.extend_from_slice(extra);
        let (proc, addr) = start_server(s, &args);
        Server {
            _proc: proc,
            addr,
            log: s.path("server.log"),
        }
    }

    /// One request over a fresh connection: (status, headers, body).
    fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        let mut tcp = TcpStream::connect(&self.addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        tcp.write_all(head.as_bytes()).expect("write head");
        tcp.write_all(body).expect("write body");
        let mut raw = Vec::new();
        tcp.read_to_end(&mut raw).expect("read response");
        split(&raw)
    }

    fn json(&self, method: &str, path: &str, auth: &str, body: &str) -> (u16, Value) {
        let (status, _, body) = self.call(
            method,
            path,
            &[
                ("Authorization", auth),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        );
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    fn wait_job(&self, auth: &str, id: &str) -> Value {
        let started = Instant::now();
        loop {
            let (status, job) = self.json("GET", &format!("/api/jobs/{id}"), auth, "");
            assert_eq!(status, 200, "{job}");
            if !matches!(job["state"].as_str(), Some("queued" | "running")) {
                return job;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "job {id} hangs: {job}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn split(raw: &[u8]) -> (u16, String, Vec<u8>) {
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let mut body = raw[at + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    (status, head, body)
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let n = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
}

/// Registry, contacts, config and credentials; returns the admin token.
fn setup(s: &Scratch, smtp_url: &str, n: usize) -> String {
    let token = seed_registry(s, smtp_url, n, "ops");
    add_user(s, "alice", PASSWORD, "analyst");
    token
}

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
    let (status, v) = srv.json(
        "GET",
        &format!("/api/incidents/{id}/audit/verify"),
        &admin,
        "",
    );
    assert_eq!((status, &v["ok"]), (200, &Value::Bool(true)), "{v}");
    let (status, v) = srv.json("GET", "/api/audit/system", &admin, "");
    assert_eq!(status, 200);
    assert!(v.to_string().contains("job.create"), "{v}");
    let (_, _, metrics) = srv.call("GET", "/metrics", &[("Authorization", &admin)], b"");
    let metrics = String::from_utf8_lossy(&metrics).into_owned();
    assert!(
        metrics.contains("breachwatch_findings_total{kind=\"email\"}"),
        "{metrics}"
    );

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
