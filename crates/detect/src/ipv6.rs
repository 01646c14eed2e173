//! IPv6 addresses: full, compressed (`::`) and with an embedded IPv4 tail
//! (`::ffff:192.0.2.1`); a zone id (`%eth0`) is left out of the finding.
//! Dotted-quad IPv4 is the numeric detector's; only IPv4 inside IPv6 is
//! ours.
//!
//! Candidates are colons. A colon whose neighbours are neither hex digits
//! nor colons is dropped at once (JSON, prose, headers); otherwise the
//! maximal run of hex digits, colons and dots around it is cut out, checked
//! against its surroundings (not part of a longer word: `std::vector`,
//! `T10:20:30`) and parsed with [`std::net::Ipv6Addr`]. Shapes that parse
//! but are almost never addresses in text (MAC-like `00:1a:…`, `a::b`) are
//! rejected.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::context::is_word_byte;
use crate::{Finding, Kind};

/// The longest textual IPv6 address is 45 bytes
/// (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`); a few more allow a
/// trailing dot or colon that is trimmed. Longer runs are hex dumps or
/// hashes and are rejected whole, never cut down to an address.
const MAX_RUN: usize = 48;

/// A public address is someone's (a customer's connection); loopback,
/// private, link-local and multicast ones are infrastructure, valid but
/// not personal.
const SCORE_PUBLIC: f32 = 0.9;
const SCORE_INFRASTRUCTURE: f32 = 0.3;

const _: () = assert!(MAX_RUN + 2 < crate::MAX_LOOKAHEAD && MAX_RUN + 2 < crate::MAX_LOOKBEHIND);

fn is_run_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

/// Appends every IPv6 address in `hay` to `out`.
pub(crate) fn find(hay: &[u8], out: &mut Vec<Finding>) {
    let mut pos = 0;
    while let Some(i) = memchr::memchr(b':', &hay[pos..]) {
        let colon = pos + i;
        pos = colon + 1;
        let near = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_hexdigit() || b == b':');
        if !near(colon.checked_sub(1).and_then(|j| hay.get(j))) && !near(hay.get(colon + 1)) {
            continue;
        }
        let mut start = colon;
        while start > 0 && is_run_byte(hay[start - 1]) && colon - start <= MAX_RUN {
            start -= 1;
        }
        let mut end = colon + 1;
        while end < hay.len() && is_run_byte(hay[end]) && end - start <= MAX_RUN {
            end += 1;
        }
        if end - start > MAX_RUN {
            // Every colon of an over-long run fails the same way; skip it.
            while end < hay.len() && is_run_byte(hay[end]) {
                end += 1;
            }
            pos = end;
            continue;
        }
        pos = end;
        if let Some(f) = candidate(hay, start, end) {
            out.push(f);
        }
    }
}

/// Validates the run `hay[start..end]`.
fn candidate(hay: &[u8], mut start: usize, mut end: usize) -> Option<Finding> {
    // Punctuation around the address (`ip: 2001:db8::1.`, `[::1]:`) is
    // not part of it; `::` at either end is.
    while end > start && hay[end - 1] == b'.' {
        end -= 1;
    }
    if end - start >= 2 && hay[end - 1] == b':' && hay[end - 2] != b':' {
        end -= 1;
    }
    if end - start >= 2 && hay[start] == b':' && hay[start + 1] != b':' {
        start += 1;
    }
    // Not the middle of a longer token: `std::map`, `T10:20:30`, `0x1::2`.
    let before = start.checked_sub(1).map(|i| hay[i]);
    let after = hay.get(end).copied();
    if before.is_some_and(|b| is_word_byte(b) || b == b'.') || after.is_some_and(is_word_byte) {
        return None;
    }
    if !plausible_shape(&hay[start..end]) {
        return None;
    }
    let text = std::str::from_utf8(&hay[start..end]).ok()?;
    let addr: Ipv6Addr = text.parse().ok()?;
    let score = if is_infrastructure(addr) {
        SCORE_INFRASTRUCTURE
    } else {
        SCORE_PUBLIC
    };
    Some(Finding {
        start,
        end,
        kind: Kind::IpAddress,
        score,
        detector: "ip.v6",
    })
}

