//! `breachwatch scan` and `scope` on database tables end to end, on real
//! PostgreSQL (`scripts/pg.sh`) and MariaDB (`scripts/mariadb.sh`)
//! servers and a SQLite file: a shop's customers (synthetic, from
//! `bw_scope::synth`), orders whose free-text notes and JSON details hold
//! personal data; findings located by table, column, row and key;
//! `--tables` and `--sample`; customers attributed from a registry.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use bw_scope::synth::{self, Person, CSV_HEADER};
use common::Scratch;
use sqlx::{Connection, Executor};

const SEED: u64 = 25;
/// Customers in the registry; the shop's table holds the first `IN_TABLE`.
const CUSTOMERS: u64 = 120;
const IN_TABLE: u64 = 30;
/// Customers named only in order notes (by email) and JSON (by phone).
const IN_NOTES: [u64; 3] = [40, 41, 42];
const IN_JSON: [u64; 2] = [50, 51];
/// Non-customers in the customer table.
const STRANGERS: u64 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    Postgres,
    Mysql,
    Sqlite,
}

/// A fresh database for one test, dropped at the end.
struct Db {
    engine: Engine,
    url: String,
    schema: String,
    admin: Option<String>,
    name: String,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

fn mysql_url() -> Option<String> {
    let url = std::env::var("BW_MYSQL_URL").ok();
    if url.is_none() && std::env::var("BW_REQUIRE_MYSQL").as_deref() == Ok("1") {
        panic!("BW_REQUIRE_MYSQL=1 but BW_MYSQL_URL is not set");
    }
    url
}

/// `url` naming database `db` instead (the servers' URLs end in `/bw`).
fn with_database(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{db}")
}

impl Db {
    fn every(s: &Scratch, tag: &str) -> Vec<Db> {
        let mut out = Vec::new();
        let name = format!(
            "bw_cli_{tag}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        if let Some(admin) = bw_testkit::postgres_url() {
            block(async {
                let mut c = sqlx::PgConnection::connect(&admin).await.expect("pg");
                c.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create");
            });
            out.push(Db {
                engine: Engine::Postgres,
                url: with_database(&admin, &name),
                schema: "public".into(),
                admin: Some(admin),
                name: name.clone(),
            });
        }
        if let Some(admin) = mysql_url() {
            block(async {
                let mut c = sqlx::MySqlConnection::connect(&admin).await.expect("mysql");
                c.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create");
            });
            out.push(Db {
                engine: Engine::Mysql,
                url: with_database(&admin, &name),
                schema: name.clone(),
                admin: Some(admin),
                name: name.clone(),
            });
        }
        let path = s.path(&format!("{tag}.sqlite3"));
        create_sqlite(&path);
        out.push(Db {
            engine: Engine::Sqlite,
            url: format!("sqlite://{}", path.display()),
            schema: "main".into(),
            admin: None,
            name: String::new(),
        });
        out
    }

    fn exec(&self, sql: &str) {
        block(async {
            match self.engine {
                Engine::Postgres => {
                    let mut c = sqlx::PgConnection::connect(&self.url).await.expect("pg");
                    sqlx::raw_sql(sql)
                        .execute(&mut c)
                        .await
                        .expect("pg fixture");
                }
                Engine::Mysql => {
                    let mut c = sqlx::MySqlConnection::connect(&self.url)
                        .await
                        .expect("mysql");
                    sqlx::raw_sql(sql)
                        .execute(&mut c)
                        .await
                        .expect("mysql fixture");
                }
                Engine::Sqlite => {
                    let url = format!("{}?mode=rw", self.url.replacen("sqlite://", "sqlite:", 1));
                    let mut c = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
                    sqlx::raw_sql(sql)
                        .execute(&mut c)
                        .await
                        .expect("sqlite fixture");
                }
            }
        });
    }

