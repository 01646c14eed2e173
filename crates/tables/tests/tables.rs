//! Database tables read by the tool's own connections from real servers
//! (PostgreSQL from `scripts/pg.sh`, MariaDB from `scripts/mariadb.sh`)
//! and SQLite files: what is listed, every value as the text the
//! database prints, keys, NULLs, binary columns, `--tables`, `--sample`,
//! credentials kept out of names and errors, and writes refused.

mod support;

use bw_tables::Options;
use support::{read_all, Db, Engine, Read};

/// The shop every engine gets: customers (a numeric key), orders with
/// free-text notes, a JSON column and receipts as bytes (a composite
/// key), contacts keyed by email (a key too personal to print), a table
/// without a key, and a view (not a table: not listed).
fn shop(db: &Db) {
    let sql = match db.engine {
        Engine::Postgres => {
            r#"
CREATE TABLE customers (id serial PRIMARY KEY, first_name text, last_name text,
  email text, phone text, born date, balance numeric(10,2), joined timestamp, active boolean);
INSERT INTO customers VALUES
  (3, 'Priya', 'Raman', 'priya.raman@shop-mail.example', '+1 415 555 0199', '1990-11-23', 0, '2024-01-02 03:04:05', false),
  (1, 'Ann', 'Lee', 'ann.lee@shop-mail.example', '+44 20 7946 0958', '1984-03-05', 12.5, '2023-06-30 23:59:00', true),
  (2, 'Omar', 'Haddad', NULL, '(415) 555-0142', NULL, NULL, NULL, NULL);
CREATE TABLE orders (order_id bigint, line int, notes text, details jsonb, receipt bytea,
  PRIMARY KEY (order_id, line));
INSERT INTO orders VALUES
  (7001, 1, 'Ann Lee called: ship to 12 Baker Street, London. Card ending 4242.',
   '{"contact": {"email": "ann.lee@shop-mail.example"}}', convert_to('paid by priya.raman@shop-mail.example', 'UTF8')),
  (7001, 2, NULL, '[]', '\x00ff10'::bytea);
CREATE TABLE contacts_by_email (email text PRIMARY KEY, name text);
INSERT INTO contacts_by_email VALUES ('omar.haddad@shop-mail.example', 'Omar Haddad');
CREATE TABLE no_key (note text);
INSERT INTO no_key VALUES ('call back +1 415 555 0199');
CREATE VIEW customer_emails AS SELECT email FROM customers;
"#
        }
        Engine::Mysql => {
            r#"
CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50),
  email VARCHAR(100), phone VARCHAR(30), born DATE, balance DECIMAL(10,2), joined DATETIME, active BOOLEAN);
INSERT INTO customers VALUES
  (3, 'Priya', 'Raman', 'priya.raman@shop-mail.example', '+1 415 555 0199', '1990-11-23', 0, '2024-01-02 03:04:05', false),
  (1, 'Ann', 'Lee', 'ann.lee@shop-mail.example', '+44 20 7946 0958', '1984-03-05', 12.5, '2023-06-30 23:59:00', true),
  (2, 'Omar', 'Haddad', NULL, '(415) 555-0142', NULL, NULL, NULL, NULL);
CREATE TABLE orders (order_id BIGINT, line INT, notes TEXT, details JSON, receipt BLOB,
  PRIMARY KEY (order_id, line));
INSERT INTO orders VALUES
  (7001, 1, 'Ann Lee called: ship to 12 Baker Street, London. Card ending 4242.',
   '{"contact": {"email": "ann.lee@shop-mail.example"}}', CAST('paid by priya.raman@shop-mail.example' AS BINARY)),
  (7001, 2, NULL, '[]', X'00FF10');
CREATE TABLE contacts_by_email (email VARCHAR(100) PRIMARY KEY, name VARCHAR(100));
INSERT INTO contacts_by_email VALUES ('omar.haddad@shop-mail.example', 'Omar Haddad');
CREATE TABLE no_key (note TEXT);
INSERT INTO no_key VALUES ('call back +1 415 555 0199');
CREATE VIEW customer_emails AS SELECT email FROM customers;
"#
        }
        Engine::Sqlite => {
            r#"
CREATE TABLE customers (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT,
  email TEXT, phone TEXT, born TEXT, balance NUMERIC, joined TEXT, active BOOLEAN);
INSERT INTO customers VALUES
  (3, 'Priya', 'Raman', 'priya.raman@shop-mail.example', '+1 415 555 0199', '1990-11-23', 0, '2024-01-02 03:04:05', 0),
  (1, 'Ann', 'Lee', 'ann.lee@shop-mail.example', '+44 20 7946 0958', '1984-03-05', 12.5, '2023-06-30 23:59:00', 1),
  (2, 'Omar', 'Haddad', NULL, '(415) 555-0142', NULL, NULL, NULL, NULL);
CREATE TABLE orders (order_id INTEGER, line INTEGER, notes TEXT, details TEXT, receipt BLOB,
  PRIMARY KEY (order_id, line));
INSERT INTO orders VALUES
  (7001, 1, 'Ann Lee called: ship to 12 Baker Street, London. Card ending 4242.',
   '{"contact": {"email": "ann.lee@shop-mail.example"}}', CAST('paid by priya.raman@shop-mail.example' AS BLOB)),
  (7001, 2, NULL, '[]', X'00FF10');
CREATE TABLE contacts_by_email (email TEXT PRIMARY KEY, name TEXT);
INSERT INTO contacts_by_email VALUES ('omar.haddad@shop-mail.example', 'Omar Haddad');
CREATE TABLE no_key (note TEXT);
INSERT INTO no_key VALUES ('call back +1 415 555 0199');
CREATE VIEW customer_emails AS SELECT email FROM customers;
"#
        }
    };
    db.exec(sql);
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// The rows each engine prints for the shop: the same data, in each
/// database's own text for numbers, booleans and JSON.
fn want_customers(engine: Engine) -> Vec<(Option<String>, Vec<Option<String>>)> {
    let (balance_1, balance_3, yes, no) = match engine {
        Engine::Postgres => ("12.50", "0.00", "true", "false"),
        Engine::Mysql => ("12.50", "0.00", "1", "0"),
        Engine::Sqlite => ("12.5", "0", "1", "0"),
    };
    let mut rows = vec![
        (
            s("id=1"),
            vec![
                s("1"),
                s("Ann"),
                s("Lee"),
                s("ann.lee@shop-mail.example"),
                s("+44 20 7946 0958"),
                s("1984-03-05"),
                s(balance_1),
                s("2023-06-30 23:59:00"),
                s(yes),
            ],
        ),
        (
            s("id=2"),
            vec![
                s("2"),
                s("Omar"),
                s("Haddad"),
                None,
                s("(415) 555-0142"),
                None,
                None,
                None,
                None,
            ],
        ),
        (
            s("id=3"),
            vec![
                s("3"),
                s("Priya"),
                s("Raman"),
                s("priya.raman@shop-mail.example"),
                s("+1 415 555 0199"),
                s("1990-11-23"),
                s(balance_3),
                s("2024-01-02 03:04:05"),
                s(no),
            ],
        ),
    ];
    // Without --sample, rows come in the order the database returns
    // them; compare as sets.
    rows.sort();
    rows
}

