//! The `breachwatch` binary: flags, configuration, and glue between the
//! library crates. Command bodies stay thin; the work is in the libraries.
//!
//! Only this crate reads the environment and the config file.

mod corpus;
mod home;
mod progress;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes, as CI-style scanners use them.
pub mod exit {
    /// Nothing found.
    pub const CLEAN: u8 = 0;
    /// Personal data found.
    pub const FOUND: u8 = 1;
    /// An error occurred (wins over FOUND).
    pub const ERROR: u8 = 2;
}

#[derive(Parser)]
#[command(
    name = "breachwatch",
    version,
    about = "Find exposed personal data, work out who is affected, notify them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files, directories or stdin (`-`) for personal data.
    Scan(scan::ScanArgs),
    /// Generate the labelled evaluation corpus, or score a scan against it.
    #[command(subcommand)]
    Corpus(corpus::CorpusCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Corpus(cmd) => corpus::run(cmd),
    };
    match res {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("breachwatch: {err:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// Paths default to the current directory, as in ripgrep.
fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}
