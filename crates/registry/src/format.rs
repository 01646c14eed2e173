//! The index file: one file per registry generation.
//!
//! ```text
//! 0      header (HEADER_LEN bytes, little-endian)
//!          magic "BWREGIX1", version u32, flags u32, key check value [32],
//!          customers u64, generation u64, section count u32, pad u32,
//!          SECTIONS × (offset u64, length u64, xxh3-64 u64),
//!          xxh3-64 of all header bytes before it
//! 512    sections, each 8-byte aligned, in this order:
//!          JURIS       u32 count, then (u8 len, country, u8 len, region)…
//!          ID_OFFSETS  (customers + 1) × u64 into ID_BLOB
//!          ID_BLOB     customer ids, sorted by byte order (index = rank)
//!          CUST_JURIS  customers × u16 into JURIS
//!          ROW_HASH    customers × u64 keyed hash of the source row
//!          FP_EMAIL, FP_PHONE, FP_NAME
//!                      sorted entries of 20 bytes: fingerprint [16] then
//!                      u32 customer index, top bit set for a variant form
//! ```
//! Every section has its own checksum and the file length must equal the
//! end of the last section, so truncation and bit flips are both caught.
//! xxh3 is not a MAC: it detects accidents, not tampering by someone who can
//! write the registry directory (such a person could also just delete it).
//!
//! An index file is immutable once written (see the invariant in
//! `registry`): [`write`] only creates new files and leaves them read-only,
//! and [`Index::open`] only ever opens read-only.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::error::{io, Error, Result};
use crate::key::FP_LEN;

pub(crate) const MAGIC: &[u8; 8] = b"BWREGIX1";
pub(crate) const VERSION: u32 = 1;
pub(crate) const HEADER_LEN: u64 = 512;
pub(crate) const ENTRY_LEN: usize = FP_LEN + 4;
pub(crate) const VARIANT_BIT: u32 = 1 << 31;
/// Customer indices share a u32 with the variant bit.
pub(crate) const MAX_CUSTOMERS: u64 = (VARIANT_BIT - 1) as u64;

pub(crate) const FLAG_CASE_SENSITIVE_LOCAL: u32 = 1;

pub(crate) const S_JURIS: usize = 0;
pub(crate) const S_ID_OFFSETS: usize = 1;
pub(crate) const S_ID_BLOB: usize = 2;
pub(crate) const S_CUST_JURIS: usize = 3;
pub(crate) const S_ROW_HASH: usize = 4;
pub(crate) const S_FP_EMAIL: usize = 5;
pub(crate) const S_FP_PHONE: usize = 6;
pub(crate) const S_FP_NAME: usize = 7;
pub(crate) const SECTIONS: usize = 8;
const SECTION_NAMES: [&str; SECTIONS] = [
    "jurisdictions",
    "id offsets",
    "ids",
    "customer jurisdictions",
    "row hashes",
    "email fingerprints",
    "phone fingerprints",
    "name fingerprints",
];

/// One fingerprint entry in memory; same 20 bytes as on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry {
    pub fp: [u8; FP_LEN],
    pub tag: u32,
}

/// Everything needed to write one index file.
pub(crate) struct Build {
    pub flags: u32,
    pub kcv: [u8; 32],
    pub generation: u64,
    pub juris: Vec<(String, String)>,
    pub id_offsets: Vec<u64>,
    pub id_blob: Vec<u8>,
    pub cust_juris: Vec<u16>,
    pub row_hash: Vec<u64>,
    /// Email, phone, name entries, each sorted.
    pub fps: [Vec<Entry>; 3],
}

/// Header fields after validation.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub flags: u32,
    pub kcv: [u8; 32],
    pub customers: u64,
    pub generation: u64,
    pub sections: [(u64, u64, u64); SECTIONS],
}

