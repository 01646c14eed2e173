//! The Spark job (`deploy/spark/breachwatch_job.py`) on a real standalone
//! cluster — a master and two workers, each its own JVM on 127.0.0.1,
//! started by `scripts/spark.sh` — against a single-process `breachwatch
//! scan` of the same data: the same findings, also when a worker and its
//! executor are killed (SIGKILL, by pid) while the job's tasks run, and
//! none twice.
//!
//! Runs when `BW_SPARK_MASTER` is set (`scripts/test.sh` exports what
//! `scripts/spark.sh` prints) and asks the script for the cluster; skips
//! otherwise, except under `BW_REQUIRE_SPARK=1` (CI), where it fails.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use common::spark::{cluster, finish, leak, one_process, repo, source, submit, table};
use common::Scratch;

/// Parent pid and command line of every process.
fn processes() -> Vec<(u32, u32, String)> {
    let mut v = Vec::new();
    for entry in fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`; comm may hold spaces, so after ')'.
        let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
        else {
            continue;
        };
        let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
        v.push((
            pid,
            ppid,
            String::from_utf8_lossy(&cmdline).replace('\0', " "),
        ));
    }
    v
}

/// The executor JVM under `worker`, once it runs Python tasks (its
/// PySpark daemon is up): then the job's tasks are under way there.
fn busy_executor(worker: u32) -> Option<u32> {
    let ps = processes();
    let executor = ps
        .iter()
        .find(|(_, ppid, cmd)| *ppid == worker && cmd.contains("CoarseGrainedExecutorBackend"))?;
    ps.iter()
        .any(|(_, ppid, cmd)| *ppid == executor.0 && cmd.contains("pyspark"))
        .then_some(executor.0)
}

fn kill(pid: u32) {
    let ok = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success(), "kill -KILL {pid}");
}

#[test]
fn spark_job_equals_one_process_also_with_a_worker_killed() {
    let Some(c) = cluster() else { return };
    let s = Scratch::new();
    leak(&s.path("lake"));
    let source = source(&c, &s.path("lake"));
    let whole = one_process(&s, &source);
    assert!(whole.len() > 20_000, "{}", whole.len());

    // Healthy cluster: the job's table is the one process's findings.
    let t0 = Instant::now();
    let out = s.path("out1");
    let log = s.path("job1.log");
    let summary = finish(submit(&c, &source, &out, &log, &[]), &log);
    eprintln!(
        "spark job (2 workers): {:.1}s, {summary}",
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(summary["splits"], 16);
    assert_eq!(summary["splits_with_errors"], 0, "{summary}");
    assert_eq!(summary["findings"], whole.len() as u64);
    let got = table(&c, &out);
    assert_eq!(got.len(), whole.len(), "duplicates or losses");
    assert!(got == whole, "the job's findings differ from one process's");

    // A worker and its executor killed while tasks run there: Spark
    // reruns what was lost on the other worker; same table, no duplicate.
    let (victim, survivor) = (c.workers[0], c.workers[1]);
    let out = s.path("out2");
    let log = s.path("job2.log");
    let t0 = Instant::now();
    let mut child = submit(&c, &source, &out, &log, &["--ship-binary"]);
    let deadline = Instant::now() + Duration::from_secs(180);
    let executor = loop {
        if let Some(e) = busy_executor(victim) {
            break e;
        }
        assert!(
            child.try_wait().expect("poll job").is_none(),
            "the job ended before a task ran on the worker to kill: {}",
            fs::read_to_string(&log).unwrap_or_default()
        );
        assert!(
            Instant::now() < deadline,
            "no task started on worker {victim}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    kill(executor);
    kill(victim);
    assert!(
        child.try_wait().expect("poll job").is_none(),
        "the job had finished before the kill: nothing was tested"
    );
    let summary = finish(child, &log);
    eprintln!(
        "spark job, worker killed: {:.1}s, {summary}",
        t0.elapsed().as_secs_f64()
    );
    let driver_log = fs::read_to_string(&log).unwrap_or_default();
    assert!(
        driver_log.contains("Lost executor") || driver_log.contains("ExecutorLost"),
        "the driver never noticed the killed executor:\n{driver_log}"
    );
    assert_eq!(summary["splits_with_errors"], 0, "{summary}");
    let got = table(&c, &out);
    let distinct: BTreeSet<&String> = got.iter().collect();
    assert_eq!(distinct.len(), got.len(), "a finding twice after the retry");
    assert!(got == whole, "after the kill the job's findings differ");
    assert!(
        Command::new("kill")
            .args(["-0", &survivor.to_string()])
            .status()
            .is_ok_and(|s| s.success()),
        "the other worker died too"
    );

    // Bring the killed worker back for whatever runs next.
    let restarted = Command::new("bash")
        .arg(repo().join("scripts/spark.sh"))
        .output()
        .expect("scripts/spark.sh");
    assert!(
        restarted.status.success(),
        "{}",
        String::from_utf8_lossy(&restarted.stderr)
    );
}
