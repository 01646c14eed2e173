//! An in-memory membership filter in front of the index, for callers that
//! look up millions of identifiers of which most are not customers (scope
//! on a large leak).
//!
//! A lookup in the mapped index costs a few dependent cache and TLB misses
//! in a file of tens of megabytes per million customers; a blocked Bloom
//! filter (four bits in one 64-bit word, 8-16 bits per fingerprint)
//! answers "certainly absent" for ~98 % of non-customers with one access
//! into a table a tenth of that size. Fingerprints are keyed hashes, so
//! their bits are already uniform: no further hashing is needed.
//!
//! Building reads the index sequentially once. Entries are sorted by
//! fingerprint and a fingerprint's word is chosen by its top bits, so the
//! table is written sequentially too.

use crate::format::{entry_key, ENTRY_LEN};
use crate::key::{Fingerprint, FP_LEN};

/// Bits of table per fingerprint (rounded up to a power of two in total).
const BITS_PER_ENTRY: u64 = 8;

#[derive(Debug)]
pub(crate) struct Prefilter {
    table: Table,
    /// The word of a fingerprint is its top `64 - shift` bits (the table
    /// has a power of two of words).
    shift: u32,
}

/// The filter's words, little-endian. Tens of megabytes for millions of
/// customers, read at random: on 4 KiB pages nearly every probe also misses
/// the TLB, so the table is an anonymous mapping advised to use huge pages
/// where the kernel allows it (transparent huge pages in `madvise` mode,
/// the common default), with a heap fallback.
#[derive(Debug)]
enum Table {
    Mapped(memmap2::MmapMut),
    Heap(Vec<u8>),
}

impl Table {
    fn zeroed(len: usize) -> Table {
        // One huge page (2 MiB on x86-64) at least.
        const HUGE_FROM: usize = 2 << 20;
        if len >= HUGE_FROM {
            if let Ok(m) = memmap2::MmapOptions::new().len(len).map_anon() {
                // Advice only: without huge pages the filter still works.
                #[cfg(target_os = "linux")]
                let _ = m.advise(memmap2::Advice::HugePage);
                return Table::Mapped(m);
            }
        }
        Table::Heap(vec![0; len])
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Table::Mapped(m) => m,
            Table::Heap(v) => v,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match self {
            Table::Mapped(m) => m,
            Table::Heap(v) => v,
        }
    }

    fn word(&self, w: usize) -> Option<u64> {
        let b = self.bytes().get(w * 8..w * 8 + 8)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }
}

impl Prefilter {
    pub(crate) fn build(entries: &[u8]) -> Prefilter {
        let n = (entries.len() / ENTRY_LEN) as u64;
        let words = (n * BITS_PER_ENTRY / 64).max(1).next_power_of_two();
        let mut f = Prefilter {
            table: Table::zeroed(words as usize * 8),
            shift: 64 - words.trailing_zeros(),
        };
        for i in 0..n as usize {
            let (w, bits) = f.slot(entry_key(entries, i));
            // OR is bytewise: no need to reassemble the word.
            let word = &mut f.table.bytes_mut()[w * 8..w * 8 + 8];
            for (b, m) in word.iter_mut().zip(bits.to_le_bytes()) {
                *b |= m;
            }
        }
        f
    }

    /// Word index from the top bits, bit positions from the low ones
    /// (independent of the index, so collisions in one do not repeat in
    /// the other). The top bits keep the build sequential; at lookup every
    /// word is as likely as any other, fingerprints being keyed hashes.
    fn slot(&self, key: u128) -> (usize, u64) {
        let hi = (key >> 64) as u64;
        let lo = key as u64;
        // A one-word table shifts by 64: every key is in word 0.
        let w = hi.checked_shr(self.shift).unwrap_or(0) as usize;
        // Four bits (six bits of the key each): false positives cost an
        // index search of several cache misses, and more bits in the same
        // word cost nothing at lookup. At ~10 bits per entry this lets
        // 1.6 % of non-members through, against 3.4 % with two bits.
        let bits = (0..4).fold(0u64, |b, i| b | 1u64 << ((lo >> (6 * i)) & 63));
        (w, bits)
    }

    /// False only if no entry has this fingerprint.
    pub(crate) fn may_contain(&self, fp: &Fingerprint) -> bool {
        let key = u128::from_be_bytes(*fp);
        let (w, bits) = self.slot(key);
        self.table.word(w).is_some_and(|x| x & bits == bits)
    }

    pub(crate) fn bytes(&self) -> usize {
        self.table.bytes().len()
    }
}

const _: () = assert!(FP_LEN == 16, "the filter reads a fingerprint as u128");

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries as the index stores them: sorted fingerprints + a tag.
    fn entries(keys: &mut [u128]) -> Vec<u8> {
        keys.sort_unstable();
        let mut v = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            v.extend_from_slice(&k.to_be_bytes());
            v.extend_from_slice(&(i as u32).to_le_bytes());
        }
        v
    }

    /// `n` uniformly spread fingerprints; different seeds give disjoint
    /// sets (barring a 128-bit collision), so members and non-members.
    fn spread(n: usize, seed: u64) -> Vec<u128> {
        let mut rng = bw_testkit::SplitMix64::new(seed);
        (0..n)
            .map(|_| (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64()))
            .collect()
    }

    #[test]
    fn members_always_pass_and_most_others_do_not() {
        let mut keys = spread(100_000, 1);
        let f = Prefilter::build(&entries(&mut keys));
        assert!(keys.iter().all(|k| f.may_contain(&k.to_be_bytes())));
        let passed = spread(100_000, 2)
            .iter()
            .filter(|k| f.may_contain(&k.to_be_bytes()))
            .count();
        // Four bits of 64 in a word holding ~6-7 entries: under 2 %.
        assert!(passed < 2_000, "{passed} of 100000 non-members passed");
        assert!(f.bytes() <= 200_000, "{} bytes", f.bytes());
        // An empty section gives a filter that rejects everything.
        let empty = Prefilter::build(&[]);
        assert!(!empty.may_contain(&spread(1, 3)[0].to_be_bytes()));
    }

    #[test]
    fn a_filter_large_enough_for_huge_pages_behaves_the_same() {
        // 1.1 M entries: 8 bits each, rounded up to 2 MiB of words, the
        // size from which the table is mapped.
        let mut keys = spread(1_100_000, 4);
        let f = Prefilter::build(&entries(&mut keys));
        assert!(
            matches!(f.table, Table::Mapped(_)),
            "expected the mapped table"
        );
        assert!(keys.iter().all(|k| f.may_contain(&k.to_be_bytes())));
        let passed = spread(100_000, 5)
            .iter()
            .filter(|k| f.may_contain(&k.to_be_bytes()))
            .count();
        // Four bits of 64 in a word holding ~6-7 entries: under 2 %.
        assert!(passed < 2_000, "{passed} of 100000 non-members passed");
    }
}
