//! One evidence file, read once: SHA-256 and size of its bytes as given,
//! how many findings of each kind a scan sees in it (archives and
//! compressed files expanded), and, with a registry, the customers it
//! exposes. Values found are counted, never kept. An object in a store
//! (`s3://bucket/key`) is read the same way through the resolvers the
//! front end passes, and its evidence names its URL and version (ETag).
//! A front end that watches for more in the same read (canary customers)
//! passes a [`FindingHook`], called with every finding.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bw_detect::Kind;
use bw_registry::Registry;
use bw_scan::{Found, InputDone, Pipeline, Problem, Resolvers, Visitor};
use bw_store::{Affected, Evidence, UnattributedElement};
use time::OffsetDateTime;

use crate::unattributed::Counts;
use crate::Error;

/// Called with every finding of the read (scope's hook type).
pub use bw_scope::FindingHook;

/// What reading one evidence file gave.
#[derive(Debug)]
pub struct Collected {
    pub evidence: Evidence,
    /// The customers it exposes; empty without a registry.
    pub affected: Vec<Affected>,
    /// Findings of credential and identity-number kinds no customer was
    /// tied to (all of them without a registry): detected, unattributed.
    pub unattributed: Vec<UnattributedElement>,
    /// Parts that could not be read (corrupt archive members and the
    /// like): the counts cover what could. For the front end to show.
    pub problems: Vec<String>,
    /// Parts skipped or suspicious (links in archives, binary members).
    pub warnings: Vec<String>,
}

/// Reads `path` once. `registry`, when there is one, is matched against
/// in the same pass. The file must not change while it is read: counts
/// that do not belong to the hash are worse than no record.
pub fn collect(
    path: &Path,
    encrypted: bool,
    registry: Option<&Registry>,
) -> Result<Collected, Error> {
    collect_with(path, encrypted, registry, None)
}

/// [`collect`], calling `on_finding` with every finding of the read (the
/// canary check of `incident add-evidence` and the server's evidence).
pub fn collect_with(
    path: &Path,
    encrypted: bool,
    registry: Option<&Registry>,
    on_finding: Option<&FindingHook>,
) -> Result<Collected, Error> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return Err(Error::Directory(path.to_path_buf()));
    }
    let before = (meta.len(), meta.modified().ok());
    let none = Resolvers::default();
    let Read {
        digest,
        counts,
        affected,
        unattributed,
        problems,
        warnings,
        ..
    } = match registry {
        Some(reg) => scoped(path, reg, &none, on_finding)?,
        None => counted(path, &none, on_finding),
    };
    let Some((sha256, size_bytes)) = digest else {
        return Err(Error::Unreadable {
            path: path.to_path_buf(),
            message: problems.join("; "),
        });
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if (meta.len(), meta.modified().ok()) != before {
        return Err(Error::Changed(path.to_path_buf()));
    }
    let source = std::fs::canonicalize(path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string());
    Ok(Collected {
        evidence: Evidence {
            source,
            sha256,
            size_bytes,
            collected_at: OffsetDateTime::now_utc(),
            finding_counts: counts,
            encrypted,
            version: None,
        },
        affected,
        unattributed,
        problems,
        warnings,
    })
}

/// Reads one object of a remote source (`s3://bucket/key`), which one of
/// `resolvers` claims, once: its evidence is the object's URL, the
/// SHA-256 and size of the bytes read and the version (ETag) they were
/// read at (the store refuses a GET of another version, so the counts
/// and the hash are of the same bytes). A URL that names several objects
/// (a prefix) is an error: evidence is one object.
pub fn collect_remote(
    url: &str,
    encrypted: bool,
    registry: Option<&Registry>,
    resolvers: &Resolvers,
) -> Result<Collected, Error> {
    collect_remote_with(url, encrypted, registry, resolvers, None)
}

/// [`collect_remote`], calling `on_finding` with every finding of the read.
pub fn collect_remote_with(
    url: &str,
    encrypted: bool,
    registry: Option<&Registry>,
    resolvers: &Resolvers,
    on_finding: Option<&FindingHook>,
) -> Result<Collected, Error> {
    let path = PathBuf::from(url);
    let read = match registry {
        Some(reg) => scoped(&path, reg, resolvers, on_finding)?,
        None => counted(&path, resolvers, on_finding),
    };
    if read.inputs > 1 {
        return Err(Error::NotOneObject {
            name: url.to_string(),
            count: read.inputs,
        });
    }
    let Some((sha256, size_bytes)) = read.digest else {
        return Err(Error::Unreadable {
            path,
            message: if read.problems.is_empty() {
                "no object there".to_string()
            } else {
                read.problems.join("; ")
            },
        });
    };
    Ok(Collected {
        evidence: Evidence {
            source: url.to_string(),
            sha256,
            size_bytes,
            collected_at: OffsetDateTime::now_utc(),
            finding_counts: read.counts,
            encrypted,
            version: read.version,
        },
        affected: read.affected,
        unattributed: read.unattributed,
        problems: read.problems,
        warnings: read.warnings,
    })
}

#[derive(Default)]
struct Read {
    /// Top-level inputs read (one, for a file or an object).
    inputs: usize,
    digest: Option<(String, u64)>,
    version: Option<String>,
    counts: BTreeMap<String, u64>,
    affected: Vec<Affected>,
    unattributed: Vec<UnattributedElement>,
    problems: Vec<String>,
    warnings: Vec<String>,
}

