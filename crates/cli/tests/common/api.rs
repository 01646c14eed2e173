//! The API of a running `breachwatch serve` over a plain TCP stream (so
//! the tests see the server's bytes as they are), with the SMTP and server
//! processes and the seeded home the `serve*.rs` tests start from.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::serve::{add_user, seed_registry, smtp_python, start_server, start_smtp, Proc};
use super::Scratch;

pub const PASSWORD: &str = "correct horse battery staple 42";

pub struct Smtp {
    pub _proc: Proc,
    pub port: u16,
    pub log: PathBuf,
}

impl Smtp {
    pub fn start(s: &Scratch) -> Option<Smtp> {
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
pub struct Server {
    pub proc: Proc,
    pub addr: String,
    pub log: PathBuf,
}

impl Server {
    pub fn start(s: &Scratch, extra: &[&str]) -> Server {
        let mut args = vec!["--log", "debug"];
        args.extend_from_slice(extra);
        let (proc, addr) = start_server(s, &args);
        Server {
            proc,
            addr,
            log: s.path("server.log"),
        }
    }

    /// One request over a fresh connection: (status, headers, body).
    pub fn call(
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

    pub fn json(&self, method: &str, path: &str, auth: &str, body: &str) -> (u16, Value) {
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

    pub fn wait_job(&self, auth: &str, id: &str) -> Value {
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

pub fn split(raw: &[u8]) -> (u16, String, Vec<u8>) {
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

pub fn unchunk(mut b: &[u8]) -> Vec<u8> {
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
pub fn setup(s: &Scratch, smtp_url: &str, n: usize) -> String {
    let token = seed_registry(s, smtp_url, n, "ops");
    add_user(s, "alice", PASSWORD, "analyst");
    token
}

impl Server {
    /// Polls job `id` until `done` holds for it.
    pub fn wait_for(&self, auth: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let (status, job) = self.json("GET", &format!("/api/jobs/{id}"), auth, "");
            assert_eq!(status, 200, "{job}");
            if done(&job) {
                return job;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "job {id}: {job}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
