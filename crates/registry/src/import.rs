//! Initialising a registry and importing customers from CSV.
//!
//! # What a re-import does ("delta")
//! An import is always a full snapshot of the customer base: customers in
//! the registry but not in the CSV are removed, new ids are added, and rows
//! whose content changed get new fingerprints. A keyed hash of every source
//! row is stored, so an unchanged row is recognised by one hash and one
//! binary search in the old registry: it is not normalised or fingerprinted
//! again (phone parsing dominates import cost), and its old fingerprint
//! entries are carried over. The sorted arrays are then rewritten by a
//! linear merge of carried-over and new entries into a new generation file.
//! So a re-import costs one CSV pass + one pass over the old index, plus
//! normalisation only for added and changed rows.
//!
//! # Memory
//! Streaming: rows are read one at a time, never the whole file. What is
//! held is per *customer*, not per byte of input: about 48 bytes of row
//! bookkeeping + the customer id + 20 bytes per fingerprint (typically 3–5
//! per customer), i.e. ~130 MB per million customers at peak during the
//! final sort and merge. A 5 GB CSV of 40 M customers therefore needs ~5 GB;
//! beyond that the fingerprint vectors would have to go through an external
//! sort (see the crate docs).

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{io, Error, Result};
use crate::format::{
    Build, Entry, ENTRY_LEN, FLAG_CASE_SENSITIVE_LOCAL, MAX_CUSTOMERS, VARIANT_BIT,
};
use crate::key::{IdKind, Key, Keys, FP_LEN};
use crate::normalize::email::{self, EmailOptions, EmailProblem};
use crate::normalize::phone::{self, PhoneProblem};
use crate::normalize::{name, Forms};
use crate::registry::{publish, Registry, CURRENT};
use crate::source::{read_csv, read_source, CustomerRow, ImportSource, SourceReport};

/// The logical input fields, in the order of [`ColumnMap`].
pub const FIELDS: [&str; 7] = [
    "customer_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "country",
    "region",
];
const F_ID: usize = 0;
const F_EMAIL: usize = 1;
const F_FIRST: usize = 2;
const F_LAST: usize = 3;
const F_PHONE: usize = 4;
const F_COUNTRY: usize = 5;
const F_REGION: usize = 6;

/// Longest customer id / country / region accepted (bytes).
const MAX_ID_LEN: usize = 256;
const MAX_JURIS_LEN: usize = 64;

/// Which CSV header names feed which field. By default each field is read
/// from the column of the same name. A mapping to the empty string marks a
/// field as absent from this CSV (e.g. `region=` for a file without regions):
/// it is then empty for every row rather than a missing-column error.
///
/// Serialised as its `--map` spec string ([`ColumnMap::to_spec`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ColumnMap {
    headers: [Option<String>; 7],
}

impl Default for ColumnMap {
    fn default() -> Self {
        ColumnMap {
            headers: FIELDS.map(|f| Some(f.to_string())),
        }
    }
}

