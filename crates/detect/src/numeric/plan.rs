//! Fast numbering-plan validation over libphonenumber's metadata.
//!
//! The `phonenumber` crate's own `parse` + `is_valid` cost tens of
//! microseconds per call and take a process-wide mutex (its regex cache) on
//! every pattern match, which would serialise scanning threads. Its
//! national-number patterns are plain regular expressions over digits, so
//! each is compiled (on first use) into an anchored dense DFA that any
//! thread walks without locking: one table lookup per digit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::OnceLock;

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::util::{primitives::StateID, start, syntax};
use regex_automata::Anchored;

use super::plan_data::{Desc, REGIONS};

/// Longest national number matched; longer input is never valid.
const MAX_NATIONAL: usize = 17;

/// A national number to match: its ASCII digits, or, for
/// [`Region::viable`], the first digits of numbers of length `len` whose
/// other digits may be anything.
#[derive(Clone, Copy)]
struct Input<'a> {
    digits: &'a [u8],
    len: usize,
}

impl Input<'_> {
    fn new(digits: &[u8]) -> Option<Input<'_>> {
        (digits.len() <= MAX_NATIONAL && digits.iter().all(u8::is_ascii_digit)).then_some(Input {
            digits,
            len: digits.len(),
        })
    }

    /// `len` positions: `prefix`, then any digits.
    fn wild(prefix: &[u8], len: usize) -> Input<'_> {
        Input {
            digits: prefix,
            len: len.min(MAX_NATIONAL),
        }
    }
}

/// A national-number pattern, compiled when first needed: a process that
/// meets numbers of a dozen regions builds a dozen regions' automata, not
/// all 1,400 (~50 ms, ~2 MB).
struct Pattern {
    /// Bit `n` for each possible length `n`; every bit when unrestricted.
    lengths: u32,
    source: &'static str,
    dfa: OnceLock<Option<Dfa>>,
}

/// An anchored DFA of a whole pattern.
struct Dfa {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
    /// Bit `d` for each digit a match can start with (all when it can be
    /// empty).
    first: u16,
}

impl Dfa {
    fn build(pattern: &str) -> Option<Dfa> {
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    // Minimising takes longer than the scans it would speed.
                    .minimize(false),
            )
            // The metadata lays its patterns out with whitespace.
            .syntax(
                syntax::Config::new()
                    .unicode(false)
                    .utf8(false)
                    .ignore_whitespace(true),
            )
            .build(&format!("^(?:{pattern})$"))
            .ok()?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .ok()?;
        let mut dfa = Dfa {
            dfa,
            start,
            first: 0,
        };
        dfa.first = if dfa.accepts(start) {
            u16::MAX
        } else {
            (0..10u8).fold(0, |m, d| {
                let next = dfa.dfa.next_state(start, b'0' + d);
                m | if dfa.dfa.is_dead_state(next) {
                    0
                } else {
                    1 << d
                }
            })
        };
        Some(dfa)
    }

    /// Whether a match can start with the input's first digit.
    fn may_start(&self, input: &Input) -> bool {
        input
            .digits
            .first()
            .is_none_or(|&b| self.first & (1 << (b - b'0')) != 0)
    }

    /// Whether the input may end in state `s`.
    fn accepts(&self, s: StateID) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(s))
    }

    fn full_match(&self, digits: &[u8]) -> bool {
        let mut s = self.start;
        for &b in digits {
            s = self.dfa.next_state(s, b);
            if self.dfa.is_dead_state(s) {
                return false;
            }
        }
        self.accepts(s)
    }

    /// Whether some number of `input.len` digits starting with
    /// `input.digits` matches: the states reachable over any digits, as a
    /// set (answered once per prefix and length, see [`Region::viable`]).
    fn some_match(&self, input: &Input) -> bool {
        let mut states = vec![self.start];
        let mut next = Vec::new();
        for i in 0..input.len {
            let digits: &[u8] = match input.digits.get(i) {
                Some(d) => std::slice::from_ref(d),
                None => b"0123456789",
            };
            next.clear();
            for &s in &states {
                for &b in digits {
                    let t = self.dfa.next_state(s, b);
                    if !self.dfa.is_dead_state(t) && !next.contains(&t) {
                        next.push(t);
                    }
                }
            }
            std::mem::swap(&mut states, &mut next);
        }
        states.iter().any(|&s| self.accepts(s))
    }
}

