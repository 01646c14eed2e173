//! Fuzzing harness for breachwatch: checks that a chunked stream scan
//! ([`bw_detect::StreamScanner`]) reports exactly what one scan of the whole
//! buffer ([`bw_detect::Engine::scan`]) does, whatever the chunk size and
//! however the reader splits its reads; and that with every structure
//! hinter (CSV, SQL, JSON, `key=value`, HTML) following the stream, a
//! chunked scan and a scan in pieces report the findings and records of
//! one scan of the whole stream.
//!
//! The same [`check`] runs under libFuzzer (`fuzz_targets/`) and under
//! `cargo test` (random and seed inputs), so the property is exercised even
//! where cargo-fuzz cannot run. This crate must never become a member of the
//! root workspace (it links libFuzzer) and must never hide a divergence: any
//! difference is a panic, which is what the fuzzer reports.

use std::io::{self, Read};
use std::sync::OnceLock;

use bw_detect::hints::csv::CsvHinter;
use bw_detect::hints::html::HtmlHinter;
use bw_detect::hints::json::JsonHinter;
use bw_detect::hints::kv::KvHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::hints::Structure;
use bw_detect::{Engine, Finding, Hit, Kind, Start, StreamScanner};

/// Bytes at the front of an input that choose the scan's parameters; the
/// rest is the body. Shorter inputs are padded with zeros.
pub const HEADER: usize = 8;

/// Read sizes worth hitting: single bytes, odd small sizes, the look-ahead
/// and look-behind bound (512) and its neighbours, page-sized and large.
const MAX_READS: [usize; 11] = [1, 2, 3, 7, 64, 511, 512, 513, 4095, 4096, 65536];

/// Filler bytes put before the body, chosen to be neutral (space, newline),
/// or to glue onto neighbouring tokens (letters, digits, separators).
const FILLERS: [u8; 8] = [b' ', b'\n', b'x', b'0', b'.', b'-', b'@', 0];

/// One decoded fuzz case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Asked-for chunk size (the scanner raises it to its minimum).
    pub chunk: usize,
    /// Largest single read the reader returns.
    pub max_read: usize,
    /// Whether the reader sometimes fails with `Interrupted` (which the
    /// scanner must retry).
    pub interrupts: bool,
    /// Seed for the read sizes.
    pub seed: u64,
    /// The stream: filler prefix, then the body repeated.
    pub hay: Vec<u8>,
}

impl Case {
    /// Decodes a fuzzer input. The filler prefix moves the body across
    /// chunk boundaries and the repeats put copies of it at many offsets,
    /// so a short input still spans several chunks.
    pub fn decode(data: &[u8]) -> Case {
        let mut h = [0u8; HEADER];
        let n = data.len().min(HEADER);
        h[..n].copy_from_slice(&data[..n]);
        let body = &data[n..];
        let chunk = usize::from(u16::from_le_bytes([h[0], h[1]])) % 12_288;
        let max_read = MAX_READS[usize::from(h[2] & 0x0f) % MAX_READS.len()];
        let interrupts = h[2] & 0x10 != 0;
        let prefix = usize::from(u16::from_le_bytes([h[3], h[4]])) % 12_288;
        let filler = FILLERS[usize::from(h[5]) % FILLERS.len()];
        let repeats = 1 + usize::from(h[6] % 16);
        let seed = u64::from(h[7]) | 0x9e37_79b9_7f4a_7c00;
        let mut hay = Vec::with_capacity(prefix + body.len() * repeats);
        hay.resize(prefix, filler);
        for _ in 0..repeats {
            hay.extend_from_slice(body);
        }
        Case {
            chunk,
            max_read,
            interrupts,
            seed,
            hay,
        }
    }

