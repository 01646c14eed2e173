//! `breachwatch registry`: create the registry and its key, import
//! customers, show sizes. The key comes from `BREACHWATCH_REGISTRY_KEY`
//! (64 hex digits) if set, else from a key file outside the registry
//! directory (default `keys/registry.key` in the data directory).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use bw_registry::{ColumnMap, EmailOptions, ImportOptions, Key, Registry};
use clap::{Args, Subcommand};

use crate::exit;
use crate::home;

/// The environment variable that may hold the registry key (hex).
pub const KEY_ENV: &str = "BREACHWATCH_REGISTRY_KEY";

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Create an empty registry and, unless one exists, its secret key
    /// (a 0600 file outside the registry directory).
    Init(Location),
    /// Import customers from CSV (a full snapshot: customers missing from
    /// it are removed; unchanged rows are not re-fingerprinted).
    Import(ImportArgs),
    /// Customers and fingerprints in the live registry generation.
    Stats(Location),
}

/// Where the registry and its key are.
#[derive(Args, Debug, Clone)]
pub struct Location {
    /// Registry directory. Default: `registry/` in the data directory.
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Key file. Default: `keys/registry.key` in the data directory;
    /// ignored when BREACHWATCH_REGISTRY_KEY is set.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// CSV with columns customer_id,email,first_name,last_name,phone,country,region.
    pub csv: PathBuf,
    #[command(flatten)]
    pub location: Location,
    /// Other header names: `email=E-Mail,phone=Tel`; `region=` when absent.
    #[arg(long)]
    pub map: Option<String>,
    /// Treat the local part of emails as case-sensitive (RFC 5321 allows
    /// it; almost no provider does, so the default folds case).
    #[arg(long)]
    pub case_sensitive_local: bool,
    /// Row warnings to print (all are counted).
    #[arg(long, default_value_t = 20)]
    pub max_warnings: usize,
}

impl Location {
    pub fn dir(&self) -> Result<PathBuf> {
        Ok(match &self.registry {
            Some(d) => d.clone(),
            None => home::data_dir()?.join("registry"),
        })
    }

    fn key_file(&self) -> Result<PathBuf> {
        Ok(match &self.key_file {
            Some(k) => k.clone(),
            None => home::data_dir()?.join("keys").join("registry.key"),
        })
    }

    /// The key for an existing registry.
    pub fn key(&self) -> Result<Key> {
        if let Some(hex) = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty()) {
            let hex = hex
                .into_string()
                .map_err(|_| anyhow::anyhow!("{KEY_ENV} is not valid UTF-8"))?;
            return Key::from_hex(&hex).context(KEY_ENV);
        }
        let path = self.key_file()?;
        Key::load_file(&path).with_context(|| {
            format!(
                "loading the registry key {} (run `breachwatch registry init`, or set {KEY_ENV})",
                path.display()
            )
        })
    }
}

pub fn run(cmd: RegistryCommand) -> Result<u8> {
    match cmd {
        RegistryCommand::Init(loc) => init(&loc),
        RegistryCommand::Import(args) => import(&args),
        RegistryCommand::Stats(loc) => stats(&loc),
    }
}

fn init(loc: &Location) -> Result<u8> {
    let dir = loc.dir()?;
    if std::env::var_os(KEY_ENV).is_some_and(|v| !v.is_empty()) {
        let key = loc.key()?;
        let created = bw_registry::init(&dir, &key)
            .with_context(|| format!("initialising registry {}", dir.display()))?;
        println!(
            "registry {} {} (key from {KEY_ENV})",
            dir.display(),
            if created {
                "created"
            } else {
                "already initialised"
            }
        );
        return Ok(exit::CLEAN);
    }
    let key_file = loc.key_file()?;
    if let Some(parent) = key_file.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir(parent)?;
    }
    let (_, outcome) = bw_registry::init_with_key_file(&dir, &key_file)
        .with_context(|| format!("initialising registry {}", dir.display()))?;
    println!(
        "registry {} {}; key {} {}",
        dir.display(),
        if outcome.registry_created {
            "created"
        } else {
            "already initialised"
        },
        key_file.display(),
        if outcome.key_created {
            "created (mode 0600: back it up, the registry is useless without it)"
        } else {
            "reused"
        }
    );
    Ok(exit::CLEAN)
}

/// The key directory holds secrets only: owner access only.
fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

fn import(args: &ImportArgs) -> Result<u8> {
    let dir = args.location.dir()?;
    let key = args.location.key()?;
    let columns = match &args.map {
        Some(spec) => ColumnMap::parse(spec)?,
        None => ColumnMap::default(),
    };
    let opts = ImportOptions {
        columns,
        email: EmailOptions {
            case_sensitive_local: args.case_sensitive_local,
        },
        max_warnings: args.max_warnings,
    };
    let t0 = std::time::Instant::now();
    let r = bw_registry::import_csv_file(&dir, &key, &args.csv, &opts).with_context(|| {
        format!(
            "importing {} into registry {}",
            args.csv.display(),
            dir.display()
        )
    })?;
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "imported {} rows in {secs:.2}s ({:.0} rows/s): {} customers ({} added, {} changed, {} unchanged, {} removed)",
        r.rows,
        r.rows as f64 / secs.max(1e-6),
        r.customers,
        r.added,
        r.changed,
        r.unchanged,
        r.removed
    );
    println!(
        "fingerprints: {} email, {} phone, {} name; generation {}, {} bytes",
        r.email_fingerprints,
        r.phone_fingerprints,
        r.name_fingerprints,
        r.generation,
        r.index_bytes
    );
    println!(
        "problems: {} rows skipped, {} duplicate ids, {} empty emails, {} malformed emails, {} empty phones, {} bad phones, {} unusable names",
        r.skipped_rows,
        r.duplicate_ids,
        r.empty_emails,
        r.malformed_emails,
        r.empty_phones,
        r.bad_phones,
        r.unusable_names
    );
    for w in &r.warnings {
        println!("warning: {w}");
    }
    if r.warnings_total > r.warnings.len() as u64 {
        println!(
            "warning: {} more warnings not shown (--max-warnings)",
            r.warnings_total - r.warnings.len() as u64
        );
    }
    Ok(exit::CLEAN)
}

fn stats(loc: &Location) -> Result<u8> {
    let dir = loc.dir()?;
    let key = loc.key()?;
    let reg = Registry::open(&dir, &key)
        .with_context(|| format!("opening registry {}", dir.display()))?;
    let s = reg.stats();
    println!("registry {}", dir.display());
    println!("customers: {}", s.customers);
    println!(
        "fingerprints: {} email, {} phone, {} name",
        s.email_fingerprints, s.phone_fingerprints, s.name_fingerprints
    );
    println!("generation {}, {} bytes", s.generation, s.file_bytes);
    Ok(exit::CLEAN)
}
