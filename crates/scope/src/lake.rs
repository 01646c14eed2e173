//! Scope at data-lake scale, without a registry on every node: a leak's
//! identifiers as registry-keyed fingerprints ([`emit_fingerprints`],
//! `breachwatch scope --emit-fingerprints`), to be joined with the
//! registry's exported fingerprint table by a batch engine, and the
//! confidence of what that join matched ([`confidence`]), by the same
//! weights as [`crate::scope`].
//!
//! What is emitted: each email finding's normalised form (and its variant,
//! `exact: false`, where the registry keeps one), and each phone finding
//! as the E.164 numbers it may stand for (international as written;
//! national read in each of `phone_regions`). A record's names are
//! emitted only beside its email or phone lines (`"field":"name"`, the
//! registry's name forms, the record's span): a name alone names no one,
//! and scope attributes one only to the customer the record's email or
//! phone matched, which the join checks per record. A name-only record
//! gives no line (scope matches such a name at a name's low weight; the
//! lake path does not).
//!
//! The leak is read in records, as [`crate::scope`] reads it (the scan
//! pipeline's [`bw_scan::records`]: a CSV row, a SQL tuple, a log line, a
//! run of findings), so that what else a record holds reaches whoever its
//! email or phone turns out to be: each fingerprint line carries its
//! record's span and the record's other findings as `(kind, detector,
//! count)` — the exposed kinds scope reports, and the detector the
//! password hashing is read from. Findings in no record with an email or
//! phone that gave a fingerprint (a file of SSNs, a credentials dump, a
//! name-only row) are counted per member, kind and detector on lines of
//! their own (`"unattributed": true`): counts, never values.
//!
//! Never: a leaked value in the output (a fingerprint is keyed: without
//! the key it confirms no guess), or the key.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bw_detect::Kind;
use bw_registry::normalize::email::{self, EmailOptions};
use bw_registry::normalize::{name, Forms};
use bw_registry::{Fingerprinter, IdKind};
use bw_scan::records::identifier_slot;
use bw_scan::{Found, Item, Pipeline, Problem, RecordOptions, Scanned, Skip, Visitor};

use crate::phone::{Leaked, Region};
use crate::{Error, ScopeOptions};

/// What a run emitted and could not read.
#[derive(Debug, Default)]
pub struct EmitReport {
    /// Fingerprint lines written.
    pub fingerprints: u64,
    /// Email and phone findings they came from.
    pub identifiers: u64,
    /// Other findings carried on fingerprint lines (in a record with an
    /// email or phone).
    pub carried: u64,
    /// Other findings counted on unattributed lines (in no such record).
    pub unattributed: u64,
    pub bytes_scanned: u64,
    /// Inputs or members that could not be read, as `path: reason`.
    pub errors: Vec<String>,
}

