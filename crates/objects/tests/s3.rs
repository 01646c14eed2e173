//! The object-store source against a real S3 server (s3s-fs, started by
//! `scripts/s3.sh`), through a proxy that counts requests and breaks
//! some: a bucket scans like its local copy, listings page, faults are
//! retried or reported per object, a refused source is one error, and an
//! unchanged object is never fetched again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bw_objects::{Journal, Listed, ObjectResolver, Options, Previous, Retry, Stamp};
use bw_scan::{
    Found, InputDone, Pipeline, Problem, Remote, Resolver, Resolvers, SourceError, Visitor,
    WalkOptions,
};
use bw_testkit::s3::{s3_server, Fault, Proxy, S3Server};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{ObjectStoreExt, PutPayload};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A direct client (no proxy) for setting up and changing the bucket.
fn admin(server: &S3Server, bucket: &str) -> AmazonS3 {
    // The HTTP client is built without a TLS provider (see Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    AmazonS3Builder::new()
        .with_endpoint(&server.endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id(&server.access_key)
        .with_secret_access_key(&server.secret_key)
        .with_bucket_name(bucket)
        .build()
        .expect("admin client")
}

/// A prefix of this test's own in the shared bucket.
fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{test}-{}-{nanos}", std::process::id())
}

fn put_all(server: &S3Server, objects: &[(String, Vec<u8>)]) {
    let store = Arc::new(admin(server, &server.bucket));
    runtime().block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for chunk in objects.chunks(objects.len().div_ceil(16).max(1)) {
            let store = store.clone();
            let chunk = chunk.to_vec();
            tasks.spawn(async move {
                for (key, body) in chunk {
                    store
                        .put(
                            &object_store::path::Path::from(key.as_str()),
                            PutPayload::from(body),
                        )
                        .await
                        .expect("put");
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("upload task");
        }
    });
}

fn options(server: &S3Server, endpoint: &str, secret: &str) -> Options {
    Options {
        endpoint: Some(endpoint.to_string()),
        region: Some("us-east-1".into()),
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), server.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), secret.to_string()),
        ],
        retry: Retry {
            first_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(100),
            ..Retry::default()
        },
        ..Options::default()
    }
}

/// What a scan saw, with names relative to the root that was scanned.
#[derive(Debug, Default)]
struct Seen {
    findings: BTreeSet<(String, u64, u64, String, String)>,
    versions: BTreeMap<String, Option<String>>,
    problems: Vec<String>,
    finished: Vec<Listed>,
}

struct Rec<'a> {
    seen: &'a Mutex<Seen>,
    root: &'a str,
    journal: Option<&'a Journal>,
}

impl Rec<'_> {
    fn rel(&self, name: &str) -> String {
        name.strip_prefix(self.root).unwrap_or(name).to_string()
    }
}

impl Visitor for Rec<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        let at = (
            self.rel(f.path),
            f.start,
            f.end,
            f.kind.to_string(),
            format!("{:?}", f.location),
        );
        self.seen.lock().expect("seen").findings.insert(at);
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        let mut seen = self.seen.lock().expect("seen");
        seen.versions
            .insert(self.rel(done.name), done.version.map(str::to_string));
        if let Some(l) = self.journal.and_then(|j| j.finish(done.name)) {
            seen.finished.push(l);
        }
    }

    fn problem(&mut self, p: Problem<'_>) {
        let text = match p {
            Problem::Source(e) => e.to_string(),
            Problem::Member(e) => e.to_string(),
            other => format!("{other:?}"),
        };
        self.seen.lock().expect("seen").problems.push(text);
    }

    fn aborted(&mut self, name: &str, e: io::Error) {
        panic!("{name}: aborted: {e}");
    }
}

