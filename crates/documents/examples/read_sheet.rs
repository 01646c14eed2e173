//! Reads one spreadsheet and prints what the reader handed over and how
//! fast: the bench for `bench/make_xlsx.py`'s files.
//!
//! `cargo run --release -p bw-documents --example read_sheet -- FILE [MAX_INFLATED_MIB]`
//!
//! The optional bound replaces [`Limits::max_inflated_bytes`]: an
//! openpyxl export of 200 MB holds about 1.4 GB of sheet XML, over the
//! default 1 GiB.

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
    let path = std::env::args_os().nth(1).ok_or("usage: read_sheet FILE")?;
    let path = std::path::PathBuf::from(path);
    let mut limits = Limits::default();
    if let Some(mib) = std::env::args().nth(2) {
        limits.max_inflated_bytes = mib.parse::<u64>()? << 20;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let format = match ext.as_str() {
        "xlsx" | "xlsm" => DocFormat::Xlsx,
        "xlsb" => DocFormat::Xlsb,
        "xls" => DocFormat::Xls,
        "ods" => DocFormat::Ods,
        _ => return Err(format!("not a spreadsheet extension: {ext:?}").into()),
    };
    let mut file = std::fs::File::open(&path)?;
    let len = file.metadata()?.len();
    let mut count = Count::default();
    let started = Instant::now();
    bw_documents::read(
        format,
        Source {
            reader: &mut file,
            len,
            path: Some(&path),
        },
        &limits,
        &mut count,
    )?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}: {:.1} MB in {secs:.2} s = {:.1} MB/s (file bytes); {} parts, {} rows, {} cells, {:.1} MB of cell text",
        path.display(),
        len as f64 / 1e6,
        len as f64 / 1e6 / secs,
        count.parts,
        count.rows,
        count.cells,
        count.text as f64 / 1e6,
    );
    Ok(())
}
