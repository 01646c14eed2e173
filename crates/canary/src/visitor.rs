//! Canary checks on the one scan pipeline: [`Watch`] wraps any
//! `bw_scan::Visitor` (scan's output, scope's matcher, or nothing), checks
//! each finding against the [`CanarySet`] and hands everything on
//! unchanged. No second scan loop: the canary check rides on whichever
//! pipeline run the command makes.

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;

use bw_detect::Kind;
use bw_scan::{Found, InputDone, Item, Problem, Scanned, Visitor};

use crate::set::{CanarySet, Info};

/// A canary found in scanned data.
#[derive(Clone, Debug)]
pub struct ScanHit {
    pub canary: Info,
    /// The member it was found in (`path` or `archive.zip!entry`).
    pub member: String,
    pub start: u64,
    pub end: u64,
    pub kind: Kind,
}

/// One top-level input that held canaries of one recipient: the unit of
/// evidence (one file, one SHA-256).
#[derive(Clone, Debug)]
pub struct InputHits {
    pub input: String,
    /// SHA-256 and size of the input, when the run hashed it.
    pub digest: Option<(String, u64)>,
    pub recipient: String,
    pub hits: Vec<ScanHit>,
}

/// Input name → (SHA-256, size).
type Digests = BTreeMap<String, (String, u64)>;

/// What every thread's [`Watch`] found, merged.
#[derive(Default)]
pub struct Hits {
    inner: Mutex<(Vec<ScanHit>, Digests)>,
}

impl Hits {
    pub fn new() -> Hits {
        Hits::default()
    }

    /// Checks one finding from a run that has its own visitor (scope's
    /// hook) and keeps it if it is a canary; returns the canary.
    pub fn check<'s>(&self, set: &'s CanarySet, found: &Found<'_>) -> Option<&'s Info> {
        let info = set.check(found.kind, found.value)?;
        let mut hit = vec![ScanHit {
            canary: info.clone(),
            member: found.path.to_string(),
            start: found.start,
            end: found.end,
            kind: found.kind,
        }];
        self.merge(&mut hit, &mut Vec::new());
        Some(info)
    }

    /// The SHA-256 and size of a top-level input, from a run that hashed
    /// it without a [`Watch`] (scope's evidence files).
    pub fn add_digest(&self, input: &str, sha256: &str, size: u64) {
        self.merge(
            &mut Vec::new(),
            &mut vec![(input.to_string(), (sha256.to_string(), size))],
        );
    }

    fn merge(&self, hits: &mut Vec<ScanHit>, digests: &mut Vec<(String, (String, u64))>) {
        let mut g = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        g.0.append(hits);
        g.1.extend(digests.drain(..));
    }

    /// The hits grouped per input and recipient, inputs in name order.
    pub fn into_groups(self) -> Vec<InputHits> {
        let (hits, digests) = match self.inner.into_inner() {
            Ok(x) => x,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut groups: BTreeMap<(String, String), InputHits> = BTreeMap::new();
        for h in hits {
            // The member's top-level input: the longest digested name that
            // is the member itself or a container of it (`name!…`).
            let input = digests
                .keys()
                .filter(|n| {
                    h.member == **n
                        || (h.member.starts_with(n.as_str())
                            && h.member[n.len()..].starts_with('!'))
                })
                .max_by_key(|n| n.len())
                .cloned()
                .unwrap_or_else(|| h.member.split('!').next().unwrap_or_default().to_string());
            let key = (input.clone(), h.canary.recipient.clone());
            groups
                .entry(key)
                .or_insert_with(|| InputHits {
                    digest: digests.get(&input).cloned(),
                    input,
                    recipient: h.canary.recipient.clone(),
                    hits: Vec::new(),
                })
                .hits
                .push(h);
        }
        groups.into_values().collect()
    }
}

/// A visitor that hears of each canary as it is seen, right after the
/// finding that matched it: `scan` reports it as a `canary` finding of its
/// own. Visitors that only need the run's sightings at the end keep the
/// default, which does nothing.
pub trait SeesCanaries: Visitor {
    fn canary(&mut self, found: &Found<'_>, canary: &Info) -> io::Result<()> {
        let _ = (found, canary);
        Ok(())
    }
}

/// A visitor that checks findings for canaries, then passes everything to
/// `inner` (each canary also to [`SeesCanaries::canary`], after its
/// finding). One per pipeline thread, like any visitor.
pub struct Watch<'a, V> {
    inner: V,
    set: &'a CanarySet,
    sink: &'a Hits,
    hits: Vec<ScanHit>,
    digests: Vec<(String, (String, u64))>,
}

impl<'a, V> Watch<'a, V> {
    pub fn new(inner: V, set: &'a CanarySet, sink: &'a Hits) -> Watch<'a, V> {
        Watch {
            inner,
            set,
            sink,
            hits: Vec::new(),
            digests: Vec::new(),
        }
    }
}

impl<V> Drop for Watch<'_, V> {
    fn drop(&mut self) {
        self.sink.merge(&mut self.hits, &mut self.digests);
    }
}

impl<V: SeesCanaries> Visitor for Watch<'_, V> {
    fn finding(&mut self, found: &Found<'_>) -> io::Result<()> {
        let Some(info) = self.set.check(found.kind, found.value) else {
            return self.inner.finding(found);
        };
        self.hits.push(ScanHit {
            canary: info.clone(),
            member: found.path.to_string(),
            start: found.start,
            end: found.end,
            kind: found.kind,
        });
        self.inner.finding(found)?;
        self.inner.canary(found, info)
    }

    fn record(&mut self, member: &str, items: &mut Vec<Item>) {
        self.inner.record(member, items)
    }

    fn scanned(&mut self, scanned: &Scanned<'_>) -> io::Result<()> {
        self.inner.scanned(scanned)
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        if let Some(d) = &done.digest {
            self.digests.push((done.name.to_string(), d.clone()));
        }
        self.inner.input_done(done)
    }

    fn problem(&mut self, problem: Problem<'_>) {
        self.inner.problem(problem)
    }

    fn aborted(&mut self, name: &str, error: io::Error) {
        self.inner.aborted(name, error)
    }

    fn go_on(&self) -> bool {
        self.inner.go_on()
    }
}

/// A visitor that does nothing but collect problems: for a run whose only
/// consumer is the canary check (`breachwatch canary check`).
#[derive(Default)]
pub struct Nothing<'a> {
    pub problems: Option<&'a Mutex<Vec<String>>>,
}

impl SeesCanaries for Nothing<'_> {}

impl Visitor for Nothing<'_> {
    fn finding(&mut self, _: &Found<'_>) -> io::Result<()> {
        Ok(())
    }

    fn problem(&mut self, problem: Problem<'_>) {
        if let Some(p) = self.problems {
            let text = match problem {
                Problem::Source(e) => e.to_string(),
                Problem::Skipped(s) => format!("{s:?}"),
                Problem::Member(e) => e.to_string(),
                Problem::Notice(n) => format!("{n:?}"),
                Problem::Read { member, at, error } => format!("{member}: read at {at}: {error}"),
            };
            if let Ok(mut v) = p.lock() {
                v.push(text);
            }
        }
    }

    fn aborted(&mut self, name: &str, error: io::Error) {
        if let Some(p) = self.problems {
            if let Ok(mut v) = p.lock() {
                v.push(format!("{name}: {error}"));
            }
        }
    }
}
