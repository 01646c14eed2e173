//! `bw-objects` reads object stores for the scan pipeline: `s3://bucket/prefix`
//! (AWS and S3-compatible stores), `gs://`, `az://` / `azure://` and
//! single objects at `https://` URLs become a [`bw_sources::Remote`] whose
//! objects are [`bw_sources::Haystack::Stream`]s, expanded by the same
//! formats layer as local files (archives, mail, documents; a zip or
//! document is spooled — in memory up to 16 MiB, then to an anonymous
//! temp file — since its directory sits at its end). Findings carry the
//! object's URL as their path and the evidence its ETag.
//!
//! # How it reads
//! [`ObjectResolver::resolve`] lists the first page (or HEADs a single
//! object) at once, so a missing bucket or refused credentials is one
//! error for the argument. The listing then runs ahead on a task, paged by
//! the store; each object's GET is sent by the scan thread that takes it,
//! on its first read, so GETs run in parallel, and its body streams
//! through a bounded channel. Throttling (503 SlowDown), resets and
//! timeouts are retried with backoff by object_store ([`Retry`]), a body
//! cut short is resumed with a ranged GET of the same ETag. An object
//! deleted or changed between listing and GET is an error naming its URL,
//! and the scan goes on.
//!
//! With a [`Previous`], objects whose listing stamp (ETag, size,
//! last-modified) equals the last scan's are not read at all; a
//! [`Journal`] tells the caller which objects were read through, to
//! record them.
//!
//! # Never
//! Read the environment or a configuration file on its own (the caller
//! passes the variables and the profile files' paths); keep an object's
//! body beyond the chunks in flight; accept credentials in a URL (they
//! would end up in findings and evidence); write to a store.

mod bridge;
mod build;
mod journal;
mod listing;
mod profile;
mod reader;
mod target;

use std::sync::Arc;

use bw_sources::{Remote, Resolver, SourceError};

pub use build::Retry;
pub use journal::{Journal, Listed, Previous, Stamp};
pub use profile::AwsFiles;

/// How to reach the stores: every field has the meaning of the CLI flag
/// or variable it comes from.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// An S3-compatible endpoint (`http://127.0.0.1:9000`): requests go
    /// there, path-style. For `az://`, the blob endpoint (Azurite).
    pub endpoint: Option<String>,
    /// The S3 region, over the environment and profile files.
    pub region: Option<String>,
    /// Unsigned requests, for public buckets.
    pub anonymous: bool,
    /// Configuration variables as the caller read them: `AWS_*`,
    /// `GOOGLE_*`, `AZURE_*`, `SERVICE_ACCOUNT`.
    pub env: Vec<(String, String)>,
    /// AWS profile files, read when the variables hold no key.
    pub aws_files: Option<AwsFiles>,
    pub retry: Retry,
    /// The last scan's stamps: unchanged objects are not read.
    pub previous: Option<Arc<dyn Previous>>,
    /// Where listed objects are noted, for the caller to record.
    pub journal: Option<Arc<Journal>>,
}

/// Claims object-store URLs for the pipeline.
#[derive(Debug)]
pub struct ObjectResolver {
    opts: Options,
}

impl ObjectResolver {
    pub fn new(opts: Options) -> ObjectResolver {
        ObjectResolver { opts }
    }

    /// What a source is recorded as for incremental scans: its URL, and
    /// the endpoint when there is one (the same bucket name on two
    /// endpoints is two sources).
    pub fn source_id(&self, arg: &str) -> Option<String> {
        let target = target::Target::parse(arg)?.ok()?;
        Some(self.source_of(&target))
    }

    fn source_of(&self, target: &target::Target) -> String {
        match &self.opts.endpoint {
            Some(e) if target.scheme != target::Scheme::Http => format!("{target} at {e}"),
            _ => target.to_string(),
        }
    }
}

/// Whether `arg` names an object-store source (it may still be invalid).
pub fn is_object_url(arg: &str) -> bool {
    target::Target::parse(arg).is_some()
}

impl Resolver for ObjectResolver {
    fn resolve(&self, arg: &str) -> Option<Result<Box<dyn Remote>, SourceError>> {
        let target = match target::Target::parse(arg)? {
            Ok(t) => t,
            Err(reason) => {
                // Never echo what may hold credentials.
                let name = match (arg.split_once("://"), arg.rsplit_once('@')) {
                    (Some((scheme, _)), Some((_, rest))) => format!("{scheme}://{rest}"),
                    _ => arg.to_string(),
                };
                return Some(Err(SourceError::Remote { name, reason }));
            }
        };
        let name = target.to_string();
        let source = self.source_of(&target);
        let opened = (|| {
            let previous = match &self.opts.previous {
                Some(p) => Some(p.stamps(&source)?),
                None => None,
            };
            let store = build::build(&target, &self.opts)?;
            let journal = self.opts.journal.clone();
            listing::Listing::open(target, source, store, previous, journal)
        })();
        Some(
            opened
                .map(|l| Box::new(l) as Box<dyn Remote>)
                .map_err(|reason| SourceError::Remote { name, reason }),
        )
    }
}