/// Scans `paths` in records and writes JSON lines to `out`, one per
/// fingerprint:
/// `{"fingerprint":"<32 hex>","field":"email"|"phone"|"name","exact":bool,"path":…,"start":…,"end":…,
/// "record_start":…,"record_end":…,"elements":[{"kind","detector","count"}…]}`
/// (`elements`: the record's findings of other kinds than email, phone and
/// name), and per member, kind and detector of findings in no record that
/// gave a fingerprint:
/// `{"unattributed":true,"kind":…,"detector":…,"count":…,"path":…}`.
/// Emails are normalised with `email_opts`, which must be the registry's
/// (`Registry::email_options`: case-sensitive local parts or not). Names
/// (only in a record that gave email or phone lines) are normalised as the
/// registry's are (`normalize::name`: a whole name, or a given and family
/// name found apart as scope pairs them), exact form and variant.
pub fn emit_fingerprints(
    paths: &[PathBuf],
    fp: &Fingerprinter,
    email_opts: EmailOptions,
    opts: &ScopeOptions,
    out: &Mutex<dyn Write + Send>,
) -> Result<EmitReport, Error> {
    if paths.is_empty() {
        return Err(Error::NoPaths);
    }
    let regions: Vec<Region> = opts
        .phone_regions
        .iter()
        .filter_map(|c| Region::new(c))
        .collect();
    // The pipeline scope runs (every kind, records on), so a record here is
    // the record scope attributes by; records need whole members (no split).
    let pipeline = Pipeline::new(bw_scan::Options {
        kinds: Kind::ALL,
        min_score: opts.min_score,
        binary: opts.binary,
        walk: bw_scan::WalkOptions {
            threads: opts.threads.max(1),
            follow_links: opts.follow_links,
            max_filesize: opts.max_filesize,
            resolvers: opts.resolvers.clone(),
            select: opts.select.clone(),
        },
        formats: bw_formats::Options::default(),
        lines: true,
        digest: false,
        split: false,
        records: Some(RecordOptions {
            gap: opts.record_gap,
        }),
    });
    let shared = Shared {
        fp,
        email_opts,
        regions,
        out,
        fingerprints: AtomicU64::new(0),
        identifiers: AtomicU64::new(0),
        carried: AtomicU64::new(0),
        unattributed: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        errors: Mutex::new(Vec::new()),
        failed: Mutex::new(None),
    };
    pipeline.run(paths, || Emitter {
        shared: &shared,
        buf: Vec::with_capacity(FLUSH_AT * 2),
        e164: Vec::new(),
        members: HashMap::new(),
        elements: BTreeMap::new(),
    });
    if let Some(e) = lock(&shared.failed).take() {
        return Err(Error::Offsets(format!("writing fingerprints: {e}")));
    }
    let mut errors = std::mem::take(&mut *lock(&shared.errors));
    errors.sort();
    Ok(EmitReport {
        fingerprints: shared.fingerprints.into_inner(),
        identifiers: shared.identifiers.into_inner(),
        carried: shared.carried.into_inner(),
        unattributed: shared.unattributed.into_inner(),
        bytes_scanned: shared.bytes.into_inner(),
        errors,
    })
}

/// The confidence of a customer matched by a join of fingerprints: as
/// [`crate::scope`] computes it, `1 - Π(1 - w)` over the matched kinds
/// (`email`, `name`: the best form, exact or variant; `phone`: matched or
/// not). `name` only where the record's email or phone matched the same
/// customer, as scope keeps a name.
pub fn confidence(email: Option<bool>, phone: bool, name: Option<bool>) -> f32 {
    let mut miss = 1.0f32;
    if let Some(exact) = email {
        miss *= 1.0 - crate::matcher::weight_of(IdKind::Email, exact);
    }
    if let Some(exact) = name {
        miss *= 1.0 - crate::matcher::weight_of(IdKind::Name, exact);
    }
    if phone {
        miss *= 1.0 - crate::matcher::weight_of(IdKind::Phone, true);
    }
    ((1.0 - miss) * 1000.0).round() / 1000.0
}

const FLUSH_AT: usize = 64 * 1024;

struct Shared<'a> {
    fp: &'a Fingerprinter,
    email_opts: EmailOptions,
    regions: Vec<Region>,
    out: &'a Mutex<dyn Write + Send>,
    fingerprints: AtomicU64,
    identifiers: AtomicU64,
    carried: AtomicU64,
    unattributed: AtomicU64,
    bytes: AtomicU64,
    errors: Mutex<Vec<String>>,
    failed: Mutex<Option<io::Error>>,
}

/// Findings of one member of other kinds than identifiers, per (kind,
/// detector): `(seen, carried)` — all of them, and those on fingerprint
/// lines. What was seen and not carried is unattributed.
type Elements = BTreeMap<(&'static str, &'static str), (u64, u64)>;

struct Emitter<'a> {
    shared: &'a Shared<'a>,
    buf: Vec<u8>,
    e164: Vec<String>,
    /// Per member being read (one at a time per thread, but an archive's
    /// members nest), until its `scanned`.
    members: HashMap<String, Elements>,
    /// The current record's other findings, as JSON once per record.
    elements: BTreeMap<(&'static str, &'static str), u64>,
}

