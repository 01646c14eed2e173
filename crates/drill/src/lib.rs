//! `bw-drill`: synthetic breaches with known ground truth, and the report
//! of a drill that ran one through breachwatch.
//!
//! [`scenario::generate`] writes a retailer's customer base and a leak
//! (product pages, a contractor export, a log bucket) into a directory and
//! returns the [`scenario::Truth`]: every span of personal data it wrote
//! (byte ranges into the leak's members) and which customers it exposed,
//! with which elements. The pipeline stages themselves run in the CLI; this
//! crate then scores what they found against the truth ([`report`]) and
//! renders the result as text, Markdown, HTML and the stable `report.json`
//! (documented in `docs/drill.md`).
//!
//! What it must never do: generate a real person's data (names come from
//! the census lists `bw-corpus` ships for generators, emails and phones from
//! reserved or synthetic ranges), or judge a stage by anything but the
//! truth it generated: a figure the drill could not measure is reported as
//! not measured, never filled in.

mod doc;
pub mod people;
pub mod report;
pub mod scenario;

pub use report::{Floors, Report};
pub use scenario::{generate, GenOptions, Generated, Scenario, Truth};

/// Errors of the generator and the report writers, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("unknown scenario {0:?} (known: product-pages, contractor-export, log-bucket)")]
    UnknownScenario(String),
    #[error("{0}")]
    Invalid(String),
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
