//! RFC 5322 mail (one message, or an mbox of many) with its
//! quoted-printable bodies and its headers' RFC 2047 encoded words decoded
//! for scanning.
//!
//! An mbox is read one message at a time ([`MailDecoder::split_messages`],
//! [`MailDecoder::next_message`]; the separator rule is in `mbox.rs`), so
//! each message is a member of its own whose offsets stay offsets into
//! the mbox.
//!
//! In a quoted-printable body `jane.doe=40example.com` is an email address
//! and `Jane =\r\nDoe` a name split by a soft line break; detectors only see
//! them decoded. [`MailDecoder`] passes other bodies through unchanged
//! and decodes the bodies (and MIME parts) whose
//! `Content-Transfer-Encoding` is `quoted-printable`, recording an
//! [`OffsetMap`] so that findings still point at the raw bytes. Header
//! fields (of the message and of its parts) are passed through but for
//! their RFC 2047 encoded words (`From: =?utf-8?q?Jos=C3=A9?= <…>`),
//! decoded the same way (`rfc2047.rs`): each field is held until it ends,
//! as adjacent words on folded lines join.
//!
//! It works line by line on a bounded buffer: a line longer than
//! [`MAX_SEGMENT`] is handled in pieces (never an escape cut in two), a
//! header is kept (and held for decoding) up to [`MAX_HEADER`] bytes,
//! the rest of a longer one passed through; at most [`MAX_NESTING`]
//! multipart boundaries are followed. Input that is not what it claims
//! (a bad escape, a missing boundary) is passed through, never an error.

mod attach;
mod mbox;
mod rfc2047;

use std::io::{self, Read};

pub use attach::Attachment;
use attach::Decoding;

use crate::offset_map::{OffsetMap, Runs};

/// Lines longer than this are decoded in pieces of this size.
pub const MAX_SEGMENT: usize = 64 * 1024;
/// Bytes of one (unfolded) header kept for parsing; the rest is ignored.
pub const MAX_HEADER: usize = 8 * 1024;
/// Nested multipart boundaries followed; deeper ones are passed through.
pub const MAX_NESTING: usize = 16;

const READ: usize = 64 * 1024;
/// Decoded output is handed out in blocks of about this size.
const OUT_TARGET: usize = 64 * 1024;

/// Headers that make a block of `Name: value` lines a mail header.
const MAIL_HEADERS: [&str; 21] = [
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "delivered-to",
    "reply-to",
    "sender",
    "in-reply-to",
    "references",
    "content-type",
    "content-transfer-encoding",
    "x-mailer",
    "x-original-to",
    "dkim-signature",
    "authentication-results",
    "arc-seal",
];

/// Whether `head` (the first bytes of a stream) is the start of a mail
/// message or an mbox: an optional `From ` separator line, then only
/// header lines (`Name: value` or folded continuations), at least two,
/// one of them a header every mail has.
pub fn looks_like_mail(head: &[u8]) -> bool {
    let mut lines = head.split_inclusive(|b| *b == b'\n').peekable();
    if lines.peek().is_some_and(|l| l.starts_with(b"From ")) {
        lines.next();
    }
    let (mut headers, mut known) = (0usize, 0usize);
    for line in lines {
        if !line.ends_with(b"\n") {
            // Cut by the end of the head: no verdict on it.
            break;
        }
        if is_blank(line) {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if headers == 0 {
                return false;
            }
            continue;
        }
        let Some(name) = header_name(line) else {
            return false;
        };
        headers += 1;
        if MAIL_HEADERS
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h.as_bytes()))
        {
            known += 1;
        }
    }
    headers >= 2 && known >= 1
}

/// The name of a `Name: value` line: 1 to 76 printable ASCII bytes
/// without a colon or a space (RFC 5322 `ftext`).
fn header_name(line: &[u8]) -> Option<&[u8]> {
    let colon = find(b':', &line[..line.len().min(77)])?;
    let name = &line[..colon];
    (!name.is_empty() && name.iter().all(|b| (33..=126).contains(b))).then_some(name)
}

