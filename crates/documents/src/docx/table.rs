//! One table of a document part (a Word `w:tbl`, a slide's `a:tbl`, an
//! OpenDocument `table:table`) as a [`Shape::Table`] part: its rows
//! become rows at their grid columns, and its first row becomes the
//! header when it reads as one.
//!
//! The first row is held until a second row starts (a table of one row
//! has no data to name, so that row is data) and is the header when each
//! of its cells is a short label: non-empty, at most 48 characters, a
//! letter in it, no `@`, at most two digits and none leading, no two
//! alike — `Name`, `Date of birth`, `Address line 2` are labels;
//! `Ysolde Marchetti` is too, so a header-less table whose first row
//! holds only names is read as headed (its names are still scanned, as
//! the header line); an email, a phone number or a date in the row makes
//! it data. A row the document itself marks as a heading (Word's "repeat
//! as header row", OpenDocument's header rows) needs only non-empty cells.
//! A header-less table is given `column 1`, `column 2`… as its header,
//! the names its locations would fall back to anyway.

use crate::{DocError, Meter, Shape};

/// A cell of the current row.
struct Cell {
    /// 0-based grid column of its first column.
    col: u32,
    /// Grid columns it covers (Word's `gridSpan`, OpenDocument's
    /// repeated columns).
    span: u32,
    text: String,
    /// Covered by a neighbour's merge (OpenDocument's covered cells,
    /// DrawingML's `hMerge`/`vMerge`, Word's `vMerge` continuation): its
    /// column is the merged cell's.
    covered: bool,
}

/// What a row start says about the row.
#[derive(Default)]
pub(super) struct RowStart {
    /// Rows this element stands for (OpenDocument's repeated rows).
    pub(super) repeat: u64,
    /// Inside OpenDocument's header rows.
    pub(super) marked: bool,
}

/// What a cell start says about the cell.
pub(super) struct CellStart {
    pub(super) span: u32,
    pub(super) covered: bool,
}

/// A table being read at the nesting depth the pass reads.
pub(super) struct Table {
    name: String,
    /// The current row's 1-based number in the table.
    row: u64,
    /// Rows the current row element stands for.
    repeat: u64,
    /// Grid column the next cell starts at.
    next_col: u32,
    cells: Vec<Cell>,
    /// The current row is marked as a heading row.
    marked: bool,
    /// The first row, until the second row starts or the table ends.
    first: Option<(Vec<Cell>, bool)>,
    /// Whether the first row was decided on.
    decided: bool,
    /// Width of the first row, for a header-less table's column names.
    first_width: u32,
    announced: bool,
}

impl Table {
    pub(super) fn new(name: String) -> Table {
        Table {
            name,
            row: 0,
            repeat: 1,
            next_col: 0,
            cells: Vec::new(),
            marked: false,
            first: None,
            decided: false,
            first_width: 0,
            announced: false,
        }
    }

    pub(super) fn start_row(
        &mut self,
        start: RowStart,
        meter: &mut Meter<'_>,
    ) -> Result<(), DocError> {
        if !self.decided && self.first.is_some() {
            self.decide(true, meter)?;
        }
        self.row = self.row.saturating_add(self.repeat);
        self.repeat = start.repeat.max(1);
        self.next_col = 0;
        self.cells.clear();
        self.marked = start.marked;
        Ok(())
    }

    /// Word's `w:gridBefore`: the row starts this many grid columns in.
    pub(super) fn skip_columns(&mut self, n: u32) {
        if self.cells.is_empty() {
            self.next_col = self.next_col.saturating_add(n);
        }
    }

    /// Word's `w:tblHeader` on the current row.
    pub(super) fn mark_row(&mut self) {
        self.marked = true;
    }

    pub(super) fn start_cell(&mut self, start: CellStart) {
        self.cells.push(Cell {
            col: self.next_col,
            span: start.span.max(1),
            text: String::new(),
            covered: start.covered,
        });
        self.next_col = self.next_col.saturating_add(start.span.max(1));
    }

    /// Word's `w:gridSpan` and `w:vMerge` come inside the cell, before
    /// its text.
    pub(super) fn span_cell(&mut self, span: u32) {
        if let Some(c) = self.cells.last_mut() {
            self.next_col = c.col.saturating_add(span.max(1));
            c.span = span.max(1);
        }
    }

    pub(super) fn cover_cell(&mut self) {
        if let Some(c) = self.cells.last_mut() {
            c.covered = true;
        }
    }

    /// A paragraph of the open cell.
    pub(super) fn push_text(&mut self, text: &str) {
        if let Some(c) = self.cells.last_mut() {
            if !c.text.is_empty() {
                c.text.push(' ');
            }
            c.text.push_str(text);
        }
    }

    pub(super) fn end_row(&mut self, meter: &mut Meter<'_>) -> Result<(), DocError> {
        let cells = std::mem::take(&mut self.cells);
        if self.row == 1 && !self.decided {
            self.first_width = width(&cells);
            self.first = Some((cells, self.marked));
            return Ok(());
        }
        self.emit(&cells, meter)
    }

