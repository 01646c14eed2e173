use std::io;

use super::*;
use crate::hints::csv::CsvHinter;
use crate::hints::Structure;
use crate::testutil::Trickle;
use crate::{Finding, Kind, Start};

/// What a scan reports per finding: the finding and its line and column.
type Seen = Vec<(Finding, u64, u64)>;

fn whole(engine: &Engine, hay: &[u8], csv: bool, lines: bool) -> (Seen, Option<String>) {
    let mut got = Vec::new();
    let mut s = StreamScanner::default();
    s.track_lines(lines);
    let sniff = |_: &[u8]| {
        if csv {
            Start::Csv(CsvHinter::new(b','))
        } else {
            Start::Plain
        }
    };
    let stats = s
        .scan_structured(engine, hay, sniff, |h| {
            got.push((h.finding, h.line, h.column));
            Ok(())
        })
        .expect("in-memory reads do not fail");
    (got, stats.warning)
}

/// Plans `hay` in pieces of `size`, scans them last first (as threads
/// would, in any order) with small reads, and returns the findings in
/// stream order, the bytes counted and the warnings given.
fn pieced(
    engine: &Engine,
    hay: &[u8],
    size: usize,
    csv: bool,
    lines: bool,
) -> (Seen, u64, Vec<String>) {
    let mut s = StreamScanner::with_chunk_size(0);
    s.track_lines(lines);
    let hinter = csv.then(|| Structure::Csv(CsvHinter::new(b',')));
    let mut pieces = Vec::new();
    let reader = Trickle {
        data: hay,
        step: 4093,
    };
    s.plan(engine, reader, hay.len(), size, hinter, |p| {
        pieces.push(p);
        true
    })
    .expect("in-memory reads do not fail");
    assert_eq!(pieces.len(), hay.len().div_ceil(size));
    let (mut got, mut bytes, mut warnings) = (Vec::new(), 0, Vec::new());
    for p in pieces.iter().rev() {
        let r = p.bytes();
        let data = &hay[r.start..r.end.min(hay.len())];
        let stats = s
            .scan_piece(engine, Trickle { data, step: 7919 }, p, |h| {
                assert!(p.range().contains(&h.finding.start));
                got.push((h.finding, h.line, h.column));
                Ok(())
            })
            .expect("in-memory reads do not fail");
        bytes += stats.bytes;
        warnings.extend(stats.warning);
    }
    got.sort_by_key(|(f, _, _)| f.start);
    (got, bytes, warnings)
}

/// Text with findings of every kind, lines of many lengths, and findings
/// on both sides of every 64 KiB boundary.
fn text(rows: u32) -> Vec<u8> {
    let mut hay = Vec::new();
    for i in 0..rows {
        hay.extend_from_slice(
            format!(
                "Dear Jane Miller, order {i} to 12 Baker Street, London NW1 6XE; \
                 card 4111 1111 1111 1111, mail jane.miller{i}@example.com, born 1984-03-{:02}",
                i % 28 + 1
            )
            .as_bytes(),
        );
        hay.extend(std::iter::repeat_n(b'\n', (i % 3) as usize));
        hay.extend(std::iter::repeat_n(b' ', (i % 113) as usize));
    }
    hay
}

#[test]
fn pieces_report_what_the_whole_stream_scan_reports() {
    let engine = Engine::new(Kind::ALL);
    let hay = text(3000);
    assert!(hay.len() > 5 * 64 * 1024);
    for lines in [true, false] {
        let (want, _) = whole(&engine, &hay, false, lines);
        assert!(want.len() > 10_000);
        // Many sizes, so that piece boundaries fall everywhere in a row.
        let sizes = (0..24)
            .map(|k| 65_536 + k * 1_009)
            .chain([hay.len() / 2, hay.len()]);
        for size in sizes {
            let (got, bytes, _) = pieced(&engine, &hay, size, false, lines);
            assert_eq!(bytes, hay.len() as u64, "size {size}");
            assert!(got == want, "size {size}, lines {lines}");
        }
    }
}

#[test]
fn pieces_smaller_than_the_overlap_still_add_up() {
    let engine = Engine::new(Kind::ALL);
    let hay = text(40);
    for lines in [true, false] {
        let (want, _) = whole(&engine, &hay, false, lines);
        assert!(want.len() > 100);
        for size in [1, 7, 100, 511, 512, 513, 4000] {
            let (got, bytes, _) = pieced(&engine, &hay, size, false, lines);
            assert_eq!(bytes, hay.len() as u64, "size {size}");
            assert!(got == want, "size {size}, lines {lines}");
        }
    }
}

/// A CSV export whose quoted cells hold delimiters and newlines, so that
/// a piece starting anywhere cannot tell the column from its own bytes.
fn csv(rows: u32) -> Vec<u8> {
    let mut hay = b"id,note,full_name,email,dob\n".to_vec();
    for i in 0..rows {
        let note = "x, y\n".repeat((i % 7) as usize);
        hay.extend_from_slice(
            format!(
                "{i},\"{note}Paris, London\",\"Miller, Jane\",j{i}@example.com,1984-03-{:02}\n",
                i % 28 + 1
            )
            .as_bytes(),
        );
    }
    hay
}

