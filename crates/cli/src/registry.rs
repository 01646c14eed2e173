//! `breachwatch registry`: create the registry and its key, import
//! customers (CSV file, stdin, or a SQL query), show sizes. The key comes
//! from `BREACHWATCH_REGISTRY_KEY` (64 hex digits) if set, else from a key
//! file outside the registry directory (`--key-file`, else `key-file` under
//! `[registry]` in config.toml, else `keys/registry.key` in the data
//! directory). The registry directory likewise: `--registry`, `[registry]
//! dir`, `registry/` in the data directory.
//!
//! A SQL source's password: give it in the URL for the import if you must
//! (it is never written to disk, but other users may see command lines),
//! or better in `PGPASSWORD`; later readers of the recorded source (e.g.
//! notification re-reading contact addresses) need `PGPASSWORD`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use bw_registry::{ColumnMap, EmailOptions, ImportOptions, ImportSource, Key, Registry};
use clap::{Args, Subcommand};

use crate::exit;
use crate::home;

/// `println!` that ignores a closed stdout (`registry import … | head`):
/// the work is done by then, and a panic would hide that it succeeded.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// The environment variable that may hold the registry key (hex).
pub const KEY_ENV: &str = "BREACHWATCH_REGISTRY_KEY";

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Create an empty registry and, unless one exists, its secret key
    /// (a 0600 file outside the registry directory).
    Init(Location),
    /// Import customers from CSV or SQL (a full snapshot: customers missing
    /// from it are removed; unchanged rows are not re-fingerprinted).
    Import(ImportArgs),
    /// Customers and fingerprints in the live registry generation.
    Stats(Location),
    /// Write the fingerprint table (Parquet) for a distributed join with a
    /// leak's `scope --emit-fingerprints` at data-lake scale.
    Export(crate::lake::ExportArgs),
}

/// Where the registry and its key are.
#[derive(Args, Debug, Clone)]
pub struct Location {
    /// Registry directory. Default: `[registry] dir` in config.toml, else
    /// `registry/` in the data directory.
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Key file. Default: `[registry] key-file` in config.toml, else
    /// `keys/registry.key` in the data directory; ignored when
    /// BREACHWATCH_REGISTRY_KEY is set.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// CSV with columns customer_id,email,first_name,last_name,phone,country,region
    /// (`-` reads stdin).
    #[arg(required_unless_present = "from_sql", conflicts_with = "from_sql")]
    pub csv: Option<PathBuf>,
    /// Read customers with a SQL query instead: `sqlite:PATH` or
    /// `postgres://user@host/db` (password from PGPASSWORD).
    #[arg(long, value_name = "URL", requires = "query")]
    pub from_sql: Option<String>,
    /// The query for --from-sql; its result needs the seven columns by
    /// name (`SELECT id AS customer_id, …, '' AS region`).
    #[arg(long, requires = "from_sql")]
    pub query: Option<String>,
    #[command(flatten)]
    pub location: Location,
    /// Other CSV header names: `email=E-Mail,phone=Tel`; `region=` when
    /// absent. Default: `[registry] map` in config.toml.
    #[arg(long)]
    pub map: Option<String>,
    /// Treat the local part of emails as case-sensitive (RFC 5321 allows
    /// it; almost no provider does, so the default folds case).
    #[arg(long)]
    pub case_sensitive_local: bool,
    /// Row warnings to print (all are counted). Default 20.
    #[arg(long)]
    pub max_warnings: Option<usize>,
}

/// `[registry]` from config.toml in the data directory.
fn config() -> Result<home::RegistryConfig> {
    Ok(home::Config::load(&home::data_dir()?)?.registry)
}

impl Location {
    /// The registry directory: flag, then config, then the data directory.
    pub fn dir(&self) -> Result<PathBuf> {
        if let Some(d) = &self.registry {
            return Ok(d.clone());
        }
        match config()?.dir {
            Some(d) => Ok(d),
            None => Ok(home::data_dir()?.join("registry")),
        }
    }

    fn key_file(&self) -> Result<PathBuf> {
        if let Some(k) = &self.key_file {
            return Ok(k.clone());
        }
        match config()?.key_file {
            Some(k) => Ok(k),
            None => Ok(home::data_dir()?.join("keys").join("registry.key")),
        }
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
        RegistryCommand::Export(args) => crate::lake::registry_export(&args),
    }
}

