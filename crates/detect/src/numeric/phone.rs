//! Phone numbers: a cheap shape gate, then numbering-plan validation with
//! libphonenumber's metadata (see [`super::plan`]).
//!
//! Validation only runs on candidates whose grouping already looks like a
//! phone number written in one of the formats we support, and for national
//! numbers only against the few regions that write numbers in that shape.

use std::sync::OnceLock;

use super::{plan, Cand};

/// Region ids as in the metadata.
#[derive(Clone, Copy)]
enum Id {
    US,
    GB,
    DE,
    FR,
    ES,
    IT,
    NL,
    BR,
    IN,
    JP,
}

impl Id {
    fn as_str(self) -> &'static str {
        match self {
            Id::US => "US",
            Id::GB => "GB",
            Id::DE => "DE",
            Id::FR => "FR",
            Id::ES => "ES",
            Id::IT => "IT",
            Id::NL => "NL",
            Id::BR => "BR",
            Id::IN => "IN",
            Id::JP => "JP",
        }
    }
}

/// Regions tried, in order, for a national number starting with a trunk
/// prefix `0`, with the national lengths (trunk prefix included) each
/// plan allows, so most regions are excluded without parsing.
const TRUNK: &[(Id, u8, u8)] = &[
    (Id::GB, 10, 11),
    (Id::DE, 6, 14),
    (Id::FR, 10, 10),
    (Id::IT, 6, 11),
    (Id::NL, 10, 10),
    (Id::JP, 10, 11),
    (Id::IN, 11, 11),
];

/// Every supported region, for digits whose shape says nothing but whose
/// context says "phone".
const ALL: &[Id] = &[
    Id::US,
    Id::GB,
    Id::DE,
    Id::FR,
    Id::ES,
    Id::IT,
    Id::NL,
    Id::BR,
    Id::IN,
    Id::JP,
];

/// A validated phone number: its score and detector name.
pub(super) struct PhoneMatch {
    pub(super) score: f32,
    pub(super) detector: &'static str,
}

/// Why the numbering plan should be asked, and which regions.
enum Plan {
    International,
    /// National, in a layout typical of these regions; `strong` layouts
    /// (parentheses, trunk prefix with grouping, US 3-3-4) are rarely
    /// anything else, weak ones (`612 345 678`) often are.
    National {
        regions: Regions,
        strong: bool,
    },
}

