//! The registry directory, its atomic generations, and lookups.
//!
//! Layout of a registry directory:
//! ```text
//! CURRENT                  one line: the file name of the live index
//! index-<gen>-<rand>.bwr   index files (see `format`); the live one and
//!                          the one before it, so readers that read CURRENT
//!                          just before a swap can still open theirs
//! index-<gen>-<rand>.source.json
//!                          where that generation's customers were read
//!                          from (an `ImportSource`, no password), if known
//! ```
//! The source file is written before CURRENT names its generation, so a
//! reader sees the source of exactly the generation it opened.
//! A writer builds a new index file under a temporary name, syncs it,
//! moves it into place, then replaces CURRENT by rename. Readers read
//! CURRENT once and map that one file, so they see the old registry or the
//! new one, never a mix. Concurrent *writers* are not coordinated: each
//! produces a complete generation and the last rename wins; callers that
//! may run two imports at once should serialise them.
//!
//! # Invariant: a published generation file is immutable
//! Readers memory-map index files, possibly in other processes, for as
//! long as they run. Bytes changing under a mapping would silently change
//! lookups (the checksums are only checked on open), and truncating a
//! mapped file makes the next read of the lost pages a SIGBUS that kills
//! the reader. So, enforced here and in `format`:
//! - an index file is written only under a fresh temporary name, opened
//!   with `create_new` (never an existing file, never truncated), synced,
//!   and made read-only before it is published;
//! - it is published by a move that refuses to replace an existing file
//!   (`install_new`): a published name is never reused, even by a
//!   writer that happens to draw the same random suffix;
//! - readers open index files read-only, and only the file CURRENT names;
//! - old generations are only ever unlinked (garbage collection), which
//!   leaves every existing mapping intact.
//!
//! Replacing CURRENT by rename is fine: it is read, never mapped. Anyone
//! editing a published index file by hand (tests that simulate corruption
//! do) must expect to crash readers that have it mapped.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{io, Error, Result};
use crate::format::{self, Build, Index, ENTRY_LEN, VARIANT_BIT};
use crate::key::{IdKind, Key, Keys};
use crate::normalize::{email, name, phone, Forms};
use crate::prefilter::Prefilter;
use crate::source::ImportSource;

pub(crate) const CURRENT: &str = "CURRENT";

/// One customer as stored: the id and the jurisdiction, nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerRef<'a> {
    /// Position in the registry (what lookups return).
    pub index: u32,
    pub id: &'a str,
    /// ISO 3166-1 alpha-2 as imported (upper-cased), may be empty.
    pub country: &'a str,
    /// Subdivision (e.g. US state) as imported, may be empty.
    pub region: &'a str,
}

/// One customer a lookup found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Match {
    /// Index for [`Registry::customer`].
    pub customer: u32,
    /// True when the exact normalised form matched the customer's exact
    /// form; false when the match went through a variant (Gmail folding,
    /// diacritic folding), which callers should weigh lower.
    pub exact: bool,
}

/// The customers a lookup found, sorted by index, each once.
///
/// Several candidates are normal for names (people share names) and
/// possible for folded email variants; the caller decides what an
/// ambiguous match means.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matches(Vec<Match>);

impl Matches {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// More than one candidate customer.
    pub fn is_ambiguous(&self) -> bool {
        self.0.len() > 1
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Match> {
        self.0.iter()
    }
    pub fn as_slice(&self) -> &[Match] {
        &self.0
    }
}

impl From<Matches> for Vec<Match> {
    fn from(m: Matches) -> Vec<Match> {
        m.0
    }
}

impl<'a> IntoIterator for &'a Matches {
    type Item = &'a Match;
    type IntoIter = std::slice::Iter<'a, Match>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Sizes, for reports and benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    pub customers: u64,
    pub email_fingerprints: u64,
    pub phone_fingerprints: u64,
    pub name_fingerprints: u64,
    /// Size of the live index file.
    pub file_bytes: u64,
    pub generation: u64,
}

/// How much checking [`Registry::open_with`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Verify {
    /// Header, structure and every section checksum (one sequential read of
    /// the file). The default: silent corruption would mean silently missed
    /// customers.
    #[default]
    Full,
    /// Header checksum, key check and structure only; call
    /// [`Registry::verify`] later. For very large registries on cold disks.
    HeaderOnly,
}

