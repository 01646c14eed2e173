//! A byte buffer that records labelled spans as it is written, so label
//! offsets are exact by construction.

use crate::kind::Kind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
    pub kind: Kind,
}

#[derive(Default)]
pub struct Doc {
    pub buf: Vec<u8>,
    /// Bytes of this file already written out: spans are absolute offsets.
    pub flushed: u64,
    pub spans: Vec<Span>,
}

impl Doc {
    pub fn pos(&self) -> u64 {
        self.flushed + self.buf.len() as u64
    }

    /// Unlabelled text.
    pub fn s(&mut self, text: &str) -> &mut Doc {
        self.buf.extend_from_slice(text.as_bytes());
        self
    }

    /// Labelled text.
    pub fn l(&mut self, kind: Kind, text: &str) -> &mut Doc {
        let start = self.pos();
        self.s(text);
        self.label_from(kind, start);
        self
    }

    /// Labels everything written since `start` (for raw spans that contain
    /// markup, e.g. a name split by tags or an address across `<br>`).
    pub fn label_from(&mut self, kind: Kind, start: u64) {
        let end = self.pos();
        if end > start {
            self.spans.push(Span { start, end, kind });
        }
    }
}
