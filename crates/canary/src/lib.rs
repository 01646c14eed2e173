//! `bw-canary`: canary customers — synthetic records unique to each data
//! recipient (a contractor, a vendor, an internal export) — and the
//! sightings that name the recipient who leaked them.
//!
//! What it does:
//! - draws plausible synthetic customers ([`gen`]): names from the 1990
//!   census lists `bw-corpus` ships (public domain, see
//!   `crates/corpus/data/PROVENANCE.md`), an email on the retailer's canary
//!   domain with a random local part (~36 bits) that still reads like a
//!   person's, a phone from a range reserved for fiction where the country
//!   has one, an address; shaped like the recipient's real export when
//!   given one ([`like`]);
//! - keeps them ([`db`]) as the registry's keyed fingerprints of their
//!   normalised identifiers (the `bw-registry` normalisers and
//!   [`bw_registry::Fingerprinter`]) plus one sealed display copy
//!   (XChaCha20-Poly1305 under a key kept beside the registry key,
//!   [`crypt`]), with what the recipient was given: the export's field
//!   names and row count, never its rows;
//! - refuses a canary that equals a registry customer, at issue time and
//!   for every registry import ([`db::CanaryDb::collisions`]);
//! - recognises canaries in scan findings in O(1) ([`set::CanarySet`],
//!   [`visitor::Watch`] around any `bw_scan::Visitor` that implements
//!   [`visitor::SeesCanaries`], which hears of each canary right after
//!   its finding — `scan` reports it as a `canary` finding — or
//!   [`visitor::Hits::check`] from a finding hook) and in mail
//!   ([`smtp`], a bounded SMTP receiver on `mailin`'s protocol engine);
//! - turns a sighting into one incident per recipient through the audited
//!   `bw-store` API, with the bounded extent, and a webhook alert retried
//!   with backoff ([`sighting`], [`webhook`]).
//!
//! What it must never do: store or log a canary's plaintext outside the
//! sealed copy (the state file holds fingerprints and ciphertext; errors,
//! alerts and incident records name canaries by id); keep the display key
//! in the state file or the store; store a mail's sender, subject or
//! headers unsealed; store a message body at all (its SHA-256 only); count
//! a name alone as a sighting (real people share canaries' names); let one
//! client's session (garbage, oversized data, endless recipients, silence)
//! stop the listener serving others.

pub mod crypt;
pub mod db;
pub mod gen;
pub mod like;
pub mod set;
pub mod sighting;
pub mod smtp;
pub mod visitor;
pub mod webhook;

mod error;

pub use error::{Error, Result};

/// Now, as the RFC 3339 UTC text the store uses (`2026-05-20T09:15:00.123456Z`).
pub fn now_ts() -> String {
    bw_store::format_ts(time::OffsetDateTime::now_utc()).unwrap_or_default()
}
