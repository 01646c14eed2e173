//! Set-up shared by the tests that run `breachwatch serve` as a process
//! (`serve.rs`, `dashboard.rs`): the SMTP and HTTP server processes, the
//! seeded registry and config, users.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::Scratch;

pub const PLACES: [(&str, &str); 4] = [("US", "CA"), ("US", "NY"), ("DE", ""), ("FR", "")];

/// The seeded customer `i`'s email address.
pub fn email(i: usize) -> String {
    format!("seeded.person{i}@shopper-mail.example")
}

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `BW_SMTP_PYTHON`, else `python3` if it has aiosmtpd.
pub fn smtp_python() -> Option<String> {
    if let Ok(p) = std::env::var("BW_SMTP_PYTHON") {
        return Some(p);
    }
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| "python3".to_string())
}

/// A child process killed on drop.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `scripts/smtp_server.py` on a free port, logging what it accepts to
/// `log`; returns once it is READY.
pub fn start_smtp(python: &str, log: &Path) -> (Proc, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new(python)
        .arg(workspace().join("scripts/smtp_server.py"))
        .args(["--port", &port.to_string(), "--log"])
        .arg(log)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the SMTP server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("READY");
    assert_eq!(line.trim(), "READY");
    (Proc(child), port)
}

/// `breachwatch serve` on a free port with `extra` arguments, stderr to
/// `server.log`; returns (process, address) once it listens.
pub fn start_server(s: &Scratch, extra: &[&str]) -> (Proc, String) {
    let log = std::fs::File::create(s.path("server.log")).expect("log file");
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut child = s
        .cmd(&args)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("start breachwatch serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the listening line");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .or_else(|| line.trim().strip_prefix("listening on https://"))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (Proc(child), addr)
}

/// `breachwatch user add NAME --role ROLE`, the password on stdin.
pub fn add_user(s: &Scratch, name: &str, password: &str, role: &str) {
    let mut add = s
        .cmd(&["user", "add", name, "--role", role, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    let out = add.wait_with_output().expect("user add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A registry of `n` customers spread over `PLACES`, their contacts in
/// `customers.csv`, notify settings sending through `smtp_url`, and an
/// admin token named `token_name`, which is returned.
pub fn seed_registry(s: &Scratch, smtp_url: &str, n: usize, token_name: &str) -> String {
    let mut csv = String::from("customer_id,email,first_name,last_name,phone,country,region\n");
    for i in 0..n {
        let (c, r) = PLACES[i % PLACES.len()];
        csv.push_str(&format!(
            "cust-{i:04},{},Given{i},Family{i},,{c},{r}\n",
            email(i)
        ));
    }
    s.write("customers.csv", csv.as_bytes());
    s.write(
        "home/config.toml",
        format!(
            r#"[notify]
from = "Example Shop <privacy@shop.example>"
smtp-url = "{smtp_url}"
company-name = "Example Shop"
contact = "privacy@shop.example or 1-800-555-0100"
measures = "We fixed the page error the same day and reviewed every page."
advice = "Be wary of messages that mention your orders; we never ask for passwords."
consequences = "You may receive unwanted email or phishing attempts."
"#
        )
        .as_bytes(),
    );
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = s.run(&["token", "create", "--role", "admin", "--name", token_name]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}
