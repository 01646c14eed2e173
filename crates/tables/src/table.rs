//! One table as listed from a database's catalogue, the query that reads
//! it, and its rows handed to the pipeline's sink.

use std::io;

use bw_sources::TableSink;

/// A table to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Table {
    pub schema: String,
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns (indices into `columns`), in key order;
    /// empty when there is none.
    pub key: Vec<usize>,
    /// Whether locations name rows by the key: only when every key
    /// column is a number or a UUID. A key of text (an email address, a
    /// name) may itself be personal data, which a location must not print.
    pub key_shown: bool,
    /// SQLite: no usable key, but a rowid, read after the columns and
    /// shown as `rowid=N`.
    pub rowid: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Column {
    pub name: String,
    /// Bytes, not text (`bytea`, `BLOB`, `VARBINARY`, spatial types):
    /// read as stored and scanned only when they are UTF-8 text. Hex of
    /// arbitrary bytes holds nothing a detector could find.
    pub binary: bool,
}

/// Tables built from a server catalogue's rows, which come ordered by
/// schema, table and column position (PostgreSQL's and MySQL's listings).
#[derive(Default)]
pub(crate) struct Catalogue {
    tables: Vec<Table>,
    /// (key position, column index, keyable) of the last table's key
    /// columns.
    keys: Vec<(i32, usize, bool)>,
}

impl Catalogue {
    /// One column; `key_pos` > 0 is its place in the primary key,
    /// `keyable` whether its values may be shown (numbers, UUIDs).
    pub(crate) fn column(
        &mut self,
        schema: String,
        name: String,
        column: Column,
        key_pos: i32,
        keyable: bool,
    ) {
        let same = self
            .tables
            .last()
            .is_some_and(|t| t.schema == schema && t.name == name);
        if !same {
            self.finish_key();
            self.tables.push(Table {
                schema,
                name,
                columns: Vec::new(),
                key: Vec::new(),
                key_shown: false,
                rowid: false,
            });
        }
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        if key_pos > 0 {
            self.keys.push((key_pos, t.columns.len(), keyable));
        }
        t.columns.push(column);
    }

    pub(crate) fn finish(mut self) -> Vec<Table> {
        self.finish_key();
        self.tables
    }