/// Byte search without a dependency: lines are searched once each, and
/// this is far faster than the detectors that read the same bytes after.
fn find(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

fn rfind(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().rposition(|b| *b == needle)
}

fn is_blank(line: &[u8]) -> bool {
    line == b"\n" || line == b"\r\n"
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        // RFC 2045 asks for upper case; writers that use lower case exist.
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// In a header block (of the message or a MIME part).
    Headers,
    Body,
}

/// What a header block said about the body after it.
#[derive(Debug, Default)]
struct Part {
    qp: bool,
    base64: bool,
    boundary: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    disposition: Option<Vec<u8>>,
}

/// The decoding state, apart from the raw buffer so that a segment of the
/// buffer can be handed to it while it writes its output.
struct Parser {
    out: Vec<u8>,
    map: OffsetMap,
    state: State,
    line_start: bool,
    prev_blank: bool,
    header: Vec<u8>,
    /// The raw bytes of the header field being read, not yet handed out:
    /// its encoded words are decoded when it ends.
    held: Vec<u8>,
    scratch: rfc2047::Scratch,
    part: Part,
    body_qp: bool,
    boundaries: Vec<Vec<u8>>,
    /// The base64 part being decoded (its raw lines are not handed out:
    /// base64 text says nothing to a detector).
    decoding: Option<Decoding>,
    attachments: Vec<Attachment>,
    /// Base64 parts met, for naming unnamed ones.
    parts: u32,
    max_attachment_bytes: u64,
    max_attachments: usize,
}

impl Parser {
    /// Handles one segment: a whole line (`full`, ending in `\n`), or a
    /// piece of a long line, or the unterminated end of the stream.
    fn segment(&mut self, seg: &[u8], full: bool) {
        let at_start = self.line_start;
        self.line_start = full;
        let blank = full && is_blank(seg);
        if self.state == State::Headers {
            self.prev_blank = blank;
            if at_start && blank {
                self.end_header();
                self.end_headers();
                self.release_header();
                return self.identity(seg);
            }
            if at_start && seg[0] != b' ' && seg[0] != b'\t' {
                self.end_header();
                self.release_header();
            }
            self.append_header(seg);
            return self.hold(seg);
        }
        if at_start {
            if let Some((i, close)) = self.boundary(seg) {
                self.end_part();
                if close {
                    self.boundaries.truncate(i);
                    self.body_qp = false;
                } else {
                    self.boundaries.truncate(i + 1);
                    self.new_header_block();
                }
                self.prev_blank = false;
                return self.identity(seg);
            }
        }
        self.prev_blank = blank;
        if let Some(d) = self.decoding.as_mut() {
            d.line(seg);
            self.map.runs_mut().skip_raw(seg.len() as u64);
        } else if self.body_qp {
            self.quoted_printable(seg, full);
        } else {
            self.identity(seg);
        }
    }

    /// A body ended (a boundary, the message's end, the end of the
    /// stream): keep what a base64 part decoded to.
    fn end_part(&mut self) {
        if let Some(att) = self.decoding.take().and_then(Decoding::finish) {
            self.attachments.push(att);
        }
    }

    /// Keeps a header line (or piece) back until its field ends; a field
    /// longer than [`MAX_HEADER`] is handed out in pieces of at most that.
    fn hold(&mut self, seg: &[u8]) {
        if self.held.len() + seg.len() > MAX_HEADER {
            self.release_header();
            if seg.len() > MAX_HEADER {
                return self.identity(seg);
            }
        }
        self.held.extend_from_slice(seg);
    }

    /// Hands out the field held back, its encoded words decoded.
    fn release_header(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.held);
        if rfc2047::has_encoded_word(&held) {
            let mut runs = self.map.runs_mut();
            rfc2047::decode_field(&held, &mut self.out, &mut runs, &mut self.scratch);
        } else {
            self.identity(&held);
        }
        self.held = held;
        self.held.clear();
    }

    fn new_header_block(&mut self) {
        self.state = State::Headers;
        self.part = Part::default();
        self.header.clear();
    }

    fn append_header(&mut self, seg: &[u8]) {
        let room = MAX_HEADER.saturating_sub(self.header.len());
        self.header.extend_from_slice(&seg[..seg.len().min(room)]);
    }

    /// Parses the header collected so far, for the two that matter.
    fn end_header(&mut self) {
        let header = std::mem::take(&mut self.header);
        if let Some(name) = header_name(&header) {
            let value = header[name.len() + 1..].trim_ascii();
            if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
                self.part.qp = value.eq_ignore_ascii_case(b"quoted-printable");
                self.part.base64 = value.eq_ignore_ascii_case(b"base64");
            } else if name.eq_ignore_ascii_case(b"content-disposition") {
                self.part.disposition = Some(value.to_vec());
            } else if name.eq_ignore_ascii_case(b"content-type") {
                self.part.content_type = Some(value.to_vec());
                let multipart = value
                    .get(..10)
                    .is_some_and(|t| t.eq_ignore_ascii_case(b"multipart/"));
                self.part.boundary = if multipart {
                    boundary_param(value)
                } else {
                    None
                };
            }
        }
        self.header = header;
        self.header.clear();
    }

    fn end_headers(&mut self) {
        let part = std::mem::take(&mut self.part);
        self.body_qp = part.qp;
        if part.base64 && part.boundary.is_none() {
            self.parts += 1;
            if self.attachments.len() < self.max_attachments {
                let name =
                    attach::file_name(part.disposition.as_deref(), part.content_type.as_deref())
                        .unwrap_or_else(|| unnamed(self.parts, part.content_type.as_deref()));
                self.decoding = Some(Decoding::new(name, self.max_attachment_bytes));
            }
        }
        if let Some(b) = part.boundary {
            if self.boundaries.len() < MAX_NESTING {
                self.boundaries.push(b);
            }
        }
        self.state = State::Body;
    }

    /// `--boundary` or `--boundary--` of an open multipart (the innermost
    /// that matches): its index and whether it closes.
    fn boundary(&self, line: &[u8]) -> Option<(usize, bool)> {
        let rest = line.strip_prefix(b"--")?;
        self.boundaries.iter().enumerate().rev().find_map(|(i, b)| {
            let after = rest.strip_prefix(b.as_slice())?;
            let (close, tail) = match after.strip_prefix(b"--") {
                Some(t) => (true, t),
                None => (false, after),
            };
            tail.iter()
                .all(u8::is_ascii_whitespace)
                .then_some((i, close))
        })
    }

    fn identity(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.map.runs_mut().push_many(1, 1, bytes.len() as u64);
    }

    fn quoted_printable(&mut self, seg: &[u8], full: bool) {
        let eol = if !full {
            0
        } else if seg.ends_with(b"\r\n") {
            2
        } else {
            1
        };
        let content = &seg[..seg.len() - eol];
        // Transport may pad lines with blanks; a `=` before them is still
        // a soft line break.
        let kept = content.trim_ascii_end().len();
        if full && kept > 0 && content[kept - 1] == b'=' {
            self.decode(&content[..kept - 1]);
            let dropped = seg.len() - (kept - 1);
            self.map.runs_mut().skip_raw(dropped as u64);
        } else {
            self.decode(content);
            self.identity(&seg[content.len()..]);
        }
    }

    fn decode(&mut self, content: &[u8]) {
        let mut runs = self.map.runs_mut();
        let mut i = 0;
        while let Some(j) = find(b'=', &content[i..]) {
            let at = i + j;
            self.out.extend_from_slice(&content[i..at]);
            runs.push_many(1, 1, (at - i) as u64);
            let escaped = match (content.get(at + 1), content.get(at + 2)) {
                (Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| h << 4 | l),
                _ => None,
            };
            match escaped {
                Some(b) => {
                    self.out.push(b);
                    runs.push(1, 3);
                    i = at + 3;
                }
                None => {
                    // Not an escape: kept as written (RFC 2045 6.7, note 1).
                    self.out.push(b'=');
                    runs.push(1, 1);
                    i = at + 1;
                }
            }
        }
        self.out.extend_from_slice(&content[i..]);
        runs.push_many(1, 1, (content.len() - i) as u64);
    }
}

