//! Records: the unit of structure one person's data sits in.
//!
//! Scope attributes identifiers within a record only, so what a record is
//! decides who is affected. Today a record is:
//! - where the member's structure says so (a SQL dump's value tuple —
//!   every one of a multi-row `INSERT` — or `COPY` row; [`Hit::record`]
//!   from the dump's hinter): that tuple or row, whatever its lines;
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

#[cfg(doc)]
use bw_detect::Hit;
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
    /// The detector that found it (`password.bcrypt`): what a visitor
    /// reads a password's hashing from.
    pub detector: &'static str,
}

/// The kinds that say who a record is.
pub const IDENTIFIERS: [Kind; 3] = [Kind::Email, Kind::PersonName, Kind::PhoneNumber];
const NAME: usize = 1;

/// The slot of an identifier kind in [`IDENTIFIERS`].
pub fn identifier_slot(kind: Kind) -> Option<usize> {
    IDENTIFIERS.iter().position(|k| *k == kind)
}

/// Where a finding sits: its line, and the structure's record if it is in
/// one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) line: u64,
    /// [`Hit::record`]: a SQL value tuple or `COPY` row.
    pub(crate) record: Option<u64>,
}

impl Place {
    /// Whether two places are in the same record by structure: the same
    /// structure record, or (outside any) the same line.
    fn same_unit(self, other: Place) -> bool {
        match (self.record, other.record) {
            (None, None) => self.line == other.line,
            (a, b) => a == b,
        }
    }
}

/// Groups one member's findings, in stream order, into records.
#[derive(Default)]
pub(crate) struct Records {
    items: Vec<Item>,
    gap: u64,
    /// Lines are records (CSV rows, log and NDJSON lines).
    by_line: bool,
    /// Where the record in progress is.
    place: Place,
    last_end: u64,
    present: [bool; 3],
    /// A non-name finding came after the record's last name.
    name_closed: bool,
    /// Non-identifier findings not in a record yet, and where they are.
    loose: Vec<(Item, Place)>,
}

impl Records {
    /// Starts a member.
    pub(crate) fn start(&mut self, opts: RecordOptions, by_line: bool) {
        self.items.clear();
        self.loose.clear();
        self.gap = opts.gap;
        self.by_line = by_line;
        self.place = Place::default();
        self.last_end = 0;
        self.present = [false; 3];
        self.name_closed = false;
    }

    /// Adds a finding of `kind` (by `detector`) at raw `[start, end)` at
    /// `place`; calls `done` with a record that it completes.
    pub(crate) fn add(
        &mut self,
        (kind, detector): (Kind, &'static str),
        value: &[u8],
        (start, end): (u64, u64),
        place: Place,
        done: impl FnOnce(&mut Vec<Item>),
    ) {
        let Some(slot) = identifier_slot(kind) else {
            let item = Item {
                kind,
                value: String::new(),
                start,
                end,
                detector,
            };
            self.extra(place, item);
            return;
        };
        if self.starts_new(slot, place, start) {
            self.flush(done);
        }
        let item = Item {
            kind,
            value: text(value),
            start,
            end,
            detector,
        };
        self.push(slot, place, item);
    }

    /// Whether the structure or the lines decide the record (no gap).
    fn by_unit(&self, place: Place) -> bool {
        self.by_line || place.record.is_some() || self.place.record.is_some()
    }

    fn starts_new(&self, slot: usize, place: Place, start: u64) -> bool {
        if self.items.is_empty() {
            return false;
        }
        if self.items.len() >= MAX_RECORD_ITEMS {
            return true;
        }
        if self.by_unit(place) {
            return !place.same_unit(self.place);
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

    fn extra(&mut self, place: Place, item: Item) {
        let same = !self.items.is_empty()
            && place.same_unit(self.place)
            && (self.by_unit(place) || item.start <= self.last_end.saturating_add(self.gap));
        if same && self.items.len() < MAX_RECORD_ITEMS {
            self.items.push(item);
        } else {
            self.loose.retain(|(_, p)| p.same_unit(place));
            self.loose.push((item, place));
        }
    }

    fn push(&mut self, slot: usize, place: Place, item: Item) {
        if self.items.is_empty() {
            let by_unit = self.by_line || place.record.is_some();
            for (extra, p) in self.loose.drain(..) {
                if p.same_unit(place)
                    && (by_unit || extra.end.saturating_add(self.gap) >= item.start)
                {
                    self.items.push(extra);
                }
            }
        }
        self.place = place;
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
            let place = Place { line, record: None };
            r.add(
                (kind, ""),
                value.as_bytes(),
                (start, start + 5),
                place,
                &mut take,
            );
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

    #[test]
    fn structure_records_hold_one_tuple_each_whatever_the_lines() {
        let mut r = Records::default();
        r.start(RecordOptions::default(), false);
        let mut out: Vec<Vec<Kind>> = Vec::new();
        let mut take = |items: &mut Vec<Item>| out.push(items.iter().map(|i| i.kind).collect());
        // One line, three tuples: a guest's name and card, then a customer's
        // email alone, then two emails of one person; then a comment.
        let at = |record| Place {
            line: 1,
            record: Some(record),
        };
        for (kind, start, place) in [
            (Kind::PersonName, 0, at(0)),
            (Kind::PaymentCard, 10, at(0)),
            (Kind::Email, 30, at(1)),
            (Kind::Email, 60, at(2)),
            (Kind::Email, 80, at(2)),
            (
                Kind::DateOfBirth,
                100,
                Place {
                    line: 2,
                    record: None,
                },
            ),
            (
                Kind::Email,
                120,
                Place {
                    line: 2,
                    record: None,
                },
            ),
        ] {
            r.add((kind, ""), b"x", (start, start + 5), place, &mut take);
        }
        r.flush(&mut take);
        assert_eq!(
            out,
            [
                vec![Kind::PersonName, Kind::PaymentCard],
                vec![Kind::Email],
                vec![Kind::Email, Kind::Email],
                vec![Kind::DateOfBirth, Kind::Email],
            ]
        );
    }
}
