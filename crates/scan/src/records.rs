//! Records: the unit of structure one person's data sits in.
//!
//! Scope attributes identifiers within a record only, so what a record is
//! decides who is affected. Today a record is:
//! - in a member whose lines are records (sniffed as [`crate::sniff`]
//!   does: CSV, and logs and NDJSON, where each line is one event about
//!   one person): one line;
//! - elsewhere (HTML, JSON, logs, text): a run of findings in one member,
//!   each starting within [`RecordOptions::gap`] bytes of the previous
//!   one's end, cut when a second email or a second phone appears, or a
//!   name appears after another identifier that followed a name (the next
//!   person's), and at [`MAX_RECORD_ITEMS`] findings.
//!
//! Findings of the kinds that identify nobody (cards, dates of birth,
//! SSNs, IBANs, addresses, IPs) never start or cut a record: one joins the
//! record in progress when it is on that record's line (CSV) or on its
//! last identifier's line within the gap (elsewhere), and otherwise waits
//! for a record starting on its own line — one log line, one CSV row.
//!
//! A CSV field with an embedded newline therefore splits its row; a name
//! merged with a neighbour's record can only confirm a candidate that the
//! neighbour's email or phone also points to, so a grouping error costs
//! little.

use bw_detect::Kind;

/// A record never grows past this many findings: a long run of tightly
/// packed identifiers is a list, not one person.
pub const MAX_RECORD_ITEMS: usize = 64;

/// How records are cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordOptions {
    /// Bytes between findings beyond which a new record starts (non-CSV).
    pub gap: u64,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions { gap: 200 }
    }
}

/// One finding of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    /// The leaked text (the finding's bytes, lossily decoded); empty for
    /// kinds that identify nobody, whose value nobody needs.
    pub value: String,
    /// Byte offsets into the member's raw bytes.
    pub start: u64,
    pub end: u64,
}

/// The kinds that say who a record is.
pub const IDENTIFIERS: [Kind; 3] = [Kind::Email, Kind::PersonName, Kind::PhoneNumber];
const NAME: usize = 1;

/// The slot of an identifier kind in [`IDENTIFIERS`].
pub fn identifier_slot(kind: Kind) -> Option<usize> {
    IDENTIFIERS.iter().position(|k| *k == kind)
}

/// Groups one member's findings, in stream order, into records.
#[derive(Default)]
pub(crate) struct Records {
    items: Vec<Item>,
    gap: u64,
    /// Lines are records (CSV rows, log and NDJSON lines).
    by_line: bool,
    line: u64,
    last_end: u64,
    present: [bool; 3],
    /// A non-name finding came after the record's last name.
    name_closed: bool,
    /// Non-identifier findings not in a record yet: (item, line).
    loose: Vec<(Item, u64)>,
}

impl Records {
    /// Starts a member.
    pub(crate) fn start(&mut self, opts: RecordOptions, by_line: bool) {
        self.items.clear();
        self.loose.clear();
        self.gap = opts.gap;
        self.by_line = by_line;
        self.line = 0;
        self.last_end = 0;
        self.present = [false; 3];
        self.name_closed = false;
    }

    /// Adds a finding of `kind` at raw `[start, end)` on `line`; calls
    /// `done` with a record that it completes.
    pub(crate) fn add(
        &mut self,
        kind: Kind,
        value: &[u8],
        (start, end): (u64, u64),
        line: u64,
        done: impl FnOnce(&mut Vec<Item>),
    ) {
        let Some(slot) = identifier_slot(kind) else {
            let item = Item {
                kind,
                value: String::new(),
                start,
                end,
            };
            self.extra(line, item);
            return;
        };
        if self.starts_new(slot, line, start) {
            self.flush(done);
        }
        let item = Item {
            kind,
            value: text(value),
            start,
            end,
        };
        self.push(slot, line, item);
    }

    fn starts_new(&self, slot: usize, line: u64, start: u64) -> bool {
        if self.items.is_empty() {
            return false;
        }
        if self.items.len() >= MAX_RECORD_ITEMS {
            return true;
        }
        if self.by_line {
            return line != self.line;
        }
        if start > self.last_end.saturating_add(self.gap) {
            return true;
        }
        match slot {
            // Name parts (given, family) come in runs; a name after some
            // other identifier that followed a name is the next person.
            NAME => self.present[NAME] && self.name_closed,
            // A second email or phone is most often the next person's.
            s => self.present[s],
        }
    }

    fn extra(&mut self, line: u64, item: Item) {
        let same = !self.items.is_empty()
            && line == self.line
            && (self.by_line || item.start <= self.last_end.saturating_add(self.gap));
        if same && self.items.len() < MAX_RECORD_ITEMS {
            self.items.push(item);
        } else {
            self.loose.retain(|(_, l)| *l == line);
            self.loose.push((item, line));
        }
    }

    fn push(&mut self, slot: usize, line: u64, item: Item) {
        if self.items.is_empty() {
            for (extra, l) in self.loose.drain(..) {
                if l == line && (self.by_line || extra.end.saturating_add(self.gap) >= item.start) {
                    self.items.push(extra);
                }
            }
        }
        self.line = line;
        self.last_end = item.end;
        self.present[slot] = true;
        self.name_closed = self.present[NAME] && slot != NAME;
        self.items.push(item);
    }

    /// Ends the record in progress, if any.
    pub(crate) fn flush(&mut self, done: impl FnOnce(&mut Vec<Item>)) {
        if !self.items.is_empty() {
            done(&mut self.items);
        }
        self.items.clear();
        self.present = [false; 3];
        self.name_closed = false;
    }
}

/// A finding's bytes as text: nearly always valid UTF-8, which the check
/// confirms faster than the lossy conversion's scan.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(by_line: bool, findings: &[(Kind, &str, u64, u64)]) -> Vec<Vec<(Kind, String)>> {
        let mut r = Records::default();
        r.start(RecordOptions::default(), by_line);
        let mut out = Vec::new();
        let mut take = |items: &mut Vec<Item>| {
            out.push(items.iter().map(|i| (i.kind, i.value.clone())).collect());
        };
        for &(kind, value, start, line) in findings {
            r.add(kind, value.as_bytes(), (start, start + 5), line, &mut take);
        }
        r.flush(&mut take);
        out
    }

    #[test]
    fn a_second_email_starts_the_next_person() {
        let got = group(
            false,
            &[
                (Kind::PersonName, "Ann Lee", 0, 1),
                (Kind::Email, "ann@x.example", 10, 1),
                (Kind::Email, "bob@x.example", 30, 1),
            ],
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].len(), 2);
        assert_eq!(got[1][0].1, "bob@x.example");
    }

    #[test]
    fn csv_rows_are_records_and_loose_kinds_join_their_line() {
        let got = group(
            true,
            &[
                (Kind::DateOfBirth, "", 0, 2),
                (Kind::Email, "ann@x.example", 900, 2),
                (Kind::Email, "bob@x.example", 1000, 3),
            ],
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[0][0].0, Kind::DateOfBirth);
        assert_eq!(got[0][1].0, Kind::Email);
        assert_eq!(got[1].len(), 1);
    }

    #[test]
    fn a_far_finding_starts_a_new_record() {
        let got = group(
            false,
            &[
                (Kind::Email, "ann@x.example", 0, 1),
                (Kind::PhoneNumber, "+1 415 555 0100", 1000, 1),
            ],
        );
        assert_eq!(got.len(), 2);
    }
}
