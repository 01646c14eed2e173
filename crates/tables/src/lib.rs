//! `bw-tables` reads database tables for the scan pipeline: a
//! [`bw_sources::Resolver`] that claims `postgres://…` (`postgresql://`),
//! `mysql://…` (`mariadb://`, MariaDB too) and `sqlite://path` arguments,
//! lists the database's tables (system schemas skipped, `--tables`
//! patterns applied), and hands each table to the pipeline as one
//! [`Haystack::Table`] whose reader streams its rows, every column read
//! as text, into the pipeline's sink. The formats layer renders them like
//! a document's table (a CSV header of column names, one record per row)
//! and locates findings by `{table, column, row, key}`.
//!
//! Each table's reader opens its own connection, on a reader thread beside
//! the scan thread that took the table (tables are read in parallel, one
//! per scan thread), drives the async driver on a current-thread runtime
//! of its own, and streams: PostgreSQL and MySQL rows are read
//! from the socket as the server sends them, SQLite rows stepped one at a
//! time, and the pipeline's bounded channel holds the reader back, so a
//! table of any size is read in constant memory.
//!
//! What it must never do: write to a database — every connection is
//! read-only before its first query (PostgreSQL: `default_transaction_read_only`
//! in the startup packet, read-only session characteristics and a `READ
//! ONLY` transaction; MySQL: a read-only session and a `READ ONLY`
//! transaction; SQLite: `mode=ro` and `query_only`); print a URL's
//! credentials — names, errors and `Debug` output carry the URL without
//! user, password or query, and drivers' messages are scrubbed of the
//! password; load a table whole; show a row key that could itself be
//! personal data (only numeric and UUID keys are shown).

mod mysql;
mod pattern;
mod postgres;
mod sqlite;
mod table;
mod target;

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bw_sources::{Event, Haystack, Remote, Resolver, SourceError, TableSink};

use pattern::Patterns;
use table::{Rows, Table};
use target::{Engine, Target};

/// How long connecting may take before the source is reported unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// What to read of each database named.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Globs over `schema.table` (or the table name alone, for a pattern
    /// without a dot); empty means every table.
    pub tables: Vec<String>,
    /// Only the first N rows of each table, in primary-key order where
    /// there is one (so the same rows on every run); `None` reads all.
    pub sample: Option<u64>,
}

/// The resolver for database URLs.
#[derive(Debug)]
pub struct TableSource {
    patterns: Patterns,
    sample: Option<u64>,
}

impl TableSource {
    /// Fails on a `--tables` pattern that is no valid glob.
    pub fn new(opts: &Options) -> Result<TableSource, String> {
        Ok(TableSource {
            patterns: Patterns::new(&opts.tables)?,
            sample: opts.sample,
        })
    }
}

/// Whether `arg` names a database (`postgres://…`, `mysql://…`,
/// `sqlite://…`), valid or not.
pub fn is_database_url(arg: &str) -> bool {
    Target::claim(arg).is_some()
}

/// What `arg` is called wherever it is printed or stored: the URL without
/// user, password or query, with its `#schema.table` if it names one
/// (`postgres://db.example:5432/shop#public.customers`); `None` when it
/// names no database, or is not a URL a driver could read.
pub fn display_name(arg: &str) -> Option<String> {
    let t = Target::claim(arg)?.ok()?;
    Some(match &t.only {
        Some(table) => format!("{}#{table}", t.display),
        None => t.display,
    })
}

/// Checks one `--tables` pattern (for the CLI's argument parser).
pub fn check_pattern(pattern: &str) -> Result<String, String> {
    pattern::compile(pattern).map(|_| pattern.to_string())
}

impl Resolver for TableSource {
    fn resolve(&self, arg: &str) -> Option<Result<Box<dyn Remote>, SourceError>> {
        let target = match Target::claim(arg)? {
            Ok(t) => t,
            Err(reason) => {
                // The argument may hold a password: name it by scheme only.
                let scheme = arg.split_once("://").map_or("", |s| s.0);
                return Some(Err(SourceError::Remote {
                    name: format!("{scheme}://…"),
                    reason,
                }));
            }
        };
        Some(self.open(target).map(|r| Box::new(r) as Box<dyn Remote>))
    }
}

