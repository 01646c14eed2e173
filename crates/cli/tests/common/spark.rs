//! The Spark cluster the Spark tests share (`scripts/spark.sh`: a master
//! and two workers on 127.0.0.1), the leak and lake they read, and how a
//! job is submitted and its summary read.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bw_testkit::SplitMix64;

use super::Scratch;

pub struct Cluster {
    pub master: String,
    pub python: PathBuf,
    pub home: PathBuf,
    pub workers: Vec<u32>,
}

pub fn cluster() -> Option<Cluster> {
    if std::env::var("BW_SPARK_MASTER").map_or(true, |m| m.is_empty()) {
        assert!(
            std::env::var("BW_REQUIRE_SPARK").as_deref() != Ok("1"),
            "BW_REQUIRE_SPARK=1 but BW_SPARK_MASTER is not set (bash scripts/spark.sh)"
        );
        eprintln!("skipped: BW_SPARK_MASTER not set (bash scripts/spark.sh)");
        return None;
    }
    // Asked again rather than read from the environment: the script
    // restarts a worker an earlier run killed, and tells its new pid.
    let o = Command::new("bash")
        .arg(repo().join("scripts/spark.sh"))
        .output()
        .expect("scripts/spark.sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let var = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("scripts/spark.sh printed no {k}: {text}"))
            .to_string()
    };
    Some(Cluster {
        master: var("BW_SPARK_MASTER"),
        python: var("BW_SPARK_PYTHON").into(),
        home: var("BW_SPARK_HOME").into(),
        workers: var("BW_SPARK_WORKER_PIDS")
            .split(',')
            .map(|p| p.trim().parse().expect("worker pid"))
            .collect(),
    })
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A leak of CSV exports and logs, some gzipped, in 24 files: dense enough
/// that each task's scan takes a while, with a person's data every few
/// lines among order chatter.
pub fn leak(dir: &Path) {
    let mut rng = SplitMix64::new(25);
    let words = [
        "order",
        "shipped",
        "after",
        "payment",
        "cleared",
        "warehouse",
        "stock",
        "refund",
        "delayed",
        "parcel",
        "courier",
        "invoice",
    ];
    for f in 0..24u64 {
        let mut text = String::from("id,note,email,phone\n");
        for row in 0..6000u64 {
            let id = f * 100_000 + row;
            let note: Vec<&str> = (0..8).map(|_| words[rng.below(12) as usize]).collect();
            if rng.below(4) == 0 {
                text.push_str(&format!(
                    "{id},{},jane.roe{id}@example.org,+1 202 555 {:04}\n",
                    note.join(" "),
                    rng.below(10_000)
                ));
            } else {
                text.push_str(&format!("{id},{},,\n", note.join(" ")));
            }
        }
        let sub = ["exports", "exports/2025", "logs"][f as usize % 3];
        let path = dir.join(format!("{sub}/part-{f:03}.csv"));
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        if f % 5 == 0 {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut gz, text.as_bytes()).expect("gzip");
            fs::write(path.with_extension("csv.gz"), gz.finish().expect("gzip")).expect("write");
        } else {
            fs::write(path, text).expect("write");
        }
    }
}

/// Where the job reads: a prefix of the local S3-compatible server's
/// bucket (`scripts/s3.sh`), filled from the local tree by a real S3
/// client (pyarrow's), or the local tree itself when no server is up.
pub struct Source {
    pub arg: String,
    /// `breachwatch` arguments to reach it (the endpoint).
    pub bw_args: Vec<String>,
    /// Variables the binary needs (credentials), on the driver and, as
    /// `spark.executorEnv.*`, on the executors.
    pub env: Vec<(String, String)>,
}

pub fn source(c: &Cluster, local: &Path) -> Source {
    let Some(s3) = bw_testkit::s3::s3_server() else {
        return Source {
            arg: local.display().to_string(),
            bw_args: Vec::new(),
            env: Vec::new(),
        };
    };
    let prefix = format!(
        "spark-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let upload = r#"
import os, sys
import pyarrow.fs as fs
local, endpoint, key, secret, dest = sys.argv[1:]
scheme, host = endpoint.split("://", 1)
s3 = fs.S3FileSystem(access_key=key, secret_key=secret, endpoint_override=host,
                     scheme=scheme, region="us-east-1")
for root, _, files in os.walk(local):
    for f in files:
        path = os.path.join(root, f)
        with s3.open_output_stream(dest + "/" + os.path.relpath(path, local)) as out, open(path, "rb") as src:
            out.write(src.read())
"#;
    let o = Command::new(&c.python)
        .args(["-c", upload])
        .arg(local)
        .args([&s3.endpoint, &s3.access_key, &s3.secret_key])
        .arg(format!("{}/{prefix}", s3.bucket))
        .output()
        .expect("upload with pyarrow");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Source {
        arg: format!("s3://{}/{prefix}", s3.bucket),
        bw_args: vec![format!("--endpoint={}", s3.endpoint)],
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), s3.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), s3.secret_key.clone()),
            ("AWS_REGION".into(), "us-east-1".into()),
        ],
    }
}

