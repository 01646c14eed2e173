//! `breachwatch drill` end to end: a small drill on every stage, checked
//! against the scenario's truth and, independently, against what the other
//! commands say about the drill's data directory.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Run, Scratch};
use serde_json::Value;

fn drill(s: &Scratch, out: &str, customers: &str, extra: &[&str]) -> (Run, Value) {
    let out_dir = s.path(out);
    let out_arg = out_dir.to_string_lossy().into_owned();
    let mut args = vec![
        "drill",
        "--customers",
        customers,
        "--seed",
        "3",
        "--out",
        &out_arg,
    ];
    args.extend_from_slice(extra);
    let r = s.run(&args);
    let text = std::fs::read_to_string(out_dir.join("report.json")).unwrap_or_else(|e| {
        panic!(
            "report.json missing ({e}); exit {}, stdout {}, stderr {}",
            r.code, r.stdout, r.stderr
        )
    });
    let report: Value = serde_json::from_str(&text).expect("report.json is JSON");
    (r, report)
}

/// `breachwatch ARGS` with the drill's directory as the data directory.
fn in_drill_home(s: &Scratch, out: &str, args: &[&str]) -> Run {
    let mut c = s.cmd(args);
    c.env("BREACHWATCH_HOME", s.path(out));
    Run::from(c.output().expect("run breachwatch"))
}

