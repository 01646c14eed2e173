//! Import/open/lookup figures for N synthetic customers (default 1 M):
//! `cargo run --release -p bw-registry --example bench -- [N]`
//!
//! Writes a CSV and a registry under a temporary directory, removed at exit.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufWriter, Write};
use std::time::Instant;

use bw_registry::{import_csv_file, init, ImportOptions, Key, Registry, Verify};

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir()?;
    let csv_path = tmp.path().join("customers.csv");
    let reg_dir = tmp.path().join("registry");
    let key = Key::generate()?;

    let t = Instant::now();
    {
        let mut w = BufWriter::new(std::fs::File::create(&csv_path)?);
        writeln!(w, "{}", common::HEADER)?;
        let mut rng = common::SplitMix64::new(2024);
        for i in 0..n {
            writeln!(w, "{}", common::row(&common::customer(&mut rng, i)))?;
        }
        w.flush()?;
    }
    let csv_bytes = std::fs::metadata(&csv_path)?.len();
    println!(
        "generated {n} customers, CSV {:.1} MB in {:.2?}",
        csv_bytes as f64 / 1e6,
        t.elapsed()
    );

    init(&reg_dir, &key)?;
    let t = Instant::now();
    let r = import_csv_file(&reg_dir, &key, &csv_path, &ImportOptions::default())?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "import: {:.2} s, {:.0} customers/s, {:.1} MB/s; warnings {}, bad phones {}",
        secs,
        n as f64 / secs,
        csv_bytes as f64 / 1e6 / secs,
        r.warnings_total,
        r.bad_phones
    );
    println!("peak RSS after import: {:.0} MB", peak_rss_mb());

    let t = Instant::now();
    let r2 = import_csv_file(&reg_dir, &key, &csv_path, &ImportOptions::default())?;
    println!(
        "re-import of the same CSV (all rows unchanged={}): {:.2} s",
        r2.unchanged,
        t.elapsed().as_secs_f64()
    );

    for (label, v) in [
        ("full checksum verify", Verify::Full),
        ("header only", Verify::HeaderOnly),
    ] {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let reg = Registry::open_with(&reg_dir, &key, v)?;
            best = best.min(t.elapsed().as_secs_f64());
            drop(reg);
        }
        println!(
            "open ({label}, warm cache, best of 5): {:.1} ms",
            best * 1e3
        );
    }

    let reg = Registry::open(&reg_dir, &key)?;
    let st = reg.stats();
    let fps = st.email_fingerprints + st.phone_fingerprints + st.name_fingerprints;
    println!(
        "index file {:.1} MB: {} customers, fingerprints email {} phone {} name {} (total {})",
        st.file_bytes as f64 / 1e6,
        st.customers,
        st.email_fingerprints,
        st.phone_fingerprints,
        st.name_fingerprints,
        fps
    );
    println!(
        "bytes on disk: {:.1} per customer per identifier type (whole file / customers / 3), {} per fingerprint entry",
        st.file_bytes as f64 / st.customers.max(1) as f64 / 3.0,
        20
    );

    // Lookups: half hits, half misses.
    let mut rng = common::SplitMix64::new(2024);
    let sample: Vec<common::Customer> = (0..n.min(100_000))
        .map(|i| common::customer(&mut rng, i))
        .collect();
    let t = Instant::now();
    let mut hits = 0usize;
    for c in &sample {
        hits += usize::from(!reg.lookup_email(&c.email).is_empty());
        hits += usize::from(!reg.lookup_email(&format!("x{}", c.email)).is_empty());
    }
    let per = t.elapsed().as_secs_f64() / (2 * sample.len()) as f64;
    println!(
        "email lookup: {:.2} µs each ({hits} hits of {} probes)",
        per * 1e6,
        2 * sample.len()
    );
    let t = Instant::now();
    let mut hits = 0usize;
    for c in &sample {
        hits += usize::from(
            !reg.lookup_name(&format!("{}, {}", c.last, c.first))
                .is_empty(),
        );
    }
    let per = t.elapsed().as_secs_f64() / sample.len() as f64;
    println!("name lookup: {:.2} µs each ({hits} hits)", per * 1e6);
    let t = Instant::now();
    let mut hits = 0usize;
    for c in &sample {
        hits += usize::from(!reg.lookup_phone(&c.phone, Some(&c.country)).is_empty());
    }
    let per = t.elapsed().as_secs_f64() / sample.len() as f64;
    println!(
        "phone lookup (incl. libphonenumber parse): {:.2} µs each ({hits} hits)",
        per * 1e6
    );
    Ok(())
}
