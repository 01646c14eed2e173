//! `breachwatch canary`: canaries issued to a recipient, seen in a scanned
//! folder and in mail sent by a real SMTP client (Python's `smtplib`, from
//! `BW_SMTP_PYTHON` or `python3`), become one incident naming the recipient;
//! the webhook alert survives a failing receiver; hostile SMTP sessions do
//! not stop the listener; canaries never equal registry customers. What
//! `scan`, `scope` and `add-evidence` report of them is in `canary_scan.rs`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::canary::*;
use common::Scratch;

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
