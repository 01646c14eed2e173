//! A remote table's rows reach the formats layer, which renders them like
//! a document's tables (see `bw_formats::expand_table`): the source's
//! sink is the formats layer's writer.

use std::io;

use bw_formats::TableWriter;
use bw_sources::TableSink;

/// `bw_sources`' sink over `bw_formats`' writer (neither crate knows the
/// other); counts the rows for [`crate::InputDone`].
pub(crate) struct Rows<'w> {
    pub writer: &'w mut TableWriter,
    pub rows: &'w mut u64,
}

impl TableSink for Rows<'_> {
    fn table(&mut self, name: &str, columns: &[String]) -> io::Result<()> {
        self.writer.table(name, columns)
    }

    fn row(&mut self, key: Option<&str>, cells: &[Option<&str>]) -> io::Result<()> {
        *self.rows += 1;
        self.writer.row(key, cells)
    }
}
