//! The kinds live in the leaf crate `bw-kind`, shared with the corpus.

pub use bw_kind::{Kind, KindSet, ParseKindError};
