//! Phone numbers, normalised to E.164 (`+33612345678`).
//!
//! A national-format number means nothing without a region, so the
//! customer's country is the default region on import and the caller passes
//! one on lookup (for example the jurisdiction of the leak, or `None` when
//! only `+`-prefixed numbers should match).

use phonenumber::country::Id;
use phonenumber::Mode;

/// Why a phone could not be normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneProblem {
    Empty,
    /// Not a phone number at all, or national format without a usable
    /// default region.
    Unparseable,
    /// Parsed, but not a number any numbering plan assigns.
    Invalid,
}

/// Longer input is rejected unparsed: a phone has at most 17 digits plus
/// punctuation, and libphonenumber's parser is slow on garbage.
pub const MAX_LEN: usize = 64;

/// Parses an ISO 3166-1 alpha-2 code (any case, surrounding space ignored)
/// into a libphonenumber region; `None` when unknown or empty.
pub fn region(code: &str) -> Option<Id> {
    let c = code.trim();
    if c.len() != 2 {
        return None;
    }
    c.to_ascii_uppercase().parse::<Id>().ok()
}

/// Normalises a phone to E.164. `default_region` is an ISO alpha-2 code.
pub fn normalise(raw: &str, default_region: Option<&str>) -> Result<String, PhoneProblem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    // libphonenumber's parser is slow on garbage; a phone has at most 17
    // digits plus punctuation, so long input is rejected up front.
    if s.len() > MAX_LEN || !s.bytes().any(|b| b.is_ascii_digit()) {
        return Err(PhoneProblem::Unparseable);
    }
    normalise_in(s, default_region.and_then(region))
}

/// [`normalise`] with the region already parsed.
pub fn normalise_in(raw: &str, region: Option<Id>) -> Result<String, PhoneProblem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    if s.len() > MAX_LEN || !s.bytes().any(|b| b.is_ascii_digit()) {
        return Err(PhoneProblem::Unparseable);
    }
    let number = phonenumber::parse(region, s).map_err(|_| PhoneProblem::Unparseable)?;
    if !phonenumber::is_valid(&number) {
        return Err(PhoneProblem::Invalid);
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_format_uses_default_region() {
        assert_eq!(
            normalise("06 12 34 56 78", Some("FR")),
            Ok("+33612345678".into())
        );
        assert_eq!(
            normalise("(415) 555-2671", Some("us")),
            Ok("+14155552671".into())
        );
        assert_eq!(
            normalise("030 12345678", Some("DE")),
            Ok("+493012345678".into())
        );
    }

    #[test]
    fn international_format_ignores_default_region() {
        assert_eq!(
            normalise("+33 6 12 34 56 78", Some("US")),
            Ok("+33612345678".into())
        );
        assert_eq!(
            normalise("+33 6 12 34 56 78", None),
            Ok("+33612345678".into())
        );
    }

    #[test]
    fn problems() {
        assert_eq!(normalise(" ", Some("FR")), Err(PhoneProblem::Empty));
        assert_eq!(
            normalise("call me", Some("FR")),
            Err(PhoneProblem::Unparseable)
        );
        assert!(normalise("06 12 34 56 78", None).is_err());
        assert!(normalise("+33 1", Some("FR")).is_err());
    }
}
