//! Scope at data-lake scale, past a registry shipped to every node: the
//! three commands around a distributed join (see `deploy/spark/`).
//!
//! - `scope --emit-fingerprints`: a leak's emails and phones (and the
//!   names in their records) as registry-keyed fingerprints, each with its
//!   record's other kinds, and
//!   counts of the findings in no such record, JSON lines on stdout
//!   (`bw_scope::lake`); needs the key (`BREACHWATCH_REGISTRY_KEY`, a
//!   Spark secret on executors), not the registry.
//! - `registry export --format parquet --out FILE`: the registry's
//!   fingerprint table (`bw_registry::export`).
//! - `incident add-scope ID FILE`: the join's affected set recorded on an
//!   incident as evidence, affected customers (their exposed kinds) and
//!   detected, unattributed elements (`bw_incident::lake`).

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use bw_registry::{EmailOptions, Fingerprinter, Registry};
use bw_scope::ScopeOptions;
use bw_store::IncidentId;
use clap::{Args, ValueEnum};

use crate::exit;
use crate::home;
use crate::incident::Session;
use crate::registry::Location;
use crate::scope::ScopeArgs;

/// `scope … --emit-fingerprints`.
pub fn emit(args: ScopeArgs) -> Result<u8> {
    let cfg = home::Config::load(&home::data_dir()?)?.scope;
    if args.reveal {
        bail!("--emit-fingerprints writes keyed fingerprints only: --reveal does not apply");
    }
    let key = args.location.key()?;
    let fp = Fingerprinter::new(&key);
    let mut opts = ScopeOptions {
        phone_regions: if args.phone_regions.is_empty() {
            cfg.phone_regions.unwrap_or_default()
        } else {
            args.phone_regions.clone()
        },
        resolvers: crate::remote::resolvers(&args.sources),
        ..ScopeOptions::default()
    };
    if let Some(t) = args.threads.or(cfg.threads) {
        opts.threads = t.max(1);
    }
    let part = crate::remote::shard::part(&args.sources.shard)?;
    part.check(&args.leak)?;
    opts.select = part.select;
    if opts.phone_regions.is_empty() {
        eprintln!(
            "breachwatch: note: no --phone-regions: phones written in national format are not \
             fingerprinted (only +… and 00… numbers)"
        );
    }
    let out: Mutex<io::BufWriter<io::Stdout>> = Mutex::new(io::BufWriter::new(io::stdout()));
    let t0 = std::time::Instant::now();
    // Email options as the registry's default (case-folded local parts);
    // a registry imported with --case-sensitive-local needs its own.
    let report = bw_scope::lake::emit_fingerprints(
        &args.leak,
        &fp,
        EmailOptions {
            case_sensitive_local: args.case_sensitive_local,
        },
        &opts,
        &out,
    )?;
    out.into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .flush()
        .context("writing fingerprints")?;
    for e in &report.errors {
        eprintln!("breachwatch: {e}");
    }
    eprintln!(
        "emitted {} fingerprints of {} identifiers ({} other findings in their records, {} \
         in none) from {:.1} MB in {:.2}s{}",
        report.fingerprints,
        report.identifiers,
        report.carried,
        report.unattributed,
        report.bytes_scanned as f64 / 1e6,
        t0.elapsed().as_secs_f64(),
        if report.errors.is_empty() {
            String::new()
        } else {
            format!("; {} errors", report.errors.len())
        }
    );
    Ok(if !report.errors.is_empty() {
        exit::ERROR
    } else if report.fingerprints > 0 || report.unattributed > 0 {
        exit::FOUND
    } else {
        exit::CLEAN
    })
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    Parquet,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub location: Location,
    #[arg(long, value_enum, default_value = "parquet")]
    pub format: ExportFormat,
    /// The file to write (created; an existing file is refused).
    #[arg(long)]
    pub out: PathBuf,
}

/// `registry export --format parquet --out FILE`.
pub fn registry_export(args: &ExportArgs) -> Result<u8> {
    let ExportFormat::Parquet = args.format;
    let dir = args.location.dir()?;
    let key = args.location.key()?;
    let reg = Registry::open(&dir, &key)
        .with_context(|| format!("opening registry {}", dir.display()))?;
    // create_new: the table is as secret as the registry; never write
    // through an existing file (a link planted there, a reader's copy).
    let file = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let t0 = std::time::Instant::now();
    let report = bw_registry::export::export_parquet(&reg, io::BufWriter::new(file))
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "exported {} email, {} phone and {} name fingerprints of {} customers to {} in {:.2}s",
        report.email,
        report.phone,
        report.name,
        reg.len(),
        args.out.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(exit::CLEAN)
}

#[derive(Args, Debug)]
pub struct AddScopeArgs {
    pub id: String,
    /// The affected set: JSON lines as the Spark job's `join` writes them
    /// (`affected.jsonl`).
    pub file: PathBuf,
    /// What the evidence names as its source (e.g. the lake's URL).
    /// Default: the file's path.
    #[arg(long)]
    pub source: Option<String>,
    #[command(flatten)]
    pub store: crate::incident::StoreArgs,
}

/// `incident add-scope ID FILE`.
pub async fn add_scope(s: Session, a: AddScopeArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    s.store.incident(&id).await?;
    let scoped = bw_incident::lake::read_affected(&a.file, a.source.as_deref())?;
    let (ev, affected, unattributed) = (scoped.evidence, scoped.affected, scoped.unattributed);
    // The store call `add-evidence` makes: the unattributed elements are
    // the incident's as they would be after `add-evidence` of the leak.
    let what = format!("{} (sha256 {}", ev.source, ev.sha256);
    crate::evidence::record(&s, &id, (&ev, &affected, &unattributed), &ev.source, &what).await?;
    Ok(exit::CLEAN)
}