fn texts(items: &[bw_scope::ItemError]) -> Vec<String> {
    items
        .iter()
        .map(|e| format!("{}: {}", e.path, e.message))
        .collect()
}

/// With a registry: scope's pass gives the hash, the counts and the
/// affected customers at once.
fn scoped(
    path: &Path,
    reg: &Registry,
    resolvers: &Resolvers,
    on_finding: Option<&FindingHook>,
) -> Result<Read, Error> {
    let tracked = Counts::default();
    let hook = tracked.clone();
    let theirs = on_finding.cloned();
    let opts = bw_scope::ScopeOptions {
        resolvers: resolvers.clone(),
        on_finding: Some(bw_scope::FindingHook(std::sync::Arc::new(
            move |f: &bw_scan::Found<'_>| {
                hook.add(f.kind.as_str(), f.detector);
                if let Some(h) = &theirs {
                    (h.0)(f);
                }
            },
        ))),
        ..bw_scope::ScopeOptions::default()
    };
    let report =
        bw_scope::scope(&[path.to_path_buf()], reg, &opts).map_err(|source| Error::Scope {
            path: path.to_path_buf(),
            source,
        })?;
    let file = report.files.first();
    let digest = file.map(|f| (f.sha256.clone(), f.size));
    let counts = file
        .map(|f| {
            f.findings
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect()
        })
        .unwrap_or_default();
    let affected: Vec<Affected> = report
        .affected
        .iter()
        .map(crate::affected::to_store)
        .collect();
    Ok(Read {
        inputs: report.files.len(),
        digest,
        version: file.and_then(|f| f.version.clone()),
        counts,
        unattributed: tracked.unattributed(&affected),
        affected,
        problems: texts(&report.errors),
        warnings: texts(&report.warnings),
    })
}

/// Without one: the pipeline's pass with a counting visitor.
fn counted(path: &Path, resolvers: &Resolvers, on_finding: Option<&FindingHook>) -> Read {
    let pipeline = Pipeline::new(bw_scan::Options {
        // Only kinds are counted: no line numbers to keep.
        lines: false,
        digest: true,
        walk: bw_scan::WalkOptions {
            threads: 1,
            resolvers: resolvers.clone(),
            ..bw_scan::WalkOptions::default()
        },
        ..bw_scan::Options::default()
    });
    let out = Mutex::new(Counter::default());
    let tracked = Counts::default();
    pipeline.run(&[path.to_path_buf()], || Tally {
        counts: [0; Kind::COUNT],
        tracked: &tracked,
        out: &out,
        on_finding,
    });
    let c = out.into_inner().unwrap_or_else(|p| p.into_inner());
    let counts = Kind::ALL
        .iter()
        .filter(|k| c.counts[k.index()] > 0)
        .map(|k| (k.as_str().to_string(), c.counts[k.index()]))
        .collect();
    Read {
        inputs: c.inputs,
        digest: c.digest,
        version: c.version,
        counts,
        affected: Vec::new(),
        // Without a registry nobody was tied to anything.
        unattributed: tracked.unattributed(&[]),
        problems: c.problems,
        warnings: c.warnings,
    }
}

#[derive(Default)]
struct Counter {
    counts: [u64; Kind::COUNT],
    inputs: usize,
    digest: Option<(String, u64)>,
    version: Option<String>,
    problems: Vec<String>,
    warnings: Vec<String>,
}

struct Tally<'a> {
    counts: [u64; Kind::COUNT],
    tracked: &'a Counts,
    out: &'a Mutex<Counter>,
    on_finding: Option<&'a FindingHook>,
}

impl Tally<'_> {
    fn out(&self) -> std::sync::MutexGuard<'_, Counter> {
        self.out.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Visitor for Tally<'_> {
    fn finding(&mut self, found: &Found<'_>) -> io::Result<()> {
        self.counts[found.kind.index()] += 1;
        self.tracked.add(found.kind.as_str(), found.detector);
        if let Some(h) = self.on_finding {
            (h.0)(found);
        }
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        let counts = std::mem::replace(&mut self.counts, [0; Kind::COUNT]);
        let mut out = self.out();
        for (total, n) in out.counts.iter_mut().zip(counts) {
            *total += n;
        }
        out.inputs += 1;
        out.digest = done.digest.clone();
        out.version = done.version.map(str::to_string);
    }

    fn problem(&mut self, p: Problem<'_>) {
        let mut out = self.out();
        match p {
            Problem::Source(e) => out.problems.push(e.to_string()),
            Problem::Member(e) => out.problems.push(e.to_string()),
            Problem::Read { member, at, error } => out
                .problems
                .push(format!("{member}: reading at byte {at}: {error}")),
            Problem::Notice(n) => out.warnings.push(n.to_string()),
            Problem::Skipped(s) => out.warnings.push(format!("skipped: {s:?}")),
        }
    }

    fn scanned(&mut self, s: &bw_scan::Scanned<'_>) -> io::Result<()> {
        if s.binary {
            self.out()
                .warnings
                .push(format!("{}: binary content: not scanned", s.member));
        }
        Ok(())
    }

    fn aborted(&mut self, name: &str, e: io::Error) {
        self.out()
            .problems
            .push(format!("{name}: internal error while scanning: {e}"));
    }
}
