//! `bw-detect` finds personal data in byte slices.
//!
//! It is the engine under every breachwatch command: given bytes, it reports
//! [`Finding`]s — a kind, a byte range `[start, end)` into exactly the bytes it
//! was given, a score in `[0, 1]` and the name of the detector that fired.
//!
//! Detection is two-stage: cheap prefilters (`memchr`, byte-class loops)
//! propose candidates, and validators (Luhn, mod-97, numbering-plan metadata,
//! TLD lists, context words) decide. Validation only ever runs on candidates.
//!
//! This crate must never open files or sockets, allocate per input byte, or
//! keep the values it finds: callers own the bytes and decide what to print.
//!
//! ```
//! use bw_detect::{Engine, Kind};
//! let engine = Engine::new(Kind::ALL);
//! let mut out = Vec::new();
//! engine.scan(b"card: 4111 1111 1111 1111", &mut out);
//! assert_eq!(out[0].kind, Kind::PaymentCard);
//! ```

mod address;
mod context;
mod dob;
mod email;
mod engine;
mod finding;
pub mod hints;
mod ipv6;
mod kind;
mod label;
mod name;
mod numeric;
mod secret;
pub mod stream;
mod swar;

/// Numbering-plan facts (libphonenumber's metadata, compiled in) for
/// callers that normalise phone numbers the way the detector validates
/// them.
pub mod phone_plan {
    pub use crate::numeric::plan::{dialling, is_possible_e164_digits, Dialling};
}
#[cfg(test)]
mod testutil;

pub use engine::Engine;
pub use finding::Finding;
pub use hints::{Field, Hint, Hints};
pub use kind::{Kind, KindSet, ParseKindError};
pub use stream::{Hit, Start, StreamScanner};

/// How far before a finding's start a detector may look (for context words
/// and token boundaries). The streaming scanner keeps at least this many
/// bytes from the previous chunk, so chunked and whole-buffer scans agree.
pub const MAX_LOOKBEHIND: usize = 512;

/// How far past a finding's start a detector may look, the finding itself
/// included. Longer candidates are rejected, never truncated.
pub const MAX_LOOKAHEAD: usize = 512;
