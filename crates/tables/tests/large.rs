//! A 100,000-row table, generated inside each server (generate_series,
//! a cross join of digits, a recursive CTE), read whole and sampled. The
//! 1 M-row case runs in `bench/sources.sh`, release-built, where its
//! speed and memory are measured; here the point is every row, in key
//! order for a sample, at a test's cost.

mod support;

use std::time::Instant;

use bw_tables::Options;
use support::{Count, Db, Engine};

const ROWS: u64 = 100_000;

fn fill(db: &Db) {
    let sql = match db.engine {
        Engine::Postgres => {
            "CREATE TABLE big (id bigint PRIMARY KEY, email text, notes text);
             INSERT INTO big SELECT g, 'user' || g || '@shop-mail.example', 'called back on day ' || g
               FROM generate_series(100000, 1, -1) g;"
        }
        Engine::Mysql => {
            "CREATE TABLE digits (n INT);
             INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
             CREATE TABLE big (id BIGINT PRIMARY KEY, email VARCHAR(64), notes TEXT);
             INSERT INTO big
               SELECT k, CONCAT('user', k, '@shop-mail.example'), CONCAT('called back on day ', k)
               FROM (SELECT a.n + 10*b.n + 100*c.n + 1000*d.n + 10000*e.n + 1 AS k
                     FROM digits a, digits b, digits c, digits d, digits e) g;"
        }
        Engine::Sqlite => {
            "CREATE TABLE big (id INTEGER PRIMARY KEY, email TEXT, notes TEXT);
             WITH RECURSIVE g(n) AS (SELECT 100000 UNION ALL SELECT n - 1 FROM g WHERE n > 1)
             INSERT INTO big SELECT n, 'user' || n || '@shop-mail.example', 'called back on day ' || n FROM g;"
        }
    };
    db.exec(sql);
}

fn read(db: &Db, sample: Option<u64>) -> Count {
    let opts = Options {
        tables: vec!["big".into()],
        sample,
    };
    let mut tables = support::open(&db.url, &opts).expect("opens");
    assert_eq!(tables.len(), 1, "{:?}", db.engine);
    let (name, rows) = tables.remove(0);
    let mut count = Count::default();
    rows(&mut count).unwrap_or_else(|e| panic!("{name}: {e}"));
    count
}

#[test]
fn a_large_table_is_read_whole_and_sampled_in_key_order() {
    for db in Db::every("large") {
        fill(&db);
        let e = db.engine;
        let t = Instant::now();
        let all = read(&db, None);
        let full = t.elapsed();
        assert_eq!(all.rows, ROWS, "{e:?}");
        // Each row: the id, a 25-30 byte email, a 20-25 byte note.
        assert!(all.bytes > ROWS * 45, "{e:?}: {} bytes", all.bytes);

        let t = Instant::now();
        let some = read(&db, Some(1000));
        let sampled = t.elapsed();
        assert_eq!(some.rows, 1000, "{e:?}");
        // Inserted in descending order; sampled by key, ascending.
        assert_eq!(some.first_key.as_deref(), Some("id=1"), "{e:?}");
        assert_eq!(some.last_key.as_deref(), Some("id=1000"), "{e:?}");
        eprintln!("{e:?}: {ROWS} rows in {full:?}, a 1000-row sample in {sampled:?}");
    }
}
