//! Writes the scope benchmark's inputs: synthetic customers, and a leak
//! exposing every customer `n` with `n % 100 == 37` (1 %) among
//! non-customer distractors, plus the truth (exposed customer ids).
//!
//! ```text
//! synth customers N SEED OUT.csv [PAD]
//! synth leak N SEED BYTES OUTDIR TRUTH.txt
//! ```
//! `OUT.csv` may be `-` (stdout, for streaming into `registry import -`);
//! `PAD` adds a `notes` column of that many bytes per row, to make a CSV
//! of many gigabytes without millions more customers.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use bw_scope::synth::{self, CSV_HEADER};

const FILE_BYTES: u64 = 64 << 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let num = |i: usize| -> Result<u64, Box<dyn std::error::Error>> {
        Ok(args.get(i).ok_or("missing argument")?.parse()?)
    };
    match args.get(1).map(String::as_str) {
        Some("customers") => {
            let (n, seed) = (num(2)?, num(3)?);
            let pad = if args.len() > 5 { num(5)? as usize } else { 0 };
            let out = args.get(4).ok_or("OUT")?;
            let sink: Box<dyn Write> = if out == "-" {
                Box::new(std::io::stdout().lock())
            } else {
                Box::new(File::create(out)?)
            };
            let mut w = BufWriter::with_capacity(1 << 20, sink);
            let notes = "n".repeat(pad);
            if pad == 0 {
                writeln!(w, "{CSV_HEADER}")?;
            } else {
                writeln!(w, "{CSV_HEADER},notes")?;
            }
            for i in 0..n {
                let row = synth::csv_row(&synth::customer(seed, i));
                if pad == 0 {
                    writeln!(w, "{row}")?;
                } else {
                    writeln!(w, "{row},{notes}")?;
                }
            }
            w.flush()?;
        }
        Some("leak") => {
            let (n, seed, bytes) = (num(2)?, num(3)?, num(4)?);
            leak(
                n,
                seed,
                bytes,
                Path::new(args.get(5).ok_or("OUTDIR")?),
                Path::new(args.get(6).ok_or("TRUTH")?),
            )?;
        }
        _ => {
            return Err(
                "usage: synth customers N SEED OUT [PAD] | synth leak N SEED BYTES OUTDIR TRUTH"
                    .into(),
            )
        }
    }
    Ok(())
}

fn leak(n: u64, seed: u64, bytes: u64, dir: &Path, truth: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let exposed: Vec<u64> = (0..n).filter(|i| i % 100 == 37).collect();
    // About 90 bytes a line: spread the exposed customers evenly.
    let lines = (bytes / 90).max(1);
    let stride = (lines / exposed.len().max(1) as u64).max(1);
    let mut t = BufWriter::new(File::create(truth)?);
    let (mut written, mut line, mut file_no, mut next) = (0u64, 0u64, 0u32, 0usize);
    let mut distractor = 0u64;
    while written < bytes || next < exposed.len() {
        let csv = file_no % 2 == 0;
        let path = dir.join(format!(
            "part-{file_no:04}.{}",
            if csv { "csv" } else { "jsonl" }
        ));
        let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
        let mut in_file = 0u64;
        if csv {
            let h = "order_id,customer,email,phone,amount\n";
            w.write_all(h.as_bytes())?;
            in_file += h.len() as u64;
        }
        while in_file < FILE_BYTES && (written + in_file < bytes || next < exposed.len()) {
            let customer = line % stride == 0 && next < exposed.len();
            let p = if customer {
                let c = synth::customer(seed, exposed[next]);
                writeln!(t, "{}", c.id)?;
                next += 1;
                c
            } else {
                distractor += 1;
                synth::distractor(seed, distractor % 10_000_000)
            };
            // Vary what is exposed: email only, national phone only, both.
            let (email, phone) = match line % 3 {
                0 => (p.email.clone(), String::new()),
                1 => (String::new(), p.phone.clone()),
                _ => (p.email.to_uppercase(), p.phone_intl.clone()),
            };
            let row = if csv {
                format!(
                    "{line},{} {},{email},{phone},{}.{:02}\n",
                    p.first,
                    p.last,
                    line % 500,
                    line % 100
                )
            } else {
                format!(
                    "{{\"id\":{line},\"name\":\"{} {}\",\"email\":\"{email}\",\"tel\":\"{phone}\",\"total\":{}}}\n",
                    p.first,
                    p.last,
                    line % 500
                )
            };
            w.write_all(row.as_bytes())?;
            in_file += row.len() as u64;
            line += 1;
        }
        w.flush()?;
        written += in_file;
        file_no += 1;
    }
    t.flush()
}
