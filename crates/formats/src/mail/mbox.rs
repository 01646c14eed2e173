//! An mbox read one message at a time.
//!
//! A message ends where the next one's `From ` separator line starts: a
//! line after a blank line (mboxo and mboxrd writers, Python's `mailbox`
//! among them, escape a body's own `From ` lines as `>From `, and
//! quoted-printable bodies as `=46rom`). Inside a multipart whose closing
//! boundary has not come yet, the line must also carry the separator's
//! `hh:mm` time, so a truncated message cannot swallow the rest of the box
//! while a body's unescaped `From here on` after a blank line stays text.
//!
//! Splitting happens inside the decoder, on the lines it reads anyway: no
//! second buffer, no copy, and the offset map of each message starts at
//! the message's first raw byte, so offsets stay offsets into the mbox.

use std::io::{self, Read};

use super::{MailDecoder, Parser, Part, State};
use crate::offset_map::{OffsetMap, Runs};

/// The message being read from a split mbox.
#[derive(Debug, Default)]
pub(super) struct Message {
    /// The stream is split into messages at all.
    split: bool,
    /// [`MailDecoder::next_message`] started one.
    started: bool,
    /// Its first raw byte, and the lines before it.
    raw_start: u64,
    lines_before: u64,
    /// Reading reached the next message's separator line (left unread).
    pub(super) ended: bool,
}

impl<R: Read> MailDecoder<R> {
    /// Reads the stream as an mbox: the decoder hands out one message, then
    /// ends; [`MailDecoder::next_message`] moves to the next. Call
    /// `next_message` before the first read.
    pub fn split_messages(mut self) -> Self {
        self.msg.split = true;
        self
    }

    /// Moves to the next message of a split mbox, decoding what was not
    /// read of the current one (its base64 parts are kept for
    /// [`MailDecoder::take_attachments`]); `false` at the end of the
    /// stream. The first call starts the first message.
    pub fn next_message(&mut self) -> io::Result<bool> {
        if self.msg.started {
            io::copy(self, &mut io::sink())?;
            if !self.msg.ended {
                return Ok(false);
            }
        }
        self.msg = Message {
            split: true,
            started: true,
            raw_start: self.consumed,
            lines_before: self.lines,
            ended: false,
        };
        self.handed_out = 0;
        self.out_pos = 0;
        self.p.start_message(self.consumed);
        Ok(true)
    }

    /// `\n`-ended lines of the stream before the current message (0
    /// unless split): a line of the message is line `lines_before() + n`
    /// of the mbox.
    pub fn lines_before(&self) -> u64 {
        self.msg.lines_before
    }

    /// Whether `seg`, the next segment of the stream, is the next
    /// message's separator; if so the current message has ended.
    pub(super) fn ends_message(&self, seg: &[u8]) -> bool {
        self.msg.split && self.consumed > self.msg.raw_start && self.p.at_separator(seg)
    }

    /// The reader of the inner stream (to see an error it kept).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl Parser {
    fn at_separator(&self, seg: &[u8]) -> bool {
        self.line_start
            && self.prev_blank
            && seg.starts_with(b"From ")
            && (self.boundaries.is_empty() || dated(seg))
    }

    /// Starts a message at raw offset `raw_start`: nothing of the previous
    /// one's state (open multiparts, encodings) carries over.
    fn start_message(&mut self, raw_start: u64) {
        self.end_part();
        self.out.clear();
        self.map = OffsetMap::new(Runs::starting_at(raw_start));
        self.state = State::Headers;
        self.line_start = true;
        self.prev_blank = false;
        self.header.clear();
        self.held.clear();
        self.part = Part::default();
        self.body_qp = false;
        self.boundaries.clear();
        self.parts = 0;
    }
}

