//! Where customers come from, and the one row reader every consumer uses.
//!
//! A customer source is a CSV file (or stdin, `-`) with a [`ColumnMap`], or
//! a SQL query against SQLite or PostgreSQL ([`ImportSource`]).
//! [`for_each_customer`] streams its rows as [`CustomerRow`]s: import
//! fingerprints them, and notification re-reads contact addresses through
//! it at send time, because the registry keeps no plaintext.
//!
//! # Secrets
//! A SQL URL may carry a password (`postgres://user:pw@host/db` or
//! `?password=`). It is used to connect but never serialised: the
//! serialised form of an [`ImportSource`] (what import records in the
//! registry directory) and its `Debug` output carry the URL without it.
//! When a recorded source is used later, PostgreSQL takes the password from
//! the `PGPASSWORD` environment variable (the libpq convention, read by the
//! driver when the URL has none).
//!
//! # Streaming
//! Rows are read one at a time from CSV; SQL rows are fetched by a worker
//! thread with its own async runtime (so this works from any caller,
//! including one inside another runtime) and handed over in small batches
//! through a bounded channel. Memory does not grow with the source.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::mpsc;

use serde::{Deserialize, Serialize};

use crate::error::{io, Error, Result};
use crate::import::{ColumnMap, RowProblem, RowWarning, FIELDS};

/// How many row warnings [`for_each_customer`] keeps verbatim (all are
/// counted).
pub const MAX_SOURCE_WARNINGS: usize = 100;

/// SQL rows handed from the fetching thread to the caller per message.
const SQL_BATCH: usize = 512;

/// Where customers are read from.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ImportSource {
    /// A CSV file with a header row; `-` reads stdin (which cannot be read
    /// twice, so such a source is not recorded by import).
    Csv { path: PathBuf, columns: ColumnMap },
    /// A query whose result has the columns `customer_id, email,
    /// first_name, last_name, phone, country, region` (use `AS`). URL
    /// schemes: `sqlite:` and `postgres:`/`postgresql:`.
    Sql {
        #[serde(serialize_with = "serialize_redacted")]
        url: String,
        query: String,
    },
}

impl std::fmt::Debug for ImportSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportSource::Csv { path, columns } => f
                .debug_struct("Csv")
                .field("path", path)
                .field("columns", &columns.to_spec())
                .finish(),
            ImportSource::Sql { url, query } => f
                .debug_struct("Sql")
                .field("url", &redact_url(url))
                .field("query", query)
                .finish(),
        }
    }
}

impl std::fmt::Display for ImportSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportSource::Csv { path, .. } => write!(f, "CSV {}", path.display()),
            ImportSource::Sql { url, .. } => write!(f, "SQL {}", redact_url(url)),
        }
    }
}

fn serialize_redacted<S: serde::Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&redact_url(url))
}

