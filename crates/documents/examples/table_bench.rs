//! Reads one Parquet or SQLite file through `bw_documents::read` into a
//! sink that only counts, and prints rows, text bytes, seconds, MB/s of
//! file and rows/s: the reader's own cost, for `docs/benchmarks.md`.
//!
//! ```text
//! cargo build --release -p bw-documents --example table_bench
//! /usr/bin/time -v target/release/examples/table_bench parquet customers.parquet
//! target/release/examples/table_bench sqlite shop.db [--nested]
//! ```
//! `--nested` reads without the path, as a member of an archive would be.

use std::io;
use std::time::Instant;

use bw_documents::{DocFormat, Limits, Shape, Sink, Source};

#[derive(Default)]
struct Count {
    parts: u64,
    rows: u64,
    cells: u64,
    text: u64,
}

impl Sink for Count {
    fn part(&mut self, _name: &str, _shape: Shape) -> io::Result<()> {
        self.parts += 1;
        Ok(())
    }

    fn header(&mut self, _columns: &[&str]) -> io::Result<()> {
        Ok(())
    }

    fn row(&mut self, _index: u64, cells: &[(u32, &str)]) -> io::Result<()> {
        self.rows += 1;
        self.cells += cells.len() as u64;
        self.text += cells.iter().map(|(_, t)| t.len() as u64).sum::<u64>();
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (format, path) = match args.as_slice() {
        [f, p, ..] => (f.as_str(), std::path::PathBuf::from(p)),
        _ => return Err("usage: table_bench parquet|sqlite FILE [--nested]".into()),
    };
    let nested = args.iter().any(|a| a == "--nested");
    let format = match format {
        "parquet" => DocFormat::Parquet,
        "sqlite" => DocFormat::Sqlite,
        other => return Err(format!("not a table format: {other}").into()),
    };
    let mut file = std::fs::File::open(&path)?;
    let len = file.metadata()?.len();
    let mut sink = Count::default();
    let start = Instant::now();
    bw_documents::read(
        format,
        Source {
            reader: &mut file,
            len,
            path: (!nested).then_some(path.as_path()),
        },
        &Limits::default(),
        &mut sink,
    )?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{format}: {} parts, {} rows, {} cells, {} text bytes from {len} file bytes in {secs:.2} s: \
         {:.1} MB/s of file, {:.1} MB/s of text, {:.0} rows/s",
        sink.parts,
        sink.rows,
        sink.cells,
        sink.text,
        len as f64 / secs / 1e6,
        sink.text as f64 / secs / 1e6,
        sink.rows as f64 / secs,
    );
    Ok(())
}
