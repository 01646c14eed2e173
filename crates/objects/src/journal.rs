//! What an incremental scan needs from the listing: each object's stamp
//! (ETag, size, last-modified) to compare with the last scan's, and which
//! objects were read through without a failure, for the caller to record
//! once its visitor is done with them.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// What a listing says of one object. Two equal stamps mean the same
/// bytes as far as the store can tell without reading them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub etag: Option<String>,
    pub size: u64,
    /// RFC 3339, as the store reported it.
    pub last_modified: String,
}

/// One object handed to the pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The source it was listed from (see [`crate::ObjectResolver`]).
    pub source: String,
    /// The object's URL: what findings carry as their path.
    pub url: String,
    pub stamp: Stamp,
}

/// The stamps of the objects of a source as the last scan recorded them
/// (object URL → stamp). Objects whose stamp is unchanged are not read.
pub trait Previous: Send + Sync + fmt::Debug {
    fn stamps(&self, source: &str) -> Result<HashMap<String, Stamp>, String>;
}

/// Objects between listing and the end of their scan, and counts for the
/// run's summary. Shared by the resolver (which adds), the readers (which
/// mark failures) and the caller's visitor (which takes finished ones).
#[derive(Debug, Default)]
pub struct Journal {
    open: Mutex<HashMap<String, Listed>>,
    unchanged: AtomicU64,
}

impl Journal {
    pub fn new() -> Journal {
        Journal::default()
    }

    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<String, Listed>> {
        // The map stays consistent through a panic elsewhere: every change
        // is one insert or remove.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn listed(&self, listed: Listed) {
        self.open().insert(listed.url.clone(), listed);
    }

    /// An object not to record: its read failed (the next incremental
    /// scan reads it again), or it was dropped unread (another shard's,
    /// or the run stopped).
    pub(crate) fn forget(&self, url: &str) {
        self.open().remove(url);
    }

    pub(crate) fn skipped_unchanged(&self) {
        self.unchanged.fetch_add(1, Ordering::Relaxed);
    }

    /// The object `url` is done with (its input finished): what was
    /// listed of it, or `None` when it is not one of this journal's or
    /// reading it failed (it is then not recorded, so the next
    /// incremental scan reads it again).
    pub fn finish(&self, url: &str) -> Option<Listed> {
        self.open().remove(url)
    }

    /// Objects not read because their stamp had not changed.
    pub fn unchanged(&self) -> u64 {
        self.unchanged.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(url: &str) -> Listed {
        Listed {
            source: "s3://b".into(),
            url: url.into(),
            stamp: Stamp {
                etag: Some("\"e\"".into()),
                size: 3,
                last_modified: "2026-01-01T00:00:00+00:00".into(),
            },
        }
    }

    #[test]
    fn a_failed_object_is_not_finished_and_each_finishes_once() {
        let j = Journal::new();
        j.listed(listed("s3://b/ok"));
        j.listed(listed("s3://b/gone"));
        j.forget("s3://b/gone");
        assert_eq!(j.finish("s3://b/gone"), None);
        assert_eq!(j.finish("s3://b/ok"), Some(listed("s3://b/ok")));
        assert_eq!(j.finish("s3://b/ok"), None);
        assert_eq!(j.finish("/local/file"), None);
    }
}
