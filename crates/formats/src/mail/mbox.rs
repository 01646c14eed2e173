//! An mbox split into its messages: each message is read as a stream that
//! ends where the next message's `From ` separator line starts (after a
//! blank line, as mboxrd/mboxo writers put it), so each is a member of its
//! own (`box.mbox!3`) and no record runs from one message into the next.

use std::io::{self, BufRead, BufReader, Read};

/// Reads one message at a time out of an mbox stream.
pub struct Mbox<R> {
    inner: BufReader<R>,
    /// The separator line that starts the next message, read ahead.
    pending: Vec<u8>,
    /// The current message's bytes not yet handed out, from its current line.
    line: Vec<u8>,
    pos: usize,
    prev_blank: bool,
    /// The current message reached its end.
    done: bool,
    eof: bool,
}

/// Lines longer than this are handed out in pieces (a separator is never
/// that long, so a piece cannot hide one).
const MAX_LINE: usize = 64 * 1024;

impl<R: Read> Mbox<R> {
    pub fn new(inner: R) -> Mbox<R> {
        Mbox {
            inner: BufReader::with_capacity(64 * 1024, inner),
            pending: Vec::new(),
            line: Vec::new(),
            pos: 0,
            prev_blank: false,
            // No message yet: the first `next_message` starts one.
            done: true,
            eof: false,
        }
    }

    /// Moves to the next message; `false` when there is none. The first
    /// call starts the first message.
    pub fn next_message(&mut self) -> io::Result<bool> {
        // Whatever the reader did not read of the current message is skipped.
        while !self.done && !self.eof {
            self.fill_line()?;
        }
        if self.pending.is_empty() && self.eof {
            return Ok(false);
        }
        self.line = std::mem::take(&mut self.pending);
        self.pos = 0;
        self.done = false;
        self.prev_blank = false;
        Ok(true)
    }

    /// Reads the next line (or piece) of the current message into `line`;
    /// a separator after a blank line ends the message instead.
    fn fill_line(&mut self) -> io::Result<()> {
        let mut buf = Vec::new();
        let n = (&mut self.inner)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            self.eof = true;
            self.done = true;
            self.line.clear();
            self.pos = 0;
            return Ok(());
        }
        let whole = buf.ends_with(b"\n");
        if self.prev_blank && buf.starts_with(b"From ") {
            self.pending = buf;
            self.done = true;
            self.line.clear();
            self.pos = 0;
            return Ok(());
        }
        self.prev_blank = whole && (buf == b"\n" || buf == b"\r\n");
        self.line = buf;
        self.pos = 0;
        Ok(())
    }
}

impl<R: Read> Read for Mbox<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.line.len() {
            if self.done {
                return Ok(0);
            }
            self.fill_line()?;
        }
        let n = out.len().min(self.line.len() - self.pos);
        out[..n].copy_from_slice(&self.line[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_end_at_the_next_separator_after_a_blank_line() {
        let raw = b"From a@x Mon Jan 1 00:00:00 2026\nSubject: one\n\nbody\nFrom here on, not a separator\n\nFrom b@x Mon Jan 1 00:00:01 2026\nSubject: two\n\nsecond\n";
        let mut mbox = Mbox::new(&raw[..]);
        let mut got = Vec::new();
        while mbox.next_message().expect("in memory") {
            let mut m = Vec::new();
            mbox.read_to_end(&mut m).expect("in memory");
            got.push(String::from_utf8(m).expect("utf-8"));
        }
        assert_eq!(
            got,
            [
                "From a@x Mon Jan 1 00:00:00 2026\nSubject: one\n\nbody\nFrom here on, not a separator\n\n",
                "From b@x Mon Jan 1 00:00:01 2026\nSubject: two\n\nsecond\n"
            ]
        );
        // A message left unread is skipped whole.
        let mut mbox = Mbox::new(&raw[..]);
        assert!(mbox.next_message().expect("first"));
        assert!(mbox.next_message().expect("second"));
        let mut m = String::new();
        mbox.read_to_string(&mut m).expect("in memory");
        assert!(m.starts_with("From b@x"));
        assert!(!mbox.next_message().expect("end"));
    }
}
