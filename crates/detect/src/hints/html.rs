//! HTML as structure: what attributes and labels say an element's text or
//! a control's value is, and which row, list item or item holds it.
//!
//! - Attributes: `itemprop` (schema.org), `autocomplete`, a control's
//!   `name`, `data-*` and `aria-label` values, `id`, `class` tokens and an
//!   input's `type` name the element's text (and its inline children's:
//!   a block inside it is its own) or a control's `value`/`content`/
//!   `datetime`, through the classifier every hinter shares
//!   ([`Field::classify`]). A `data-phone="…"` attribute names its own value.
//! - Labels: `<th>` cells of a header row name their columns' cells in the
//!   rows below; a `<label for>` names the control with that `id`; a
//!   `<dt>`, a `<label>`, a row's leading `<th>`/`<td>` or an inline
//!   element ending in `:` (`<b>Phone:</b>`) names the value right after.
//! - Records: a `<tr>`, a `<li>` (one in a row or another item belongs to
//!   it), an `<article>` and an `itemscope` item are one record each; a
//!   person's or address item given as a property (`itemprop="customer"
//!   itemscope`) belongs to the item holding it, as does any item inside a
//!   person.
//!
//! Only what comes before a value decides its hint, so a chunked scan
//! hints as a whole one does: a control's `value` is hinted by the
//! attributes before it in its tag (`<input value="…" name="dob">` is not).
//!
//! A byte-at-a-time tokenizer that skips text, attribute values, comments
//! and `<script>`/`<style>` bodies with `memchr`. Memory is bounded: at
//! most [`MAX_DEPTH`] open elements are followed (deeper ones are
//! counted), [`MAX_TABLES`] nested tables of [`MAX_COLUMNS`] columns, and
//! a few dozen bytes of each attribute value and label. Malformed input
//! (unclosed tags and quotes, stray end tags) only yields fewer hints; it
//! never turns itself off.

use std::collections::VecDeque;

use super::{Field, Hint};
use held::{is_credential, Held};
use names::ItemType;
use tokens::{State, Tag};

mod held;
mod names;
mod tokens;

/// Open elements followed; deeper ones are only counted.
pub const MAX_DEPTH: usize = 256;
/// Nested tables followed.
pub const MAX_TABLES: usize = 8;
/// Columns per table that may get a field.
pub const MAX_COLUMNS: usize = 256;
/// Bytes of an attribute value or a label's text kept.
const MAX_VALUE: usize = 64;
/// Bytes of an attribute name kept.
const MAX_ATTR: usize = 24;
/// Open elements searched for the one an end tag closes.
const SEARCH: usize = 64;
/// A label names a value that starts within this many bytes of its end.
const LABEL_REACH: usize = 256;
/// `<label for>` targets remembered.
const LABELS_FOR: usize = 8;
/// A tag name: its first 8 bytes, lower-cased, packed.
type Name = u64;

const fn name(s: &[u8]) -> Name {
    let mut v = 0u64;
    let mut i = 0;
    while i < s.len() && i < 8 {
        v |= (s[i] as u64) << (8 * i);
        i += 1;
    }
    v
}

const TR: Name = name(b"tr");
const TD: Name = name(b"td");
const TH: Name = name(b"th");
const TABLE: Name = name(b"table");
const THEAD: Name = name(b"thead");
const LI: Name = name(b"li");
const UL: Name = name(b"ul");
const OL: Name = name(b"ol");
const DL: Name = name(b"dl");
const DT: Name = name(b"dt");
const DD: Name = name(b"dd");
const LABEL: Name = name(b"label");
const ARTICLE: Name = name(b"article");
const SCRIPT: Name = name(b"script");
const STYLE: Name = name(b"style");
const INPUT: Name = name(b"input");
const META: Name = name(b"meta");

/// Elements that never have content.
const VOID: [Name; 14] = [
    name(b"area"),
    name(b"base"),
    name(b"br"),
    name(b"col"),
    name(b"embed"),
    name(b"hr"),
    name(b"img"),
    INPUT,
    name(b"link"),
    META,
    name(b"param"),
    name(b"source"),
    name(b"track"),
    name(b"wbr"),
];

/// Elements whose field their children's text shares.
const INLINE: [Name; 16] = [
    name(b"a"),
    name(b"abbr"),
    name(b"b"),
    name(b"bdi"),
    name(b"code"),
    name(b"em"),
    name(b"font"),
    name(b"i"),
    name(b"mark"),
    name(b"small"),
    name(b"span"),
    name(b"strong"),
    name(b"sub"),
    name(b"sup"),
    name(b"time"),
    name(b"u"),
];

