//! `bw-drill`: a whole synthetic breach run through every breachwatch stage
//! and scored against the truth it was generated with.
//!
//! [`scenario::generate`] writes a retailer's customer base and a leak
//! (product pages, a contractor export, a log bucket) into a directory and
//! returns the [`scenario::Truth`]: every span of personal data it wrote
//! (byte ranges into the leak's members) and which customers it exposed,
//! with which elements. [`run::run`] then takes that data through the same
//! libraries the commands use — scan → registry import → scope → incident →
//! obligations → notify plan → notify send to an in-process SMTP sink — and
//! [`report`] scores each stage against the truth and renders the result as
//! text, Markdown, HTML and the stable `report.json` (documented in
//! `docs/drill.md`). The CLI is glue: flags, defaults, a spinner fed by
//! [`Progress`], and writing the report out.
//!
//! What it must never do:
//! - print: progress goes to the caller's [`Progress`], failures to
//!   [`Error`], results into the [`Report`];
//! - read or write anything outside the output directory it is given (no
//!   config file, no environment, no `BREACHWATCH_HOME`), and clear a
//!   directory that is not an earlier drill's ([`out_dir::prepare`]);
//! - generate a real person's data: names come from the census lists
//!   `bw-corpus` ships for generators, never from the detectors' own name
//!   lists (a drill drawn from them would only test that they know
//!   themselves); emails and phones come from reserved or synthetic ranges;
//! - judge a stage by anything but the truth it generated: a figure the
//!   drill could not measure is reported as not measured, never filled in.

mod doc;
pub mod out_dir;
pub mod people;
pub mod progress;
pub mod report;
pub mod run;
pub mod scenario;
mod stages;

use std::path::PathBuf;

pub use progress::{Progress, Quiet};
pub use report::{Floors, Report};
pub use scenario::{generate, GenOptions, Generated, Scenario, Truth};

/// Why the generator, a stage of the drill or a report writer failed. The
/// stage variants say what the drill was doing; `source` says why it failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("unknown scenario {0:?} (known: product-pages, contractor-export, log-bucket)")]
    UnknownScenario(String),
    #[error("{0}")]
    Invalid(String),

    /// Preparing the output directory (or a directory inside it).
    #[error("{doing} {}", path.display())]
    OutDir {
        doing: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Clearing it could delete someone's files.
    #[error("{} is not empty and not an earlier drill's directory: give an empty or new --out", .0.display())]
    NotADrillDir(PathBuf),
    #[error("starting the async runtime")]
    Runtime(#[source] std::io::Error),

    #[error("generating the {scenario} scenario")]
    Generate {
        scenario: String,
        #[source]
        source: Box<Error>,
    },
    /// The scan walker gave up on an input; the message names it.
    #[error("scanning the leak: {0}")]
    Scan(String),
    #[error("{doing}")]
    Registry {
        doing: String,
        #[source]
        source: bw_registry::Error,
    },
    #[error("the registry recorded no customer source")]
    NoCustomerSource,
    #[error("scoping the leak")]
    Scope(#[source] bw_scope::Error),
    /// A store operation of the incident, obligations or notify stage.
    #[error("{stage}: {doing}")]
    Store {
        stage: &'static str,
        doing: String,
        #[source]
        source: bw_store::StoreError,
    },
    #[error("computing obligations")]
    Obligations(#[source] bw_incident::Error),
    #[error("evaluating obligations")]
    Evaluate(#[source] Box<Error>),
    #[error("loading notice content rules")]
    NoticeRules(#[source] bw_law::RuleError),
    /// The embedded templates cannot produce a lawful notice: one line each.
    #[error("notice template problems:\n  {}", .0.join("\n  "))]
    Templates(Vec<String>),
    #[error("{doing}")]
    Notify {
        doing: &'static str,
        #[source]
        source: bw_notify::NotifyError,
    },
    #[error("starting the in-process SMTP sink")]
    SmtpSink(#[source] std::io::Error),
}

impl Error {
    /// For `map_err`: an I/O error on `path`.
    pub fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
