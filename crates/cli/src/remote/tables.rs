//! Database tables (`postgres://`, `mysql://`, `sqlite://`): flags, the
//! resolver, and a table as incident evidence.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use clap::Args;

use bw_incident::evidence::Collected;
use bw_registry::Registry;
use bw_scan::{Resolver, Resolvers};
use bw_tables::{Options, TableSource};

#[derive(Args, Debug, Clone, Default)]
pub struct TableArgs {
    /// Database tables to read, as globs over `schema.table` (or over
    /// the table name alone, without a dot), comma-separated:
    /// `--tables 'public.cust*,orders'`. Default: every table outside the
    /// system schemas.
    #[arg(long, value_delimiter = ',', value_name = "PATTERNS", value_parser = bw_tables::check_pattern)]
    pub tables: Vec<String>,
    /// Read only the first N rows of each database table, in primary-key
    /// order (the same rows on every run). Default: every row.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,
}

pub fn resolver(args: &TableArgs) -> Option<Arc<dyn Resolver>> {
    let opts = Options {
        tables: args.tables.clone(),
        sample: args.sample,
    };
    // Every pattern passed `check_pattern` when the flags were parsed.
    TableSource::new(&opts)
        .ok()
        .map(|s| Arc::new(s) as Arc<dyn Resolver>)
}

/// Whether an input argument names a database (or one of its tables).
pub fn is_table_url(path: &Path) -> bool {
    path.to_str().is_some_and(bw_tables::is_database_url)
}

/// What to print for an input argument: a database URL without its
/// credentials, anything else as given.
pub fn shown(path: &Path) -> String {
    path.to_str()
        .and_then(bw_tables::display_name)
        .unwrap_or_else(|| path.display().to_string())
}

/// `incident add-evidence` of one table, given as findings name it
/// (`postgres://…/shop#public.customers`): its rows read once through the
/// pipeline, the evidence named by the URL without credentials, hashed as
/// the CSV the scan reads, its row count as the version. Every message
/// names the table without credentials too.
/// `on_finding` is called with every finding (the canary check).
pub fn evidence(
    url: &str,
    encrypted: bool,
    registry: Option<&Registry>,
    on_finding: Option<&bw_incident::evidence::FindingHook>,
) -> Result<Collected> {
    let name = bw_tables::display_name(url).unwrap_or_else(|| "the database URL".to_string());
    let scrub = |text: String| text.replace(url, &name);
    let resolvers = Resolvers(resolver(&TableArgs::default()).into_iter().collect());
    match bw_incident::evidence::collect_remote_with(
        url, encrypted, registry, &resolvers, on_finding,
    ) {
        Ok(mut c) => {
            c.evidence.source = name.clone();
            c.problems = c.problems.into_iter().map(scrub).collect();
            c.warnings = c.warnings.into_iter().map(scrub).collect();
            Ok(c)
        }
        Err(bw_incident::Error::NotOneObject { count, .. }) => Err(anyhow!(
            "{name} holds {count} tables: evidence is one table, give it as \
             {name}#schema.table (as scan names it)"
        )),
        Err(e) => Err(anyhow!(scrub(e.to_string()))),
    }
}
