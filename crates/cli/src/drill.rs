//! `breachwatch drill`: a whole synthetic breach through every stage —
//! generate → scan → registry import → scope → incident → obligations →
//! notify — on embedded defaults in one directory, scored against the
//! scenario's truth. The drill itself is `bw_drill::run`; this is its
//! flags, defaults, spinner and output.
//!
//! The output directory is a self-contained data directory: `leak/`,
//! `customers.csv`, `registry/` with its key in `keys/`, the SQLite store,
//! the truth files and `report.{json,md,html}`. Nothing outside it is read
//! or written (no config file, no `BREACHWATCH_HOME`).
//!
//! Exit codes: 0 every stage met the truth, 1 a stage missed (the report
//! names what), 2 the drill could not run.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use bw_detect::Kind;
use bw_drill::report::Stage;
use bw_drill::{GenOptions, Progress, Scenario};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use time::OffsetDateTime;

use crate::exit;

#[derive(Args, Debug)]
pub struct DrillArgs {
    /// product-pages (default), contractor-export or log-bucket.
    #[arg(long, default_value = "product-pages")]
    pub scenario: String,
    /// Size of the synthetic customer base.
    #[arg(long, default_value_t = 20_000)]
    pub customers: u64,
    /// Customers the leak exposes [default: one in 25].
    #[arg(long)]
    pub exposed: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for the drill's data and reports [default: a new
    /// directory under the system temp dir]. An existing directory must be
    /// empty or an earlier drill's.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Scanning threads [default: all cores].
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Test only: drop the scan's findings of this kind, to show a drill
    /// failing on a detector that misses.
    #[arg(long, hide = true, value_name = "KIND")]
    pub weaken_detector: Vec<String>,
}

pub fn run(args: DrillArgs) -> Result<u8> {
    let scenario: Scenario = args.scenario.parse()?;
    let mut weakened = Vec::new();
    for k in &args.weaken_detector {
        weakened.push(k.parse::<Kind>()?);
    }
    // The temp dir comes from the environment, which only the CLI reads.
    let out = args.out.unwrap_or_else(|| {
        let stamp = OffsetDateTime::now_utc().unix_timestamp();
        std::env::temp_dir().join(format!("breachwatch-drill-{stamp}-{}", std::process::id()))
    });
    let out = bw_drill::out_dir::prepare(&out)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = GenOptions {
        scenario,
        customers: args.customers,
        exposed: args.exposed,
        seed: args.seed,
    };
    let report = bw_drill::run::run(&out, &opts, threads, &weakened, &mut Spinner::new())?;
    report
        .write(&out)
        .with_context(|| format!("writing the reports into {}", out.display()))?;
    print!("{}", report.to_text());
    println!(
        "\nreports: {}, {}, {}",
        out.join("report.json").display(),
        out.join("report.md").display(),
        out.join("report.html").display()
    );
    Ok(if report.passed {
        exit::CLEAN
    } else {
        exit::FOUND
    })
}

/// The running stage's line on a terminal, then a line of its figures
/// (nothing when stderr is not a terminal).
struct Spinner {
    terminal: bool,
    bar: Option<ProgressBar>,
}

impl Spinner {
    fn new() -> Spinner {
        Spinner {
            terminal: std::io::stderr().is_terminal(),
            bar: None,
        }
    }
}

impl Progress for Spinner {
    fn started(&mut self, stage: &str) {
        if !self.terminal {
            return;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(stage.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        self.bar = Some(bar);
    }

    fn finished(&mut self, stage: &Stage) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            eprintln!(
                "✓ {:<14} {:>7.2}s  {}",
                stage.name, stage.seconds, stage.detail
            );
        }
    }
}
