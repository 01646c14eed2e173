//! JSON and NDJSON as structure: the innermost key names the field of the
//! value after it (`{"customer":{"phone":"4155550123"}}` is a phone, `"id":
//! 4155550123` a record's number), and an array takes the key it is the
//! value of (`"phones": ["…", "…"]`).
//!
//! The detectors read a key right before its value themselves; what they
//! cannot see is which object a value sits in and where a key's value
//! ends, so without this a log line's `"order_id"` after a `"phone"` key
//! reads as a second phone. Records follow objects: an object at the top
//! level (an NDJSON line) or an element of an array is one record, and a
//! record nested in another (an order's line items) is its own.
//!
//! Like the other hinters, a state machine fed the stream in order, chunk by
//! chunk; string content, numbers and whitespace are skipped as runs, not
//! stepped through, and what a key names is remembered ([`KeyMemo`]), since
//! a stream repeats its few keys in every object. Memory is bounded by
//! [`MAX_DEPTH`] frames and the hints and records not yet forgotten. It
//! never fails: nesting deeper than [`MAX_DEPTH`] turns it off (from there
//! on: what came before keeps its hints and records) with a
//! warning, and malformed input only yields fewer hints.

use std::collections::VecDeque;

use super::{Field, Hint};

/// Containers nested deeper than this turn the hinter off.
pub const MAX_DEPTH: usize = 256;
/// Keys longer than this name nothing we know.
const MAX_KEY: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

/// One open object or array.
#[derive(Clone, Copy, Debug)]
struct Frame {
    container: Container,
    /// What the key this container is the value of names (an array's
    /// elements are that field).
    field: Option<Field>,
    /// In an object: what the key whose value comes next names.
    key: Option<Field>,
    /// In an object: a key comes next (after `{` or `,`).
    want_key: bool,
    /// The record this container's bytes belong to, if any.
    record: Option<u64>,
    /// Whether this object opened that record.
    opens_record: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between tokens.
    Between,
    /// In a string (a key when `key`).
    Str { key: bool },
    /// Right after a backslash in a string.
    Escape { key: bool },
    /// In a number or a literal (`true`, `null`).
    Scalar,
}

/// Follows one JSON document or NDJSON stream. A clone carries the state
/// on from where the original stands.
#[derive(Clone, Debug)]
pub struct JsonHinter {
    stack: Vec<Frame>,
    state: State,
    key: Vec<u8>,
    /// The value being read and its field, if its key names one.
    open: Option<(usize, Field)>,
    pos: usize,
    hints: VecDeque<Hint>,
    /// Closed stretches `[start, end)` of records, with their numbers.
    records: VecDeque<(usize, usize, u64)>,
    /// The stretch being read: where it started and its record.
    open_record: Option<(usize, u64)>,
    next_record: u64,
    warning: Option<String>,
    off: bool,
    keys: KeyMemo,
}

impl Default for JsonHinter {
    fn default() -> Self {
        JsonHinter::new()
    }
}

