//! The tokenizer's byte-level steps against plain searches, and chunked
//! scans of dense numeric text against whole-buffer scans.

use super::*;

#[test]
fn next_digit_agrees_with_a_plain_search() {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    bytes.extend_from_slice(b"abc\xff\x80/:09");
    for start in 0..bytes.len() {
        let want = bytes[start..]
            .iter()
            .position(u8::is_ascii_digit)
            .map_or(bytes.len(), |p| p + start);
        assert_eq!(next_digit(&bytes, start), want, "from {start}");
    }
}

#[test]
fn skip_word_bytes_agrees_with_the_shared_word_test() {
    // Every byte value right after a run of word bytes of each length, so
    // the first non-word byte lands in every lane of the eight-byte step.
    for run in 0..20 {
        for b in 0..=255u8 {
            let mut bytes = b"a_Z9".repeat(5)[..run].to_vec();
            bytes.push(b);
            bytes.extend_from_slice(b"xyz.....");
            let want = bytes
                .iter()
                .position(|&x| !crate::context::is_word_byte(x))
                .unwrap_or(bytes.len());
            assert_eq!(skip_word_bytes(&bytes, 0), want, "run {run}, byte {b:#x}");
            assert_eq!(
                is_word_byte(b),
                crate::context::is_word_byte(b),
                "byte {b:#x}"
            );
        }
    }
}

// ------------------------------------------------------------- streaming

/// A small deterministic generator (xorshift64*), so the mixed buffer is
/// the same on every run without external data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// A CPF (with check digits, so that some lines hold valid ones).
fn cpf(r: &mut Rng) -> String {
    super::ids::tests::cpf_with_checks(&r.digits(9))
}

/// A NIR, spaced, with its key.
fn nir(r: &mut Rng) -> String {
    let body = format!(
        "{}{}{:02}{}",
        1 + r.below(2),
        r.digits(2),
        1 + r.below(12),
        r.digits(8)
    );
    let key = super::ids::tests::nir_key(&body);
    format!(
        "{} {} {} {} {} {} {key}",
        &body[0..1],
        &body[1..3],
        &body[3..5],
        &body[5..7],
        &body[7..10],
        &body[10..13]
    )
}

/// Lines mixing every kind with the usual look-alikes.
pub(crate) fn mixed_text(lines: usize, seed: u64) -> String {
    use super::card::tests::with_check_digit;
    let mut r = Rng(seed | 1);
    let mut s = String::new();
    for i in 0..lines {
        let line = match r.below(18) {
            0 => format!(
                "card {} exp 12/27",
                with_check_digit(&format!("4{}", r.digits(14)))
            ),
            1 => {
                let c = with_check_digit(&format!("5{}{}", 1 + r.below(5), r.digits(13)));
                format!("pay {} {} {} {}", &c[0..4], &c[4..8], &c[8..12], &c[12..16])
            }
            2 => format!(
                "SSN: {}-{}-{}",
                100 + r.below(500),
                10 + r.below(89),
                1000 + r.below(8999)
            ),
            3 => format!("IBAN {}", spaced(&iban_for("DE", &r.digits(18)))),
            4 => format!("phone +44 20 7946 {:04}", r.below(10000)),
            5 => format!("from 203.0.113.{} port {}", r.below(256), r.below(65536)),
            6 => format!(
                "{}-{:02}-{:02} 10:{:02}:{:02} ok",
                2000 + r.below(30),
                1 + r.below(12),
                1 + r.below(28),
                r.below(60),
                r.below(60)
            ),
            7 => format!(
                "ORD-{} version {}.{}.{}.{}",
                r.digits(8),
                r.below(9),
                r.below(9),
                r.below(99),
                r.below(999)
            ),
            8 => format!(
                "(415) 555-{:04} or 020 7946 {:04}",
                r.below(10000),
                r.below(10000)
            ),
            9 => format!("sha {:016x}{:016x}", r.next(), r.next()),
            10 => {
                let n = 1 + r.below(30) as usize;
                format!("row {i} {} {}", r.digits(n), r.digits(4))
            }
            12 => {
                let c = cpf(&mut r);
                let nir = nir(&mut r);
                format!(
                    "CPF {}.{}.{}-{} NIR {nir}",
                    &c[0..3],
                    &c[3..6],
                    &c[6..9],
                    &c[9..]
                )
            }
            13 => {
                let sin = with_check_digit(&format!("{}{}", 1 + r.below(7), r.digits(7)));
                format!(
                    "SIN: {} {} {} BSN {}",
                    &sin[..3],
                    &sin[3..6],
                    &sin[6..],
                    r.digits(9)
                )
            }
            14 => {
                let n = 10_000_000 + r.below(89_999_999) as u32;
                let l = char::from(super::ids::dni_letter(n));
                format!("DNI {n}{l} NINO AB{} C", r.digits(6))
            }
            15 => format!(
                "NHS no {} medicare 1EG4-TE5-MK{:02}",
                r.digits(10),
                r.below(100)
            ),
            16 => format!("aadhaar {} RSSMRA85T10A562S", r.digits(12)),
            _ if i % 2 == 0 => {
                let n = 1 + r.below(12) as usize;
                format!("password={} cvv: {}", r.digits(n), r.digits(3))
            }
            _ => format!(
                "total ${}.{:02} for {} items",
                r.below(10000),
                r.below(100),
                r.below(50)
            ),
        };
        s.push_str(&line);
        s.push(if r.below(4) == 0 { ' ' } else { '\n' });
    }
    s
}