    /// Encodes parameters and a body back into an input that decodes to
    /// them (used to write the seed corpus).
    pub fn encode(
        chunk: u16,
        read_mode: u8,
        prefix: u16,
        filler: u8,
        repeats: u8,
        seed: u8,
        body: &[u8],
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(&chunk.to_le_bytes());
        out.push(read_mode);
        out.extend_from_slice(&prefix.to_le_bytes());
        out.push(filler);
        out.push(repeats);
        out.push(seed);
        out.extend_from_slice(body);
        out
    }
}

/// xorshift64*: deterministic, dependency-free read sizes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        // n is at most 65536, so the cast and the modulo bias do not matter.
        (self.next() % n as u64) as usize
    }
}

/// A reader that returns random-sized short reads and, if asked, spurious
/// `Interrupted` errors, never two in a row so the stream always advances.
pub struct ShortReads<'a> {
    data: &'a [u8],
    rng: Rng,
    max: usize,
    interrupts: bool,
    just_interrupted: bool,
}

impl<'a> ShortReads<'a> {
    pub fn new(data: &'a [u8], max: usize, interrupts: bool, seed: u64) -> ShortReads<'a> {
        ShortReads {
            data,
            rng: Rng(seed | 1),
            max: max.max(1),
            interrupts,
            just_interrupted: false,
        }
    }
}

impl Read for ShortReads<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.interrupts && !self.just_interrupted && self.rng.below(8) == 0 {
            self.just_interrupted = true;
            return Err(io::ErrorKind::Interrupted.into());
        }
        self.just_interrupted = false;
        let n = (1 + self.rng.below(self.max))
            .min(out.len())
            .min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The engine with every detector, built once per process: building it
/// loads phone metadata and TLD tables, far slower than one fuzz input.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(Kind::ALL))
}

/// What the stream scan reported for one finding.
#[derive(Debug, Clone, PartialEq)]
struct Reported {
    finding: Finding,
    line: u64,
    column: u64,
    record: Option<u64>,
}

/// Every structure hinter, by name, as the sniff would start it on a
/// stream (whatever the stream holds: the hinters must not assume it is
/// what they follow).
pub const HINTERS: [&str; 5] = ["csv", "sql", "json", "kv", "html"];

fn hinter(name: &str) -> Structure {
    match name {
        "csv" => CsvHinter::new(b',').into(),
        "sql" => SqlHinter::new().into(),
        "json" => JsonHinter::new().into(),
        "kv" => KvHinter::new().into(),
        _ => Box::new(HtmlHinter::new()).into(),
    }
}

fn start(name: &str) -> Start {
    match name {
        "csv" => Start::Csv(CsvHinter::new(b',')),
        "sql" => Start::Sql(SqlHinter::new()),
        "json" => Start::Json(JsonHinter::new()),
        "kv" => Start::Kv(KvHinter::new()),
        _ => Start::Html(Box::new(HtmlHinter::new())),
    }
}

/// 1-based line and byte column of `at`, counted directly on the buffer.
fn line_col(hay: &[u8], at: usize) -> (u64, u64) {
    let before = &hay[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, (at - line_start) as u64 + 1)
}

/// Runs one fuzz input: decodes it, scans it whole and chunked, and panics
/// (with the parameters needed to reproduce) on any difference.
pub fn check(data: &[u8]) {
    let case = Case::decode(data);
    check_case(&case);
}