impl Emitter<'_> {
    /// One fingerprint line at `span`; `rest` is the record's part of it.
    fn line(
        &mut self,
        kind: IdKind,
        normalised: &str,
        exact: bool,
        path: &str,
        (start, end): (u64, u64),
        rest: &str,
    ) {
        let fp = self.shared.fp.fingerprint(kind, normalised);
        self.buf.extend_from_slice(b"{\"fingerprint\":\"");
        for b in fp {
            self.buf.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        let field = kind.as_str();
        self.buf.extend_from_slice(
            format!(
                "\",\"field\":\"{field}\",\"exact\":{exact},\"path\":{path},\"start\":{start},\"end\":{end},{rest}}}\n"
            )
            .as_bytes(),
        );
        self.shared.fingerprints.fetch_add(1, Ordering::Relaxed);
    }

    /// The fingerprint lines of one identifier; how many.
    fn identifier(&mut self, path: &str, it: &Item, rest: &str) -> u64 {
        let mut written = 0;
        let span = (it.start, it.end);
        match it.kind {
            Kind::Email => {
                if let Ok(forms) = email::normalise(&it.value, self.shared.email_opts) {
                    self.line(IdKind::Email, &forms.exact, true, path, span, rest);
                    written += 1;
                    if let Some(v) = &forms.variant {
                        self.line(IdKind::Email, v, false, path, span, rest);
                        written += 1;
                    }
                }
            }
            Kind::PhoneNumber => {
                self.e164.clear();
                match Leaked::parse(&it.value) {
                    Some(Leaked::International(e164)) => self.e164.push(e164),
                    Some(Leaked::National(digits)) => {
                        for r in &self.shared.regions {
                            r.candidates(&digits, &mut self.e164);
                        }
                    }
                    None => {}
                }
                for e164 in std::mem::take(&mut self.e164) {
                    self.line(IdKind::Phone, &e164, true, path, span, rest);
                    written += 1;
                }
            }
            _ => return 0,
        }
        self.shared.identifiers.fetch_add(1, Ordering::Relaxed);
        written
    }

    /// The name lines of a record that gave email or phone lines: each
    /// whole name, and each given and family name found apart (two CSV
    /// columns) paired as scope pairs them — in both orders when they
    /// differ (scope tries the second only when the first finds nobody).
    fn names(&mut self, path: &str, items: &[Item], rest: &str) {
        let mut parts: Vec<&Item> = Vec::new();
        for it in items.iter().filter(|it| it.kind == Kind::PersonName) {
            match name::normalise(&it.value) {
                Some(forms) => self.name_lines(&forms, path, (it.start, it.end), rest),
                None => parts.push(it),
            }
        }
        for pair in parts.chunks_exact(2) {
            let (a, b) = (pair[0], pair[1]);
            let (av, bv) = (a.value.trim(), b.value.trim());
            let Some(straight) = name::normalise(&format!("{av} {bv}")) else {
                continue;
            };
            let span = (a.start.min(b.start), a.end.max(b.end));
            self.name_lines(&straight, path, span, rest);
            if let Some(r) = name::normalise(&format!("{av}, {bv}")) {
                if r != straight {
                    self.name_lines(&r, path, span, rest);
                }
            }
        }
    }

    fn name_lines(&mut self, forms: &Forms, path: &str, span: (u64, u64), rest: &str) {
        self.line(IdKind::Name, &forms.exact, true, path, span, rest);
        if let Some(v) = &forms.variant {
            self.line(IdKind::Name, v, false, path, span, rest);
        }
    }

    /// Unattributed lines for what `member` held outside fingerprinted
    /// records.
    fn member_done(&mut self, member: &str) {
        let Some(elements) = self.members.remove(member) else {
            return;
        };
        let path = json_string(member);
        for ((kind, detector), (seen, carried)) in elements {
            let n = seen.saturating_sub(carried);
            if n == 0 {
                continue;
            }
            self.buf.extend_from_slice(
                format!(
                    "{{\"unattributed\":true,\"kind\":\"{kind}\",\"detector\":{},\"count\":{n},\"path\":{path}}}\n",
                    json_string(detector)
                )
                .as_bytes(),
            );
            self.shared.unattributed.fetch_add(n, Ordering::Relaxed);
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let res = lock(self.shared.out).write_all(&self.buf);
        self.buf.clear();
        res
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Kinds that are a record's other data, not who it is.
fn element(kind: Kind) -> bool {
    identifier_slot(kind).is_none()
}

impl Visitor for Emitter<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        if element(f.kind) {
            let key = (f.kind.as_str(), f.detector);
            match self.members.get_mut(f.path) {
                Some(m) => m.entry(key).or_default().0 += 1,
                None => {
                    self.members
                        .insert(f.path.to_string(), BTreeMap::from([(key, (1, 0))]));
                }
            }
        }
        Ok(())
    }

    fn record(&mut self, member: &str, items: &mut Vec<Item>) {
        self.elements.clear();
        let (mut start, mut end) = (u64::MAX, 0);
        for it in items.iter() {
            start = start.min(it.start);
            end = end.max(it.end);
            if element(it.kind) {
                *self
                    .elements
                    .entry((it.kind.as_str(), it.detector))
                    .or_default() += 1;
            }
        }
        let mut rest = format!("\"record_start\":{start},\"record_end\":{end},\"elements\":[");
        for (i, ((kind, detector), n)) in self.elements.iter().enumerate() {
            if i > 0 {
                rest.push(',');
            }
            rest.push_str(&format!(
                "{{\"kind\":\"{kind}\",\"detector\":{},\"count\":{n}}}",
                json_string(detector)
            ));
        }
        rest.push(']');
        let path = json_string(member);
        let mut written = 0;
        for it in items.iter() {
            written += self.identifier(&path, it, &rest);
        }
        if written > 0 {
            // Whose name it is, the join tells by the record's email or
            // phone; a name beside none stays out (it names no one).
            self.names(&path, items, &rest);
            // Carried by the fingerprint lines: the join decides whose.
            let m = self.members.entry(member.to_string()).or_default();
            for (key, n) in &self.elements {
                m.entry(*key).or_default().1 += n;
                self.shared.carried.fetch_add(*n, Ordering::Relaxed);
            }
        }
        if self.buf.len() >= FLUSH_AT {
            if let Err(e) = self.flush() {
                lock(&self.shared.failed).get_or_insert(e);
            }
        }
    }

    fn scanned(&mut self, s: &Scanned<'_>) -> io::Result<()> {
        self.shared.bytes.fetch_add(s.bytes, Ordering::Relaxed);
        self.member_done(s.member);
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn problem(&mut self, p: Problem<'_>) {
        let msg = match p {
            Problem::Source(e) => e.to_string(),
            Problem::Member(e) => e.to_string(),
            Problem::Read { member, at, error } => {
                format!("{member}: reading at byte {at}: {error}")
            }
            // Passed over on purpose, and not personal data: as in scope,
            // a warning for the CLI, not an error here.
            Problem::Notice(_) | Problem::Skipped(Skip::Special(_) | Skip::TooLarge(..)) => return,
        };
        lock(&self.shared.errors).push(msg);
    }

    fn aborted(&mut self, _name: &str, e: io::Error) {
        lock(&self.shared.failed).get_or_insert(e);
    }

    fn go_on(&self) -> bool {
        lock(&self.shared.failed).is_none()
    }
}

impl Drop for Emitter<'_> {
    fn drop(&mut self) {
        // A member whose read stopped part-way: what was read still counts.
        let left: Vec<String> = self.members.keys().cloned().collect();
        for member in left {
            self.member_done(&member);
        }
        if let Err(e) = self.flush() {
            lock(&self.shared.failed).get_or_insert(e);
        }
    }
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
