//! SQLite databases written by Python's `sqlite3` module, read back one
//! table per part, read-only.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use bw_documents::{Bound, DocError, DocFormat, Limits, Shape};
use support::{cells, python, read_bytes, read_file, run_python, Collect};

/// A shop's database as an app leaves it (rollback journal): two tables
/// of invented people, a NULL, a view, an index; prints the page size and
/// the `orders` table's root page for the corruption test.
const SHOP: &str = r#"
import sqlite3
con = sqlite3.connect("shop.db")
con.executescript('''
CREATE TABLE customers(id INTEGER PRIMARY KEY, full_name TEXT, email TEXT, phone TEXT, balance REAL, note BLOB);
CREATE TABLE orders(order_id INTEGER PRIMARY KEY, customer_id INTEGER, ship_to TEXT, total REAL);
CREATE INDEX orders_by_customer ON orders(customer_id);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
''')
con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)", [
    (1, "Aurelio Fenwick-D\u00e0", "a.fenwick@example.org", "+44 7700 900456", 12.5, b"prefers post"),
    (2, "Siobhan Okonkwo", None, "07700 900789", 0.0, b"\x00\xff\x10"),
    (3, "Kaito Lindqvist", "kaito.l@example.net", None, -3.25, None),
])
con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", [
    (5001, 1, "14 Wren Street, Bath", 49.99),
    (5002, 3, "Flat 2, 9 Quay Road, Cork", 120),
])
con.commit()
page = con.execute("PRAGMA page_size").fetchone()[0]
root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
con.close()
open("layout.txt", "w").write(f"{page} {root}")
"#;

/// A WAL database whose rows are only in the `-wal` (checkpointed right
/// after the table was made, autocheckpoint off); the writer stays open
/// until its stdin closes.
const WAL_WRITER: &str = r#"
import sqlite3, sys
con = sqlite3.connect("members.db", isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("CREATE TABLE members(id INTEGER PRIMARY KEY, name TEXT, email TEXT)")
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("INSERT INTO members VALUES (1, 'Priya Castellanos', 'priya.c@example.com'), (2, 'Jonah Abernethy-Ruiz', NULL)")
print("ready", flush=True)
sys.stdin.read()
con.close()
"#;

fn shop(dir: &Path) -> Option<PathBuf> {
    let py = python()?;
    run_python(&py, dir, SHOP, &[]);
    Some(dir.join("shop.db"))
}

fn check_customers(got: &Collect) {
    let customers = got.part("customers");
    assert_eq!(customers.shape, Some(Shape::Table));
    assert_eq!(
        customers.header,
        vec!["id", "full_name", "email", "phone", "balance", "note"]
    );
    assert_eq!(
        customers.rows,
        vec![
            (
                1,
                cells(&[
                    (0, "1"),
                    (1, "Aurelio Fenwick-Dà"),
                    (2, "a.fenwick@example.org"),
                    (3, "+44 7700 900456"),
                    (4, "12.5"),
                    (5, "prefers post"),
                ])
            ),
            (
                2,
                cells(&[
                    (0, "2"),
                    (1, "Siobhan Okonkwo"),
                    (3, "07700 900789"),
                    (4, "0"),
                ])
            ),
            (
                3,
                cells(&[
                    (0, "3"),
                    (1, "Kaito Lindqvist"),
                    (2, "kaito.l@example.net"),
                    (4, "-3.25"),
                ])
            ),
        ]
    );
}

fn check_shop(got: &Collect) {
    assert_eq!(got.names(), vec!["customers", "orders"]);
    check_customers(got);
    let orders = got.part("orders");
    assert_eq!(
        orders.header,
        vec!["order_id", "customer_id", "ship_to", "total"]
    );
    assert_eq!(
        orders.rows,
        vec![
            (
                1,
                cells(&[
                    (0, "5001"),
                    (1, "1"),
                    (2, "14 Wren Street, Bath"),
                    (3, "49.99")
                ])
            ),
            (
                2,
                cells(&[
                    (0, "5002"),
                    (1, "3"),
                    (2, "Flat 2, 9 Quay Road, Cork"),
                    (3, "120")
                ])
            ),
        ]
    );
}

/// What reading must not change: the file's bytes and mtime, and which
/// of its companions exist.
#[derive(Debug, PartialEq)]
struct Trace {
    len: usize,
    digest: u64,
    mtime: SystemTime,
    companions: Vec<(&'static str, bool)>,
}

fn trace(db: &Path) -> Trace {
    let companions = ["-journal", "-wal", "-shm"]
        .into_iter()
        .map(|suffix| {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            (suffix, Path::new(&p).exists())
        })
        .collect();
    let bytes = std::fs::read(db).expect("read db");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&bytes, &mut hasher);
    Trace {
        len: bytes.len(),
        digest: std::hash::Hasher::finish(&hasher),
        mtime: std::fs::metadata(db)
            .and_then(|m| m.modified())
            .expect("mtime"),
        companions,
    }
}

#[test]
fn every_table_is_a_part_and_the_file_is_left_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(db) = shop(dir.path()) else {
        return;
    };
    let before = trace(&db);
    let (got, res) = read_file(DocFormat::Sqlite, &db, &Limits::default());
    res.expect("read shop.db");
    check_shop(&got);
    assert_eq!(
        trace(&db),
        before,
        "reading changed the database or its companions"
    );
    assert_eq!(
        before.companions,
        vec![("-journal", false), ("-wal", false), ("-shm", false)]
    );

    // Nested in an archive: from memory, the same tables.
    let bytes = std::fs::read(&db).expect("read db");
    let (got, res) = read_bytes(DocFormat::Sqlite, &bytes, &Limits::default());
    res.expect("read shop.db bytes");
    check_shop(&got);
}

