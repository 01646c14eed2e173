//! `breachwatch canary`: canaries issued to a recipient, seen in a scanned
//! folder and in mail sent by a real SMTP client (Python's `smtplib`, from
//! `BW_SMTP_PYTHON` or `python3`), become one incident naming the recipient;
//! the webhook alert survives a failing receiver; hostile SMTP sessions do
//! not stop the listener; canaries never equal registry customers.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bw_store::{IncidentId, Store, SQLITE_FILE_NAME};
use common::Scratch;
use serde_json::Value;

const DOMAIN: &str = "canary.shopmail.com";
const RECIPIENT: &str = "Acme Fulfilment";

fn python() -> String {
    std::env::var("BW_SMTP_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A home with a registry holding one customer.
fn home() -> Scratch {
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
fn issue(s: &Scratch, recipient: &str, n: usize, export: &str) -> Vec<String> {
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

fn export(s: &Scratch) -> &'static str {
    s.write(
        "acme.csv",
        b"id,email,first_name,last_name,phone,city,country\n\
          X-0001,bo@real.example.com,Bo,Real,(212) 555-1234,NYC,US\n\
          X-0002,cy@real.example.com,Cy,Real,(303) 555-9876,Denver,US\n",
    );
    "acme.csv"
}

/// Canary emails of a recipient, from `list --reveal`.
fn emails(s: &Scratch, recipient: &str) -> Vec<String> {
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

struct Listen {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listen(s: &Scratch, extra: &[&str]) -> Listen {
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
fn smtplib(addr: SocketAddr, to: &[&str], subject: &str) -> (bool, String) {
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

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// (id, title, description, evidence sources) of every incident.
fn incidents(s: &Scratch) -> Vec<(IncidentId, String, String, Vec<String>)> {
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
fn sightings(s: &Scratch) -> Vec<bw_canary::db::Sighting> {
    let db = bw_canary::db::CanaryDb::open(&s.path("home/canary/canary.sqlite3")).expect("db");
    let key = bw_canary::crypt::DisplayKey::load(&s.path("home/keys/canary.key")).expect("key");
    db.sightings(None, &key).expect("sightings")
}

#[test]
fn a_mail_to_a_canary_opens_one_incident_and_a_second_canary_updates_it() {
    let s = home();
    issue(&s, RECIPIENT, 3, export(&s));
    let e = emails(&s, RECIPIENT);
    let l = listen(&s, &[]);
    let (ok, err) = smtplib(l.addr, &[&e[0]], "Your order qzx-first-subject");
    assert!(ok, "{err}");
    let inc = incidents(&s);
    assert_eq!(inc.len(), 1);
    // The sighting's details, sealed: envelope sender, client, time,
    // subject, headers and the message's hash.
    let seen = sightings(&s);
    assert_eq!(seen.len(), 1, "{seen:?}");
    let d = seen[0]
        .detail
        .as_ref()
        .expect("a mail sighting has details");
    assert_eq!(seen[0].channel, "mail");
    assert_eq!(seen[0].sha256.len(), 64);
    assert_eq!(d["envelope_from"], "bounce@elsewhere.example.net", "{d}");
    assert_eq!(d["client"], "127.0.0.1", "{d}");
    assert_eq!(d["subject"], "Your order qzx-first-subject", "{d}");
    assert!(d["at"].as_str().is_some_and(|t| t.starts_with("20")), "{d}");
    let headers = d["headers"].to_string();
    assert!(headers.contains("spammer@elsewhere.example.net"), "{d}");
    assert_eq!(
        inc[0].1,
        format!("Canary sighting: data given to {RECIPIENT}")
    );
    assert_eq!(inc[0].3.len(), 1);
    // Spam to two more canaries of the same recipient, and to an unknown
    // address at the domain: the same incident, one more evidence.
    let unknown = format!("nobody.here1@{DOMAIN}");
    let (ok, err) = smtplib(l.addr, &[&e[1], &e[2], &unknown], "second");
    assert!(ok, "{err}");
    let inc = incidents(&s);
    assert_eq!(inc.len(), 1, "still one incident");
    assert_eq!(inc[0].3.len(), 2);
    assert!(inc[0].3[1].contains("mail"), "{:?}", inc[0].3);
    // Relaying for another domain is refused.
    let (ok, _) = smtplib(l.addr, &["someone@gmail.com"], "relay");
    assert!(!ok);
    drop(l);
    let st = s.run(&["canary", "stats", "--format", "jsonl"]);
    let lines = st.jsonl();
    assert_eq!(lines[0]["recipient"]["sightings"], 3, "{}", st.stdout);
    assert_eq!(lines[1]["unknown_rcpt"][DOMAIN], 1, "{}", st.stdout);
    // The state file holds no canary address, sender or subject in clear.
    let state = std::fs::read(s.path("home/canary/canary.sqlite3")).expect("state");
    let mail = [
        "bounce@elsewhere.example.net".to_string(),
        "spammer@elsewhere.example.net".to_string(),
        "qzx-first-subject".to_string(),
    ];
    for e in e.iter().chain(&mail) {
        assert!(
            !state.windows(e.len()).any(|w| w == e.as_bytes()),
            "{e} in clear"
        );
    }
}

/// (status answered, body) of each request a receiver got.
type Received = Arc<Mutex<Vec<(u16, String)>>>;

/// A webhook receiver answering each request with the next status.
fn receiver(statuses: Vec<u16>) -> (SocketAddr, Received) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        let mut statuses = statuses.into_iter();
        for conn in l.incoming() {
            let Ok(mut c) = conn else { continue };
            let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let body = loop {
                let n = c.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).into_owned();
                if let Some(i) = text.find("\r\n\r\n") {
                    let len = text[..i]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if buf.len() >= i + 4 + len {
                        break Some(text[i + 4..i + 4 + len].to_string());
                    }
                }
            };
            let Some(body) = body else { continue };
            let status = statuses.next().unwrap_or(200);
            let _ = write!(
                c,
                "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            g.lock().expect("lock").push((status, body));
        }
    });
    (addr, got)
}

#[test]
fn a_webhook_failing_twice_gets_the_alert_once() {
    let s = home();
    let rows = issue(&s, RECIPIENT, 2, export(&s));
    s.write(
        "leak/dump.csv",
        format!("a,b\n{}\n", rows.join("\n")).as_bytes(),
    );
    let (addr, got) = receiver(vec![500, 500, 200]);
    let url = format!("http://{addr}/hook");
    let args = [
        "canary",
        "check",
        "leak",
        "--webhook",
        &url,
        "--webhook-backoff-ms",
        "50",
    ];
    let r = s.run(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    {
        let got = got.lock().expect("lock");
        let statuses: Vec<u16> = got.iter().map(|g| g.0).collect();
        assert_eq!(statuses, [500, 500, 200]);
        let alert: Value = serde_json::from_str(&got[2].1).expect("json");
        assert_eq!(alert["recipient"], RECIPIENT);
        assert_eq!(alert["given"][0]["rows"], 4);
        // Addresses never leave in an alert.
        assert!(!got[2].1.contains(DOMAIN), "{}", got[2].1);
    }
    // The same file again: nothing new, no second alert.
    let r = s.run(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(got.lock().expect("lock").len(), 3);
    let st = s.run(&["canary", "stats"]);
    assert!(
        st.stdout
            .contains("delivered after 3 attempts (last error: HTTP 500)"),
        "{}",
        st.stdout
    );
}

fn read_reply(r: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return String::new();
        }
        // Multi-line replies ("250-…") end at "250 …".
        if line.as_bytes().get(3) != Some(&b'-') {
            return line;
        }
    }
}

fn connect(addr: SocketAddr) -> (TcpStream, BufReader<TcpStream>) {
    let c = TcpStream::connect(addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let r = BufReader::new(c.try_clone().expect("clone"));
    (c, r)
}

#[test]
fn hostile_sessions_leave_the_listener_serving_others() {
    let s = home();
    issue(&s, RECIPIENT, 1, export(&s));
    let e = emails(&s, RECIPIENT);
    let l = listen(&s, &["--idle-secs", "3"]);
    let addr = l.addr;
    let canary = e[0].clone();

    // Slowloris: connections that say hello and then nothing.
    let slow: Vec<TcpStream> = (0..50)
        .map(|_| {
            let (mut c, mut r) = connect(addr);
            read_reply(&mut r);
            c.write_all(b"HELO slow\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<")
                .expect("write");
            c
        })
        .collect();
    let garbage = std::thread::spawn(move || {
        let (mut c, mut r) = connect(addr);
        read_reply(&mut r);
        let mut junk: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        junk.extend_from_slice(b"\r\n\x00\xff\r\n");
        let _ = c.write_all(&junk);
        let mut replies = Vec::new();
        loop {
            let x = read_reply(&mut r);
            if x.is_empty() {
                break;
            }
            replies.push(x);
        }
        replies
    });
    let flood = std::thread::spawn(move || {
        let (mut c, mut r) = connect(addr);
        read_reply(&mut r);
        let mut cmds = String::from("EHLO flood\r\nMAIL FROM:<a@b.c>\r\n");
        for i in 0..10_000 {
            cmds.push_str(&format!("RCPT TO:<x{i}@{DOMAIN}>\r\n"));
        }
        // The server may close before reading all of it.
        let _ = c.write_all(cmds.as_bytes());
        let (mut ok, mut last) = (0, String::new());
        loop {
            let x = read_reply(&mut r);
            if x.is_empty() {
                break;
            }
            if x.starts_with("250") {
                ok += 1;
            }
            last = x;
        }
        (ok, last)
    });
    let big = std::thread::spawn(move || {
        let (mut c, mut r) = connect(addr);
        read_reply(&mut r);
        for cmd in [
            "HELO big\r\n".to_string(),
            "MAIL FROM:<a@b.c>\r\n".to_string(),
            format!("RCPT TO:<{canary}>\r\n"),
            "DATA\r\n".to_string(),
        ] {
            c.write_all(cmd.as_bytes()).expect("write");
            read_reply(&mut r);
        }
        let line = format!("{}\r\n", "x".repeat(998));
        let block = line.repeat(1024);
        for _ in 0..(50 << 20) / block.len() {
            c.write_all(block.as_bytes()).expect("write 50 MB");
        }
        c.write_all(b".\r\n").expect("end");
        read_reply(&mut r)
    });

    // Meanwhile a real client gets through.
    let t0 = Instant::now();
    let (ok, err) = smtplib(addr, &[&e[0]], "good");
    assert!(ok, "{err}");
    assert!(t0.elapsed() < Duration::from_secs(10));

    let replies = garbage.join().expect("garbage");
    assert!(replies.iter().any(|r| r.starts_with("500")), "{replies:?}");
    let (ok, last) = flood.join().expect("flood");
    assert!(ok <= 102, "at most 100 recipients, EHLO and MAIL: {ok}");
    assert!(last.starts_with("421"), "{last}");
    let big = big.join().expect("big");
    assert!(big.starts_with("552"), "{big}");
    // Slowloris sessions are cut at the idle limit: HELO and MAIL were
    // answered, then 421 and the end of the connection.
    for c in slow {
        let mut r = BufReader::new(c);
        let mut replies = Vec::new();
        loop {
            let x = read_reply(&mut r);
            if x.is_empty() {
                break;
            }
            replies.push(x);
        }
        assert!(
            replies.last().is_some_and(|x| x.starts_with("421")),
            "{replies:?}"
        );
    }
    // Only the good message is a sighting.
    let inc = incidents(&s);
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0].3.len(), 1, "{:?}", inc[0].3);
}

#[test]
fn canaries_never_equal_registry_customers() {
    use bw_canary::crypt::DisplayKey;
    use bw_canary::db::{equals_customer, CanaryDb, IssueRequest};
    use bw_canary::gen::{draw, Names};
    use bw_canary::like::Shape;
    use bw_registry::{Fingerprinter, ImportOptions, Key, Registry};
    use bw_testkit::SplitMix64;

    let names = Names::load();
    for seed in 0..8u64 {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = Key::from_bytes([seed as u8 + 1; 32]);
        let reg_dir = dir.path().join("registry");
        bw_registry::init(&reg_dir, &key).expect("init");
        // Customers drawn by the canary generator itself with the seed the
        // issue below uses, so every first draw of the issue collides.
        let mut src = {
            let mut r = SplitMix64::new(seed);
            move || r.next_u64()
        };
        let mut csv = String::from("customer_id,email,first_name,last_name,phone,country,region\n");
        for i in 0..300 {
            let c = draw(
                &mut src,
                &names,
                DOMAIN,
                ["US", "GB", "AU", "CA", "FR"][i % 5],
                None,
            )
            .expect("draw");
            csv.push_str(&format!(
                "K{i},{},{},{},{},{},\n",
                c.email, c.first, c.last, c.phone_e164, c.country
            ));
        }
        bw_registry::import_csv(&reg_dir, &key, csv.as_bytes(), &ImportOptions::default())
            .expect("import");
        let reg = Registry::open(&reg_dir, &key).expect("open");
        let mut db = CanaryDb::open(&dir.path().join("canary.sqlite3")).expect("db");
        let mut shape = Shape::default_export();
        shape.countries = [("US", 1), ("GB", 1), ("AU", 1), ("CA", 1), ("FR", 1)]
            .into_iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
        let req = IssueRequest {
            recipient: format!("R{seed}"),
            count: 200,
            domain: DOMAIN.into(),
            export: "x.csv".into(),
            shape,
        };
        let mut src = {
            let mut r = SplitMix64::new(seed);
            move || r.next_u64()
        };
        let (_, issued) = db
            .issue(
                &req,
                &names,
                &mut src,
                &Fingerprinter::new(&key),
                &DisplayKey::from_bytes([9; 32]),
                Some(&reg),
            )
            .expect("issue");
        assert_eq!(issued.len(), 200);
        for c in &issued {
            assert!(
                !equals_customer(&reg, c),
                "seed {seed}: {} equals a customer",
                c.id
            );
        }
        let mut seen = std::collections::HashSet::new();
        assert!(issued.iter().all(|c| seen.insert(c.email.clone())));
    }
}

#[test]
fn an_import_that_brings_a_canary_as_a_customer_retires_it() {
    let s = home();
    issue(&s, RECIPIENT, 2, export(&s));
    let e = emails(&s, RECIPIENT);
    s.write(
        "customers.csv",
        format!(
            "customer_id,email,first_name,last_name,phone,country,region\n\
             C1,ann.lee@shop.example.com,Ann,Lee,+1 415 555 0100,US,CA\n\
             C2,{},Real,Person,,US,\n",
            e[0]
        )
        .as_bytes(),
    );
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("retired"), "{}", r.stderr);
    let list = s.run(&["canary", "list", "--format", "jsonl"]);
    let states: Vec<String> = list
        .jsonl()
        .iter()
        .map(|v| v["state"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        states.iter().filter(|s| *s == "retired").count(),
        1,
        "{states:?}"
    );
}

fn done_when(s: &Scratch) {
    // Issue canaries into the recipient's real export.
    let rows = issue(s, RECIPIENT, 3, export(s));
    issue(s, "Other Vendor", 2, export(s));
    let mut leaked = std::fs::read_to_string(s.path("acme.csv")).expect("export");
    for r in &rows {
        leaked.push_str(r);
        leaked.push('\n');
    }
    // The export turns up in a scanned folder, gzipped…
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(leaked.as_bytes()).expect("gzip");
    s.write(
        "scanned/dump/acme-export.csv.gz",
        &gz.finish().expect("gzip"),
    );
    // `scan` itself watches for canaries once any were issued.
    let r = s.run(&["scan", "scanned", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let hits: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains(": canary CNY-"))
        .collect();
    let ids: std::collections::BTreeSet<&str> = hits
        .iter()
        .filter_map(|h| h.split(": canary ").nth(1)?.split(' ').next())
        .collect();
    assert_eq!(ids.len(), 3, "each of the 3 canaries:\n{}", r.stderr);
    for h in &hits {
        assert!(
            h.contains("acme-export.csv.gz")
                && h.contains(&format!("issued to {RECIPIENT} with acme.csv")),
            "{h}"
        );
    }
    assert!(
        r.stderr.lines().any(|l| l.starts_with("opened ")),
        "{}",
        r.stderr
    );
    // …and a mail arrives at one canary address.
    let e = emails(s, RECIPIENT);
    let l = listen(s, &[]);
    let (ok, err) = smtplib(l.addr, &[&e[1]], "Your account");
    assert!(ok, "{err}");
    drop(l);
    let inc = incidents(s);
    assert_eq!(inc.len(), 1, "one incident: {inc:?}");
    let (_, title, description, sources) = &inc[0];
    assert_eq!(
        *title,
        format!("Canary sighting: data given to {RECIPIENT}")
    );
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(
        sources[0].starts_with("canary scan sighting") && sources[0].contains("acme-export.csv.gz")
    );
    assert!(
        sources[1].starts_with("canary mail sighting"),
        "{sources:?}"
    );
    // The bound: the export's fields and rows (2 real + 3 canaries).
    for f in [
        "id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "city",
        "country",
    ] {
        assert!(description.contains(f), "{description}");
    }
    assert!(description.contains("at most 5 customers"), "{description}");
    assert!(!description.contains("Other Vendor"));
}

#[test]
fn done_when_a_scanned_export_and_a_mail_make_one_incident_with_the_bounded_extent() {
    done_when(&home());
}

#[test]
fn like_takes_the_export_shape_and_copies_no_person() {
    let s = home();
    let rows = issue(&s, RECIPIENT, 20, export(&s));
    assert_eq!(rows.len(), 20, "rows only, no header: {rows:?}");
    for row in &rows {
        let cells: Vec<&str> = row.split(',').collect();
        // id,email,first_name,last_name,phone,city,country
        assert_eq!(cells.len(), 7, "{row}");
        assert!(
            cells[0].starts_with("X-"),
            "ids shaped like the export's: {row}"
        );
        assert!(cells[1].ends_with(&format!("@{DOMAIN}")), "{row}");
        assert_eq!(cells[6], "US", "the export's only country: {row}");
        // A US phone from the fictional 555-01xx range.
        let digits: String = cells[4].chars().filter(char::is_ascii_digit).collect();
        assert!(digits.contains("55501"), "{row}");
        // No cell of a real row: names, emails, phones, ids.
        let real = [
            "X-0001",
            "X-0002",
            "Bo",
            "Cy",
            "Real",
            "(212) 555-1234",
            "(303) 555-9876",
        ];
        for c in &cells {
            assert!(!real.contains(c), "{c} copied from the export into {row}");
        }
        assert!(!row.contains("real.example"), "{row}");
    }
}

#[test]
fn a_revoked_canary_still_attributes_marked_revoked() {
    let s = home();
    let rows = issue(&s, RECIPIENT, 2, export(&s));
    let list = s.run(&["canary", "list", "--format", "jsonl"]);
    let ids: Vec<String> = list
        .jsonl()
        .iter()
        .map(|v| v["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{}", list.stdout);
    let r = s.run(&["canary", "revoke", &ids[0], "--reason", "vendor offboarded"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = s.run(&["canary", "list", "--format", "jsonl"]);
    let states: Vec<(String, String)> = list
        .jsonl()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().expect("id").to_string(),
                v["state"].as_str().expect("state").to_string(),
            )
        })
        .collect();
    assert!(
        states.contains(&(ids[0].clone(), "revoked".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&(ids[1].clone(), "active".into())),
        "{states:?}"
    );
    // Both rows leak: both attribute, the revoked one marked so.
    s.write(
        "leak/rows.csv",
        format!("a,b\n{}\n{}\n", rows[0], rows[1]).as_bytes(),
    );
    let r = s.run(&["scan", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let line = |id: &str| -> Vec<String> {
        r.stderr
            .lines()
            .filter(|l| l.contains(&format!(": canary {id} ")))
            .map(str::to_string)
            .collect()
    };
    let revoked = line(&ids[0]);
    let active = line(&ids[1]);
    assert!(!revoked.is_empty() && !active.is_empty(), "{}", r.stderr);
    assert!(
        revoked
            .iter()
            .all(|l| l.contains(RECIPIENT) && l.ends_with(", revoked")),
        "{revoked:?}"
    );
    assert!(active.iter().all(|l| !l.contains("revoked")), "{active:?}");
    let st = s.run(&["canary", "stats", "--format", "jsonl"]);
    let first = &st.jsonl()[0]["recipient"];
    assert_eq!(first["revoked"], 1, "{}", st.stdout);
    assert_eq!(first["canaries"], 2, "{}", st.stdout);
    assert!(first["first_seen"].is_string(), "{}", st.stdout);
    let inc = incidents(&s);
    assert_eq!(inc.len(), 1);
    assert_eq!(
        inc[0].1,
        format!("Canary sighting: data given to {RECIPIENT}")
    );
}

/// Writes `rows` (CSV lines of canaries) into files of the formats `scan`
/// reads besides documents (those are in documents.rs), each by Python's
/// standard library: archives, compressed streams, JSON lines, UTF-16,
/// HTML, a mail with a quoted-printable body and one with a base64 CSV
/// attachment. Returns the file names under `leak/`.
fn write_formats(s: &Scratch, header: &str, rows: &[String]) -> Vec<&'static str> {
    let script = r#"
import bz2, csv, io, json, lzma, sys, tarfile, zipfile, gzip
from email.message import EmailMessage
out, header, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
text = header + "\n" + "\n".join(rows) + "\n"
data = text.encode()
records = [dict(zip(header.split(","), r.split(","))) for r in rows]
with zipfile.ZipFile(f"{out}/export.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("acme/export.csv", data)
with tarfile.open(f"{out}/export.tar.xz", "w:xz") as t:
    info = tarfile.TarInfo("export.csv"); info.size = len(data)
    t.addfile(info, io.BytesIO(data))
with open(f"{out}/export.csv.bz2", "wb") as f:
    f.write(bz2.compress(data))
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.writestr("rows.csv", data)
with open(f"{out}/nested.zip.gz", "wb") as f:
    f.write(gzip.compress(inner.getvalue()))
with open(f"{out}/customers.jsonl", "w") as f:
    for r in records:
        f.write(json.dumps(r) + "\n")
with open(f"{out}/export-utf16.txt", "w", encoding="utf-16") as f:
    f.write(text)
with open(f"{out}/page.html", "w") as f:
    f.write("<table><tr>" + "".join(f"<th>{h}</th>" for h in header.split(",")) + "</tr>")
    for r in records:
        f.write("<tr>" + "".join(f"<td>{v}</td>" for v in r.values()) + "</tr>")
    f.write("</table>")
m = EmailMessage()
m["From"] = "ops@vendor.example"; m["To"] = "team@vendor.example"; m["Subject"] = "list"
m.set_content("Here is the list \u2014 " + text, cte="quoted-printable")
with open(f"{out}/forward-qp.eml", "wb") as f:
    f.write(bytes(m))
m = EmailMessage()
m["From"] = "ops@vendor.example"; m["To"] = "team@vendor.example"; m["Subject"] = "export"
m.set_content("Attached.")
m.add_attachment(data, maintype="text", subtype="csv", filename="export.csv")
with open(f"{out}/attachment.eml", "wb") as f:
    f.write(bytes(m))
"#;
    std::fs::create_dir_all(s.path("leak")).expect("leak dir");
    let out = Command::new(python())
        .args(["-c", script])
        .arg(s.path("leak"))
        .arg(header)
        .args(rows)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    vec![
        "export.zip",
        "export.tar.xz",
        "export.csv.bz2",
        "nested.zip.gz",
        "customers.jsonl",
        "export-utf16.txt",
        "page.html",
        "forward-qp.eml",
        "attachment.eml",
    ]
}

#[test]
fn scan_sees_canaries_in_archives_encodings_json_html_and_mail() {
    let s = home();
    let r = s.run(&[
        "canary",
        "issue",
        "--recipient",
        RECIPIENT,
        "--count",
        "2",
        "--domain",
        DOMAIN,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    let header = lines.next().expect("header").to_string();
    let rows: Vec<String> = lines.map(str::to_string).collect();
    let files = write_formats(&s, &header, &rows);
    let r = s.run(&["scan", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for file in &files {
        assert!(
            r.stderr.lines().any(|l| {
                l.starts_with(&format!("breachwatch: leak/{file}"))
                    && l.contains(&format!("(email) issued to {RECIPIENT}"))
            }),
            "{file}: no canary sighting\n{}",
            r.stderr
        );
    }
    // One incident, one evidence per file.
    let inc = incidents(&s);
    assert_eq!(inc.len(), 1, "{inc:?}");
    assert_eq!(inc[0].3.len(), files.len(), "{:?}", inc[0].3);
}

/// A canary seen by `scan` is a finding of its own in every output format
/// (kind `canary`, placed like the value it matched, naming the recipient
/// and the export, the value redacted unless `--reveal`), and a line of
/// `scope`'s JSON Lines; the stderr line stays.
#[test]
fn scan_and_scope_report_a_canary_finding_naming_recipient_and_export() {
    let s = home();
    let rows = issue(&s, RECIPIENT, 2, export(&s));
    let addrs = emails(&s, RECIPIENT);
    let mut leaked = std::fs::read_to_string(s.path("acme.csv")).expect("export");
    for r in &rows {
        leaked.push_str(r);
        leaked.push('\n');
    }
    s.write("leak/dump.csv", leaked.as_bytes());
    let ids: std::collections::BTreeSet<String> = s
        .run(&["canary", "list", "--format", "jsonl"])
        .jsonl()
        .iter()
        .map(|v| v["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 2);

    let r = s.run(&["scan", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for a in &addrs {
        assert!(
            !r.stdout.contains(a.as_str()),
            "{a} in clear:\n{}",
            r.stdout
        );
    }
    let lines = r.jsonl();
    let canaries: Vec<&Value> = lines.iter().filter(|v| v["kind"] == "canary").collect();
    let seen: std::collections::BTreeSet<String> = canaries
        .iter()
        .filter(|v| v["matched"] == "email")
        .map(|v| v["canary"].as_str().expect("canary id").to_string())
        .collect();
    assert_eq!(seen, ids, "{}", r.stdout);
    for c in &canaries {
        assert_eq!(c["path"], "leak/dump.csv");
        assert_eq!(c["recipient"], RECIPIENT);
        assert_eq!(c["export"], "acme.csv");
        assert_eq!(c["revoked"], false);
        assert!(c["issue"].is_i64(), "{c}");
        assert!(c.get("value").is_none(), "{c}");
        // Placed exactly where the finding it matched is.
        let matched = lines
            .iter()
            .find(|v| v["kind"] == c["matched"] && v["start"] == c["start"])
            .unwrap_or_else(|| panic!("no finding under {c}"));
        assert_eq!(matched["end"], c["end"]);
        assert_eq!(matched["excerpt"], c["excerpt"]);
    }
    assert!(
        r.stderr
            .contains(&format!("issued to {RECIPIENT} with acme.csv")),
        "the stderr line stays: {}",
        r.stderr
    );
    assert!(r.stderr.contains("canary findings"), "{}", r.stderr);

    // --reveal: the value, as for any finding.
    let r = s.run(&["scan", "leak", "--format", "jsonl", "--reveal"]);
    let revealed: Vec<String> = r
        .jsonl()
        .iter()
        .filter(|v| v["kind"] == "canary" && v["matched"] == "email")
        .map(|v| v["value"].as_str().expect("value").to_string())
        .collect();
    let mut want = addrs.clone();
    want.sort();
    let mut got = revealed.clone();
    got.sort();
    assert_eq!(got, want);

    let r = s.run(&["scan", "leak", "--format", "human"]);
    let human: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some("canary"))
        .collect();
    assert!(human.len() >= 2, "{}", r.stdout);
    for l in &human {
        assert!(l.starts_with("leak/dump.csv:"), "{l}");
        assert!(
            l.contains(&format!("issued to {RECIPIENT} with acme.csv")),
            "{l}"
        );
    }
    for a in &addrs {
        assert!(!r.stdout.contains(a.as_str()), "{a} in clear");
    }

    let r = s.run(&["scan", "leak", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&r.stdout).expect("one SARIF document");
    let run = &doc["runs"][0];
    let results = run["results"].as_array().expect("results");
    let sarif: Vec<&Value> = results.iter().filter(|r| r["ruleId"] == "canary").collect();
    assert!(sarif.len() >= 2, "{}", r.stdout);
    let ix = sarif[0]["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(run["tool"]["driver"]["rules"][ix]["id"], "canary");
    for c in &sarif {
        assert_eq!(c["properties"]["recipient"], RECIPIENT);
        assert_eq!(c["properties"]["export"], "acme.csv");
    }
    for a in &addrs {
        assert!(!r.stdout.contains(a.as_str()), "{a} in clear");
    }

    // Scope: a `{"canary":{…}}` line per canary value seen.
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let scoped: Vec<Value> = r
        .jsonl()
        .into_iter()
        .filter_map(|v| v.get("canary").cloned())
        .collect();
    let seen: std::collections::BTreeSet<String> = scoped
        .iter()
        .filter(|c| c["matched"] == "email")
        .map(|c| c["canary"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(seen, ids, "{}", r.stdout);
    for c in &scoped {
        assert_eq!(c["kind"], "canary");
        assert_eq!(c["recipient"], RECIPIENT);
        assert_eq!(c["export"], "acme.csv");
        assert_eq!(c["path"], "leak/dump.csv");
    }
    for a in &addrs {
        assert!(!r.stdout.contains(a.as_str()), "{a} in clear");
    }
    // Still one incident for the recipient, whatever ran.
    assert_eq!(incidents(&s).len(), 1);
}

/// `incident add-evidence` checks the evidence for canaries in its one
/// read, as `scan` does — with a registry (scope's pass) and without one
/// (the counting pass): the sighting names the file by the evidence's
/// hash on the recipient's own incident, beside the investigator's.
#[test]
fn add_evidence_records_the_canaries_in_the_evidence() {
    for with_registry in [true, false] {
        let s = if with_registry {
            home()
        } else {
            // A key for the canaries' fingerprints, no customers imported.
            let s = Scratch::new();
            let r = s.run(&["registry", "init"]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            s
        };
        let rows = issue(&s, RECIPIENT, 2, export(&s));
        let mut leaked = std::fs::read_to_string(s.path("acme.csv")).expect("export");
        for r in &rows {
            leaked.push_str(r);
            leaked.push('\n');
        }
        s.write("found/posted.csv", leaked.as_bytes());
        let r = s.run(&[
            "incident",
            "open",
            "--title",
            "Export posted on a forum",
            "--discovered-at",
            "2026-05-04T09:00:00Z",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let id = r.stdout.trim().to_string();
        let r = s.run(&["incident", "add-evidence", &id, "found/posted.csv"]);
        assert_eq!(r.code, 0, "registry {with_registry}: {}", r.stderr);
        assert!(
            r.stderr.contains("found/posted.csv:")
                && r.stderr
                    .contains(&format!("issued to {RECIPIENT} with acme.csv")),
            "registry {with_registry}: {}",
            r.stderr
        );
        for a in emails(&s, RECIPIENT) {
            assert!(!r.stderr.contains(&a) && !r.stdout.contains(&a), "{a}");
        }
        let inc = incidents(&s);
        assert_eq!(inc.len(), 2, "registry {with_registry}: {inc:?}");
        let canary = inc
            .iter()
            .find(|i| i.1 == format!("Canary sighting: data given to {RECIPIENT}"))
            .unwrap_or_else(|| panic!("no canary incident: {inc:?}"));
        assert_eq!(canary.3.len(), 1, "{:?}", canary.3);
        assert!(
            canary.3[0].starts_with("canary scan sighting")
                && canary.3[0].contains("found/posted.csv"),
            "{:?}",
            canary.3
        );
        let investigated = inc.iter().find(|i| i.0.as_str() == id).expect("ours");
        assert_eq!(investigated.3.len(), 1, "the evidence itself is recorded");
        let seen = sightings(&s);
        assert_eq!(seen.len(), 2, "both canaries: {seen:?}");
        assert!(seen.iter().all(|x| x.recipient == RECIPIENT));

        // A database table as evidence (written by Python's sqlite3): its
        // sighting is named by the table's URL, as its evidence is.
        let script = r#"
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = list(csv.reader(open(sys.argv[2])))
db.execute("CREATE TABLE customers (" + ", ".join(f'"{h}" TEXT' for h in rows[0]) + ")")
# Not the file's bytes again: the table renders without its first row.
db.executemany("INSERT INTO customers VALUES (" + ",".join("?" * len(rows[0])) + ")", rows[2:])
db.commit()
"#;
        let out = Command::new(python())
            .args(["-c", script])
            .arg(s.path("found/shop.db"))
            .arg(s.path("found/posted.csv"))
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = format!(
            "sqlite://{}#main.customers",
            s.path("found/shop.db").display()
        );
        let r = s.run(&["incident", "add-evidence", &id, &url]);
        assert_eq!(r.code, 0, "registry {with_registry}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("issued to {RECIPIENT} with acme.csv")),
            "{}",
            r.stderr
        );
        let inc = incidents(&s);
        let canary = inc
            .iter()
            .find(|i| i.1 == format!("Canary sighting: data given to {RECIPIENT}"))
            .expect("the canary incident");
        assert_eq!(canary.3.len(), 2, "{:?}\n{}", canary.3, r.stderr);
        assert!(canary.3[1].contains("shop.db"), "{:?}", canary.3);
    }
}

/// `canary sightings` shows an investigator each sighting and a mail's
/// sealed details: redacted by default (sender domain, redacted client,
/// subject length, header names), as received with `--reveal`.
#[test]
fn sightings_show_a_mails_details_redacted_unless_revealed() {
    let s = home();
    let rows = issue(&s, RECIPIENT, 2, export(&s));
    let e = emails(&s, RECIPIENT);
    let l = listen(&s, &[]);
    let (ok, err) = smtplib(l.addr, &[&e[0]], "Your order qzx-subject-77");
    assert!(ok, "{err}");
    drop(l);
    s.write("leak/rows.csv", format!("a,b\n{}\n", rows[1]).as_bytes());
    let r = s.run(&["scan", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);

    let secrets = [
        "bounce@elsewhere.example.net",
        "spammer@elsewhere.example.net",
        "qzx-subject-77",
        "127.0.0.1",
    ];
    let r = s.run(&["canary", "sightings", "--format", "jsonl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for x in secrets.iter().copied().chain(e.iter().map(String::as_str)) {
        assert!(!r.stdout.contains(x), "{x} in clear:\n{}", r.stdout);
    }
    let seen = r.jsonl();
    assert_eq!(seen.len(), 2, "{}", r.stdout);
    let mail = seen.iter().find(|v| v["channel"] == "mail").expect("mail");
    let scan = seen.iter().find(|v| v["channel"] == "scan").expect("scan");
    assert_eq!(mail["recipient"], RECIPIENT);
    assert_eq!(mail["sha256"].as_str().map(str::len), Some(64));
    assert!(mail["incident"].is_string(), "{mail}");
    let d = &mail["detail"];
    assert_eq!(d["sender_domain"], "elsewhere.example.net", "{d}");
    assert_eq!(d["subject_chars"], "Your order qzx-subject-77".len(), "{d}");
    assert!(d["at"].as_str().is_some_and(|t| t.starts_with("20")), "{d}");
    let names: Vec<&str> = d["header_names"]
        .as_array()
        .expect("header names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(names.iter().any(|n| n.eq_ignore_ascii_case("from")), "{d}");
    assert!(scan.get("detail").is_none(), "{scan}");
    assert!(scan["source"]
        .as_str()
        .is_some_and(|p| p.contains("rows.csv")));

    let r = s.run(&["canary", "sightings", "--format", "jsonl", "--reveal"]);
    let mail = r
        .jsonl()
        .into_iter()
        .find(|v| v["channel"] == "mail")
        .expect("mail");
    let d = &mail["detail"];
    assert_eq!(d["envelope_from"], "bounce@elsewhere.example.net", "{d}");
    assert_eq!(d["client"], "127.0.0.1", "{d}");
    assert_eq!(d["subject"], "Your order qzx-subject-77", "{d}");
    assert!(d["headers"]
        .to_string()
        .contains("spammer@elsewhere.example.net"));

    // Human, and --recipient filters.
    let r = s.run(&["canary", "sightings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("mail sighting of CNY-"), "{}", r.stdout);
    assert!(
        r.stdout.contains("sender_domain: elsewhere.example.net"),
        "{}",
        r.stdout
    );
    for x in secrets {
        assert!(!r.stdout.contains(x), "{x} in clear:\n{}", r.stdout);
    }
    let r = s.run(&["canary", "sightings", "--reveal"]);
    assert!(
        r.stdout.contains("subject: Your order qzx-subject-77"),
        "{}",
        r.stdout
    );
    let r = s.run(&[
        "canary",
        "sightings",
        "--recipient",
        "Nobody Ltd",
        "--format",
        "jsonl",
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}