fn scan(
    arg: &str,
    root: &str,
    resolver: Option<Arc<dyn Resolver>>,
    journal: Option<&Journal>,
) -> Seen {
    let seen = Mutex::new(Seen::default());
    let opts = bw_scan::Options {
        min_score: 0.0,
        walk: WalkOptions {
            threads: 3,
            resolvers: Resolvers(resolver.into_iter().collect()),
            ..WalkOptions::default()
        },
        ..bw_scan::Options::default()
    };
    Pipeline::new(opts).run(&[PathBuf::from(arg)], || Rec {
        seen: &seen,
        root,
        journal,
    });
    seen.into_inner().expect("seen")
}

fn docs_python() -> Option<PathBuf> {
    match std::env::var_os("BW_DOCS_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("BW_REQUIRE_DOCS").is_some() => {
            panic!("BW_REQUIRE_DOCS is set but BW_DOCS_PYTHON is not")
        }
        None => {
            eprintln!("skipped: BW_DOCS_PYTHON not set (bash scripts/docs_python.sh)");
            None
        }
    }
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under dir");
                let rel = rel.to_str().expect("utf-8 names").to_string();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out
}

#[test]
fn a_bucket_scans_like_its_local_copy() {
    let (Some(server), Some(python)) = (s3_server(), docs_python()) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let local = dir.path().join("leak");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/write_bucket.py");
    bw_testkit::run(
        std::process::Command::new(python).arg(script).arg(&local),
        None,
    );
    let prefix = prefix("like-local");
    let files = files_under(&local);
    let objects: Vec<_> = files
        .iter()
        .map(|(k, b)| (format!("{prefix}/{k}"), b.clone()))
        .collect();
    put_all(&server, &objects);

    let local_root = format!("{}/", local.display());
    let from_disk = scan(local.to_str().expect("utf-8"), &local_root, None, None);
    let url = format!("s3://{}/{prefix}", server.bucket);
    let resolver = Arc::new(ObjectResolver::new(options(
        &server,
        &server.endpoint,
        &server.secret_key,
    )));
    let from_s3 = scan(&url, &format!("{url}/"), Some(resolver), None);

    assert_eq!(from_s3.problems, Vec::<String>::new());
    assert_eq!(from_disk.problems, Vec::<String>::new());
    assert_eq!(from_s3.findings, from_disk.findings);
    let members: BTreeSet<&str> = from_s3.findings.iter().map(|f| f.0.as_str()).collect();
    for member in [
        "exports/customers.csv",
        "exports/customers-2026.xlsx!Customers",
        "logs/app-2026-03-01.log.gz!app-2026-03-01.log",
        "backups/crm-export.zip!crm/customers.xlsx!Customers",
        "backups/crm-export.zip!crm/README.txt",
        "mail/fw-customer-list.eml",
    ] {
        assert!(members.contains(member), "{member} not in {members:?}");
    }
    assert!(
        members
            .iter()
            .any(|m| m.starts_with("mail/fw-customer-list.eml!")),
        "the mail's attachment: {members:?}"
    );
    // Each object's version is the ETag its listing gave.
    let store = admin(&server, &server.bucket);
    let rt = runtime();
    for (key, _) in &files {
        let path = object_store::path::Path::from(format!("{prefix}/{key}"));
        let meta = rt.block_on(store.head(&path)).expect("head");
        assert_eq!(from_s3.versions.get(key), Some(&meta.e_tag), "{key}");
        assert_eq!(from_disk.versions.get(key), Some(&None), "{key}");
    }
}

