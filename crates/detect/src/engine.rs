use crate::address::AddressDetector;
use crate::dob::DobDetector;
use crate::email::EmailDetector;
use crate::name::NameDetector;
use crate::numeric::NumericDetector;
use crate::{ipv6, Finding, Hints, Kind, KindSet};

/// All enabled detectors, compiled once and shared (immutably) by every
/// scanning thread. Detectors of disabled kinds are not built at all: the
/// name lexicon alone takes ~15 ms and tens of megabytes of fresh pages,
/// which a scan of a few files should not pay for kinds it does not report.
pub struct Engine {
    kinds: KindSet,
    email: Option<EmailDetector>,
    numeric: NumericDetector,
    name: Option<NameDetector>,
    address: Option<AddressDetector>,
    dob: Option<DobDetector>,
}

impl Engine {
    /// Compiles the detectors for `kinds`.
    pub fn new(kinds: KindSet) -> Engine {
        let on = |kind| kinds.contains(kind);
        Engine {
            kinds,
            email: on(Kind::Email).then(EmailDetector::new),
            numeric: NumericDetector::new(kinds),
            name: on(Kind::PersonName).then(NameDetector::new),
            address: on(Kind::StreetAddress).then(AddressDetector::new),
            dob: on(Kind::DateOfBirth).then(DobDetector::new),
        }
    }

    pub fn kinds(&self) -> KindSet {
        self.kinds
    }

    /// Whether any enabled detector reads structure [`Hints`]; when none
    /// does, following a file's structure is wasted work.
    pub fn uses_hints(&self) -> bool {
        self.name.is_some() || self.address.is_some() || self.dob.is_some()
    }

    /// Appends the findings in `hay` to `out`, sorted by start, with
    /// overlaps resolved (one finding per byte: the best-scoring, then the
    /// longest). Findings of every score are returned; filtering by score is
    /// the caller's policy.
    pub fn scan(&self, hay: &[u8], out: &mut Vec<Finding>) {
        self.scan_with_hints(hay, &Hints::NONE, out)
    }

    /// Like [`Engine::scan`], with structure hints for `hay` (offsets into
    /// `hay`), e.g. the CSV column each cell belongs to.
    pub fn scan_with_hints(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        let first = out.len();
        if let Some(email) = &self.email {
            email.find(hay, out);
        }
        if self.kinds.contains(Kind::IpAddress) {
            ipv6::find(hay, out);
        }
        self.numeric.find(hay, out);
        if let Some(name) = &self.name {
            name.find(hay, hints, out);
        }
        if let Some(address) = &self.address {
            address.find(hay, hints, out);
        }
        if let Some(dob) = &self.dob {
            dob.find(hay, hints, out);
        }
        resolve_overlaps(out, first);
    }
}

/// Sorts `out[first..]` by position and keeps, among overlapping findings,
/// the one with the highest score (ties: the longest, then the earliest).
fn resolve_overlaps(out: &mut Vec<Finding>, first: usize) {
    let tail = &mut out[first..];
    if tail.len() < 2 {
        return;
    }
    tail.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept = first;
    for i in first..out.len() {
        let f = out[i];
        if kept > first && f.start < out[kept - 1].end {
            let last = &mut out[kept - 1];
            let better = f.score > last.score || (f.score == last.score && f.len() > last.len());
            if better {
                *last = f;
            }
            continue;
        }
        out[kept] = f;
        kept += 1;
    }
    out.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(start: usize, end: usize, score: f32) -> Finding {
        Finding {
            start,
            end,
            kind: Kind::PhoneNumber,
            score,
            detector: "test",
        }
    }

    #[test]
    fn overlaps_keep_the_best_scoring_then_longest() {
        let mut v = vec![
            f(10, 20, 0.9),
            f(0, 5, 0.5),
            f(12, 30, 0.95),
            f(30, 31, 0.1),
        ];
        resolve_overlaps(&mut v, 0);
        assert_eq!(v, vec![f(0, 5, 0.5), f(12, 30, 0.95), f(30, 31, 0.1)]);
        let mut v = vec![f(0, 10, 0.9), f(0, 4, 0.9)];
        resolve_overlaps(&mut v, 0);
        assert_eq!(v, vec![f(0, 10, 0.9)]);
    }
}