/// `url` without a password (userinfo or `password=` query parameter).
/// An unparseable URL is returned as its scheme only, since where the
/// password is in it cannot be known.
pub fn redact_url(url: &str) -> String {
    let Ok(mut u) = url::Url::parse(url) else {
        return match url.split_once(':') {
            Some((scheme, _)) => format!("{scheme}:<unparseable URL>"),
            None => "<unparseable URL>".to_string(),
        };
    };
    let mut changed = false;
    if u.password().is_some() {
        // Only fails for URLs that cannot have a password at all.
        changed |= u.set_password(None).is_ok();
    }
    if u.query_pairs()
        .any(|(k, _)| k.eq_ignore_ascii_case("password"))
    {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("password"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
        changed = true;
    }
    // Keep the caller's spelling when there was nothing to remove
    // (re-serialising may change percent-encoding of paths).
    if changed {
        u.to_string()
    } else {
        url.to_string()
    }
}

impl ImportSource {
    /// The CSV default: columns named like the fields.
    pub fn csv(path: impl Into<PathBuf>) -> ImportSource {
        ImportSource::Csv {
            path: path.into(),
            columns: ColumnMap::default(),
        }
    }

    /// Whether the source can be read again later (stdin cannot).
    pub fn is_rereadable(&self) -> bool {
        !matches!(self, ImportSource::Csv { path, .. } if path.as_os_str() == "-")
    }

    /// The same source, resolvable from any working directory: a CSV path
    /// or an SQLite file path made absolute. Fails if the CSV file does not
    /// exist.
    pub fn resolved(&self) -> Result<ImportSource> {
        Ok(match self {
            ImportSource::Csv { path, columns } if path.as_os_str() != "-" => ImportSource::Csv {
                path: fs::canonicalize(path).map_err(io("resolving CSV path", path))?,
                columns: columns.clone(),
            },
            ImportSource::Sql { url, query } => ImportSource::Sql {
                url: absolute_sqlite_url(url)?,
                query: query.clone(),
            },
            other => other.clone(),
        })
    }
}

/// `sqlite:rel.db` / `sqlite://rel.db` with the path made absolute; other
/// URLs unchanged.
fn absolute_sqlite_url(url: &str) -> Result<String> {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Ok(url.to_string());
    };
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path.is_empty() || path == ":memory:" || Path::new(path).is_absolute() {
        return Ok(url.to_string());
    }
    let cwd = std::env::current_dir().map_err(io("resolving SQLite path", path))?;
    let abs = cwd.join(path);
    Ok(match query {
        Some(q) => format!("sqlite://{}?{q}", abs.display()),
        None => format!("sqlite://{}", abs.display()),
    })
}

/// One customer as the source has it (fields trimmed; possibly empty or
/// invalid: the reader does not judge content, the consumer does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerRow<'a> {
    /// CSV: the line the record starts on (1 = header, so data starts at
    /// 2). SQL: the 1-based row number in the result.
    pub line: u64,
    pub customer_id: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone: &'a str,
    pub country: &'a str,
    pub region: &'a str,
}

