use std::path::Path;

use super::*;

#[test]
fn check_digits_match_published_examples() {
    assert_eq!(luhn_complete("411111111111111"), "4111111111111111");
    assert_eq!(luhn_complete("7992739871"), "79927398713");
    assert_eq!(
        iban_with_check("GB", "WEST12345698765432"),
        "GB82 WEST 1234 5698 7654 32"
    );
    assert_eq!(
        iban_with_check("DE", "370400440532013000"),
        "DE89 3704 0044 0532 0130 00"
    );
}

#[test]
fn decode_inverts_encode() {
    let input = Case::encode(7000, 0x18, 300, 1, 2, 9, b"abc");
    let case = Case::decode(&input);
    assert_eq!(case.chunk, 7000);
    assert_eq!(case.max_read, MAX_READS[8]);
    assert!(case.interrupts);
    let mut want = vec![b'\n'; 300];
    want.extend_from_slice(b"abcabcabc");
    assert_eq!(case.hay, want);
    // Short inputs are padded, never rejected.
    assert!(Case::decode(&[]).hay.is_empty());
    assert_eq!(Case::decode(&[0, 0, 0, 3]).hay, vec![b' '; 3]);
}

#[test]
fn short_reads_deliver_everything_in_bounded_pieces() {
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    for (max, interrupts) in [(1, false), (7, true), (513, true), (65536, false)] {
        let mut r = ShortReads::new(&data, max, interrupts, 42);
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        let (mut interrupted, mut last_was_interrupt) = (0, false);
        loop {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    assert!(n <= max, "read of {n} > max {max}");
                    out.extend_from_slice(&buf[..n]);
                    last_was_interrupt = false;
                }
                Err(e) => {
                    assert_eq!(e.kind(), io::ErrorKind::Interrupted);
                    assert!(!last_was_interrupt, "two interrupts in a row");
                    last_was_interrupt = true;
                    interrupted += 1;
                }
            }
        }
        assert_eq!(out, data);
        assert_eq!(interrupted > 0, interrupts, "max {max}");
    }
}

#[test]
#[should_panic(expected = "overlap")]
fn the_contract_check_rejects_overlapping_findings() {
    let f = |start, end| Finding {
        start,
        end,
        kind: Kind::Email,
        score: 0.9,
        detector: "test",
    };
    check_findings(&[0; 100], &[f(0, 10), f(5, 20)]);
}

#[test]
fn a_divergence_report_names_the_parameters_and_the_bytes() {
    let case = Case::decode(&Case::encode(0, 0, 20, 0, 0, 0, b"x@example.com"));
    let f = Finding {
        start: 20,
        end: 33,
        kind: Kind::Email,
        score: 0.9,
        detector: "email.test",
    };
    let msg = divergence(&case, &[f], &[]);
    assert!(msg.contains("1 findings whole vs 0 chunked"), "{msg}");
    assert!(msg.contains("x@example.com"), "{msg}");
    assert!(msg.contains("chunked: nothing"), "{msg}");
}

#[test]
fn line_col_counts_from_one() {
    let hay = b"ab\ncd\n\nef";
    assert_eq!(line_col(hay, 0), (1, 1));
    assert_eq!(line_col(hay, 4), (2, 2));
    assert_eq!(line_col(hay, 7), (4, 1));
}

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/chunked_equals_whole")
}

/// The committed seed corpus is exactly what `seeds()` generates
/// (`cargo run --example write_seeds` rewrites it).
#[test]
fn committed_seeds_are_generated_by_this_crate() {
    for (name, bytes) in seeds() {
        let path = corpus_dir().join(name);
        let on_disk =
            std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        assert!(on_disk == bytes, "{name} differs from seeds()");
    }
}

#[test]
fn seeds_scan_the_same_chunked_and_whole() {
    for (_, input) in seeds() {
        check(&input);
    }
}

/// Random inputs built from fragments of personal-data shapes and random
/// bytes: the same property the fuzzer checks, for machines without
/// cargo-fuzz. `BW_FUZZ_CASES` and `BW_FUZZ_SEED` widen or vary the run.
#[test]
fn random_inputs_scan_the_same_chunked_and_whole() {
    let cases: usize = std::env::var("BW_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("BW_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_b0a7);
    let fragments: Vec<Vec<u8>> = seeds()
        .into_iter()
        .map(|(_, s)| s[HEADER..].to_vec())
        .collect();
    let mut rng = Rng(seed | 1);
    for i in 0..cases {
        let mut input = Vec::new();
        for _ in 0..HEADER {
            input.push(rng.next() as u8);
        }
        for _ in 0..1 + rng.below(12) {
            match rng.below(4) {
                0 => input.extend((0..rng.below(40)).map(|_| rng.next() as u8)),
                1 => {
                    input.extend((0..rng.below(40)).map(|_| b" \n,;:.@-+0123456789"[rng.below(19)]))
                }
                _ => {
                    let f = &fragments[rng.below(fragments.len())];
                    let a = rng.below(f.len());
                    let b = a + rng.below(f.len() - a + 1);
                    input.extend_from_slice(&f[a..b]);
                }
            }
        }
        let case = Case::decode(&input);
        let outcome = std::panic::catch_unwind(|| check_case(&case));
        if outcome.is_err() {
            panic!("random case {i} (seed {seed}) failed; input bytes: {input:?}");
        }
    }
}