impl JsonHinter {
    /// A hinter if `head` (the first bytes of a stream) opens a JSON object
    /// or array: `{"`, `[{`, `[]`, or `{`/`[` in a file named `.json`,
    /// `.ndjson` or `.jsonl`.
    pub fn sniff(name: &str, head: &[u8]) -> Option<JsonHinter> {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let mut rest = head.iter().copied().filter(|b| !b.is_ascii_whitespace());
        let first = rest.next()?;
        if !matches!(first, b'{' | b'[') {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        let named = [".json", ".ndjson", ".jsonl", ".geojson"]
            .iter()
            .any(|e| lower.ends_with(e));
        let shaped = matches!(
            (first, rest.next()),
            (b'{', Some(b'"' | b'}')) | (b'[', Some(b'{' | b'[' | b'"' | b']'))
        );
        (named || shaped).then(JsonHinter::new)
    }

    pub fn new() -> JsonHinter {
        JsonHinter {
            stack: Vec::new(),
            state: State::Between,
            key: Vec::new(),
            open: None,
            pos: 0,
            hints: VecDeque::new(),
            records: VecDeque::new(),
            open_record: None,
            next_record: 0,
            warning: None,
            off: false,
            keys: KeyMemo::default(),
        }
    }

    /// Whether the hinter turned itself off (the rest is plain text).
    pub fn is_off(&self) -> bool {
        self.off
    }

    /// Why the hinter turned itself off, if it did.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// Feeds the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() && !self.off {
            let rest = &bytes[i..];
            // The bytes `step` would pass over without a change but to the
            // key, skipped at once; `step` takes the one that ends them.
            let n = match self.state {
                State::Str { key } => {
                    let n = string_run(rest);
                    if key && self.key.len() < MAX_KEY {
                        let take = n.min(MAX_KEY - self.key.len());
                        self.key.extend_from_slice(&rest[..take]);
                    }
                    if rest.get(n) == Some(&b'"') {
                        // The closing quote, as `step` takes it.
                        self.pos += n;
                        self.state = State::Between;
                        if !key {
                            self.close_value(self.pos);
                        }
                        self.pos += 1;
                        i += n + 1;
                        continue;
                    }
                    n
                }
                State::Scalar => rest
                    .iter()
                    .position(|&b| !is_scalar_byte(b))
                    .unwrap_or(rest.len()),
                State::Between => rest
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .unwrap_or(rest.len()),
                State::Escape { .. } => 0,
            };
            i += n;
            self.pos += n;
            let Some(&b) = bytes.get(i) else {
                break;
            };
            self.step(b);
            self.pos += 1;
            i += 1;
        }
    }

    fn step(&mut self, b: u8) {
        let at = self.pos;
        match self.state {
            State::Str { key } => {
                if b == b'\\' {
                    self.state = State::Escape { key };
                    return;
                }
                // The closing quote.
                self.state = State::Between;
                if !key {
                    self.close_value(at);
                }
                return;
            }
            State::Escape { key } => {
                if key && self.key.len() < MAX_KEY {
                    self.key.push(b);
                }
                self.state = State::Str { key };
                return;
            }
            State::Scalar => {
                if is_scalar_byte(b) {
                    return;
                }
                self.close_value(at);
                self.state = State::Between;
            }
            State::Between => {}
        }
        match b {
            b'"' => {
                let key = self
                    .stack
                    .last()
                    .is_some_and(|f| f.container == Container::Object && f.want_key);
                if key {
                    self.key.clear();
                } else {
                    self.open_value(at + 1);
                }
                self.state = State::Str { key };
            }
            b':' => {
                let field = self.keys.classify(&self.key);
                if let Some(f) = self.stack.last_mut() {
                    if f.container == Container::Object {
                        f.key = field;
                        f.want_key = false;
                    }
                }
            }
            b',' => {
                if let Some(f) = self.stack.last_mut() {
                    if f.container == Container::Object {
                        f.key = None;
                        f.want_key = true;
                    }
                }
            }
            b'{' | b'[' => self.push(b, at),
            b'}' | b']' => self.pop(at),
            _ if b.is_ascii_whitespace() => {}
            _ => {
                self.open_value(at);
                self.state = State::Scalar;
            }
        }
    }

    /// The field of a value starting now: its key's, or for an array
    /// element the array's key's. A bare `name` in an object that a
    /// person's key holds (`"customer": {"name": …}`) is a full name.
    fn value_field(&self) -> Option<Field> {
        let top = self.stack.last()?;
        match top.container {
            Container::Array => top.field,
            Container::Object => match top.key {
                Some(Field::Name) if top.field == Some(Field::FullName) => Some(Field::FullName),
                k => k,
            },
        }
    }

    fn open_value(&mut self, start: usize) {
        self.open = self.value_field().map(|f| (start, f));
    }

    fn close_value(&mut self, end: usize) {
        if let Some((start, field)) = self.open.take() {
            if end > start {
                self.hints.push_back(Hint { start, end, field });
            }
        }
    }

    fn push(&mut self, b: u8, at: usize) {
        if self.stack.len() >= MAX_DEPTH {
            // Off from here on, not before: what was read before the
            // nesting keeps its hints and records, as a scan that asked
            // before the hinter was fed this far saw them.
            self.off = true;
            self.close_value(at);
            self.switch_record(at, None);
            self.warning = Some(format!(
                "JSON nested deeper than {MAX_DEPTH} levels at byte {at}; scanned as plain text"
            ));
            return;
        }
        let field = self.value_field();
        let parent = self.stack.last().copied();
        let container = if b == b'{' {
            Container::Object
        } else {
            Container::Array
        };
        let opens_record = container == Container::Object
            && parent.is_none_or(|p| p.container == Container::Array);
        let record = if opens_record {
            let n = self.next_record;
            self.next_record += 1;
            self.switch_record(at, Some(n));
            Some(n)
        } else {
            parent.and_then(|p| p.record)
        };
        self.stack.push(Frame {
            container,
            field,
            key: None,
            want_key: container == Container::Object,
            record,
            opens_record,
        });
    }

    fn pop(&mut self, at: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if frame.opens_record {
            let resumed = self.stack.last().and_then(|p| p.record);
            self.switch_record(at + 1, resumed);
        }
    }

    /// Ends the record stretch being read at `at` and starts one of
    /// `record` there, if any.
    fn switch_record(&mut self, at: usize, record: Option<u64>) {
        if let Some((start, n)) = self.open_record.take() {
            if at > start {
                self.records.push_back((start, at, n));
            }
        }
        self.open_record = record.map(|n| (at, n));
    }

    /// Appends the hints overlapping stream offsets `[start, end)` to
    /// `out`, relative to `start` and clipped to the range. The value still
    /// open at the end of what was fed counts up to there.
    pub fn hints_in(&self, start: usize, end: usize, out: &mut Vec<Hint>) {
        let open = self
            .open
            .filter(|&(s, _)| !self.off && self.pos > s)
            .map(|(s, field)| Hint {
                start: s,
                end: self.pos,
                field,
            });
        super::clip_into(self.hints.iter().chain(open.iter()), start, end, out);
    }

    /// The number of the record (an object at the top level or in an
    /// array) holding stream offset `pos`, if any. Asked in stream order
    /// for offsets not yet forgotten; an open record counts up to what was
    /// fed.
    pub fn record_at(&self, pos: usize) -> Option<u64> {
        // Off, the open stretch was closed where the nesting began, so
        // offsets after it are in no record.
        super::record_in(&self.records, self.open_record, pos)
    }

    /// Forgets hints and records that end before stream offset `pos`.
    pub fn forget_before(&mut self, pos: usize) {
        while self.hints.front().is_some_and(|h| h.end <= pos) {
            self.hints.pop_front();
        }
        while self.records.front().is_some_and(|&(_, end, _)| end <= pos) {
            self.records.pop_front();
        }
    }
}

