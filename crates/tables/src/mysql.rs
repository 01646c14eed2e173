//! MySQL and MariaDB: a read-only session, the tables of the URL's
//! database (or of every non-system database when it names none), rows
//! streamed as the server sends them.

use std::str::FromStr;

use futures_util::TryStreamExt;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow};
use sqlx::{ConnectOptions, Row};

use crate::table::{text, Catalogue, Column, Dialect, Rows, Table};
use crate::{Failure, CONNECT_TIMEOUT};

pub(crate) fn options(url: &str) -> Result<MySqlConnectOptions, sqlx::Error> {
    Ok(MySqlConnectOptions::from_str(url)?
        .charset("utf8mb4")
        .disable_statement_logging())
}

/// The tool's connection: every transaction of the session read-only,
/// and a `READ ONLY` one (at one snapshot) open for the whole read.
pub(crate) async fn connect(opts: &MySqlConnectOptions) -> Result<MySqlConnection, Failure> {
    let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, opts.connect())
        .await
        .map_err(|_| Failure::Timeout)??;
    for sql in [
        "SET SESSION TRANSACTION READ ONLY",
        // The server gives up on a client that reads slower than this
        // (default 60 s); the scanner may pause on a large cell.
        "SET SESSION net_write_timeout = 3600",
        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
    ] {
        sqlx::raw_sql(sql).execute(&mut conn).await?;
    }
    Ok(conn)
}

/// Base tables (system-versioned ones too) outside the system schemas;
/// every value cast to text, as the catalogue's column types differ
/// between MySQL and MariaDB versions.
const LIST: &str = r"
SELECT CAST(c.TABLE_SCHEMA AS CHAR), CAST(c.TABLE_NAME AS CHAR),
       CAST(c.COLUMN_NAME AS CHAR), CAST(LOWER(c.DATA_TYPE) AS CHAR),
       CAST(COALESCE(k.ORDINAL_POSITION, 0) AS CHAR)
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t
  ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
LEFT JOIN information_schema.KEY_COLUMN_USAGE k
  ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
 AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY'
WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
  AND c.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
  AND (? IS NULL OR c.TABLE_SCHEMA = ?)
ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";

/// Types whose values are bytes, not text.
const BINARY: [&str; 16] = [
    "binary",
    "varbinary",
    "tinyblob",
    "blob",
    "mediumblob",
    "longblob",
    "bit",
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
    "geomcollection",
];

/// Types a key may be shown for (numbers).
const KEYABLE: [&str; 6] = [
    "tinyint",
    "smallint",
    "mediumint",
    "int",
    "bigint",
    "decimal",
];

pub(crate) async fn list(
    conn: &mut MySqlConnection,
    database: Option<&str>,
) -> Result<Vec<Table>, Failure> {
    let rows = sqlx::query(LIST)
        .bind(database)
        .bind(database)
        .fetch_all(&mut *conn)
        .await?;
    let mut catalogue = Catalogue::default();
    for row in rows {
        let [schema, name, column, ty, key_pos] = texts(&row)?;
        catalogue.column(
            schema,
            name,
            Column {
                name: column,
                binary: BINARY.contains(&ty.as_str()),
            },
            key_pos.parse().unwrap_or(0),
            KEYABLE.contains(&ty.as_str()),
        );
    }
    Ok(catalogue.finish())
}

fn texts<const N: usize>(row: &MySqlRow) -> Result<[String; N], Failure> {
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    for (i, slot) in out.iter_mut().enumerate() {
        if let Some(b) = row.try_get_unchecked::<Option<&[u8]>, _>(i)? {
            *slot = String::from_utf8_lossy(b).into_owned();
        }
    }
    Ok(out)
}

/// Streams the table's rows (or the first `sample`) into `rows`.
pub(crate) async fn read(
    conn: &mut MySqlConnection,
    table: &Table,
    sample: Option<u64>,
    rows: &mut Rows<'_>,
) -> Result<(), Failure> {
    let sql = table.select(Dialect::Mysql, sample);
    let mut stream = sqlx::query(&sql).persistent(false).fetch(&mut *conn);
    while let Some(row) = stream.try_next().await? {
        let mut cells = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            // Unchecked: every column is text or bytes by the query's
            // casts, and both decode as the bytes the server sent.
            cells.push(text(row.try_get_unchecked::<Option<&[u8]>, _>(i)?));
        }
        rows.row(&cells, None).map_err(Failure::Sink)?;
    }
    Ok(())
}
