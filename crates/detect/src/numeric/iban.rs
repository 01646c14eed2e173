//! IBAN recognition: country length table and the ISO 7064 mod-97 check.

use crate::context::is_word_byte;

/// IBAN lengths per country, from the SWIFT IBAN registry. Countries whose
/// IBANs we are unsure of are left out: a missing country loses recall on
/// it, a wrong length would lose all of it silently.
const LENGTHS: &[([u8; 2], u8)] = &[
    (*b"AD", 24),
    (*b"AE", 23),
    (*b"AL", 28),
    (*b"AT", 20),
    (*b"AZ", 28),
    (*b"BA", 20),
    (*b"BE", 16),
    (*b"BG", 22),
    (*b"BH", 22),
    (*b"BI", 27),
    (*b"BR", 29),
    (*b"BY", 28),
    (*b"CH", 21),
    (*b"CR", 22),
    (*b"CY", 28),
    (*b"CZ", 24),
    (*b"DE", 22),
    (*b"DJ", 27),
    (*b"DK", 18),
    (*b"DO", 28),
    (*b"EE", 20),
    (*b"EG", 29),
    (*b"ES", 24),
    (*b"FI", 18),
    (*b"FK", 18),
    (*b"FO", 18),
    (*b"FR", 27),
    (*b"GB", 22),
    (*b"GE", 22),
    (*b"GI", 23),
    (*b"GL", 18),
    (*b"GR", 27),
    (*b"GT", 28),
    (*b"HR", 21),
    (*b"HU", 28),
    (*b"IE", 22),
    (*b"IL", 23),
    (*b"IQ", 23),
    (*b"IS", 26),
    (*b"IT", 27),
    (*b"JO", 30),
    (*b"KW", 30),
    (*b"KZ", 20),
    (*b"LB", 28),
    (*b"LC", 32),
    (*b"LI", 21),
    (*b"LT", 20),
    (*b"LU", 20),
    (*b"LV", 21),
    (*b"LY", 25),
    (*b"MC", 27),
    (*b"MD", 24),
    (*b"ME", 22),
    (*b"MK", 19),
    (*b"MN", 20),
    (*b"MR", 27),
    (*b"MT", 31),
    (*b"MU", 30),
    (*b"NI", 28),
    (*b"NL", 18),
    (*b"NO", 15),
    (*b"PK", 24),
    (*b"PL", 28),
    (*b"PS", 29),
    (*b"PT", 25),
    (*b"QA", 29),
    (*b"RO", 24),
    (*b"RS", 22),
    (*b"RU", 33),
    (*b"SA", 24),
    (*b"SC", 31),
    (*b"SD", 18),
    (*b"SE", 24),
    (*b"SI", 19),
    (*b"SK", 24),
    (*b"SM", 27),
    (*b"SO", 23),
    (*b"ST", 25),
    (*b"SV", 28),
    (*b"TL", 23),
    (*b"TN", 24),
    (*b"TR", 26),
    (*b"UA", 29),
    (*b"VA", 22),
    (*b"VG", 24),
    (*b"XK", 20),
];

/// The longest IBAN in [`LENGTHS`]; bounds how far the scanner reads.
const MAX_LEN: usize = 34;

/// The IBAN length for a country code, if it issues IBANs.
pub(super) fn length(country: [u8; 2]) -> Option<usize> {
    LENGTHS
        .binary_search_by(|(c, _)| c.cmp(&country))
        .ok()
        .map(|i| usize::from(LENGTHS[i].1))
}

/// ISO 7064 MOD 97-10 over an IBAN in electronic form (no spaces): the
/// first four characters move to the end, letters count as 10..35, and a
/// valid IBAN leaves remainder 1.
pub(super) fn mod97_ok(iban: &[u8]) -> bool {
    if iban.len() < 5 {
        return false;
    }
    let mut rem = 0u32;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        rem = match c {
            b'0'..=b'9' => (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return false,
        };
    }
    rem == 1
}

/// Tries to read an IBAN starting at `s` (the country's first letter) and
/// returns its end. Accepts the electronic form (`GB82WEST1234…`) and the
/// print form in groups of four separated by single spaces. The caller has
/// checked that `s` starts a word.
pub(super) fn scan(hay: &[u8], s: usize) -> Option<usize> {
    let country = [*hay.get(s)?, *hay.get(s + 1)?];
    let len = length(country)?;
    if !hay.get(s + 2)?.is_ascii_digit() || !hay.get(s + 3)?.is_ascii_digit() {
        return None;
    }
    let spaced = hay.get(s + 4) == Some(&b' ');
    let mut buf = [0u8; MAX_LEN];
    buf[..4].copy_from_slice(&hay[s..s + 4]);
    let mut count = 4;
    let mut pos = s + 4;
    while count < len {
        if spaced && count % 4 == 0 {
            if hay.get(pos) != Some(&b' ') {
                return None;
            }
            pos += 1;
        }
        let c = *hay.get(pos)?;
        if !(c.is_ascii_digit() || c.is_ascii_uppercase()) {
            return None;
        }
        buf[count] = c;
        count += 1;
        pos += 1;
    }
    if hay.get(pos).is_some_and(|&b| is_word_byte(b)) {
        return None;
    }
    mod97_ok(&buf[..len]).then_some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search_and_bounded() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(LENGTHS
            .iter()
            .all(|&(_, l)| (15..=MAX_LEN as u8).contains(&l)));
        for eea in [
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
            "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS",
            "LI", "NO", "GB", "CH",
        ] {
            let c = eea.as_bytes();
            assert!(length([c[0], c[1]]).is_some(), "{eea}");
        }
        assert_eq!(length(*b"DE"), Some(22));
        assert_eq!(length(*b"US"), None);
    }

    #[test]
    fn mod97_on_registry_examples() {
        for iban in [
            "DE89370400440532013000",
            "GB82WEST12345698765432",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "BE68539007547034",
            "NO9386011117947",
            "CH9300762011623852957",
            "ES9121000418450200051332",
            "IT60X0542811101000000123456",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            assert!(mod97_ok(iban.as_bytes()), "{iban}");
            assert_eq!(
                length([iban.as_bytes()[0], iban.as_bytes()[1]]),
                Some(iban.len())
            );
        }
        assert!(!mod97_ok(b"DE89370400440532013001"));
        assert!(!mod97_ok(b"DE98370400440532013000"));
        assert!(!mod97_ok(b"DE89 3704"));
    }

    #[test]
    fn scan_reads_print_and_electronic_forms_exactly() {
        let hay = b"DE89 3704 0044 0532 0130 00 next";
        assert_eq!(scan(hay, 0), Some(27));
        assert_eq!(scan(b"GB82WEST12345698765432", 0), Some(22));
        assert_eq!(scan(b"FR14 2004 1010 0505 0001 3M02 606.", 0), Some(33));
        // One character too many glued on is a different token.
        assert_eq!(scan(b"GB82WEST123456987654321", 0), None);
        // Mixed grouping and lowercase BBANs are not IBANs as printed.
        assert_eq!(scan(b"DE89 37040044 0532 0130 00", 0), None);
        assert_eq!(scan(b"GB82west12345698765432", 0), None);
        // Cut off by the end of the haystack.
        assert_eq!(scan(b"DE89 3704 0044", 0), None);
    }
}