/// Rejects strings that `Ipv6Addr` would accept but that in text are
/// almost always something else. One pass over the bytes: timestamps and
/// hex dumps reach this by the hundred thousand in logs, and the `str`
/// searches it used to make cost more than the parse that follows.
fn plausible_shape(text: &[u8]) -> bool {
    let mut colons = 0;
    let mut compressed = false;
    // Over the groups before the current one: every non-empty group has
    // two characters, some group mixes cases, the longest group.
    let (mut all_two, mut mixed, mut longest) = (true, false, 0);
    // The current group.
    let (mut len, mut upper, mut lower, mut dot) = (0, false, false, false);
    let mut digit = false;
    let mut prev = 0u8;
    for &b in text {
        if b == b':' {
            colons += 1;
            compressed |= prev == b':';
            if len > 0 {
                all_two &= len == 2;
                mixed |= upper && lower;
                longest = longest.max(len);
            }
            (len, upper, lower, dot) = (0, false, false, false);
        } else {
            len += 1;
            upper |= b.is_ascii_uppercase();
            lower |= b.is_ascii_lowercase();
            dot |= b == b'.';
            digit |= b.is_ascii_digit();
        }
        prev = b;
    }
    // The group after the last colon is an IPv4 tail when it has a dot,
    // and then not one of the hex groups judged below.
    let has_v4 = dot && colons > 0;
    if len > 0 && !has_v4 {
        all_two &= len == 2;
        mixed |= upper && lower;
        longest = longest.max(len);
    }
    if text == b"::" || colons < 2 {
        return false;
    }
    // `00:1a:2b:3c:4d:5e:6f:70`: MAC / EUI-64 / hex dumps, always two digits.
    if !compressed && all_two {
        return false;
    }
    // `Bad::Cafe`, `Abc::Def`: identifiers. Addresses are written in one case.
    if mixed {
        return false;
    }
    // `a::b`, `C::`, `add::bed`: short or digit-free compressed forms are
    // code far more often than addresses. `::1` is the one exception.
    if compressed && !has_v4 && text != b"::1" && (longest < 3 || !digit) {
        return false;
    }
    true
}

/// Whether the address belongs to infrastructure rather than to a person's
/// connection, or to no one: everything outside global unicast space
/// (`2000::/3`) that does not embed an IPv4 address is reserved or
/// unallocated, so a "valid" address there is nearly always something
/// else that parses (`c::B300` in Rust code). Documentation space
/// (`2001:db8::/32`, and the IPv4 test nets inside mapped addresses) is
/// deliberately *not* in here: it is what synthetic test data uses for
/// customers' addresses, so it must score like public space.
fn is_infrastructure(addr: Ipv6Addr) -> bool {
    let s = addr.segments();
    if addr.is_unspecified() || addr.is_loopback() || addr.is_multicast() {
        return true;
    }
    // fe80::/10 link-local, fec0::/10 (deprecated) site-local, fc00::/7
    // unique-local, 100::/64 discard-only.
    if s[0] & 0xffc0 == 0xfe80
        || s[0] & 0xffc0 == 0xfec0
        || s[0] & 0xfe00 == 0xfc00
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])
    {
        return true;
    }
    if let Some(v4) = addr.to_ipv4_mapped() {
        return is_infrastructure_v4(v4);
    }
    // Deprecated IPv4-compatible form `::a.b.c.d`, and NAT64's well-known
    // prefix `64:ff9b::/96`.
    if s[..6] == [0; 6] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return is_infrastructure_v4(Ipv4Addr::new(a, b, c, d));
    }
    s[0] & 0xe000 != 0x2000
}

