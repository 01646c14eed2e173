//! What the tool must never do to a database or print about it: write
//! through its connection (tried on the very connection a table reader
//! uses, inside its transaction and after it), or show the URL's
//! password in a name or an error.

mod support;

use bw_tables::{try_on_reader_connection, Options};
use support::{Db, Engine};

const WRITES: [&str; 5] = [
    "INSERT INTO customers (id, email) VALUES (99, 'x@shop-mail.example')",
    "UPDATE customers SET email = NULL",
    "DELETE FROM customers",
    "CREATE TABLE planted (a INT)",
    "DROP TABLE customers",
];

#[test]
fn no_write_gets_through_the_readers_connection() {
    for db in Db::every("readonly") {
        db.exec(
            "CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100)); \
             INSERT INTO customers VALUES (1, 'ann.lee@shop-mail.example');",
        );
        let e = db.engine;
        for sql in WRITES {
            let (inside, after) = try_on_reader_connection(&db.url, sql);
            for (when, res) in [("in the reader's transaction", inside), ("after it", after)] {
                let err = res.expect_err(&format!("{e:?}: {sql} {when} must fail"));
                let lower = err.to_lowercase();
                assert!(
                    lower.contains("read-only")
                        || lower.contains("read only")
                        || lower.contains("readonly"),
                    "{e:?}: {sql} {when}: refused for being read-only, not by chance: {err}"
                );
            }
        }
        assert_eq!(db.count("customers"), 1, "{e:?}: nothing changed");
        let tables = support::read_all(&db.url, &Options::default());
        assert_eq!(tables.len(), 1, "{e:?}: no table planted, none dropped");
        assert_eq!(tables[0].1.rows.len(), 1);
    }
}

#[test]
fn a_wrong_password_is_one_clear_error_that_never_shows_it() {
    let secret = "Wr0ng-Pa55word";
    let mut urls = Vec::new();
    if let Some(pg) = bw_testkit::postgres_url() {
        urls.push((Engine::Postgres, pg));
    }
    if let Some(my) = support::mysql_url() {
        urls.push((Engine::Mysql, my));
    }
    for (engine, url) in urls {
        // postgres://bw:bw@host/db -> postgres://bw:SECRET@host/db
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let (userinfo, host) = rest.split_once('@').expect("credentials in the test URL");
        let user = userinfo.split(':').next().unwrap_or(userinfo);
        let url = format!("{scheme}://{user}:{secret}@{host}");
        let err = support::open(&url, &Options::default())
            .map(|_| ())
            .expect_err("wrong password");
        let text = err.to_string();
        assert!(!text.contains(secret), "{engine:?}: {text}");
        assert!(!format!("{err:?}").contains(secret), "{engine:?}: {err:?}");
        assert!(
            text.starts_with(&format!("{scheme}://{host}")),
            "{engine:?}: named by the URL without credentials: {text}"
        );
        assert!(text.contains("cannot list tables"), "{engine:?}: {text}");
    }
}

#[test]
fn a_missing_sqlite_file_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nowhere.db");
    let url = format!("sqlite://{}", path.display());
    let err = support::open(&url, &Options::default())
        .map(|_| ())
        .expect_err("no such file");
    assert!(err.to_string().starts_with(&url), "{err}");
    assert!(!path.exists(), "opening must never create the file");
}
