//! `breachwatch scan|scope|incident add-evidence s3://…` against a real
//! S3 server (s3s-fs from `scripts/s3.sh`): a bucket reports what its
//! local copy reports, `--since-last` fetches only new or changed objects
//! (GETs counted at a proxy in front of the server), evidence keeps the
//! object's URL and ETag, and refused credentials are one clear error.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use bw_testkit::s3::{s3_server, Proxy, S3Server};
use common::{Run, Scratch};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{ObjectStoreExt, PutPayload};
use serde_json::Value;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn admin(server: &S3Server) -> AmazonS3 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    AmazonS3Builder::new()
        .with_endpoint(&server.endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id(&server.access_key)
        .with_secret_access_key(&server.secret_key)
        .with_bucket_name(&server.bucket)
        .build()
        .expect("admin client")
}

fn put(server: &S3Server, objects: &[(String, Vec<u8>)]) {
    let store = Arc::new(admin(server));
    runtime().block_on(async {
        for (key, body) in objects {
            let path = object_store::path::Path::from(key.as_str());
            store
                .put(&path, PutPayload::from(body.clone()))
                .await
                .expect("put");
        }
    });
}

/// A prefix of this test's own in the shared bucket.
fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("cli-{test}-{}-{nanos}", std::process::id())
}

/// `breachwatch ARGS` with the server's key in the environment (as a
/// user's shell would have it) and no AWS profile of the machine's.
fn run(s: &Scratch, server: &S3Server, args: &[&str]) -> Run {
    let mut cmd: Command = s.cmd(args);
    cmd.env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_SHARED_CREDENTIALS_FILE", s.path("no-aws-credentials"))
        .env("AWS_CONFIG_FILE", s.path("no-aws-config"));
    Run::from(cmd.output().expect("run breachwatch"))
}

fn docs_python() -> Option<std::path::PathBuf> {
    match std::env::var_os("BW_DOCS_PYTHON") {
        Some(p) => Some(p.into()),
        None if std::env::var_os("BW_REQUIRE_DOCS").is_some() => {
            panic!("BW_REQUIRE_DOCS is set but BW_DOCS_PYTHON is not")
        }
        None => {
            eprintln!("skipped: BW_DOCS_PYTHON not set (bash scripts/docs_python.sh)");
            None
        }
    }
}

/// The leak of `crates/objects/tests/fixtures/write_bucket.py` in
/// `leak/` (and its people as `registry.csv`), uploaded under `prefix`.
fn leak(s: &Scratch, server: &S3Server, python: &Path, prefix: &str) {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../objects/tests/fixtures/write_bucket.py");
    bw_testkit::run(
        Command::new(python)
            .arg(script)
            .arg(s.path("leak"))
            .arg(s.path("registry.csv")),
        None,
    );
    let mut objects = Vec::new();
    let mut todo = vec![s.path("leak")];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                todo.push(p);
                continue;
            }
            let rel = p.strip_prefix(s.path("leak")).expect("under leak");
            let key = format!("{prefix}/{}", rel.to_str().expect("utf-8"));
            objects.push((key, std::fs::read(&p).expect("read")));
        }
    }
    put(server, &objects);
}

/// JSON lines with each `path` (and evidence path) made relative to `root`.
fn relative(lines: Vec<Value>, root: &str) -> Vec<String> {
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|l| l.to_string().replace(root, ""))
        .collect();
    out.sort();
    out
}