enum Regions {
    List(&'static [Id]),
    Trunk { dash_first: bool },
}

/// Checks a candidate; `context` says whether a phone word precedes it and
/// is only evaluated when the answer matters.
pub(super) fn check(c: &Cand, context: impl FnOnce() -> bool) -> Option<PhoneMatch> {
    let d = c.digits();
    if !(7..=15).contains(&d.len()) || !layout_ok(c) || looks_like_date(c) {
        return None;
    }
    let mut buf = [0u8; 16];
    match layout_plan(c) {
        Some(Plan::International) => {
            let n = international_digits(c, &mut buf)?;
            if !plan::valid_international(&buf[..n]) {
                return None;
            }
            let score = if context() { 0.9 } else { 0.85 };
            Some(PhoneMatch {
                score,
                detector: "phone.e164",
            })
        }
        Some(Plan::National { regions, strong }) => {
            let text = d;
            let ok = match regions {
                Regions::List(list) => list.iter().any(|&r| valid(r, text)),
                Regions::Trunk { dash_first } => trunk_valid(text, dash_first),
            };
            if !ok {
                return None;
            }
            let score = match (strong, context()) {
                (true, true) => 0.9,
                (true, false) | (false, true) => 0.85,
                (false, false) => 0.6,
            };
            Some(PhoneMatch {
                score,
                detector: "phone.national",
            })
        }
        None => {
            // No known layout: only a phone word before it makes the digits
            // worth a numbering-plan lookup.
            if !context() {
                return None;
            }
            let text = d;
            ALL.iter().any(|&r| valid(r, text)).then_some(PhoneMatch {
                score: 0.85,
                detector: "phone.national",
            })
        }
    }
}

/// A number in a phone cell whose record names its country: an
/// international one as [`check`] judges it; a national one (in a layout
/// the shared rules allow) only if that country's plan accepts it. Another
/// country's plan is not asked: a number the record's own country does
/// not know is a typo or a placeholder there, not some other country's.
pub(super) fn check_in_region(c: &Cand, region: plan::National) -> Option<PhoneMatch> {
    let d = c.digits();
    if !(7..=15).contains(&d.len()) || !layout_ok(c) || looks_like_date(c) {
        return None;
    }
    if matches!(layout_plan(c), Some(Plan::International)) {
        return check(c, || true);
    }
    region.valid(d).then_some(PhoneMatch {
        score: 0.9,
        detector: "phone.national",
    })
}

fn valid(region: Id, digits: &[u8]) -> bool {
    // Resolved once: looking a region up by name per candidate showed up
    // in profiles.
    static PLANS: OnceLock<[Option<plan::National>; ALL.len()]> = OnceLock::new();
    let plans = PLANS.get_or_init(|| {
        let mut by_id = [None; ALL.len()];
        for &r in ALL {
            if let Some(slot) = by_id.get_mut(r as usize) {
                *slot = plan::National::of(r.as_str());
            }
        }
        by_id
    });
    plans
        .get(region as usize)
        .copied()
        .flatten()
        .is_some_and(|p| p.valid(digits))
}

fn trunk_valid(text: &[u8], dash_first: bool) -> bool {
    let n = text.len();
    let fits = |&&(_, lo, hi): &&(Id, u8, u8)| (usize::from(lo)..=usize::from(hi)).contains(&n);
    // Japanese numbers are the ones written with dashes after a trunk 0.
    if dash_first && n >= 10 && valid(Id::JP, text) {
        return true;
    }
    TRUNK.iter().filter(fits).any(|&(r, _, _)| valid(r, text))
}

/// The digits after `+` (or `00`) with a written-out trunk prefix `(0)`
/// dropped, as in `+44 (0)20 7946 0958`. Returns how many were written.
fn international_digits(c: &Cand, out: &mut [u8]) -> Option<usize> {
    let d = c.digits();
    let g = c.groups();
    let s = c.seps();
    let skip_from = if c.plus { 0 } else { 2 };
    // Index of a "(0)" digit to drop, if the second group is exactly that.
    let trunk = (g.len() >= 3 && g[1] == 1 && s[0] == b'(' && s[1] == b'(')
        .then(|| usize::from(g[0]))
        .filter(|&i| d.get(i) == Some(&b'0'));
    let mut n = 0;
    for (i, &b) in d.iter().enumerate().skip(skip_from) {
        if Some(i) == trunk {
            continue;
        }
        *out.get_mut(n)? = b;
        n += 1;
    }
    (8..=15).contains(&n).then_some(n)
}

/// Grouping rules shared by every supported format: separators are spaces,
/// dashes, parentheses, dots (only as the sole separator, as in
/// `415.555.0132`) or one slash after a trunk prefix (`030/12345678`);
/// one-digit groups only as a country code, a US `1` prefix or right after
/// the country code (`+33 1 …`).
fn layout_ok(c: &Cand) -> bool {
    let g = c.groups();
    let s = c.seps();
    if s.contains(&b'?') {
        return false;
    }
    let ones = g.iter().filter(|&&n| n == 1).count();
    let one_at = g.iter().position(|&n| n == 1);
    if ones > 1 || one_at.is_some_and(|i| i > usize::from(c.plus)) {
        return false;
    }
    if g.len() > 6 {
        return false;
    }
    let dots = s.iter().filter(|&&x| x == b'.').count();
    if dots > 0 {
        let tail = if c.plus { &s[1..] } else { s };
        if g.len() < 3 || tail.iter().any(|&x| x != b'.') {
            return false;
        }
        // With dots, a one-digit first group is only the US `1` prefix
        // (`1.415.555.0132`); `0.28.1754804480` and `0.12.2314` are
        // versions with their lone major number.
        if !c.plus && g[0] == 1 && c.digits()[0] != b'1' {
            return false;
        }
    }
    let slashes = s.iter().filter(|&&x| x == b'/').count();
    if slashes > 0 && (slashes > 1 || c.plus || s[0] != b'/' || c.digits()[0] != b'0') {
        return false;
    }
    true
}

/// Dates written with number separators (`2024-01-15`, `15.01.2024`,
/// `01/15/2024`): eight digits in a 4-2-2 or 2-2-4 layout with a year and
/// a month that exist.
fn looks_like_date(c: &Cand) -> bool {
    if c.plus || c.open_paren {
        return false;
    }
    let d = c.digits();
    let num = |r: std::ops::Range<usize>| {
        d[r].iter()
            .fold(0u32, |a, &x| a * 10 + u32::from(x.wrapping_sub(b'0')))
    };
    let year = |v: u32| (1900..=2099).contains(&v);
    let day = |v: u32| (1..=31).contains(&v);
    let month = |v: u32| (1..=12).contains(&v);
    match c.groups() {
        [4, 2, 2] => year(num(0..4)) && month(num(4..6)) && day(num(6..8)),
        [2, 2, 4] => {
            let (a, b) = (num(0..2), num(2..4));
            year(num(4..8)) && ((day(a) && month(b)) || (month(a) && day(b)))
        }
        _ => false,
    }
}

fn layout_plan(c: &Cand) -> Option<Plan> {
    let d = c.digits();
    let g = c.groups();
    let s = c.seps();
    if c.plus {
        return Some(Plan::International);
    }
    if d.starts_with(b"00") && g[0] >= 2 && g.len() >= 2 && d.len() >= 10 {
        return Some(Plan::International);
    }
    let first = d[0];
    let mobile_lead = (b'6'..=b'9').contains(&first);
    let list = |regions: &'static [Id], strong: bool| {
        Some(Plan::National {
            regions: Regions::List(regions),
            strong,
        })
    };
    let trunk = || {
        Some(Plan::National {
            regions: Regions::Trunk {
                dash_first: s.contains(&b'-'),
            },
            strong: true,
        })
    };
    if c.open_paren {
        return match (g[0], first) {
            (_, b'0') => trunk(),
            (3, _) => list(&[Id::US], true),
            (2, _) => list(&[Id::BR], true),
            _ => None,
        };
    }
    if s.contains(&b'/') {
        return list(&[Id::DE], true);
    }
    // `02110-1301`: a US ZIP+4 (New England, New Jersey and Puerto Rico
    // codes start with 0), not a trunk-prefixed number.
    if g == [5, 4] && s == [b'-'] {
        return None;
    }
    if first == b'0' && g.len() >= 2 {
        if code_point_list(d, g) {
            return None;
        }
        if g.len() == 5 && g.iter().all(|&n| n == 2) {
            return list(&[Id::FR], true);
        }
        return trunk();
    }
    match g {
        [1, 3, 3, 4] if first == b'1' => list(&[Id::US], true),
        [3, 3, 4] if first >= b'2' => list(&[Id::US, Id::IT], true),
        [3, 3, 3] | [3, 2, 2, 2] | [2, 3, 2, 2] if mobile_lead => list(&[Id::ES], false),
        [5, 5] if mobile_lead => list(&[Id::IN], false),
        [2, 5, 4] | [2, 4, 4] if first != b'0' => list(&[Id::BR], false),
        _ => None,
    }
}

/// `0418 0308`, `0391 0313 0300`: four-digit groups that all start with
/// `0` are zero-padded codes (Unicode code points in normalisation tables,
/// part numbers). A phone number's subscriber part never starts with the
/// trunk digit, so no numbering plan writes a number this way on purpose;
/// the permissive German plan merely admits some of them.
fn code_point_list(d: &[u8], g: &[u8]) -> bool {
    g.iter().all(|&n| n == 4) && d.iter().step_by(4).all(|&x| x == b'0')
}

/// An international number written without its `+` (a spreadsheet took
/// it for a number): 11 to 15 digits a country's plan accepts. Only a
/// phone column may ask: bare, such digits are as often anything else.
pub(super) fn bare_international(c: &Cand) -> Option<PhoneMatch> {
    let d = c.digits();
    let bare = !c.plus && !c.open_paren && c.ng == 1 && d.first() != Some(&b'0');
    (bare && (11..=15).contains(&d.len()) && plan::valid_international(d)).then_some(PhoneMatch {
        score: 0.85,
        detector: "phone.e164",
    })
}
