//! `breachwatch registry` and `breachwatch scope` end to end, on synthetic
//! customers from `bw_scope::synth` and a leak the test writes itself
//! (CSV, HTML and a zip holding JSON).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use bw_scope::synth::{self, Person, CSV_HEADER};
use common::Scratch;

const SEED: u64 = 7;
const CUSTOMERS: u64 = 200;
/// Two customers share this (hand-picked) full name.
const SHARED: (&str, &str) = ("Maria", "Garcia");
/// Customer 50's (hand-picked, unique) name; a guest in the leak has it too.
const NAMESAKE: (&str, &str) = ("Helen", "Whitaker");

fn customers() -> Vec<Person> {
    (0..CUSTOMERS)
        .map(|n| {
            let mut p = synth::customer(SEED, n);
            if n >= CUSTOMERS - 2 {
                p.first = SHARED.0.into();
                p.last = SHARED.1.into();
            }
            if n == 50 {
                p.first = NAMESAKE.0.into();
                p.last = NAMESAKE.1.into();
            }
            p
        })
        .collect()
}

fn customers_csv(people: &[Person]) -> String {
    let mut s = format!("{CSV_HEADER}\n");
    for p in people {
        s.push_str(&synth::csv_row(p));
        s.push('\n');
    }
    s
}

/// A zip with one stored (uncompressed) entry: enough for the expander,
/// and no zip writer needed in the test.
fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let crc = crc.sum();
    let (n, len) = (name.len() as u16, data.len() as u32);
    let mut z = Vec::new();
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let cd = z.len() as u32;
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&[0; 12]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    let cd_len = z.len() as u32 - cd;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    z.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    z.extend_from_slice(&cd_len.to_le_bytes());
    z.extend_from_slice(&cd.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

/// Writes the leak; returns the expected `customer_id -> matched` map.
fn write_leak(s: &Scratch, people: &[Person]) -> BTreeMap<String, String> {
    let d = |n: u64| synth::distractor(SEED, n);
    let mut want = BTreeMap::new();
    let mut csv = String::from("order,email,phone\n");
    // Email only; email and international phone; national phone only.
    csv.push_str(&format!("o1,{},\n", people[3].email));
    csv.push_str(&format!(
        "o2,{},{}\n",
        people[10].email, people[10].phone_intl
    ));
    csv.push_str(&format!("o3,,{}\n", people[11].phone));
    for n in 0..5 {
        csv.push_str(&format!("x{n},{},{}\n", d(n).email, d(n).phone_intl));
    }
    want.insert(people[3].id.clone(), "email".to_string());
    want.insert(people[10].id.clone(), "email+phone_number".to_string());
    want.insert(people[11].id.clone(), "phone_number".to_string());
    s.write("leak/users.csv", csv.as_bytes());

    let mut html = String::from("<html><body><table>\n");
    for p in [&people[25], &d(5), &people[40], &d(6)] {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            p.email.to_uppercase(),
            p.phone_intl
        ));
    }
    // A customer's name beside a non-customer's email: a guest with the
    // same name, not that customer (counted as contradicted).
    html.push_str(&format!(
        "<tr><td>{} {}</td><td>{}</td></tr>\n",
        NAMESAKE.0,
        NAMESAKE.1,
        d(5).email
    ));
    // The shared name alone: ambiguous. The same name next to the email of
    // one of its two customers: that customer, name confirmed.
    let last = &people[CUSTOMERS as usize - 1];
    html.push_str(&format!(
        "<p>Complaint filed by {} {} last week.</p>\n",
        SHARED.0, SHARED.1
    ));
    html.push_str(&"<p>Nothing to see here, just filler text for distance.</p>\n".repeat(8));
    html.push_str(&format!(
        "<tr><td>{} {}</td><td>{}</td></tr>\n</table></body></html>\n",
        SHARED.0, SHARED.1, last.email
    ));
    want.insert(people[25].id.clone(), "email+phone_number".to_string());
    want.insert(people[40].id.clone(), "email+phone_number".to_string());
    want.insert(last.id.clone(), "email+person_name".to_string());
    s.write("leak/page.html", html.as_bytes());

    let mut json = String::from("[\n");
    for p in [&people[77], &d(7), &people[120], &d(8)] {
        json.push_str(&format!(
            "  {{\"order\": 1, \"contact\": \"{}\"}},\n",
            p.email
        ));
    }
    json.push_str("  {}\n]\n");
    want.insert(people[77].id.clone(), "email".to_string());
    want.insert(people[120].id.clone(), "email".to_string());
    s.write(
        "leak/export.zip",
        &stored_zip("orders.json", json.as_bytes()),
    );
    want
}

