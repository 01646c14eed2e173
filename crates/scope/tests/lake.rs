//! `scope --emit-fingerprints` reads a leak in the records scope reads it
//! in: each fingerprint line carries its record's other kinds — the kinds
//! scope itself reports exposed for the customer it matches — and what
//! lies in no record with an email or phone is counted, never shown.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use bw_registry::{import_csv, init, Fingerprinter, IdKind, ImportOptions, Key, Registry};
use bw_scope::{lake, scope, ScopeOptions};
use serde_json::Value;

const ROWS: &str = "customer_id,email,first_name,last_name,phone,country,region
C1,mara.ostrowski@example.com,Mara,Ostrowski,,US,CA
C2,lev.quintana@example.org,Lev,Quintana,,US,WA
";

const BCRYPT: [&str; 4] = [
    "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    "$2b$12$Xq1cRk2Lm3Np4Oq5Pr6Ss7Tt8Uu9Vv0Ww1Xx2Yy3Zz4Aa5Bb6Cc7D",
    "$2b$12$aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789./aBcDeFgHiJkLmNo",
    "$2b$12$zYxWvUtSrQpOnMlKjIhGfEdCbA9876543210./zYxWvUtSrQpOnMl",
];
const SSN: [&str; 5] = [
    "123-45-6701",
    "123-45-6702",
    "123-45-6703",
    "219-45-6704",
    "219-45-6705",
];

fn registry(key: &Key) -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path(), key).expect("init");
    import_csv(dir.path(), key, ROWS.as_bytes(), &ImportOptions::default()).expect("import");
    let reg = Registry::open(dir.path(), key).expect("open");
    (dir, reg)
}

/// A customers table (SSN and bcrypt hash beside each email; a guest's
/// row the same way) and a dump of SSNs and hashes with no email.
fn leak(dir: &std::path::Path) -> Vec<PathBuf> {
    let table = format!(
        "account,email,ssn,password_hash\n\
         1,mara.ostrowski@example.com,{},{}\n\
         2,lev.quintana@example.org,{},\n\
         3,guest3@example.net,{},{}\n",
        SSN[0], BCRYPT[0], SSN[1], SSN[2], BCRYPT[1]
    );
    let dump = format!(
        "ssn={} password={}\nssn={} password={}\n",
        SSN[3], BCRYPT[2], SSN[4], BCRYPT[3]
    );
    let a = dir.join("accounts.csv");
    let b = dir.join("credentials.txt");
    std::fs::write(&a, table).expect("write");
    std::fs::write(&b, dump).expect("write");
    vec![a, b]
}

fn emit(paths: &[PathBuf], fp: &Fingerprinter, threads: usize) -> (Vec<Value>, String) {
    let out: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    let opts = ScopeOptions {
        threads,
        ..ScopeOptions::default()
    };
    let report = lake::emit_fingerprints(paths, fp, Default::default(), &opts, &out)
        .expect("emit fingerprints");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let text = String::from_utf8(out.into_inner().expect("lock")).expect("utf-8");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    let values = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(report.carried, 5, "{text}");
    assert_eq!(report.unattributed, 4, "{text}");
    (values, lines.join("\n"))
}

