//! Test helpers shared by the detector modules: scanning a haystack as a
//! stream that arrives in short reads, to put chunk boundaries everywhere.

use std::io::{self, Read};

use crate::stream::StreamScanner;
use crate::{Engine, Finding};

/// A reader that returns at most `step` bytes per read.
pub(crate) struct Trickle<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The findings of a streamed scan of `hay` (smallest chunk size, reads of
/// at most `step` bytes), to compare with `Engine::scan` on the whole.
pub(crate) fn scan_trickled(engine: &Engine, hay: &[u8], step: usize) -> Vec<Finding> {
    let mut got = Vec::new();
    StreamScanner::with_chunk_size(0)
        .scan(
            engine,
            Trickle { data: hay, step },
            |_| true,
            |h| {
                got.push(h.finding);
                Ok(())
            },
        )
        .expect("in-memory reads do not fail");
    got
}
