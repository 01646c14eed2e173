//! Structure hints on data written by real tools, not by our generator:
//! `sqlite3 .dump`, `pg_dump` (plain COPY, `--inserts`, `--column-inserts`,
//! multi-row inserts), a mysqldump-shaped file (hand-written from the
//! documented format: MariaDB is not installed here) and Python's `csv`
//! module in several dialects.
//!
//! The people are made up here. Labels are the cells the test itself put
//! in, found back in the tool's output as whole cells, so they do not
//! depend on the detector. Each shape must reach a recall floor per kind
//! and find no phone, SSN or card in an `*_id` column.
//!
//! `BW_HINTS_FIXTURES=<dir>` also writes each fixture with a `truth.jsonl`
//! to `<dir>/<shape>/`, for `breachwatch corpus score`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bw_detect::hints::csv::CsvHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::{Engine, Finding, Kind, Start, StreamScanner};
use bw_testkit::{run, tool};

/// The sniff order of `bw_scan::sniff` (SQL first: a dump's head is never
/// a CSV header, but a CSV file may hold `INSERT` in a cell).
fn start(name: &str, head: &[u8]) -> Start {
    if let Some(s) = SqlHinter::sniff(name, head) {
        Start::Sql(s)
    } else if let Some(c) = CsvHinter::sniff(name, head) {
        Start::Csv(c)
    } else {
        Start::Plain
    }
}

const GIVEN: &[&str] = &[
    "Maren", "Tobias", "Ingrid", "Rafael", "Yusuf", "Hannah", "Oskar", "Leona", "Dmitri", "Priya",
    "Camille", "Joaquin", "Aisling", "Kenji", "Beatriz", "Samuel", "Nadia", "Elliot", "Freya",
    "Mateo",
];
const FAMILY: &[&str] = &[
    "Lindqvist",
    "Okafor",
    "Brennan",
    "Castellano",
    "Haddad",
    "Whitfield",
    "Moreau",
    "Nakamura",
    "Kowalczyk",
    "Fairbanks",
    "Delgado",
    "Sorensen",
    "Achterberg",
    "Quinlan",
    "Dos Santos",
    "Van der Berg",
];
const DOMAINS: &[&str] = &[
    "posteo.de",
    "gmail.com",
    "outlook.com",
    "web.de",
    "fastmail.fm",
];
const AREAS: &[u32] = &[212, 312, 415, 503, 617, 646, 702, 919];
const FIRST_OCTETS: &[u32] = &[23, 45, 62, 81, 91, 109, 151, 178, 185, 193, 212, 217];

/// xorshift64*: deterministic made-up people without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

struct Person {
    id: u32,
    given: String,
    family: String,
    email: String,
    phone: String,
    ssn: String,
    dob: String,
    /// The birth date as a US spreadsheet writes it (`03/12/1984`).
    dob_us: String,
    card: String,
    iban: String,
    ip: String,
    /// Ten digits a phone plan would accept: only its column says no.
    account_id: String,
}

fn luhn_complete(prefix: &str) -> String {
    let digits: Vec<u32> = prefix.bytes().map(|b| u32::from(b - b'0')).collect();
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
    format!("{prefix}{}", (10 - sum % 10) % 10)
}

