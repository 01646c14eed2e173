//! US Social Security number validity rules (SSA numbering, post-2011
//! randomisation included: any area except 000, 666 and 900–999).

/// What an SSN candidate is, once its digits pass the numbering rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SsnClass {
    /// Could be issued to a person.
    Plausible,
    /// Valid by the rules but famous as an example (`123-45-6789`), so a
    /// match is far more likely documentation than a person's number.
    Example,
}

/// Classifies nine ASCII digits `AAAGGSSSS`, or `None` if no person can
/// hold them: area 000, 666 or 9xx, group 00, serial 0000, or a number the
/// SSA voided after it was printed in advertising (Woolworth's wallet card
/// 078-05-1120, the 1980s ad number 219-09-9999).
pub(super) fn classify(d: &[u8; 9]) -> Option<SsnClass> {
    let area = &d[0..3];
    let group = &d[3..5];
    let serial = &d[5..9];
    if area == b"000" || area == b"666" || area[0] == b'9' {
        return None;
    }
    if group == b"00" || serial == b"0000" {
        return None;
    }
    match d {
        b"078051120" | b"219099999" => None,
        b"123456789" => Some(SsnClass::Example),
        _ => Some(SsnClass::Plausible),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Option<SsnClass> {
        let mut d = [0u8; 9];
        d.copy_from_slice(s.as_bytes());
        classify(&d)
    }

    #[test]
    fn invalid_ranges_are_rejected() {
        for s in [
            "000123456",
            "666123456",
            "900123456",
            "950123456",
            "999123456",
            "123001234",
            "123450000",
            "078051120",
            "219099999",
        ] {
            assert_eq!(c(s), None, "{s}");
        }
    }

    #[test]
    fn plausible_numbers_pass_including_range_edges() {
        for s in [
            "001010001",
            "665999999",
            "667010001",
            "899999999",
            "219099998",
            "536221234",
        ] {
            assert_eq!(c(s), Some(SsnClass::Plausible), "{s}");
        }
        assert_eq!(c("123456789"), Some(SsnClass::Example));
    }
}