/// An open, read-only registry generation.
pub struct Registry {
    dir: PathBuf,
    keys: Keys,
    index: Index,
    juris: Vec<(String, String)>,
    /// Built on request ([`Registry::build_prefilter`]), one per kind.
    prefilter: std::sync::OnceLock<[Prefilter; 3]>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("path", &self.index.path)
            .field("customers", &self.index.header.customers)
            .finish_non_exhaustive()
    }
}

/// Reads CURRENT and returns the path of the live index file.
fn current_file(dir: &Path) -> Result<PathBuf> {
    let cur = dir.join(CURRENT);
    let text = match fs::read_to_string(&cur) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotInitialised {
                path: dir.to_path_buf(),
            })
        }
        Err(e) => return Err(io("reading CURRENT", &cur)(e)),
    };
    let name = text.trim();
    let ok = name.starts_with("index-")
        && name.ends_with(".bwr")
        && !name.contains(['/', '\\'])
        && name.len() < 128;
    if !ok {
        return Err(Error::Corrupt {
            path: cur,
            reason: "CURRENT does not name an index file".into(),
        });
    }
    Ok(dir.join(name))
}

impl Registry {
    /// Opens the live generation of the registry in `dir` and checks it
    /// fully (see [`Verify::Full`]).
    ///
    /// Errors: [`Error::NotInitialised`], [`Error::WrongKey`] (the key is not
    /// the one the registry was built with), [`Error::Corrupt`].
    pub fn open(dir: &Path, key: &Key) -> Result<Registry> {
        Registry::open_with(dir, key, Verify::Full)
    }

