//! `bw-notify`: the user-visible end of a breach response — every affected
//! customer told exactly once, with proof.
//!
//! - [`templates`]: notice templates per jurisdiction and language
//!   (MiniJinja), rendered per customer and linted against the content each
//!   jurisdiction's law requires ([`bw_law::NoticeContent`]); the
//!   campaign's texts and the incident's description in each template's
//!   language where given ([`vars::NoticeTexts`]), lint warning where not.
//! - [`plan`]: one outbox row per (incident, customer, channel) in
//!   `bw-store`, idempotently.
//! - [`send`]: delivery over SMTP through the outbox with a rate limit,
//!   bounded concurrency, retries with backoff for 4xx, permanent failure for
//!   5xx, deterministic Message-IDs, and crash safety: a notice is marked
//!   sent only after the server accepted it, so a crash can only repeat the
//!   notices in flight (at most the concurrency).
//! - [`status`], [`regulator`]: progress against deadlines, and reports
//!   for regulators.
//! - [`sink`]: an SMTP server that accepts and records everything, for
//!   drills and benchmarks.
//!
//! This crate must never store or log a contact address or a rendered
//! notice: addresses are read from the customer source at send time and
//! only the Message-ID, the server's reply (addresses masked) and a hash of
//! the message are kept.

pub mod contacts;
pub mod lang;
pub mod lint;
pub mod message;
pub mod plan;
pub mod regulator;
pub mod send;
pub mod sink;
pub mod smtp;
pub mod status;
pub mod templates;
pub mod vars;

pub use plan::plan;
pub use send::{send, Campaign, Contact, ContactFeed, SendOptions, SendReport, SmtpSettings};
pub use templates::{Rendered, TemplateProblem, Templates};
pub use vars::{LanguageTexts, NoticeTexts};

/// The one channel built so far.
pub const EMAIL: &str = "email";

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] bw_store::StoreError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("template problems:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Templates(Vec<TemplateProblem>),
    #[error("SMTP server {server}: {reason}")]
    Smtp { server: String, reason: String },
    #[error("reading contacts from the customer source: {0}")]
    Contacts(String),
}

pub type Result<T, E = NotifyError> = std::result::Result<T, E>;
