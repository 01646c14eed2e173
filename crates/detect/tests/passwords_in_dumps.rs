//! Plaintext passwords in the password columns of SQL dumps that real
//! tools wrote: `sqlite3 .dump`, `pg_dump` (COPY, `--inserts`,
//! `--column-inserts`, `--rows-per-insert`) and `mariadb-dump` (extended
//! multi-row inserts). The columns are named as applications name them
//! (`password`, `passwd`, `pwd`, `pass`, `customers_password`), in three
//! tables, one of them with the password before the login; a
//! `password_changed` date is no password.
//!
//! Every cell the test put a password in must come back as one `password`
//! finding over exactly its bytes, with the plaintext detector, whatever
//! the chunking; no cell holding NULL, an empty string, a mask or `\N`, and
//! no byte outside a password cell, may be a reported password.
//!
//! The accounts are made up here (syllables, digits and symbols from a
//! seeded generator); none is a detector's example.

use std::process::Command;

use bw_detect::hints::sql::SqlHinter;
use bw_detect::{Engine, Finding, Kind, Start, StreamScanner};
use bw_testkit::{run, tool, SplitMix64};

const SYLLABLES: &[&str] = &[
    "kor", "vel", "tam", "rin", "osk", "bri", "dal", "mex", "quo", "zen", "lup", "fai", "nor",
    "gry", "sel", "uth", "pax", "wim",
];
const SYMBOLS: &[&str] = &[
    "!", "#", "%", "&", "*", "+", "-", "=", "?", "_", "~", ".", " ",
];

/// What a password cell holds: a password, or one of the values that are
/// none (written by the loader as SQL: `NULL`, `''`, `'***'`, `'\N'`).
#[derive(Clone, Debug)]
enum Cell {
    Password(String),
    Null,
    Empty,
    Mask,
    BackslashN,
}

impl Cell {
    fn sql(&self) -> String {
        match self {
            Cell::Password(p) => format!("'{p}'"),
            Cell::Null => "NULL".into(),
            Cell::Empty => "''".into(),
            Cell::Mask => "'********'".into(),
            Cell::BackslashN => "'\\N'".into(),
        }
    }
}

struct Account {
    id: u32,
    login: String,
    email: String,
    /// `users.password`, `legacy_logins.pwd`, then `members`' `passwd`,
    /// `customers_password` and `pass`.
    cells: [Cell; 5],
}

fn password(r: &mut SplitMix64) -> String {
    let mut s = String::new();
    for _ in 0..2 + r.below(2) {
        s.push_str(SYLLABLES[r.below(SYLLABLES.len() as u64) as usize]);
    }
    if r.below(3) == 0 {
        s[..1].make_ascii_uppercase();
    }
    s.push_str(&format!("{}", r.below(1000)));
    if r.below(2) == 0 {
        s.push_str(SYMBOLS[r.below(SYMBOLS.len() as u64) as usize]);
        s.push_str(SYLLABLES[r.below(SYLLABLES.len() as u64) as usize]);
    }
    s
}

fn cell(r: &mut SplitMix64) -> Cell {
    match r.below(12) {
        0 => Cell::Null,
        1 => Cell::Empty,
        2 => Cell::Mask,
        3 => Cell::BackslashN,
        _ => Cell::Password(password(r)),
    }
}

fn accounts(n: u32, seed: u64) -> Vec<Account> {
    let mut r = SplitMix64::new(seed);
    (1..=n)
        .map(|id| {
            let login = format!(
                "{}{}{}",
                SYLLABLES[r.below(SYLLABLES.len() as u64) as usize],
                SYLLABLES[r.below(SYLLABLES.len() as u64) as usize],
                id
            );
            Account {
                id,
                email: format!("{login}@posteo.de"),
                login,
                cells: std::array::from_fn(|_| cell(&mut r)),
            }
        })
        .collect()
}

