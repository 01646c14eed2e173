//! Judging a syntactically valid address: is it a person's, a shared
//! (role) mailbox, or not an address at all (a Message-ID)?

/// Mailboxes that belong to a function, not a person. They are still
/// reported (a leaked `support@` list is worth knowing about) but scored
/// below the personal-data threshold, because breach notification is owed
/// to people, and flooding the affected-customer count with `noreply@`
/// would make every scope wrong. Compared after lower-casing, dropping a
/// `+tag`, the separators `.`, `-`, `_` and trailing digits, so
/// `No-Reply`, `no_reply` and `support2+x` all match. Looked up in
/// [`ROLE_TABLE`] once per address found; none is longer than 15 bytes.
const ROLE_MAILBOXES: &[&[u8]] = &[
    b"abuse",
    b"account",
    b"accounting",
    b"accounts",
    b"admin",
    b"administrator",
    b"alert",
    b"alerts",
    b"billing",
    b"careers",
    b"compliance",
    b"contact",
    b"contactus",
    b"customercare",
    b"customerservice",
    b"customersupport",
    b"daemon",
    b"donotreply",
    b"dpo",
    b"enquiries",
    b"enquiry",
    b"feedback",
    b"ftp",
    b"gdpr",
    b"git",
    b"hello",
    b"help",
    b"helpdesk",
    b"hostmaster",
    b"hr",
    b"info",
    b"inquiries",
    b"invoice",
    b"invoices",
    b"jobs",
    b"legal",
    b"listserv",
    b"mailerdaemon",
    b"majordomo",
    b"marketing",
    b"media",
    b"news",
    b"newsletter",
    b"newsletters",
    b"nobody",
    b"noreply",
    b"notification",
    b"notifications",
    b"office",
    b"order",
    b"orders",
    b"payments",
    b"postmaster",
    b"press",
    b"privacy",
    b"recruiting",
    b"returns",
    b"root",
    b"sales",
    b"security",
    b"service",
    b"shipping",
    b"subscribe",
    b"support",
    b"sysadmin",
    b"team",
    b"unsubscribe",
    b"updates",
    b"webmaster",
    b"www",
];

/// Role prefixes that are followed by generated tails (`bounce-1234`,
/// `noreply-shop`, VERP `bounces+user=example.com`).
const ROLE_PREFIXES: &[&[u8]] = &[b"bounce", b"noreply", b"donotreply", b"mailerdaemon"];

/// Longest normalised local part compared against the role list; longer
/// ones cannot be in it (prefix roles are checked on the first bytes).
const ROLE_BUF: usize = 32;

/// Role names are compared as integers, not strings (a binary search
/// with a string comparison at each step was ~600 instructions an
/// address): up to 16 bytes packed little-endian and zero-padded.
const ROLE_PACKED: usize = 16;

const fn pack_bytes(s: &[u8]) -> u128 {
    assert!(s.len() <= ROLE_PACKED);
    let mut b = [0u8; ROLE_PACKED];
    let mut i = 0;
    while i < s.len() {
        b[i] = s[i];
        i += 1;
    }
    u128::from_le_bytes(b)
}

/// A whole name: its bytes, and its length in the last byte, so that
/// names ending in NUL bytes stay apart from shorter ones.
const fn pack_role(s: &[u8]) -> u128 {
    assert!(s.len() < ROLE_PACKED);
    pack_bytes(s) | (s.len() as u128) << (8 * (ROLE_PACKED - 1))
}

const ROLE_SLOTS: usize = 256;

const fn role_slot(x: u128) -> usize {
    let h = (x as u64) ^ ((x >> 64) as u64);
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - ROLE_SLOTS.trailing_zeros())) as usize
}

/// [`ROLE_MAILBOXES`] in an open-addressed table (0: empty slot).
static ROLE_TABLE: [u128; ROLE_SLOTS] = {
    let mut t = [0u128; ROLE_SLOTS];
    let mut i = 0;
    while i < ROLE_MAILBOXES.len() {
        let x = pack_role(ROLE_MAILBOXES[i]);
        let mut s = role_slot(x);
        while t[s] != 0 {
            s = (s + 1) % ROLE_SLOTS;
        }
        t[s] = x;
        i += 1;
    }
    t
};