/// A byte that goes on a number or a literal (`-1.5e+3`, `true`).
fn is_scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-')
}

/// How many bytes of string content come before the next quote or
/// backslash. Most keys and many values are a few bytes long, and a plain
/// loop finds their end in fewer instructions than `memchr2`'s setup.
fn string_run(bytes: &[u8]) -> usize {
    let head = bytes.len().min(16);
    match bytes[..head].iter().position(|&b| b == b'"' || b == b'\\') {
        Some(n) => n,
        None => memchr::memchr2(b'"', b'\\', &bytes[head..]).map_or(bytes.len(), |n| head + n),
    }
}

/// [`classify_key`] with a memory of the keys seen: a stream repeats its
/// few keys in every object or line, and classifying one compares it with
/// some 300 names (~350 instructions; the bench corpus's JSON has 58
/// distinct keys in 115,000). An open-addressing table that starts over
/// when three quarters full; keys that start with a digit (a log's
/// timestamps, new on every line) are classified without it. The answer
/// is always `classify_key`'s.
#[derive(Clone, Debug, Default)]
pub(super) struct KeyMemo {
    /// Empty until the first key, then [`MEMO_SLOTS`] long.
    slots: Vec<MemoSlot>,
    used: usize,
}

const MEMO_SLOTS: usize = 256;

#[derive(Clone, Copy, Debug)]
struct MemoSlot {
    /// 0: empty (keys are never empty).
    len: u8,
    key: [u8; MAX_KEY],
    field: Option<Field>,
}

const EMPTY_SLOT: MemoSlot = MemoSlot {
    len: 0,
    key: [0; MAX_KEY],
    field: None,
};

