//! Which items of a run this process scans, when one run is split across
//! processes or machines: a shard (`i/N`, by a stable hash of the item's
//! name) or a plan's split (its items, by name). Applied to every item the
//! walk meets — files, objects, tables — before it is opened, so local and
//! remote inputs split alike and each part reads only its own bytes.
//!
//! The contract: given the same arguments, the N parts of a run are
//! disjoint and their union is the run. An item's name is what findings
//! carry as their path (the path as reached from the argument, an object's
//! URL), so every part must be given the same arguments, spelled alike.
//! An error about an argument itself (a missing path, a bucket that will
//! not open) is every part's: no part may finish clean without having
//! seen its items.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Which items a run scans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Select {
    /// Every item: an ordinary run.
    #[default]
    All,
    /// The items whose name hashes to this shard.
    Shard(Shard),
    /// Exactly these items (a plan's split), by name.
    Items(Arc<Items>),
}

impl Select {
    /// Whether the item named `name` is this run's to scan.
    pub fn owns(&self, name: &str) -> bool {
        match self {
            Select::All => true,
            Select::Shard(s) => s.owns(name),
            Select::Items(items) => items.versions.contains_key(name),
        }
    }

    /// The version a plan saw for `name` (an object's ETag), to check that
    /// the bytes read are the bytes planned.
    pub fn planned_version(&self, name: &str) -> Option<&str> {
        match self {
            Select::Items(items) => items.versions.get(name)?.as_deref(),
            _ => None,
        }
    }
}

/// Shard `index` of `count` (0-based, as Kubernetes' `JOB_COMPLETION_INDEX`
/// and AWS Batch's `AWS_BATCH_JOB_ARRAY_INDEX` count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// `None` unless `index < count`.
    pub fn new(index: u64, count: u64) -> Option<Shard> {
        (index < count).then_some(Shard { index, count })
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether `name` falls in this shard: `shard_hash(name) % count`.
    pub fn owns(&self, name: &str) -> bool {
        shard_hash(name) % self.count == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `i/N`, with `0 <= i < N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("{s:?}: expected i/N with 0 <= i < N (e.g. 0/4)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let i = i.trim().parse::<u64>().map_err(|_| bad())?;
        let n = n.trim().parse::<u64>().map_err(|_| bad())?;
        Shard::new(i, n).ok_or_else(bad)
    }
}

/// The stable hash shards are cut by: FNV-1a (64-bit) over the name's
/// UTF-8 bytes, then splitmix64's finaliser so that every bit, not only
/// the high ones, depends on the whole name (`% N` reads the low ones).
/// Fixed forever: changing it would move items between the shards of
/// runs already under way. Any scheduler can compute it.
pub fn shard_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A plan's items: each name, and the version the plan saw, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Items {
    versions: HashMap<String, Option<String>>,
}

impl Items {
    pub fn new() -> Items {
        Items::default()
    }

    /// Adds an item; a second entry for the same name replaces the first.
    pub fn insert(&mut self, name: String, version: Option<String>) {
        self.versions.insert(name, version);
    }

    pub fn len(&self) -> usize {
        self.versions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    /// The names, in no particular order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.versions.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_i_of_n() {
        assert_eq!("0/4".parse::<Shard>(), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(
            "3/4".parse::<Shard>().map(|s| s.to_string()).as_deref(),
            Ok("3/4")
        );
        for bad in ["4/4", "1/0", "1", "-1/4", "a/4", "1/4/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_name_has_exactly_one_shard() {
        let names: Vec<String> = (0..1000).map(|i| format!("s3://b/logs/{i}.gz")).collect();
        let shards: Vec<Shard> = (0..7).filter_map(|i| Shard::new(i, 7)).collect();
        let mut sizes = [0usize; 7];
        for name in &names {
            let owners: Vec<_> = shards.iter().filter(|s| s.owns(name)).collect();
            assert_eq!(owners.len(), 1, "{name}");
            sizes[owners[0].index as usize] += 1;
        }
        // 1000 names over 7 shards: ~143 each; a skewed hash would not be.
        assert!(sizes.iter().all(|&n| (100..190).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn the_hash_is_pinned() {
        // Other schedulers reproduce it (the Spark job's README gives it in
        // Python; these values are that code's); it must not drift.
        assert_eq!(shard_hash(""), 0xf52a_15e9_a9b5_e89b);
        assert_eq!(shard_hash("s3://bucket/a.csv"), 0xd459_fe14_445d_a4ed);
    }
}
