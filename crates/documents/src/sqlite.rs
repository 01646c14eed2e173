//! SQLite database files as one table part per table, read-only.
//!
//! A file on disk is opened by URI with `mode=ro`, so SQLite itself
//! honours a `-wal` beside it (rows committed there and not yet
//! checkpointed are read) and never writes the database or its journal.
//! A database nested in an archive has no file to open: its bytes are
//! handed to SQLite as an in-memory, read-only database (after its
//! length is checked against the limits), so nothing touches the disk.
//!
//! Hostile files: SQLite reports corruption as it meets it (per table, so
//! the tables before it are scanned), `cell_size_check` makes it look
//! harder, the defensive flag and `trusted_schema=OFF` keep a crafted
//! schema from running functions, virtual tables (whose modules may run
//! anything) are skipped — their content sits in ordinary shadow tables,
//! which are read — and the busy timeout is zero: a locked database is
//! an error now, never a wait.

use std::fmt::Write;
use std::io::{Read, SeekFrom};
use std::path::Path;
use std::ptr::NonNull;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::serialize::OwnedData;
use rusqlite::types::ValueRef;
use rusqlite::{ffi, Connection, DatabaseName, ErrorCode, OpenFlags};

use crate::detect::read_full;
use crate::{guarded, Bound, DocError, DocFormat, Limits, Meter, ReadSeek, Sink, Source};

pub(crate) fn read(
    source: Source<'_>,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), DocError> {
    let mut meter = Meter::new(DocFormat::Sqlite, limits, sink);
    guarded(DocFormat::Sqlite, || {
        let conn = match source.path {
            Some(path) => open_file(path, source.reader)?,
            None => open_bytes(source.reader, source.len, limits)?,
        };
        harden(&conn)?;
        let tables = tables(&conn)?;
        for name in &tables {
            table(&conn, name, &mut meter)?;
        }
        Ok(())
    })
}

fn open_file(path: &Path, reader: &mut (dyn ReadSeek + Send)) -> Result<Connection, DocError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // A WAL-mode database with no `-wal` beside it has nothing there to
    // honour, but a read-only connection would still create an empty
    // `-wal` and a `-shm` and, unable to write, leave them behind. It is
    // read as immutable instead (no locks, no companions). A writer that
    // starts meanwhile writes to a new `-wal`, not the file; only its
    // checkpoint could change pages under the read, which SQLite would
    // then report as corruption, not hide.
    let wal_header = is_wal_mode(reader).map_err(DocError::Io)?;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let query = if wal_header && !Path::new(&wal).exists() {
        "mode=ro&immutable=1"
    } else {
        "mode=ro"
    };
    Connection::open_with_flags(file_uri(path, query), flags).map_err(|e| failure(e, None))
}

/// The header's write and read versions: 2 and 2 is WAL mode.
fn is_wal_mode(reader: &mut (dyn ReadSeek + Send)) -> std::io::Result<bool> {
    let mut header = [0u8; 20];
    reader.seek(SeekFrom::Start(0))?;
    let got = read_full(reader, &mut header)?;
    Ok(got == header.len() && header[18] == 2 && header[19] == 2)
}

/// `file:` followed by the path with every byte but the unreserved ones
/// percent-encoded: a `?` or `#` in a file name must not start the query.
fn file_uri(path: &Path, query: &str) -> String {
    let bytes = path_bytes(path);
    let mut uri = String::with_capacity(bytes.len() + 16);
    uri.push_str("file:");
    for &b in bytes.iter() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    uri
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    std::borrow::Cow::Owned(path.to_string_lossy().into_owned().into_bytes())
}

fn open_bytes(
    reader: &mut (dyn ReadSeek + Send),
    len: u64,
    limits: &Limits,
) -> Result<Connection, DocError> {
    if len > limits.max_inflated_bytes {
        return Err(DocError::Limit {
            format: DocFormat::Sqlite,
            bound: Bound::Memory,
            limit: limits.max_inflated_bytes,
        });
    }
    let len = usize::try_from(len).map_err(|_| corrupt("database too large".to_string()))?;
    if len < 100 {
        return Err(corrupt(format!(
            "{len} bytes is shorter than a database header"
        )));
    }
    reader.seek(SeekFrom::Start(0)).map_err(DocError::Io)?;
    let data = sqlite_buffer(reader, len)?;
    let mut conn = Connection::open_in_memory().map_err(|e| failure(e, None))?;
    conn.deserialize(DatabaseName::Main, data, true)
        .map_err(|e| failure(e, None))?;
    Ok(conn)
}

