use super::*;
use crate::stream::StreamScanner;
use crate::Engine;

fn detector() -> NumericDetector {
    NumericDetector::new(Kind::ALL)
}

/// Findings sorted by position, with the same overlap rule as the engine
/// applied by hand (there should rarely be overlaps to resolve).
fn findings(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    detector().find(text.as_bytes(), &mut out);
    out.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    out
}

/// The findings that count as personal data by default (score >= 0.5).
fn pii(text: &str) -> Vec<(Kind, String)> {
    findings(text)
        .into_iter()
        .filter(|f| f.score >= 0.5)
        .map(|f| (f.kind, text[f.start..f.end].to_string()))
        .collect()
}

/// Asserts that `text` yields exactly one finding, of `kind`, covering
/// exactly `value` (located in `text`), and returns it.
#[track_caller]
fn exactly(text: &str, kind: Kind, value: &str) -> Finding {
    let all = findings(text);
    assert_eq!(all.len(), 1, "{text:?}: {all:?}");
    let f = all[0];
    let at = text
        .find(value)
        .unwrap_or_else(|| panic!("{value:?} not in {text:?}"));
    assert_eq!(
        (f.kind, f.start, f.end),
        (kind, at, at + value.len()),
        "{text:?} -> {:?}",
        &text[f.start..f.end]
    );
    f
}

#[track_caller]
fn nothing(text: &str) {
    let all = findings(text);
    assert!(
        all.is_empty(),
        "{text:?}: {:?}",
        all.iter()
            .map(|f| (f.kind, &text[f.start..f.end], f.score))
            .collect::<Vec<_>>()
    );
}

#[track_caller]
fn no_pii(text: &str) {
    assert_eq!(pii(text), vec![], "{text:?}");
}

#[track_caller]
fn no_phone(text: &str) {
    let got: Vec<_> = pii(text)
        .into_iter()
        .filter(|(k, _)| *k == Kind::PhoneNumber)
        .collect();
    assert!(got.is_empty(), "{text:?}: {got:?}");
}

// ---------------------------------------------------------------- cards