/// One finding as both sides report it.
pub fn key(path: &str, start: u64, end: u64, kind: &str, excerpt: &str) -> String {
    format!("{path}\t{start}\t{end}\t{kind}\t{excerpt}")
}

pub fn one_process(s: &Scratch, src: &Source) -> Vec<String> {
    let mut cmd = s.cmd(&["scan", &src.arg, "--format", "jsonl", "-q"]);
    cmd.args(&src.bw_args)
        .envs(src.env.iter().map(|(k, v)| (k, v)));
    let r = super::Run::from(cmd.output().expect("run breachwatch"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut v: Vec<String> = r
        .jsonl()
        .iter()
        .map(|f| {
            key(
                f["path"].as_str().expect("path"),
                f["start"].as_u64().expect("start"),
                f["end"].as_u64().expect("end"),
                f["kind"].as_str().expect("kind"),
                f["excerpt"].as_str().expect("excerpt"),
            )
        })
        .collect();
    v.sort();
    v
}

/// The job's findings table, read back with pyarrow.
pub fn table(c: &Cluster, out: &Path) -> Vec<String> {
    let script = r#"
import sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1], columns=["path", "start", "end", "kind", "excerpt", "object"])
for r in t.to_pylist():
    assert r["object"] is not None and r["path"].startswith(r["object"]), r
    print("\t".join(str(r[k]) for k in ["path", "start", "end", "kind", "excerpt"]))
"#;
    let o = Command::new(&c.python)
        .args(["-c", script])
        .arg(out.join("findings"))
        .output()
        .expect("run python");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut v: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// `spark-submit breachwatch_job.py scan SOURCE --out OUT …`, started.
pub fn submit(
    c: &Cluster,
    src: &Source,
    out: &Path,
    log: &Path,
    extra: &[&str],
) -> std::process::Child {
    let mut job = vec!["scan".to_string(), src.arg.clone(), "--out".into()];
    job.push(out.display().to_string());
    job.extend(["--splits".into(), "16".into()]);
    job.extend(src.bw_args.iter().map(|a| format!("--bw-arg={a}")));
    job.extend(extra.iter().map(|a| a.to_string()));
    spark_submit(c, &src.env, &[], &job, log)
}

/// `spark-submit [confs] breachwatch_job.py JOB…` (with `--binary` for
/// the commands that run it), the variables `env` on the driver and the
/// executors, started.
pub fn spark_submit(
    c: &Cluster,
    env: &[(String, String)],
    confs: &[String],
    job: &[String],
    log: &Path,
) -> std::process::Child {
    let mut cmd = Command::new(c.home.join("bin/spark-submit"));
    cmd.args(["--master", &c.master])
        .args(["--conf", "spark.executor.memory=512m"])
        .args(["--conf", "spark.log.level=WARN"]);
    for (k, v) in env {
        cmd.args(["--conf", &format!("spark.executorEnv.{k}={v}")]);
    }
    for conf in confs {
        cmd.args(["--conf", conf]);
    }
    cmd.arg(repo().join("deploy/spark/breachwatch_job.py"))
        .args(job);
    if job[0] != "join" {
        cmd.args(["--binary", env!("CARGO_BIN_EXE_breachwatch")]);
    }
    cmd.envs(env.iter().map(|(k, v)| (k, v)))
        .env("PYSPARK_PYTHON", &c.python)
        .env("PYSPARK_DRIVER_PYTHON", &c.python)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(fs::File::create(log).expect("log file"));
    cmd.spawn().expect("spark-submit")
}

pub fn finish(child: std::process::Child, log: &Path) -> serde_json::Value {
    let o = child.wait_with_output().expect("wait for spark-submit");
    let log = fs::read_to_string(log).unwrap_or_default();
    // The Python driver's own errors are on spark-submit's stdout.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "job failed: {}\n{stdout}\n{log}",
        o.status
    );
    let last = stdout.lines().last().unwrap_or("");
    serde_json::from_str(last).unwrap_or_else(|_| panic!("job summary: {stdout}\n{log}"))
}