    pub fn open_with(dir: &Path, key: &Key, verify: Verify) -> Result<Registry> {
        let keys = Keys::derive(key);
        // A writer may publish a new generation and remove the one we just
        // read from CURRENT before we open it; re-reading CURRENT resolves
        // that race.
        let mut attempts = 0;
        let index = loop {
            let file = current_file(dir)?;
            match Index::open(&file, false) {
                Ok(i) => break i,
                Err(Error::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound && attempts < 5 =>
                {
                    attempts += 1;
                }
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Error::Corrupt {
                        path: file,
                        reason: "CURRENT names an index file that does not exist".into(),
                    })
                }
                Err(e) => return Err(e),
            }
        };
        // Key check before the checksums, so a wrong key is reported as
        // such even on a large registry, and quickly.
        if index.header.kcv != keys.check_value() {
            return Err(Error::WrongKey {
                path: dir.to_path_buf(),
            });
        }
        if verify == Verify::Full {
            index.verify()?;
        }
        let juris = index.jurisdictions()?;
        Ok(Registry {
            dir: dir.to_path_buf(),
            keys,
            index,
            juris,
            prefilter: std::sync::OnceLock::new(),
        })
    }

    /// Checks every section checksum (what [`Verify::Full`] does on open).
    pub fn verify(&self) -> Result<()> {
        self.index.verify()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the index file this handle reads.
    pub fn file(&self) -> &Path {
        &self.index.path
    }

    /// Number of customers.
    pub fn len(&self) -> u32 {
        self.index.header.customers as u32
    }

    pub fn is_empty(&self) -> bool {
        self.index.header.customers == 0
    }

    pub fn stats(&self) -> Stats {
        let n = |s| (self.index.section(s).len() / ENTRY_LEN) as u64;
        Stats {
            customers: self.index.header.customers,
            email_fingerprints: n(format::S_FP_EMAIL),
            phone_fingerprints: n(format::S_FP_PHONE),
            name_fingerprints: n(format::S_FP_NAME),
            file_bytes: self.index.file_len(),
            generation: self.index.header.generation,
        }
    }

    /// The email options the registry was imported with (lookups use them).
    pub fn email_options(&self) -> email::EmailOptions {
        email::EmailOptions {
            case_sensitive_local: self.index.header.flags & format::FLAG_CASE_SENSITIVE_LOCAL != 0,
        }
    }

    /// The customer at `index`, or `None` if out of range (or the stored
    /// row is malformed, which the checksums make practically impossible).
    pub fn customer(&self, index: u32) -> Option<CustomerRef<'_>> {
        let i = index as usize;
        if i >= self.len() as usize {
            return None;
        }
        let id = std::str::from_utf8(self.id_bytes(i)?).ok()?;
        let cj = self.index.section(format::S_CUST_JURIS);
        let j = u16::from_le_bytes([*cj.get(2 * i)?, *cj.get(2 * i + 1)?]) as usize;
        let (country, region) = self.juris.get(j)?;
        Some(CustomerRef {
            index,
            id,
            country,
            region,
        })
    }

    /// Customers per country (ISO code as imported; customers without a
    /// country are left out), most frequent first, ties by code. One pass
    /// over the two-byte jurisdiction of each customer: no ids are read.
    pub fn country_counts(&self) -> Vec<(&str, u64)> {
        let cj = self.index.section(format::S_CUST_JURIS);
        let mut per_juris = vec![0u64; self.juris.len()];
        for j in cj.chunks_exact(2) {
            if let Some(n) = per_juris.get_mut(usize::from(u16::from_le_bytes([j[0], j[1]]))) {
                *n += 1;
            }
        }
        let mut per_country: Vec<(&str, u64)> = Vec::new();
        for ((country, _), n) in self.juris.iter().zip(per_juris) {
            if country.is_empty() || n == 0 {
                continue;
            }
            match per_country.iter_mut().find(|(c, _)| c == country) {
                Some((_, total)) => *total += n,
                None => per_country.push((country, n)),
            }
        }
        per_country.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        per_country
    }

    fn id_bytes(&self, i: usize) -> Option<&[u8]> {
        let offs = self.index.section(format::S_ID_OFFSETS);
        let blob = self.index.section(format::S_ID_BLOB);
        let a = format::u64_at(offs, 8 * i) as usize;
        let b = format::u64_at(offs, 8 * (i + 1)) as usize;
        blob.get(a..b)
    }

    /// Index of the customer with this id (ids are stored sorted).
    pub fn find_customer(&self, id: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.len() as usize);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id_bytes(mid)?.cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    pub(crate) fn row_hash(&self, i: u32) -> u64 {
        format::u64_at(self.index.section(format::S_ROW_HASH), 8 * i as usize)
    }

    pub(crate) fn flags(&self) -> u32 {
        self.index.header.flags
    }

    pub(crate) fn generation(&self) -> u64 {
        self.index.header.generation
    }

    pub(crate) fn keys(&self) -> &Keys {
        &self.keys
    }

    pub(crate) fn entries(&self, kind: IdKind) -> &[u8] {
        self.index.section(section_of(kind))
    }

    /// Looks up an email as found in a leak (any case, Gmail variants).
    pub fn lookup_email(&self, raw: &str) -> Matches {
        match email::normalise(raw, self.email_options()) {
            Ok(f) => self.lookup_forms(IdKind::Email, &f),
            Err(_) => Matches::default(),
        }
    }

    /// Looks up a phone; national formats need `default_region` (ISO
    /// alpha-2), e.g. the jurisdiction the leak is about.
    pub fn lookup_phone(&self, raw: &str, default_region: Option<&str>) -> Matches {
        match phone::normalise(raw, default_region) {
            Ok(e164) => self.lookup_forms(
                IdKind::Phone,
                &Forms {
                    exact: e164,
                    variant: None,
                },
            ),
            Err(_) => Matches::default(),
        }
    }

    /// Looks up a full name ("First Last", "Last, First", with titles or
    /// initials). Expect several candidates for common names.
    pub fn lookup_name(&self, raw: &str) -> Matches {
        match name::normalise(raw) {
            Some(f) => self.lookup_forms(IdKind::Name, &f),
            None => Matches::default(),
        }
    }

    /// Builds in-memory membership filters in front of the index (about
    /// one byte per fingerprint; one sequential read of the index), after
    /// which lookups of identifiers that are not in the registry mostly
    /// skip the index. For callers with many lookups, most of them misses;
    /// returns the filters' size in bytes. Idempotent.
    pub fn build_prefilter(&self) -> usize {
        let f = self.prefilter.get_or_init(|| {
            // One filter per kind, each a sequential pass over its section:
            // built side by side (1.6 s of scope's start at 10 M customers
            // when built one after the other).
            std::thread::scope(|s| {
                IdKind::ALL
                    .map(|kind| s.spawn(move || Prefilter::build(self.entries(kind))))
                    .map(|h| match h.join() {
                        Ok(f) => f,
                        Err(panic) => std::panic::resume_unwind(panic),
                    })
            })
        });
        f.iter().map(Prefilter::bytes).sum()
    }

    /// Looks up already-normalised forms (as produced by this crate's
    /// normalisers) of one identifier.
    pub fn lookup_forms(&self, kind: IdKind, forms: &Forms) -> Matches {
        let mut q = Lookups::default();
        q.push_forms(forms);
        self.lookup_one(kind, &q)
    }

    /// Looks up several exact normalised forms that may each be the same
    /// identifier (a national phone number read in several regions): the
    /// customers any of them belongs to.
    pub fn lookup_any(&self, kind: IdKind, exact: &[String]) -> Matches {
        let mut q = Lookups::default();
        q.push_any(exact.iter().map(String::as_str));
        self.lookup_one(kind, &q)
    }

    fn lookup_one(&self, kind: IdKind, q: &Lookups) -> Matches {
        self.lookup_batch(kind, q).pop().unwrap_or_default()
    }

    /// Looks up many identifiers of one kind at once: the matches of each
    /// identifier pushed into `q`, in push order. A customer found through
    /// both an exact and a variant form is reported once, as exact.
    ///
    /// The prefilter is tested for every probe of the batch in a loop of
    /// its own before any index access: its table is larger than the cache
    /// for millions of customers, and independent reads let the CPU overlap
    /// their misses instead of waiting for each after hashing the next
    /// probe; the first index entry each surviving probe's search will
    /// read is then touched the same way. Callers with many identifiers
    /// should batch them (hundreds): most identifiers have a single form,
    /// so one at a time leaves nothing to overlap.
    pub fn lookup_batch(&self, kind: IdKind, q: &Lookups) -> Vec<Matches> {
        let entries = self.entries(kind);
        let fps: Vec<crate::key::Fingerprint> = q
            .probes
            .iter()
            .map(|(r, _)| self.keys.fingerprint(kind, &q.texts[r.clone()]))
            .collect();
        let maybe: Vec<bool> = match self.prefilter.get() {
            Some(f) => {
                let f = &f[kind_ix(kind)];
                fps.iter().map(|fp| f.may_contain(fp)).collect()
            }
            None => vec![true; fps.len()],
        };
        for (fp, _) in fps.iter().zip(&maybe).filter(|(_, m)| **m) {
            format::touch(entries, fp);
        }
        let mut out = Vec::with_capacity(q.ends.len());
        let mut start = 0;
        for &end in &q.ends {
            let mut found: Vec<Match> = Vec::new();
            for i in (start..end).filter(|&i| maybe[i]) {
                let query_exact = q.probes[i].1;
                for e in format::find(entries, &fps[i]) {
                    let tag = format::entry_tag(entries, e);
                    found.push(Match {
                        customer: tag & !VARIANT_BIT,
                        exact: query_exact && tag & VARIANT_BIT == 0,
                    });
                }
            }
            // Exact sorts after variant for the same customer; keep the exact.
            found.sort_unstable_by(|a, b| a.customer.cmp(&b.customer).then(b.exact.cmp(&a.exact)));
            found.dedup_by_key(|m| m.customer);
            out.push(Matches(found));
            start = end;
        }
        out
    }
}