/// A name for a base64 part its sender did not name: `part-N`, with the
/// extension of a text type so that a sniff by name still works.
fn unnamed(n: u32, content_type: Option<&[u8]>) -> String {
    let ty = content_type.unwrap_or_default().to_ascii_lowercase();
    let ext = if ty.starts_with(b"text/html") {
        ".html"
    } else if ty.starts_with(b"text/csv") {
        ".csv"
    } else if ty.starts_with(b"text/") || ty.is_empty() {
        ".txt"
    } else {
        ""
    };
    format!("part-{n}{ext}")
}

/// The `boundary` parameter of a `multipart/…` content type, 1 to 70
/// bytes (RFC 2046), quoted or not.
fn boundary_param(value: &[u8]) -> Option<Vec<u8>> {
    const KEY: &[u8] = b"boundary=";
    let at = value
        .windows(KEY.len())
        .position(|w| w.eq_ignore_ascii_case(KEY))?;
    let rest = &value[at + KEY.len()..];
    let b = match rest.strip_prefix(b"\"") {
        Some(q) => &q[..find(b'"', q)?],
        None => {
            let end = rest
                .iter()
                .position(|c| *c == b';' || c.is_ascii_whitespace())
                .unwrap_or(rest.len());
            &rest[..end]
        }
    };
    (1..=70).contains(&b.len()).then(|| b.to_vec())
}

/// A `Read` of a mail stream with its quoted-printable bodies decoded;
/// see the module doc.
pub struct MailDecoder<R> {
    inner: R,
    raw: Vec<u8>,
    raw_pos: usize,
    eof: bool,
    out_pos: usize,
    /// Decoded bytes handed out (of the current message, in an mbox).
    handed_out: u64,
    window: u64,
    p: Parser,
    /// Raw bytes and `\n`-ended lines handed to the parser so far.
    consumed: u64,
    lines: u64,
    /// Where the current message started (see [`MailDecoder::next_message`]).
    msg: mbox::Message,
}

