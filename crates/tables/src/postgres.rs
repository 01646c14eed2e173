//! PostgreSQL: a read-only session, its tables from the catalogue, rows
//! streamed as the server sends them.

use std::str::FromStr;

use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Row, ValueRef};

use crate::table::{text, Catalogue, Column, Dialect, Rows, Table};
use crate::{Failure, CONNECT_TIMEOUT};

/// The URL's options, made read-only before the session starts:
/// `default_transaction_read_only=on` travels in the startup packet, so
/// even the session's first statement cannot write.
pub(crate) fn options(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(PgConnectOptions::from_str(url)?
        .application_name("breachwatch")
        .options([("default_transaction_read_only", "on")])
        // Statements are logged by nobody: their text is ours, but a
        // driver's slow-query warning names the table, and logs leak.
        .disable_statement_logging())
}

/// The tool's connection: read-only three times over (the startup
/// option, the session's characteristics, and a `READ ONLY` transaction
/// left open for the whole read, at one snapshot).
pub(crate) async fn connect(opts: &PgConnectOptions) -> Result<PgConnection, Failure> {
    let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, opts.connect())
        .await
        .map_err(|_| Failure::Timeout)??;
    sqlx::raw_sql(
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; \
         BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
    )
    .execute(&mut conn)
    .await?;
    Ok(conn)
}

/// Ordinary tables and materialized views of every schema but the
/// system's, in name order. Partitioned tables are left to their
/// partitions (which hold the rows, and are listed), foreign tables to
/// the database they live in; views hold no rows of their own.
const LIST: &str = r"
SELECT n.nspname::text, c.relname::text, a.attname::text,
       a.atttypid = 'bytea'::regtype AS binary,
       a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype,
                      'numeric'::regtype, 'uuid'::regtype) AS keyable,
       -- indkey's subscripts start at 0: positions counted from 1 here.
       coalesce(array_position(i.indkey::int2[], a.attnum)
                - array_lower(i.indkey::int2[], 1) + 1, 0)::int4 AS key_pos
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY n.nspname, c.relname, a.attnum";

pub(crate) async fn list(conn: &mut PgConnection) -> Result<Vec<Table>, Failure> {
    let rows = sqlx::query(LIST).fetch_all(&mut *conn).await?;
    let mut catalogue = Catalogue::default();
    for row in rows {
        let binary: bool = row.try_get(3)?;
        catalogue.column(
            row.try_get(0)?,
            row.try_get(1)?,
            Column {
                name: row.try_get(2)?,
                binary,
            },
            row.try_get(5)?,
            row.try_get(4)?,
        );
    }
    Ok(catalogue.finish())
}

/// Streams the table's rows (or the first `sample`) into `rows`.
pub(crate) async fn read(
    conn: &mut PgConnection,
    table: &Table,
    sample: Option<u64>,
    rows: &mut Rows<'_>,
) -> Result<(), Failure> {
    let sql = table.select(Dialect::Postgres, sample);
    let mut stream = sqlx::query(&sql).persistent(false).fetch(&mut *conn);
    while let Some(row) = stream.try_next().await? {
        let mut cells = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            let v = row.try_get_raw(i)?;
            let bytes = if v.is_null() {
                None
            } else {
                Some(v.as_bytes().map_err(|e| Failure::Decode(e.to_string()))?)
            };
            cells.push(text(bytes));
        }
        rows.row(&cells, None).map_err(Failure::Sink)?;
    }
    Ok(())
}