impl ColumnMap {
    /// Parses `field=Header,field=Header` (the CLI's `--map` syntax).
    pub fn parse(spec: &str) -> Result<ColumnMap> {
        let mut map = ColumnMap::default();
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (field, header) = part.split_once('=').ok_or_else(|| Error::BadColumnMap {
                spec: spec.to_string(),
                reason: format!("{part:?} is not field=Header"),
            })?;
            map.set(field.trim(), header.trim())
                .map_err(|reason| Error::BadColumnMap {
                    spec: spec.to_string(),
                    reason,
                })?;
        }
        Ok(map)
    }

    /// Reads `field` from column `header` (trimmed); empty `header` =
    /// field absent. A header may not contain a comma (the spec separator).
    pub fn set(&mut self, field: &str, header: &str) -> Result<(), String> {
        let i = FIELDS
            .iter()
            .position(|f| *f == field)
            .ok_or_else(|| format!("unknown field {field:?}; fields are {}", FIELDS.join(", ")))?;
        let header = header.trim();
        if i == F_ID && header.is_empty() {
            return Err("customer_id cannot be absent".into());
        }
        if header.contains(',') {
            return Err(format!("header for {field} contains a comma"));
        }
        self.headers[i] = (!header.is_empty()).then(|| header.to_string());
        Ok(())
    }

    /// The header name each field is read from, in [`FIELDS`] order.
    pub fn headers(&self) -> &[Option<String>; 7] {
        &self.headers
    }

    /// The `--map` spec that [`ColumnMap::parse`] turns back into this map:
    /// only fields that differ from the default, `""` for the default map.
    pub fn to_spec(&self) -> String {
        let mut parts = Vec::new();
        for (field, header) in FIELDS.iter().zip(&self.headers) {
            match header {
                Some(h) if h == field => {}
                Some(h) => parts.push(format!("{field}={h}")),
                None => parts.push(format!("{field}=")),
            }
        }
        parts.join(",")
    }
}

impl From<ColumnMap> for String {
    fn from(m: ColumnMap) -> String {
        m.to_spec()
    }
}

impl TryFrom<String> for ColumnMap {
    type Error = Error;
    fn try_from(spec: String) -> Result<ColumnMap> {
        ColumnMap::parse(&spec)
    }
}

/// Import settings.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub columns: ColumnMap,
    /// Recorded in the registry; changing it re-fingerprints every row.
    pub email: EmailOptions,
    /// How many row warnings to keep verbatim in the report (all are
    /// counted).
    pub max_warnings: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            columns: ColumnMap::default(),
            email: EmailOptions::default(),
            max_warnings: 100,
        }
    }
}

/// A problem with one row. Never carries a value from the row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// Row skipped.
    WrongFieldCount { found: usize, expected: usize },
    /// Row skipped if the column is customer_id, else the field is ignored.
    InvalidUtf8 { column: &'static str },
    /// Row skipped.
    EmptyCustomerId,
    /// Row skipped.
    CustomerIdTooLong,
    /// Row skipped; the first row with this id is kept.
    DuplicateCustomerId { first_line: u64 },
    /// Row kept without an email fingerprint.
    MalformedEmail,
    /// Row kept without a phone fingerprint.
    UnparseablePhone,
    /// Row kept without a phone fingerprint: parsed, but not an assigned
    /// number for its region.
    InvalidPhone,
    /// Row kept with the field empty.
    FieldTooLong { column: &'static str },
    /// SQL value of a type with no text form here (cast it in the query).
    /// Row skipped if the column is customer_id, else the field is empty.
    UnsupportedValue { column: &'static str },
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowProblem::WrongFieldCount { found, expected } => {
                write!(
                    f,
                    "row has {found} fields, header has {expected}; row skipped"
                )
            }
            RowProblem::InvalidUtf8 { column } => write!(f, "column {column} is not valid UTF-8"),
            RowProblem::EmptyCustomerId => f.write_str("empty customer_id; row skipped"),
            RowProblem::CustomerIdTooLong => {
                write!(f, "customer_id longer than {MAX_ID_LEN} bytes; row skipped")
            }
            RowProblem::DuplicateCustomerId { first_line } => {
                write!(
                    f,
                    "duplicate customer_id (first at line {first_line}); row skipped"
                )
            }
            RowProblem::MalformedEmail => {
                f.write_str("email is not an address; no email fingerprint")
            }
            RowProblem::UnparseablePhone => {
                f.write_str("phone not parseable with the row's country; no phone fingerprint")
            }
            RowProblem::InvalidPhone => {
                f.write_str("phone is not a valid number; no phone fingerprint")
            }
            RowProblem::FieldTooLong { column } => {
                write!(f, "{column} longer than {MAX_JURIS_LEN} bytes; ignored")
            }
            RowProblem::UnsupportedValue { column } => {
                write!(
                    f,
                    "column {column} has a SQL type without a text form (cast it)"
                )
            }
        }
    }
}

