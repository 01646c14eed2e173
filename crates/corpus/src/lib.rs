//! The labelled evaluation corpus for breachwatch's detectors, and the
//! scorer that compares a scan's findings with its labels.
//!
//! The generator writes a synthetic retailer's data (HTML pages, JSON API
//! responses, NDJSON events, CSV exports, web and app logs, mailboxes, SQL
//! dumps) from a seed, byte-for-byte reproducible on every platform, with
//! exact ground truth: every labelled span is a byte range into the file's
//! raw bytes. Hard negatives (role mailboxes, private IPs, version strings,
//! hashes, masked cards, brand names…) appear often and are never labelled.
//!
//! Label conventions: a span covers the value's raw bytes as written
//! (`jane&#64;example.com`, `jane%40example.com`, `O''Brien` in SQL, a name
//! split as `<b>Jane</b> Doe`, an address across `<br>` or newlines);
//! quotes and honorifics (`Dr.`, `Mme.`) stay outside; a `first_name` /
//! `last_name` field is labelled on its own; an undashed SSN is labelled
//! only after an `SSN:` context word. The laws' other elements (issue 28:
//! credentials, national, health, tax and bank numbers, licences,
//! passports, medical fields) come in a users dump, an identity
//! export, patient records and lines of the older formats (`records.rs`):
//! a username that is an email address is labelled as an email only, an
//! account number only beside an ABA-valid routing number, a `condition`
//! only in a patient's record.
//!
//! [`customers`] gives the same generator's customers as plain records,
//! each cell with its kind, for the corpus real tools write
//! (`scripts/realtools.py`: database dumps, Python's `csv` and `email`),
//! whose labels are those values found back in the tools' output.
//!
//! This crate must never use real people's data or a test-data generator's
//! word lists (Faker, fake-rs), and detectors must never use its name lists
//! (see `data/PROVENANCE.md`): otherwise the evaluation measures the
//! generator, not the detectors.

pub mod checks;
pub mod customers;
mod doc;
mod formats;
mod generate;
mod idvalues;
mod kind;
mod logs;
mod people;
mod records;
pub mod rng;
pub mod score;
pub mod validate;
mod values;

pub use generate::{generate, list_files, GenOptions, GenSummary, DEFAULT_SIZE_MB, TRUTH_FILE};
pub use idvalues::{ALLERGIES, CONDITIONS, DIAGNOSES, ICD10, MEDICATIONS};
pub use kind::Kind;
pub use people::{CENSUS_FEMALE_FIRST, CENSUS_LAST, CENSUS_MALE_FIRST};
pub use score::{
    parse_floors, read_jsonl, score, score_dir, Finding, FloorError, KindScore, Report,
    ScoreOptions, TruthSpan,
};

/// Errors of the generator and the scorer; each names the file involved.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} line {line}: {source}")]
    Json {
        what: String,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl CorpusError {
    pub(crate) fn io(path: impl Into<std::path::PathBuf>, source: std::io::Error) -> CorpusError {
        CorpusError::Io {
            path: path.into(),
            source,
        }
    }
}