/// Identifiers of one kind to look up together with
/// [`Registry::lookup_batch`]: each pushed identifier is one or more
/// normalised forms. Reuse one (after [`Lookups::clear`]) to avoid
/// allocating per batch.
#[derive(Clone, Debug, Default)]
pub struct Lookups {
    /// Every form's text, back to back.
    texts: String,
    /// Each form: its range in `texts`, and whether it is an exact form.
    probes: Vec<(std::ops::Range<usize>, bool)>,
    /// Each identifier: the end of its forms in `probes`.
    ends: Vec<usize>,
}

impl Lookups {
    pub fn clear(&mut self) {
        self.texts.clear();
        self.probes.clear();
        self.ends.clear();
    }

    fn probe(&mut self, text: &str, exact: bool) {
        let from = self.texts.len();
        self.texts.push_str(text);
        self.probes.push((from..self.texts.len(), exact));
    }

    /// One identifier given by its normalised forms.
    pub fn push_forms(&mut self, forms: &Forms) {
        self.probe(&forms.exact, true);
        if let Some(v) = &forms.variant {
            self.probe(v, false);
        }
        self.ends.push(self.probes.len());
    }

    /// One identifier that may be any of these exact forms (a national
    /// phone number read in several regions); none at all finds nobody.
    pub fn push_any<'a>(&mut self, exact: impl IntoIterator<Item = &'a str>) {
        for e in exact {
            self.probe(e, true);
        }
        self.ends.push(self.probes.len());
    }
}