fn truth_exposed(out: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(out.join("truth-exposed.csv")).expect("truth-exposed.csv");
    text.lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::to_string)
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[test]
fn small_drill_meets_the_truth_at_every_stage() {
    let s = Scratch::new();
    let (r, rep) = drill(&s, "d", "800", &[]);
    assert_eq!(r.code, 0, "stdout {}\nstderr {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("PASSED"), "{}", r.stdout);
    assert_eq!(rep["scenario"], "product-pages");
    assert_eq!(rep["passed"], true);
    assert_eq!(rep["misses"], Value::Array(Vec::new()));

    let names: Vec<&str> = rep["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|st| st["name"].as_str().unwrap_or(""))
        .collect();
    for want in [
        "generate",
        "scan",
        "registry import",
        "scope",
        "incident",
        "obligations",
        "notify plan",
        "notify send",
    ] {
        assert!(names.contains(&want), "stage {want} missing from {names:?}");
    }
    assert!(rep["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .all(|st| num(&st["seconds"]) >= 0.0));

    // Detection floors, overall and for the two kinds the pages expose.
    assert!(
        num(&rep["detection"]["precision"]) >= 0.95,
        "{}",
        rep["detection"]
    );
    assert!(
        num(&rep["detection"]["recall"]) >= 0.95,
        "{}",
        rep["detection"]
    );
    let kinds: Vec<&str> = rep["detection"]["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .filter(|k| num(&k["truth"]) > 0.0)
        .map(|k| k["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["email", "person_name"]);

    // Affected set: the drill's own count, and scope run again by the
    // ordinary command on the drill's data directory.
    let out = s.path("d");
    let truth = truth_exposed(&out);
    assert_eq!(truth.len(), 32, "one in 25 of 800 customers");
    assert_eq!(num(&rep["scope"]["truth"]) as usize, truth.len());
    assert_eq!(rep["scope"]["found"], rep["scope"]["truth"]);
    assert_eq!(rep["scope"]["false"], 0);
    let leak = out.join("leak").to_string_lossy().into_owned();
    let scoped = in_drill_home(&s, "d", &["scope", &leak, "--format", "jsonl"]);
    assert_eq!(
        scoped.code, 1,
        "affected customers found; {}",
        scoped.stderr
    );
    let found: BTreeSet<String> = scoped
        .jsonl()
        .iter()
        .filter_map(|l| l["customer_id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(found, truth);

    // Every due notice accepted by the SMTP sink exactly once, the due
    // notices being one per affected customer, and every truly exposed
    // customer's address among the recipients.
    let n = &rep["notices"];
    assert_eq!(n["status"], "sent", "{n}");
    assert_eq!(n["due"].as_u64(), Some(truth.len() as u64), "{n}");
    assert_eq!(n["accepted"], n["due"], "{n}");
    assert_eq!(n["duplicates"], 0, "{n}");
    assert_eq!(n["unexpected"], 0, "{n}");
    assert_eq!(n["failed"], 0, "{n}");
    assert_eq!(n["exposed_unnotified"], 0, "{n}");

    // The incident's audit log checks out with the ordinary command.
    let id = rep["incident"].as_str().expect("incident id");
    let audit = in_drill_home(&s, "d", &["audit", "verify", id]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);

    for f in ["report.md", "report.html", "customers.csv", "truth.jsonl"] {
        assert!(out.join(f).exists(), "{f} written");
    }
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(
        html.contains("<svg") && !html.contains("<script"),
        "inline SVG, no script"
    );
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("| email |"), "{md}");
}

#[test]
fn name_and_email_incident_owes_no_us_notice_and_gdpr_72_hours() {
    let s = Scratch::new();
    let (r, rep) = drill(&s, "d", "800", &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let rows = rep["obligations"].as_array().expect("obligations");
    assert!(!rows.is_empty());
    let discovered = rep["discovered_at"].as_str().expect("discovered_at");
    for o in rows {
        let code = o["code"].as_str().unwrap_or("");
        let elements: Vec<&str> = o["elements"]
            .as_array()
            .expect("elements")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(elements, ["email", "name"], "{code}");
        assert_eq!(o["matches"], true, "{o}");
        if code.starts_with("US-") {
            // No US breach law is triggered by a name and an email alone.
            assert_eq!(o["individual_notice"], "not_required", "{o}");
            assert_eq!(o["individual_deadline"], Value::Null, "{o}");
        }
    }
    let eu = rows
        .iter()
        .find(|o| o["code"] == "EU")
        .expect("EU customers exposed");
    let deadline = eu["regulator_deadline"]
        .as_str()
        .expect("GDPR Art. 33 deadline");
    let parse = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{t}: {e}"))
    };
    assert_eq!(
        parse(deadline) - parse(discovered),
        time::Duration::hours(72)
    );

    // The stored incident gives the same answer through the ordinary command.
    let id = rep["incident"].as_str().expect("incident id");
    let ob = in_drill_home(
        &s,
        "d",
        &["incident", "obligations", id, "--format", "json"],
    );
    assert_eq!(ob.code, 0, "{}", ob.stderr);
    let stored: Value = serde_json::from_str(&ob.stdout).expect("obligations JSON");
    let codes = |v: &[Value]| -> BTreeSet<(String, u64, String)> {
        v.iter()
            .map(|o| {
                (
                    o["code"].as_str().unwrap_or("").to_string(),
                    o["residents"].as_u64().unwrap_or(0),
                    o["individual_notice"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        codes(stored["jurisdictions"].as_array().expect("jurisdictions")),
        codes(rows)
    );
}

#[test]
fn weakened_detector_fails_the_drill_naming_the_kind() {
    let s = Scratch::new();
    let (r, rep) = drill(&s, "d", "800", &["--weaken-detector", "person_name"]);
    assert_eq!(r.code, 1, "a missed stage exits 1: {}", r.stdout);
    assert_eq!(rep["passed"], false);
    assert_eq!(rep["weakened"][0], "person_name");
    let misses = rep["misses"].as_array().expect("misses");
    assert!(
        misses.iter().any(|m| m["stage"] == "scan"
            && m["what"]
                .as_str()
                .unwrap_or("")
                .starts_with("person_name: recall 0.0%")),
        "{misses:?}"
    );
    assert!(r.stdout.contains("FAILED") && r.stdout.contains("person_name"));
    let md = std::fs::read_to_string(s.path("d").join("report.md")).expect("report.md");
    assert!(
        md.contains("## Misses") && md.contains("person_name: recall 0.0%"),
        "{md}"
    );
}

#[test]
fn contractor_export_and_log_bucket_are_detected_and_scoped() {
    let s = Scratch::new();
    for (scenario, kinds) in [
        (
            "contractor-export",
            &[
                "email",
                "phone_number",
                "payment_card",
                "person_name",
                "date_of_birth",
            ][..],
        ),
        ("log-bucket", &["email", "payment_card", "ip_address"][..]),
    ] {
        let (r, rep) = drill(&s, scenario, "400", &["--scenario", scenario]);
        assert_eq!(r.code, 0, "{scenario}: {}\n{}", r.stdout, r.stderr);
        // The card beside a customer's name or email is theirs too: the
        // stored obligations see it, and agree with the truth's.
        let obligations = rep["obligations"].as_array().expect("obligations");
        assert!(!obligations.is_empty(), "{scenario}");
        for o in obligations {
            assert_eq!(o["matches"], true, "{scenario}: {o}");
        }
        assert!(
            scenario != "contractor-export"
                || obligations.iter().any(|o| o["elements"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|x| x == "payment_card"))),
            "{scenario}: no jurisdiction saw a card: {obligations:?}"
        );
        for k in rep["detection"]["kinds"].as_array().expect("kinds") {
            if kinds.contains(&k["kind"].as_str().unwrap_or("")) {
                assert!(num(&k["recall"]) >= 0.95, "{scenario}: {k}");
            }
        }
        let seen: BTreeSet<&str> = rep["detection"]["kinds"]
            .as_array()
            .expect("kinds")
            .iter()
            .filter(|k| num(&k["truth"]) > 0.0)
            .filter_map(|k| k["kind"].as_str())
            .collect();
        assert_eq!(seen, kinds.iter().copied().collect(), "{scenario}");
        assert_eq!(rep["scope"]["found"], rep["scope"]["truth"], "{scenario}");
        assert_eq!(rep["scope"]["false"], 0, "{scenario}");
        assert_eq!(
            truth_exposed(&s.path(scenario)).len() as u64,
            rep["scope"]["truth"].as_u64().unwrap_or(0)
        );
    }
}

#[test]
fn drill_refuses_a_foreign_directory_and_reuses_its_own() {
    let s = Scratch::new();
    s.write("mine/notes.txt", b"keep me");
    let out = s.path("mine").to_string_lossy().into_owned();
    let r = s.run(&["drill", "--customers", "50", "--out", &out]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("not empty"), "{}", r.stderr);
    assert!(s.path("mine/notes.txt").exists());

    // An earlier drill's directory is cleared and reused: a fresh store,
    // so the incident numbering starts again.
    for _ in 0..2 {
        let (r, rep) = drill(&s, "again", "100", &[]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        let year = &rep["discovered_at"].as_str().expect("discovered_at")[..4];
        assert_eq!(rep["incident"], format!("INC-{year}-0001"));
    }
}
