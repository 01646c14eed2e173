//! Why a breach happened, as far as the rules care: some duties turn on it
//! (Japan's wrongful act, Korea's hacking, New York's inadvertent-disclosure
//! exception). The names live in `bw-terms`, shared with the store.

pub use bw_terms::{Cause, ParseCauseError};
