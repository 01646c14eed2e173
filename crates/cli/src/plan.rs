//! `breachwatch plan`: lists sources (local trees, `s3://…`) into
//! byte-balanced splits, so that a batch engine (the Spark job in
//! `deploy/spark/`, an array job) can give each task one split and each
//! task scans exactly its split's items (`scan --plan FILE --split K`).
//!
//! Output: one JSON line per split, every split `0..N` (an empty one too,
//! so a task numbered K always finds its line):
//! `{"split":K,"splits":N,"bytes":B,"roots":[…],"items":[{"name","size","version"}…]}`.
//! `name` is the item as findings name it (path as reached from the
//! argument, object URL); `version` the ETag or version id the listing
//! saw, checked again when the task reads the object; `roots` the
//! narrowest places to walk that hold the split's items (a common
//! directory or prefix), so a task lists little more than its own items.
//!
//! Splits are contiguous runs of the sorted listing, cut where the running
//! byte total crosses each N-th of the whole: within one item's size of
//! even, and neighbours in a bucket stay together (narrow roots). Each
//! item weighs its size plus [`PER_ITEM`] (a request and an open cost
//! something even for an empty object); an item of unknown size (a table,
//! a FIFO) weighs the mean known size.
//!
//! Errors met while listing are printed (one line per item) and make the
//! exit status 2; the splits of what could be listed are still printed.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use bw_scan::{Haystack, Select, SourceEvent, WalkOptions};
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::exit;
use crate::home::parse_size;

/// What an item costs beyond its bytes, in bytes: about what a scan reads
/// in the time an object's GET or a file's open takes.
pub const PER_ITEM: u64 = 64 * 1024;

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Files, directories or remote sources (`s3://bucket/prefix`) to list.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How many splits (tasks) to cut the listing into.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub splits: u64,
    /// Listing threads (local trees). Default: all cores.
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Leave out files larger than this (e.g. `100M`), as `scan` would.
    #[arg(long, value_parser = parse_size)]
    pub max_filesize: Option<u64>,
    /// Follow symbolic links met while walking directories.
    #[arg(long, short = 'L')]
    pub follow: bool,
    #[command(flatten)]
    pub sources: crate::remote::SourceArgs,
}

/// One split of a plan: a line of `breachwatch plan`'s output.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Split {
    pub split: u64,
    pub splits: u64,
    /// The items' bytes (known sizes only).
    pub bytes: u64,
    pub roots: Vec<String>,
    pub items: Vec<PlanItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlanItem {
    pub name: String,
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// An item as listed, with the argument it was reached from.
struct Listed {
    arg: usize,
    item: PlanItem,
}

pub fn run(args: PlanArgs) -> Result<u8> {
    if args.sources.shard.shard.is_some() || args.sources.shard.plan.is_some() {
        bail!("plan lists whole sources: --shard and --plan are for scan and scope");
    }
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("plan: stdin (-) cannot be listed or split");
    }
    let walk = WalkOptions {
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1),
        follow_links: args.follow,
        max_filesize: args.max_filesize,
        resolvers: crate::remote::resolvers(&args.sources),
        select: Select::All,
    };
    let listed = Mutex::new(Vec::new());
    let errors = AtomicU64::new(0);
    let skipped = AtomicU64::new(0);
    for (arg, path) in args.paths.iter().enumerate() {
        bw_scan::list(std::slice::from_ref(path), &walk, || {
            |event| {
                match event {
                    SourceEvent::Haystack(h) => {
                        let item = listed_item(h);
                        lock(&listed).push(Listed { arg, item });
                    }
                    SourceEvent::Error(e) => {
                        eprintln!("breachwatch: {e}");
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    SourceEvent::Skipped(_) => {
                        skipped.fetch_add(1, Ordering::Relaxed);
                    }
                }
                true
            }
        });
    }
    let mut listed = listed.into_inner().unwrap_or_else(|p| p.into_inner());
    listed.sort_by(|a, b| (a.arg, &a.item.name).cmp(&(b.arg, &b.item.name)));
    let args_shown: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let splits = cut(listed, args.splits, &args_shown);

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for split in &splits {
        serde_json::to_writer(&mut out, split)?;
        out.write_all(b"\n")?;
    }
    out.flush().context("writing the plan")?;

    let items: usize = splits.iter().map(|s| s.items.len()).sum();
    let bytes: u64 = splits.iter().map(|s| s.bytes).sum();
    let largest = splits.iter().map(|s| s.bytes).max().unwrap_or(0);
    let mut line = format!(
        "planned {items} items, {:.1} MB, in {} splits (largest {:.1} MB)",
        bytes as f64 / 1e6,
        splits.len(),
        largest as f64 / 1e6
    );
    for (what, n) in [
        (
            "files skipped (special or over --max-filesize)",
            skipped.into_inner(),
        ),
        ("errors", errors.load(Ordering::Relaxed)),
    ] {
        if n > 0 {
            line.push_str(&format!("; {n} {what}"));
        }
    }
    eprintln!("{line}");
    Ok(if errors.into_inner() > 0 {
        exit::ERROR
    } else {
        exit::CLEAN
    })
}

/// The item a haystack is, without reading it (an object's GET happens in
/// its reader, which is dropped unread).
fn listed_item(h: Haystack) -> PlanItem {
    let name = h.display();
    let (size, version) = match h {
        Haystack::File { len, .. } => (len, None),
        Haystack::Stream { len, version, .. } => (len, version),
        Haystack::Stdin | Haystack::Table { .. } => (None, None),
    };
    PlanItem {
        name,
        size,
        version,
    }
}

