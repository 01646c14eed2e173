use crate::{Engine, Field, Hint, Kind, KindSet};

/// `(kind, value, score, detector)` of every finding of the labelled
/// kinds and of email, at any score, through the engine (so that overlap
/// resolution with the other detectors is part of the test).
fn found_with(text: &str, hints: &[Hint]) -> Vec<(Kind, String, f32, &'static str)> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    engine.scan_with_hints(text.as_bytes(), &crate::Hints::new(hints), &mut out);
    let mine: KindSet = [
        Kind::Username,
        Kind::BankAccount,
        Kind::DriversLicense,
        Kind::Passport,
        Kind::Health,
        Kind::Email,
    ]
    .into_iter()
    .collect();
    out.into_iter()
        .filter(|f| mine.contains(f.kind))
        .map(|f| {
            (
                f.kind,
                text[f.start..f.end].to_string(),
                f.score,
                f.detector,
            )
        })
        .collect()
}

/// Reported findings (score >= 0.5) as `(kind, value)`.
fn reported(text: &str) -> Vec<(Kind, String)> {
    reported_with(text, &[])
}

fn reported_with(text: &str, hints: &[Hint]) -> Vec<(Kind, String)> {
    found_with(text, hints)
        .into_iter()
        .filter(|f| f.2 >= 0.5)
        .map(|f| (f.0, f.1))
        .collect()
}

#[track_caller]
fn one(text: &str, kind: Kind, value: &str) {
    assert_eq!(reported(text), [(kind, value.to_string())], "{text:?}");
}

#[track_caller]
fn none(text: &str) {
    let got: Vec<_> = reported(text)
        .into_iter()
        .filter(|(k, _)| *k != Kind::Email)
        .collect();
    assert!(got.is_empty(), "{text:?}: {got:?}");
}

/// Hints for the cells of a one-line CSV (no quotes) under `columns`.
fn cells(line: &str, columns: &[Option<Field>]) -> Vec<Hint> {
    let mut hints = Vec::new();
    let mut at = 0;
    for (cell, field) in line.split(',').zip(columns) {
        if let Some(field) = field {
            hints.push(Hint {
                start: at,
                end: at + cell.len(),
                field: *field,
            });
        }
        at += cell.len() + 1;
    }
    hints
}

#[test]
fn usernames_in_login_fields() {
    one(
        r#"{"username":"m.okafor_77","plan":"pro"}"#,
        Kind::Username,
        "m.okafor_77",
    );
    one(
        "GET /login?user_name=kw4ng&next=/ HTTP/1.1",
        Kind::Username,
        "kw4ng",
    );
    one(
        r#"{"login": "octocat", "id": 583231}"#,
        Kind::Username,
        "octocat",
    );
    one(
        "username: dlopez\npassword_hint: x",
        Kind::Username,
        "dlopez",
    );
    one("DB_USER=app_reader\n", Kind::Username, "app_reader");
    one("<userName>tkimura</userName>", Kind::Username, "tkimura");
    one("user=rsingh level=info", Kind::Username, "rsingh");
}

#[test]
fn a_username_that_is_an_email_is_an_email_only() {
    let text = r#"{"username":"ann.lee@example.org"}"#;
    assert_eq!(
        reported(text),
        [(Kind::Email, "ann.lee@example.org".to_string())]
    );
    let text = "login ok user=ann.lee@example.org from=10.0.0.1";
    assert_eq!(
        reported(text),
        [(Kind::Email, "ann.lee@example.org".to_string())]
    );
}

#[test]
fn not_usernames() {
    for text in [
        r#"{"last_login":"2024-03-01T10:00:00Z"}"#,
        r#"{"login": true}"#,
        r#"{"event":"login","ok":1}"#,
        "user: I think the form is broken",
        "login: failed for 3 attempts",
        "username = self.username",
        "username={{ username }}",
        r#""username": null"#,
        "user_agent=Mozilla/5.0",
        "superuser: postgres",
        "$user = get_user()",
        r#"{"user": {"id": 7}}"#,
        "username: 5f4dcc3b5aa765d61d8327deb882cf99",
        // Prose quoting a name, constants and their statuses, code.
        "Assuming adduser was called for the user \"john\", and",
        "GNUTLS_E_UNKNOWN_SRP_USERNAME: ADDED.\n",
        "     before_user = before_app = do_transpose;",
        "DynamicUser=yes.",
        // Documentation's examples and service accounts.
        "new URLSearchParams('user=abc&query=xyz')",
        "User=nobody is unsafe",
        "export USERNAME=\"testuser\"",
        // Declarations: a field's type, a variable's.
        "        userName: CFStringRef,\n",
        "        non_null username: JString,\n",
        "    let username = \"rusty\";",
    ] {
        none(text);
    }
    // A documentation example is kept below the threshold.
    let got = found_with("username: admin", &[]);
    assert!(got.iter().all(|f| f.2 < 0.5), "{got:?}");
}