    /// Sets the last table's key from its key columns, in key order.
    fn finish_key(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            self.keys.sort_unstable();
            t.key = self.keys.iter().map(|k| k.1).collect();
            t.key_shown = !self.keys.is_empty() && self.keys.iter().all(|k| k.2);
        }
        self.keys.clear();
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    fn quote(self, ident: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{}`", ident.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
        }
    }
}

impl Table {
    /// `schema.table`, as `--tables` patterns and locations name it.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    pub fn header(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The query reading the table: every column as text (cast by the
    /// server, so numbers, dates, JSON and the rest arrive as the text
    /// the database itself prints), binary columns as stored. With
    /// `sample`, the first `sample` rows in key order (by rowid for a
    /// SQLite table without a key; in the order the server returns them
    /// for a table without either): the same rows on every run.
    pub fn select(&self, dialect: Dialect, sample: Option<u64>) -> String {
        let mut cols: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let q = dialect.quote(&c.name);
                match (dialect, c.binary) {
                    (_, true) | (Dialect::Sqlite, _) => q,
                    (Dialect::Postgres, false) => format!("{q}::text"),
                    (Dialect::Mysql, false) => format!("CAST({q} AS CHAR)"),
                }
            })
            .collect();
        if self.rowid {
            cols.push("rowid".into());
        }
        // The alias: an ORDER BY must name the stored column, not the
        // text of the same name the select list makes of it (PostgreSQL
        // would sort ids as text: 1, 10, 100…).
        let mut sql = format!(
            "SELECT {} FROM {}.{} AS t",
            cols.join(", "),
            dialect.quote(&self.schema),
            dialect.quote(&self.name)
        );
        if let Some(n) = sample {
            let order: Vec<String> = if self.rowid {
                vec!["t.rowid".into()]
            } else {
                self.key
                    .iter()
                    .map(|&i| format!("t.{}", dialect.quote(&self.columns[i].name)))
                    .collect()
            };
            if !order.is_empty() {
                sql.push_str(" ORDER BY ");
                sql.push_str(&order.join(", "));
            }
            sql.push_str(&format!(" LIMIT {n}"));
        }
        sql
    }
}

/// Hands a table's rows to the pipeline, naming each by its key.
pub(crate) struct Rows<'s> {
    sink: &'s mut dyn TableSink,
    table: &'s Table,
    key: String,
}

impl<'s> Rows<'s> {
    /// Starts the table in `sink`.
    pub fn start(sink: &'s mut dyn TableSink, table: &'s Table) -> io::Result<Rows<'s>> {
        sink.table(&table.qualified(), &table.header())?;
        Ok(Rows {
            sink,
            table,
            key: String::new(),
        })
    }

    /// One row: its cells in column order (`None` for NULL or bytes that
    /// are not text), and its rowid when the table is keyed by it.
    pub fn row(&mut self, cells: &[Option<&str>], rowid: Option<&str>) -> io::Result<()> {
        self.key.clear();
        if let (true, Some(id)) = (self.table.rowid, rowid) {
            self.key.push_str("rowid=");
            self.key.push_str(id);
        } else if self.table.key_shown {
            for (n, &i) in self.table.key.iter().enumerate() {
                if n > 0 {
                    self.key.push(',');
                }
                self.key.push_str(&self.table.columns[i].name);
                self.key.push('=');
                self.key
                    .push_str(cells.get(i).copied().flatten().unwrap_or(""));
            }
        }
        let key = (!self.key.is_empty()).then_some(self.key.as_str());
        self.sink.row(key, cells)
    }
}

/// A cell's bytes as text: `None` for NULL and for bytes that are not
/// UTF-8 (a binary column's image, a hash), which are not scanned.
pub(crate) fn text(bytes: Option<&[u8]>) -> Option<&str> {
    bytes.and_then(|b| std::str::from_utf8(b).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(key: Vec<usize>, key_shown: bool, rowid: bool) -> Table {
        let col = |name: &str, binary| Column {
            name: name.into(),
            binary,
        };
        Table {
            schema: "public".into(),
            name: "order \"lines\"".into(),
            columns: vec![col("id", false), col("line", false), col("scan", true)],
            key,
            key_shown,
            rowid,
        }
    }

    #[test]
    fn every_column_is_cast_to_text_but_binary_ones() {
        let t = table(vec![0, 1], true, false);
        assert_eq!(
            t.select(Dialect::Postgres, None),
            r#"SELECT "id"::text, "line"::text, "scan" FROM "public"."order ""lines""" AS t"#
        );
        assert_eq!(
            t.select(Dialect::Mysql, Some(10)),
            "SELECT CAST(`id` AS CHAR), CAST(`line` AS CHAR), `scan` FROM `public`.`order \"lines\"` AS t ORDER BY t.`id`, t.`line` LIMIT 10"
        );
        let t = table(vec![], false, true);
        assert_eq!(
            t.select(Dialect::Sqlite, Some(5)),
            r#"SELECT "id", "line", "scan", rowid FROM "public"."order ""lines""" AS t ORDER BY t.rowid LIMIT 5"#
        );
        let t = table(vec![], false, false);
        assert!(t
            .select(Dialect::Postgres, Some(5))
            .ends_with(r#""lines""" AS t LIMIT 5"#));
    }

    #[derive(Default)]
    struct Keys(Vec<Option<String>>);

    impl TableSink for Keys {
        fn table(&mut self, _: &str, _: &[String]) -> io::Result<()> {
            Ok(())
        }
        fn row(&mut self, key: Option<&str>, _: &[Option<&str>]) -> io::Result<()> {
            self.0.push(key.map(str::to_string));
            Ok(())
        }
    }

    #[test]
    fn rows_are_named_by_a_shown_key_or_rowid_only() {
        let cells = [Some("7"), Some("2"), None];
        for (t, want) in [
            (table(vec![0, 1], true, false), Some("id=7,line=2")),
            (table(vec![0], false, false), None),
            (table(vec![], false, true), Some("rowid=31")),
        ] {
            let mut keys = Keys::default();
            let mut rows = Rows::start(&mut keys, &t).expect("sink");
            rows.row(&cells, Some("31")).expect("sink");
            assert_eq!(keys.0, [want.map(str::to_string)], "{t:?}");
        }
        assert_eq!(text(Some(b"\xff\x00")), None);
        assert_eq!(text(Some(b"ann@x.example")), Some("ann@x.example"));
    }
}
