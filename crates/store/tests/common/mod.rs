//! Test databases: a fresh SQLite file per test, and, when a PostgreSQL
//! URL is configured, a fresh database per test on that server, so tests
//! run in parallel without seeing each other's rows.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]
use std::sync::atomic::{AtomicU32, Ordering};

use bw_store::Store;
use sqlx::{Connection, Executor};

pub struct TestDb {
    pub store: Store,
    /// URL of this test's database (sqlite://… or postgres://…).
    pub url: String,
    pub backend: &'static str,
    // Kept so the directory lives as long as the test.
    _dir: Option<tempfile::TempDir>,
    pg_admin_url: Option<String>,
    pg_db: Option<String>,
}

pub use bw_testkit::postgres_url;

/// Replaces the database name in a PostgreSQL URL, keeping any query.
pub fn with_database(url: &str, db: &str, extra_query: Option<&str>) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    let mut out = format!("{root}/{db}");
    let q: Vec<&str> = query.into_iter().chain(extra_query).collect();
    if !q.is_empty() {
        out.push('?');
        out.push_str(&q.join("&"));
    }
    out
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "bw_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data").join("store.sqlite3");
        let store = Store::open_sqlite(&path).await.expect("open sqlite");
        TestDb {
            store,
            url: format!("sqlite://{}", path.display()),
            backend: "sqlite",
            _dir: Some(dir),
            pg_admin_url: None,
            pg_db: None,
        }
    }

    pub async fn postgres_with(extra_query: Option<&str>) -> Option<TestDb> {
        let admin = postgres_url()?;
        let name = unique_name();
        let mut conn = sqlx::postgres::PgConnection::connect(&admin)
            .await
            .expect("connect to the PostgreSQL admin database");
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        conn.close().await.ok();
        let url = with_database(&admin, &name, extra_query);
        let store = Store::connect(&url).await.expect("open postgres store");
        Some(TestDb {
            store,
            url,
            backend: "postgres",
            _dir: None,
            pg_admin_url: Some(admin),
            pg_db: Some(name),
        })
    }

    pub async fn postgres() -> Option<TestDb> {
        Self::postgres_with(None).await
    }

    /// Another, independent Store on the same database (its own pool).
    pub async fn reopen(&self) -> Store {
        Store::connect(&self.url).await.expect("reopen store")
    }

    /// Runs SQL behind the store's back, as an attacker with database
    /// access would.
    pub async fn raw_exec(&self, sql: &str) -> u64 {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.url)
            .await
            .expect("raw connection");
        let r = conn.execute(sql).await.expect("raw SQL");
        conn.close().await.ok();
        r.rows_affected()
    }

    pub async fn cleanup(self) {
        self.store.close().await;
        if let (Some(admin), Some(db)) = (&self.pg_admin_url, &self.pg_db) {
            if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(admin).await {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str())
                    .await;
            }
        }
    }
}

/// Runs each named `async fn(&TestDb)` of the test file on SQLite and, when
/// a server is configured, on PostgreSQL: every store test holds on both.
// Not every test file that includes this module runs on both backends.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = crate::TestDb::sqlite().await;
                    crate::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = crate::TestDb::postgres().await else {
                        eprintln!("skipped: set DATABASE_URL (bash scripts/pg.sh) to run on PostgreSQL");
                        return;
                    };
                    crate::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}