impl<'a> CustomerRow<'a> {
    fn from_fields(line: u64, f: [&'a str; 7]) -> CustomerRow<'a> {
        CustomerRow {
            line,
            customer_id: f[0],
            email: f[1],
            first_name: f[2],
            last_name: f[3],
            phone: f[4],
            country: f[5],
            region: f[6],
        }
    }

    /// The fields in [`FIELDS`] order.
    pub fn fields(&self) -> [&'a str; 7] {
        [
            self.customer_id,
            self.email,
            self.first_name,
            self.last_name,
            self.phone,
            self.country,
            self.region,
        ]
    }
}

/// What reading a source skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceReport {
    /// Data rows read (CSV header excluded), skipped ones included.
    pub rows: u64,
    /// Rows not passed on: wrong field count, or a customer id that is not
    /// valid UTF-8 / not readable as text.
    pub skipped_rows: u64,
    /// All warnings are counted; the first ones are kept in `warnings`.
    pub warnings_total: u64,
    pub warnings: Vec<RowWarning>,
}

impl SourceReport {
    fn warn(&mut self, max: usize, line: u64, problem: RowProblem) {
        self.warnings_total += 1;
        if self.warnings.len() < max {
            self.warnings.push(RowWarning { line, problem });
        }
    }
}

/// Streams every customer of `source` to `on_row`, in source order.
///
/// Rows that cannot be read (wrong field count, an unreadable customer id)
/// are skipped and reported; an unreadable other field is passed on empty
/// with a warning. An error from `on_row` stops the read and is returned
/// (wrap your own errors with [`Error::consumer`]).
///
/// Fatal errors: a missing column ([`Error::MissingColumn`]), unreadable
/// input ([`Error::Io`], [`Error::Csv`]), a failed connection or query
/// ([`Error::Sql`]).
///
/// Re-reading contacts of some customers from the source a registry
/// generation was imported from:
/// ```
/// use bw_registry::{for_each_customer, import, init, ImportOptions, ImportSource, Key, Registry};
/// let dir = tempfile::tempdir()?;
/// let csv = dir.path().join("customers.csv");
/// std::fs::write(&csv, "customer_id,email,first_name,last_name,phone,country,region\n\
///                       C1,ann.lee@example.com,Ann,Lee,,US,CA\n\
///                       C2,bo.park@example.com,Bo,Park,,US,NY\n")?;
/// let reg_dir = dir.path().join("registry");
/// let key = Key::from_bytes([7; 32]);
/// init(&reg_dir, &key)?;
/// import(&reg_dir, &key, &ImportSource::csv(&csv), &ImportOptions::default())?;
///
/// let reg = Registry::open(&reg_dir, &key)?;
/// let source = reg.import_source().expect("imported from a file");
/// let affected = ["C2"];
/// let mut contacts = Vec::new();
/// for_each_customer(&source, |row| {
///     if affected.contains(&row.customer_id) {
///         contacts.push((row.customer_id.to_string(), row.email.to_string()));
///     }
///     Ok(())
/// })?;
/// assert_eq!(contacts, [("C2".to_string(), "bo.park@example.com".to_string())]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn for_each_customer(
    source: &ImportSource,
    on_row: impl FnMut(&CustomerRow<'_>) -> Result<()>,
) -> Result<SourceReport> {
    read_source(source, MAX_SOURCE_WARNINGS, on_row)
}

pub(crate) fn read_source(
    source: &ImportSource,
    max_warnings: usize,
    on_row: impl FnMut(&CustomerRow<'_>) -> Result<()>,
) -> Result<SourceReport> {
    match source {
        ImportSource::Csv { path, columns } if path.as_os_str() == "-" => {
            read_csv(std::io::stdin().lock(), columns, max_warnings, on_row)
        }
        ImportSource::Csv { path, columns } => {
            let f = fs::File::open(path).map_err(io("opening CSV", path))?;
            read_csv(f, columns, max_warnings, on_row)
        }
        ImportSource::Sql { url, query } => read_sql(url, query, max_warnings, on_row),
    }
}

/// The CSV reader behind [`for_each_customer`] (and `import_csv`).
pub(crate) fn read_csv<R: Read>(
    input: R,
    columns: &ColumnMap,
    max_w: usize,
    mut on_row: impl FnMut(&CustomerRow<'_>) -> Result<()>,
) -> Result<SourceReport> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let header = rdr.byte_headers().map_err(|e| csv_error(&e))?.clone();
    let header_names: Vec<String> = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    let cols = resolve_columns(columns, &header_names)?;

    let mut report = SourceReport::default();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            // The reader is flexible, so only I/O and UTF-8-in-header
            // errors come here; neither can be skipped over.
            Err(e) => return Err(csv_error(&e)),
        }
        report.rows += 1;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != header.len() {
            report.skipped_rows += 1;
            report.warn(
                max_w,
                line,
                RowProblem::WrongFieldCount {
                    found: rec.len(),
                    expected: header.len(),
                },
            );
            continue;
        }
        let mut skip = false;
        let mut fields: [&str; 7] = [""; 7];
        for (i, col) in cols.iter().enumerate() {
            fields[i] = match col.and_then(|c| rec.get(c)) {
                None => "",
                Some(b) => match std::str::from_utf8(b) {
                    Ok(s) => s.trim(),
                    Err(_) => {
                        report.warn(max_w, line, RowProblem::InvalidUtf8 { column: FIELDS[i] });
                        skip |= i == 0;
                        ""
                    }
                },
            };
        }
        if skip {
            report.skipped_rows += 1;
            continue;
        }
        on_row(&CustomerRow::from_fields(line, fields))?;
    }
    Ok(report)
}

