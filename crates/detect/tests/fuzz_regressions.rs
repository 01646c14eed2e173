//! Inputs the `chunked_equals_whole` fuzz target found, replayed as plain
//! tests: with a structure hinter following the stream, a chunked scan
//! and a scan in pieces (scanned last first, as threads may) report the
//! findings and records of one scan of the whole stream. The inputs are
//! the fuzz corpus's `regression-…` files, decoded as the fuzz harness
//! decodes them (`bw_fuzz::Case::decode`), so `cargo test` catches a
//! regression without a fuzzer.

use bw_detect::hints::json::JsonHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::hints::Structure;
use bw_detect::{Engine, Finding, Kind, Start, StreamScanner};

/// The stream and requested chunk size a fuzz input stands for: an
/// 8-byte header (chunk, read mode, filler prefix length, filler, repeats,
/// seed), then the body, repeated after the prefix.
fn decode(data: &[u8]) -> (Vec<u8>, usize) {
    let mut h = [0u8; 8];
    let n = data.len().min(8);
    h[..n].copy_from_slice(&data[..n]);
    let chunk = usize::from(u16::from_le_bytes([h[0], h[1]])) % 12_288;
    let prefix = usize::from(u16::from_le_bytes([h[3], h[4]])) % 12_288;
    let filler = [b' ', b'\n', b'x', b'0', b'.', b'-', b'@', 0][usize::from(h[5]) % 8];
    let repeats = 1 + usize::from(h[6] % 16);
    let mut hay = vec![filler; prefix];
    for _ in 0..repeats {
        hay.extend_from_slice(&data[n..]);
    }
    (hay, chunk)
}

type Reported = (Finding, u64, Option<u64>);

fn stream(engine: &Engine, hay: &[u8], chunk: usize, start: fn() -> Start) -> Vec<Reported> {
    let mut got = Vec::new();
    StreamScanner::with_chunk_size(chunk)
        .scan_structured(
            engine,
            hay,
            |_| start(),
            |h| {
                got.push((h.finding, h.line, h.record));
                Ok(())
            },
        )
        .expect("an in-memory stream scans");
    got
}

fn pieces(
    engine: &Engine,
    hay: &[u8],
    chunk: usize,
    size: usize,
    hinter: Structure,
) -> Vec<Reported> {
    let mut scanner = StreamScanner::with_chunk_size(chunk);
    let mut planned = Vec::new();
    scanner
        .plan(engine, hay, hay.len(), size, Some(hinter), |p| {
            planned.push(p);
            true
        })
        .expect("an in-memory stream plans");
    let mut got = Vec::new();
    for p in planned.iter().rev() {
        let r = p.bytes();
        scanner
            .scan_piece(engine, &hay[r.start..r.end.min(hay.len())], p, |h| {
                got.push((h.finding, h.line, h.record));
                Ok(())
            })
            .expect("an in-memory piece scans");
    }
    got.sort_by_key(|r| r.0.start);
    got
}

/// Scans the regression whole, chunked and in pieces (the fuzz target's
/// piece size and a few others) and returns the whole scan's findings.
fn same_everywhere(input: &[u8], start: fn() -> Start, hinter: fn() -> Structure) -> Vec<Reported> {
    let engine = Engine::new(Kind::ALL);
    let (hay, chunk) = decode(input);
    let whole = stream(&engine, &hay, hay.len() + 1, start);
    assert_eq!(stream(&engine, &hay, chunk, start), whole, "chunked");
    for size in [512 + chunk, 700, 1024, 1536] {
        let got = pieces(&engine, &hay, chunk, size, hinter());
        assert_eq!(got.len(), whole.len(), "pieces of {size}: how many");
        for (g, w) in got.iter().zip(&whole) {
            assert_eq!(g, w, "pieces of {size}");
        }
    }
    whole
}

/// A dump whose broken quoting leaves a ~700-byte string cell followed by
/// parentheses: a piece whose bytes ended inside them saw no hint for the
/// cell (the open cell was hinted only at the tuple's own level), so it
/// missed the names and the birth date the stream scan reported there.
#[test]
fn sql_cell_open_inside_parentheses_is_hinted_in_every_piece() {
    let input =
        include_bytes!("../../../fuzz/corpus/chunked_equals_whole/regression-sql-pieces-long-cell");
    let whole = same_everywhere(
        input,
        || Start::Sql(SqlHinter::new()),
        || SqlHinter::new().into(),
    );
    assert!(whole.iter().any(|r| r.0.kind == Kind::DateOfBirth));
}

/// `{` nested past the JSON hinter's depth limit: once off, it answered
/// "no record" for offsets before the nesting too, so a piece that ended
/// before the nesting put a name in record 0 and the stream, whose chunk
/// held the nesting, in none.
#[test]
fn json_turned_off_keeps_the_records_before_the_nesting() {
    let input = include_bytes!(
        "../../../fuzz/corpus/chunked_equals_whole/regression-json-off-retroactive-records"
    );
    let whole = same_everywhere(
        input,
        || Start::Json(JsonHinter::new()),
        || JsonHinter::new().into(),
    );
    assert!(
        whole.iter().any(|r| r.2 == Some(0)),
        "a record before the nesting"
    );
}
