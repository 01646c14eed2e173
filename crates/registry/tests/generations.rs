//! Published generations are immutable (the invariant in the `registry`
//! module): a reader's mapping never changes while another process
//! publishes new generations, and an import never opens, rewrites or
//! reuses the name of an existing generation file.
mod common;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bw_registry::{import_csv, init, ImportOptions, Key, Matches, Registry};
use common::{csv, customers, Customer};

/// Set by the parent test for the child process it starts.
const CHILD_DIR: &str = "BW_GENERATIONS_CHILD_DIR";
const CHILD_ROUNDS: &str = "BW_GENERATIONS_CHILD_ROUNDS";
/// Enough publications that the reader's own file is garbage-collected
/// (only the live generation and the one before it are kept).
const ROUNDS: u64 = 6;
const CUSTOMERS: u64 = 2_000;

fn key() -> Key {
    Key::from_bytes([42; 32])
}

fn import(dir: &Path, cs: &[Customer]) {
    import_csv(dir, &key(), csv(cs).as_bytes(), &ImportOptions::default()).expect("import");
}

fn live_index(dir: &Path) -> PathBuf {
    let name = fs::read_to_string(dir.join("CURRENT")).expect("CURRENT");
    dir.join(name.trim())
}

/// Everything a reader can get out of its generation for `probe`.
#[derive(Debug, PartialEq, Eq)]
struct Observed {
    stats: bw_registry::Stats,
    answers: Vec<(Matches, Matches, Matches)>,
    ids: Vec<Option<String>>,
}

fn observe(reg: &Registry, probe: &[Customer]) -> Observed {
    Observed {
        stats: reg.stats(),
        answers: probe
            .iter()
            .map(|c| {
                (
                    reg.lookup_email(&c.email),
                    reg.lookup_phone(&c.phone, Some(&c.country)),
                    reg.lookup_name(&format!("{} {}", c.first, c.last)),
                )
            })
            .collect(),
        ids: (0..reg.len())
            .step_by(7)
            .map(|i| reg.customer(i).map(|c| c.id.to_string()))
            .collect(),
    }
}

/// Not a check by itself: the body of the child process that
/// `a_mapped_generation_never_changes_while_another_process_publishes`
/// starts by running this test binary filtered to this test. Without the
/// parent's environment it does nothing.
#[test]
fn child_process_publishes_generations() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let rounds: u64 = std::env::var(CHILD_ROUNDS)
        .ok()
        .and_then(|r| r.parse().ok())
        .expect("rounds");
    for i in 1..=rounds {
        // Customers the reader's generation does not have, so every new
        // generation differs from it in every section.
        let from = i * 100_000;
        import(Path::new(&dir), &customers(100 + i, from..from + CUSTOMERS));
    }
}

#[test]
fn a_mapped_generation_never_changes_while_another_process_publishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path(), &key()).expect("init");
    let mine = customers(1, 0..CUSTOMERS);
    import(dir.path(), &mine);
    // Half the probes are in the mapped generation, half only in the
    // generations the child publishes.
    let mut probe: Vec<Customer> = mine.iter().step_by(20).cloned().collect();
    probe.extend(
        customers(101, 100_000..100_000 + CUSTOMERS)
            .into_iter()
            .step_by(20),
    );

    let reg = Registry::open(dir.path(), &key()).expect("open");
    let mapped_file = reg.file().to_path_buf();
    let want = observe(&reg, &probe);
    assert!(want.answers[0].0.len() == 1, "probe customer not found");

    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_process_publishes_generations",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD_DIR, dir.path())
        .env(CHILD_ROUNDS, ROUNDS.to_string())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn the importing child");

    let deadline = Instant::now() + Duration::from_secs(600);
    let mut published = HashSet::new();
    let mut loops = 0u64;
    let status = loop {
        assert_eq!(
            observe(&reg, &probe),
            want,
            "answers changed under the mapping"
        );
        if loops % 16 == 0 {
            reg.verify()
                .expect("the mapped bytes still match the checksums read at open");
        }
        if let Ok(name) = fs::read_to_string(dir.path().join("CURRENT")) {
            published.insert(name);
        }
        loops += 1;
        if let Some(status) = child.try_wait().expect("poll the child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the importing child did not finish");
        }
    };
    assert!(status.success(), "the importing child failed: {status}");

    reg.verify()
        .expect("mapped bytes unchanged after the imports");
    assert_eq!(observe(&reg, &probe), want);
    let live = Registry::open(dir.path(), &key()).expect("open the live generation");
    assert_eq!(live.stats().generation, want.stats.generation + ROUNDS);
    let last = &customers(100 + ROUNDS, ROUNDS * 100_000..ROUNDS * 100_000 + 1)[0];
    assert_eq!(live.lookup_email(&last.email).len(), 1);
    // The reader kept working after its file was unlinked under it.
    assert!(
        !mapped_file.exists(),
        "garbage collection should have removed the reader's generation"
    );
    // The lookups above really overlapped publications.
    assert!(
        published.len() >= 2,
        "saw {} generation(s) during {loops} loops",
        published.len()
    );
}

/// What identifies a file's inode and its last change.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    contents: Vec<u8>,
    len: u64,
    modified: std::time::SystemTime,
    #[cfg(unix)]
    unix: (u64, u64, i64, i64, u32),
}

fn snapshot(path: &Path) -> Snapshot {
    let m = fs::metadata(path).expect("stat");
    Snapshot {
        contents: fs::read(path).expect("read"),
        len: m.len(),
        modified: m.modified().expect("mtime"),
        #[cfg(unix)]
        unix: {
            use std::os::unix::fs::MetadataExt;
            // ctime moves on any open for writing that truncates, on
            // chmod and on link changes: the strictest "untouched".
            (m.dev(), m.ino(), m.ctime(), m.ctime_nsec(), m.mode())
        },
    }
}

#[test]
fn a_reimport_never_opens_an_existing_generation_for_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path(), &key()).expect("init");
    let versions = [
        customers(7, 0..300),
        customers(8, 0..300),
        // The same snapshot twice: a new generation, never the old name.
        customers(8, 0..300),
        customers(9, 200..600),
    ];
    let mut names = HashSet::new();
    names.insert(live_index(dir.path()));
    for cs in &versions {
        let old = live_index(dir.path());
        let before = snapshot(&old);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(before.unix.4 & 0o222, 0, "published index is writable");
            assert_eq!(
                fs::metadata(&old).expect("stat").permissions().mode() & 0o222,
                0
            );
        }
        let reader = Registry::open(dir.path(), &key()).expect("open");
        let seen = observe(&reader, cs);

        import(dir.path(), cs);

        let new = live_index(dir.path());
        assert!(names.insert(new.clone()), "generation name reused: {new:?}");
        // The old generation is kept as the previous one, untouched.
        assert_eq!(snapshot(&old), before, "{old:?} changed");
        reader.verify().expect("mapped bytes unchanged");
        assert_eq!(observe(&reader, cs), seen);
    }
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}