    /// The table's end, or the cut that ended the part: a row still
    /// open holds the cells read before the cut.
    pub(super) fn end(&mut self, meter: &mut Meter<'_>) -> Result<(), DocError> {
        if !self.cells.is_empty() {
            self.end_row(meter)?;
        }
        if !self.decided {
            self.decide(false, meter)?;
        }
        Ok(())
    }

    /// Header or data: the first row, now that whether more rows follow
    /// is known.
    fn decide(&mut self, more: bool, meter: &mut Meter<'_>) -> Result<(), DocError> {
        self.decided = true;
        let Some((first, marked)) = self.first.take() else {
            return Ok(());
        };
        if more && is_header(&first, marked) {
            self.announce(Some(labels(&first)), meter)
        } else {
            // Still row 1: decided before the next row is counted.
            self.emit(&first, meter)
        }
    }

    fn announce(
        &mut self,
        header: Option<Vec<String>>,
        meter: &mut Meter<'_>,
    ) -> Result<(), DocError> {
        self.announced = true;
        meter.part_shaped(&self.name, Shape::Table)?;
        let header = header.unwrap_or_else(|| {
            (1..=self.first_width.max(1))
                .map(|c| format!("column {c}"))
                .collect()
        });
        let columns: Vec<&str> = header.iter().map(String::as_str).collect();
        meter.header(&columns)
    }

    fn emit(&mut self, cells: &[Cell], meter: &mut Meter<'_>) -> Result<(), DocError> {
        let out: Vec<(u32, &str)> = cells
            .iter()
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| (c.col, c.text.as_str()))
            .collect();
        if out.is_empty() {
            return Ok(());
        }
        if !self.announced {
            self.first_width = self.first_width.max(width(cells));
            self.announce(None, meter)?;
        }
        meter.row(self.row, &out)
    }
}

/// Grid columns a row reaches.
fn width(cells: &[Cell]) -> u32 {
    cells
        .iter()
        .map(|c| c.col.saturating_add(c.span))
        .max()
        .unwrap_or(0)
}

/// Whether a first row reads as column names (see the module doc).
fn is_header(cells: &[Cell], marked: bool) -> bool {
    let own: Vec<&str> = cells
        .iter()
        .filter(|c| !c.covered)
        .map(|c| c.text.trim())
        .collect();
    if own.is_empty() || own.iter().any(|t| t.is_empty()) {
        return false;
    }
    if marked {
        return true;
    }
    let mut seen = std::collections::HashSet::new();
    own.iter().all(|t| {
        t.chars().count() <= 48
            && t.chars().any(char::is_alphabetic)
            && !t.contains('@')
            && !t.starts_with(|c: char| c.is_ascii_digit() || c == '+')
            && t.bytes().filter(u8::is_ascii_digit).count() <= 2
            && seen.insert(t.to_lowercase())
    })
}

/// The header's column names by grid column: a spanning label names
/// every column it spans, a covered cell its merged neighbour's.
fn labels(cells: &[Cell]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in cells {
        let label = if c.covered {
            out.last().cloned().unwrap_or_default()
        } else {
            c.text.trim().to_string()
        };
        let end = c.col.saturating_add(c.span) as usize;
        while out.len() < end {
            let col = out.len();
            out.push(if col >= c.col as usize {
                label.clone()
            } else {
                format!("column {}", col + 1)
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(texts: &[&str]) -> Vec<Cell> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Cell {
                col: i as u32,
                span: 1,
                text: t.to_string(),
                covered: false,
            })
            .collect()
    }

    #[test]
    fn labels_are_headers_and_values_are_not() {
        assert!(is_header(
            &row(&["Name", "Email", "Phone", "Date of birth"]),
            false
        ));
        assert!(is_header(&row(&["Address line 2", "Post code"]), false));
        for data in [
            ["Ysolde Marchetti", "y.marchetti@example.org"],
            ["Ysolde Marchetti", "+44 20 7946 0321"],
            ["Ysolde Marchetti", "1984-03-02"],
            ["Name", ""],
            ["Name", "name"],
        ] {
            assert!(!is_header(&row(&data), false), "{data:?}");
        }
        // A row the document marks as its heading needs only text.
        assert!(is_header(&row(&["Kunde", "Geburtsdatum 1.1."]), true));
        assert!(!is_header(&row(&["Kunde", ""]), true));
    }

    #[test]
    fn spans_name_every_column_they_cover() {
        let mut cells = row(&["Name", "Email"]);
        cells[0].span = 2;
        cells[1].col = 2;
        cells.push(Cell {
            col: 3,
            span: 1,
            text: String::new(),
            covered: true,
        });
        assert_eq!(labels(&cells), ["Name", "Name", "Email", "Email"]);
        assert!(is_header(&cells, false));
    }
}
