//! `key=value` logs (logfmt, query strings) and `key: value` lines as
//! structure: a recognised key names the value after it, up to where the
//! value ends (its closing quote, or the next space), so that
//! `user_id=4155550124` after `phone=4155550123` on the same line is a
//! record's number and not a second phone, and `msisdn=…` a phone with no
//! other word to say so. A JSON object inside a log line (`"phone":"…"`)
//! is read the same way: a quoted key followed by `:` or `=`.
//!
//! Lines are the records of a log (the caller counts them), so this
//! hinter says nothing about records. Only keys that decide what digits
//! are, and birth dates, are hinted (see [`hinted`]): names, addresses and
//! secrets are read by their detectors from the key itself.
//!
//! A state machine fed the stream in order, chunk by chunk; it holds at
//! most one key of [`MAX_KEY`] bytes and the hints not yet forgotten, and
//! never turns itself off. It runs over every byte of a log, so the states
//! that only wait for one of a few bytes (the rest of a word, of a value,
//! of a quoted string) skip to it with a byte-class table or `memchr3`
//! rather than stepping byte by byte (which, with a sniff that fed the
//! whole head, cost ~50 instructions per log byte).

use std::collections::VecDeque;

use super::json::KeyMemo;
use super::{Field, Hint};

/// Keys longer than this name nothing we know.
const MAX_KEY: usize = 64;
/// An unquoted value longer than this is not one token.
const MAX_VALUE: usize = 256;
/// An unquoted birth date longer than this is not one.
const MAX_DATE: usize = 40;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between tokens (`boundary`: a key may start here).
    Text { boundary: bool },
    /// In a word that may be a key.
    Word,
    /// In a word that cannot be a key: skip to a boundary.
    Skip,
    /// In a quoted string not known to be a value (maybe a JSON key).
    Quoted { escape: bool },
    /// After a quoted string: spaces until `:`/`=` make it a key.
    AfterQuoted,
    /// After `key=` or `key:`: spaces until the value.
    Sep,
    /// In a value.
    Value { quoted: bool, escape: bool },
    /// In an unquoted birth date, which may hold spaces and commas (`dob=July
    /// 2, 1955 zip=…`): it runs to the line's end or the next `key=`.
    /// `word_keyish`: the word since the last space may still be a key.
    Date { word_keyish: bool },
}

/// Follows one log stream. A clone carries the state on from where the
/// original stands.
#[derive(Clone, Debug)]
pub struct KvHinter {
    state: State,
    key: Vec<u8>,
    /// The field of the key whose value comes next or is being read.
    field: Option<Field>,
    value_start: usize,
    /// In an unquoted date: where its content ends so far, and where it
    /// ended before the current word.
    value_end: usize,
    word_from: usize,
    pos: usize,
    hints: VecDeque<Hint>,
    keys: KeyMemo,
}

impl Default for KvHinter {
    fn default() -> Self {
        KvHinter::new()
    }
}

impl KvHinter {
    /// A hinter if the whole lines of `head` hold `key=value` pairs whose
    /// keys name a field we know (at least one such key in the head).
    pub fn sniff(head: &[u8]) -> Option<KvHinter> {
        let whole = &head[..=memchr::memrchr(b'\n', head)?];
        let mut h = KvHinter::new();
        // Line by line, stopping at the first hint: the head is a whole
        // chunk (a megabyte), which the scan reads again anyway.
        for line in whole.split_inclusive(|&b| b == b'\n') {
            h.feed(line);
            if !h.hints.is_empty() {
                return Some(KvHinter::new());
            }
        }
        None
    }

    pub fn new() -> KvHinter {
        KvHinter {
            state: State::Text { boundary: true },
            key: Vec::new(),
            field: None,
            value_start: 0,
            value_end: 0,
            word_from: 0,
            pos: 0,
            hints: VecDeque::new(),
            keys: KeyMemo::default(),
        }
    }

    /// Never: a log is followed to its end.
    pub fn is_off(&self) -> bool {
        false
    }