impl Registry {
    /// Where this generation's customers were imported from (recorded by
    /// [`crate::import`]); `None` when unknown (imported from a reader or
    /// stdin) or unreadable — see [`Registry::try_import_source`].
    pub fn import_source(&self) -> Option<ImportSource> {
        self.try_import_source().ok().flatten()
    }

    /// Like [`Registry::import_source`], but a recorded source that cannot
    /// be read is an error instead of `None`.
    pub fn try_import_source(&self) -> Result<Option<ImportSource>> {
        let path = source_file(&self.index.path);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("reading the import source", &path)(e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::Corrupt {
                path,
                reason: format!("import source is not valid: {e}"),
            })
    }
}

/// The source record beside an index file.
fn source_file(index: &Path) -> PathBuf {
    index.with_extension("source.json")
}

/// Position of `kind` in [`IdKind::ALL`].
fn kind_ix(kind: IdKind) -> usize {
    match kind {
        IdKind::Email => 0,
        IdKind::Phone => 1,
        IdKind::Name => 2,
    }
}

pub(crate) fn section_of(kind: IdKind) -> usize {
    match kind {
        IdKind::Email => format::S_FP_EMAIL,
        IdKind::Phone => format::S_FP_PHONE,
        IdKind::Name => format::S_FP_NAME,
    }
}