#[test]
fn cards_in_every_layout() {
    for (text, value) in [
        ("4111111111111111", "4111111111111111"),
        ("card: 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("pay with 5555-5555-5555-4444 today", "5555-5555-5555-4444"),
        ("amex 3782 822463 10005.", "3782 822463 10005"),
        ("(378282246310005)", "378282246310005"),
        ("diners 3056 930902 5904", "3056 930902 5904"),
        ("jcb=3530111333300000;", "3530111333300000"),
        ("\"6011111111111117\",", "6011111111111117"),
        ("4222222222222 is a 13-digit visa", "4222222222222"),
        ("cc# 2223003122003222", "2223003122003222"),
        ("a,4012888888881881,b", "4012888888881881"),
        ("row 12 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("4111 1111 1111 1111 12/27 123", "4111 1111 1111 1111"),
        // One pair of groups one apart happens in real cards.
        ("5425 2334 2335 9903", "5425 2334 2335 9903"),
    ] {
        let f = exactly(text, Kind::PaymentCard, value);
        assert_eq!(f.detector, "card.luhn");
        assert!(f.score >= 0.85, "{text:?} {}", f.score);
    }
}

#[test]
fn generated_cards_across_issuer_ranges_are_found() {
    use super::card::tests::with_check_digit;
    for body in [
        "411111111111111",
        "510510510510510",
        "222100000000000",
        "272099000000000",
        "37828224631000",
        "601100099013942",
        "644564456445644",
        "3056930902590",
        "353011133330000",
        "620000000000000",
        "453201511283036412",
    ] {
        let number = with_check_digit(body);
        exactly(&format!("card {number} end"), Kind::PaymentCard, &number);
    }
}

#[test]
fn card_context_moves_the_score() {
    let plain = exactly("4111111111111111", Kind::PaymentCard, "4111111111111111");
    let carded = exactly(
        "Visa: 4111111111111111",
        Kind::PaymentCard,
        "4111111111111111",
    );
    let ordered = exactly(
        "order number 4111111111111111",
        Kind::PaymentCard,
        "4111111111111111",
    );
    let tracked = exactly(
        "Tracking: 4111111111111111",
        Kind::PaymentCard,
        "4111111111111111",
    );
    assert!(carded.score > plain.score);
    assert!(ordered.score < 0.5 && tracked.score < 0.5);
    // A mailbox named "orders" is no order number.
    let mailbox = exactly(
        "ann+orders@shop.example,\"Ann Lee\",4111111111111111",
        Kind::PaymentCard,
        "4111111111111111",
    );
    assert!(mailbox.score >= 0.9);
    // "refund" is not "ref".
    let refund = exactly(
        "refund to 4111111111111111",
        Kind::PaymentCard,
        "4111111111111111",
    );
    assert!(refund.score >= 0.5);
}

#[test]
fn luhn_valid_numbers_in_lists_of_big_numbers_are_chance() {
    let score = |text: &str| {
        let at = text.find("4244818956425434151");
        let f = findings(text).into_iter().find(|f| Some(f.start) == at);
        f.filter(|f| f.kind == Kind::PaymentCard)
            .map_or(0.0, |f| f.score)
    };
    // Lists of 64-bit constants: one random number in ten passes Luhn.
    for text in [
        "    13904284351856275257,\n    4244818956425434151,\n",
        "(4244818956425434151, 1731115519625347879),",
        "x = -4244818956425434151;",
    ] {
        assert!(score(text) < 0.5, "{text:?}");
    }
    // A column of real cards, or a card next to a timestamp or order id.
    for text in [
        "4111111111111111,4244818956425434151\n",
        "4244818956425434151,20240101123456,1042\n",
        "4244818956425434151",
    ] {
        assert!(score(text) >= 0.5, "{text:?}");
    }
}

#[test]
fn not_cards() {
    for text in [
        "4111111111111112",                              // Luhn fails
        "1234567890123452",                              // Luhn ok, no issuer
        "ab4111111111111111",                            // inside a token
        "4111111111111111x",                             // inside a token
        "ORD-4111111111111111",                          // an order id
        "/product/4111111111111111",                     // a path segment
        "4111-1111 1111-1111",                           // mixed separators
        "4111.1111.1111.1111",                           // dots are not card grouping
        "4111 1111 1111 11 11",                          // wrong grouping
        "**** **** **** 1111",                           // masked
        "XXXX-XXXX-XXXX-1234",                           // masked
        "411111******1111",                              // masked
        "41111111111111111111111111",                    // too long, not split
        "old account AT47 4111 1111 1111 1111 (closed)", // an IBAN's tail
        "ES84 7550 4111 1111 1111 1111",                 // the tail of a longer number
        // Rows of code points and IDs whose groups count up.
        "insert ( 2278 void 11 10 4 t p P f t ',' 0 - 0 0 2298 2299 3120 3121 - - - i p f )",
        "540F 5410 5411 5412 5413\n5414 5415 5416 5417 20BBF 20BC6",
        "378282246310005 0", // fine alone, but the next word is an Amex? no: shape
    ] {
        let got: Vec<_> = pii(text)
            .into_iter()
            .filter(|(k, _)| *k == Kind::PaymentCard)
            .collect();
        if text.starts_with("378282246310005 ") {
            assert_eq!(got.len(), 1, "{text:?}");
            continue;
        }
        assert!(got.is_empty(), "{text:?}: {got:?}");
    }
}

// ------------------------------------------------------------------ SSN

#[test]
fn ssns() {
    let f = exactly("SSN: 536-22-1234", Kind::UsSsn, "536-22-1234");
    assert_eq!(f.detector, "ssn.dashed");
    assert!(f.score >= 0.9);
    let f = exactly("emp 536-22-1234 hired", Kind::UsSsn, "536-22-1234");
    assert!((0.6..0.9).contains(&f.score), "{}", f.score);
    let f = exactly("social security number 536221234", Kind::UsSsn, "536221234");
    assert_eq!(f.detector, "ssn.context");
    assert!(f.score >= 0.8);
    exactly("ss#536 22 1234", Kind::UsSsn, "536 22 1234");
    exactly("SSN 219-09-9998 pending", Kind::UsSsn, "219-09-9998");
    exactly("Taxpayer id: 536221234.", Kind::UsSsn, "536221234");
}

#[test]
fn ssn_invalid_ranges_and_famous_numbers() {
    for bad in [
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",
        "987-65-4321",
        "536-00-1234",
        "536-22-0000",
        "078-05-1120",
        "219-09-9999",
    ] {
        let got: Vec<_> = pii(&format!("SSN: {bad}"))
            .into_iter()
            .filter(|(k, _)| *k == Kind::UsSsn)
            .collect();
        assert!(got.is_empty(), "{bad}: {got:?}");
    }
    let example = exactly("ssn 123-45-6789", Kind::UsSsn, "123-45-6789");
    assert!(example.score < 0.5);
}

#[test]
fn not_ssns() {
    nothing("536221234"); // nine digits and no context
    nothing("id 536221234");
    nothing("2024-01-15");
    nothing("ssn-536-22-1234x");
    nothing("PN-536-22-1234");
    nothing("536-221-234");
    // A Japanese number's layout, not an SSN's.
    assert_eq!(pii("0536-22-1234")[0].0, Kind::PhoneNumber);
    // Spaced groups inside a longer run of numbers are not an SSN.
    no_pii("totals 12 536 22 1234 7");
}

// ----------------------------------------------------------------- IBAN

/// Makes a valid IBAN by computing its check digits.
fn iban_for(country: &str, bban: &str) -> String {
    let probe = format!("{country}00{bban}");
    for check in 2..=98 {
        let candidate = format!("{country}{check:02}{bban}");
        if iban::mod97_ok(candidate.as_bytes()) {
            return candidate;
        }
    }
    panic!("no check digits for {probe}")
}

fn spaced(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn ibans() {
    for (text, value) in [
        (
            "IBAN DE89 3704 0044 0532 0130 00 for",
            "DE89 3704 0044 0532 0130 00",
        ),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        (
            "iban: FR14 2004 1010 0505 0001 3M02 606.",
            "FR14 2004 1010 0505 0001 3M02 606",
        ),
        ("(NL91ABNA0417164300)", "NL91ABNA0417164300"),
        ("to BE68539007547034,", "BE68539007547034"),
        ("NO9386011117947", "NO9386011117947"),
        (
            "MT84MALT011000012345MTLCAST001S",
            "MT84MALT011000012345MTLCAST001S",
        ),
    ] {
        let f = exactly(text, Kind::Iban, value);
        assert_eq!(f.detector, "iban.mod97");
        assert!(f.score >= 0.9);
    }
    for (country, bban) in [
        ("ES", "21000418450200051332"),
        ("IT", "X0542811101000000123456"),
        ("PL", "109010140000071219812874"),
        ("CH", "00762011623852957"),
        ("AT", "1904300234573201"),
    ] {
        let iban = iban_for(country, bban);
        exactly(&format!("acct {iban} ok"), Kind::Iban, &iban);
        let print = spaced(&iban);
        exactly(&format!("acct {print} ok"), Kind::Iban, &print);
    }
}

#[test]
fn not_ibans() {
    for text in [
        "DE89 3704 0044 0532 0130 01", // check digits fail
        "XDE89370400440532013000",     // glued to a letter
        "DE8937040044053201300",       // one short
        "DE893704004405320130001",     // one long
        "US12345678901234567890",      // no IBAN country
        "de89370400440532013000",      // lowercase
    ] {
        let got: Vec<_> = pii(text)
            .into_iter()
            .filter(|(k, _)| *k == Kind::Iban)
            .collect();
        assert!(got.is_empty(), "{text:?}: {got:?}");
    }
}

// ---------------------------------------------------------------- phones

#[test]
fn phones_international_and_national() {
    for (text, value) in [
        ("+1 415-555-0132", "+1 415-555-0132"),
        ("call (415) 555-0132 now", "(415) 555-0132"),
        ("415.555.0132", "415.555.0132"),
        ("Tel: +44 20 7946 0958", "+44 20 7946 0958"),
        ("020 7946 0958", "020 7946 0958"),
        ("+49 30 12345678", "+49 30 12345678"),
        ("030 12345678", "030 12345678"),
        ("030/12345678", "030/12345678"),
        ("+33 1 42 68 53 00", "+33 1 42 68 53 00"),
        ("01 42 68 53 00", "01 42 68 53 00"),
        ("+34 912 345 678", "+34 912 345 678"),
        ("+39 06 6982 1234", "+39 06 6982 1234"),
        ("06 6982 1234", "06 6982 1234"),
        ("+31 20 123 4567", "+31 20 123 4567"),
        ("+55 11 91234-5678", "+55 11 91234-5678"),
        ("(11) 91234-5678", "(11) 91234-5678"),
        ("+91 98765 43210", "+91 98765 43210"),
        ("+81 3-1234-5678", "+81 3-1234-5678"),
        ("03-1234-5678", "03-1234-5678"),
        ("tel:+14155550132", "+14155550132"),
        ("+49 30 901820,", "+49 30 901820"),
        ("+44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
        ("+1 (415) 555-0132", "+1 (415) 555-0132"),
        ("1-800-555-0199", "1-800-555-0199"),
        ("0044 20 7946 0958", "0044 20 7946 0958"),
        ("phone: 4155550132", "4155550132"),
        ("row 7 +44 20 7946 0958", "+44 20 7946 0958"),
    ] {
        let f = exactly(text, Kind::PhoneNumber, value);
        assert!(f.score >= 0.8, "{text:?} scored {}", f.score);
        let intl = value.starts_with('+') || value.starts_with("00");
        assert_eq!(
            f.detector,
            if intl { "phone.e164" } else { "phone.national" }
        );
    }
}

#[test]
fn bare_national_digits_score_lower_unless_context_says_phone() {
    let bare = exactly("98765 43210", Kind::PhoneNumber, "98765 43210");
    assert!((0.5..0.8).contains(&bare.score), "{}", bare.score);
    let told = exactly("mobile 98765 43210", Kind::PhoneNumber, "98765 43210");
    assert!(told.score > bare.score);
    let es = exactly("912 345 678", Kind::PhoneNumber, "912 345 678");
    assert!(es.score < 0.8);
    // Spanish mobiles are as often written 3-2-2-2.
    let es = exactly("'669 96 28 25',", Kind::PhoneNumber, "669 96 28 25");
    assert!((0.5..0.8).contains(&es.score), "{}", es.score);
    exactly("movil 657-80-84-52", Kind::PhoneNumber, "657-80-84-52");
}

#[test]
fn phone_words_count_as_whole_words_on_the_same_line() {
    for text in [
        "tel 4155550132",
        "Tel.: 4155550132",
        "telNo=4155550132",
        "mobilePhone: 4155550132",
        "Telephone 4155550132",
        "ND_IOCTL_CALL = 4155550132",
    ] {
        exactly(text, Kind::PhoneNumber, "4155550132");
    }
    // `tel` inside a word, a phone word on the line above (a table of
    // prefixes and carriers): bare digits stay unproven.
    for text in [
        "hotel 4155550132",
        "MS_NOREMOTELOCK: u32 = 134217728;",
        "at atelier 4155550132",
        "telemetry 4155550132",
        "4155549|BSNL MOBILE\n4155550132|BSNL",
    ] {
        nothing(text);
    }
}

#[test]
fn digits_after_a_code_with_digits_are_one_more_code() {
    // Unicode code point lists: `0323 0307` would be a German number.
    for text in [
        "1E0A 031B 0323 0307;",
        "0061 05AE 0315 0300;",
        "ref A1B2 020 7946 0958",
        // The rest of an IBAN after its alphabetic bank code, valid or not.
        "old account NL92 TRIO 0326 5301 26 (closed)",
        "GB33 BUKB 2020 1555 5555",
    ] {
        no_phone(text);
    }
    exactly("Tel. ABCD 0326 5301 26", Kind::PhoneNumber, "0326 5301 26");
    // A list as whole `;` fields, each group a zero-padded code point.
    for text in [
        "FD2C;FD2C;FD2C;0636 0631;0636 0631; # ARABIC",
        "04C2;04C2;0436 0306;04C2;0436 0306;",
        "1F0A;1F0A;0391 0313 0300;1F0A;",
    ] {
        no_phone(text);
    }
    // A real number in 4-4 layout has a subscriber part without the 0.
    exactly("Tel. 0421 3456", Kind::PhoneNumber, "0421 3456");
    // Words without digits before a number do not join it.
    exactly("Tel 020 7946 0958", Kind::PhoneNumber, "020 7946 0958");
    exactly(
        "BE79 8081 xx 020 7946 0958",
        Kind::PhoneNumber,
        "020 7946 0958",
    );
}

#[test]
fn not_phones() {
    for text in [
        "2024-01-15",
        "15.01.2024",
        "01/15/2024",
        "2024-01-15 10:20:30",
        "10:20:30",
        "94107-1234",
        "Boston, MA 02110-1301",
        "Hartford, CT 06103-2819 USA",
        "ORD-4155550132",
        "/product/4155550132",
        "4155550132", // ten bare digits: an id as often as a phone
        "id=4155550132x",
        "$4155550132",
        "version 1.2.3",
        "3.14159",
        "1,234,567.89",
        "555-0132",
        "12 34 56 78 90 12 34",
        "4155550132@example.com",
        "1.2.3.4.5",
        "415-555-0132-abc",
        // Versions with a lone major number, as package lists show them.
        "vue-simple-icons\t0.28.1754804480\t534",
        "quantumrings-cpu\t0.12.2314\t2026-06",
        "tel 0.20.20260309",
    ] {
        no_phone(text);
    }
}

#[test]
fn dotted_phones_keep_the_us_one_prefix() {
    exactly("call 1.415.555.0132", Kind::PhoneNumber, "1.415.555.0132");
    exactly("tel: 01.42.68.53.00", Kind::PhoneNumber, "01.42.68.53.00");
}

// ------------------------------------------------------------------ IPv4

#[test]
fn ipv4_public_private_and_ports() {
    let f = exactly(
        "from 203.0.113.24 (Mozilla",
        Kind::IpAddress,
        "203.0.113.24",
    );
    assert_eq!(f.detector, "ip.v4");
    assert!(f.score >= 0.85);
    exactly("8.8.8.8", Kind::IpAddress, "8.8.8.8");
    exactly("peer=198.51.100.7:443", Kind::IpAddress, "198.51.100.7");
    exactly("net 192.0.2.0/24 ok", Kind::IpAddress, "192.0.2.0");
    exactly(
        "[2001:db8::1] and 203.0.113.5 443",
        Kind::IpAddress,
        "203.0.113.5",
    );
    for private in [
        "10.0.0.7",
        "172.16.4.2",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.1.1",
        "100.64.3.3",
        "0.0.0.0",
        "255.255.255.255",
        "239.1.2.3",
    ] {
        let f = exactly(&format!("host {private} up"), Kind::IpAddress, private);
        assert!(f.score < 0.5, "{private} scored {}", f.score);
    }
}

#[test]
fn a_version_word_names_only_numbers_in_its_own_field() {
    for text in [
        "app_version=4.12.0.3 client=81.2.69.160",
        "{\"version\": \"1.0.0.2\", \"ip\": \"81.2.69.160\"}",
        "version,ip\n1.0.0.2,81.2.69.160",
        "/app.js?v=2.1.0.7&ip=81.2.69.160",
    ] {
        exactly(text, Kind::IpAddress, "81.2.69.160");
    }
    no_pii("Upgrade to version 4.5.103.30 from 4.4.63.30");
}

#[test]
fn numbering_words_count_only_as_whole_words_on_the_line() {
    // `oid` inside `void`, a section on the line above: still addresses.
    for text in ["void 8.8.8.8", "see section 2\nclient 8.8.8.8"] {
        exactly(text, Kind::IpAddress, "8.8.8.8");
    }
}

#[test]
fn not_ipv4() {
    for text in [
        "1.2.3.4.5",
        "v1.2.3.4",
        "version 1.2.3.4",
        "build 1.2.3.4",
        "GET /static/img/logo@2x.png?v=109.10.165.15 HTTP/1.1",
        "/app.js?lang=en&v=88.9.134.149",
        "Chrome/120.0.0.0",
        "Safari/537.36",
        "1.2.3.4-beta",
        "256.1.1.1",
        "01.02.03.04",
        "10.0.19041.1",
        "1.3.6.1.4.1.311",
        "oid 2.5.4.3",
        "OID: 2.5.4.3",
        "pub const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap(\"2.5.4.3\");",
        "RFC 5280 Section 4.1.2.9",
        "see \u{a7}8.1.3.5 of X.690",
        "clause 7.2.1.4 applies",
        "203.0.113.5/99",
        "a203.0.113.5",
    ] {
        let got: Vec<_> = findings(text)
            .into_iter()
            .filter(|f| f.kind == Kind::IpAddress)
            .collect();
        assert!(got.is_empty(), "{text:?}: {got:?}");
    }
}

// --------------------------------------------------------- mixed and misc

#[test]
fn ordinary_numbers_are_not_pii() {
    for text in [
        "2024-01-15T10:20:30Z",
        "2026-10-02 09:14:55 INFO",
        "price $1,299.00 or €49.95",
        "pi is 3.14159265358979",
        "uuid 550e8400-e29b-41d4-a716-446655440000",
        "sha d41d8cd98f00b204e9800998ecf8427e",
        "order ORD-100231 shipped",
        "SKU 12-3456-789",
        "pages 12-34",
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
        "epoch 1700000000",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
        "x".repeat(600).as_str(),
        "1234567890123456789012345678901234567890",
    ] {
        no_pii(text);
    }
}

#[test]
fn kinds_can_be_disabled() {
    let text = b"card 4111 1111 1111 1111 ip 203.0.113.9 ssn 536-22-1234";
    let only: KindSet = [Kind::IpAddress].into_iter().collect();
    let mut out = Vec::new();
    NumericDetector::new(only).find(text, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].kind, Kind::IpAddress);
    out.clear();
    NumericDetector::new(KindSet::EMPTY).find(text, &mut out);
    assert!(out.is_empty());
}

#[test]
fn haystack_edges_are_boundaries() {
    exactly("4111111111111111", Kind::PaymentCard, "4111111111111111");
    exactly("203.0.113.9", Kind::IpAddress, "203.0.113.9");
    exactly(
        "GB82WEST12345698765432",
        Kind::Iban,
        "GB82WEST12345698765432",
    );
    nothing("");
    nothing("4");
    nothing("+");
    nothing("(");
}

// The tokenizer's own steps and the chunked-scan invariant on numbers.
mod stream;
