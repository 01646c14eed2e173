//! How values cross the row boundary: the one timestamp format, column
//! reads that say which column failed, stored JSON that names its table
//! when it is unreadable, and the small queries every part of the store
//! shares. Kept together so both backends read and write rows the same way.

use sqlx::any::AnyRow;
use sqlx::{Any, Row};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::error::{Context, Result, StoreError};
use crate::model::IncidentId;
use crate::tx::Tx;

/// Text that sorts chronologically, reads the same on both backends and
/// stays byte-stable inside audit hashes.
const TS_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Formats a timestamp the one way the store writes them.
pub fn format_ts(t: OffsetDateTime) -> Result<String> {
    t.to_offset(time::UtcOffset::UTC)
        .format(TS_FORMAT)
        .map_err(|e| StoreError::Invalid(format!("timestamp {t} cannot be stored: {e}")))
}

pub(crate) fn now_ts() -> Result<String> {
    format_ts(OffsetDateTime::now_utc())
}

pub(crate) fn corrupt(table: &'static str, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: detail.into(),
    }
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    text: &str,
) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(table, format!("bad JSON {text:?}: {e}")))
}

pub(crate) fn parse_enum<T: std::str::FromStr>(s: String) -> Result<T> {
    s.parse()
        .map_err(|_| corrupt("incidents", format!("unknown value {s:?}")))
}

pub(crate) fn get<T>(row: &AnyRow, col: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get::<T, _>(col)
        .context(|| format!("reading column {col}"))
}

/// `($1, …, $cols), ($cols+1, …)` for a multi-row INSERT of `rows` rows.
pub(crate) fn values_placeholders(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push(',');
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${}", r * cols + c + 1));
        }
        out.push(')');
    }
    out
}

pub(crate) async fn count(tx: &mut Tx, table: &str, id: &IncidentId) -> Result<u64> {
    // `table` is one of our own constants, never input.
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE incident_id = $1");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .fetch_one(&mut **tx)
        .await
        .context(|| format!("counting {table} of {id}"))?;
    let n: i64 = get(&row, "n")?;
    Ok(n.max(0) as u64)
}

/// Reads of child rows check the incident first, so an unknown id is
/// `NotFound` rather than an empty list.
pub(crate) async fn ensure_exists(tx: &mut Tx, id: &IncidentId) -> Result<()> {
    let row = sqlx::query("SELECT id FROM incidents WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .context(|| format!("looking up {id}"))?;
    match row {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(id.clone())),
    }
}
