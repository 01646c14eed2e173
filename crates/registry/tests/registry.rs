mod common;

use std::fs;
use std::path::{Path, PathBuf};

use bw_registry::normalize::{email, name, phone};
use bw_registry::{
    import_csv, init, init_with_key_file, ColumnMap, Error, IdKind, ImportOptions, ImportReport,
    Key, Lookups, Registry, RowProblem,
};
use common::{csv, customers, Customer, HEADER};

fn key(b: u8) -> Key {
    Key::from_bytes([b; 32])
}

fn fresh(k: &Key) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    init(d.path(), k).expect("init");
    d
}

fn import(dir: &Path, k: &Key, text: &str) -> ImportReport {
    import_csv(dir, k, text.as_bytes(), &ImportOptions::default()).expect("import")
}

/// A fresh registry holding `cs`, opened with `key(b)`; the directory
/// lives as long as the returned guard.
fn opened(b: u8, cs: &[Customer]) -> (tempfile::TempDir, Registry) {
    let k = key(b);
    let dir = fresh(&k);
    import(dir.path(), &k, &csv(cs));
    let reg = Registry::open(dir.path(), &k).expect("open");
    (dir, reg)
}

fn id_of(reg: &Registry, m: &bw_registry::Matches) -> Vec<String> {
    m.iter()
        .filter_map(|x| reg.customer(x.customer).map(|c| c.id.to_string()))
        .collect()
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn live_index(dir: &Path) -> PathBuf {
    let name = fs::read_to_string(dir.join("CURRENT")).expect("CURRENT");
    dir.join(name.trim())
}

#[test]
fn registry_directory_holds_no_plaintext_identifier() {
    let k = key(1);
    let dir = fresh(&k);
    let cs = customers(42, 0..400);
    let r = import(dir.path(), &k, &csv(&cs));
    assert_eq!(r.customers, 400);
    assert_eq!(
        r.bad_phones, 0,
        "generator makes valid phones: {:?}",
        r.warnings
    );
    assert_eq!(r.unusable_names, 0);

    let reg = Registry::open(dir.path(), &k).expect("open");
    let mut needles: Vec<String> = Vec::new();
    for c in &cs {
        // The lookups must work, or the absence below would prove nothing.
        assert_eq!(id_of(&reg, &reg.lookup_email(&c.email)), vec![c.id.clone()]);
        assert_eq!(
            id_of(&reg, &reg.lookup_phone(&c.phone, Some(&c.country))),
            vec![c.id.clone()]
        );
        assert!(id_of(&reg, &reg.lookup_name(&format!("{} {}", c.first, c.last))).contains(&c.id));

        let e = email::normalise(&c.email, Default::default()).expect("email");
        let n = name::normalise_parts(&c.first, &c.last).expect("name");
        let p = phone::normalise(&c.phone, Some(&c.country)).expect("phone");
        assert_eq!(p, c.e164);
        needles.extend([
            c.email.clone(),
            e.exact.clone(),
            c.email.split('@').next().unwrap_or_default().to_string(),
            c.first.clone(),
            c.last.clone(),
            c.first.to_lowercase(),
            c.last.to_lowercase(),
            format!("{} {}", c.first, c.last),
            n.exact.clone(),
            c.phone.clone(),
            p.clone(),
            p.trim_start_matches('+').to_string(),
            c.phone.replace(' ', ""),
        ]);
        needles.extend(e.variant.into_iter().chain(n.variant));
    }
    let files = all_files(dir.path());
    assert!(files.len() >= 2, "CURRENT and an index file");
    for f in files {
        let bytes = fs::read(&f).expect("read");
        for needle in &needles {
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "{} contains an imported identifier",
                f.display()
            );
        }
    }
}