impl Pattern {
    fn from(desc: &Desc) -> Pattern {
        Pattern {
            lengths: length_mask(desc.lengths),
            source: desc.pattern,
            dfa: OnceLock::new(),
        }
    }

    /// The automaton; `None` for a pattern that does not compile, which
    /// then matches nothing (a test compiles them all).
    fn dfa(&self) -> Option<&Dfa> {
        self.dfa.get_or_init(|| Dfa::build(self.source)).as_ref()
    }

    fn matches(&self, input: &Input) -> bool {
        self.lengths & (1 << input.len) != 0
            && self.dfa().is_some_and(|d| {
                d.may_start(input)
                    && if input.digits.len() == input.len {
                        d.full_match(input.digits)
                    } else {
                        d.some_match(input)
                    }
            })
    }

    /// Lengths and first digit only (this builds the automaton, but walks
    /// nothing).
    fn may_match(&self, input: &Input) -> bool {
        self.lengths & (1 << input.len) != 0
            && (input.digits.is_empty() || self.dfa().is_some_and(|d| d.may_start(input)))
    }
}

/// The bit set of `lengths`, or every length when the list is empty
/// (unrestricted). Lengths past [`MAX_NATIONAL`] never match any input.
fn length_mask(lengths: &[u16]) -> u32 {
    if lengths.is_empty() {
        return u32::MAX;
    }
    lengths
        .iter()
        .filter(|&&n| usize::from(n) <= MAX_NATIONAL)
        .fold(0, |m, &n| m | 1 << n)
}

/// One region's plan: what a valid national number looks like.
struct Region {
    code: u16,
    national_prefix: Option<&'static str>,
    general: Pattern,
    /// Fixed line, mobile, toll free and the other assigned number types;
    /// a number is valid when it matches the general pattern and one type,
    /// as in libphonenumber's `isValidNumber`.
    types: Vec<Pattern>,
    /// By the first [`PREFIX`] digits: bit `n` when length `n` has been
    /// looked at, bit `32 + n` when some valid number of that length starts
    /// with them (see [`Region::viable`]). Filled on demand, by any thread.
    viable: OnceLock<Box<[AtomicU64]>>,
}

/// Digits of the prefixes [`Region::viable`] remembers.
const PREFIX: usize = 3;

impl Region {
    /// The lengths a valid number can have: the general pattern's, and one
    /// of a type's (the metadata often leaves the general list empty).
    fn lengths(&self) -> u32 {
        self.general.lengths & self.types.iter().fold(0, |m, t| m | t.lengths)
    }

    /// Whether some valid number of `input`'s length starts with its first
    /// [`PREFIX`] digits: true for every valid number. Answered once per
    /// prefix and length by walking the patterns over wildcards, then
    /// remembered. In +1, 25 regions share one plan and an area code
    /// belongs to one of them, so a number that is not valid where its
    /// code is mostly used would otherwise walk 24 more regions in full.
    fn viable(&self, input: &Input) -> bool {
        if input.len <= PREFIX {
            return true;
        }
        let table = self.viable.get_or_init(|| {
            (0..10usize.pow(PREFIX as u32))
                .map(|_| AtomicU64::new(0))
                .collect()
        });
        let Some(prefix) = input.digits.get(..PREFIX) else {
            return true;
        };
        let key = prefix
            .iter()
            .fold(0usize, |k, &d| k * 10 + usize::from(d - b'0'));
        let Some(entry) = table.get(key) else {
            return true;
        };
        let seen = 1u64 << input.len;
        let known = entry.load(AtomicOrdering::Relaxed);
        if known & seen != 0 {
            return known & (seen << 32) != 0;
        }
        let ok = self.valid_national(&Input::wild(prefix, input.len));
        // Threads racing here compute the same answer.
        entry.fetch_or(
            seen | if ok { seen << 32 } else { 0 },
            AtomicOrdering::Relaxed,
        );
        ok
    }