fn leak_lines(n: usize, tag: &str) -> Vec<u8> {
    (0..n)
        .map(|i| format!("row {i}: contact {tag}{i}.lee@shop-mail.example\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn a_listing_longer_than_a_page_is_read_to_its_end() {
    let Some(server) = s3_server() else { return };
    let prefix = prefix("pages");
    // S3 lists at most 1000 keys per page.
    let objects: Vec<_> = (0..1050)
        .map(|i| {
            (
                format!("{prefix}/part-{i:05}.txt"),
                leak_lines(1, &format!("p{i}x")),
            )
        })
        .collect();
    put_all(&server, &objects);
    let proxy = Proxy::start(&server.endpoint);
    let resolver = Arc::new(ObjectResolver::new(options(
        &server,
        &proxy.endpoint,
        &server.secret_key,
    )));
    let url = format!("s3://{}/{prefix}", server.bucket);
    let seen = scan(&url, &format!("{url}/"), Some(resolver), None);
    assert_eq!(seen.problems, Vec::<String>::new());
    assert_eq!(seen.versions.len(), 1050);
    assert_eq!(seen.findings.len(), 1050);
    let lists = proxy
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.target.contains("list-type=2"))
        .count();
    assert_eq!(lists, 2, "two listing pages");
    assert_eq!(proxy.object_gets(), 1050, "one GET per object");
}

/// Opens the source, then deletes one of its objects before anything
/// is read: the listing still holds it.
#[derive(Debug)]
struct DeleteAfterListing {
    inner: ObjectResolver,
    store: AmazonS3,
    key: String,
}

impl Resolver for DeleteAfterListing {
    fn resolve(&self, arg: &str) -> Option<Result<Box<dyn Remote>, SourceError>> {
        let remote = self.inner.resolve(arg);
        let path = object_store::path::Path::from(self.key.as_str());
        runtime()
            .block_on(self.store.delete(&path))
            .expect("delete");
        remote
    }
}

#[test]
fn an_object_deleted_after_listing_is_one_error_and_the_rest_is_scanned() {
    let Some(server) = s3_server() else { return };
    let prefix = prefix("deleted");
    let objects: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|n| (format!("{prefix}/{n}.txt"), leak_lines(3, n)))
        .collect();
    put_all(&server, &objects);
    let url = format!("s3://{}/{prefix}", server.bucket);
    let resolver = Arc::new(DeleteAfterListing {
        inner: ObjectResolver::new(options(&server, &server.endpoint, &server.secret_key)),
        store: admin(&server, &server.bucket),
        key: format!("{prefix}/b.txt"),
    });
    let seen = scan(&url, &format!("{url}/"), Some(resolver), None);
    assert_eq!(
        seen.problems,
        [format!(
            "{url}/b.txt: the object is gone (deleted after it was listed)"
        )]
    );
    let members: BTreeSet<&str> = seen.findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(members, BTreeSet::from(["a.txt", "c.txt"]));
}

#[test]
fn throttling_and_dropped_connections_are_retried() {
    let Some(server) = s3_server() else { return };
    let prefix = prefix("faults");
    let objects = vec![
        (format!("{prefix}/slow.txt"), leak_lines(50, "slow")),
        // Large enough that the cut falls well inside the body.
        (format!("{prefix}/cut.txt"), leak_lines(5000, "cut")),
        (format!("{prefix}/calm.txt"), leak_lines(50, "calm")),
    ];
    put_all(&server, &objects);
    let url = format!("s3://{}/{prefix}", server.bucket);
    let clean = {
        let resolver = ObjectResolver::new(options(&server, &server.endpoint, &server.secret_key));
        scan(&url, &format!("{url}/"), Some(Arc::new(resolver)), None)
    };
    let proxy = Proxy::start(&server.endpoint);
    proxy.fault("/slow.txt", Fault::SlowDown);
    proxy.fault("/slow.txt", Fault::SlowDown);
    proxy.fault("/cut.txt", Fault::DropAfter(100_000));
    let resolver = ObjectResolver::new(options(&server, &proxy.endpoint, &server.secret_key));
    let seen = scan(&url, &format!("{url}/"), Some(Arc::new(resolver)), None);
    assert_eq!(seen.problems, Vec::<String>::new());
    assert_eq!(seen.findings.len(), 5100);
    assert_eq!(seen.findings, clean.findings);
    let gets = |key: &str| {
        proxy
            .seen()
            .iter()
            .filter(|s| s.is_object_get() && s.target.contains(key))
            .count()
    };
    assert_eq!(gets("/slow.txt"), 3, "two 503s, then the object");
    assert_eq!(gets("/cut.txt"), 2, "the cut body resumed once");
    assert_eq!(gets("/calm.txt"), 1);
}

