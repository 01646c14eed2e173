//! Customer sources: the shared row reader, the recorded source of each
//! generation, password redaction, and SQLite queries.
mod common;

use std::fs;
use std::path::Path;

use bw_registry::{
    for_each_customer, import, import_csv, init, ColumnMap, Error, ImportOptions, ImportSource,
    Key, Registry, RowProblem,
};
use common::{csv, customers, HEADER};

fn key() -> Key {
    Key::from_bytes([3; 32])
}

fn fresh() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    init(d.path(), &key()).expect("init");
    d
}

/// Runs a future to completion (the SQLite fixtures are written with sqlx).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn column_map_round_trips_through_its_spec() {
    for spec in [
        "",
        "email=E-Mail,phone=Tel",
        "region=",
        "customer_id=Kunde,first_name=Vor name",
    ] {
        let m = ColumnMap::parse(spec).expect("parse");
        let again = ColumnMap::parse(&m.to_spec()).expect("reparse");
        assert_eq!(m, again, "{spec:?} -> {:?}", m.to_spec());
    }
    let m = ColumnMap::parse("email=E-Mail,region=").expect("parse");
    assert_eq!(m.to_spec(), "email=E-Mail,region=");
    assert_eq!(ColumnMap::default().to_spec(), "");
    // A header with a comma could not be written back as a spec.
    let mut bad = ColumnMap::default();
    assert!(bad.set("email", "a,b").is_err());
}

#[test]
fn import_source_serialises_without_password() {
    let sql = ImportSource::Sql {
        url: "postgres://shop:s3cret-pw@db.internal:5432/crm?sslmode=require&password=other-pw"
            .into(),
        query: "SELECT 1".into(),
    };
    let json = serde_json::to_string(&sql).expect("json");
    assert!(
        !json.contains("s3cret-pw") && !json.contains("other-pw"),
        "{json}"
    );
    assert!(json.contains("shop@db.internal:5432/crm") && json.contains("sslmode=require"));
    let dbg = format!("{sql:?} {sql}");
    assert!(
        !dbg.contains("s3cret-pw") && !dbg.contains("other-pw"),
        "{dbg}"
    );
    // The redacted form deserialises to the same source minus the password.
    let back: ImportSource = serde_json::from_str(&json).expect("parse");
    match back {
        ImportSource::Sql { url, query } => {
            assert_eq!(url, "postgres://shop@db.internal:5432/crm?sslmode=require");
            assert_eq!(query, "SELECT 1");
        }
        other => panic!("wrong variant {other:?}"),
    }

    let c = ImportSource::Csv {
        path: "/data/customers.csv".into(),
        columns: ColumnMap::parse("email=Mail,region=").expect("map"),
    };
    let json = serde_json::to_string(&c).expect("json");
    assert!(json.contains(r#""columns":"email=Mail,region=""#), "{json}");
    let back: ImportSource = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, c);
    // A spec that does not parse is a deserialisation error, not a default map.
    let broken = json.replace("email=Mail", "nosuchfield=Mail");
    assert!(serde_json::from_str::<ImportSource>(&broken).is_err());
}

#[test]
fn for_each_customer_reads_mapped_csv_rows_and_reports_skipped_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crm.csv");
    let mut bytes = b"Kunde,Mail,Vorname,Nachname,Tel,Land\n".to_vec();
    bytes.extend_from_slice(b" K1 , anna@example.com ,Anna,Weberling,030 12345678,de\n");
    bytes.extend_from_slice(b"K2,too,few\n");
    bytes.extend_from_slice(b"\xff\xfe,bad-id@example.com,X,Y,,DE\n");
    bytes.extend_from_slice(b"K3,\xc3\x28@example.com,\"Jo, Jr\",Quinn,,FR\n");
    fs::write(&path, &bytes).expect("write");
    let columns = ColumnMap::parse(
        "customer_id=Kunde,email=Mail,first_name=Vorname,last_name=Nachname,phone=Tel,country=Land,region=",
    )
    .expect("map");
    let src = ImportSource::Csv { path, columns };
    let mut seen = Vec::new();
    let report = for_each_customer(&src, |r| {
        seen.push((r.line, r.fields().map(str::to_string)));
        Ok(())
    })
    .expect("read");
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].0, 2);
    assert_eq!(
        seen[0].1,
        [
            "K1",
            "anna@example.com",
            "Anna",
            "Weberling",
            "030 12345678",
            "de",
            ""
        ]
        .map(String::from)
    );
    // An unreadable email is passed on empty, the row is kept.
    assert_eq!(seen[1].0, 5);
    assert_eq!(
        seen[1].1[..4],
        ["K3", "", "Jo, Jr", "Quinn"].map(String::from)
    );
    assert_eq!((report.rows, report.skipped_rows), (4, 2));
    let problems: Vec<(u64, RowProblem)> = report
        .warnings
        .iter()
        .map(|w| (w.line, w.problem.clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                3,
                RowProblem::WrongFieldCount {
                    found: 3,
                    expected: 6
                }
            ),
            (
                4,
                RowProblem::InvalidUtf8 {
                    column: "customer_id"
                }
            ),
            (5, RowProblem::InvalidUtf8 { column: "email" }),
        ]
    );

    // The callback's own error stops the read and comes back unchanged.
    let mut calls = 0;
    let err = for_each_customer(&src, |_| {
        calls += 1;
        Err(Error::consumer("outbox full"))
    })
    .expect_err("stopped");
    assert_eq!((calls, err.to_string()), (1, "outbox full".to_string()));
}