fn german_iban(bank: &str, account: &str) -> String {
    let bban = format!("{bank}{account}");
    // Country letters D=13, E=14, then "00", moved behind the BBAN.
    let rearranged = format!("{bban}131400");
    let rem = rearranged
        .bytes()
        .fold(0u64, |r, b| (r * 10 + u64::from(b - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - rem)
}

fn phone(r: &mut Rng, i: u32) -> String {
    let area = AREAS[r.below(AREAS.len() as u64) as usize];
    let exch = 200 + r.below(700) as u32;
    let exch = if exch % 100 == 11 { exch + 1 } else { exch };
    let sub = r.digits(4);
    match i % 6 {
        0 => format!("({area}) {exch}-{sub}"),
        1 => format!("{area}-{exch}-{sub}"),
        // Typed into a spreadsheet: the formatting is gone.
        2 => format!("{area}{exch}{sub}"),
        3 => format!("020 7{} {}", 3 + r.below(6), r.digits(2) + &r.digits(4)),
        // A UK mobile whose `+` a spreadsheet dropped.
        4 => format!("447911{}", r.digits(6)),
        _ => format!("+1 {area} {exch} {sub}"),
    }
}

fn people(n: u32, seed: u64) -> Vec<Person> {
    let mut r = Rng(seed | 1);
    (1..=n)
        .map(|id| {
            let given = r.pick(GIVEN).to_string();
            let family = r.pick(FAMILY).to_string();
            let local: String = format!("{given}.{family}{id}")
                .to_lowercase()
                .replace(' ', "");
            let (y, m, d) = (1940 + r.below(65), 1 + r.below(12), 1 + r.below(28));
            let area = 1 + r.below(664);
            let ip = format!(
                "{}.{}.{}.{}",
                FIRST_OCTETS[r.below(FIRST_OCTETS.len() as u64) as usize],
                1 + r.below(254),
                1 + r.below(254),
                1 + r.below(254)
            );
            Person {
                id,
                email: format!("{local}@{}", r.pick(DOMAINS)),
                phone: phone(&mut r, id),
                ssn: format!("{area:03}{:02}{:04}", 1 + r.below(99), 1 + r.below(9999)),
                dob: format!("{y}-{m:02}-{d:02}"),
                dob_us: format!("{m:02}/{d:02}/{y}"),
                card: luhn_complete(&format!("4{}", r.digits(14))),
                iban: german_iban(
                    &format!("{}", 10_000_000 + r.below(89_999_999)),
                    &r.digits(10),
                ),
                ip,
                account_id: format!("{}{}{}", 2 + r.below(8), 10 + r.below(89), r.digits(7)),
                given,
                family,
            }
        })
        .collect()
}

/// What one shape labels: each value with its kind, to be found back in
/// the tool's output as whole cells.
fn labels(people: &[Person], dob_us: bool) -> Vec<(String, Kind)> {
    let mut v = Vec::new();
    for p in people {
        v.push((p.given.clone(), Kind::PersonName));
        v.push((p.family.clone(), Kind::PersonName));
        v.push((p.email.clone(), Kind::Email));
        v.push((p.phone.clone(), Kind::PhoneNumber));
        v.push((p.ssn.clone(), Kind::UsSsn));
        let dob = if dob_us && p.id % 2 == 0 {
            &p.dob_us
        } else {
            &p.dob
        };
        v.push((dob.clone(), Kind::DateOfBirth));
        v.push((p.card.clone(), Kind::PaymentCard));
        v.push((p.iban.clone(), Kind::Iban));
        v.push((p.ip.clone(), Kind::IpAddress));
    }
    v
}

fn cell_edge(b: Option<&u8>) -> bool {
    b.is_none_or(|b| {
        matches!(
            b,
            b'\'' | b'"' | b'\t' | b',' | b';' | b'|' | b'(' | b')' | b'\n' | b'\r'
        )
    })
}

/// The labelled spans: every whole-cell occurrence of a labelled value.
fn truth(data: &[u8], labels: &[(String, Kind)]) -> Vec<(usize, usize, Kind)> {
    let mut spans = BTreeMap::new();
    for (value, kind) in labels {
        let v = value.as_bytes();
        let mut from = 0;
        while let Some(i) = memfind(&data[from..], v) {
            let (s, e) = (from + i, from + i + v.len());
            if cell_edge(s.checked_sub(1).map(|p| &data[p])) && cell_edge(data.get(e)) {
                spans.insert((s, e), *kind);
            }
            from = s + 1;
        }
    }
    spans.into_iter().map(|((s, e), k)| (s, e, k)).collect()
}

fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn scan(name: &str, data: &[u8]) -> Vec<Finding> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    // Small chunks: cells and statements cross chunk boundaries.
    let mut s = StreamScanner::with_chunk_size(8192);
    s.scan_structured(
        &engine,
        data,
        |head| start(name, head),
        |h| {
            out.push(h.finding);
            Ok(())
        },
    )
    .expect("in-memory reads do not fail");
    out
}

fn iou(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    inter as f64 / union.max(1) as f64
}

/// Per kind: (labelled, found), at the scan's default threshold.
type Recall = BTreeMap<Kind, (usize, usize)>;

fn recall(truth: &[(usize, usize, Kind)], findings: &[Finding]) -> Recall {
    let mut r = Recall::new();
    for &(s, e, k) in truth {
        let hit = findings
            .iter()
            .any(|f| f.kind == k && f.score >= 0.5 && iou((s, e), (f.start, f.end)) >= 0.5);
        let slot = r.entry(k).or_default();
        slot.0 += 1;
        slot.1 += usize::from(hit);
    }
    r
}

/// Findings of `kinds` inside the whole cells of `values` (the `*_id`
/// column): each is a false positive.
fn inside_cells(data: &[u8], values: &[&str], findings: &[Finding], kinds: &[Kind]) -> usize {
    let cells = truth(
        data,
        &values
            .iter()
            .map(|v| (v.to_string(), Kind::PhoneNumber))
            .collect::<Vec<_>>(),
    );
    findings
        .iter()
        .filter(|f| f.score >= 0.5 && kinds.contains(&f.kind))
        .filter(|f| cells.iter().any(|&(s, e, _)| f.start < e && s < f.end))
        .count()
}

fn write_fixture(shape: &str, file: &str, data: &[u8], truth: &[(usize, usize, Kind)]) {
    let Ok(dir) = std::env::var("BW_HINTS_FIXTURES") else {
        return;
    };
    let dir = Path::new(&dir).join(shape);
    std::fs::create_dir_all(&dir).expect("fixture dir");
    std::fs::write(dir.join(file), data).expect("fixture file");
    let mut t = String::new();
    for &(s, e, k) in truth {
        t.push_str(&format!(
            "{{\"path\":\"{file}\",\"start\":{s},\"end\":{e},\"kind\":\"{}\"}}\n",
            k.as_str()
        ));
    }
    std::fs::write(dir.join("truth.jsonl"), t).expect("truth file");
}

/// Scans one fixture, prints its recall per kind and returns what
/// misses a floor or finds a phone, SSN or card in the `account_id` column.
fn check(
    shape: &str,
    file: &str,
    data: &[u8],
    people: &[Person],
    labels: &[(String, Kind)],
) -> Vec<String> {
    let truth = truth(data, labels);
    // A "Last, First" cell holds words of the name columns: its own span
    // is the label, not the words inside it.
    let truth: Vec<_> = truth
        .iter()
        .copied()
        .filter(|&(s, e, _)| {
            !truth
                .iter()
                .any(|&(s2, e2, _)| (s2, e2) != (s, e) && s2 <= s && e <= e2)
        })
        .collect();
    write_fixture(shape, file, data, &truth);
    let findings = scan(file, data);
    let r = recall(&truth, &findings);
    let mut failed = Vec::new();
    for (k, (n, hit)) in &r {
        let rec = *hit as f64 / (*n).max(1) as f64;
        println!(
            "{shape:<24} {:<14} {hit:>4}/{n:<4} recall {rec:.3}",
            k.as_str()
        );
        if let Some((_, floor)) = FLOORS.iter().find(|(fk, _)| fk == k) {
            if rec < *floor {
                failed.push(format!("{shape} {}: {rec:.3} < {floor}", k.as_str()));
            }
        }
    }
    // What a column admits must be what the column holds: no finding of
    // a labelled kind outside the labels.
    for k in r.keys() {
        let fp = findings
            .iter()
            .filter(|f| f.kind == *k && f.score >= 0.5)
            .filter(|f| {
                !truth
                    .iter()
                    .any(|&(s, e, tk)| tk == *k && iou((s, e), (f.start, f.end)) >= 0.5)
            })
            .count();
        if fp > 0 {
            println!("{shape:<24} {:<14} {fp} false positives", k.as_str());
            failed.push(format!("{shape} {}: {fp} false positives", k.as_str()));
        }
    }
    let ids: Vec<&str> = people.iter().map(|p| p.account_id.as_str()).collect();
    let in_ids = inside_cells(
        data,
        &ids,
        &findings,
        &[Kind::PhoneNumber, Kind::UsSsn, Kind::PaymentCard],
    );
    if in_ids > 0 {
        failed.push(format!(
            "{shape}: {in_ids} phone/SSN/card findings in the account_id column"
        ));
    }
    failed
}

/// Every kind the rows hold, at the floor a field hint should reach.
const FLOORS: &[(Kind, f64)] = &[
    (Kind::Email, 0.99),
    (Kind::PhoneNumber, 0.95),
    (Kind::UsSsn, 0.95),
    (Kind::DateOfBirth, 0.99),
    (Kind::PaymentCard, 0.99),
    (Kind::Iban, 0.99),
    (Kind::IpAddress, 0.99),
    (Kind::PersonName, 0.95),
];

const DDL: &str = "CREATE TABLE customers (
  id integer PRIMARY KEY,
  first_name varchar(40) NOT NULL,
  last_name varchar(40) NOT NULL,
  email varchar(255),
  phone varchar(32),
  ssn char(9),
  date_of_birth date,
  card_number varchar(19),
  iban varchar(34),
  ip_address varchar(45),
  account_id bigint,
  notes text
);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id bigint, total numeric(10,2), placed_at varchar(32));
";

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The statements that load `people` (standard SQL both servers take).
fn load_script(people: &[Person]) -> String {
    let mut s = String::from(DDL);
    for p in people {
        s.push_str(&format!(
            "INSERT INTO customers VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});\n",
            p.id,
            sql_str(&p.given),
            sql_str(&p.family),
            sql_str(&p.email),
            sql_str(&p.phone),
            sql_str(&p.ssn),
            sql_str(&p.dob),
            sql_str(&p.card),
            sql_str(&p.iban),
            sql_str(&p.ip),
            p.account_id,
            if p.id % 3 == 0 {
                "NULL".to_string()
            } else {
                sql_str("called back, wants a refund")
            },
        ));
        s.push_str(&format!(
            "INSERT INTO orders VALUES ({}, {}, {}.{:02}, '2025-11-0{} 10:0{}:00');\n",
            p.id,
            p.account_id,
            10 + p.id * 7 % 300,
            p.id % 100,
            1 + p.id % 9,
            p.id % 10
        ));
    }
    s
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bw-hints-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn sqlite3_dump_rows_get_their_columns() {
    if !tool("sqlite3") {
        assert!(
            std::env::var("BW_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "sqlite3 is required in CI (apt-get install -y sqlite3)"
        );
        eprintln!("skipped: the sqlite3 CLI is not installed (apt-get install -y sqlite3)");
        return;
    }
    let people = people(200, 11);
    let dir = temp_dir("sqlite");
    let db = dir.join("shop.db");
    let _ = std::fs::remove_file(&db);
    run(
        Command::new("sqlite3").arg(&db),
        Some(&load_script(&people)),
    );
    let dump = run(Command::new("sqlite3").arg(&db).arg(".dump"), None);
    std::fs::remove_dir_all(&dir).expect("temp dir removed");
    assert!(dump.starts_with(b"PRAGMA foreign_keys=OFF;"));
    let labels = labels(&people, false);
    let mut failed = check("sqlite3-dump", "shop.sql", &dump, &people, &labels);
    // Named otherwise, the dump's head alone says what it is.
    failed.extend(check(
        "sqlite3-dump-noname",
        "backup-2025",
        &dump,
        &people,
        &labels,
    ));
    assert!(failed.is_empty(), "{failed:#?}");
}

/// A PostgreSQL URL, or `None` to skip (a panic under
/// `BW_REQUIRE_POSTGRES=1`), as `bw_testkit::postgres_url` decides; also
/// `None` without `pg_dump`/`psql` (a panic under that variable too).
fn postgres_url() -> Option<String> {
    let url = bw_testkit::postgres_url();
    if std::env::var("BW_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        assert!(
            tool("pg_dump") && tool("psql"),
            "BW_REQUIRE_POSTGRES=1 but pg_dump/psql missing"
        );
    }
    url.filter(|_| tool("pg_dump") && tool("psql"))
}

#[test]
fn pg_dump_rows_get_their_columns_in_every_shape() {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: no PostgreSQL (export DATABASE_URL=\"$(bash scripts/pg.sh)\") or no pg_dump/psql");
        return;
    };
    let people = people(200, 23);
    let db = format!("bw_hints_{}", std::process::id());
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let db_url = format!("{base}/{db}");
    run(
        Command::new("psql").args([&url, "-q", "-c", &format!("DROP DATABASE IF EXISTS {db}")]),
        None,
    );
    run(
        Command::new("psql").args([&url, "-q", "-c", &format!("CREATE DATABASE {db}")]),
        None,
    );
    run(
        Command::new("psql").args([&db_url, "-q", "-v", "ON_ERROR_STOP=1"]),
        Some(&load_script(&people)),
    );
    let dump = |extra: &[&str]| {
        run(
            Command::new("pg_dump")
                .args(["--no-owner", "--no-privileges"])
                .args(extra)
                .arg(&db_url),
            None,
        )
    };
    let shapes: [(&str, &[&str]); 4] = [
        ("pg_dump-copy", &[]),
        ("pg_dump-inserts", &["--inserts"]),
        ("pg_dump-column-inserts", &["--column-inserts"]),
        ("pg_dump-rows-per-insert", &["--rows-per-insert=50"]),
    ];
    let dumps: Vec<(&str, Vec<u8>)> = shapes.iter().map(|(s, a)| (*s, dump(a))).collect();
    run(
        Command::new("psql").args([&url, "-q", "-c", &format!("DROP DATABASE {db}")]),
        None,
    );
    let labels = labels(&people, false);
    let failed: Vec<String> = dumps
        .iter()
        .flat_map(|(shape, data)| check(shape, "shop.sql", data, &people, &labels))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(memfind(&dumps[0].1, b"COPY public.customers (id, first_name").is_some());
}