/// The database's bytes in a buffer SQLite owns (`deserialize` takes
/// only that), read straight into it: no second copy of a large file.
#[allow(unsafe_code)]
fn sqlite_buffer(reader: &mut dyn Read, len: usize) -> Result<OwnedData, DocError> {
    // SAFETY: a plain allocation call; a null result is handled below.
    let raw = unsafe { ffi::sqlite3_malloc64(len as u64) }.cast::<u8>();
    let ptr = NonNull::new(raw).ok_or_else(|| {
        DocError::Io(std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            "no memory for the database",
        ))
    })?;
    // SAFETY: `ptr` was allocated by `sqlite3_malloc64` just above, with
    // `len` bytes; `data` now owns it and frees it with `sqlite3_free`.
    let data = unsafe { OwnedData::from_raw_nonnull(ptr, len) };
    // SAFETY: the `len` bytes at `ptr` are ours alone (nothing else has
    // the pointer; `data` only frees it, after this slice is gone), and
    // they are zeroed before the slice is made, so it is initialised.
    let buf = unsafe {
        std::ptr::write_bytes(ptr.as_ptr(), 0, len);
        std::slice::from_raw_parts_mut(ptr.as_ptr(), len)
    };
    reader.read_exact(buf).map_err(DocError::Io)?;
    // A WAL-mode header (write and read versions 2): the copy has no
    // `-wal` beside it to honour, and an in-memory database cannot be in
    // WAL mode, so it is read as the rollback-journal database it is.
    if buf[18] == 2 && buf[19] == 2 {
        buf[18] = 1;
        buf[19] = 1;
    }
    Ok(data)
}

fn harden(conn: &Connection) -> Result<(), DocError> {
    let fail = |e| failure(e, None);
    conn.busy_timeout(Duration::ZERO).map_err(fail)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(fail)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .map_err(fail)?;
    conn.pragma_update(None, "cell_size_check", true)
        .map_err(fail)?;
    Ok(())
}

/// Ordinary tables in creation order: not SQLite's own (`sqlite_%`), not
/// views, not virtual tables.
fn tables(conn: &Connection) -> Result<Vec<String>, DocError> {
    let fail = |e| failure(e, Some("the schema"));
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY rowid",
        )
        .map_err(fail)?;
    let names = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(fail)?;
    names.collect::<Result<Vec<_>, _>>().map_err(fail)
}

fn table(conn: &Connection, name: &str, meter: &mut Meter<'_>) -> Result<(), DocError> {
    let place = format!("table {name:?}");
    let fail = |e| failure(e, Some(&place));
    let sql = format!("SELECT * FROM \"{}\"", name.replace('"', "\"\""));
    let mut stmt = conn.prepare(&sql).map_err(fail)?;
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let header: Vec<&str> = columns.iter().map(String::as_str).collect();
    meter.part(name)?;
    meter.header(&header)?;
    let mut rows = stmt.query([]).map_err(fail)?;
    let mut texts = vec![String::new(); columns.len()];
    let mut index = 0u64;
    while let Some(row) = rows.next().map_err(fail)? {
        index += 1;
        for (i, text) in texts.iter_mut().enumerate() {
            text.clear();
            match row.get_ref(i).map_err(fail)? {
                ValueRef::Null => {}
                ValueRef::Integer(v) => {
                    let _ = write!(text, "{v}");
                }
                ValueRef::Real(v) => {
                    let _ = write!(text, "{v}");
                }
                // Text SQLite was handed as text, even if not valid
                // UTF-8: what it holds is still worth scanning.
                ValueRef::Text(v) => text.push_str(&String::from_utf8_lossy(v)),
                ValueRef::Blob(v) => {
                    if let Ok(s) = std::str::from_utf8(v) {
                        text.push_str(s);
                    }
                }
            }
        }
        let cells: Vec<(u32, &str)> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| (i as u32, t.as_str()))
            .collect();
        meter.row(index, &cells)?;
    }
    Ok(())
}

fn corrupt(detail: String) -> DocError {
    DocError::Corrupt {
        format: DocFormat::Sqlite,
        detail,
    }
}

/// SQLite's error as ours, naming the table it happened in: corruption
/// (or a file that is no database) is `Corrupt`, the rest is I/O.
fn failure(e: rusqlite::Error, place: Option<&str>) -> DocError {
    let place = place.map(|p| format!("{p}: ")).unwrap_or_default();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            corrupt(format!("{place}{e}"))
        }
        _ => DocError::Io(std::io::Error::other(format!("{place}{e}"))),
    }
}
