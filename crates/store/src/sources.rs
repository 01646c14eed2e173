//! The scan state of remote sources, for incremental scans: per source
//! (an object-store prefix) and object, the stamp its listing gave when
//! it was last read through, the settings it was scanned with and its
//! finding counts. A scan state is a cache of work done, not a record of
//! an incident: it is not audited, and losing it only costs a full scan.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Context, Result, StoreError};
use crate::rows::{get, now_ts, parse_json, values_placeholders};
use crate::tx::{commit, retry};
use crate::Store;

/// Rows per multi-row upsert (8 parameters each).
const CHUNK: usize = 200;

/// One object as a scan left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceObject {
    /// The object's URL.
    pub object: String,
    pub etag: Option<String>,
    pub size_bytes: u64,
    /// RFC 3339, as the store listed it.
    pub last_modified: String,
    /// Findings by kind, e.g. `{"email": 12}`.
    pub findings: BTreeMap<String, u64>,
}

impl Store {
    /// The objects of `source` last scanned with `settings` (objects
    /// scanned with other settings are left out: they must be read again).
    pub async fn source_objects(&self, source: &str, settings: &str) -> Result<Vec<SourceObject>> {
        let rows = sqlx::query(
            "SELECT object, etag, size_bytes, last_modified, findings FROM source_objects \
             WHERE source = $1 AND settings = $2 ORDER BY object",
        )
        .bind(source)
        .bind(settings)
        .fetch_all(&self.pool)
        .await
        .context(|| format!("reading the scan state of {source}"))?;
        rows.iter()
            .map(|r| {
                Ok(SourceObject {
                    object: get(r, "object")?,
                    etag: get(r, "etag")?,
                    size_bytes: get::<i64>(r, "size_bytes")?.max(0) as u64,
                    last_modified: get(r, "last_modified")?,
                    findings: parse_json("source_objects", &get::<String>(r, "findings")?)?,
                })
            })
            .collect()
    }

    /// Records `objects` of `source` as scanned now with `settings`,
    /// replacing what was recorded of them before.
    pub async fn record_source_objects(
        &self,
        source: &str,
        settings: &str,
        objects: &[SourceObject],
    ) -> Result<()> {
        let what = format!("recording the scan state of {source}");
        for chunk in objects.chunks(CHUNK) {
            for o in chunk {
                if i64::try_from(o.size_bytes).is_err() {
                    return Err(StoreError::Invalid(format!(
                        "{}: size {} too large",
                        o.object, o.size_bytes
                    )));
                }
            }
            let sql = format!(
                "INSERT INTO source_objects (source, object, etag, size_bytes, last_modified, \
                 settings, findings, scanned_at) VALUES {} \
                 ON CONFLICT (source, object) DO UPDATE SET etag = excluded.etag, \
                 size_bytes = excluded.size_bytes, last_modified = excluded.last_modified, \
                 settings = excluded.settings, findings = excluded.findings, \
                 scanned_at = excluded.scanned_at",
                values_placeholders(chunk.len(), 8)
            );
            retry(|| async {
                let now = now_ts()?;
                let mut tx = self.begin_write(&what).await?;
                let mut q = sqlx::query(&sql);
                for o in chunk {
                    q = q
                        .bind(source)
                        .bind(o.object.as_str())
                        .bind(o.etag.as_deref())
                        .bind(o.size_bytes as i64)
                        .bind(o.last_modified.as_str())
                        .bind(settings)
                        .bind(serde_json::json!(o.findings).to_string())
                        .bind(now.as_str());
                }
                q.execute(&mut *tx).await.context(|| what.clone())?;
                commit(tx, &what).await
            })
            .await?;
        }
        Ok(())
    }
}
