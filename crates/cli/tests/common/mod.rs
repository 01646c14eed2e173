//! Helpers for running the real `breachwatch` binary in a scratch home.

#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub mod api;
pub mod canary;
pub mod incident;
pub mod leak;
pub mod serve;
pub mod spark;

/// A temporary directory used as both `$BREACHWATCH_HOME` and the place
/// test files are written to.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("create temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent dirs");
        }
        std::fs::write(&p, bytes).expect("write test file");
        p
    }

    /// A FIFO at `rel` (as `<(cmd)` arrives); nothing writes to it yet.
    #[cfg(unix)]
    pub fn fifo(&self, rel: &str) -> PathBuf {
        let p = self.path(rel);
        let made = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
        assert!(made.success(), "mkfifo {}", p.display());
        p
    }

    /// `breachwatch ARGS` with this scratch dir as home and working dir.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_breachwatch"));
        c.args(args)
            .current_dir(self.dir.path())
            .env("BREACHWATCH_HOME", self.dir.path().join("home"))
            .stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().expect("run breachwatch"))
    }
}

/// A finished run, with stdout parsed as JSON lines when asked.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn jsonl(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("each stdout line is JSON"))
            .collect()
    }

    /// `(path, kind)` of every finding, sorted.
    pub fn found(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .jsonl()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap_or("").to_string(),
                    f["kind"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        v.sort();
        v
    }
}

pub fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| {
            use std::os::unix::fs::MetadataExt;
            m.uid() == 0
        })
        .unwrap_or(false)
}

pub fn exists(p: &Path) -> bool {
    p.symlink_metadata().is_ok()
}
