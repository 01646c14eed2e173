//! The tokenizer under [`super::HtmlHinter`]: tags, their attributes and
//! the text between them, with comments, declarations and `<script>`/
//! `<style>` bodies skipped. What an element means is the parent
//! module's; here an attribute's name and value are read (a bounded
//! prefix of each) and turned into what they say about the element.

use super::names::{self, ItemType, Rank};
use super::{
    HtmlHinter, Name, DATA_LABELS, INPUT, MAX_ATTR, MAX_VALUE, META, NAME_NOT_FIELD, SCRIPT, STYLE,
    TD, TH,
};
use crate::hints::Field;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    Text,
    /// After `<`.
    Open,
    TagName,
    BeforeAttr,
    AttrName,
    AfterAttrName,
    BeforeValue,
    /// In an attribute value; `quote` is 0 when unquoted.
    Value {
        quote: u8,
    },
    /// After `<!`: `n` dashes of a comment's `<!--` seen.
    Bang {
        n: u8,
    },
    /// In a comment; `dashes` end the bytes seen so far.
    Comment {
        dashes: usize,
    },
    /// `<!DOCTYPE …>`, `<?xml …?>`, a bogus tag: skipped to `>`.
    Decl,
    /// In a `<script>` or `<style>` body; `matched` bytes of its end tag
    /// (`</script`) seen.
    Raw {
        matched: u8,
    },
}

/// The start tag (or end tag) being read.
#[derive(Clone, Debug, Default)]
pub(super) struct Tag {
    pub(super) closing: bool,
    pub(super) name: Name,
    pub(super) name_len: usize,
    pub(super) self_closing: bool,
    pub(super) attr: Vec<u8>,
    pub(super) value: Vec<u8>,
    pub(super) value_start: usize,
    /// The best field its attributes named so far.
    pub(super) field: Option<(Rank, Field)>,
    pub(super) name_prop: bool,
    pub(super) itemprop: bool,
    pub(super) itemscope: bool,
    pub(super) item_type: Option<ItemType>,
    pub(super) id: Option<u64>,
    pub(super) label_for: Option<u64>,
    pub(super) colspan: usize,
}

