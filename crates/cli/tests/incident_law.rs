//! `breachwatch incident obligations` as the law reads an incident: its
//! cause, declared elements (for all customers, counted with those added
//! later, or for listed ones), a bcrypt hash beside an email, no-harm
//! determinations, and the obligations of name + email and name + SSN
//! across US states, the EU, GB and customers with no country.

mod common;

use bw_store::Affected;
use common::incident::*;
use common::Scratch;
use serde_json::Value;

#[test]
fn cause_is_set_at_open_changed_audited_and_read_by_the_rules() {
    let s = Scratch::new();
    let id = open(&s, "lost laptop", &["--cause", "lost_device"]);
    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["cause"], "lost_device");
    let human = s.run(&["incident", "show", &id]);
    assert!(
        human.stdout.contains("cause:        lost_device"),
        "{}",
        human.stdout
    );

    // Korea: a hacked leak goes to PIPC/KISA at any size.
    seed(
        &s,
        &id,
        "kr",
        &places(&[("KR", 3)], &["name", "email"]),
        false,
    );
    let kr = |s: &Scratch| {
        by_code(&json(
            s,
            &["incident", "obligations", &id, "--format", "json"],
        ))["KR"]
            .clone()
    };
    assert_eq!(kr(&s)["regulator_notice"], "assess");
    let r = s.run(&[
        "incident",
        "cause",
        &id,
        "attack",
        "--reason",
        "SQL injection",
        "--actor",
        "dana",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(kr(&s)["regulator_notice"], "required");
    let again = s.run(&["incident", "cause", &id, "attack"]);
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);

    let log = json(&s, &["incident", "export", &id]);
    let entry = log["audit_log"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["action"] == "incident.cause"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(entry["actor"], "dana");
    assert_eq!(entry["after"]["reason"], "SQL injection");
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);

    let bad = s.run(&["incident", "cause", &id, "phishing"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("inadvertent_disclosure"),
        "{}",
        bad.stderr
    );
}

#[test]
fn declared_passwords_for_all_customers_count_with_those_added_later() {
    let s = Scratch::new();
    let id = open(&s, "users table read", &["--cause", "attack"]);
    seed(
        &s,
        &id,
        "first",
        &places(&[("US-CA", 3)], &["name", "email"]),
        false,
    );
    assert_eq!(
        obligations(&s, &id)["US-CA"]["individual_notice"],
        "not_required"
    );

    let r = s.run(&[
        "incident",
        "declare",
        &id,
        "--element",
        "password",
        "--all",
        "--reason",
        "attacker read the users table incl. passwords",
        "--actor",
        "dana",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("declared password for all affected customers"),
        "{}",
        r.stdout
    );
    // Customers added after the declaration are covered by it too.
    let later: Vec<Affected> = (100..102)
        .map(|n| customer(n, "US-NY", &["email"]))
        .collect();
    seed(&s, &id, "second", &later, false);

    let j = obligations(&s, &id);
    for code in ["US-CA", "US-NY"] {
        assert_eq!(
            j[code]["individual_notice"],
            "required",
            "{code}: {}",
            reasons(&j[code])
        );
        assert_eq!(
            j[code]["declared_elements"],
            serde_json::json!(["password"]),
            "{code}"
        );
        assert!(
            reasons(&j[code]).contains("declared by dana: attacker read the users table"),
            "{code}: {}",
            reasons(&j[code])
        );
    }
    assert_eq!(j["US-CA"]["elements"], serde_json::json!(["email", "name"]));
    assert_eq!(j["US-NY"]["elements"], serde_json::json!(["email"]));

    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["declared_elements"][0]["element"], "password");
    assert_eq!(shown["declared_elements"][0]["declared_by"], "dana");
    assert_eq!(shown["declared_elements"][0]["all_affected"], true);
    let human = s.run(&["incident", "show", &id]);
    assert!(
        human
            .stdout
            .contains("password for all affected customers, by dana"),
        "{}",
        human.stdout
    );
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[test]
fn an_email_and_a_bcrypt_hash_is_assessed_not_dismissed() {
    let s = Scratch::new();
    let id = open(&s, "users table with bcrypt hashes", &[]);
    let customers = places(
        &[
            ("US-CA", 2),
            ("US-NY", 2),
            ("US-TX", 2),
            ("GB", 1),
            ("DE", 1),
        ],
        &["email"],
    );
    seed(&s, &id, "users", &customers, false);
    let r = s.run(&[
        "incident",
        "declare",
        &id,
        "--element",
        "password",
        "--hashed",
        "bcrypt",
        "--all",
        "--reason",
        "attacker read the users table incl. password hashes",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("password (as a bcrypt hash)"),
        "{}",
        r.stdout
    );
    let j = obligations(&s, &id);
    for code in ["US-CA", "US-NY", "GB", "EU"] {
        assert_eq!(
            j[code]["individual_notice"],
            "assess",
            "{code}: {}",
            reasons(&j[code])
        );
        assert_eq!(
            j[code]["password_hashing"],
            serde_json::json!(["bcrypt"]),
            "{code}"
        );
        assert!(
            reasons(&j[code]).contains("bcrypt hash"),
            "{code}: {}",
            reasons(&j[code])
        );
    }
    for code in ["US-CA", "US-NY"] {
        let why = reasons(&j[code]);
        assert!(
            why.contains("does not clearly cover hashing"),
            "{code}: {why}"
        );
        assert!(
            j[code]["citations"][0]
                .as_str()
                .is_some_and(|c| why.contains(c)),
            "{code}"
        );
    }
    // Texas names no credential element at all, hashed or plain.
    assert_eq!(
        j["US-TX"]["individual_notice"],
        "not_required",
        "{}",
        reasons(&j["US-TX"])
    );
    let human = s.run(&["incident", "obligations", &id]);
    assert!(
        human
            .stdout
            .contains("passwords known only as hashes: bcrypt"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_no_harm_determination_flips_colorado_and_florida_asks_for_it() {
    let s = Scratch::new();
    let id = open(&s, "card table", &["--cause", "attack"]);
    let customers = places(
        &[("US-CO", 3), ("US-FL", 2), ("US-TX", 1)],
        &["name", "us_ssn"],
    );
    seed(&s, &id, "cards", &customers, false);
    let j = obligations(&s, &id);
    for code in ["US-CO", "US-FL"] {
        assert_eq!(
            j[code]["individual_notice"],
            "assess",
            "{code}: {}",
            reasons(&j[code])
        );
        assert!(reasons(&j[code]).contains("--no-harm"), "{code}");
    }
    assert_eq!(j["US-TX"]["individual_notice"], "required");

    for code in ["US-CO", "US-FL"] {
        let r = s.run(&[
            "incident",
            "determine",
            &id,
            "--jurisdiction",
            code,
            "--no-harm",
            "--reason",
            "SSNs were tokenised; no misuse seen; law enforcement consulted",
            "--actor",
            "erin",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("recorded no_harm"), "{}", r.stdout);
    }
    let j = obligations(&s, &id);
    let co = &j["US-CO"];
    assert_eq!(co["individual_notice"], "not_required", "{}", reasons(co));
    assert_eq!(co["regulator_notice"], "not_required");
    assert!(
        reasons(co).contains("determined no_harm by erin: SSNs were tokenised"),
        "{}",
        reasons(co)
    );
    assert!(co["citations"][0]
        .as_str()
        .is_some_and(|c| c.contains("6-1-716")));
    assert_eq!(co["follow_ups"], serde_json::json!([]));

    let fl = &j["US-FL"];
    assert_eq!(fl["individual_notice"], "not_required", "{}", reasons(fl));
    assert_eq!(fl["follow_ups"][0]["to"], "Department of Legal Affairs");
    assert!(fl["follow_ups"][0]["citation"]
        .as_str()
        .is_some_and(|c| c.contains("501.171")));
    let due = fl["follow_ups"][0]["deadline"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let due = time::OffsetDateTime::parse(&due, &time::format_description::well_known::Rfc3339)
        .expect("follow-up deadline is RFC 3339");
    let days = (due - time::OffsetDateTime::now_utc()).whole_days();
    assert!(
        (29..=30).contains(&days),
        "30 days from the determination, not discovery: {due}"
    );
    let human = s.run(&["incident", "obligations", &id]);
    assert!(
        human
            .stdout
            .contains("follow-up: Department of Legal Affairs"),
        "{}",
        human.stdout
    );
    let fl_row = human
        .stdout
        .lines()
        .find(|l| l.starts_with("US-FL "))
        .unwrap_or_default();
    assert!(fl_row.contains("(follow-up)"), "{}", human.stdout);

    // A law without a harm exception takes no finding.
    let r = s.run(&[
        "incident",
        "determine",
        &id,
        "--jurisdiction",
        "US-TX",
        "--no-harm",
        "--reason",
        "x",
    ]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no harm exception"), "{}", r.stderr);
    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert_eq!(shown["determinations"][0]["jurisdiction"], "US-CO");
    assert_eq!(shown["determinations"][0]["decided_by"], "erin");
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[test]
fn declarations_for_listed_customers_reach_only_them() {
    let s = Scratch::new();
    let id = open(&s, "payroll export", &[]);
    let mut customers = places(&[("US-TX", 2)], &["name"]);
    customers.push(customer(7, "US-CA", &["name"]));
    seed(&s, &id, "payroll", &customers, false);
    let list = s.write(
        "ssn-customers.txt",
        b"# read from the payroll table\ncust-00000\n\ncust-99999\n",
    );
    let list = list.to_string_lossy().to_string();
    let r = s.run(&[
        "incident",
        "declare",
        &id,
        "--element",
        "ssn",
        "--customers",
        &list,
        "--reason",
        "payroll table rows 1-2 exfiltrated",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of them are not in the affected set"),
        "{}",
        r.stderr
    );
    let j = obligations(&s, &id);
    assert_eq!(
        j["US-TX"]["individual_notice"],
        "required",
        "{}",
        reasons(&j["US-TX"])
    );
    assert_eq!(j["US-TX"]["residents_owed_notice"], 1);
    assert_eq!(
        j["US-TX"]["declared_elements"],
        serde_json::json!(["us_ssn"])
    );
    assert_eq!(j["US-CA"]["declared_elements"], serde_json::json!([]));
    assert_eq!(j["US-CA"]["individual_notice"], "not_required");

    for bad in [
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "shoe_size",
            "--all",
            "--reason",
            "x",
        ],
        vec!["incident", "declare", &id, "--element", "email", "--all"],
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "email",
            "--reason",
            "x",
        ],
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "email",
            "--hashed",
            "bcrypt",
            "--all",
            "--reason",
            "x",
        ],
        vec![
            "incident",
            "declare",
            &id,
            "--element",
            "password",
            "--hashed",
            "rot13",
            "--all",
            "--reason",
            "x",
        ],
    ] {
        let r = s.run(&bad);
        assert_ne!(r.code, 0, "{bad:?} was accepted");
    }
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[test]
fn obligations_for_name_and_email_across_us_eu_gb_and_no_country() {
    let s = Scratch::new();
    let id = open(&s, "newsletter list", &[]);
    let customers = places(
        &[
            ("US-CA", 3),
            ("US-TX", 2),
            ("DE", 2),
            ("FR", 1),
            ("GB", 1),
            ("", 1),
        ],
        &["name", "email"],
    );
    seed(&s, &id, "newsletter", &customers, false);

    let out = json(&s, &["incident", "obligations", &id, "--format", "json"]);
    assert_eq!(out["incident"], id.as_str());
    let j = by_code(&out);
    assert_eq!(
        j.keys().map(String::as_str).collect::<Vec<_>>(),
        ["EU", "GB", "UNKNOWN", "US-CA", "US-TX"]
    );
    for (code, residents) in [
        ("US-CA", 3),
        ("US-TX", 2),
        ("EU", 3),
        ("GB", 1),
        ("UNKNOWN", 1),
    ] {
        assert_eq!(j[code]["residents"], residents, "{code}");
        assert_eq!(
            j[code]["elements"],
            serde_json::json!(["email", "name"]),
            "{code}"
        );
        for key in [
            "individual_notice",
            "individual_deadline",
            "regulator_notice",
            "regulator",
            "regulator_deadline",
            "cra_notice",
            "citations",
            "reasons",
        ] {
            assert!(j[code].get(key).is_some(), "{code} lacks {key}");
        }
    }
    for code in ["US-CA", "US-TX"] {
        assert_eq!(j[code]["individual_notice"], "not_required", "{code}");
        assert_eq!(j[code]["regulator_notice"], "not_required", "{code}");
        assert_eq!(j[code]["individual_deadline"], Value::Null, "{code}");
    }
    for code in ["EU", "GB"] {
        assert_eq!(j[code]["individual_notice"], "assess", "{code}");
        assert_eq!(j[code]["regulator_deadline"], PLUS_72H, "{code}");
        assert!(j[code]["citations"]
            .as_array()
            .is_some_and(|c| !c.is_empty()));
    }
    assert_eq!(j["UNKNOWN"]["rule"], "no_rule");
    assert!(j["UNKNOWN"]["reasons"][0]
        .as_str()
        .is_some_and(|r| r.contains("no rule: review manually")));
    // Sorted by deadline: the two with a 72 h clock come first.
    let order: Vec<&str> = out["jurisdictions"]
        .as_array()
        .map(|a| a.iter().filter_map(|j| j["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(&order[..2], ["EU", "GB"]);

    let human = s.run(&["incident", "obligations", &id]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("Decision support, not legal advice."));
    let unknown_row = human
        .stdout
        .lines()
        .find(|l| l.starts_with("UNKNOWN "))
        .unwrap_or_default();
    assert!(
        unknown_row.contains("no rule: review manually"),
        "{}",
        human.stdout
    );
    let eu_row = human
        .stdout
        .lines()
        .find(|l| l.starts_with("EU "))
        .unwrap_or_default();
    assert!(eu_row.contains("2026-05-07 09:00Z"), "{}", human.stdout);

    let csv = s.run(&["incident", "obligations", &id, "--format", "csv"]);
    assert_eq!(csv.code, 0);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines.len(), 1 + 5, "{}", csv.stdout);
    assert!(lines[0].starts_with("code,rule,residents,"));
    assert!(lines[1].starts_with("EU,evaluated,3,email;name,assess,"));

    // Stored with the incident, and the change is in the audit chain.
    let shown = json(&s, &["incident", "show", &id, "--format", "json"]);
    assert!(shown["obligations_version"].is_string());
    let bundle = json(&s, &["incident", "export", &id]);
    assert_eq!(bundle["obligations"]["body"], out);
    let ok = s.run(&["audit", "verify", &id]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[test]
fn name_and_ssn_requires_notice_in_us_states_unless_encrypted() {
    let s = Scratch::new();
    let id = open(&s, "payroll", &[]);
    seed(
        &s,
        &id,
        "payroll",
        &places(&[("US-CA", 2), ("US-TX", 1)], &["name", "ssn"]),
        false,
    );
    let out = json(&s, &["incident", "obligations", &id, "--format", "json"]);
    let j = by_code(&out);
    for code in ["US-CA", "US-TX"] {
        assert_eq!(j[code]["individual_notice"], "required", "{code}");
        assert_eq!(
            j[code]["elements"],
            serde_json::json!(["name", "us_ssn"]),
            "{code}"
        );
    }

    // The same exposure from an encrypted copy only: California's safe harbour.
    let enc = Scratch::new();
    let id = open(&enc, "payroll, encrypted", &[]);
    seed(
        &enc,
        &id,
        "payroll-enc",
        &places(&[("US-CA", 2)], &["name", "ssn"]),
        true,
    );
    let out = json(&enc, &["incident", "obligations", &id, "--format", "json"]);
    assert_eq!(by_code(&out)["US-CA"]["individual_notice"], "not_required");
}
