//! Scope past one machine on a real Spark cluster (`scripts/spark.sh`):
//! `scope --emit-fingerprints` on the executors, a distributed join with
//! the registry's exported fingerprint table, `incident add-scope` — the
//! same customers, exposed fields, names and unattributed elements as
//! one-process `scope` and `add-evidence`, and the legal answers that
//! follow from them.
//!
//! Runs when `BW_SPARK_MASTER` is set (`scripts/test.sh` exports what
//! `scripts/spark.sh` prints); skips otherwise, except under
//! `BW_REQUIRE_SPARK=1` (CI), where it fails.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use bw_testkit::SplitMix64;
use common::spark::{cluster, finish, source, spark_submit};
use common::Scratch;

/// Synthetic names of the Californian customers 61–66, and of three guests
/// (no customers).
const CA_NAMES: [&str; 6] = [
    "Maria Garcia",
    "James Whitfield",
    "Dolores Ramirez",
    "Kevin Nakamura",
    "Linda Okafor",
    "Robert Castillo",
];
const GUEST_NAMES: [&str; 3] = ["Paul Hendricks", "Nora Lindqvist", "Omar Haddad"];

fn ca_name(i: u32) -> &'static str {
    CA_NAMES[(i - 61) as usize]
}

/// Customers of a UK retailer: emails, and phones in Ofcom's drama range
/// (020 7946 0xxx), one Gmail address with dots; and six in California
/// (61–66), by email only, with real-looking names.
fn customers() -> String {
    let mut csv = String::from("customer_id,email,first_name,last_name,phone,country,region\n");
    for i in 1..=60u32 {
        let email = if i == 51 {
            "ann.variant51@gmail.com".to_string()
        } else {
            format!("c{i}.person@example.co.uk")
        };
        csv.push_str(&format!(
            "C{i:03},{email},Given{i},Family{i},+44 20 7946 0{i:03},GB,\n"
        ));
    }
    for i in 61..=66u32 {
        let (given, family) = ca_name(i).split_once(' ').expect("two words");
        csv.push_str(&format!(
            "C{i:03},c{i}.person@example.com,{given},{family},,US,CA\n"
        ));
    }
    csv
}

/// A synthetic SSN of a valid shape (area 101–199, never 000, 666, 9xx).
fn ssn(i: u32) -> String {
    format!("{:03}-{:02}-{:04}", 100 + i, 10 + i % 80, 1000 + i)
}

/// A synthetic bcrypt hash (`$2b$12$`, 53 characters of its alphabet).
fn bcrypt(i: u32) -> String {
    const ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = SplitMix64::new(u64::from(i) + 7);
    let tail: String = (0..53)
        .map(|_| char::from(ALPHABET[rng.below(64) as usize]))
        .collect();
    format!("$2b$12${tail}")
}

/// A lake where customers 1–30 leak by email, 25–45 by phone written
/// internationally and 46–50 nationally, 51 by a dot-less Gmail form of
/// its address; non-customers' emails and phones around them.
fn lake(dir: &Path) {
    let mut orders = String::from("order_id,email,total\n");
    for i in 1..=30u32 {
        orders.push_str(&format!(
            "{},c{i}.person@example.co.uk,{}.99\n",
            1000 + i,
            i * 3
        ));
        orders.push_str(&format!("{},guest{i}@example.net,5.00\n", 2000 + i));
    }
    orders.push_str("3051,annvariant51@gmail.com,7.50\n");
    let mut calls = String::new();
    for i in 25..=45u32 {
        calls.push_str(&format!(
            "2025-01-{:02} support call from +44 20 7946 0{i:03}, resolved\n",
            i % 28 + 1
        ));
    }
    for i in 46..=50u32 {
        calls.push_str(&format!(
            "callback requested on 020 7946 0{i:03} about a refund\n"
        ));
    }
    for i in 900..=910u32 {
        calls.push_str(&format!("missed call from +44 20 7946 0{i}\n"));
    }
    orders.push_str("3066,c66.person@example.com,12.00\n");
    // Californian customers' accounts: name, an SSN and a bcrypt hash
    // beside the email (65 has no password: name, email and SSN only);
    // 66's row holds 61's name (someone else's: no name of 66's, nothing
    // for 61); and three guests' the same way.
    let mut accounts = String::from("account,name,email,ssn,password_hash\n");
    for i in 61..=66u32 {
        let hash = if i >= 65 { String::new() } else { bcrypt(i) };
        let name = ca_name(if i == 66 { 61 } else { i });
        accounts.push_str(&format!(
            "A{i},{name},c{i}.person@example.com,{},{hash}\n",
            ssn(i)
        ));
    }
    for i in 1..=3u32 {
        accounts.push_str(&format!(
            "G{i},{},guest{i}@example.org,{},{}\n",
            GUEST_NAMES[i as usize - 1],
            ssn(70 + i),
            bcrypt(70 + i)
        ));
    }
    // And a dump of SSNs and password hashes with no email or phone.
    let mut vault = String::new();
    for i in 1..=4u32 {
        vault.push_str(&format!(
            "ssn={} password={}\n",
            ssn(80 + i),
            bcrypt(80 + i)
        ));
    }
    fs::create_dir_all(dir.join("crm")).expect("mkdir");
    fs::create_dir_all(dir.join("vault")).expect("mkdir");
    fs::write(dir.join("crm/orders.csv"), orders).expect("write");
    fs::write(dir.join("crm/accounts.csv"), accounts).expect("write");
    fs::write(dir.join("vault/credentials.txt"), vault).expect("write");
    fs::write(dir.join("calls.log"), calls).expect("write");
}

