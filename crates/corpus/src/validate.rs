//! Independent checks of generated values: the generator uses them to keep
//! labels truthful, and the tests use them to re-validate labelled bytes.

use std::net::IpAddr;

/// Luhn check over the digits of `s` (separators ignored).
pub fn luhn_ok(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 12 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The Luhn check digit that completes `partial`.
pub fn luhn_check_digit(partial: &str) -> u8 {
    for d in 0..10u8 {
        let candidate = format!("{partial}{d}");
        if luhn_ok(&candidate) {
            return d;
        }
    }
    // Unreachable for a digit string: exactly one check digit exists.
    0
}

/// Issuer (IIN) range and length check for the networks the generator uses.
pub fn card_issuer_ok(s: &str) -> bool {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    let p = |n: usize| d.get(..n).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
    match d.len() {
        16 => {
            d.starts_with('4')
                || (51..=55).contains(&p(2))
                || (2221..=2720).contains(&p(4))
                || p(4) == 6011
                || (644..=649).contains(&p(3))
                || p(2) == 65
                || (3528..=3589).contains(&p(4))
        }
        15 => p(2) == 34 || p(2) == 37,
        14 => p(2) == 36 || (300..=305).contains(&p(3)),
        _ => false,
    }
}

/// ISO 13616 mod-97 check (spaces ignored).
pub fn iban_ok(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 15 || compact.len() > 34 || !compact.is_ascii() {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    mod97(&format!("{tail}{head}")) == Some(1)
}

/// The remainder mod 97 of an alphanumeric string read as ISO 7064 digits.
pub fn mod97(s: &str) -> Option<u32> {
    let mut rem: u32 = 0;
    for c in s.chars() {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return None,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}

/// SSA rules: area 001–899 except 666, group 01–99, serial 0001–9999.
pub fn ssn_ok(s: &str) -> bool {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    if d.len() != 9 {
        return false;
    }
    let area: u32 = d[..3].parse().unwrap_or(0);
    let group: u32 = d[3..5].parse().unwrap_or(0);
    let serial: u32 = d[5..].parse().unwrap_or(0);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// Regions whose numbering plans the corpus draws phone numbers from.
pub const PHONE_REGIONS: [phonenumber::country::Id; 10] = {
    use phonenumber::country::Id::*;
    [US, CA, GB, DE, FR, ES, IT, NL, BR, IN]
};

/// Valid in libphonenumber metadata, read as international or as a
/// national number of one of the corpus regions (or Japan).
pub fn phone_ok(s: &str) -> bool {
    use phonenumber::country::Id;
    let regions = PHONE_REGIONS.iter().copied().chain([Id::JP]);
    if s.trim_start().starts_with('+') {
        return phonenumber::parse(None, s).is_ok_and(|n| phonenumber::is_valid(&n));
    }
    regions
        .into_iter()
        .any(|r| phonenumber::parse(Some(r), s).is_ok_and(|n| phonenumber::is_valid(&n)))
}

/// A globally routable address as far as a privacy officer cares: not
/// private, loopback, link-local, unspecified or multicast. Documentation
/// ranges count as public here on purpose — the corpus uses them as
/// stand-ins for customers' addresses.
pub fn ip_public(s: &str) -> bool {
    match s.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.octets()[0] == 0)
        }
        Ok(IpAddr::V6(v6)) => {
            let seg0 = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xffc0) == 0xfe80
                || (seg0 & 0xfe00) == 0xfc00)
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!(luhn_ok("4111 1111 1111 1111"));
        assert!(!luhn_ok("4111 1111 1111 1112"));
        assert_eq!(luhn_check_digit("411111111111111"), 1);
        assert!(card_issuer_ok("378282246310005"));
        assert!(!card_issuer_ok("1111111111111117"));
        assert!(iban_ok("DE89 3704 0044 0532 0130 00"));
        assert!(iban_ok("GB82WEST12345698765432"));
        assert!(!iban_ok("DE88 3704 0044 0532 0130 00"));
        assert!(ssn_ok("123-45-6789"));
        assert!(!ssn_ok("666-45-6789"));
        assert!(!ssn_ok("912-45-6789"));
        assert!(!ssn_ok("123-00-6789"));
        assert!(!ssn_ok("123-45-0000"));
        assert!(ip_public("203.0.113.9"));
        assert!(ip_public("2001:db8::1"));
        assert!(!ip_public("192.168.1.1"));
        assert!(!ip_public("fe80::1"));
        assert!(!ip_public("::1"));
        assert!(phone_ok("+44 20 7946 0958"));
        assert!(!phone_ok("+44 20 0000"));
    }
}