/// A row-level warning: CSV line number (1 = header) and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowWarning {
    pub line: u64,
    pub problem: RowProblem,
}

impl std::fmt::Display for RowWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read (header excluded).
    pub rows: u64,
    /// Customers in the registry after the import.
    pub customers: u64,
    pub added: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub removed: u64,
    /// Rows not imported at all (duplicates, bad ids, bad field counts).
    pub skipped_rows: u64,
    pub duplicate_ids: u64,
    pub empty_emails: u64,
    pub malformed_emails: u64,
    pub empty_phones: u64,
    /// Unparseable or invalid phones (row kept).
    pub bad_phones: u64,
    /// Rows whose name gave no fingerprint (fewer than two name words).
    pub unusable_names: u64,
    pub email_fingerprints: u64,
    pub phone_fingerprints: u64,
    pub name_fingerprints: u64,
    /// Every warning is counted here; only the first `max_warnings` are in
    /// `warnings`.
    pub warnings_total: u64,
    pub warnings: Vec<RowWarning>,
    pub index_file: PathBuf,
    pub index_bytes: u64,
    pub generation: u64,
}

impl ImportReport {
    fn warn(&mut self, max: usize, line: u64, problem: RowProblem) {
        self.warnings_total += 1;
        if self.warnings.len() < max {
            self.warnings.push(RowWarning { line, problem });
        }
    }
}

/// Creates `dir` (if needed) with an empty registry bound to `key`.
/// Returns `false` if a registry already exists there and `key` opens it;
/// [`Error::WrongKey`] if it exists under another key.
pub fn init(dir: &Path, key: &Key) -> Result<bool> {
    fs::create_dir_all(dir).map_err(io("creating registry directory", dir))?;
    if dir.join(CURRENT).exists() {
        Registry::open(dir, key)?;
        return Ok(false);
    }
    let keys = Keys::derive(key);
    let build = Build {
        flags: 0,
        kcv: keys.check_value(),
        generation: 1,
        juris: Vec::new(),
        id_offsets: vec![0],
        id_blob: Vec::new(),
        cust_juris: Vec::new(),
        row_hash: Vec::new(),
        fps: [Vec::new(), Vec::new(), Vec::new()],
    };
    publish(dir, &build, None)?;
    Ok(true)
}

/// What [`init_with_key_file`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InitOutcome {
    pub key_created: bool,
    pub registry_created: bool,
}

/// `registry init` in one call: refuses a key path inside the registry
/// directory, creates the key file (0600) unless it exists, then
/// initialises the registry with that key.
pub fn init_with_key_file(dir: &Path, key_file: &Path) -> Result<(Key, InitOutcome)> {
    fs::create_dir_all(dir).map_err(io("creating registry directory", dir))?;
    let dir_abs = fs::canonicalize(dir).map_err(io("resolving registry directory", dir))?;
    let key_parent = key_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent_abs =
        fs::canonicalize(key_parent).map_err(io("resolving key directory", key_parent))?;
    if parent_abs.starts_with(&dir_abs) {
        return Err(Error::KeyInsideRegistry {
            key: key_file.to_path_buf(),
            registry: dir.to_path_buf(),
        });
    }
    let (key, key_created) = Key::load_or_create_file(key_file)?;
    let registry_created = init(dir, &key)?;
    Ok((
        key,
        InitOutcome {
            key_created,
            registry_created,
        },
    ))
}

/// Imports a CSV file; see [`import_csv`]. The file is recorded as the
/// registry's source (with `opts.columns`), like [`import`] does.
pub fn import_csv_file(
    dir: &Path,
    key: &Key,
    csv_path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    let source = ImportSource::Csv {
        path: csv_path.to_path_buf(),
        columns: opts.columns.clone(),
    };
    import(dir, key, &source, opts)
}

