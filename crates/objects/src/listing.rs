//! One opened source: its listing, pulled page by page by a task on the
//! runtime while the scan threads take objects from it, each object a
//! stream whose GET waits for its first read.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use bw_sources::{Event, Haystack, Remote, SourceError};
use futures_util::StreamExt;
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use tokio::sync::mpsc;

use crate::bridge::{self, AbortOnDrop};
use crate::journal::{Journal, Listed, Stamp};
use crate::reader::{Get, ObjectReader};
use crate::target::{Scheme, Target};

/// Listed objects waiting for a scan thread. Bounded so a listing of
/// millions of keys runs only this far ahead of the scan.
const AHEAD: usize = 4096;

type Item = object_store::Result<ObjectMeta>;

/// HEAD requests in flight for listings that give no ETag.
const ETAG_HEADS: usize = 16;

/// The object's ETag from a HEAD when its listing entry had none: S3,
/// GCS and Azure list ETags, but some S3-compatible servers (s3s-fs) do
/// not, and without one an object's version is unknown and an
/// incremental scan can only compare sizes and dates. A HEAD that fails
/// leaves the entry as listed; its GET will say what is wrong.
async fn with_etag(store: Arc<dyn ObjectStore>, item: Item) -> Item {
    match item {
        Ok(meta) if meta.e_tag.is_none() => match store.head(&meta.location).await {
            Ok(head) if head.e_tag.is_some() => Ok(ObjectMeta {
                e_tag: head.e_tag,
                ..meta
            }),
            _ => Ok(meta),
        },
        other => other,
    }
}

pub(crate) struct Listing {
    target: Target,
    /// What the journal and the previous state know this source as.
    source: String,
    store: Arc<dyn ObjectStore>,
    /// Objects known before the channel (the first of the listing, read
    /// at open to catch a missing bucket; or the one object of a URL).
    ready: VecDeque<ObjectMeta>,
    rx: Option<mpsc::Receiver<Item>>,
    _task: Option<AbortOnDrop<()>>,
    previous: Option<HashMap<String, Stamp>>,
    journal: Option<Arc<Journal>>,
}

/// How a request for a source was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    Missing,
    Denied,
    Other,
}

fn refusal(e: &object_store::Error) -> Refusal {
    match e {
        object_store::Error::NotFound { .. } => Refusal::Missing,
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => Refusal::Denied,
        _ => {
            // A failed listing arrives as a generic error: object_store
            // keeps its HTTP status private, but its message carries the
            // status line and the store's error code.
            let text = e.to_string();
            if [
                "403 Forbidden",
                "401 Unauthorized",
                "AccessDenied",
                "AuthenticationFailed",
            ]
            .iter()
            .any(|t| text.contains(t))
            {
                Refusal::Denied
            } else if ["404 Not Found", "NoSuchBucket", "ContainerNotFound"]
                .iter()
                .any(|t| text.contains(t))
            {
                Refusal::Missing
            } else {
                Refusal::Other
            }
        }
    }
}

/// Why a source could not be opened, in words that say what to fix.
fn explain(target: &Target, e: &object_store::Error) -> String {
    let what = match target.scheme {
        Scheme::Azure => "container",
        Scheme::Http => "object",
        _ => "bucket",
    };
    match refusal(e) {
        Refusal::Missing => format!("no such {what} ({}): {e}", target.bucket),
        Refusal::Denied => format!(
            "access denied: check the credentials (environment, profile files, instance role) \
             or give --no-sign for a public {what}: {e}"
        ),
        Refusal::Other => e.to_string(),
    }
}

