//! The `breachwatch` binary: flags, configuration, and glue between the
//! library crates. Command bodies stay thin; the work is in the libraries.
//!
//! Only this crate reads the environment and the config file.

mod canary;
mod corpus;
mod drill;
mod evidence;
mod facts;
mod home;
mod incident;
mod lake;
mod notify;
mod plan;
mod progress;
mod registry;
mod remote;
mod scan;
mod scope;
mod serve;
mod token;
mod user;

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
    /// List sources into byte-balanced splits for batch engines (Spark,
    /// array jobs); each task then runs `scan --plan FILE --split K`.
    Plan(plan::PlanArgs),
    /// Generate the labelled evaluation corpus, or score a scan against it.
    #[command(subcommand)]
    Corpus(corpus::CorpusCommand),
    /// Build and update the customer registry (keyed fingerprints only).
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
    /// Which customers a leak exposes, and which of their fields.
    Scope(scope::ScopeArgs),
    /// Incident records: evidence, affected customers, status, obligations.
    #[command(subcommand)]
    Incident(incident::IncidentCommand),
    /// Verify an incident's tamper-evident audit log.
    #[command(subcommand)]
    Audit(incident::AuditCommand),
    /// Notify affected customers: templates, outbox, SMTP delivery, proof.
    #[command(subcommand)]
    Notify(notify::NotifyCommand),
    /// Run a whole synthetic breach through every stage and report on each.
    Drill(drill::DrillArgs),
    /// Serve the HTTP API (authenticated) on the same store and libraries.
    Serve(serve::ServeArgs),
    /// API tokens for the server: create (shown once), list, revoke.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Local users of the server's login: add, list, disable.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Canary customers per data recipient, and their sightings.
    #[command(subcommand)]
    Canary(canary::CanaryCommand),
}

/// mimalloc: the matcher's many short-lived strings cost glibc malloc a
/// seventh of scope's time (chunk consolidation); see docs/benchmarks.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Corpus(cmd) => corpus::run(cmd),
        Command::Registry(cmd) => registry::run(cmd),
        Command::Scope(args) => scope::run(args),
        Command::Incident(cmd) => incident::run(cmd),
        Command::Audit(cmd) => incident::run_audit(cmd),
        Command::Notify(cmd) => notify::run(cmd),
        Command::Drill(args) => drill::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Token(cmd) => token::run(cmd),
        Command::User(cmd) => user::run(cmd),
        Command::Canary(cmd) => canary::run(cmd),
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
