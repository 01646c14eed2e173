//! A file under construction whose personal data is labelled as it is
//! written, so every truth span is a byte range into the file's bytes.

use bw_corpus::score::TruthSpan;

pub struct Doc {
    pub bytes: Vec<u8>,
    /// `(start, end, kind)` into `bytes`.
    pub labels: Vec<(u64, u64, &'static str)>,
}

impl Doc {
    pub fn new() -> Doc {
        Doc {
            bytes: Vec::with_capacity(8 << 10),
            labels: Vec::new(),
        }
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.labels.clear();
    }

    /// Unlabelled text.
    pub fn s(&mut self, text: &str) -> &mut Doc {
        self.bytes.extend_from_slice(text.as_bytes());
        self
    }

    /// Text that is personal data of `kind` (a `bw-detect` kind name).
    pub fn l(&mut self, kind: &'static str, text: &str) -> &mut Doc {
        let start = self.bytes.len() as u64;
        self.bytes.extend_from_slice(text.as_bytes());
        self.labels.push((start, self.bytes.len() as u64, kind));
        self
    }

    /// The labels as truth spans of the member named `path`.
    pub fn spans(&self, path: &str, out: &mut Vec<TruthSpan>) {
        out.extend(self.labels.iter().map(|&(start, end, kind)| TruthSpan {
            path: path.to_string(),
            start,
            end,
            kind: kind.to_string(),
        }));
    }
}