/// [`csv`] with password, security-code and BSN columns, whose cells are
/// found only through their columns.
fn csv_with_secrets(rows: u32) -> Vec<u8> {
    let mut hay = b"id,note,full_name,email,dob,password,cvv,bsn\n".to_vec();
    for i in 0..rows {
        let note = "x, y\n".repeat((i % 7) as usize);
        hay.extend_from_slice(
            format!(
                "{i},\"{note}Paris, London\",\"Miller, Jane\",j{i}@example.com,1984-03-{:02},\
                 Pw{i}x!,{:03},111222333\n",
                i % 28 + 1,
                i % 1000
            )
            .as_bytes(),
        );
    }
    hay
}

#[test]
fn csv_pieces_carry_the_column_state() {
    let engine = Engine::new(Kind::ALL);
    let hay = csv_with_secrets(8000);
    let (want, warning) = whole(&engine, &hay, true, false);
    assert_eq!(warning, None);
    // The columns change what is found: without them the scan differs.
    let (plain, _) = whole(&engine, &hay, false, false);
    assert_ne!(plain, want);
    for kind in [Kind::Password, Kind::CardSecurityCode, Kind::GovernmentId] {
        let count = |seen: &Seen| seen.iter().filter(|f| f.0.kind == kind).count();
        assert_eq!(count(&want), 8000, "{kind}");
        assert_eq!(count(&plain), 0, "{kind}");
    }
    for size in [65_536, 150_000] {
        let (got, bytes, warnings) = pieced(&engine, &hay, size, true, false);
        assert_eq!(bytes, hay.len() as u64);
        assert!(warnings.is_empty());
        assert!(got == want, "size {size}");
    }
}

#[test]
fn a_csv_warning_is_given_once_by_the_last_piece() {
    let engine = Engine::new(Kind::ALL);
    let mut hay = csv(3000);
    // A quoted cell running past 64 KiB: the hinter gives up there, well
    // before the end.
    hay.extend_from_slice(b"9,\"unclosed, Miller, Jane\n");
    hay.extend(text(500));
    hay.extend(csv(3000));
    let (want, warning) = whole(&engine, &hay, true, false);
    assert!(warning.is_some());
    let (got, _, warnings) = pieced(&engine, &hay, 65_536, true, false);
    assert!(got == want);
    assert_eq!(warnings, vec![warning.unwrap_or_default()]);
}

#[test]
fn a_stream_shorter_than_planned_is_scanned_as_far_as_it_goes() {
    let engine = Engine::new(Kind::ALL);
    let hay = text(1000);
    let s = StreamScanner::default();
    // Lines tracked: the plan reads the stream, which ends early.
    let mut pieces = Vec::new();
    s.plan(&engine, &hay[..], hay.len() * 3, 65_536, None, |p| {
        pieces.push(p);
        true
    })
    .expect("in-memory reads do not fail");
    assert!(pieces.len() <= hay.len().div_ceil(64 * 1024) + 1);
    assert_eq!(pieces[0].range().start, 0);
}

/// A reader that fails past `ok` bytes.
struct FailsAfter<'a> {
    data: &'a [u8],
    ok: usize,
}

impl io::Read for FailsAfter<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.ok == 0 {
            return Err(io::Error::other("disk on fire"));
        }
        let n = out.len().min(self.data.len()).min(self.ok);
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn planning_reads_only_as_far_as_state_is_needed() {
    let engine = Engine::new(Kind::ALL);
    // CSV whose hinter gives up early: the rest needs no column state.
    let mut hay = b"id,full_name\n1,\"never closed ".to_vec();
    hay.extend(text(4000));
    let plan = |lines: bool, hinter: Option<Structure>| {
        let mut s = StreamScanner::default();
        s.track_lines(lines);
        let mut n = 0;
        let reader = FailsAfter {
            data: &hay,
            ok: 300 * 1024,
        };
        let res = s.plan(&engine, reader, hay.len(), 65_536, hinter, |_| {
            n += 1;
            true
        });
        (res.map_err(|e| e.to_string()), n)
    };
    let all = hay.len().div_ceil(64 * 1024);
    assert!(all > 8);
    // Neither columns nor lines: nothing is read.
    assert_eq!(plan(false, None), (Ok(()), all));
    // Columns until the hinter gives up, then nothing more.
    assert_eq!(
        plan(false, Some(Structure::Csv(CsvHinter::new(b',')))),
        (Ok(()), all)
    );
    // Lines need every byte: the read error ends the plan after the
    // pieces before it.
    let (res, n) = plan(true, None);
    assert_eq!(res, Err("disk on fire".to_string()));
    assert!((1..all).contains(&n), "{n} of {all}");
}
