//! One run split across processes: `scan --shard i/N` and `plan` +
//! `scan --plan FILE --split K`. The contract every scheduler relies on:
//! the parts of the same arguments are disjoint and their union is the
//! whole run, findings and errors alike.

mod common;

use std::collections::BTreeSet;

use common::Scratch;

/// A leak of many small files (CSV rows, a log, a gzip member) in nested
/// directories, so hashing and byte-balancing have something to cut.
fn leak(s: &Scratch) {
    for i in 0..40u32 {
        let dir = ["exports", "exports/2024", "logs", "logs/old"][i as usize % 4];
        let rows: String = (0..(1 + i % 7))
            .map(|r| {
                format!(
                    "Jane Roe{i}x{r},jane.roe{i}x{r}@example.org,+1 202 555 01{:02}\n",
                    (i + r) % 100
                )
            })
            .collect();
        s.write(
            &format!("leak/{dir}/f{i:02}.csv"),
            format!("name,email,phone\n{rows}").as_bytes(),
        );
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, b"login ann.other@example.net from 203.0.113.9\n")
        .expect("gzip");
    s.write("leak/logs/app.log.gz", &gz.finish().expect("gzip"));
}

/// Every finding line, as a set (a line holds path, offsets, kind).
fn lines(stdout: &str) -> Vec<String> {
    let mut v: Vec<String> = stdout.lines().map(str::to_string).collect();
    v.sort();
    v
}

fn assert_partition(whole: &[String], parts: &[Vec<String>]) {
    let mut union: Vec<String> = parts.iter().flatten().cloned().collect();
    union.sort();
    let distinct: BTreeSet<&String> = union.iter().collect();
    assert_eq!(distinct.len(), union.len(), "a finding in two parts");
    assert_eq!(union, whole, "the parts' union is not the whole run");
    assert!(
        parts.iter().filter(|p| !p.is_empty()).count() > 1,
        "one part did everything: nothing was split"
    );
}

#[test]
fn shards_are_disjoint_and_their_union_is_one_run() {
    let s = Scratch::new();
    leak(&s);
    let whole = s.run(&["scan", "leak", "--format", "jsonl", "-q"]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let whole = lines(&whole.stdout);
    assert!(whole.len() > 100, "{}", whole.len());
    for n in [1u32, 3, 5] {
        let parts: Vec<Vec<String>> = (0..n)
            .map(|i| {
                let r = s.run(&[
                    "scan",
                    "leak",
                    "--format",
                    "jsonl",
                    "-q",
                    "--shard",
                    &format!("{i}/{n}"),
                ]);
                assert!(r.code <= 1, "shard {i}/{n}: {}", r.stderr);
                lines(&r.stdout)
            })
            .collect();
        if n == 1 {
            assert_eq!(parts[0], whole);
        } else {
            assert_partition(&whole, &parts);
        }
    }
}

#[test]
fn an_argument_that_fails_fails_every_shard() {
    let s = Scratch::new();
    leak(&s);
    for i in 0..3 {
        let r = s.run(&[
            "scan",
            "leak",
            "missing-dir",
            "--shard",
            &format!("{i}/3"),
            "-q",
        ]);
        assert_eq!(r.code, 2, "shard {i} must not finish clean: {}", r.stderr);
        assert!(r.stderr.contains("missing-dir"), "{}", r.stderr);
    }
}

#[test]
fn shard_flags_are_checked() {
    let s = Scratch::new();
    for bad in ["3/3", "1", "a/2", "0/0"] {
        let r = s.run(&["scan", ".", "--shard", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
    }
    let r = s.run(&["scan", "-", "--shard", "0/2"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("stdin"), "{}", r.stderr);
}

#[test]
fn plan_splits_are_byte_balanced_and_scan_exactly_their_items() {
    let s = Scratch::new();
    leak(&s);
    let whole = s.run(&["scan", "leak", "--format", "jsonl", "-q"]);
    let whole = lines(&whole.stdout);

    let plan = s.run(&["plan", "leak", "--splits", "4"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    std::fs::write(s.path("plan.jsonl"), &plan.stdout).expect("write plan");
    let splits = plan.jsonl();
    assert_eq!(splits.len(), 4);
    // Every file listed once, with its size; splits within one file's size
    // (plus the per-item weight) of an even share.
    let mut names = Vec::new();
    let mut bytes = Vec::new();
    for (k, split) in splits.iter().enumerate() {
        assert_eq!(split["split"], k as u64);
        let items = split["items"].as_array().expect("items");
        let mut sum = 0;
        for item in items {
            let name = item["name"].as_str().expect("name").to_string();
            let size = std::fs::metadata(s.path(&name))
                .expect("planned file exists")
                .len();
            assert_eq!(item["size"], size, "{name}");
            sum += size;
            names.push(name);
        }
        assert_eq!(split["bytes"], sum);
        bytes.push(sum);
    }
    let total: u64 = bytes.iter().sum();
    let files = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), files, "an item in two splits");
    assert_eq!(files, 41);
    let largest = 400; // the biggest CSV here is under 400 bytes
    for b in &bytes {
        assert!(
            b.abs_diff(total / 4) <= largest + 64 * 1024 / 4,
            "{bytes:?}"
        );
    }

    // Each task: its split's line only; no paths (the plan's roots).
    let parts: Vec<Vec<String>> = (0..4)
        .map(|k| {
            let r = s.run(&[
                "scan",
                "--plan",
                "plan.jsonl",
                "--split",
                &k.to_string(),
                "--format",
                "jsonl",
                "-q",
            ]);
            assert!(r.code <= 1, "split {k}: {}", r.stderr);
            lines(&r.stdout)
        })
        .collect();
    assert_partition(&whole, &parts);
}

#[test]
fn a_planned_item_that_is_gone_is_an_error_not_a_gap() {
    let s = Scratch::new();
    leak(&s);
    let plan = s.run(&["plan", "leak", "--splits", "1"]);
    std::fs::write(s.path("plan.jsonl"), &plan.stdout).expect("write plan");
    std::fs::remove_file(s.path("leak/logs/f02.csv")).expect("remove");
    let r = s.run(&["scan", "--plan", "plan.jsonl", "--format", "jsonl", "-q"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("leak/logs/f02.csv") && r.stderr.contains("planned"),
        "{}",
        r.stderr
    );
    // A file added since is not the plan's: not scanned.
    s.write(
        "leak/new.csv",
        b"name,email\nNew Person,new.person@example.org\n",
    );
    let r = s.run(&["scan", "--plan", "plan.jsonl", "--format", "jsonl", "-q"]);
    assert!(!r.stdout.contains("leak/new.csv"), "{}", r.stdout);
}