/// Imports customers from `source` (CSV file, stdin `-`, or SQL; the CSV
/// column map is the source's, `opts.columns` is not used) as a full
/// snapshot, like [`import_csv`], and records the source with the new
/// generation, so that [`Registry::import_source`] can re-read contacts
/// later. The recorded form has absolute paths and no password. A stdin
/// source is not recorded (it cannot be read again).
pub fn import(
    dir: &Path,
    key: &Key,
    source: &ImportSource,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    let recorded = if source.is_rereadable() {
        let resolved = source.resolved()?;
        let json = serde_json::to_vec_pretty(&resolved).map_err(|e| Error::Corrupt {
            path: dir.to_path_buf(),
            reason: format!("cannot serialise the import source: {e}"),
        })?;
        Some(json)
    } else {
        None
    };
    import_rows(
        dir,
        key,
        opts,
        |max_w, on_row| read_source(source, max_w, on_row),
        recorded.as_deref(),
    )
}

/// One kept row while importing.
struct Row {
    id_off: u64,
    id_len: u32,
    juris: u16,
    /// Index in the old registry when the id exists there.
    old: Option<u32>,
    /// The old entries can be reused (same id, same row hash).
    reuse: bool,
    row_hash: u64,
    line: u64,
}

/// Imports customers from CSV into the registry in `dir` (which must have
/// been initialised with the same key) as a full snapshot: see the module
/// docs for what a re-import changes and what it costs.
///
/// Fatal errors: a missing column ([`Error::MissingColumn`]), unreadable
/// input, a wrong key. Bad rows are counted and reported instead.
pub fn import_csv<R: Read>(
    dir: &Path,
    key: &Key,
    input: R,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    import_rows(
        dir,
        key,
        opts,
        |max_w, on_row| read_csv(input, &opts.columns, max_w, on_row),
        None,
    )
}