#[test]
fn refused_credentials_and_a_missing_bucket_are_one_error_each() {
    let Some(server) = s3_server() else { return };
    let prefix = prefix("refused");
    let objects: Vec<_> = (0..5)
        .map(|i| (format!("{prefix}/{i}.txt"), leak_lines(1, "r")))
        .collect();
    put_all(&server, &objects);
    let proxy = Proxy::start(&server.endpoint);

    let url = format!("s3://{}/{prefix}", server.bucket);
    let wrong = ObjectResolver::new(options(&server, &proxy.endpoint, "not-the-secret"));
    let seen = scan(&url, "", Some(Arc::new(wrong)), None);
    assert_eq!(seen.problems.len(), 1, "{:?}", seen.problems);
    assert!(
        seen.problems[0].starts_with(&format!("{url}: access denied: check the credentials")),
        "{}",
        seen.problems[0]
    );
    assert_eq!(proxy.seen().len(), 1, "one listing request, no GET");
    assert!(seen.findings.is_empty());

    proxy.clear();
    let missing = format!("s3://no-such-bucket-{prefix}/x");
    let resolver = ObjectResolver::new(options(&server, &proxy.endpoint, &server.secret_key));
    let seen = scan(&missing, "", Some(Arc::new(resolver)), None);
    assert_eq!(seen.problems.len(), 1, "{:?}", seen.problems);
    assert!(
        seen.problems[0].starts_with(&format!("{missing}: no such bucket (no-such-bucket-")),
        "{}",
        seen.problems[0]
    );
    assert_eq!(proxy.seen().len(), 1);
}

#[derive(Debug)]
struct Stamps(HashMap<String, Stamp>);

impl Previous for Stamps {
    fn stamps(&self, _source: &str) -> Result<HashMap<String, Stamp>, String> {
        Ok(self.0.clone())
    }
}

#[test]
fn an_unchanged_object_is_not_fetched_again() {
    let Some(server) = s3_server() else { return };
    let prefix = prefix("unchanged");
    let objects: Vec<_> = (0..6)
        .map(|i| {
            (
                format!("{prefix}/{i}.txt"),
                leak_lines(2, &format!("u{i}x")),
            )
        })
        .collect();
    put_all(&server, &objects);
    let proxy = Proxy::start(&server.endpoint);
    let url = format!("s3://{}/{prefix}", server.bucket);
    let run = |previous: Option<Arc<dyn Previous>>| {
        let journal = Journal::new();
        let opts = Options {
            previous,
            ..options(&server, &proxy.endpoint, &server.secret_key)
        };
        let journal = Arc::new(journal);
        let resolver = ObjectResolver::new(Options {
            journal: Some(journal.clone()),
            ..opts
        });
        let seen = scan(
            &url,
            &format!("{url}/"),
            Some(Arc::new(resolver)),
            Some(&journal),
        );
        (seen, journal.unchanged())
    };
    let (first, unchanged) = run(None);
    assert_eq!((first.finished.len(), unchanged), (6, 0));
    assert_eq!(proxy.object_gets(), 6);
    let stamps: HashMap<String, Stamp> = first
        .finished
        .iter()
        .map(|l| (l.url.clone(), l.stamp.clone()))
        .collect();

    proxy.clear();
    let (again, unchanged) = run(Some(Arc::new(Stamps(stamps.clone()))));
    assert_eq!(unchanged, 6);
    assert_eq!(
        proxy.object_gets(),
        0,
        "nothing fetched: {:?}",
        proxy.seen()
    );
    assert!(again.findings.is_empty());

    // One object rewritten: only it is read.
    put_all(
        &server,
        &[(format!("{prefix}/3.txt"), leak_lines(4, "new"))],
    );
    proxy.clear();
    let (third, unchanged) = run(Some(Arc::new(Stamps(stamps))));
    assert_eq!(unchanged, 5);
    assert_eq!(proxy.object_gets(), 1);
    assert_eq!(third.findings.len(), 4);
    assert_eq!(third.finished.len(), 1);
    assert_eq!(third.finished[0].url, format!("{url}/3.txt"));
}