fn hex(fp: bw_registry::Fingerprint) -> String {
    fp.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn fingerprint_lines_carry_the_kinds_scope_exposes_and_the_rest_is_counted() {
    let key = Key::from_bytes([5; 32]);
    let (_r, reg) = registry(&key);
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = leak(dir.path());
    let fp = Fingerprinter::new(&key);
    let (lines, text) = emit(&paths, &fp, 2);

    // Never a value: not an SSN, not a hash, not an email.
    for secret in SSN
        .iter()
        .chain(&BCRYPT)
        .chain(&["mara.ostrowski", "guest3"])
    {
        assert!(!text.contains(secret), "{secret} in the output");
    }

    // What scope itself says each customer had exposed, less the
    // identifiers (the join adds those).
    let report = scope(&paths, &reg, &ScopeOptions::default()).expect("scope");
    let exposed: BTreeMap<&str, Vec<&str>> = report
        .affected
        .iter()
        .map(|a| {
            let other = a
                .exposed
                .iter()
                .copied()
                .filter(|k| !["email", "phone_number", "person_name"].contains(k))
                .collect();
            (a.customer_id.as_str(), other)
        })
        .collect();
    assert_eq!(exposed["C1"], ["password", "us_ssn"]);
    assert_eq!(exposed["C2"], ["us_ssn"]);
    for (id, email) in [
        ("C1", "mara.ostrowski@example.com"),
        ("C2", "lev.quintana@example.org"),
    ] {
        let want = hex(fp.fingerprint(IdKind::Email, email));
        let line = lines
            .iter()
            .find(|l| l["fingerprint"] == want.as_str())
            .unwrap_or_else(|| panic!("no line for {id}: {text}"));
        let kinds: Vec<&str> = line["elements"]
            .as_array()
            .expect("elements")
            .iter()
            .map(|e| e["kind"].as_str().expect("kind"))
            .collect();
        assert_eq!(kinds, exposed[id], "{id}: {line}");
        assert!(line["record_start"].as_u64() <= line["start"].as_u64());
        assert!(line["record_end"].as_u64() >= line["end"].as_u64());
    }
    // The hash on C1's line names its hashing, as add-evidence reads it.
    assert!(text.contains(r#"{"kind":"password","detector":"password.bcrypt","count":1}"#));

    // The guest's row has a fingerprint too (the join finds no one for
    // it); only the dump is in no record with an email.
    let fingerprints = lines.iter().filter(|l| l.get("fingerprint").is_some());
    assert_eq!(fingerprints.count(), 3, "{text}");
    let loose: Vec<(&str, &str, u64, &str)> = lines
        .iter()
        .filter(|l| l["unattributed"] == true)
        .map(|l| {
            assert!(l.get("fingerprint").is_none(), "{l}");
            (
                l["kind"].as_str().expect("kind"),
                l["detector"].as_str().expect("detector"),
                l["count"].as_u64().expect("count"),
                l["path"].as_str().expect("path"),
            )
        })
        .collect();
    let dump = paths[1].display().to_string();
    assert_eq!(
        loose,
        [
            ("password", "password.bcrypt", 2, dump.as_str()),
            ("us_ssn", "ssn.dashed", 2, dump.as_str()),
        ]
    );

    // A rerun (Spark retries tasks) writes the same lines, so that the
    // job's dedupe keeps one of each; with one thread as with two.
    let (_, again) = emit(&paths, &fp, 1);
    assert_eq!(again, text);
}

/// The registry's name forms for a customer's first and last name, as
/// import fingerprints them.
fn registry_name(given: &str, family: &str) -> bw_registry::normalize::Forms {
    bw_registry::normalize::name::normalise_parts(given, family).expect("a two-word name")
}

#[test]
fn a_records_names_are_emitted_beside_its_email_as_the_registry_keys_them() {
    let key = Key::from_bytes([5; 32]);
    let (_r, reg) = registry(&key);
    let fp = Fingerprinter::new(&key);
    let dir = tempfile::tempdir().expect("tempdir");
    // Mara's row: name (diacritics added, so it has a variant form),
    // email, SSN. Lev's: name and SSN, no email or phone.
    let table = format!(
        "name,email,ssn\n\
         Mára Ostrowski,mara.ostrowski@example.com,{}\n\
         Lev Quintana,,{}\n",
        SSN[0], SSN[1]
    );
    let path = dir.path().join("people.csv");
    std::fs::write(&path, table).expect("write");
    let out: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    let report = lake::emit_fingerprints(
        std::slice::from_ref(&path),
        &fp,
        Default::default(),
        &ScopeOptions::default(),
        &out,
    )
    .expect("emit");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let text = String::from_utf8(out.into_inner().expect("lock")).expect("utf-8");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(!text.contains("Ostrowski") && !text.contains("Quintana"));

    let email = lines
        .iter()
        .find(|l| l["field"] == "email")
        .unwrap_or_else(|| panic!("no email line: {text}"));
    let names: Vec<&Value> = lines.iter().filter(|l| l["field"] == "name").collect();
    // "Mára Ostrowski" folds to the registry's variant of Mara's name: the
    // leak's variant line is the registry's variant fingerprint for C1.
    let mara = registry_name("Mara", "Ostrowski");
    let folded = mara.variant.clone().unwrap_or_else(|| mara.exact.clone());
    let want = hex(fp.fingerprint(IdKind::Name, &folded));
    let hit = names
        .iter()
        .find(|l| l["fingerprint"] == want.as_str())
        .unwrap_or_else(|| panic!("no line with the registry's name fingerprint: {text}"));
    assert_eq!(hit["exact"], false, "{hit}");
    // And the registry finds Mara by the forms the line was made from.
    let leaked = bw_registry::normalize::name::normalise("Mára Ostrowski").expect("name");
    assert_eq!(leaked.variant.as_deref(), Some(folded.as_str()));
    let found = reg.lookup_forms(IdKind::Name, &leaked);
    assert_eq!(found.len(), 1);
    let customer = found.iter().next().expect("a match").customer;
    assert_eq!(reg.customer(customer).expect("customer").id, "C1");
    // Exact form and variant, both of the record of the email line.
    assert_eq!(names.len(), 2, "{text}");
    for n in &names {
        for k in ["path", "record_start", "record_end", "elements"] {
            assert_eq!(n[k], email[k], "{k}: {n} vs {email}");
        }
    }
    // Lev's name has no email or phone beside it: no line (and the name
    // is not an element, so it is not counted unattributed either).
    let lev = registry_name("Lev", "Quintana");
    for form in [Some(lev.exact.clone()), lev.variant.clone()]
        .into_iter()
        .flatten()
    {
        let fp = hex(fp.fingerprint(IdKind::Name, &form));
        assert!(!text.contains(&fp), "a name line without email: {text}");
    }
    assert_eq!(report.fingerprints, 3, "{text}");
}

#[test]
fn a_given_and_family_name_in_two_columns_are_paired_as_the_registry_pairs_them() {
    let key = Key::from_bytes([5; 32]);
    let (_r, reg) = registry(&key);
    let fp = Fingerprinter::new(&key);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("split.csv");
    std::fs::write(
        &path,
        "first_name,last_name,email\nLev,Quintana,lev.quintana@example.org\n",
    )
    .expect("write");
    let paths = [path];
    // Scope itself attributes the pair to C2.
    let report = scope(&paths, &reg, &ScopeOptions::default()).expect("scope");
    let c2 = report
        .affected
        .iter()
        .find(|a| a.customer_id == "C2")
        .expect("C2 affected");
    assert!(c2.exposed.contains(&"person_name"), "{:?}", c2.exposed);

    let out: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    lake::emit_fingerprints(
        &paths,
        &fp,
        Default::default(),
        &ScopeOptions::default(),
        &out,
    )
    .expect("emit");
    let text = String::from_utf8(out.into_inner().expect("lock")).expect("utf-8");
    let names: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .filter(|l| l["field"] == "name")
        .collect();
    let want = hex(fp.fingerprint(IdKind::Name, &registry_name("Lev", "Quintana").exact));
    assert_eq!(names.len(), 1, "{text}");
    assert_eq!(names[0]["fingerprint"], want.as_str(), "{text}");
    assert_eq!(names[0]["exact"], true);
}
