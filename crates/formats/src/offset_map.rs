//! Offsets in decoded text back to offsets in the raw bytes it came from.
//!
//! A decoder (UTF-16, quoted-printable) records, per run of characters of
//! equal widths in both spaces (ASCII from UTF-16: 1 decoded byte for 2
//! raw; a `=40` escape: 1 for 3; bytes passed through: 1 for 1), where the
//! run starts in both. A decoded offset then maps to a raw offset by one
//! binary search and a division. Raw bytes that decode to nothing (a soft
//! line break) end the run before them, so the next run starts after them.
//! Runs older than a window are forgotten, so memory stays bounded on
//! streams of any length.

use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::rc::Rc;

#[derive(Clone, Copy, Debug)]
struct Run {
    dec: u64,
    raw: u64,
    dec_w: u8,
    raw_w: u8,
}

#[derive(Debug, Default)]
pub(crate) struct Runs {
    runs: VecDeque<Run>,
    end_dec: u64,
    end_raw: u64,
    /// Raw bytes were skipped since the last run: the next unit starts a
    /// new run even if its widths match.
    gap: bool,
}

impl Runs {
    /// Runs for a stream whose first decoded byte comes from raw `raw_start`.
    pub fn starting_at(raw_start: u64) -> Runs {
        Runs {
            end_raw: raw_start,
            ..Runs::default()
        }
    }

    /// One unit (a character, an escape) of `dec_w` decoded bytes from
    /// `raw_w` raw bytes.
    pub fn push(&mut self, dec_w: u8, raw_w: u8) {
        self.push_many(dec_w, raw_w, 1);
    }

    /// `count` units of equal widths.
    pub fn push_many(&mut self, dec_w: u8, raw_w: u8, count: u64) {
        if count == 0 {
            return;
        }
        let extend = !self.gap
            && self
                .runs
                .back()
                .is_some_and(|r| r.dec_w == dec_w && r.raw_w == raw_w);
        if !extend {
            self.runs.push_back(Run {
                dec: self.end_dec,
                raw: self.end_raw,
                dec_w,
                raw_w,
            });
            self.gap = false;
        }
        self.end_dec += u64::from(dec_w) * count;
        self.end_raw += u64::from(raw_w) * count;
    }

    /// Raw bytes that decode to nothing.
    pub fn skip_raw(&mut self, n: u64) {
        if n > 0 {
            self.end_raw += n;
            self.gap = true;
        }
    }

    fn map(&self, d: u64) -> Option<u64> {
        if d == self.end_dec {
            return Some(self.end_raw);
        }
        if d > self.end_dec {
            return None;
        }
        let i = self.runs.partition_point(|r| r.dec <= d).checked_sub(1)?;
        let r = self.runs[i];
        // An offset inside a multi-byte unit maps to the unit's start.
        let units = (d - r.dec) / u64::from(r.dec_w);
        Some(r.raw + units * u64::from(r.raw_w))
    }

    pub fn forget_before(&mut self, d: u64) {
        while self.runs.len() > 1 && self.runs[1].dec <= d {
            self.runs.pop_front();
        }
    }
}

/// Maps offsets in a decoder's output to offsets in its raw input.
/// A cheap handle: clone it before handing the decoder to a scanner.
#[derive(Clone, Debug)]
pub struct OffsetMap(Rc<RefCell<Runs>>);

impl OffsetMap {
    pub(crate) fn new(runs: Runs) -> OffsetMap {
        OffsetMap(Rc::new(RefCell::new(runs)))
    }

    pub(crate) fn runs_mut(&self) -> RefMut<'_, Runs> {
        self.0.borrow_mut()
    }

    #[cfg(test)]
    pub(crate) fn run_count(&self) -> usize {
        self.0.borrow().runs.len()
    }

    /// The raw offset of decoded offset `decoded`, or `None` if it lies
    /// beyond what was decoded or before the retained window. An offset in
    /// the middle of a character maps to that character's first raw byte;
    /// offsets at character boundaries (where findings start and end) map
    /// to the raw start of the character there, or the end of the stream.
    /// Where raw bytes decoded to nothing (a quoted-printable soft line
    /// break), an offset there maps past them: a finding ending right
    /// before a soft break includes it.
    pub fn raw(&self, decoded: u64) -> Option<u64> {
        self.0.borrow().map(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_raw_bytes_start_a_new_run() {
        let mut r = Runs::starting_at(0);
        r.push_many(1, 1, 4); // "abc "
        r.skip_raw(3); // "=\r\n"
        r.push_many(1, 1, 2); // "de"
        r.push(1, 3); // "=40"
        r.push(1, 1);
        let m = OffsetMap::new(r);
        assert_eq!(m.raw(3), Some(3));
        assert_eq!(m.raw(4), Some(7));
        assert_eq!(m.raw(5), Some(8));
        assert_eq!(m.raw(6), Some(9));
        assert_eq!(m.raw(7), Some(12));
        assert_eq!(m.raw(8), Some(13));
        assert_eq!(m.raw(9), None);
        assert_eq!(m.run_count(), 4);
    }
}
