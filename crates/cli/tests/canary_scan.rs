//! Canaries in what `scan`, `scope` and `incident add-evidence` read:
//! archives, encodings, JSON, HTML and mail written by Python's standard
//! library, a `canary` finding naming recipient and export, and a mail
//! sighting's sealed details shown by `canary sightings`.

mod common;

use std::process::Command;

use serde_json::Value;

use common::canary::*;
use common::Scratch;

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