/// Like [`check`], for an already decoded case.
pub fn check_case(case: &Case) {
    let engine = engine();
    let hay = &case.hay;
    let mut whole = Vec::new();
    engine.scan(hay, &mut whole);
    check_findings(hay, &whole);

    let mut scanner = StreamScanner::with_chunk_size(case.chunk);
    let reader = ShortReads::new(hay, case.max_read, case.interrupts, case.seed);
    let mut got = Vec::new();
    let mut sniffed = 0usize;
    let result = scanner.scan(
        engine,
        reader,
        |first| {
            sniffed += 1;
            assert!(
                hay.starts_with(first),
                "the first chunk handed to the sniffer is not the stream's start"
            );
            true
        },
        |hit| {
            let f = hit.finding;
            assert_eq!(
                hit.value(),
                hay.get(f.start..f.end).unwrap_or_default(),
                "Hit::value differs from the stream bytes at {}..{}",
                f.start,
                f.end
            );
            got.push(reported(&hit));
            Ok(())
        },
    );
    let stats = match result {
        Ok(stats) => stats,
        Err(e) => panic!("scanning an in-memory stream failed: {e}"),
    };
    assert_eq!(sniffed, 1, "the sniffer must run exactly once");
    assert_eq!(stats.bytes, hay.len() as u64, "byte count");

    let chunked: Vec<Finding> = got.iter().map(|r| r.finding).collect();
    if chunked != whole {
        panic!("{}", divergence(case, &whole, &chunked));
    }
    for r in &got {
        let (line, column) = line_col(hay, r.finding.start);
        assert_eq!(
            (r.line, r.column),
            (line, column),
            "line/column of the finding at {}",
            r.finding.start
        );
    }

    // Pieces, scanned last first, report what the stream scan did.
    assert!(
        pieced(case, None) == got,
        "plain pieces differ from the stream scan"
    );
    for name in HINTERS {
        check_structured(case, name);
    }
}

/// With the hinter `name` following the stream: one chunk holding the
/// whole stream, the case's chunks and short reads, and pieces scanned
/// last first all report the same findings, lines and records.
pub fn check_structured(case: &Case, name: &str) {
    let engine = engine();
    let hay = &case.hay;
    let scan = |chunk: usize, reader: &mut dyn Read| {
        let mut got = Vec::new();
        StreamScanner::with_chunk_size(chunk)
            .scan_structured(
                engine,
                reader,
                |_| start(name),
                |hit| {
                    got.push(reported(&hit));
                    Ok(())
                },
            )
            .unwrap_or_else(|e| panic!("scanning an in-memory stream failed: {e}"));
        got
    };
    let whole = scan(hay.len() + 1, &mut &hay[..]);
    let mut reads = ShortReads::new(hay, case.max_read, case.interrupts, case.seed);
    let streamed = scan(case.chunk, &mut reads);
    if streamed != whole {
        let w: Vec<Finding> = whole.iter().map(|r| r.finding).collect();
        let c: Vec<Finding> = streamed.iter().map(|r| r.finding).collect();
        panic!(
            "{name} hints: {}\n(or records/lines differ)",
            divergence(case, &w, &c)
        );
    }
    let pieces = pieced(case, Some(hinter(name)));
    if pieces != streamed {
        let i = pieces
            .iter()
            .zip(&streamed)
            .position(|(a, b)| a != b)
            .unwrap_or(pieces.len().min(streamed.len()));
        panic!(
            "{name} hints: pieces differ from the stream scan (chunk {}, {} bytes): {} vs {} \
             findings; first difference at {i}:\n  stream: {:?}\n  pieces: {:?}",
            case.chunk,
            hay.len(),
            streamed.len(),
            pieces.len(),
            streamed.get(i),
            pieces.get(i)
        );
    }
}

fn reported(hit: &Hit<'_>) -> Reported {
    Reported {
        finding: hit.finding,
        line: hit.line,
        column: hit.column,
        record: hit.record,
    }
}