#[test]
fn wrong_key_is_an_error_not_empty_matches() {
    let dir = fresh(&key(1));
    import(dir.path(), &key(1), &csv(&customers(1, 0..10)));
    let wrong = key(2);
    assert!(matches!(
        Registry::open(dir.path(), &wrong),
        Err(Error::WrongKey { .. })
    ));
    let imp = import_csv(
        dir.path(),
        &wrong,
        csv(&customers(1, 0..10)).as_bytes(),
        &ImportOptions::default(),
    );
    assert!(matches!(imp, Err(Error::WrongKey { .. })));
    assert!(matches!(
        init(dir.path(), &wrong),
        Err(Error::WrongKey { .. })
    ));
    // The right key still works after the failed attempts.
    assert_eq!(
        Registry::open(dir.path(), &key(1)).map(|r| r.len()).ok(),
        Some(10)
    );
}

#[test]
fn index_built_with_another_key_is_detected() {
    let a = fresh(&key(1));
    let b = fresh(&key(9));
    import(b.path(), &key(9), &csv(&customers(3, 0..5)));
    // Replace a's live index with b's file (e.g. a restore from the wrong backup).
    let foreign = live_index(b.path());
    let target = live_index(a.path());
    fs::copy(&foreign, &target).expect("copy");
    assert!(matches!(
        Registry::open(a.path(), &key(1)),
        Err(Error::WrongKey { .. })
    ));
}

