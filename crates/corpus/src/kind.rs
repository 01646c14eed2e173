//! The kinds the corpus labels are the scanner's own names, from the leaf
//! crate `bw-kind`: a label and a finding of the same kind compare equal
//! by name, and the corpus still shares no detector code or data.

pub use bw_kind::Kind;