    /// Feeds the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        let base = self.pos;
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            // The bytes `step` would pass over without a change but to the
            // key, skipped at once; `step` takes the one that ends them.
            i += match self.state {
                State::Skip => run_until(rest, BOUNDARY),
                State::Word => {
                    let n = run_while(rest, KEY);
                    self.push_key_run(&rest[..n]);
                    n
                }
                State::Quoted { escape: false } => {
                    let n = memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
                    self.push_key_run(&rest[..n]);
                    n
                }
                State::Value {
                    quoted: true,
                    escape: false,
                } => memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len()),
                State::Value { quoted: false, .. } => {
                    // A value longer than MAX_VALUE ends at its next byte.
                    let limit = (self.value_start + MAX_VALUE + 1).saturating_sub(base + i);
                    run_until(&rest[..limit.min(rest.len())], VALUE_END)
                }
                _ => 0,
            };
            let Some(&b) = bytes.get(i) else {
                break;
            };
            self.pos = base + i;
            self.step(b);
            i += 1;
        }
        self.pos = base + bytes.len();
    }

    fn step(&mut self, b: u8) {
        let at = self.pos;
        match self.state {
            State::Text { boundary } => self.text(b, boundary),
            State::Word => {
                if is_key_byte(b) {
                    self.push_key(b);
                } else if matches!(b, b'=' | b':') {
                    self.key_done();
                } else {
                    self.text(b, false);
                }
            }
            State::Skip => {
                if is_boundary(b) {
                    self.text(b, false);
                }
            }
            State::Quoted { escape } => {
                if b == b'\n' {
                    self.state = State::Text { boundary: true };
                } else if escape {
                    self.state = State::Quoted { escape: false };
                    self.push_key(b);
                } else if b == b'\\' {
                    self.state = State::Quoted { escape: true };
                } else if b == b'"' {
                    self.state = State::AfterQuoted;
                } else {
                    self.push_key(b);
                }
            }
            State::AfterQuoted => match b {
                b' ' | b'\t' => {}
                b':' | b'=' => self.key_done(),
                _ => self.text(b, false),
            },
            State::Sep => match b {
                b' ' | b'\t' => {}
                // `body={"dob": …}`: the object's own keys name its values.
                b'\n' | b'\r' | b'{' | b'[' => {
                    self.field = None;
                    self.state = State::Text { boundary: true };
                }
                b'"' => {
                    self.value_start = at + 1;
                    self.state = State::Value {
                        quoted: true,
                        escape: false,
                    };
                }
                _ => {
                    self.value_start = at;
                    self.value_end = at + 1;
                    self.word_from = at + 1;
                    self.state = if self.field == Some(Field::DateOfBirth) {
                        State::Date { word_keyish: false }
                    } else {
                        State::Value {
                            quoted: false,
                            escape: false,
                        }
                    };
                }
            },
            State::Date { word_keyish } => self.date(b, word_keyish),
            State::Value { quoted, escape } => {
                if b == b'\n' {
                    self.close_value(at);
                    self.state = State::Text { boundary: true };
                } else if quoted {
                    if escape {
                        self.state = State::Value {
                            quoted,
                            escape: false,
                        };
                    } else if b == b'\\' {
                        self.state = State::Value {
                            quoted,
                            escape: true,
                        };
                    } else if b == b'"' {
                        self.close_value(at);
                        self.state = State::Text { boundary: false };
                    }
                } else if matches!(b, b' ' | b'\t' | b'\r' | b'&' | b',' | b';' | b'}' | b']')
                    || at - self.value_start > MAX_VALUE
                {
                    self.close_value(at);
                    self.text(b, false);
                }
            }
        }
    }

    fn date(&mut self, b: u8, word_keyish: bool) {
        let at = self.pos;
        match b {
            b'\n' | b'&' | b';' => {
                self.close_value(self.value_end);
                self.text(b, false);
            }
            b' ' | b'\t' | b'\r' => {
                self.key.clear();
                self.word_from = self.value_end;
                self.state = State::Date { word_keyish: true };
            }
            // The word after a space was the next key: the date ended
            // before it.
            b'=' | b':' if word_keyish && !self.key.is_empty() => {
                self.close_value(self.word_from);
                self.key_done();
            }
            _ if at - self.value_start > MAX_DATE => {
                self.close_value(self.value_end);
                self.state = State::Skip;
            }
            _ => {
                let keyish = word_keyish && is_key_byte(b);
                if keyish {
                    self.push_key(b);
                }
                self.value_end = at + 1;
                self.state = State::Date {
                    word_keyish: keyish,
                };
            }
        }
    }

    /// A byte between tokens; `boundary`: the previous byte allows a key
    /// to start here.
    fn text(&mut self, b: u8, boundary: bool) {
        self.state = if b == b'"' {
            self.key.clear();
            State::Quoted { escape: false }
        } else if is_boundary(b) {
            State::Text { boundary: true }
        } else if boundary && is_key_byte(b) {
            self.key.clear();
            self.key.push(b);
            State::Word
        } else {
            State::Skip
        };
    }

    /// A key past [`MAX_KEY`] bytes is cut there and names nothing.
    fn push_key(&mut self, b: u8) {
        if self.key.len() < MAX_KEY {
            self.key.push(b);
        }
    }

    /// [`KvHinter::push_key`] for each byte of `run`.
    fn push_key_run(&mut self, run: &[u8]) {
        let take = run.len().min(MAX_KEY.saturating_sub(self.key.len()));
        self.key.extend_from_slice(&run[..take]);
    }

    fn key_done(&mut self) {
        self.field = self.keys.classify(&self.key).filter(|&f| hinted(f));
        self.state = State::Sep;
    }

    fn close_value(&mut self, end: usize) {
        if let Some(field) = self.field.take() {
            if end > self.value_start {
                self.hints.push_back(Hint {
                    start: self.value_start,
                    end,
                    field,
                });
            }
        }
    }

    /// Appends the hints overlapping stream offsets `[start, end)` to
    /// `out`, relative to `start` and clipped to the range. The value still
    /// open at the end of what was fed counts up to there.
    pub fn hints_in(&self, start: usize, end: usize, out: &mut Vec<Hint>) {
        let open_end = match self.state {
            State::Value { .. } => self.pos,
            State::Date { .. } => self.value_end,
            _ => 0,
        };
        let open = self
            .field
            .filter(|_| open_end > self.value_start)
            .map(|field| Hint {
                start: self.value_start,
                end: open_end,
                field,
            });
        super::clip_into(self.hints.iter().chain(open.iter()), start, end, out);
    }

    /// Forgets hints that end before stream offset `pos`.
    pub fn forget_before(&mut self, pos: usize) {
        while self.hints.front().is_some_and(|h| h.end <= pos) {
            self.hints.pop_front();
        }
    }
}