fn corrupt_reason(r: Result<Registry, Error>) -> String {
    match r {
        Err(Error::Corrupt { reason, .. }) => reason,
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn corruption_and_truncation_are_detected() {
    let k = key(1);
    let dir = fresh(&k);
    import(dir.path(), &k, &csv(&customers(5, 0..200)));
    let idx = live_index(dir.path());
    let pristine = fs::read(&idx).expect("read");
    // Published index files are read-only; this test plays the careless
    // tool that edits one anyway (no reader has it mapped here).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&idx, fs::Permissions::from_mode(0o600)).expect("chmod");
    }

    // A flipped bit near the end lands in the name fingerprints.
    let mut bytes = pristine.clone();
    let at = bytes.len() - 30;
    bytes[at] ^= 0x10;
    fs::write(&idx, &bytes).expect("write");
    assert!(corrupt_reason(Registry::open(dir.path(), &k)).contains("checksum"));

    // Header damage.
    let mut bytes = pristine.clone();
    bytes[50] ^= 1;
    fs::write(&idx, &bytes).expect("write");
    assert!(corrupt_reason(Registry::open(dir.path(), &k)).contains("header"));

    // Truncation, at several points.
    for cut in [pristine.len() - 1, pristine.len() / 2, 100, 0] {
        fs::write(&idx, &pristine[..cut]).expect("write");
        let reason = corrupt_reason(Registry::open(dir.path(), &k));
        assert!(!reason.is_empty());
    }

    // Not an index at all.
    fs::write(&idx, vec![0x41u8; pristine.len()]).expect("write");
    assert!(corrupt_reason(Registry::open(dir.path(), &k)).contains("magic"));

    // CURRENT naming garbage or a missing file.
    fs::write(&idx, &pristine).expect("write");
    assert!(Registry::open(dir.path(), &k).is_ok());
    fs::write(dir.path().join("CURRENT"), "../../etc/passwd\n").expect("write");
    corrupt_reason(Registry::open(dir.path(), &k));
    fs::write(dir.path().join("CURRENT"), "index-9-missing.bwr\n").expect("write");
    assert!(corrupt_reason(Registry::open(dir.path(), &k)).contains("does not exist"));

    let empty = tempfile::tempdir().expect("tempdir");
    assert!(matches!(
        Registry::open(empty.path(), &k),
        Err(Error::NotInitialised { .. })
    ));
}

#[test]
fn duplicate_ids_keep_the_first_row() {
    let k = key(1);
    let dir = fresh(&k);
    let text = format!(
        "{HEADER}\nC1,first@example.com,Anna,Weberling,,DE,\nC2,other@example.com,Bob,Brandtner,,DE,\nC1,second@example.com,Anna,Weberling,,DE,\n"
    );
    let r = import(dir.path(), &k, &text);
    assert_eq!(
        (r.rows, r.customers, r.duplicate_ids, r.skipped_rows),
        (3, 2, 1, 1)
    );
    assert_eq!(
        r.warnings,
        vec![bw_registry::RowWarning {
            line: 4,
            problem: RowProblem::DuplicateCustomerId { first_line: 2 }
        }]
    );
    let reg = Registry::open(dir.path(), &k).expect("open");
    assert_eq!(
        id_of(&reg, &reg.lookup_email("first@example.com")),
        vec!["C1"]
    );
    assert!(reg.lookup_email("second@example.com").is_empty());
}

#[test]
fn missing_and_mapped_columns() {
    let k = key(1);
    let dir = fresh(&k);
    let no_phone =
        "customer_id,email,first_name,last_name,country,region\nC1,a@example.com,Anna,Weber,DE,\n";
    match import_csv(
        dir.path(),
        &k,
        no_phone.as_bytes(),
        &ImportOptions::default(),
    ) {
        Err(e @ Error::MissingColumn { field: "phone", .. }) => {
            assert!(e.to_string().contains("phone"))
        }
        other => panic!("expected MissingColumn(phone), got {other:?}"),
    }

    let mapped = "ID;E-Mail;Vorname;Nachname;Land\n";
    let mapped = mapped.replace(';', ",") + "K7,Anna.Weber@Example.de,Anna,Weberling,DE\n";
    let opts = ImportOptions {
        columns: ColumnMap::parse("customer_id=ID,email=E-Mail,first_name=Vorname,last_name=Nachname,country=Land,phone=,region=")
            .expect("map"),
        ..Default::default()
    };
    let r = import_csv(dir.path(), &k, mapped.as_bytes(), &opts).expect("import");
    assert_eq!((r.customers, r.empty_phones), (1, 1));
    let reg = Registry::open(dir.path(), &k).expect("open");
    assert_eq!(
        id_of(&reg, &reg.lookup_email("anna.weber@example.de")),
        vec!["K7"]
    );
    assert_eq!(
        reg.customer(0).map(|c| (c.country, c.region)),
        Some(("DE", ""))
    );

    assert!(matches!(
        ColumnMap::parse("mail=E-Mail"),
        Err(Error::BadColumnMap { .. })
    ));
    assert!(matches!(
        ColumnMap::parse("email"),
        Err(Error::BadColumnMap { .. })
    ));
}

#[test]
fn empty_emails_and_bad_phones_keep_the_row() {
    let k = key(1);
    let dir = fresh(&k);
    let text = format!(
        "{HEADER}\nC1,,Anna,Weberling,030 12345678,DE,BE\nC2,b@example.com,Bob,Brandtner,call me,FR,\nC3,c@example.com,Cem,Yilmazoglu,+1 999 999 9999,FR,\nC4,broken-address,Dora,Dimitrova,,FR,\n,x@example.com,No,Identifier,,FR,\nC6,short,row\n"
    );
    let r = import(dir.path(), &k, &text);
    assert_eq!(r.customers, 4);
    assert_eq!(
        (
            r.empty_emails,
            r.malformed_emails,
            r.bad_phones,
            r.empty_phones
        ),
        (1, 1, 2, 1)
    );
    assert_eq!(r.skipped_rows, 2);
    let lines: Vec<u64> = r.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7]);
    assert_eq!(r.warnings[0].problem, RowProblem::UnparseablePhone);
    assert_eq!(
        r.warnings[1].problem,
        RowProblem::InvalidPhone,
        "{:?}",
        r.warnings
    );
    assert_eq!(r.warnings[2].problem, RowProblem::MalformedEmail);
    assert_eq!(r.warnings[3].problem, RowProblem::EmptyCustomerId);
    for w in &r.warnings {
        let msg = w.to_string();
        for secret in ["call me", "999", "broken-address", "x@example.com", "short"] {
            assert!(!msg.contains(secret), "warning leaks a value: {msg}");
        }
    }
    let reg = Registry::open(dir.path(), &k).expect("open");
    // C1 has no email but its phone and name still match.
    assert_eq!(
        id_of(&reg, &reg.lookup_phone("+49 30 12345678", None)),
        vec!["C1"]
    );
    assert_eq!(id_of(&reg, &reg.lookup_name("Weberling, Anna")), vec!["C1"]);
    assert!(reg.find_customer("C2").is_some());
}