/// mysqldump's documented output (extended inserts without a column list,
/// backslash escapes, conditional comments), written by hand: MariaDB is
/// not installed on this machine, so no real mysqldump ran.
fn mysqldump_shaped(people: &[Person]) -> Vec<u8> {
    let esc = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut s = String::from(
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n\
         -- ------------------------------------------------------\n-- Server version\t8.0.36\n\n\
         /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!50503 SET NAMES utf8mb4 */;\n\
         /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\n\
         --\n-- Table structure for table `customers`\n--\n\nDROP TABLE IF EXISTS `customers`;\n\
         /*!40101 SET @saved_cs_client     = @@character_set_client */;\n/*!50503 SET character_set_client = utf8mb4 */;\n\
         CREATE TABLE `customers` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `first_name` varchar(40) NOT NULL,\n\
         \x20 `last_name` varchar(40) NOT NULL,\n  `email` varchar(255) DEFAULT NULL,\n  `telephone` varchar(32) DEFAULT NULL,\n\
         \x20 `tax_id` char(9) DEFAULT NULL,\n  `birth_date` date DEFAULT NULL,\n  `card_number` varchar(19) DEFAULT NULL,\n\
         \x20 `iban` varchar(34) DEFAULT NULL,\n  `last_ip` varchar(45) DEFAULT NULL COMMENT 'from the login form, (v4)',\n\
         \x20 `account_id` bigint DEFAULT NULL,\n  `notes` text,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uq_email` (`email`),\n\
         \x20 KEY `idx_name` (`last_name`,`first_name`)\n) ENGINE=InnoDB AUTO_INCREMENT=201 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;\n\
         /*!40101 SET character_set_client = @saved_cs_client */;\n\n--\n-- Dumping data for table `customers`\n--\n\n\
         LOCK TABLES `customers` WRITE;\n/*!40000 ALTER TABLE `customers` DISABLE KEYS */;\n",
    );
    for (i, chunk) in people.chunks(80).enumerate() {
        let _ = i;
        s.push_str("INSERT INTO `customers` VALUES ");
        let rows: Vec<String> = chunk
            .iter()
            .map(|p| {
                format!(
                    "({},{},{},{},{},{},{},{},{},{},{},{})",
                    p.id,
                    esc(&p.given),
                    esc(&p.family),
                    esc(&p.email),
                    esc(&p.phone),
                    esc(&p.ssn),
                    esc(&p.dob),
                    esc(&p.card),
                    esc(&p.iban),
                    esc(&p.ip),
                    p.account_id,
                    if p.id % 3 == 0 {
                        "NULL".to_string()
                    } else {
                        esc("called back, it's urgent\\n(again)")
                    },
                )
            })
            .collect();
        s.push_str(&rows.join(","));
        s.push_str(";\n");
    }
    s.push_str("/*!40000 ALTER TABLE `customers` ENABLE KEYS */;\nUNLOCK TABLES;\n");
    s.push_str("/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n\n-- Dump completed on 2025-11-04 10:12:01\n");
    s.into_bytes()
}

#[test]
fn mysqldump_shaped_extended_inserts_get_their_columns() {
    let people = people(200, 37);
    let data = mysqldump_shaped(&people);
    let failed = check(
        "mysqldump-shaped",
        "shop.sql",
        &data,
        &people,
        &labels(&people, false),
    );
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Python's `csv` module writing the rows in one dialect.
fn python_csv(people: &[Person], delimiter: &str, quoting: &str, header: &[&str]) -> Vec<u8> {
    let mut rows = String::new();
    for p in people {
        let dob = if p.id % 2 == 0 { &p.dob_us } else { &p.dob };
        let cells = [
            p.id.to_string(),
            p.given.clone(),
            p.family.clone(),
            p.email.clone(),
            p.phone.clone(),
            p.ssn.clone(),
            dob.clone(),
            p.card.clone(),
            p.iban.clone(),
            p.ip.clone(),
            p.account_id.clone(),
            format!("{}, {}", p.family, p.given),
        ];
        rows.push_str(&cells.join("\u{1f}"));
        rows.push('\n');
    }
    let script = format!(
        "import csv, sys\n\
         w = csv.writer(sys.stdout, delimiter={delimiter:?}, quoting=csv.{quoting}, lineterminator='\\r\\n')\n\
         w.writerow({header:?})\n\
         for line in sys.stdin.read().splitlines():\n    w.writerow(line.split('\\x1f'))\n"
    );
    run(Command::new("python3").args(["-c", &script]), Some(&rows))
}

#[test]
fn python_csv_dialects_get_their_columns() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let people = people(200, 41);
    let header = [
        "customer_id",
        "First Name",
        "Last Name",
        "E-Mail",
        "Mobile",
        "SSN",
        "Date of Birth",
        "Card Number",
        "IBAN",
        "IP Address",
        "account_id",
        "Full Name",
    ];
    let dialects = [
        ("csv-minimal", ",", "QUOTE_MINIMAL", "people.csv"),
        ("csv-all-quoted", ",", "QUOTE_ALL", "people.csv"),
        ("tsv-unnamed", "\t", "QUOTE_MINIMAL", "export-2025"),
        ("semicolon", ";", "QUOTE_MINIMAL", "people.csv"),
        ("pipe", "|", "QUOTE_NONNUMERIC", "people.txt"),
    ];
    let mut labels = labels(&people, true);
    labels.extend(
        people
            .iter()
            .map(|p| (format!("{}, {}", p.family, p.given), Kind::PersonName)),
    );
    let mut failed = Vec::new();
    for (shape, delim, quoting, file) in dialects {
        let data = python_csv(&people, delim, quoting, &header);
        failed.extend(check(shape, file, &data, &people, &labels));
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
