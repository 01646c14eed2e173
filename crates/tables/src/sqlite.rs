//! SQLite: the file opened read-only (`mode=ro`, and `query_only` on the
//! connection), its tables from `sqlite_master`, rows stepped one at a
//! time.
//!
//! rusqlite, not sqlx's SQLite driver: it is synchronous, as a table
//! reader is; it is the build `bw-documents` already reads `.sqlite`
//! files with (one libsqlite3 in the binary); and it hardens the
//! connection the same way (defensive mode, no trusted schema), so a
//! crafted schema cannot run functions while it is listed.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::table::{Column, Dialect, Rows, Table};

/// How long a read waits on a writer's lock before failing: a live
/// database is often being written to.
const BUSY: Duration = Duration::from_secs(5);

/// The path of a `sqlite://` URL: `sqlite://data/app.db` is relative,
/// `sqlite:///var/app.db` absolute.
pub(crate) fn path(url: &str) -> &Path {
    Path::new(url.split_once("://").map_or(url, |(_, p)| p))
}

/// The tool's connection: opened read-only by SQLite itself (a missing
/// file is an error, never created), `query_only` on, hardened against
/// a crafted schema.
pub(crate) fn connect(path: &Path) -> rusqlite::Result<Connection> {
    if !path.is_file() {
        return Err(rusqlite::Error::InvalidPath(path.to_path_buf()));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(file_uri(path), flags)?;
    conn.busy_timeout(BUSY)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// `file:` with every byte but the unreserved ones percent-encoded (a `?`
/// or `#` in a file name must not start the query), then `?mode=ro`.
fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            let _ = write!(uri, "%{b:02X}");
        }
    }
    uri.push_str("?mode=ro");
    uri
}

/// Ordinary tables in name order: not SQLite's own (`sqlite_%`), not
/// views, not virtual tables (whose modules may run anything; their
/// rows sit in ordinary shadow tables, which are listed).
pub(crate) fn list(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut stmt = conn.prepare(
        "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
    )?;
    let names = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    names
        .into_iter()
        .map(|(name, sql)| describe(conn, name, &sql))
        .collect()
}

fn describe(conn: &Connection, name: String, sql: &str) -> rusqlite::Result<Table> {
    let mut stmt = conn.prepare("SELECT name, upper(type), pk FROM pragma_table_info(?1)")?;
    let mut columns = Vec::new();
    let mut keys: Vec<(i64, usize, bool)> = Vec::new();
    let mut rows = stmt.query([&name])?;
    while let Some(r) = rows.next()? {
        let (col, ty, pk): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if pk > 0 {
            // INTEGER affinity: the declared type holds "INT".
            keys.push((pk, columns.len(), ty.contains("INT")));
        }
        columns.push(Column {
            name: col,
            binary: false,
        });
    }
    keys.sort_unstable();
    let key_shown = !keys.is_empty() && keys.iter().all(|k| k.2);
    let shadowed = columns
        .iter()
        .any(|c| ["rowid", "_rowid_", "oid"].contains(&c.name.to_ascii_lowercase().as_str()));
    let without_rowid = sql
        .to_ascii_uppercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w == ["WITHOUT", "ROWID"]);
    Ok(Table {
        schema: "main".into(),
        name,
        columns,
        key: keys.iter().map(|k| k.1).collect(),
        key_shown,
        rowid: !key_shown && !shadowed && !without_rowid,
    })
}

/// Steps through the table's rows (or the first `sample`) into `rows`.
/// Values are text as SQLite prints them; a BLOB is text when it is
/// UTF-8 and skipped otherwise.
pub(crate) fn read(
    conn: &Connection,
    table: &Table,
    sample: Option<u64>,
    rows: &mut Rows<'_>,
) -> Result<(), crate::Failure> {
    let sql = table.select(Dialect::Sqlite, sample);
    let mut stmt = conn.prepare(&sql)?;
    let n = table.columns.len();
    let mut texts = vec![String::new(); n + usize::from(table.rowid)];
    let mut nulls = vec![true; texts.len()];
    let mut result = stmt.query([])?;
    while let Some(row) = result.next()? {
        for (i, text) in texts.iter_mut().enumerate() {
            text.clear();
            nulls[i] = false;
            match row.get_ref(i)? {
                ValueRef::Null => nulls[i] = true,
                ValueRef::Integer(v) => {
                    let _ = write!(text, "{v}");
                }
                ValueRef::Real(v) => {
                    let _ = write!(text, "{v}");
                }
                // Text SQLite was handed as text, even if not valid
                // UTF-8: what it holds is still worth scanning.
                ValueRef::Text(v) => text.push_str(&String::from_utf8_lossy(v)),
                ValueRef::Blob(v) => match std::str::from_utf8(v) {
                    Ok(s) => text.push_str(s),
                    Err(_) => nulls[i] = true,
                },
            }
        }
        let cells: Vec<Option<&str>> = texts[..n]
            .iter()
            .zip(&nulls)
            .map(|(t, &null)| (!null).then_some(t.as_str()))
            .collect();
        let rowid = table.rowid.then(|| texts[n].as_str());
        rows.row(&cells, rowid).map_err(crate::Failure::Sink)?;
    }
    Ok(())
}