/// `data-*` attributes whose value is a label (`data-label="Phone"`, what
/// responsive tables repeat on every cell); `data-v`, `data-value` hold
/// data.
const DATA_LABELS: [&[u8]; 9] = [
    b"label", b"title", b"field", b"column", b"col", b"th", b"header", b"name", b"key",
];

/// Elements whose `name` attribute is not a field's name.
const NAME_NOT_FIELD: [Name; 5] = [
    name(b"a"),
    name(b"form"),
    META,
    name(b"iframe"),
    name(b"map"),
];

/// What makes an element a record, and so what may join it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rec {
    /// A table row, a list item: a list inside belongs to it.
    Row,
    /// A person's item: every item inside belongs to it.
    Person,
    /// An article or another item: lists and rows inside are their own.
    Other,
}

/// What a label-like element's text, once complete, names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Labels {
    /// A header cell candidate at this column (span columns wide); a
    /// `<td>` of a table's first row (`td`) labels nothing after it.
    Th { col: usize, span: usize, td: bool },
    /// `<label for="…">`: the control with that id (its hash).
    For(u64),
    /// The value right after it (`<dt>`, `<label>`, a leading cell).
    Next,
    /// The value right after it if its text ends in `:`.
    Colon,
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    name: Name,
    /// The field its text (and its inline children's) holds.
    field: Option<Field>,
    /// Whose item it is in: what a bare `name` property names.
    item: Option<ItemType>,
    /// The record its bytes belong to, and its kind.
    record: Option<(u64, Rec)>,
    opens_record: bool,
    labels: Option<Labels>,
    opens_table: bool,
}

#[derive(Clone, Debug, Default)]
struct Table {
    columns: Vec<Option<Field>>,
    /// Fields of the header cells of the row being read.
    header: Vec<Option<Field>>,
    col: usize,
    row_has_td: bool,
    /// Rows started, and header cells of this row that named a field.
    rows: usize,
    header_known: usize,
    in_thead: bool,
}

/// Follows one HTML document. A clone carries the state on from where the
/// original stands.
#[derive(Clone, Debug)]
pub struct HtmlHinter {
    state: State,
    pos: usize,
    tag: Tag,
    stack: Vec<Frame>,
    /// Open elements past [`MAX_DEPTH`], not followed.
    overflow: usize,
    tables: Vec<Table>,
    /// Tables past [`MAX_TABLES`], not followed.
    tables_over: usize,
    /// A text run has started since the last tag (its first byte that is
    /// not a space was seen).
    run_started: bool,
    /// The hinted value being read: its start and field.
    open: Option<(usize, Field)>,
    /// The labelled credential whose hint waits for its end.
    held: Option<Held>,
    /// A label's field waiting for the value after it, until the offset.
    pending: Option<(Field, usize)>,
    labels_for: [(u64, Option<Field>); LABELS_FOR],
    labels_next: usize,
    /// The text of the label-like element at this stack index so far.
    label_at: Option<usize>,
    label: Vec<u8>,
    label_over: bool,
    hints: VecDeque<Hint>,
    records: VecDeque<(usize, usize, u64)>,
    open_record: Option<(usize, u64)>,
    next_record: u64,
}

impl Default for HtmlHinter {
    fn default() -> Self {
        HtmlHinter::new()
    }
}