/// The statements that load the accounts (standard SQL all three servers
/// take): `users` with `password`, `legacy_logins` with `pwd` first,
/// `members` with three more spellings.
fn load_script(accounts: &[Account]) -> String {
    let mut s = String::from(
        "CREATE TABLE users (id integer PRIMARY KEY, login varchar(64), email varchar(255), \
         password varchar(128), last_seen varchar(32));\n\
         CREATE TABLE legacy_logins (pwd varchar(128), id integer PRIMARY KEY, user_login varchar(64));\n\
         CREATE TABLE members (id integer PRIMARY KEY, passwd varchar(128), \
         customers_password varchar(128), pass varchar(128), password_changed varchar(32));\n",
    );
    for a in accounts {
        s.push_str(&format!(
            "INSERT INTO users VALUES ({}, '{}', '{}', {}, '2025-11-0{} 10:00');\n",
            a.id,
            a.login,
            a.email,
            a.cells[0].sql(),
            1 + a.id % 9
        ));
        s.push_str(&format!(
            "INSERT INTO legacy_logins VALUES ({}, {}, '{}');\n",
            a.cells[1].sql(),
            a.id,
            a.login
        ));
        s.push_str(&format!(
            "INSERT INTO members VALUES ({}, {}, {}, {}, '2024-0{}-1{} 09:30');\n",
            a.id,
            a.cells[2].sql(),
            a.cells[3].sql(),
            a.cells[4].sql(),
            1 + a.id % 9,
            a.id % 10
        ));
    }
    s
}

fn passwords(accounts: &[Account]) -> Vec<&str> {
    accounts
        .iter()
        .flat_map(|a| &a.cells)
        .filter_map(|c| match c {
            Cell::Password(p) => Some(p.as_str()),
            _ => None,
        })
        .collect()
}

/// A reader that hands out at most `step` bytes a read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The findings of a streamed scan of a dump named `shop.sql`, in chunks of
/// `chunk` bytes read `step` at a time.
fn scan(data: &[u8], chunk: usize, step: usize) -> Vec<Finding> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    let start = |head: &[u8]| match SqlHinter::sniff("shop.sql", head) {
        Some(h) => Start::Sql(h),
        None => Start::Plain,
    };
    StreamScanner::with_chunk_size(chunk)
        .scan_structured(&engine, Trickle { data, step }, start, |h| {
            out.push(h.finding);
            Ok(())
        })
        .expect("in-memory reads do not fail");
    out
}

