//! Parquet values as the text a person would recognise: dates and
//! timestamps in ISO 8601, decimals with their point, binary only when it
//! is UTF-8 text.

use std::fmt::Write;

use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as Physical};
use parquet::data_type::Int96;
use parquet::schema::types::ColumnDescriptor;

/// How one leaf column's values become text, decided once from its types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Plan {
    /// Integers, floats, booleans as Rust prints them.
    Plain,
    /// An integer column written as unsigned (`UINT_32`, `UINT_64`).
    Unsigned,
    /// Days since 1970-01-01 → `YYYY-MM-DD`.
    Date,
    /// Units since the epoch → `YYYY-MM-DDTHH:MM:SS[.f][Z]`.
    Timestamp { per_sec: i64, utc: bool },
    /// Units since midnight → `HH:MM:SS[.f]`.
    Time { per_sec: i64 },
    /// An unscaled integer with `scale` digits after the point.
    Decimal { scale: u32 },
    /// Byte arrays: kept when they are UTF-8, skipped when not.
    Text,
    /// A 16-byte UUID → its hyphenated hex form.
    Uuid,
    /// Nothing a person reads (intervals, half floats).
    Skip,
}

impl Plan {
    pub(super) fn for_column(col: &ColumnDescriptor) -> Plan {
        let physical = col.physical_type();
        if physical == Physical::INT96 {
            // Impala/Spark timestamps: nanoseconds of a Julian day.
            return Plan::Timestamp {
                per_sec: 1_000_000_000,
                utc: false,
            };
        }
        if let Some(logical) = col.logical_type_ref() {
            match logical {
                LogicalType::Date => return Plan::Date,
                LogicalType::Timestamp(t) => {
                    return Plan::Timestamp {
                        per_sec: per_sec(&t.unit),
                        utc: t.is_adjusted_to_u_t_c,
                    }
                }
                LogicalType::Time(t) => {
                    return Plan::Time {
                        per_sec: per_sec(&t.unit),
                    }
                }
                LogicalType::Decimal(d) => return decimal(d.scale),
                LogicalType::Integer(i) if !i.is_signed => return Plan::Unsigned,
                LogicalType::Uuid if col.type_length() == 16 => return Plan::Uuid,
                LogicalType::Float16 => return Plan::Skip,
                _ => {}
            }
        }
        match col.converted_type() {
            ConvertedType::DATE => Plan::Date,
            ConvertedType::TIMESTAMP_MILLIS => Plan::Timestamp {
                per_sec: 1_000,
                utc: true,
            },
            ConvertedType::TIMESTAMP_MICROS => Plan::Timestamp {
                per_sec: 1_000_000,
                utc: true,
            },
            ConvertedType::TIME_MILLIS => Plan::Time { per_sec: 1_000 },
            ConvertedType::TIME_MICROS => Plan::Time { per_sec: 1_000_000 },
            ConvertedType::DECIMAL => decimal(col.type_scale()),
            ConvertedType::UINT_8
            | ConvertedType::UINT_16
            | ConvertedType::UINT_32
            | ConvertedType::UINT_64 => Plan::Unsigned,
            ConvertedType::INTERVAL => Plan::Skip,
            _ => match physical {
                Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY => Plan::Text,
                _ => Plan::Plain,
            },
        }
    }

    pub(super) fn bool(self, v: bool, out: &mut String) {
        out.push_str(if v { "true" } else { "false" });
    }

    pub(super) fn int(self, v: i64, unsigned: u64, out: &mut String) {
        match self {
            Plan::Unsigned => push_display(out, unsigned),
            Plan::Date => date(v, out),
            Plan::Timestamp { per_sec, utc } => timestamp(v, per_sec, utc, out),
            Plan::Time { per_sec } => time_of_day(v, per_sec, out),
            Plan::Decimal { scale } => decimal_text(i128::from(v), scale, out),
            Plan::Skip => {}
            Plan::Plain | Plan::Text | Plan::Uuid => push_display(out, v),
        }
    }

    pub(super) fn float(self, v: f64, out: &mut String) {
        if self != Plan::Skip {
            push_display(out, v);
        }
    }

    pub(super) fn f32(self, v: f32, out: &mut String) {
        if self != Plan::Skip {
            push_display(out, v);
        }
    }