fn init(loc: &Location) -> Result<u8> {
    let dir = loc.dir()?;
    if std::env::var_os(KEY_ENV).is_some_and(|v| !v.is_empty()) {
        let key = loc.key()?;
        let created = bw_registry::init(&dir, &key)
            .with_context(|| format!("initialising registry {}", dir.display()))?;
        say!(
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
    say!(
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
    let cfg = config()?;
    let source = match (&args.csv, &args.from_sql, &args.query) {
        (_, Some(url), Some(query)) => {
            if args.map.is_some() {
                bail!("--map applies to CSV; name the columns in the query (`… AS email`)");
            }
            ImportSource::Sql {
                url: url.clone(),
                query: query.clone(),
            }
        }
        (Some(csv), None, None) => {
            let columns = match (&args.map, &cfg.map) {
                (Some(spec), _) => ColumnMap::parse(spec)?,
                (None, Some(spec)) => {
                    ColumnMap::parse(spec).context("config.toml: [registry] map")?
                }
                (None, None) => ColumnMap::default(),
            };
            ImportSource::Csv {
                path: csv.clone(),
                columns,
            }
        }
        // clap enforces one source with its query.
        _ => bail!("give a CSV file, or --from-sql URL with --query"),
    };
    // Shown as it is recorded: absolute paths, no password.
    let source = source
        .resolved()
        .with_context(|| format!("importing {source} into registry {}", dir.display()))?;
    let opts = ImportOptions {
        columns: ColumnMap::default(),
        email: EmailOptions {
            case_sensitive_local: args.case_sensitive_local
                || cfg.case_sensitive_local.unwrap_or(false),
        },
        max_warnings: args.max_warnings.or(cfg.max_warnings).unwrap_or(20),
    };
    let t0 = std::time::Instant::now();
    let r = bw_registry::import(&dir, &key, &source, &opts)
        .with_context(|| format!("importing {source} into registry {}", dir.display()))?;
    let secs = t0.elapsed().as_secs_f64();
    say!(
        "imported {} rows in {secs:.2}s ({:.0} rows/s): {} customers ({} added, {} changed, {} unchanged, {} removed)",
        r.rows,
        r.rows as f64 / secs.max(1e-6),
        r.customers,
        r.added,
        r.changed,
        r.unchanged,
        r.removed
    );
    say!(
        "fingerprints: {} email, {} phone, {} name; generation {}, {} bytes",
        r.email_fingerprints,
        r.phone_fingerprints,
        r.name_fingerprints,
        r.generation,
        r.index_bytes
    );
    say!(
        "problems: {} rows skipped, {} duplicate ids, {} empty emails, {} malformed emails, {} empty phones, {} bad phones, {} unusable names",
        r.skipped_rows,
        r.duplicate_ids,
        r.empty_emails,
        r.malformed_emails,
        r.empty_phones,
        r.bad_phones,
        r.unusable_names
    );
    if source.is_rereadable() {
        say!("source recorded with generation {}: {source}", r.generation);
    } else {
        say!("source not recorded (stdin cannot be re-read)");
    }
    for w in &r.warnings {
        say!("warning: {w}");
    }
    if r.warnings_total > r.warnings.len() as u64 {
        say!(
            "warning: {} more warnings not shown (--max-warnings)",
            r.warnings_total - r.warnings.len() as u64
        );
    }
    // A canary must never equal a customer: retire any this import made so.
    crate::canary::after_import(&dir, &key)?;
    Ok(exit::CLEAN)
}

fn stats(loc: &Location) -> Result<u8> {
    let dir = loc.dir()?;
    let key = loc.key()?;
    let reg = Registry::open(&dir, &key)
        .with_context(|| format!("opening registry {}", dir.display()))?;
    let s = reg.stats();
    say!("registry {}", dir.display());
    say!("customers: {}", s.customers);
    say!(
        "fingerprints: {} email, {} phone, {} name",
        s.email_fingerprints,
        s.phone_fingerprints,
        s.name_fingerprints
    );
    say!("generation {}, {} bytes", s.generation, s.file_bytes);
    Ok(exit::CLEAN)
}