#[test]
fn warnings_are_capped_but_counted() {
    let k = key(1);
    let dir = fresh(&k);
    let mut text = format!("{HEADER}\n");
    for i in 0..50 {
        text.push_str(&format!("C{i},a{i}@example.com,Anna,Weberling,bad,DE,\n"));
    }
    let opts = ImportOptions {
        max_warnings: 5,
        ..Default::default()
    };
    let r = import_csv(dir.path(), &k, text.as_bytes(), &opts).expect("import");
    assert_eq!((r.warnings.len(), r.warnings_total), (5, 50));
}

#[test]
fn delta_reimport_adds_changes_and_removes() {
    let k = key(1);
    let dir = fresh(&k);
    let v1 = customers(7, 0..300);
    let r1 = import(dir.path(), &k, &csv(&v1));
    assert_eq!(
        (r1.added, r1.changed, r1.unchanged, r1.removed),
        (300, 0, 0, 0)
    );

    // Same file again: nothing to do but everything still there.
    let r_same = import(dir.path(), &k, &csv(&v1));
    assert_eq!(
        (
            r_same.added,
            r_same.changed,
            r_same.unchanged,
            r_same.removed
        ),
        (0, 0, 300, 0)
    );

    let mut v2: Vec<Customer> = v1[20..].to_vec(); // remove 0..20
    for c in v2.iter_mut().take(10) {
        c.email = format!("changed.{}", c.email); // change 20..30
    }
    v2.extend(customers(8, 1000..1025)); // add 25
    v2.reverse(); // row order must not matter
    let r2 = import(dir.path(), &k, &csv(&v2));
    assert_eq!(
        (r2.added, r2.changed, r2.unchanged, r2.removed),
        (25, 10, 270, 20)
    );
    assert_eq!(r2.customers, 305);

    let reg = Registry::open(dir.path(), &k).expect("open");
    assert_eq!(reg.len(), 305);
    for c in &v1[..20] {
        assert!(reg.find_customer(&c.id).is_none());
        assert!(reg.lookup_email(&c.email).is_empty());
        assert!(reg.lookup_phone(&c.phone, Some(&c.country)).is_empty());
    }
    for (old, new) in v1[20..30].iter().zip(v2.iter().rev()) {
        assert_eq!(old.id, new.id);
        assert!(
            reg.lookup_email(&old.email).is_empty(),
            "old email of a changed row is gone"
        );
        assert_eq!(
            id_of(&reg, &reg.lookup_email(&new.email)),
            vec![new.id.clone()]
        );
        // Unchanged fields of a changed row still match.
        assert_eq!(
            id_of(&reg, &reg.lookup_phone(&new.phone, Some(&new.country))),
            vec![new.id.clone()]
        );
    }
    for c in v2.iter() {
        let got = id_of(&reg, &reg.lookup_email(&c.email));
        assert_eq!(
            got,
            vec![c.id.clone()],
            "carried-over and new rows resolve to the right (re-numbered) id"
        );
        let i = reg.find_customer(&c.id).expect("present");
        let cref = reg.customer(i).expect("customer");
        assert_eq!(
            (cref.country, cref.region),
            (c.country.as_str(), c.region.as_str())
        );
    }
    // Only the live generation and its predecessor are kept.
    let bwr = all_files(dir.path())
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bwr"))
        .count();
    assert_eq!(bwr, 2);
}

