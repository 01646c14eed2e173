//! `--shard i/N` and `--plan FILE [--split K]`: one part of a run split
//! across processes or machines (a Kubernetes Indexed Job, an AWS Batch
//! array job, a Spark task). The sources layer applies the part to every
//! item, local or remote, before it is opened (`bw_sources::Select`).
//!
//! - `--shard i/N` needs nothing but the arguments: item `x` is shard
//!   `i`'s when a stable hash of its name, mod N, is `i`. Parts are even in
//!   item counts, not in bytes.
//! - `--plan FILE` reads splits written by `breachwatch plan` (byte-balanced
//!   from a listing) and scans exactly their items; without paths, a
//!   split's roots are walked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Args;

use bw_scan::{Items, Select, Shard};

use crate::plan::Split;

#[derive(Args, Debug, Clone, Default)]
pub struct ShardArgs {
    /// Scan only shard i of N (0-based, e.g. `--shard
    /// "$JOB_COMPLETION_INDEX/8"`): the N shards of the same arguments are
    /// disjoint and together are one whole run.
    #[arg(long, value_name = "i/N", value_parser = parse_shard, conflicts_with = "plan")]
    pub shard: Option<Shard>,
    /// Scan exactly the items of a plan's splits (`breachwatch plan`'s
    /// JSON lines; every line of FILE, or only `--split`). Without paths,
    /// the splits' roots are walked.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// With `--plan`: only this split of it (0-based).
    #[arg(long, value_name = "K", requires = "plan")]
    pub split: Option<u64>,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// This process's part of a run.
#[derive(Debug, Clone, Default)]
pub struct Part {
    pub select: Select,
    /// The plan's roots, walked when no path is given.
    roots: Option<Vec<PathBuf>>,
}

impl Part {
    /// The inputs to walk: the paths given, else the plan's roots (none,
    /// for an empty split: it scans nothing), else `default`.
    pub fn paths(
        &self,
        given: Vec<PathBuf>,
        default: impl FnOnce() -> Vec<PathBuf>,
    ) -> Vec<PathBuf> {
        match &self.roots {
            _ if !given.is_empty() => given,
            Some(roots) => roots.clone(),
            None => default(),
        }
    }

    /// Refuses what a part cannot split: stdin is one process's own input.
    pub fn check(&self, paths: &[PathBuf]) -> Result<()> {
        if self.select != Select::All && paths.iter().any(|p| p.as_os_str() == "-") {
            bail!("--shard/--plan split named inputs; stdin (-) cannot be split");
        }
        Ok(())
    }
}

pub fn part(args: &ShardArgs) -> Result<Part> {
    if let Some(shard) = args.shard {
        return Ok(Part {
            select: Select::Shard(shard),
            roots: None,
        });
    }
    let Some(file) = &args.plan else {
        return Ok(Part::default());
    };
    let splits = read_plan(file, args.split)?;
    let mut items = Items::new();
    let mut roots = Vec::new();
    for split in splits {
        for item in split.items {
            items.insert(item.name, item.version);
        }
        roots.extend(split.roots.into_iter().map(PathBuf::from));
    }
    roots.sort();
    roots.dedup();
    Ok(Part {
        select: Select::Items(Arc::new(items)),
        roots: Some(roots),
    })
}

/// The plan's splits: every line, or the one numbered `only`.
fn read_plan(file: &Path, only: Option<u64>) -> Result<Vec<Split>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading plan {}", file.display()))?;
    let mut splits = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let split: Split = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a plan line", file.display(), n + 1))?;
        if only.is_none_or(|k| k == split.split) {
            splits.push(split);
        }
    }
    match only {
        Some(k) if splits.is_empty() => bail!("{}: no split {k}", file.display()),
        _ => Ok(splits),
    }
}