/// A separator line's asctime: `From a@b.example Tue Mar 12 10:22:33 2024`.
fn dated(line: &[u8]) -> bool {
    line.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::tests::Trickle;

    /// Each message of `raw`, split and decoded: its text, the mbox offset
    /// its decoded offsets start at, its lines before, and where `needle`
    /// (if in it) maps to in `raw`.
    fn split(raw: &[u8], step: usize, needle: &str) -> Vec<(String, u64, u64, Option<u64>)> {
        let mut dec = MailDecoder::new(Trickle(raw, step)).split_messages();
        let mut got = Vec::new();
        while dec.next_message().expect("in memory") {
            let map = dec.offset_map();
            let lines = dec.lines_before();
            let mut m = Vec::new();
            dec.read_to_end(&mut m).expect("in memory");
            let text = String::from_utf8(m).expect("utf-8");
            let at = text.find(needle).and_then(|i| map.raw(i as u64));
            got.push((text, map.raw(0).expect("start"), lines, at));
        }
        got
    }

    const ONE: &str = "From a@example.com Tue Mar 12 10:22:33 2024\n\
        From: a@example.com\n\
        Subject: one\n\
        Content-Transfer-Encoding: quoted-printable\n\
        \n\
        mail b=40example.com\n\
        From here on, not a separator\n\
        \n";
    const TWO: &str = "From b@example.com Tue Mar 12 10:22:34 2024\n\
        From: b@example.com\n\
        Subject: two\n\
        \n\
        kept c=40example.com\n\
        \n\
        From the desk of nobody: text, as no multipart is open? No: a separator.\n\
        Subject: three\n\
        \n\
        third d@example.com\n";

    #[test]
    fn messages_end_at_the_next_separator_with_their_own_encoding_and_offsets() {
        let raw = format!("{ONE}{TWO}");
        for step in [1, 2, 7, 4096] {
            let got = split(raw.as_bytes(), step, "mail b@");
            assert_eq!(got.len(), 3, "step {step}: {got:?}");
            assert_eq!(got[0].0, ONE.replace("=40", "@"));
            assert!(got[1].0.starts_with("From b@"), "{got:?}");
            assert!(got[1].0.contains("kept c=40example.com\n"), "{got:?}");
            assert!(got[2].0.starts_with("From the desk"), "{got:?}");
            // Where each message starts in the mbox, in bytes and lines.
            let two = ONE.len() as u64;
            let three = raw.find("From the desk").expect("third") as u64;
            let starts: Vec<(u64, u64)> = got.iter().map(|g| (g.1, g.2)).collect();
            assert_eq!(starts, [(0, 0), (two, 8), (three, 14)]);
            // A decoded offset in a message maps into the mbox.
            let b = raw.find("mail b=40").expect("b") as u64;
            assert_eq!(got[0].3, Some(b));
            let third = split(raw.as_bytes(), step, "third d@");
            let d = raw.find("third d@").expect("d") as u64;
            assert_eq!(third[2].3, Some(d));
        }
    }

    #[test]
    fn a_message_left_unread_is_skipped_and_its_attachment_kept() {
        let raw = "From a@x.example Mon Jan  1 00:00:00 2026\n\
            Subject: one\n\
            Content-Type: text/csv; name=\"list.csv\"\n\
            Content-Transfer-Encoding: base64\n\
            \n\
            bmFtZSxlbWFpbApKYW5lLGphbmVAZXhhbXBsZS5jb20K\n\
            \n\
            From b@x.example Mon Jan  1 00:00:01 2026\n\
            Subject: two\n\
            \n\
            second\n";
        let mut dec = MailDecoder::new(raw.as_bytes()).split_messages();
        assert!(dec.next_message().expect("first"));
        assert!(dec.next_message().expect("second"));
        let atts = dec.take_attachments();
        assert_eq!(atts.len(), 1);
        assert_eq!(atts[0].name, "list.csv");
        let mut m = String::new();
        dec.read_to_string(&mut m).expect("in memory");
        assert!(m.starts_with("From b@x"), "{m}");
        assert!(!dec.next_message().expect("end"));
    }

    #[test]
    fn inside_an_open_multipart_only_a_dated_from_line_separates() {
        // Message one's multipart never closes (a truncated message).
        let raw = "From a@x.example Mon Jan  1 00:00:00 2026\n\
            Subject: one\n\
            Content-Type: multipart/mixed; boundary=\"b1\"\n\
            \n\
            --b1\n\
            Content-Type: text/plain\n\
            \n\
            \n\
            From here on it is text\n\
            \n\
            From b@x.example Mon Jan  1 00:00:01 2026\n\
            Subject: two\n\
            \n\
            second\n";
        let got = split(raw.as_bytes(), 3, "From here");
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].3.is_some(), "{got:?}");
        assert!(got[1].0.starts_with("From b@x"), "{got:?}");
    }
}
