//! An mbox written by Python's `mailbox` module through the pipeline: one
//! member per message, findings at their place in the file, and records
//! that never run from one message into the next.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use bw_detect::Kind;
use bw_scan::{Found, Item, Options, Pipeline, Problem, RecordOptions, Visitor, WalkOptions};

/// Message 1's body ends with a name, far from the addresses of its
/// headers; message 2's separator line, right after it, carries an email
/// (its envelope sender).
const MBOX: &str = r#"
import mailbox
from email.message import EmailMessage

one = EmailMessage()
one["From"] = "contractor@vendor.example"
one["To"] = "ops@shop.example"
one["Subject"] = "order 1182"
one.set_content("The parcel went to the old address. " * 8 + "\n\nRegards,\nMarisol Quenby\n", cte="7bit")
two = EmailMessage()
two["From"] = "billing@vendor.example"
two["To"] = "ops@shop.example"
two["Subject"] = "refund"
two.set_content("Refund approved.\n", cte="7bit")
two = mailbox.mboxMessage(two)
two.set_from("tobiah.lee@example.org", True)
box = mailbox.mbox("box.mbox")
box.add(one)
box.add(two)
box.close()
"#;

#[derive(Default)]
struct Seen {
    /// (path, start, end, line, kind, value)
    findings: Vec<(String, u64, u64, u64, Kind, String)>,
    /// (member, [(kind, value)])
    records: Vec<(String, Vec<(Kind, String)>)>,
    problems: Vec<String>,
}

struct Recorder<'a>(&'a Mutex<Seen>);

impl Visitor for Recorder<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        let value = String::from_utf8_lossy(f.value).into_owned();
        let mut seen = self.0.lock().expect("seen");
        seen.findings
            .push((f.path.to_string(), f.start, f.end, f.line, f.kind, value));
        Ok(())
    }

    fn record(&mut self, member: &str, items: &mut Vec<Item>) {
        let items = items.iter().map(|i| (i.kind, i.value.clone())).collect();
        let mut seen = self.0.lock().expect("seen");
        seen.records.push((member.to_string(), items));
    }

    fn problem(&mut self, p: Problem<'_>) {
        self.0.lock().expect("seen").problems.push(format!("{p:?}"));
    }

    fn aborted(&mut self, name: &str, e: io::Error) {
        let mut seen = self.0.lock().expect("seen");
        seen.problems.push(format!("aborted {name}: {e}"));
    }
}

fn scan(path: PathBuf) -> Seen {
    let opts = Options {
        walk: WalkOptions {
            threads: 1,
            ..WalkOptions::default()
        },
        records: Some(RecordOptions::default()),
        ..Options::default()
    };
    let seen = Mutex::new(Seen::default());
    Pipeline::new(opts).run(&[path], || Recorder(&seen));
    let seen = seen.into_inner().expect("seen");
    assert!(seen.problems.is_empty(), "{:?}", seen.problems);
    seen
}

/// The Python of `scripts/docs_python.sh` when the test script set it;
/// the stdlib's `mailbox` is all this needs, so any python3.
fn write_mbox(dir: &Path) -> PathBuf {
    let python = std::env::var_os("BW_DOCS_PYTHON").unwrap_or_else(|| "python3".into());
    let out = Command::new(python)
        .current_dir(dir)
        .arg("-c")
        .arg(MBOX)
        .output()
        .expect("start python3");
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("box.mbox")
}

/// The record holding `value`: its member and values.
fn record_of<'a>(seen: &'a Seen, value: &str) -> (&'a str, Vec<&'a str>) {
    let (member, items) = seen
        .records
        .iter()
        .find(|(_, items)| items.iter().any(|(_, v)| v == value))
        .unwrap_or_else(|| panic!("no record holds {value}: {:?}", seen.records));
    (member, items.iter().map(|(_, v)| v.as_str()).collect())
}

#[test]
fn a_record_never_runs_from_one_message_into_the_next() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_mbox(dir.path());
    let raw = std::fs::read(&path).expect("read");
    let text = String::from_utf8(raw.clone()).expect("utf-8");
    // The name ends message 1; message 2's separator follows at once.
    assert!(
        text.contains("Marisol Quenby\n\nFrom tobiah.lee@example.org "),
        "{text}"
    );

    let seen = scan(path.clone());
    let name = record_of(&seen, "Marisol Quenby");
    let email = record_of(&seen, "tobiah.lee@example.org");
    assert!(name.0.ends_with("box.mbox!1"), "{name:?}");
    assert_eq!(name.1, ["Marisol Quenby"]);
    assert!(email.0.ends_with("box.mbox!2"), "{email:?}");
    assert!(!email.1.contains(&"Marisol Quenby"), "{email:?}");
    // Every record is in a message.
    assert!(seen.records.iter().all(|(m, _)| m.contains("box.mbox!")));

    // Findings in either message are at their place in the file: offsets
    // slice the value out of the raw bytes, lines are the file's.
    for value in ["Marisol Quenby", "tobiah.lee@example.org"] {
        let (path, start, end, line, _, _) =
            seen.findings.iter().find(|f| f.5 == value).expect("found");
        let (start, end) = (*start as usize, *end as usize);
        assert_eq!(&raw[start..end], value.as_bytes(), "{path}");
        let file_line = raw[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        assert_eq!(*line, file_line, "{path}");
    }

    // The same bytes not read as an mbox (a line before the first
    // separator): one member, where the gap rule joins the two.
    let plain = dir.path().join("box.txt");
    std::fs::write(&plain, format!("saved inbox\n{text}")).expect("write");
    let seen = scan(plain);
    let joined = record_of(&seen, "Marisol Quenby");
    assert!(joined.0.ends_with("box.txt"), "{joined:?}");
    assert_eq!(joined.1, ["Marisol Quenby", "tobiah.lee@example.org"]);
}