/// Byte classes, one bit each in [`CLASS`].
const KEY: u8 = 1;
/// Bytes after which a key may start: `a=1 b=2`, `?a=1&b=2`, `{a: 1, b: 2}`.
const BOUNDARY: u8 = 2;
/// Bytes that end an unquoted value.
const VALUE_END: u8 = 4;

static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
            t[i] |= KEY;
        }
        if matches!(
            b,
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b';' | b'&' | b'?' | b'{' | b'(' | b'[' | b'|'
        ) {
            t[i] |= BOUNDARY;
        }
        if matches!(
            b,
            b' ' | b'\t' | b'\r' | b'\n' | b'&' | b',' | b';' | b'}' | b']'
        ) {
            t[i] |= VALUE_END;
        }
        i += 1;
    }
    t
}

/// How many bytes of `bytes` come before the first in a class of `stop`.
fn run_until(bytes: &[u8], stop: u8) -> usize {
    bytes
        .iter()
        .position(|&b| CLASS[b as usize] & stop != 0)
        .unwrap_or(bytes.len())
}

/// How many bytes `bytes` starts with that are in a class of `class`.
fn run_while(bytes: &[u8], class: u8) -> usize {
    bytes
        .iter()
        .position(|&b| CLASS[b as usize] & class == 0)
        .unwrap_or(bytes.len())
}

fn is_key_byte(b: u8) -> bool {
    CLASS[b as usize] & KEY != 0
}

fn is_boundary(b: u8) -> bool {
    CLASS[b as usize] & BOUNDARY != 0
}

/// The fields a log's value is hinted as: where a key decides what digits
/// are (a record's number, a postcode, a phone without a word beside it)
/// and dates. Names, addresses, secrets and labelled identifiers are left
/// to their detectors' own reading of the key, which knows where a value
/// with spaces ends better than a log line does.
fn hinted(f: Field) -> bool {
    matches!(
        f,
        Field::Id
            | Field::Postcode
            | Field::Phone
            | Field::Ssn
            | Field::TaxId
            | Field::Card
            | Field::DateOfBirth
            | Field::Email
            | Field::Ip
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints_of(data: &[u8], step: usize) -> Vec<(String, Field)> {
        let mut h = KvHinter::new();
        for chunk in data.chunks(step) {
            h.feed(chunk);
        }
        let mut out = Vec::new();
        h.hints_in(0, data.len(), &mut out);
        out.iter()
            .map(|x| {
                (
                    String::from_utf8_lossy(&data[x.start..x.end]).into_owned(),
                    x.field,
                )
            })
            .collect()
    }

    #[test]
    fn keys_name_their_values_across_any_chunking() {
        let data = b"ts=2026-05-04T10:00:00Z name=\"Ann \\\"A\\\" Lee\" phone=4155550123 user_id=4155550124 x=1\n\
            GET /a?email=a@b.c&order_id=7 body={\"dob\":\"1987-03-14\", \"sku\": 9}\n\
            Name: Ann Lee\nzip: 94110\nnotaphone=1 mobile=(415) 555-0128\n\
            x dob=July 2, 1955 zip=91774 dob=10 September 1999\n";
        let want = vec![
            ("4155550123".to_string(), Field::Phone),
            ("4155550124".to_string(), Field::Id),
            ("a@b.c".to_string(), Field::Email),
            ("7".to_string(), Field::Id),
            ("1987-03-14".to_string(), Field::DateOfBirth),
            ("9".to_string(), Field::Id),
            ("94110".to_string(), Field::Postcode),
            ("(415)".to_string(), Field::Phone),
            ("July 2, 1955".to_string(), Field::DateOfBirth),
            ("91774".to_string(), Field::Postcode),
            ("10 September 1999".to_string(), Field::DateOfBirth),
        ];
        for step in [1, 2, 5, data.len()] {
            assert_eq!(hints_of(data, step), want, "step {step}");
        }
    }

    #[test]
    fn sniffs_logs_with_known_keys_only() {
        assert!(KvHinter::sniff(b"level=info phone=1\n").is_some());
        assert!(KvHinter::sniff(b"level=info msg=x\n").is_none());
        assert!(KvHinter::sniff(b"Dear Ann, call me.\n").is_none());
        assert!(KvHinter::sniff(b"phone=1").is_none());
    }
}