    /// What findings in `table` are named by.
    fn path(&self, table: &str) -> String {
        let display = match self.engine {
            Engine::Sqlite => self.url.clone(),
            // The URL without its user and password.
            _ => {
                let (scheme, rest) = self.url.split_once("://").expect("URL");
                let host = rest.split_once('@').map_or(rest, |p| p.1);
                format!("{scheme}://{host}")
            }
        };
        format!("{display}#{}.{table}", self.schema)
    }
}

/// An empty SQLite file (sqlx creates it on a `mode=rwc` connection).
fn create_sqlite(path: &std::path::Path) {
    let url = format!("sqlite:{}?mode=rwc", path.display());
    block(async {
        sqlx::SqliteConnection::connect(&url)
            .await
            .expect("create sqlite file");
    });
}

impl Drop for Db {
    fn drop(&mut self) {
        let Some(admin) = &self.admin else { return };
        let name = &self.name;
        block(async {
            let res = match self.engine {
                Engine::Postgres => match sqlx::PgConnection::connect(admin).await {
                    Ok(mut c) => c
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await
                        .map(drop),
                    Err(e) => Err(e),
                },
                _ => match sqlx::MySqlConnection::connect(admin).await {
                    Ok(mut c) => c
                        .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                        .await
                        .map(drop),
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = res {
                eprintln!("dropping {name}: {e}");
            }
        });
    }
}

fn q(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// The shop: customers (the first `IN_TABLE` registered customers and
/// `STRANGERS` others), orders whose notes name customers by email and
/// whose JSON details hold phone numbers.
fn shop(db: &Db) {
    let people: Vec<Person> = (0..IN_TABLE).map(|n| synth::customer(SEED, n)).collect();
    let strangers: Vec<Person> = (0..STRANGERS).map(|n| synth::distractor(SEED, n)).collect();
    let (json, big) = match db.engine {
        Engine::Postgres => ("jsonb", "bigint"),
        Engine::Mysql => ("JSON", "BIGINT"),
        Engine::Sqlite => ("TEXT", "INTEGER"),
    };
    let mut sql = format!(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(100), first_name VARCHAR(50), \
         last_name VARCHAR(50), phone VARCHAR(30), country VARCHAR(2));
         CREATE TABLE orders (order_id {big}, line INTEGER, notes TEXT, details {json}, \
         PRIMARY KEY (order_id, line));\n"
    );
    let rows: Vec<String> = people
        .iter()
        .chain(&strangers)
        .enumerate()
        .map(|(i, p)| {
            format!(
                "({}, {}, {}, {}, {}, {})",
                i + 1,
                q(&p.email),
                q(&p.first),
                q(&p.last),
                q(&p.phone_intl),
                q(&p.country)
            )
        })
        .collect();
    sql.push_str(&format!(
        "INSERT INTO customers VALUES {};\n",
        rows.join(", ")
    ));
    let mut orders = Vec::new();
    for (line, n) in IN_NOTES.iter().enumerate() {
        let p = synth::customer(SEED, *n);
        orders.push(format!(
            "(9001, {}, {}, NULL)",
            line + 1,
            q(&format!(
                "Refund requested by phone; confirmation sent to {} on Tuesday.",
                p.email
            ))
        ));
    }
    for (line, n) in IN_JSON.iter().enumerate() {
        let p = synth::customer(SEED, *n);
        orders.push(format!(
            "(9002, {}, NULL, {})",
            line + 1,
            q(&format!(
                r#"{{"delivery": {{"contact": "{} {}", "email": "{}"}}}}"#,
                p.first, p.last, p.email
            ))
        ));
    }
    sql.push_str(&format!(
        "INSERT INTO orders VALUES {};\n",
        orders.join(", ")
    ));
    db.exec(&sql);
}

/// Findings of a JSONL scan as `(path, kind, location)`.
fn findings(r: &common::Run) -> Vec<(String, String, serde_json::Value)> {
    r.jsonl()
        .into_iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["kind"].as_str().unwrap_or("").to_string(),
                f["location"].clone(),
            )
        })
        .collect()
}