/// The findings of `case` scanned in pieces (of at least 512 bytes, so a
/// case stays quick), last piece first, in stream order.
fn pieced(case: &Case, hinter: Option<Structure>) -> Vec<Reported> {
    let engine = engine();
    let hay = &case.hay;
    let mut scanner = StreamScanner::with_chunk_size(case.chunk);
    let mut pieces = Vec::new();
    let reader = ShortReads::new(hay, case.max_read, case.interrupts, case.seed);
    scanner
        .plan(engine, reader, hay.len(), 512 + case.chunk, hinter, |p| {
            pieces.push(p);
            true
        })
        .unwrap_or_else(|e| panic!("planning an in-memory stream failed: {e}"));
    let mut got = Vec::new();
    for p in pieces.iter().rev() {
        let r = p.bytes();
        let data = &hay[r.start..r.end.min(hay.len())];
        let reader = ShortReads::new(data, case.max_read, case.interrupts, case.seed);
        scanner
            .scan_piece(engine, reader, p, |hit| {
                got.push(reported(&hit));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("scanning an in-memory piece failed: {e}"));
    }
    got.sort_by_key(|r| r.finding.start);
    got
}

/// The engine's documented output contract: in bounds, non-empty, sorted,
/// non-overlapping, scores in `[0, 1]`.
fn check_findings(hay: &[u8], found: &[Finding]) {
    for f in found {
        assert!(
            f.start < f.end && f.end <= hay.len(),
            "finding out of bounds: {f:?} in {} bytes",
            hay.len()
        );
        assert!((0.0..=1.0).contains(&f.score), "score out of [0, 1]: {f:?}");
    }
    for w in found.windows(2) {
        assert!(
            w[0].end <= w[1].start,
            "findings overlap or are unsorted: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
}

/// A readable account of a divergence: the parameters, and the first
/// finding that differs with the bytes around it.
fn divergence(case: &Case, whole: &[Finding], chunked: &[Finding]) -> String {
    let first = whole
        .iter()
        .zip(chunked)
        .position(|(a, b)| a != b)
        .unwrap_or(whole.len().min(chunked.len()));
    let show = |f: Option<&Finding>| match f {
        Some(f) => {
            let from = f.start.saturating_sub(16);
            let to = (f.end + 16).min(case.hay.len());
            format!(
                "{f:?} around {:?}",
                String::from_utf8_lossy(&case.hay[from..to])
            )
        }
        None => "nothing".to_string(),
    };
    format!(
        "chunked scan differs from whole scan (chunk {}, max read {}, interrupts {}, {} bytes): \
         {} findings whole vs {} chunked; first difference at index {first}:\n  whole:   {}\n  chunked: {}",
        case.chunk,
        case.max_read,
        case.interrupts,
        case.hay.len(),
        whole.len(),
        chunked.len(),
        show(whole.get(first)),
        show(chunked.get(first)),
    )
}

/// Synthetic seed inputs: personal-data shapes placed across chunk
/// boundaries, look-behind edges and long runs. Values are test numbers
/// (Luhn- and mod-97-valid by construction below), documentation IP ranges
/// and example.com addresses.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    // With a requested chunk below the minimum, chunks are 5120 bytes and
    // the first cut falls at 5120; the next chunk keeps the 512 bytes before
    // it as look-behind.
    const CUT: u16 = 5120;
    const LOOKBEHIND: u16 = 512;
    let card = luhn_complete("453201511283036");
    let iban = iban_with_check("GB", "WEST12345698765432");
    let mixed = format!(
        "name,email,phone,card,iban,ip\n\
         Jane Doe,jane.doe@example.com,+44 20 7946 0018,{card},{iban},203.0.113.7\n\
         John Roe,j.roe+news@mail.example.org,(202) 555-0143,4111 1111 1111 1111,DE89 3704 0044 0532 0130 00,2001:db8::17\n\
         ssn: 078-05-1120; contact: sales@example.com; ip 198.51.100.23\n"
    );
    let long_local = format!("{}@example.com\n", "a".repeat(700));
    let html = "<!DOCTYPE html><table><thead><tr><th>first_name</th><th colspan=2>phone</th><th>order_id</th></tr></thead>\n\
         <tr><th>0</th><td>Maren</td><td data-v=\"4155550123\">4155550123</td><td>2125550100</td><td>4155550124</td></tr>\n\
         <li itemscope itemtype=\"https://schema.org/Person\"><span itemprop=\"name\">Ann Lee</span>\n\
         <label for=\"d\">Date of birth</label><input id=\"d\" value=\"1987-03-14\"><dl><dt>SSN</dt><dd>078051120</dd></dl>\n\
         <!-- <td> --><script>if (a<b) x=\"</td>\";</script><p class=\"customer-phone\">(415) 555-0199</p></li>\n";
    let sql = "CREATE TABLE `customers` (\n  `id` int,\n  `first_name` varchar(40),\n  `phone` varchar(20),\n  `dob` date\n);\n\
         INSERT INTO `customers` VALUES (4155550124,'Maren','4155550123','1987-03-14'),(2125550101,'Ann','2125550100','03/14/1987');\n\
         COPY public.customers (id, first_name, phone, dob) FROM stdin;\n4155550125\tTobias\t4155550126\t1990-01-02\n\\.\n";
    let json = "{\"id\": 4155550124, \"customer\": {\"name\": \"Ann \\\"A\\\" Lee\", \"phone\": \"4155550123\"}, \"phones\": [\"2125550100\"], \"dob\": \"1987-03-14\"}\n";
    let kv = "ts=2026-05-04T10:00:00Z phone=4155550123 user_id=4155550124 dob=July 2, 1955 zip=91774 email=\"a@b.example\"\n";
    vec![
        (
            "email_across_cut",
            Case::encode(0, 0x03, CUT - 10, 0, 0, 1, b"jane.doe@example.com\n"),
        ),
        (
            "card_across_cut",
            Case::encode(
                0,
                0x00,
                CUT - 9,
                0,
                0,
                2,
                format!("card {card}\n").as_bytes(),
            ),
        ),
        (
            "iban_label_before_cut",
            Case::encode(
                0,
                0x06,
                CUT - 6,
                1,
                1,
                3,
                format!("IBAN: {iban}\n").as_bytes(),
            ),
        ),
        (
            "card_at_lookbehind_edge",
            Case::encode(
                0,
                0x08,
                CUT - LOOKBEHIND - 5,
                3,
                0,
                9,
                format!("{card}{card} {card}\n").as_bytes(),
            ),
        ),
        (
            "mixed_csv_repeated_byte_reads",
            Case::encode(0, 0x10, 0, 0, 15, 4, mixed.as_bytes()),
        ),
        (
            "mixed_csv_large_chunk",
            Case::encode(9000, 0x0a, 4000, 1, 15, 5, mixed.as_bytes()),
        ),
        (
            "phones_glued_to_digits",
            Case::encode(
                0,
                0x14,
                CUT - 6,
                3,
                3,
                6,
                b"+44 20 7946 0018 / +1 202 555 0143 / 020 7946 0999\n",
            ),
        ),
        (
            "ips_glued_to_dots",
            Case::encode(
                0,
                0x05,
                CUT - 5,
                4,
                7,
                7,
                b"8.8.8.8 203.0.113.250 2001:db8:0:0:1:0:0:1 fe80::1%eth0 ::ffff:198.51.100.9 ",
            ),
        ),
        (
            "long_local_part",
            Case::encode(0, 0x07, CUT - 700, 2, 2, 8, long_local.as_bytes()),
        ),
        (
            "html_rows_across_cuts",
            Case::encode(0, 0x03, CUT - 300, 0, 9, 10, html.as_bytes()),
        ),
        (
            "sql_dump_across_cuts",
            Case::encode(0, 0x06, CUT - 200, 1, 9, 11, sql.as_bytes()),
        ),
        (
            "json_keys_across_cuts",
            Case::encode(0, 0x05, CUT - 100, 1, 15, 12, json.as_bytes()),
        ),
        (
            "kv_log_across_cuts",
            Case::encode(0, 0x04, CUT - 50, 1, 15, 13, kv.as_bytes()),
        ),
    ]
}

/// Appends the Luhn check digit to `digits` (ASCII digits only).
fn luhn_complete(digits: &str) -> String {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
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
    format!("{digits}{}", (10 - sum % 10) % 10)
}

/// An IBAN for `country` and `bban` with the ISO 13616 check digits,
/// printed in groups of four.
fn iban_with_check(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem = 0u32;
    for c in rearranged.chars() {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => continue,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    let compact = format!("{country}{:02}{bban}", 98 - rem);
    compact
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
