use std::cmp::Ordering;

use crate::address::AddressDetector;
use crate::dob::DobDetector;
use crate::email::EmailDetector;
use crate::label::LabelDetector;
use crate::name::NameDetector;
use crate::numeric::NumericDetector;
use crate::secret::SecretDetector;
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
    /// Passwords and card security codes.
    secret: Option<SecretDetector>,
    /// Usernames, bank accounts, licences, passports, medical fields.
    label: Option<LabelDetector>,
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
            secret: (on(Kind::Password) || on(Kind::CardSecurityCode))
                .then(|| SecretDetector::new(kinds)),
            label: LabelDetector::new(kinds),
        }
    }

    pub fn kinds(&self) -> KindSet {
        self.kinds
    }

    /// Whether any enabled detector reads structure [`Hints`]; when none
    /// does, following a file's structure is wasted work.
    pub fn uses_hints(&self) -> bool {
        self.name.is_some()
            || self.address.is_some()
            || self.dob.is_some()
            || self.secret.is_some()
            || self.label.is_some()
            || self.kinds.contains(Kind::GovernmentId)
            || self.kinds.contains(Kind::HealthInsurance)
            || self.kinds.contains(Kind::PhoneNumber)
            || self.kinds.contains(Kind::UsSsn)
            || self.kinds.contains(Kind::PaymentCard)
            || self.kinds.contains(Kind::TaxId)
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
        // Where each detector's findings end: every detector reports in
        // scan order, so each run is (nearly always) sorted already.
        let mut runs = Runs::default();
        if let Some(email) = &self.email {
            email.find(hay, out);
            runs.push(out.len());
        }
        if self.kinds.contains(Kind::IpAddress) {
            ipv6::find(hay, out);
            runs.push(out.len());
        }
        self.numeric.find_with_hints(hay, hints, out);
        runs.push(out.len());
        if let Some(name) = &self.name {
            name.find(hay, hints, out);
            runs.push(out.len());
        }
        if let Some(address) = &self.address {
            address.find(hay, hints, out);
            runs.push(out.len());
        }
        if let Some(dob) = &self.dob {
            dob.find(hay, hints, out);
            runs.push(out.len());
        }
        if let Some(secret) = &self.secret {
            secret.find(hay, hints, out);
            runs.push(out.len());
        }
        if let Some(label) = &self.label {
            label.find(hay, hints, out);
            runs.push(out.len());
        }
        sort_runs(out, first, runs.ends());
        resolve_overlaps(out, first);
    }
}

/// One run per detector: email, IPv6, numeric, names, addresses, dates of
/// birth, secrets, labels.
const MAX_RUNS: usize = 8;

/// The end of each detector's run of findings in the output.
#[derive(Default)]
struct Runs {
    ends: [usize; MAX_RUNS],
    len: usize,
}

impl Runs {
    /// Past the last slot, runs are joined into the last one (which is
    /// then sorted whole): correct, only slower.
    fn push(&mut self, end: usize) {
        let i = self.len.min(self.ends.len() - 1);
        self.ends[i] = end;
        self.len = i + 1;
    }

    fn ends(&self) -> &[usize] {
        &self.ends[..self.len]
    }
}

/// The order overlaps are resolved in: by start, the longest first.
fn by_position(a: &Finding, b: &Finding) -> Ordering {
    a.start.cmp(&b.start).then(b.end.cmp(&a.end))
}

/// Sorts `out[first..]` by [`by_position`], given that it is made of runs
/// ending at `ends`, each sorted or nearly. Sorting each run (when it is
/// not sorted) and merging them is linear where sorting the whole was
/// n log n: the sort was 8% of a dense structured scan's instructions.
/// Equal findings keep the order of their runs.
fn sort_runs(out: &mut Vec<Finding>, first: usize, ends: &[usize]) {
    let mut heads = [0usize; MAX_RUNS];
    let mut limits = [0usize; MAX_RUNS];
    if ends.len() > heads.len() {
        out[first..].sort_unstable_by(by_position);
        return;
    }
    let mut live = 0;
    let mut from = first;
    for &end in ends {
        let run = &mut out[from..end];
        if !run.is_sorted_by(|a, b| by_position(a, b) != Ordering::Greater) {
            run.sort_unstable_by(by_position);
        }
        if end > from {
            heads[live] = from - first;
            limits[live] = end - first;
            live += 1;
        }
        from = end;
    }
    if live < 2 {
        return;
    }
    // Merge from a copy made after the runs: `out` keeps its capacity
    // from chunk to chunk, so this allocates nothing after warm-up.
    let n = out.len() - first;
    out.extend_from_within(first..);
    let (dst, src) = out.split_at_mut(first + n);
    for slot in &mut dst[first..] {
        let mut best = 0;
        for r in 1..live {
            if by_position(&src[heads[r]], &src[heads[best]]) == Ordering::Less {
                best = r;
            }
        }
        *slot = src[heads[best]];
        heads[best] += 1;
        if heads[best] == limits[best] {
            // Keep the live runs in order, so that ties go to the earlier.
            heads.copy_within(best + 1..live, best);
            limits.copy_within(best + 1..live, best);
            live -= 1;
        }
    }
    out.truncate(first + n);
}

/// Keeps, among overlapping findings of `out[first..]` (sorted by
/// [`by_position`]), the one with the highest score (ties: the longest,
/// then the earliest).
fn resolve_overlaps(out: &mut Vec<Finding>, first: usize) {
    if out.len() - first < 2 {
        return;
    }
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

    fn sorted_and_resolved(mut v: Vec<Finding>) -> Vec<Finding> {
        let n = v.len();
        sort_runs(&mut v, 0, &[n]);
        resolve_overlaps(&mut v, 0);
        v
    }

    #[test]
    fn overlaps_keep_the_best_scoring_then_longest() {
        let v = vec![
            f(10, 20, 0.9),
            f(0, 5, 0.5),
            f(12, 30, 0.95),
            f(30, 31, 0.1),
        ];
        assert_eq!(
            sorted_and_resolved(v),
            vec![f(0, 5, 0.5), f(12, 30, 0.95), f(30, 31, 0.1)]
        );
        let v = vec![f(0, 10, 0.9), f(0, 4, 0.9)];
        assert_eq!(sorted_and_resolved(v), vec![f(0, 10, 0.9)]);
    }

    #[test]
    fn merged_runs_are_sorted_and_keep_everything() {
        // A fixed pseudo-random sequence: up to ten runs (more than the
        // eight merged) of every length, sorted or not, after a prefix that
        // must stay untouched.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m) as usize
        };
        for case in 0..2000 {
            let prefix = vec![f(7, 9, 0.5); next(3)];
            let mut v = prefix.clone();
            let mut ends = Vec::new();
            for _ in 0..=next(10) {
                let len = next(12);
                let mut run: Vec<Finding> = (0..len)
                    .map(|_| {
                        let start = next(40);
                        f(start, start + 1 + next(5), 0.5)
                    })
                    .collect();
                if case % 3 != 0 {
                    run.sort_by(by_position);
                }
                v.extend(run);
                ends.push(v.len());
            }
            let mut want = v[prefix.len()..].to_vec();
            want.sort_by(by_position);
            sort_runs(&mut v, prefix.len(), &ends);
            assert_eq!(&v[..prefix.len()], &prefix[..]);
            let got = &v[prefix.len()..];
            assert_eq!(got.len(), want.len());
            // Equal positions may come in either order; compare positions.
            let pos = |x: &[Finding]| x.iter().map(|g| (g.start, g.end)).collect::<Vec<_>>();
            assert_eq!(pos(got), pos(&want), "case {case}");
        }
    }
}
