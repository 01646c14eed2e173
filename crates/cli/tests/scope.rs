//! `breachwatch scope` end to end, on synthetic customers from
//! `bw_scope::synth` and a leak the test writes itself (CSV, HTML and a zip
//! holding JSON); see `common/leak.rs`. The registry's own tests are in
//! `registry.rs`.

mod common;

use std::collections::BTreeMap;

use bw_scope::synth;
use common::leak::*;
use common::Scratch;

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
