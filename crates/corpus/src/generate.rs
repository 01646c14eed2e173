//! Writes a corpus to disk: files of every format plus `truth.jsonl`,
//! streamed so memory stays bounded whatever the size.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::doc::Doc;
use crate::formats::Format;
use crate::values::Gen;
use crate::CorpusError;

/// The labels file, next to the data.
pub const TRUTH_FILE: &str = "truth.jsonl";
/// Default corpus size: small enough to score in seconds, large enough
/// that every kind has hundreds of positives.
pub const DEFAULT_SIZE_MB: u64 = 4;

/// Flush a file's buffer once it holds this much, so a 2 GB single file
/// never sits in memory.
const FLUSH_AT: usize = 1 << 20;

#[derive(Clone, Debug)]
pub struct GenOptions {
    pub out: PathBuf,
    pub seed: u64,
    pub size_mb: u64,
    pub truth: bool,
    pub single_file: bool,
}

#[derive(Clone, Debug, Default)]
pub struct GenSummary {
    pub files: u64,
    pub bytes: u64,
    pub labels: u64,
}

struct Writer {
    out: PathBuf,
    truth: Option<BufWriter<File>>,
    summary: GenSummary,
}

impl Writer {
    fn flush(
        &mut self,
        rel: &str,
        file: &mut BufWriter<File>,
        d: &mut Doc,
    ) -> Result<(), CorpusError> {
        let path = self.out.join(rel);
        file.write_all(&d.buf)
            .map_err(|e| CorpusError::io(&path, e))?;
        if let Some(t) = self.truth.as_mut() {
            for s in &d.spans {
                let line = serde_json::json!({
                    "path": rel, "start": s.start, "end": s.end, "kind": s.kind.as_str()
                });
                writeln!(t, "{line}").map_err(|e| CorpusError::io(self.out.join(TRUTH_FILE), e))?;
            }
        }
        self.summary.labels += d.spans.len() as u64;
        self.summary.bytes += d.buf.len() as u64;
        d.flushed += d.buf.len() as u64;
        d.buf.clear();
        d.spans.clear();
        Ok(())
    }

    fn create(&self, rel: &str) -> Result<BufWriter<File>, CorpusError> {
        let path = self.out.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| CorpusError::io(dir, e))?;
        }
        File::create(&path)
            .map(BufWriter::new)
            .map_err(|e| CorpusError::io(&path, e))
    }

    /// One file of one format, `target` bytes or a little more.
    fn write_file(
        &mut self,
        g: &mut Gen,
        fmt: Format,
        rel: &str,
        target: u64,
    ) -> Result<(), CorpusError> {
        let mut file = self.create(rel)?;
        let mut d = Doc::default();
        fmt.header(g, &mut d);
        let mut first = true;
        while d.pos() < target {
            if !first {
                fmt.between(&mut d);
            }
            first = false;
            fmt.record(g, &mut d);
            if d.buf.len() >= FLUSH_AT {
                self.flush(rel, &mut file, &mut d)?;
            }
        }
        fmt.footer(g, &mut d);
        self.flush(rel, &mut file, &mut d)?;
        file.flush()
            .map_err(|e| CorpusError::io(self.out.join(rel), e))?;
        self.summary.files += 1;
        Ok(())
    }

    /// One file mixing every format, block by block (for the single big
    /// file memory check).
    fn write_single(&mut self, g: &mut Gen, rel: &str, target: u64) -> Result<(), CorpusError> {
        let mut file = self.create(rel)?;
        let mut d = Doc::default();
        while d.pos() < target {
            let fmt = Format::ALL[g.rng.usize(Format::ALL.len())];
            fmt.header(g, &mut d);
            for i in 0..g.rng.range(5, 40) {
                if i > 0 {
                    fmt.between(&mut d);
                }
                fmt.record(g, &mut d);
            }
            fmt.footer(g, &mut d);
            d.s("\n");
            if d.buf.len() >= FLUSH_AT {
                self.flush(rel, &mut file, &mut d)?;
            }
        }
        self.flush(rel, &mut file, &mut d)?;
        file.flush()
            .map_err(|e| CorpusError::io(self.out.join(rel), e))?;
        self.summary.files += 1;
        Ok(())
    }
}

/// Generates the corpus described by `opts` into `opts.out` (created if
/// missing). Same options, same bytes.
pub fn generate(opts: &GenOptions) -> Result<GenSummary, CorpusError> {
    if opts.size_mb == 0 {
        return Err(CorpusError::Invalid("--size-mb must be at least 1".into()));
    }
    fs::create_dir_all(&opts.out).map_err(|e| CorpusError::io(&opts.out, e))?;
    let truth_path = opts.out.join(TRUTH_FILE);
    let truth = if opts.truth {
        Some(BufWriter::new(
            File::create(&truth_path).map_err(|e| CorpusError::io(&truth_path, e))?,
        ))
    } else {
        // A stale truth file from an earlier run would no longer describe the data.
        match fs::remove_file(&truth_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(CorpusError::io(&truth_path, e)),
        }
        None
    };
    let mut w = Writer {
        out: opts.out.clone(),
        truth,
        summary: GenSummary::default(),
    };
    let mut g = Gen::new(opts.seed);
    let total = opts.size_mb << 20;
    if opts.single_file {
        w.write_single(&mut g, &format!("mixed-{}mb.txt", opts.size_mb), total)?;
    } else {
        // Bigger corpora get bigger files, not only more of them, as real
        // exports and logs do.
        let scale = (opts.size_mb / 64).max(1);
        let mut counters = [0u32; Format::ALL.len()];
        'outer: loop {
            for (i, fmt) in Format::ALL.iter().enumerate() {
                if w.summary.bytes >= total {
                    break 'outer;
                }
                counters[i] += 1;
                let (dir, stem, ext) = fmt.naming();
                let rel = format!("{dir}/{stem}-{:05}.{ext}", counters[i]);
                let target = fmt.base_file_size() as u64 * scale;
                w.write_file(&mut g, *fmt, &rel, target)?;
            }
        }
    }
    if let Some(mut t) = w.truth.take() {
        t.flush().map_err(|e| CorpusError::io(&truth_path, e))?;
    }
    Ok(w.summary)
}

/// Every data file of a corpus (relative paths, `/`-separated, sorted),
/// excluding the labels file.
pub fn list_files(dir: &Path) -> Result<Vec<String>, CorpusError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).map_err(|e| CorpusError::io(&d, e))? {
            let entry = entry.map_err(|e| CorpusError::io(&d, e))?;
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let rel = rel.join("/");
                if rel != TRUTH_FILE {
                    out.push(rel);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}