    pub(super) fn int96(self, v: &Int96, out: &mut String) {
        let d = v.data();
        if d.len() != 3 {
            return;
        }
        let nanos_of_day = (u64::from(d[1]) << 32) | u64::from(d[0]);
        // 2440588 is the Julian day of 1970-01-01.
        let days = i64::from(d[2]) - 2_440_588;
        let Some(nanos) = days
            .checked_mul(86_400_000_000_000)
            .and_then(|n| n.checked_add(nanos_of_day as i64))
        else {
            return;
        };
        timestamp(nanos, 1_000_000_000, false, out);
    }

    pub(super) fn bytes(self, v: &[u8], out: &mut String) {
        match self {
            Plan::Decimal { scale } => {
                if let Some(n) = be_i128(v) {
                    decimal_text(n, scale, out);
                }
            }
            Plan::Uuid if v.len() == 16 => {
                for (i, b) in v.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        out.push('-');
                    }
                    let _ = write!(out, "{b:02x}");
                }
            }
            Plan::Skip => {}
            _ => {
                if let Ok(s) = std::str::from_utf8(v) {
                    out.push_str(s);
                }
            }
        }
    }
}

fn per_sec(unit: &TimeUnit) -> i64 {
    match unit {
        TimeUnit::MILLIS => 1_000,
        TimeUnit::MICROS => 1_000_000,
        TimeUnit::NANOS => 1_000_000_000,
    }
}

fn decimal(scale: i32) -> Plan {
    match u32::try_from(scale) {
        Ok(scale) if scale <= 38 => Plan::Decimal { scale },
        _ => Plan::Plain,
    }
}

fn push_display(out: &mut String, v: impl std::fmt::Display) {
    let _ = write!(out, "{v}");
}

/// A big-endian two's complement integer of up to 16 bytes.
fn be_i128(v: &[u8]) -> Option<i128> {
    if v.is_empty() || v.len() > 16 {
        return None;
    }
    let fill = if v[0] & 0x80 != 0 { 0xff } else { 0 };
    let mut buf = [fill; 16];
    buf[16 - v.len()..].copy_from_slice(v);
    Some(i128::from_be_bytes(buf))
}

fn decimal_text(n: i128, scale: u32, out: &mut String) {
    if n < 0 {
        out.push('-');
    }
    let digits = n.unsigned_abs().to_string();
    let scale = scale as usize;
    if scale == 0 {
        out.push_str(&digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(&digits);
    }
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian;
/// Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn date(days: i64, out: &mut String) {
    let (y, m, d) = civil(days);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
}

fn timestamp(v: i64, per_sec: i64, utc: bool, out: &mut String) {
    let secs = v.div_euclid(per_sec);
    let frac = v.rem_euclid(per_sec);
    date(secs.div_euclid(86_400), out);
    out.push('T');
    clock(secs.rem_euclid(86_400), frac, per_sec, out);
    if utc {
        out.push('Z');
    }
}

fn time_of_day(v: i64, per_sec: i64, out: &mut String) {
    clock(v.div_euclid(per_sec), v.rem_euclid(per_sec), per_sec, out);
}

/// `HH:MM:SS`, then the fraction without its trailing zeros, if any.
fn clock(secs: i64, frac: i64, per_sec: i64, out: &mut String) {
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac != 0 {
        let width = per_sec.ilog10() as usize;
        let text = format!("{frac:0width$}");
        out.push('.');
        out.push_str(text.trim_end_matches('0'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut String)) -> String {
        let mut s = String::new();
        f(&mut s);
        s
    }

    #[test]
    fn dates_and_times_are_iso() {
        assert_eq!(text(|s| date(0, s)), "1970-01-01");
        assert_eq!(text(|s| date(19_783, s)), "2024-03-01");
        assert_eq!(text(|s| date(-1, s)), "1969-12-31");
        assert_eq!(
            text(|s| timestamp(1_709_301_600_250, 1_000, true, s)),
            "2024-03-01T14:00:00.25Z"
        );
        assert_eq!(
            text(|s| timestamp(-1, 1_000_000, false, s)),
            "1969-12-31T23:59:59.999999"
        );
        assert_eq!(text(|s| time_of_day(3_723_000, 1_000, s)), "01:02:03");
    }

    #[test]
    fn decimals_keep_their_point() {
        assert_eq!(text(|s| decimal_text(12_345, 2, s)), "123.45");
        assert_eq!(text(|s| decimal_text(-5, 3, s)), "-0.005");
        assert_eq!(text(|s| decimal_text(42, 0, s)), "42");
        assert_eq!(be_i128(&[0xff, 0x85]), Some(-123));
        assert_eq!(be_i128(&[0; 17]), None);
    }
}
