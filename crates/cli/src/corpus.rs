//! `breachwatch corpus`: generate the labelled evaluation corpus, and score
//! a scan's JSON Lines findings against its labels.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use bw_corpus::{GenOptions, ScoreOptions};
use clap::{Subcommand, ValueEnum};

use crate::exit;

#[derive(Subcommand, Debug)]
pub enum CorpusCommand {
    /// Write a synthetic retailer's data with exact labels (`truth.jsonl`).
    Generate {
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Seed: the same seed gives the same bytes on every platform.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Approximate size in MiB (default: a small evaluation corpus).
        #[arg(long, default_value_t = bw_corpus::DEFAULT_SIZE_MB)]
        size_mb: u64,
        /// Do not write `truth.jsonl` (for benchmark data).
        #[arg(long)]
        no_truth: bool,
        /// One big file of mixed content instead of a tree of files.
        #[arg(long)]
        single_file: bool,
    },
    /// Print the generator's customers as JSON Lines, one per customer, each
    /// cell with its kind (for `scripts/realtools.py`, which hands them to
    /// real tools and labels what they write).
    Customers {
        /// Seed: the same seed gives the same customers.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many customers.
        #[arg(long, default_value_t = 200)]
        count: usize,
    },
    /// Score findings (`breachwatch scan DIR --format jsonl`) against DIR's labels.
    ///
    /// A finding matches a label of the same kind when their byte ranges
    /// overlap with intersection-over-union >= 0.5; each label matches once.
    Score {
        /// The corpus directory (holds `truth.jsonl`).
        dir: PathBuf,
        /// Findings as JSON Lines; `-` or absent reads stdin.
        #[arg(long)]
        findings: Option<PathBuf>,
        /// Score only these kinds (comma-separated).
        #[arg(long)]
        kinds: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ScoreFormat::Human)]
        format: ScoreFormat,
        /// F1 floors, e.g. `email=0.97,phone_number=0.92`; exit 1 if one is missed.
        #[arg(long)]
        min_f1: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ScoreFormat {
    Human,
    Json,
}

pub fn run(cmd: CorpusCommand) -> Result<u8> {
    match cmd {
        CorpusCommand::Generate {
            out,
            seed,
            size_mb,
            no_truth,
            single_file,
        } => {
            let opts = GenOptions {
                out: out.clone(),
                seed,
                size_mb,
                truth: !no_truth,
                single_file,
            };
            let s = bw_corpus::generate(&opts)
                .with_context(|| format!("generating corpus in {}", out.display()))?;
            let labels = if no_truth {
                "no truth file".to_string()
            } else {
                format!("{} labels in {}", s.labels, bw_corpus::TRUTH_FILE)
            };
            eprintln!(
                "wrote {} files, {} bytes, {labels} to {}",
                s.files,
                s.bytes,
                out.display()
            );
            Ok(exit::CLEAN)
        }
        CorpusCommand::Customers { seed, count } => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            for c in bw_corpus::customers::customers(seed, count) {
                serde_json::to_writer(&mut out, &c)?;
                writeln!(out)?;
            }
            out.flush()?;
            Ok(exit::CLEAN)
        }
        CorpusCommand::Score {
            dir,
            findings,
            kinds,
            format,
            min_f1,
        } => {
            // Parse floors first: a typo should not cost a full scoring run.
            let floors = min_f1
                .as_deref()
                .map(bw_corpus::parse_floors)
                .transpose()?
                .unwrap_or_default();
            let findings: Vec<bw_corpus::Finding> = match findings {
                Some(p) if p.as_os_str() != "-" => {
                    let f = File::open(&p)
                        .with_context(|| format!("opening findings {}", p.display()))?;
                    bw_corpus::read_jsonl(BufReader::new(f), &p.display().to_string())?
                }
                _ => bw_corpus::read_jsonl(io::stdin().lock(), "stdin")?,
            };
            let kinds = kinds.map(|k| {
                k.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            });
            let report = bw_corpus::score_dir(&dir, findings, &ScoreOptions { kinds })?;
            let missed = report.check_floors(&floors);
            match format {
                ScoreFormat::Human => {
                    print!("{}", report.to_human());
                    for m in &missed {
                        println!("FLOOR MISSED: {m}");
                    }
                }
                ScoreFormat::Json => {
                    let v = serde_json::json!({
                        "report": report,
                        "floors_missed": missed.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                    });
                    println!("{}", serde_json::to_string_pretty(&v)?);
                }
            }
            Ok(if missed.is_empty() {
                exit::CLEAN
            } else {
                exit::FOUND
            })
        }
    }
}
