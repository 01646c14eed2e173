//! Opening a store: URL dispatch, the SQLite file and its pragmas, the
//! PostgreSQL probe, and migrations. Nearly all backend differences live
//! here, so the rest of the crate runs one code path on both.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{Connection, Executor};

use crate::error::{Context, Result, StoreError};
use crate::redact::redact_url_for_error;
use crate::tx::retry;
use crate::{Backend, Store, SQLITE_FILE_NAME};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

fn sqlite_url(path: &Path) -> Result<String> {
    let s = path.to_str().ok_or_else(|| {
        StoreError::Invalid(format!("database path {} is not UTF-8", path.display()))
    })?;
    let mut enc = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(format!("sqlite://{enc}?mode=rwc"))
}

impl Store {
    /// Opens the store named by a URL: `sqlite://PATH` (or `sqlite:PATH`)
    /// or `postgres://…` / `postgresql://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StoreError::UnsupportedUrl(url.to_string()));
            }
            return Store::open_sqlite(Path::new(path)).await;
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Store::connect_postgres(url).await;
        }
        Err(StoreError::UnsupportedUrl(redact_url_for_error(url)))
    }

    /// Opens (creating if needed) the SQLite database at `path`; if `path`
    /// is an existing directory the file is `PATH/breachwatch.sqlite3`.
    /// Missing parent directories are created. Runs migrations.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let file: PathBuf = if path.is_dir() {
            path.join(SQLITE_FILE_NAME)
        } else {
            path.to_path_buf()
        };
        if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Invalid(format!("creating data dir {}: {e}", parent.display()))
            })?;
        }
        let url = sqlite_url(&file)?;
        let shown = file.display().to_string();

        // WAL is a property of the file; switching needs an exclusive lock
        // that busy_timeout does not wait for, so do it once, here, with
        // retries, before the pool opens its connections.
        retry(|| async {
            let mut conn = sqlx::AnyConnection::connect(&url)
                .await
                .context(|| format!("opening SQLite database {shown}"))?;
            conn.execute("PRAGMA busy_timeout = 10000")
                .await
                .context(|| format!("setting busy_timeout on {shown}"))?;
            conn.execute("PRAGMA journal_mode = WAL")
                .await
                .context(|| format!("switching {shown} to WAL mode"))?;
            conn.close().await.context(|| format!("closing {shown}"))?;
            Ok(())
        })
        .await?;

        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(60))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // busy_timeout makes SQLite itself wait for the write
                    // lock; the retry loop only covers waits beyond it.
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .context(|| format!("opening SQLite database {shown}"))?;
        let store = Store {
            pool,
            backend: Backend::Sqlite,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn connect_postgres(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let shown = redact_url_for_error(url);
        // The pool retries a refused connection until acquire_timeout; one
        // direct connection first turns "server down" into an immediate,
        // clear error instead of a 30 s hang.
        let probe = sqlx::AnyConnection::connect(url)
            .await
            .context(|| format!("connecting to PostgreSQL at {shown}"))?;
        let _ = probe.close().await;
        let pool = AnyPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .context(|| format!("connecting to PostgreSQL at {shown}"))?;
        let store = Store {
            pool,
            backend: Backend::Postgres,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        // PostgreSQL migrations take an advisory lock; SQLite's take none,
        // so two processes opening a fresh file at once can collide:
        // the loser retries and then finds the migration applied.
        let mut attempt: u32 = 0;
        loop {
            match MIGRATOR.run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(e) if self.backend == Backend::Sqlite && attempt < 5 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
                    let _ = e;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
