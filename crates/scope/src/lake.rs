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
//! national read in each of `phone_regions`). Names are not: a name alone
//! names no one (scope attributes it only beside a record's email or
//! phone, which a join of single identifiers cannot see).
//!
//! Never: a leaked value in the output (a fingerprint is keyed: without
//! the key it confirms no guess), or the key.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bw_detect::Kind;
use bw_registry::normalize::email::{self, EmailOptions};
use bw_registry::{Fingerprinter, IdKind};
use bw_scan::{Found, Pipeline, Problem, Scanned, Skip, Visitor};

use crate::phone::{Leaked, Region};
use crate::{Error, ScopeOptions};

/// What a run emitted and could not read.
#[derive(Debug, Default)]
pub struct EmitReport {
    /// Fingerprint lines written.
    pub fingerprints: u64,
    /// Email and phone findings they came from.
    pub identifiers: u64,
    pub bytes_scanned: u64,
    /// Inputs or members that could not be read, as `path: reason`.
    pub errors: Vec<String>,
}

/// Scans `paths` and writes one JSON line per fingerprint to `out`:
/// `{"fingerprint":"<32 hex>","field":"email"|"phone","exact":bool,"path":…,"start":…,"end":…}`.
/// Emails are normalised with `email_opts`, which must be the registry's
/// (`Registry::email_options`: case-sensitive local parts or not).
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
    let pipeline = Pipeline::new(bw_scan::Options {
        kinds: [Kind::Email, Kind::PhoneNumber].into_iter().collect(),
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
        lines: false,
        digest: false,
        split: true,
        records: None,
    });
    let shared = Shared {
        fp,
        email_opts,
        regions,
        out,
        fingerprints: AtomicU64::new(0),
        identifiers: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        errors: Mutex::new(Vec::new()),
        failed: Mutex::new(None),
    };
    pipeline.run(paths, || Emitter {
        shared: &shared,
        buf: Vec::with_capacity(FLUSH_AT * 2),
        e164: Vec::new(),
    });
    if let Some(e) = lock(&shared.failed).take() {
        return Err(Error::Offsets(format!("writing fingerprints: {e}")));
    }
    let mut errors = std::mem::take(&mut *lock(&shared.errors));
    errors.sort();
    Ok(EmitReport {
        fingerprints: shared.fingerprints.into_inner(),
        identifiers: shared.identifiers.into_inner(),
        bytes_scanned: shared.bytes.into_inner(),
        errors,
    })
}

/// The confidence of a customer matched by a join of fingerprints: as
/// [`crate::scope`] computes it, `1 - Π(1 - w)` over the matched kinds
/// (`email`: its best form, exact or variant; `phone`: matched or not).
pub fn confidence(email: Option<bool>, phone: bool) -> f32 {
    let mut miss = 1.0f32;
    if let Some(exact) = email {
        miss *= 1.0 - crate::matcher::weight_of(IdKind::Email, exact);
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
    bytes: AtomicU64,
    errors: Mutex<Vec<String>>,
    failed: Mutex<Option<io::Error>>,
}

struct Emitter<'a> {
    shared: &'a Shared<'a>,
    buf: Vec<u8>,
    e164: Vec<String>,
}

impl Emitter<'_> {
    fn line(&mut self, kind: IdKind, normalised: &str, exact: bool, f: &Found<'_>) {
        let fp = self.shared.fp.fingerprint(kind, normalised);
        self.buf.extend_from_slice(b"{\"fingerprint\":\"");
        for b in fp {
            self.buf.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        let field = if kind == IdKind::Email {
            "email"
        } else {
            "phone"
        };
        let path = serde_json::to_string(f.path).unwrap_or_else(|_| "\"\"".into());
        self.buf.extend_from_slice(
            format!(
                "\",\"field\":\"{field}\",\"exact\":{exact},\"path\":{path},\"start\":{},\"end\":{}}}\n",
                f.start, f.end
            )
            .as_bytes(),
        );
        self.shared.fingerprints.fetch_add(1, Ordering::Relaxed);
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

impl Visitor for Emitter<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        let raw = String::from_utf8_lossy(f.value);
        match f.kind {
            Kind::Email => {
                if let Ok(forms) = email::normalise(&raw, self.shared.email_opts) {
                    self.line(IdKind::Email, &forms.exact, true, f);
                    if let Some(v) = &forms.variant {
                        self.line(IdKind::Email, v, false, f);
                    }
                }
            }
            Kind::PhoneNumber => {
                self.e164.clear();
                match Leaked::parse(&raw) {
                    Some(Leaked::International(e164)) => self.e164.push(e164),
                    Some(Leaked::National(digits)) => {
                        for r in &self.shared.regions {
                            r.candidates(&digits, &mut self.e164);
                        }
                    }
                    None => {}
                }
                for e164 in std::mem::take(&mut self.e164) {
                    self.line(IdKind::Phone, &e164, true, f);
                }
            }
            _ => return Ok(()),
        }
        self.shared.identifiers.fetch_add(1, Ordering::Relaxed);
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn scanned(&mut self, s: &Scanned<'_>) -> io::Result<()> {
        self.shared.bytes.fetch_add(s.bytes, Ordering::Relaxed);
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
        if let Err(e) = self.flush() {
            lock(&self.shared.failed).get_or_insert(e);
        }
    }
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