#[test]
fn scan_and_scope_of_a_bucket_report_what_its_local_copy_reports() {
    let (Some(server), Some(python)) = (s3_server(), docs_python()) else {
        return;
    };
    let s = Scratch::new();
    let prefix = prefix("like-local");
    leak(&s, &server, &python, &prefix);
    let url = format!("s3://{}/{prefix}", server.bucket);
    let endpoint = ["--endpoint", server.endpoint.as_str()];

    let local = run(&s, &server, &["scan", "leak", "--format", "jsonl", "-q"]);
    assert_eq!(local.code, 1, "{}", local.stderr);
    let mut args = vec!["scan", url.as_str(), "--format", "jsonl", "-q"];
    args.extend(endpoint);
    let remote = run(&s, &server, &args);
    assert_eq!(remote.code, 1, "{}", remote.stderr);
    let want = relative(local.jsonl(), "leak/");
    assert!(want.len() > 20, "{want:?}");
    assert_eq!(relative(remote.jsonl(), &format!("{url}/")), want);

    assert_eq!(run(&s, &server, &["registry", "init"]).code, 0);
    let r = run(&s, &server, &["registry", "import", "registry.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every evidence span listed: which 8 of more come first depends on
    // the order threads met them.
    let all = ["--max-evidence", "1000"];
    let mut args = vec!["scope", "leak", "--format", "jsonl"];
    args.extend(all);
    let local = run(&s, &server, &args);
    assert_eq!(local.code, 1, "{}", local.stderr);
    let mut args = vec!["scope", url.as_str(), "--format", "jsonl"];
    args.extend(endpoint);
    args.extend(all);
    let remote = run(&s, &server, &args);
    assert_eq!(remote.code, 1, "{}", remote.stderr);
    let affected = |r: &Run| {
        r.jsonl()
            .into_iter()
            .filter(|l| l.get("customer_id").is_some())
            .count()
    };
    assert_eq!(affected(&remote), 8, "every customer in the leak");
    // Evidence is listed in the order threads met it (sorted here); the
    // files section differs only in the objects' versions.
    let normal = |lines: Vec<Value>, remote: bool| {
        lines
            .into_iter()
            .map(|mut l| {
                if let Some(ev) = l.get_mut("evidence").and_then(Value::as_array_mut) {
                    ev.sort_by_key(|e| e.to_string());
                }
                let files = l
                    .pointer_mut("/summary/files")
                    .and_then(Value::as_array_mut);
                for f in files.into_iter().flatten() {
                    let version = f.as_object_mut().and_then(|f| f.remove("version"));
                    assert_eq!(version.is_some(), remote, "{f}");
                }
                l
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        relative(normal(remote.jsonl(), true), &format!("{url}/")),
        relative(normal(local.jsonl(), false), "leak/")
    );
}

fn leak_lines(n: usize, tag: &str) -> Vec<u8> {
    (0..n)
        .map(|i| format!("row {i}: contact {tag}{i}.lee@shop-mail.example\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn since_last_fetches_only_new_or_changed_objects() {
    let Some(server) = s3_server() else { return };
    let s = Scratch::new();
    let prefix = prefix("since-last");
    let objects: Vec<_> = (0..8)
        .map(|i| {
            (
                format!("{prefix}/part-{i}.csv"),
                leak_lines(3, &format!("p{i}x")),
            )
        })
        .collect();
    put(&server, &objects);
    let proxy = Proxy::start(&server.endpoint);
    let url = format!("s3://{}/{prefix}", server.bucket);
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            url.as_str(),
            "--format",
            "jsonl",
            "--endpoint",
            proxy.endpoint.as_str(),
        ];
        args.extend_from_slice(extra);
        proxy.clear();
        let r = run(&s, &server, &args);
        (r, proxy.object_gets())
    };

    let (first, gets) = scan(&["--since-last"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert_eq!((first.jsonl().len(), gets), (24, 8));

    // Nothing changed: nothing fetched, nothing found, and said so.
    let (again, gets) = scan(&["--since-last"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!((again.jsonl().len(), gets), (0, 0), "{:?}", proxy.seen());
    assert!(
        again
            .stderr
            .contains("8 objects unchanged since the last scan were not read"),
        "{}",
        again.stderr
    );

    // One rewritten, one new: those two only.
    put(
        &server,
        &[
            (format!("{prefix}/part-3.csv"), leak_lines(5, "changed")),
            (format!("{prefix}/part-9.csv"), leak_lines(2, "new")),
        ],
    );
    let (third, gets) = scan(&["--since-last"]);
    assert_eq!(third.code, 1, "{}", third.stderr);
    assert_eq!((third.jsonl().len(), gets), (7, 2));
    let paths: std::collections::BTreeSet<String> = third
        .jsonl()
        .iter()
        .map(|l| l["path"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        paths,
        [format!("{url}/part-3.csv"), format!("{url}/part-9.csv")].into()
    );

    // Other settings are another scan: everything is read again.
    let (emails_only, gets) = scan(&["--since-last", "--kinds", "email"]);
    assert_eq!((emails_only.jsonl().len(), gets), (28, 9));
    // A plain scan reads everything, whatever was recorded.
    let (plain, gets) = scan(&[]);
    assert_eq!((plain.jsonl().len(), gets), (28, 9));
}

#[test]
fn evidence_from_a_bucket_records_the_object_url_and_etag() {
    let Some(server) = s3_server() else { return };
    let s = Scratch::new();
    let prefix = prefix("evidence");
    let body = leak_lines(4, "ev");
    put(&server, &[(format!("{prefix}/orders.csv"), body.clone())]);
    let url = format!("s3://{}/{prefix}/orders.csv", server.bucket);
    let r = run(
        &s,
        &server,
        &[
            "incident",
            "open",
            "--title",
            "public bucket",
            "--discovered-at",
            "2026-05-04T09:00:00Z",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    let etag = runtime()
        .block_on(admin(&server).head(&object_store::path::Path::from(format!(
            "{prefix}/orders.csv"
        ))))
        .expect("head")
        .e_tag
        .expect("an ETag");

    let add = [
        "incident",
        "add-evidence",
        &id,
        &url,
        "--endpoint",
        &server.endpoint,
    ];
    let r = run(&s, &server, &add);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("{url} version {etag}")),
        "{}",
        r.stdout
    );
    let shown = run(&s, &server, &["incident", "show", &id, "--format", "json"]);
    let shown: Value = serde_json::from_str(&shown.stdout).expect("json");
    let ev = &shown["evidence"][0];
    assert_eq!(ev["source"], url.as_str());
    assert_eq!(ev["version"], etag.as_str());
    assert_eq!(ev["size_bytes"], body.len());
    assert_eq!(ev["finding_counts"]["email"], 4);
    use sha2::Digest;
    assert_eq!(ev["sha256"], format!("{:x}", sha2::Sha256::digest(&body)));

    // A prefix is not one piece of evidence.
    let dir = format!("s3://{}/{prefix}", server.bucket);
    put(
        &server,
        &[(format!("{prefix}/more.csv"), leak_lines(1, "m"))],
    );
    let r = run(
        &s,
        &server,
        &[
            "incident",
            "add-evidence",
            &id,
            &dir,
            "--endpoint",
            &server.endpoint,
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("names 2 objects"), "{}", r.stderr);
}

#[test]
fn refused_credentials_are_one_clear_error() {
    let Some(server) = s3_server() else { return };
    let s = Scratch::new();
    let prefix = prefix("refused");
    let objects: Vec<_> = (0..4)
        .map(|i| (format!("{prefix}/{i}.csv"), leak_lines(1, "r")))
        .collect();
    put(&server, &objects);
    let url = format!("s3://{}/{prefix}", server.bucket);
    let mut cmd = s.cmd(&["scan", &url, "--endpoint", &server.endpoint]);
    cmd.env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", "not-the-secret")
        .env("AWS_SHARED_CREDENTIALS_FILE", s.path("none"))
        .env("AWS_CONFIG_FILE", s.path("none"));
    let r = Run::from(cmd.output().expect("run"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("breachwatch: ") && !l.contains("warning"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].starts_with(&format!(
            "breachwatch: {url}: access denied: check the credentials"
        )),
        "{}",
        errors[0]
    );
    assert!(!r.stderr.contains("not-the-secret"), "{}", r.stderr);

    // The same key from an AWS profile file works.
    s.write(
        "aws/credentials",
        format!(
            "[audit]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            server.access_key, server.secret_key
        )
        .as_bytes(),
    );
    let mut cmd = s.cmd(&["scan", &url, "--endpoint", &server.endpoint, "-q"]);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_PROFILE", "audit")
        .env("AWS_SHARED_CREDENTIALS_FILE", s.path("aws/credentials"))
        .env("AWS_CONFIG_FILE", s.path("none"));
    let r = Run::from(cmd.output().expect("run"));
    assert_eq!(r.code, 1, "{}", r.stderr);
}