#[test]
fn concurrent_import_and_lookup_see_old_or_new_only() {
    let k = key(1);
    let dir = fresh(&k);
    let v1 = customers(11, 0..400);
    let v2 = customers(12, 5000..5300);
    let (csv1, csv2) = (csv(&v1), csv(&v2));
    import(dir.path(), &k, &csv1);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let checks = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            for i in 0..12 {
                let text = if i % 2 == 0 { &csv2 } else { &csv1 };
                import(dir.path(), &k, text);
            }
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        for _ in 0..2 {
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let reg = Registry::open(dir.path(), &k).expect("open during import");
                    let (mine, other) = match reg.len() {
                        400 => (&v1, &v2),
                        300 => (&v2, &v1),
                        n => panic!("saw a registry of {n} customers"),
                    };
                    for c in mine.iter().step_by(37) {
                        assert_eq!(id_of(&reg, &reg.lookup_email(&c.email)), vec![c.id.clone()]);
                    }
                    for c in other.iter().step_by(37) {
                        assert!(reg.lookup_email(&c.email).is_empty());
                    }
                    checks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    assert!(checks.load(std::sync::atomic::Ordering::SeqCst) > 0);
}

#[test]
fn gmail_variants_map_to_the_customer() {
    let k = key(1);
    let dir = fresh(&k);
    let text = format!("{HEADER}\nG1,John.Smithers+shop@gmail.com,John,Smithers,,US,NY\nG2,j.smithers@example.com,Jon,Smithers,,US,NY\n");
    import(dir.path(), &k, &text);
    let reg = Registry::open(dir.path(), &k).expect("open");
    let exact = reg.lookup_email("JOHN.SMITHERS+shop@GMAIL.com");
    assert_eq!(id_of(&reg, &exact), vec!["G1"]);
    assert!(exact.as_slice()[0].exact);
    for v in [
        "johnsmithers@gmail.com",
        "john.smithers@googlemail.com",
        "j.o.h.n.smithers+other@gmail.com",
    ] {
        let m = reg.lookup_email(v);
        assert_eq!(id_of(&reg, &m), vec!["G1"], "{v}");
        assert!(!m.as_slice()[0].exact, "{v} matches through a variant");
    }
    // Dots are significant at other providers.
    assert!(reg.lookup_email("jsmithers@example.com").is_empty());
}

#[test]
fn names_last_first_titles_and_diacritics() {
    let k = key(1);
    let dir = fresh(&k);
    let text = format!(
        "{HEADER}\nN1,,Élodie,Durand,,FR,\nN2,,Marc,Lefebvre,,FR,\nN3,,Marc,Lefebvre,,FR,\nN4,,Jurgen,Muller,,DE,\n"
    );
    import(dir.path(), &k, &text);
    let reg = Registry::open(dir.path(), &k).expect("open");
    for q in [
        "Élodie Durand",
        "Durand, Élodie",
        "DURAND Élodie",
        "Mme Élodie M. Durand",
    ] {
        let m = reg.lookup_name(q);
        assert_eq!(id_of(&reg, &m), vec!["N1"], "{q}");
        assert!(m.as_slice()[0].exact, "{q}");
    }
    let m = reg.lookup_name("Elodie Durand");
    assert_eq!(id_of(&reg, &m), vec!["N1"]);
    assert!(
        !m.as_slice()[0].exact,
        "matched through the diacritic-folded variant"
    );
    // And the other way round: registry without accents, leak with them.
    let m = reg.lookup_name("Herr Jürgen Müller");
    assert_eq!(id_of(&reg, &m), vec!["N4"]);
    assert!(!m.as_slice()[0].exact);

    let m = reg.lookup_name("Lefebvre, Marc");
    assert!(m.is_ambiguous());
    assert_eq!(id_of(&reg, &m), vec!["N2", "N3"]);
    assert!(reg.lookup_name("Durand").is_empty());
    assert!(reg.lookup_name("Élodie Martin").is_empty());
}

#[test]
fn phones_are_e164_from_national_format_with_the_customers_country() {
    let k = key(1);
    let dir = fresh(&k);
    let text = format!(
        "{HEADER}\nP1,,Anna,Weberling,06 12 34 56 78,FR,\nP2,,Bob,Brandtner,(415) 555-2671,us,CA\nP3,,Cem,Yilmazoglu,030 1234567,DE,BE\n"
    );
    let r = import(dir.path(), &k, &text);
    assert_eq!(r.phone_fingerprints, 3);
    let reg = Registry::open(dir.path(), &k).expect("open");
    assert_eq!(
        id_of(&reg, &reg.lookup_phone("+33612345678", None)),
        vec!["P1"]
    );
    assert_eq!(
        id_of(&reg, &reg.lookup_phone("0612345678", Some("FR"))),
        vec!["P1"]
    );
    assert_eq!(
        id_of(&reg, &reg.lookup_phone("+33 (0)6-12-34-56-78", None)),
        vec!["P1"]
    );
    // The same national digits mean another number elsewhere.
    assert!(reg.lookup_phone("0612345678", Some("DE")).is_empty());
    assert_eq!(
        id_of(&reg, &reg.lookup_phone("+1 415-555-2671", None)),
        vec!["P2"]
    );
    assert_eq!(
        id_of(&reg, &reg.lookup_phone("4155552671", Some("US"))),
        vec!["P2"]
    );
    assert_eq!(
        id_of(&reg, &reg.lookup_phone("+49 30 1234567", None)),
        vec!["P3"]
    );
    assert_eq!(reg.customer(1).map(|c| c.country), Some("US"));
}

#[test]
fn key_file_is_private_never_overwritten_and_kept_outside() {
    use std::os::unix::fs::PermissionsExt;
    let base = tempfile::tempdir().expect("tempdir");
    let reg_dir = base.path().join("registry");
    let key_path = base.path().join("registry.key");
    let (k1, o1) = init_with_key_file(&reg_dir, &key_path).expect("init");
    assert!(o1.key_created && o1.registry_created);
    let mode = fs::metadata(&key_path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let (k2, o2) = init_with_key_file(&reg_dir, &key_path).expect("init again");
    assert!(!o2.key_created && !o2.registry_created);
    assert_eq!(k1.to_hex(), k2.to_hex());
    assert!(Registry::open(&reg_dir, &k2).is_ok());

    let inside = reg_dir.join("key");
    assert!(matches!(
        init_with_key_file(&reg_dir, &inside),
        Err(Error::KeyInsideRegistry { .. })
    ));
    assert!(!inside.exists());

    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o644)).expect("chmod");
    assert!(matches!(
        Key::load_file(&key_path),
        Err(Error::KeyPermissions { .. })
    ));
}