/// [`ROLE_PREFIXES`] as (mask, bytes) over the first 16 bytes of a
/// normalised local part.
static ROLE_PREFIX_MASKS: [(u128, u128); ROLE_PREFIXES.len()] = {
    let mut t = [(0u128, 0u128); ROLE_PREFIXES.len()];
    let mut i = 0;
    while i < ROLE_PREFIXES.len() {
        let p = ROLE_PREFIXES[i];
        t[i] = ((1u128 << (8 * p.len())) - 1, pack_bytes(p));
        i += 1;
    }
    t
};

/// Whether the decoded local part names a role mailbox.
pub(super) fn is_role(local: &[u8]) -> bool {
    let mut buf = [0u8; ROLE_BUF];
    let mut n = 0;
    for &b in local {
        match b {
            b'+' => break,
            b'.' | b'-' | b'_' => {}
            _ => {
                if n == ROLE_BUF {
                    break;
                }
                buf[n] = b.to_ascii_lowercase();
                n += 1;
            }
        }
    }
    // Prefixes contain no NUL byte, and the padding is NUL: a part
    // shorter than a prefix cannot match it.
    let head = pack_bytes(&buf[..ROLE_PACKED]);
    if ROLE_PREFIX_MASKS.iter().any(|&(m, p)| head & m == p) {
        return true;
    }
    let cut = buf[..n]
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    // An empty stem would pack to 0, the empty slot; no role is 16 bytes.
    if cut == 0 || cut >= ROLE_PACKED {
        return false;
    }
    let x = pack_role(&buf[..cut]);
    let mut s = role_slot(x);
    loop {
        match ROLE_TABLE[s] {
            e if e == x => return true,
            0 => return false,
            _ => s = (s + 1) % ROLE_SLOTS,
        }
    }
}

/// Per byte of a local part, the counts it adds, in ten-bit lanes (local
/// parts are at most [`super::LOCAL_BUF`] bytes, so lanes never carry):
/// 0 for a byte people use and generators rarely do.
static LOCAL_COUNTS: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'0'..=b'9' => DIGITS,
            b'a'..=b'f' => HEX | LOWER,
            b'A'..=b'F' => HEX | UPPER,
            b'g'..=b'z' => OTHER | LOWER,
            b'G'..=b'Z' => OTHER | UPPER,
            b'.' | b'-' | b'_' | b'$' => SEPS,
            _ => 0,
        };
        b += 1;
    }
    t
};
const DIGITS: u64 = 1;
const HEX: u64 = 1 << 10;
const OTHER: u64 = 1 << 20;
const SEPS: u64 = 1 << 30;
const UPPER: u64 = 1 << 40;
const LOWER: u64 = 1 << 50;
const _: () = assert!(super::LOCAL_BUF < 1 << 10 && super::MAX_LOCAL_RAW < 1 << 10);

/// Whether a local part looks generated by a machine (a Message-ID, a
/// tracking token) rather than chosen by a person: such `x@y` strings are
/// identifiers of messages, not mailboxes.
pub(super) fn looks_machine_generated(local: &[u8]) -> bool {
    if local.len() >= 1 << 10 {
        return false;
    }
    let mut acc = 0u64;
    let mut transitions = 0usize;
    // Whether the last letter or digit was a digit; 2 before the first.
    let mut prev_digit = 2u8;
    for &b in local {
        let c = LOCAL_COUNTS[usize::from(b)];
        // `+`, quotes, non-ASCII: people use these, generators rarely do.
        if c == 0 {
            return false;
        }
        if c != SEPS {
            let d = u8::from(c == DIGITS);
            transitions += usize::from(prev_digit ^ d == 1);
            prev_digit = d;
        }
        acc += c;
    }
    let lane = |unit: u64| ((acc / unit) & 0x3ff) as usize;
    let (digits, hex_letters, other_letters) = (lane(DIGITS), lane(HEX), lane(OTHER));
    let (seps, upper, lower) = (lane(SEPS), lane(UPPER), lane(LOWER));
    let core = digits + hex_letters + other_letters;
    // UUIDs, hashes: a long run of hex with digits in it.
    if other_letters == 0 && core >= 16 && digits > 0 {
        return true;
    }
    // `1234.5678@`, `20240101103000.12345@`: timestamps and counters.
    if hex_letters + other_letters == 0 && seps > 0 && digits >= 6 {
        return true;
    }
    // Base64-ish tokens: long, mixed case, digits scattered through.
    core >= 20 && upper > 0 && lower > 0 && transitions >= 4
}

