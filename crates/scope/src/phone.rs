//! Leaked phone numbers to E.164 candidates without parsing.
//!
//! Parsing with libphonenumber costs microseconds per number and most
//! phones in a leak are not customers', so the hot path never parses: the
//! registry only holds valid E.164 numbers, hence building the few strings
//! a leaked number could stand for and looking their fingerprints up is
//! both exact and cheap. A candidate that is not a real number simply finds
//! nothing.

/// What a region contributes: its calling code and trunk prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub code: String,
    calling: u16,
    trunk: Option<String>,
    /// Lengths a valid national significant number of the region can have
    /// (all number types); empty when the metadata has none.
    lengths: Vec<u16>,
}

impl Region {
    /// `None` for a code libphonenumber does not know.
    pub(crate) fn new(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        let meta = phonenumber::metadata::DATABASE.by_id(code.as_str())?;
        let d = meta.descriptors();
        let mut lengths: Vec<u16> = [
            Some(d.general()),
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
        .flat_map(|x| x.possible_length().iter().copied())
        .collect();
        lengths.sort_unstable();
        lengths.dedup();
        Some(Region {
            lengths,
            calling: meta.country_code(),
            trunk: meta
                .national_prefix()
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
                .map(str::to_string),
            code,
        })
    }

    /// The E.164 strings a national-format number (digits only) may be in
    /// this region: trunk prefix dropped, and as written (Italy keeps its
    /// leading 0; a number written with its calling code but no `+` is
    /// also tried). Forms whose length no number of the region has are
    /// left out: the registry only holds valid numbers, so they could not
    /// match, and each costs a lookup.
    pub(crate) fn candidates(&self, digits: &str, out: &mut Vec<String>) {
        let cc = self.calling.to_string();
        let lengths = &self.lengths;
        let mut push = |national: &str| {
            let possible = !national.is_empty()
                && (lengths.is_empty()
                    || u16::try_from(national.len())
                        .is_ok_and(|n| lengths.binary_search(&n).is_ok()));
            if possible {
                let s = format!("+{cc}{national}");
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        };
        if let Some(t) = &self.trunk {
            if let Some(rest) = digits.strip_prefix(t.as_str()) {
                push(rest);
            }
        }
        push(digits);
        if let Some(rest) = digits.strip_prefix(cc.as_str()) {
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
        // "+44 (0)20 …" writes the trunk prefix in parentheses; it is not
        // part of the international number.
        let cleaned = raw.trim().replace("(0)", "");
        let s = cleaned.trim_start();
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() || digits.len() > 17 {
            return None;
        }
        if s.starts_with('+') {
            Some(Leaked::International(format!("+{digits}")))
        } else if let Some(rest) = digits.strip_prefix("00") {
            Some(Leaked::International(format!("+{rest}")))
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
        assert!(Region::new("XX").is_none());
    }

    #[test]
    fn leaked_forms() {
        assert_eq!(
            Leaked::parse("+44 (0)20 7946 0018"),
            Some(Leaked::International("+442079460018".into()))
        );
        assert_eq!(
            Leaked::parse("0033 6 12 34 56 78"),
            Some(Leaked::International("+33612345678".into()))
        );
        assert_eq!(
            Leaked::parse("06.12.34.56.78"),
            Some(Leaked::National("0612345678".into()))
        );
        assert_eq!(Leaked::parse("n/a"), None);
    }
}