impl HtmlHinter {
    /// Feeds the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            let run = match self.state {
                State::Text => memchr::memchr(b'<', rest).unwrap_or(rest.len()),
                State::Value { quote } if quote != 0 => {
                    memchr::memchr(quote, rest).unwrap_or(rest.len())
                }
                State::Comment { .. } | State::Decl => {
                    memchr::memchr(b'>', rest).unwrap_or(rest.len())
                }
                State::Raw { matched: 0 } => memchr::memchr(b'<', rest).unwrap_or(rest.len()),
                _ => 0,
            };
            if run > 0 {
                self.skip(&rest[..run]);
                self.pos += run;
                i += run;
                continue;
            }
            self.step(bytes[i]);
            self.pos += 1;
            i += 1;
        }
    }

    /// A run of bytes that change nothing but text, a value or a count.
    fn skip(&mut self, run: &[u8]) {
        match self.state {
            State::Text => self.text(run),
            State::Value { .. } => keep(&mut self.tag.value, run, MAX_VALUE),
            State::Comment { dashes } => {
                let tail = run.iter().rev().take_while(|&&b| b == b'-').count();
                let dashes = if tail == run.len() {
                    dashes + tail
                } else {
                    tail
                };
                self.state = State::Comment { dashes };
            }
            _ => {}
        }
    }

    fn step(&mut self, b: u8) {
        match self.state {
            State::Text => {
                // `<`: a text run (and its hint) ends here.
                self.close_open(self.pos);
                self.state = State::Open;
            }
            State::Open => self.open_byte(b),
            State::TagName => {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b':') {
                    if self.tag.name_len < 8 {
                        self.tag.name |=
                            u64::from(b.to_ascii_lowercase()) << (8 * self.tag.name_len);
                    }
                    self.tag.name_len += 1;
                } else {
                    self.state = State::BeforeAttr;
                    self.before_attr(b);
                }
            }
            State::BeforeAttr => self.before_attr(b),
            State::AttrName => match b {
                b'=' => self.state = State::BeforeValue,
                b'>' | b'/' => {
                    self.attr_done();
                    self.before_attr(b);
                }
                _ if b.is_ascii_whitespace() => self.state = State::AfterAttrName,
                _ => keep(&mut self.tag.attr, &[b.to_ascii_lowercase()], MAX_ATTR),
            },
            State::AfterAttrName => match b {
                b'=' => self.state = State::BeforeValue,
                _ if b.is_ascii_whitespace() => {}
                _ => {
                    self.attr_done();
                    self.before_attr(b);
                }
            },
            State::BeforeValue => match b {
                b'"' | b'\'' => self.value_start(self.pos + 1, b),
                b'>' => {
                    self.attr_done();
                    self.tag_done();
                }
                _ if b.is_ascii_whitespace() => {}
                _ => {
                    self.value_start(self.pos, 0);
                    keep(&mut self.tag.value, &[b], MAX_VALUE);
                }
            },
            State::Value { quote } => {
                if quote != 0 {
                    // The closing quote (the run stopped at it).
                    self.value_end(self.pos);
                    self.state = State::BeforeAttr;
                } else if b == b'>' || b.is_ascii_whitespace() {
                    self.value_end(self.pos);
                    self.state = State::BeforeAttr;
                    self.before_attr(b);
                } else {
                    keep(&mut self.tag.value, &[b], MAX_VALUE);
                }
            }
            State::Bang { n } => {
                if b == b'-' && n == 0 {
                    self.state = State::Bang { n: 1 };
                } else if b == b'-' {
                    self.state = State::Comment { dashes: 0 };
                } else if b == b'>' {
                    self.after_tag();
                } else {
                    self.state = State::Decl;
                }
            }
            State::Comment { dashes } => {
                // The run stopped at `>`: `-->` ends the comment.
                if dashes >= 2 {
                    self.after_tag();
                } else {
                    self.state = State::Comment { dashes: 0 };
                }
            }
            State::Decl => self.after_tag(),
            State::Raw { matched } => self.raw_byte(b, matched),
        }
    }

    /// The byte after `<`.
    fn open_byte(&mut self, b: u8) {
        let closing = b == b'/';
        if closing || b.is_ascii_alphabetic() {
            self.tag = Tag {
                closing,
                attr: std::mem::take(&mut self.tag.attr),
                value: std::mem::take(&mut self.tag.value),
                colspan: 1,
                ..Tag::default()
            };
            self.tag.attr.clear();
            self.tag.value.clear();
            self.state = State::TagName;
            if !closing {
                self.step(b);
            }
        } else if b == b'!' {
            self.state = State::Bang { n: 0 };
        } else if b == b'?' {
            self.state = State::Decl;
        } else {
            // `a < b`: text after all.
            self.state = State::Text;
            self.run_started = false;
            self.text(&[b]);
        }
    }

    fn before_attr(&mut self, b: u8) {
        match b {
            b'>' => self.tag_done(),
            b'/' => self.tag.self_closing = true,
            _ if b.is_ascii_whitespace() => {}
            _ => {
                self.tag.self_closing = false;
                self.tag.attr.clear();
                keep(&mut self.tag.attr, &[b.to_ascii_lowercase()], MAX_ATTR);
                self.state = State::AttrName;
            }
        }
    }

    /// A `<script>` or `<style>` body: only its end tag matters.
    fn raw_byte(&mut self, b: u8, matched: u8) {
        let end: &[u8] = if self.tag.name == SCRIPT {
            b"</script"
        } else {
            b"</style"
        };
        let m = usize::from(matched);
        if m == end.len() {
            if b == b'>' || b == b'/' || b.is_ascii_whitespace() {
                self.tag = Tag {
                    closing: true,
                    name: self.tag.name,
                    name_len: end.len() - 2,
                    ..Tag::default()
                };
                self.state = State::BeforeAttr;
                self.before_attr(b);
            } else {
                self.state = State::Raw { matched: 0 };
            }
        } else if b.to_ascii_lowercase() == end[m] {
            self.state = State::Raw {
                matched: matched + 1,
            };
        } else {
            self.state = State::Raw {
                matched: u8::from(b == b'<'),
            };
        }
    }

    fn value_start(&mut self, at: usize, quote: u8) {
        self.tag.value.clear();
        self.tag.value_start = at;
        self.state = State::Value { quote };
        if self.tag.closing {
            return;
        }
        // A value attribute, or `data-phone="…"`: hinted by what the tag
        // said before it.
        let attr = self.tag.attr.as_slice();
        let field = match attr {
            b"value" | b"content" | b"datetime" | b"data-v" | b"data-value" => {
                self.tag
                    .field
                    .map(|(_, f)| f)
                    .or_else(|| match self.tag.name {
                        INPUT | META => self.pending_at(at),
                        // A cell's own copy of its value (what SheetJS writes).
                        TD | TH => self
                            .tables
                            .last()
                            .filter(|_| self.tables_over == 0)
                            .and_then(|t| t.columns.get(t.col).copied().flatten()),
                        _ => None,
                    })
            }
            _ => attr.strip_prefix(b"data-").and_then(names::token),
        };
        if let Some(f) = field {
            self.open = Some((at, f));
        }
    }

    fn value_end(&mut self, at: usize) {
        self.close_open(at);
        self.attr_done();
    }

    /// The attribute just read, with its value (empty if it had none).
    fn attr_done(&mut self) {
        if self.tag.closing {
            return;
        }
        let mut attr = std::mem::take(&mut self.tag.attr);
        let mut value = std::mem::take(&mut self.tag.value);
        let v = value.as_slice();
        let t = &mut self.tag;
        let named = match attr.as_slice() {
            b"itemprop" => {
                t.itemprop = true;
                t.name_prop |= names::is_name_prop(v);
                Some((Rank::Itemprop, names::itemprop(v)))
            }
            b"itemscope" => {
                t.itemscope = true;
                None
            }
            b"itemtype" => {
                t.item_type = Some(names::item_type(v));
                None
            }
            b"autocomplete" => Some((Rank::Autocomplete, names::autocomplete(v))),
            b"name" if !NAME_NOT_FIELD.contains(&t.name) => {
                Some((Rank::Name, names::control_name(v)))
            }
            b"aria-label" => Some((Rank::Data, names::label(v))),
            b"class" => Some((Rank::Class, names::class(v))),
            b"type" if t.name == INPUT => Some((Rank::Type, names::input_type(v))),
            b"id" => {
                let h = hash(v);
                t.id = Some(h);
                let by_label = self
                    .labels_for
                    .iter()
                    .find(|(k, f)| *k == h && f.is_some())
                    .and_then(|(_, f)| *f);
                Some((Rank::Id, names::token(v).or(by_label)))
            }
            b"for" => {
                t.label_for = Some(hash(v));
                None
            }
            b"colspan" => {
                let n = v
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .fold(0usize, |n, &d| (n * 10 + usize::from(d - b'0')).min(64));
                t.colspan = n.max(1);
                None
            }
            a if DATA_LABELS
                .iter()
                .any(|d| a.strip_prefix(b"data-") == Some(*d)) =>
            {
                Some((Rank::Data, names::label(v)))
            }
            _ => None,
        };
        if let Some((rank, Some(f))) = named {
            let t = &mut self.tag;
            if t.field.is_none_or(|(r, _)| r < rank) {
                t.field = Some((rank, f));
            }
        }
        attr.clear();
        value.clear();
        self.tag.attr = attr;
        self.tag.value = value;
    }

    /// The `>` of a tag.
    fn tag_done(&mut self) {
        let at = self.pos + 1;
        if self.tag.closing {
            self.close(self.tag.name, at);
            self.after_tag();
        } else if self.tag.name_len == 0 {
            self.after_tag();
        } else {
            let raw = matches!(self.tag.name, SCRIPT | STYLE) && !self.tag.self_closing;
            self.start_element(at);
            self.after_tag();
            if raw {
                self.state = State::Raw { matched: 0 };
            }
        }
    }

    fn after_tag(&mut self) {
        self.state = State::Text;
        self.run_started = false;
    }
}

/// Appends `bytes` to an attribute name or value kept up to `cap` bytes;
/// past it, the rest is dropped.
fn keep(buf: &mut Vec<u8>, bytes: &[u8], cap: usize) {
    let room = cap.saturating_sub(buf.len());
    buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// FNV-1a of an id, case-sensitive as HTML ids are.
fn hash(v: &[u8]) -> u64 {
    v.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
