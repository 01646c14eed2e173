//! Counting distinct values among millions: how scope reports how many
//! different identifiers in a leak matched no customer, in bounded time
//! and without a hash set's cache misses.

/// A set of u64 for counting distinct values, built for millions of
/// inserts: appends to a vector and sorts and deduplicates it when it has
/// doubled. A hash set of that size takes a cache miss per insert and
/// evicts the registry prefilter from the cache; appending is sequential,
/// and the adaptive stable sort only sorts the new tail and merges it with
/// the sorted part.
#[derive(Debug, Default)]
pub(crate) struct Distinct {
    keys: Vec<u64>,
    /// `keys[..sorted]` is sorted and without duplicates.
    sorted: usize,
}

impl Distinct {
    const MIN_BATCH: usize = 1 << 16;

    pub(crate) fn insert(&mut self, key: u64) {
        self.keys.push(key);
        if self.keys.len() >= (2 * self.sorted).max(Self::MIN_BATCH) {
            self.compact();
        }
    }

    pub(crate) fn compact(&mut self) {
        if self.sorted == self.keys.len() {
            return;
        }
        self.keys.sort();
        self.keys.dedup();
        self.sorted = self.keys.len();
    }

    /// Distinct keys over all `sets`. Each thread compacts its own set
    /// when it finishes (in parallel); the sorted lists are then merged
    /// two at a time, and the last merge only counts (with two threads,
    /// the only merge: nothing is built).
    pub(crate) fn union_len(mut sets: Vec<Distinct>) -> usize {
        for s in &mut sets {
            s.compact();
        }
        let mut lists = sets
            .iter()
            .map(|s| s.keys.as_slice())
            .filter(|l| !l.is_empty());
        let Some(first) = lists.next() else {
            return 0;
        };
        let mut merged = std::borrow::Cow::Borrowed(first);
        let mut lists = lists.peekable();
        while let Some(list) = lists.next() {
            if lists.peek().is_none() {
                let mut n = 0;
                merge_distinct(&merged, list, |_| n += 1);
                return n;
            }
            let mut next = Vec::with_capacity(merged.len() + list.len());
            merge_distinct(&merged, list, |k| next.push(k));
            merged = std::borrow::Cow::Owned(next);
        }
        merged.len()
    }
}

/// Visits the union of two sorted lists without duplicates, in order.
fn merge_distinct(a: &[u64], b: &[u64], mut emit: impl FnMut(u64)) {
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        emit(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    a[i..].iter().chain(&b[j..]).for_each(|&k| emit(k));
}

#[cfg(test)]
mod tests {
    use super::Distinct;

    #[test]
    fn distinct_counts_exactly_across_compactions_and_merges() {
        let key = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut a = Distinct::default();
        let mut b = Distinct::default();
        let mut c = Distinct::default();
        // Every value three times, spread over several compactions.
        for _ in 0..3 {
            for i in 0..100_000u64 {
                a.insert(key(i));
            }
        }
        // b overlaps a on half of its values and is left uncompacted; c
        // overlaps both and adds the largest key and nearly the smallest (0 is key(0)).
        for i in 50_000..150_000u64 {
            b.insert(key(i));
        }
        for i in 140_000..160_000u64 {
            c.insert(key(i));
        }
        c.insert(1);
        c.insert(u64::MAX);
        a.compact();
        assert_eq!(a.keys.len(), 100_000);
        assert_eq!(Distinct::union_len(vec![a, b, c]), 160_002);
        assert_eq!(Distinct::union_len(vec![Distinct::default()]), 0);
        assert_eq!(Distinct::union_len(Vec::new()), 0);
    }
}
