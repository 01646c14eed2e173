//! Fresh databases on the real servers the test script starts
//! (`scripts/pg.sh`, `scripts/mariadb.sh`) and SQLite files, written
//! over ordinary read-write connections; and a sink that records what a
//! table reader pushes.

#![allow(dead_code)] // each test file uses a different subset

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use bw_sources::{Event, Haystack, Resolver, SourceError, TableSink};
use bw_tables::{Options, TableSource};
use sqlx::{Connection, Executor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    Mysql,
    Sqlite,
}

/// The MariaDB/MySQL server the tests may use: `BW_MYSQL_URL` (what
/// `scripts/mariadb.sh` prints). `None` skips the MySQL tests, except
/// under `BW_REQUIRE_MYSQL=1` (CI), where a missing server fails them.
pub fn mysql_url() -> Option<String> {
    let url = std::env::var("BW_MYSQL_URL")
        .ok()
        .filter(|u| u.starts_with("mysql"));
    if url.is_none() && std::env::var("BW_REQUIRE_MYSQL").as_deref() == Ok("1") {
        panic!("BW_REQUIRE_MYSQL=1 but BW_MYSQL_URL is not set");
    }
    url
}

/// One fresh database, dropped at the end.
pub struct Db {
    pub engine: Engine,
    /// The URL the tool is given.
    pub url: String,
    /// The schema its tables are in: `public`, the MySQL database, `main`.
    pub schema: String,
    admin: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

fn unique(tag: &str) -> String {
    format!(
        "bw_t_{tag}_{}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its path (the database) replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

pub fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

impl Db {
    pub fn postgres(tag: &str) -> Option<Db> {
        let admin = bw_testkit::postgres_url()?;
        let name = unique(tag);
        block(async {
            let mut c = sqlx::PgConnection::connect(&admin).await.expect("pg admin");
            c.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create database");
        });
        Some(Db {
            engine: Engine::Postgres,
            url: with_database(&admin, &name),
            schema: "public".into(),
            admin: Some(admin),
            name,
            _dir: None,
        })
    }

    pub fn mysql(tag: &str) -> Option<Db> {
        let admin = mysql_url()?;
        let name = unique(tag);
        block(async {
            let mut c = sqlx::MySqlConnection::connect(&admin)
                .await
                .expect("mysql admin");
            c.execute(format!("CREATE DATABASE {name} CHARACTER SET utf8mb4").as_str())
                .await
                .expect("create database");
        });
        Some(Db {
            engine: Engine::Mysql,
            url: with_database(&admin, &name),
            schema: name.clone(),
            admin: Some(admin),
            name,
            _dir: None,
        })
    }

    pub fn sqlite(tag: &str) -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(format!("{tag}.sqlite3"));
        rusqlite::Connection::open(&path).expect("create sqlite file");
        Db {
            engine: Engine::Sqlite,
            url: format!("sqlite://{}", path.display()),
            schema: "main".into(),
            admin: None,
            name: String::new(),
            _dir: Some(dir),
        }
    }

    /// Every engine whose server is available, each with a fresh database.
    pub fn every(tag: &str) -> Vec<Db> {
        let mut dbs: Vec<Db> = [Db::postgres(tag), Db::mysql(tag)]
            .into_iter()
            .flatten()
            .collect();
        dbs.push(Db::sqlite(tag));
        dbs
    }

    /// Runs `sql` (several statements) over a read-write connection.
    pub fn exec(&self, sql: &str) {
        match self.engine {
            Engine::Postgres => block(async {
                let mut c = sqlx::PgConnection::connect(&self.url).await.expect("pg");
                sqlx::raw_sql(sql)
                    .execute(&mut c)
                    .await
                    .expect("pg fixture");
            }),
            Engine::Mysql => block(async {
                let mut c = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .expect("mysql");
                sqlx::raw_sql(sql)
                    .execute(&mut c)
                    .await
                    .expect("mysql fixture");
            }),
            Engine::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let c = rusqlite::Connection::open(path).expect("sqlite");
                c.execute_batch(sql).expect("sqlite fixture");
            }
        }
    }

    /// One text value from a read-write connection (`SELECT count(*)…`).
    pub fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        match self.engine {
            Engine::Postgres => block(async {
                let mut c = sqlx::PgConnection::connect(&self.url).await.expect("pg");
                sqlx::query_scalar::<_, i64>(&sql)
                    .fetch_one(&mut c)
                    .await
                    .expect("count")
            }),
            Engine::Mysql => block(async {
                let mut c = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .expect("mysql");
                sqlx::query_scalar::<_, i64>(&sql)
                    .fetch_one(&mut c)
                    .await
                    .expect("count")
            }),
            Engine::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let c = rusqlite::Connection::open(path).expect("sqlite");
                c.query_row(&sql, [], |r| r.get(0)).expect("count")
            }
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let Some(admin) = &self.admin else { return };
        let sql = match self.engine {
            Engine::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            _ => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        block(async {
            let res = match self.engine {
                Engine::Postgres => match sqlx::PgConnection::connect(admin).await {
                    Ok(mut c) => c.execute(sql.as_str()).await.map(drop),
                    Err(e) => Err(e),
                },
                _ => match sqlx::MySqlConnection::connect(admin).await {
                    Ok(mut c) => c.execute(sql.as_str()).await.map(drop),
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = res {
                eprintln!("dropping test database {}: {e}", self.name);
            }
        });
    }
}

/// What a table reader pushed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Read {
    pub table: String,
    pub columns: Vec<String>,
    /// `(key, cells)`, in the order pushed.
    pub rows: Vec<(Option<String>, Vec<Option<String>>)>,
}

impl TableSink for Read {
    fn table(&mut self, name: &str, columns: &[String]) -> io::Result<()> {
        self.table = name.to_string();
        self.columns = columns.to_vec();
        Ok(())
    }

    fn row(&mut self, key: Option<&str>, cells: &[Option<&str>]) -> io::Result<()> {
        self.rows.push((
            key.map(str::to_string),
            cells.iter().map(|c| c.map(str::to_string)).collect(),
        ));
        Ok(())
    }
}

/// Counts rows without keeping them.
#[derive(Debug, Default)]
pub struct Count {
    pub rows: u64,
    pub first_key: Option<String>,
    pub last_key: Option<String>,
    pub bytes: u64,
}

impl TableSink for Count {
    fn table(&mut self, _: &str, _: &[String]) -> io::Result<()> {
        Ok(())
    }

    fn row(&mut self, key: Option<&str>, cells: &[Option<&str>]) -> io::Result<()> {
        self.rows += 1;
        if self.first_key.is_none() {
            self.first_key = key.map(str::to_string);
        }
        self.last_key = key.map(str::to_string);
        self.bytes += cells.iter().flatten().map(|c| c.len() as u64).sum::<u64>();
        Ok(())
    }
}

/// The haystacks `url` resolves to with `opts`: `(name, reader)`.
pub fn open(
    url: &str,
    opts: &Options,
) -> Result<Vec<(String, bw_sources::TableReader)>, SourceError> {
    let source: Arc<dyn Resolver> = Arc::new(TableSource::new(opts).expect("valid options"));
    let mut remote = source.resolve(url).expect("a database URL is claimed")?;
    let mut out = Vec::new();
    for event in remote.events() {
        match event {
            Event::Haystack(Haystack::Table { name, rows }) => out.push((name, rows)),
            other => panic!("unexpected event {other:?}"),
        }
    }
    Ok(out)
}

/// Every table of `url` read whole: `(haystack name, what it pushed)`.
pub fn read_all(url: &str, opts: &Options) -> Vec<(String, Read)> {
    open(url, opts)
        .expect("the database opens")
        .into_iter()
        .map(|(name, rows)| {
            let mut read = Read::default();
            rows(&mut read).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, read)
        })
        .collect()
}