#[test]
fn country_counts_follow_the_customers() {
    let cs = customers(9, 0..500);
    let (_dir, reg) = opened(8, &cs);
    let mut want: Vec<(String, u64)> = Vec::new();
    for c in cs.iter().filter(|c| !c.country.is_empty()) {
        match want.iter_mut().find(|(k, _)| *k == c.country) {
            Some((_, n)) => *n += 1,
            None => want.push((c.country.clone(), 1)),
        }
    }
    want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let got: Vec<(String, u64)> = reg
        .country_counts()
        .into_iter()
        .map(|(c, n)| (c.to_string(), n))
        .collect();
    assert!(want.len() > 1, "{want:?}");
    assert_eq!(got, want);
}

/// A batch answers each identifier as a lookup of its own would, in push
/// order, customers and non-customers mixed, with and without prefilter.
#[test]
fn batched_lookups_answer_as_single_ones() {
    let cs = customers(7, 0..300);
    let (_dir, reg) = opened(6, &cs);
    let opts = reg.email_options();
    let mut forms = Vec::new();
    for (i, c) in cs.iter().enumerate() {
        forms.push(email::normalise(&c.email, opts).expect("customer email"));
        let stranger = format!("stranger{i}@example.org");
        forms.push(email::normalise(&stranger, opts).expect("stranger email"));
    }
    let names: Vec<_> = cs
        .iter()
        .filter_map(|c| name::normalise(&format!("{}, {}", c.last, c.first)))
        .collect();
    for prefilter in [false, true] {
        if prefilter {
            reg.build_prefilter();
        }
        for (kind, forms) in [(IdKind::Email, &forms), (IdKind::Name, &names)] {
            let mut q = Lookups::default();
            for f in forms.iter() {
                q.push_forms(f);
            }
            let got = reg.lookup_batch(kind, &q);
            let want: Vec<_> = forms.iter().map(|f| reg.lookup_forms(kind, f)).collect();
            assert_eq!(got, want, "{kind:?}, prefilter {prefilter}");
            assert!(got.iter().filter(|m| !m.is_empty()).count() >= cs.len());
        }
        // A national number's readings: any of them may be the customer.
        let mut q = Lookups::default();
        for c in &cs {
            q.push_any(["+999", c.e164.as_str()]);
        }
        q.push_any([]);
        let got = reg.lookup_batch(IdKind::Phone, &q);
        assert_eq!(got.len(), cs.len() + 1);
        for (c, m) in cs.iter().zip(&got) {
            assert_eq!(id_of(&reg, m), vec![c.id.clone()]);
        }
        assert!(got[cs.len()].is_empty());
    }
}