#[test]
fn passports_after_their_label() {
    one("Passport No.: 534218907", Kind::Passport, "534218907");
    one(
        "passport number 534218907 issued 2019",
        Kind::Passport,
        "534218907",
    );
    one(
        r#"{"passport_number":"C01X00T47"}"#,
        Kind::Passport,
        "C01X00T47",
    );
    one("Passport: C4J7R2K91", Kind::Passport, "C4J7R2K91");
    one("passport# YA6281735", Kind::Passport, "YA6281735");
    // Counted up: a layout's example, kept below the threshold.
    assert!(found_with("Passport No: 123456789", &[])
        .iter()
        .all(|f| f.0 != Kind::Passport || f.2 < 0.5));
}

#[test]
fn not_passports() {
    for text in [
        // Nine digits alone are anything.
        "batch 534218907 done",
        // Beside the word, not after it as its value.
        "passport photo order 1004829175",
        "Passport renewal fee, invoice number 534218907",
        "passport.authenticate('local', { failureRedirect: '/login' })",
        r#""passport": "^0.6.0","#,
        "passport: true",
        "SKU PASSPORT-HOLDER-0042 in stock",
        "tracking number 9400111899223344556677 for your passport wallet",
    ] {
        none(text);
    }
}

#[test]
fn driving_licences_in_us_uk_and_eu_formats() {
    one(
        "Driver's License No.: D4821937",
        Kind::DriversLicense,
        "D4821937",
    );
    one(
        "DL# S123-456-78-901-0",
        Kind::DriversLicense,
        "S123-456-78-901-0",
    );
    one(
        "licence number MORGA753116SM9IJ",
        Kind::DriversLicense,
        "MORGA753116SM9IJ",
    );
    one(
        r#"{"drivers_license":"48213907"}"#,
        Kind::DriversLicense,
        "48213907",
    );
    one(
        "driving_licence_no=B072RRE2I55",
        Kind::DriversLicense,
        "B072RRE2I55",
    );
    one(
        "DL number: A1234 56789 01234",
        Kind::DriversLicense,
        "A1234 56789 01234",
    );
}

#[test]
fn not_licences() {
    for text in [
        "License: MIT",
        "license: Apache-2.0",
        "license number: ABCDE-FGHIJ-KLMNO-PQRST",
        "license_key=7F3K-99QX-1LPA-0ZZT-M2M2",
        "DLL version 10.0.19041.1",
        "<p>HDL 52 mg/dL</p>",
        "driver version 535.104.05",
        "order number 1004829175 driver's license renewal",
        // PostScript's line operator.
        ".32 LW 76 642 72 642 DL 80 642 76 642 DL 84 642 80 642 DL",
        // A label with no number word takes no value after a space.
        "passport 534218907",
    ] {
        none(text);
    }
}

#[test]
fn licences_and_passports_in_prose_and_other_languages() {
    one("DL 48213907", Kind::DriversLicense, "48213907");
    one(
        "Stopped; DL D4821937 (CA), plate 7ABC123.",
        Kind::DriversLicense,
        "D4821937",
    );
    one(
        "driver's license no. D4821937",
        Kind::DriversLicense,
        "D4821937",
    );
    one(
        "F\u{fc}hrerschein-Nr. B072RRE2I55",
        Kind::DriversLicense,
        "B072RRE2I55",
    );
    one(
        "Fuehrerscheinnummer: B072RRE2I55",
        Kind::DriversLicense,
        "B072RRE2I55",
    );
    one("Reisepass: C01X00T47", Kind::Passport, "C01X00T47");
    one("Reisepassnummer C01X00T47", Kind::Passport, "C01X00T47");
    one("Passnummer C01X00T47", Kind::Passport, "C01X00T47");
    one("Pass-Nr.: C01X00T47", Kind::Passport, "C01X00T47");
    one(
        "passport number 534218907 issued 2019",
        Kind::Passport,
        "534218907",
    );
    one(
        "Num\u{e9}ro de passeport 09AA12345, d\u{e9}livr\u{e9} \u{e0} Lyon",
        Kind::Passport,
        "09AA12345",
    );
    one(
        "num\u{e9}ro de passeport : 09AA12345",
        Kind::Passport,
        "09AA12345",
    );
    // Counted up: a layout's example, below the threshold.
    for text in ["DL 12345678", "passport number 123456789"] {
        let got = found_with(text, &[]);
        assert!(got.iter().all(|f| f.2 < 0.5), "{text:?}: {got:?}");
    }
}

