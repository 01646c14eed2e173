//! IPv4 dotted quads: parsing and the ranges that do not identify a person.

/// Parses four dotted decimal octets from digit groups, rejecting values
/// over 255 and leading zeros (`010` is octal to some parsers and decimal to
/// others, so it is not a written address).
pub(super) fn parse(octets: [&[u8]; 4]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    for (o, digits) in out.iter_mut().zip(octets) {
        if digits.is_empty() || digits.len() > 3 || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        let v = digits
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d.wrapping_sub(b'0')));
        *o = u8::try_from(v).ok()?;
    }
    Some(out)
}

/// Whether an address is infrastructure rather than a person's: private,
/// loopback, link-local, CGNAT, "this network", multicast and reserved.
///
/// The documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24) are
/// deliberately public here: they stand in for real public addresses in
/// examples and in our own synthetic leaks, which must be found like the
/// real ones they imitate.
pub(super) fn is_infrastructure(ip: [u8; 4]) -> bool {
    let [a, b, ..] = ip;
    a == 0
        || a == 10
        || a == 127
        || (a == 100 && (64..=127).contains(&b))
        || (a == 169 && b == 254)
        || (a == 172 && (16..=31).contains(&b))
        || (a == 192 && b == 168)
        || a >= 224
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<[u8; 4]> {
        let parts: Vec<&[u8]> = s.split('.').map(str::as_bytes).collect();
        parse([parts[0], parts[1], parts[2], parts[3]])
    }

    #[test]
    fn octets_are_bounded_and_without_leading_zeros() {
        assert_eq!(p("203.0.113.7"), Some([203, 0, 113, 7]));
        assert_eq!(p("255.255.255.255"), Some([255; 4]));
        assert_eq!(p("256.1.1.1"), None);
        assert_eq!(p("01.2.3.4"), None);
        assert_eq!(p("1.2.3.1000"), None);
    }

    #[test]
    fn infrastructure_ranges() {
        for s in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.10.10",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.251",
        ] {
            assert!(p(s).is_some_and(is_infrastructure), "{s}");
        }
        for s in [
            "172.15.0.1",
            "172.32.0.1",
            "100.63.0.1",
            "100.128.0.1",
            "8.8.8.8",
            "192.0.2.10",
            "198.51.100.23",
            "203.0.113.99",
        ] {
            assert!(p(s).is_some_and(|ip| !is_infrastructure(ip)), "{s}");
        }
    }
}