#[test]
fn chunked_scan_equals_whole_scan_on_mixed_text() {
    let engine = Engine::new(Kind::ALL);
    let text = mixed_text(6000, 0x5eed);
    let hay = text.as_bytes();
    let mut whole = Vec::new();
    engine.scan(hay, &mut whole);
    for kind in [
        Kind::PaymentCard,
        Kind::UsSsn,
        Kind::Iban,
        Kind::PhoneNumber,
        Kind::IpAddress,
        Kind::GovernmentId,
        Kind::HealthInsurance,
        Kind::Password,
        Kind::CardSecurityCode,
    ] {
        assert!(
            whole.iter().filter(|f| f.kind == kind).count() > 100,
            "{kind} under-represented"
        );
    }
    for chunk in [0, 5000, 20_000] {
        let mut got = Vec::new();
        let mut s = StreamScanner::with_chunk_size(chunk);
        s.scan(
            &engine,
            hay,
            |_| true,
            |h| {
                got.push(h.finding);
                Ok(())
            },
        )
        .expect("in-memory reads do not fail");
        assert_eq!(got.len(), whole.len(), "chunk {chunk}");
        assert_eq!(got, whole, "chunk {chunk}");
    }
}

#[test]
fn chunked_scan_equals_whole_scan_on_dense_numbers() {
    // Long runs of digits, spaces and punctuation put word and token
    // boundaries across every chunk edge.
    let engine = Engine::new(Kind::ALL);
    let mut r = Rng(7);
    let alphabet = b"0123456789 -./()+:ABx";
    let hay: Vec<u8> = (0..60_000)
        .map(|_| alphabet[r.below(alphabet.len() as u64) as usize])
        .collect();
    let mut whole = Vec::new();
    engine.scan(&hay, &mut whole);
    let mut got = Vec::new();
    let mut s = StreamScanner::with_chunk_size(0);
    s.scan(
        &engine,
        hay.as_slice(),
        |_| true,
        |h| {
            got.push(h.finding);
            Ok(())
        },
    )
    .expect("in-memory reads do not fail");
    assert_eq!(got, whole);
}

#[test]
fn short_lone_runs_are_skipped_and_nothing_else() {
    // (text, digit run start, skipped to)
    for (text, i, end) in [
        ("at 12:30:45 UTC", 3, Some(5)),
        ("size 12px wide..", 5, Some(7)),
        ("qty 3, total 19", 4, Some(5)),
        ("qty 3 items here", 4, Some(5)),
        ("123456x and more", 0, Some(6)),
    ] {
        assert_eq!(short_lone_run(text.as_bytes(), i), end, "{text}");
    }
    for (text, i) in [
        ("1234567 and more", 0), // seven digits: maybe a phone number
        ("19.99 USD total", 0),  // number punctuation continues the word
        ("555 0123 4567 x", 0),  // a space before another number joins it
        ("44 (20) 7946 0958", 0),
        ("12", 0), // fewer than eight bytes left: the full path decides
    ] {
        assert_eq!(short_lone_run(text.as_bytes(), i), None, "{text}");
    }
    // Through the detector: the numbers after skipped runs are still found.
    exactly(
        "at 12:30 call 415-555-0123 ok",
        Kind::PhoneNumber,
        "415-555-0123",
    );
}