fn is_infrastructure_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        // 0.0.0.0/8, "this network" (also what `::1234` would embed).
        || a == 0
        // 100.64.0.0/10, carrier-grade NAT.
        || (a == 100 && b & 0xc0 == 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::scan_trickled;
    use crate::{Engine, KindSet};

    /// The shape check as it was written on `str`, kept as the reference
    /// for the one-pass byte version.
    fn plausible_shape_reference(text: &str) -> bool {
        if text == "::" || text.bytes().filter(|&b| b == b':').count() < 2 {
            return false;
        }
        let compressed = text.contains("::");
        let hex_part = match text.rfind(':') {
            Some(i) if text[i..].contains('.') => &text[..i],
            _ => text,
        };
        let has_v4 = hex_part.len() != text.len();
        let groups = || hex_part.split(':').filter(|g| !g.is_empty());
        if !compressed && groups().all(|g| g.len() == 2) {
            return false;
        }
        if groups().any(|g| {
            g.bytes().any(|b| b.is_ascii_uppercase()) && g.bytes().any(|b| b.is_ascii_lowercase())
        }) {
            return false;
        }
        if compressed && !has_v4 && text != "::1" {
            let longest = groups().map(str::len).max().unwrap_or(0);
            if longest < 3 || !text.bytes().any(|b| b.is_ascii_digit()) {
                return false;
            }
        }
        true
    }

    #[test]
    fn shape_check_agrees_with_the_str_reference() {
        let pieces = [
            "", ":", "::", "1", "12", "ab", "abc", "ABC", "aB", "fe80", "0db8", ".", "1.2",
            "10.0.0.1", "ffff",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let text = format!("{a}{b}{c}{d}");
                        assert_eq!(
                            plausible_shape(text.as_bytes()),
                            plausible_shape_reference(&text),
                            "{text:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 50_000);
    }

    fn scan(hay: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        find(hay.as_bytes(), &mut out);
        out
    }

    /// Asserts exactly one address, the first occurrence of `value`, and
    /// returns its score.
    #[track_caller]
    fn one(hay: &str, value: &str) -> f32 {
        let got = scan(hay);
        let start = hay.find(value).unwrap_or(usize::MAX);
        let spans: Vec<_> = got.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(
            spans,
            vec![(start, start + value.len())],
            "in {hay:?} expected {value:?}"
        );
        assert_eq!((got[0].kind, got[0].detector), (Kind::IpAddress, "ip.v6"));
        got[0].score
    }

    #[track_caller]
    fn none(hay: &str) {
        let got = scan(hay);
        let values: Vec<_> = got.iter().map(|f| &hay[f.start..f.end]).collect();
        assert!(values.is_empty(), "in {hay:?} found {values:?}");
    }

    #[test]
    fn public_addresses() {
        let got = scan("from 2a00:1450:4001:81b::200e port");
        assert_eq!(
            (got[0].start, got[0].end, got[0].score),
            (5, 29, SCORE_PUBLIC)
        );
        for (hay, value) in [
            (
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            ),
            ("ip=2001:db8::1 ok", "2001:db8::1"),
            ("ip: 2001:db8::1.", "2001:db8::1"),
            (
                "client 2001:DB8:0:0:8:800:200C:417A,",
                "2001:DB8:0:0:8:800:200C:417A",
            ),
            ("[2001:db8::8a2e:370:7334]:8443", "2001:db8::8a2e:370:7334"),
            ("http://[2606:4700:4700::1111]/", "2606:4700:4700::1111"),
            ("addr=2001:db8::/32", "2001:db8::"),
            ("route 2001:db8:abcd:12::/64 via", "2001:db8:abcd:12::"),
            ("{\"ip\":\"2001:db8::42\"}", "2001:db8::42"),
            ("mapped ::ffff:192.0.2.1 here", "::ffff:192.0.2.1"),
            ("mapped ::ffff:8.8.8.8", "::ffff:8.8.8.8"),
            ("64:ff9b::203.0.113.9", "64:ff9b::203.0.113.9"),
            ("2001:db8::1%eth0", "2001:db8::1"),
            ("connect to 2001:db8::1: refused", "2001:db8::1"),
            ("\t2001:db8:1:2:3:4:5:6\n", "2001:db8:1:2:3:4:5:6"),
        ] {
            assert_eq!(one(hay, value), SCORE_PUBLIC, "{hay}");
        }
    }

    #[test]
    fn infrastructure_addresses_score_low() {
        for (hay, value) in [
            ("listen [::1]:80", "::1"),
            ("0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1"),
            ("0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:0"),
            ("fe80::1ff:fe23:4567:890a%eth2", "fe80::1ff:fe23:4567:890a"),
            ("febf::1234", "febf::1234"),
            ("fd12:3456:789a:1::1", "fd12:3456:789a:1::1"),
            ("fc00::1234", "fc00::1234"),
            ("ff02::1:ff00:1234", "ff02::1:ff00:1234"),
            ("ff02::fb", "ff02::fb"),
            ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
            ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
            ("::ffff:100.64.1.1", "::ffff:100.64.1.1"),
            ("::192.168.0.1", "::192.168.0.1"),
            ("fec0::1234", "fec0::1234"),
            // Rust paths that parse as addresses in reserved space.
            ("Some(c::B300)", "c::B300"),
            ("f33c::1", "f33c::1"),
            ("64:ff9b::10.0.0.1", "64:ff9b::10.0.0.1"),
        ] {
            assert_eq!(one(hay, value), SCORE_INFRASTRUCTURE, "{hay}");
        }
        // Global unicast is 2000::/3; around it is reserved space.
        let at = |s0: u16| is_infrastructure(Ipv6Addr::new(s0, 0, 0, 0, 0, 0, 0, 0x1234));
        assert!(at(0x1fff) && at(0x4000) && at(0x000c) && at(0xfe7f));
        assert!(!at(0x2000) && !at(0x3fff));
    }

    #[test]
    fn not_addresses() {
        for hay in [
            "mac 00:1a:2b:3c:4d:5e",
            "eui 00:1a:2b:ff:fe:3c:4d:5e",
            "12:34:56",
            "at 2024-01-01T10:20:30Z",
            "2024-01-01 10:20:30.123",
            "std::vector<int>",
            "Foo::Bar::baz()",
            "Bad::Cafe",
            "a::b",
            "C::",
            "add::bed",
            ":: separator ::",
            "::",
            "x :: y",
            "{\"a\":\"b\",\"c\":1}",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "de:ad:be:ef:ca:fe:ba:be:00:11:22:33:44:55:66:77:88:99",
            "1:2:3",
            "2001:db8::1::2",
            "2001:db8:0:0:0:0:0:0:1",
            "12345::1",
            "2001:db8::g1",
            "x2001:db8::1",
            "v1.2001:db8::1",
            "::ffff:1.2.3",
            "::ffff:300.1.1.1",
        ] {
            none(hay);
        }
    }

    #[test]
    fn overlong_runs_are_rejected_whole() {
        let run = "abcd:".repeat(20);
        none(&format!(" {run} "));
        // Just under the limit and valid: found.
        one(" 2001:db8:1:2:3:4:5:6 ", "2001:db8:1:2:3:4:5:6");
    }

    #[test]
    fn chunked_scan_equals_whole_scan() {
        let engine = Engine::new([Kind::IpAddress].into_iter().collect::<KindSet>());
        let mut hay = Vec::new();
        for i in 0..3000usize {
            let pad = " ".repeat(i % 29);
            hay.extend_from_slice(
                format!(
                    "{pad}{i} GET /x from 2001:db8:{i:x}::1 [fe80::{i:x}%eth0] \
                     mac 00:1a:2b:3c:4d:5e at 10:20:{s:02} std::vector \
                     ::ffff:192.0.2.{o}\n",
                    s = i % 60,
                    o = i % 250 + 1,
                )
                .as_bytes(),
            );
        }
        let mut whole = Vec::new();
        engine.scan(&hay, &mut whole);
        // The mapped addresses hold dotted quads the IPv4 detector may
        // also claim; count only the pure IPv6 ones.
        let v6 = whole.iter().filter(|f| f.detector == "ip.v6").count();
        assert!(v6 >= 3000 * 2, "{v6}");
        for step in [1, 11, 4096, 65_536] {
            assert_eq!(scan_trickled(&engine, &hay, step), whole, "step {step}");
        }
    }
}