/// Position of each field's column in `names`; `None` for fields the map
/// marks absent.
fn resolve_columns(columns: &ColumnMap, names: &[String]) -> Result<[Option<usize>; 7]> {
    let mut cols: [Option<usize>; 7] = [None; 7];
    for (i, want) in columns.headers().iter().enumerate() {
        let Some(want) = want else { continue };
        match names.iter().position(|h| h == want) {
            Some(p) => cols[i] = Some(p),
            None => {
                return Err(Error::MissingColumn {
                    field: FIELDS[i],
                    header: want.clone(),
                    available: names.join(","),
                })
            }
        }
    }
    Ok(cols)
}

pub(crate) fn csv_error(e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    // csv's messages may quote field bytes for UTF-8 errors; keep only the
    // kind, never content.
    let message = match e.kind() {
        csv::ErrorKind::Io(err) => format!("I/O error: {err}"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("row has {len} fields, expected {expected_len}")
        }
        _ => "malformed CSV".to_string(),
    };
    Error::Csv { line, message }
}

/// One SQL row as text; `None` where the value had a type that has no text
/// form here.
struct SqlRow {
    n: u64,
    fields: [Option<String>; 7],
}

enum Msg {
    Rows(Vec<SqlRow>),
    Failed(Error),
}

fn read_sql(
    url: &str,
    query: &str,
    max_w: usize,
    mut on_row: impl FnMut(&CustomerRow<'_>) -> Result<()>,
) -> Result<SourceReport> {
    let dialect = Dialect::of(url)?;
    let (tx, rx) = mpsc::sync_channel::<Msg>(4);
    let (url_t, query_t) = (url.to_string(), query.to_string());
    let worker = std::thread::Builder::new()
        .name("bw-registry-sql".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Msg::Failed(sql_error(&url_t, e.to_string())));
                    return;
                }
            };
            let r = rt.block_on(async {
                match dialect {
                    Dialect::Sqlite => fetch_sqlite(&url_t, &query_t, &tx).await,
                    Dialect::Postgres => fetch_postgres(&url_t, &query_t, &tx).await,
                }
            });
            if let Err(e) = r {
                let _ = tx.send(Msg::Failed(e));
            }
        })
        .map_err(|e| sql_error(url, format!("starting the query thread: {e}")))?;

    let mut report = SourceReport::default();
    for msg in rx {
        let batch = match msg {
            Msg::Rows(b) => b,
            Msg::Failed(e) => return Err(e),
        };
        for row in batch {
            report.rows += 1;
            let mut fields: [&str; 7] = [""; 7];
            let mut skip = false;
            for (i, v) in row.fields.iter().enumerate() {
                match v {
                    Some(s) => fields[i] = s.trim(),
                    None => {
                        report.warn(
                            max_w,
                            row.n,
                            RowProblem::UnsupportedValue { column: FIELDS[i] },
                        );
                        skip |= i == 0;
                    }
                }
            }
            if skip {
                report.skipped_rows += 1;
                continue;
            }
            // Returning drops `rx`, which stops the worker at its next send.
            on_row(&CustomerRow::from_fields(row.n, fields))?;
        }
    }
    // The channel closes when the worker is done; a panic there means the
    // result is incomplete.
    if worker.join().is_err() {
        return Err(sql_error(url, "the query thread panicked".into()));
    }
    Ok(report)
}

#[derive(Clone, Copy)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    fn of(url: &str) -> Result<Dialect> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Dialect::Sqlite),
            Some("postgres" | "postgresql") => Ok(Dialect::Postgres),
            _ => Err(sql_error(
                url,
                "unsupported URL scheme (use sqlite: or postgres:)".into(),
            )),
        }
    }
}

fn sql_error(url: &str, message: String) -> Error {
    Error::Sql {
        url: redact_url(url),
        message,
    }
}