type RowSink<'a> = &'a mut dyn FnMut(&CustomerRow<'_>) -> Result<()>;

/// The import proper: `read` streams the rows (and reports what it
/// skipped); `source_json` is recorded beside the new generation.
fn import_rows(
    dir: &Path,
    key: &Key,
    opts: &ImportOptions,
    read: impl FnOnce(usize, RowSink<'_>) -> Result<SourceReport>,
    source_json: Option<&[u8]>,
) -> Result<ImportReport> {
    let old = Registry::open(dir, key)?;
    let keys = old.keys().clone();
    let flags = if opts.email.case_sensitive_local {
        FLAG_CASE_SENSITIVE_LOCAL
    } else {
        0
    };
    let same_rules = old.flags() == flags;

    let mut report = ImportReport::default();
    let max_w = opts.max_warnings;
    let mut rows: Vec<Row> = Vec::new();
    let mut id_blob: Vec<u8> = Vec::new();
    let mut juris_ix: HashMap<(String, String), u16> = HashMap::new();
    let mut juris: Vec<(String, String)> = Vec::new();
    let mut fresh: [Vec<Entry>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut phones = PendingPhones::default();

    let mut on_row = |row: &CustomerRow<'_>| -> Result<()> {
        let line = row.line;
        let fields = row.fields();
        let id = row.customer_id;
        if id.is_empty() || id.len() > MAX_ID_LEN {
            report.skipped_rows += 1;
            let p = if id.is_empty() {
                RowProblem::EmptyCustomerId
            } else {
                RowProblem::CustomerIdTooLong
            };
            report.warn(max_w, line, p);
            return Ok(());
        }
        let mut country = fields[F_COUNTRY].to_ascii_uppercase();
        let mut region = fields[F_REGION].to_string();
        for (col, v) in [(F_COUNTRY, &mut country), (F_REGION, &mut region)] {
            if v.len() > MAX_JURIS_LEN {
                report.warn(
                    max_w,
                    line,
                    RowProblem::FieldTooLong {
                        column: FIELDS[col],
                    },
                );
                v.clear();
            }
        }
        let row_hash = {
            let mut h = keys.row_hasher();
            h.update(&flags.to_le_bytes());
            for f in fields {
                h.update(&(f.len() as u64).to_le_bytes());
                h.update(f.as_bytes());
            }
            let mut a = [0u8; 8];
            a.copy_from_slice(&h.finalize().as_bytes()[..8]);
            u64::from_le_bytes(a)
        };
        let old_ix = old.find_customer(id);
        let reuse = same_rules && old_ix.is_some_and(|o| old.row_hash(o) == row_hash);

        let ordinal = rows.len() as u64;
        if ordinal >= MAX_CUSTOMERS {
            return Err(Error::Limit(format!("more than {MAX_CUSTOMERS} rows")));
        }
        let ordinal = ordinal as u32;
        let j = match juris_ix.get(&(country.clone(), region.clone())) {
            Some(&j) => j,
            None => {
                let j = u16::try_from(juris.len()).map_err(|_| {
                    Error::Limit("more than 65536 distinct country/region pairs".into())
                })?;
                juris.push((country.clone(), region.clone()));
                juris_ix.insert((country.clone(), region), j);
                j
            }
        };
        if !reuse {
            fingerprint_row(
                &keys,
                opts.email,
                &fields,
                &country,
                ordinal,
                line,
                &mut fresh,
                &mut phones,
                &mut report,
                max_w,
            );
        }
        rows.push(Row {
            id_off: id_blob.len() as u64,
            id_len: id.len() as u32,
            juris: j,
            old: old_ix,
            reuse,
            row_hash,
            line,
        });
        id_blob.extend_from_slice(id.as_bytes());
        Ok(())
    };
    let read_report = read(max_w, &mut on_row)?;
    phones.normalise(&keys, &mut fresh[1], &mut report, max_w);
    report.rows = read_report.rows;
    report.skipped_rows += read_report.skipped_rows;
    report.warnings_total += read_report.warnings_total;
    report.warnings.extend(read_report.warnings);

    // Sort rows by id; the first occurrence of an id wins.
    let id_of = |r: &Row| &id_blob[r.id_off as usize..r.id_off as usize + r.id_len as usize];
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        id_of(&rows[a as usize])
            .cmp(id_of(&rows[b as usize]))
            .then(a.cmp(&b))
    });
    let mut row_to_new = vec![u32::MAX; rows.len()];
    let mut kept: Vec<u32> = Vec::with_capacity(rows.len());
    for (k, &r) in order.iter().enumerate() {
        let dup_of = (k > 0)
            .then(|| order[k - 1])
            .filter(|&p| id_of(&rows[p as usize]) == id_of(&rows[r as usize]));
        if let Some(mut first) = dup_of {
            // Walk back to the first occurrence for the message.
            let mut kk = k - 1;
            while kk > 0 && id_of(&rows[order[kk - 1] as usize]) == id_of(&rows[r as usize]) {
                kk -= 1;
                first = order[kk];
            }
            report.duplicate_ids += 1;
            report.skipped_rows += 1;
            report.warn(
                max_w,
                rows[r as usize].line,
                RowProblem::DuplicateCustomerId {
                    first_line: rows[first as usize].line,
                },
            );
            continue;
        }
        row_to_new[r as usize] = kept.len() as u32;
        kept.push(r);
    }
    drop(order);
    // Warnings come from the reader and two passes here; present the
    // first ones in file order.
    report.warnings.sort_by_key(|w| w.line);
    report.warnings.truncate(max_w);

    let mut old_to_new = vec![u32::MAX; old.len() as usize];
    let mut matched_old = 0u64;
    for (new_ix, &r) in kept.iter().enumerate() {
        let row = &rows[r as usize];
        match (row.old, row.reuse) {
            (Some(o), true) => {
                old_to_new[o as usize] = new_ix as u32;
                report.unchanged += 1;
                matched_old += 1;
            }
            (Some(_), false) => {
                report.changed += 1;
                matched_old += 1;
            }
            (None, _) => report.added += 1,
        }
    }
    report.removed = u64::from(old.len()) - matched_old;
    report.customers = kept.len() as u64;

    let mut fps: [Vec<Entry>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (k, kind) in IdKind::ALL.into_iter().enumerate() {
        let mut new_entries = std::mem::take(&mut fresh[k]);
        new_entries.retain_mut(|e| {
            let n = row_to_new[(e.tag & !VARIANT_BIT) as usize];
            e.tag = n | (e.tag & VARIANT_BIT);
            n != u32::MAX
        });
        new_entries.sort_unstable();
        fps[k] = merge(old.entries(kind), &old_to_new, new_entries);
    }
    report.email_fingerprints = fps[0].len() as u64;
    report.phone_fingerprints = fps[1].len() as u64;
    report.name_fingerprints = fps[2].len() as u64;

    let mut id_offsets = Vec::with_capacity(kept.len() + 1);
    let mut new_blob = Vec::with_capacity(id_blob.len());
    let mut cust_juris = Vec::with_capacity(kept.len());
    let mut row_hash = Vec::with_capacity(kept.len());
    id_offsets.push(0u64);
    for &r in &kept {
        let row = &rows[r as usize];
        new_blob.extend_from_slice(id_of(row));
        id_offsets.push(new_blob.len() as u64);
        cust_juris.push(row.juris);
        row_hash.push(row.row_hash);
    }
    drop(rows);
    drop(id_blob);

    let build = Build {
        flags,
        kcv: keys.check_value(),
        generation: old.generation() + 1,
        juris,
        id_offsets,
        id_blob: new_blob,
        cust_juris,
        row_hash,
        fps,
    };
    // The old mapping must stay valid until the merge is done (it is), and
    // may be dropped before publishing.
    drop(old);
    let (file, bytes) = publish(dir, &build, source_json)?;
    report.index_file = file;
    report.index_bytes = bytes;
    report.generation = build.generation;
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn fingerprint_row(
    keys: &Keys,
    email_opts: EmailOptions,
    fields: &[&str; 7],
    country: &str,
    ordinal: u32,
    line: u64,
    out: &mut [Vec<Entry>; 3],
    phones: &mut PendingPhones,
    report: &mut ImportReport,
    max_w: usize,
) {
    let mut push = |k: usize, kind: IdKind, forms: &Forms| {
        out[k].push(Entry {
            fp: keys.fingerprint(kind, &forms.exact),
            tag: ordinal,
        });
        if let Some(v) = &forms.variant {
            out[k].push(Entry {
                fp: keys.fingerprint(kind, v),
                tag: ordinal | VARIANT_BIT,
            });
        }
    };
    match email::normalise(fields[F_EMAIL], email_opts) {
        Ok(f) => push(0, IdKind::Email, &f),
        Err(EmailProblem::Empty) => report.empty_emails += 1,
        Err(EmailProblem::Malformed) => {
            report.malformed_emails += 1;
            report.warn(max_w, line, RowProblem::MalformedEmail);
        }
    }
    let raw = fields[F_PHONE].trim();
    if raw.is_empty() {
        report.empty_phones += 1;
    } else if raw.len() > phone::MAX_LEN {
        // Rejected unparsed (see `phone::normalise`); not worth deferring.
        report.bad_phones += 1;
        report.warn(max_w, line, RowProblem::UnparseablePhone);
    } else {
        phones.push(country, raw, ordinal, line);
    }
    match name::normalise_parts(fields[F_FIRST], fields[F_LAST]) {
        Some(f) => push(2, IdKind::Name, &f),
        None => report.unusable_names += 1,
    }
}

/// Merges the old sorted entries that survive (remapped through
/// `old_to_new`) with the new sorted entries. Remapping keeps the order by
/// fingerprint, which is all lookups need.
fn merge(old: &[u8], old_to_new: &[u32], new: Vec<Entry>) -> Vec<Entry> {
    let n_old = old.len() / ENTRY_LEN;
    let mut out = Vec::with_capacity(new.len() + n_old);
    let mut new = new.into_iter().peekable();
    for i in 0..n_old {
        let rec = &old[i * ENTRY_LEN..(i + 1) * ENTRY_LEN];
        let mut fp = [0u8; FP_LEN];
        fp.copy_from_slice(&rec[..FP_LEN]);
        let mut t = [0u8; 4];
        t.copy_from_slice(&rec[FP_LEN..]);
        let tag = u32::from_le_bytes(t);
        let Some(&n) = old_to_new.get((tag & !VARIANT_BIT) as usize) else {
            continue;
        };
        if n == u32::MAX {
            continue;
        }
        let e = Entry {
            fp,
            tag: n | (tag & VARIANT_BIT),
        };
        while let Some(x) = new.next_if(|x| x.fp < e.fp) {
            out.push(x);
        }
        out.push(e);
    }
    out.extend(new);
    out
}

/// Phones waiting for normalisation, kept apart from the row pass so they
/// can be parsed grouped by region: libphonenumber's compiled patterns sit
/// in a 100-entry cache, which rows interleaving a dozen countries thrash
/// (import ran at ~650 rows/s that way, against ~10k rows/s for three
/// countries). Values live in one blob, not one `String` per row.
#[derive(Default)]
struct PendingPhones {
    blob: String,
    /// (region, start in `blob`, length, row ordinal, line)
    items: Vec<(Option<phonenumber::country::Id>, u64, u8, u32, u64)>,
    /// Regions in first-seen order; the sort key of `items`.
    order: Vec<Option<phonenumber::country::Id>>,
}

impl PendingPhones {
    /// `raw` is at most [`phone::MAX_LEN`] bytes.
    fn push(&mut self, country: &str, raw: &str, ordinal: u32, line: u64) {
        let region = if country.is_empty() {
            None
        } else {
            phone::region(country)
        };
        if !self.order.contains(&region) {
            self.order.push(region);
        }
        debug_assert!(raw.len() <= phone::MAX_LEN);
        let len = raw.len() as u8;
        self.items
            .push((region, self.blob.len() as u64, len, ordinal, line));
        self.blob.push_str(raw);
    }

    fn normalise(
        mut self,
        keys: &Keys,
        out: &mut Vec<Entry>,
        report: &mut ImportReport,
        max_w: usize,
    ) {
        let order = std::mem::take(&mut self.order);
        let rank = |r: &Option<phonenumber::country::Id>| order.iter().position(|o| o == r);
        // Stable: within a region, file order (so warnings read in order).
        self.items.sort_by_key(|it| rank(&it.0));
        let mut problems: Vec<RowWarning> = Vec::new();
        for &(region, start, len, ordinal, line) in &self.items {
            let raw = self
                .blob
                .get(start as usize..start as usize + usize::from(len))
                .unwrap_or("");
            match phone::normalise_in(raw, region) {
                Ok(e164) => out.push(Entry {
                    fp: keys.fingerprint(IdKind::Phone, &e164),
                    tag: ordinal,
                }),
                Err(PhoneProblem::Empty) => report.empty_phones += 1,
                Err(p) => {
                    report.bad_phones += 1;
                    report.warnings_total += 1;
                    problems.push(RowWarning {
                        line,
                        problem: if p == PhoneProblem::Invalid {
                            RowProblem::InvalidPhone
                        } else {
                            RowProblem::UnparseablePhone
                        },
                    });
                }
            }
        }
        // The first `max_w` by line of these, with the first `max_w` of
        // the others, hold the first `max_w` of all: the caller sorts and
        // truncates.
        problems.sort_by_key(|w| w.line);
        problems.truncate(max_w);
        report.warnings.extend(problems);
    }
}