#[test]
fn not_licences_or_passports_in_prose() {
    for text in [
        // Delta's flights, PostScript's operator, licences' names.
        "Booked on DL 1234 to Atlanta",
        "188.7 DL 296.862 188.7 291.862",
        "72 642 DL 80642 76642 DL",
        "DL 8064271 642",
        "GNU FDL 1.3 or later",
        "the text of the GNU FDL 13245678",
        "HDL 52 mg/dL",
        "dl 48213907",
        "DL  48213907",
        "DL 4821",
        // A passport word with no number word takes no value after a
        // space; a pass is not a passport without one.
        "Reisepass 534218907",
        "passeport 09AA12345",
        "pass 534218907 to the next stage",
        "bypass number 534218907",
        "le passeport de 534218907 personnes",
    ] {
        none(text);
    }
}

#[test]
fn bank_accounts_need_a_bank_label_or_a_valid_routing_number() {
    one(
        "bank_account=000123456789",
        Kind::BankAccount,
        "000123456789",
    );
    one(
        "Checking Account: 4417 2093 118",
        Kind::BankAccount,
        "4417 2093 118",
    );
    one(
        r#"{"routing_number":"021000021","account_number":"483920175"}"#,
        Kind::BankAccount,
        "483920175",
    );
    one(
        "Account number 483920175, routing 011000015",
        Kind::BankAccount,
        "483920175",
    );
    // A routing number is the bank's, never reported; with a bad checksum
    // it vouches for nothing.
    none(r#"{"routing_number":"021000022","account_number":"483920175"}"#);
    // A shop's customer account, an order number beside the words.
    none("Your account number is 483920175. Order number 1004829175.");
    none("acct: 483920175 (loyalty)");
    // Another record's routing number vouches for nothing.
    for two in [
        "ach routing=021000021 acct=29184988611\nach routing=021000022 acct=2436091715",
        "ach routing=021000022 acct=2436091715\nach routing=021000021 acct=29184988611",
    ] {
        assert_eq!(
            reported(two),
            [(Kind::BankAccount, "29184988611".to_string())]
        );
    }
    // A JSON object's members, one a line, are one record.
    one(
        "{\n  \"routing_number\": \"021000021\",\n  \"account_number\": \"483920175\"\n}",
        Kind::BankAccount,
        "483920175",
    );
    none("account/orders/1004829175");
}

#[test]
fn medical_fields() {
    one(
        r#"{"patient_id":"P-2231","diagnosis":"Type 2 diabetes mellitus"}"#,
        Kind::Health,
        "Type 2 diabetes mellitus",
    );
    one(
        "medications: Lisinopril 10 mg daily\n",
        Kind::Health,
        "Lisinopril 10 mg daily",
    );
    one(
        r#"{"diagnosis_code":"E11.9","note":"x"}"#,
        Kind::Health,
        "E11.9",
    );
    one(
        "<allergies>penicillin</allergies>",
        Kind::Health,
        "penicillin",
    );
    // A bare condition is a patient's beside medical fields.
    let text = r#"{"patient":"P-2231","condition":"asthma","ward":"B"}"#;
    assert_eq!(reported(text), [(Kind::Health, "asthma".to_string())]);
}

#[test]
fn not_medical() {
    for text in [
        r#"{"sku":"NW-JKT-0042","condition":"refurbished","price":"$49.00"}"#,
        r#"{"Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b"}}}"#,
        "if condition: return",
        r#"{"diagnosis": null, "medications": []}"#,
        "diagnostics: enabled",
        "medicare_number: 1EG4-TE5-MK73",
        "diagnosis = self.diagnosis",
        "allergies: none",
        // `diagnose` is a verb (commit subjects, changelogs).
        "      diagnose: add to command-list.txt\n",
        "\tDiagnose 'close' failures.",
        "grep: don't diagnose \"grep '-c'\"",
        "    pub const prescription: u16 = 0x211e;\n",
        // Mid-sentence, a label is prose.
        "Framework around health checks, smoke tests and diagnoses: monitor your apps",
        "pub const ceStreamDiagnosisList: MINIDUMP_STREAM_TYPE = 32780i32;\n",
    ] {
        none(text);
    }
}

#[test]
fn columns_admit_their_values() {
    use Field::*;
    let line = "kw4ng,C01X00T47,D4821937,000123456789,asthma,used";
    let cols = [
        Some(Username),
        Some(Passport),
        Some(DriversLicense),
        Some(BankAccount),
        Some(Health),
        Some(Condition),
    ];
    let got = reported_with(line, &cells(line, &cols));
    assert_eq!(
        got,
        [
            (Kind::Username, "kw4ng".to_string()),
            (Kind::Passport, "C01X00T47".to_string()),
            (Kind::DriversLicense, "D4821937".to_string()),
            (Kind::BankAccount, "000123456789".to_string()),
            (Kind::Health, "asthma".to_string()),
            // The condition sits beside a medical column.
            (Kind::Health, "used".to_string()),
        ]
    );
    // A condition column alone is a product's; an account number column
    // needs its routing number.
    let line = "used,483920175";
    let got = reported_with(line, &cells(line, &[Some(Condition), Some(AccountNumber)]));
    assert!(got.is_empty(), "{got:?}");
    let line = "021000021,483920175";
    let got = reported_with(
        line,
        &cells(line, &[Some(RoutingNumber), Some(AccountNumber)]),
    );
    assert_eq!(got, [(Kind::BankAccount, "483920175".to_string())]);
    let line = "021000022,483920175";
    let got = reported_with(
        line,
        &cells(line, &[Some(RoutingNumber), Some(AccountNumber)]),
    );
    assert!(got.is_empty(), "{got:?}");
    // Test data's names in a username column (JSON keys are columns to
    // the hinter) are examples; a name does not end with a full stop.
    for line in ["test", "foo", "me", "www."] {
        let got = reported_with(line, &cells(line, &[Some(Username)]));
        assert!(got.is_empty(), "{line:?}: {got:?}");
    }
    // An email address in a username column is an email.
    let line = "ann@example.org";
    assert_eq!(
        reported_with(line, &cells(line, &[Some(Username)])),
        [(Kind::Email, line.to_string())]
    );
}

#[test]
fn chunked_scans_agree_with_whole_ones() {
    // Every label shape, repeated with shifting padding so that labels,
    // values and their evidence (a routing number before or after, a
    // medical field) straddle chunk boundaries at every offset.
    let block = "Driver's License No.: D4821937 and {\"username\":\"kw4ng\"}\n\
                 routing 021000021 account number 483920175\n\
                 acct=29184988611 routing=011000015\n\
                 {\"patient\":\"P-1\",\"condition\":\"asthma\"} Passport No.: 534218907\n\
                 {\n  \"routing_number\": \"021000021\",\n  \"account_number\": \"483920175\"\n}\n\
                 medications: Lisinopril 10 mg daily\nDL# S123-456-78-901-0 ITIN: 912783456\n\
                 DL 48213907 F\u{fc}hrerschein-Nr. B072RRE2I55 Passnummer C01X00T47\n\
                 num\u{e9}ro de passeport 09AA12345 72 642 DL 80642 76642 DL\n";
    let mut text = String::new();
    for pad in 0..160 {
        text.push_str(&" ".repeat(pad % 37));
        text.push_str(&"x".repeat(pad % 5));
        text.push(' ');
        text.push_str(block);
    }
    let engine = Engine::new(Kind::ALL);
    let mut whole = Vec::new();
    engine.scan(text.as_bytes(), &mut whole);
    for step in [1, 7, 64, 511, 4096] {
        let got = crate::testutil::scan_trickled(&engine, text.as_bytes(), step);
        assert_eq!(got, whole, "step {step}");
    }
    let count = |k| {
        whole
            .iter()
            .filter(|f| f.kind == k && f.score >= 0.5)
            .count()
    };
    assert_eq!(count(Kind::BankAccount), 3 * 160);
    assert_eq!(count(Kind::Health), 2 * 160);
    assert_eq!(count(Kind::DriversLicense), 4 * 160);
    assert_eq!(count(Kind::Passport), 3 * 160);
}
