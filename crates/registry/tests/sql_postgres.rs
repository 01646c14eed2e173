//! `ImportSource::Sql` against a real PostgreSQL (`scripts/pg.sh`; URL from
//! BW_TEST_POSTGRES_URL or DATABASE_URL). Skipped without one, unless
//! BW_REQUIRE_POSTGRES=1 (CI), where that is a failure.
//!
//! One test in this binary: it sets PGPASSWORD, which is process-wide.
mod common;

use std::fs;

use bw_registry::{
    for_each_customer, import, init, Error, ImportOptions, ImportSource, Key, Registry,
};
use bw_testkit::postgres_url;
use common::customers;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn postgres_query_imports_records_no_password_and_rereads_with_pgpassword() {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: set DATABASE_URL (bash scripts/pg.sh) to run on PostgreSQL");
        return;
    };
    let parsed = url::Url::parse(&url).expect("url");
    let Some(password) = parsed.password().map(str::to_string) else {
        panic!("the test database URL must carry a password (scripts/pg.sh does)");
    };
    let table = format!("crm_{}_{}", std::process::id(), rand_suffix());
    let cs = customers(31, 0..300);
    block_on(async {
        use sqlx::{ConnectOptions as _, Executor as _};
        let opts: sqlx::postgres::PgConnectOptions = url.parse().expect("opts");
        let mut conn = opts.connect().await.expect("connect");
        conn.execute(
            format!(
                "CREATE TABLE {table} (num BIGINT PRIMARY KEY, mail VARCHAR(200), given TEXT, \
                 family TEXT, tel TEXT, cc CHAR(2), state TEXT, joined DATE DEFAULT CURRENT_DATE)"
            )
            .as_str(),
        )
        .await
        .expect("create");
        for (i, c) in cs.iter().enumerate() {
            sqlx::query(&format!(
                "INSERT INTO {table} (num, mail, given, family, tel, cc, state) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ))
            .bind(i as i64 + 1)
            .bind(&c.email)
            .bind(&c.first)
            .bind(&c.last)
            .bind(&c.phone)
            .bind(&c.country)
            .bind((i % 3 != 0).then(|| c.region.clone()))
            .execute(&mut conn)
            .await
            .expect("insert");
        }
    });

    let dir = tempfile::tempdir().expect("tempdir");
    let key = Key::from_bytes([9; 32]);
    init(dir.path(), &key).expect("init");
    let query = format!(
        "SELECT num AS customer_id, mail AS email, given AS first_name, family AS last_name, \
         tel AS phone, cc AS country, state AS region FROM {table} ORDER BY num"
    );
    let src = ImportSource::Sql {
        url: url.clone(),
        query: query.clone(),
    };
    let r = import(dir.path(), &key, &src, &ImportOptions::default()).expect("import");
    assert_eq!((r.rows, r.added, r.skipped_rows), (300, 300, 0));

    let reg = Registry::open(dir.path(), &key).expect("open");
    for (i, c) in cs.iter().enumerate() {
        let m = reg.lookup_email(&c.email);
        let got = reg.customer(m.as_slice()[0].customer).expect("customer");
        assert_eq!(got.id, (i + 1).to_string());
        // CHAR(2) arrives as text; NULL regions as empty.
        assert_eq!(got.country, c.country);
        assert_eq!(got.region, if i % 3 != 0 { c.region.as_str() } else { "" });
        assert_eq!(reg.lookup_phone(&c.e164, None).len(), 1);
    }

    // No file in the registry directory holds the password.
    for e in fs::read_dir(dir.path()).expect("ls").flatten() {
        let bytes = fs::read(e.path()).expect("read");
        let hay = String::from_utf8_lossy(&bytes);
        assert!(
            !hay.contains(&format!(":{password}@")),
            "{} holds the password",
            e.path().display()
        );
    }
    let recorded = reg.import_source().expect("recorded");
    let ImportSource::Sql {
        url: rec_url,
        query: rec_query,
    } = &recorded
    else {
        panic!("recorded {recorded:?}");
    };
    assert_eq!(rec_query, &query);
    assert!(url::Url::parse(rec_url).expect("url").password().is_none());

    // Without PGPASSWORD the recorded source cannot log in (the server
    // requires a password), and the error says where it would come from.
    std::env::remove_var("PGPASSWORD");
    let err = for_each_customer(&recorded, |_| Ok(())).expect_err("no password");
    assert!(matches!(err, Error::Sql { .. }), "{err}");
    assert!(err.to_string().contains("PGPASSWORD"), "{err}");
    assert!(!err.to_string().contains(&format!(":{password}@")));

    std::env::set_var("PGPASSWORD", &password);
    let mut emails = Vec::new();
    let rep = for_each_customer(&recorded, |row| {
        emails.push(row.email.to_string());
        Ok(())
    })
    .expect("reread with PGPASSWORD");
    assert_eq!(rep.rows, 300);
    assert_eq!(
        emails,
        cs.iter().map(|c| c.email.clone()).collect::<Vec<_>>()
    );

    // A DATE column is not silently turned into text.
    let dated = ImportSource::Sql {
        url: url.clone(),
        query: query.replace("state AS region", "joined AS region"),
    };
    let rep = for_each_customer(&dated, |_| Ok(())).expect("read");
    assert_eq!(rep.warnings_total, 300);

    block_on(async {
        use sqlx::{ConnectOptions as _, Executor as _};
        let opts: sqlx::postgres::PgConnectOptions = url.parse().expect("opts");
        let mut conn = opts.connect().await.expect("connect");
        conn.execute(format!("DROP TABLE {table}").as_str())
            .await
            .expect("drop");
    });
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos().into())
}