/// Writes `build` (and `source_json`, the record of where its customers
/// came from) as the next generation of `dir` and makes it live.
/// Returns the path and size of the new index file.
pub(crate) fn publish(
    dir: &Path,
    build: &Build,
    source_json: Option<&[u8]>,
) -> Result<(PathBuf, u64)> {
    let pid = std::process::id();
    let mut tag = random_tag()?;
    // Independent of the final name, so a name collision costs one more
    // link attempt, not rewriting the file.
    let tmp = dir.join(format!(
        ".index-{:016}.{pid}.{tag:08x}.tmp",
        build.generation
    ));
    let bytes = match format::write(&tmp, build) {
        Ok(b) => b,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let mut attempts = 0;
    let (name, dest) = loop {
        let name = format!("index-{:016}-{tag:08x}.bwr", build.generation);
        let dest = dir.join(&name);
        match install_new(&tmp, &dest) {
            Ok(()) => break (name, dest),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempts < 8 => {
                attempts += 1;
                tag = random_tag()?;
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(io("publishing index file", &dest)(e));
            }
        }
    };
    if let Some(json) = source_json {
        let src = source_file(&dest);
        let src_tmp = dir.join(format!(".{name}.{pid}.source.tmp"));
        let write_src = || -> std::io::Result<()> {
            let mut f = fs::File::options()
                .write(true)
                .create_new(true)
                .open(&src_tmp)?;
            f.write_all(json)?;
            f.sync_all()
        };
        write_src().map_err(io("writing the import source", &src_tmp))?;
        // `dest` is a name nobody had, so neither has its source record
        // unless a writer crashed half-way through garbage collection.
        install_new(&src_tmp, &src).map_err(io("publishing the import source", &src))?;
    }

    let previous = current_file(dir).ok();
    let cur_tmp = dir.join(format!(".CURRENT.{pid}.{tag:08x}.tmp"));
    let write_cur = || -> std::io::Result<()> {
        let mut f = fs::File::options()
            .write(true)
            .create_new(true)
            .open(&cur_tmp)?;
        f.write_all(format!("{name}\n").as_bytes())?;
        f.sync_all()
    };
    write_cur().map_err(io("writing CURRENT", &cur_tmp))?;
    let cur = dir.join(CURRENT);
    fs::rename(&cur_tmp, &cur).map_err(io("replacing CURRENT", &cur))?;
    // The rename is durable only once the directory entry is.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    collect_garbage(dir, &dest, previous.as_deref());
    Ok((dest, bytes))
}

fn random_tag() -> Result<u32> {
    let mut rnd = [0u8; 4];
    getrandom::fill(&mut rnd).map_err(|e| Error::Random(e.to_string()))?;
    Ok(u32::from_le_bytes(rnd))
}

/// Moves the finished file `tmp` to `dest`, failing with `AlreadyExists`
/// instead of replacing a file already there: a plain rename would
/// silently swap the inode behind a published name, and the name-reuse
/// half of the immutability invariant would rest on the random suffix
/// alone. A hard link is the portable create-if-absent move.
pub(crate) fn install_new(tmp: &Path, dest: &Path) -> std::io::Result<()> {
    match fs::hard_link(tmp, dest) {
        Ok(()) => {
            // A leftover temporary name costs disk space, not correctness.
            let _ = fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            // Filesystems without hard links (FAT, some network shares):
            // check, then rename. Only a concurrent writer that drew the
            // same random name could slip in between, and concurrent
            // writers are not supported anyway (see the module docs).
            if fs::symlink_metadata(dest).is_ok() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "a published file already has this name",
                ));
            }
            fs::rename(tmp, dest)
        }
    }
}

/// Removes index files (and their source records) other than the live one
/// and its predecessor. Best effort: a leftover file costs disk, never
/// correctness.
fn collect_garbage(dir: &Path, live: &Path, previous: Option<&Path>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let keep = |index: &Path| index == live || Some(index) == previous;
    for e in rd.flatten() {
        let p = e.path();
        let n = e.file_name();
        let n = n.to_string_lossy();
        if !n.starts_with("index-") {
            continue;
        }
        let index = if n.ends_with(".bwr") {
            p.clone()
        } else if let Some(stem) = n.strip_suffix(".source.json") {
            dir.join(format!("{stem}.bwr"))
        } else {
            continue;
        };
        if !keep(&index) {
            let _ = fs::remove_file(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_new_never_replaces_a_published_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (tmp, dest) = (dir.path().join("new.tmp"), dir.path().join("index.bwr"));
        fs::write(&dest, b"published").expect("write");
        fs::write(&tmp, b"newcomer").expect("write");
        let err = install_new(&tmp, &dest).expect_err("must refuse an existing name");
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&dest).expect("read"), b"published");
        // The temporary file is kept so the caller can try another name.
        assert_eq!(fs::read(&tmp).expect("read"), b"newcomer");

        let other = dir.path().join("index-2.bwr");
        install_new(&tmp, &other).expect("free name");
        assert_eq!(fs::read(&other).expect("read"), b"newcomer");
        assert!(!tmp.exists());
    }

    #[test]
    fn index_files_are_only_created_never_opened_again_for_writing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.bwr");
        let build = Build {
            flags: 0,
            kcv: [0; 32],
            generation: 1,
            juris: Vec::new(),
            id_offsets: vec![0],
            id_blob: Vec::new(),
            cust_juris: Vec::new(),
            row_hash: Vec::new(),
            fps: [Vec::new(), Vec::new(), Vec::new()],
        };
        format::write(&path, &build).expect("write");
        let before = fs::read(&path).expect("read");
        assert!(fs::metadata(&path).expect("stat").permissions().readonly());
        let again = Build {
            generation: 2,
            ..build
        };
        assert!(format::write(&path, &again).is_err());
        assert_eq!(fs::read(&path).expect("read"), before);
    }
}
