//! Database tables reach the pipeline as `Haystack::Table`: the rows a
//! source pushes are rendered as CSV with a header (column hints, one
//! record per row) and findings are located by table, column, row and
//! key. The source here is in-process (the database crate tests real
//! servers); the contract under test is the pipeline's.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bw_detect::Kind;
use bw_scan::{
    Found, Haystack, InputDone, Location, Options, Pipeline, Problem, Remote, Resolver, Resolvers,
    SourceError, SourceEvent, TableSink, Visitor, WalkOptions,
};

/// `rows://N` is a database of three tables of N rows; table `broken`
/// fails after its first 10 rows.
#[derive(Debug)]
struct Db;

impl Resolver for Db {
    fn resolve(&self, arg: &str) -> Option<Result<Box<dyn Remote>, SourceError>> {
        let n = arg.strip_prefix("rows://")?.parse().ok()?;
        Some(Ok(Box::new(Tables(n))))
    }
}

struct Tables(u64);

fn email(table: &str, i: u64) -> String {
    format!("{table}.user{i}@shop-mail.example")
}

fn rows(table: &'static str, n: u64, fail_after: Option<u64>) -> bw_scan::TableReader {
    Box::new(move |sink: &mut dyn TableSink| {
        let io = |e: io::Error| e.to_string();
        let columns = ["id", "email", "notes"].map(String::from);
        sink.table(&format!("public.{table}"), &columns)
            .map_err(io)?;
        for i in 1..=n {
            if fail_after == Some(i - 1) {
                return Err("connection reset by peer".into());
            }
            let (id, key, mail) = (i.to_string(), format!("id={i}"), email(table, i));
            let notes = format!("called on {i}, said \"fine, thanks\"");
            // Every third row has no email (NULL).
            let mail = (i % 3 != 0).then_some(mail.as_str());
            sink.row(Some(&key), &[Some(&id), mail, Some(&notes)])
                .map_err(io)?;
        }
        Ok(())
    })
}

impl Remote for Tables {
    fn events(&mut self) -> Box<dyn Iterator<Item = SourceEvent> + Send + '_> {
        let n = self.0;
        Box::new(
            [("customers", None), ("orders", None), ("broken", Some(10))]
                .into_iter()
                .map(move |(t, fail)| {
                    SourceEvent::Haystack(Haystack::Table {
                        name: format!("rows://db#public.{t}"),
                        rows: rows(t, n, fail),
                    })
                }),
        )
    }
}

/// What a table's input ended with: its digest and version.
type Done = (Option<(String, u64)>, Option<String>);

#[derive(Default)]
struct Seen {
    /// email value -> (path, location)
    emails: BTreeMap<String, (String, Option<Location>)>,
    rows: BTreeMap<String, Option<u64>>,
    /// name -> (digest, version)
    done: BTreeMap<String, Done>,
    problems: Vec<String>,
}

struct Recorder<'a>(&'a Mutex<Seen>);

impl Visitor for Recorder<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        if f.kind == Kind::Email {
            let value = String::from_utf8_lossy(f.value).into_owned();
            let old = self
                .0
                .lock()
                .expect("seen")
                .emails
                .insert(value, (f.path.to_string(), f.location.cloned()));
            assert!(old.is_none(), "found twice");
        }
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        let mut seen = self.0.lock().expect("seen");
        seen.rows.insert(done.name.to_string(), done.rows);
        seen.done.insert(
            done.name.to_string(),
            (done.digest.clone(), done.version.map(str::to_string)),
        );
    }

    fn problem(&mut self, p: Problem<'_>) {
        let text = match p {
            Problem::Member(e) => e.to_string(),
            other => format!("{other:?}"),
        };
        self.0.lock().expect("seen").problems.push(text);
    }

    fn aborted(&mut self, name: &str, e: io::Error) {
        panic!("aborted {name}: {e}");
    }
}

fn run(arg: &str, threads: usize) -> Seen {
    run_with(arg, threads, false)
}

fn run_with(arg: &str, threads: usize, digest: bool) -> Seen {
    let seen = Mutex::new(Seen::default());
    let opts = Options {
        digest,
        walk: WalkOptions {
            threads,
            resolvers: Resolvers(vec![Arc::new(Db)]),
            ..WalkOptions::default()
        },
        ..Options::default()
    };
    Pipeline::new(opts).run(&[PathBuf::from(arg)], || Recorder(&seen));
    seen.into_inner().expect("seen")
}

#[test]
fn rows_are_scanned_and_located_by_table_column_row_and_key() {
    const N: u64 = 3000;
    for threads in [1, 3] {
        let seen = run(&format!("rows://{N}"), threads);
        for table in ["customers", "orders"] {
            let path = format!("rows://db#public.{table}");
            for i in 1..=N {
                let got = seen.emails.get(&email(table, i));
                if i % 3 == 0 {
                    assert_eq!(got, None, "row {i} is NULL");
                    continue;
                }
                let want = Location::Table {
                    table: Some(format!("public.{table}").into()),
                    column: "email".into(),
                    row: i,
                    key: Some(format!("id={i}").into()),
                };
                assert_eq!(got, Some(&(path.clone(), Some(want))), "{threads} threads");
            }
            assert_eq!(seen.rows.get(&path), Some(&Some(N)));
        }
        // The broken table: its first 10 rows scanned, then one error.
        let broken: Vec<_> = seen
            .emails
            .keys()
            .filter(|e| e.starts_with("broken."))
            .collect();
        assert_eq!(broken.len(), 7, "rows 1-10 less every third: {broken:?}");
        assert_eq!(
            seen.problems,
            ["rows://db#public.broken: read error: connection reset by peer"]
        );
        assert_eq!(seen.rows.get("rows://db#public.broken"), Some(&Some(10)));
    }
}

#[test]
fn with_digest_a_table_is_hashed_as_the_text_scanned() {
    let seen = run("rows://500", 2);
    for (digest, version) in seen.done.values() {
        assert_eq!(digest, &None, "no digest unless asked");
        assert!(version.is_some());
    }
    let a = run_with("rows://500", 2, true);
    let b = run_with("rows://500", 1, true);
    let c = run_with("rows://501", 2, true);
    let customers = "rows://db#public.customers";
    let (sum, version) = &a.done[customers];
    let (hex, len) = sum.clone().expect("hashed");
    assert_eq!(hex.len(), 64);
    // The header and 500 rows as CSV: far more than 500 bytes.
    assert!(len > 500 * 40, "{len}");
    assert_eq!(version.as_deref(), Some("500 rows"));
    assert_eq!(b.done[customers], a.done[customers], "same rows, same hash");
    assert_ne!(a.done["rows://db#public.orders"].0, a.done[customers].0);
    assert_ne!(c.done[customers].0, a.done[customers].0, "one more row");
    assert_eq!(
        a.done["rows://db#public.broken"].1.as_deref(),
        Some("10 rows"),
        "a table that failed: the rows read before"
    );
}
