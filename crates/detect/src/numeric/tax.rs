//! US taxpayer numbers other than SSNs (`tax_id`), inside the numeric
//! pass: ITINs and EINs. Both are nine digits, so they join the pass's
//! nine-digit candidates (the SSN's), cheapest checks first; nothing here
//! reads bytes the pass has not stopped at.
//!
//! - An **ITIN** is written like an SSN (`9XX-7X-XXXX`) but starts with
//!   9, which the SSA never issues, and its middle group is one the IRS
//!   assigns (50–65, 70–88, 90–92, 94–99). Dashed in the SSN layout it is
//!   admitted as it is (that layout names nothing else); undashed, only a
//!   tax word (`ITIN`, `TIN`, `taxpayer`), an SSN word (ITINs are written
//!   in SSN fields) or a tax-id or SSN column admits it.
//! - An **EIN** (`12-3456789`) has no check digit, only a list of
//!   prefixes the IRS assigns; in its layout it is admitted by an EIN word
//!   (`EIN`, `FEIN`, `employer identification`) or a tax-id column, and
//!   undashed only by the column (where an SSN-valid number is an SSN).

use super::{Cand, NumericDetector, Span, CONTEXT_WINDOW};
use crate::{Field, Finding, Kind};

/// A tax-id or SSN column, or a tax word before the number.
const ADMITTED: f32 = 0.95;
/// A cell of a tax-id column.
const FIELD: f32 = 0.9;
/// An ITIN in the SSN layout with nothing around it (as a dashed SSN
/// without context scores).
const LAYOUT: f32 = 0.7;