/// Headers whose `x@y` values are message identifiers.
const ID_HEADERS: &[&[u8]] = &[
    b"message-id:",
    b"references:",
    b"in-reply-to:",
    b"content-id:",
    b"resent-message-id:",
    b"x-message-id:",
    b"original-message-id:",
    b"x-original-message-id:",
];

/// How far back the header name of the current (possibly folded) header
/// line is searched for; long `References:` lines beyond this are judged
/// by the local-part heuristics alone.
pub(super) const HEADER_WINDOW: usize = 320;

/// Whether `pos` lies in the value of a Message-ID-like mail header. A
/// header line may be folded (continuation lines start with a space or a
/// tab), so the logical line is followed back to its name. The start of
/// `hay` counts as a line start: the streaming scanner only reports
/// findings whose look-behind lies entirely inside the chunk, so `hay`
/// starting inside the window means the stream starts there.
pub(super) fn in_message_id_header(hay: &[u8], pos: usize) -> bool {
    let from = pos.saturating_sub(HEADER_WINDOW);
    let window = &hay[from..pos];
    let mut end = window.len();
    let line = loop {
        match memchr::memrchr(b'\n', &window[..end]) {
            Some(i) => {
                let next = hay.get(from + i + 1).copied();
                if matches!(next, Some(b' ' | b'\t')) {
                    end = i;
                    continue;
                }
                break &window[i + 1..];
            }
            None if from == 0 => break window,
            None => return false,
        }
    };
    ID_HEADERS
        .iter()
        .any(|h| line.len() >= h.len() && line[..h.len()].eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_in_the_table_and_nothing_else() {
        assert!(ROLE_MAILBOXES.iter().all(|r| is_role(r)));
        let filled = ROLE_TABLE.iter().filter(|&&x| x != 0).count();
        assert_eq!(filled, ROLE_MAILBOXES.len(), "a role listed twice");
        // Near misses: one byte more, less or changed, and a NUL byte,
        // which packing must not confuse with padding.
        for r in ROLE_MAILBOXES {
            let mut longer = r.to_vec();
            longer.push(b'x');
            assert!(!is_role(&longer) || ROLE_PREFIXES.iter().any(|p| r.starts_with(p)));
            let mut nul = r.to_vec();
            nul.push(0);
            assert!(!is_role(&nul) || ROLE_PREFIXES.iter().any(|p| r.starts_with(p)));
            let mut changed = r.to_vec();
            changed[0] = b'q';
            assert!(!is_role(&changed), "{}", String::from_utf8_lossy(&changed));
        }
    }

    #[test]
    fn roles_match_after_normalising() {
        for local in [
            "support",
            "Support",
            "no-reply",
            "no_reply",
            "NoReply",
            "do-not-reply",
            "mailer-daemon",
            "MAILER-DAEMON",
            "bounces+jane=example.com",
            "bounce-8812",
            "info2",
            "support+ticket-42",
            "customer.service",
            "git",
            "postmaster",
        ] {
            assert!(is_role(local.as_bytes()), "{local}");
        }
        for local in [
            "jane",
            "jane.doe",
            "info.jane",
            "supporter",
            "teamlead.kim",
            "j.sales",
            "gita",
            "15551234567",
            "",
        ] {
            assert!(!is_role(local.as_bytes()), "{local}");
        }
    }

    #[test]
    fn machine_generated_local_parts() {
        for local in [
            "1234.5678",
            "20240101103000.12345",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "a1b2c3d4e5f6a7b8c9d0",
            "CAKx3F9aBcD7eFgH2iJkL9mN",
        ] {
            assert!(looks_machine_generated(local.as_bytes()), "{local}");
        }
        for local in [
            "jane.doe",
            "jane.doe1985",
            "j.smith-2",
            "15551234567",
            "o'brien",
            "jane+shop",
            "deadbeef",
            "MaryAnne.Smith",
        ] {
            assert!(!looks_machine_generated(local.as_bytes()), "{local}");
        }
    }

    /// The plain versions the table-driven ones replaced.
    fn is_role_reference(local: &[u8]) -> bool {
        let norm: Vec<u8> = local
            .iter()
            .take_while(|&&b| b != b'+')
            .filter(|&&b| !matches!(b, b'.' | b'-' | b'_'))
            .take(ROLE_BUF)
            .map(u8::to_ascii_lowercase)
            .collect();
        let cut = norm
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        ROLE_PREFIXES.iter().any(|p| norm.starts_with(p)) || ROLE_MAILBOXES.contains(&&norm[..cut])
    }

    fn looks_machine_generated_reference(local: &[u8]) -> bool {
        let (mut digits, mut hex, mut other, mut seps, mut upper, mut lower) = (0, 0, 0, 0, 0, 0);
        let mut transitions = 0;
        let mut prev_digit: Option<bool> = None;
        for &b in local {
            match b {
                b'0'..=b'9' => digits += 1,
                b'a'..=b'f' | b'A'..=b'F' => hex += 1,
                b'g'..=b'z' | b'G'..=b'Z' => other += 1,
                b'.' | b'-' | b'_' | b'$' => seps += 1,
                _ => return false,
            }
            upper += usize::from(b.is_ascii_uppercase());
            lower += usize::from(b.is_ascii_lowercase());
            if b.is_ascii_alphanumeric() {
                let d = b.is_ascii_digit();
                transitions += usize::from(prev_digit.is_some_and(|p| p != d));
                prev_digit = Some(d);
            }
        }
        let core = digits + hex + other;
        (other == 0 && core >= 16 && digits > 0)
            || (hex + other == 0 && seps > 0 && digits >= 6)
            || (core >= 20 && upper > 0 && lower > 0 && transitions >= 4)
    }

    #[test]
    fn table_driven_checks_agree_with_the_plain_ones() {
        let pieces: &[&[u8]] = &[
            b"support",
            b"no",
            b"Reply",
            b"-",
            b".",
            b"_",
            b"+",
            b"2",
            b"0415",
            b"bounce",
            b"MAILER",
            b"daemon",
            b"jane",
            b"3f2504e0",
            b"a1B2",
            b"x",
            b"$",
            b"\0",
            b"\xc3\xa9",
            b"info",
            b"customerservice",
            b"Q",
            b"9",
        ];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let (mut roles, mut generated) = (0, 0);
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut local = Vec::new();
            for k in 0..1 + x % 6 {
                local
                    .extend_from_slice(pieces[((x >> (8 + 5 * k)) % pieces.len() as u64) as usize]);
            }
            let name = String::from_utf8_lossy(&local);
            assert_eq!(is_role(&local), is_role_reference(&local), "{name}");
            assert_eq!(
                looks_machine_generated(&local),
                looks_machine_generated_reference(&local),
                "{name}"
            );
            roles += usize::from(is_role(&local));
            generated += usize::from(looks_machine_generated(&local));
        }
        assert!(
            roles > 1000 && generated > 1000,
            "{roles} roles, {generated} generated"
        );
    }

    #[test]
    fn message_id_headers_are_found_through_folding() {
        let hay = b"From: a@b.com\r\nMessage-ID: <x@y.com>\r\n";
        let at = hay.iter().position(|&b| b == b'<').unwrap_or(0) + 1;
        assert!(in_message_id_header(hay, at));
        assert!(!in_message_id_header(hay, 6));
        let folded = b"Subject: hi\nReferences: <a@b.com>\n <c@d.com>\nTo: <e@f.com>\n";
        let second = b"Subject: hi\nReferences: <a@b.com>\n <".len();
        assert_eq!(folded[second], b'c');
        assert!(in_message_id_header(folded, second));
        let to = folded.len() - 9;
        assert_eq!(folded[to], b'e');
        assert!(!in_message_id_header(folded, to));
        // No line start inside the window: not a header value.
        let mut long = b"Message-ID: ".to_vec();
        long.extend(std::iter::repeat_n(b'x', HEADER_WINDOW + 10));
        assert!(!in_message_id_header(&long, long.len()));
    }
}
