//! `breachwatch scope` on SQL dumps written by the real tools: one record
//! per value tuple and per `COPY` row, so a customer is never credited with
//! what the row before theirs held.
//!
//! The leak's table interleaves three kinds of rows: customers with every
//! field; guests (not customers) with a name, a card and a birth date but
//! no email or phone; and customers with an email alone. Read by
//! proximity, a guest's card and birth date would run into the next row's
//! email and be reported as that customer's. `sqlite3 .dump` always runs;
//! `pg_dump` (COPY, `--inserts`, `--rows-per-insert`) when PostgreSQL is
//! there (`export DATABASE_URL="$(bash scripts/pg.sh)"`).

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use bw_scope::synth::{self, Person, CSV_HEADER};
use bw_testkit::{run, tool};
use common::Scratch;

const SEED: u64 = 31;
const CUSTOMERS: u64 = 60;

fn luhn_card(seed: u64) -> String {
    let mut digits: Vec<u32> = vec![4];
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..14 {
        x ^= x >> 13;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        digits.push((x % 10) as u32);
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                (d * 2) % 9 + u32::from(d == 9) * 9
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// What each row of the leak holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Row {
    /// A customer: name, email, phone, card, birth date.
    Full,
    /// A guest (no customer): name, card, birth date; no email or phone.
    Guest,
    /// A customer: email only.
    EmailOnly,
}

struct Leak {
    sql: String,
    /// customer id → its `exposed` kinds, joined by `+`.
    want: BTreeMap<String, String>,
}

fn leak(people: &[Person]) -> Leak {
    let mut sql = String::from(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, \
         email TEXT, phone TEXT, card_number TEXT, birth_date TEXT);\n",
    );
    let mut want = BTreeMap::new();
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    for (i, p) in people.iter().enumerate() {
        let row = match i % 3 {
            0 => Row::Full,
            1 => Row::Guest,
            _ => Row::EmailOnly,
        };
        let card = luhn_card(i as u64);
        let dob = format!("{}-0{}-1{}", 1950 + i % 40, 1 + i % 9, i % 10);
        let values = match row {
            Row::Full => {
                want.insert(
                    p.id.clone(),
                    "date_of_birth+email+payment_card+person_name+phone_number".to_string(),
                );
                [
                    q(&p.first),
                    q(&p.last),
                    q(&p.email),
                    q(&p.phone_intl),
                    q(&card),
                    q(&dob),
                ]
            }
            Row::Guest => {
                let g = synth::distractor(SEED, i as u64);
                [
                    q(&g.first),
                    q(&g.last),
                    "NULL".into(),
                    "NULL".into(),
                    q(&card),
                    q(&dob),
                ]
            }
            Row::EmailOnly => {
                want.insert(p.id.clone(), "email".to_string());
                [
                    "NULL".into(),
                    "NULL".into(),
                    q(&p.email),
                    "NULL".into(),
                    "NULL".into(),
                    "NULL".into(),
                ]
            }
        };
        sql.push_str(&format!(
            "INSERT INTO customers VALUES ({}, {});\n",
            i + 1,
            values.join(", ")
        ));
    }
    Leak { sql, want }
}

fn setup() -> (Scratch, Leak) {
    let s = Scratch::new();
    let people: Vec<Person> = (0..CUSTOMERS).map(|n| synth::customer(SEED, n)).collect();
    let mut csv = format!("{CSV_HEADER}\n");
    for p in &people {
        csv.push_str(&synth::csv_row(p));
        csv.push('\n');
    }
    s.write("customers.csv", csv.as_bytes());
    let r = s.run(&["registry", "init"]);
    assert_eq!(r.code, 0, "init: {}", r.stderr);
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "import: {}", r.stderr);
    (s, leak(&people))
}