impl Listing {
    /// Opens `target`: one list request (or a HEAD for a single object)
    /// now, so a missing bucket or refused credentials is one error for
    /// the source rather than one per object.
    pub(crate) fn open(
        target: Target,
        source: String,
        store: Arc<dyn ObjectStore>,
        previous: Option<HashMap<String, Stamp>>,
        journal: Option<Arc<Journal>>,
    ) -> Result<Listing, String> {
        let mut listing = Listing {
            target,
            source,
            store,
            ready: VecDeque::new(),
            rx: None,
            _task: None,
            previous,
            journal,
        };
        if listing.target.scheme == Scheme::Http {
            let one = listing.head()?;
            listing.ready.push_back(one);
            return Ok(listing);
        }
        let prefix =
            (!listing.target.prefix.is_empty()).then(|| Path::from(listing.target.prefix.as_str()));
        let (tx, mut rx) = mpsc::channel::<Item>(AHEAD);
        let store = listing.store.clone();
        let task = bridge::runtime()?.spawn(async move {
            let listed = store.list(prefix.as_ref());
            let mut pages = listed
                .map(|item| with_etag(store.clone(), item))
                .buffered(ETAG_HEADS);
            while let Some(item) = pages.next().await {
                let last = item.is_err();
                if tx.send(item).await.is_err() || last {
                    return;
                }
            }
        });
        let task = AbortOnDrop(task);
        match bridge::block_on(rx.recv()) {
            Some(Ok(first)) => listing.ready.push_back(first),
            Some(Err(e)) => return Err(explain(&listing.target, &e)),
            // Nothing under the prefix: it may name one object.
            None if !listing.target.prefix.is_empty() => {
                let one = listing.head()?;
                listing.ready.push_back(one);
                return Ok(listing);
            }
            None => return Ok(listing),
        }
        listing.rx = Some(rx);
        listing._task = Some(task);
        Ok(listing)
    }

    fn head(&self) -> Result<ObjectMeta, String> {
        let store = self.store.clone();
        let path = Path::from(self.target.prefix.as_str());
        match bridge::wait(async move { store.head(&path).await })? {
            Ok(meta) => Ok(meta),
            Err(object_store::Error::NotFound { .. }) if self.target.scheme != Scheme::Http => {
                Err(format!("no objects at {}", self.target))
            }
            Err(e) => Err(explain(&self.target, &e)),
        }
    }

    fn next_meta(&mut self) -> Option<Item> {
        if let Some(meta) = self.ready.pop_front() {
            return Some(Ok(meta));
        }
        bridge::block_on(self.rx.as_mut()?.recv())
    }

    fn next_event(&mut self) -> Option<Event> {
        loop {
            let meta = match self.next_meta()? {
                Ok(meta) => meta,
                Err(e) => {
                    // The rest of the listing is lost: say so, for the
                    // source, once.
                    self.rx = None;
                    return Some(Event::Error(SourceError::Remote {
                        name: self.target.to_string(),
                        reason: format!("listing failed part-way: {e}"),
                    }));
                }
            };
            let url = self.target.url_of(meta.location.as_ref());
            let stamp = Stamp {
                etag: meta.e_tag.clone(),
                size: meta.size,
                last_modified: meta.last_modified.to_rfc3339(),
            };
            if let Some(prev) = &self.previous {
                if prev.get(&url) == Some(&stamp) {
                    if let Some(j) = &self.journal {
                        j.skipped_unchanged();
                    }
                    continue;
                }
            }
            if let Some(j) = &self.journal {
                j.listed(Listed {
                    source: self.source.clone(),
                    url: url.clone(),
                    stamp: stamp.clone(),
                });
            }
            let get = Get {
                store: self.store.clone(),
                path: meta.location,
                etag: meta.e_tag.clone(),
            };
            return Some(Event::Haystack(Haystack::Stream {
                reader: Box::new(ObjectReader::new(url.clone(), get, self.journal.clone())),
                name: url,
                len: Some(meta.size),
                version: meta.e_tag.or(meta.version),
            }));
        }
    }
}

/// Readers per scan thread: a GET waits tens of milliseconds for its first
/// byte (more on a loaded store) and small objects are mostly that wait,
/// so several per core keep the CPU busy. Measured on 956 corpus files
/// (70 KB on average) with 2 cores: 2 readers 0.12x the local scan's
/// throughput, 16 readers 0.83x.
const READERS_PER_THREAD: usize = 8;
/// ...up to this many, past which memory (a scanner and 16 body chunks
/// each) grows with no more overlap to gain.
const MAX_READERS: usize = 32;

impl Remote for Listing {
    fn events(&mut self) -> Box<dyn Iterator<Item = Event> + Send + '_> {
        Box::new(std::iter::from_fn(move || self.next_event()))
    }

    fn readers(&self, threads: usize) -> usize {
        threads.max((threads * READERS_PER_THREAD).min(MAX_READERS))
    }
}
