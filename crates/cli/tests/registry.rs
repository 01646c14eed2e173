//! `breachwatch registry` end to end: imports from CSV, stdin and SQL,
//! what the data directory holds, generations under concurrent scope, a
//! damaged registry; on the customers and leak of `common/leak.rs`.

mod common;

use std::path::Path;

use bw_scope::synth::{self, Person};
use common::leak::*;
use common::Scratch;

#[test]
fn duplicate_ids_are_reported_by_line_and_a_reimport_changes_nothing() {
    let (s, people) = setup();
    let mut csv = customers_csv(&people);
    let mut dup = people[5].clone();
    dup.email = "someone.new@example.com".into();
    csv.push_str(&synth::csv_row(&dup));
    csv.push('\n');
    s.write("dup.csv", csv.as_bytes());
    let r = s.run(&["registry", "import", "dup.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = CUSTOMERS + 2;
    assert!(
        r.stdout.contains(&format!(
            "line {line}: duplicate customer_id (first at line 7)"
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("0 added, 0 changed, 200 unchanged, 0 removed"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("someone.new"), "{}", r.stdout);
    let st = s.run(&["registry", "stats"]);
    assert!(
        st.stdout.contains(&format!("customers: {CUSTOMERS}")),
        "{}",
        st.stdout
    );
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn the_data_directory_holds_no_plaintext_identifier() {
    let (s, people) = setup();
    write_leak(&s, &people);
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut files = Vec::new();
    files_under(&s.path("home"), &mut files);
    assert!(files.len() >= 2, "registry and key: {files:?}");
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for p in &people {
            let digits: String = p.phone_intl.chars().filter(char::is_ascii_digit).collect();
            for needle in [
                p.email.to_lowercase(),
                p.first.to_lowercase(),
                p.last.to_lowercase(),
                digits,
            ] {
                // Shorter strings turn up in random fingerprint bytes by
                // chance (a 4-letter one in ~1 run out of 100).
                if needle.len() < 6 {
                    continue;
                }
                assert!(
                    !text.contains(&needle),
                    "{} holds {needle:?} in clear",
                    f.display()
                );
            }
        }
    }
}

/// The customer base as an SQLite table with its own column names.
fn sqlite_customers(path: &Path, people: &[Person]) {
    use sqlx::ConnectOptions as _;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .connect()
            .await
            .expect("connect");
        sqlx::query(
            "CREATE TABLE clients (ref TEXT, mail TEXT, given TEXT, family TEXT, tel TEXT, \
             cc TEXT, state TEXT)",
        )
        .execute(&mut conn)
        .await
        .expect("create");
        for p in people {
            sqlx::query("INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(&p.id)
                .bind(&p.email)
                .bind(&p.first)
                .bind(&p.last)
                .bind(&p.phone)
                .bind(&p.country)
                .bind(&p.region)
                .execute(&mut conn)
                .await
                .expect("insert");
        }
    });
}

const CLIENTS_QUERY: &str = "SELECT ref AS customer_id, mail AS email, given AS first_name, \
    family AS last_name, tel AS phone, cc AS country, state AS region FROM clients";

#[test]
fn registry_import_from_sql_feeds_scope_like_csv() {
    let s = Scratch::new();
    let people = customers();
    sqlite_customers(&s.path("crm.db"), &people);
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let r = s.run(&[
        "registry",
        "import",
        "--from-sql",
        "sqlite:crm.db",
        "--query",
        CLIENTS_QUERY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{CUSTOMERS} customers ({CUSTOMERS} added")),
        "{}",
        r.stdout
    );
    // The relative SQLite path is recorded absolute, for later readers.
    let abs = s.path("crm.db");
    assert!(
        r.stdout
            .contains(&format!("SQL sqlite://{}", abs.display())),
        "{}",
        r.stdout
    );
    let want = write_leak(&s, &people);
    let scoped = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(scoped.code, 1, "{}", scoped.stderr);
    assert_eq!(affected(&scoped), want);

    // The same customers from CSV are "unchanged": both sources feed the
    // same row reader.
    s.write("customers.csv", customers_csv(&people).as_bytes());
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert!(
        r.stdout
            .contains(&format!("0 added, 0 changed, {CUSTOMERS} unchanged")),
        "{}",
        r.stdout
    );

    // One source at a time; --map is for CSV headers; a query needs a URL.
    for bad in [
        vec![
            "registry",
            "import",
            "customers.csv",
            "--from-sql",
            "sqlite:crm.db",
            "--query",
            "SELECT 1",
        ],
        vec!["registry", "import", "--from-sql", "sqlite:crm.db"],
        vec!["registry", "import", "--query", "SELECT 1"],
        vec![
            "registry",
            "import",
            "--from-sql",
            "sqlite:crm.db",
            "--query",
            CLIENTS_QUERY,
            "--map",
            "email=Mail",
        ],
    ] {
        let r = s.run(&bad);
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
    }
    let r = s.run(&[
        "registry",
        "import",
        "--from-sql",
        "sqlite:crm.db",
        "--query",
        "SELECT ref AS customer_id FROM clients",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("email"), "{}", r.stderr);
    // A failed import leaves the registry as it was.
    let st = s.run(&["registry", "stats"]);
    assert!(
        st.stdout.contains(&format!("customers: {CUSTOMERS}")),
        "{}",
        st.stdout
    );
}

/// Imports alternate between two customer bases while scope runs again and
/// again: every scope result is exactly the old or the new generation's.
#[test]
fn concurrent_import_and_scope_see_one_generation() {
    const N: u64 = 3000;
    let s = Scratch::new();
    let all: Vec<Person> = (0..N + N / 2).map(|n| synth::customer(SEED, n)).collect();
    // Generation A: customers [0, N); B: [N/2, N + N/2).
    let (a, b) = (&all[..N as usize], &all[N as usize / 2..]);
    s.write("a.csv", customers_csv(a).as_bytes());
    s.write("b.csv", customers_csv(b).as_bytes());
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    assert_eq!(s.run(&["registry", "import", "a.csv"]).code, 0);
    let mut leak = String::from("email\n");
    let exposed: Vec<&Person> = all.iter().step_by(37).collect();
    for p in &exposed {
        leak.push_str(&format!("{}\n", p.email));
    }
    s.write("leak.csv", leak.as_bytes());
    let ids = |base: &[Person]| -> std::collections::BTreeSet<String> {
        exposed
            .iter()
            .filter(|p| base.iter().any(|c| c.id == p.id))
            .map(|p| p.id.clone())
            .collect()
    };
    let (want_a, want_b) = (ids(a), ids(b));
    assert_ne!(want_a, want_b);

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let importer = {
        let stop = stop.clone();
        let cmds = [
            s.cmd(&["registry", "import", "b.csv"]),
            s.cmd(&["registry", "import", "a.csv"]),
        ];
        let mut cmds = cmds;
        std::thread::spawn(move || {
            let mut done = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = cmds[done as usize % 2].output().expect("import");
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                done += 1;
            }
            done
        })
    };
    let (mut saw_a, mut saw_b) = (0, 0);
    for _ in 0..12 {
        let r = s.run(&["scope", "leak.csv", "--format", "jsonl"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let got: std::collections::BTreeSet<String> = affected(&r).into_keys().collect();
        if got == want_a {
            saw_a += 1;
        } else if got == want_b {
            saw_b += 1;
        } else {
            panic!(
                "torn registry: {} customers, A has {}, B has {}",
                got.len(),
                want_a.len(),
                want_b.len()
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let imports = importer.join().expect("importer");
    assert!(imports >= 2, "imports ran alongside scope: {imports}");
    assert_eq!(saw_a + saw_b, 12);
}

/// Peak RSS of a `registry import -` fed `rows` customers, each padded with
/// `pad` bytes in an unmapped column, generated while the child reads.
fn streamed_import_peak_kb(s: &Scratch, rows: u64, pad: usize) -> (u64, String) {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = s
        .cmd(&["registry", "import", "-", "--map", "region="])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut stdin);
        writeln!(
            w,
            "customer_id,email,first_name,last_name,phone,country,notes"
        )
        .expect("header");
        let filler = "z".repeat(pad);
        for n in 0..rows {
            let p = synth::customer(SEED, n);
            writeln!(
                w,
                "{},{},{},{},{},{},{filler}",
                p.id, p.email, p.first, p.last, p.phone, p.country
            )
            .expect("row");
        }
        w.flush().expect("flush");
    });
    let mut peak = 0u64;
    while !writer.is_finished() {
        peak = peak.max(vm_hwm_kb(pid).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.join().expect("writer");
    peak = peak.max(vm_hwm_kb(pid).unwrap_or(0));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (peak, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A CSV far larger than memory should be is streamed: the same customers
/// padded to 16x the bytes cost the same memory. (`bench/scope.sh` runs a
/// 5 GB one; this is the CI-sized version.)
#[test]
fn a_large_csv_streamed_from_stdin_imports_in_flat_memory() {
    const ROWS: u64 = 20_000;
    let s = Scratch::new();
    assert_eq!(s.run(&["registry", "init"]).code, 0);
    let (small, out) = streamed_import_peak_kb(&s, ROWS, 1 << 10);
    assert!(
        out.contains(&format!("{ROWS} customers ({ROWS} added")),
        "{out}"
    );
    assert!(out.contains("source not recorded"), "{out}");
    // 20k rows of 16 KiB: 320 MiB through the pipe.
    let (big, out) = streamed_import_peak_kb(&s, ROWS, 16 << 10);
    assert!(out.contains(&format!("{ROWS} unchanged")), "{out}");
    assert!(small > 0 && big > 0, "could read VmHWM");
    assert!(
        big < small + 16 * 1024 && big < 128 * 1024,
        "peak RSS {big} KiB for 320 MiB vs {small} KiB for 20 MiB"
    );
}

/// A damaged registry is a clear error from every command that opens it,
/// never an empty (or partial) list of affected customers.
#[test]
fn a_corrupt_or_truncated_registry_is_an_error_not_an_empty_scope() {
    let (s, people) = setup();
    write_leak(&s, &people);
    let reg = s.path("home/registry");
    let current = std::fs::read_to_string(reg.join("CURRENT")).expect("CURRENT");
    let index = reg.join(current.trim());
    let good = std::fs::read(&index).expect("index");

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    std::fs::write(&index, &flipped).expect("write");
    for args in [&["scope", "leak"][..], &["registry", "stats"][..]] {
        let r = s.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains("corrupt"), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }

    std::fs::write(&index, &good[..good.len() - 100]).expect("truncate");
    let r = s.run(&["scope", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("corrupt"), "{}", r.stderr);

    // Restored, it works again: the check is about the bytes, not a flag.
    std::fs::write(&index, &good).expect("restore");
    assert_eq!(s.run(&["scope", "leak"]).code, 1);
}