/// What the leak's secrets look like, to check none reaches an output.
fn secrets() -> Vec<String> {
    let n = (61..=66).chain(71..=73).chain(81..=84);
    let names = CA_NAMES.iter().chain(&GUEST_NAMES).map(|n| n.to_string());
    n.flat_map(|i| [ssn(i), bcrypt(i)]).chain(names).collect()
}

/// `(customer id, (confidence, exposed fields joined by +))` of each
/// affected customer in an incident.
fn incident_affected(s: &Scratch, id: &str) -> BTreeMap<String, (f64, String)> {
    let r = s.run(&["incident", "export", id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bundle: serde_json::Value = serde_json::from_str(&r.stdout).expect("export JSON");
    bundle["affected"]
        .as_array()
        .expect("affected list")
        .iter()
        .map(|a| {
            let fields: Vec<&str> = a["matched_fields"]
                .as_array()
                .expect("fields")
                .iter()
                .map(|f| f.as_str().expect("field"))
                .collect();
            (
                a["customer_id"].as_str().expect("id").to_string(),
                (
                    a["confidence"].as_f64().expect("confidence"),
                    fields.join("+"),
                ),
            )
        })
        .collect()
}

/// An incident's detected, unattributed elements summed over its
/// evidence: `"kind/hashing" → count`.
fn incident_unattributed(s: &Scratch, id: &str) -> BTreeMap<String, u64> {
    let r = s.run(&["incident", "show", id, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("show JSON");
    let mut sums = BTreeMap::new();
    for u in v["unattributed"].as_array().expect("unattributed") {
        assert_eq!(u["status"], "detected, unattributed", "{u}");
        let key = format!(
            "{}/{}",
            u["kind"].as_str().expect("kind"),
            u["hashing"].as_str().unwrap_or("-")
        );
        *sums.entry(key).or_default() += u["count"].as_u64().expect("count");
    }
    sums
}

/// The individual-notice answer for residents of `code`.
fn individual_notice(s: &Scratch, id: &str, code: &str) -> String {
    let r = s.run(&["incident", "obligations", id, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("obligations JSON");
    let j = v["jurisdictions"]
        .as_array()
        .expect("jurisdictions")
        .iter()
        .find(|j| j["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {v}"));
    j["individual_notice"]
        .as_str()
        .expect("individual_notice")
        .to_string()
}

#[test]
fn fingerprint_join_on_spark_finds_who_scope_finds() {
    let Some(c) = cluster() else { return };
    let s = Scratch::new();
    s.write("customers.csv", customers().as_bytes());
    for args in [
        &["registry", "init"][..],
        &["registry", "import", "customers.csv"][..],
    ] {
        let r = s.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    lake(&s.path("lake"));
    let src = source(&c, &s.path("lake"));

    // One process with the registry: who scope says is affected.
    let mut cmd = s.cmd(&["scope", &src.arg, "--format", "jsonl"]);
    cmd.args(&src.bw_args)
        .envs(src.env.iter().map(|(k, v)| (k, v)));
    let r = common::Run::from(cmd.output().expect("scope"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let want: BTreeMap<String, (f64, String)> = r
        .jsonl()
        .iter()
        .filter_map(|l| {
            let exposed: Vec<&str> = l["exposed"]
                .as_array()?
                .iter()
                .filter_map(|k| k.as_str())
                .collect();
            Some((
                l["customer_id"].as_str()?.to_string(),
                (l["confidence"].as_f64()?, exposed.join("+")),
            ))
        })
        .collect();
    assert_eq!(want.len(), 57, "scope's own result: {want:?}");
    assert_eq!(
        want["C061"].1, "email+password+person_name+us_ssn",
        "{want:?}"
    );
    assert_eq!(want["C065"].1, "email+person_name+us_ssn", "{want:?}");
    // 61's name beside 66's email is someone else's: no name for either.
    assert_eq!(want["C066"].1, "email+us_ssn", "{want:?}");
    // The name weighs in: 1 - (1 - 0.95)(1 - 0.6).
    assert!((want["C065"].0 - 0.98).abs() < 1e-6, "{want:?}");

    // The lake way: keyed fingerprints on the executors (the key as an
    // executor secret), the registry's table, a Spark join, add-scope.
    let r = s.run(&[
        "registry",
        "export",
        "--format",
        "parquet",
        "--out",
        "registry.parquet",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let key = fs::read_to_string(s.path("home/keys/registry.key")).expect("key file");
    let key = key.trim().to_string();
    let mut env = src.env.clone();
    env.push(("BREACHWATCH_REGISTRY_KEY".into(), key.clone()));
    let redact =
        "spark.redaction.regex=(?i)secret|password|token|access[.]?key|registry_key".to_string();
    let out = s.path("fp");
    let mut job: Vec<String> = vec!["fingerprints".into(), src.arg.clone(), "--out".into()];
    job.push(out.display().to_string());
    job.extend([
        "--splits".into(),
        "4".into(),
        "--task-arg=--phone-regions=GB".into(),
    ]);
    job.extend(src.bw_args.iter().map(|a| format!("--bw-arg={a}")));
    let log = s.path("fp.log");
    let summary = finish(spark_submit(&c, &env, &[redact], &job, &log), &log);
    assert_eq!(summary["splits_with_errors"], 0, "{summary}");
    eprintln!("fingerprints job: {summary}");
    // The vault's 4 SSNs and 4 hashes are in no record with an email:
    // counted by the binary (and what else of the lake is in none).
    assert!(
        summary["unattributed"].as_u64().expect("unattributed") >= 8,
        "{summary}"
    );
    let driver_log = fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !driver_log.contains(&key),
        "the key reached the driver's log"
    );

    let joined = s.path("joined");
    let job: Vec<String> = vec![
        "join".into(),
        "--leaked".into(),
        out.join("fingerprints").display().to_string(),
        "--registry".into(),
        s.path("registry.parquet").display().to_string(),
        "--out".into(),
        joined.display().to_string(),
    ];
    let log = s.path("join.log");
    let summary = finish(spark_submit(&c, &[], &[], &job, &log), &log);
    eprintln!("join job: {summary}");
    assert_eq!(summary["affected"], 57, "{summary}");
    let file = joined.join("affected.jsonl");
    let text = fs::read_to_string(&file).expect("affected.jsonl");
    for secret in secrets() {
        assert!(!text.contains(&secret), "a leaked value in affected.jsonl");
    }

    let open = |title: &str| {
        let r = s.run(&["incident", "open", "--title", title]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout.trim().to_string()
    };
    let id = open("lake leak");
    let file = file.display().to_string();
    let r = s.run(&["incident", "add-scope", &id, &file]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("57 affected customers, 57 new"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("detected, unattributed"), "{}", r.stdout);
    let got = incident_affected(&s, &id);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (id, (conf, exposed)) in &want {
        let (c, fields) = &got[id];
        assert!((c - conf).abs() < 1e-6, "{id}: join {c} vs scope {conf}");
        assert_eq!(fields, exposed, "{id}: join vs scope");
    }
    // The guests' rows matched nobody and the vault is in no record: 3 +
    // 4 of each, with the hashing as add-evidence records it.
    let unattributed = incident_unattributed(&s, &id);
    let expected: BTreeMap<String, u64> = [
        ("password/bcrypt".to_string(), 7),
        ("us_ssn/-".to_string(), 7),
    ]
    .into();
    eprintln!("add-scope: unattributed {unattributed:?}");
    assert_eq!(unattributed, expected);
    // The same file again is the same evidence: nothing changes.
    let r = s.run(&["incident", "add-scope", &id, &file]);
    assert!(r.stdout.starts_with("already present"), "{}", r.stdout);

    // The single-machine way on the same files: the same customers with
    // the same exposed fields, and the same unattributed elements.
    let single = open("the same leak, one machine");
    let mut args = vec![
        "incident".to_string(),
        "add-evidence".into(),
        single.clone(),
    ];
    for f in [
        "crm/orders.csv",
        "crm/accounts.csv",
        "vault/credentials.txt",
        "calls.log",
    ] {
        args.push(s.path("lake").join(f).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = s.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let one: BTreeMap<String, String> = incident_affected(&s, &single)
        .into_iter()
        .map(|(id, (_, fields))| (id, fields))
        .collect();
    let lake: BTreeMap<String, String> = got
        .into_iter()
        .map(|(id, (_, fields))| (id, fields))
        .collect();
    assert_eq!(lake, one, "add-scope vs add-evidence");
    assert_eq!(incident_unattributed(&s, &single), expected);

    // The point of it all: what the join wrote before it carried the
    // records' other kinds (emails and phones only, no unattributed
    // lines) leaves California's residents without a notice; now their
    // SSNs and passwords are counted and one is owed.
    let before: String = text
        .lines()
        .filter(|l| !l.contains("\"unattributed\""))
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("line");
            let o = v.as_object_mut().expect("object");
            o.remove("kinds");
            o.remove("name");
            format!("{v}\n")
        })
        .collect();
    s.write("affected-before.jsonl", before.as_bytes());
    let old = open("as the join had it");
    let r = s.run(&[
        "incident",
        "add-scope",
        &old,
        &s.path("affected-before.jsonl").display().to_string(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(individual_notice(&s, &old, "US-CA"), "not_required");
    assert_eq!(individual_notice(&s, &id, "US-CA"), "required");
    assert_eq!(individual_notice(&s, &single, "US-CA"), "required");

    // Names, the point: 65's row holds name, email and SSN, no password.
    // The join gives 65 person_name (its name beside its own email), not
    // 66 (61's name beside 66's email).
    let by_id = |text: &str| -> BTreeMap<String, serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("line"))
            .filter_map(|v| Some((v["customer_id"].as_str()?.to_string(), v)))
            .collect()
    };
    let named = by_id(&text);
    assert_eq!(
        named["C065"]["kinds"],
        serde_json::json!(["person_name", "us_ssn"])
    );
    assert_eq!(named["C065"]["name"], "exact");
    assert_eq!(named["C066"]["kinds"], serde_json::json!(["us_ssn"]));
    assert!(named["C066"]["name"].is_null(), "{}", named["C066"]);
    // The same fingerprints less their name rows (as the job wrote them
    // before names): the same join, and every customer the same but for
    // person_name and the name's weight.
    let strip = r#"
import os, sys, pyarrow.parquet as pq, pyarrow.compute as pc
t = pq.read_table(sys.argv[1])
kept = t.filter(pc.not_equal(t["field"], "name"))
os.makedirs(sys.argv[2])
pq.write_table(kept, os.path.join(sys.argv[2], "part-0.parquet"))
print(t.num_rows - kept.num_rows)
"#;
    let bare_fp = s.path("fp-bare/fingerprints");
    let o = Command::new(&c.python)
        .args(["-c", strip])
        .arg(out.join("fingerprints"))
        .arg(&bare_fp)
        .output()
        .expect("strip with pyarrow");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stripped: u64 = String::from_utf8_lossy(&o.stdout)
        .trim()
        .parse()
        .expect("a count");
    // 6 Californian + 3 guests' names, each an exact form (none has a
    // diacritic to fold).
    assert_eq!(stripped, 9, "name rows in the fingerprints table");
    let bare_out = s.path("joined-bare");
    let job: Vec<String> = vec![
        "join".into(),
        "--leaked".into(),
        bare_fp.display().to_string(),
        "--registry".into(),
        s.path("registry.parquet").display().to_string(),
        "--unattributed".into(),
        out.join("unattributed").display().to_string(),
        "--out".into(),
        bare_out.display().to_string(),
    ];
    let log = s.path("join-bare.log");
    let summary = finish(spark_submit(&c, &[], &[], &job, &log), &log);
    assert_eq!(summary["affected"], 57, "{summary}");
    // Without --unattributed, that moved table's counts are not silently
    // dropped: the join refuses.
    let mut unnamed = job.clone();
    unnamed.drain(5..7);
    *unnamed.last_mut().expect("--out's value") = s.path("joined-unnamed").display().to_string();
    let log = s.path("join-unnamed.log");
    let o = spark_submit(&c, &[], &[], &unnamed, &log)
        .wait_with_output()
        .expect("wait for spark-submit");
    // spark-submit hands the Python driver's stderr to its own stdout.
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        !o.status.success() && said.contains("name it with --unattributed"),
        "{}\n{said}",
        o.status
    );
    let bare_text = fs::read_to_string(bare_out.join("affected.jsonl")).expect("affected.jsonl");
    let bare = by_id(&bare_text);
    assert_eq!(bare.len(), 57);
    let mut with_names = 0;
    for (id, v) in &named {
        let mut v = v.clone();
        let o = v.as_object_mut().expect("object");
        if o.remove("name").is_some_and(|n| !n.is_null()) {
            with_names += 1;
        }
        if let Some(kinds) = o.get_mut("kinds").and_then(|k| k.as_array_mut()) {
            kinds.retain(|k| k != "person_name");
        }
        let mut b = bare[id].clone();
        b.as_object_mut().expect("object").remove("name");
        assert_eq!(v, b, "{id}: with names vs without");
    }
    assert_eq!(with_names, 5, "61-65 have their names");
    // 65 alone in an incident: with its name, California's notice is owed
    // (a name with an SSN); without, it was not.
    let alone = |lines: &BTreeMap<String, serde_json::Value>, name: &str| {
        s.write(name, format!("{}\n", lines["C065"]).as_bytes());
        let id = open(name);
        let r = s.run(&[
            "incident",
            "add-scope",
            &id,
            &s.path(name).display().to_string(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let fields = incident_affected(&s, &id);
        (
            fields["C065"].1.clone(),
            individual_notice(&s, &id, "US-CA"),
        )
    };
    let (fields, notice) = alone(&bare, "c065-bare.jsonl");
    assert_eq!(
        (fields.as_str(), notice.as_str()),
        ("email+us_ssn", "not_required")
    );
    let (fields, notice) = alone(&named, "c065.jsonl");
    assert_eq!(
        (fields.as_str(), notice.as_str()),
        ("email+person_name+us_ssn", "required")
    );
    eprintln!("C065 alone: {fields} -> US-CA {notice} (without names: not_required)");

    // A fingerprints table from before records were carried (no record
    // spans, no elements, no unattributed table beside it) still joins:
    // the same customers, by email and phone only.
    let rewrite = r#"
import os, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1]).drop_columns(["record_start", "record_end", "elements"])
# Without Spark's own schema in the file's metadata, which still names the
# dropped columns (Spark would read them back, as nulls).
t = t.replace_schema_metadata(None)
os.makedirs(sys.argv[2])
pq.write_table(t, os.path.join(sys.argv[2], "part-0.parquet"))
"#;
    let old_fp = s.path("fp-old/fingerprints");
    let o = Command::new(&c.python)
        .args(["-c", rewrite])
        .arg(out.join("fingerprints"))
        .arg(&old_fp)
        .output()
        .expect("rewrite with pyarrow");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let old_out = s.path("joined-old");
    let job: Vec<String> = vec![
        "join".into(),
        "--leaked".into(),
        old_fp.display().to_string(),
        "--registry".into(),
        s.path("registry.parquet").display().to_string(),
        "--out".into(),
        old_out.display().to_string(),
    ];
    let log = s.path("join-old.log");
    let summary = finish(spark_submit(&c, &[], &[], &job, &log), &log);
    assert_eq!(summary["affected"], 57, "{summary}");
    assert_eq!(summary["unattributed"], 0, "{summary}");
    let lines = fs::read_to_string(old_out.join("affected.jsonl")).expect("affected.jsonl");
    let lines: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("line"))
        .collect();
    assert_eq!(lines.len(), 57);
    assert!(lines.iter().all(|l| l["kinds"] == serde_json::json!([])));
}