impl HtmlHinter {
    /// A hinter for a file named `.html`/`.htm`/`.xhtml`, or whose head
    /// opens a document (`<!DOCTYPE html`, `<html`) or a bare table (what
    /// `DataFrame.to_html` writes).
    pub fn sniff(name: &str, head: &[u8]) -> Option<HtmlHinter> {
        let file = name.rsplit(['/', '!']).next().unwrap_or(name);
        let lower = file.to_ascii_lowercase();
        if [".html", ".htm", ".xhtml", ".shtml"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            return Some(HtmlHinter::new());
        }
        let head = head
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(head)
            .trim_ascii_start();
        let starts = |p: &[u8]| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p);
        let doc = starts(b"<!doctype html") || starts(b"<html") || starts(b"<table");
        // An XHTML declaration or a comment may come before `<html`.
        let later = (starts(b"<?xml") || starts(b"<!--")) && {
            let mut h = head[..head.len().min(1024)].to_vec();
            h.make_ascii_lowercase();
            memchr::memmem::find(&h, b"<html").is_some()
        };
        (doc || later).then(HtmlHinter::new)
    }

    pub fn new() -> HtmlHinter {
        HtmlHinter {
            state: State::Text,
            pos: 0,
            tag: Tag::default(),
            stack: Vec::new(),
            overflow: 0,
            tables: Vec::new(),
            tables_over: 0,
            run_started: false,
            open: None,
            held: None,
            pending: None,
            labels_for: [(0, None); LABELS_FOR],
            labels_next: 0,
            label_at: None,
            label: Vec::new(),
            label_over: false,
            hints: VecDeque::new(),
            records: VecDeque::new(),
            open_record: None,
            next_record: 0,
        }
    }

    /// Never: a document is followed to its end.
    pub fn is_off(&self) -> bool {
        false
    }

    /// A start tag ended at `at`: the element opens (unless it has no
    /// content), after those it ends implicitly.
    fn start_element(&mut self, at: usize) {
        let n = self.tag.name;
        match n {
            TD | TH => self.close_implied(&[TD, TH], &[TR, TABLE], at),
            TR => self.close_implied(&[TR], &[TABLE], at),
            LI => self.close_implied(&[LI], &[UL, OL, TABLE], at),
            DT | DD => self.close_implied(&[DT, DD], &[DL, TABLE], at),
            _ => {}
        }
        if matches!(n, TR | LI) || self.tag.itemscope {
            self.pending = None;
        }
        let parent = self.stack.last().copied();
        let mut field = self.tag.field.map(|(_, f)| f);
        // A bare `name` property: whose name depends on the item.
        if field.is_none() && self.tag.name_prop {
            field = match parent.and_then(|p| p.item) {
                Some(ItemType::Person) => Some(Field::FullName),
                Some(_) => None,
                None => Some(Field::Name),
            };
        }
        let mut labels = None;
        let span = self.tag.colspan;
        if let Some(t) = self.table_mut() {
            match n {
                TR => {
                    t.rows += 1;
                    t.col = 0;
                    t.row_has_td = false;
                    t.header.clear();
                    t.header_known = 0;
                }
                THEAD => t.in_thead = true,
                TD | TH => {
                    let col = t.col;
                    t.col = (t.col + span).min(MAX_COLUMNS);
                    if n == TD {
                        t.row_has_td = true;
                    }
                    let column = t.columns.get(col).copied().flatten();
                    // What a spreadsheet writes: a first row of `<td>`s
                    // naming the columns.
                    let first_row = n == TD && t.rows == 1 && t.columns.is_empty();
                    let header_cell = (n == TH && !t.row_has_td) || first_row;
                    if field.is_none() && !(n == TH && t.in_thead) {
                        field = column;
                    }
                    labels = if header_cell {
                        Some(Labels::Th {
                            col,
                            span,
                            td: n == TD,
                        })
                    } else if field.is_none() && t.columns.iter().all(Option::is_none) {
                        Some(Labels::Next)
                    } else {
                        None
                    };
                }
                _ => {}
            }
        }
        labels = labels.or(match n {
            LABEL => Some(self.tag.label_for.map_or(Labels::Next, Labels::For)),
            DT => Some(Labels::Next),
            _ if INLINE.contains(&n) && field.is_none() => Some(Labels::Colon),
            _ => None,
        });
        if VOID.contains(&n) || self.tag.self_closing {
            if field.is_some() {
                self.pending = None;
            }
            return;
        }
        // A value right after a label: what the label named. A cell of a
        // table without columns may be either.
        let receives = match labels {
            None | Some(Labels::Colon) => true,
            Some(Labels::Next | Labels::Th { td: true, .. }) => n == TD,
            Some(_) => false,
        };
        let mut holds = false;
        if field.is_none() && receives {
            field = self.pending_at(at);
            if field.is_some() {
                labels = None;
                holds = is_credential(field);
            }
        }
        if field.is_none() && INLINE.contains(&n) {
            field = parent.and_then(|p| p.field);
        }
        if field.is_some() {
            self.pending = None;
            // Text in a named field labels nothing.
            if labels == Some(Labels::Colon) {
                labels = None;
            }
        }
        if self.stack.len() >= MAX_DEPTH {
            self.overflow += 1;
            return;
        }
        let item = match self.tag.item_type {
            Some(t) if self.tag.itemscope => Some(t),
            _ if self.tag.itemscope => Some(match field {
                Some(Field::FullName | Field::GivenName | Field::FamilyName) => ItemType::Person,
                Some(Field::Address) => ItemType::Address,
                _ => ItemType::Thing,
            }),
            _ => parent.and_then(|p| p.item),
        };
        let (record, opens_record) = self.record_for(n, item, parent, at);
        let opens_table = n == TABLE;
        if opens_table {
            if self.tables.len() < MAX_TABLES {
                self.tables.push(Table::default());
            } else {
                self.tables_over += 1;
            }
        }
        // An inline element inside a label is part of its text.
        let collect = match labels {
            Some(Labels::Colon) => self.label_at.is_none(),
            Some(_) => true,
            None => false,
        };
        if collect {
            self.label_at = Some(self.stack.len());
            self.label.clear();
            self.label_over = false;
        }
        if let (true, Some(f)) = (holds, field) {
            self.hold(f, Some(self.stack.len()));
        }
        self.stack.push(Frame {
            name: n,
            field,
            item,
            record,
            opens_record,
            labels,
            opens_table,
        });
    }

    /// The record an element opening at `at` puts its bytes in, and whether
    /// it starts it.
    fn record_for(
        &mut self,
        n: Name,
        item: Option<ItemType>,
        parent: Option<Frame>,
        at: usize,
    ) -> (Option<(u64, Rec)>, bool) {
        let outer = parent.and_then(|p| p.record);
        let kind = match n {
            TR => Some(Rec::Row),
            LI if !matches!(outer, Some((_, Rec::Row | Rec::Person))) => Some(Rec::Row),
            ARTICLE => Some(Rec::Other),
            _ if self.tag.itemscope => {
                let part = matches!(outer, Some((_, Rec::Person)))
                    || (self.tag.itemprop
                        && outer.is_some()
                        && matches!(item, Some(ItemType::Person | ItemType::Address)));
                match item {
                    _ if part => None,
                    Some(ItemType::Person) => Some(Rec::Person),
                    _ => Some(Rec::Other),
                }
            }
            _ => None,
        };
        match kind {
            Some(k) => {
                let r = self.next_record;
                self.next_record += 1;
                self.switch_record(at, Some(r));
                (Some((r, k)), true)
            }
            None => (outer, false),
        }
    }

    fn table_mut(&mut self) -> Option<&mut Table> {
        if self.tables_over > 0 {
            return None;
        }
        self.tables.last_mut()
    }

    /// Before a `<td>`, `<tr>`, `<li>`, `<dt>`: ends an open one of
    /// `names` that no element of `stop` separates from the top.
    fn close_implied(&mut self, names: &[Name], stop: &[Name], at: usize) {
        if self.overflow > 0 {
            return;
        }
        let found = self
            .stack
            .iter()
            .rev()
            .take(SEARCH)
            .position(|f| names.contains(&f.name) || stop.contains(&f.name));
        if let Some(k) = found {
            let i = self.stack.len() - 1 - k;
            if names.contains(&self.stack[i].name) {
                self.pop_to(i, at);
            }
        }
    }

    /// An end tag: closes the innermost open element of its name (and
    /// those inside it); a stray one is ignored.
    fn close(&mut self, n: Name, at: usize) {
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        let found = self
            .stack
            .iter()
            .rev()
            .take(SEARCH)
            .position(|f| f.name == n);
        if let Some(k) = found {
            self.pop_to(self.stack.len() - 1 - k, at);
        }
    }

    /// Pops the elements from index `i` up.
    fn pop_to(&mut self, i: usize, at: usize) {
        while self.stack.len() > i {
            let Some(f) = self.stack.pop() else {
                return;
            };
            self.element_end(f, at);
        }
    }

    fn element_end(&mut self, f: Frame, at: usize) {
        let depth = self.stack.len();
        if self.held.is_some_and(|h| h.frame == Some(depth)) {
            self.release(at);
        }
        if self.label_at == Some(depth) {
            self.label_at = None;
            if let Some(l) = f.labels {
                self.label_done(l, at);
            }
        }
        match f.name {
            TR => {
                let t = self.table_mut();
                if let Some(t) = t {
                    // A row of header cells names the columns, as does a
                    // first row of cells two of which name a field.
                    let td_header = t.rows == 1 && t.header_known >= 2;
                    if (!t.row_has_td || td_header) && !t.header.is_empty() {
                        let header = std::mem::take(&mut t.header);
                        if t.columns.len() < header.len() {
                            t.columns.resize(header.len(), None);
                        }
                        for (c, h) in t.columns.iter_mut().zip(header) {
                            if h.is_some() {
                                *c = h;
                            }
                        }
                    }
                }
                self.pending = None;
            }
            THEAD => {
                if let Some(t) = self.table_mut() {
                    t.in_thead = false;
                }
            }
            DL => self.pending = None,
            _ => {}
        }
        if f.opens_table {
            if self.tables_over > 0 {
                self.tables_over -= 1;
            } else {
                self.tables.pop();
                self.pending = None;
            }
        }
        if f.opens_record {
            let resumed = self.stack.last().and_then(|p| p.record).map(|(r, _)| r);
            self.switch_record(at, resumed);
        }
    }

    /// A label-like element's text is complete.
    fn label_done(&mut self, l: Labels, at: usize) {
        if self.label_over {
            return;
        }
        let text = self.label.trim_ascii();
        let colon = text.ends_with(b":");
        let field = names::label(text);
        match l {
            Labels::Th { col, span, td } => {
                if let Some(t) = self.table_mut() {
                    t.header_known += usize::from(field.is_some());
                    let end = (col + span).min(MAX_COLUMNS);
                    if t.header.len() < end {
                        t.header.resize(end, None);
                    }
                    for h in t.header.iter_mut().take(end).skip(col) {
                        *h = field;
                    }
                }
                if td {
                    return;
                }
            }
            Labels::For(id) => {
                let field = field.map(|f| if f == Field::Name { Field::FullName } else { f });
                self.labels_for[self.labels_next % LABELS_FOR] = (id, field);
                self.labels_next += 1;
                return;
            }
            Labels::Colon if !colon => return,
            _ => {}
        }
        // A form's or a details list's `Name` labels a person's name (a
        // column's may be a product's).
        let field = match (l, field) {
            (Labels::Th { .. }, f) => f,
            (_, Some(Field::Name)) => Some(Field::FullName),
            (_, f) => f,
        };
        self.pending = field.map(|f| (f, at + LABEL_REACH));
    }

    /// The pending label's field, if a value starting at `at` is in its
    /// reach; taken.
    fn pending_at(&mut self, at: usize) -> Option<Field> {
        let p = self.pending.take()?;
        (at <= p.1).then_some(p.0)
    }

    /// Text bytes.
    fn text(&mut self, run: &[u8]) {
        if self.label_at.is_some() && !self.label_over {
            if self.label.len() + run.len() > MAX_VALUE {
                self.label_over = true;
            } else {
                self.label.extend_from_slice(run);
            }
        }
        if self.run_started {
            self.held_bytes(run);
            return;
        }
        let Some(k) = run.iter().position(|b| !b.is_ascii_whitespace()) else {
            return;
        };
        self.run_started = true;
        let at = self.pos + k;
        let top = self.stack.last().filter(|_| self.overflow == 0);
        let in_label = top.is_some_and(|f| f.labels.is_some() && f.field.is_none());
        let field = match top.and_then(|f| f.field) {
            Some(f) => Some(f),
            None if !in_label => {
                let f = self.pending_at(at);
                if is_credential(f) {
                    if let Some(f) = f {
                        self.hold(f, None);
                    }
                }
                f
            }
            None => None,
        };
        if let Some(f) = field {
            self.open = Some((at, f));
            if let Some(h) = self.held.as_mut().filter(|h| h.field == f) {
                // A second run of the held element: not one token.
                h.spoiled |= h.hint.is_some();
                h.reading = true;
                self.held_bytes(&run[k..]);
            }
        }
    }

    /// Ends the hinted value being read at `end`.
    fn close_open(&mut self, end: usize) {
        if let Some(h) = self.held.as_mut().filter(|h| h.reading) {
            h.reading = false;
            if let Some((start, _)) = self.open.take() {
                h.hint = Some(Hint {
                    start,
                    end,
                    field: h.field,
                });
            }
            if h.frame.is_none() {
                self.release(end);
            }
            return;
        }
        if let Some((start, field)) = self.open.take() {
            if end > start {
                self.hints.push_back(Hint { start, end, field });
            }
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
        let held = self.held.is_some_and(|h| h.reading);
        let open = self
            .open
            .filter(|&(s, _)| self.pos > s && !held)
            .map(|(s, field)| Hint {
                start: s,
                end: self.pos,
                field,
            });
        super::clip_into(self.hints.iter().chain(open.iter()), start, end, out);
    }

    /// The number of the record (a row, list item, article or item)
    /// holding stream offset `pos`, if any. Asked in stream order for
    /// offsets not yet forgotten; an open record counts up to what was fed.
    pub fn record_at(&self, pos: usize) -> Option<u64> {
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

#[cfg(test)]
mod tests;
