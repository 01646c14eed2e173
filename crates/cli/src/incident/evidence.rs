//! Fingerprints one evidence file: SHA-256 and size of its bytes as given,
//! and how many findings of each kind a scan sees in it (archives and
//! compressed files expanded). Values found are counted, never kept.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use bw_detect::hints::csv::CsvHinter;
use bw_detect::{Engine, Hit, Kind, Start, StreamScanner};
use bw_store::Evidence;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Same default threshold as `breachwatch scan`, so counts agree with what
/// a user sees there.
const MIN_SCORE: f32 = 0.5;

pub fn collect(path: &Path, encrypted: bool) -> Result<Evidence> {
    let shown = path.display().to_string();
    let before = stamp(path)?;
    if std::fs::metadata(path)
        .with_context(|| format!("reading {shown}"))?
        .is_dir()
    {
        bail!("{shown} is a directory: give the evidence files themselves");
    }
    let (sha256, size_bytes) = hash(path)?;
    let finding_counts = count_findings(path)?;
    // Hash and scan are two reads; a file that changed in between would
    // get counts that do not belong to its hash.
    if stamp(path)? != before {
        bail!("{shown} changed while it was being recorded; record it again once it is stable");
    }
    let source = std::fs::canonicalize(path)
        .map(|p| p.display().to_string())
        .unwrap_or(shown);
    Ok(Evidence {
        source,
        sha256,
        size_bytes,
        collected_at: OffsetDateTime::now_utc(),
        finding_counts,
        encrypted,
    })
}

fn stamp(path: &Path) -> Result<(u64, Option<SystemTime>)> {
    let m = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    Ok((m.len(), m.modified().ok()))
}

fn hash(path: &Path) -> Result<(String, u64)> {
    let shown = path.display();
    let mut file = File::open(path).with_context(|| format!("opening {shown}"))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).with_context(|| format!("reading {shown}")),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, size))
}

fn count_findings(path: &Path) -> Result<BTreeMap<String, u64>> {
    let shown = path.display().to_string();
    let file = File::open(path).with_context(|| format!("opening {shown}"))?;
    let engine = Engine::new(Kind::ALL);
    let mut scanner = StreamScanner::default();
    // Only kinds are counted: no line numbers to keep.
    scanner.track_lines(false);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let options = bw_formats::Options::default();
    let summary = bw_formats::expand_seekable(&shown, file, &options, |event| {
        match event {
            bw_formats::Event::Member(member) => {
                let name = member.name().to_string();
                let sniff = |first: &[u8]| {
                    if memchr_nul(&first[..first.len().min(8192)]) {
                        Start::Skip
                    } else if let Some(csv) = CsvHinter::sniff(&name, first) {
                        Start::Csv(csv)
                    } else {
                        Start::Plain
                    }
                };
                scanner.scan_structured(&engine, member, sniff, |hit: Hit<'_>| {
                    if hit.finding.score >= MIN_SCORE {
                        *counts
                            .entry(hit.finding.kind.as_str().to_string())
                            .or_default() += 1;
                    }
                    Ok(())
                })?;
            }
            bw_formats::Event::Error(e) => eprintln!("breachwatch: {e}"),
            bw_formats::Event::Notice(n) => eprintln!("breachwatch: warning: {n}"),
        }
        Ok::<(), io::Error>(())
    })
    .with_context(|| format!("scanning {shown}"))?;
    if summary.errors > 0 {
        eprintln!(
            "breachwatch: warning: {shown}: {} part(s) could not be read; finding counts cover \
             what could",
            summary.errors
        );
    }
    Ok(counts)
}

/// Binary content (a NUL in the head) is not scanned, as in `scan`.
fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}