    fn valid_national(&self, input: &Input) -> bool {
        self.general.matches(input) && self.types.iter().any(|t| t.matches(input))
    }

    /// [`Region::valid_national`] without walking any pattern: lengths and
    /// first digits only (the first digits come from the automata, which
    /// are built on first use). True for every valid number, and for some
    /// others.
    fn possible_national(&self, input: &Input) -> bool {
        self.general.may_match(input) && self.types.iter().any(|t| t.may_match(input))
    }
}

/// Country calling codes are at most three digits.
const CODES: usize = 1000;

struct Plans {
    regions: Vec<Region>,
    by_id: HashMap<&'static str, usize>,
    /// Regions by country calling code.
    by_code: Vec<Vec<usize>>,
    /// By country calling code, the national lengths any of its regions
    /// allows, so that most invalid numbers are rejected before any
    /// pattern is walked.
    code_lengths: Vec<u32>,
}

impl Plans {
    /// Whether `national` is valid in any region of country code `code`.
    fn valid_in_code(&self, code: usize, national: &[u8]) -> bool {
        // The code's main region is tried as it is; the others only where
        // a valid number can start with the first digits.
        self.any_in_code(code, national, |k, region, input| {
            (k == 0 || region.viable(input)) && region.valid_national(input)
        })
    }

    /// Whether `test(k, region, input)` holds for the `k`th region of `code`.
    fn any_in_code(
        &self,
        code: usize,
        national: &[u8],
        test: impl Fn(usize, &Region, &Input) -> bool,
    ) -> bool {
        if national.len() > MAX_NATIONAL || self.code_lengths[code] & (1 << national.len()) == 0 {
            return false;
        }
        // One input for all the regions sharing the code (25 in +1).
        Input::new(national).is_some_and(|i| {
            self.by_code[code]
                .iter()
                .enumerate()
                .any(|(k, &r)| test(k, &self.regions[r], &i))
        })
    }
}

fn plans() -> &'static Plans {
    static PLANS: OnceLock<Plans> = OnceLock::new();
    PLANS.get_or_init(|| {
        let mut plans = Plans {
            regions: Vec::new(),
            by_id: HashMap::new(),
            by_code: vec![Vec::new(); CODES],
            code_lengths: vec![0; CODES],
        };
        // From a table generated from the `phonenumber` crate's metadata:
        // loading its own database compiles every pattern with the regex
        // crate, some 50 ms before the first phone number could be checked.
        for meta in REGIONS {
            let code = usize::from(meta.code);
            if code >= CODES {
                continue;
            }
            let general = Pattern::from(&meta.general);
            // A number is valid when one type matches, so a type repeated
            // (US, CA and four other +1 regions list the same pattern as fixed
            // line and as mobile) is dropped: a number failing the first
            // copy used to walk the whole pattern again.
            let types = meta
                .types
                .iter()
                .enumerate()
                .filter(|&(i, t)| {
                    !meta.types[..i]
                        .iter()
                        .any(|u| u.pattern == t.pattern && u.lengths == t.lengths)
                })
                .map(|(_, t)| Pattern::from(t))
                .collect();
            let idx = plans.regions.len();
            let region = Region {
                code: meta.code,
                national_prefix: meta.national_prefix,
                general,
                types,
                viable: OnceLock::new(),
            };
            plans.code_lengths[code] |= region.lengths();
            plans.regions.push(region);
            plans.by_id.entry(meta.id).or_insert(idx);
            // The code's main region is tried first: most numbers with the
            // code are its (+1 is the US in 25 regions that all accept ten
            // digits from 2 up, so the walk used to average a dozen).
            if MAIN_REGIONS.contains(&meta.id) {
                plans.by_code[code].insert(0, idx);
            } else {
                plans.by_code[code].push(idx);
            }
        }
        plans
    })
}