fn setup() -> (Scratch, Vec<Person>) {
    let s = Scratch::new();
    let people = customers();
    s.write("customers.csv", customers_csv(&people).as_bytes());
    let r = s.run(&["registry", "init"]);
    assert_eq!(r.code, 0, "init: {}", r.stderr);
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "import: {}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{CUSTOMERS} customers ({CUSTOMERS} added")),
        "{}",
        r.stdout
    );
    (s, people)
}

fn affected(r: &common::Run) -> BTreeMap<String, String> {
    r.jsonl()
        .iter()
        .filter(|l| l.get("customer_id").is_some())
        .map(|l| {
            let m: Vec<&str> = l["matched"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            (
                l["customer_id"].as_str().unwrap_or("").to_string(),
                m.join("+"),
            )
        })
        .collect()
}

#[test]
fn scope_finds_exactly_the_exposed_customers_in_csv_html_and_zip() {
    let (s, people) = setup();
    let want = write_leak(&s, &people);
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "affected customers exit 1; stderr: {}", r.stderr);
    assert_eq!(affected(&r), want, "{}", r.stdout);

    let lines = r.jsonl();
    let zipped = lines
        .iter()
        .find(|l| l["customer_id"] == people[77].id.as_str())
        .expect("customer 77 listed");
    assert_eq!(zipped["evidence"][0]["path"], "leak/export.zip!orders.json");
    assert_eq!(zipped["country"], people[77].country.as_str());

    let ambiguous: Vec<_> = lines.iter().filter_map(|l| l.get("ambiguous")).collect();
    assert_eq!(ambiguous.len(), 1, "{}", r.stdout);
    assert_eq!(ambiguous[0]["candidates"], 2);
    assert_eq!(ambiguous[0]["kind"], "person_name");

    let summary = &lines.last().expect("summary line")["summary"];
    assert_eq!(summary["affected"], want.len() as u64);
    let mut by_matched: BTreeMap<String, u64> = BTreeMap::new();
    for m in want.values() {
        *by_matched.entry(m.clone()).or_default() += 1;
    }
    for (k, n) in &by_matched {
        assert_eq!(summary["by_matched"][k], *n, "{k}: {summary}");
    }
    let mut by_country: BTreeMap<&str, u64> = BTreeMap::new();
    for p in people.iter().filter(|p| want.contains_key(&p.id)) {
        *by_country.entry(&p.country).or_default() += 1;
    }
    for (k, n) in &by_country {
        assert_eq!(summary["by_country"][k], *n, "{k}: {summary}");
    }
    // 9 distractors, each with an email; 7 of them with a phone.
    assert_eq!(summary["unmatched"]["email"], 9, "{summary}");
    assert_eq!(summary["unmatched"]["phone_number"], 7, "{summary}");
    assert_eq!(summary["ambiguous"], 1);
    assert_eq!(summary["names_contradicted"], 1, "{summary}");
    let files = summary["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    let zip = std::fs::read(s.path("leak/export.zip")).expect("zip");
    let f = files
        .iter()
        .find(|f| f["path"] == "leak/export.zip")
        .expect("zip is an evidence file");
    assert_eq!(f["size"], zip.len() as u64);
    assert_eq!(f["sha256"].as_str().map(str::len), Some(64));

    // Nothing leaked in clear without --reveal, in any format.
    for format in ["jsonl", "human", "csv"] {
        let r = s.run(&["scope", "leak", "--format", format]);
        for n in 0..9 {
            let d = synth::distractor(SEED, n);
            assert!(!r.stdout.contains(&d.email), "{format}: {}", r.stdout);
            assert!(!r.stderr.contains(&d.email), "{format}: {}", r.stderr);
        }
        assert!(!r.stdout.contains(&people[3].email), "{format}");
    }
    let revealed = s.run(&["scope", "leak", "--format", "jsonl", "--reveal"]);
    assert!(revealed.stdout.contains(&synth::distractor(SEED, 0).email));
}

#[test]
fn csv_and_human_list_one_line_per_customer_and_summary_on_stderr() {
    let (s, people) = setup();
    let want = write_leak(&s, &people);
    let r = s.run(&["scope", "leak", "--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        rows[0],
        "customer_id,country,region,matched,confidence,occurrences,evidence,exposed"
    );
    let ids: Vec<&str> = rows[1..]
        .iter()
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(ids, want.keys().map(String::as_str).collect::<Vec<_>>());
    assert!(
        r.stderr
            .contains(&format!("{} affected customers", want.len())),
        "{}",
        r.stderr
    );
    let h = s.run(&["scope", "leak"]);
    assert_eq!(
        h.stdout.lines().filter(|l| l.starts_with('C')).count(),
        want.len()
    );
    assert!(h.stderr.contains("by matched fields:"), "{}", h.stderr);
    assert!(
        h.stderr.contains("1 name matches not attributed"),
        "{}",
        h.stderr
    );
}

#[test]
fn a_leak_without_customers_exits_zero() {
    let (s, _) = setup();
    let d = synth::distractor(SEED, 1);
    s.write(
        "clean/a.txt",
        format!("contact {} or {}\n", d.email, d.phone_intl).as_bytes(),
    );
    let r = s.run(&["scope", "clean", "--format", "jsonl"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let lines = r.jsonl();
    assert_eq!(lines.len(), 1, "only the summary: {}", r.stdout);
    assert_eq!(lines[0]["summary"]["unmatched"]["email"], 1);
}

#[test]
fn a_wrong_key_is_a_clear_error_not_an_empty_result() {
    let (s, people) = setup();
    write_leak(&s, &people);
    let r = s
        .cmd(&["scope", "leak", "--format", "jsonl"])
        .env("BREACHWATCH_REGISTRY_KEY", "11".repeat(32))
        .output()
        .expect("run");
    let r = common::Run::from(r);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("wrong key"), "{}", r.stderr);

    let other = Scratch::new();
    std::fs::create_dir_all(other.path("k")).expect("mkdir");
    let r = s.run(&[
        "registry",
        "stats",
        "--key-file",
        other.path("k/none.key").to_str().expect("utf-8 path"),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("registry key"), "{}", r.stderr);
}

#[test]
fn duplicate_ids_are_reported_by_line_and_a_reimport_changes_nothing() {
    let (s, people) = setup();
    let mut csv = customers_csv(&people);
    let mut dup = people[5].clone();
    dup.email = "someone.new@example.com".into();
    csv.push_str(&synth::csv_row(&dup));
    csv.push('\n');
    s.write("dup.csv", csv.as_bytes());
    let r = s.run(&["registry", "import", "dup.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = CUSTOMERS + 2;
    assert!(
        r.stdout.contains(&format!(
            "line {line}: duplicate customer_id (first at line 7)"
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("0 added, 0 changed, 200 unchanged, 0 removed"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("someone.new"), "{}", r.stdout);
    let st = s.run(&["registry", "stats"]);
    assert!(
        st.stdout.contains(&format!("customers: {CUSTOMERS}")),
        "{}",
        st.stdout
    );
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn the_data_directory_holds_no_plaintext_identifier() {
    let (s, people) = setup();
    write_leak(&s, &people);
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut files = Vec::new();
    files_under(&s.path("home"), &mut files);
    assert!(files.len() >= 2, "registry and key: {files:?}");
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for p in &people {
            let digits: String = p.phone_intl.chars().filter(char::is_ascii_digit).collect();
            for needle in [
                p.email.to_lowercase(),
                p.first.to_lowercase(),
                p.last.to_lowercase(),
                digits,
            ] {
                // Shorter strings turn up in random fingerprint bytes by
                // chance (a 4-letter one in ~1 run out of 100).
                if needle.len() < 6 {
                    continue;
                }
                assert!(
                    !text.contains(&needle),
                    "{} holds {needle:?} in clear",
                    f.display()
                );
            }
        }
    }
}

/// Issue 4 feeding issue 5: evidence added to an incident records the
/// customers scope finds in it, once, and obligations count them.
#[test]
fn incident_evidence_records_the_affected_customers() {
    let (s, people) = setup();
    let want = write_leak(&s, &people);
    let r = s.run(&[
        "incident",
        "open",
        "--title",
        "product pages",
        "--discovered-at",
        "2026-11-20T08:00:00Z",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    let files = ["leak/export.zip"];
    let r = s.run(&["incident", "add-evidence", &id, files[0]]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("not recorded"), "{}", r.stderr);
    let again = s.run(&["incident", "add-evidence", &id, files[0]]);
    assert!(again.stdout.contains("already present"), "{}", again.stdout);

    let scoped = s.run(&["scope", files[0], "--format", "jsonl"]);
    let in_zip = affected(&scoped);
    assert!(!in_zip.is_empty() && in_zip.len() < want.len());
    let shown = s.run(&["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let v: serde_json::Value = serde_json::from_str(&shown.stdout).expect("show json");
    assert_eq!(v["affected_count"], in_zip.len() as u64, "{v}");
    let ob = s.run(&["incident", "obligations", &id, "--format", "json"]);
    assert_eq!(ob.code, 0, "{}", ob.stderr);
    let ob: serde_json::Value = serde_json::from_str(&ob.stdout).expect("obligations json");
    let residents: u64 = ob["jurisdictions"]
        .as_array()
        .expect("jurisdictions")
        .iter()
        .filter_map(|j| j["residents"].as_u64())
        .sum();
    assert!(residents >= in_zip.len() as u64, "{ob}");
    let verify = s.run(&["audit", "verify", &id]);
    assert_eq!(verify.code, 0, "{}", verify.stdout);
}

/// The customer base as an SQLite table with its own column names.
fn sqlite_customers(path: &Path, people: &[Person]) {
    use sqlx::ConnectOptions as _;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .connect()
            .await
            .expect("connect");
        sqlx::query(
            "CREATE TABLE clients (ref TEXT, mail TEXT, given TEXT, family TEXT, tel TEXT, \
             cc TEXT, state TEXT)",
        )
        .execute(&mut conn)
        .await
        .expect("create");
        for p in people {
            sqlx::query("INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(&p.id)
                .bind(&p.email)
                .bind(&p.first)
                .bind(&p.last)
                .bind(&p.phone)
                .bind(&p.country)
                .bind(&p.region)
                .execute(&mut conn)
                .await
                .expect("insert");
        }
    });
}

const CLIENTS_QUERY: &str = "SELECT ref AS customer_id, mail AS email, given AS first_name, \
    family AS last_name, tel AS phone, cc AS country, state AS region FROM clients";

#[test]
fn registry_import_from_sql_feeds_scope_like_csv() {
    let s = Scratch::new();
    let people = customers();
    sqlite_customers(&s.path("crm.db"), &people);
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let r = s.run(&[
        "registry",
        "import",
        "--from-sql",
        "sqlite:crm.db",
        "--query",
        CLIENTS_QUERY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{CUSTOMERS} customers ({CUSTOMERS} added")),
        "{}",
        r.stdout
    );
    // The relative SQLite path is recorded absolute, for later readers.
    let abs = s.path("crm.db");
    assert!(
        r.stdout
            .contains(&format!("SQL sqlite://{}", abs.display())),
        "{}",
        r.stdout
    );
    let want = write_leak(&s, &people);
    let scoped = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(scoped.code, 1, "{}", scoped.stderr);
    assert_eq!(affected(&scoped), want);

    // The same customers from CSV are "unchanged": both sources feed the
    // same row reader.
    s.write("customers.csv", customers_csv(&people).as_bytes());
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert!(
        r.stdout
            .contains(&format!("0 added, 0 changed, {CUSTOMERS} unchanged")),
        "{}",
        r.stdout
    );

    // One source at a time; --map is for CSV headers; a query needs a URL.
    for bad in [
        vec![
            "registry",
            "import",
            "customers.csv",
            "--from-sql",
            "sqlite:crm.db",
            "--query",
            "SELECT 1",
        ],
        vec!["registry", "import", "--from-sql", "sqlite:crm.db"],
        vec!["registry", "import", "--query", "SELECT 1"],
        vec![
            "registry",
            "import",
            "--from-sql",
            "sqlite:crm.db",
            "--query",
            CLIENTS_QUERY,
            "--map",
            "email=Mail",
        ],
    ] {
        let r = s.run(&bad);
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
    }
    let r = s.run(&[
        "registry",
        "import",
        "--from-sql",
        "sqlite:crm.db",
        "--query",
        "SELECT ref AS customer_id FROM clients",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("email"), "{}", r.stderr);
    // A failed import leaves the registry as it was.
    let st = s.run(&["registry", "stats"]);
    assert!(
        st.stdout.contains(&format!("customers: {CUSTOMERS}")),
        "{}",
        st.stdout
    );
}

#[test]
fn registry_and_scope_sections_of_config_toml_apply_and_flags_win() {
    let s = Scratch::new();
    let people = customers();
    let reg = s.path("elsewhere/reg");
    let key = s.path("secrets/reg.key");
    let mut csv = String::from("Kunde,Mail,Vorname,Nachname,Tel,Land\n");
    for p in &people {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            p.id, p.email, p.first, p.last, p.phone, p.country
        ));
    }
    s.write("kunden.csv", csv.as_bytes());
    s.write(
        "home/config.toml",
        format!(
            "[registry]\ndir = {reg:?}\nkey-file = {key:?}\n\
             map = \"customer_id=Kunde,email=Mail,first_name=Vorname,last_name=Nachname,phone=Tel,country=Land,region=\"\n\
             max-warnings = 0\n\n\
             [scope]\nformat = \"jsonl\"\nmax-evidence = 1\n"
        )
        .as_bytes(),
    );
    let r = s.run(&["registry", "init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(reg.join("CURRENT").exists() && key.exists(), "{}", r.stdout);
    assert!(!s.path("home/registry").exists());
    let r = s.run(&["registry", "import", "kunden.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("{CUSTOMERS} added")),
        "{}",
        r.stdout
    );

    let want = write_leak(&s, &people);
    let jsonl = s.run(&["scope", "leak"]);
    assert_eq!(jsonl.code, 1, "{}", jsonl.stderr);
    let mut got = affected(&jsonl);
    // Without regions in the CSV, nothing else changes.
    got.retain(|k, _| want.contains_key(k));
    assert_eq!(got, want);
    assert!(jsonl
        .jsonl()
        .iter()
        .filter(|l| l.get("customer_id").is_some())
        .all(|l| l["evidence"].as_array().map(Vec::len) == Some(1)));

    let flagged = s.run(&["scope", "leak", "--format", "csv", "--max-evidence", "3"]);
    assert!(
        flagged
            .stdout
            .starts_with("customer_id,country,region,matched"),
        "{}",
        flagged.stdout
    );
    // Another registry on the command line wins over the config's.
    let other = s.run(&["registry", "stats", "--registry", "nowhere"]);
    assert_eq!(other.code, 2);
    assert!(other.stderr.contains("nowhere"), "{}", other.stderr);

    s.write("home/config.toml", b"[scope]\nformat = \"xml\"\n");
    let bad = s.run(&["scope", "leak"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("[scope] format"), "{}", bad.stderr);
    s.write("home/config.toml", b"[registry]\ndirectory = \"x\"\n");
    let bad = s.run(&["registry", "stats"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("config.toml"), "{}", bad.stderr);
}

/// Imports alternate between two customer bases while scope runs again and
/// again: every scope result is exactly the old or the new generation's.
#[test]
fn concurrent_import_and_scope_see_one_generation() {
    const N: u64 = 3000;
    let s = Scratch::new();
    let all: Vec<Person> = (0..N + N / 2).map(|n| synth::customer(SEED, n)).collect();
    // Generation A: customers [0, N); B: [N/2, N + N/2).
    let (a, b) = (&all[..N as usize], &all[N as usize / 2..]);
    s.write("a.csv", customers_csv(a).as_bytes());
    s.write("b.csv", customers_csv(b).as_bytes());
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    assert_eq!(s.run(&["registry", "import", "a.csv"]).code, 0);
    let mut leak = String::from("email\n");
    let exposed: Vec<&Person> = all.iter().step_by(37).collect();
    for p in &exposed {
        leak.push_str(&format!("{}\n", p.email));
    }
    s.write("leak.csv", leak.as_bytes());
    let ids = |base: &[Person]| -> std::collections::BTreeSet<String> {
        exposed
            .iter()
            .filter(|p| base.iter().any(|c| c.id == p.id))
            .map(|p| p.id.clone())
            .collect()
    };
    let (want_a, want_b) = (ids(a), ids(b));
    assert_ne!(want_a, want_b);

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let importer = {
        let stop = stop.clone();
        let cmds = [
            s.cmd(&["registry", "import", "b.csv"]),
            s.cmd(&["registry", "import", "a.csv"]),
        ];
        let mut cmds = cmds;
        std::thread::spawn(move || {
            let mut done = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = cmds[done as usize % 2].output().expect("import");
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                done += 1;
            }
            done
        })
    };
    let (mut saw_a, mut saw_b) = (0, 0);
    for _ in 0..12 {
        let r = s.run(&["scope", "leak.csv", "--format", "jsonl"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let got: std::collections::BTreeSet<String> = affected(&r).into_keys().collect();
        if got == want_a {
            saw_a += 1;
        } else if got == want_b {
            saw_b += 1;
        } else {
            panic!(
                "torn registry: {} customers, A has {}, B has {}",
                got.len(),
                want_a.len(),
                want_b.len()
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let imports = importer.join().expect("importer");
    assert!(imports >= 2, "imports ran alongside scope: {imports}");
    assert_eq!(saw_a + saw_b, 12);
}

/// Peak RSS of a `registry import -` fed `rows` customers, each padded with
/// `pad` bytes in an unmapped column, generated while the child reads.
fn streamed_import_peak_kb(s: &Scratch, rows: u64, pad: usize) -> (u64, String) {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = s
        .cmd(&["registry", "import", "-", "--map", "region="])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut stdin);
        writeln!(
            w,
            "customer_id,email,first_name,last_name,phone,country,notes"
        )
        .expect("header");
        let filler = "z".repeat(pad);
        for n in 0..rows {
            let p = synth::customer(SEED, n);
            writeln!(
                w,
                "{},{},{},{},{},{},{filler}",
                p.id, p.email, p.first, p.last, p.phone, p.country
            )
            .expect("row");
        }
        w.flush().expect("flush");
    });
    let mut peak = 0u64;
    while !writer.is_finished() {
        peak = peak.max(vm_hwm_kb(pid).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.join().expect("writer");
    peak = peak.max(vm_hwm_kb(pid).unwrap_or(0));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (peak, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A CSV far larger than memory should be is streamed: the same customers
/// padded to 16x the bytes cost the same memory. (`bench/scope.sh` runs a
/// 5 GB one; this is the CI-sized version.)
#[test]
fn a_large_csv_streamed_from_stdin_imports_in_flat_memory() {
    const ROWS: u64 = 20_000;
    let s = Scratch::new();
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let (small, out) = streamed_import_peak_kb(&s, ROWS, 1 << 10);
    assert!(
        out.contains(&format!("{ROWS} customers ({ROWS} added")),
        "{out}"
    );
    assert!(out.contains("source not recorded"), "{out}");
    // 20k rows of 16 KiB: 320 MiB through the pipe.
    let (big, out) = streamed_import_peak_kb(&s, ROWS, 16 << 10);
    assert!(out.contains(&format!("{ROWS} unchanged")), "{out}");
    assert!(small > 0 && big > 0, "could read VmHWM");
    assert!(
        big < small + 16 * 1024 && big < 128 * 1024,
        "peak RSS {big} KiB for 320 MiB vs {small} KiB for 20 MiB"
    );
}

/// A damaged registry is a clear error from every command that opens it,
/// never an empty (or partial) list of affected customers.
#[test]
fn a_corrupt_or_truncated_registry_is_an_error_not_an_empty_scope() {
    let (s, people) = setup();
    write_leak(&s, &people);
    let reg = s.path("home/registry");
    let current = std::fs::read_to_string(reg.join("CURRENT")).expect("CURRENT");
    let index = reg.join(current.trim());
    let good = std::fs::read(&index).expect("index");

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    std::fs::write(&index, &flipped).expect("write");
    for args in [&["scope", "leak"][..], &["registry", "stats"][..]] {
        let r = s.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains("corrupt"), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }

    std::fs::write(&index, &good[..good.len() - 100]).expect("truncate");
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("corrupt"), "{}", r.stderr);

    // Restored, it works again: the check is about the bytes, not a flag.
    std::fs::write(&index, &good).expect("restore");
    assert_eq!(s.run(&["scope", "leak"]).code, 1);
}

/// A Luhn-valid 16-digit number in the Visa range, from the synth RNG.
fn luhn_card(seed: u64) -> String {
    let mut rng = synth::Rng::new(seed);
    let mut d = String::from("4");
    while d.len() < 15 {
        d.push(char::from(b'0' + rng.below(10) as u8));
    }
    let check = bw_corpus::validate::luhn_check_digit(&d);
    d.push(char::from(b'0' + check));
    d
}

/// Issue 7: a card in the same CSV row as a customer's name is exposed
/// with them; scope says so, and the incident's obligations see it.
#[test]
fn a_card_beside_a_customer_name_is_exposed_with_them_in_scope_and_obligations() {
    let (s, people) = setup();
    let p = people
        .iter()
        .find(|p| p.country == "US" && !p.region.is_empty())
        .expect("a US customer");
    let card = luhn_card(77);
    s.write(
        "cards/export.csv",
        format!(
            "first_name,last_name,card_number\n{},{},{card}\n",
            p.first, p.last
        )
        .as_bytes(),
    );
    let r = s.run(&["scope", "cards", "--format", "csv"]);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(rows.len(), 2, "{}\n{}", r.stdout, r.stderr);
    assert!(rows[1].starts_with(&format!("{},", p.id)), "{}", rows[1]);
    assert!(
        rows[1].ends_with(",payment_card+person_name"),
        "{}",
        rows[1]
    );
    assert!(!r.stdout.contains(&card));

    let r = s.run(&[
        "incident",
        "open",
        "--title",
        "cards",
        "--discovered-at",
        "2026-11-20T08:00:00Z",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    let r = s.run(&["incident", "add-evidence", &id, "cards/export.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ob = s.run(&["incident", "obligations", &id, "--format", "json"]);
    assert_eq!(ob.code, 0, "{}", ob.stderr);
    let ob: serde_json::Value = serde_json::from_str(&ob.stdout).expect("obligations json");
    let code = format!("US-{}", p.region);
    let row = ob["jurisdictions"]
        .as_array()
        .expect("jurisdictions")
        .iter()
        .find(|j| j["code"] == code.as_str())
        .unwrap_or_else(|| panic!("no {code} in {ob}"));
    assert_eq!(row["residents"], 1, "{row}");
    assert!(
        row["elements"]
            .as_array()
            .is_some_and(|e| e.iter().any(|x| x == "payment_card")),
        "{row}"
    );
}

/// A leak piped in as `<(zcat leak.gz)` arrives as a FIFO: it is read as a
/// stream, and its evidence records the bytes read and their hash.
#[cfg(unix)]
#[test]
fn a_fifo_leak_is_scoped_as_a_stream() {
    let (s, people) = setup();
    let leak = format!(
        "order 1 for {} {} <{}>\n",
        people[3].first, people[3].last, people[3].email
    );
    let fifo = s.fifo("leak.pipe");
    let writer = {
        let (fifo, leak) = (fifo.clone(), leak.clone());
        std::thread::spawn(move || std::fs::write(fifo, leak).expect("write fifo"))
    };
    let r = s.run(&["scope", "leak.pipe", "--format", "jsonl"]);
    writer.join().expect("writer");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        affected(&r).contains_key(people[3].id.as_str()),
        "{}",
        r.stdout
    );
    let lines = r.jsonl();
    let f = &lines.last().expect("summary line")["summary"]["files"][0];
    assert_eq!(f["path"], "leak.pipe");
    assert_eq!(f["size"], leak.len() as u64);
    let digest = sha2_hex(leak.as_bytes());
    assert_eq!(f["sha256"].as_str(), Some(digest.as_str()));
}

fn sha2_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
