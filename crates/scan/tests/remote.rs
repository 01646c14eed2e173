//! Remote sources plug into the pipeline through a resolver: an argument
//! it claims becomes that source's haystacks, scanned by every thread like
//! local files; one it claims but cannot open is one error, and the rest
//! of the run goes on. The sources here are in-process (the contract under
//! test is the pipeline's; the object-store and database crates test
//! theirs against real servers).

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bw_detect::Kind;
use bw_scan::{
    Found, Haystack, InputDone, Options, Pipeline, Problem, Remote, Resolver, Resolvers,
    SourceError, SourceEvent, Visitor, WalkOptions,
};

/// `mem://N` is a source of N objects, each holding one email address.
#[derive(Debug)]
struct Mem;

impl Resolver for Mem {
    fn resolve(&self, arg: &str) -> Option<Result<Box<dyn Remote>, SourceError>> {
        let n = arg.strip_prefix("mem://")?;
        Some(match n.parse::<usize>() {
            Ok(n) => Ok(Box::new(Objects(n))),
            Err(_) => Err(SourceError::Remote {
                name: arg.to_string(),
                reason: "not a count".into(),
            }),
        })
    }
}

struct Objects(usize);

impl Remote for Objects {
    fn events(&mut self) -> Box<dyn Iterator<Item = SourceEvent> + Send + '_> {
        Box::new((0..self.0).map(|i| {
            if i == 3 {
                return SourceEvent::Error(SourceError::Remote {
                    name: format!("mem://object-{i}"),
                    reason: "deleted between list and get".into(),
                });
            }
            let body = format!("row {i}: contact user{i}.lee@shop-mail.example today\n");
            SourceEvent::Haystack(Haystack::Stream {
                name: format!("mem://object-{i}"),
                len: Some(body.len() as u64),
                reader: Box::new(io::Cursor::new(body.into_bytes())),
                version: Some(format!("etag-{i}")),
            })
        }))
    }
}

#[derive(Default)]
struct Seen {
    emails: BTreeMap<String, (u64, u64, String)>,
    versions: BTreeMap<String, Option<String>>,
    digests: usize,
    problems: Vec<String>,
}

struct Recorder<'a>(&'a Mutex<Seen>);

impl Visitor for Recorder<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        if f.kind == Kind::Email {
            let value = String::from_utf8_lossy(f.value).into_owned();
            let mut seen = self.0.lock().expect("seen");
            let old = seen
                .emails
                .insert(f.path.to_string(), (f.start, f.end, value));
            assert!(old.is_none(), "{} scanned twice", f.path);
        }
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        let mut seen = self.0.lock().expect("seen");
        seen.versions
            .insert(done.name.to_string(), done.version.map(str::to_string));
        seen.digests += usize::from(done.digest.is_some());
    }

    fn problem(&mut self, p: Problem<'_>) {
        let text = match p {
            Problem::Source(e) => e.to_string(),
            other => format!("{other:?}"),
        };
        self.0.lock().expect("seen").problems.push(text);
    }

    fn aborted(&mut self, name: &str, e: io::Error) {
        self.0
            .lock()
            .expect("seen")
            .problems
            .push(format!("aborted {name}: {e}"));
    }
}

fn run(args: &[&str], threads: usize) -> Seen {
    let seen = Mutex::new(Seen::default());
    let opts = Options {
        digest: true,
        walk: WalkOptions {
            threads,
            resolvers: Resolvers(vec![Arc::new(Mem)]),
            ..WalkOptions::default()
        },
        ..Options::default()
    };
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    Pipeline::new(opts).run(&paths, || Recorder(&seen));
    seen.into_inner().expect("seen")
}

#[test]
fn every_object_is_scanned_once_on_every_thread_count() {
    for threads in [1, 2, 4] {
        let seen = run(&["mem://40"], threads);
        assert_eq!(seen.emails.len(), 39, "{threads} threads");
        for (name, (start, end, value)) in &seen.emails {
            let i: usize = name["mem://object-".len()..].parse().expect("index");
            let body = format!("row {i}: contact user{i}.lee@shop-mail.example today\n");
            assert_eq!(&body[*start as usize..*end as usize], value);
            assert_eq!(
                seen.versions.get(name),
                Some(&Some(format!("etag-{i}"))),
                "{name}"
            );
        }
        assert_eq!(seen.digests, 39, "every object hashed as it streamed");
        assert_eq!(
            seen.problems,
            ["mem://object-3: deleted between list and get"],
            "{threads} threads"
        );
    }
}

#[test]
fn a_source_that_cannot_be_opened_is_one_error_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().expect("io");
    let local = dir.path().join("notes.txt");
    std::fs::write(&local, "mail ann.lee@shop-mail.example\n").expect("io");
    let local = local.to_str().expect("utf-8 temp path");
    let seen = run(&["mem://many", "mem://2", local], 2);
    assert_eq!(seen.problems, ["mem://many: not a count"]);
    assert_eq!(seen.emails.len(), 3, "{:?}", seen.emails.keys());
    assert_eq!(
        seen.versions.get(local),
        Some(&None),
        "a local file has no version"
    );
}

/// `fail://` is a source of two objects that fail: one before its first
/// byte (it could not be opened), one after a line with an address (and
/// more than the formats layer's 512-byte sniff).
#[derive(Debug)]
struct Failing;

const CUT: &[u8] = b"mail ann.lee@shop-mail.example\n\
    ......................................................................\n\
    ......................................................................\n\
    ......................................................................\n\
    ......................................................................\n\
    ......................................................................\n\
    ......................................................................\n\
    ......................................................................\n\
    ......................................................................\n";

struct FailAfter(Option<&'static [u8]>);

impl io::Read for FailAfter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(bytes) => {
                buf[..bytes.len()].copy_from_slice(bytes);
                Ok(bytes.len())
            }
            None => Err(io::Error::new(io::ErrorKind::NotFound, "gone")),
        }
    }
}

impl Resolver for Failing {
    fn resolve(&self, arg: &str) -> Option<Result<Box<dyn Remote>, SourceError>> {
        arg.strip_prefix("fail://")?;
        Some(Ok(Box::new(FailingObjects)))
    }
}

struct FailingObjects;

impl Remote for FailingObjects {
    fn events(&mut self) -> Box<dyn Iterator<Item = SourceEvent> + Send + '_> {
        let stream = |name: &str, first: Option<&'static [u8]>| {
            SourceEvent::Haystack(Haystack::Stream {
                name: name.to_string(),
                reader: Box::new(FailAfter(first)),
                len: None,
                version: None,
            })
        };
        Box::new(
            [
                stream("fail://deleted", None),
                stream("fail://cut", Some(CUT)),
            ]
            .into_iter(),
        )
    }
}

#[test]
fn a_stream_that_gives_nothing_is_a_source_error_and_a_cut_one_a_member_error() {
    let seen = Mutex::new(Seen::default());
    let opts = Options {
        walk: WalkOptions {
            resolvers: Resolvers(vec![Arc::new(Failing)]),
            ..WalkOptions::default()
        },
        ..Options::default()
    };
    Pipeline::new(opts).run(&[PathBuf::from("fail://x")], || Recorder(&seen));
    let seen = seen.into_inner().expect("seen");
    let mut problems = seen.problems.clone();
    problems.sort();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[1], "fail://deleted: gone", "a source error");
    assert!(
        problems[0].starts_with("Member(MemberError { name: \"fail://cut\""),
        "{problems:?}"
    );
    assert_eq!(seen.emails.len(), 1, "the cut stream's line was scanned");
    assert!(
        !seen.versions.contains_key("fail://deleted"),
        "never opened"
    );
}