impl KeyMemo {
    pub(super) fn classify(&mut self, key: &[u8]) -> Option<Field> {
        if key.is_empty() || key.len() >= MAX_KEY {
            return None;
        }
        if key[0].is_ascii_digit() {
            return classify_key(key);
        }
        if self.slots.is_empty() || self.used >= MEMO_SLOTS / 4 * 3 {
            self.slots.clear();
            self.slots.resize(MEMO_SLOTS, EMPTY_SLOT);
            self.used = 0;
        }
        // FNV-1a.
        let hash = key.iter().fold(0x811c_9dc5_u32, |h, &b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        let mut i = hash as usize % MEMO_SLOTS;
        loop {
            let slot = &mut self.slots[i];
            if slot.len == 0 {
                let field = classify_key(key);
                slot.len = key.len() as u8;
                slot.key[..key.len()].copy_from_slice(key);
                slot.field = field;
                self.used += 1;
                return field;
            }
            if usize::from(slot.len) == key.len() && slot.key[..key.len()] == *key {
                return slot.field;
            }
            i = (i + 1) % MEMO_SLOTS;
        }
    }
}

/// A key's field: the whole key, its last dotted segment
/// (`customer.phone`), or its singular (`phones`, `emails`).
pub(super) fn classify_key(key: &[u8]) -> Option<Field> {
    if key.is_empty() || key.len() >= MAX_KEY {
        return None;
    }
    let last = key.rsplit(|&b| b == b'.').next().unwrap_or(key);
    Field::classify(key)
        .or_else(|| {
            (last.len() < key.len())
                .then(|| Field::classify(last))
                .flatten()
        })
        .or_else(|| {
            let single = last.strip_suffix(b"s")?;
            Field::classify(single).filter(|f| *f != Field::Address)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints_of(data: &[u8], step: usize) -> Vec<(String, Field)> {
        let mut h = JsonHinter::new();
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
    fn innermost_keys_name_values_across_any_chunking() {
        let data = br#"{"id": 4155550123, "customer": {"name": "Ann \"A\" Lee", "phone": "4155550199"},
 "phones": ["1", "2"], "note": "x", "order_id":"7", "a": {"b": [{"dob": "1987-03-14"}]}, "last_name":null}
"#;
        let want = vec![
            ("4155550123".to_string(), Field::Id),
            ("Ann \\\"A\\\" Lee".to_string(), Field::FullName),
            ("4155550199".to_string(), Field::Phone),
            ("1".to_string(), Field::Phone),
            ("2".to_string(), Field::Phone),
            ("7".to_string(), Field::Id),
            ("1987-03-14".to_string(), Field::DateOfBirth),
            ("null".to_string(), Field::FamilyName),
        ];
        for step in [1, 2, 3, 7, data.len()] {
            assert_eq!(hints_of(data, step), want, "step {step}");
        }
    }

    #[test]
    fn objects_at_the_top_or_in_arrays_are_records() {
        let data = br#"{"customers": [{"email": "a"}, {"email": "b", "items": [{"sku": 1}], "phone": "c"}], "by": "x"}"#;
        let mut h = JsonHinter::new();
        h.feed(data);
        let at = |s: &str| {
            let p = memchr::memmem::find(data, s.as_bytes()).expect("in data");
            h.record_at(p)
        };
        assert_eq!(at("customers"), Some(0));
        assert_eq!(at("\"a\""), Some(1));
        assert_eq!(at("\"b\""), Some(2));
        assert_eq!(at("sku"), Some(3));
        assert_eq!(at("\"c\""), Some(2));
        assert_eq!(at("\"x\""), Some(0));
    }

    #[test]
    fn sniffs_objects_and_arrays_not_prose() {
        assert!(JsonHinter::sniff("x", b"\xEF\xBB\xBF {\"a\":1}").is_some());
        assert!(JsonHinter::sniff("x", b"[\n  {\"a\":1}]").is_some());
        assert!(JsonHinter::sniff("x.json", b"[1,2]").is_some());
        assert!(JsonHinter::sniff("x", b"[1,2]").is_none());
        assert!(JsonHinter::sniff("x", b"{{template}}").is_none());
        assert!(JsonHinter::sniff("x", b"Dear Ann").is_none());
    }

    #[test]
    fn turning_off_keeps_what_came_before_the_nesting() {
        let mut data = br#"{"phone": "4155550123"} {"name": "Ann Lee", "x": "#.to_vec();
        let nest = data.len();
        data.extend_from_slice(&[b'['; MAX_DEPTH + 1]);
        data.extend_from_slice(br#"{"phone": "2125550100"}"#);
        let ann = memchr::memmem::find(&data, b"Ann").expect("in data");
        // Fed up to the nesting and past it, the same records and hints
        // before it.
        let mut before = JsonHinter::new();
        before.feed(&data[..nest]);
        let mut h = JsonHinter::new();
        h.feed(&data);
        assert!(h.is_off());
        for p in 0..nest {
            assert_eq!(h.record_at(p), before.record_at(p), "record at {p}");
        }
        assert_eq!(h.record_at(ann), Some(1));
        // Past the limit (the object is one level already), no record.
        assert_eq!(h.record_at(nest + MAX_DEPTH - 2), Some(1));
        assert_eq!(h.record_at(nest + MAX_DEPTH - 1), None);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        before.hints_in(0, nest, &mut a);
        h.hints_in(0, data.len(), &mut b);
        assert_eq!(a, b);
        assert_eq!(b.len(), 2, "the phone and the name: {b:?}");
    }

    #[test]
    fn deep_nesting_turns_hints_off_with_a_warning() {
        let mut h = JsonHinter::new();
        h.feed(&[b'['; MAX_DEPTH + 1]);
        assert!(h.is_off());
        assert!(h.warning().is_some_and(|w| w.contains("nested")));
    }
}
