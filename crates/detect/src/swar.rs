//! Byte-class tests on eight bytes at once (one `u64`), exact per byte: the
//! detectors' skip loops use them to pass over text with nothing of
//! interest, and to find where a run of a class ends.

/// One in every byte.
pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `hay` at `i` as one little-endian word (byte `i`
/// in the lowest lane), or `None` if fewer than eight remain.
pub(crate) fn load(hay: &[u8], i: usize) -> Option<u64> {
    let block: [u8; 8] = hay.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(block))
}

/// The high bit of each byte of `x7` (bytes below 0x80) that lies in
/// `lo..=hi`. Exact: no lane can carry or borrow into its neighbour.
pub(crate) const fn in_range(x7: u64, lo: u8, hi: u8) -> u64 {
    let below = (LO * (128 + hi as u64)).wrapping_sub(x7);
    let above = x7 + LO * (128 - lo as u64);
    below & above & HI
}

/// The high bit of each byte of `x` that is an ASCII digit.
pub(crate) const fn digits(x: u64) -> u64 {
    in_range(x & (LO * 0x7f), b'0', b'9') & !x
}

/// The high bit of each byte of `x` that is an ASCII letter.
pub(crate) const fn letters(x: u64) -> u64 {
    // Setting 0x20 folds capitals onto lower case and nothing else onto
    // `a..=z`.
    in_range((x & (LO * 0x7f)) | (LO * 0x20), b'a', b'z') & !x
}

/// The high bit of each byte of `x` that is an ASCII capital.
pub(crate) const fn capitals(x: u64) -> u64 {
    in_range(x & (LO * 0x7f), b'A', b'Z') & !x
}

/// The high bit of each byte of `x` that is a word byte (ASCII letter,
/// digit or `_`).
pub(crate) const fn word_bytes(x: u64) -> u64 {
    let underscore = in_range(x & (LO * 0x7f), b'_', b'_') & !x;
    letters(x) | digits(x) | underscore
}
