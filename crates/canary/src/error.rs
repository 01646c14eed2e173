//! The crate's one error type. Messages name canaries by id and files by
//! path, never by an identifier's value.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The canary state file could not be read or written.
    #[error("canary state: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A sealed copy did not open: wrong display key or tampered data.
    #[error("canary display copy of {0} does not open: wrong key file or tampered state")]
    Unseal(String),
    #[error("canary display key: {0}")]
    Key(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error(transparent)]
    Store(#[from] bw_store::StoreError),
    #[error(transparent)]
    Registry(#[from] bw_registry::Error),
    /// Bad input from the caller (a flag, an export file).
    #[error("{0}")]
    Invalid(String),
    /// No more unused values in a finite space (fictional phone ranges,
    /// unique canaries for a recipient).
    #[error("{0}")]
    Exhausted(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io(
    what: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { what, path, source }
}