/// The main region of each country calling code shared by several
/// (libphonenumber's `mainCountryForCode`). Only the order regions are
/// tried in depends on this, never the answer.
const MAIN_REGIONS: &[&str] = &[
    "US", "RU", "GB", "NO", "AU", "MA", "RE", "SH", "FI", "GP", "CW", "IT",
];

/// Whether `digits` (country code first, no `+`) is a valid number.
pub(super) fn valid_international(digits: &[u8]) -> bool {
    international(digits, Plans::valid_in_code)
}

/// `in_code(plans, code, national)` for the country code `digits` start with.
fn international(digits: &[u8], in_code: impl Fn(&Plans, usize, &[u8]) -> bool) -> bool {
    let p = plans();
    let mut code = 0;
    for (cc_len, &d) in digits.iter().enumerate().take(3) {
        code = code * 10 + usize::from(d.wrapping_sub(b'0')).min(9);
        // Country codes are prefix-free: the first assigned one is it.
        if !p.by_code[code].is_empty() {
            return in_code(p, code, &digits[cc_len + 1..]);
        }
    }
    false
}

/// How numbers of one region are dialled: what a caller needs to turn a
/// nationally written number into its international form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialling {
    /// Country calling code (1 for US and CA, 44 for GB, …).
    pub calling_code: u16,
    /// Trunk prefix dropped in the international form ("0" in GB, FR, DE),
    /// when the region has one.
    pub national_prefix: Option<&'static str>,
}

/// The dialling facts of `region` (ISO 3166 alpha-2, upper case), from
/// the same libphonenumber metadata the phone detector validates with.
pub fn dialling(region: &str) -> Option<Dialling> {
    let p = plans();
    let &ix = p.by_id.get(region)?;
    let r = &p.regions[ix];
    Some(Dialling {
        calling_code: r.code,
        national_prefix: r.national_prefix,
    })
}

/// A cheap necessary condition for a valid E.164 number (digits only,
/// country code first, no `+`; validity as the phone detector and
/// libphonenumber's `is_valid` judge it): the number's
/// length and first digit suit its country code's general pattern and one
/// number type, without walking any pattern (the code's automata are
/// built on first use, ~40 µs a pattern). For callers that only need
/// to rule out most impossible numbers before a costlier exact test.
pub fn is_possible_e164_digits(digits: &[u8]) -> bool {
    international(digits, |p, code, national| {
        p.any_in_code(code, national, |_, region, input| {
            region.possible_national(input)
        })
    })
}

/// A region dialled nationally, resolved once so that callers validating
/// many numbers skip the lookup by name.
#[derive(Clone, Copy)]
pub(super) struct National {
    region: usize,
}

impl National {
    pub(super) fn of(region: &str) -> Option<National> {
        plans().by_id.get(region).map(|&region| National { region })
    }

    /// Whether `digits`, dialled nationally in this region (trunk prefix
    /// included, as written), is a valid number there.
    pub(super) fn valid(self, digits: &[u8]) -> bool {
        let p = plans();
        let plan = &p.regions[self.region];
        let national = match plan.national_prefix {
            Some(np) if digits.starts_with(np.as_bytes()) => &digits[np.len()..],
            _ => digits,
        };
        // Regions sharing a country code share a numbering plan (US and CA
        // in +1): a Canadian area code dialled "from the US" is valid too.
        p.valid_in_code(usize::from(plan.code), national)
    }
}