#[test]
fn a_name_that_looks_like_a_uri_query_is_still_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(db) = shop(dir.path()) else {
        return;
    };
    let odd = dir.path().join("shop?mode=rwc#1 %20.db");
    std::fs::rename(&db, &odd).expect("rename");
    let (got, res) = read_file(DocFormat::Sqlite, &odd, &Limits::default());
    res.expect("read oddly named db");
    check_shop(&got);
}

#[test]
fn rows_still_in_the_wal_are_read_while_the_writer_is_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(py) = python() else {
        return;
    };
    let mut writer = Command::new(&py)
        .current_dir(dir.path())
        .arg("-c")
        .arg(WAL_WRITER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start writer");
    let mut line = String::new();
    BufReader::new(writer.stdout.as_mut().expect("writer stdout"))
        .read_line(&mut line)
        .expect("writer ready");
    assert_eq!(line.trim(), "ready");

    let db = dir.path().join("members.db");
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let wal_before = std::fs::read(&wal).expect("the rows are in the -wal");
    let before = trace(&db);
    let main_bytes = std::fs::read(&db).expect("read db");

    let (got, res) = read_file(DocFormat::Sqlite, &db, &Limits::default());
    res.expect("read members.db");
    assert_eq!(got.names(), vec!["members"]);
    let members = got.part("members");
    assert_eq!(members.header, vec!["id", "name", "email"]);
    assert_eq!(
        members.rows,
        vec![
            (
                1,
                cells(&[
                    (0, "1"),
                    (1, "Priya Castellanos"),
                    (2, "priya.c@example.com")
                ])
            ),
            (2, cells(&[(0, "2"), (1, "Jonah Abernethy-Ruiz")])),
        ]
    );
    assert_eq!(trace(&db), before, "reading changed the database");
    assert_eq!(
        std::fs::read(&wal).expect("wal"),
        wal_before,
        "reading changed the -wal"
    );

    // The main file alone (as if copied into an archive without its -wal):
    // a WAL-mode database with the table and none of the rows.
    let (got, res) = read_bytes(DocFormat::Sqlite, &main_bytes, &Limits::default());
    res.expect("read members.db bytes");
    assert_eq!(got.part("members").rows, vec![]);

    drop(writer.stdin.take());
    assert!(writer.wait().expect("writer exit").success());
}

#[test]
fn a_clean_wal_database_is_read_without_leaving_files_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(py) = python() else {
        return;
    };
    let script = r#"
import sqlite3
con = sqlite3.connect("clean.db", isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("CREATE TABLE contacts(name TEXT, phone TEXT)")
con.execute("INSERT INTO contacts VALUES ('Margit Szalay-Owens', '+36 1 555 0199')")
con.close()
"#;
    run_python(&py, dir.path(), script, &[]);
    let db = dir.path().join("clean.db");
    let before = trace(&db);
    assert_eq!(
        std::fs::read(&db).expect("read db")[18..20],
        [2, 2],
        "a WAL-mode header"
    );
    let (got, res) = read_file(DocFormat::Sqlite, &db, &Limits::default());
    res.expect("read clean.db");
    assert_eq!(
        got.part("contacts").rows,
        vec![(
            1,
            cells(&[(0, "Margit Szalay-Owens"), (1, "+36 1 555 0199")])
        )]
    );
    assert_eq!(
        trace(&db),
        before,
        "reading left files behind or changed the database"
    );
}

#[test]
fn a_corrupt_table_is_named_after_the_tables_before_it_were_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(db) = shop(dir.path()) else {
        return;
    };
    let layout = std::fs::read_to_string(dir.path().join("layout.txt")).expect("layout");
    let mut it = layout
        .split_whitespace()
        .map(|n| n.parse::<usize>().expect("number"));
    let (page, root) = (it.next().expect("page size"), it.next().expect("root page"));
    let mut bytes = std::fs::read(&db).expect("read db");
    // Not a b-tree page type any more.
    let at = (root - 1) * page;
    bytes[at..at + 8].copy_from_slice(&[0x55; 8]);
    for (what, res, got) in [
        {
            let (got, res) = read_bytes(DocFormat::Sqlite, &bytes, &Limits::default());
            ("from memory", res, got)
        },
        {
            std::fs::write(&db, &bytes).expect("write corrupt db");
            let (got, res) = read_file(DocFormat::Sqlite, &db, &Limits::default());
            ("from the file", res, got)
        },
    ] {
        match res {
            Err(DocError::Corrupt {
                format: DocFormat::Sqlite,
                detail,
            }) => assert!(detail.starts_with("table \"orders\": "), "{what}: {detail}"),
            other => panic!("{what}: expected Corrupt, got {other:?}"),
        }
        check_customers(&got);
    }
}

#[test]
fn not_a_database_and_over_the_limit() {
    let junk = vec![0x42u8; 8192];
    let (_, res) = read_bytes(DocFormat::Sqlite, &junk, &Limits::default());
    assert!(matches!(res, Err(DocError::Corrupt { .. })), "{res:?}");

    let (_, res) = read_bytes(DocFormat::Sqlite, &junk[..40], &Limits::default());
    assert!(matches!(res, Err(DocError::Corrupt { .. })), "{res:?}");

    let limits = Limits {
        max_inflated_bytes: 4096,
        ..Limits::default()
    };
    let (_, res) = read_bytes(DocFormat::Sqlite, &junk, &limits);
    assert!(
        matches!(
            res,
            Err(DocError::Limit {
                format: DocFormat::Sqlite,
                bound: Bound::Memory,
                limit: 4096,
            })
        ),
        "{res:?}"
    );
    let err = res.expect_err("a limit");
    assert_eq!(err.to_string(), "stopped at the 4 KiB in-memory limit");
}
