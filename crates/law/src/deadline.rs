//! Deadline arithmetic: calendar days, business days and hours from an
//! anchor, and the one way deadlines are printed in reasons.

use time::{Duration, OffsetDateTime, Weekday};

pub(crate) fn add_days(from: OffsetDateTime, days: u32, business: bool) -> OffsetDateTime {
    if !business {
        return from + Duration::days(i64::from(days));
    }
    let mut at = from;
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        if !matches!(at.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    at
}

pub(crate) fn deadline(
    from: OffsetDateTime,
    days: Option<u32>,
    hours: Option<u32>,
    business: bool,
) -> Option<OffsetDateTime> {
    match (hours, days) {
        (Some(h), _) => Some(from + Duration::hours(i64::from(h))),
        (None, Some(d)) => Some(add_days(from, d, business)),
        (None, None) => None,
    }
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}