fn sorted(read: &Read) -> Vec<(Option<String>, Vec<Option<String>>)> {
    let mut rows = read.rows.clone();
    rows.sort();
    rows
}

fn table<'a>(tables: &'a [(String, Read)], db: &Db, name: &str) -> &'a Read {
    let suffix = format!("#{}.{name}", db.schema);
    &tables
        .iter()
        .find(|(n, _)| n.ends_with(&suffix))
        .unwrap_or_else(|| panic!("{:?}: no {suffix} in {:?}", db.engine, names(tables)))
        .1
}

fn names(tables: &[(String, Read)]) -> Vec<&str> {
    tables.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn every_table_is_read_as_text_with_its_key() {
    for db in Db::every("shop") {
        shop(&db);
        let tables = read_all(&db.url, &Options::default());
        let e = db.engine;
        let mut listed: Vec<&str> = tables
            .iter()
            .map(|(n, _)| n.rsplit('.').next().unwrap_or(n))
            .collect();
        listed.sort_unstable();
        assert_eq!(
            listed,
            ["contacts_by_email", "customers", "no_key", "orders"],
            "{e:?}: tables only, no view"
        );
        for (name, read) in &tables {
            assert!(!name.contains('@'), "{e:?}: no credentials in {name}");
            assert_eq!(
                name.rsplit_once('#').map(|p| p.1),
                Some(read.table.as_str())
            );
        }

        let customers = table(&tables, &db, "customers");
        assert_eq!(
            customers.columns,
            [
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "born",
                "balance",
                "joined",
                "active"
            ]
        );
        assert_eq!(sorted(customers), want_customers(e), "{e:?}");

        let orders = table(&tables, &db, "orders");
        assert_eq!(
            orders.columns,
            ["order_id", "line", "notes", "details", "receipt"]
        );
        // As stored (MariaDB, SQLite) or jsonb's normal form, which this
        // value already is.
        let json = r#"{"contact": {"email": "ann.lee@shop-mail.example"}}"#;
        assert_eq!(
            sorted(orders),
            [
                (
                    s("order_id=7001,line=1"),
                    vec![
                        s("7001"),
                        s("1"),
                        s("Ann Lee called: ship to 12 Baker Street, London. Card ending 4242."),
                        s(json),
                        // Bytes that are text are scanned as text...
                        s("paid by priya.raman@shop-mail.example"),
                    ]
                ),
                (
                    s("order_id=7001,line=2"),
                    // ...bytes that are not, skipped.
                    vec![s("7001"), s("2"), None, s("[]"), None]
                ),
            ],
            "{e:?}"
        );

        // A key that is an email address is never printed as a location.
        let contacts = table(&tables, &db, "contacts_by_email");
        let want_key = match e {
            // SQLite names such a row by its rowid instead.
            Engine::Sqlite => s("rowid=1"),
            _ => None,
        };
        assert_eq!(
            contacts.rows,
            [(
                want_key,
                vec![s("omar.haddad@shop-mail.example"), s("Omar Haddad")]
            )],
            "{e:?}"
        );
        let no_key = table(&tables, &db, "no_key");
        let want_key = if e == Engine::Sqlite {
            s("rowid=1")
        } else {
            None
        };
        assert_eq!(
            no_key.rows,
            [(want_key, vec![s("call back +1 415 555 0199")])]
        );
    }
}

#[test]
fn tables_patterns_choose_tables_and_sample_takes_the_first_rows_by_key() {
    for db in Db::every("patterns") {
        shop(&db);
        let e = db.engine;
        let opts = |tables: &[&str], sample| Options {
            tables: tables.iter().map(|t| t.to_string()).collect(),
            sample,
        };
        let picked = |o: &Options| {
            let mut n: Vec<String> = read_all(&db.url, o)
                .into_iter()
                .map(|(_, r)| r.table)
                .collect();
            n.sort();
            n
        };
        let q = |t: &str| format!("{}.{t}", db.schema);
        assert_eq!(picked(&opts(&["cust*"], None)), [q("customers")], "{e:?}");
        assert_eq!(
            picked(&opts(&[&format!("{}.*o*", db.schema), "no_key"], None)),
            [
                q("contacts_by_email"),
                q("customers"),
                q("no_key"),
                q("orders")
            ],
            "{e:?}"
        );
        assert!(
            support::open(&db.url, &opts(&["other_schema.customers"], None)).is_err(),
            "{e:?}: a pattern with a schema matches only in it"
        );

        if e == Engine::Postgres {
            // Every schema but the system's is listed; a bare pattern
            // matches the table name in any of them.
            db.exec(
                "CREATE SCHEMA archive; \
                 CREATE TABLE archive.customers_2019 (id int PRIMARY KEY, email text);",
            );
            assert_eq!(
                picked(&opts(&["customers*"], None)),
                ["archive.customers_2019", "public.customers"]
            );
            assert_eq!(picked(&opts(&["public.cust*"], None)), ["public.customers"]);
        }

        // A table's own name, as findings give it, reads that table alone.
        let one = support::open(&format!("{}#{}", db.url, q("orders")), &Options::default())
            .expect("one table");
        assert_eq!(one.len(), 1, "{e:?}");
        assert!(
            one[0].0.ends_with(&format!("#{}", q("orders"))),
            "{}",
            one[0].0
        );
        let none = support::open(&format!("{}#{}", db.url, q("payroll")), &Options::default());
        assert!(none.is_err(), "{e:?}: no such table");

        // --sample 2: ids 1 and 2, though 3 was inserted first.
        let sample = read_all(&db.url, &opts(&["customers"], Some(2)));
        let rows = &sample[0].1.rows;
        assert_eq!(
            rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            [s("id=1"), s("id=2")],
            "{e:?}"
        );
        assert_eq!(rows[..], want_customers(e)[..2]);
    }
}

#[test]
fn a_pattern_that_matches_nothing_is_one_error_naming_it() {
    let db = Db::sqlite("nomatch");
    shop(&db);
    let opts = Options {
        tables: vec!["payroll*".into()],
        sample: None,
    };
    let e = support::open(&db.url, &opts)
        .map(|_| ())
        .expect_err("no table");
    let text = e.to_string();
    assert!(
        text.contains("no table matches --tables payroll*"),
        "{text}"
    );
    assert!(text.starts_with(&db.url), "{text}");
}
