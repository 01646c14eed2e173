//! What every bw-documents test shares: the Python with the document
//! libraries real files come from (and SheetJS, for xlsb), and a sink
//! that keeps what it got.
#![allow(dead_code)]

use std::io::{self, Cursor};
use std::path::{Path, PathBuf};
use std::process::Command;

use bw_documents::{DocError, DocFormat, Limits, Shape, Sink, Source};

/// The Python from `scripts/docs_python.sh` (`BW_DOCS_PYTHON`), or `None`
/// when it is not set and not required: the test then says so and skips.
/// Under `BW_REQUIRE_DOCS=1` (CI) a missing Python fails the test.
pub fn python() -> Option<PathBuf> {
    match std::env::var_os("BW_DOCS_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("BW_REQUIRE_DOCS").is_some() => {
            panic!("BW_REQUIRE_DOCS is set but BW_DOCS_PYTHON is not (run scripts/docs_python.sh)")
        }
        None => {
            eprintln!("skipped: BW_DOCS_PYTHON not set (export BW_DOCS_PYTHON=\"$(bash scripts/docs_python.sh)\")");
            None
        }
    }
}

/// Runs `script` with the docs Python in `dir`, passing `args`; panics
/// with its stderr when it fails.
pub fn run_python(py: &Path, dir: &Path, script: &str, args: &[&str]) {
    let out = Command::new(py)
        .current_dir(dir)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("start python");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The node_modules directory holding SheetJS, from `scripts/sheetjs.sh`
/// (`BW_SHEETJS_DIR`), or `None` when it is not set and not required: the
/// test then says so and skips. Under `BW_REQUIRE_SHEETJS=1` (CI) a
/// missing SheetJS fails the test.
pub fn sheetjs() -> Option<PathBuf> {
    match std::env::var_os("BW_SHEETJS_DIR") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("BW_REQUIRE_SHEETJS").is_some() => {
            panic!("BW_REQUIRE_SHEETJS is set but BW_SHEETJS_DIR is not (run scripts/sheetjs.sh)")
        }
        None => {
            eprintln!("skipped: BW_SHEETJS_DIR not set (export BW_SHEETJS_DIR=\"$(bash scripts/sheetjs.sh)\")");
            None
        }
    }
}

/// Runs `script` with node in `dir`, SheetJS resolvable as `require("xlsx")`
/// from `modules`, passing `args` (`process.argv[1]` on); panics with its
/// stderr when it fails.
pub fn run_node(modules: &Path, dir: &Path, script: &str, args: &[&str]) {
    let out = Command::new("node")
        .current_dir(dir)
        .env("NODE_PATH", modules)
        // SheetJS turns JavaScript dates into serials in local time.
        .env("TZ", "UTC")
        .arg("-e")
        .arg(script)
        .args(args)
        .output()
        .expect("start node");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A row's cells as a [`Collect`] keeps them, from literals.
pub fn cells(row: &[(u32, &str)]) -> Vec<(u32, String)> {
    row.iter().map(|(c, t)| (*c, t.to_string())).collect()
}

/// Where `needle` first occurs in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One part as a sink saw it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub shape: Option<Shape>,
    pub header: Vec<String>,
    /// `(index, [(column, text)])` per row.
    pub rows: Vec<(u64, Vec<(u32, String)>)>,
}

/// Keeps every part and row it is given.
#[derive(Debug, Default)]
pub struct Collect {
    pub parts: Vec<Part>,
}

impl Sink for Collect {
    fn part(&mut self, name: &str, shape: Shape) -> io::Result<()> {
        self.parts.push(Part {
            name: name.to_string(),
            shape: Some(shape),
            ..Part::default()
        });
        Ok(())
    }

    fn header(&mut self, columns: &[&str]) -> io::Result<()> {
        let part = self.parts.last_mut().expect("header before part");
        part.header = columns.iter().map(|c| c.to_string()).collect();
        Ok(())
    }

    fn row(&mut self, index: u64, cells: &[(u32, &str)]) -> io::Result<()> {
        let part = self.parts.last_mut().expect("row before part");
        let cells = cells.iter().map(|(c, t)| (*c, t.to_string())).collect();
        part.rows.push((index, cells));
        Ok(())
    }
}

impl Collect {
    /// The part named `name`.
    pub fn part(&self, name: &str) -> &Part {
        self.parts
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no part {name:?} in {:?}", self.names()))
    }

    pub fn names(&self) -> Vec<&str> {
        self.parts.iter().map(|p| p.name.as_str()).collect()
    }

    /// Every cell text of every part, in order, for "is it there" checks.
    pub fn texts(&self) -> Vec<&str> {
        self.parts
            .iter()
            .flat_map(|p| p.rows.iter())
            .flat_map(|(_, cells)| cells.iter().map(|(_, t)| t.as_str()))
            .collect()
    }
}

/// Reads `bytes` as `format` with `limits` (no path: as if nested in an archive).
pub fn read_bytes(
    format: DocFormat,
    bytes: &[u8],
    limits: &Limits,
) -> (Collect, Result<(), DocError>) {
    let mut sink = Collect::default();
    let mut cur = Cursor::new(bytes);
    let res = bw_documents::read(
        format,
        Source {
            reader: &mut cur,
            len: bytes.len() as u64,
            path: None,
        },
        limits,
        &mut sink,
    );
    (sink, res)
}

/// Reads the file at `path` as `format` (with its path, as a top-level file).
pub fn read_file(
    format: DocFormat,
    path: &Path,
    limits: &Limits,
) -> (Collect, Result<(), DocError>) {
    let mut sink = Collect::default();
    let mut file = std::fs::File::open(path).expect("open fixture");
    let len = file.metadata().expect("stat fixture").len();
    let res = bw_documents::read(
        format,
        Source {
            reader: &mut file,
            len,
            path: Some(path),
        },
        limits,
        &mut sink,
    );
    (sink, res)
}
