//! Normalisation of identifiers before fingerprinting.
//!
//! The very same functions run on import (customer rows) and on lookup
//! (values extracted from a leak): any asymmetry here silently loses
//! matches, so nothing else in the crate normalises on its own.
//!
//! Each normaliser returns an *exact* form and, where it applies, a
//! *variant* form (Gmail dots/`+tags` folded, diacritics folded). Both are
//! fingerprinted; a match through a variant is reported as such so callers
//! can weigh it lower.

pub mod email;
pub mod name;
pub mod phone;

/// The forms of one identifier that get fingerprinted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forms {
    /// The normalised value itself.
    pub exact: String,
    /// A looser form that still denotes the same person or mailbox, present
    /// only when it differs from `exact`.
    pub variant: Option<String>,
}

impl Forms {
    pub(crate) fn new(exact: String, variant: String) -> Forms {
        let variant = (variant != exact).then_some(variant);
        Forms { exact, variant }
    }
}
