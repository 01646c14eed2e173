//! A remote table's rows reach the formats layer, which renders them like
//! a document's tables (see `bw_formats::expand_table`): the source's
//! sink is the formats layer's writer. With `Options::digest`, the
//! rendered text (the CSV the scanner reads) is hashed as it goes by: a
//! table's evidence hash, equal for equal rows read in the same order.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use bw_formats::TableWriter;
use bw_sources::TableSink;
use sha2::{Digest, Sha256};

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

/// SHA-256 and length of a table's rendered text, fed from its reader
/// thread.
#[derive(Clone, Default)]
pub(crate) struct Sum(Arc<Mutex<(Sha256, u64)>>);

impl Sum {
    /// Starts hashing what `writer` renders from here on.
    pub(crate) fn tap(&self, writer: &mut TableWriter) {
        let sum = Arc::clone(&self.0);
        writer.tap(Box::new(move |chunk| {
            let mut s = sum.lock().unwrap_or_else(PoisonError::into_inner);
            s.0.update(chunk);
            s.1 += chunk.len() as u64;
        }));
    }

    /// Hex digest and length.
    pub(crate) fn finish(self) -> (String, u64) {
        let (sha, len) =
            std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        let hex = sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
        (hex, len)
    }
}

/// What identifies a table's read in evidence, beside its hash.
pub(crate) fn rows_read(rows: u64) -> String {
    format!("{rows} rows")
}