/// Position of each field in the result columns (all seven are required:
/// select `'' AS region` for a source without regions).
fn sql_columns<C: sqlx::Column>(url: &str, columns: &[C]) -> Result<[usize; 7]> {
    let names: Vec<String> = columns.iter().map(|c| c.name().to_string()).collect();
    let mut out = [0usize; 7];
    for (i, field) in FIELDS.iter().enumerate() {
        out[i] = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(field))
            .ok_or_else(|| Error::MissingColumn {
                field,
                header: (*field).to_string(),
                available: names.join(","),
            })?;
    }
    // Reported as a SQL problem when there are no columns at all (e.g. a
    // statement that is not a query).
    if names.is_empty() {
        return Err(sql_error(url, "the statement returns no columns".into()));
    }
    Ok(out)
}

/// A cell as text: text as is, numbers and booleans formatted, NULL empty;
/// `None` for other types (dates, bytes…), which the query should cast.
macro_rules! cell_text {
    ($row:expr, $i:expr) => {{
        use sqlx::Row as _;
        let (row, i) = ($row, $i);
        if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            Some(v.unwrap_or_default())
        } else if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            Some(v.map(|x| x.to_string()).unwrap_or_default())
        } else if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
            Some(v.map(|x| x.to_string()).unwrap_or_default())
        } else if let Ok(v) = row.try_get::<Option<i16>, _>(i) {
            Some(v.map(|x| x.to_string()).unwrap_or_default())
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            Some(v.map(|x| x.to_string()).unwrap_or_default())
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
            Some(v.map(|x| x.to_string()).unwrap_or_default())
        } else {
            None
        }
    }};
}

/// Prepares, checks the columns, then streams rows to `tx` in batches.
/// Returns early (Ok) when the receiver is gone.
macro_rules! fetch_rows {
    ($url:expr, $query:expr, $tx:expr, $conn:expr) => {{
        use futures_util::TryStreamExt as _;
        use sqlx::{Executor as _, Statement as _};
        let (url, tx) = ($url, $tx);
        let conn = $conn;
        let stmt = (&mut *conn)
            .prepare($query)
            .await
            .map_err(|e| sql_error(url, format!("preparing the query: {e}")))?;
        let cols = sql_columns(url, stmt.columns())?;
        let mut rows = stmt.query().fetch(&mut *conn);
        let mut batch = Vec::with_capacity(SQL_BATCH);
        let mut n = 0u64;
        while let Some(row) = rows
            .try_next()
            .await
            .map_err(|e| sql_error(url, format!("reading row {}: {e}", n + 1)))?
        {
            n += 1;
            let fields = cols.map(|c| cell_text!(&row, c));
            batch.push(SqlRow { n, fields });
            if batch.len() == SQL_BATCH
                && tx
                    .send(Msg::Rows(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(SQL_BATCH),
                    )))
                    .is_err()
            {
                return Ok(());
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(Msg::Rows(batch));
        }
        Ok(())
    }};
}

async fn fetch_sqlite(url: &str, query: &str, tx: &mpsc::SyncSender<Msg>) -> Result<()> {
    use sqlx::ConnectOptions as _;
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|e| sql_error(url, format!("bad SQLite URL: {e}")))?
        .read_only(true);
    let mut conn = opts
        .connect()
        .await
        .map_err(|e| sql_error(url, format!("connecting: {e}")))?;
    fetch_rows!(url, query, tx, &mut conn)
}

async fn fetch_postgres(url: &str, query: &str, tx: &mpsc::SyncSender<Msg>) -> Result<()> {
    use sqlx::ConnectOptions as _;
    let opts = sqlx::postgres::PgConnectOptions::from_str(url)
        .map_err(|e| sql_error(url, format!("bad PostgreSQL URL: {e}")))?;
    let mut conn = opts.connect().await.map_err(|e| {
        sql_error(
            url,
            format!("connecting (without a password in the URL, PGPASSWORD is used): {e}"),
        )
    })?;
    fetch_rows!(url, query, tx, &mut conn)
}