#[test]
fn scan_locates_personal_data_by_table_column_row_and_key() {
    let s = Scratch::new();
    for db in Db::every(&s, "scan") {
        shop(&db);
        let e = db.engine;
        let r = s.run(&["scan", &db.url, "--format", "jsonl"]);
        assert_eq!(r.code, 1, "{e:?}: findings exit 1; stderr: {}", r.stderr);
        let found = findings(&r);
        let customers = db.path("customers");
        let orders = db.path("orders");
        let table = |t: &str| format!("{}.{t}", db.schema);

        // Every customer row's email, at its column, row and key.
        let emails: BTreeSet<(u64, String)> = found
            .iter()
            .filter(|(p, k, _)| *p == customers && k == "email")
            .map(|(_, _, l)| {
                assert_eq!(l["table"], table("customers").as_str(), "{e:?}");
                assert_eq!(l["column"], "email", "{e:?}");
                (
                    l["row"].as_u64().expect("row"),
                    l["key"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let rows = IN_TABLE + STRANGERS;
        // Rows come in the table's order (its key order, here).
        let want: BTreeSet<(u64, String)> = (1..=rows).map(|i| (i, format!("id={i}"))).collect();
        assert_eq!(emails, want, "{e:?}");
        // Phones in their column too.
        let phones = found
            .iter()
            .filter(|(p, k, l)| *p == customers && k == "phone_number" && l["column"] == "phone")
            .count();
        assert_eq!(phones as u64, rows, "{e:?}: {:?}", found);

        // Free-text notes and JSON details are scanned as content.
        let in_orders = |column: &str, kind: &str| -> Vec<String> {
            let mut keys: Vec<String> = found
                .iter()
                .filter(|(p, k, l)| *p == orders && k == kind && l["column"] == column)
                .map(|(_, _, l)| l["key"].as_str().unwrap_or("").to_string())
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(
            in_orders("notes", "email"),
            [
                "order_id=9001,line=1",
                "order_id=9001,line=2",
                "order_id=9001,line=3"
            ],
            "{e:?}"
        );
        assert_eq!(
            in_orders("details", "email"),
            ["order_id=9002,line=1", "order_id=9002,line=2"],
            "{e:?}"
        );
        // Nothing in clear: values are redacted, and the URL's credentials
        // are printed nowhere.
        let first = synth::customer(SEED, 0);
        for out in [&r.stdout, &r.stderr] {
            assert!(!out.contains(&first.email), "{e:?}");
            assert!(!out.contains("bw:bw@"), "{e:?}");
        }

        // Human output names the row as a person would look it up.
        let r = s.run(&[
            "scan",
            &db.url,
            "--format",
            "human",
            "--tables",
            "customers",
        ]);
        assert_eq!(r.code, 1, "{e:?}: {}", r.stderr);
        let place = format!("{customers} (email row 1, id=1)\t");
        assert!(r.stdout.contains(&place), "{e:?}: {place} in {}", r.stdout);
    }
}

#[test]
fn tables_and_sample_choose_what_is_read() {
    let s = Scratch::new();
    for db in Db::every(&s, "flags") {
        shop(&db);
        let e = db.engine;
        let paths = |args: &[&str]| -> BTreeSet<String> {
            let mut all = vec!["scan", db.url.as_str(), "--format", "jsonl"];
            all.extend_from_slice(args);
            let r = s.run(&all);
            assert_eq!(r.code, 1, "{e:?} {args:?}: {}", r.stderr);
            findings(&r).into_iter().map(|f| f.0).collect()
        };
        assert_eq!(
            paths(&["--tables", "ord*"]),
            BTreeSet::from([db.path("orders")]),
            "{e:?}"
        );
        let both = format!("{}.customers,orders", db.schema);
        assert_eq!(
            paths(&["--tables", &both]),
            BTreeSet::from([db.path("customers"), db.path("orders")]),
            "{e:?}"
        );

        // --sample 2: the first two rows of each table, by key.
        let r = s.run(&["scan", &db.url, "--format", "jsonl", "--sample", "2"]);
        assert_eq!(r.code, 1, "{e:?}: {}", r.stderr);
        let rows: BTreeSet<(String, u64)> = findings(&r)
            .into_iter()
            .map(|(p, _, l)| (p, l["row"].as_u64().expect("row")))
            .collect();
        assert_eq!(
            rows,
            BTreeSet::from([
                (db.path("customers"), 1),
                (db.path("customers"), 2),
                (db.path("orders"), 1),
                (db.path("orders"), 2),
            ]),
            "{e:?}"
        );

        let r = s.run(&["scan", &db.url, "--tables", "payroll"]);
        assert_eq!(r.code, 2, "{e:?}: no such table is an error");
        assert!(
            r.stderr.contains("no table matches --tables payroll"),
            "{e:?}: {}",
            r.stderr
        );
    }
    // A bad pattern is refused before anything is opened.
    let r = s.run(&["scan", "sqlite://nowhere.db", "--tables", "public.[cust"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("public.[cust"), "{}", r.stderr);
}

#[test]
fn scope_attributes_the_customers_a_database_exposes() {
    let s = Scratch::new();
    let people: Vec<Person> = (0..CUSTOMERS).map(|n| synth::customer(SEED, n)).collect();
    let mut csv = format!("{CSV_HEADER}\n");
    for p in &people {
        csv.push_str(&synth::csv_row(p));
        csv.push('\n');
    }
    s.write("customers.csv", csv.as_bytes());
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "import: {}", r.stderr);

    let mut want: BTreeSet<String> = (0..IN_TABLE)
        .map(|n| people[n as usize].id.clone())
        .collect();
    want.extend(
        IN_NOTES
            .iter()
            .chain(&IN_JSON)
            .map(|&n| people[n as usize].id.clone()),
    );
    for db in Db::every(&s, "scope") {
        shop(&db);
        let e = db.engine;
        let r = s.run(&["scope", &db.url, "--format", "jsonl"]);
        assert_eq!(r.code, 1, "{e:?}: affected customers exit 1; {}", r.stderr);
        let lines = r.jsonl();
        let affected: BTreeSet<String> = lines
            .iter()
            .filter_map(|l| l["customer_id"].as_str().map(str::to_string))
            .collect();
        assert_eq!(affected, want, "{e:?}");
        let first = lines
            .iter()
            .find(|l| l["customer_id"] == people[0].id.as_str())
            .expect("customer 0");
        assert_eq!(first["evidence"][0]["path"], db.path("customers").as_str());
        let summary = &lines.last().expect("summary")["summary"];
        assert_eq!(summary["unmatched"]["email"], STRANGERS, "{e:?}: {summary}");
    }
}

#[test]
fn a_table_is_incident_evidence_named_hashed_and_counted() {
    let s = Scratch::new();
    for db in Db::every(&s, "evidence") {
        shop(&db);
        let e = db.engine;
        let r = s.run(&[
            "incident",
            "open",
            "--title",
            "customer table copied to analytics",
            "--discovered-at",
            "2026-05-04T09:00:00Z",
        ]);
        assert_eq!(r.code, 0, "{e:?}: {}", r.stderr);
        let id = r.stdout.trim().to_string();

        // The table as findings name it, credentials and all in the
        // argument; none of them anywhere after.
        let customers = db.path("customers");
        let arg = format!("{}#{}.customers", db.url, db.schema);
        let rows = IN_TABLE + STRANGERS;
        let r = s.run(&["incident", "add-evidence", &id, &arg]);
        assert_eq!(r.code, 0, "{e:?}: {}", r.stderr);
        assert!(
            r.stdout
                .contains(&format!("{customers} version {rows} rows (sha256 ")),
            "{e:?}: {}",
            r.stdout
        );
        let r = s.run(&["incident", "show", &id, "--format", "json"]);
        assert_eq!(r.code, 0, "{e:?}: {}", r.stderr);
        let shown: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
        let ev = &shown["evidence"][0];
        assert_eq!(ev["source"], customers.as_str(), "{e:?}");
        assert_eq!(ev["version"], format!("{rows} rows").as_str(), "{e:?}");
        assert_eq!(ev["finding_counts"]["email"], rows, "{e:?}: {ev}");
        assert_eq!(ev["sha256"].as_str().map(str::len), Some(64));
        let size = ev["size_bytes"].as_u64().expect("size");
        assert!(size > rows * 50, "{e:?}: the rendered rows, {size} bytes");

        // The same rows again: the same hash, already present.
        let r = s.run(&["incident", "add-evidence", &id, &arg]);
        assert_eq!(r.code, 0, "{e:?}: {}", r.stderr);
        assert!(
            r.stdout.starts_with("already present"),
            "{e:?}: {}",
            r.stdout
        );

        // A whole database is not one piece of evidence.
        let r = s.run(&["incident", "add-evidence", &id, &db.url]);
        assert_ne!(r.code, 0, "{e:?}");
        assert!(
            r.stderr.contains("holds 2 tables: evidence is one table"),
            "{e:?}: {}",
            r.stderr
        );
        for out in [&r.stdout, &r.stderr] {
            assert!(!out.contains("bw:bw@"), "{e:?}: {out}");
        }
        let store = std::fs::read(s.path("home/breachwatch.sqlite3")).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&store).contains("bw:bw@"),
            "{e:?}: no credentials in the store"
        );
    }
}
