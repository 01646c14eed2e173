//! The object stores the tests use — an S3-compatible server
//! (`scripts/s3.sh`) and the Azure Blob emulator (`scripts/azurite.sh`) —
//! and an HTTP proxy to put in front of one that counts the requests the
//! tool sends and injects the faults a real store produces (503 SlowDown,
//! a connection dropped part-way through a body).

use std::collections::VecDeque;
use std::env;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// Where the test server is and the one key it accepts.
#[derive(Clone, Debug)]
pub struct S3Server {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    /// A bucket that exists (the script creates it); tests work under
    /// prefixes of their own in it.
    pub bucket: String,
}

/// The server from `BW_S3_ENDPOINT` (what `scripts/s3.sh` prints) with
/// `BW_S3_ACCESS_KEY` / `BW_S3_SECRET_KEY` / `BW_S3_BUCKET` (the
/// script's defaults when unset). `None` means "skip", except under `BW_REQUIRE_S3=1` (CI).
///
/// # Panics
/// With `BW_REQUIRE_S3=1` and no `BW_S3_ENDPOINT`.
pub fn s3_server() -> Option<S3Server> {
    let Some(endpoint) = env::var("BW_S3_ENDPOINT").ok().filter(|e| !e.is_empty()) else {
        if env::var("BW_REQUIRE_S3").as_deref() == Ok("1") {
            panic!("BW_REQUIRE_S3=1 but BW_S3_ENDPOINT is not set (bash scripts/s3.sh)");
        }
        eprintln!("skipped: BW_S3_ENDPOINT not set (bash scripts/s3.sh)");
        return None;
    };
    let var = |name: &str, default: &str| env::var(name).unwrap_or_else(|_| default.to_string());
    Some(S3Server {
        endpoint,
        access_key: var("BW_S3_ACCESS_KEY", "bw-test-key"),
        secret_key: var("BW_S3_SECRET_KEY", "bw-test-secret"),
        bucket: var("BW_S3_BUCKET", "bw-test"),
    })
}

/// Where the Azure Blob emulator is: its path-style endpoint (account
/// included), the account and key (Azurite's well-known development
/// ones) and a container that exists.
#[derive(Clone, Debug)]
pub struct AzuriteServer {
    pub endpoint: String,
    pub account: String,
    pub key: String,
    pub container: String,
}

/// The emulator from `BW_AZURITE_ENDPOINT` (what `scripts/azurite.sh`
/// prints). `None` means "skip", except under `BW_REQUIRE_AZURITE=1` (CI).
///
/// # Panics
/// With `BW_REQUIRE_AZURITE=1` and no `BW_AZURITE_ENDPOINT`.
pub fn azurite_server() -> Option<AzuriteServer> {
    let Some(endpoint) = env::var("BW_AZURITE_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
    else {
        if env::var("BW_REQUIRE_AZURITE").as_deref() == Ok("1") {
            panic!(
                "BW_REQUIRE_AZURITE=1 but BW_AZURITE_ENDPOINT is not set (bash scripts/azurite.sh)"
            );
        }
        eprintln!("skipped: BW_AZURITE_ENDPOINT not set (bash scripts/azurite.sh)");
        return None;
    };
    Some(AzuriteServer {
        endpoint,
        account: "devstoreaccount1".into(),
        key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
            .into(),
        container: env::var("BW_AZURITE_CONTAINER").unwrap_or_else(|_| "bw-test".into()),
    })
}

/// A fault for the next object GET whose path contains a given text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer `503 SlowDown` without asking the server.
    SlowDown,
    /// Relay the server's answer, then close the connection after this
    /// many body bytes.
    DropAfter(usize),
}

/// One request as the proxy saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
}

impl Seen {
    /// A GET of an object (not a bucket listing).
    pub fn is_object_get(&self) -> bool {
        let (path, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        self.method == "GET"
            && path.trim_start_matches('/').contains('/')
            && !query.contains("list-type")
    }
}

#[derive(Default)]
struct State {
    seen: Vec<Seen>,
    faults: VecDeque<(String, Fault)>,
}

/// A proxy on 127.0.0.1 in front of `upstream`: one request per
/// connection (it answers `Connection: close`), so each can be counted
/// and broken on its own. Stops with the test process.
pub struct Proxy {
    pub endpoint: String,
    state: Arc<Mutex<State>>,
}

impl Proxy {
    /// # Panics
    /// If it cannot listen on a local port.
    pub fn start(upstream: &str) -> Proxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("the proxy listens");
        let endpoint = format!("http://{}", listener.local_addr().expect("a local address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let state = shared.clone();
                let upstream = upstream.clone();
                thread::spawn(move || {
                    // A client that goes away mid-request is not the
                    // test's failure; what it saw is.
                    let _ = relay(client, &upstream, &state);
                });
            }
        });
        Proxy { endpoint, state }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state().seen.clone()
    }

    /// Object GETs so far.
    pub fn object_gets(&self) -> usize {
        self.state()
            .seen
            .iter()
            .filter(|s| s.is_object_get())
            .count()
    }

    pub fn clear(&self) {
        self.state().seen.clear();
    }

    /// Breaks the next object GET whose path contains `key` with `fault`
    /// (queue several for several GETs).
    pub fn fault(&self, key: &str, fault: Fault) {
        self.state().faults.push_back((key.to_string(), fault));
    }
}

fn read_head(r: &mut impl BufRead) -> io::Result<Vec<String>> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            return Ok(lines);
        }
        lines.push(line);
    }
}

fn content_length(head: &[String]) -> usize {
    head.iter()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

/// The head with `Connection: close` instead of whatever it said.
fn closing(head: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in head {
        let is_connection = line
            .split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"));
        if !is_connection {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out
}

fn relay(client: TcpStream, upstream: &str, state: &Mutex<State>) -> io::Result<()> {
    let mut from_client = BufReader::new(client.try_clone()?);
    let mut to_client = client;
    let head = read_head(&mut from_client)?;
    let mut body = vec![0; content_length(&head)];
    from_client.read_exact(&mut body)?;
    let mut parts = head.first().map(|l| l.split(' ')).into_iter().flatten();
    let seen = Seen {
        method: parts.next().unwrap_or_default().to_string(),
        target: parts.next().unwrap_or_default().to_string(),
    };
    let fault = {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        st.seen.push(seen.clone());
        let at = seen
            .is_object_get()
            .then(|| {
                st.faults
                    .iter()
                    .position(|(k, _)| seen.target.contains(k.as_str()))
            })
            .flatten();
        at.and_then(|i| st.faults.remove(i)).map(|(_, f)| f)
    };
    if fault == Some(Fault::SlowDown) {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>\
                    <Message>Please reduce your request rate.</Message></Error>";
        write!(
            to_client,
            "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )?;
        return to_client.flush();
    }
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(&closing(&head))?;
    server.write_all(&body)?;
    let mut from_server = BufReader::new(server);
    let response = read_head(&mut from_server)?;
    to_client.write_all(&closing(&response))?;
    match fault {
        Some(Fault::DropAfter(n)) => {
            let mut part = vec![0; n];
            from_server.read_exact(&mut part)?;
            to_client.write_all(&part)?;
            to_client.flush()?;
            to_client.shutdown(Shutdown::Both)
        }
        _ => {
            io::copy(&mut from_server, &mut to_client)?;
            to_client.flush()
        }
    }
}
