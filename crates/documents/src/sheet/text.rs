//! A cell's value as the text a person typed or saw: what detectors must
//! match is `4155550123`, `1987-03-14`, `TRUE`, not `4155550123.0`,
//! `31850` or `4.155550123e9`.

use std::fmt::Write;

use calamine::{Data, DataRef, ExcelDateTime};

/// Appends the text of `value` to `out`; nothing for an empty or error
/// cell (an error is Excel's, not data someone typed).
pub(super) fn push(out: &mut String, value: &DataRef<'_>) {
    match value {
        DataRef::Empty | DataRef::Error(_) => {}
        DataRef::String(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Int(i) => push_display(out, i),
        DataRef::Float(f) => push_float(out, *f),
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) => push_excel_datetime(out, dt),
        DataRef::DateTimeIso(s) => push_iso_datetime(out, s),
        DataRef::DurationIso(s) => push_iso_duration(out, s),
    }
}

/// The same for the owned cells of the formats calamine reads whole.
pub(super) fn push_data(out: &mut String, value: &Data) {
    let value = match value {
        Data::Empty => DataRef::Empty,
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::String(s) => DataRef::SharedString(s),
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(dt) => DataRef::DateTime(*dt),
        // Both are short; the clone keeps one formatter for both APIs.
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
    };
    push(out, &value);
}

fn push_display(out: &mut String, v: impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{v}");
}

/// Rust's `Display` for `f64` is the shortest text that reads back as the
/// same number, never in exponent form, and without `.0` when integral:
/// exactly what a person typed into a cell that Excel stored as a double.
fn push_float(out: &mut String, f: f64) {
    if f == 0.0 {
        // Also -0.0, which nobody types.
        out.push('0');
    } else if f.is_finite() {
        push_display(out, f);
    }
}

fn push_excel_datetime(out: &mut String, dt: &ExcelDateTime) {
    let serial = dt.as_f64();
    if dt.is_duration() {
        // `[h]:mm:ss`, as Excel shows a duration: hours past 24 kept.
        let secs = (serial * 86_400.0).round();
        if !secs.is_finite() || secs.abs() > 1e15 {
            return;
        }
        let secs = secs as i64;
        let sign = if secs < 0 { "-" } else { "" };
        let secs = secs.unsigned_abs();
        push_display(
            out,
            format_args!(
                "{sign}{}:{:02}:{:02}",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            ),
        );
        return;
    }
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    let has_time = (h, mi, s) != (0, 0, 0);
    // A serial below one day under a date format is a time of day alone.
    if serial.abs() < 1.0 && has_time {
        push_display(out, format_args!("{h:02}:{mi:02}:{s:02}"));
        return;
    }
    push_display(out, format_args!("{y:04}-{mo:02}-{d:02}"));
    if has_time {
        push_display(out, format_args!(" {h:02}:{mi:02}:{s:02}"));
    }
}

/// OpenDocument keeps dates as ISO text (`1987-03-14`,
/// `2024-05-01T09:30:00.000`): same shape as the Excel dates above.
fn push_iso_datetime(out: &mut String, s: &str) {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, t),
        None => (s, ""),
    };
    out.push_str(date);
    // Fractions and zones are not what anyone reads off the cell.
    let time = time.split(['.', 'Z', '+']).next().unwrap_or_default();
    if !time.is_empty() && time != "00:00:00" && time != "00:00" {
        out.push(' ');
        out.push_str(time);
    }
}

/// OpenDocument time cells are ISO durations (`PT09H30M00S`); shown as
/// `09:30:00`. Anything else is kept as written.
fn push_iso_duration(out: &mut String, s: &str) {
    match parse_iso_duration(s) {
        Some((h, m, sec)) => push_display(out, format_args!("{h:02}:{m:02}:{sec:02}")),
        None => out.push_str(s),
    }
}

fn parse_iso_duration(s: &str) -> Option<(u64, u64, u64)> {
    let rest = s.strip_prefix("PT")?;
    let (mut h, mut m, mut sec) = (0u64, 0u64, 0u64);
    let mut num = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' => num.push(c),
            'H' | 'M' | 'S' => {
                // Seconds may carry a fraction; whole seconds are shown.
                let whole = num.split('.').next().unwrap_or_default();
                let v: u64 = whole.parse().ok()?;
                match c {
                    'H' => h = v,
                    'M' => m = v,
                    _ => sec = v,
                }
                num.clear();
            }
            _ => return None,
        }
    }
    num.is_empty().then_some((h, m, sec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn text(v: DataRef<'_>) -> String {
        let mut s = String::new();
        push(&mut s, &v);
        s
    }

    #[test]
    fn numbers_as_typed() {
        assert_eq!(text(DataRef::Float(4155550123.0)), "4155550123");
        assert_eq!(text(DataRef::Float(4.4207946095e11)), "442079460950");
        assert_eq!(text(DataRef::Float(1e21)), "1000000000000000000000");
        assert_eq!(text(DataRef::Float(0.1)), "0.1");
        assert_eq!(text(DataRef::Float(-12.5)), "-12.5");
        assert_eq!(text(DataRef::Float(-0.0)), "0");
        assert_eq!(text(DataRef::Float(f64::NAN)), "");
        assert_eq!(text(DataRef::Int(-7)), "-7");
        assert_eq!(text(DataRef::Bool(true)), "TRUE");
        assert_eq!(text(DataRef::Error(calamine::CellErrorType::Div0)), "");
    }

    #[test]
    fn excel_dates_times_and_durations() {
        let dt = |v, t| DataRef::DateTime(ExcelDateTime::new(v, t, false));
        assert_eq!(text(dt(31850.0, ExcelDateTimeType::DateTime)), "1987-03-14");
        assert_eq!(
            text(dt(45413.395833333336, ExcelDateTimeType::DateTime)),
            "2024-05-01 09:30:00"
        );
        assert_eq!(text(dt(0.5, ExcelDateTimeType::DateTime)), "12:00:00");
        assert_eq!(text(dt(1.5, ExcelDateTimeType::TimeDelta)), "36:00:00");
        let d1904 = DataRef::DateTime(ExcelDateTime::new(0.0, ExcelDateTimeType::DateTime, true));
        assert_eq!(text(d1904), "1904-01-01");
    }

    #[test]
    fn opendocument_dates_and_times() {
        let iso = |s: &str| text(DataRef::DateTimeIso(s.to_string()));
        assert_eq!(iso("1987-03-14"), "1987-03-14");
        assert_eq!(iso("1987-03-14T00:00:00"), "1987-03-14");
        assert_eq!(iso("2024-05-01T09:30:00.000"), "2024-05-01 09:30:00");
        let dur = |s: &str| text(DataRef::DurationIso(s.to_string()));
        assert_eq!(dur("PT09H30M00S"), "09:30:00");
        assert_eq!(dur("PT1H2M3.5S"), "01:02:03");
        assert_eq!(dur("P1DT2H"), "P1DT2H");
    }
}