/// Whether nine digits are an ITIN: area 9xx, a group the IRS assigns.
pub(super) fn itin(d: &[u8]) -> bool {
    if d.len() != 9 || d[0] != b'9' || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let group = (d[3] - b'0') * 10 + (d[4] - b'0');
    matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// Whether an EIN's first two digits are a prefix the IRS assigns (the
/// campus and internet prefixes; 00, 07–09, 17–19, 28, 29, 49, 69, 70, 78,
/// 79, 89, 96 and 97 are not).
pub(super) fn ein_prefix(d: &[u8]) -> bool {
    let p = (d[0] - b'0') * 10 + (d[1] - b'0');
    !matches!(p, 0 | 7..=9 | 17..=19 | 28 | 29 | 49 | 69 | 70 | 78 | 79 | 89 | 96 | 97)
}

impl NumericDetector {
    /// An ITIN or EIN among the nine-digit candidates, or `None` to leave
    /// the digits to SSNs, cards and phones. `field` is the column the
    /// candidate fills, if any.
    pub(super) fn tax_id(
        &self,
        hay: &[u8],
        c: &Cand,
        span: &Span,
        field: Option<Field>,
    ) -> Option<Finding> {
        let words = self.tax_words.as_ref()?;
        if c.nd != 9 || c.plus || c.open_paren || span.left_adjacent || span.right_adjacent {
            return None;
        }
        let d = c.digits();
        let g = c.groups();
        let s = c.seps();
        let found = |score, detector| {
            Some(Finding {
                start: c.start,
                end: c.end,
                kind: Kind::TaxId,
                score,
                detector,
            })
        };
        let tax_column = field == Some(Field::TaxId);
        let dashed = g == [3, 2, 4] && (s == b"--" || s == b"  ");
        // An EIN may start with 9 too: only the SSN layout (or none) is an
        // ITIN's.
        if itin(d) && (dashed || g == [9]) {
            if tax_column || field == Some(Field::Ssn) {
                return found(FIELD, "tax_id.itin");
            }
            if field.is_some() {
                return None;
            }
            let in_record = |_, end| super::tokens::same_record(hay, end, c.start, c.end);
            if words
                .tax
                .before_where(hay, c.start, CONTEXT_WINDOW, in_record)
                || self.ssn_words_in_record(hay, c.start, c.end)
            {
                return found(ADMITTED, "tax_id.itin");
            }
            return (dashed && s == b"--")
                .then_some(())
                .and_then(|()| found(LAYOUT, "tax_id.itin"));
        }
        if !ein_prefix(d) {
            return None;
        }
        let ein_layout = g == [2, 7] && s == b"-";
        if ein_layout && tax_column {
            return found(FIELD, "tax_id.ein");
        }
        // `EIN` in capitals only: `ein` is German's article.
        let ein_word = |s: usize, e: usize| e - s != 3 || &hay[s..e] == b"EIN";
        if ein_layout
            && field.is_none()
            && words
                .ein
                .before_where(hay, c.start, CONTEXT_WINDOW, ein_word)
        {
            return found(ADMITTED, "tax_id.ein");
        }
        // Undashed in a tax-id column: an EIN unless it reads as an SSN,
        // which the SSN check (the column admits it) reports instead.
        if g == [9] && tax_column && super::ssn::classify(d.try_into().ok()?).is_none() {
            return found(FIELD, "tax_id.ein");
        }
        None
    }
}

/// The context words of the two schemes, built only when `tax_id` is
/// enabled.
pub(super) struct TaxWords {
    /// Any US taxpayer number: admits an ITIN.
    tax: crate::context::ContextWords,
    /// An employer's number: admits an EIN.
    ein: crate::context::ContextWords,
}

impl TaxWords {
    pub(super) fn new() -> TaxWords {
        let w = crate::context::ContextWords::whole_words;
        TaxWords {
            tax: w(super::words::TAX_WORDS),
            ein: w(super::words::EIN_WORDS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Hint, Hints, KindSet};

    fn scan(text: &str, hints: &[Hint]) -> Vec<(Kind, String, f32)> {
        let mut out = Vec::new();
        NumericDetector::new(KindSet::from_iter([
            Kind::TaxId,
            Kind::UsSsn,
            Kind::PhoneNumber,
        ]))
        .find_with_hints(text.as_bytes(), &Hints::new(hints), &mut out);
        out.iter()
            .map(|f| (f.kind, text[f.start..f.end].to_string(), f.score))
            .collect()
    }

    #[track_caller]
    fn tax(text: &str, value: &str, min: f32) {
        let got = scan(text, &[]);
        assert_eq!(got.len(), 1, "{text:?}: {got:?}");
        assert_eq!(
            (got[0].0, got[0].1.as_str()),
            (Kind::TaxId, value),
            "{text:?}"
        );
        assert!(got[0].2 >= min, "{text:?}: {got:?}");
    }

    #[track_caller]
    fn no_tax(text: &str) {
        let got = scan(text, &[]);
        assert!(got.iter().all(|f| f.0 != Kind::TaxId), "{text:?}: {got:?}");
    }

    #[test]
    fn itin_ranges() {
        for ok in [
            "900500000",
            "912701234",
            "999889999",
            "950901234",
            "955941234",
        ] {
            assert!(itin(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "812701234",
            "912491234",
            "912661234",
            "912891234",
            "912931234",
        ] {
            assert!(!itin(bad.as_bytes()), "{bad}");
        }
        assert!(ein_prefix(b"12"));
        for bad in ["00", "07", "19", "28", "49", "69", "79", "89", "97"] {
            assert!(!ein_prefix(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn itins_in_the_ssn_layout_or_after_a_word() {
        tax("applicant 912-78-3456 verified", "912-78-3456", 0.7);
        tax("ITIN: 912783456", "912783456", 0.95);
        tax("Taxpayer ID 912 78 3456", "912 78 3456", 0.95);
        // ITINs are written in SSN fields.
        tax("SSN: 955-90-1234", "955-90-1234", 0.95);
        // Undashed with no word: anything.
        no_tax("batch 912783456 rows 12");
        // Spaced groups need a word.
        no_tax("rows 912 78 3456");
        // A group the IRS does not assign, and a 9xx that is no ITIN.
        no_tax("ITIN: 912-49-3456");
        no_tax("applicant 912-93-3456");
    }

    #[test]
    fn eins_need_their_word_or_column() {
        tax("EIN: 12-3456789", "12-3456789", 0.95);
        // Its digits read as an ITIN's, its layout is an EIN's.
        tax("EIN: 95-4922417", "95-4922417", 0.95);
        tax(
            "Employer Identification Number 46-1234567",
            "46-1234567",
            0.95,
        );
        no_tax("ref 12-3456789");
        no_tax("EIN: 07-3456789");
        // `ein` inside a word, and the German article, are no EIN words.
        no_tax("protein 12-3456789");
        no_tax("ein 12-3456789");
        let text = "46-1234567";
        let cell = [Hint {
            start: 0,
            end: text.len(),
            field: Field::TaxId,
        }];
        assert_eq!(scan(text, &cell), [(Kind::TaxId, text.to_string(), FIELD)]);
    }

    #[test]
    fn a_tax_column_holds_itins_eins_and_ssns() {
        let cell = |text: &str| {
            [Hint {
                start: 0,
                end: text.len(),
                field: Field::TaxId,
            }]
        };
        let t = "912783456";
        assert_eq!(scan(t, &cell(t))[0].0, Kind::TaxId);
        // SSN-valid: the column admits it as an SSN.
        let t = "345678901";
        assert_eq!(scan(t, &cell(t))[0].0, Kind::UsSsn);
        // Not an SSN (area 666), an EIN prefix: an EIN.
        let t = "666123456";
        assert_eq!(scan(t, &cell(t))[0].0, Kind::TaxId);
        // Another column vetoes an ITIN without its layout's word.
        let t = "912783456";
        let phone = [Hint {
            start: 0,
            end: t.len(),
            field: Field::Id,
        }];
        assert!(scan(t, &phone).is_empty());
    }
}