/// Writes `b` to `path`, which must not exist, syncs it and leaves it
/// read-only. Never opens an existing file: that could be a generation
/// some reader has mapped.
pub(crate) fn write(path: &Path, b: &Build) -> Result<u64> {
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io("creating index file", path))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let werr = io("writing index file", path);
    let result = (|| -> std::io::Result<u64> {
        w.write_all(&[0u8; HEADER_LEN as usize])?;
        let mut pos = HEADER_LEN;
        let mut sections = [(0u64, 0u64, 0u64); SECTIONS];
        for (s, slot) in sections.iter_mut().enumerate() {
            let mut h = Xxh3::new();
            let start = pos;
            let mut emit = |w: &mut BufWriter<File>, bytes: &[u8]| -> std::io::Result<()> {
                h.update(bytes);
                pos += bytes.len() as u64;
                w.write_all(bytes)
            };
            match s {
                S_JURIS => {
                    emit(&mut w, &(b.juris.len() as u32).to_le_bytes())?;
                    for (c, r) in &b.juris {
                        emit(&mut w, &[c.len() as u8])?;
                        emit(&mut w, c.as_bytes())?;
                        emit(&mut w, &[r.len() as u8])?;
                        emit(&mut w, r.as_bytes())?;
                    }
                }
                S_ID_OFFSETS => {
                    for o in &b.id_offsets {
                        emit(&mut w, &o.to_le_bytes())?;
                    }
                }
                S_ID_BLOB => emit(&mut w, &b.id_blob)?,
                S_CUST_JURIS => {
                    for j in &b.cust_juris {
                        emit(&mut w, &j.to_le_bytes())?;
                    }
                }
                S_ROW_HASH => {
                    for r in &b.row_hash {
                        emit(&mut w, &r.to_le_bytes())?;
                    }
                }
                _ => {
                    let mut buf = [0u8; ENTRY_LEN];
                    for e in &b.fps[s - S_FP_EMAIL] {
                        buf[..FP_LEN].copy_from_slice(&e.fp);
                        buf[FP_LEN..].copy_from_slice(&e.tag.to_le_bytes());
                        emit(&mut w, &buf)?;
                    }
                }
            }
            *slot = (start, pos - start, h.digest());
            let pad = (8 - pos % 8) % 8;
            if pad > 0 && s + 1 < SECTIONS {
                w.write_all(&[0u8; 8][..pad as usize])?;
                pos += pad;
            }
        }
        let mut hdr = Vec::with_capacity(HEADER_LEN as usize);
        hdr.extend_from_slice(MAGIC);
        hdr.extend_from_slice(&VERSION.to_le_bytes());
        hdr.extend_from_slice(&b.flags.to_le_bytes());
        hdr.extend_from_slice(&b.kcv);
        hdr.extend_from_slice(&(b.cust_juris.len() as u64).to_le_bytes());
        hdr.extend_from_slice(&b.generation.to_le_bytes());
        hdr.extend_from_slice(&(SECTIONS as u32).to_le_bytes());
        hdr.extend_from_slice(&0u32.to_le_bytes());
        for (o, l, c) in sections {
            hdr.extend_from_slice(&o.to_le_bytes());
            hdr.extend_from_slice(&l.to_le_bytes());
            hdr.extend_from_slice(&c.to_le_bytes());
        }
        let sum = xxh3_64(&hdr);
        hdr.extend_from_slice(&sum.to_le_bytes());
        w.flush()?;
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&hdr)?;
        // Read-only before it is published, so that a careless tool or
        // script (not root) cannot open it for writing later either.
        let mut perms = file.metadata()?.permissions();
        perms.set_readonly(true);
        set_permissions(&file, perms)?;
        file.sync_all()?;
        Ok(pos)
    })();
    result.map_err(werr)
}

/// A validated, memory-mapped index file.
pub(crate) struct Index {
    pub path: PathBuf,
    pub header: Header,
    map: Mmap,
    ranges: [Range<usize>; SECTIONS],
}

