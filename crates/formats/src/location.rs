//! Where a finding sits in a document whose raw byte offsets mean nothing
//! to its user: a spreadsheet cell, a PDF page, a table's row and column,
//! a document part.

use std::fmt;
use std::sync::Arc;

/// A finding's place in a rendered document (see [`crate::render`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// A spreadsheet cell; `row` and `col` are 1-based (`D17`: col 4, row 17).
    Cell { sheet: Arc<str>, row: u64, col: u32 },
    /// A page of a paged document, 1-based.
    Page { page: u64 },
    /// A table's column and 1-based row in scan order (`table` is `None`
    /// for a file that is one table, such as Parquet). `key` names the row
    /// by its primary key, for a database table that has one (`id=42`,
    /// `order_id=7,line=2`): a row number alone cannot be looked up again.
    Table {
        table: Option<Arc<str>>,
        column: Arc<str>,
        row: u64,
        key: Option<Arc<str>>,
    },
    /// A part of a document (`word/header1.xml`) and its 1-based paragraph.
    Part { part: Arc<str>, paragraph: u64 },
}

impl Location {
    /// The spreadsheet column name of 1-based `col`: 1 → `A`, 27 → `AA`.
    pub fn column_letters(col: u32) -> String {
        let mut n = col;
        let mut out = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            out.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }

    /// The location's fields as JSON-ready `(key, value)` pairs, in the
    /// documented order: `{"sheet","cell"}`, `{"page"}`,
    /// `{"table","column","row","key"}` (`table` and `key` when known),
    /// `{"part","paragraph"}`.
    pub fn fields(&self) -> Vec<(&'static str, FieldValue<'_>)> {
        match self {
            Location::Cell { sheet, row, col } => vec![
                ("sheet", FieldValue::Text(sheet)),
                (
                    "cell",
                    FieldValue::Owned(format!("{}{row}", Location::column_letters(*col))),
                ),
            ],
            Location::Page { page } => vec![("page", FieldValue::Number(*page))],
            Location::Table {
                table,
                column,
                row,
                key,
            } => {
                let mut v = Vec::with_capacity(4);
                if let Some(t) = table {
                    v.push(("table", FieldValue::Text(t)));
                }
                v.push(("column", FieldValue::Text(column)));
                v.push(("row", FieldValue::Number(*row)));
                if let Some(k) = key {
                    v.push(("key", FieldValue::Text(k)));
                }
                v
            }
            Location::Part { part, paragraph } => vec![
                ("part", FieldValue::Text(part)),
                ("paragraph", FieldValue::Number(*paragraph)),
            ],
        }
    }
}

/// One field of a [`Location`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue<'a> {
    Text(&'a str),
    Owned(String),
    Number(u64),
}

/// As a person reads it after the member name: `D17` (the sheet is the
/// member's last segment), `page 3`, `email row 17` (`email row 17,
/// id=42` with a key), `paragraph 4`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Cell { row, col, .. } => {
                write!(f, "{}{row}", Location::column_letters(*col))
            }
            Location::Page { page } => write!(f, "page {page}"),
            Location::Table {
                column, row, key, ..
            } => match key {
                Some(key) => write!(f, "{column} row {row}, {key}"),
                None => write!(f, "{column} row {row}"),
            },
            Location::Part { paragraph, .. } => write!(f, "paragraph {paragraph}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(Location::column_letters(1), "A");
        assert_eq!(Location::column_letters(4), "D");
        assert_eq!(Location::column_letters(26), "Z");
        assert_eq!(Location::column_letters(27), "AA");
        assert_eq!(Location::column_letters(703), "AAA");
        let cell = Location::Cell {
            sheet: "Customers".into(),
            row: 17,
            col: 4,
        };
        assert_eq!(cell.to_string(), "D17");
        assert_eq!(
            cell.fields(),
            [
                ("sheet", FieldValue::Text("Customers")),
                ("cell", FieldValue::Owned("D17".into()))
            ]
        );
    }

    #[test]
    fn a_keyed_row_names_its_key_after_the_row() {
        let mut row = Location::Table {
            table: Some("public.orders".into()),
            column: "notes".into(),
            row: 9,
            key: Some("order_id=7,line=2".into()),
        };
        assert_eq!(row.to_string(), "notes row 9, order_id=7,line=2");
        assert_eq!(
            row.fields(),
            [
                ("table", FieldValue::Text("public.orders")),
                ("column", FieldValue::Text("notes")),
                ("row", FieldValue::Number(9)),
                ("key", FieldValue::Text("order_id=7,line=2")),
            ]
        );
        if let Location::Table { key, table, .. } = &mut row {
            *key = None;
            *table = None;
        }
        assert_eq!(row.to_string(), "notes row 9");
        assert_eq!(
            row.fields(),
            [
                ("column", FieldValue::Text("notes")),
                ("row", FieldValue::Number(9)),
            ]
        );
    }
}
