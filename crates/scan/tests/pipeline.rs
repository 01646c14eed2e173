//! The pipeline as its visitors see it: findings with raw offsets, records,
//! digests, and every problem reported, on real files.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bw_detect::Kind;
use bw_scan::{
    Found, InputDone, Item, Options, Pipeline, Problem, RecordOptions, Scanned, Visitor,
    WalkOptions,
};
use sha2::{Digest, Sha256};

#[derive(Default, Debug)]
struct Seen {
    /// (path, start, end, kind, value)
    findings: Vec<(String, u64, u64, Kind, String)>,
    records: Vec<(String, Vec<Kind>)>,
    digests: BTreeMap<String, (String, u64)>,
    binary: Vec<String>,
    split: Vec<String>,
    problems: Vec<String>,
}

struct Recorder<'a>(&'a Mutex<Seen>);

impl Recorder<'_> {
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.0.lock().expect("seen")
    }
}

impl Visitor for Recorder<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        let value = String::from_utf8_lossy(f.value).into_owned();
        self.seen()
            .findings
            .push((f.path.to_string(), f.start, f.end, f.kind, value));
        Ok(())
    }

    fn record(&mut self, member: &str, items: &mut Vec<Item>) {
        let kinds = items.iter().map(|i| i.kind).collect();
        self.seen().records.push((member.to_string(), kinds));
    }

    fn scanned(&mut self, s: &Scanned<'_>) -> io::Result<()> {
        if s.binary {
            self.seen().binary.push(s.member.to_string());
        }
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        if done.split {
            self.seen().split.push(done.name.to_string());
        }
        if let Some(d) = &done.digest {
            self.seen().digests.insert(done.name.to_string(), d.clone());
        }
    }

    fn problem(&mut self, p: Problem<'_>) {
        self.seen().problems.push(format!("{p:?}"));
    }

    fn aborted(&mut self, name: &str, e: io::Error) {
        self.seen().problems.push(format!("aborted {name}: {e}"));
    }
}

fn run(paths: &[PathBuf], opts: Options) -> Seen {
    let seen = Mutex::new(Seen::default());
    Pipeline::new(opts).run(paths, || Recorder(&seen));
    seen.into_inner().expect("seen")
}

fn one_thread() -> Options {
    Options {
        walk: WalkOptions {
            threads: 1,
            ..WalkOptions::default()
        },
        ..Options::default()
    }
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("io");
    p
}

#[test]
fn offsets_index_the_raw_bytes_and_values_are_the_matches() {
    let dir = tempfile::tempdir().expect("io");
    let text = b"order 1182 shipped; contact ann.lee@shop-mail.example or +44 20 7946 0958\n";
    let p = write(dir.path(), "notes.txt", text);
    let seen = run(&[p], one_thread());
    assert!(seen.problems.is_empty(), "{:?}", seen.problems);
    let email = seen
        .findings
        .iter()
        .find(|f| f.3 == Kind::Email)
        .expect("the email");
    assert_eq!(
        &text[email.1 as usize..email.2 as usize],
        email.4.as_bytes()
    );
    assert_eq!(email.4, "ann.lee@shop-mail.example");
}

#[test]
fn records_follow_csv_rows_and_digests_cover_every_input() {
    let dir = tempfile::tempdir().expect("io");
    let csv = b"name,email,phone\n\
        Ann Lee,ann.lee@shop-mail.example,+44 20 7946 0958\n\
        Bob Stone,bob.stone@shop-mail.example,+44 20 7946 0959\n";
    let p = write(dir.path(), "customers.csv", csv);
    let empty = write(dir.path(), "empty.txt", b"nothing personal here\n");
    let opts = Options {
        digest: true,
        records: Some(RecordOptions::default()),
        ..one_thread()
    };
    let seen = run(&[p.clone(), empty.clone()], opts);
    // One record per row, each with that row's identifiers.
    assert_eq!(seen.records.len(), 2, "{:?}", seen.records);
    for (_, kinds) in &seen.records {
        assert!(kinds.contains(&Kind::Email) && kinds.contains(&Kind::PhoneNumber));
    }
    let shown = |p: &PathBuf| p.display().to_string();
    assert_eq!(seen.digests[&shown(&p)], (sha(csv), csv.len() as u64));
    // An input with no findings is still hashed: it was evidence examined.
    assert_eq!(
        seen.digests[&shown(&empty)].0,
        sha(b"nothing personal here\n")
    );
}

#[test]
fn binary_members_and_broken_archives_are_reported_not_skipped_silently() {
    let dir = tempfile::tempdir().expect("io");
    let bin = write(dir.path(), "blob.bin", b"\0\0\0ann.lee@shop-mail.example\0");
    // A gzip header followed by garbage: the member fails after nothing.
    let gz = write(
        dir.path(),
        "broken.gz",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00garbage",
    );
    let missing = dir.path().join("missing.csv");
    let seen = run(&[bin.clone(), gz, missing], one_thread());
    assert_eq!(seen.binary, [bin.display().to_string()]);
    assert!(seen.findings.is_empty(), "{:?}", seen.findings);
    assert!(
        seen.problems.iter().any(|p| p.contains("broken.gz")),
        "{:?}",
        seen.problems
    );
    assert!(
        seen.problems.iter().any(|p| p.contains("missing.csv")),
        "{:?}",
        seen.problems
    );
    // With binary scanning asked for, the same file yields its email.
    let seen = run(
        &[bin],
        Options {
            binary: true,
            ..one_thread()
        },
    );
    assert!(seen.binary.is_empty());
    assert_eq!(seen.findings.len(), 1);
}

#[test]
fn the_threshold_is_applied_before_the_visitor() {
    let dir = tempfile::tempdir().expect("io");
    // A role mailbox scores below the default threshold.
    let p = write(
        dir.path(),
        "a.txt",
        b"write to info@shop-mail.example today\n",
    );
    assert!(run(std::slice::from_ref(&p), one_thread())
        .findings
        .is_empty());
    let all = run(
        &[p],
        Options {
            min_score: 0.0,
            ..one_thread()
        },
    );
    assert_eq!(all.findings.len(), 1);
}

#[test]
fn a_split_file_reports_what_one_thread_does() {
    let dir = tempfile::tempdir().expect("io");
    let p = dir.path().join("big.log");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).expect("io"));
    // Over the split size (64 MiB), with findings throughout.
    let mut n = 0u64;
    while n < 70 << 20 {
        let line = format!(
            "2026-05-04T09:00:00Z GET /account?id={n} user=cust{n}@shop-mail.example status=200\n"
        );
        n += line.len() as u64;
        f.write_all(line.as_bytes()).expect("io");
    }
    drop(f);
    let kinds = [Kind::Email].into_iter().collect();
    let one = run(
        std::slice::from_ref(&p),
        Options {
            kinds,
            lines: false,
            ..one_thread()
        },
    );
    let mut split = run(
        &[p],
        Options {
            kinds,
            lines: false,
            split: true,
            walk: WalkOptions {
                threads: 3,
                ..WalkOptions::default()
            },
            ..Options::default()
        },
    );
    split.findings.sort_by_key(|f| f.1);
    assert!(one.split.is_empty());
    assert_eq!(split.split.len(), 1, "the file was scanned in pieces");
    assert!(one.findings.len() > 500_000);
    assert_eq!(one.findings, split.findings);
}
