//! An in-memory membership filter in front of the index, for callers that
//! look up millions of identifiers of which most are not customers (scope
//! on a large leak).
//!
//! A lookup in the mapped index costs a few dependent cache and TLB misses
//! in a file of tens of megabytes per million customers; a blocked Bloom
//! filter (two bits in one 64-bit word, ~8 bits per fingerprint) answers
//! "certainly absent" for ~95 % of non-customers with one access into a
//! table a tenth of that size. Fingerprints are keyed hashes, so their bits
//! are already uniform: no further hashing is needed.
//!
//! Building reads the index sequentially once (entries are sorted, so
//! the table is written almost sequentially too).

use crate::format::{entry_key, ENTRY_LEN};
use crate::key::{Fingerprint, FP_LEN};

/// Bits of table per fingerprint (rounded up to a power of two in total).
const BITS_PER_ENTRY: u64 = 8;

#[derive(Debug)]
pub(crate) struct Prefilter {
    words: Vec<u64>,
    /// `words.len() - 1` (a power of two minus one).
    mask: u64,
}

impl Prefilter {
    pub(crate) fn build(entries: &[u8]) -> Prefilter {
        let n = (entries.len() / ENTRY_LEN) as u64;
        let words = (n * BITS_PER_ENTRY / 64).max(1).next_power_of_two();
        let mut f = Prefilter {
            words: vec![0; words as usize],
            mask: words - 1,
        };
        for i in 0..n as usize {
            let (w, bits) = f.slot(entry_key(entries, i));
            f.words[w] |= bits;
        }
        f
    }

    /// Word index from the low 64 bits, two bit positions from the high
    /// ones (independent of the index, so collisions in one do not repeat
    /// in the other).
    fn slot(&self, key: u128) -> (usize, u64) {
        let lo = key as u64;
        let hi = (key >> 64) as u64;
        let w = (lo & self.mask) as usize;
        let bits = (1u64 << (hi & 63)) | (1u64 << ((hi >> 6) & 63));
        (w, bits)
    }

    /// False only if no entry has this fingerprint.
    pub(crate) fn may_contain(&self, fp: &Fingerprint) -> bool {
        let key = u128::from_be_bytes(*fp);
        let (w, bits) = self.slot(key);
        self.words.get(w).is_some_and(|x| x & bits == bits)
    }

    pub(crate) fn bytes(&self) -> usize {
        self.words.len() * 8
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

    fn spread(i: u64, salt: u64) -> u128 {
        let a = (i + (salt << 40)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let b = (a ^ (a >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (u128::from(a) << 64) | u128::from(b ^ (b >> 31))
    }

    #[test]
    fn members_always_pass_and_most_others_do_not() {
        let mut keys: Vec<u128> = (0..100_000).map(|i| spread(i, 1)).collect();
        let f = Prefilter::build(&entries(&mut keys));
        assert!(keys.iter().all(|k| f.may_contain(&k.to_be_bytes())));
        let passed = (0..100_000)
            .filter(|&i| f.may_contain(&spread(i, 2).to_be_bytes()))
            .count();
        // Two bits of 64 in a word holding ~8-16 entries: a few percent.
        assert!(passed < 10_000, "{passed} of 100000 non-members passed");
        assert!(f.bytes() <= 200_000, "{} bytes", f.bytes());
        // An empty section gives a filter that rejects everything.
        let empty = Prefilter::build(&[]);
        assert!(!empty.may_contain(&spread(0, 3).to_be_bytes()));
    }
}