/// customer id → exposed kinds, as scope reports them for `path`.
fn exposed(s: &Scratch, path: &str) -> BTreeMap<String, String> {
    let r = s.run(&["scope", path, "--format", "jsonl"]);
    assert!(r.code <= 1, "scope failed: {}", r.stderr);
    r.jsonl()
        .iter()
        .filter(|l| l.get("customer_id").is_some())
        .map(|l| {
            let kinds: Vec<&str> = l["exposed"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            (
                l["customer_id"].as_str().unwrap_or("").to_string(),
                kinds.join("+"),
            )
        })
        .collect()
}

/// The rows where `got` and `want` disagree, for a readable failure.
fn diff(
    shape: &str,
    got: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (id, w) in want {
        match got.get(id) {
            Some(g) if g == w => {}
            g => out.push(format!("{shape}: {id} exposed {g:?}, want {w}")),
        }
    }
    for id in got.keys().filter(|id| !want.contains_key(*id)) {
        out.push(format!("{shape}: {id} reported, not in the leak"));
    }
    out
}

#[test]
fn sqlite3_dump_rows_are_records() {
    if !tool("sqlite3") {
        eprintln!("skipped: the sqlite3 CLI is not installed (apt-get install -y sqlite3)");
        return;
    }
    let (s, leak) = setup();
    let db = s.path("shop.db");
    run(Command::new("sqlite3").arg(&db), Some(&leak.sql));
    let dump = run(Command::new("sqlite3").arg(&db).arg(".dump"), None);
    assert!(dump.starts_with(b"PRAGMA foreign_keys=OFF;"));
    s.write("leak/shop.sql", &dump);
    let failed = diff("sqlite3-dump", &exposed(&s, "leak/shop.sql"), &leak.want);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn pg_dump_tuples_and_copy_rows_are_records() {
    let Some(url) = bw_testkit::postgres_url().filter(|_| tool("pg_dump") && tool("psql")) else {
        eprintln!(
            "skipped: no PostgreSQL (export DATABASE_URL=\"$(bash scripts/pg.sh)\") or no pg_dump/psql"
        );
        return;
    };
    let (s, leak) = setup();
    let db = format!("bw_scope_sql_{}", std::process::id());
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let db_url = format!("{base}/{db}");
    let psql = |u: &str, sql: &str| {
        run(
            Command::new("psql").args([u, "-q", "-v", "ON_ERROR_STOP=1"]),
            Some(sql),
        )
    };
    psql(&url, &format!("DROP DATABASE IF EXISTS {db};"));
    psql(&url, &format!("CREATE DATABASE {db};"));
    psql(&db_url, &leak.sql);
    let shapes: [(&str, &[&str]); 3] = [
        ("pg_dump-copy", &[]),
        ("pg_dump-inserts", &["--inserts"]),
        ("pg_dump-rows-per-insert", &["--rows-per-insert=25"]),
    ];
    let mut failed = Vec::new();
    for (shape, args) in shapes {
        let dump = run(
            Command::new("pg_dump")
                .args(["--no-owner", "--no-privileges"])
                .args(args)
                .arg(&db_url),
            None,
        );
        let path = format!("leak/{shape}.sql");
        s.write(&path, &dump);
        failed.extend(diff(shape, &exposed(&s, &path), &leak.want));
    }
    psql(&url, &format!("DROP DATABASE {db};"));
    assert!(failed.is_empty(), "{failed:#?}");
}

/// mysqldump's extended insert: every tuple of a table on one line. Not
/// run by mysqldump (MariaDB is not installed here): the sqlite3 rows
/// rewritten into that one statement.
#[test]
fn a_multi_row_insert_line_holds_one_record_per_tuple() {
    let (s, leak) = setup();
    let mut tuples = Vec::new();
    for line in leak.sql.lines().skip(1) {
        let t = line
            .strip_prefix("INSERT INTO customers VALUES ")
            .and_then(|l| l.strip_suffix(';'))
            .expect("one insert per line");
        tuples.push(t.replace(", ", ","));
    }
    let dump = format!(
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n\
         CREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `first_name` varchar(64),\n  \
         `last_name` varchar(64),\n  `email` varchar(128),\n  `phone` varchar(32),\n  \
         `card_number` varchar(19),\n  `birth_date` date,\n  PRIMARY KEY (`id`)\n);\n\
         INSERT INTO `customers` VALUES {};\n",
        tuples.join(",")
    );
    s.write("leak/mysql.sql", dump.as_bytes());
    let failed = diff(
        "mysqldump-shaped",
        &exposed(&s, "leak/mysql.sql"),
        &leak.want,
    );
    assert!(failed.is_empty(), "{failed:#?}");
}