/// Cuts the sorted listing into `n` contiguous splits of about equal
/// weight: an item goes to the split its weight's midpoint falls in.
fn cut(listed: Vec<Listed>, n: u64, args: &[String]) -> Vec<Split> {
    let known: Vec<u64> = listed.iter().filter_map(|l| l.item.size).collect();
    let unknown_weight = match known.len() {
        0 => 1 << 20,
        k => known.iter().sum::<u64>() / k as u64,
    };
    let weight = |l: &Listed| u128::from(l.item.size.unwrap_or(unknown_weight) + PER_ITEM);
    let total: u128 = listed.iter().map(weight).sum::<u128>().max(1);
    let mut groups: Vec<BTreeMap<usize, Vec<PlanItem>>> = (0..n).map(|_| BTreeMap::new()).collect();
    let mut before: u128 = 0;
    for l in listed {
        let w = weight(&l);
        let mid = before + w / 2;
        before += w;
        let k = (mid * u128::from(n) / total).min(u128::from(n - 1));
        let k = usize::try_from(k).unwrap_or(0);
        groups[k].entry(l.arg).or_default().push(l.item);
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(k, by_arg)| {
            let roots = by_arg
                .iter()
                .map(|(&arg, items)| root(&args[arg], items))
                .collect();
            let items: Vec<PlanItem> = by_arg.into_values().flatten().collect();
            Split {
                split: k as u64,
                splits: n,
                bytes: items.iter().filter_map(|i| i.size).sum(),
                roots,
                items,
            }
        })
        .collect()
}

/// The narrowest place under `arg` holding all of `items` (sorted): the
/// item itself when alone, else their common directory or prefix, cut at
/// a `/` so that it names a directory (an object store lists a prefix as
/// a folder), never above the argument.
fn root(arg: &str, items: &[PlanItem]) -> String {
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return arg.to_string();
    };
    if items.len() == 1 {
        return first.name.clone();
    }
    // Sorted, so the first and last share what all share.
    let common = first
        .name
        .char_indices()
        .zip(last.name.chars())
        .take_while(|((_, a), b)| a == b)
        .last()
        .map_or(0, |((i, c), _)| i + c.len_utf8());
    let prefix = &first.name[..common];
    let dir = match prefix.rfind('/') {
        Some(0) => "/",
        Some(i) => &prefix[..i],
        None => "",
    };
    if dir.len() > arg.trim_end_matches('/').len() {
        dir.to_string()
    } else {
        arg.to_string()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(arg: usize, name: &str, size: u64) -> Listed {
        Listed {
            arg,
            item: PlanItem {
                name: name.into(),
                size: Some(size),
                version: None,
            },
        }
    }

    #[test]
    fn splits_are_byte_balanced_and_contiguous() {
        // 100 objects of 1 MB and one of 20 MB in the middle.
        let mut all: Vec<Listed> = (0..100)
            .map(|i| listed(0, &format!("s3://b/logs/{i:03}.gz"), 1_000_000))
            .collect();
        all.push(listed(0, "s3://b/logs/050a.gz", 20_000_000));
        all.sort_by(|a, b| a.item.name.cmp(&b.item.name));
        let splits = cut(all, 4, &["s3://b/logs".to_string()]);
        assert_eq!(splits.len(), 4);
        let bytes: Vec<u64> = splits.iter().map(|s| s.bytes).collect();
        assert_eq!(bytes.iter().sum::<u64>(), 120_000_000);
        // Even within the largest item.
        for b in &bytes {
            assert!(b.abs_diff(30_000_000) <= 20_000_000, "{bytes:?}");
        }
        let names: Vec<&str> = splits
            .iter()
            .flat_map(|s| s.items.iter().map(|i| i.name.as_str()))
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "contiguous runs of the sorted listing");
    }

    #[test]
    fn every_split_is_printed_even_empty() {
        let splits = cut(vec![listed(0, "a/x.csv", 10)], 3, &["a".to_string()]);
        assert_eq!(splits.len(), 3);
        assert_eq!(
            splits.iter().map(|s| s.split).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        let full: Vec<&Split> = splits.iter().filter(|s| !s.items.is_empty()).collect();
        assert_eq!(full.len(), 1);
        assert_eq!(full[0].roots, ["a/x.csv"]);
        for s in splits.iter().filter(|s| s.items.is_empty()) {
            assert!(s.roots.is_empty() && s.bytes == 0);
        }
    }

    #[test]
    fn roots_are_the_common_directory_never_above_the_argument() {
        let items = |names: &[&str]| -> Vec<PlanItem> {
            names
                .iter()
                .map(|n| PlanItem {
                    name: n.to_string(),
                    size: Some(1),
                    version: None,
                })
                .collect()
        };
        assert_eq!(
            root(
                "s3://b",
                &items(&["s3://b/logs/2024/01/a", "s3://b/logs/2024/03/b"])
            ),
            "s3://b/logs/2024"
        );
        assert_eq!(root("data", &items(&["data/a.csv", "data/b.csv"])), "data");
        assert_eq!(
            root("data/", &items(&["data/a.csv", "data/b.csv"])),
            "data/"
        );
        assert_eq!(root(".", &items(&["./x/a", "./y/b"])), ".");
        assert_eq!(root("/", &items(&["/a", "/b"])), "/");
    }
}
