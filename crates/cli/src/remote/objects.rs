//! Object stores (`s3://`, `gs://`, `az://`, `https://`): flags, the
//! resolver, and the scan state `scan` keeps per source in the incident
//! store so that `--since-last` reads only new or changed objects.
//!
//! Credentials come from where each cloud's own tools read them: the
//! environment (`AWS_*`, `GOOGLE_*`, `AZURE_*`), AWS profile files
//! (`~/.aws/credentials`, `~/.aws/config`, `AWS_PROFILE`) and, when none
//! is given, the instance's metadata service.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{Context, Result};
use bw_detect::Kind;
use bw_objects::{AwsFiles, Journal, ObjectResolver, Options, Previous, Stamp};
use bw_scan::{Found, InputDone, Item, Problem, Resolver, Scanned, Visitor};
use bw_store::{SourceObject, Store};
use clap::Args;

#[derive(Args, Debug, Clone, Default)]
pub struct ObjectArgs {
    /// The S3-compatible endpoint for s3:// sources (MinIO, Ceph, R2,
    /// ...; requests are path-style), or the blob endpoint for az://.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Region of s3:// buckets [default: AWS_REGION, the AWS profile's,
    /// else us-east-1].
    #[arg(long)]
    pub region: Option<String>,
    /// Unsigned requests, for public buckets (no credentials needed).
    #[arg(long)]
    pub no_sign: bool,
    /// `scan` only: read only the objects that are new or changed (ETag,
    /// size or last-modified, as listed) since the last scan of the same
    /// source with the same settings; unchanged ones are not fetched.
    #[arg(long)]
    pub since_last: bool,
    /// The run's scan state, when `scan` keeps one.
    #[arg(skip)]
    state: Option<Arc<ScanState>>,
}

/// Configuration variables of the clouds' own tools, as object_store
/// reads them.
fn cloud_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(k, _)| {
            ["AWS_", "GOOGLE_", "AZURE_"]
                .iter()
                .any(|p| k.starts_with(p))
                || k == "SERVICE_ACCOUNT"
        })
        .collect()
}

/// The AWS profile files and profile, where the AWS CLI looks for them.
fn aws_files() -> AwsFiles {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = var("HOME").map(|h| h.join(".aws"));
    AwsFiles {
        credentials: var("AWS_SHARED_CREDENTIALS_FILE")
            .or_else(|| home.as_ref().map(|h| h.join("credentials"))),
        config: var("AWS_CONFIG_FILE").or_else(|| home.as_ref().map(|h| h.join("config"))),
        profile: std::env::var("AWS_PROFILE").unwrap_or_default(),
    }
}

/// `--since-last` outside `scan`: refused per source rather than ignored,
/// so nobody takes a partial scope or evidence for a whole one.
#[derive(Debug)]
struct NotHere;

impl Previous for NotHere {
    fn stamps(&self, _source: &str) -> Result<HashMap<String, Stamp>, String> {
        Err("--since-last is for `breachwatch scan`, which keeps the scan state".into())
    }
}

pub fn resolver(args: &ObjectArgs) -> Option<Arc<dyn Resolver>> {
    let (previous, journal): (Option<Arc<dyn Previous>>, _) = match (&args.state, args.since_last) {
        (Some(state), true) => (Some(state.clone()), Some(state.journal.clone())),
        (Some(state), false) => (None, Some(state.journal.clone())),
        (None, true) => (Some(Arc::new(NotHere)), None),
        (None, false) => (None, None),
    };
    Some(Arc::new(ObjectResolver::new(Options {
        endpoint: args.endpoint.clone(),
        region: args.region.clone(),
        anonymous: args.no_sign,
        env: cloud_env(),
        aws_files: Some(aws_files()),
        previous,
        journal,
        ..Options::default()
    })))
}

/// Objects recorded per store write.
const BATCH: usize = 500;

/// What `scan` keeps of the objects it read, in the incident store
/// (`source_objects`): every scan of an object store records each object
/// read through (its listing stamp, the scan's settings, its finding
/// counts), so that a later `--since-last` scan skips it while unchanged.
#[derive(Debug)]
pub struct ScanState {
    journal: Arc<Journal>,
    /// Kinds, threshold, binary policy and version: an object scanned
    /// under other settings is read again.
    settings: OnceLock<String>,
    rt: tokio::runtime::Runtime,
    store: Store,
    /// Finished objects not yet written, per source.
    pending: Mutex<Vec<(String, SourceObject)>>,
    /// Why recording failed, once.
    failed: Mutex<Option<String>>,
}