#[test]
fn prefilter_never_hides_a_customer() {
    let cs = customers(5, 0..2000);
    let (_dir, reg) = opened(4, &cs);
    let before: Vec<(usize, usize, usize)> = cs
        .iter()
        .map(|c| {
            (
                reg.lookup_email(&c.email).len(),
                reg.lookup_phone(&c.e164, None).len(),
                reg.lookup_name(&format!("{} {}", c.first, c.last)).len(),
            )
        })
        .collect();
    let bytes = reg.build_prefilter();
    assert!(bytes > 0 && bytes < 2000 * 3 * 4, "{bytes} bytes");
    for (c, want) in cs.iter().zip(&before) {
        let got = (
            reg.lookup_email(&c.email).len(),
            reg.lookup_phone(&c.e164, None).len(),
            reg.lookup_name(&format!("{} {}", c.first, c.last)).len(),
        );
        assert_eq!(&got, want, "{}", c.id);
        assert!(got.0 == 1 && got.1 == 1 && got.2 >= 1, "{}", c.id);
    }
    assert!(reg.lookup_email("nobody.at.all@example.com").is_empty());
}

#[test]
fn phones_of_interleaved_countries_normalise_per_row_region_and_warn_in_line_order() {
    let k = key(4);
    let dir = fresh(&k);
    // Regions alternate row by row (import groups phones by region); the
    // bad phones sit in different regions at lines 4 and 6, a malformed
    // email at line 5; only two warnings are kept.
    let text = format!(
        "{HEADER}\nC1,a@example.com,Anna,Weberling,030 12345678,DE,BE\nC2,b@example.com,Bob,Brandtner,06 12 34 56 78,FR,\nC3,c@example.com,Cem,Yilmazoglu,call me,DE,\nC4,broken-address,Dora,Dimitrova,(415) 555-2671,US,CA\nC5,e@example.com,Eve,Ellingham,+1 999 999 9999,FR,\nC6,f@example.com,Fay,Fairbrook,(415) 555-2672,US,NY\n"
    );
    let opts = ImportOptions {
        max_warnings: 2,
        ..ImportOptions::default()
    };
    let r = import_csv(dir.path(), &k, text.as_bytes(), &opts).expect("import");
    assert_eq!((r.bad_phones, r.phone_fingerprints), (2, 4));
    assert_eq!(r.warnings_total, 3);
    let got: Vec<(u64, RowProblem)> = r
        .warnings
        .iter()
        .map(|w| (w.line, w.problem.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (4, RowProblem::UnparseablePhone),
            (5, RowProblem::MalformedEmail)
        ]
    );
    let reg = Registry::open(dir.path(), &k).expect("open");
    for (number, id) in [
        ("+493012345678", "C1"),
        ("+33612345678", "C2"),
        ("+14155552671", "C4"),
        ("+14155552672", "C6"),
    ] {
        let e164 = phone::normalise(number, None).expect("valid");
        assert_eq!(
            id_of(&reg, &reg.lookup_phone(&e164, None)),
            vec![id],
            "{number}"
        );
    }
}
