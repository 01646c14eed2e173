use std::path::PathBuf;

/// Everything that can go wrong in the registry.
///
/// Messages never contain identifier plaintext (emails, names, phones): they
/// name paths, columns, row numbers and counts only.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{context}: {path}: {source}")]
    Io {
        context: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The key does not match the one the registry was built with.
    #[error("wrong key for registry {path}: it was built with a different secret key")]
    WrongKey { path: PathBuf },

    /// A registry file failed a structural or checksum check.
    #[error("registry is corrupt: {path}: {reason}")]
    Corrupt { path: PathBuf, reason: String },

    /// No registry has been initialised in the directory.
    #[error("no registry in {path} (run `registry init` first)")]
    NotInitialised { path: PathBuf },

    #[error("invalid key: {reason}")]
    InvalidKey { reason: String },

    /// The key file may be read by other users; refuse it like ssh does.
    #[error("key file {path} is accessible by group or others (mode {mode:o}); chmod 600 it")]
    KeyPermissions { path: PathBuf, mode: u32 },

    /// The key must not live inside the data it protects.
    #[error("key file {key} is inside the registry directory {registry}; keep it elsewhere")]
    KeyInsideRegistry { key: PathBuf, registry: PathBuf },

    #[error("could not get random bytes for a new key: {0}")]
    Random(String),

    /// A required CSV column is absent from the header.
    #[error("CSV has no column {header:?} for field `{field}` (header has: {available})")]
    MissingColumn {
        field: &'static str,
        header: String,
        available: String,
    },

    /// A `--map` specification was malformed or named an unknown field.
    #[error("bad column mapping {spec:?}: {reason}")]
    BadColumnMap { spec: String, reason: String },

    /// The CSV could not be read at all (I/O or a fatal parse error).
    #[error("CSV read error at line {line}: {message}")]
    Csv { line: u64, message: String },

    /// A SQL customer source failed (the URL is shown without password).
    #[error("SQL source {url}: {message}")]
    Sql { url: String, message: String },

    /// A `for_each_customer` callback stopped the read with its own error.
    #[error("{0}")]
    Consumer(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// A hard format limit was exceeded.
    #[error("registry limit exceeded: {0}")]
    Limit(String),
}

impl Error {
    /// Wraps a caller's error so a row callback can stop the read with it.
    pub fn consumer(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error::Consumer(e.into())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io(
    context: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io {
        context,
        path,
        source,
    }
}