impl TableSource {
    fn open(&self, target: Target) -> Result<Listed, SourceError> {
        let fail = |reason: String| SourceError::Remote {
            name: target.display.clone(),
            reason,
        };
        let connector = Connector::new(&target).map_err(|e| fail(target.scrub(e)))?;
        let all = connector
            .list()
            .map_err(|e| fail(format!("cannot list tables: {}", target.scrub(e))))?;
        let listed = all.len();
        let only = target.only.as_deref();
        let tables: Vec<Table> = all
            .into_iter()
            .filter(|t| self.patterns.matches(&t.schema, &t.name))
            .filter(|t| only.is_none_or(|o| t.qualified() == o))
            .collect();
        if let (Some(only), true) = (only, tables.is_empty()) {
            return Err(fail(format!("no table {only} (of those --tables allows)")));
        }
        if tables.is_empty() && !self.patterns.is_all() {
            return Err(fail(format!(
                "no table matches --tables {} ({listed} tables listed)",
                self.patterns.given()
            )));
        }
        Ok(Listed {
            target: Arc::new(target),
            connector: Arc::new(connector),
            tables,
            sample: self.sample,
        })
    }
}

/// How to open the tool's connection to one database. Holds the
/// credentials: never printed.
enum Connector {
    Postgres(sqlx::postgres::PgConnectOptions),
    Mysql(sqlx::mysql::MySqlConnectOptions),
    Sqlite(std::path::PathBuf),
}

/// Why listing or reading failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error("{0}")]
    Sql(#[from] sqlx::Error),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("no answer within {}s", CONNECT_TIMEOUT.as_secs())]
    Timeout,
    #[error("cannot decode a value: {0}")]
    Decode(String),
    #[error("{0}")]
    Sink(io::Error),
    #[error("cannot start the database client: {0}")]
    Runtime(io::Error),
    #[error("the database client failed")]
    Panicked,
}

impl Connector {
    fn new(target: &Target) -> Result<Connector, Failure> {
        Ok(match target.engine {
            Engine::Postgres => Connector::Postgres(postgres::options(&target.url)?),
            Engine::Mysql => Connector::Mysql(mysql::options(&target.url)?),
            Engine::Sqlite => Connector::Sqlite(sqlite::path(&target.url).to_path_buf()),
        })
    }

    fn list(&self) -> Result<Vec<Table>, Failure> {
        match self {
            Connector::Postgres(o) => block_on_anywhere(|| async {
                let mut conn = postgres::connect(o).await?;
                postgres::list(&mut conn).await
            }),
            Connector::Mysql(o) => block_on_anywhere(|| async {
                let mut conn = mysql::connect(o).await?;
                mysql::list(&mut conn, o.get_database()).await
            }),
            Connector::Sqlite(path) => Ok(sqlite::list(&sqlite::connect(path)?)?),
        }
    }

    /// Reads one table into `sink` on this thread, over its own
    /// connection (closed, its transaction rolled back, when it drops).
    fn read(
        &self,
        table: &Table,
        sample: Option<u64>,
        sink: &mut dyn TableSink,
    ) -> Result<(), Failure> {
        let mut rows = Rows::start(sink, table).map_err(Failure::Sink)?;
        match self {
            Connector::Postgres(o) => block_on(async {
                let mut conn = postgres::connect(o).await?;
                postgres::read(&mut conn, table, sample, &mut rows).await
            }),
            Connector::Mysql(o) => block_on(async {
                let mut conn = mysql::connect(o).await?;
                mysql::read(&mut conn, table, sample, &mut rows).await
            }),
            Connector::Sqlite(path) => {
                sqlite::read(&sqlite::connect(path)?, table, sample, &mut rows)
            }
        }
    }
}

