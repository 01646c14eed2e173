use crate::model::{IncidentId, Status};

/// Everything the store can fail with. `Backend` always says what the store
/// was doing, so "connection reset" arrives with the operation it broke.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("incident {0} not found")]
    NotFound(IncidentId),

    #[error("illegal status change for {id}: {from} -> {to} (from {from} the next status is {})",
        from.next().map_or("none: the incident is closed".to_string(), |s| s.to_string()))]
    IllegalTransition {
        id: IncidentId,
        from: Status,
        to: Status,
    },

    #[error("invalid input: {0}")]
    Invalid(String),

    #[error("unsupported database URL {0:?}: expected sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),

    #[error("{context}: {source}")]
    Backend {
        context: String,
        #[source]
        source: sqlx::Error,
    },

    #[error("migrating the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("stored data is unreadable ({table}): {detail}")]
    Corrupt { table: &'static str, detail: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attaches "what we were doing" to a sqlx error.
pub(crate) trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, sqlx::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| StoreError::Backend {
            context: what(),
            source,
        })
    }
}

impl StoreError {
    /// True for lock contention that a retry of the whole transaction fixes:
    /// SQLite BUSY/LOCKED (and their extended codes) once busy_timeout has
    /// run out, PostgreSQL serialization failures and deadlocks.
    pub(crate) fn is_retryable(&self) -> bool {
        let StoreError::Backend {
            source: sqlx::Error::Database(db),
            ..
        } = self
        else {
            return false;
        };
        let Some(code) = db.code() else {
            return false;
        };
        if let Ok(n) = code.parse::<i64>() {
            // SQLite extended codes keep the primary code in the low byte.
            let primary = n & 0xff;
            return primary == 5 || primary == 6;
        }
        code == "40001" || code == "40P01"
    }
}

impl From<bw_terms::ParseCauseError> for StoreError {
    fn from(e: bw_terms::ParseCauseError) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

impl From<bw_terms::ParseHarmFindingError> for StoreError {
    fn from(e: bw_terms::ParseHarmFindingError) -> Self {
        StoreError::Invalid(e.to_string())
    }
}