/// Checks one dump: every password found exactly, nothing else reported
/// as one, the same findings for every chunking.
fn check(shape: &str, data: &[u8], accounts: &[Account]) {
    let whole = scan(data, 1 << 20, usize::MAX);
    for (chunk, step) in [(0, 1), (0, 509), (8192, 4096)] {
        assert_eq!(
            scan(data, chunk, step),
            whole,
            "{shape}: chunk {chunk}, reads of {step}"
        );
    }
    let reported: Vec<&Finding> = whole
        .iter()
        .filter(|f| f.kind == Kind::Password && f.score >= 0.5)
        .collect();
    let mut missed = Vec::new();
    let mut found = 0;
    // Each password's cell, in dump order: the values are unique enough
    // (syllables, a number, an id-free suffix) that a search from the last
    // one finds the next row's.
    for p in passwords(accounts) {
        let hit = reported
            .iter()
            .find(|f| &data[f.start..f.end] == p.as_bytes());
        match hit {
            Some(f) => {
                assert_eq!(f.detector, "password.plaintext", "{shape}: {p:?}");
                found += 1;
            }
            None => missed.push(p),
        }
    }
    assert!(missed.is_empty(), "{shape}: missed {missed:?}");
    // Nothing else: one finding per password (a value used twice counts
    // twice), none on a null, an empty string, a mask or `\N`.
    let expected: usize = passwords(accounts).len();
    let extra: Vec<String> = reported
        .iter()
        .filter(|f| {
            let v = &data[f.start..f.end];
            !passwords(accounts).iter().any(|p| p.as_bytes() == v)
        })
        .map(|f| String::from_utf8_lossy(&data[f.start..f.end]).into_owned())
        .collect();
    assert!(extra.is_empty(), "{shape}: not passwords {extra:?}");
    assert_eq!(reported.len(), expected, "{shape}");
    eprintln!(
        "{shape}: {found}/{expected} passwords, {} bytes",
        data.len()
    );
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("bw-pw-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn sqlite3_dump_password_columns() {
    if !tool("sqlite3") {
        assert!(
            std::env::var("BW_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "sqlite3 is required in CI"
        );
        eprintln!("skipped: the sqlite3 CLI is not installed");
        return;
    }
    let accounts = accounts(300, 71);
    let dir = temp_dir("sqlite");
    let db = dir.join("shop.db");
    run(
        Command::new("sqlite3").arg(&db),
        Some(&load_script(&accounts)),
    );
    let dump = run(Command::new("sqlite3").arg(&db).arg(".dump"), None);
    std::fs::remove_dir_all(&dir).expect("temp dir removed");
    check("sqlite3-dump", &dump, &accounts);
}

#[test]
fn pg_dump_password_columns_in_every_shape() {
    let url = bw_testkit::postgres_url();
    if std::env::var("BW_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        assert!(tool("pg_dump") && tool("psql"), "pg_dump/psql missing");
    }
    let Some(url) = url.filter(|_| tool("pg_dump") && tool("psql")) else {
        eprintln!("skipped: no PostgreSQL (export DATABASE_URL=\"$(bash scripts/pg.sh)\")");
        return;
    };
    let accounts = accounts(300, 72);
    let db = format!("bw_pw_{}", std::process::id());
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let db_url = format!("{base}/{db}");
    let psql = |u: &str, sql: &str| run(Command::new("psql").args([u, "-q", "-c", sql]), None);
    psql(&url, &format!("DROP DATABASE IF EXISTS {db}"));
    psql(&url, &format!("CREATE DATABASE {db}"));
    // Standard strings: `'\N'` is the two characters.
    run(
        Command::new("psql").args([&db_url, "-q", "-v", "ON_ERROR_STOP=1"]),
        Some(&load_script(&accounts)),
    );
    let shapes: [(&str, &[&str]); 4] = [
        ("pg_dump-copy", &[]),
        ("pg_dump-inserts", &["--inserts"]),
        ("pg_dump-column-inserts", &["--column-inserts"]),
        ("pg_dump-rows-per-insert", &["--rows-per-insert=40"]),
    ];
    let dumps: Vec<(&str, Vec<u8>)> = shapes
        .iter()
        .map(|(shape, extra)| {
            let out = run(
                Command::new("pg_dump")
                    .args(["--no-owner", "--no-privileges"])
                    .args(*extra)
                    .arg(&db_url),
                None,
            );
            (*shape, out)
        })
        .collect();
    psql(&url, &format!("DROP DATABASE {db}"));
    for (shape, data) in &dumps {
        check(shape, data, &accounts);
    }
}

#[test]
fn mariadb_dump_password_columns() {
    let url = std::env::var("BW_MYSQL_URL")
        .ok()
        .filter(|u| u.starts_with("mysql"));
    let required = std::env::var("BW_REQUIRE_MYSQL").as_deref() == Ok("1");
    let dump_tool = ["mariadb-dump", "mysqldump"].into_iter().find(|t| tool(t));
    let client = ["mariadb", "mysql"].into_iter().find(|t| tool(t));
    let (Some(url), Some(dump_tool), Some(client)) = (url, dump_tool, client) else {
        assert!(
            !required,
            "BW_REQUIRE_MYSQL=1 but no server URL or dump tool"
        );
        eprintln!("skipped: no MariaDB (export BW_MYSQL_URL=\"$(bash scripts/mariadb.sh)\")");
        return;
    };
    // mysql://user:pass@host:port/db
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let (auth, hostpart) = rest.rsplit_once('@').expect("a user in the URL");
    let (user, pass) = auth.split_once(':').unwrap_or((auth, ""));
    let hostport = hostpart.split('/').next().unwrap_or(hostpart);
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
    let conn = |cmd: &mut Command| {
        cmd.args([
            "-h",
            host,
            "-P",
            port,
            "-u",
            user,
            &format!("-p{pass}"),
            "--protocol=tcp",
        ]);
    };
    let db = format!("bw_pw_{}", std::process::id());
    let mut c = Command::new(client);
    conn(&mut c);
    run(
        c.args([
            "-e",
            &format!("DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}"),
        ]),
        None,
    );
    let accounts = accounts(300, 73);
    let mut c = Command::new(client);
    conn(&mut c);
    // `'\N'` in MySQL's default mode is the one character `N`; the dump
    // then holds `'N'`, which is no password either (one letter).
    run(c.arg(&db), Some(&load_script(&accounts)));
    let mut d = Command::new(dump_tool);
    conn(&mut d);
    let dump = run(d.arg(&db), None);
    let mut c = Command::new(client);
    conn(&mut c);
    run(c.args(["-e", &format!("DROP DATABASE {db}")]), None);
    assert!(
        dump.windows(21).any(|w| w == b"INSERT INTO `users` V"),
        "an extended insert"
    );
    check("mariadb-dump", &dump, &accounts);
}
