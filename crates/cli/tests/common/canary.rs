//! What the canary tests share: a home with a registry, canaries issued
//! to a recipient, the SMTP listener as a child process, a real SMTP
//! client (Python's `smtplib`) and readers of the incidents and sightings
//! the canaries made.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use bw_store::{IncidentId, Store, SQLITE_FILE_NAME};

use super::Scratch;

pub const DOMAIN: &str = "canary.shopmail.com";
pub const RECIPIENT: &str = "Acme Fulfilment";

pub fn python() -> String {
    std::env::var("BW_SMTP_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A home with a registry holding one customer.
pub fn home() -> Scratch {
    let s = Scratch::new();
    let r = s.run(&["registry", "init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    s.write(
        "customers.csv",
        b"customer_id,email,first_name,last_name,phone,country,region\n\
          C1,ann.lee@shop.example.com,Ann,Lee,+1 415 555 0100,US,CA\n",
    );
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    s
}

/// Issues `n` canaries to `recipient` like `export`; returns the printed rows.
pub fn issue(s: &Scratch, recipient: &str, n: usize, export: &str) -> Vec<String> {
    let r = s.run(&[
        "canary",
        "issue",
        "--recipient",
        recipient,
        "--count",
        &n.to_string(),
        "--domain",
        DOMAIN,
        "--like",
        export,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.lines().map(str::to_string).collect()
}

pub fn export(s: &Scratch) -> &'static str {
    s.write(
        "acme.csv",
        b"id,email,first_name,last_name,phone,city,country\n\
          X-0001,bo@real.example.com,Bo,Real,(212) 555-1234,NYC,US\n\
          X-0002,cy@real.example.com,Cy,Real,(303) 555-9876,Denver,US\n",
    );
    "acme.csv"
}

/// Canary emails of a recipient, from `list --reveal`.
pub fn emails(s: &Scratch, recipient: &str) -> Vec<String> {
    let r = s.run(&[
        "canary",
        "list",
        "--reveal",
        "--format",
        "jsonl",
        "--recipient",
        recipient,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.jsonl()
        .iter()
        .map(|v| v["canary"]["email"].as_str().expect("email").to_string())
        .collect()
}

pub struct Listen {
    child: Child,
    pub addr: SocketAddr,
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn listen(s: &Scratch, extra: &[&str]) -> Listen {
    let mut args = vec!["canary", "listen", "--smtp", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut child = s
        .cmd(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start listener");
    let mut line = String::new();
    let out = child.stdout.take().expect("stdout");
    BufReader::new(out)
        .read_line(&mut line)
        .expect("first line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Listen { child, addr }
}

/// Sends one message with Python's smtplib; returns its exit status and
/// stderr (the SMTP error, if any).
pub fn smtplib(addr: SocketAddr, to: &[&str], subject: &str) -> (bool, String) {
    let script = r#"
import smtplib, sys
from email.message import EmailMessage
host, port, subject = sys.argv[1], int(sys.argv[2]), sys.argv[3]
to = sys.argv[4:]
m = EmailMessage()
m["From"] = "spammer@elsewhere.example.net"
m["To"] = ", ".join(to)
m["Subject"] = subject
m.set_content("Hello, we found your details in a list.\n")
with smtplib.SMTP(host, port, timeout=20) as s:
    s.send_message(m, from_addr="bounce@elsewhere.example.net", to_addrs=to)
"#;
    let mut cmd = Command::new(python());
    cmd.args(["-c", script, "127.0.0.1", &addr.port().to_string(), subject]);
    cmd.args(to);
    let out = cmd.output().expect("run python smtplib");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// (id, title, description, evidence sources) of every incident.
pub fn incidents(s: &Scratch) -> Vec<(IncidentId, String, String, Vec<String>)> {
    let db = s.path("home").join(SQLITE_FILE_NAME);
    rt().block_on(async {
        let store = Store::open_sqlite(&db).await.expect("open store");
        let mut out = Vec::new();
        for i in store.list_incidents().await.expect("list") {
            let full = store.incident(&i.id).await.expect("incident");
            let ev = store.evidence(&i.id).await.expect("evidence");
            let v = store.verify(&i.id).await.expect("verify");
            assert!(
                v.first_broken.is_none() && v.state_mismatches.is_empty(),
                "audit chain of {} verifies",
                i.id
            );
            out.push((
                i.id,
                full.title,
                full.description,
                ev.into_iter().map(|e| e.source).collect(),
            ));
        }
        store.close().await;
        out
    })
}

/// Every sighting recorded, details opened with the home's display key.
pub fn sightings(s: &Scratch) -> Vec<bw_canary::db::Sighting> {
    let db = bw_canary::db::CanaryDb::open(&s.path("home/canary/canary.sqlite3")).expect("db");
    let key = bw_canary::crypt::DisplayKey::load(&s.path("home/keys/canary.key")).expect("key");
    db.sightings(None, &key).expect("sightings")
}