impl<R: Read> MailDecoder<R> {
    /// A decoder of `inner`, from its first byte (raw offset 0).
    pub fn new(inner: R) -> Self {
        MailDecoder {
            inner,
            raw: Vec::with_capacity(READ + MAX_SEGMENT),
            raw_pos: 0,
            eof: false,
            out_pos: 0,
            handed_out: 0,
            window: 1 << 20,
            consumed: 0,
            lines: 0,
            msg: mbox::Message::default(),
            p: Parser {
                out: Vec::with_capacity(OUT_TARGET + MAX_SEGMENT),
                map: OffsetMap::new(Runs::starting_at(0)),
                state: State::Headers,
                line_start: true,
                prev_blank: false,
                header: Vec::new(),
                held: Vec::new(),
                scratch: rfc2047::Scratch::default(),
                part: Part::default(),
                body_qp: false,
                boundaries: Vec::new(),
                decoding: None,
                attachments: Vec::new(),
                parts: 0,
                max_attachment_bytes: 4 << 30,
                max_attachments: 10_000,
            },
        }
    }

    /// Decode at most `count` base64 parts per stream, each up to `bytes`.
    pub fn with_attachment_limits(mut self, bytes: u64, count: usize) -> Self {
        self.p.max_attachment_bytes = bytes;
        self.p.max_attachments = count;
        self
    }

    /// The base64 parts decoded so far (all of them once the stream was
    /// read to its end), in order; each is then walked as a member.
    pub fn take_attachments(&mut self) -> Vec<Attachment> {
        std::mem::take(&mut self.p.attachments)
    }

    /// Keep offset mappings for at least the last `window` decoded bytes
    /// handed out.
    pub fn with_window(mut self, window: u64) -> Self {
        self.window = window;
        self
    }

    /// The offset map, valid while this decoder lives (and after).
    pub fn offset_map(&self) -> OffsetMap {
        self.p.map.clone()
    }

    /// The next segment of the raw buffer: its length and whether it is a
    /// whole line. `None` when more input is needed (or none is left).
    fn next_segment(&self) -> Option<(usize, bool)> {
        let rest = &self.raw[self.raw_pos..];
        if rest.is_empty() {
            return None;
        }
        let limit = &rest[..rest.len().min(MAX_SEGMENT)];
        if let Some(i) = find(b'\n', limit) {
            return Some((i + 1, true));
        }
        if rest.len() >= MAX_SEGMENT {
            // Never cut `=XX` in two: leave a `=` near the end for the next piece.
            let cut = match rfind(b'=', &limit[MAX_SEGMENT - 2..]) {
                Some(i) => MAX_SEGMENT - 2 + i,
                None => MAX_SEGMENT,
            };
            return Some((cut, false));
        }
        self.eof.then_some((rest.len(), false))
    }

    fn refill(&mut self) -> io::Result<()> {
        self.p.out.clear();
        self.out_pos = 0;
        self.p
            .map
            .runs_mut()
            .forget_before(self.handed_out.saturating_sub(self.window));
        loop {
            while let Some((len, full)) = self.next_segment() {
                let seg = self.raw_pos..self.raw_pos + len;
                if self.ends_message(&self.raw[seg.clone()]) {
                    self.p.end_part();
                    self.p.release_header();
                    self.msg.ended = true;
                    return Ok(());
                }
                self.raw_pos += len;
                self.consumed += len as u64;
                self.lines += u64::from(full);
                self.p.segment(&self.raw[seg], full);
                if self.p.out.len() >= OUT_TARGET {
                    return Ok(());
                }
            }
            if self.eof || !self.p.out.is_empty() {
                return Ok(());
            }
            self.raw.drain(..self.raw_pos);
            self.raw_pos = 0;
            let old = self.raw.len();
            self.raw.resize(old + READ, 0);
            let n = loop {
                match self.inner.read(&mut self.raw[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.raw.truncate(old);
                        return Err(e);
                    }
                }
            };
            self.raw.truncate(old + n);
            if n == 0 {
                self.eof = true;
            }
        }
    }
}

impl<R: Read> Read for MailDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.p.out.len() {
            if self.msg.ended {
                return Ok(0);
            }
            if self.eof && self.raw_pos == self.raw.len() {
                self.p.end_part();
                if self.p.held.is_empty() {
                    return Ok(0);
                }
                // A stream that ends inside its headers: hand out the
                // field held back.
                self.p.out.clear();
                self.out_pos = 0;
                self.p.release_header();
                continue;
            }
            self.refill()?;
        }
        let n = buf.len().min(self.p.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.p.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        self.handed_out += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