/// Whether `digits`, dialled nationally in `region` (trunk prefix
/// included, as written), is a valid number there.
#[cfg(test)]
pub(super) fn valid_national(region: &str, digits: &[u8]) -> bool {
    National::of(region).is_some_and(|n| n.valid(digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::country::Id;
    use phonenumber::metadata::{Descriptor, DATABASE};

    /// The descriptors a region's numbers are validated against, in the
    /// order of the generated table.
    fn descriptors(meta: &phonenumber::Metadata) -> (&Descriptor, Vec<&Descriptor>) {
        let d = meta.descriptors();
        let types = [
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        .collect();
        (d.general(), types)
    }

    /// Patterns are stored without the metadata's layout whitespace, which
    /// the DFA builder ignores anyway.
    fn squeeze(pattern: &str) -> String {
        pattern
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect()
    }

    fn desc_source(d: &Descriptor) -> String {
        format!(
            "Desc {{ lengths: &{:?}, pattern: {:?} }}",
            d.possible_length(),
            squeeze(d.national_number().as_str())
        )
    }

    /// The generated table, as source.
    fn plan_data_source() -> String {
        let mut src = String::from(
            "//! Numbering-plan metadata for [`super::plan`], generated from the\n\
             //! `phonenumber` crate's copy of libphonenumber's metadata by\n\
             //! `cargo test -p bw-detect regenerate_plan_data -- --ignored`; the\n\
             //! test `plan_data_matches_the_metadata` fails when they differ.\n\
             //! The metadata is libphonenumber's (Google, Apache License 2.0).\n\
             \n\
             /// A region's national-number patterns.\n\
             pub(super) struct RegionData {\n    \
                 pub(super) id: &'static str,\n    \
                 pub(super) code: u16,\n    \
                 pub(super) national_prefix: Option<&'static str>,\n    \
                 pub(super) general: Desc,\n    \
                 /// Fixed line, mobile, toll free, premium rate, shared cost,\n    \
                 /// personal, VoIP, pager, UAN and voicemail, where present.\n    \
                 pub(super) types: &'static [Desc],\n\
             }\n\
             \n\
             pub(super) struct Desc {\n    \
                 pub(super) lengths: &'static [u16],\n    \
                 pub(super) pattern: &'static str,\n\
             }\n\
             \n\
             pub(super) static REGIONS: &[RegionData] = &[\n",
        );
        for meta in DATABASE.iter() {
            let (general, types) = descriptors(meta);
            src.push_str(&format!(
                "    RegionData {{\n        id: {:?},\n        code: {},\n        \
                 national_prefix: {:?},\n        general: {},\n        types: &[\n",
                meta.id(),
                meta.country_code(),
                meta.national_prefix(),
                desc_source(general)
            ));
            for t in types {
                src.push_str(&format!("            {},\n", desc_source(t)));
            }
            src.push_str("        ],\n    },\n");
        }
        src.push_str("];\n");
        src
    }

    #[test]
    #[ignore = "writes src/numeric/plan_data.rs; run after updating phonenumber"]
    fn regenerate_plan_data() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/numeric/plan_data.rs");
        std::fs::write(path, plan_data_source()).expect("writing the generated plan table");
    }

    #[test]
    fn plan_data_matches_the_metadata() {
        let metas: Vec<_> = DATABASE.iter().collect();
        assert_eq!(REGIONS.len(), metas.len(), "regenerate plan_data.rs");
        for (ours, meta) in REGIONS.iter().zip(metas) {
            let (general, types) = descriptors(meta);
            let same = |d: &Desc, theirs: &Descriptor| {
                d.lengths == theirs.possible_length()
                    && d.pattern == squeeze(theirs.national_number().as_str())
            };
            assert_eq!(ours.id, meta.id(), "regenerate plan_data.rs");
            assert_eq!(ours.code, meta.country_code(), "{}", ours.id);
            assert_eq!(ours.national_prefix, meta.national_prefix(), "{}", ours.id);
            assert!(same(&ours.general, general), "{}", ours.id);
            assert_eq!(ours.types.len(), types.len(), "{}", ours.id);
            for (d, t) in ours.types.iter().zip(types) {
                assert!(same(d, t), "{}: {}", ours.id, d.pattern);
            }
        }
    }

    #[test]
    fn every_region_pattern_compiles() {
        let p = plans();
        assert_eq!(
            p.regions.len(),
            REGIONS.len(),
            "a region was left out of the plans"
        );
        for meta in REGIONS {
            for desc in std::iter::once(&meta.general).chain(meta.types) {
                assert!(
                    Dfa::build(desc.pattern).is_some(),
                    "{}: {}",
                    meta.id,
                    desc.pattern
                );
            }
        }
    }

    #[test]
    fn matcher_semantics() {
        let m = |pat: &str, s: &str| Dfa::build(pat).is_some_and(|d| d.full_match(s.as_bytes()));
        assert!(m(r"[2-9]\d{2}", "415"));
        assert!(!m(r"[2-9]\d{2}", "115"));
        assert!(m(r"1(?:2|34)?5", "15") && m(r"1(?:2|34)?5", "1345"));
        assert!(!m(r"1(?:2|34)?5", "135"));
        assert!(m(r"\d{2,4}", "123") && !m(r"\d{2,4}", "12345"));
        assert!(m("(?:\n  1|\n  2\n)\\d", "29"));
        // Alternations stepped from several positions at once, with empty
        // branches (taken at the end of the input too), and digit runs.
        assert!(m(r"\d{1,3}(?:12|3|)4", "1234") && m(r"\d{1,3}(?:12|3|)4", "94"));
        assert!(m(r"\d{1,3}(?:12|3|)4", "5124") && !m(r"\d{1,3}(?:12|3|)4", "55554"));
        assert!(m(r"1(?:2|)", "1") && m(r"1(?:2|)", "12") && !m(r"1(?:2|)", "13"));
        assert!(m(r"(?:[13]|2\d)[0-9]{0,2}", "25") && !m(r"(?:[13]|2\d)[0-9]{0,2}", "4"));
        assert!(m(r"(?:[13]|2\d)[0-9]{0,2}", "2999") && !m(r"(?:[13]|2\d)[0-9]{0,2}", "3999"));
        assert!(Dfa::build(r"1(2").is_none());
        // Any digits after a prefix, for the viability table.
        let d = Dfa::build(r"2[1-6]\d{2}|800\d").expect("compiles");
        let some = |prefix: &[u8], len| d.some_match(&Input::wild(prefix, len));
        assert!(some(b"21", 4) && some(b"800", 4) && some(b"2", 4));
        assert!(!some(b"27", 4) && !some(b"21", 5) && !some(b"801", 4));
        assert_eq!(d.first, (1 << 2) | (1 << 8));
    }

    #[test]
    fn viable_prefixes_never_reject_a_valid_number() {
        let p = plans();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut valid = 0;
        for region in &p.regions {
            let lengths = region.lengths();
            for _ in 0..300 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = 4 + (x % 14) as usize;
                if lengths & (1 << len) == 0 {
                    continue;
                }
                let digits: Vec<u8> = (0..len)
                    .map(|j| b'0' + ((x >> ((j * 4) % 60)) % 10) as u8)
                    .collect();
                let Some(input) = Input::new(&digits) else {
                    continue;
                };
                if region.valid_national(&input) {
                    valid += 1;
                    assert!(
                        region.viable(&input),
                        "+{} {}: valid but its prefix is not viable",
                        region.code,
                        String::from_utf8_lossy(&digits)
                    );
                }
            }
        }
        assert!(valid > 500, "too few valid samples: {valid}");
        // And the filter does filter: New York's area code is not Canada's.
        let ca = &p.regions[p.by_id["CA"]];
        let us = &p.regions[p.by_id["US"]];
        let ny = Input::new(b"2125550123").expect("digits");
        let toronto = Input::new(b"4165550123").expect("digits");
        assert!(!ca.viable(&ny) && ca.viable(&toronto) && us.viable(&ny));
    }

    /// Every valid number is possible; the cheap test still rules out
    /// some invalid numbers, and lets some through.
    #[test]
    fn valid_implies_possible() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let (mut valid, mut possible_only, mut impossible) = (0, 0, 0);
        for cc in ["1", "44", "49", "33", "39", "81", "91", "55"] {
            for _ in 0..2000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = 6 + (x % 7) as usize;
                let mut digits = cc.as_bytes().to_vec();
                digits.extend((0..len).map(|j| b'0' + ((x >> (j * 5)) % 10) as u8));
                let v = valid_international(&digits);
                let p = is_possible_e164_digits(&digits);
                assert!(
                    !v || p,
                    "{} valid but not possible",
                    String::from_utf8_lossy(&digits)
                );
                match (v, p) {
                    (true, _) => valid += 1,
                    (false, true) => possible_only += 1,
                    (false, false) => impossible += 1,
                }
            }
        }
        assert!(
            valid > 0 && possible_only > 0 && impossible > 0,
            "{valid} {possible_only} {impossible}"
        );
    }

    /// Agrees with the `phonenumber` crate's own parse + is_valid on
    /// generated numbers in every region we try nationally, except that the
    /// crate matches patterns as prefixes (`find` at 0) where libphonenumber
    /// matches them entirely; we follow libphonenumber, so the crate
    /// accepts a valid number with extra digits glued on and we do not.
    #[test]
    fn agrees_with_libphonenumber() {
        let regions = [
            (Id::US, "US"),
            (Id::GB, "GB"),
            (Id::DE, "DE"),
            (Id::FR, "FR"),
            (Id::ES, "ES"),
            (Id::IT, "IT"),
            (Id::NL, "NL"),
            (Id::IN, "IN"),
            (Id::JP, "JP"),
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut agree_valid = 0;
        let mut disagree = 0;
        for (id, name) in regions {
            for k in 0..400 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = 7 + (x % 6) as usize;
                let mut digits: Vec<u8> = (0..len)
                    .map(|j| b'0' + ((x >> (j * 5)) % 10) as u8)
                    .collect();
                if k % 2 == 0 {
                    digits[0] = b'0';
                }
                // `00…` is an international call prefix, which the
                // detector handles before asking for a national plan.
                if digits[..2] == *b"00" {
                    digits[1] = b'1';
                }
                let text = String::from_utf8_lossy(&digits).into_owned();
                let cc = DATABASE.by_id(name).map_or(0, |m| m.country_code());
                // The crate reads a leading country code into national
                // numbers by its own heuristics (`91…` in India); skip those.
                if text.starts_with(&cc.to_string()) {
                    continue;
                }
                let theirs =
                    phonenumber::parse(Some(id), &text).is_ok_and(|n| phonenumber::is_valid(&n));
                let ours = valid_national(name, &digits);
                assert!(!ours || theirs, "{name} {text}: we accept, they reject");
                disagree += usize::from(ours != theirs);
                agree_valid += usize::from(ours);
                // Written internationally in the same region. (Across all
                // codes the crate strips some trunk prefixes from
                // international numbers that libphonenumber keeps, e.g.
                // Russia's 8, so other codes are not compared.)
                let intl = format!("+{cc}{}", text.trim_start_matches('0'));
                let theirs =
                    phonenumber::parse(None, &intl).is_ok_and(|n| phonenumber::is_valid(&n));
                let ours = valid_international(&intl.as_bytes()[1..]);
                assert!(!ours || theirs, "{intl}: we accept, they reject");
                disagree += usize::from(ours != theirs);
            }
        }
        assert!(
            agree_valid > 50,
            "too few valid samples to mean much: {agree_valid}"
        );
        // They also accept numbers with trailing extra digits (see above);
        // those are the only disagreements, and they are rare.
        assert!(disagree * 20 < 2 * 9 * 400, "{disagree} disagreements");
    }
}
