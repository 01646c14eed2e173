//! `breachwatch serve` set up as a deployment would: under TLS (the session
//! cookie `Secure`, plain HTTP answered nothing), on PostgreSQL, and with
//! canary customers issued (scan and scope jobs and uploads see them).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use common::api::*;
use common::serve::{email, seed_registry};
use common::Scratch;
use serde_json::Value;

/// A CA and a certificate for 127.0.0.1 it signed, by Debian's openssl:
/// (CA PEM, certificate PEM, key PEM).
fn certificates(s: &Scratch) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(s.path(""))
            .output()
            .expect("run openssl (Debian's openssl package)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "1", "-subj", "/CN=bw test CA"];
    ca.extend_from_slice(&ec);
    ca.extend_from_slice(&["-keyout", "ca.key", "-out", "ca.pem"]);
    run(&ca);
    let mut csr = vec!["req", "-subj", "/CN=127.0.0.1"];
    csr.extend_from_slice(&ec);
    csr.extend_from_slice(&["-keyout", "server.key", "-out", "server.csr"]);
    run(&csr);
    s.write(
        "server.ext",
        b"subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    (s.path("ca.pem"), s.path("server.pem"), s.path("server.key"))
}

/// One HTTP/1.1 request over TLS, trusting only `ca`: the raw answer.
fn https(addr: &str, ca: &std::path::Path, request: &str) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).expect("CA file") {
        roots.add(c.expect("CA certificate")).expect("trust the CA");
    }
    let cfg = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from("127.0.0.1").expect("server name");
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(cfg), name).expect("TLS");
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(request.as_bytes()).expect("TLS write");
    let mut raw = Vec::new();
    // A server that closes without close_notify ends the read with an
    // error after the whole answer; what was read is kept.
    let _ = tls.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn under_tls_the_session_cookie_is_secure_and_plain_http_gets_nothing() {
    let s = Scratch::new();
    let r = s.run(&["token", "create", "--role", "viewer"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let token = r.stdout.trim().to_string();
    let (ca, cert, key) = certificates(&s);
    let (cert, key) = (cert.to_string_lossy(), key.to_string_lossy());
    let srv = Server::start(&s, &["--tls-cert", &cert, "--tls-key", &key]);
    let body = format!(r#"{{"token":"{token}"}}"#);
    let answer = https(
        &srv.addr,
        &ca,
        &format!(
            "POST /api/session/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let cookie_line = answer
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(
            cookie_line.split(';').any(|p| p.trim() == flag),
            "{flag} missing: {cookie_line}"
        );
    }
    let pair = cookie_line["set-cookie:".len()..]
        .trim()
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let answer = https(
        &srv.addr,
        &ca,
        &format!("GET /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {pair}\r\n\r\n"),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"role\":\"viewer\""), "{answer}");
    // Plain HTTP on the TLS port is not answered as HTTP.
    let (status, _, _) = std::panic::catch_unwind(|| srv.call("GET", "/healthz", &[], b""))
        .unwrap_or((0, String::new(), Vec::new()));
    assert_ne!(status, 200, "plain HTTP was served on the TLS port");
}

#[test]
fn a_scan_job_sees_canaries_and_opens_the_recipients_incident() {
    let s = Scratch::new();
    let token = setup(&s, "smtp://127.0.0.1:9", 4);
    let admin = format!("Bearer {token}");
    let r = s.run(&[
        "canary",
        "issue",
        "--recipient",
        "Acme Fulfilment",
        "--count",
        "2",
        "--domain",
        "canary.shop.example",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let addresses: Vec<String> = r
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').find(|c| c.contains('@')).map(str::to_string))
        .collect();
    assert_eq!(addresses.len(), 2, "{}", r.stdout);
    s.write("exports/acme.csv", r.stdout.as_bytes());
    let root = s.path("").to_string_lossy().into_owned();
    let srv = Server::start(&s, &["--scan-root", &root]);
    let dir = s.path("exports").to_string_lossy().into_owned();
    let scan = |srv: &Server| {
        let (status, job) = srv.json(
            "POST",
            "/api/scans",
            &admin,
            &format!(r#"{{"path":"{dir}"}}"#),
        );
        assert_eq!(status, 202, "{job}");
        let job = srv.wait_job(&admin, job["id"].as_str().expect("job id"));
        assert_eq!(job["state"], "succeeded", "{job}");
        job
    };
    let job = scan(&srv);
    assert!(
        job["progress"]["canaries"].as_u64().is_some_and(|n| n >= 2),
        "{job}"
    );
    let opened = job["progress"]["canary_incidents"]
        .as_array()
        .expect("incidents")
        .clone();
    assert_eq!(opened.len(), 1, "{job}");
    let id = opened[0].as_str().expect("id").to_string();
    let (status, inc) = srv.json("GET", &format!("/api/incidents/{id}"), &admin, "");
    assert_eq!(status, 200, "{inc}");
    let text = inc.to_string();
    assert!(
        text.contains("Canary sighting: data given to Acme Fulfilment"),
        "{inc}"
    );
    assert!(text.contains("at most"), "the bounded extent: {inc}");
    assert!(text.contains("canary scan sighting"), "the evidence: {inc}");
    let (status, list) = srv.json("GET", "/api/incidents", &admin, "");
    assert_eq!(status, 200);
    let titles = list.to_string();
    assert_eq!(titles.matches("Canary sighting").count(), 1, "{list}");

    // The same file again: the same incident, nothing new.
    let again = scan(&srv);
    assert_eq!(again["progress"]["canary_incidents"][0], id.as_str());
    let (_, list) = srv.json("GET", "/api/incidents", &admin, "");
    assert_eq!(list.to_string().matches("Canary sighting").count(), 1);
    let (status, v) = srv.json(
        "GET",
        &format!("/api/incidents/{id}/audit/verify"),
        &admin,
        "",
    );
    assert_eq!((status, &v["ok"]), (200, &Value::Bool(true)), "{v}");

    let log_path = srv.log.clone();
    drop(srv);
    let log = std::fs::read_to_string(log_path).expect("server log");
    assert!(log.contains("canary sightings recorded"), "{log}");
    for a in &addresses {
        assert!(!log.contains(a.as_str()), "the log shows a canary address");
    }
}

#[test]
fn the_api_runs_on_postgresql_when_configured() {
    let Some(url) = bw_testkit::postgres_url() else {
        eprintln!("no PostgreSQL URL set: skipping");
        return;
    };
    let s = Scratch::new();
    let n = 8;
    // Registry and contacts as everywhere; the token and users in PostgreSQL.
    let sqlite_token = seed_registry(&s, "smtp://127.0.0.1:9", n, "unused");
    let r = s.run(&[
        "token",
        "create",
        "--role",
        "admin",
        "--name",
        "pg",
        "--database",
        &url,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let admin = format!("Bearer {}", r.stdout.trim());
    let root = s.path("").to_string_lossy().into_owned();
    let srv = Server::start(&s, &["--scan-root", &root, "--database", &url]);
    let (status, v) = srv.json(
        "POST",
        "/api/incidents",
        &admin,
        r#"{"title":"pg serve","description":"A test on PostgreSQL.","discovered_at":"2026-11-20T09:00:00Z"}"#,
    );
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_string();
    let mut leak = String::from("name,email\n");
    for i in 0..n {
        leak.push_str(&format!("Given{i} Family{i},{}\n", email(i)));
    }
    s.write("pgleak/list.csv", leak.as_bytes());
    let (status, _, body) = srv.call(
        "POST",
        &format!("/api/incidents/{id}/evidence?name=list.csv"),
        &[("Authorization", &admin)],
        leak.as_bytes(),
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    for (query, total) in [("", n), ("?jurisdiction=US-NY", n / 4), ("?field=phone", 0)] {
        let (status, page) = srv.json(
            "GET",
            &format!("/api/incidents/{id}/affected{query}"),
            &admin,
            "",
        );
        assert_eq!(
            (status, &page["total"]),
            (200, &Value::from(total)),
            "{query}: {page}"
        );
    }
    let dir = s.path("pgleak").to_string_lossy().into_owned();
    let (status, job) = srv.json(
        "POST",
        "/api/scans",
        &admin,
        &format!(r#"{{"path":"{dir}"}}"#),
    );
    assert_eq!(status, 202, "{job}");
    let scan = job["id"].as_str().expect("job id").to_string();
    let job = srv.wait_job(&admin, &scan);
    assert_eq!(job["state"], "succeeded", "{job}");
    let (status, page) = srv.json(
        "GET",
        &format!("/api/scans/{scan}/findings?kind=email"),
        &admin,
        "",
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(n), "{page}");
    assert!(
        !page.to_string().contains(&email(0)),
        "a raw email in {page}"
    );
    let (status, v) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/status"),
        &admin,
        r#"{"status":"triaged"}"#,
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = srv.json(
        "GET",
        &format!("/api/incidents/{id}/audit/verify"),
        &admin,
        "",
    );
    assert_eq!((status, &v["ok"]), (200, &Value::Bool(true)), "{v}");
    let (_, _, metrics) = srv.call("GET", "/metrics", &[("Authorization", &admin)], b"");
    assert!(
        String::from_utf8_lossy(&metrics)
            .contains("breachwatch_jobs{kind=\"scan\",state=\"succeeded\"}"),
        "the job counts come from PostgreSQL"
    );
    // The server reads PostgreSQL only: the token seeded in the default
    // SQLite store is unknown to it.
    let (status, _) = srv.json("GET", "/api/session", &format!("Bearer {sqlite_token}"), "");
    assert_eq!(status, 401);
}

/// Scope jobs and evidence uploads check what they read for canaries as
/// scan jobs do: the sighting lands on the recipient's one incident, the
/// upload's named as the upload; a scan job's findings page holds the
/// `canary` finding, redacted.
#[test]
fn scope_jobs_and_uploads_see_canaries_and_scan_jobs_list_them() {
    let s = Scratch::new();
    let token = setup(&s, "smtp://127.0.0.1:9", 4);
    let admin = format!("Bearer {token}");
    let r = s.run(&[
        "canary",
        "issue",
        "--recipient",
        "Acme Fulfilment",
        "--count",
        "2",
        "--domain",
        "canary.shop.example",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let addresses: Vec<String> = lines[1..]
        .iter()
        .filter_map(|l| l.split(',').find(|c| c.contains('@')).map(str::to_string))
        .collect();
    assert_eq!(addresses.len(), 2, "{}", r.stdout);
    s.write("exports/acme.csv", r.stdout.as_bytes());
    let one_row = format!("{}\n{}\n", lines[0], lines[1]);
    s.write("upload/share.csv", one_row.as_bytes());
    let root = s.path("").to_string_lossy().into_owned();
    let srv = Server::start(&s, &["--scan-root", &root]);

    let (status, inc) = srv.json(
        "POST",
        "/api/incidents",
        &admin,
        r#"{"title":"Vendor share found","description":"A file turned up.","discovered_at":"2026-11-20T09:00:00Z"}"#,
    );
    assert_eq!(status, 201, "{inc}");
    let id = inc["id"].as_str().expect("id").to_string();

    // A scope job over a server file.
    let file = s.path("exports/acme.csv").to_string_lossy().into_owned();
    let (status, job) = srv.json(
        "POST",
        &format!("/api/incidents/{id}/scope"),
        &admin,
        &format!(r#"{{"paths":["{file}"]}}"#),
    );
    assert_eq!(status, 202, "{job}");
    let job = srv.wait_job(&admin, job["id"].as_str().expect("job id"));
    assert_eq!(job["state"], "succeeded", "{job}");
    assert!(
        job["progress"]["canaries"].as_u64().is_some_and(|n| n >= 2),
        "{job}"
    );
    let opened = job["progress"]["canary_incidents"]
        .as_array()
        .expect("incidents")
        .clone();
    assert_eq!(opened.len(), 1, "{job}");
    let canary_id = opened[0].as_str().expect("id").to_string();
    assert_ne!(canary_id, id, "the recipient's own incident");
    let evidence = |srv: &Server| -> String {
        let (status, inc) = srv.json("GET", &format!("/api/incidents/{canary_id}"), &admin, "");
        assert_eq!(status, 200, "{inc}");
        assert!(
            inc.to_string()
                .contains("Canary sighting: data given to Acme Fulfilment"),
            "{inc}"
        );
        inc["evidence"].to_string()
    };
    let ev = evidence(&srv);
    assert!(
        ev.contains("canary scan sighting") && ev.contains("acme.csv"),
        "{ev}"
    );

    // An evidence upload: the sighting names the upload, not the staging file.
    let (status, _, body) = srv.call(
        "POST",
        &format!("/api/incidents/{id}/evidence?name=vendor-share.csv"),
        &[
            ("Authorization", &admin),
            ("Content-Type", "application/octet-stream"),
        ],
        one_row.as_bytes(),
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let up: Value = serde_json::from_slice(&body).expect("json");
    assert!(up["canaries"].as_u64().is_some_and(|n| n >= 1), "{up}");
    assert_eq!(up["canary_incidents"][0], canary_id.as_str(), "{up}");
    let ev = evidence(&srv);
    assert!(ev.contains("upload:vendor-share.csv"), "{ev}");
    assert!(!ev.contains(".upload"), "the staging file's name: {ev}");
    let (_, list) = srv.json("GET", "/api/incidents", &admin, "");
    assert_eq!(list.to_string().matches("Canary sighting").count(), 1);

    // A scan job's findings: the canary finding beside the email.
    let dir = s.path("exports").to_string_lossy().into_owned();
    let (status, job) = srv.json(
        "POST",
        "/api/scans",
        &admin,
        &format!(r#"{{"path":"{dir}"}}"#),
    );
    assert_eq!(status, 202, "{job}");
    let scan_id = job["id"].as_str().expect("job id").to_string();
    let job = srv.wait_job(&admin, &scan_id);
    assert_eq!(job["state"], "succeeded", "{job}");
    let (status, page) = srv.json(
        "GET",
        &format!("/api/scans/{scan_id}/findings?kind=canary"),
        &admin,
        "",
    );
    assert_eq!(status, 200, "{page}");
    let text = page.to_string();
    assert!(
        text.matches("issued to Acme Fulfilment with export")
            .count()
            >= 2,
        "{page}"
    );
    for a in &addresses {
        assert!(!text.contains(a.as_str()), "{a} in the findings page");
    }
    let (status, v) = srv.json(
        "GET",
        &format!("/api/incidents/{canary_id}/audit/verify"),
        &admin,
        "",
    );
    assert_eq!((status, &v["ok"]), (200, &Value::Bool(true)), "{v}");

    let log_path = srv.log.clone();
    drop(srv);
    let log = std::fs::read_to_string(log_path).expect("server log");
    for a in &addresses {
        assert!(!log.contains(a.as_str()), "the log shows a canary address");
    }
}
