//! Which cells hold dates: a number in a cell is a date serial when the
//! cell's style (an index into the cell XFs of `xl/styles.bin`) has a date
//! or time number format. The rules are calamine's (`formats.rs`, MIT),
//! which the xlsx, xls and ods paths use, so a date reads the same in
//! every spreadsheet format; calamine keeps them private.

use std::collections::HashMap;
use std::io::BufRead;

use super::records::Records;
use crate::DocError;

const BRT_FMT: u16 = 0x002C;
const BRT_XF: u16 = 0x002F;
const BRT_BEGIN_CELL_XFS: u16 = 0x0269;
const BRT_END_CELL_XFS: u16 = 0x026A;

/// What a number format makes of a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NumFmt {
    Number,
    /// A date, time of day or both: the number is a serial.
    Date,
    /// `[h]:mm:ss` and the like: the number is a count of days.
    Duration,
}

/// The number format of every cell style, by style index.
#[derive(Default)]
pub(super) struct Styles {
    xfs: Vec<NumFmt>,
}

impl Styles {
    /// Reads the number formats and the cell XFs from `xl/styles.bin`.
    pub(super) fn read<R: BufRead>(recs: &mut Records<R>) -> Result<Styles, DocError> {
        let mut custom: HashMap<u16, NumFmt> = HashMap::new();
        let mut xfs = Vec::new();
        let mut in_cell_xfs = false;
        // Cell-style XFs come in a block of their own with the same record
        // type; only those between the cell-XF bounds index cells.
        while let Some(rec) = recs.next(|t| t == BRT_FMT || t == BRT_XF)? {
            match rec.typ {
                BRT_FMT => {
                    let id = rec.body.u16(0)?;
                    let (code, _) = rec.body.wide(2)?;
                    custom.insert(id, custom_format(&code.decode()));
                }
                BRT_BEGIN_CELL_XFS => in_cell_xfs = true,
                BRT_XF if in_cell_xfs => {
                    let id = rec.body.u16(2)?;
                    let kind = match builtin_format(id) {
                        NumFmt::Number => custom.get(&id).copied().unwrap_or(NumFmt::Number),
                        kind => kind,
                    };
                    xfs.push(kind);
                }
                BRT_END_CELL_XFS => break,
                _ => {}
            }
        }
        Ok(Styles { xfs })
    }

    /// The number format of style `index`; an index no XF has is a plain
    /// number, as Excel shows it.
    pub(super) fn kind(&self, index: u32) -> NumFmt {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.xfs.get(i))
            .copied()
            .unwrap_or(NumFmt::Number)
    }
}

/// Excel's built-in number formats (ECMA-376 18.8.30) that are dates,
/// times (the East Asian ones included) or durations.
fn builtin_format(id: u16) -> NumFmt {
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumFmt::Date,
        46 => NumFmt::Duration,
        _ => NumFmt::Number,
    }
}

/// A custom format code's first section: a date if it has a date or time
/// token outside quotes, escapes and brackets; a duration if it starts
/// with an elapsed-time bracket (`[h]`, `[mm]`).
fn custom_format(format: &str) -> NumFmt {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            // `\` escapes, `_` skips a width, `*` fills: the next
            // character is a literal either way.
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumFmt::Number,
            ('[', ..) => brackets = brackets.saturating_add(1),
            (']', .., 1) if hms => return NumFmt::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumFmt::Date,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumFmt::Date
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumFmt::Number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_and_duration_formats() {
        for date in [
            "yyyy-mm-dd",
            "DD/MM/YY",
            "m/d/yy",
            "H:MM:SS;@",
            "[$-409]d-mmm-yy",
        ] {
            assert_eq!(custom_format(date), NumFmt::Date, "{date}");
        }
        for dur in ["[h]:mm:ss", "[mm]:ss", "[hh]"] {
            assert_eq!(custom_format(dur), NumFmt::Duration, "{dur}");
        }
        for num in [
            "0",
            "#,##0.00",
            "0.00%",
            "\"day\" 0",
            "General",
            "@",
            "0;[Red]-0",
        ] {
            assert_eq!(custom_format(num), NumFmt::Number, "{num}");
        }
        assert_eq!(builtin_format(14), NumFmt::Date);
        assert_eq!(builtin_format(46), NumFmt::Duration);
        assert_eq!(builtin_format(0), NumFmt::Number);
        assert_eq!(builtin_format(49), NumFmt::Number);
    }
}
