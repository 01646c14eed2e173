//! Record matching against a real registry, with findings handed in
//! directly (independent of which detectors are enabled).

use bw_detect::Kind;
use bw_registry::{import_csv, init, ImportOptions, Key, Registry};
use bw_scope::{Context, Item, ScopeOptions};

const ROWS: &str = "customer_id,email,first_name,last_name,phone,country,region
C1,ana.lopez@example.com,Ana,Lopez,06 12 34 56 78,FR,
C2,ana.l@example.org,Ana,Lopez,(415) 555-2671,US,CA
C3,bo.tran@example.net,Bo,Tranovic,0151 23456789,DE,
C4,unique.name@example.com,Zebulon,Quartermaine,07911 123456,GB,
";

fn registry() -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = Key::from_bytes([9; 32]);
    init(dir.path(), &key).expect("init");
    import_csv(dir.path(), &key, ROWS.as_bytes(), &ImportOptions::default()).expect("import");
    let reg = Registry::open(dir.path(), &key).expect("open");
    (dir, reg)
}

fn item(kind: Kind, value: &str, start: u64) -> Item {
    Item {
        kind,
        value: value.to_string(),
        start,
        end: start + value.len() as u64,
        detector: "",
    }
}

fn run(reg: &Registry, opts: &ScopeOptions, records: &[Vec<Item>]) -> bw_scope::ScopeReport {
    let ctx = Context::new(reg, opts);
    let mut m = ctx.matcher();
    for r in records {
        m.record("leak.txt", &mut r.clone());
    }
    ctx.finish(vec![m.into_tally()])
}

fn ids(r: &bw_scope::ScopeReport) -> Vec<(&str, String)> {
    r.affected
        .iter()
        .map(|a| (a.customer_id.as_str(), a.matched.join("+")))
        .collect()
}

#[test]
fn shared_name_alone_is_ambiguous_and_confirmed_by_an_email_of_one_candidate() {
    let (_d, reg) = registry();
    let opts = ScopeOptions::default();
    let alone = run(&reg, &opts, &[vec![item(Kind::PersonName, "Ana Lopez", 0)]]);
    assert!(alone.affected.is_empty(), "{:?}", alone.affected);
    assert_eq!(alone.ambiguous.len(), 1);
    assert_eq!(alone.ambiguous[0].candidates, 2);
    assert_eq!(alone.ambiguous[0].kind, "person_name");
    assert_eq!(alone.ambiguous[0].value, None);

    let confirmed = run(
        &reg,
        &opts,
        &[vec![
            item(Kind::PersonName, "LOPEZ, Ana", 0),
            item(Kind::Email, "Ana.L@Example.org", 20),
        ]],
    );
    assert_eq!(
        ids(&confirmed),
        vec![("C2", "email+person_name".to_string())]
    );
    assert!(confirmed.ambiguous.is_empty());
    let c2 = &confirmed.affected[0];
    assert_eq!((c2.country.as_str(), c2.region.as_str()), ("US", "CA"));
    assert!(c2.confidence > 0.95, "{}", c2.confidence);
    assert_eq!(c2.evidence.len(), 2);

    // The same name next to the other customer's email in a *different*
    // record confirms nothing.
    let apart = run(
        &reg,
        &opts,
        &[
            vec![item(Kind::PersonName, "Ana Lopez", 0)],
            vec![item(Kind::Email, "ana.lopez@example.com", 500)],
        ],
    );
    assert_eq!(ids(&apart), vec![("C1", "email".to_string())]);
    assert_eq!(apart.ambiguous.len(), 1);
}

#[test]
fn unique_name_matches_with_low_confidence_and_split_names_pair_up() {
    let (_d, reg) = registry();
    let opts = ScopeOptions::default();
    let r = run(
        &reg,
        &opts,
        &[
            vec![item(Kind::PersonName, "Dr. Zebulon Quartermaine", 0)],
            // Family name before given name, as two separate fields.
            vec![
                item(Kind::PersonName, "Tranovic", 100),
                item(Kind::PersonName, "Bo", 110),
            ],
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            ("C3", "person_name".to_string()),
            ("C4", "person_name".to_string())
        ]
    );
    assert!(r.affected.iter().all(|a| (a.confidence - 0.6).abs() < 1e-6));
    assert_eq!(r.affected[0].evidence.len(), 2, "both halves are evidence");
}