fn corrupt(path: &Path, reason: impl Into<String>) -> Error {
    Error::Corrupt {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

pub(crate) fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

#[cfg(unix)]
fn set_permissions(file: &File, perms: std::fs::Permissions) -> std::io::Result<()> {
    file.set_permissions(perms)
}

/// Elsewhere the read-only attribute would also forbid deleting the file,
/// which garbage collection of old generations needs.
#[cfg(not(unix))]
fn set_permissions(_file: &File, _perms: std::fs::Permissions) -> std::io::Result<()> {
    Ok(())
}

#[allow(unsafe_code)]
fn map_file(file: &File, path: &Path) -> Result<Mmap> {
    // SAFETY: the mapping is read-only, and a published index file is never
    // written, truncated or replaced under its name (the invariant in
    // `registry`: new files only, create-if-absent publication, removal by
    // unlink only), so the bytes cannot change under us. Someone editing one
    // by hand breaks that; the checksums on open catch edits made before,
    // and all reads are bounds-checked.
    unsafe { Mmap::map(file) }.map_err(io("memory-mapping index file", path))
}

impl Index {
    /// Maps and validates `path`. With `verify`, every section checksum is
    /// checked too (one sequential pass over the file).
    pub(crate) fn open(path: &Path, verify: bool) -> Result<Index> {
        // Read access only: the mapping needs no more, and a reader must
        // never be able to change a generation other readers have mapped.
        let file = File::options()
            .read(true)
            .open(path)
            .map_err(io("opening index file", path))?;
        let map = map_file(&file, path)?;
        let b: &[u8] = &map;
        let fixed = 8 + 4 + 4 + 32 + 8 + 8 + 4 + 4 + SECTIONS * 24;
        if (b.len() as u64) < HEADER_LEN {
            return Err(corrupt(
                path,
                format!("file is {} bytes, shorter than its header", b.len()),
            ));
        }
        if &b[..8] != MAGIC {
            return Err(corrupt(
                path,
                "not a breachwatch registry index (bad magic)",
            ));
        }
        let version = u32_at(b, 8);
        if version != VERSION {
            return Err(corrupt(
                path,
                format!("unsupported format version {version} (this build reads {VERSION})"),
            ));
        }
        if xxh3_64(&b[..fixed]) != u64_at(b, fixed) {
            return Err(corrupt(path, "header checksum mismatch"));
        }
        let flags = u32_at(b, 12);
        let mut kcv = [0u8; 32];
        kcv.copy_from_slice(&b[16..48]);
        let customers = u64_at(b, 48);
        let generation = u64_at(b, 56);
        if u32_at(b, 64) as usize != SECTIONS {
            return Err(corrupt(path, "unexpected section count"));
        }
        let mut sections = [(0u64, 0u64, 0u64); SECTIONS];
        let mut ranges: [Range<usize>; SECTIONS] = Default::default();
        let mut end = HEADER_LEN;
        for s in 0..SECTIONS {
            let at = 72 + s * 24;
            let (o, l, c) = (u64_at(b, at), u64_at(b, at + 8), u64_at(b, at + 16));
            let stop = o
                .checked_add(l)
                .filter(|&e| o >= end && e <= b.len() as u64);
            let Some(stop) = stop else {
                return Err(corrupt(
                    path,
                    format!(
                        "section {} [{o}, +{l}) lies outside the file of {} bytes (truncated?)",
                        SECTION_NAMES[s],
                        b.len()
                    ),
                ));
            };
            end = stop;
            sections[s] = (o, l, c);
            ranges[s] = o as usize..stop as usize;
        }
        if end != b.len() as u64 {
            return Err(corrupt(
                path,
                format!("file is {} bytes, header says {end}", b.len()),
            ));
        }
        let n = customers;
        let expect = [
            (
                S_ID_OFFSETS,
                n.checked_add(1).and_then(|x| x.checked_mul(8)),
            ),
            (S_CUST_JURIS, n.checked_mul(2)),
            (S_ROW_HASH, n.checked_mul(8)),
        ];
        for (s, want) in expect {
            if Some(sections[s].1) != want {
                return Err(corrupt(
                    path,
                    format!(
                        "section {} has the wrong length for {n} customers",
                        SECTION_NAMES[s]
                    ),
                ));
            }
        }
        for s in [S_FP_EMAIL, S_FP_PHONE, S_FP_NAME] {
            if sections[s].1 % ENTRY_LEN as u64 != 0 {
                return Err(corrupt(
                    path,
                    format!(
                        "section {} is not a whole number of entries",
                        SECTION_NAMES[s]
                    ),
                ));
            }
        }
        let index = Index {
            path: path.to_path_buf(),
            header: Header {
                flags,
                kcv,
                customers,
                generation,
                sections,
            },
            map,
            ranges,
        };
        if verify {
            index.verify()?;
        }
        Ok(index)
    }

    /// Checks every section checksum.
    pub(crate) fn verify(&self) -> Result<()> {
        // Hundreds of megabytes at 10 M customers, faulted in from the
        // page cache: the sections are checked side by side, as the start
        // of every scope waits for them.
        let bad: Vec<bool> = std::thread::scope(|scope| {
            let checks: Vec<_> = (0..SECTION_NAMES.len())
                .map(|s| scope.spawn(move || xxh3_64(self.section(s)) != self.header.sections[s].2))
                .collect();
            checks
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        match bad.iter().position(|&b| b) {
            Some(s) => Err(corrupt(
                &self.path,
                format!("checksum mismatch in section {}", SECTION_NAMES[s]),
            )),
            None => Ok(()),
        }
    }

    pub(crate) fn section(&self, s: usize) -> &[u8] {
        &self.map[self.ranges[s].clone()]
    }

    pub(crate) fn file_len(&self) -> u64 {
        self.map.len() as u64
    }

    /// Parses the jurisdiction dictionary (small; copied out at open).
    pub(crate) fn jurisdictions(&self) -> Result<Vec<(String, String)>> {
        let b = self.section(S_JURIS);
        let bad = || corrupt(&self.path, "malformed jurisdiction table");
        if b.len() < 4 {
            return Err(bad());
        }
        let count = u32_at(b, 0) as usize;
        let mut at = 4;
        let mut out = Vec::with_capacity(count.min(65536));
        let take = |at: &mut usize| -> Result<String> {
            let len = *b.get(*at).ok_or_else(bad)? as usize;
            let s = b.get(*at + 1..*at + 1 + len).ok_or_else(bad)?;
            *at += 1 + len;
            String::from_utf8(s.to_vec()).map_err(|_| bad())
        };
        for _ in 0..count {
            let c = take(&mut at)?;
            let r = take(&mut at)?;
            out.push((c, r));
        }
        Ok(out)
    }
}

/// Fingerprint of entry `i` as a big-endian integer, so integer order is
/// byte order.
#[inline]
pub(crate) fn entry_key(entries: &[u8], i: usize) -> u128 {
    let mut a = [0u8; 16];
    a.copy_from_slice(&entries[i * ENTRY_LEN..i * ENTRY_LEN + FP_LEN]);
    u128::from_be_bytes(a)
}

#[inline]
pub(crate) fn entry_tag(entries: &[u8], i: usize) -> u32 {
    u32_at(entries, i * ENTRY_LEN + FP_LEN)
}

/// Where [`find`] starts: a position estimate from the top 64 bits.
fn guess(n: usize, key: u128) -> usize {
    let g = (((key >> 64) as u64 as u128 * n as u128) >> 64) as usize;
    g.min(n.saturating_sub(1))
}

/// Reads the entry [`find`] will read first for `fp`, and nothing else.
/// Reading it for many fingerprints in a loop of its own lets their cache
/// misses overlap; the searches that follow then mostly hit the cache, as
/// the entry sought is within a few of the first one.
pub(crate) fn touch(entries: &[u8], fp: &[u8; FP_LEN]) {
    let n = entries.len() / ENTRY_LEN;
    if n > 0 {
        std::hint::black_box(entry_key(entries, guess(n, u128::from_be_bytes(*fp))));
    }
}

/// Range of entries whose fingerprint equals `fp`.
///
/// Keyed hashes are uniform, so an interpolation guess lands within a few
/// entries of the target; a galloping search from there finishes it. This
/// touches ~2 pages per lookup instead of ~log2(n) for plain bisection,
/// which matters when the map is cold.
pub(crate) fn find(entries: &[u8], fp: &[u8; FP_LEN]) -> Range<usize> {
    let n = entries.len() / ENTRY_LEN;
    if n == 0 {
        return 0..0;
    }
    let key = u128::from_be_bytes(*fp);
    let guess = guess(n, key);
    // Find lo = first index with entry >= key, by galloping from the guess.
    let (mut lo, mut hi);
    if entry_key(entries, guess) < key {
        lo = guess + 1;
        let mut step = 1;
        hi = lo;
        while hi < n && entry_key(entries, hi) < key {
            lo = hi + 1;
            hi = hi.saturating_add(step).min(n);
            step *= 2;
        }
        hi = hi.min(n);
    } else {
        hi = guess;
        let mut step = 1;
        lo = hi;
        while lo > 0 && entry_key(entries, lo - 1) >= key {
            hi = lo - 1;
            lo = lo.saturating_sub(step);
            step *= 2;
        }
    }
    // Invariant: all before lo are < key; all at/after hi are >= key.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if entry_key(entries, mid) < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let start = lo;
    let mut end = start;
    while end < n && entry_key(entries, end) == key {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(keys: &[u128]) -> Vec<u8> {
        let mut v = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            v.extend_from_slice(&k.to_be_bytes());
            v.extend_from_slice(&(i as u32).to_le_bytes());
        }
        v
    }

    #[test]
    fn find_agrees_with_linear_scan() {
        // A deterministic spread of keys with duplicates and clustering.
        let mut keys: Vec<u128> = (0u128..500)
            .map(|i| {
                i.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835u128)
                    .rotate_left(7)
                    / 3
            })
            .collect();
        keys.extend([0, 0, u128::MAX, u128::MAX, 5, 5, 5]);
        keys.sort_unstable();
        let t = table(&keys);
        let probes: Vec<u128> = keys
            .iter()
            .copied()
            .chain([1, 4, 6, u128::MAX - 1, 1 << 100])
            .collect();
        for p in probes {
            let r = find(&t, &p.to_be_bytes());
            let want: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == p).collect();
            assert_eq!(r.clone().collect::<Vec<_>>(), want, "probe {p}");
        }
        assert_eq!(find(&[], &[0; 16]), 0..0);
    }
}