#[test]
fn import_records_its_source_per_generation() {
    let dir = fresh();
    let work = tempfile::tempdir().expect("tempdir");
    let cs = customers(11, 0..50);
    let path = work.path().join("customers.csv");
    fs::write(&path, csv(&cs)).expect("write");
    let src = ImportSource::csv(&path);
    let r = import(dir.path(), &key(), &src, &ImportOptions::default()).expect("import");
    assert_eq!(r.added, 50);

    let reg = Registry::open(dir.path(), &key()).expect("open");
    let recorded = reg.import_source().expect("source recorded");
    let canon = fs::canonicalize(&path).expect("canon");
    assert_eq!(recorded, ImportSource::csv(&canon));
    // What was recorded reads back the same customers.
    let mut ids = Vec::new();
    for_each_customer(&recorded, |r| {
        ids.push(r.customer_id.to_string());
        Ok(())
    })
    .expect("reread");
    assert_eq!(ids, cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>());

    // A reader import has no re-readable source: the new generation says so,
    // while a handle on the old generation still reports its own.
    import_csv(
        dir.path(),
        &key(),
        csv(&cs[..10]).as_bytes(),
        &ImportOptions::default(),
    )
    .expect("reader import");
    let newer = Registry::open(dir.path(), &key()).expect("open");
    assert_eq!(newer.import_source(), None);
    assert_eq!(reg.import_source(), Some(ImportSource::csv(&canon)));

    // Source records are collected with their generations.
    for _ in 0..3 {
        import(dir.path(), &key(), &src, &ImportOptions::default()).expect("import");
    }
    let sources = fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".source.json"))
        .count();
    assert_eq!(sources, 2, "live and previous generation only");
}

#[test]
fn a_missing_csv_fails_before_touching_the_registry() {
    let dir = fresh();
    let before = Registry::open(dir.path(), &key())
        .expect("open")
        .file()
        .to_path_buf();
    let err = import(
        dir.path(),
        &key(),
        &ImportSource::csv("/nonexistent/customers.csv"),
        &ImportOptions::default(),
    )
    .expect_err("missing file");
    assert!(matches!(err, Error::Io { .. }), "{err}");
    let after = Registry::open(dir.path(), &key())
        .expect("open")
        .file()
        .to_path_buf();
    assert_eq!(before, after);
}

