//! Database tables (`postgres://`, `mysql://`, `sqlite://`): flags and the
//! resolver.

use std::sync::Arc;

use clap::Args;

use bw_scan::Resolver;
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