/// Runs `f` to completion on a current-thread runtime of its own: a
/// table reader is a blocking call on a scan thread, and the drivers
/// need a runtime only while they talk to the server.
fn block_on<T>(f: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::Runtime)?
        .block_on(f)
}

/// [`block_on`] of the future `make` makes, also from inside another
/// runtime (a command that is async itself lists tables where a runtime
/// may not block): there, on a thread of its own.
fn block_on_anywhere<T, F>(make: impl FnOnce() -> F + Send) -> Result<T, Failure>
where
    T: Send,
    F: Future<Output = Result<T, Failure>>,
{
    if tokio::runtime::Handle::try_current().is_err() {
        return block_on(make());
    }
    std::thread::scope(|s| s.spawn(|| block_on(make())).join()).unwrap_or(Err(Failure::Panicked))
}

/// A database's tables, listed and waiting to be read.
struct Listed {
    target: Arc<Target>,
    connector: Arc<Connector>,
    tables: Vec<Table>,
    sample: Option<u64>,
}

impl Remote for Listed {
    fn events(&mut self) -> Box<dyn Iterator<Item = Event> + Send + '_> {
        let (target, connector, sample) = (&self.target, &self.connector, self.sample);
        Box::new(self.tables.drain(..).map(move |table| {
            let (target, connector) = (Arc::clone(target), Arc::clone(connector));
            let name = format!("{}#{}", target.display, table.qualified());
            Event::Haystack(Haystack::Table {
                name,
                rows: Box::new(move |sink: &mut dyn TableSink| {
                    connector
                        .read(&table, sample, sink)
                        .map_err(|e| target.scrub(e))
                }),
            })
        }))
    }
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Connector::Postgres(_) => "Connector::Postgres",
            Connector::Mysql(_) => "Connector::Mysql",
            Connector::Sqlite(_) => "Connector::Sqlite",
        })
    }
}

/// For tests only: the tool's own connection to `url`, set up exactly as
/// a table reader's is, running `sql` first inside the reader's
/// transaction and then, that transaction rolled back, on the bare
/// session. Both must fail for a write: the test of "read-only".
#[doc(hidden)]
pub fn try_on_reader_connection(url: &str, sql: &str) -> (Result<(), String>, Result<(), String>) {
    let Some(Ok(target)) = Target::claim(url) else {
        let e = Err("not a database URL".to_string());
        return (e.clone(), e);
    };
    let scrub = |r: Result<(), Failure>| r.map_err(|e| target.scrub(e));
    let connector = match Connector::new(&target) {
        Ok(c) => c,
        Err(e) => {
            let e = Err(target.scrub(e));
            return (e.clone(), e);
        }
    };
    let out = match &connector {
        Connector::Postgres(o) => block_on(async {
            let mut conn = postgres::connect(o).await?;
            write_probe(&mut conn, sql).await
        }),
        Connector::Mysql(o) => block_on(async {
            let mut conn = mysql::connect(o).await?;
            write_probe(&mut conn, sql).await
        }),
        Connector::Sqlite(path) => sqlite::connect(path).map_err(Failure::from).map(|conn| {
            // SQLite has no reader transaction: the connection is the guard.
            let once = || conn.execute_batch(sql).map_err(Failure::from);
            (once(), once())
        }),
    };
    match out {
        Ok((inside, after)) => (scrub(inside), scrub(after)),
        Err(e) => {
            let e = Err(target.scrub(e));
            (e.clone(), e)
        }
    }
}

type Probed = (Result<(), Failure>, Result<(), Failure>);

/// `sql` inside the reader's transaction, then on the bare session after
/// rolling it back.
async fn write_probe<C>(conn: &mut C, sql: &str) -> Result<Probed, Failure>
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let once = async |conn: &mut C| {
        sqlx::raw_sql(sql)
            .execute(&mut *conn)
            .await
            .map(drop)
            .map_err(Failure::from)
    };
    let inside = once(conn).await;
    sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await?;
    let after = once(conn).await;
    Ok((inside, after))
}