async fn sqlite_fixture(path: &Path, cs: &[common::Customer]) {
    use sqlx::ConnectOptions as _;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .expect("connect");
    sqlx::query(
        "CREATE TABLE crm (num INTEGER PRIMARY KEY, mail TEXT, given TEXT, family TEXT, \
         tel TEXT, cc TEXT, state TEXT, photo BLOB)",
    )
    .execute(&mut conn)
    .await
    .expect("create");
    for (i, c) in cs.iter().enumerate() {
        sqlx::query("INSERT INTO crm VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(i as i64 + 1000)
            .bind(&c.email)
            .bind(&c.first)
            .bind(&c.last)
            .bind(&c.phone)
            .bind(&c.country)
            // NULL regions come through as empty.
            .bind((i % 2 == 0).then(|| c.region.clone()))
            .bind(vec![0u8, 1, 2])
            .execute(&mut conn)
            .await
            .expect("insert");
    }
}

#[test]
fn sqlite_query_imports_and_is_recorded() {
    let work = tempfile::tempdir().expect("tempdir");
    let db = work.path().join("crm.db");
    let cs = customers(21, 0..40);
    block_on(sqlite_fixture(&db, &cs));

    let dir = fresh();
    let query = "SELECT num AS customer_id, mail AS email, given AS first_name, \
                 family AS last_name, tel AS phone, cc AS country, state AS region FROM crm";
    let src = ImportSource::Sql {
        url: format!("sqlite://{}", db.display()),
        query: query.into(),
    };
    let r = import(dir.path(), &key(), &src, &ImportOptions::default()).expect("sql import");
    assert_eq!((r.rows, r.added, r.skipped_rows), (40, 40, 0));
    assert_eq!(r.phone_fingerprints, 40);

    let reg = Registry::open(dir.path(), &key()).expect("open");
    for (i, c) in cs.iter().enumerate() {
        let m = reg.lookup_email(&c.email);
        assert_eq!(m.len(), 1);
        let got = reg.customer(m.as_slice()[0].customer).expect("customer");
        // The INTEGER key arrives as its decimal text.
        assert_eq!(got.id, (i + 1000).to_string());
        assert_eq!(got.region, if i % 2 == 0 { c.region.as_str() } else { "" });
        assert_eq!(reg.lookup_phone(&c.e164, None).len(), 1);
    }
    assert_eq!(reg.import_source(), Some(src.clone()));

    // A column with a type that has no text form is reported, not guessed.
    let blob_phone = ImportSource::Sql {
        url: src_url(&src),
        query: query.replace("tel AS phone", "photo AS phone"),
    };
    let mut phones = Vec::new();
    let rep = for_each_customer(&blob_phone, |r| {
        phones.push(r.phone.to_string());
        Ok(())
    })
    .expect("read");
    assert_eq!(phones.len(), 40);
    assert!(phones.iter().all(String::is_empty));
    assert_eq!(rep.warnings_total, 40);
    assert_eq!(
        rep.warnings[0].problem,
        RowProblem::UnsupportedValue { column: "phone" }
    );

    // A query without the required columns is refused before any row.
    let missing = ImportSource::Sql {
        url: src_url(&src),
        query: "SELECT num AS customer_id, mail AS email FROM crm".into(),
    };
    let err = import(dir.path(), &key(), &missing, &ImportOptions::default()).expect_err("cols");
    assert!(
        matches!(
            err,
            Error::MissingColumn {
                field: "first_name",
                ..
            }
        ),
        "{err}"
    );
    // Bad SQL and a missing database file are errors naming the source.
    let bad = ImportSource::Sql {
        url: src_url(&src),
        query: "SELEC nonsense".into(),
    };
    assert!(matches!(
        for_each_customer(&bad, |_| Ok(())),
        Err(Error::Sql { .. })
    ));
    let gone = ImportSource::Sql {
        url: format!("sqlite://{}/absent.db", work.path().display()),
        query: query.into(),
    };
    let err = for_each_customer(&gone, |_| Ok(())).expect_err("absent db");
    assert!(err.to_string().contains("absent.db"), "{err}");
    // The registry still holds the good import.
    assert_eq!(Registry::open(dir.path(), &key()).expect("open").len(), 40);
}

fn src_url(s: &ImportSource) -> String {
    match s {
        ImportSource::Sql { url, .. } => url.clone(),
        ImportSource::Csv { .. } => String::new(),
    }
}

#[test]
fn a_relative_sqlite_path_is_recorded_absolute() {
    let work = tempfile::tempdir().expect("tempdir");
    let src = ImportSource::Sql {
        url: "sqlite:crm.db?mode=ro".into(),
        query: "SELECT 1".into(),
    };
    let resolved = src.resolved().expect("resolve");
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(
        src_url(&resolved),
        format!("sqlite://{}?mode=ro", cwd.join("crm.db").display())
    );
    let abs = ImportSource::Sql {
        url: format!("sqlite://{}/x.db", work.path().display()),
        query: "SELECT 1".into(),
    };
    assert_eq!(abs.resolved().expect("resolve"), abs);
    // Keep HEADER in use for the shared helper module.
    assert!(HEADER.starts_with("customer_id"));
}