#[test]
fn national_phones_use_the_record_country_then_the_registry_countries() {
    let (_d, reg) = registry();
    let opts = ScopeOptions::default();
    let r = run(
        &reg,
        &opts,
        &[
            // Alone: FR/US/DE/GB are the registry's countries.
            vec![item(Kind::PhoneNumber, "06.12.34.56.78", 0)],
            vec![item(Kind::PhoneNumber, "+49 151 23456789", 300)],
            vec![
                item(Kind::Email, "unique.name@example.com", 600),
                item(Kind::PhoneNumber, "07911 123456", 640),
            ],
            // A number no customer has.
            vec![item(Kind::PhoneNumber, "+33 7 00 00 00 01", 900)],
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            ("C1", "phone_number".to_string()),
            ("C3", "phone_number".to_string()),
            ("C4", "email+phone_number".to_string())
        ]
    );
    assert_eq!(r.unmatched.phone_number, 1);

    let narrow = ScopeOptions {
        phone_regions: vec!["US".into()],
        ..ScopeOptions::default()
    };
    let r = run(
        &reg,
        &narrow,
        &[vec![item(Kind::PhoneNumber, "06 12 34 56 78", 0)]],
    );
    assert!(r.affected.is_empty(), "FR number not tried as FR");
}

#[test]
fn unmatched_identifiers_are_counted_once_and_revealed_only_on_request() {
    let (_d, reg) = registry();
    let stranger = "someone.else@example.com";
    let records = vec![
        vec![item(Kind::Email, stranger, 0)],
        vec![item(Kind::Email, "SomeOne.Else@EXAMPLE.com", 300)],
        vec![item(Kind::PersonName, "Quentin Nobody", 600)],
    ];
    let r = run(&reg, &ScopeOptions::default(), &records);
    assert_eq!(r.unmatched.email, 1, "case variants are one mailbox");
    assert_eq!(r.unmatched.person_name, 1);
    assert!(r.unmatched_values.is_none());
    let json = format!("{r:?}");
    assert!(!json.contains("someone") && !json.contains("Quentin"));

    let reveal = ScopeOptions {
        reveal: true,
        ..ScopeOptions::default()
    };
    let r = run(&reg, &reveal, &records);
    let values = r.unmatched_values.expect("reveal lists values");
    assert!(values["email"].iter().any(|v| v == stranger));
    assert_eq!(values["person_name"], vec!["Quentin Nobody".to_string()]);
}

#[test]
fn summary_groups_by_fields_country_and_region() {
    let (_d, reg) = registry();
    let r = run(
        &reg,
        &ScopeOptions::default(),
        &[
            vec![item(Kind::Email, "ana.lopez@example.com", 0)],
            vec![
                item(Kind::Email, "ana.l@example.org", 300),
                item(Kind::PhoneNumber, "+1 415-555-2671", 330),
            ],
            vec![item(Kind::Email, "bo.tran@example.net", 700)],
        ],
    );
    let s = r.summary();
    assert_eq!(s.affected, 3);
    assert_eq!(s.by_matched["email"], 2);
    assert_eq!(s.by_matched["email+phone_number"], 1);
    assert_eq!(s.by_country["FR"], 1);
    assert_eq!(s.by_country["US"], 1);
    assert_eq!(s.by_country["DE"], 1);
    assert_eq!(s.by_region["US-CA"], 1);
    assert_eq!(s.by_region.len(), 1);
}

#[test]
fn a_name_is_not_attributed_when_the_record_email_or_phone_is_someone_elses() {
    let (_d, reg) = registry();
    let opts = ScopeOptions::default();
    // A guest named like C4, with an email no customer has.
    let guest = run(
        &reg,
        &opts,
        &[vec![
            item(Kind::PersonName, "Zebulon Quartermaine", 0),
            item(Kind::Email, "z.quartermaine@example.net", 30),
        ]],
    );
    assert!(guest.affected.is_empty(), "{:?}", guest.affected);
    assert_eq!(guest.names_contradicted, 1);
    assert_eq!(guest.summary().names_contradicted, 1);
    assert_eq!(guest.unmatched.email, 1);

    // C4's name next to C3's email: C3 is affected by the email, C4 not.
    let other = run(
        &reg,
        &opts,
        &[vec![
            item(Kind::PersonName, "Zebulon Quartermaine", 0),
            item(Kind::Email, "bo.tran@example.net", 30),
        ]],
    );
    assert_eq!(ids(&other), vec![("C3", "email".to_string())]);
    assert_eq!(other.names_contradicted, 1);

    // A phone that matches nobody contradicts the name just as well.
    let phone = run(
        &reg,
        &opts,
        &[vec![
            item(Kind::PersonName, "Zebulon Quartermaine", 0),
            item(Kind::PhoneNumber, "+44 7700 900123", 30),
        ]],
    );
    assert!(phone.affected.is_empty(), "{:?}", phone.affected);
    assert_eq!(phone.names_contradicted, 1);

    // Name and email of the same customer: both count, confidence rises.
    let agree = run(
        &reg,
        &opts,
        &[vec![
            item(Kind::PersonName, "Zebulon Quartermaine", 0),
            item(Kind::Email, "unique.name@example.com", 30),
        ]],
    );
    assert_eq!(ids(&agree), vec![("C4", "email+person_name".to_string())]);
    assert!(agree.affected[0].confidence > 0.97);
    assert_eq!(agree.names_contradicted, 0);
}

