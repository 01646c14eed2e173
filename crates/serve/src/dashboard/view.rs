//! What the pages compute before rendering, kept free of HTTP and the
//! store so it can be tested alone: deadline countdowns and their urgency,
//! bar charts, field combinations and job counters.

use std::collections::BTreeMap;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// How close a deadline is: `overdue` once passed, `red` under 24 hours,
/// `amber` under 72 hours, `ok` otherwise. The CSS class of the badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    Red,
    Amber,
    Ok,
}

/// A deadline as the room shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Countdown {
    /// RFC 3339, for the `<time datetime>` attribute.
    pub at: String,
    /// `2026-11-23 09:00 UTC`.
    pub when: String,
    /// `in 2 d 4 h`, `in 5 h 12 min`, `overdue by 3 h 10 min`.
    pub left: String,
    pub urgency: Urgency,
    /// Whole seconds left (negative when overdue), for sorting and tests.
    pub seconds_left: i64,
}

fn span(d: Duration) -> String {
    let mins = d.whole_minutes().abs();
    let (days, hours, min) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {min} min")
    } else {
        format!("{min} min")
    }
}

/// The countdown to `deadline` seen at `now`.
pub fn countdown(deadline: OffsetDateTime, now: OffsetDateTime) -> Countdown {
    let left = deadline - now;
    let urgency = if left <= Duration::ZERO {
        Urgency::Overdue
    } else if left < Duration::hours(24) {
        Urgency::Red
    } else if left < Duration::hours(72) {
        Urgency::Amber
    } else {
        Urgency::Ok
    };
    let utc = deadline.to_offset(time::UtcOffset::UTC);
    Countdown {
        at: utc.format(&Rfc3339).unwrap_or_default(),
        when: format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute()
        ),
        left: if urgency == Urgency::Overdue {
            format!("overdue by {}", span(left))
        } else {
            format!("in {}", span(left))
        },
        urgency,
        seconds_left: left.whole_seconds(),
    }
}

/// The countdown to an RFC 3339 deadline; `None` when absent or unreadable.
pub fn countdown_str(deadline: Option<&str>, now: OffsetDateTime) -> Option<Countdown> {
    let at = OffsetDateTime::parse(deadline?, &Rfc3339).ok()?;
    Some(countdown(at, now))
}

/// One bar of a horizontal bar chart drawn as inline SVG.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    /// The label cut to fit the chart (the full one is in its table).
    pub short: String,
    pub count: u64,
    /// Bar length in SVG units (out of [`BAR_SPAN`]); at least 2 for a
    /// non-zero count so it stays visible.
    pub width: u64,
    /// Top of the row in SVG units.
    pub y: u64,
}

/// SVG units of the longest bar.
pub const BAR_SPAN: u64 = 400;
/// SVG units per row.
pub const ROW: u64 = 30;

/// A chart's bars, largest first (ties by label), and its height.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub bars: Vec<Bar>,
    pub height: u64,
    pub total: u64,
}

pub fn chart(counts: BTreeMap<String, u64>) -> Chart {
    let mut items: Vec<(String, u64)> = counts.into_iter().collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1);
    let total = items.iter().map(|i| i.1).sum();
    let bars: Vec<Bar> = items
        .into_iter()
        .zip(0u64..)
        .map(|((label, count), i)| Bar {
            width: if count == 0 {
                0
            } else {
                (count * BAR_SPAN / max).max(2)
            },
            short: shorten(&label, 28),
            label,
            count,
            y: i * ROW,
        })
        .collect();
    Chart {
        height: (bars.len() as u64).max(1) * ROW,
        bars,
        total,
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A customer's exposed fields as one label: `email + name`.
pub fn combination(fields: &[String]) -> String {
    let mut f: Vec<&str> = fields.iter().map(String::as_str).collect();
    f.sort_unstable();
    f.dedup();
    if f.is_empty() {
        "(none recorded)".into()
    } else {
        f.join(" + ")
    }
}

/// A job's progress counters as `(name, value)` pairs: numbers and
/// booleans only, so nothing else a job might record reaches a page.
pub fn counters(progress: &serde_json::Value) -> Vec<(String, String)> {
    progress
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| v.is_number() || v.is_boolean())
                .map(|(k, v)| (k.replace('_', " "), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn countdowns_turn_amber_under_72_hours_red_under_24_and_flag_overdue() {
        let now = datetime!(2026-11-20 09:00 UTC);
        let at = |h: i64| countdown(now + Duration::hours(h), now);
        assert_eq!(at(100).urgency, Urgency::Ok);
        assert_eq!(at(72).urgency, Urgency::Ok);
        assert_eq!(at(71).urgency, Urgency::Amber);
        assert_eq!(at(24).urgency, Urgency::Amber);
        assert_eq!(at(23).urgency, Urgency::Red);
        assert_eq!(at(0).urgency, Urgency::Overdue);
        assert_eq!(at(-5).urgency, Urgency::Overdue);
        assert_eq!(at(50).left, "in 2 d 2 h");
        assert_eq!(at(-5).left, "overdue by 5 h 0 min");
        assert_eq!(countdown(now + Duration::minutes(7), now).left, "in 7 min");
        assert_eq!(at(50).when, "2026-11-22 11:00 UTC");
        assert_eq!(at(50).seconds_left, 50 * 3600);
        assert_eq!(
            countdown_str(Some("2026-11-21T09:00:00+01:00"), now).map(|c| c.urgency),
            Some(Urgency::Red)
        );
        assert_eq!(countdown_str(Some("next week"), now), None);
    }

    #[test]
    fn charts_scale_to_the_largest_bar_and_keep_small_ones_visible() {
        let c = chart(BTreeMap::from([
            ("DE".to_string(), 3),
            ("US-CA".to_string(), 300),
            ("FR".to_string(), 1),
        ]));
        let got: Vec<(&str, u64, u64, u64)> = c
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.count, b.width, b.y))
            .collect();
        assert_eq!(
            got,
            [("US-CA", 300, 400, 0), ("DE", 3, 4, 30), ("FR", 1, 2, 60)]
        );
        assert_eq!((c.total, c.height), (304, 90));
        let long = chart(BTreeMap::from([("a".repeat(40), 1)]));
        assert_eq!(long.bars[0].short.chars().count(), 28);
        assert_eq!(chart(BTreeMap::new()).height, ROW);
    }

    #[test]
    fn field_sets_have_one_spelling_and_jobs_show_only_counters() {
        let f = |v: &[&str]| combination(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(f(&["name", "email", "name"]), "email + name");
        assert_eq!(f(&[]), "(none recorded)");
        let p = serde_json::json!({"files_done": 3, "path": "/x/y", "ok": true});
        assert_eq!(
            counters(&p),
            [
                ("files done".to_string(), "3".to_string()),
                ("ok".to_string(), "true".to_string())
            ]
        );
    }
}
