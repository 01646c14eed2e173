//! Leaked phone numbers to E.164 candidates without parsing.
//!
//! Parsing with libphonenumber costs microseconds per number and most
//! phones in a leak are not customers', so the hot path never parses: the
//! registry only holds valid E.164 numbers, hence building the few strings
//! a leaked number could stand for and looking their fingerprints up is
//! both exact and cheap.

use bw_detect::phone_plan;

/// What a region contributes: its calling code and trunk prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub code: String,
    /// The calling code's digits.
    calling: String,
    trunk: Option<&'static str>,
}

/// Longest E.164 number, digits only.
const MAX_E164: usize = 15;

impl Region {
    /// `None` for a code libphonenumber's metadata does not know.
    pub(crate) fn new(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        let d = phone_plan::dialling(&code)?;
        Some(Region {
            calling: d.calling_code.to_string(),
            trunk: d.national_prefix.filter(|p| !p.is_empty()),
            code,
        })
    }

    /// The E.164 strings a national-format number (digits only) may be in
    /// this region: trunk prefix dropped, and as written (Italy keeps its
    /// leading 0; a number written with its calling code but no `+` is
    /// also tried). Readings that cannot be numbers of the region (wrong
    /// length or first digit for every number type) are left out: the
    /// registry holds only valid numbers, so they could not match, and
    /// each reading costs a keyed hash and a prefilter probe. The cheap
    /// test rather than full validation: walking the numbering-plan
    /// patterns (Germany's are long) costs more than the lookup it saves.
    pub(crate) fn candidates(&self, digits: &str, out: &mut Vec<String>) {
        let cc = self.calling.as_bytes();
        let mut push = |national: &str| {
            let n = cc.len() + national.len();
            if national.is_empty() || n > MAX_E164 {
                return;
            }
            let mut buf = [0u8; MAX_E164];
            buf[..cc.len()].copy_from_slice(cc);
            buf[cc.len()..n].copy_from_slice(national.as_bytes());
            if !phone_plan::is_possible_e164_digits(&buf[..n]) {
                return;
            }
            let mut s = String::with_capacity(n + 1);
            s.push('+');
            s.push_str(&self.calling);
            s.push_str(national);
            if !out.contains(&s) {
                out.push(s);
            }
        };
        if let Some(t) = self.trunk {
            if let Some(rest) = digits.strip_prefix(t) {
                push(rest);
            }
        }
        push(digits);
        if let Some(rest) = digits.strip_prefix(self.calling.as_str()) {
            push(rest);
        }
    }
}

/// A leaked phone split into what the lookups need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Leaked {
    /// Written with `+` or `00`: already international, `+` and digits.
    International(String),
    /// National format: digits only.
    National(String),
}

impl Leaked {
    pub(crate) fn parse(raw: &str) -> Option<Leaked> {
        // One pass, one allocation (a leak holds millions of numbers):
        // "+44 (0)20 …" writes the trunk prefix in parentheses, which is
        // not part of the international number, so "(0)" is skipped.
        let b = raw.trim().as_bytes();
        let mut digits = String::with_capacity(b.len() + 1);
        let mut first = None;
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            if b[i..].starts_with(b"(0)") {
                i += 3;
                continue;
            }
            if first.is_none() && !c.is_ascii_whitespace() {
                first = Some(c);
            }
            if c.is_ascii_digit() {
                digits.push(char::from(c));
            }
            i += 1;
        }
        if digits.is_empty() || digits.len() > 17 {
            return None;
        }
        if first == Some(b'+') {
            digits.insert(0, '+');
            Some(Leaked::International(digits))
        } else if digits.starts_with("00") {
            digits.replace_range(..2, "+");
            Some(Leaked::International(digits))
        } else {
            Some(Leaked::National(digits))
        }
    }

    /// A stable text for counting distinct unmatched numbers.
    pub(crate) fn key(&self) -> &str {
        match self {
            Leaked::International(s) | Leaked::National(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_numbers_become_e164_candidates() {
        let fr = Region::new("fr").expect("FR is known");
        let mut out = Vec::new();
        fr.candidates("0612345678", &mut out);
        // French numbers have 9 digits: the form keeping the 0 is not one.
        assert_eq!(out, vec!["+33612345678".to_string()]);
        out.clear();
        fr.candidates("33612345678", &mut out);
        assert_eq!(out, vec!["+33612345678".to_string()]);
        let us = Region::new("US").expect("US is known");
        out.clear();
        us.candidates("4155550123", &mut out);
        assert_eq!(out, vec!["+14155550123".to_string()]);
        // Ten digits, as US numbers have, but no US number starts with 1:
        // no reading is possible, so none costs a lookup.
        out.clear();
        us.candidates("1234567890", &mut out);
        assert!(out.is_empty(), "{out:?}");
        assert!(Region::new("XX").is_none());
    }

    #[test]
    fn leaked_forms() {
        let int = |s: &str| Some(Leaked::International(s.into()));
        let nat = |s: &str| Some(Leaked::National(s.into()));
        for (raw, want) in [
            ("+44 (0)20 7946 0018", int("+442079460018")),
            ("0033 6 12 34 56 78", int("+33612345678")),
            ("06.12.34.56.78", nat("0612345678")),
            (" (0)+44 20 7946 0018", int("+442079460018")),
            ("(0)20 7946 0018", nat("2079460018")),
            ("n/a", None),
            ("+1 234 567 890 123 456 789", None),
        ] {
            assert_eq!(Leaked::parse(raw), want, "{raw:?}");
        }
    }
}