/// Records are matched in batches: across batch boundaries and member
/// changes each record still counts alone, in order, with its own path;
/// phones (looked up in a later round than emails and names) still join
/// their own record.
#[test]
fn batched_records_keep_their_own_path_and_order() {
    let (_d, reg) = registry();
    let opts = ScopeOptions {
        max_evidence: 1000,
        ..ScopeOptions::default()
    };
    let ctx = Context::new(&reg, &opts);
    let mut m = ctx.matcher();
    let mut want: Vec<(String, u64)> = Vec::new();
    for i in 0..700u64 {
        let path = format!("member-{}.txt", i / 90);
        let at = i * 100;
        let mut record = if i % 2 == 0 {
            vec![item(Kind::Email, "Ana.L@Example.org", at)]
        } else {
            // C3's email and number (German national format).
            vec![
                item(Kind::Email, "bo.tran@example.net", at),
                item(Kind::PhoneNumber, "0151 23456789", at + 40),
            ]
        };
        record.push(item(Kind::PersonName, "Someone Unknown", at + 60));
        want.push((path.clone(), at));
        m.record(&path, &mut record);
        assert!(record.is_empty(), "the matcher takes the items");
    }
    let r = ctx.finish(vec![m.into_tally()]);
    assert_eq!(
        ids(&r),
        vec![
            ("C2", "email".to_string()),
            ("C3", "email+phone_number".to_string())
        ]
    );
    let mut got: Vec<(String, u64)> = r
        .affected
        .iter()
        .flat_map(|a| &a.evidence)
        .filter(|e| e.kind == "email")
        .map(|e| (e.path.clone(), e.start))
        .collect();
    got.sort_by_key(|(_, start)| *start);
    assert_eq!(got, want);
    assert_eq!(r.affected.iter().map(|a| a.occurrences).sum::<u64>(), 700);
    assert_eq!(r.unmatched.person_name, 1);
}

#[test]
fn an_email_or_phone_held_by_several_accounts_affects_each_of_them() {
    // Legacy duplicates that differ only by case, and a family's shared
    // landline: the identifier leaked for every account that holds it.
    const SHARED_ROWS: &str = "customer_id,email,first_name,last_name,phone,country,region
S1,Family.Ruiz@example.com,Lucia,Ruiz,+34 912 345 678,ES,
S2,family.ruiz@example.com,Mateo,Ruiz,+34 912 345 679,ES,
S3,ines.ortega@example.com,Ines,Ortega,+44 20 7946 0958,GB,
S4,tom.ortega@example.com,Tom,Ortega,+44 20 7946 0958,GB,
S5,solo@example.com,Solo,Person,+44 20 7946 0000,GB,
";
    let dir = tempfile::tempdir().expect("tempdir");
    let key = Key::from_bytes([7; 32]);
    init(dir.path(), &key).expect("init");
    import_csv(
        dir.path(),
        &key,
        SHARED_ROWS.as_bytes(),
        &ImportOptions::default(),
    )
    .expect("import");
    let reg = Registry::open(dir.path(), &key).expect("open");
    let opts = ScopeOptions::default();
    let r = run(
        &reg,
        &opts,
        &[
            vec![item(Kind::Email, "FAMILY.RUIZ@example.com", 0)],
            vec![item(Kind::PhoneNumber, "+44 20 7946 0958", 100)],
            vec![item(Kind::Email, "solo@example.com", 200)],
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            ("S1", "email".to_string()),
            ("S2", "email".to_string()),
            ("S3", "phone_number".to_string()),
            ("S4", "phone_number".to_string()),
            ("S5", "email".to_string()),
        ]
    );
    assert!(r.ambiguous.is_empty(), "{:?}", r.ambiguous);
    let shared: Vec<bool> = r.affected.iter().map(|a| a.shared).collect();
    assert_eq!(shared, [true, true, true, true, false]);
    assert_eq!(r.summary().shared, 4);
    // A shared name is still no such identifier: two Ruiz accounts do not
    // make "Lucia Ruiz" anyone else's.
    let name = run(
        &reg,
        &opts,
        &[vec![item(Kind::PersonName, "Lucia Ruiz", 0)]],
    );
    assert_eq!(ids(&name), vec![("S1", "person_name".to_string())]);
    assert!(!name.affected[0].shared);
}
