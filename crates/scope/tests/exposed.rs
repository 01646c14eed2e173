//! Which kinds of a customer's data a leak exposes: the identifiers that
//! matched plus every other kind in the same record, where a record is a
//! CSV row or a log line.

use std::path::PathBuf;

use bw_registry::{import_csv, init, ImportOptions, Key, Registry};
use bw_scope::synth::Rng;
use bw_scope::{scope, ScopeOptions};

const ROWS: &str = "customer_id,email,first_name,last_name,phone,country,region
C1,mara.ostrowski@example.com,Mara,Ostrowski,,US,MA
C2,lev.quintana@example.org,Lev,Quintana,,US,WA
C3,odile.varga@example.net,Odile,Varga,,FR,
";

fn registry() -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = Key::from_bytes([3; 32]);
    init(dir.path(), &key).expect("init");
    import_csv(dir.path(), &key, ROWS.as_bytes(), &ImportOptions::default()).expect("import");
    let reg = Registry::open(dir.path(), &key).expect("open");
    (dir, reg)
}

/// A Luhn-valid 16-digit Visa-range number.
fn card(rng: &mut Rng) -> String {
    let mut d = String::from("4");
    while d.len() < 15 {
        d.push(char::from(b'0' + rng.below(10) as u8));
    }
    let check = bw_corpus::validate::luhn_check_digit(&d);
    d.push(char::from(b'0' + check));
    d
}

/// A public unicast IPv4 address (first octet 11-99: no private, loopback
/// or shared range).
fn ip(rng: &mut Rng) -> String {
    format!(
        "{}.{}.{}.{}",
        11 + rng.below(89),
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    )
}

fn exposed(report: &bw_scope::ScopeReport) -> Vec<(String, String)> {
    report
        .affected
        .iter()
        .map(|a| (a.customer_id.clone(), a.exposed.join("+")))
        .collect()
}

#[test]
fn csv_rows_expose_their_cards_to_the_customer_named_in_the_row_only() {
    let (_d, reg) = registry();
    let mut g = Rng::new(11);
    let card = card(&mut g);
    let leak = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = leak.path().join("export.csv");
    // C1 by name alone with a card; C2 by email with no card; C3 by name
    // and email, with the card in the first column.
    let text = format!(
        "card_number,first_name,last_name,email\n\
         {card},Mara,Ostrowski,\n\
         ,Lev,Quintana,lev.quintana@example.org\n\
         {},Odile,Varga,odile.varga@example.net\n",
        self::card(&mut g)
    );
    std::fs::write(&path, text).expect("write");
    let opts = ScopeOptions {
        threads: 1,
        ..ScopeOptions::default()
    };
    let r = scope(&[path], &reg, &opts).expect("scope");
    assert_eq!(
        exposed(&r),
        vec![
            ("C1".into(), "payment_card+person_name".into()),
            ("C2".into(), "email+person_name".into()),
            ("C3".into(), "email+payment_card+person_name".into()),
        ]
    );
    assert_eq!(r.affected[0].matched, vec!["person_name"]);
    let json = serde_json::to_string(&r).expect("json");
    assert!(!json.contains(&card), "a card value leaked into the report");
}

#[test]
fn a_log_line_is_a_record_and_its_ip_and_card_go_to_the_email_on_it() {
    let (_d, reg) = registry();
    let mut g = Rng::new(12);
    let (ip1, ip2, card) = (ip(&mut g), ip(&mut g), card(&mut g));
    let leak = tempfile::tempdir().expect("tempdir");
    let path = leak.path().join("app.log");
    // Short lines, well within the record gap of each other: the IP of the
    // line with no email must go to nobody, the card only to C2.
    let text = format!(
        "{ip1} login ok user=mara.ostrowski@example.com\n\
         {ip2} GET /\n\
         payment failed card={card} user=lev.quintana@example.org\n"
    );
    std::fs::write(&path, text).expect("write");
    let opts = ScopeOptions {
        threads: 1,
        ..ScopeOptions::default()
    };
    let r = scope(&[path], &reg, &opts).expect("scope");
    assert_eq!(
        exposed(&r),
        vec![
            ("C1".into(), "email+ip_address".into()),
            ("C2".into(), "email+payment_card".into()),
        ]
    );
}

#[test]
fn in_a_log_each_line_is_its_own_record() {
    // Call notes: one event, one person, per line. Read by byte distance,
    // Mara's name ran into the next line's email (someone else's) and was
    // dropped as contradicted.
    let (_d, reg) = registry();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("calls.txt");
    std::fs::write(
        &path,
        "2026-05-01T09:00:01Z inbound call, caller Mara Ostrowski, order delayed\n\
         2026-05-01T09:02:11Z callback requested by walk.in.guest@example.biz\n\
         2026-05-01T09:05:40Z refund issued to lev.quintana@example.org\n\
         2026-05-01T09:07:02Z no answer\n",
    )
    .expect("write");
    let opts = ScopeOptions {
        threads: 1,
        ..ScopeOptions::default()
    };
    let r = scope(&[path], &reg, &opts).expect("scope");
    let ids: Vec<&str> = r.affected.iter().map(|a| a.customer_id.as_str()).collect();
    assert_eq!(ids, ["C1", "C2"], "{:?}", r.affected);
    assert_eq!(r.names_contradicted, 0);
}

#[test]
fn credentials_and_identity_numbers_go_to_the_customer_of_their_row() {
    // Issue 28's kinds, each in its own column of a users export (the
    // argon2 hash quoted, as a CSV writer quotes its commas): every
    // customer's `exposed` lists exactly what their own row holds.
    let (_d, reg) = registry();
    let bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    let argon = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
    let text = format!(
        "email,username,password_hash,passport_number,drivers_license,ni_number,cvv\n\
         mara.ostrowski@example.com,mostrowski,{bcrypt},,,,\n\
         lev.quintana@example.org,,\"{argon}\",C01X00T47,D4827319,,\n\
         odile.varga@example.net,,,,,JG103759A,737\n"
    );
    let leak = tempfile::tempdir().expect("tempdir");
    let path = leak.path().join("users.csv");
    std::fs::write(&path, text).expect("write");
    let opts = ScopeOptions {
        threads: 1,
        ..ScopeOptions::default()
    };
    let r = scope(&[path], &reg, &opts).expect("scope");
    assert_eq!(
        exposed(&r),
        vec![
            ("C1".into(), "email+password+username".into()),
            (
                "C2".into(),
                "drivers_license+email+passport+password".into()
            ),
            ("C3".into(), "card_security_code+email+government_id".into()),
        ]
    );
    let json = serde_json::to_string(&r).expect("json");
    for secret in [
        bcrypt,
        argon,
        "C01X00T47",
        "D4827319",
        "JG103759A",
        "mostrowski",
    ] {
        assert!(!json.contains(secret), "{secret} leaked into the report");
    }
}