impl ScanState {
    /// A state for this run when `paths` name an object store; sets it in
    /// `args` for the resolver. Without `--since-last` a store that will
    /// not open only costs the record (a warning); with it, it is an error.
    pub fn start(args: &mut ObjectArgs, paths: &[PathBuf]) -> Result<Option<Arc<ScanState>>> {
        let remote = paths.iter().any(|p| is_object_url(p));
        if !remote {
            return Ok(None);
        }
        let opened = (|| -> Result<(tokio::runtime::Runtime, Store)> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            let session = rt.block_on(crate::incident::connect(
                &crate::incident::StoreArgs::default(),
            ))?;
            Ok((rt, session.store))
        })();
        let (rt, store) = match opened {
            Ok(o) => o,
            Err(e) if args.since_last => {
                return Err(e.context("--since-last needs the incident store's scan state"))
            }
            Err(e) => {
                eprintln!("breachwatch: warning: the scan state is not recorded: {e:#}");
                return Ok(None);
            }
        };
        let state = Arc::new(ScanState {
            journal: Arc::new(Journal::new()),
            settings: OnceLock::new(),
            rt,
            store,
            pending: Mutex::new(Vec::new()),
            failed: Mutex::new(None),
        });
        args.state = Some(state.clone());
        Ok(Some(state))
    }

    /// What the findings depend on besides the bytes.
    pub fn set_settings(&self, kinds: &str, min_score: f32, binary: bool) {
        let _ = self.settings.set(format!(
            "breachwatch {} kinds={kinds} min-score={min_score} binary={binary}",
            env!("CARGO_PKG_VERSION")
        ));
    }

    fn settings(&self) -> &str {
        self.settings.get().map_or("", String::as_str)
    }

    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn finished(&self, source: String, object: SourceObject) {
        let mut pending = Self::lock(&self.pending);
        pending.push((source, object));
        if pending.len() >= BATCH {
            // Written under the lock: one writer at a time on the
            // current-thread runtime.
            self.write(&mut pending);
        }
    }

    fn write(&self, pending: &mut Vec<(String, SourceObject)>) {
        let mut by_source: HashMap<String, Vec<SourceObject>> = HashMap::new();
        for (source, o) in pending.drain(..) {
            by_source.entry(source).or_default().push(o);
        }
        for (source, objects) in by_source {
            let res = self.rt.block_on(self.store.record_source_objects(
                &source,
                self.settings(),
                &objects,
            ));
            if let Err(e) = res {
                Self::lock(&self.failed).get_or_insert_with(|| format!("{source}: {e}"));
            }
        }
    }

    /// Writes what is left and says what was skipped; an error when the
    /// state could not be recorded (the findings were reported).
    pub fn finish(&self, quiet: bool) -> Result<()> {
        self.write(&mut Self::lock(&self.pending));
        self.rt.block_on(self.store.close());
        let unchanged = self.journal.unchanged();
        if unchanged > 0 && !quiet {
            eprintln!(
                "breachwatch: {unchanged} objects unchanged since the last scan were not read \
                 (--since-last)"
            );
        }
        match Self::lock(&self.failed).take() {
            Some(e) => Err(anyhow::anyhow!("recording the scan state: {e}")),
            None => Ok(()),
        }
    }
}

impl Previous for ScanState {
    fn stamps(&self, source: &str) -> Result<HashMap<String, Stamp>, String> {
        let objects = self
            .rt
            .block_on(self.store.source_objects(source, self.settings()))
            .map_err(|e| format!("reading the scan state: {e}"))?;
        Ok(objects
            .into_iter()
            .map(|o| {
                let stamp = Stamp {
                    etag: o.etag,
                    size: o.size_bytes,
                    last_modified: o.last_modified,
                };
                (o.object, stamp)
            })
            .collect())
    }
}

/// Wraps a scan thread's visitor: counts its findings per input and, when
/// an object is done, hands it with its counts to the scan state.
pub struct Recording<'s, V> {
    inner: V,
    state: Option<&'s ScanState>,
    counts: [u64; Kind::COUNT],
}

pub fn recording<V: Visitor>(state: Option<&ScanState>, inner: V) -> Recording<'_, V> {
    Recording {
        inner,
        state,
        counts: [0; Kind::COUNT],
    }
}

impl<V: Visitor> Visitor for Recording<'_, V> {
    fn finding(&mut self, found: &Found<'_>) -> io::Result<()> {
        self.counts[found.kind.index()] += 1;
        self.inner.finding(found)
    }

    fn record(&mut self, member: &str, items: &mut Vec<Item>) {
        self.inner.record(member, items);
    }

    fn scanned(&mut self, scanned: &Scanned<'_>) -> io::Result<()> {
        self.inner.scanned(scanned)
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        let counts = std::mem::replace(&mut self.counts, [0; Kind::COUNT]);
        if let Some(state) = self.state {
            if let Some(listed) = state.journal.finish(done.name) {
                let findings = Kind::ALL
                    .iter()
                    .filter(|k| counts[k.index()] > 0)
                    .map(|k| (k.as_str().to_string(), counts[k.index()]))
                    .collect();
                let object = SourceObject {
                    object: listed.url,
                    etag: listed.stamp.etag,
                    size_bytes: listed.stamp.size,
                    last_modified: listed.stamp.last_modified,
                    findings,
                };
                state.finished(listed.source, object);
            }
        }
        self.inner.input_done(done);
    }

    fn problem(&mut self, problem: Problem<'_>) {
        self.inner.problem(problem);
    }

    fn aborted(&mut self, name: &str, error: io::Error) {
        // Its findings were not all reported: not recorded as scanned.
        if let Some(state) = self.state {
            state.journal.finish(name);
        }
        self.inner.aborted(name, error);
    }

    fn go_on(&self) -> bool {
        self.inner.go_on()
    }
}

/// Whether `path` names an object-store source.
pub fn is_object_url(path: &Path) -> bool {
    path.to_str().is_some_and(bw_objects::is_object_url)
}
